//! `vlan`: `IFLA_VLAN_*` (`<linux/if_link.h>`, `<linux/if_vlan.h>`).

use crate::proto::codec::*;
use crate::proto::NoHeader;
use crate::rtnl::uapi::*;

crate::attr_set! {
    /// `vlan`: `IFLA_VLAN_*` (`<linux/if_vlan.h>` for the flags).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct VlanData<'a>: NoHeader, set "linkinfo-vlan-attrs" {
        /// `IFLA_VLAN_ID`.
        pub id: Option<u16> = IFLA_VLAN_ID as U16,
        /// `IFLA_VLAN_PROTOCOL`: `ETH_P_8021Q` or `ETH_P_8021AD` (host order here).
        pub protocol: Option<u16> = IFLA_VLAN_PROTOCOL as Be16,
        /// `IFLA_VLAN_FLAGS` (`struct ifla_vlan_flags`): `VLAN_FLAG_*` and mask.
        pub flags: Option<(u32, u32)> = IFLA_VLAN_FLAGS as U32Pair,
        /// `IFLA_VLAN_EGRESS_QOS`, raw (`IFLA_VLAN_QOS_MAPPING` entries).
        pub egress_qos: Option<&'a [u8]> = IFLA_VLAN_EGRESS_QOS as Bin,
        /// `IFLA_VLAN_INGRESS_QOS`, raw.
        pub ingress_qos: Option<&'a [u8]> = IFLA_VLAN_INGRESS_QOS as Bin,
    }
    owned
    /// `vlan` data to send.
    pub struct VlanDataBuilder;
}
