//! nlkit's typed streaming walk over an IPv4 route dump (or a link dump
//! with `--links`): count the objects and read every field of each.
//!
//! Routes: `Conn::route_dump` with a `RouteFilter` for `AF_INET`, which
//! hands each route to the callback as a `route::route::Route<'_>` view
//! borrowing the receive buffer; the callback reads every field (dst,
//! gateway or via, oif, table, priority, prefsrc...), every metric and
//! every next hop.
//!
//! Links: `Conn::link_dump` with a `route::link::Link<'_>` per link,
//! reading every field and walking `IFLA_AF_SPEC` to the bottom.
//!
//! `--engine-only` runs the same dump through `Conn::dump` with a handler
//! that only counts: what the engine costs before any attribute is read.
//!
//! Prints the count.

use nlkit::route::link::{Link, LinkFilter};
use nlkit::route::route::{Route, RouteFilter};
use nlkit::route::AF_INET;
use nlkit::wire::{Attrs, Error as WireError};
use nlkit::{Conn, Netns, Protocol};
use nlkit_bench::{die, family_header, Opts, RTM_GETLINK, RTM_GETROUTE, RTM_NEWLINK, RTM_NEWROUTE};
use std::hint::black_box;

/// What a caller of the typed route API does with each route: reads every
/// field of the view, every metric and every next hop.
fn touch_route(r: &Route<'_>) {
    black_box(r);
    black_box(r.gateway_or_via());
    if let Some(metrics) = r.metrics {
        for m in metrics.iter() {
            black_box(m);
        }
        black_box(metrics.cc_algo());
    }
    if let Some(paths) = r.multipath {
        for nh in paths.iter() {
            black_box(nh.gateway_or_via());
            black_box(&nh);
        }
    }
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
    let mut count = 0u64;
    let result = if engine_only {
        let (get, new) =
            if opts.links { (RTM_GETLINK, RTM_NEWLINK) } else { (RTM_GETROUTE, RTM_NEWROUTE) };
        let header = family_header(opts.links);
        conn.dump(
            get,
            |b| b.append(header),
            |m| {
                count += (u16::from(m.message_type()) == new) as u64;
                Ok(())
            },
        )
    } else if opts.links {
        conn.link_dump(&LinkFilter::default(), |l| {
            touch_link(l)?;
            count += 1;
            Ok(())
        })
    } else {
        let filter = RouteFilter { family: AF_INET, ..RouteFilter::default() };
        conn.route_dump(&filter, |r| {
            touch_route(r);
            count += 1;
            Ok(())
        })
        .map(drop)
    };
    result.unwrap_or_else(|e| die(&e.to_string()));
    println!("{count}");
}
