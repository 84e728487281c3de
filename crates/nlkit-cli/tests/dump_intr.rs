//! A listing never prints a torn table: while another socket adds and
//! removes an address again and again, `nlkit address show` over 3,000
//! addresses prints the whole table (3,000 addresses, or 3,001 with the
//! flood's), each once, or prints nothing and says the dump was
//! interrupted. Under bursts of changes its retries always find a quiet
//! moment; `ip` under the same bursts prints some tables it warns are
//! inconsistent.

mod common;

use common::Ns;
use nlkit::rtnl::addr::AddrSpec;
use nlkit::{Conn, Netns, Protocol};
use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Adds and removes 10.99.0.1/32 on `index` until stopped, pausing
/// `quiet` after every 10 changes; returns how many changes it made.
fn flood(ns: &str, index: u32, quiet: Duration) -> (Arc<AtomicBool>, JoinHandle<u64>) {
    let stop = Arc::new(AtomicBool::new(false));
    let (flag, name) = (stop.clone(), ns.to_owned());
    let handle = std::thread::spawn(move || {
        let mut c = Conn::open_in(Netns::Name(&name), Protocol::ROUTE).unwrap();
        let a = AddrSpec::new(index, IpAddr::V4(Ipv4Addr::new(10, 99, 0, 1)), 32);
        let mut changes = 0u64;
        while !flag.load(Ordering::Relaxed) {
            c.addr_add(&a).unwrap();
            c.addr_del(&a).unwrap();
            changes += 2;
            if changes % 10 == 0 && !quiet.is_zero() {
                std::thread::sleep(quiet);
            }
        }
        changes
    });
    (stop, handle)
}

/// What one `nlkit -4 address show` printed: the addresses, or `None`
/// when it said the dump was interrupted (and then printed nothing). (A
/// dump of one device's addresses is never marked interrupted by the
/// kernel: it has no consistency check on that path.)
fn listing(ns: &Ns) -> Option<usize> {
    let out = ns.nlkit(&["-4", "address", "show"]);
    let (stdout, stderr) =
        (String::from_utf8(out.stdout).unwrap(), String::from_utf8_lossy(&out.stderr).into_owned());
    if !out.status.success() {
        assert!(stderr.contains("Dump was interrupted and may be inconsistent"), "{stderr}");
        assert!(stderr.contains("nothing printed"), "{stderr}");
        assert_eq!(stdout, "", "an interrupted listing prints nothing");
        return None;
    }
    let inet: Vec<&str> = stdout.lines().filter(|l| l.trim_start().starts_with("inet ")).collect();
    let distinct: HashSet<&str> = inet.iter().copied().collect();
    assert_eq!(distinct.len(), inet.len(), "an address printed twice");
    assert!((3000..=3001).contains(&inet.len()), "a torn table: {} addresses", inet.len());
    Some(inet.len())
}

#[test]
fn listings_are_whole_or_say_they_were_interrupted() {
    let ns = Ns::new("dumpintr");
    ns.ip(&["link", "add", "f0", "type", "veth", "peer", "name", "f1"]);
    let batch = std::env::temp_dir().join(format!("{}.batch", ns.0));
    let lines: String = (0..3000u32)
        .map(|n| format!("address add 10.{}.{}.1/32 dev f0\n", 20 + n / 250, n % 250))
        .collect();
    std::fs::write(&batch, lines).unwrap();
    ns.ip(&["-batch", batch.to_str().unwrap()]);
    std::fs::remove_file(&batch).unwrap();
    let index: u32 =
        ns.ip(&["-o", "link", "show", "f0"]).split(':').next().unwrap().parse().unwrap();

    // A sustained flood: each listing is whole or says it was interrupted.
    let (stop, handle) = flood(&ns.0, index, Duration::ZERO);
    let sustained: Vec<Option<usize>> = (0..10).map(|_| listing(&ns)).collect();
    stop.store(true, Ordering::Relaxed);
    let changes = handle.join().unwrap();
    let said = sustained.iter().filter(|l| l.is_none()).count();

    // Bursts of 10 changes, 30 ms apart: nlkit's retries always print
    // the whole table; count the tables ip printed with its warning.
    let (stop, handle) = flood(&ns.0, index, Duration::from_millis(30));
    let mut ip_warned = 0;
    for _ in 0..10 {
        assert!(listing(&ns).is_some(), "five attempts under bursts found no quiet moment");
        let ip = Command::new("ip").args(["-n", &ns.0, "-4", "address", "show"]).output();
        if String::from_utf8_lossy(&ip.unwrap().stderr).contains("Dump was interrupted") {
            ip_warned += 1;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let burst_changes = handle.join().unwrap();
    eprintln!(
        "sustained flood ({changes} changes): 10 listings, {} whole, {said} said interrupted; \
         bursts ({burst_changes} changes): 10 of 10 whole, ip warned on {ip_warned} of 10",
        10 - said
    );
    common::figure("cli_dumpintr.changes", changes);
    common::figure("cli_dumpintr.said", said);
    common::figure("cli_dumpintr.ip_warned", ip_warned);
    assert!(changes > 0 && burst_changes > 0);
}
