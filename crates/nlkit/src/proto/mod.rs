//! The family toolkit: what every netlink family's typed layer is built
//! from, whatever its protocol.
//!
//! - [`attr_set!`](crate::attr_set) declares an attribute set in one row per
//!   attribute and generates its zero-copy view (read in one pass,
//!   leniently), its owned builder (written strictly), the list of kinds it
//!   knows and its [`SetMeta`].
//! - [`fixed_struct!`](crate::fixed_struct) declares a fixed C structure
//!   (a family header, a statistics block) and generates its reader, its
//!   writer and its [`StructMeta`].
//! - [`codec`] holds the value codecs the rows name (integers of every
//!   width and byte order, flags, strings, bytes, addresses by family,
//!   fixed structures).
//! - [`View`] is what every generated view shares: raw bytes kept,
//!   `unknown()`, `malformed()`, byte-exact `emit`.
//!
//! Derived values (a default taken from the header, merged groups) and
//! printing quirks stay hand-written beside each family's tables.

pub mod codec;
pub mod dynamic;
pub mod meta;
#[rustfmt::skip]
pub mod registry;
pub mod round_trip;
mod table;
#[cfg(test)]
pub(crate) mod uapi_check;
mod view;

pub use codec::{Codec, Cx};
pub use meta::{AttrMeta, EnumMeta, FieldMeta, MessageMeta, SetMeta, StructMeta, ValueType};
#[doc(hidden)]
pub use view::{malformed_in, read_leniently, ReadAttr};
pub use view::{BadAttr, View};

use nlkit_wire::{Attr, Error};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `AF_UNSPEC`: any family (dumps of every family).
pub const AF_UNSPEC: u8 = libc::AF_UNSPEC as u8;
/// `AF_INET`: IPv4.
pub const AF_INET: u8 = libc::AF_INET as u8;
/// `AF_INET6`: IPv6.
pub const AF_INET6: u8 = libc::AF_INET6 as u8;
/// `AF_BRIDGE`: bridge ports and FDB entries.
pub const AF_BRIDGE: u8 = libc::AF_BRIDGE as u8;

crate::fixed_struct! {
    /// No fixed header: for sets whose attributes start at once (the
    /// contents of a nest).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct NoHeader as "none" {}
}

/// A fixed C structure read from and written to bytes in host byte order;
/// [`fixed_struct!`](crate::fixed_struct) implements it.
pub trait FixedStruct: Copy {
    /// Its size in bytes.
    const LEN: usize;
    /// Its description.
    const META: StructMeta;
    /// Reads the structure from the start of `bytes` (longer is fine:
    /// structures grow at the end).
    fn read(bytes: &[u8]) -> Result<Self, Error>;
    /// Writes the structure into the first [`LEN`](Self::LEN) bytes of
    /// `out`, which is at least that long.
    fn write(&self, out: &mut [u8]);
    /// What decoding the attributes after it needs (the address family of
    /// a family header).
    fn cx(&self) -> Cx {
        Cx::default()
    }
}

/// A field type of a fixed structure: an integer in host byte order, or
/// bytes.
pub trait Prim: Copy {
    /// Its size in bytes.
    const SIZE: usize;
    /// What it is, for metadata.
    const TYPE: ValueType;
    /// Reads it at `bytes[*at..]` and moves `at` past it; `bytes` is long
    /// enough (checked by the caller).
    fn get(bytes: &[u8], at: &mut usize) -> Self;
    /// Writes it at `out[*at..]` and moves `at` past it.
    fn put(self, out: &mut [u8], at: &mut usize);
}

macro_rules! prim_int {
    ($($t:ty, $ty:expr;)*) => {$(
        impl Prim for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            const TYPE: ValueType = $ty;
            fn get(bytes: &[u8], at: &mut usize) -> Self {
                let mut b = [0u8; core::mem::size_of::<$t>()];
                if let Some(src) = bytes.get(*at..*at + b.len()) {
                    b.copy_from_slice(src);
                }
                *at += b.len();
                <$t>::from_ne_bytes(b)
            }
            fn put(self, out: &mut [u8], at: &mut usize) {
                let b = self.to_ne_bytes();
                if let Some(dst) = out.get_mut(*at..*at + b.len()) {
                    dst.copy_from_slice(&b);
                }
                *at += b.len();
            }
        }
    )*};
}

prim_int! {
    u8, ValueType::Unsigned(1);
    u16, ValueType::Unsigned(2);
    u32, ValueType::Unsigned(4);
    u64, ValueType::Unsigned(8);
    i8, ValueType::Signed(1);
    i16, ValueType::Signed(2);
    i32, ValueType::Signed(4);
    i64, ValueType::Signed(8);
}

impl<const N: usize> Prim for [u8; N] {
    const SIZE: usize = N;
    const TYPE: ValueType = ValueType::Binary;
    fn get(bytes: &[u8], at: &mut usize) -> Self {
        let mut b = [0u8; N];
        if let Some(src) = bytes.get(*at..*at + N) {
            b.copy_from_slice(src);
        }
        *at += N;
        b
    }
    fn put(self, out: &mut [u8], at: &mut usize) {
        if let Some(dst) = out.get_mut(*at..*at + N) {
            dst.copy_from_slice(&self);
        }
        *at += N;
    }
}

/// A fixed `char` array holding a NUL-padded string (`ac_comm[32]`): its
/// metadata type is a string, so printers show text, not bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chars<const N: usize>(pub [u8; N]);

impl<const N: usize> Chars<N> {
    /// The text before the first NUL; `None` when it is not UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        let end = self.0.iter().position(|&b| b == 0).unwrap_or(N);
        std::str::from_utf8(&self.0[..end]).ok()
    }
}

impl<const N: usize> Default for Chars<N> {
    fn default() -> Self {
        Chars([0; N])
    }
}

impl<const N: usize> Prim for Chars<N> {
    const SIZE: usize = N;
    const TYPE: ValueType = ValueType::String;
    fn get(bytes: &[u8], at: &mut usize) -> Self {
        Chars(<[u8; N]>::get(bytes, at))
    }
    fn put(self, out: &mut [u8], at: &mut usize) {
        self.0.put(out, at)
    }
}

/// An address attribute's bytes as an IP address of `family` (4 or 16 bytes).
pub fn ip_addr(family: u8, bytes: &[u8]) -> Option<IpAddr> {
    match (family, bytes.len()) {
        (AF_INET, 4) => Some(IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?))),
        (AF_INET6, 16) => Some(IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?))),
        _ => None,
    }
}

/// The family of an address.
pub fn family_of(addr: &IpAddr) -> u8 {
    match addr {
        IpAddr::V4(_) => AF_INET,
        IpAddr::V6(_) => AF_INET6,
    }
}

/// An address's bytes, as an attribute carries them.
pub fn addr_bytes(addr: &IpAddr) -> Vec<u8> {
    match addr {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

/// An address attribute of a message of `family`: `Ok(None)` for families
/// other than IPv4 and IPv6 (MPLS labels, for instance, stay raw), and
/// [`Error::AttrSize`] when an IPv4 or IPv6 address has the wrong size.
pub fn ip_attr(family: u8, a: &Attr<'_>) -> Result<Option<IpAddr>, Error> {
    let want = match family {
        AF_INET => 4,
        AF_INET6 => 16,
        _ => return Ok(None),
    };
    let bytes = a.payload();
    let size = Error::AttrSize { kind: a.kind(), want, got: bytes.len() };
    ip_addr(family, bytes).map(Some).ok_or(size)
}

#[cfg(test)]
mod tests;
