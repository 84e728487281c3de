//! Network interfaces: `RTM_NEWLINK`/`RTM_DELLINK`/`RTM_GETLINK`/
//! `RTM_SETLINK`, a `struct ifinfomsg` and `IFLA_*` attributes
//! (`<linux/rtnetlink.h>`, `<linux/if_link.h>`, `<linux/if.h>`,
//! `<linux/if_arp.h>`; rtnetlink(7), "RTM_NEWLINK").
//!
//! [`Link`] reads a link message in place; its `IFLA_LINKINFO` (the kind,
//! such as `veth` or `bridge`, and the kind's data) is a [`LinkInfo`].
//! [`LinkSpec`] writes requests to create and change links, and the
//! [`Conn`] methods dump, get, add, change and delete them. Dumps are
//! filtered by the kernel (strict checking is on for every [`Conn`]) and
//! checked again here.

pub mod ops;

use super::fixed;
pub mod info;
pub mod kind;
mod spec;

use super::uapi::*;
use super::AF_UNSPEC;
use crate::engine::{Conn, Transport};
use crate::error::Result;
use crate::proto::codec::{Bin, Bool8, Str, Text, U8As, I32, U32, U8};
use info::LinkInfo;
use nlkit_wire::{Attr, Attrs, Error as WireError, MessageBuilder};

pub use kind::{BridgeSpec, VxlanSpec};
pub use spec::{LinkKind, LinkSpec, NetnsTarget};

/// Bytes of `struct ifinfomsg`.
pub const LINK_HEADER_LEN: usize = LinkHeader::LEN;

/// Offsets of the counters nlkit names in `struct rtnl_link_stats64`.
mod stats_field {
    pub const RX_PACKETS: usize = 0;
    pub const TX_PACKETS: usize = 8;
    pub const RX_BYTES: usize = 16;
    pub const TX_BYTES: usize = 24;
    pub const RX_ERRORS: usize = 32;
    pub const TX_ERRORS: usize = 40;
    pub const RX_DROPPED: usize = 48;
    pub const TX_DROPPED: usize = 56;
    pub const MULTICAST: usize = 64;
    pub const COLLISIONS: usize = 72;
    /// The named counters end here; newer kernels send more after them.
    pub const NAMED_END: usize = 80;
}

crate::fixed_struct! {
    /// `struct ifinfomsg`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct LinkHeader as "ifinfomsg" {
        /// `ifi_family`: `AF_UNSPEC`, or `AF_BRIDGE` for bridge port messages.
        pub family: u8,
        /// `__ifi_pad`, kept so a re-emit gives the same bytes (0 in requests).
        pub pad: u8,
        /// `ifi_type`: the hardware type, `ARPHRD_*`.
        pub link_type: u16,
        /// `ifi_index`: the interface index (0 in a request that names the link).
        pub index: i32,
        /// `ifi_flags`: `IFF_*` device flags.
        pub flags: u32,
        /// `ifi_change`: in a request, which of `flags` to change.
        pub change: u32,
    }
}

/// `IFLA_OPERSTATE`: RFC 2863 operational state (`IF_OPER_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperState {
    /// `IF_OPER_UNKNOWN`: the driver does not tell (e.g. `lo`, `tun`).
    Unknown,
    /// `IF_OPER_NOTPRESENT`.
    NotPresent,
    /// `IF_OPER_DOWN`.
    Down,
    /// `IF_OPER_LOWERLAYERDOWN`: a device this one sits on is down.
    LowerLayerDown,
    /// `IF_OPER_TESTING`.
    Testing,
    /// `IF_OPER_DORMANT`.
    Dormant,
    /// `IF_OPER_UP`.
    Up,
    /// A value this version does not name, kept as received.
    Other(u8),
}

impl From<u8> for OperState {
    fn from(v: u8) -> Self {
        match v {
            IF_OPER_UNKNOWN => OperState::Unknown,
            IF_OPER_NOTPRESENT => OperState::NotPresent,
            IF_OPER_DOWN => OperState::Down,
            IF_OPER_LOWERLAYERDOWN => OperState::LowerLayerDown,
            IF_OPER_TESTING => OperState::Testing,
            IF_OPER_DORMANT => OperState::Dormant,
            IF_OPER_UP => OperState::Up,
            other => OperState::Other(other),
        }
    }
}

impl From<OperState> for u8 {
    fn from(s: OperState) -> u8 {
        match s {
            OperState::Unknown => IF_OPER_UNKNOWN,
            OperState::NotPresent => IF_OPER_NOTPRESENT,
            OperState::Down => IF_OPER_DOWN,
            OperState::LowerLayerDown => IF_OPER_LOWERLAYERDOWN,
            OperState::Testing => IF_OPER_TESTING,
            OperState::Dormant => IF_OPER_DORMANT,
            OperState::Up => IF_OPER_UP,
            OperState::Other(v) => v,
        }
    }
}

/// `IFLA_STATS64` (`struct rtnl_link_stats64`): the common counters, and the
/// raw bytes for the rest (the struct grows with kernel versions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stats64<'a> {
    /// Packets received.
    pub rx_packets: u64,
    /// Packets sent.
    pub tx_packets: u64,
    /// Bytes received.
    pub rx_bytes: u64,
    /// Bytes sent.
    pub tx_bytes: u64,
    /// Bad packets received.
    pub rx_errors: u64,
    /// Packets that could not be sent.
    pub tx_errors: u64,
    /// Received packets dropped (no space, or not wanted).
    pub rx_dropped: u64,
    /// Packets dropped on the way out.
    pub tx_dropped: u64,
    /// Multicast packets received.
    pub multicast: u64,
    /// Collisions (half-duplex media).
    pub collisions: u64,
    raw: &'a [u8],
}

impl<'a> Stats64<'a> {
    /// Reads the counters; the payload must hold at least the ten named ones.
    pub fn parse(raw: &'a [u8]) -> Result<Self, WireError> {
        use stats_field::*;
        if raw.len() < NAMED_END {
            return Err(WireError::Truncated { need: NAMED_END, have: raw.len() });
        }
        let at = |off: usize| fixed::<8>(&raw[off..]).map(u64::from_ne_bytes);
        Ok(Stats64 {
            rx_packets: at(RX_PACKETS)?,
            tx_packets: at(TX_PACKETS)?,
            rx_bytes: at(RX_BYTES)?,
            tx_bytes: at(TX_BYTES)?,
            rx_errors: at(RX_ERRORS)?,
            tx_errors: at(TX_ERRORS)?,
            rx_dropped: at(RX_DROPPED)?,
            tx_dropped: at(TX_DROPPED)?,
            multicast: at(MULTICAST)?,
            collisions: at(COLLISIONS)?,
            raw,
        })
    }

    /// The `n`th `__u64` of the struct (0 is `rx_packets`), for counters not
    /// named here, e.g. `rx_length_errors` (10) or `rx_nohandler` (23).
    pub fn counter(&self, n: usize) -> Option<u64> {
        let off = n.checked_mul(8)?;
        fixed::<8>(self.raw.get(off..)?).ok().map(u64::from_ne_bytes)
    }

    /// The struct as received.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }
}

crate::bytes_codec! {
    /// `IFLA_STATS64` as a table row reads it: [`Stats64`]; written as the
    /// structure's raw bytes.
    pub struct Stats64Codec for Stats64, "rtnl_link_stats64",
    read |a, _cx| Stats64::parse(a.payload()),
    bytes |v| v.raw,
}

crate::bytes_codec! {
    /// `IFLA_LINKINFO` as a table row reads it: a [`LinkInfo`]; written as
    /// the nest's raw payload.
    pub struct LinkInfoCodec for LinkInfo, "linkinfo nest",
    read |a, _cx| LinkInfo::parse(a.payload()),
    bytes |v| v.attrs().remaining(),
}

crate::attr_set! {
    /// A link, read from an `RTM_NEWLINK`/`RTM_DELLINK` message without copying.
    ///
    /// Every field is `None` when the kernel did not send its attribute.
    /// Attributes read on demand (`IFLA_AF_SPEC`, `IFLA_XDP`, `IFLA_STATS`,
    /// `IFLA_MAP`) are reached with [`Link::attr`] or the helpers.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct Link<'a>: LinkHeader, set "link-attrs" {
        /// `IFLA_IFNAME`.
        pub name: Option<&'a str> = IFLA_IFNAME as Str,
        /// `IFLA_MTU`.
        pub mtu: Option<u32> = IFLA_MTU as U32,
        /// `IFLA_MIN_MTU`.
        pub min_mtu: Option<u32> = IFLA_MIN_MTU as U32,
        /// `IFLA_MAX_MTU`.
        pub max_mtu: Option<u32> = IFLA_MAX_MTU as U32,
        /// `IFLA_QDISC`: the root queueing discipline's kind.
        pub qdisc: Option<&'a str> = IFLA_QDISC as Str,
        /// `IFLA_OPERSTATE`.
        pub operstate: Option<OperState> = IFLA_OPERSTATE as U8As<OperState>,
        /// `IFLA_LINKMODE` (`IF_LINK_MODE_*`).
        pub linkmode: Option<u8> = IFLA_LINKMODE as U8,
        /// `IFLA_GROUP`: the device group.
        pub group: Option<u32> = IFLA_GROUP as U32,
        /// `IFLA_TXQLEN`: transmit queue length.
        pub txqlen: Option<u32> = IFLA_TXQLEN as U32,
        /// `IFLA_ADDRESS`: the hardware address (any length).
        pub address: Option<&'a [u8]> = IFLA_ADDRESS as Bin,
        /// `IFLA_BROADCAST`: the hardware broadcast address.
        pub broadcast: Option<&'a [u8]> = IFLA_BROADCAST as Bin,
        /// `IFLA_PERM_ADDRESS`: the permanent hardware address.
        pub perm_address: Option<&'a [u8]> = IFLA_PERM_ADDRESS as Bin,
        /// `IFLA_MASTER`: the index of the bridge, bond or VRF this link is a port of.
        pub master: Option<u32> = IFLA_MASTER as U32,
        /// `IFLA_LINK`: the parent's index (a veth's peer, a VLAN's or macvlan's lower device).
        pub link: Option<u32> = IFLA_LINK as U32,
        /// `IFLA_LINK_NETNSID`: the namespace (as seen from here) `link` lives in.
        pub link_netnsid: Option<i32> = IFLA_LINK_NETNSID as I32,
        /// `IFLA_STATS64`.
        pub stats64: Option<Stats64<'a>> = IFLA_STATS64 as Stats64Codec,
        /// `IFLA_PROMISCUITY`: promiscuous-mode users.
        pub promiscuity: Option<u32> = IFLA_PROMISCUITY as U32,
        /// `IFLA_ALLMULTI`: all-multicast users.
        pub allmulti: Option<u32> = IFLA_ALLMULTI as U32,
        /// `IFLA_NUM_TX_QUEUES`.
        pub num_tx_queues: Option<u32> = IFLA_NUM_TX_QUEUES as U32,
        /// `IFLA_NUM_RX_QUEUES`.
        pub num_rx_queues: Option<u32> = IFLA_NUM_RX_QUEUES as U32,
        /// `IFLA_CARRIER`.
        pub carrier: Option<bool> = IFLA_CARRIER as Bool8,
        /// `IFLA_CARRIER_CHANGES`.
        pub carrier_changes: Option<u32> = IFLA_CARRIER_CHANGES as U32,
        /// `IFLA_CARRIER_UP_COUNT`.
        pub carrier_up_count: Option<u32> = IFLA_CARRIER_UP_COUNT as U32,
        /// `IFLA_CARRIER_DOWN_COUNT`.
        pub carrier_down_count: Option<u32> = IFLA_CARRIER_DOWN_COUNT as U32,
        /// `IFLA_PROTO_DOWN`.
        pub proto_down: Option<bool> = IFLA_PROTO_DOWN as Bool8,
        /// `IFLA_EVENT` (`IFLA_EVENT_*`): why a notification was sent.
        pub event: Option<u32> = IFLA_EVENT as U32,
        /// `IFLA_IFALIAS`.
        pub ifalias: Option<&'a str> = IFLA_IFALIAS as Text,
        /// `IFLA_PARENT_DEV_NAME`: the parent device (e.g. a PCI address).
        pub parent_dev_name: Option<&'a str> = IFLA_PARENT_DEV_NAME as Str,
        /// `IFLA_PARENT_DEV_BUS_NAME`: its bus (e.g. `pci`).
        pub parent_dev_bus_name: Option<&'a str> = IFLA_PARENT_DEV_BUS_NAME as Str,
        /// `IFLA_GSO_MAX_SIZE`.
        pub gso_max_size: Option<u32> = IFLA_GSO_MAX_SIZE as U32,
        /// `IFLA_GSO_MAX_SEGS`.
        pub gso_max_segs: Option<u32> = IFLA_GSO_MAX_SEGS as U32,
        /// `IFLA_GRO_MAX_SIZE`.
        pub gro_max_size: Option<u32> = IFLA_GRO_MAX_SIZE as U32,
        /// `IFLA_TSO_MAX_SIZE`.
        pub tso_max_size: Option<u32> = IFLA_TSO_MAX_SIZE as U32,
        /// `IFLA_TSO_MAX_SEGS`.
        pub tso_max_segs: Option<u32> = IFLA_TSO_MAX_SEGS as U32,
        /// `IFLA_LINKINFO`: kind, slave kind and their data.
        pub linkinfo: Option<LinkInfo<'a>> = IFLA_LINKINFO as LinkInfoCodec,
        /// `IFLA_PROP_LIST`: the alternative names, a nest ([`Link::alt_names`]
        /// reads it; kept in the one pass, as every name cache asks for it).
        pub prop_list: Option<&'a [u8]> = IFLA_PROP_LIST as Bin,
    }
    known {
        /// `IFLA_STATS`: `struct rtnl_link_stats` (32-bit counters).
        stats = IFLA_STATS as Bin,
        /// `IFLA_MAP`: `struct rtnl_link_ifmap`.
        map = IFLA_MAP as Bin,
        /// `IFLA_XDP`: the attached XDP programs (a nest).
        xdp = IFLA_XDP as Bin,
        /// `IFLA_AF_SPEC`: per-family data (a nest of nests).
        af_spec = IFLA_AF_SPEC as Bin,
    }
    owned
    /// Any link message to send, attribute by attribute
    /// (`Link::to_builder` gives one from a view; [`LinkSpec`] writes what
    /// `ip link` sends).
    pub struct LinkBuilder;
}

impl<'a> Link<'a> {
    /// The interface index.
    pub fn index(&self) -> u32 {
        self.header.index as u32
    }

    /// Whether the link is administratively up (`IFF_UP`).
    pub fn is_up(&self) -> bool {
        self.header.flags & IFF_UP != 0
    }

    /// The kind (`IFLA_INFO_KIND`: `veth`, `bridge`, ...), if any.
    pub fn kind(&self) -> Option<&'a str> {
        self.linkinfo.as_ref().and_then(|i| i.kind)
    }

    /// The kind's data (`IFLA_INFO_DATA` as [`LinkData`](info::LinkData)), if any.
    pub fn data(&self) -> Option<info::LinkData<'a>> {
        self.linkinfo.and_then(|i| i.data)
    }

    /// The first attribute of type `kind`, as received (e.g. `IFLA_AF_SPEC`,
    /// `IFLA_XDP`, or an attribute newer than nlkit).
    pub fn attr(&self, kind: u16) -> Option<Attr<'a>> {
        Attrs::new(self.attrs).map_while(Result::ok).find(|a| a.kind() == kind)
    }

    /// `IFLA_AF_SPEC`: per-family data (`AF_INET`, `AF_INET6` nests).
    pub fn af_spec(&self) -> Option<Attrs<'a>> {
        self.attr(IFLA_AF_SPEC).map(|a| a.nested())
    }

    /// The alternative names (`IFLA_ALT_IFNAME` in `IFLA_PROP_LIST`).
    pub fn alt_names(&self) -> impl Iterator<Item = &'a str> + 'a {
        let list = Attrs::new(self.prop_list.unwrap_or_default());
        list.map_while(Result::ok)
            .filter(|a| a.kind() == IFLA_ALT_IFNAME)
            .filter_map(|a| a.string().ok())
    }
}

/// A link named by index or by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkId<'n> {
    /// By interface index.
    Index(u32),
    /// By name (`IFLA_IFNAME`).
    Name(&'n str),
}

impl From<u32> for LinkId<'_> {
    fn from(index: u32) -> Self {
        LinkId::Index(index)
    }
}

impl<'n> From<&'n str> for LinkId<'n> {
    fn from(name: &'n str) -> Self {
        LinkId::Name(name)
    }
}

impl LinkId<'_> {
    /// Writes an `ifinfomsg` selecting this link (and its `IFLA_IFNAME`).
    pub(crate) fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        match *self {
            LinkId::Index(i) => {
                b.append(&LinkHeader { index: i as i32, ..Default::default() }.to_bytes())
            }
            LinkId::Name(n) => {
                b.append(&LinkHeader::default().to_bytes())?;
                b.attr_str(IFLA_IFNAME, n)
            }
        }
    }
}

/// Which links a dump returns; the kernel filters (`IFLA_MASTER`,
/// `IFLA_LINKINFO`/`IFLA_INFO_KIND` in the request) and nlkit checks again,
/// since the kernel ignores a kind it has no driver for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkFilter<'k> {
    /// Only ports of this master (bridge, bond, VRF).
    pub master: Option<u32>,
    /// Only links of this kind (`veth`, `bridge`, ...).
    pub kind: Option<&'k str>,
    /// `IFLA_EXT_MASK` (`RTEXT_FILTER_*`), sent when not 0: what the kernel
    /// adds to each link or leaves out. `RTEXT_FILTER_SKIP_STATS` leaves
    /// out IPv6's counters in `IFLA_AF_SPEC` (a quarter of each message;
    /// 6.18 still sends `IFLA_STATS64` in dumps), for callers that do not
    /// read them. Any mask has a price on dumps: the kernel first sizes
    /// every link to fit the largest (`rtnl_calcit`), one pass over all
    /// devices inside the request's `sendmsg` (11 ms at 20,000 links,
    /// more than the counters it saves).
    pub ext_mask: u32,
}

impl LinkFilter<'_> {
    /// Whether `link` passes the filter.
    pub fn matches(&self, link: &Link<'_>) -> bool {
        self.master.is_none_or(|m| link.master == Some(m))
            && self.kind.is_none_or(|k| link.kind() == Some(k))
    }

    /// Writes the body of an `RTM_GETLINK` dump request asking the kernel
    /// to filter: an empty `ifinfomsg`, `IFLA_MASTER`, and `IFLA_LINKINFO`
    /// with `IFLA_INFO_KIND`.
    pub fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        b.append(&LinkHeader { family: AF_UNSPEC, ..Default::default() }.to_bytes())?;
        if let Some(m) = self.master {
            b.attr_u32(IFLA_MASTER, m)?;
        }
        if let Some(k) = self.kind {
            let info = b.nest(IFLA_LINKINFO)?;
            b.attr_str(IFLA_INFO_KIND, k)?;
            b.nest_end(info)?;
        }
        if self.ext_mask != 0 {
            b.attr_u32(IFLA_EXT_MASK, self.ext_mask)?;
        }
        Ok(())
    }
}

impl<T: Transport> Conn<T> {
    /// Dumps the links that pass `filter`, calling `f` with each.
    pub fn link_dump(
        &mut self,
        filter: &LinkFilter<'_>,
        f: impl FnMut(&Link<'_>) -> Result<()>,
    ) -> Result<()> {
        self.run(super::ops::link_dump(filter, f))
    }

    /// Gets the link named `name` (`RTM_GETLINK` with `IFLA_IFNAME`); a
    /// missing one is [`Error::Kernel`](crate::Error::Kernel) with `ENODEV`.
    pub fn link_get_by_name(
        &mut self,
        name: &str,
        f: impl FnMut(&Link<'_>) -> Result<()>,
    ) -> Result<()> {
        self.link_get(LinkId::Name(name), f)
    }

    /// Gets the link with index `index`.
    pub fn link_get_by_index(
        &mut self,
        index: u32,
        f: impl FnMut(&Link<'_>) -> Result<()>,
    ) -> Result<()> {
        self.link_get(LinkId::Index(index), f)
    }

    /// Gets one link, by index or name: one reply, no ACK.
    pub fn link_get(
        &mut self,
        id: LinkId<'_>,
        f: impl FnMut(&Link<'_>) -> Result<()>,
    ) -> Result<()> {
        self.run(super::ops::link_get(id, f))
    }

    /// Creates a link (`RTM_NEWLINK` with `NLM_F_CREATE | NLM_F_EXCL`): an
    /// existing name is `EEXIST`, a kind without a driver `EOPNOTSUPP` with
    /// the extended ack "Unknown device type".
    pub fn link_add(&mut self, spec: &LinkSpec) -> Result<()> {
        self.run(super::ops::link_add(spec))
    }

    /// Changes an existing link (`RTM_NEWLINK` without `NLM_F_CREATE`),
    /// named by `spec.index`, or by `spec.name` when the index is 0.
    pub fn link_set(&mut self, spec: &LinkSpec) -> Result<()> {
        self.run(super::ops::link_set(spec))
    }

    /// Deletes a link (`RTM_DELLINK`); a missing one is `ENODEV`.
    pub fn link_del<'n>(&mut self, link: impl Into<LinkId<'n>>) -> Result<()> {
        self.run(super::ops::link_del(link.into()))
    }
}

#[cfg(test)]
mod tests;
