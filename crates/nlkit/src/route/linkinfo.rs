//! `IFLA_LINKINFO`: a link's kind (`IFLA_INFO_KIND`), its port kind
//! (`IFLA_INFO_SLAVE_KIND`) and their data (`IFLA_INFO_DATA`,
//! `IFLA_INFO_SLAVE_DATA`), from `<linux/if_link.h>` (`IFLA_BR_*`,
//! `IFLA_MACVLAN_*`, `IFLA_VXLAN_*`, `IFLA_TUN_*`, `IFLA_VLAN_*`,
//! `IFLA_BOND_*`) and `<linux/veth.h>`; see rtnetlink(7) and ip-link(8).
//!
//! [`LinkData`] holds the data of the kinds nlkit reads, each a view that
//! keeps its raw bytes (with `unknown()` for attributes it does not read),
//! and any other kind's data raw.

use super::link::{Link, LinkHeader, LINK_HEADER_LEN};
use super::uapi::*;
use crate::proto::codec::{Be16, Be16Pair, Be32, Bin, Codec, Cx, Ip4, Ip6, U32Pair, U8OrFlag};
use crate::proto::codec::{U16, U32, U8};
use crate::proto::{NoHeader, ValueType};
use nlkit_wire::{Attr, Attrs, Error as WireError, MessageBuilder};
use std::net::IpAddr;

/// `IFLA_LINKINFO`, read in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkInfo<'a> {
    /// `IFLA_INFO_KIND`: `veth`, `bridge`, `vxlan`, ... (absent for a
    /// physical device that only carries port data).
    pub kind: Option<&'a str>,
    /// `IFLA_INFO_SLAVE_KIND`: the master's kind when this link is a port
    /// (`bridge`, `bond`).
    pub slave_kind: Option<&'a str>,
    /// The kind's data: `Some` for every kind nlkit reads (even when the
    /// kernel sent no `IFLA_INFO_DATA`, as for veth and ifb dumps), and for
    /// any other kind that sent data.
    pub data: Option<LinkData<'a>>,
    /// `IFLA_INFO_SLAVE_DATA`, raw: port attributes (`IFLA_BRPORT_*`,
    /// `IFLA_BOND_SLAVE_*`); read with [`Attrs::new`].
    pub slave_data: Option<&'a [u8]>,
    /// `IFLA_INFO_XSTATS`, raw: kind-specific statistics.
    pub xstats: Option<&'a [u8]>,
    data_raw: Option<&'a [u8]>,
    raw: &'a [u8],
}

impl<'a> LinkInfo<'a> {
    /// Reads the payload of an `IFLA_LINKINFO` attribute.
    pub fn parse(raw: &'a [u8]) -> Result<Self, WireError> {
        let mut info = LinkInfo { raw, ..LinkInfo::default() };
        super::read_leniently(raw, |a| info.take(a));
        info.data = LinkData::parse(info.kind, info.data_raw)?;
        Ok(info)
    }

    fn take(&mut self, a: &Attr<'a>) -> Result<bool, WireError> {
        match a.kind() {
            IFLA_INFO_KIND => self.kind = Some(a.string()?),
            IFLA_INFO_DATA => self.data_raw = Some(a.payload()),
            IFLA_INFO_XSTATS => self.xstats = Some(a.payload()),
            IFLA_INFO_SLAVE_KIND => self.slave_kind = Some(a.string()?),
            IFLA_INFO_SLAVE_DATA => self.slave_data = Some(a.payload()),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// What reading passed over in the nest itself (the kind's data view
    /// has its own `malformed`).
    pub fn malformed(&self) -> impl Iterator<Item = super::BadAttr> + '_ {
        let mut probe = *self;
        super::malformed_in(self.raw, move |a| probe.take(a))
    }

    /// `IFLA_INFO_SLAVE_DATA`'s attributes (empty if absent).
    pub fn slave_attrs(&self) -> Attrs<'a> {
        Attrs::new(self.slave_data.unwrap_or(&[]))
    }

    /// All attributes of the nest as received.
    pub fn attrs(&self) -> Attrs<'a> {
        Attrs::new(self.raw)
    }

    /// Attributes of the nest this view does not read, kept raw.
    pub fn unknown(&self) -> impl Iterator<Item = Attr<'a>> + '_ {
        let mut probe = *self;
        self.attrs().map_while(Result::ok).filter(move |a| !probe.take(a).unwrap_or(false))
    }
}

/// `IFLA_INFO_DATA` by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkData<'a> {
    /// `veth`.
    Veth(VethData<'a>),
    /// `bridge`.
    Bridge(BridgeData<'a>),
    /// `macvlan` and `macvtap`.
    Macvlan(MacvlanData<'a>),
    /// `vxlan`.
    Vxlan(VxlanData<'a>),
    /// `tun` (tun and tap devices).
    Tun(TunData<'a>),
    /// `ifb`: no data.
    Ifb,
    /// `vlan` (802.1Q/802.1ad).
    Vlan(VlanData<'a>),
    /// `bond`.
    Bond(BondData<'a>),
    /// Any other kind, or a kind's data that does not fit its variant:
    /// the `IFLA_INFO_DATA` payload as received.
    Other {
        /// `IFLA_INFO_KIND` (empty if absent).
        kind: &'a str,
        /// The payload of `IFLA_INFO_DATA`.
        raw: &'a [u8],
    },
}

impl<'a> LinkData<'a> {
    /// Reads `IFLA_INFO_DATA` (`data`) as the data of `kind`; see
    /// [`LinkInfo::data`] for when there is none.
    pub fn parse(kind: Option<&'a str>, data: Option<&'a [u8]>) -> Result<Option<Self>, WireError> {
        let raw = data.unwrap_or(&[]);
        let parsed = match kind.unwrap_or("") {
            "veth" => LinkData::Veth(VethData::parse_payload(raw)?),
            "bridge" => LinkData::Bridge(BridgeData::parse_payload(raw)?),
            "macvlan" | "macvtap" => LinkData::Macvlan(MacvlanData::parse_payload(raw)?),
            "vxlan" => LinkData::Vxlan(VxlanData::parse_payload(raw)?),
            "tun" => LinkData::Tun(TunData::parse_payload(raw)?),
            "ifb" if data.is_none() => LinkData::Ifb,
            "vlan" => LinkData::Vlan(VlanData::parse_payload(raw)?),
            "bond" => LinkData::Bond(BondData::parse_payload(raw)?),
            kind => return Ok(data.map(|raw| LinkData::Other { kind, raw })),
        };
        Ok(Some(parsed))
    }
}

/// `VETH_INFO_PEER` as a row reads it: a `struct ifinfomsg` and
/// attributes, checked, kept as bytes (read with [`VethData::peer`]).
#[derive(Debug, Clone, Copy)]
pub struct LinkPeer;

impl Codec for LinkPeer {
    const TYPE: ValueType = ValueType::Custom("ifinfomsg and link attributes");
    type View<'a> = &'a [u8];
    type Owned = Vec<u8>;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<&'a [u8]>, WireError> {
        LinkHeader::parse(a.payload())?;
        Attrs::new(&a.payload()[LINK_HEADER_LEN..]).validate()?;
        Ok(Some(a.payload()))
    }
    fn encode(
        v: &Vec<u8>,
        kind: u16,
        b: &mut MessageBuilder<'_, Vec<u8>>,
    ) -> Result<(), WireError> {
        b.attr(kind, v)
    }
    fn own(v: &&[u8]) -> Vec<u8> {
        v.to_vec()
    }
}

crate::attr_set! {
    /// `veth`: the peer, present only in requests (`VETH_INFO_PEER`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct VethData<'a>: NoHeader, set "veth-attrs" {
        /// `VETH_INFO_PEER`: the peer's `struct ifinfomsg` and attributes.
        peer: Option<&'a [u8]> = VETH_INFO_PEER as LinkPeer,
    }
    owned
    /// `veth` data to send.
    pub struct VethDataBuilder;
}

impl<'a> VethData<'a> {
    /// The peer: a `struct ifinfomsg` and its attributes, as a [`Link`].
    pub fn peer(&self) -> Option<Result<Link<'a>, WireError>> {
        self.peer.map(Link::parse_payload)
    }
}

crate::attr_set! {
    /// `bridge`: `IFLA_BR_*`. Times are in hundredths of a second (clock_t
    /// `USER_HZ`), as `ip -d link` prints them.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct BridgeData<'a>: NoHeader, set "linkinfo-bridge-attrs" {
        /// `IFLA_BR_FORWARD_DELAY`.
        pub forward_delay: Option<u32> = IFLA_BR_FORWARD_DELAY as U32,
        /// `IFLA_BR_HELLO_TIME`.
        pub hello_time: Option<u32> = IFLA_BR_HELLO_TIME as U32,
        /// `IFLA_BR_MAX_AGE`.
        pub max_age: Option<u32> = IFLA_BR_MAX_AGE as U32,
        /// `IFLA_BR_AGEING_TIME`.
        pub ageing_time: Option<u32> = IFLA_BR_AGEING_TIME as U32,
        /// `IFLA_BR_STP_STATE`: 0 off, 1 kernel STP, 2 user-space STP.
        pub stp_state: Option<u32> = IFLA_BR_STP_STATE as U32,
        /// `IFLA_BR_PRIORITY`.
        pub priority: Option<u16> = IFLA_BR_PRIORITY as U16,
        /// `IFLA_BR_VLAN_FILTERING`.
        pub vlan_filtering: Option<bool> = IFLA_BR_VLAN_FILTERING as U8OrFlag,
        /// `IFLA_BR_VLAN_PROTOCOL` (`ETH_P_8021Q` or `ETH_P_8021AD`).
        pub vlan_protocol: Option<u16> = IFLA_BR_VLAN_PROTOCOL as Be16,
        /// `IFLA_BR_VLAN_DEFAULT_PVID`.
        pub vlan_default_pvid: Option<u16> = IFLA_BR_VLAN_DEFAULT_PVID as U16,
        /// `IFLA_BR_GROUP_FWD_MASK`.
        pub group_fwd_mask: Option<u16> = IFLA_BR_GROUP_FWD_MASK as U16,
        /// `IFLA_BR_GROUP_ADDR`: the STP group address.
        pub group_addr: Option<&'a [u8]> = IFLA_BR_GROUP_ADDR as Bin,
        /// `IFLA_BR_BRIDGE_ID` (`struct ifla_bridge_id`: priority, then address).
        pub bridge_id: Option<&'a [u8]> = IFLA_BR_BRIDGE_ID as Bin,
        /// `IFLA_BR_ROOT_ID`.
        pub root_id: Option<&'a [u8]> = IFLA_BR_ROOT_ID as Bin,
        /// `IFLA_BR_ROOT_PORT`.
        pub root_port: Option<u16> = IFLA_BR_ROOT_PORT as U16,
        /// `IFLA_BR_ROOT_PATH_COST`.
        pub root_path_cost: Option<u32> = IFLA_BR_ROOT_PATH_COST as U32,
        /// `IFLA_BR_MCAST_SNOOPING`.
        pub mcast_snooping: Option<bool> = IFLA_BR_MCAST_SNOOPING as U8OrFlag,
        /// `IFLA_BR_MCAST_ROUTER`.
        pub mcast_router: Option<u8> = IFLA_BR_MCAST_ROUTER as U8,
        /// `IFLA_BR_MCAST_QUERIER`.
        pub mcast_querier: Option<bool> = IFLA_BR_MCAST_QUERIER as U8OrFlag,
    }
    owned
    /// `bridge` data to send.
    pub struct BridgeDataBuilder;
}

crate::attr_set! {
    /// `macvlan`/`macvtap`: `IFLA_MACVLAN_*`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct MacvlanData<'a>: NoHeader, set "linkinfo-macvlan-attrs" {
        /// `IFLA_MACVLAN_MODE`: `MACVLAN_MODE_*`.
        pub mode: Option<u32> = IFLA_MACVLAN_MODE as U32,
        /// `IFLA_MACVLAN_FLAGS`: `MACVLAN_FLAG_*`.
        pub flags: Option<u16> = IFLA_MACVLAN_FLAGS as U16,
        /// `IFLA_MACVLAN_MACADDR_COUNT` (source mode).
        pub macaddr_count: Option<u32> = IFLA_MACVLAN_MACADDR_COUNT as U32,
        /// `IFLA_MACVLAN_BC_QUEUE_LEN`.
        pub bc_queue_len: Option<u32> = IFLA_MACVLAN_BC_QUEUE_LEN as U32,
        /// `IFLA_MACVLAN_BC_QUEUE_LEN_USED`.
        pub bc_queue_len_used: Option<u32> = IFLA_MACVLAN_BC_QUEUE_LEN_USED as U32,
    }
    owned
    /// `macvlan` data to send.
    pub struct MacvlanDataBuilder;
}

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
    }
    owned
    /// `vxlan` data to send.
    pub struct VxlanDataBuilder;
}

crate::attr_set! {
    /// `tun`: `IFLA_TUN_*` (tun and tap devices; made with `TUNSETIFF`, not
    /// over netlink).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct TunData<'a>: NoHeader, set "linkinfo-tun-attrs" {
        /// `IFLA_TUN_TYPE`: `IFF_TUN` or `IFF_TAP`.
        pub tun_type: Option<u8> = IFLA_TUN_TYPE as U8,
        /// `IFLA_TUN_PI`: packets carry `struct tun_pi`.
        pub pi: Option<bool> = IFLA_TUN_PI as U8OrFlag,
        /// `IFLA_TUN_VNET_HDR`: packets carry `struct virtio_net_hdr`.
        pub vnet_hdr: Option<bool> = IFLA_TUN_VNET_HDR as U8OrFlag,
        /// `IFLA_TUN_PERSIST`: the device outlives its file descriptors.
        pub persist: Option<bool> = IFLA_TUN_PERSIST as U8OrFlag,
        /// `IFLA_TUN_MULTI_QUEUE`.
        pub multi_queue: Option<bool> = IFLA_TUN_MULTI_QUEUE as U8OrFlag,
        /// `IFLA_TUN_OWNER`: the uid allowed to attach (absent: any).
        pub owner: Option<u32> = IFLA_TUN_OWNER as U32,
        /// `IFLA_TUN_GROUP`: the gid allowed to attach (absent: any).
        pub group: Option<u32> = IFLA_TUN_GROUP as U32,
        /// `IFLA_TUN_NUM_QUEUES` (multi-queue devices).
        pub num_queues: Option<u32> = IFLA_TUN_NUM_QUEUES as U32,
        /// `IFLA_TUN_NUM_DISABLED_QUEUES`.
        pub num_disabled_queues: Option<u32> = IFLA_TUN_NUM_DISABLED_QUEUES as U32,
    }
    owned
    /// `tun` data (the kernel sends it; tun devices are not made over netlink).
    pub struct TunDataBuilder;
}

impl TunData<'_> {
    /// Whether this is a tap (Ethernet frames) rather than a tun (IP packets).
    pub fn is_tap(&self) -> bool {
        self.tun_type.is_some_and(|t| u32::from(t) == IFF_TAP)
    }
}

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

crate::attr_set! {
    /// `bond`: the common `IFLA_BOND_*` settings.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct BondData<'a>: NoHeader, set "linkinfo-bond-attrs" {
        /// `IFLA_BOND_MODE`: `BOND_MODE_*`.
        pub mode: Option<u8> = IFLA_BOND_MODE as U8,
        /// `IFLA_BOND_ACTIVE_SLAVE`: the active port's index.
        pub active_slave: Option<u32> = IFLA_BOND_ACTIVE_SLAVE as U32,
        /// `IFLA_BOND_MIIMON`: link monitoring interval, in ms.
        pub miimon: Option<u32> = IFLA_BOND_MIIMON as U32,
        /// `IFLA_BOND_UPDELAY`, in ms.
        pub updelay: Option<u32> = IFLA_BOND_UPDELAY as U32,
        /// `IFLA_BOND_DOWNDELAY`, in ms.
        pub downdelay: Option<u32> = IFLA_BOND_DOWNDELAY as U32,
        /// `IFLA_BOND_USE_CARRIER`.
        pub use_carrier: Option<bool> = IFLA_BOND_USE_CARRIER as U8OrFlag,
        /// `IFLA_BOND_ARP_INTERVAL`, in ms.
        pub arp_interval: Option<u32> = IFLA_BOND_ARP_INTERVAL as U32,
        /// `IFLA_BOND_PRIMARY`: the primary port's index.
        pub primary: Option<u32> = IFLA_BOND_PRIMARY as U32,
        /// `IFLA_BOND_XMIT_HASH_POLICY`.
        pub xmit_hash_policy: Option<u8> = IFLA_BOND_XMIT_HASH_POLICY as U8,
        /// `IFLA_BOND_MIN_LINKS`.
        pub min_links: Option<u32> = IFLA_BOND_MIN_LINKS as U32,
        /// `IFLA_BOND_AD_LACP_RATE`: 0 slow, 1 fast.
        pub ad_lacp_rate: Option<u8> = IFLA_BOND_AD_LACP_RATE as U8,
    }
    owned
    /// `bond` data to send.
    pub struct BondDataBuilder;
}

#[cfg(test)]
mod tests;
