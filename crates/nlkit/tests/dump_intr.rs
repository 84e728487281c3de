//! Interrupted dumps under a flood of changes, with numbers: a 3,000
//! address dump (several datagrams) while another socket adds and removes
//! an address. Under a sustained flood every plain dump still ends,
//! delivered whole or reported as `DumpInterrupted` after all its
//! messages, and `dump_consistent` gives up after its attempts with what
//! it read (it never hangs); under bursts, it retries into a quiet moment
//! and returns the addresses that were there.

mod common;

use common::TestNs;
use nlkit::rtnl::addr::AddrSpec;
use nlkit::rtnl::uapi::RTM_GETADDR;
use nlkit::{Conn, DumpError, Error, Protocol};
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn interrupted_dumps_under_a_flood_are_said_and_retried() {
    let ns = TestNs::new("dumpintr");
    ns.exec(&["ip", "link", "add", "f0", "type", "veth", "peer", "name", "f1"]);
    // 3,000 addresses through one batch.
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let index = {
        let mut i = 0;
        conn.link_get_by_name("f0", |l| {
            i = l.index();
            Ok(())
        })
        .unwrap();
        i
    };
    let specs: Vec<AddrSpec> = (0..3000u32)
        .map(|n| {
            AddrSpec::new(
                index,
                Ipv4Addr::new(10, 20 + (n / 250) as u8, (n % 250) as u8, 1).into(),
                32,
            )
        })
        .collect();
    let adds = specs.iter().map(|s| ((), nlkit::rtnl::ops::addr_add(s)));
    conn.batch(adds, nlkit::BatchLimits::default(), |(), r| {
        r.unwrap();
        std::ops::ControlFlow::Continue(())
    })
    .unwrap();

    // The flood: one address added and removed, again and again; with a
    // pause of `quiet` every 50 changes.
    let flood = |quiet: Duration| {
        let stop = Arc::new(AtomicBool::new(false));
        let (flag, name) = (stop.clone(), ns.name.clone());
        let handle = std::thread::spawn(move || {
            let mut c = Conn::open_in(nlkit::Netns::Name(&name), Protocol::ROUTE).unwrap();
            let a = AddrSpec::new(index, IpAddr::V4(Ipv4Addr::new(10, 99, 0, 1)), 32);
            let mut changes = 0u64;
            while !flag.load(Ordering::Relaxed) {
                c.addr_add(&a).unwrap();
                c.addr_del(&a).unwrap();
                changes += 2;
                if changes % 50 == 0 && !quiet.is_zero() {
                    std::thread::sleep(quiet);
                }
            }
            changes
        });
        (stop, handle)
    };
    let header = [2u8, 0, 0, 0, 0, 0, 0, 0];
    let start = Instant::now();

    // A sustained flood.
    let (stop, handle) = flood(Duration::ZERO);
    let (mut whole, mut interrupted) = (0, 0);
    for _ in 0..100 {
        let mut seen = 0usize;
        match conn.dump(
            RTM_GETADDR,
            |b| b.append(&header),
            |_| {
                seen += 1;
                Ok(())
            },
        ) {
            Ok(()) => whole += 1,
            Err(Error::DumpInterrupted { messages }) => {
                assert_eq!(messages, seen, "every message delivered before the report");
                interrupted += 1;
            }
            Err(e) => panic!("{e}"),
        }
        assert!(seen >= 3000, "{seen}");
    }
    let gave_up = match conn.dump_consistent(RTM_GETADDR, |b| b.append(&header), |_| Ok(()), 5) {
        Ok(all) => {
            assert!((3000..=3001).contains(&all.len()));
            false
        }
        Err(DumpError::Interrupted { partial }) => {
            assert!(partial.len() >= 3000, "what was read comes back: {}", partial.len());
            true
        }
        Err(DumpError::Failed(e)) => panic!("{e}"),
    };
    stop.store(true, Ordering::Relaxed);
    let sustained = handle.join().unwrap();

    // Bursts: 50 changes, then 20 ms of quiet.
    let (stop, handle) = flood(Duration::from_millis(20));
    let mut consistent = 0;
    for _ in 0..20 {
        let all = conn.dump_consistent(RTM_GETADDR, |b| b.append(&header), |_| Ok(()), 100);
        let all = all.unwrap_or_else(|e| panic!("100 attempts under bursts: {e:?}"));
        // The flood's address is there or not: 3,000 or 3,001.
        assert!((3000..=3001).contains(&all.len()), "{}", all.len());
        consistent += 1;
    }
    stop.store(true, Ordering::Relaxed);
    let bursts = handle.join().unwrap();
    let took = start.elapsed();
    eprintln!(
        "sustained flood ({sustained} changes): 100 dumps of 3,000 addresses, {whole} whole, \
         {interrupted} interrupted (said after every message), consistent dump with 5 \
         attempts gave up: {gave_up}; bursts ({bursts} changes): {consistent} of 20 \
         consistent dumps whole; {took:?}"
    );
    common::figure("dumpintr.changes", sustained);
    common::figure("dumpintr.interrupted", interrupted);
    common::figure("dumpintr.gave_up", gave_up);
    common::figure("dumpintr.bursts_whole", consistent);
    common::figure("dumpintr.ms", took.as_millis());
    assert_eq!((whole + interrupted, consistent), (100, 20));
    assert!(sustained > 0 && bursts > 0);
    assert!(took < Duration::from_secs(60), "{took:?}");
}
