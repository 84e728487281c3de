//! `-N` (numbers for names) and `-r` (host names for addresses) against
//! `ip` 6.1 in a throwaway namespace: routes, addresses, neighbours, rules
//! and links, text and JSON. For `-r` both tools run under `ip netns exec`,
//! which mounts the namespace's own `/etc/netns/NAME/hosts` (naming the
//! test's addresses) and `resolv.conf` (a resolver on the namespace's
//! loopback, where nothing answers, so other addresses stay numbers at
//! once).

mod common;

use common::Ns;
use std::process::Command;

fn populate(ns: &Ns) {
    let cmds: [&[&str]; 14] = [
        &["link", "set", "lo", "up"],
        &["link", "add", "n0", "type", "veth", "peer", "name", "n1"],
        &["link", "set", "n0", "up", "group", "5"],
        &["link", "set", "n1", "up"],
        &["address", "add", "10.61.0.1/24", "brd", "+", "dev", "n0"],
        &["address", "add", "10.61.1.1", "peer", "10.61.1.2/32", "dev", "n0"],
        &["address", "add", "2001:db8:61::1/64", "dev", "n0", "nodad"],
        &["route", "add", "10.62.0.0/16", "via", "10.61.0.254", "proto", "static", "table", "main"],
        &["route", "add", "10.63.0.7", "via", "10.61.0.254", "tos", "0x10", "realm", "3"],
        &["route", "add", "blackhole", "10.64.0.0/16", "proto", "bgp", "table", "100"],
        &[
            "route",
            "add",
            "10.65.0.0/16",
            "nexthop",
            "via",
            "10.61.0.253",
            "nexthop",
            "via",
            "10.61.0.254",
        ],
        &["neigh", "add", "10.61.0.254", "lladdr", "02:00:00:00:61:fe", "dev", "n0"],
        &["rule", "add", "from", "10.61.0.0/24", "table", "100", "pref", "100", "proto", "static"],
        &["rule", "add", "to", "10.66.0.0/16", "prohibit", "pref", "101"],
    ];
    for c in cmds {
        ns.ip(c);
    }
}

/// The command under `ip netns exec NS`, its standard output.
fn exec(ns: &Ns, argv: &[&str]) -> String {
    let out = Command::new("ip").args(["netns", "exec", &ns.0]).args(argv).output().unwrap();
    assert!(out.status.success(), "{argv:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

const CASES: [&[&str]; 10] = [
    &["route", "show"],
    &["route", "show", "table", "all"],
    &["-d", "route", "show", "table", "all"],
    &["address", "show"],
    &["-br", "address", "show"],
    &["neigh", "show"],
    &["rule", "show"],
    &["link", "show"],
    &["-d", "link", "show"],
    &["route", "get", "10.62.0.9"],
];

#[test]
fn numeric_matches_ip() {
    let ns = Ns::new("numeric");
    populate(&ns);
    for case in CASES {
        for json in [&[][..], &["-j"][..]] {
            let args = [json, &["-N"], case].concat();
            assert_eq!(ns.nlkit_ok(&args), ns.ip(&args), "{args:?}");
        }
    }
    // The long form, as ip spells it.
    assert_eq!(ns.nlkit_ok(&["-Numeric", "route"]), ns.ip(&["-N", "route"]));
    assert!(ns.nlkit_ok(&["-N", "route", "show", "table", "all"]).contains("proto 4"));
}

/// The namespace's `/etc/netns/NAME`, removed however the test ends.
struct Etc(std::path::PathBuf);

impl Drop for Etc {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn resolve_matches_ip() {
    let ns = Ns::new("resolve");
    populate(&ns);
    let etc = Etc(std::path::PathBuf::from("/etc/netns").join(&ns.0));
    let etc = &etc.0;
    std::fs::create_dir_all(etc).unwrap();
    let hosts = "127.0.0.1 localhost\n10.61.0.1 here.test\n10.61.0.254 gw.test\n\
                 10.61.1.2 peer.test\n10.63.0.7 far.test\n10.61.0.255 bcast.test\n";
    std::fs::write(etc.join("hosts"), hosts).unwrap();
    std::fs::write(etc.join("resolv.conf"), "nameserver 127.0.0.1\noptions timeout:1\n").unwrap();
    let nlkit = env!("CARGO_BIN_EXE_nlkit");
    let mut seen = String::new();
    for case in CASES {
        for json in [&[][..], &["-j"][..]] {
            let args = [json, &["-r"], case].concat();
            let ours = exec(&ns, &[&[nlkit][..], &args].concat());
            assert_eq!(ours, exec(&ns, &[&["ip"][..], &args].concat()), "{args:?}");
            seen += &ours;
        }
    }
    let resolve = exec(&ns, &[nlkit, "-resolve", "route"]);
    assert_eq!(resolve, exec(&ns, &["ip", "-r", "route"]));
    for name in ["gw.test", "far.test", "here.test", "peer.test", "bcast.test"] {
        assert!(seen.contains(name), "{name} never printed");
    }
}
