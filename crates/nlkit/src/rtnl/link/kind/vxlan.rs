//! `vxlan`: `IFLA_VXLAN_*` (`<linux/if_link.h>`; ip-link(8), "VXLAN Type
//! Support"): the data table and the settings `ip link add type vxlan` takes.

use crate::proto::codec::*;
use crate::proto::NoHeader;
use crate::rtnl::uapi::*;
use nlkit_wire::{Error as WireError, MessageBuilder};
use std::net::IpAddr;

crate::attr_set! {
    /// `vxlan`: `IFLA_VXLAN_*`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct VxlanData<'a>: NoHeader, set "linkinfo-vxlan-attrs" {
        /// `IFLA_VXLAN_ID`: the VNI.
        pub id: Option<u32> = IFLA_VXLAN_ID as U32,
        /// `IFLA_VXLAN_GROUP`/`GROUP6`: the remote (unicast) or group (multicast).
        pub group: Option<IpAddr> = IFLA_VXLAN_GROUP as Ip4 | IFLA_VXLAN_GROUP6 as Ip6,
        /// `IFLA_VXLAN_LOCAL`/`LOCAL6`: the source address.
        pub local: Option<IpAddr> = IFLA_VXLAN_LOCAL as Ip4 | IFLA_VXLAN_LOCAL6 as Ip6,
        /// `IFLA_VXLAN_LINK`: the underlay device's index.
        pub link: Option<u32> = IFLA_VXLAN_LINK as U32,
        /// `IFLA_VXLAN_PORT`: the UDP destination port (host order here).
        pub port: Option<u16> = IFLA_VXLAN_PORT as Be16,
        /// `IFLA_VXLAN_PORT_RANGE`: the UDP source ports, low and high (host order).
        pub port_range: Option<(u16, u16)> = IFLA_VXLAN_PORT_RANGE as Be16Pair,
        /// `IFLA_VXLAN_TTL` (0: inherit, or the route's).
        pub ttl: Option<u8> = IFLA_VXLAN_TTL as U8,
        /// `IFLA_VXLAN_TTL_INHERIT`.
        pub ttl_inherit: Option<bool> = IFLA_VXLAN_TTL_INHERIT as U8OrFlag,
        /// `IFLA_VXLAN_TOS`.
        pub tos: Option<u8> = IFLA_VXLAN_TOS as U8,
        /// `IFLA_VXLAN_DF`: `VXLAN_DF_*`.
        pub df: Option<u8> = IFLA_VXLAN_DF as U8,
        /// `IFLA_VXLAN_LABEL`: the IPv6 flow label (host order here).
        pub label: Option<u32> = IFLA_VXLAN_LABEL as Be32,
        /// `IFLA_VXLAN_LEARNING`.
        pub learning: Option<bool> = IFLA_VXLAN_LEARNING as U8OrFlag,
        /// `IFLA_VXLAN_AGEING`: FDB entry lifetime, in seconds.
        pub ageing: Option<u32> = IFLA_VXLAN_AGEING as U32,
        /// `IFLA_VXLAN_LIMIT`: most FDB entries (0: no limit).
        pub limit: Option<u32> = IFLA_VXLAN_LIMIT as U32,
        /// `IFLA_VXLAN_PROXY`.
        pub proxy: Option<bool> = IFLA_VXLAN_PROXY as U8OrFlag,
        /// `IFLA_VXLAN_RSC`.
        pub rsc: Option<bool> = IFLA_VXLAN_RSC as U8OrFlag,
        /// `IFLA_VXLAN_L2MISS`.
        pub l2miss: Option<bool> = IFLA_VXLAN_L2MISS as U8OrFlag,
        /// `IFLA_VXLAN_L3MISS`.
        pub l3miss: Option<bool> = IFLA_VXLAN_L3MISS as U8OrFlag,
        /// `IFLA_VXLAN_COLLECT_METADATA` (external control plane).
        pub collect_metadata: Option<bool> = IFLA_VXLAN_COLLECT_METADATA as U8OrFlag,
        /// `IFLA_VXLAN_UDP_CSUM`.
        pub udp_csum: Option<bool> = IFLA_VXLAN_UDP_CSUM as U8OrFlag,
        /// `IFLA_VXLAN_UDP_ZERO_CSUM6_TX`.
        pub udp_zero_csum6_tx: Option<bool> = IFLA_VXLAN_UDP_ZERO_CSUM6_TX as U8OrFlag,
        /// `IFLA_VXLAN_UDP_ZERO_CSUM6_RX`.
        pub udp_zero_csum6_rx: Option<bool> = IFLA_VXLAN_UDP_ZERO_CSUM6_RX as U8OrFlag,
        /// `IFLA_VXLAN_REMCSUM_TX`.
        pub remcsum_tx: Option<bool> = IFLA_VXLAN_REMCSUM_TX as U8OrFlag,
        /// `IFLA_VXLAN_REMCSUM_RX`.
        pub remcsum_rx: Option<bool> = IFLA_VXLAN_REMCSUM_RX as U8OrFlag,
        /// `IFLA_VXLAN_REMCSUM_NOPARTIAL`.
        pub remcsum_nopartial: Option<bool> = IFLA_VXLAN_REMCSUM_NOPARTIAL as Flag,
        /// `IFLA_VXLAN_GBP`: the Group Policy extension.
        pub gbp: Option<bool> = IFLA_VXLAN_GBP as Flag,
        /// `IFLA_VXLAN_GPE`: the Generic Protocol Extension.
        pub gpe: Option<bool> = IFLA_VXLAN_GPE as Flag,
        /// `IFLA_VXLAN_VNIFILTER`: VNI filtering on a metadata device.
        pub vnifilter: Option<bool> = IFLA_VXLAN_VNIFILTER as U8OrFlag,
    }
    owned
    /// `vxlan` data to send.
    pub struct VxlanDataBuilder;
}

/// VXLAN settings (`IFLA_VXLAN_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VxlanSpec {
    /// `id`: the VNI.
    pub id: u32,
    /// `remote ADDR` (unicast) or `group ADDR` (multicast).
    pub remote: Option<IpAddr>,
    /// `local ADDR`.
    pub local: Option<IpAddr>,
    /// `dev`: the underlay device's index.
    pub dev: Option<u32>,
    /// `dstport` (host order; 0 is the kernel's default, 8472).
    pub port: Option<u16>,
    /// `[no]learning`.
    pub learning: Option<bool>,
    /// `ttl` (0: inherit from the route).
    pub ttl: Option<u8>,
}

impl VxlanSpec {
    pub(crate) fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        VxlanDataBuilder {
            id: Some(self.id),
            group: self.remote,
            local: self.local,
            link: self.dev,
            port: self.port,
            learning: self.learning,
            ttl: self.ttl,
            ..Default::default()
        }
        .emit(b)
    }
}
