//! ctnetlink against the real kernel in a throwaway namespace: entries
//! made with `conntrack::create` (TCP with a state and a mark, UDP, ICMP,
//! IPv6, a zone) come back from `dump` field by field; a second create is
//! EEXIST; `delete` removes one; `flush` the rest.

mod common;

use common::TestNs;
use nlkit::netfilter::conntrack::{self, tables::nf_ct_status, Entry, NewEntry, Tuple};
use nlkit::{Conn, Protocol};
use std::net::IpAddr;

fn tuple(src: &str, dst: &str, proto: u8, ports: Option<(u16, u16)>) -> Tuple {
    Tuple {
        src: Some(src.parse().unwrap()),
        dst: Some(dst.parse().unwrap()),
        proto,
        sport: ports.map(|p| p.0),
        dport: ports.map(|p| p.1),
        ..Tuple::default()
    }
}

fn reverse(t: &Tuple) -> Tuple {
    let icmp = t.icmp.map(|(ty, code, id)| (if ty == 8 { 0 } else { ty }, code, id));
    Tuple { src: t.dst, dst: t.src, sport: t.dport, dport: t.sport, icmp, ..*t }
}

fn dump(conn: &mut Conn, family: u8) -> Vec<Entry> {
    let mut all = Vec::new();
    conn.run(conntrack::dump(family, |e| {
        all.push(e);
        Ok(())
    }))
    .unwrap();
    all
}

#[test]
fn made_entries_come_back_and_go() {
    let ns = TestNs::new("ct");
    let mut conn = Conn::open_in(ns.netns(), Protocol::NETFILTER).unwrap();
    let tcp = tuple("10.0.0.1", "10.0.0.2", 6, Some((1234, 80)));
    let udp = tuple("10.0.0.1", "10.0.0.3", 17, Some((53, 5353)));
    let icmp = Tuple { icmp: Some((8, 0, 77)), ..tuple("10.0.0.1", "10.0.0.4", 1, None) };
    let v6 = tuple("2001:db8::1", "2001:db8::2", 6, Some((5, 6)));
    let made = [
        NewEntry {
            orig: tcp,
            reply: reverse(&tcp),
            timeout: 1000,
            status: nf_ct_status::ASSURED,
            tcp_state: Some(3),
            mark: Some(42),
            zone: Some(3),
        },
        NewEntry { orig: udp, reply: reverse(&udp), timeout: 500, ..NewEntry::default() },
        NewEntry { orig: icmp, reply: reverse(&icmp), timeout: 300, ..NewEntry::default() },
        NewEntry {
            orig: v6,
            reply: reverse(&v6),
            timeout: 800,
            tcp_state: Some(7),
            ..NewEntry::default()
        },
    ];
    for (i, n) in made.iter().enumerate() {
        conn.run(conntrack::create(*n)).unwrap_or_else(|e| panic!("entry {i}: {e}"));
    }
    let again = conn.run(conntrack::create(made[1])).unwrap_err();
    assert_eq!(again.errno(), Some(libc::EEXIST));

    let v4 = dump(&mut conn, libc::AF_INET as u8);
    assert_eq!(v4.len(), 3, "{v4:?}");
    let t = v4.iter().find(|e| e.orig.proto == 6).unwrap();
    assert_eq!((t.orig.sport, t.orig.dport), (Some(1234), Some(80)));
    assert_eq!((t.reply.src, t.reply.sport), (Some("10.0.0.2".parse().unwrap()), Some(80)));
    assert_eq!((t.tcp_state, t.mark, t.zone), (Some(3), Some(42), Some(3)));
    assert!(t.status.unwrap() & nf_ct_status::ASSURED != 0);
    assert!((990..=1000).contains(&t.timeout.unwrap()), "{:?}", t.timeout);
    let i = v4.iter().find(|e| e.orig.proto == 1).unwrap();
    assert_eq!((i.orig.icmp, i.reply.icmp), (Some((8, 0, 77)), Some((0, 0, 77))));
    let all = dump(&mut conn, 0);
    let six = all.iter().find(|e| matches!(e.orig.src, Some(IpAddr::V6(_)))).unwrap();
    assert_eq!((six.family, six.tcp_state), (libc::AF_INET6 as u8, Some(7)));

    conn.run(conntrack::delete(libc::AF_INET as u8, udp, None)).unwrap();
    assert_eq!(dump(&mut conn, 0).len(), 3);
    conn.run(conntrack::flush(0)).unwrap();
    assert!(dump(&mut conn, 0).is_empty());
}

#[test]
fn events_say_what_was_made_and_removed() {
    use conntrack::{Change, Event, Events};
    use nlkit::sub::{Item, Subscription};
    let ns = TestNs::new("ctev");
    let mut sub = Subscription::open_in(ns.netns(), Events::default()).unwrap();
    sub.socket().set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    let mut conn = Conn::open_in(ns.netns(), Protocol::NETFILTER).unwrap();
    let t = tuple("10.1.0.1", "10.1.0.2", 17, Some((1000, 2000)));
    let n = NewEntry { orig: t, reply: reverse(&t), timeout: 60, ..NewEntry::default() };
    conn.run(conntrack::create(n)).unwrap();
    conn.run(conntrack::delete(libc::AF_INET as u8, t, None)).unwrap();
    let mut seen = Vec::new();
    while seen.len() < 2 {
        for item in sub.recv().unwrap() {
            match item {
                Item::Event { event: Event::Conn(change, e), .. } => seen.push((change, e)),
                other => panic!("{other:?}"),
            }
        }
    }
    assert_eq!(seen[0].0, Change::New);
    assert_eq!(seen[1].0, Change::Destroy);
    for (_, e) in &seen {
        assert_eq!((e.orig.sport, e.orig.dport, e.orig.proto), (Some(1000), Some(2000), 17));
    }
    assert_eq!(sub.counts().refused, 0);
}

#[test]
fn get_count_and_cpu_counters() {
    let ns = TestNs::new("ctget");
    let mut conn = Conn::open_in(ns.netns(), Protocol::NETFILTER).unwrap();
    assert_eq!(conn.run(conntrack::count()).unwrap(), 0);
    let t = tuple("10.3.0.1", "10.3.0.2", 6, Some((7, 8)));
    let n = NewEntry {
        orig: t,
        reply: reverse(&t),
        timeout: 60,
        tcp_state: Some(1),
        ..NewEntry::default()
    };
    conn.run(conntrack::create(n)).unwrap();
    let e = conn.run(conntrack::get(libc::AF_INET as u8, t, None)).unwrap();
    assert_eq!((e.orig, e.tcp_state), (t, Some(1)));
    let other = tuple("10.3.0.9", "10.3.0.2", 6, Some((7, 8)));
    let missing = conn.run(conntrack::get(libc::AF_INET as u8, other, None)).unwrap_err();
    assert_eq!(missing.errno(), Some(libc::ENOENT));
    assert_eq!(conn.run(conntrack::count()).unwrap(), 1);
    let mut cpus = Vec::new();
    conn.run(conntrack::cpu_stats(|s| cpus.push(s))).unwrap();
    let online = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert!(!cpus.is_empty() && cpus.len() >= online.min(1), "{cpus:?}");
    assert!(cpus.iter().all(|c| c.counters.iter().any(|(n, _)| *n == "found")), "{cpus:?}");
}

/// A copy of the table, brought back in step by a dump: what appeared,
/// went and changed while it was not following (a mark set), each once;
/// events it already has are not news again; the filter holds.
#[test]
fn a_table_copy_resyncs_to_the_kernel() {
    use conntrack::{Change, EventFilter, Table};
    let ns = TestNs::new("cttable");
    let mut conn = Conn::open_in(ns.netns(), Protocol::NETFILTER).unwrap();
    let make = |conn: &mut Conn, sport: u16, mark: Option<u32>| {
        let t = tuple("10.4.0.1", "10.4.0.2", 17, Some((sport, 53)));
        let n = NewEntry { orig: t, reply: reverse(&t), timeout: 100, mark, ..NewEntry::default() };
        conn.run(conntrack::create(n)).unwrap();
        t
    };
    let kept = make(&mut conn, 1, Some(7));
    let gone = make(&mut conn, 2, Some(7));
    let changed = make(&mut conn, 3, Some(7));
    make(&mut conn, 4, Some(8)); // not the filter's
    let filter = EventFilter { mark: Some((7, 0xff)), ..EventFilter::default() };
    let mut table = Table::load(&mut conn, 0, filter).unwrap();
    assert_eq!(table.len(), 3);
    let fresh = make(&mut conn, 5, Some(7));
    make(&mut conn, 6, Some(9));
    conn.run(conntrack::delete(libc::AF_INET as u8, gone, None)).unwrap();
    conn.run(conntrack::delete(libc::AF_INET as u8, changed, None)).unwrap();
    let t = tuple("10.4.0.1", "10.4.0.2", 17, Some((3, 53)));
    let n = NewEntry {
        orig: t,
        reply: reverse(&t),
        timeout: 100,
        mark: Some(0x107),
        ..NewEntry::default()
    };
    conn.run(conntrack::create(n)).unwrap();
    let changes = table.resync(&mut conn).unwrap();
    let said: Vec<(Change, u16)> =
        changes.iter().map(|(c, e)| (*c, e.orig.sport.unwrap())).collect();
    assert_eq!(said, [(Change::Destroy, 2), (Change::New, 5), (Change::Update, 3)], "{changes:?}");
    assert_eq!(table.len(), 3);
    assert!(table.get(&kept, 0).is_some() && table.get(&fresh, 0).is_some());
    // What the resync said is not news when its event comes late.
    assert!(!table.apply(Change::New, &changes[1].1));
    assert!(!table.apply(Change::Destroy, &changes[0].1));
    assert!(table.apply(Change::Destroy, &changes[1].1));
    assert!(table
        .resync(&mut conn)
        .unwrap()
        .iter()
        .all(|(c, e)| { *c == Change::New && e.orig.sport == Some(5) }));
}
