//! Per-device IP configuration: `RTM_NEWNETCONF`/`RTM_DELNETCONF`, a
//! `struct netconfmsg` (one family byte, padded to 4) and `NETCONFA_*`
//! attributes (`<linux/netconf.h>`). The kernel sends them to the
//! `RTNLGRP_*_NETCONF` groups when forwarding, `rp_filter` and the like
//! change, and when a device comes or goes.

use super::fixed;
use super::uapi::*;
use nlkit_wire::{Attr, Error as WireError, Message};

/// Bytes of `struct netconfmsg` as laid out in a message (aligned to 4).
pub const NETCONF_HEADER_LEN: usize = 4;
/// `NETCONFA_IFINDEX_ALL`: the `all` settings (`conf/all`).
pub const NETCONFA_IFINDEX_ALL: i32 = -1;
/// `NETCONFA_IFINDEX_DEFAULT`: the defaults for new devices (`conf/default`).
pub const NETCONFA_IFINDEX_DEFAULT: i32 = -2;

/// `struct netconfmsg`, with the padding kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetconfHeader {
    /// `AF_INET`, `AF_INET6`, `AF_MPLS`.
    pub family: u8,
    /// The padding bytes, kept so a re-emit gives the same bytes.
    pub reserved: [u8; 3],
}

impl NetconfHeader {
    /// Reads the header at the start of a payload.
    pub fn parse(payload: &[u8]) -> Result<Self, WireError> {
        let b: [u8; NETCONF_HEADER_LEN] = fixed(payload)?;
        Ok(NetconfHeader { family: b[0], reserved: [b[1], b[2], b[3]] })
    }

    /// The header's bytes.
    pub fn to_bytes(&self) -> [u8; NETCONF_HEADER_LEN] {
        [self.family, self.reserved[0], self.reserved[1], self.reserved[2]]
    }
}

/// A netconf notice, read without copying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Netconf<'a> {
    /// The fixed header.
    pub header: NetconfHeader,
    /// `NETCONFA_IFINDEX`: a device, or [`NETCONFA_IFINDEX_ALL`] /
    /// [`NETCONFA_IFINDEX_DEFAULT`].
    pub ifindex: Option<i32>,
    /// `NETCONFA_FORWARDING`.
    pub forwarding: Option<u32>,
    /// `NETCONFA_RP_FILTER`: 0 off, 1 strict, 2 loose.
    pub rp_filter: Option<u32>,
    /// `NETCONFA_MC_FORWARDING`.
    pub mc_forwarding: Option<u32>,
    /// `NETCONFA_PROXY_NEIGH`.
    pub proxy_neigh: Option<u32>,
    /// `NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN`.
    pub ignore_routes_with_linkdown: Option<u32>,
    /// `NETCONFA_INPUT` (MPLS).
    pub input: Option<u32>,
    /// `NETCONFA_BC_FORWARDING`.
    pub bc_forwarding: Option<u32>,
    attrs: &'a [u8],
}

impl<'a> Netconf<'a> {
    /// Reads an `RTM_NEWNETCONF`/`RTM_DELNETCONF` message.
    pub fn parse(msg: &Message<'a>) -> Result<Self, WireError> {
        let payload = msg.payload();
        let header = NetconfHeader::parse(payload)?;
        let mut n = Netconf {
            header,
            ifindex: None,
            forwarding: None,
            rp_filter: None,
            mc_forwarding: None,
            proxy_neigh: None,
            ignore_routes_with_linkdown: None,
            input: None,
            bc_forwarding: None,
            attrs: &payload[NETCONF_HEADER_LEN..],
        };
        super::read_leniently(n.attrs, |a| n.take(a));
        Ok(n)
    }

    /// Fills the field for `a`; returns whether it was a known one.
    fn take(&mut self, a: &Attr<'a>) -> Result<bool, WireError> {
        let field = match a.kind() {
            NETCONFA_IFINDEX => {
                self.ifindex = Some(a.u32()? as i32);
                return Ok(true);
            }
            NETCONFA_FORWARDING => &mut self.forwarding,
            NETCONFA_RP_FILTER => &mut self.rp_filter,
            NETCONFA_MC_FORWARDING => &mut self.mc_forwarding,
            NETCONFA_PROXY_NEIGH => &mut self.proxy_neigh,
            NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN => &mut self.ignore_routes_with_linkdown,
            NETCONFA_INPUT => &mut self.input,
            NETCONFA_BC_FORWARDING => &mut self.bc_forwarding,
            _ => return Ok(false),
        };
        *field = Some(a.u32()?);
        Ok(true)
    }
}

super::impl_view!(Netconf, NETCONF_HEADER_LEN);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::View;
    use nlkit_wire::Messages;

    #[test]
    fn a_device_notice_as_6_18_sends_it() {
        // `ip link add v0 type veth peer name v1` in a fresh namespace, as a
        // 6.18 kernel sent it to RTNLGRP_IPV4_NETCONF (captured with `nlkit
        // raw listen --groups 24`): inet, ifindex 2, forwarding 0, rp_filter
        // 0, mc_forwarding 0, bc_forwarding 0, proxy_neigh 0,
        // ignore_routes_with_linkdown 0; plus a type no kernel has (0x3f).
        let payload = "02000000 08000100 02000000 08000200 00000000 08000300 00000000 \
                       08000400 00000000 08000800 00000000 08000500 00000000 08000600 00000000 \
                       08003f00 2a000000";
        let buf = crate::route::fixture_message(RTM_NEWNETCONF, payload);
        let msg = Messages::new(&buf).next().unwrap().unwrap();
        let n = Netconf::parse(&msg).unwrap();
        assert_eq!(n.header.family, crate::route::AF_INET);
        assert_eq!((n.ifindex, n.forwarding, n.rp_filter), (Some(2), Some(0), Some(0)));
        assert_eq!((n.bc_forwarding, n.ignore_routes_with_linkdown), (Some(0), Some(0)));
        assert_eq!(n.unknown().map(|a| a.kind()).collect::<Vec<_>>(), [0x3f]);
        let all = "0a000000 08000100 ffffffff";
        let buf = crate::route::fixture_message(RTM_DELNETCONF, all);
        let msg = Messages::new(&buf).next().unwrap().unwrap();
        assert_eq!(Netconf::parse(&msg).unwrap().ifindex, Some(NETCONFA_IFINDEX_ALL));
        let short = crate::route::fixture_message(RTM_NEWNETCONF, "02");
        let msg = Messages::new(&short).next().unwrap().unwrap();
        assert!(Netconf::parse(&msg).is_err(), "a payload shorter than the header");
    }
}
