//! Generic netlink (`NETLINK_GENERIC`): families are found by name through
//! the controller, `nlctrl`. See `<linux/genetlink.h>` and the kernel's
//! Documentation/userspace-api/netlink/intro.rst.
//!
//! This module holds what every generic family needs: resolving a family's
//! id, version and multicast groups. The families themselves build on it.

pub mod cache;
pub mod ctrl;
pub mod ethtool;
pub mod handshake;
pub mod mptcp_pm;
pub mod netdev;
pub mod nlctrl;
pub mod taskstats;
pub mod tcp_metrics;
pub mod wireguard;

/// Each command of a family nlkit has tables for, with the attribute set
/// its requests use (generated from the spec): what names the attributes
/// of that family's policy dumps.
pub fn known_ops(family: &str) -> Option<&'static [(u8, &'static crate::proto::SetMeta)]> {
    match family {
        "nlctrl" => Some(nlctrl::OP_SETS),
        "netdev" => Some(netdev::tables::OP_SETS),
        "TASKSTATS" => Some(taskstats::tables::OP_SETS),
        "tcp_metrics" => Some(tcp_metrics::tables::OP_SETS),
        "mptcp_pm" => Some(mptcp_pm::tables::OP_SETS),
        wireguard::FAMILY => Some(wireguard::tables::OP_SETS),
        handshake::FAMILY => Some(handshake::tables::OP_SETS),
        _ => None,
    }
}

crate::fixed_struct! {
    /// `struct genlmsghdr`: the command, the family's interface version,
    /// and two reserved bytes (kept so a re-emit gives the same bytes).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct GenlMsgHdr as "genlmsghdr" {
        /// The command.
        pub cmd: u8,
        /// The family's interface version.
        pub version: u8,
        /// Reserved (0).
        pub reserved: u16,
    }
}

pub use cache::FamilyCache;
pub use ctrl::{Family, McastGroup};
pub use nlkit_wire::genl::{GenlHeader, GENL_ID_CTRL};
