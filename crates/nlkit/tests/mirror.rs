//! A mirror of links, addresses and neighbours kept by notifications
//! through a flood that overruns its socket (the smallest receive buffer
//! the kernel allows, while 600 addresses, 40 neighbours and 20 links
//! change): each overrun is reported, the resync re-dumps, and
//! afterwards the copy agrees with a fresh dump of the kernel, and every
//! address added is reported new exactly once (nothing lost, nothing
//! twice), every deleted one deleted once.

mod common;

use common::TestNs;
use nlkit::rtnl::mirror::{Change, Mirror, Notifications};
use nlkit::sub::{Item, Subscription};
use nlkit::{Conn, Protocol};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The IPv4 address an address message names (its `IFA_LOCAL`), if any.
fn ipv4_local(bytes: &[u8]) -> Option<[u8; 4]> {
    let m = nlkit::wire::Messages::new(bytes).next()?.ok()?;
    let a = nlkit::rtnl::addr::Address::parse(&m).ok()?;
    match a.local_address()? {
        std::net::IpAddr::V4(ip) => Some(ip.octets()),
        _ => None,
    }
}

#[test]
fn a_flooded_mirror_resyncs_to_the_kernels_state_reporting_each_change_once() {
    let ns = TestNs::new("mirror");
    // No IPv6 here: its duplicate address detection and multicast
    // neighbours keep changing the tables for seconds after the flood.
    for conf in ["all", "default"] {
        ns.exec(&["sysctl", "-qw", &format!("net.ipv6.conf.{conf}.disable_ipv6=1")]);
    }
    ns.exec(&["ip", "link", "add", "m0", "type", "veth", "peer", "name", "m1"]);
    ns.exec(&["ip", "link", "set", "m0", "up"]);
    ns.exec(&["ip", "link", "set", "m1", "up"]);
    let mut sub = Subscription::open_in(ns.netns(), Notifications).unwrap();
    // The kernel's floor (it doubles what it is given, to at least 2,304).
    sub.socket().set_recv_buffer_size(1).unwrap();
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let mut mirror = Mirror::load(&mut conn).unwrap();

    // The flood, with nothing read: 600 addresses added and 100 of them
    // removed again, 40 neighbours, 20 links added and 10 removed.
    let mut batch = String::new();
    for i in 0..600 {
        batch += &format!("address add 10.77.{}.{}/32 dev m0\n", i / 200, i % 200 + 1);
    }
    for i in 0..100 {
        batch += &format!("address del 10.77.0.{}/32 dev m0\n", i + 1);
    }
    for i in 0..40 {
        batch += &format!("neigh add 10.78.0.{} lladdr 02:00:00:00:00:{i:02x} dev m0\n", i + 1);
    }
    for i in 0..20 {
        batch += &format!("link add f{i} type veth peer name g{i}\n");
    }
    for i in 0..10 {
        batch += &format!("link del f{i}\n");
    }
    let file = std::env::temp_dir().join(format!("nlkit-mirror-{}.batch", std::process::id()));
    std::fs::write(&file, batch).unwrap();
    // The flood runs while the mirror reads, so notifications, overruns
    // and resyncs interleave with changes still being made.
    let mut flood = std::process::Command::new("ip")
        .args(["-n", &ns.name, "-batch", file.to_str().unwrap()])
        .spawn()
        .unwrap();
    // Not reading at first, and now and then, makes sure the queue
    // overflows whatever the machine's speed.
    let mut reads = 0u32;

    // Read until quiet: apply each notification, resync after each overrun.
    let (mut overruns, mut dropped, mut resyncs_again) = (0, 0, 0);
    let (mut added, mut deleted) = (HashMap::new(), HashMap::new());
    let mut count = |c: &Change| {
        let ty = u16::from_ne_bytes([c.bytes()[4], c.bytes()[5]]);
        if let Some(ip) = ipv4_local(c.bytes()) {
            match (c, ty) {
                (Change::New(_), 20) => *added.entry(ip).or_insert(0) += 1,
                (Change::Deleted(_), 21) => *deleted.entry(ip).or_insert(0) += 1,
                _ => {}
            }
        }
    };
    loop {
        if reads % 64 == 0 {
            std::thread::sleep(Duration::from_millis(30));
        }
        reads += 1;
        let deadline = Instant::now() + Duration::from_millis(500);
        let Some(batch) = sub.recv_until(Some(deadline)).unwrap() else {
            // Quiet: a resync that met interrupted dumps is done again.
            if !mirror.settled() {
                resyncs_again += 1;
                for c in mirror.resync(&mut conn).unwrap() {
                    count(&c);
                }
                continue;
            }
            match flood.try_wait().unwrap() {
                Some(status) => {
                    assert!(status.success());
                    break;
                }
                None => continue,
            }
        };
        let mut lost = false;
        for item in batch {
            match item {
                Item::Event { event, .. } => {
                    if let Some(c) = mirror.apply(&event) {
                        count(&c);
                    }
                }
                Item::Overrun => lost = true,
                other => panic!("{other:?}"),
            }
        }
        if lost {
            overruns += 1;
            let (changes, queued) = mirror.recover(&mut sub, &mut conn).unwrap();
            dropped += queued;
            for c in changes {
                count(&c);
            }
        }
    }
    let _ = std::fs::remove_file(&file);
    assert!(overruns > 0, "the flood overran nothing: the test did not test");
    eprintln!(
        "{overruns} overruns, {dropped} queued datagrams dropped before resyncs, \
         {resyncs_again} resyncs again when quiet, {} addresses reported new, {} deleted",
        added.len(),
        deleted.len()
    );
    let kernel = Mirror::load(&mut conn).unwrap();
    assert!(mirror.agrees_with(&kernel), "{:?} vs the kernel's {:?}", mirror.len(), kernel.len());
    // 500 addresses stayed: each reported new once; of the 100 removed,
    // each is reported at most once each way (a resync may never have
    // seen one that came and went while notifications were lost).
    let stayed: Vec<_> = added.iter().filter(|(ip, _)| !(ip[2] == 0 && ip[3] <= 100)).collect();
    assert_eq!(stayed.len(), 500, "{added:?}");
    assert!(added.values().all(|&n| n == 1), "reported twice: {added:?}");
    assert!(deleted.values().all(|&n| n == 1), "reported twice: {deleted:?}");
    assert!(deleted.keys().all(|ip| ip[2] == 0 && ip[3] <= 100), "{deleted:?}");
    // The kernel's tables, as the copy holds them: 500 addresses of
    // 10.77/16, 40 neighbours, 10 veth pairs plus m0, m1 and lo.
    assert_eq!(kernel.len(), (23, 500, 40));
    common::figure("mirror.overruns", overruns);
    common::figure("mirror.dropped", dropped);
    common::figure("mirror.added", added.len());
    common::figure("mirror.deleted", deleted.len());
}
