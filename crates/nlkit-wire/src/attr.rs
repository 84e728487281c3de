//! `struct nlattr`: type-length-value attributes, read lazily in place.
//!
//! [`Attrs`] walks a run of attributes over borrowed bytes and yields each as
//! an [`Attr`]; nothing is copied or allocated, nested attributes included.
//! Typed getters check the exact payload length and return
//! [`Error::AttrSize`] otherwise. Every attribute is yielded, known or not,
//! so a caller that does not recognise a type can keep its raw bytes.
//!
//! The top two bits of `nla_type` are flags: `NLA_F_NESTED` and
//! `NLA_F_NET_BYTEORDER`; [`Attr::kind`] masks them off.

use crate::align::{nla_align, NLA_HDRLEN};
use crate::Error;

mod field {
    use core::ops::Range;
    pub const LEN: Range<usize> = 0..2;
    pub const TYPE: Range<usize> = 2..4;
}

/// `NLA_F_NESTED`: the payload is itself a run of attributes.
pub const NLA_F_NESTED: u16 = 1 << 15;
/// `NLA_F_NET_BYTEORDER`: the payload is an integer in network byte order.
pub const NLA_F_NET_BYTEORDER: u16 = 1 << 14;
/// `NLA_TYPE_MASK`: the bits of `nla_type` that carry the type.
pub const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);

/// One attribute: its header fields and a borrowed payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attr<'a> {
    raw_type: u16,
    payload: &'a [u8],
}

impl<'a> Attr<'a> {
    /// An attribute with this raw `nla_type` (flags included) and payload.
    pub fn new(raw_type: u16, payload: &'a [u8]) -> Self {
        Attr { raw_type, payload }
    }

    /// The type, with `NLA_F_NESTED` and `NLA_F_NET_BYTEORDER` masked off.
    pub fn kind(&self) -> u16 {
        self.raw_type & NLA_TYPE_MASK
    }

    /// `nla_type` exactly as on the wire.
    pub fn raw_type(&self) -> u16 {
        self.raw_type
    }

    /// Whether `NLA_F_NESTED` is set.
    pub fn is_nested(&self) -> bool {
        self.raw_type & NLA_F_NESTED != 0
    }

    /// Whether `NLA_F_NET_BYTEORDER` is set.
    pub fn is_net_byteorder(&self) -> bool {
        self.raw_type & NLA_F_NET_BYTEORDER != 0
    }

    /// The payload bytes (padding excluded).
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// `nla_len`: header plus payload, padding excluded.
    pub fn len(&self) -> usize {
        NLA_HDRLEN + self.payload.len()
    }

    /// Whether the payload is empty (a flag attribute).
    pub fn is_empty(&self) -> bool {
        self.payload.is_empty()
    }

    fn fixed<const N: usize>(&self) -> Result<[u8; N], Error> {
        self.payload.try_into().map_err(|_| Error::AttrSize {
            kind: self.kind(),
            want: N,
            got: self.payload.len(),
        })
    }

    /// A `u8` payload.
    pub fn u8(&self) -> Result<u8, Error> {
        self.fixed::<1>().map(|b| b[0])
    }

    /// A `u16` payload in host byte order.
    pub fn u16(&self) -> Result<u16, Error> {
        self.fixed().map(u16::from_ne_bytes)
    }

    /// A `u32` payload in host byte order.
    pub fn u32(&self) -> Result<u32, Error> {
        self.fixed().map(u32::from_ne_bytes)
    }

    /// A `u64` payload in host byte order.
    pub fn u64(&self) -> Result<u64, Error> {
        self.fixed().map(u64::from_ne_bytes)
    }

    /// An `i8` payload.
    pub fn i8(&self) -> Result<i8, Error> {
        self.fixed().map(i8::from_ne_bytes)
    }

    /// An `i16` payload in host byte order.
    pub fn i16(&self) -> Result<i16, Error> {
        self.fixed().map(i16::from_ne_bytes)
    }

    /// An `i32` payload in host byte order.
    pub fn i32(&self) -> Result<i32, Error> {
        self.fixed().map(i32::from_ne_bytes)
    }

    /// An `i64` payload in host byte order.
    pub fn i64(&self) -> Result<i64, Error> {
        self.fixed().map(i64::from_ne_bytes)
    }

    /// A `u16` payload in network byte order (`__be16`, e.g. a port).
    pub fn be16(&self) -> Result<u16, Error> {
        self.fixed().map(u16::from_be_bytes)
    }

    /// A `u32` payload in network byte order (`__be32`).
    pub fn be32(&self) -> Result<u32, Error> {
        self.fixed().map(u32::from_be_bytes)
    }

    /// A `u64` payload in network byte order (`__be64`).
    pub fn be64(&self) -> Result<u64, Error> {
        self.fixed().map(u64::from_be_bytes)
    }

    /// An unsigned integer of 1, 2, 4 or 8 bytes (`NLA_UINT` is 4 or 8), in
    /// network byte order when `NLA_F_NET_BYTEORDER` is set, host order otherwise.
    pub fn uint(&self) -> Result<u64, Error> {
        let be = self.is_net_byteorder();
        let v = match self.payload.len() {
            1 => self.u8()? as u64,
            2 if be => self.be16()? as u64,
            2 => self.u16()? as u64,
            4 if be => self.be32()? as u64,
            4 => self.u32()? as u64,
            8 if be => self.be64()?,
            8 => self.u64()?,
            got => return Err(Error::AttrSize { kind: self.kind(), want: 8, got }),
        };
        Ok(v)
    }

    /// A NUL-terminated string (`NLA_NUL_STRING`), without its NUL. Bytes
    /// after the first NUL are ignored, as the kernel does.
    pub fn str(&self) -> Result<&'a str, Error> {
        let kind = self.kind();
        let end =
            self.payload.iter().position(|&b| b == 0).ok_or(Error::NotNulTerminated { kind })?;
        core::str::from_utf8(&self.payload[..end]).map_err(|_| Error::NotUtf8 { kind })
    }

    /// A string that may or may not carry a NUL (`NLA_STRING`): everything up
    /// to the first NUL, or the whole payload.
    pub fn string(&self) -> Result<&'a str, Error> {
        let end = self.payload.iter().position(|&b| b == 0).unwrap_or(self.payload.len());
        core::str::from_utf8(&self.payload[..end]).map_err(|_| Error::NotUtf8 { kind: self.kind() })
    }

    /// A flag (`NLA_FLAG`): present, with an empty payload.
    pub fn flag(&self) -> Result<(), Error> {
        self.fixed::<0>().map(|_| ())
    }

    /// The payload read as a run of nested attributes.
    pub fn nested(&self) -> Attrs<'a> {
        Attrs::new(self.payload)
    }

    /// The payload read as a nested array: each element is a nest whose type
    /// is its index (as `CTRL_ATTR_MCAST_GROUPS` or `IFLA_VF_INFO` lists).
    /// Yields `(index, the element's attributes)`.
    pub fn array(&self) -> impl Iterator<Item = Result<(u16, Attrs<'a>), Error>> + 'a {
        self.nested().map(|e| e.map(|e| (e.kind(), e.nested())))
    }
}

/// A lazy iterator over a run of attributes.
///
/// Yields `Err` once, for the first malformed attribute (a header cut short,
/// `nla_len` below 4 or past the end), then stops.
#[derive(Debug, Clone)]
pub struct Attrs<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> Attrs<'a> {
    /// Iterates over the attributes in `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Attrs { rest: bytes, failed: false }
    }

    /// The bytes not yet read.
    pub fn remaining(&self) -> &'a [u8] {
        self.rest
    }

    /// The first attribute of type `kind` (flags masked), reading from here on.
    pub fn find(self, kind: u16) -> Result<Option<Attr<'a>>, Error> {
        for attr in self {
            let attr = attr?;
            if attr.kind() == kind {
                return Ok(Some(attr));
            }
        }
        Ok(None)
    }

    /// Checks every attribute, returning the first error.
    pub fn validate(mut self) -> Result<(), Error> {
        self.try_for_each(|a| a.map(drop))
    }

    /// The error for what is left when it does not start a whole attribute.
    #[cold]
    fn malformed(&mut self) -> Error {
        self.failed = true;
        let have = self.rest.len();
        match self.rest.first_chunk::<NLA_HDRLEN>() {
            None => Error::Truncated { need: NLA_HDRLEN, have },
            Some(h) => match u16::from_ne_bytes([h[0], h[1]]) as usize {
                len if len < NLA_HDRLEN => Error::BadLength { len, min: NLA_HDRLEN },
                len => Error::Truncated { need: len, have },
            },
        }
    }
}

impl<'a> Iterator for Attrs<'a> {
    type Item = Result<Attr<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.rest;
        if self.failed || rest.is_empty() {
            return None;
        }
        // One length check covers the header; one comparison the payload.
        let Some(h) = rest.first_chunk::<NLA_HDRLEN>() else {
            return Some(Err(self.malformed()));
        };
        let len = u16::from_ne_bytes([h[field::LEN.start], h[field::LEN.start + 1]]) as usize;
        if len < NLA_HDRLEN || len > rest.len() {
            return Some(Err(self.malformed()));
        }
        let raw_type = u16::from_ne_bytes([h[field::TYPE.start], h[field::TYPE.start + 1]]);
        let (this, next) = rest.split_at(len);
        self.rest = next.get(nla_align(len) - len..).unwrap_or(&[]);
        Some(Ok(Attr { raw_type, payload: &this[NLA_HDRLEN..] }))
    }
}

impl core::iter::FusedIterator for Attrs<'_> {}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::vec::Vec;

    fn tlv(raw_type: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
        v.extend_from_slice(&raw_type.to_ne_bytes());
        v.extend_from_slice(payload);
        v.resize(nla_align(v.len()), 0);
        v
    }

    #[test]
    fn typed_getters_check_exact_length() {
        let a = Attr::new(3, &[1, 0, 0, 0]);
        assert_eq!(a.u32(), Ok(1));
        assert_eq!(a.i32(), Ok(1));
        assert_eq!(a.be32(), Ok(0x0100_0000));
        assert_eq!(a.u16(), Err(Error::AttrSize { kind: 3, want: 2, got: 4 }));
        assert_eq!(a.u64(), Err(Error::AttrSize { kind: 3, want: 8, got: 4 }));
        assert_eq!(a.u8(), Err(Error::AttrSize { kind: 3, want: 1, got: 4 }));
        assert_eq!(Attr::new(1, &[0xff]).i8(), Ok(-1));
        assert_eq!(Attr::new(1, &(-2i16).to_ne_bytes()).i16(), Ok(-2));
        assert_eq!(Attr::new(1, &(-3i64).to_ne_bytes()).i64(), Ok(-3));
        assert_eq!(Attr::new(1, &[0x12, 0x34]).be16(), Ok(0x1234));
        assert_eq!(Attr::new(1, &7u64.to_be_bytes()).be64(), Ok(7));
        assert_eq!(Attr::new(1, &[]).flag(), Ok(()));
        assert!(Attr::new(1, &[0]).flag().is_err());
    }

    #[test]
    fn uint_honours_byte_order_flag() {
        assert_eq!(Attr::new(1, &[0, 80]).uint(), Ok(u16::from_ne_bytes([0, 80]) as u64));
        assert_eq!(Attr::new(1 | NLA_F_NET_BYTEORDER, &[0, 80]).uint(), Ok(80));
        assert_eq!(Attr::new(1, &9u64.to_ne_bytes()).uint(), Ok(9));
        assert_eq!(Attr::new(1 | NLA_F_NET_BYTEORDER, &[0, 0, 1, 0]).uint(), Ok(256));
        assert!(Attr::new(1, &[1, 2, 3]).uint().is_err());
    }

    #[test]
    fn strings() {
        assert_eq!(Attr::new(1, b"lo\0").str(), Ok("lo"));
        assert_eq!(Attr::new(1, b"lo\0junk").str(), Ok("lo"));
        assert_eq!(Attr::new(1, b"lo").str(), Err(Error::NotNulTerminated { kind: 1 }));
        assert_eq!(Attr::new(1, b"lo").string(), Ok("lo"));
        assert_eq!(Attr::new(1, b"lo\0").string(), Ok("lo"));
        assert_eq!(Attr::new(1, b"\xff\0").str(), Err(Error::NotUtf8 { kind: 1 }));
        assert_eq!(Attr::new(1, b"").string(), Ok(""));
    }

    #[test]
    fn walks_nested_in_place() {
        let inner = [tlv(1, b"veth\0"), tlv(2, &[])].concat();
        let outer = [tlv(3, &1500u32.to_ne_bytes()), tlv(18 | NLA_F_NESTED, &inner)].concat();
        let attrs: Vec<_> = Attrs::new(&outer).collect::<Result<_, _>>().unwrap();
        assert_eq!(attrs.len(), 2);
        assert_eq!(attrs[0].u32(), Ok(1500));
        assert!(attrs[1].is_nested());
        assert_eq!(attrs[1].kind(), 18);
        let kind = attrs[1].nested().find(1).unwrap().unwrap();
        assert_eq!(kind.str(), Ok("veth"));
        assert_eq!(attrs[1].nested().count(), 2);
        assert!(Attrs::new(&outer).find(99).unwrap().is_none());
    }

    #[test]
    fn nested_arrays_use_index_as_type() {
        let items =
            [tlv(1 | NLA_F_NESTED, &tlv(1, b"a\0")), tlv(2 | NLA_F_NESTED, &tlv(1, b"b\0"))];
        let array = tlv(7 | NLA_F_NESTED, &items.concat());
        let a = Attrs::new(&array).next().unwrap().unwrap();
        let names: Vec<_> = a
            .array()
            .map(|e| {
                let (index, attrs) = e.unwrap();
                (index, attrs.find(1).unwrap().unwrap().str().unwrap())
            })
            .collect();
        assert_eq!(names, [(1, "a"), (2, "b")]);
    }

    #[test]
    fn malformed_attributes_are_errors() {
        assert_eq!(Attrs::new(&[8, 0]).next().unwrap(), Err(Error::Truncated { need: 4, have: 2 }));
        assert_eq!(
            Attrs::new(&[3, 0, 1, 0]).next().unwrap(),
            Err(Error::BadLength { len: 3, min: 4 })
        );
        assert_eq!(
            Attrs::new(&[0, 0, 1, 0]).next().unwrap(),
            Err(Error::BadLength { len: 0, min: 4 })
        );
        assert_eq!(
            Attrs::new(&[12, 0, 1, 0, 0, 0, 0, 0]).next().unwrap(),
            Err(Error::Truncated { need: 12, have: 8 })
        );
        let mut it = Attrs::new(&[3, 0, 1, 0, 8, 0, 1, 0, 0, 0, 0, 0]);
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none(), "fused after an error");
        assert!(Attrs::new(&[5, 0, 1, 0, 9]).validate().is_ok(), "last padding may be missing");
    }

    #[test]
    fn unknown_attributes_are_yielded() {
        let bytes = [tlv(1, &[1]), tlv(0x3fff, b"new kernel"), tlv(2, &[2])].concat();
        let kinds: Vec<_> = Attrs::new(&bytes).map(|a| a.unwrap().kind()).collect();
        assert_eq!(kinds, [1, 0x3fff, 2]);
    }
}
