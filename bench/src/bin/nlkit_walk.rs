//! nlkit's streaming walk over an IPv4 route dump (or a link dump with
//! `--links`): count the objects and read every attribute of each.
//!
//! **STAND-IN.** nlkit's typed route API (`Conn::route_dump` handing a
//! `nlkit::route::route::Route<'_>` to a callback) has not landed yet. Until
//! it does, this walks the same dump through what exists: `Conn::dump`
//! (the engine: sequence and port checks, extended ACKs, strict checking)
//! and `nlkit::wire::Attrs`, filling a view with the fields the typed one
//! will have (dst, src, gateway, prefsrc, oif, iif, table, priority, mark,
//! flow, pref, expires, uid, nexthop id, every metric, every nexthop of a
//! multipath route) exactly once per route, zero-copy. When the typed API
//! lands, this binary switches to it; the numbers should stay the same or
//! the typed layer costs something this one does not.
//!
//! Links have no typed API yet either; `--links` decodes the common
//! `IFLA_*` scalars and strings and walks every nest to the bottom.
//!
//! `--engine-only` runs the same `Conn::dump` with a handler that only
//! counts: what the engine costs before any attribute is read.
//!
//! Prints the count.

use nlkit::route::uapi::*;
use nlkit::route::{ip_addr, AF_INET};
use nlkit::wire::{Attr, Attrs, Error as WireError, Message};
use nlkit::{Conn, Netns, Protocol};
use nlkit_bench::{die, family_header, Opts, RTM_GETLINK, RTM_GETROUTE, RTM_NEWLINK, RTM_NEWROUTE};
use std::hint::black_box;
use std::net::IpAddr;

/// What the typed `Route<'_>` view will hold, filled in one pass over the
/// attributes. (Its fields are read by `black_box`, which the dead-code lint
/// does not see.)
#[allow(dead_code)]
#[derive(Debug, Default)]
struct RouteView<'a> {
    family: u8,
    dst_len: u8,
    src_len: u8,
    tos: u8,
    table: u32,
    protocol: u8,
    scope: u8,
    kind: u8,
    flags: u32,
    dst: Option<IpAddr>,
    src: Option<IpAddr>,
    gateway: Option<IpAddr>,
    prefsrc: Option<IpAddr>,
    oif: Option<u32>,
    iif: Option<u32>,
    priority: Option<u32>,
    mark: Option<u32>,
    flow: Option<u32>,
    pref: Option<u8>,
    expires: Option<u32>,
    uid: Option<u32>,
    nh_id: Option<u32>,
    /// `RTA_METRICS`, kept raw (a nest of `RTAX_*`), read by [`touch_route`].
    metrics: Option<&'a [u8]>,
    /// `RTA_MULTIPATH`: (ifindex, hops, flags, gateway) of each nexthop, summed.
    nexthops: u32,
    cacheinfo: Option<&'a [u8]>,
    unknown: u32,
}

fn route<'a>(msg: &Message<'a>) -> Result<RouteView<'a>, WireError> {
    let p = msg.payload();
    if p.len() < 12 {
        return Err(WireError::Truncated { need: 12, have: p.len() });
    }
    let mut r = RouteView {
        family: p[0],
        dst_len: p[1],
        src_len: p[2],
        tos: p[3],
        table: p[4] as u32,
        protocol: p[5],
        scope: p[6],
        kind: p[7],
        flags: u32::from_ne_bytes([p[8], p[9], p[10], p[11]]),
        ..RouteView::default()
    };
    for a in Attrs::new(&p[12..]) {
        let a = a?;
        match a.kind() {
            RTA_DST => r.dst = ip_addr(r.family, a.payload()),
            RTA_SRC => r.src = ip_addr(r.family, a.payload()),
            RTA_GATEWAY => r.gateway = ip_addr(r.family, a.payload()),
            RTA_PREFSRC => r.prefsrc = ip_addr(r.family, a.payload()),
            RTA_OIF => r.oif = Some(a.u32()?),
            RTA_IIF => r.iif = Some(a.u32()?),
            RTA_TABLE => r.table = a.u32()?,
            RTA_PRIORITY => r.priority = Some(a.u32()?),
            RTA_MARK => r.mark = Some(a.u32()?),
            RTA_FLOW => r.flow = Some(a.u32()?),
            RTA_PREF => r.pref = Some(a.u8()?),
            RTA_EXPIRES => r.expires = Some(a.u32()?),
            RTA_UID => r.uid = Some(a.u32()?),
            RTA_NH_ID => r.nh_id = Some(a.u32()?),
            RTA_CACHEINFO => r.cacheinfo = Some(a.payload()),
            RTA_METRICS => r.metrics = Some(a.payload()),
            RTA_MULTIPATH => r.nexthops = multipath(r.family, a.payload())?,
            _ => r.unknown += 1,
        }
    }
    Ok(r)
}

/// What a caller of the typed API does with each route: reads every field,
/// and every metric.
fn touch_route(r: &RouteView<'_>) -> Result<(), WireError> {
    black_box(r);
    if let Some(metrics) = r.metrics {
        for m in Attrs::new(metrics) {
            let m = m?;
            match m.kind() {
                RTAX_CC_ALGO => _ = black_box(m.string()?),
                _ => _ = black_box(m.u32()?),
            }
        }
    }
    Ok(())
}

/// Walks the `struct rtnexthop` entries of `RTA_MULTIPATH`, reading each.
fn multipath(family: u8, mut rest: &[u8]) -> Result<u32, WireError> {
    let mut sum = 0u32;
    while rest.len() >= 8 {
        let len = u16::from_ne_bytes([rest[0], rest[1]]) as usize;
        if len < 8 || len > rest.len() {
            return Err(WireError::Truncated { need: len.max(8), have: rest.len() });
        }
        let (flags, hops) = (rest[2] as u32, rest[3] as u32);
        let ifindex = u32::from_ne_bytes([rest[4], rest[5], rest[6], rest[7]]);
        sum = sum.wrapping_add(flags + hops + ifindex);
        for a in Attrs::new(&rest[8..len]) {
            let a = a?;
            if a.kind() == RTA_GATEWAY {
                sum = sum.wrapping_add(ip_addr(family, a.payload()).is_some() as u32);
            }
        }
        rest = &rest[len.next_multiple_of(4).min(rest.len())..];
    }
    Ok(sum)
}

/// What a typed link view would hold.
#[allow(dead_code)]
#[derive(Debug, Default)]
struct LinkView<'a> {
    family: u8,
    kind: u16,
    index: i32,
    flags: u32,
    change: u32,
    name: Option<&'a str>,
    mtu: Option<u32>,
    min_mtu: Option<u32>,
    max_mtu: Option<u32>,
    txqlen: Option<u32>,
    operstate: Option<u8>,
    linkmode: Option<u8>,
    group: Option<u32>,
    master: Option<u32>,
    link: Option<u32>,
    link_netnsid: Option<i32>,
    carrier: Option<u8>,
    promiscuity: Option<u32>,
    address: Option<&'a [u8]>,
    broadcast: Option<&'a [u8]>,
    qdisc: Option<&'a str>,
    alias: Option<&'a str>,
    stats64: Option<&'a [u8]>,
    /// Other attributes: scalars summed, nests walked to the bottom.
    other: u64,
}

/// Reads every attribute under `a`, recursing into what looks nested.
fn walk(a: &Attr<'_>) -> Result<u64, WireError> {
    if a.is_nested() || matches!(a.kind(), IFLA_LINKINFO | IFLA_AF_SPEC | IFLA_PROP_LIST | IFLA_XDP)
    {
        let mut sum = 0;
        for inner in a.nested() {
            sum += walk(&inner?)?;
        }
        return Ok(sum + 1);
    }
    Ok(match a.payload().len() {
        1 => a.u8()? as u64,
        2 => a.u16()? as u64,
        4 => a.u32()? as u64,
        8 => a.u64()?,
        n => n as u64,
    })
}

fn link<'a>(msg: &Message<'a>) -> Result<LinkView<'a>, WireError> {
    let p = msg.payload();
    if p.len() < 16 {
        return Err(WireError::Truncated { need: 16, have: p.len() });
    }
    let mut l = LinkView {
        family: p[0],
        kind: u16::from_ne_bytes([p[2], p[3]]),
        index: i32::from_ne_bytes([p[4], p[5], p[6], p[7]]),
        flags: u32::from_ne_bytes([p[8], p[9], p[10], p[11]]),
        change: u32::from_ne_bytes([p[12], p[13], p[14], p[15]]),
        ..LinkView::default()
    };
    for a in Attrs::new(&p[16..]) {
        let a = a?;
        match a.kind() {
            IFLA_IFNAME => l.name = Some(a.str()?),
            IFLA_MTU => l.mtu = Some(a.u32()?),
            IFLA_MIN_MTU => l.min_mtu = Some(a.u32()?),
            IFLA_MAX_MTU => l.max_mtu = Some(a.u32()?),
            IFLA_TXQLEN => l.txqlen = Some(a.u32()?),
            IFLA_OPERSTATE => l.operstate = Some(a.u8()?),
            IFLA_LINKMODE => l.linkmode = Some(a.u8()?),
            IFLA_GROUP => l.group = Some(a.u32()?),
            IFLA_MASTER => l.master = Some(a.u32()?),
            IFLA_LINK => l.link = Some(a.u32()?),
            IFLA_LINK_NETNSID => l.link_netnsid = Some(a.i32()?),
            IFLA_CARRIER => l.carrier = Some(a.u8()?),
            IFLA_PROMISCUITY => l.promiscuity = Some(a.u32()?),
            IFLA_ADDRESS => l.address = Some(a.payload()),
            IFLA_BROADCAST => l.broadcast = Some(a.payload()),
            IFLA_QDISC => l.qdisc = Some(a.str()?),
            IFLA_IFALIAS => l.alias = Some(a.string()?),
            IFLA_STATS64 => l.stats64 = Some(a.payload()),
            _ => l.other = l.other.wrapping_add(walk(&a)?),
        }
    }
    Ok(l)
}

fn main() {
    let opts = Opts::parse(&["--engine-only"]);
    let engine_only = opts.has("--engine-only");
    let conn = match &opts.netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::ROUTE),
        None => Conn::open(Protocol::ROUTE),
    };
    let mut conn = conn.unwrap_or_else(|e| die(&e.to_string()));
    let header = family_header(opts.links);
    let mut count = 0u64;
    let result = if opts.links {
        conn.dump(
            RTM_GETLINK,
            |b| b.append(header),
            |m| {
                if u16::from(m.message_type()) == RTM_NEWLINK {
                    if !engine_only {
                        black_box(&link(&m)?);
                    }
                    count += 1;
                }
                Ok(())
            },
        )
    } else {
        debug_assert_eq!(header[0], AF_INET);
        conn.dump(
            RTM_GETROUTE,
            |b| b.append(header),
            |m| {
                if u16::from(m.message_type()) == RTM_NEWROUTE {
                    if !engine_only {
                        touch_route(&route(&m)?)?;
                    }
                    count += 1;
                }
                Ok(())
            },
        )
    };
    result.unwrap_or_else(|e| die(&e.to_string()));
    println!("{count}");
}
