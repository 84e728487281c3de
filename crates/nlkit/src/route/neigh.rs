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

use super::names::{neigh_flags, neigh_states, FlagNames};
use super::uapi::*;
use super::{addr_bytes, family_of, fixed, ne_u32, AF_BRIDGE, AF_INET, AF_INET6};
use crate::engine::{Conn, Transport};
use crate::error::Result;
use nlkit_wire::{Attr, Error as WireError, Flags, Message, MessageBuilder};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Bytes of `struct ndmsg`.
pub const NEIGH_HEADER_LEN: usize = 12;

/// Bytes of `struct nda_cacheinfo`.
pub const CACHEINFO_LEN: usize = 16;

mod field {
    use core::ops::Range;
    pub const FAMILY: usize = 0;
    pub const PAD: Range<usize> = 1..4;
    pub const IFINDEX: Range<usize> = 4..8;
    pub const STATE: Range<usize> = 8..10;
    pub const FLAGS: usize = 10;
    pub const TYPE: usize = 11;

    /// `struct nda_cacheinfo`.
    pub mod cacheinfo {
        use core::ops::Range;
        pub const CONFIRMED: Range<usize> = 0..4;
        pub const USED: Range<usize> = 4..8;
        pub const UPDATED: Range<usize> = 8..12;
        pub const REFCNT: Range<usize> = 12..16;
    }
}

/// `struct ndmsg`. The two padding fields are not kept: the kernel sends
/// them as zero and, with strict checking, refuses requests where they are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NeighHeader {
    /// `ndm_family`: `AF_INET`, `AF_INET6`, `AF_BRIDGE`, ...
    pub family: u8,
    /// `ndm_ifindex`: the device.
    pub ifindex: i32,
    /// `ndm_state`: `NUD_*` bits.
    pub state: u16,
    /// `ndm_flags`: `NTF_*` bits (the extended ones are in `NDA_FLAGS_EXT`).
    pub flags: u8,
    /// `ndm_type`: `RTN_*` (`RTN_UNICAST`, `RTN_MULTICAST`, ...).
    pub kind: u8,
    /// `ndm_pad1` and `ndm_pad2`, kept so a re-emit gives the same bytes.
    pub reserved: [u8; 3],
}

impl NeighHeader {
    /// Reads the header at the start of a payload.
    pub fn parse(payload: &[u8]) -> Result<Self, WireError> {
        let b: [u8; NEIGH_HEADER_LEN] = fixed(payload)?;
        Ok(NeighHeader {
            family: b[field::FAMILY],
            ifindex: ne_u32(&b, field::IFINDEX) as i32,
            state: u16::from_ne_bytes([b[field::STATE.start], b[field::STATE.start + 1]]),
            flags: b[field::FLAGS],
            kind: b[field::TYPE],
            reserved: [b[field::PAD.start], b[field::PAD.start + 1], b[field::PAD.start + 2]],
        })
    }

    /// The header's 12 bytes.
    pub fn to_bytes(&self) -> [u8; NEIGH_HEADER_LEN] {
        let mut b = [0u8; NEIGH_HEADER_LEN];
        b[field::FAMILY] = self.family;
        b[field::PAD].copy_from_slice(&self.reserved);
        b[field::IFINDEX].copy_from_slice(&self.ifindex.to_ne_bytes());
        b[field::STATE].copy_from_slice(&self.state.to_ne_bytes());
        b[field::FLAGS] = self.flags;
        b[field::TYPE] = self.kind;
        b
    }
}

/// `struct nda_cacheinfo`: ages in clock ticks (`USER_HZ`, 100 a second on
/// Linux) and the reference count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheInfo {
    /// `ndm_confirmed`: ticks since reachability was last confirmed.
    pub confirmed: u32,
    /// `ndm_used`: ticks since the entry was last used.
    pub used: u32,
    /// `ndm_updated`: ticks since the entry last changed.
    pub updated: u32,
    /// `ndm_refcnt`: references held (beyond the table's own).
    pub refcnt: u32,
}

impl CacheInfo {
    /// Reads an `NDA_CACHEINFO` attribute (exactly 16 bytes).
    pub fn parse(a: &Attr<'_>) -> Result<Self, WireError> {
        let p = a.payload();
        if p.len() != CACHEINFO_LEN {
            return Err(WireError::AttrSize { kind: a.kind(), want: CACHEINFO_LEN, got: p.len() });
        }
        use field::cacheinfo::*;
        Ok(CacheInfo {
            confirmed: ne_u32(p, CONFIRMED),
            used: ne_u32(p, USED),
            updated: ne_u32(p, UPDATED),
            refcnt: ne_u32(p, REFCNT),
        })
    }

    /// The 16 bytes of the attribute's payload.
    pub fn to_bytes(&self) -> [u8; CACHEINFO_LEN] {
        use field::cacheinfo::*;
        let mut b = [0u8; CACHEINFO_LEN];
        b[CONFIRMED].copy_from_slice(&self.confirmed.to_ne_bytes());
        b[USED].copy_from_slice(&self.used.to_ne_bytes());
        b[UPDATED].copy_from_slice(&self.updated.to_ne_bytes());
        b[REFCNT].copy_from_slice(&self.refcnt.to_ne_bytes());
        b
    }
}

/// A neighbour entry, read from an `RTM_NEWNEIGH`/`RTM_DELNEIGH` message
/// without copying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Neighbour<'a> {
    /// The fixed header.
    pub header: NeighHeader,
    /// `NDA_DST`: the protocol address.
    pub dst: Option<IpAddr>,
    /// `NDA_LLADDR`: the link-layer address, as sent (6 bytes on Ethernet).
    pub lladdr: Option<&'a [u8]>,
    /// `NDA_CACHEINFO`.
    pub cacheinfo: Option<CacheInfo>,
    /// `NDA_PROBES`: probes sent since the last confirmation.
    pub probes: Option<u32>,
    /// `NDA_VLAN` (bridge FDB).
    pub vlan: Option<u16>,
    /// `NDA_PORT`: UDP port of a VXLAN remote (sent big-endian, read here
    /// as a number).
    pub port: Option<u16>,
    /// `NDA_VNI`: VXLAN network identifier.
    pub vni: Option<u32>,
    /// `NDA_IFINDEX`: the device a VXLAN remote is reached through
    /// (`bridge fdb`'s `via`); not the entry's own device, which is
    /// [`ifindex`](Self::ifindex).
    pub via_ifindex: Option<u32>,
    /// `NDA_MASTER`: the master device (bridge, VRF).
    pub master: Option<u32>,
    /// `NDA_LINK_NETNSID`: the namespace of a VXLAN's lower device.
    pub link_netnsid: Option<i32>,
    /// `NDA_SRC_VNI`.
    pub src_vni: Option<u32>,
    /// `NDA_PROTOCOL`: who installed the entry (`RTPROT_*`).
    pub protocol: Option<u8>,
    /// `NDA_NH_ID`: a nexthop id (FDB entries of a nexthop group).
    pub nh_id: Option<u32>,
    /// `NDA_FLAGS_EXT`: extended `NTF_EXT_*` flags.
    pub flags_ext: Option<u32>,
    attrs: &'a [u8],
}

impl<'a> Neighbour<'a> {
    /// Reads an `RTM_NEWNEIGH`/`RTM_DELNEIGH` message.
    pub fn parse(msg: &Message<'a>) -> Result<Self, WireError> {
        Self::from_payload(msg.payload())
    }

    /// Reads a `struct ndmsg` and the attributes after it.
    pub fn from_payload(payload: &'a [u8]) -> Result<Self, WireError> {
        let header = NeighHeader::parse(payload)?;
        let mut n = Neighbour {
            header,
            dst: None,
            lladdr: None,
            cacheinfo: None,
            probes: None,
            vlan: None,
            port: None,
            vni: None,
            via_ifindex: None,
            master: None,
            link_netnsid: None,
            src_vni: None,
            protocol: None,
            nh_id: None,
            flags_ext: None,
            attrs: &payload[NEIGH_HEADER_LEN..],
        };
        super::read_leniently(n.attrs, |a| n.take(a));
        Ok(n)
    }

    /// Fills the field for `attr`; returns whether it was a known one.
    fn take(&mut self, a: &Attr<'a>) -> Result<bool, WireError> {
        match a.kind() {
            NDA_DST => self.dst = dst_addr(self.header.family, a)?,
            NDA_LLADDR => self.lladdr = Some(a.payload()),
            NDA_CACHEINFO => self.cacheinfo = Some(CacheInfo::parse(a)?),
            NDA_PROBES => self.probes = Some(a.u32()?),
            NDA_VLAN => self.vlan = Some(a.u16()?),
            NDA_PORT => self.port = Some(a.be16()?),
            NDA_VNI => self.vni = Some(a.u32()?),
            NDA_IFINDEX => self.via_ifindex = Some(a.u32()?),
            NDA_MASTER => self.master = Some(a.u32()?),
            NDA_LINK_NETNSID => self.link_netnsid = Some(a.i32()?),
            NDA_SRC_VNI => self.src_vni = Some(a.u32()?),
            NDA_PROTOCOL => self.protocol = Some(a.u8()?),
            NDA_NH_ID => self.nh_id = Some(a.u32()?),
            NDA_FLAGS_EXT => self.flags_ext = Some(a.u32()?),
            _ => return Ok(false),
        }
        Ok(true)
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

super::impl_view!(Neighbour, NEIGH_HEADER_LEN);

/// `NDA_DST` as an address: 4 bytes for `AF_INET`, 16 for `AF_INET6`,
/// either for `AF_BRIDGE` (as `ip` reads it); other families' addresses
/// are left to [`Neighbour::attrs`].
fn dst_addr(family: u8, a: &Attr<'_>) -> Result<Option<IpAddr>, WireError> {
    let p = a.payload();
    let size_error = |want| WireError::AttrSize { kind: a.kind(), want, got: p.len() };
    let v4 = |p: &[u8]| <[u8; 4]>::try_from(p).map(|b| IpAddr::V4(Ipv4Addr::from(b)));
    let v6 = |p: &[u8]| <[u8; 16]>::try_from(p).map(|b| IpAddr::V6(Ipv6Addr::from(b)));
    match family {
        AF_INET => v4(p).map(Some).map_err(|_| size_error(4)),
        AF_INET6 => v6(p).map(Some).map_err(|_| size_error(16)),
        AF_BRIDGE => Ok(v4(p).or_else(|_| v6(p)).ok()),
        _ => Ok(None),
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
        b.append(&header.to_bytes())?;
        b.attr(NDA_DST, &addr_bytes(&self.dst))?;
        if let Some(ll) = &self.lladdr {
            b.attr(NDA_LLADDR, ll)?;
        }
        if let Some(p) = self.protocol {
            b.attr_u8(NDA_PROTOCOL, p)?;
        }
        Ok(())
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
        b.append(&NeighHeader { family, flags, ..NeighHeader::default() }.to_bytes())?;
        if let Some(i) = self.ifindex {
            b.attr_u32(NDA_IFINDEX, i)?;
        }
        if let Some(m) = self.master {
            b.attr_u32(NDA_MASTER, m)?;
        }
        Ok(())
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
        let header = NeighHeader { family: family_of(dst), ifindex, flags, ..Default::default() };
        let (mut f, mut out) = (Some(f), None);
        let build = |b: &mut MessageBuilder<'_, Vec<u8>>| {
            b.append(&header.to_bytes())?;
            b.attr(NDA_DST, &addr_bytes(dst))
        };
        self.request(RTM_GETNEIGH, Flags::empty(), build, |m| {
            if let Some(f) = f.take() {
                out = Some(f(&Neighbour::parse(&m)?)?);
            }
            Ok(())
        })?;
        // Without NLM_F_ACK the exchange only ends on a reply or an error.
        out.ok_or(crate::Error::Wire(WireError::Truncated { need: NEIGH_HEADER_LEN, have: 0 }))
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
