//! rtnetlink (`NETLINK_ROUTE`): links, addresses, routes, neighbours and
//! rules, as typed zero-copy views, request builders, and dump, change and
//! event operations on a [`Conn`](crate::Conn).
//!
//! See rtnetlink(7) and the uapi headers `<linux/rtnetlink.h>`,
//! `<linux/if_link.h>`, `<linux/if_addr.h>`, `<linux/neighbour.h>`,
//! `<linux/fib_rules.h>`, `<linux/icmpv6.h>`, `<linux/lwtunnel.h>` and
//! `<linux/netconf.h>`; every
//! constant is in [`uapi`], generated from them.
//!
//! Each object module follows one shape: a `*Header` for the fixed family
//! header (with `parse` and `to_bytes`), a view such as [`rule::Rule`] that
//! reads the attributes once and keeps the raw attribute bytes (so
//! attributes nlkit does not know are kept, available from `unknown()`, and
//! re-emitted unchanged), a `*Spec` that writes requests, and `Conn`
//! methods to dump and change the objects.
//!
//! Views read what the kernel sends leniently: an attribute of a known
//! kind that does not read as such (a wrong size from a newer or patched
//! kernel) leaves its field unset, is kept raw and is listed by
//! [`View::malformed`], and the rest of the message, and of the dump, is
//! read; only a fixed header too short to read fails a message. Specs,
//! which build what nlkit sends, are strict.
//!
//! [`names`] gives values the names iproute2 prints and parses (protocols,
//! scopes, tables, link and address flags, neighbour states).
//!
//! ```no_run
//! use nlkit::route::route::RouteFilter;
//! use nlkit::{Conn, Protocol};
//!
//! // Walk every IPv4 route in table 100, in constant memory.
//! let mut conn = Conn::open(Protocol::ROUTE)?;
//! let filter = RouteFilter { family: nlkit::route::AF_INET, table: Some(100), ..Default::default() };
//! conn.route_dump(&filter, |r| {
//!     println!("{:?}/{} via {:?} dev {:?}", r.dst, r.dst_len(), r.gateway, r.oif);
//!     Ok(())
//! })?;
//! # Ok::<(), nlkit::Error>(())
//! ```

pub mod addr;
pub mod events;
#[cfg(test)]
mod fixtures;
pub mod link;
mod link_spec;
pub mod linkinfo;
pub mod metrics;
pub mod names;
pub mod neigh;
pub mod netconf;
pub mod nexthop;
pub mod ops;
#[allow(clippy::module_inception)]
pub mod route;
pub mod rule;
pub mod uapi;

use nlkit_wire::Attr;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `AF_UNSPEC`: any family (dumps of every family).
pub const AF_UNSPEC: u8 = libc::AF_UNSPEC as u8;
/// `AF_INET`: IPv4.
pub const AF_INET: u8 = libc::AF_INET as u8;
/// `AF_INET6`: IPv6.
pub const AF_INET6: u8 = libc::AF_INET6 as u8;
/// `AF_BRIDGE`: bridge ports and FDB entries.
pub const AF_BRIDGE: u8 = libc::AF_BRIDGE as u8;

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
/// [`nlkit_wire::Error::AttrSize`] when an IPv4 or IPv6 address has the
/// wrong size.
pub(crate) fn ip_attr(family: u8, a: &Attr<'_>) -> Result<Option<IpAddr>, nlkit_wire::Error> {
    let want = match family {
        AF_INET => 4,
        AF_INET6 => 16,
        _ => return Ok(None),
    };
    let bytes = a.payload();
    let size = nlkit_wire::Error::AttrSize { kind: a.kind(), want, got: bytes.len() };
    ip_addr(family, bytes).map(Some).ok_or(size)
}

/// Reads a `u32` at `range` of a slice already checked to be long enough.
pub(crate) fn ne_u32(bytes: &[u8], range: core::ops::Range<usize>) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[range]);
    u32::from_ne_bytes(b)
}

/// Reads a fixed family header of `N` bytes at the start of a payload.
pub(crate) fn fixed<const N: usize>(payload: &[u8]) -> Result<[u8; N], nlkit_wire::Error> {
    payload
        .get(..N)
        .and_then(|b| b.try_into().ok())
        .ok_or(nlkit_wire::Error::Truncated { need: N, have: payload.len() })
}

/// Writes an address attribute: 4 bytes for IPv4, 16 for IPv6.
pub(crate) fn put_ip(
    b: &mut nlkit_wire::MessageBuilder<'_, Vec<u8>>,
    kind: u16,
    addr: &IpAddr,
) -> Result<(), nlkit_wire::Error> {
    match addr {
        IpAddr::V4(a) => b.attr(kind, &a.octets()),
        IpAddr::V6(a) => b.attr(kind, &a.octets()),
    }
}

/// Decodes a hex fixture (whitespace ignored), for the unit tests.
#[cfg(test)]
pub(crate) fn unhex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// Wraps a captured payload into a message of `message_type`, for the unit tests.
#[cfg(test)]
pub(crate) fn fixture_message(message_type: u16, payload_hex: &str) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut header = nlkit_wire::Header::new(message_type);
    header.flags = nlkit_wire::Flags::MULTI;
    let mut b = nlkit_wire::MessageBuilder::new(&mut buf, header).unwrap();
    b.append(&unhex(payload_hex)).unwrap();
    let _ = b.finish();
    buf
}

/// Reads a run of attributes into a view, leniently, as nlkit reads what
/// the kernel sends: an attribute of a known kind that does not read as
/// such (a wrong size from a newer or patched kernel) leaves its field
/// unset and is kept raw, and reading goes on; broken framing ends the
/// run, keeping what came before. [`View::malformed`] says what was
/// passed over. (What nlkit builds is checked strictly by its builders.)
pub(crate) fn read_leniently<'a>(
    attrs: &'a [u8],
    mut take: impl FnMut(&Attr<'a>) -> Result<bool, nlkit_wire::Error>,
) {
    for a in nlkit_wire::Attrs::new(attrs).map_while(Result::ok) {
        let _ = take(&a);
    }
}

/// What [`read_leniently`] passed over in `attrs`, found again by reading
/// each attribute with `probe` (a copy of the view's reader).
pub(crate) fn malformed_in<'a, P>(
    attrs: &'a [u8],
    mut probe: P,
) -> impl Iterator<Item = BadAttr> + use<'a, P>
where
    P: FnMut(&Attr<'a>) -> Result<bool, nlkit_wire::Error>,
{
    let mut attrs = nlkit_wire::Attrs::new(attrs);
    std::iter::from_fn(move || loop {
        match attrs.next()? {
            Ok(a) => {
                if let Err(error) = probe(&a) {
                    return Some(BadAttr { kind: Some(a.kind()), error });
                }
            }
            Err(error) => return Some(BadAttr { kind: None, error }),
        }
    })
}

/// An attribute a view passed over: one of a known kind that did not read
/// as such, or the point where the attribute framing broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadAttr {
    /// The attribute's kind, or `None` where the framing broke (the rest of
    /// the run was not read).
    pub kind: Option<u16>,
    /// What was wrong.
    pub error: nlkit_wire::Error,
}

/// Implements [`View`] for a view type with a `header` (whose `to_bytes`
/// gives `[u8; $len]`), an `attrs: &'a [u8]` field and a `take` method
/// that reads one attribute.
macro_rules! impl_view {
    ($view:ident, $len:expr) => {
        impl<'a> $crate::route::sealed::ReadAttr<'a> for $view<'a> {
            fn read_attr(&mut self, a: &nlkit_wire::Attr<'a>) -> Result<bool, nlkit_wire::Error> {
                self.take(a)
            }
        }

        impl<'a> $crate::route::View<'a> for $view<'a> {
            type HeaderBytes = [u8; $len];

            fn header_bytes(&self) -> Self::HeaderBytes {
                self.header.to_bytes()
            }

            fn raw_attrs(&self) -> &'a [u8] {
                self.attrs
            }
        }
    };
}
pub(crate) use impl_view;

mod sealed {
    use nlkit_wire::{Attr, Error};

    /// How a view reads one attribute into its fields: the hook
    /// [`View`](super::View) builds on, not for use outside nlkit.
    pub trait ReadAttr<'a> {
        /// Fills the field `a` is for; whether it was one the view reads.
        fn read_attr(&mut self, a: &Attr<'a>) -> Result<bool, Error>;
    }
}

/// What every rtnetlink object view ([`rule::Rule`], [`link::Link`],
/// [`addr::Address`], [`route::Route`], [`neigh::Neighbour`]) shares: it was
/// read from a fixed header and a run of attributes, and keeps them, so
/// attributes it does not read are never lost.
pub trait View<'a>: sealed::ReadAttr<'a> + Clone {
    /// The fixed header's bytes (`[u8; N]`).
    type HeaderBytes: AsRef<[u8]>;

    /// The fixed family header as bytes.
    fn header_bytes(&self) -> Self::HeaderBytes;

    /// The attribute bytes, exactly as received.
    fn raw_attrs(&self) -> &'a [u8];

    /// All attributes as received.
    fn attrs(&self) -> nlkit_wire::Attrs<'a> {
        nlkit_wire::Attrs::new(self.raw_attrs())
    }

    /// Attributes the view does not read (from newer kernels, or kinds it
    /// leaves raw), in order.
    fn unknown(&self) -> impl Iterator<Item = Attr<'a>> {
        let mut probe = self.clone();
        self.attrs().map_while(Result::ok).filter(move |a| !probe.read_attr(a).unwrap_or(false))
    }

    /// What reading passed over (see the module docs): attributes of known
    /// kinds that did not read as such, kept raw, and broken framing.
    /// Empty for a well-formed message; computed on demand, so reading a
    /// dump costs nothing more.
    fn malformed(&self) -> impl Iterator<Item = BadAttr> {
        let mut probe = self.clone();
        malformed_in(self.raw_attrs(), move |a| probe.read_attr(a))
    }

    /// Writes the object back: the header and every attribute exactly as
    /// received, so a parse then emit gives the same bytes.
    fn emit(
        &self,
        b: &mut nlkit_wire::MessageBuilder<'_, Vec<u8>>,
    ) -> Result<(), nlkit_wire::Error> {
        b.append(self.header_bytes().as_ref())?;
        b.append(self.raw_attrs())
    }
}
