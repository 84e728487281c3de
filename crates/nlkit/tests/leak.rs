//! Nothing grows with use: 100,000 requests on one connection, and 1,000
//! sockets opened and closed, leave the process's resident memory and its
//! descriptors where they were. Its own test binary, so no other test
//! allocates meanwhile.

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
    eprintln!(
        "resident: {rss0} KiB before, {rss1} after 100,000 requests, {rss2} after 1,000 sockets"
    );
}
