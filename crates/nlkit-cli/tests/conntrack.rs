//! `nlkit conntrack` against conntrack-tools 1.4.7 in a throwaway
//! namespace: entries made with `conntrack -I` (TCP in two states, UDP,
//! ICMP, a mark and a zone, IPv6) listed as `conntrack -L` lists them,
//! `-j`, filters, delete by tuple or by filter, and a flush that needs
//! `all`.

mod common;

use common::Ns;
use std::process::Command;

fn conntrack(ns: &Ns, args: &[&str]) -> String {
    let out =
        Command::new("ip").args(["netns", "exec", &ns.0, "conntrack"]).args(args).output().unwrap();
    assert!(out.status.success(), "conntrack {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

const ENTRIES: [&str; 5] = [
    "-p tcp -s 10.0.0.1 -d 10.0.0.2 --sport 1234 --dport 80 --state ESTABLISHED -t 1000 -u ASSURED",
    "-p udp -s 10.0.0.1 -d 10.0.0.3 --sport 53 --dport 5353 -t 500",
    "-p icmp -s 10.0.0.1 -d 10.0.0.4 --icmp-type 8 --icmp-code 0 --icmp-id 77 -t 300",
    "-p tcp -s 10.0.0.5 -d 10.0.0.6 --sport 1 --dport 2 --state SYN_SENT -t 700 -m 42 -w 3",
    "-p tcp -s 2001:db8::1 -d 2001:db8::2 --sport 5 --dport 6 --state TIME_WAIT -t 800",
];

fn setup(tag: &str) -> Ns {
    let ns = Ns::new(tag);
    for e in ENTRIES {
        let args: Vec<&str> = std::iter::once("-I").chain(e.split_whitespace()).collect();
        conntrack(&ns, &args);
    }
    ns
}

/// The lines with the timeout (a countdown, read a moment apart) checked
/// to within a second and then masked.
fn same_but_timeouts(ours: &str, theirs: &str) {
    let (a, b): (Vec<&str>, Vec<&str>) = (ours.lines().collect(), theirs.lines().collect());
    assert_eq!(a.len(), b.len(), "ours:\n{ours}theirs:\n{theirs}");
    for (x, y) in a.iter().zip(&b) {
        let timeout = |l: &str| l.split_whitespace().nth(2).unwrap().to_string();
        let (tx, ty) = (timeout(x), timeout(y));
        let (nx, ny): (i64, i64) = (tx.parse().unwrap(), ty.parse().unwrap());
        assert!((nx - ny).abs() <= 1, "{x}\n{y}");
        let mask = |l: &str, t: &str| l.replacen(&format!(" {t} "), " T ", 1);
        assert_eq!(mask(x, &tx), mask(y, &ty));
    }
}

#[test]
fn lists_what_conntrack_lists() {
    let ns = setup("ctshow");
    let theirs = conntrack(&ns, &["-L"]);
    same_but_timeouts(&ns.nlkit_ok(&["conntrack", "show"]), &theirs);
    assert_eq!(theirs.lines().count(), 5, "both families: {theirs}");
    let theirs6 = conntrack(&ns, &["-L", "-f", "ipv6"]);
    same_but_timeouts(&ns.nlkit_ok(&["-6", "conntrack", "show"]), &theirs6);
    assert!(theirs6.contains("TIME_WAIT src=2001:db8::1"), "{theirs6}");
    // A filter, and JSON.
    let marked = ns.nlkit_ok(&["conntrack", "show", "mark", "42"]);
    assert_eq!(marked.lines().count(), 1, "{marked}");
    assert!(marked.contains(" mark=42 zone=3 use=1\n"), "{marked}");
    let j: serde_json::Value = serde_json::from_str(&ns.nlkit_ok(&[
        "-j",
        "conntrack",
        "show",
        "proto",
        "tcp",
        "dport",
        "2",
    ]))
    .unwrap();
    assert_eq!(j.as_array().unwrap().len(), 1, "{j}");
    assert_eq!(j[0]["state"], "SYN_SENT");
    assert_eq!(j[0]["orig"]["src"], "10.0.0.5");
    assert_eq!(j[0]["reply"]["sport"], 2);
    assert_eq!((j[0]["mark"].as_u64(), j[0]["zone"].as_u64()), (Some(42), Some(3)));
}

#[test]
fn delete_and_flush_remove_what_they_name_only() {
    let ns = setup("ctdel");
    let words = ["conntrack", "delete", "proto", "udp", "src", "10.0.0.1", "dst", "10.0.0.3"];
    ns.nlkit_ok(&[&words[..], &["sport", "53", "dport", "5353"]].concat());
    let left = conntrack(&ns, &["-L"]);
    assert!(!left.contains("udp") && left.lines().count() == 4, "{left}");
    // Less than a whole tuple filters the table, as conntrack -D: an
    // ICMP entry (no ports), then TCP by address alone; each deleted entry
    // printed as conntrack prints it; a selector nothing matches, or none
    // at all, is refused.
    let icmp = ns.nlkit_ok(&["conntrack", "delete", "proto", "icmp", "src", "10.0.0.1"]);
    assert!(
        icmp.starts_with("icmp     1 ") && icmp.contains(" id=77 ") && icmp.lines().count() == 1,
        "{icmp}"
    );
    let tcp = ns.nlkit_ok(&["-4", "conntrack", "delete", "proto", "tcp", "dst", "10.0.0.6"]);
    assert!(tcp.contains("sport=1 dport=2") && tcp.lines().count() == 1, "{tcp}");
    for (words, said) in [
        (&["conntrack", "delete", "proto", "tcp", "src", "10.9.9.9"][..], "no entry matches"),
        (&["conntrack", "delete"], "delete needs a selector"),
    ] {
        let out = ns.nlkit(words);
        assert_eq!(out.status.code(), Some(1), "{words:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(said), "{words:?}");
    }
    let left = conntrack(&ns, &["-L"]);
    assert_eq!(left.lines().count(), 2, "{left}");
    // Flush without `all` is refused and removes nothing.
    let out = ns.nlkit(&["conntrack", "flush"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("flush all"));
    assert_eq!(conntrack(&ns, &["-L"]).lines().count(), 2);
    // IPv4's flush leaves IPv6's entries; then everything.
    ns.nlkit_ok(&["-4", "conntrack", "flush", "all"]);
    assert_eq!(conntrack(&ns, &["-L", "-f", "ipv4"]), "");
    assert_eq!(conntrack(&ns, &["-L"]).lines().count(), 1);
    ns.nlkit_ok(&["conntrack", "flush", "all"]);
    assert_eq!(conntrack(&ns, &["-L"]), "");
}

#[test]
fn monitor_prints_events_as_conntrack_e() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    let ns = Ns::new("ctmon");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", &ns.0, "conntrack", "monitor", "count", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut ready = String::new();
    err.read_line(&mut ready).unwrap();
    assert_eq!(ready, "monitoring conntrack events\n");
    let tuple = ["-p", "tcp", "-s", "10.2.0.1", "-d", "10.2.0.2", "--sport", "1", "--dport", "2"];
    conntrack(&ns, &[&["-I"][..], &tuple, &["--state", "SYN_SENT", "-t", "100"]].concat());
    let listed = conntrack(&ns, &["-L"]);
    conntrack(&ns, &[&["-U"][..], &tuple, &["-m", "5"]].concat());
    conntrack(&ns, &[&["-D"][..], &tuple].concat());
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert!(child.wait().unwrap().success());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    // The NEW event is the listed line, without use= (events carry none).
    let body = listed.trim_end().trim_end_matches(" use=1");
    same_but_timeouts(
        &format!("{}\n", lines[0].trim_start_matches("    [NEW] ")),
        &format!("{body}\n"),
    );
    assert!(lines[0].starts_with("    [NEW] tcp      6 "), "{out}");
    assert!(lines[1].starts_with(" [UPDATE] ") && lines[1].ends_with(" mark=5"), "{out}");
    assert!(lines[2].starts_with("[DESTROY] ") && lines[2].ends_with(" mark=5"), "{out}");
}

/// `monitor mark M[/MASK] zone Z status S`: the kernel drops what does not
/// match (the filter program runs on the socket; nlkit does not filter
/// again), so only the matching entry's events arrive, and a refused
/// status name says what the names are.
#[test]
fn monitor_filters_in_the_kernel_by_mark_zone_and_status() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    let ns = Ns::new("ctfilt");
    let watch = |args: &[&str]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
            .args(["-n", &ns.0, "conntrack", "monitor"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut ready = String::new();
        BufReader::new(child.stderr.as_mut().unwrap()).read_line(&mut ready).unwrap();
        assert_eq!(ready, "monitoring conntrack events\n");
        child
    };
    let marked = watch(&["new", "mark", "0x107/0xff", "count", "1"]);
    let zoned = watch(&["new", "zone", "3", "status", "assured", "count", "1"]);
    // Entries that match neither first: their events must not arrive.
    for e in [
        "-p tcp -s 10.3.0.1 -d 10.3.0.2 --sport 1 --dport 2 --state SYN_SENT -t 100 -m 8 -w 3",
        "-p tcp -s 10.3.0.3 -d 10.3.0.4 --sport 1 --dport 2 --state SYN_SENT -t 100 -w 4 -u ASSURED",
        "-p tcp -s 10.3.0.5 -d 10.3.0.6 --sport 1 --dport 2 --state SYN_SENT -t 100 -w 3",
        "-p tcp -s 10.3.0.7 -d 10.3.0.8 --sport 1 --dport 2 --state SYN_SENT -t 100 -m 7",
        "-p tcp -s 10.3.0.9 -d 10.3.0.10 --sport 1 --dport 2 --state ESTABLISHED -t 100 -w 3 -u ASSURED",
    ] {
        let args: Vec<&str> = std::iter::once("-I").chain(e.split_whitespace()).collect();
        conntrack(&ns, &args);
    }
    for (mut child, want) in [(marked, "src=10.3.0.7 "), (zoned, "src=10.3.0.9 ")] {
        // A filter that dropped the matching event too would wait for
        // ever: ten seconds, then the test fails.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while child.try_wait().unwrap().is_none() {
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                panic!("no event for {want} in 10 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let mut out = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        assert!(child.wait().unwrap().success());
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(out.contains(want), "{want}: {out}");
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", &ns.0, "conntrack", "monitor", "status", "bogus"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("one of expected, seen-reply, assured"));
}

#[test]
fn get_stats_and_count_as_conntrack() {
    let ns = setup("ctget");
    let tuple = "proto tcp src 10.0.0.1 dst 10.0.0.2 sport 1234 dport 80";
    let ours =
        ns.nlkit_ok(&[&["conntrack", "get"][..], &tuple.split(' ').collect::<Vec<_>>()].concat());
    let theirs = conntrack(
        &ns,
        &[
            "-G", "-p", "tcp", "-s", "10.0.0.1", "-d", "10.0.0.2", "--sport", "1234", "--dport",
            "80",
        ],
    );
    same_but_timeouts(&ours, &theirs);
    assert_eq!(ns.nlkit_ok(&["conntrack", "count"]), conntrack(&ns, &["-C"]));
    assert_eq!(ns.nlkit_ok(&["conntrack", "count"]), "5\n");
    // The counters move on their own only with traffic: none here.
    assert_eq!(ns.nlkit_ok(&["conntrack", "stats"]), conntrack(&ns, &["-S"]));
    let other = "proto tcp src 10.9.9.9 dst 10.0.0.2 sport 1234 dport 80";
    let missing =
        ns.nlkit(&[&["conntrack", "get"][..], &other.split(' ').collect::<Vec<_>>()].concat());
    assert_ne!(missing.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("No such file or directory"));
}

/// Lost events are made up for: the monitor (a 64 KiB receive buffer)
/// is stopped (SIGSTOP) while 20,000 entries are made and 100 of the 200
/// it had seen are deleted, so its queue overflows; it says so, reads the table again, and in the end
/// has printed each new entry once and each deleted one once.
#[test]
fn an_overrun_is_followed_by_a_resync_that_prints_each_change_once() {
    resync_prints_each_change_once(
        "ctresync",
        &["conntrack", "monitor"],
        "monitoring conntrack events",
        "conntrack: events lost (ENOBUFS); read the table again",
    );
}

/// The same inside `nlkit monitor`, merged with another channel.
#[test]
fn the_merged_monitor_resyncs_conntrack_too() {
    resync_prints_each_change_once(
        "ctresync-m",
        &["monitor", "conntrack", "uevent"],
        "monitoring conntrack, uevent",
        "conntrack: events lost (ENOBUFS)\nconntrack: read the table again: ",
    );
}

fn resync_prints_each_change_once(tag: &str, words: &[&str], ready_said: &str, lost_said: &str) {
    use nlkit::netfilter::conntrack::{self as ct, NewEntry, Tuple};
    use nlkit::{BatchLimits, Conn, Netns, Protocol};
    use std::collections::HashMap;
    use std::io::{BufRead, BufReader};
    use std::ops::ControlFlow;
    use std::process::Stdio;
    let ns = Ns::new(tag);
    let udp = |sport: u16| {
        let t = Tuple {
            src: Some("10.5.0.1".parse().unwrap()),
            dst: Some("10.5.0.2".parse().unwrap()),
            proto: 17,
            sport: Some(sport),
            dport: Some(53),
            ..Tuple::default()
        };
        let reply = Tuple { src: t.dst, dst: t.src, sport: t.dport, dport: t.sport, ..t };
        (t, NewEntry { orig: t, reply, timeout: 1000, ..NewEntry::default() })
    };
    let mut conn = Conn::open_in(Netns::Name(&ns.0), Protocol::NETFILTER).unwrap();
    let make = |conn: &mut Conn, ports: std::ops::RangeInclusive<u16>| {
        let creates = ports.map(|p| ((), ct::create(udp(p).1)));
        conn.batch(creates, BatchLimits::default(), |(), r| {
            r.unwrap();
            ControlFlow::Continue(())
        })
        .unwrap();
    };
    make(&mut conn, 1..=200);
    let mut child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args([&["-j", "-n", &ns.0, "-rcvbuf", "65536"][..], words].concat())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut ready = String::new();
    err.read_line(&mut ready).unwrap();
    assert_eq!(ready.trim_end(), ready_said);
    let pid = child.id().to_string();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    // A watchdog ends the monitor if this test stops short of it.
    let watched = pid.clone();
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(60));
        let _ = Command::new("kill").args(["-9", &watched]).status();
    });
    assert!(Command::new("kill").args(["-STOP", &pid]).status().unwrap().success());
    make(&mut conn, 1001..=21_000);
    for p in 1..=100 {
        conn.run(ct::delete(libc::AF_INET as u8, udp(p).0, None)).unwrap();
    }
    assert!(Command::new("kill").args(["-CONT", &pid]).status().unwrap().success());
    let mut said = String::new();
    while said.len() < lost_said.len() && err.read_line(&mut said).unwrap() > 0 {}
    assert!(said.starts_with(lost_said), "{said}");
    let (mut new, mut destroyed) = (HashMap::<u64, u32>::new(), HashMap::<u64, u32>::new());
    let mut resynced = 0;
    for line in stdout.lines() {
        let line = line.unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        if v.get("event").is_none() {
            continue; // the merged monitor's notes, also on stderr
        }
        resynced += usize::from(v.get("resync").is_some());
        let port = v["orig"]["sport"].as_u64().unwrap();
        match v["event"].as_str().unwrap() {
            "new" => *new.entry(port).or_default() += 1,
            "destroy" => *destroyed.entry(port).or_default() += 1,
            other => panic!("{other}: {line}"),
        }
        if new.len() == 20_000 && destroyed.len() == 100 {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    drop(watchdog);
    assert_eq!((new.len(), destroyed.len()), (20_000, 100), "{said}");
    assert!(new.keys().all(|p| (1001..=21_000).contains(p)));
    assert!(destroyed.keys().all(|p| (1..=100).contains(p)));
    assert!(new.values().chain(destroyed.values()).all(|&n| n == 1), "a change printed twice");
    assert!(resynced > 0, "nothing came from the resync: {said}");
    eprintln!("{said}{resynced} changes printed from the resync");
}
