//! Neighbours (the ARP and NDP caches, proxy entries, bridge FDB entries):
//! `RTM_NEWNEIGH`/`RTM_DELNEIGH`/`RTM_GETNEIGH`, a `struct ndmsg` and
//! `NDA_*` attributes (`<linux/neighbour.h>`, `<linux/rtnetlink.h>`; see
//! rtnetlink(7) and ip-neighbour(8)).
//!
//! [`Neighbour`] reads an entry in place; [`NeighSpec`] writes what
//! `ip neigh add|replace|del` sends; the `neigh_*` methods of
//! [`Conn`] dump, get and change entries. Proxy entries (`ip neigh add
//! proxy`) carry `NTF_PROXY` and are dumped separately
//! ([`NeighFilter::proxy`]).

pub mod ops;

use super::names::{neigh_flags, neigh_states, FlagNames};
use super::uapi::*;
use super::{family_of, AF_BRIDGE, AF_INET, AF_INET6};
use crate::engine::{Conn, Transport};
use crate::error::Result;
use crate::proto::codec::{Be16, Bin, Codec, Cx, Fixed, Ip, I32, U16, U32, U8};
use crate::proto::ValueType;
use nlkit_wire::{Attr, Error as WireError, MessageBuilder};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Bytes of `struct ndmsg`.
pub const NEIGH_HEADER_LEN: usize = NeighHeader::LEN;

/// Bytes of `struct nda_cacheinfo`.
pub const CACHEINFO_LEN: usize = CacheInfo::LEN;

crate::fixed_struct! {
    /// `struct ndmsg`. The padding is kept so a re-emit gives the same
    /// bytes; the kernel sends it as zero and, with strict checking,
    /// refuses requests where it is not.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct NeighHeader as "ndmsg" {
        /// `ndm_family`: `AF_INET`, `AF_INET6`, `AF_BRIDGE`, ...
        pub family: u8,
        /// `ndm_pad1` and `ndm_pad2`.
        pub reserved: [u8; 3],
        /// `ndm_ifindex`: the device.
        pub ifindex: i32,
        /// `ndm_state`: `NUD_*` bits.
        pub state: u16,
        /// `ndm_flags`: `NTF_*` bits (the extended ones are in `NDA_FLAGS_EXT`).
        pub flags: u8,
        /// `ndm_type`: `RTN_*` (`RTN_UNICAST`, `RTN_MULTICAST`, ...).
        pub kind: u8,
    }
    family: family
}

crate::fixed_struct! {
    /// `struct nda_cacheinfo`: ages in clock ticks (`USER_HZ`, 100 a second on
    /// Linux) and the reference count.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct CacheInfo as "nda_cacheinfo" {
        /// `ndm_confirmed`: ticks since reachability was last confirmed.
        pub confirmed: u32,
        /// `ndm_used`: ticks since the entry was last used.
        pub used: u32,
        /// `ndm_updated`: ticks since the entry last changed.
        pub updated: u32,
        /// `ndm_refcnt`: references held (beyond the table's own).
        pub refcnt: u32,
    }
}

/// `NDA_DST` as an address: 4 bytes for `AF_INET`, 16 for `AF_INET6`,
/// either for `AF_BRIDGE` (as `ip` reads it); other families' addresses
/// are left raw.
#[derive(Debug, Clone, Copy)]
pub struct NeighDst;

impl Codec for NeighDst {
    const TYPE: ValueType = ValueType::IpAddr;
    type View<'a> = IpAddr;
    type Owned = IpAddr;
    fn decode<'a>(a: &Attr<'a>, cx: Cx) -> Result<Option<IpAddr>, WireError> {
        let p = a.payload();
        let v4 = |p: &[u8]| <[u8; 4]>::try_from(p).map(|b| IpAddr::V4(Ipv4Addr::from(b)));
        let v6 = |p: &[u8]| <[u8; 16]>::try_from(p).map(|b| IpAddr::V6(Ipv6Addr::from(b)));
        match cx.family {
            AF_INET | AF_INET6 => Ip::decode(a, cx),
            AF_BRIDGE => Ok(v4(p).or_else(|_| v6(p)).ok()),
            _ => Ok(None),
        }
    }
    fn encode(v: &IpAddr, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        Ip::encode(v, kind, b)
    }
    fn own(v: &IpAddr) -> IpAddr {
        *v
    }
}

crate::attr_set! {
    /// A neighbour entry, read from an `RTM_NEWNEIGH`/`RTM_DELNEIGH` message
    /// without copying.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Neighbour<'a>: NeighHeader, set "neighbour-attrs" {
        /// `NDA_DST`: the protocol address.
        pub dst: Option<IpAddr> = NDA_DST as NeighDst,
        /// `NDA_LLADDR`: the link-layer address, as sent (6 bytes on Ethernet).
        pub lladdr: Option<&'a [u8]> = NDA_LLADDR as Bin,
        /// `NDA_PROTOCOL`: who installed the entry (`RTPROT_*`).
        pub protocol: Option<u8> = NDA_PROTOCOL as U8,
        /// `NDA_IFINDEX`: the device a VXLAN remote is reached through
        /// (`bridge fdb`'s `via`); not the entry's own device, which is
        /// `ifindex()`.
        pub via_ifindex: Option<u32> = NDA_IFINDEX as U32,
        /// `NDA_MASTER`: the master device (bridge, VRF).
        pub master: Option<u32> = NDA_MASTER as U32,
        /// `NDA_CACHEINFO`.
        pub cacheinfo: Option<CacheInfo> = NDA_CACHEINFO as Fixed<CacheInfo>,
        /// `NDA_PROBES`: probes sent since the last confirmation.
        pub probes: Option<u32> = NDA_PROBES as U32,
        /// `NDA_VLAN` (bridge FDB).
        pub vlan: Option<u16> = NDA_VLAN as U16,
        /// `NDA_PORT`: UDP port of a VXLAN remote (sent big-endian, read here
        /// as a number).
        pub port: Option<u16> = NDA_PORT as Be16,
        /// `NDA_VNI`: VXLAN network identifier.
        pub vni: Option<u32> = NDA_VNI as U32,
        /// `NDA_LINK_NETNSID`: the namespace of a VXLAN's lower device.
        pub link_netnsid: Option<i32> = NDA_LINK_NETNSID as I32,
        /// `NDA_SRC_VNI`.
        pub src_vni: Option<u32> = NDA_SRC_VNI as U32,
        /// `NDA_NH_ID`: a nexthop id (FDB entries of a nexthop group).
        pub nh_id: Option<u32> = NDA_NH_ID as U32,
        /// `NDA_FLAGS_EXT`: extended `NTF_EXT_*` flags.
        pub flags_ext: Option<u32> = NDA_FLAGS_EXT as U32,
    }
    owned
    /// Any neighbour message to send, attribute by attribute (what
    /// [`NeighSpec`] and [`NeighFilter`] fill in; `Neighbour::to_builder`
    /// gives one from a view).
    pub struct NeighbourBuilder;
}

impl<'a> Neighbour<'a> {
    /// Reads a `struct ndmsg` and the attributes after it.
    pub fn from_payload(payload: &'a [u8]) -> Result<Self, WireError> {
        Self::parse_payload(payload)
    }

    /// `ndm_family`.
    pub fn family(&self) -> u8 {
        self.header.family
    }

    /// `ndm_ifindex`: the entry's device.
    pub fn ifindex(&self) -> i32 {
        self.header.ifindex
    }

    /// `ndm_state`: `NUD_*` bits.
    pub fn state(&self) -> u16 {
        self.header.state
    }

    /// `ndm_flags`: `NTF_*` bits.
    pub fn flags(&self) -> u8 {
        self.header.flags
    }

    /// `ndm_type`: `RTN_*`.
    pub fn kind(&self) -> u8 {
        self.header.kind
    }

    /// Whether the neighbour is a router (`NTF_ROUTER`, IPv6).
    pub fn is_router(&self) -> bool {
        self.has_flag(NTF_ROUTER)
    }

    /// Whether this is a proxy entry (`NTF_PROXY`).
    pub fn is_proxy(&self) -> bool {
        self.has_flag(NTF_PROXY)
    }

    fn has_flag(&self, ntf: u32) -> bool {
        self.header.flags as u32 & ntf != 0
    }

    /// The state as `ip -j neigh` lists it (`["REACHABLE"]`; `["NONE"]` for 0).
    pub fn state_names(&self) -> FlagNames {
        neigh_states(self.header.state)
    }

    /// The flags as `ip -j neigh` names them (`"router"`, `"proxy"`, ...).
    pub fn flag_names(&self) -> FlagNames {
        neigh_flags(self.header.flags, self.flags_ext.unwrap_or(0))
    }
}

/// A neighbour to add, replace or delete: what `ip neigh add|replace|del`
/// takes. The family is the destination's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeighSpec {
    /// `dev`: the device's index.
    pub ifindex: i32,
    /// The protocol address.
    pub dst: IpAddr,
    /// `lladdr`: the link-layer address (none for a proxy entry, or to
    /// delete).
    pub lladdr: Option<Vec<u8>>,
    /// `nud STATE`: `NUD_*`; [`new`](Self::new) sets `NUD_PERMANENT`, as `ip` does.
    pub state: u16,
    /// `router`: `NTF_ROUTER`.
    pub router: bool,
    /// `proxy`: `NTF_PROXY`, a proxy entry (answered for, not cached).
    pub proxy: bool,
    /// `extern_learn`: `NTF_EXT_LEARNED`, learned by something outside the kernel.
    pub extern_learn: bool,
    /// `protocol`: `NDA_PROTOCOL`.
    pub protocol: Option<u8>,
}

impl NeighSpec {
    /// A permanent entry for `dst` on device `ifindex`, with no link-layer
    /// address yet.
    pub fn new(ifindex: i32, dst: IpAddr) -> Self {
        NeighSpec {
            ifindex,
            dst,
            lladdr: None,
            state: NUD_PERMANENT,
            router: false,
            proxy: false,
            extern_learn: false,
            protocol: None,
        }
    }

    /// The `ndm_flags` this spec sets.
    pub fn flags(&self) -> u8 {
        let set = |on: bool, f: u32| if on { f as u8 } else { 0 };
        set(self.router, NTF_ROUTER)
            | set(self.proxy, NTF_PROXY)
            | set(self.extern_learn, NTF_EXT_LEARNED)
    }

    /// Writes the header and attributes of an `RTM_NEWNEIGH`/`RTM_DELNEIGH`.
    pub fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        let header = NeighHeader {
            family: family_of(&self.dst),
            ifindex: self.ifindex,
            state: self.state,
            flags: self.flags(),
            kind: 0,
            reserved: [0; 3],
        };
        NeighbourBuilder {
            header,
            dst: Some(self.dst),
            lladdr: self.lladdr.clone(),
            protocol: self.protocol,
            ..Default::default()
        }
        .emit(b)
    }
}

/// Which entries a dump returns, filtered by the kernel (replies then carry
/// `NLM_F_DUMP_FILTERED`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NeighFilter {
    /// Only entries of this device (`NDA_IFINDEX` in the request).
    pub ifindex: Option<u32>,
    /// Only entries of devices enslaved to this master (`NDA_MASTER`).
    pub master: Option<u32>,
    /// Proxy entries instead of cache entries (`NTF_PROXY` in the header).
    pub proxy: bool,
}

impl NeighFilter {
    /// Writes a dump request for `family` with this filter: the header
    /// carries only the family and `NTF_PROXY` (strict checking refuses
    /// anything else there), the device filters go in attributes.
    pub fn emit(&self, family: u8, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        let flags = if self.proxy { NTF_PROXY as u8 } else { 0 };
        NeighbourBuilder {
            header: NeighHeader { family, flags, ..NeighHeader::default() },
            via_ifindex: self.ifindex,
            master: self.master,
            ..Default::default()
        }
        .emit(b)
    }
}

impl<T: Transport> Conn<T> {
    /// Dumps the neighbours of `family` (`AF_UNSPEC` for all) that pass
    /// `filter`, calling `f` with each.
    pub fn neigh_dump(
        &mut self,
        family: u8,
        filter: &NeighFilter,
        f: impl FnMut(&Neighbour<'_>) -> Result<()>,
    ) -> Result<()> {
        self.run(super::ops::neigh_dump(family, filter, f))
    }

    /// Looks up the entry for `dst` on device `ifindex` (`RTM_GETNEIGH`
    /// without `NLM_F_DUMP`) and returns what `f` makes of it. A missing
    /// entry is an `ENOENT` [`Error::Kernel`](crate::Error::Kernel).
    pub fn neigh_get<R>(
        &mut self,
        ifindex: i32,
        dst: &IpAddr,
        f: impl FnOnce(&Neighbour<'_>) -> Result<R>,
    ) -> Result<R> {
        self.neigh_get_flags(ifindex, dst, 0, f)
    }

    /// Like [`neigh_get`](Self::neigh_get), for a proxy entry (`ifindex`
    /// may be 0 for one of no device).
    pub fn neigh_get_proxy<R>(
        &mut self,
        ifindex: i32,
        dst: &IpAddr,
        f: impl FnOnce(&Neighbour<'_>) -> Result<R>,
    ) -> Result<R> {
        self.neigh_get_flags(ifindex, dst, NTF_PROXY as u8, f)
    }

    fn neigh_get_flags<R>(
        &mut self,
        ifindex: i32,
        dst: &IpAddr,
        flags: u8,
        f: impl FnOnce(&Neighbour<'_>) -> Result<R>,
    ) -> Result<R> {
        let mut f = Some(f);
        let proxy = flags as u32 & NTF_PROXY != 0;
        let got = self.run(super::ops::neigh_get(ifindex, dst, proxy, |n| {
            f.take().map(|f| f(n)).transpose()
        }))?;
        got.ok_or(crate::Error::NoReply { message_type: RTM_GETNEIGH })
    }

    /// Adds an entry (`NLM_F_CREATE | NLM_F_EXCL`): `EEXIST` if there is one.
    pub fn neigh_add(&mut self, spec: &NeighSpec) -> Result<()> {
        self.run(super::ops::neigh_add(spec))
    }

    /// Adds an entry or replaces the one there (`NLM_F_CREATE | NLM_F_REPLACE`).
    pub fn neigh_replace(&mut self, spec: &NeighSpec) -> Result<()> {
        self.run(super::ops::neigh_replace(spec))
    }

    /// Changes an existing entry (`NLM_F_REPLACE`, as `ip neigh change`);
    /// a missing entry is an error.
    pub fn neigh_change(&mut self, spec: &NeighSpec) -> Result<()> {
        self.run(super::ops::neigh_change(spec))
    }

    /// Deletes the entry for `spec`'s device and destination (a proxy entry
    /// if `spec.proxy`).
    pub fn neigh_del(&mut self, spec: &NeighSpec) -> Result<()> {
        self.run(super::ops::neigh_del(spec))
    }
}

#[cfg(test)]
mod tests;
