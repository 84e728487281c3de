//! Per-device IP configuration: `RTM_NEWNETCONF`/`RTM_DELNETCONF`, a
//! `struct netconfmsg` (one family byte, padded to 4) and `NETCONFA_*`
//! attributes (`<linux/netconf.h>`). The kernel sends them to the
//! `RTNLGRP_*_NETCONF` groups when forwarding, `rp_filter` and the like
//! change, and when a device comes or goes.

use super::uapi::*;
use crate::proto::codec::{I32, U32};

/// Bytes of `struct netconfmsg` as laid out in a message (aligned to 4).
pub const NETCONF_HEADER_LEN: usize = NetconfHeader::LEN;
/// `NETCONFA_IFINDEX_ALL`: the `all` settings (`conf/all`).
pub const NETCONFA_IFINDEX_ALL: i32 = -1;
/// `NETCONFA_IFINDEX_DEFAULT`: the defaults for new devices (`conf/default`).
pub const NETCONFA_IFINDEX_DEFAULT: i32 = -2;

crate::fixed_struct! {
    /// `struct netconfmsg`, with the padding kept.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct NetconfHeader as "netconfmsg" {
        /// `AF_INET`, `AF_INET6`, `AF_MPLS`.
        pub family: u8,
        /// The padding bytes, kept so a re-emit gives the same bytes.
        pub reserved: [u8; 3],
    }
    family: family
}

crate::attr_set! {
    /// A netconf notice, read without copying.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Netconf<'a>: NetconfHeader, set "netconf-attrs" {
        /// `NETCONFA_IFINDEX`: a device, or [`NETCONFA_IFINDEX_ALL`] /
        /// [`NETCONFA_IFINDEX_DEFAULT`].
        pub ifindex: Option<i32> = NETCONFA_IFINDEX as I32,
        /// `NETCONFA_FORWARDING`.
        pub forwarding: Option<u32> = NETCONFA_FORWARDING as U32,
        /// `NETCONFA_RP_FILTER`: 0 off, 1 strict, 2 loose.
        pub rp_filter: Option<u32> = NETCONFA_RP_FILTER as U32,
        /// `NETCONFA_MC_FORWARDING`.
        pub mc_forwarding: Option<u32> = NETCONFA_MC_FORWARDING as U32,
        /// `NETCONFA_PROXY_NEIGH`.
        pub proxy_neigh: Option<u32> = NETCONFA_PROXY_NEIGH as U32,
        /// `NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN`.
        pub ignore_routes_with_linkdown: Option<u32> = NETCONFA_IGNORE_ROUTES_WITH_LINKDOWN as U32,
        /// `NETCONFA_INPUT` (MPLS).
        pub input: Option<u32> = NETCONFA_INPUT as U32,
        /// `NETCONFA_BC_FORWARDING`.
        pub bc_forwarding: Option<u32> = NETCONFA_BC_FORWARDING as U32,
    }
    owned
    /// A netconf message to send (`RTM_GETNETCONF` takes one).
    pub struct NetconfBuilder;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtnl::View;
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
        let buf = crate::rtnl::fixture_message(RTM_NEWNETCONF, payload);
        let msg = Messages::new(&buf).next().unwrap().unwrap();
        let n = Netconf::parse(&msg).unwrap();
        assert_eq!(n.header.family, crate::rtnl::AF_INET);
        assert_eq!((n.ifindex, n.forwarding, n.rp_filter), (Some(2), Some(0), Some(0)));
        assert_eq!((n.bc_forwarding, n.ignore_routes_with_linkdown), (Some(0), Some(0)));
        assert_eq!(n.unknown().map(|a| a.kind()).collect::<Vec<_>>(), [0x3f]);
        let all = "0a000000 08000100 ffffffff";
        let buf = crate::rtnl::fixture_message(RTM_DELNETCONF, all);
        let msg = Messages::new(&buf).next().unwrap().unwrap();
        assert_eq!(Netconf::parse(&msg).unwrap().ifindex, Some(NETCONFA_IFINDEX_ALL));
        let short = crate::rtnl::fixture_message(RTM_NEWNETCONF, "02");
        let msg = Messages::new(&short).next().unwrap().unwrap();
        assert!(Netconf::parse(&msg).is_err(), "a payload shorter than the header");
    }
}
