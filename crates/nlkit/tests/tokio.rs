//! The async adapter against the real kernel, in a throwaway namespace.
#![cfg(feature = "tokio")]

mod common;

use common::TestNs;
use nlkit::tokio::AsyncConn;
use nlkit::wire::Attrs;
use nlkit::Protocol;

const RTM_GETLINK: u16 = 18;
const IFLA_IFNAME: u16 = 3;

#[tokio::test]
async fn async_dump_and_genl_lookup() {
    let ns = TestNs::new("async");
    ns.exec(&["ip", "link", "add", "x0", "type", "veth", "peer", "name", "x1"]);
    let mut conn = AsyncConn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let names = conn
        .dump_collect(
            RTM_GETLINK,
            |b| b.append(&[0u8; 16]),
            |m| {
                let attrs = Attrs::new(&m.payload()[16..]);
                Ok(attrs.find(IFLA_IFNAME)?.unwrap().str()?.to_owned())
            },
        )
        .await
        .unwrap();
    assert_eq!(names, ["lo", "x1", "x0"]);
    let mut genl = AsyncConn::open_in(ns.netns(), Protocol::GENERIC).unwrap();
    let mut found = false;
    genl.request(
        nlkit::genl::GENL_ID_CTRL,
        nlkit::wire::Flags::ACK,
        |b| {
            b.append(&nlkit::genl::GenlHeader::new(3, 1).to_bytes())?;
            b.attr_str(2, "nlctrl")
        },
        |m| {
            found = nlkit::genl::Family::parse(&m)?.id == nlkit::genl::GENL_ID_CTRL;
            Ok(())
        },
    )
    .await
    .unwrap();
    assert!(found);
}

#[test]
fn async_conn_outside_a_runtime_is_an_error() {
    let err = AsyncConn::open(Protocol::ROUTE).unwrap_err();
    assert!(err.to_string().contains("tokio runtime"), "{err}");
}

#[tokio::test]
async fn the_same_operation_values_run_async_and_sync() {
    use nlkit::rtnl::link::LinkFilter;
    use nlkit::rtnl::link::{LinkKind, LinkSpec};
    use nlkit::rtnl::ops;
    use nlkit::rtnl::route::{RouteFilter, RouteSpec};
    let ns = TestNs::new("async-ops");
    let mut conn = AsyncConn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    // Changes: a veth pair and a route, made through AsyncConn::run.
    let spec = LinkSpec::new("o0", LinkKind::Veth { peer: Some("o1".into()) });
    conn.run(ops::link_add(&spec)).await.unwrap();
    let mut up = LinkSpec::by_name("o0");
    up.up = Some(true);
    conn.run(ops::link_set(&up)).await.unwrap();
    let mut index = 0;
    let filter = LinkFilter::default();
    conn.run(ops::link_dump(&filter, |l| {
        if l.name == Some("o0") {
            index = l.index();
        }
        Ok(())
    }))
    .await
    .unwrap();
    assert_ne!(index, 0);
    let route = RouteSpec {
        dst: Some(("10.77.0.0".parse().unwrap(), 16)),
        oif: Some(index),
        ..RouteSpec::default()
    };
    conn.run(ops::route_add(&route)).await.unwrap();
    // The same dump value type, run by both front ends, sees the same.
    let filter = RouteFilter { family: nlkit::rtnl::AF_INET, ..Default::default() };
    let mut seen_async = Vec::new();
    let sum = conn
        .run(ops::route_dump(&filter, |r| {
            seen_async.push(r.dst);
            Ok(())
        }))
        .await
        .unwrap();
    let mut sync = nlkit::Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let mut seen_sync = Vec::new();
    let sum_sync = sync
        .run(ops::route_dump(&filter, |r| {
            seen_sync.push(r.dst);
            Ok(())
        }))
        .unwrap();
    assert_eq!(seen_async, seen_sync);
    assert!(seen_async.contains(&Some("10.77.0.0".parse().unwrap())), "{seen_async:?}");
    assert_eq!((sum.delivered, sum_sync.delivered), (seen_sync.len(), seen_sync.len()));
    // A refusal comes back the same way.
    let err = conn.run(ops::route_add(&route)).await.unwrap_err();
    assert_eq!(err.errno(), Some(libc::EEXIST));
    conn.run(ops::link_del(nlkit::rtnl::link::LinkId::Name("o0"))).await.unwrap();
}

#[tokio::test]
async fn a_chatty_peer_cannot_hold_an_async_exchange_open() {
    use nlkit::{Kind, Socket, SocketAddr};
    use std::time::{Duration, Instant};
    let ns = TestNs::new("async-chatty");
    let mut conn = AsyncConn::open_in(ns.netns(), Protocol::USERSOCK).unwrap();
    let mut peer = Socket::new_in(ns.netns(), Protocol::USERSOCK, Kind::Raw).unwrap();
    peer.bind(SocketAddr::port(0)).unwrap();
    // Once the exchange gives up nobody reads: the sends must not block.
    peer.set_nonblocking(true).unwrap();
    conn.set_peer(peer.port());
    conn.set_timeout(Some(Duration::from_millis(200)));
    let me = conn.socket().port();
    // The peer never answers the request, but sends something every 5 ms.
    let chatter = std::thread::spawn(move || {
        let msg = [20u8, 0, 0, 0, 0x10, 0, 0, 0, 0xad, 0xde, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4];
        for _ in 0..400 {
            let _ = peer.send_to(&msg, SocketAddr::port(me));
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    let start = Instant::now();
    let err = conn.request_ack(0x10, nlkit::wire::Flags::empty(), |_| Ok(())).await.unwrap_err();
    assert!(matches!(err, nlkit::Error::Timeout), "{err}");
    assert!(start.elapsed() < Duration::from_secs(1), "{:?}", start.elapsed());
    chatter.join().unwrap();
}

#[tokio::test]
async fn async_subscriptions_are_waited_on_together() {
    use nlkit::rtnl::events::{Event, Rtnl, Watch};
    use nlkit::sub::{AsyncSubscription, Item};
    let ns = TestNs::new("async-sub");
    let mut links = AsyncSubscription::open_in(ns.netns(), Rtnl::new(&[Watch::Link])).unwrap();
    let mut addrs = AsyncSubscription::open_in(ns.netns(), Rtnl::new(&[Watch::Addr])).unwrap();
    ns.exec(&["ip", "link", "add", "s0", "type", "veth", "peer", "name", "s1"]);
    ns.exec(&["ip", "addr", "add", "10.7.0.1/24", "dev", "s0"]);
    let (mut saw_link, mut saw_addr) = (false, false);
    let wait = async {
        while !(saw_link && saw_addr) {
            tokio::select! {
                batch = links.recv() => for item in batch.unwrap() {
                    if let Item::Event { event: Event::Link(_, l), .. } = item {
                        saw_link |= l.name == Some("s0");
                    }
                },
                batch = addrs.recv() => for item in batch.unwrap() {
                    if let Item::Event { event: Event::Addr(_, a), .. } = item {
                        saw_addr |= a.local_address() == Some("10.7.0.1".parse().unwrap());
                    }
                },
            }
        }
    };
    tokio::time::timeout(std::time::Duration::from_secs(5), wait).await.unwrap();
    assert!(links.counts().events >= 1 && addrs.counts().events >= 1);
}

/// Route changes pipelined async, as `Conn::batch` does sync: every ACK
/// matched to its request, one refusal among thousands named by its key;
/// and a silent peer ends at the deadline, not never.
#[tokio::test]
async fn async_batch_matches_every_ack_and_a_silent_peer_times_out() {
    use nlkit::rtnl::{ops, route::RouteSpec};
    use std::ops::ControlFlow;
    let ns = TestNs::new("async-batch");
    ns.exec(&["ip", "link", "add", "b0", "type", "veth", "peer", "name", "b1"]);
    ns.exec(&["ip", "link", "set", "b0", "up"]);
    let mut conn = AsyncConn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let mut index = 0;
    let get = ops::link_get(nlkit::rtnl::link::LinkId::Name("b0"), |l| {
        index = l.index();
        Ok(())
    });
    conn.run(get).await.unwrap();
    let spec = |i: u32| RouteSpec {
        dst: Some((
            std::net::Ipv4Addr::new(10, 40 + (i / 256) as u8, (i % 256) as u8, 0).into(),
            24,
        )),
        oif: Some(index),
        ..RouteSpec::default()
    };
    // 3,000 routes, the 1,234th twice.
    let specs: Vec<RouteSpec> = (0..3000u32).map(spec).chain(std::iter::once(spec(1234))).collect();
    let mut failed = Vec::new();
    let requests = specs.iter().enumerate().map(|(i, s)| (i, ops::route_add(s)));
    conn.batch(requests, nlkit::BatchLimits::default(), |i, r| {
        if let Err(e) = r {
            failed.push((i, e.errno()));
        }
        ControlFlow::Continue(())
    })
    .await
    .unwrap();
    assert_eq!(failed, [(3000, Some(libc::EEXIST))]);
    let routes = common::output(&["ip", "-n", &ns.name, "route", "show", "dev", "b0"]);
    assert_eq!(routes.lines().count(), 3000);

    use nlkit::{Kind, Socket, SocketAddr};
    use std::time::{Duration, Instant};
    let mut silent = AsyncConn::open_in(ns.netns(), Protocol::USERSOCK).unwrap();
    let mut peer = Socket::new_in(ns.netns(), Protocol::USERSOCK, Kind::Raw).unwrap();
    peer.bind(SocketAddr::port(0)).unwrap();
    silent.set_peer(peer.port());
    silent.set_timeout(Some(Duration::from_millis(200)));
    let start = Instant::now();
    let err = silent.request_ack(0x10, nlkit::wire::Flags::empty(), |_| Ok(())).await.unwrap_err();
    assert!(matches!(err, nlkit::Error::Timeout), "{err}");
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
}

/// The deadline needs no runtime timer: in a runtime built with I/O only
/// (tokio's timers would panic there), a silent peer still ends in
/// `Error::Timeout` at the deadline, and a dump still completes.
#[test]
fn deadlines_work_in_a_runtime_without_timers() {
    use nlkit::{Kind, Socket, SocketAddr};
    use std::time::{Duration, Instant};
    let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    rt.block_on(async {
        let ns = TestNs::new("async-notimer");
        let mut conn = AsyncConn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
        let names =
            conn.dump_collect(RTM_GETLINK, |b| b.append(&[0u8; 16]), |_| Ok(())).await.unwrap();
        assert_eq!(names.len(), 1, "lo");
        let mut silent = AsyncConn::open_in(ns.netns(), Protocol::USERSOCK).unwrap();
        let mut peer = Socket::new_in(ns.netns(), Protocol::USERSOCK, Kind::Raw).unwrap();
        peer.bind(SocketAddr::port(0)).unwrap();
        silent.set_peer(peer.port());
        silent.set_timeout(Some(Duration::from_millis(150)));
        let start = Instant::now();
        let err =
            silent.request_ack(0x10, nlkit::wire::Flags::empty(), |_| Ok(())).await.unwrap_err();
        assert!(matches!(err, nlkit::Error::Timeout), "{err}");
        let took = start.elapsed();
        assert!(took >= Duration::from_millis(150) && took < Duration::from_secs(2), "{took:?}");
    });
}

/// A transaction (requests as one datagram, each answer matched by
/// sequence) runs the same on both front ends: a good address, one on an
/// interface that does not exist, the good one again (EEXIST).
#[tokio::test]
async fn transactions_answer_each_request_on_both_front_ends() {
    use nlkit::rtnl::addr::AddrSpec;
    use nlkit::rtnl::ops;
    use nlkit::Answer;
    let ns = TestNs::new("async-txn");
    let lo = AddrSpec::new(1, "10.88.0.1".parse().unwrap(), 32);
    let nowhere = AddrSpec::new(999, "10.88.0.2".parse().unwrap(), 32);
    let errnos = |answers: Vec<nlkit::Answered<usize>>| -> Vec<(usize, i32)> {
        answers
            .into_iter()
            .map(|a| match a.answer {
                Answer::Acked => (a.key, 0),
                Answer::Refused(k) => (a.key, k.errno),
                Answer::None => (a.key, -1),
            })
            .collect()
    };
    let mut sync = nlkit::Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let requests = [ops::addr_add(&lo), ops::addr_add(&nowhere), ops::addr_add(&lo)];
    let got = sync.transaction(requests.into_iter().enumerate()).unwrap();
    assert_eq!(errnos(got), [(0, 0), (1, libc::ENODEV), (2, libc::EEXIST)]);
    let mut conn = AsyncConn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let requests = [ops::addr_add(&lo), ops::addr_add(&nowhere)];
    let got = conn.transaction(requests.into_iter().enumerate()).await.unwrap();
    assert_eq!(errnos(got), [(0, libc::EEXIST), (1, libc::ENODEV)]);
}
