//! Routes: `RTM_NEWROUTE`/`RTM_DELROUTE`/`RTM_GETROUTE`, a `struct rtmsg`
//! and `RTA_*` attributes (`<linux/rtnetlink.h>`; see rtnetlink(7) and
//! ip-route(8)).
//!
//! [`Route`] reads a route in place; its next hops ([`Multipath`]) and
//! metrics ([`Metrics`]) are checked once by [`Route::parse`] and then read
//! lazily. [`RouteSpec`] writes add/replace/append/delete requests with
//! `ip route`'s defaults. [`Conn::route_dump`] streams a dump in constant
//! memory, asking the kernel to filter it (strict checking); a
//! [`RouteQuery`] asks the kernel which route a packet would take.

pub mod metrics;
pub mod nexthop;

pub mod ops;

use super::uapi::*;
use super::{family_of, put_ip, AF_INET, AF_INET6};
use crate::engine::{Conn, Transport};
use crate::error::{Error, Result};
use crate::proto::codec::{Be16, Fixed, Ip, Raw, U16, U32, U8};
use metrics::{put_metrics, Metrics, MetricsCodec};
use nexthop::{family_of_hops, put_gateway, put_multipath, Multipath, NexthopSpec, Via};
use nexthop::{MultipathCodec, ViaCodec};
use nlkit_wire::{Attr, Attrs, Error as WireError, MessageBuilder};
use std::net::IpAddr;

/// Bytes of `struct rtmsg`.
pub const ROUTE_HEADER_LEN: usize = RouteHeader::LEN;
/// Bytes of `struct rta_cacheinfo`.
pub const ROUTE_CACHEINFO_LEN: usize = RouteCacheInfo::LEN;

crate::fixed_struct! {
    /// `struct rtmsg`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct RouteHeader as "rtmsg" {
        /// Address family (`AF_INET`, `AF_INET6`, `AF_MPLS`...).
        pub family: u8,
        /// Destination prefix length.
        pub dst_len: u8,
        /// Source prefix length.
        pub src_len: u8,
        /// TOS (DSCP) to match.
        pub tos: u8,
        /// Table id if below 256, else `RT_TABLE_UNSPEC` (`RTA_TABLE` carries the full id).
        pub table: u8,
        /// `RTPROT_*`: who installed the route.
        pub protocol: u8,
        /// `RT_SCOPE_*`.
        pub scope: u8,
        /// `rtm_type`: `RTN_*` (unicast, local, blackhole...).
        pub kind: u8,
        /// `RTNH_F_*` and `RTM_F_*` flags.
        pub flags: u32,
    }
    family: family
}

crate::fixed_struct! {
    /// `struct rta_cacheinfo`: usage counters and expiry of a route.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct RouteCacheInfo as "rta_cacheinfo" {
        /// `rta_clntref`: references held.
        pub clntref: u32,
        /// `rta_lastuse`: jiffies since last use.
        pub lastuse: u32,
        /// `rta_expires`: jiffies until the route expires (0 if it does not).
        pub expires: i32,
        /// `rta_error`: the route's error (for unreachable routes).
        pub error: u32,
        /// `rta_used`: times used.
        pub used: u32,
        /// `rta_id`: IP identifier (unused since 2.6).
        pub id: u32,
        /// `rta_ts`: TCP timestamp.
        pub ts: u32,
        /// `rta_tsage`: age of `ts`, in seconds.
        pub tsage: u32,
    }
}

crate::attr_set! {
    /// A route, read from an `RTM_NEWROUTE` message without copying.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Route<'a>: RouteHeader, set "route-attrs" {
        /// `RTA_TABLE`, or the header's table.
        pub table: u32 = RTA_TABLE as U32 => |h: &RouteHeader| h.table as u32,
        /// `RTA_DST`: the destination prefix (with `header.dst_len`); `None`
        /// for a default route, or a family other than IPv4/IPv6.
        pub dst: Option<IpAddr> = RTA_DST as Ip,
        /// `RTA_SRC`: the source prefix (with `header.src_len`).
        pub src: Option<IpAddr> = RTA_SRC as Ip,
        /// `RTA_PREFSRC`: the preferred source address.
        pub prefsrc: Option<IpAddr> = RTA_PREFSRC as Ip,
        /// `RTA_GATEWAY`.
        pub gateway: Option<IpAddr> = RTA_GATEWAY as Ip,
        /// `RTA_VIA`: a gateway of another family (raw, with [`Via::ip`]).
        pub via: Option<Via<'a>> = RTA_VIA as ViaCodec,
        /// `RTA_OIF`: the output interface.
        pub oif: Option<u32> = RTA_OIF as U32,
        /// `RTA_PRIORITY`: the metric.
        pub priority: Option<u32> = RTA_PRIORITY as U32,
        /// `RTA_METRICS`.
        pub metrics: Option<Metrics<'a>> = RTA_METRICS as MetricsCodec,
        /// `RTA_MULTIPATH`.
        pub multipath: Option<Multipath<'a>> = RTA_MULTIPATH as MultipathCodec,
        /// `RTA_PREF`: the IPv6 router preference (`ICMPV6_ROUTER_PREF_*`).
        pub pref: Option<u8> = RTA_PREF as U8,
        /// `RTA_NH_ID`: the nexthop object the route uses.
        pub nh_id: Option<u32> = RTA_NH_ID as U32,
        /// `RTA_EXPIRES`: seconds until an IPv6 route expires.
        pub expires: Option<u32> = RTA_EXPIRES as U32,
        /// `RTA_IIF`: the input interface.
        pub iif: Option<u32> = RTA_IIF as U32,
        /// `RTA_MARK` (in `RTM_GETROUTE` replies).
        pub mark: Option<u32> = RTA_MARK as U32,
        /// `RTA_FLOW`: the realm.
        pub flow: Option<u32> = RTA_FLOW as U32,
        /// `RTA_ENCAP_TYPE` (`LWTUNNEL_ENCAP_*`).
        pub encap_type: Option<u16> = RTA_ENCAP_TYPE as U16,
        /// `RTA_ENCAP`, raw (its attributes depend on the encap type).
        pub encap: Option<Attr<'a>> = RTA_ENCAP as Raw,
        /// `RTA_CACHEINFO` (raw bytes from [`Route::attr`]).
        pub cacheinfo: Option<RouteCacheInfo> = RTA_CACHEINFO as Fixed<RouteCacheInfo>,
        /// `RTA_UID` (in `RTM_GETROUTE` replies).
        pub uid: Option<u32> = RTA_UID as U32,
        /// `RTA_IP_PROTO` (in `RTM_GETROUTE` replies).
        pub ip_proto: Option<u8> = RTA_IP_PROTO as U8,
        /// `RTA_SPORT` (in `RTM_GETROUTE` replies).
        pub sport: Option<u16> = RTA_SPORT as Be16,
        /// `RTA_DPORT` (in `RTM_GETROUTE` replies).
        pub dport: Option<u16> = RTA_DPORT as Be16,
        /// `RTA_TTL_PROPAGATE` (MPLS).
        pub ttl_propagate: Option<u8> = RTA_TTL_PROPAGATE as U8,
    }
    known {
        /// `RTA_PAD`: alignment padding before 64-bit values.
        pad = RTA_PAD as Raw,
    }
    owned
    /// Any route message to send, attribute by attribute
    /// (`Route::to_builder` gives one from a view; [`RouteSpec`] writes
    /// what `ip route` sends).
    pub struct RouteBuilder;
}

impl<'a> Route<'a> {
    /// Address family.
    pub fn family(&self) -> u8 {
        self.header.family
    }

    /// `rtm_type`: `RTN_*`.
    pub fn kind(&self) -> u8 {
        self.header.kind
    }

    /// `RTPROT_*`: who installed the route.
    pub fn protocol(&self) -> u8 {
        self.header.protocol
    }

    /// `RT_SCOPE_*`.
    pub fn scope(&self) -> u8 {
        self.header.scope
    }

    /// Destination prefix length.
    pub fn dst_len(&self) -> u8 {
        self.header.dst_len
    }

    /// Source prefix length.
    pub fn src_len(&self) -> u8 {
        self.header.src_len
    }

    /// The gateway: `RTA_GATEWAY`, or an IP address in `RTA_VIA`.
    pub fn gateway_or_via(&self) -> Option<IpAddr> {
        self.gateway.or_else(|| self.via.and_then(|v| v.ip()))
    }

    /// `RTAX_MTU` from the metrics.
    pub fn mtu(&self) -> Option<u32> {
        self.metrics.and_then(|m| m.mtu())
    }

    /// `RTAX_ADVMSS` from the metrics.
    pub fn advmss(&self) -> Option<u32> {
        self.metrics.and_then(|m| m.advmss())
    }

    /// Whether all bits of `flag` (`RTNH_F_*`, `RTM_F_*`) are set in the header.
    pub fn has_flag(&self, flag: u32) -> bool {
        self.header.flags & flag == flag
    }

    /// The first attribute of type `kind`, raw (e.g. `RTA_CACHEINFO`'s bytes).
    pub fn attr(&self, kind: u16) -> Option<Attr<'a>> {
        Attrs::new(self.attrs).map_while(Result::ok).find(|a| a.kind() == kind)
    }
}

/// A route to add, replace, append or delete: what `ip route` takes.
/// Unset fields get `ip route`'s defaults; see [`RouteSpec::emit`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RouteSpec {
    /// `AF_INET` or `AF_INET6`; when 0, taken from the destination, source,
    /// gateway, preferred source or next hops, else IPv4.
    pub family: u8,
    /// `PREFIX`; `None` is the default route (`0/0`).
    pub dst: Option<(IpAddr, u8)>,
    /// `from PREFIX` (IPv6 source routing).
    pub src: Option<(IpAddr, u8)>,
    /// `tos TOS`.
    pub tos: u8,
    /// `via GW`: `RTA_GATEWAY`, or `RTA_VIA` for a gateway of another family.
    pub gateway: Option<IpAddr>,
    /// `dev IF`: interface index.
    pub oif: Option<u32>,
    /// `table ID`; default main (local for local, broadcast, anycast and
    /// NAT routes). Sent as `RTA_TABLE` always, and in the header when below 256.
    pub table: Option<u32>,
    /// `rtm_type` (`RTN_UNICAST`, `RTN_BLACKHOLE`, `RTN_UNREACHABLE`,
    /// `RTN_PROHIBIT`, `RTN_LOCAL`...); default unicast (deletes: any).
    pub kind: Option<u8>,
    /// `proto`: `RTPROT_*`; default `RTPROT_BOOT` (deletes: any).
    pub protocol: Option<u8>,
    /// `scope`: `RT_SCOPE_*`; default as `ip route`: host for local and
    /// NAT routes, link for broadcast, multicast, anycast and for unicast
    /// routes without a gateway, universe otherwise and for IPv6
    /// (deletes: any).
    pub scope: Option<u8>,
    /// `metric N` (`RTA_PRIORITY`).
    pub priority: Option<u32>,
    /// `src ADDRESS` (`RTA_PREFSRC`).
    pub prefsrc: Option<IpAddr>,
    /// `mtu N`, `advmss N`...: `(RTAX_*, value)` pairs in `RTA_METRICS`.
    pub metrics: Vec<(u16, u32)>,
    /// `nexthop ...`: the paths of a multipath route (`RTA_MULTIPATH`).
    pub nexthops: Vec<NexthopSpec>,
    /// `onlink`: use the gateway even if no route says it is on the link.
    pub onlink: bool,
    /// `pref low|medium|high` (`RTA_PREF`, IPv6).
    pub pref: Option<u8>,
    /// `nhid N` (`RTA_NH_ID`): use a nexthop object.
    pub nh_id: Option<u32>,
    /// `expires N` (`RTA_EXPIRES`, IPv6): seconds until the route is removed.
    pub expires: Option<u32>,
}

impl RouteSpec {
    /// The family: as set, or from the addresses.
    pub fn family(&self) -> u8 {
        if self.family != 0 {
            return self.family;
        }
        let addr = self.dst.or(self.src).map(|d| d.0).or(self.gateway).or(self.prefsrc);
        addr.as_ref().map(family_of).or_else(|| family_of_hops(&self.nexthops)).unwrap_or(AF_INET)
    }

    fn kind(&self, del: bool) -> u8 {
        self.kind.unwrap_or(if del { RTN_UNSPEC } else { RTN_UNICAST })
    }

    /// The table: as set, else local for local-ish types, else main.
    pub fn table(&self) -> u32 {
        let local = matches!(self.kind, Some(RTN_LOCAL | RTN_BROADCAST | RTN_NAT | RTN_ANYCAST));
        self.table.unwrap_or(if local { RT_TABLE_LOCAL } else { RT_TABLE_MAIN })
    }

    fn scope(&self, del: bool) -> u8 {
        if let Some(s) = self.scope {
            return s;
        }
        let has_gateway =
            self.gateway.is_some() || !self.nexthops.is_empty() || self.nh_id.is_some();
        match self.kind(del) {
            _ if del => RT_SCOPE_NOWHERE,
            _ if self.family() == AF_INET6 => RT_SCOPE_UNIVERSE,
            RTN_LOCAL | RTN_NAT => RT_SCOPE_HOST,
            RTN_BROADCAST | RTN_MULTICAST | RTN_ANYCAST => RT_SCOPE_LINK,
            RTN_UNICAST | RTN_UNSPEC if !has_gateway => RT_SCOPE_LINK,
            _ => RT_SCOPE_UNIVERSE,
        }
    }

    /// The header as sent: for a delete (`del`), type, protocol and scope
    /// default to "any".
    pub fn header(&self, del: bool) -> RouteHeader {
        let table = self.table();
        let default_protocol = if del { RTPROT_UNSPEC } else { RTPROT_BOOT };
        RouteHeader {
            family: self.family(),
            dst_len: self.dst.map_or(0, |d| d.1),
            src_len: self.src.map_or(0, |s| s.1),
            tos: self.tos,
            table: u8::try_from(table).unwrap_or(RT_TABLE_UNSPEC as u8),
            protocol: self.protocol.unwrap_or(default_protocol),
            scope: self.scope(del),
            kind: self.kind(del),
            flags: if self.onlink { RTNH_F_ONLINK } else { 0 },
        }
    }

    /// Writes an `RTM_NEWROUTE` request: the header and attributes.
    pub fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        self.emit_as(b, false)
    }

    /// Writes an `RTM_DELROUTE` request: unset type, protocol and scope
    /// match any route.
    pub fn emit_del(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        self.emit_as(b, true)
    }

    fn emit_as(&self, b: &mut MessageBuilder<'_, Vec<u8>>, del: bool) -> Result<(), WireError> {
        let header = self.header(del);
        b.append(&header.to_bytes())?;
        b.attr_u32(RTA_TABLE, self.table())?;
        for (kind, prefix) in [(RTA_DST, &self.dst), (RTA_SRC, &self.src)] {
            if let Some((a, _)) = prefix {
                put_ip(b, kind, a)?;
            }
        }
        if let Some(a) = &self.prefsrc {
            put_ip(b, RTA_PREFSRC, a)?;
        }
        if let Some(gw) = &self.gateway {
            put_gateway(b, header.family, gw)?;
        }
        if let Some(i) = self.oif {
            b.attr_u32(RTA_OIF, i)?;
        }
        if let Some(p) = self.priority {
            b.attr_u32(RTA_PRIORITY, p)?;
        }
        self.emit_more(b, header.family)
    }

    fn emit_more(&self, b: &mut MessageBuilder<'_, Vec<u8>>, family: u8) -> Result<(), WireError> {
        if !self.metrics.is_empty() {
            put_metrics(b, &self.metrics)?;
        }
        if !self.nexthops.is_empty() {
            put_multipath(b, family, &self.nexthops)?;
        }
        if let Some(p) = self.pref {
            b.attr_u8(RTA_PREF, p)?;
        }
        if let Some(id) = self.nh_id {
            b.attr_u32(RTA_NH_ID, id)?;
        }
        if let Some(e) = self.expires {
            b.attr_u32(RTA_EXPIRES, e)?;
        }
        Ok(())
    }
}

/// Which routes a dump returns. The kernel filters on family, table,
/// protocol, type and output interface (with strict checking, which
/// [`Conn::open`] turns on, and marks its replies `NLM_F_DUMP_FILTERED`);
/// it refuses a scope in a dump request, so scope is filtered here. nlkit
/// checks every field again, so the result is the same on sockets without
/// strict checking, and for values the kernel reads as "any" (protocol
/// `RTPROT_UNSPEC`, type `RTN_UNSPEC`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RouteFilter {
    /// `AF_INET`, `AF_INET6`, or `AF_UNSPEC` for all.
    pub family: u8,
    /// Only this table (`RTA_TABLE` in the request).
    pub table: Option<u32>,
    /// Only this protocol (`RTPROT_*`).
    pub protocol: Option<u8>,
    /// Only this type (`RTN_*`).
    pub kind: Option<u8>,
    /// Only this scope (`RT_SCOPE_*`), checked by nlkit.
    pub scope: Option<u8>,
    /// Only routes through this interface (`RTA_OIF`; for multipath
    /// routes, any of the paths).
    pub oif: Option<u32>,
    /// Route exceptions (the cache: PMTU and redirect entries,
    /// `RTM_F_CLONED`) instead of routes, as `ip route show cache`.
    pub cloned: bool,
}

impl RouteFilter {
    /// Whether the filter selects every route of its family but cached
    /// clones, so nothing needs checking in user space but the clone flag.
    pub fn is_trivial(&self) -> bool {
        // The kernel dumps only the family asked for, strict checking or not.
        RouteFilter { family: 0, ..*self } == RouteFilter::default()
    }

    /// Whether `r` passes the filter.
    pub fn matches(&self, r: &Route<'_>) -> bool {
        let through = |o: u32| {
            r.oif == Some(o) || r.multipath.is_some_and(|m| m.iter().any(|n| n.ifindex as u32 == o))
        };
        (self.family == 0 || r.family() == self.family)
            && self.table.is_none_or(|t| t == RT_TABLE_UNSPEC || r.table == t)
            && self.protocol.is_none_or(|p| r.protocol() == p)
            && self.kind.is_none_or(|k| r.kind() == k)
            && self.scope.is_none_or(|s| r.scope() == s)
            && self.oif.is_none_or(through)
            && r.has_flag(RTM_F_CLONED) == self.cloned
    }

    /// Writes the `RTM_GETROUTE` dump request.
    pub fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        let header = RouteHeader {
            family: self.family,
            protocol: self.protocol.unwrap_or(RTPROT_UNSPEC),
            kind: self.kind.unwrap_or(RTN_UNSPEC),
            flags: if self.cloned { RTM_F_CLONED } else { 0 },
            ..RouteHeader::default()
        };
        b.append(&header.to_bytes())?;
        if let Some(t) = self.table {
            b.attr_u32(RTA_TABLE, t)?;
        }
        if let Some(o) = self.oif {
            b.attr_u32(RTA_OIF, o)?;
        }
        Ok(())
    }
}

/// What a [`Conn::route_dump`] saw. With strict checking the kernel marks
/// a dump `NLM_F_DUMP_FILTERED` when it applied any filter, and IPv4 also
/// when it left out route exceptions (every dump without
/// [`RouteFilter::cloned`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RouteDumpSummary {
    /// Route messages the kernel sent.
    pub received: usize,
    /// Of those, how many carried `NLM_F_DUMP_FILTERED` (the kernel filtered them).
    pub kernel_filtered: usize,
    /// Routes that passed the filter and were handed to the callback.
    pub delivered: usize,
}

/// A route lookup: `ip route get ADDRESS [from ADDRESS] [iif IF] [oif IF]
/// [mark N] [uid N] [ipproto P] [sport N] [dport N] [tos TOS] [fibmatch]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteQuery {
    /// The destination.
    pub dst: IpAddr,
    /// `from ADDRESS`.
    pub src: Option<IpAddr>,
    /// `iif IF`: look up as if received on this interface.
    pub iif: Option<u32>,
    /// `oif IF`: force the output interface.
    pub oif: Option<u32>,
    /// `mark N`.
    pub mark: Option<u32>,
    /// `uid N`.
    pub uid: Option<u32>,
    /// `ipproto P`.
    pub ip_proto: Option<u8>,
    /// `sport N`.
    pub sport: Option<u16>,
    /// `dport N`.
    pub dport: Option<u16>,
    /// `tos TOS`.
    pub tos: u8,
    /// `fibmatch` (`RTM_F_FIB_MATCH`): return the FIB entry that matched,
    /// as `ip route show` prints it, rather than the resolved route.
    pub fib_match: bool,
    /// `RTM_F_LOOKUP_TABLE` (IPv4): report the table the route was found
    /// in, rather than main. `ip route get` sets it for IPv4 lookups.
    pub lookup_table: bool,
}

impl RouteQuery {
    /// A lookup of `dst` with nothing else set.
    pub fn new(dst: IpAddr) -> Self {
        RouteQuery {
            dst,
            src: None,
            iif: None,
            oif: None,
            mark: None,
            uid: None,
            ip_proto: None,
            sport: None,
            dport: None,
            tos: 0,
            fib_match: false,
            lookup_table: false,
        }
    }

    /// Writes the `RTM_GETROUTE` request (full-length prefixes, as strict
    /// checking requires).
    pub fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        let full = |a: &IpAddr| if a.is_ipv4() { 32 } else { 128 };
        let header = RouteHeader {
            family: family_of(&self.dst),
            dst_len: full(&self.dst),
            src_len: self.src.as_ref().map_or(0, full),
            tos: self.tos,
            flags: if self.fib_match { RTM_F_FIB_MATCH } else { 0 }
                | if self.lookup_table { RTM_F_LOOKUP_TABLE } else { 0 },
            ..RouteHeader::default()
        };
        b.append(&header.to_bytes())?;
        put_ip(b, RTA_DST, &self.dst)?;
        if let Some(s) = &self.src {
            put_ip(b, RTA_SRC, s)?;
        }
        for (kind, v) in [(RTA_IIF, self.iif), (RTA_OIF, self.oif), (RTA_MARK, self.mark)] {
            if let Some(v) = v {
                b.attr_u32(kind, v)?;
            }
        }
        if let Some(u) = self.uid {
            b.attr_u32(RTA_UID, u)?;
        }
        if let Some(p) = self.ip_proto {
            b.attr_u8(RTA_IP_PROTO, p)?;
        }
        for (kind, port) in [(RTA_SPORT, self.sport), (RTA_DPORT, self.dport)] {
            if let Some(p) = port {
                b.attr_be16(kind, p)?;
            }
        }
        Ok(())
    }
}

impl<T: Transport> Conn<T> {
    /// Dumps the routes `filter` selects, calling `f` with each, in
    /// constant memory: each [`Route`] borrows the receive buffer. See
    /// [`RouteFilter`] for what the kernel filters. An IPv4 dump of a table
    /// that does not exist is an `ENOENT` error, as `ip route show table N`
    /// reports it.
    pub fn route_dump(
        &mut self,
        filter: &RouteFilter,
        f: impl FnMut(&Route<'_>) -> Result<()>,
    ) -> Result<RouteDumpSummary> {
        self.run(super::ops::route_dump(filter, f))
    }

    /// Asks the kernel which route `query` would take (`ip route get`) and
    /// calls `f` with the answer.
    pub fn route_get<R>(
        &mut self,
        query: &RouteQuery,
        f: impl FnOnce(&Route<'_>) -> R,
    ) -> Result<R> {
        let mut f = Some(f);
        let got = self.run(super::ops::route_get(query, |r| Ok(f.take().map(|f| f(r)))))?;
        got.ok_or(Error::NoReply { message_type: RTM_GETROUTE })
    }

    /// Adds a route (`NLM_F_CREATE | NLM_F_EXCL`, as `ip route add`).
    pub fn route_add(&mut self, spec: &RouteSpec) -> Result<()> {
        self.run(super::ops::route_add(spec))
    }

    /// Adds a route or replaces the one with the same key
    /// (`NLM_F_CREATE | NLM_F_REPLACE`, as `ip route replace`).
    pub fn route_replace(&mut self, spec: &RouteSpec) -> Result<()> {
        self.run(super::ops::route_replace(spec))
    }

    /// Adds a route after those with the same key (`NLM_F_CREATE |
    /// NLM_F_APPEND`, as `ip route append`); IPv6 merges it into a
    /// multipath route.
    pub fn route_append(&mut self, spec: &RouteSpec) -> Result<()> {
        self.run(super::ops::route_append(spec))
    }

    /// Deletes the first route matching `spec` (as `ip route del`).
    pub fn route_del(&mut self, spec: &RouteSpec) -> Result<()> {
        self.run(super::ops::route_del(spec))
    }
}

#[cfg(test)]
mod tests;
