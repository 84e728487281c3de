//! `nlkit neigh` against `ip neigh`: the same entries, the same text and
//! JSON, byte for byte, across filters, states, proxies and statistics.

mod common;

use common::{json_array, Ns};

fn populate(ns: &Ns) {
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    for dev in ["v0", "v1"] {
        ns.ip(&["link", "set", dev, "up"]);
    }
    ns.ip(&["addr", "add", "10.0.0.1/24", "dev", "v0"]);
    let entries: [&[&str]; 6] = [
        &["10.0.0.2", "lladdr", "02:00:00:00:00:02", "dev", "v0"],
        &["10.0.0.4", "lladdr", "02:00:00:00:00:04", "dev", "v0", "nud", "stale"],
        &["10.0.0.6", "lladdr", "02:00:00:00:00:06", "dev", "v0", "nud", "noarp"],
        &["10.0.0.7", "dev", "v1", "nud", "incomplete"],
        &["proxy", "10.0.0.9", "dev", "v0"],
        &["2001:db8::2", "lladdr", "02:00:00:00:00:05", "dev", "v0", "router"],
    ];
    for e in entries {
        ns.ip(&[&["neigh", "add"][..], e].concat());
    }
}

#[test]
fn show_matches_ip_byte_for_byte() {
    let ns = Ns::new("neigh");
    populate(&ns);
    // Added through nlkit, shown by both.
    ns.nlkit_ok(&[
        "neigh",
        "add",
        "10.0.0.3",
        "lladdr",
        "02:00:00:00:00:03",
        "dev",
        "v0",
        "nud",
        "reachable",
        "router",
    ]);
    let variants: [&[&str]; 20] = [
        &["neigh", "show", "10.0.0.2"],
        &["neigh", "show", "to", "10.0.0.0/29", "dev", "v0"],
        &["-j", "neigh", "show", "2001:db8::/64"],
        &["neigh", "show", "unused", "protocol", "all"],
        &["neigh"],
        &["neigh", "show"],
        &["-j", "neigh", "show"],
        &["neigh", "show", "proxy"],
        &["-j", "neigh", "show", "proxy"],
        &["-4", "-j", "neigh", "show", "dev", "v0"],
        &["-6", "-j", "neigh"],
        &["-s", "neigh", "show"],
        &["-s", "-j", "neigh", "show"],
        &["neigh", "show", "nud", "all"],
        &["-j", "neigh", "show", "nud", "noarp", "nud", "stale"],
        &["neigh", "get", "10.0.0.2", "dev", "v0"],
        &["-br", "neigh"],
        &["-br", "neigh", "show", "dev", "v0"],
        &["-br", "-j", "neigh"],
        &["-br", "-6", "neigh", "show", "nud", "all"],
    ];
    for args in variants {
        // IPv6 may add a solicited-node multicast entry (NOARP) between the
        // two dumps: compare again while ip's own two looks differ.
        let mut tries = 0;
        loop {
            let (before, ours, after) = (ns.ip(args), ns.nlkit_ok(args), ns.ip(args));
            if before == after || tries == 5 {
                assert_eq!(ours, after, "nlkit {args:?}");
                break;
            }
            tries += 1;
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    }
    let ours = json_array(&ns.nlkit_ok(&["-j", "neigh"]));
    assert_eq!(ours.len(), 5, "NOARP hidden by default, proxies listed apart, as ip does");
}

#[test]
fn change_replace_and_delete() {
    let ns = Ns::new("neighchg");
    populate(&ns);
    ns.nlkit_ok(&["neigh", "change", "10.0.0.2", "lladdr", "02:00:00:00:00:22", "dev", "v0"]);
    assert!(ns.ip(&["neigh", "show", "10.0.0.2"]).contains("02:00:00:00:00:22"));
    ns.nlkit_ok(&["neigh", "replace", "10.0.0.8", "lladdr", "02:00:00:00:00:08", "dev", "v0"]);
    ns.nlkit_ok(&["neigh", "del", "10.0.0.2", "dev", "v0"]);
    let out = ns.nlkit(&["neigh", "del", "10.0.0.2", "dev", "v0"]);
    // As ip says it, with ip's status for a kernel refusal.
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err, "RTNETLINK answers: No such file or directory\n");
    let out =
        ns.nlkit(&["neigh", "change", "10.0.0.50", "lladdr", "02:00:00:00:00:50", "dev", "v0"]);
    assert_ne!(out.status.code(), Some(0), "change needs an existing entry");
    let out = ns.nlkit(&["neigh", "add", "10.0.0.5", "dev", "nosuchdev"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Cannot find device \"nosuchdev\""));
    let shown = ns.ip(&["neigh", "show"]);
    assert!(shown.contains("10.0.0.8 dev v0 lladdr 02:00:00:00:00:08 PERMANENT"), "{shown}");
    assert!(!shown.contains("10.0.0.2 "));
}

#[test]
fn flush_deletes_what_ip_flush_deletes() {
    let (ours, theirs) = (Ns::new("neighfl"), Ns::new("neighfli"));
    populate(&ours);
    populate(&theirs);
    let out = ours.nlkit(&["neigh", "flush"]);
    assert_eq!(out.status.code(), Some(1), "a selector is required");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Flush requires arguments."));
    // IPv4 only: IPv6 adds and drops multicast entries on its own time,
    // differently in the two namespaces.
    let show = ["-4", "neigh", "show", "nud", "all"];
    let flushes: [&[&str]; 3] = [
        &["-s", "neigh", "flush", "10.0.0.4"],
        &["-s", "-4", "neigh", "flush", "dev", "v0"],
        &["-s", "-4", "neigh", "flush", "all", "nud", "all"],
    ];
    for args in flushes {
        let mine = ours.nlkit_ok(args);
        let ip = theirs.ip(args);
        assert_eq!(mine, ip, "{args:?}");
        // The same entries left (hash order differs between namespaces).
        let sorted = |ns: &Ns| {
            let mut lines: Vec<String> = ns.ip(&show).lines().map(str::to_owned).collect();
            lines.sort();
            lines
        };
        assert_eq!(sorted(&ours), sorted(&theirs), "{args:?}");
    }
}

/// `neigh add` reads its words as ip's `ipneigh_modify` does: `lla` is
/// `lladdr`, `prot` is `protocol`, a second address is refused in ip's
/// words, and unsupported keywords are said so.
#[test]
fn modify_words_match_as_ips_do() {
    let ns = Ns::new("neighwords");
    populate(&ns);
    let args =
        ["neigh", "add", "10.0.0.8", "lla", "02:00:00:00:00:08", "dev", "v0", "prot", "static"];
    ns.nlkit_ok(&args);
    let shown = ns.ip(&["neigh", "show", "10.0.0.8"]);
    assert_eq!(shown, "10.0.0.8 dev v0 lladdr 02:00:00:00:00:08 PERMANENT proto static \n");
    let out = ns.nlkit(&["neigh", "add", "10.0.0.9", "10.0.0.10", "dev", "v0"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("either \"to\" is duplicate, or \"10.0.0.10\" is a garbage."), "{err}");
    let out = ns.nlkit(&["neigh", "add", "10.0.0.9", "dev", "v0", "managed"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"managed\" is not supported by nlkit neigh add"), "{err}");
}
