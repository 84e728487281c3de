//! Interface addresses: `RTM_NEWADDR`/`RTM_DELADDR`/`RTM_GETADDR`, a
//! `struct ifaddrmsg` and `IFA_*` attributes (`<linux/if_addr.h>`; see
//! rtnetlink(7)).
//!
//! For IPv4, `IFA_LOCAL` is the interface's own address and `IFA_ADDRESS`
//! the peer's on a point-to-point link (the same as the local one
//! otherwise); IPv6 sends `IFA_ADDRESS` only, unless a peer was configured.
//! [`Address::local_address`] gives what `ip addr` shows as `inet`/`inet6`.
//! `IFA_FLAGS` carries all 32 flag bits; the header keeps only the low 8.

pub mod ops;

use super::uapi::*;
use crate::engine::{Conn, Transport};
use crate::error::Result;
use crate::proto::codec::{Fixed, Ip, Str, I32, U32, U8};
use nlkit_wire::{Error as WireError, MessageBuilder};
use std::net::IpAddr;

/// Bytes of `struct ifaddrmsg`.
pub const ADDR_HEADER_LEN: usize = AddrHeader::LEN;
/// Bytes of `struct ifa_cacheinfo`.
pub const ADDR_CACHEINFO_LEN: usize = AddrCacheInfo::LEN;
/// A lifetime that never ends: the kernel's `INFINITY_LIFE_TIME`
/// (`include/net/addrconf.h`, not part of the uapi), shown by `ip` as `forever`.
pub const LIFETIME_FOREVER: u32 = u32::MAX;

crate::fixed_struct! {
    /// `struct ifaddrmsg`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct AddrHeader as "ifaddrmsg" {
        /// Address family (`AF_INET`, `AF_INET6`).
        pub family: u8,
        /// Prefix length.
        pub prefixlen: u8,
        /// The low 8 bits of the `IFA_F_*` flags (`IFA_FLAGS` carries all of them).
        pub flags: u8,
        /// `RT_SCOPE_*`.
        pub scope: u8,
        /// Interface index.
        pub index: u32,
    }
    family: family
}

crate::fixed_struct! {
    /// `struct ifa_cacheinfo`: lifetimes (seconds) and timestamps.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct AddrCacheInfo as "ifa_cacheinfo" {
        /// `ifa_prefered`: seconds left as preferred ([`LIFETIME_FOREVER`] if unlimited).
        pub preferred: u32,
        /// `ifa_valid`: seconds left as valid ([`LIFETIME_FOREVER`] if unlimited).
        pub valid: u32,
        /// `cstamp`: when the address was created, in hundredths of seconds since boot.
        pub cstamp: u32,
        /// `tstamp`: when it was last updated, in hundredths of seconds since boot.
        pub tstamp: u32,
    }
}

crate::attr_set! {
    /// An address, read from an `RTM_NEWADDR` message without copying.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Address<'a>: AddrHeader, set "addr-attrs" {
        /// `IFA_LOCAL`: the interface's own address (IPv4, or IPv6 with a peer).
        pub local: Option<IpAddr> = IFA_LOCAL as Ip,
        /// `IFA_ADDRESS`: the peer's address on point-to-point IPv4 links, the
        /// address itself otherwise (and always for IPv6 without a peer).
        pub address: Option<IpAddr> = IFA_ADDRESS as Ip,
        /// `IFA_LABEL` (IPv4): the interface name or an alias such as `eth0:1`.
        pub label: Option<&'a str> = IFA_LABEL as Str,
        /// `IFA_BROADCAST`.
        pub broadcast: Option<IpAddr> = IFA_BROADCAST as Ip,
        /// `IFA_ANYCAST`.
        pub anycast: Option<IpAddr> = IFA_ANYCAST as Ip,
        /// `IFA_MULTICAST`.
        pub multicast: Option<IpAddr> = IFA_MULTICAST as Ip,
        /// `IFA_F_*` flags: `IFA_FLAGS` when present, the header's 8 bits otherwise.
        pub flags: u32 = IFA_FLAGS as U32 => |h: &AddrHeader| h.flags as u32,
        /// `IFA_CACHEINFO`: lifetimes and timestamps.
        pub cacheinfo: Option<AddrCacheInfo> = IFA_CACHEINFO as Fixed<AddrCacheInfo>,
        /// `IFA_RT_PRIORITY`: the metric of the prefix route.
        pub rt_priority: Option<u32> = IFA_RT_PRIORITY as U32,
        /// `IFA_PROTO`: who added the address (`IFAPROT_*`).
        pub proto: Option<u8> = IFA_PROTO as U8,
        /// `IFA_TARGET_NETNSID`: the namespace the address lives in, in
        /// cross-namespace dumps.
        pub target_netnsid: Option<i32> = IFA_TARGET_NETNSID as I32,
    }
    owned
    /// Any address message to send, attribute by attribute (what
    /// [`AddrSpec`] fills in; `Address::to_builder` gives one from a view).
    pub struct AddressBuilder;
}

impl<'a> Address<'a> {
    /// Address family (`AF_INET`, `AF_INET6`).
    pub fn family(&self) -> u8 {
        self.header.family
    }

    /// Prefix length.
    pub fn prefixlen(&self) -> u8 {
        self.header.prefixlen
    }

    /// `RT_SCOPE_*`.
    pub fn scope(&self) -> u8 {
        self.header.scope
    }

    /// Interface index.
    pub fn index(&self) -> u32 {
        self.header.index
    }

    /// The interface's own address, as `ip addr` shows it: `IFA_LOCAL`, or
    /// `IFA_ADDRESS` when there is no `IFA_LOCAL` (IPv6).
    pub fn local_address(&self) -> Option<IpAddr> {
        self.local.or(self.address)
    }

    /// The peer's address on a point-to-point link: `IFA_ADDRESS` when it
    /// differs from `IFA_LOCAL`.
    pub fn peer(&self) -> Option<IpAddr> {
        match (self.local, self.address) {
            (Some(l), Some(a)) if l != a => Some(a),
            _ => None,
        }
    }

    /// Whether all bits of `flag` (`IFA_F_*`) are set.
    pub fn has_flag(&self, flag: u32) -> bool {
        self.flags & flag == flag
    }
}

/// Valid and preferred lifetimes of an address, in seconds
/// ([`LIFETIME_FOREVER`] for unlimited); the kernel refuses a preferred
/// lifetime above the valid one, and a valid lifetime of 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// `valid_lft`: seconds until the address is removed.
    pub valid: u32,
    /// `preferred_lft`: seconds until the address is deprecated.
    pub preferred: u32,
}

/// An address to add, replace or delete: what `ip addr add|replace|del` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddrSpec {
    /// Interface index (`dev`).
    pub index: u32,
    /// The address (`IFA_LOCAL`, and `IFA_ADDRESS` when there is no peer).
    pub address: IpAddr,
    /// Prefix length.
    pub prefixlen: u8,
    /// `peer ADDRESS` (`IFA_ADDRESS`) for point-to-point links.
    pub peer: Option<IpAddr>,
    /// `broadcast ADDRESS` (IPv4).
    pub broadcast: Option<IpAddr>,
    /// `label NAME` (IPv4): must start with the interface's name.
    pub label: Option<String>,
    /// `scope SCOPE` (`RT_SCOPE_*`); by default host for `127.0.0.0/8`, as
    /// `ip` does, universe otherwise. IPv6 derives the scope from the address.
    pub scope: Option<u8>,
    /// `IFA_F_*` flags, e.g. `IFA_F_NODAD`, `IFA_F_NOPREFIXROUTE`,
    /// `IFA_F_MANAGETEMPADDR`.
    pub flags: u32,
    /// `valid_lft`/`preferred_lft` (sent as `IFA_CACHEINFO`); permanent if `None`.
    pub lifetimes: Option<Lifetimes>,
    /// `metric N` (`IFA_RT_PRIORITY`): the metric of the prefix route.
    pub metric: Option<u32>,
    /// `proto N` (`IFA_PROTO`, `IFAPROT_*` or a user value).
    pub proto: Option<u8>,
}

impl AddrSpec {
    /// An address `address/prefixlen` on interface `index`, with nothing else set.
    pub fn new(index: u32, address: IpAddr, prefixlen: u8) -> Self {
        AddrSpec {
            index,
            address,
            prefixlen,
            peer: None,
            broadcast: None,
            label: None,
            scope: None,
            flags: 0,
            lifetimes: None,
            metric: None,
            proto: None,
        }
    }

    fn header(&self) -> AddrHeader {
        let loopback = matches!(self.address, IpAddr::V4(a) if a.is_loopback());
        let default_scope = if loopback { RT_SCOPE_HOST } else { RT_SCOPE_UNIVERSE };
        AddrHeader {
            family: super::family_of(&self.address),
            prefixlen: self.prefixlen,
            flags: (self.flags & 0xff) as u8,
            scope: self.scope.unwrap_or(default_scope),
            index: self.index,
        }
    }

    /// The header and the attributes naming the address: `IFA_LOCAL`,
    /// `IFA_ADDRESS` (the peer, or the address again) and `IFA_LABEL`.
    fn key(&self) -> AddressBuilder {
        AddressBuilder {
            header: self.header(),
            local: Some(self.address),
            address: Some(self.peer.unwrap_or(self.address)),
            label: self.label.clone(),
            ..Default::default()
        }
    }

    /// Writes an `RTM_NEWADDR` request: the header and attributes.
    pub fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        let cacheinfo = self.lifetimes.map(|l| AddrCacheInfo {
            preferred: l.preferred,
            valid: l.valid,
            ..Default::default()
        });
        AddressBuilder {
            broadcast: self.broadcast,
            flags: Some(self.flags),
            cacheinfo,
            rt_priority: self.metric,
            proto: self.proto,
            ..self.key()
        }
        .emit(b)
    }

    /// Writes an `RTM_DELADDR` request: only what names the address.
    pub fn emit_del(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        self.key().emit(b)
    }
}

impl<T: Transport> Conn<T> {
    /// Dumps the addresses of `family` (`AF_UNSPEC` for all), calling `f`
    /// with each. A nonzero `index` asks the kernel for that interface's
    /// addresses only (strict checking, `ifa_index` in the request; the
    /// kernel then marks its replies `NLM_F_DUMP_FILTERED`); nlkit checks
    /// the index again, so a socket without strict checking gets the same
    /// result.
    pub fn addr_dump(
        &mut self,
        family: u8,
        index: u32,
        f: impl FnMut(&Address<'_>) -> Result<()>,
    ) -> Result<()> {
        self.run(super::ops::addr_dump(family, index, f))
    }

    /// Adds an address (`NLM_F_CREATE | NLM_F_EXCL`).
    pub fn addr_add(&mut self, spec: &AddrSpec) -> Result<()> {
        self.run(super::ops::addr_add(spec))
    }

    /// Adds an address or changes the one there (`NLM_F_CREATE | NLM_F_REPLACE`).
    pub fn addr_replace(&mut self, spec: &AddrSpec) -> Result<()> {
        self.run(super::ops::addr_replace(spec))
    }

    /// Deletes the address `spec` names (index, address, prefix length,
    /// peer and label).
    pub fn addr_del(&mut self, spec: &AddrSpec) -> Result<()> {
        self.run(super::ops::addr_del(spec))
    }
}

#[cfg(test)]
mod tests;
