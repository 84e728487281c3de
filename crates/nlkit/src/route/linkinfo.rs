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
use super::{ip_addr, AF_INET, AF_INET6};
use nlkit_wire::{Attr, Attrs, Error as WireError};
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
            "veth" => LinkData::Veth(VethData::parse(raw)?),
            "bridge" => LinkData::Bridge(BridgeData::parse(raw)?),
            "macvlan" | "macvtap" => LinkData::Macvlan(MacvlanData::parse(raw)?),
            "vxlan" => LinkData::Vxlan(VxlanData::parse(raw)?),
            "tun" => LinkData::Tun(TunData::parse(raw)?),
            "ifb" if data.is_none() => LinkData::Ifb,
            "vlan" => LinkData::Vlan(VlanData::parse(raw)?),
            "bond" => LinkData::Bond(BondData::parse(raw)?),
            kind => return Ok(data.map(|raw| LinkData::Other { kind, raw })),
        };
        Ok(Some(parsed))
    }
}

/// `parse`, `attrs` and `unknown` for a kind's data view: a struct with a
/// `raw: &'a [u8]` field, `Default`, and a `take` that fills the field for
/// one attribute and says whether it knew it.
macro_rules! data_view {
    ($name:ident, $what:literal) => {
        impl<'a> $name<'a> {
            #[doc = concat!("Reads the ", $what, " attributes of `IFLA_INFO_DATA`.")]
            pub fn parse(raw: &'a [u8]) -> Result<Self, WireError> {
                let mut v = $name { raw, ..Default::default() };
                super::read_leniently(raw, |a| v.take(a));
                Ok(v)
            }

            /// All attributes as received.
            pub fn attrs(&self) -> Attrs<'a> {
                Attrs::new(self.raw)
            }

            /// Attributes this view does not read, kept raw.
            pub fn unknown(&self) -> impl Iterator<Item = Attr<'a>> + '_ {
                let mut probe = self.clone();
                self.attrs().map_while(Result::ok).filter(move |a| !probe.take(a).unwrap_or(false))
            }

            /// What reading passed over: attributes of known kinds that did
            /// not read as such (kept raw), and broken framing.
            pub fn malformed(&self) -> impl Iterator<Item = super::BadAttr> + '_ {
                let mut probe = self.clone();
                super::malformed_in(self.raw, move |a| probe.take(a))
            }
        }
    };
}

/// A boolean sent as a `u8` (dumps) or as a flag (requests).
fn boolean(a: &Attr<'_>) -> Result<bool, WireError> {
    match a.payload() {
        [] => Ok(true),
        [v] => Ok(*v != 0),
        p => Err(WireError::AttrSize { kind: a.kind(), want: 1, got: p.len() }),
    }
}

/// A `(u32, u32)` pair: `struct ifla_vlan_flags` and the like.
fn pair32(a: &Attr<'_>) -> Result<(u32, u32), WireError> {
    let v = a.u64()?.to_ne_bytes();
    Ok((u32::from_ne_bytes([v[0], v[1], v[2], v[3]]), u32::from_ne_bytes([v[4], v[5], v[6], v[7]])))
}

/// An address of the size `want` says (4 for IPv4, 16 for IPv6).
fn addr(a: &Attr<'_>, family: u8, want: usize) -> Result<IpAddr, WireError> {
    let got = a.payload().len();
    ip_addr(family, a.payload()).ok_or(WireError::AttrSize { kind: a.kind(), want, got })
}

/// `veth`: the peer, present only in requests (`VETH_INFO_PEER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VethData<'a> {
    peer: Option<&'a [u8]>,
    raw: &'a [u8],
}
data_view!(VethData, "veth");

impl<'a> VethData<'a> {
    fn take(&mut self, a: &Attr<'a>) -> Result<bool, WireError> {
        match a.kind() {
            VETH_INFO_PEER => {
                LinkHeader::parse(a.payload())?;
                Attrs::new(&a.payload()[LINK_HEADER_LEN..]).validate()?;
                self.peer = Some(a.payload());
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// The peer: a `struct ifinfomsg` and its attributes, as a [`Link`].
    pub fn peer(&self) -> Option<Result<Link<'a>, WireError>> {
        self.peer.map(Link::parse_payload)
    }
}

/// `bridge`: `IFLA_BR_*`. Times are in hundredths of a second (clock_t
/// `USER_HZ`), as `ip -d link` prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BridgeData<'a> {
    /// `IFLA_BR_FORWARD_DELAY`.
    pub forward_delay: Option<u32>,
    /// `IFLA_BR_HELLO_TIME`.
    pub hello_time: Option<u32>,
    /// `IFLA_BR_MAX_AGE`.
    pub max_age: Option<u32>,
    /// `IFLA_BR_AGEING_TIME`.
    pub ageing_time: Option<u32>,
    /// `IFLA_BR_STP_STATE`: 0 off, 1 kernel STP, 2 user-space STP.
    pub stp_state: Option<u32>,
    /// `IFLA_BR_PRIORITY`.
    pub priority: Option<u16>,
    /// `IFLA_BR_VLAN_FILTERING`.
    pub vlan_filtering: Option<bool>,
    /// `IFLA_BR_VLAN_PROTOCOL` (`ETH_P_8021Q` or `ETH_P_8021AD`).
    pub vlan_protocol: Option<u16>,
    /// `IFLA_BR_VLAN_DEFAULT_PVID`.
    pub vlan_default_pvid: Option<u16>,
    /// `IFLA_BR_GROUP_FWD_MASK`.
    pub group_fwd_mask: Option<u16>,
    /// `IFLA_BR_GROUP_ADDR`: the STP group address.
    pub group_addr: Option<&'a [u8]>,
    /// `IFLA_BR_BRIDGE_ID` (`struct ifla_bridge_id`: priority, then address).
    pub bridge_id: Option<&'a [u8]>,
    /// `IFLA_BR_ROOT_ID`.
    pub root_id: Option<&'a [u8]>,
    /// `IFLA_BR_ROOT_PORT`.
    pub root_port: Option<u16>,
    /// `IFLA_BR_ROOT_PATH_COST`.
    pub root_path_cost: Option<u32>,
    /// `IFLA_BR_MCAST_SNOOPING`.
    pub mcast_snooping: Option<bool>,
    /// `IFLA_BR_MCAST_ROUTER`.
    pub mcast_router: Option<u8>,
    /// `IFLA_BR_MCAST_QUERIER`.
    pub mcast_querier: Option<bool>,
    raw: &'a [u8],
}
data_view!(BridgeData, "bridge");

impl<'a> BridgeData<'a> {
    fn take(&mut self, a: &Attr<'a>) -> Result<bool, WireError> {
        match a.kind() {
            IFLA_BR_FORWARD_DELAY => self.forward_delay = Some(a.u32()?),
            IFLA_BR_HELLO_TIME => self.hello_time = Some(a.u32()?),
            IFLA_BR_MAX_AGE => self.max_age = Some(a.u32()?),
            IFLA_BR_AGEING_TIME => self.ageing_time = Some(a.u32()?),
            IFLA_BR_STP_STATE => self.stp_state = Some(a.u32()?),
            IFLA_BR_PRIORITY => self.priority = Some(a.u16()?),
            IFLA_BR_VLAN_FILTERING => self.vlan_filtering = Some(boolean(a)?),
            IFLA_BR_VLAN_PROTOCOL => self.vlan_protocol = Some(a.be16()?),
            IFLA_BR_VLAN_DEFAULT_PVID => self.vlan_default_pvid = Some(a.u16()?),
            IFLA_BR_GROUP_FWD_MASK => self.group_fwd_mask = Some(a.u16()?),
            IFLA_BR_GROUP_ADDR => self.group_addr = Some(a.payload()),
            IFLA_BR_BRIDGE_ID => self.bridge_id = Some(a.payload()),
            IFLA_BR_ROOT_ID => self.root_id = Some(a.payload()),
            IFLA_BR_ROOT_PORT => self.root_port = Some(a.u16()?),
            IFLA_BR_ROOT_PATH_COST => self.root_path_cost = Some(a.u32()?),
            IFLA_BR_MCAST_SNOOPING => self.mcast_snooping = Some(boolean(a)?),
            IFLA_BR_MCAST_ROUTER => self.mcast_router = Some(a.u8()?),
            IFLA_BR_MCAST_QUERIER => self.mcast_querier = Some(boolean(a)?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// `macvlan`/`macvtap`: `IFLA_MACVLAN_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MacvlanData<'a> {
    /// `IFLA_MACVLAN_MODE`: `MACVLAN_MODE_*`.
    pub mode: Option<u32>,
    /// `IFLA_MACVLAN_FLAGS`: `MACVLAN_FLAG_*`.
    pub flags: Option<u16>,
    /// `IFLA_MACVLAN_MACADDR_COUNT` (source mode).
    pub macaddr_count: Option<u32>,
    /// `IFLA_MACVLAN_BC_QUEUE_LEN`.
    pub bc_queue_len: Option<u32>,
    /// `IFLA_MACVLAN_BC_QUEUE_LEN_USED`.
    pub bc_queue_len_used: Option<u32>,
    raw: &'a [u8],
}
data_view!(MacvlanData, "macvlan");

impl<'a> MacvlanData<'a> {
    fn take(&mut self, a: &Attr<'a>) -> Result<bool, WireError> {
        match a.kind() {
            IFLA_MACVLAN_MODE => self.mode = Some(a.u32()?),
            IFLA_MACVLAN_FLAGS => self.flags = Some(a.u16()?),
            IFLA_MACVLAN_MACADDR_COUNT => self.macaddr_count = Some(a.u32()?),
            IFLA_MACVLAN_BC_QUEUE_LEN => self.bc_queue_len = Some(a.u32()?),
            IFLA_MACVLAN_BC_QUEUE_LEN_USED => self.bc_queue_len_used = Some(a.u32()?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// `vxlan`: `IFLA_VXLAN_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VxlanData<'a> {
    /// `IFLA_VXLAN_ID`: the VNI.
    pub id: Option<u32>,
    /// `IFLA_VXLAN_GROUP`/`GROUP6`: the remote (unicast) or group (multicast).
    pub group: Option<IpAddr>,
    /// `IFLA_VXLAN_LOCAL`/`LOCAL6`: the source address.
    pub local: Option<IpAddr>,
    /// `IFLA_VXLAN_LINK`: the underlay device's index.
    pub link: Option<u32>,
    /// `IFLA_VXLAN_PORT`: the UDP destination port (host order here).
    pub port: Option<u16>,
    /// `IFLA_VXLAN_PORT_RANGE`: the UDP source ports, low and high (host order).
    pub port_range: Option<(u16, u16)>,
    /// `IFLA_VXLAN_TTL` (0: inherit, or the route's).
    pub ttl: Option<u8>,
    /// `IFLA_VXLAN_TTL_INHERIT`.
    pub ttl_inherit: Option<bool>,
    /// `IFLA_VXLAN_TOS`.
    pub tos: Option<u8>,
    /// `IFLA_VXLAN_DF`: `VXLAN_DF_*`.
    pub df: Option<u8>,
    /// `IFLA_VXLAN_LABEL`: the IPv6 flow label (host order here).
    pub label: Option<u32>,
    /// `IFLA_VXLAN_LEARNING`.
    pub learning: Option<bool>,
    /// `IFLA_VXLAN_AGEING`: FDB entry lifetime, in seconds.
    pub ageing: Option<u32>,
    /// `IFLA_VXLAN_LIMIT`: most FDB entries (0: no limit).
    pub limit: Option<u32>,
    /// `IFLA_VXLAN_PROXY`.
    pub proxy: Option<bool>,
    /// `IFLA_VXLAN_RSC`.
    pub rsc: Option<bool>,
    /// `IFLA_VXLAN_L2MISS`.
    pub l2miss: Option<bool>,
    /// `IFLA_VXLAN_L3MISS`.
    pub l3miss: Option<bool>,
    /// `IFLA_VXLAN_COLLECT_METADATA` (external control plane).
    pub collect_metadata: Option<bool>,
    /// `IFLA_VXLAN_UDP_CSUM`.
    pub udp_csum: Option<bool>,
    /// `IFLA_VXLAN_UDP_ZERO_CSUM6_TX`.
    pub udp_zero_csum6_tx: Option<bool>,
    /// `IFLA_VXLAN_UDP_ZERO_CSUM6_RX`.
    pub udp_zero_csum6_rx: Option<bool>,
    /// `IFLA_VXLAN_REMCSUM_TX`.
    pub remcsum_tx: Option<bool>,
    /// `IFLA_VXLAN_REMCSUM_RX`.
    pub remcsum_rx: Option<bool>,
    raw: &'a [u8],
}
data_view!(VxlanData, "vxlan");

impl<'a> VxlanData<'a> {
    fn take(&mut self, a: &Attr<'a>) -> Result<bool, WireError> {
        match a.kind() {
            IFLA_VXLAN_ID => self.id = Some(a.u32()?),
            IFLA_VXLAN_GROUP => self.group = Some(addr(a, AF_INET, 4)?),
            IFLA_VXLAN_GROUP6 => self.group = Some(addr(a, AF_INET6, 16)?),
            IFLA_VXLAN_LOCAL => self.local = Some(addr(a, AF_INET, 4)?),
            IFLA_VXLAN_LOCAL6 => self.local = Some(addr(a, AF_INET6, 16)?),
            IFLA_VXLAN_LINK => self.link = Some(a.u32()?),
            IFLA_VXLAN_PORT => self.port = Some(a.be16()?),
            IFLA_VXLAN_PORT_RANGE => {
                let r = a.u32()?.to_ne_bytes();
                let low = u16::from_be_bytes([r[0], r[1]]);
                self.port_range = Some((low, u16::from_be_bytes([r[2], r[3]])));
            }
            IFLA_VXLAN_TTL => self.ttl = Some(a.u8()?),
            IFLA_VXLAN_TTL_INHERIT => self.ttl_inherit = Some(boolean(a)?),
            IFLA_VXLAN_TOS => self.tos = Some(a.u8()?),
            IFLA_VXLAN_DF => self.df = Some(a.u8()?),
            IFLA_VXLAN_LABEL => self.label = Some(a.be32()?),
            IFLA_VXLAN_AGEING => self.ageing = Some(a.u32()?),
            IFLA_VXLAN_LIMIT => self.limit = Some(a.u32()?),
            _ => return self.take_flags(a),
        }
        Ok(true)
    }

    fn take_flags(&mut self, a: &Attr<'a>) -> Result<bool, WireError> {
        let field = match a.kind() {
            IFLA_VXLAN_LEARNING => &mut self.learning,
            IFLA_VXLAN_PROXY => &mut self.proxy,
            IFLA_VXLAN_RSC => &mut self.rsc,
            IFLA_VXLAN_L2MISS => &mut self.l2miss,
            IFLA_VXLAN_L3MISS => &mut self.l3miss,
            IFLA_VXLAN_COLLECT_METADATA => &mut self.collect_metadata,
            IFLA_VXLAN_UDP_CSUM => &mut self.udp_csum,
            IFLA_VXLAN_UDP_ZERO_CSUM6_TX => &mut self.udp_zero_csum6_tx,
            IFLA_VXLAN_UDP_ZERO_CSUM6_RX => &mut self.udp_zero_csum6_rx,
            IFLA_VXLAN_REMCSUM_TX => &mut self.remcsum_tx,
            IFLA_VXLAN_REMCSUM_RX => &mut self.remcsum_rx,
            _ => return Ok(false),
        };
        *field = Some(boolean(a)?);
        Ok(true)
    }
}

/// `tun`: `IFLA_TUN_*` (tun and tap devices; made with `TUNSETIFF`, not
/// over netlink).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TunData<'a> {
    /// `IFLA_TUN_TYPE`: `IFF_TUN` or `IFF_TAP`.
    pub tun_type: Option<u8>,
    /// `IFLA_TUN_PI`: packets carry `struct tun_pi`.
    pub pi: Option<bool>,
    /// `IFLA_TUN_VNET_HDR`: packets carry `struct virtio_net_hdr`.
    pub vnet_hdr: Option<bool>,
    /// `IFLA_TUN_PERSIST`: the device outlives its file descriptors.
    pub persist: Option<bool>,
    /// `IFLA_TUN_MULTI_QUEUE`.
    pub multi_queue: Option<bool>,
    /// `IFLA_TUN_OWNER`: the uid allowed to attach (absent: any).
    pub owner: Option<u32>,
    /// `IFLA_TUN_GROUP`: the gid allowed to attach (absent: any).
    pub group: Option<u32>,
    /// `IFLA_TUN_NUM_QUEUES` (multi-queue devices).
    pub num_queues: Option<u32>,
    /// `IFLA_TUN_NUM_DISABLED_QUEUES`.
    pub num_disabled_queues: Option<u32>,
    raw: &'a [u8],
}
data_view!(TunData, "tun");

impl<'a> TunData<'a> {
    fn take(&mut self, a: &Attr<'a>) -> Result<bool, WireError> {
        match a.kind() {
            IFLA_TUN_TYPE => self.tun_type = Some(a.u8()?),
            IFLA_TUN_PI => self.pi = Some(boolean(a)?),
            IFLA_TUN_VNET_HDR => self.vnet_hdr = Some(boolean(a)?),
            IFLA_TUN_PERSIST => self.persist = Some(boolean(a)?),
            IFLA_TUN_MULTI_QUEUE => self.multi_queue = Some(boolean(a)?),
            IFLA_TUN_OWNER => self.owner = Some(a.u32()?),
            IFLA_TUN_GROUP => self.group = Some(a.u32()?),
            IFLA_TUN_NUM_QUEUES => self.num_queues = Some(a.u32()?),
            IFLA_TUN_NUM_DISABLED_QUEUES => self.num_disabled_queues = Some(a.u32()?),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Whether this is a tap (Ethernet frames) rather than a tun (IP packets).
    pub fn is_tap(&self) -> bool {
        self.tun_type.is_some_and(|t| u32::from(t) == IFF_TAP)
    }
}

/// `vlan`: `IFLA_VLAN_*` (`<linux/if_vlan.h>` for the flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VlanData<'a> {
    /// `IFLA_VLAN_ID`.
    pub id: Option<u16>,
    /// `IFLA_VLAN_PROTOCOL`: `ETH_P_8021Q` or `ETH_P_8021AD` (host order here).
    pub protocol: Option<u16>,
    /// `IFLA_VLAN_FLAGS` (`struct ifla_vlan_flags`): `VLAN_FLAG_*` and mask.
    pub flags: Option<(u32, u32)>,
    /// `IFLA_VLAN_EGRESS_QOS`, raw (`IFLA_VLAN_QOS_MAPPING` entries).
    pub egress_qos: Option<&'a [u8]>,
    /// `IFLA_VLAN_INGRESS_QOS`, raw.
    pub ingress_qos: Option<&'a [u8]>,
    raw: &'a [u8],
}
data_view!(VlanData, "vlan");

impl<'a> VlanData<'a> {
    fn take(&mut self, a: &Attr<'a>) -> Result<bool, WireError> {
        match a.kind() {
            IFLA_VLAN_ID => self.id = Some(a.u16()?),
            IFLA_VLAN_PROTOCOL => self.protocol = Some(a.be16()?),
            IFLA_VLAN_FLAGS => self.flags = Some(pair32(a)?),
            IFLA_VLAN_EGRESS_QOS => self.egress_qos = Some(a.payload()),
            IFLA_VLAN_INGRESS_QOS => self.ingress_qos = Some(a.payload()),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

/// `bond`: the common `IFLA_BOND_*` settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BondData<'a> {
    /// `IFLA_BOND_MODE`: `BOND_MODE_*`.
    pub mode: Option<u8>,
    /// `IFLA_BOND_ACTIVE_SLAVE`: the active port's index.
    pub active_slave: Option<u32>,
    /// `IFLA_BOND_MIIMON`: link monitoring interval, in ms.
    pub miimon: Option<u32>,
    /// `IFLA_BOND_UPDELAY`, in ms.
    pub updelay: Option<u32>,
    /// `IFLA_BOND_DOWNDELAY`, in ms.
    pub downdelay: Option<u32>,
    /// `IFLA_BOND_USE_CARRIER`.
    pub use_carrier: Option<bool>,
    /// `IFLA_BOND_ARP_INTERVAL`, in ms.
    pub arp_interval: Option<u32>,
    /// `IFLA_BOND_PRIMARY`: the primary port's index.
    pub primary: Option<u32>,
    /// `IFLA_BOND_XMIT_HASH_POLICY`.
    pub xmit_hash_policy: Option<u8>,
    /// `IFLA_BOND_MIN_LINKS`.
    pub min_links: Option<u32>,
    /// `IFLA_BOND_AD_LACP_RATE`: 0 slow, 1 fast.
    pub ad_lacp_rate: Option<u8>,
    raw: &'a [u8],
}
data_view!(BondData, "bond");

impl<'a> BondData<'a> {
    fn take(&mut self, a: &Attr<'a>) -> Result<bool, WireError> {
        match a.kind() {
            IFLA_BOND_MODE => self.mode = Some(a.u8()?),
            IFLA_BOND_ACTIVE_SLAVE => self.active_slave = Some(a.u32()?),
            IFLA_BOND_MIIMON => self.miimon = Some(a.u32()?),
            IFLA_BOND_UPDELAY => self.updelay = Some(a.u32()?),
            IFLA_BOND_DOWNDELAY => self.downdelay = Some(a.u32()?),
            IFLA_BOND_USE_CARRIER => self.use_carrier = Some(boolean(a)?),
            IFLA_BOND_ARP_INTERVAL => self.arp_interval = Some(a.u32()?),
            IFLA_BOND_PRIMARY => self.primary = Some(a.u32()?),
            IFLA_BOND_XMIT_HASH_POLICY => self.xmit_hash_policy = Some(a.u8()?),
            IFLA_BOND_MIN_LINKS => self.min_links = Some(a.u32()?),
            IFLA_BOND_AD_LACP_RATE => self.ad_lacp_rate = Some(a.u8()?),
            _ => return Ok(false),
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests;
