//! Nothing grows with use: 100,000 requests on one connection, 1,000
//! sockets opened and closed, 10,000 dumps, and 1,000 sockets opened in
//! another namespace leave the process's resident memory, its descriptors
//! and its threads where they were, and the calling thread in its own
//! namespace. Its own test binary, so no other test allocates meanwhile.

mod common;

use common::TestNs;
use nlkit::rtnl::link::LinkId;
use nlkit::rtnl::ops;
use nlkit::{Conn, Protocol, Socket};

fn resident_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4
}

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

#[test]
fn a_hundred_thousand_requests_and_a_thousand_sockets_leak_nothing() {
    let ns = TestNs::new("leak");
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let get = |conn: &mut Conn| {
        let mut n = 0;
        conn.run(ops::link_get(LinkId::Index(1), |l| {
            n += usize::from(l.name == Some("lo"));
            Ok(())
        }))
        .unwrap();
        assert_eq!(n, 1);
    };
    for _ in 0..2_000 {
        get(&mut conn);
    }
    let (rss0, fds0) = (resident_kib(), open_fds());
    for _ in 0..100_000 {
        get(&mut conn);
    }
    let rss1 = resident_kib();
    assert!(rss1 <= rss0 + 512, "resident memory grew from {rss0} KiB to {rss1} KiB");
    for _ in 0..1_000 {
        let s = Socket::open(Protocol::USERSOCK).unwrap();
        drop(s);
    }
    assert_eq!(open_fds(), fds0, "every socket's descriptor was closed");
    let rss2 = resident_kib();
    assert!(rss2 <= rss0 + 512, "resident memory grew from {rss0} KiB to {rss2} KiB");
    // 10,000 dumps of the namespace's links (lo and 10 veth pairs).
    for i in 0..10 {
        let (a, b) = (format!("k{i}"), format!("l{i}"));
        ns.exec(&["ip", "link", "add", &a, "type", "veth", "peer", "name", &b]);
    }
    assert_eq!(open_fds(), fds0);
    for _ in 0..10_000 {
        let mut n = 0;
        conn.link_dump(&Default::default(), |_| {
            n += 1;
            Ok(())
        })
        .unwrap();
        assert_eq!(n, 21);
    }
    let rss3 = resident_kib();
    assert!(rss3 <= rss0 + 512, "resident memory grew from {rss0} KiB to {rss3} KiB");
    // 1,000 sockets opened in another namespace: the calling thread stays
    // in its own, no descriptor (of the namespace or the socket) and no
    // thread is left behind.
    let own = std::fs::read_link("/proc/thread-self/ns/net").unwrap();
    let threads = || std::fs::read_dir("/proc/self/task").unwrap().count();
    let threads0 = threads();
    for _ in 0..1_000 {
        let s = Socket::open_in(ns.netns(), Protocol::ROUTE).unwrap();
        drop(s);
        assert_eq!(std::fs::read_link("/proc/thread-self/ns/net").unwrap(), own);
    }
    assert_eq!(open_fds(), fds0, "every namespace and socket descriptor was closed");
    assert_eq!(threads(), threads0, "no thread left behind");
    let rss4 = resident_kib();
    assert!(rss4 <= rss0 + 512, "resident memory grew from {rss0} KiB to {rss4} KiB");
    eprintln!(
        "resident: {rss0} KiB before, {rss1} after 100,000 requests, {rss2} after 1,000 \
         sockets, {rss3} after 10,000 dumps, {rss4} after 1,000 namespace opens"
    );
    for (key, kib) in [("before", rss0), ("requests", rss1), ("sockets", rss2)] {
        common::figure(&format!("leak.{key}"), kib);
    }
    common::figure("leak.dumps", rss3);
    common::figure("leak.netns", rss4);
}
