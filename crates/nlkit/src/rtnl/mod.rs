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
//! Each object module follows one shape, built with the [`proto`](crate::proto)
//! toolkit: a `fixed_struct!` table for the fixed family header, an
//! `attr_set!` table with one row per attribute that generates the view
//! (such as [`rule::Rule`], which reads the attributes once and keeps the
//! raw bytes, so attributes nlkit does not know are kept, available from
//! `unknown()`, and re-emitted unchanged), its owned builder (such as
//! [`rule::RuleBuilder`]) and its metadata (`Rule::META`); a `*Spec` with
//! `ip`'s defaults and semantics that fills the builder in; and request
//! values in [`ops`] that dump and change the objects.
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
//! use nlkit::rtnl::route::RouteFilter;
//! use nlkit::{Conn, Protocol};
//!
//! // Walk every IPv4 route in table 100, in constant memory.
//! let mut conn = Conn::open(Protocol::ROUTE)?;
//! let filter = RouteFilter { family: nlkit::rtnl::AF_INET, table: Some(100), ..Default::default() };
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
pub mod mirror;
pub mod names;
pub mod neigh;
pub mod netconf;
pub mod ops;
#[allow(clippy::module_inception)]
pub mod route;
pub mod rule;
pub mod uapi;

pub(crate) use crate::proto::ip_attr;
pub use crate::proto::{addr_bytes, family_of, ip_addr, BadAttr, View};
pub use crate::proto::{AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC};

use crate::proto::{FixedStruct, MessageMeta};

/// What an rtnetlink message of `message_type` carries (header and
/// attribute set), for the objects nlkit has tables for: links,
/// addresses, routes, neighbours, rules and netconf.
pub fn message_meta(message_type: u16) -> Option<MessageMeta> {
    use uapi::*;
    let (object, header, set) = match message_type {
        RTM_NEWLINK | RTM_DELLINK | RTM_GETLINK | RTM_SETLINK => {
            ("link", &<link::LinkHeader as FixedStruct>::META, &link::Link::META)
        }
        RTM_NEWADDR | RTM_DELADDR | RTM_GETADDR => {
            ("address", &<addr::AddrHeader as FixedStruct>::META, &addr::Address::META)
        }
        RTM_NEWROUTE | RTM_DELROUTE | RTM_GETROUTE => {
            ("route", &<route::RouteHeader as FixedStruct>::META, &route::Route::META)
        }
        RTM_NEWNEIGH | RTM_DELNEIGH | RTM_GETNEIGH => {
            ("neigh", &<neigh::NeighHeader as FixedStruct>::META, &neigh::Neighbour::META)
        }
        RTM_NEWRULE | RTM_DELRULE | RTM_GETRULE => {
            ("rule", &<rule::RuleHeader as FixedStruct>::META, &rule::Rule::META)
        }
        RTM_NEWNETCONF | RTM_DELNETCONF | RTM_GETNETCONF => {
            ("netconf", &<netconf::NetconfHeader as FixedStruct>::META, &netconf::Netconf::META)
        }
        _ => return None,
    };
    Some(MessageMeta { object, header, set })
}
use std::net::IpAddr;

/// Reads a fixed block of `N` bytes at the start of a payload.
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
