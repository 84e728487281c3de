//! `nlkit conntrack` against conntrack-tools 1.4.7 in a throwaway
//! namespace: entries made with `conntrack -I` (TCP in two states, UDP,
//! ICMP, a mark and a zone, IPv6) listed as `conntrack -L` lists them,
//! `-j`, filters, delete by tuple, and a flush that needs `all`.

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
    // Flush without `all` is refused and removes nothing.
    let out = ns.nlkit(&["conntrack", "flush"]);
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("flush all"));
    assert_eq!(conntrack(&ns, &["-L"]).lines().count(), 4);
    // IPv4's flush leaves IPv6's entries; then everything.
    ns.nlkit_ok(&["-4", "conntrack", "flush", "all"]);
    assert_eq!(conntrack(&ns, &["-L", "-f", "ipv4"]), "");
    assert_eq!(conntrack(&ns, &["-L"]).lines().count(), 1);
    ns.nlkit_ok(&["conntrack", "flush", "all"]);
    assert_eq!(conntrack(&ns, &["-L"]), "");
}
