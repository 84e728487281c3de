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
//! `--links` is not a stand-in: it uses the typed link API,
//! `Conn::link_dump` with a `route::link::Link<'_>` per link, reading every
//! field and walking `IFLA_AF_SPEC` to the bottom.
//!
//! `--engine-only` runs the same `Conn::dump` with a handler that only
//! counts: what the engine costs before any attribute is read.
//!
//! Prints the count.

use nlkit::route::link::{Link, LinkFilter};
use nlkit::route::uapi::*;
use nlkit::route::{ip_addr, AF_INET};
use nlkit::wire::{Attrs, Error as WireError, Message};
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

/// Reads every attribute of a run, descending into nests: those flagged
/// `NLA_F_NESTED`, and every attribute for `nests` more levels (the family
/// nests of `IFLA_AF_SPEC` carry no flag). A malformed run ends the walk.
fn walk(attrs: Attrs<'_>, nests: u32) -> u64 {
    let mut sum = 0u64;
    for a in attrs {
        let Ok(a) = a else { break };
        sum = sum.wrapping_add(if a.is_nested() || nests > 0 {
            walk(a.nested(), nests.saturating_sub(1)) + 1
        } else {
            match a.payload().len() {
                1 => a.u8().map_or(0, u64::from),
                2 => a.u16().map_or(0, u64::from),
                4 => a.u32().map_or(0, u64::from),
                8 => a.u64().unwrap_or(0),
                n => n as u64,
            }
        });
    }
    sum
}

/// What a caller of the typed link API does with each link: reads every
/// field of the view, and walks the attributes it leaves for reading on
/// demand (`IFLA_AF_SPEC`, the alternative names) to the bottom.
fn touch_link(l: &Link<'_>) -> Result<(), WireError> {
    black_box(l);
    black_box(l.kind());
    black_box(l.data());
    if let Some(af) = l.af_spec() {
        black_box(walk(af, 1));
    }
    for name in l.alt_names() {
        black_box(name);
    }
    Ok(())
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
        if engine_only {
            conn.dump(
                RTM_GETLINK,
                |b| b.append(header),
                |m| {
                    count += (u16::from(m.message_type()) == RTM_NEWLINK) as u64;
                    Ok(())
                },
            )
        } else {
            conn.link_dump(&LinkFilter::default(), |l| {
                touch_link(l)?;
                count += 1;
                Ok(())
            })
        }
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
