//! nlkit's typed streaming walk over an IPv4 route dump (or a link dump
//! with `--links`): count the objects and read every field of each.
//!
//! Routes: `Conn::route_dump` with a `RouteFilter` for `AF_INET`, which
//! hands each route to the callback as a `rtnl::route::Route<'_>` view
//! borrowing the receive buffer; the callback reads every field (dst,
//! gateway or via, oif, table, priority, prefsrc...), every metric and
//! every next hop.
//!
//! Links: `Conn::link_dump` with a `rtnl::link::Link<'_>` per link,
//! reading every field of the view.
//!
//! `--engine-only` runs the same dump through `Conn::dump` with a handler
//! that only counts: what the engine costs before any attribute is read.
//!
//! `--read-ahead` runs the same typed walk with `Conn::set_read_ahead(8)`:
//! a second thread receives while this one reads the views.
//!
//! `--async` runs the same typed walk (the same `rtnl::ops` request value)
//! through `AsyncConn` on a current-thread tokio runtime.
//!
//! Prints the count.

use nlkit::rtnl::link::{Link, LinkFilter};
use nlkit::rtnl::ops;
use nlkit::rtnl::route::{Route, RouteFilter};
use nlkit::rtnl::AF_INET;
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

/// What a caller of the typed link API does with each link: reads every
/// field of the view (which `Link::parse` filled from every top-level
/// attribute, `IFLA_LINKINFO` and `IFLA_STATS64` included). Like the neli
/// walk, it does not descend into `IFLA_AF_SPEC`, which the view leaves
/// for reading on demand.
fn touch_link(l: &Link<'_>) {
    black_box(l);
    black_box(l.kind());
    black_box(l.data());
}

fn main() {
    let opts = Opts::parse(&["--engine-only", "--async", "--read-ahead"]);
    let engine_only = opts.has("--engine-only");
    if opts.has("--async") {
        let count = walk_async(&opts).unwrap_or_else(|e| die(&e.to_string()));
        println!("{count}");
        return;
    }
    let conn = match &opts.netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::ROUTE),
        None => Conn::open(Protocol::ROUTE),
    };
    let mut conn = conn.unwrap_or_else(|e| die(&e.to_string()));
    if opts.has("--read-ahead") {
        conn.set_read_ahead(8);
    }
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
            touch_link(l);
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

/// The typed walk through `AsyncConn`: the same request values as the
/// blocking `Conn` methods run.
fn walk_async(opts: &Opts) -> nlkit::Result<u64> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().map_err(|e| {
        nlkit::Error::Io { op: "tokio runtime", source: e }
    })?;
    rt.block_on(async {
        let mut conn = match &opts.netns {
            Some(name) => nlkit::tokio::AsyncConn::open_in(Netns::Name(name), Protocol::ROUTE)?,
            None => nlkit::tokio::AsyncConn::open(Protocol::ROUTE)?,
        };
        let mut count = 0u64;
        if opts.links {
            let filter = LinkFilter::default();
            conn.run(ops::link_dump(&filter, |l| {
                touch_link(l);
                count += 1;
                Ok(())
            }))
            .await?;
        } else {
            let filter = RouteFilter { family: AF_INET, ..RouteFilter::default() };
            conn.run(ops::route_dump(&filter, |r| {
                touch_route(r);
                count += 1;
                Ok(())
            }))
            .await?;
        }
        Ok(count)
    })
}
