//! rtnetlink notifications from the real kernel, in a throwaway namespace.

mod common;

use common::TestNs;
use nlkit::rtnl::events::{Event, Monitor, Rtnl, Watch};
use nlkit::sub::Item;
use std::time::Duration;

fn monitor(ns: &TestNs, kinds: &[Watch]) -> Monitor {
    let m = Monitor::open_in(ns.netns(), Rtnl::new(kinds)).unwrap();
    m.socket().set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    m
}

/// Collects (kind, change, name-or-key) until `want` is seen.
fn wait_for(m: &mut Monitor, want: &str) -> Vec<String> {
    let mut seen = Vec::new();
    while !seen.iter().any(|s| s == want) {
        for item in m.recv().unwrap() {
            let Item::Event { event, .. } = item else { panic!("{item:?}") };
            seen.push(match event {
                Event::Link(c, l) => format!("link {c:?} {}", l.name.unwrap_or("?")),
                Event::Neigh(c, n) => {
                    format!("neigh {c:?} {}", n.dst.map(|d| d.to_string()).unwrap_or_default())
                }
                Event::Rule(c, r) => format!("rule {c:?} {}", r.priority.unwrap_or(0)),
                Event::Addr(c, a) => {
                    let local = a.local_address().map(|x| x.to_string()).unwrap_or_default();
                    format!("addr {c:?} {local}")
                }
                Event::Route(c, r) => {
                    let dst = r.dst.map(|x| x.to_string()).unwrap_or_default();
                    format!("route {c:?} {dst}/{}", r.dst_len())
                }
                other => format!("other {other:?}"),
            });
        }
    }
    seen
}

#[test]
fn link_neigh_and_rule_events_arrive_typed() {
    let ns = TestNs::new("events");
    let mut m = monitor(&ns, &[Watch::Link, Watch::Neigh, Watch::Rule]);
    ns.exec(&["ip", "link", "add", "e0", "type", "veth", "peer", "name", "e1"]);
    let seen = wait_for(&mut m, "link New e0");
    assert!(seen.contains(&"link New e1".to_string()), "{seen:?}");
    ns.exec(&["ip", "neigh", "add", "10.9.0.2", "lladdr", "02:00:00:00:00:09", "dev", "e0"]);
    wait_for(&mut m, "neigh New 10.9.0.2");
    ns.exec(&["ip", "rule", "add", "from", "10.9.0.0/16", "table", "9", "prio", "99"]);
    wait_for(&mut m, "rule New 99");
    ns.exec(&["ip", "rule", "del", "prio", "99"]);
    wait_for(&mut m, "rule Del 99");
    ns.exec(&["ip", "link", "del", "e0"]);
    wait_for(&mut m, "link Del e0");
}

#[test]
fn overrun_is_reported_and_reading_continues() {
    let ns = TestNs::new("evover");
    let mut m = monitor(&ns, &[Watch::Link]);
    m.socket().set_recv_buffer_size(4096).unwrap();
    let batch: String =
        (0..200).map(|i| format!("link add o{i} type veth peer name p{i}\n")).collect();
    let path = std::env::temp_dir().join(format!("nlkit-events-{}", std::process::id()));
    std::fs::write(&path, batch).unwrap();
    ns.exec(&["ip", "-batch", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    let mut overrun = false;
    for _ in 0..1000 {
        for item in m.recv().unwrap() {
            match item {
                Item::Overrun => overrun = true,
                Item::Event { .. } => {}
                other => panic!("{other:?}"),
            }
        }
        if overrun {
            break;
        }
    }
    assert!(overrun, "400 link events cannot fit a 4 KiB receive buffer");
    assert_eq!(m.counts().overruns, 1);
    // After the overrun, new events still arrive.
    m.socket().set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    while m.recv().is_ok() {}
    m.socket().set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    ns.exec(&["ip", "link", "add", "late0", "type", "veth", "peer", "name", "late1"]);
    wait_for(&mut m, "link New late0");
}

#[test]
fn address_and_route_events_arrive_typed() {
    let ns = TestNs::new("evaddr");
    let mut m = monitor(&ns, &[Watch::Addr, Watch::Route]);
    ns.exec(&["ip", "link", "add", "a0", "type", "veth", "peer", "name", "a1"]);
    ns.exec(&["ip", "link", "set", "a0", "up"]);
    ns.exec(&["ip", "addr", "add", "10.7.0.1/24", "dev", "a0"]);
    wait_for(&mut m, "addr New 10.7.0.1");
    ns.exec(&["ip", "route", "add", "10.8.0.0/16", "via", "10.7.0.2", "table", "7"]);
    wait_for(&mut m, "route New 10.8.0.0/16");
    ns.exec(&["ip", "route", "del", "10.8.0.0/16", "table", "7"]);
    wait_for(&mut m, "route Del 10.8.0.0/16");
    ns.exec(&["ip", "addr", "del", "10.7.0.1/24", "dev", "a0"]);
    wait_for(&mut m, "addr Del 10.7.0.1");
}
