//! `nlkit route` refuses what `ip route` refuses, with `ip`'s message: bad
//! values of every kind of keyword of `show`, `get` and the changes,
//! abbreviations read as `ip` reads them, missing values; each compared
//! with `ip` 6.1's standard error in a namespace, and nothing changed.

mod common;

use common::{stderr_of, Ns};
use std::process::Command;

/// Words both tools must refuse, in the namespace, with the same message.
const REFUSED: &[&str] = &[
    "route add 10.60.0.0/16 dev v0 mtu lock x",
    "route add 10.60.0.0/16 dev v0 quickack 2",
    "route add 10.60.0.0/16 dev v0 hoplimit 300",
    "route add 10.60.0.0/16 dev v0 features x",
    "route add 10.60.0.0/16 dev v0 p x",
    "route add 10.60.0.0/16 dev v0 mtu",
    "route add 10.60/16 10.61/16",
    "route add 10.60/16 via 10.0.0.2 via 10.0.0.3",
    "route add 10.60/16 dev v0 rto_min 3x",
    "route add 10.60/16 dev v0 tab nosuch",
    "route add 10.60/16 dev v0 pr bogus",
    "route add 10.60/16 dev v0 prot bogus",
    "route add 10.60/16 dev v0 scope bogus",
    "route add 10.60/16 dev v0 pref bogus",
    "route add 10.60/16 dev v0 nhid x",
    "route add 10.60/16 dev v0 expires x",
    "route add 10.60/16 dev v0 ds 0xzz",
    "route add 10.60/16 dev v0 w lock",
    "route add 10.60/16 dev v0 rttvar 1y",
    "route add bogus dev v0",
    "route add unreachable",
    "route add 10.60/16 nexthop via 10.0.0.2 weight 0",
    "route add 10.60/16 nexthop",
    "route add 10.60/16 via inet6 10.0.0.2",
    "route replace 10.60/16 dev v0 initcwnd x",
    "route get 10.0.0.1 sport 70000",
    "route get 10.0.0.1 dport x",
    "route get 10.0.0.1 ipp bogus",
    "route get 10.0.0.1 uid x",
    "route get 10.0.0.1 mark x",
    "route get 10.0.0.1 ds 0x1ff",
    "route get 10.0.0.1 from bogus",
    "route get 10.0.0.1 iif",
    "route show t bogus",
    "route show ty bogus",
    "route show via inet6 10.0.0.1",
    "route show proto bogus",
    "route show scope bogus",
    "route show mark x",
    "route show metric x",
    "route show realms x",
    "route show from root",
    "route show match bogus",
    "route show src bogus",
    "route show exact",
];

#[test]
fn bad_words_are_refused_with_ips_message() {
    let ns = Ns::new("routewords");
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    ns.ip(&["link", "set", "v0", "up"]);
    ns.ip(&["link", "set", "v1", "up"]);
    ns.ip(&["addr", "add", "10.0.0.1/24", "dev", "v0"]);
    let before = ns.ip(&["route", "show", "table", "all"]);
    let nlkit = env!("CARGO_BIN_EXE_nlkit");
    for words in REFUSED {
        let (ip, ip_ok) = stderr_of("ip", &ns, words);
        let (ours, ok) = stderr_of(nlkit, &ns, words);
        assert!(!ip_ok && !ok, "{words}: both must refuse (ip: {ip})");
        assert!(!ip.is_empty(), "{words}: ip says why");
        // ip ends invarg's messages with a blank line: the text is compared.
        assert_eq!(ours.trim_end(), ip.trim_end(), "{words}");
    }
    assert_eq!(ns.ip(&["route", "show", "table", "all"]), before, "nothing changed");
}

#[test]
fn abbreviations_mean_what_they_mean_to_ip() {
    let ns = Ns::new("routeabbr");
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    ns.ip(&["link", "set", "v0", "up"]);
    ns.ip(&["link", "set", "v1", "up"]);
    ns.ip(&["addr", "add", "10.0.0.1/24", "dev", "v0"]);
    // `p` is priority and `w` window in iproute_modify's order; `t` is the
    // table in show; `ty` the type.
    ns.nlkit_ok(&["route", "add", "10.70.0.0/16", "dev", "v0", "p", "7", "w", "9", "ta", "100"]);
    ns.ip(&["route", "add", "10.71.0.0/16", "dev", "v0", "p", "7", "w", "9", "ta", "100"]);
    let show = |tool: &str, words: &[&str]| {
        let out = Command::new(tool).args(["-n", &ns.0]).args(words).output().unwrap();
        assert!(out.status.success(), "{tool} {words:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let nlkit = env!("CARGO_BIN_EXE_nlkit");
    let ip_view = show("ip", &["route", "show", "t", "100"]);
    assert_eq!(
        ip_view,
        "10.70.0.0/16 dev v0 scope link metric 7 window 9 \n\
         10.71.0.0/16 dev v0 scope link metric 7 window 9 \n"
    );
    for words in [
        &["route", "show", "t", "100"][..],
        &["route", "sh", "ta", "100", "ty", "unicast", "pr", "7"],
        &["route", "show", "t", "100", "match", "10.70.1.0/24"],
        &["route", "show", "t", "all", "root", "10.0.0.0/8"],
        &["-4", "route", "list", "t", "100", "exact", "10.71.0.0/16"],
        &["route", "get", "10.70.0.1", "f", "10.0.0.1", "o", "v0", "ma", "0"],
        &["route", "get", "10.0.0.5", "fib", "d", "0x10"],
    ] {
        assert_eq!(show(nlkit, words), show("ip", words), "{words:?}");
    }
}
