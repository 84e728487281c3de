//! Writing messages and attributes into a buffer the caller owns.
//!
//! A [`Buffer`] is either a fixed slice ([`FixedBuf`]), which refuses to grow
//! past its end, or (with the `alloc` feature) a `Vec<u8>`. A
//! [`MessageBuilder`] appends one message to it: the header first, then a
//! family header and attributes. Every write is checked before any byte moves,
//! so a [`Error::BufferFull`] leaves the buffer as it was, and `nlmsg_len` is
//! kept current after each write. Attributes are padded as the kernel's
//! `nla_put` pads them. A nest is opened with [`MessageBuilder::nest`] and its
//! length patched by [`MessageBuilder::nest_end`].
//!
//! Several messages may share one buffer (a batch): each new builder starts at
//! the next aligned offset.

use crate::align::{nla_align, nlmsg_align, NLA_HDRLEN, NLMSG_HDRLEN};
use crate::attr::NLA_F_NESTED;
use crate::{Error, Header, MessageBuffer};
use core::ops::Range;

/// Storage a builder appends to.
pub trait Buffer {
    /// The bytes written so far.
    fn bytes(&self) -> &[u8];
    /// The bytes written so far, mutable.
    fn bytes_mut(&mut self) -> &mut [u8];
    /// Appends `n` zero bytes, or returns [`Error::BufferFull`] and changes nothing.
    fn extend_zeroed(&mut self, n: usize) -> Result<(), Error>;
    /// Shortens the written bytes to `len` (no-op if already shorter).
    fn truncate(&mut self, len: usize);
}

/// A caller-owned slice filled from the front.
#[derive(Debug)]
pub struct FixedBuf<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> FixedBuf<'a> {
    /// An empty buffer over `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        FixedBuf { buf, len: 0 }
    }

    /// Bytes written.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Forgets everything written.
    pub fn clear(&mut self) {
        self.len = 0;
    }
}

impl Buffer for FixedBuf<'_> {
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        &mut self.buf[..self.len]
    }

    fn extend_zeroed(&mut self, n: usize) -> Result<(), Error> {
        let have = self.buf.len() - self.len;
        if n > have {
            return Err(Error::BufferFull { need: n, have });
        }
        self.buf[self.len..self.len + n].fill(0);
        self.len += n;
        Ok(())
    }

    fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }
}

#[cfg(feature = "alloc")]
impl Buffer for alloc::vec::Vec<u8> {
    fn bytes(&self) -> &[u8] {
        self
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        self
    }

    fn extend_zeroed(&mut self, n: usize) -> Result<(), Error> {
        self.resize(self.len() + n, 0);
        Ok(())
    }

    fn truncate(&mut self, len: usize) {
        alloc::vec::Vec::truncate(self, len)
    }
}

/// An open nest: the offset of its `nlattr` header and its depth. Close it
/// with [`MessageBuilder::nest_end`] or drop it with
/// [`MessageBuilder::nest_cancel`], innermost first.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a nest must be closed with nest_end to patch its length"]
pub struct Nest {
    offset: usize,
    depth: u32,
}

/// Appends one message to a [`Buffer`]; see the module docs.
#[derive(Debug)]
#[must_use = "a message builder does nothing unless written to"]
pub struct MessageBuilder<'b, B: Buffer + ?Sized> {
    buf: &'b mut B,
    start: usize,
    /// Nests open now.
    depth: u32,
}

impl<'b, B: Buffer + ?Sized> MessageBuilder<'b, B> {
    /// Starts a message with `header` at the next aligned offset of `buf`.
    pub fn new(buf: &'b mut B, header: Header) -> Result<Self, Error> {
        let used = buf.bytes().len();
        let start = nlmsg_align(used);
        buf.extend_zeroed(start - used + NLMSG_HDRLEN)?;
        let mut b = MessageBuilder { buf, start, depth: 0 };
        header.emit(&mut b.message(), NLMSG_HDRLEN as u32);
        Ok(b)
    }

    /// A view of the message so far, to read or change header fields.
    pub fn message(&mut self) -> MessageBuffer<&mut [u8]> {
        MessageBuffer::new_unchecked(&mut self.buf.bytes_mut()[self.start..])
    }

    /// `nlmsg_len` so far.
    pub fn len(&self) -> usize {
        self.end() - self.start
    }

    /// Whether the message is a bare header.
    pub fn is_empty(&self) -> bool {
        self.len() == NLMSG_HDRLEN
    }

    /// The message bytes so far.
    pub fn bytes(&self) -> &[u8] {
        &self.buf.bytes()[self.start..]
    }

    fn end(&self) -> usize {
        self.buf.bytes().len()
    }

    /// Reserves `pad` + `n` bytes (checked once, all or nothing) and returns
    /// the `n` bytes after the padding, zeroed.
    fn reserve(&mut self, pad: usize, n: usize) -> Result<&mut [u8], Error> {
        let new_len = self.len() + pad + n;
        let len = u32::try_from(new_len).map_err(|_| Error::TooLong { len: new_len })?;
        let at = self.end() + pad;
        self.buf.extend_zeroed(pad + n)?;
        self.message().set_length(len);
        Ok(&mut self.buf.bytes_mut()[at..at + n])
    }

    fn pad_to_align(&self) -> usize {
        nla_align(self.end()) - self.end()
    }

    /// Appends `bytes` unchanged: a family header, or an opaque payload such
    /// as a text line. Like every write, it first pads what came before to 4
    /// bytes, and it adds no padding after (so `nlmsg_len` stays exact):
    /// `append(b"hel")` then `append(b"lo")` gives `hel\0lo`.
    pub fn append(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let pad = self.pad_to_align();
        self.reserve(pad, bytes.len())?.copy_from_slice(bytes);
        Ok(())
    }

    /// Appends `n` zero bytes, padded to 4, and returns them to fill in place
    /// (for a family header such as `struct ifinfomsg`).
    pub fn append_zeroed(&mut self, n: usize) -> Result<&mut [u8], Error> {
        let pad = self.pad_to_align();
        let padded = nla_align(n);
        Ok(&mut self.reserve(pad, padded)?[..n])
    }

    /// Appends an attribute with this raw `nla_type` (flags included) and payload.
    pub fn attr(&mut self, raw_type: u16, payload: &[u8]) -> Result<(), Error> {
        let len = NLA_HDRLEN + payload.len();
        let nla_len = u16::try_from(len).map_err(|_| Error::TooLong { len })?;
        let pad = self.pad_to_align();
        let out = self.reserve(pad, nla_align(len))?;
        out[..2].copy_from_slice(&nla_len.to_ne_bytes());
        out[2..4].copy_from_slice(&raw_type.to_ne_bytes());
        out[NLA_HDRLEN..len].copy_from_slice(payload);
        Ok(())
    }

    /// A `u8` attribute.
    pub fn attr_u8(&mut self, kind: u16, v: u8) -> Result<(), Error> {
        self.attr(kind, &[v])
    }

    /// A `u16` attribute in host byte order.
    pub fn attr_u16(&mut self, kind: u16, v: u16) -> Result<(), Error> {
        self.attr(kind, &v.to_ne_bytes())
    }

    /// A `u32` attribute in host byte order.
    pub fn attr_u32(&mut self, kind: u16, v: u32) -> Result<(), Error> {
        self.attr(kind, &v.to_ne_bytes())
    }

    /// A `u64` attribute in host byte order.
    pub fn attr_u64(&mut self, kind: u16, v: u64) -> Result<(), Error> {
        self.attr(kind, &v.to_ne_bytes())
    }

    /// An `i8` attribute.
    pub fn attr_i8(&mut self, kind: u16, v: i8) -> Result<(), Error> {
        self.attr(kind, &v.to_ne_bytes())
    }

    /// An `i16` attribute in host byte order.
    pub fn attr_i16(&mut self, kind: u16, v: i16) -> Result<(), Error> {
        self.attr(kind, &v.to_ne_bytes())
    }

    /// An `i32` attribute in host byte order.
    pub fn attr_i32(&mut self, kind: u16, v: i32) -> Result<(), Error> {
        self.attr(kind, &v.to_ne_bytes())
    }

    /// An `i64` attribute in host byte order.
    pub fn attr_i64(&mut self, kind: u16, v: i64) -> Result<(), Error> {
        self.attr(kind, &v.to_ne_bytes())
    }

    /// A `__be16` attribute (network byte order; `NLA_F_NET_BYTEORDER` is not
    /// set, as most families do not expect it).
    pub fn attr_be16(&mut self, kind: u16, v: u16) -> Result<(), Error> {
        self.attr(kind, &v.to_be_bytes())
    }

    /// A `__be32` attribute (network byte order).
    pub fn attr_be32(&mut self, kind: u16, v: u32) -> Result<(), Error> {
        self.attr(kind, &v.to_be_bytes())
    }

    /// A `__be64` attribute (network byte order).
    pub fn attr_be64(&mut self, kind: u16, v: u64) -> Result<(), Error> {
        self.attr(kind, &v.to_be_bytes())
    }

    /// A NUL-terminated string attribute (`NLA_NUL_STRING`, and what
    /// `NLA_STRING` policies accept).
    pub fn attr_str(&mut self, kind: u16, s: &str) -> Result<(), Error> {
        let len = NLA_HDRLEN + s.len() + 1;
        let nla_len = u16::try_from(len).map_err(|_| Error::TooLong { len })?;
        let pad = self.pad_to_align();
        let out = self.reserve(pad, nla_align(len))?;
        out[..2].copy_from_slice(&nla_len.to_ne_bytes());
        out[2..4].copy_from_slice(&kind.to_ne_bytes());
        out[NLA_HDRLEN..len - 1].copy_from_slice(s.as_bytes());
        Ok(())
    }

    /// A string attribute without a terminating NUL (`NLA_STRING` as some
    /// families send it); the reader's [`Attr::string`](crate::Attr::string) accepts both.
    pub fn attr_string(&mut self, kind: u16, s: &str) -> Result<(), Error> {
        self.attr(kind, s.as_bytes())
    }

    /// A flag attribute: type only, empty payload.
    pub fn attr_flag(&mut self, kind: u16) -> Result<(), Error> {
        self.attr(kind, &[])
    }

    /// Opens a nest of type `kind` (`NLA_F_NESTED` is added). Until it is
    /// closed it reads as an empty nest, as the kernel's `nla_nest_start`
    /// leaves it.
    pub fn nest(&mut self, kind: u16) -> Result<Nest, Error> {
        let pad = self.pad_to_align();
        let offset = self.end() + pad;
        let out = self.reserve(pad, NLA_HDRLEN)?;
        out[..2].copy_from_slice(&(NLA_HDRLEN as u16).to_ne_bytes());
        out[2..4].copy_from_slice(&(kind | NLA_F_NESTED).to_ne_bytes());
        self.depth += 1;
        Ok(Nest { offset, depth: self.depth })
    }

    /// Whether `nest` is the innermost open nest of this message.
    fn is_innermost(&self, nest: &Nest) -> bool {
        nest.depth == self.depth
            && nest.offset >= self.start + NLMSG_HDRLEN
            && nest.offset + NLA_HDRLEN <= self.end()
    }

    /// Opens a nest without adding `NLA_F_NESTED` (for old families that
    /// reject the flag).
    pub fn nest_raw(&mut self, raw_type: u16) -> Result<Nest, Error> {
        let nest = self.nest(raw_type)?;
        self.buf.bytes_mut()[nest.offset + 2..nest.offset + 4]
            .copy_from_slice(&raw_type.to_ne_bytes());
        Ok(nest)
    }

    /// Opens element `index` of a nested array (a nest whose type is the
    /// index); close it with [`nest_end`](Self::nest_end) like any nest.
    pub fn array_item(&mut self, index: u16) -> Result<Nest, Error> {
        self.nest(index)
    }

    /// Closes the innermost nest, patching its `nla_len` to cover everything
    /// written since. A nest that is not the innermost open one is
    /// [`Error::BadNest`]; one grown past 65535 bytes is removed with its
    /// content and reported as [`Error::TooLong`].
    pub fn nest_end(&mut self, nest: Nest) -> Result<(), Error> {
        if !self.is_innermost(&nest) {
            return Err(Error::BadNest { offset: nest.offset });
        }
        let len = self.end() - nest.offset;
        let Ok(nla_len) = u16::try_from(len) else {
            self.nest_cancel(nest)?;
            return Err(Error::TooLong { len });
        };
        self.buf.bytes_mut()[nest.offset..nest.offset + 2].copy_from_slice(&nla_len.to_ne_bytes());
        self.depth -= 1;
        Ok(())
    }

    /// Removes the innermost nest and everything written into it.
    pub fn nest_cancel(&mut self, nest: Nest) -> Result<(), Error> {
        if !self.is_innermost(&nest) {
            return Err(Error::BadNest { offset: nest.offset });
        }
        self.buf.truncate(nest.offset);
        let len = (nest.offset - self.start) as u32;
        self.message().set_length(len);
        self.depth -= 1;
        Ok(())
    }

    /// Ends the message and returns where it lies in the buffer: from its
    /// header to `nlmsg_len`. Its padding, if any, is only written when the
    /// next message starts; send a batch as the whole buffer, or pad each
    /// range to 4 bytes.
    pub fn finish(self) -> Range<usize> {
        self.start..self.end()
    }

    /// Runs `write` on this message, then finishes it; if `write` fails the
    /// message is removed, so the buffer holds all of it or none.
    pub fn finish_with(
        mut self,
        write: impl FnOnce(&mut Self) -> Result<(), Error>,
    ) -> Result<Range<usize>, Error> {
        match write(&mut self) {
            Ok(()) => Ok(self.finish()),
            Err(e) => {
                self.cancel();
                Err(e)
            }
        }
    }

    /// Removes the whole message from the buffer.
    pub fn cancel(self) {
        self.buf.truncate(self.start);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::{Attrs, Flags, MessageType, Messages};
    use std::vec::Vec;

    fn header() -> Header {
        Header {
            message_type: MessageType::Family(16),
            flags: Flags::REQUEST | Flags::ACK,
            sequence: 7,
            port: 42,
        }
    }

    #[test]
    fn builds_attributes_with_kernel_padding() {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, header()).unwrap();
        b.append_zeroed(4).unwrap().copy_from_slice(&[1, 2, 3, 4]);
        b.attr_u8(1, 9).unwrap();
        b.attr_str(2, "lo").unwrap();
        b.attr_u32(3, 1500).unwrap();
        let range = b.finish();
        assert_eq!(range, 0..16 + 4 + 8 + 8 + 8);
        #[rustfmt::skip]
        let want: [u8; 44] = [
            44, 0, 0, 0, 16, 0, 5, 0, 7, 0, 0, 0, 42, 0, 0, 0,
            1, 2, 3, 4,
            5, 0, 1, 0, 9, 0, 0, 0,
            7, 0, 2, 0, b'l', b'o', 0, 0,
            8, 0, 3, 0, 0xdc, 0x05, 0, 0,
        ];
        assert_eq!(buf, want);
    }

    #[test]
    fn nests_patch_their_length() {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, header()).unwrap();
        let outer = b.nest(18).unwrap();
        b.attr_str(1, "veth").unwrap();
        let inner = b.nest(2).unwrap();
        b.attr_u16(1, 5).unwrap();
        b.nest_end(inner).unwrap();
        b.nest_end(outer).unwrap();
        let range = b.finish();
        let msg = Messages::new(&buf[range]).next().unwrap().unwrap();
        let a = Attrs::new(msg.payload()).next().unwrap().unwrap();
        assert!(a.is_nested());
        assert_eq!(a.len(), 4 + 12 + 12);
        let mut inner = a.nested();
        assert_eq!(inner.next().unwrap().unwrap().str(), Ok("veth"));
        let n = inner.next().unwrap().unwrap();
        assert_eq!(n.nested().next().unwrap().unwrap().u16(), Ok(5));
    }

    #[test]
    fn nested_arrays_and_strings_without_nul() {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, header()).unwrap();
        let list = b.nest(7).unwrap();
        for (i, name) in ["a", "bc"].iter().enumerate() {
            let item = b.array_item(i as u16 + 1).unwrap();
            b.attr_string(1, name).unwrap();
            b.attr_i16(2, -(i as i16)).unwrap();
            b.nest_end(item).unwrap();
        }
        b.nest_end(list).unwrap();
        let range = b.finish();
        let msg = Messages::new(&buf[range]).next().unwrap().unwrap();
        let list = Attrs::new(msg.payload()).next().unwrap().unwrap();
        let items: Vec<_> = list
            .array()
            .map(|e| {
                let (i, mut attrs) = e.unwrap();
                let name = attrs.next().unwrap().unwrap();
                assert!(!name.payload().contains(&0), "no NUL written");
                (i, name.string().unwrap(), attrs.next().unwrap().unwrap().i16().unwrap())
            })
            .collect();
        assert_eq!(items, [(1, "a", 0), (2, "bc", -1)]);
        assert!(matches!(list.nested().next(), Some(Ok(a)) if a.payload().len() == 16));
    }

    #[test]
    fn text_payload_has_exact_length() {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, header()).unwrap();
        b.append(b"hello").unwrap();
        assert_eq!(b.len(), 21);
        let _ = b.finish();
        let mut b = MessageBuilder::new(&mut buf, header()).unwrap();
        b.append(b"x").unwrap();
        let second = b.finish();
        assert_eq!(second.start, 24, "second message starts aligned");
        let lens: Vec<_> = Messages::new(&buf).map(|m| m.unwrap().payload().len()).collect();
        assert_eq!(lens, [5, 1]);
    }

    #[test]
    fn fixed_buffer_refuses_instead_of_overflowing() {
        let mut storage = [0u8; 24];
        let mut fixed = FixedBuf::new(&mut storage);
        let mut b = MessageBuilder::new(&mut fixed, header()).unwrap();
        b.attr_u32(1, 1).unwrap();
        assert_eq!(b.attr_u32(2, 2), Err(Error::BufferFull { need: 8, have: 0 }));
        assert_eq!(b.len(), 24, "a failed write changes nothing");
        let _ = b.finish();
        assert_eq!(fixed.len(), 24);
        let mut tiny = [0u8; 8];
        let mut fixed = FixedBuf::new(&mut tiny);
        assert!(matches!(
            MessageBuilder::new(&mut fixed, header()),
            Err(Error::BufferFull { need: 16, have: 8 })
        ));
    }

    #[test]
    fn oversized_attribute_is_an_error() {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, header()).unwrap();
        let big = std::vec![0u8; 70_000];
        assert_eq!(b.attr(1, &big), Err(Error::TooLong { len: 70_004 }));
        let nest = b.nest(1).unwrap();
        b.append(&big).unwrap();
        assert_eq!(b.nest_end(nest), Err(Error::TooLong { len: 70_004 }));
        assert!(b.is_empty(), "the oversized nest was removed");
    }

    #[test]
    fn cancel_removes_partial_work() {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, header()).unwrap();
        b.attr_u32(1, 1).unwrap();
        let nest = b.nest(2).unwrap();
        b.attr_u32(3, 3).unwrap();
        b.nest_cancel(nest).unwrap();
        assert_eq!(b.len(), 24);
        b.cancel();
        assert!(buf.is_empty());
    }

    #[test]
    fn nests_close_innermost_first() {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, header()).unwrap();
        let outer = b.nest(1).unwrap();
        let inner = b.nest(2).unwrap();
        let outer_offset = outer.offset;
        assert_eq!(b.nest_cancel(outer), Err(Error::BadNest { offset: outer_offset }));
        b.attr_u32(3, 0xdead_beef).unwrap();
        b.nest_end(inner).unwrap();
        let msg = Messages::new(b.bytes()).next().unwrap().unwrap();
        let a = Attrs::new(msg.payload()).next().unwrap().unwrap();
        // The outer nest was never closed: it reads as empty, not as garbage.
        assert_eq!((a.kind(), a.payload().len()), (1, 0));
        // The inner nest again (already closed): refused.
        let stale = Nest { offset: 20, depth: 2 };
        assert_eq!(b.nest_end(stale), Err(Error::BadNest { offset: 20 }));
        let outer = Nest { offset: 16, depth: 1 };
        b.nest_end(outer).unwrap();
        let msg = Messages::new(b.bytes()).next().unwrap().unwrap();
        let a = Attrs::new(msg.payload()).next().unwrap().unwrap();
        assert_eq!(
            a.nested().next().unwrap().unwrap().nested().next().unwrap().unwrap().u32(),
            Ok(0xdead_beef)
        );
    }
}
