//! The same IPv4 route dump (or link dump with `--links`) with the
//! `rtnetlink` crate on a single-threaded tokio runtime, as its examples
//! do it: `handle.route().get(...).execute()` as a stream of owned
//! `RouteMessage`s, whose attributes it has already parsed into a
//! `Vec<RouteAttribute>`. Each route's attributes are read with a match,
//! the way that API exposes them.
//!
//! Prints the count.

use futures::TryStreamExt;
use nlkit_bench::{die, Opts};
use rtnetlink::packet_route::link::LinkAttribute;
use rtnetlink::packet_route::route::{RouteAddress, RouteAttribute, RouteMetric};
use rtnetlink::{new_connection, Handle, RouteMessageBuilder};
use std::hint::black_box;
use std::net::Ipv4Addr;

fn addr(a: &RouteAddress) -> u64 {
    match a {
        RouteAddress::Inet(v4) => u32::from(*v4) as u64,
        RouteAddress::Inet6(v6) => u128::from(*v6) as u64,
        _ => 1,
    }
}

async fn routes(handle: Handle) -> Result<u64, rtnetlink::Error> {
    let mut stream = handle.route().get(RouteMessageBuilder::<Ipv4Addr>::new().build()).execute();
    let mut count = 0;
    while let Some(route) = stream.try_next().await? {
        let h = &route.header;
        let mut sum = h.destination_prefix_length as u64 + h.table as u64;
        for attr in &route.attributes {
            sum = sum.wrapping_add(match attr {
                RouteAttribute::Destination(a)
                | RouteAttribute::Source(a)
                | RouteAttribute::Gateway(a)
                | RouteAttribute::PrefSource(a) => addr(a),
                RouteAttribute::Oif(v)
                | RouteAttribute::Iif(v)
                | RouteAttribute::Table(v)
                | RouteAttribute::Priority(v)
                | RouteAttribute::Mark(v)
                | RouteAttribute::Uid(v)
                | RouteAttribute::Expires(v)
                | RouteAttribute::NhId(v) => *v as u64,
                RouteAttribute::Metrics(ms) => ms
                    .iter()
                    .map(|m| match m {
                        RouteMetric::Mtu(v) | RouteMetric::Window(v) | RouteMetric::Rtt(v) => {
                            *v as u64
                        }
                        _ => 1,
                    })
                    .sum(),
                RouteAttribute::MultiPath(hops) => hops.len() as u64,
                other => black_box(other) as *const _ as u64 & 1,
            });
        }
        black_box(sum);
        count += 1;
    }
    Ok(count)
}

async fn links(handle: Handle) -> Result<u64, rtnetlink::Error> {
    let mut stream = handle.link().get().execute();
    let mut count = 0;
    while let Some(link) = stream.try_next().await? {
        let mut sum = link.header.index as u64;
        for attr in &link.attributes {
            sum = sum.wrapping_add(match attr {
                LinkAttribute::IfName(s) | LinkAttribute::Qdisc(s) | LinkAttribute::IfAlias(s) => {
                    s.len() as u64
                }
                LinkAttribute::Mtu(v)
                | LinkAttribute::MinMtu(v)
                | LinkAttribute::MaxMtu(v)
                | LinkAttribute::TxQueueLen(v)
                | LinkAttribute::Group(v)
                | LinkAttribute::Controller(v)
                | LinkAttribute::Link(v)
                | LinkAttribute::Promiscuity(v) => *v as u64,
                LinkAttribute::Address(b) | LinkAttribute::Broadcast(b) => b.len() as u64,
                LinkAttribute::Carrier(v) => *v as u64,
                LinkAttribute::Stats64(s) => s.rx_packets,
                LinkAttribute::LinkInfo(v) => v.len() as u64,
                other => black_box(other) as *const _ as u64 & 1,
            });
        }
        black_box(sum);
        count += 1;
    }
    Ok(count)
}

fn main() {
    let opts = Opts::parse(&[]);
    opts.enter_netns();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .unwrap_or_else(|e| die(&format!("tokio: {e}")));
    let count = rt.block_on(async {
        let (connection, handle, _) = new_connection().unwrap_or_else(|e| die(&e.to_string()));
        tokio::spawn(connection);
        if opts.links {
            links(handle).await
        } else {
            routes(handle).await
        }
    });
    println!("{}", count.unwrap_or_else(|e| die(&e.to_string())));
}
