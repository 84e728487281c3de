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

impl<'a> VlanData<'a> {
    /// `IFLA_VLAN_INGRESS_QOS`'s mappings, `(from, to)`.
    pub fn ingress_map(&self) -> impl Iterator<Item = (u32, u32)> + 'a {
        qos_map(self.ingress_qos)
    }

    /// `IFLA_VLAN_EGRESS_QOS`'s mappings, `(from, to)`.
    pub fn egress_map(&self) -> impl Iterator<Item = (u32, u32)> + 'a {
        qos_map(self.egress_qos)
    }
}

/// `IFLA_VLAN_QOS_MAPPING` entries (`struct ifla_vlan_qos_mapping`: from, to).
fn qos_map(nest: Option<&[u8]>) -> impl Iterator<Item = (u32, u32)> + '_ {
    nlkit_wire::Attrs::new(nest.unwrap_or(&[]))
        .map_while(Result::ok)
        .filter_map(|a| a.u64().ok().map(u64::to_ne_bytes))
        .map(|b| {
            let half = |i: usize| u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
            (half(0), half(4))
        })
}
