//! rtnetlink (`NETLINK_ROUTE`): links, addresses, routes, neighbours and
//! rules, as typed zero-copy views, request builders, and dump, change and
//! event operations on a [`Conn`](crate::Conn).
//!
//! See rtnetlink(7) and the uapi headers `<linux/rtnetlink.h>`,
//! `<linux/if_link.h>`, `<linux/if_addr.h>`, `<linux/neighbour.h>` and
//! `<linux/fib_rules.h>`; every constant is in [`uapi`], generated from them.
//!
//! Each object module follows one shape: a `*Header` for the fixed family
//! header (with `parse` and `to_bytes`), a view such as [`rule::Rule`] that
//! reads the attributes once and keeps the raw attribute bytes (so
//! attributes nlkit does not know are kept, available from `unknown()`, and
//! re-emitted unchanged), a `*Spec` that writes requests, and `Conn`
//! methods to dump and change the objects.
//!
//! [`names`] gives values the names iproute2 prints and parses (protocols,
//! scopes, tables, link and address flags, neighbour states).

pub mod events;
#[cfg(test)]
mod fixtures;
pub mod link;
mod link_spec;
pub mod linkinfo;
pub mod names;
pub mod neigh;
pub mod rule;
pub mod uapi;

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

/// Reads a fixed family header of `N` bytes at the start of a payload.
pub(crate) fn fixed<const N: usize>(payload: &[u8]) -> Result<[u8; N], nlkit_wire::Error> {
    payload
        .get(..N)
        .and_then(|b| b.try_into().ok())
        .ok_or(nlkit_wire::Error::Truncated { need: N, have: payload.len() })
}
