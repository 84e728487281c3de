//! Netfilter over netlink (`NETLINK_NETFILTER`, nfnetlink,
//! `<linux/netfilter/nfnetlink.h>`): every message starts with `struct
//! nfgenmsg` and its type is the subsystem in the high byte and the
//! subsystem's message in the low one. The subsystems are modules here:
//! [`conntrack`] (ctnetlink).

pub mod conntrack;

/// `NFNETLINK_V0`: the only version.
pub const NFNETLINK_V0: u8 = 0;
/// `NFNL_SUBSYS_CTNETLINK`: connection tracking.
pub const NFNL_SUBSYS_CTNETLINK: u8 = 1;

/// The `nlmsg_type` of message `msg` of subsystem `subsys`.
pub const fn message_type(subsys: u8, msg: u8) -> u16 {
    (subsys as u16) << 8 | msg as u16
}

crate::fixed_struct! {
    /// `struct nfgenmsg`: the address family the message is about, the
    /// version ([`NFNETLINK_V0`]) and the resource id (big-endian; 0 for
    /// ctnetlink), kept as bytes so a re-emit gives the same bytes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct NfGenMsg as "nfgenmsg" {
        /// `AF_INET`, `AF_INET6`, or `AF_UNSPEC` (every family).
        pub family: u8,
        /// [`NFNETLINK_V0`].
        pub version: u8,
        /// The resource id, big-endian.
        pub res_id: [u8; 2],
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn constants_match_the_pinned_header() {
        let header = include_str!("../../../../tools/uapi/linux-6.1/linux/netfilter/nfnetlink.h");
        assert!(header.contains("#define NFNETLINK_V0\t0\n"));
        assert!(header.contains("#define NFNL_SUBSYS_CTNETLINK\t\t1\n"));
        assert_eq!(super::NfGenMsg::LEN, 4);
        assert_eq!(super::message_type(1, 2), 0x102);
    }
}
