//! Every object's walk refuses what `ip` refuses, with `ip`'s message:
//! `link`, `address`, `neigh`, `rule`, `monitor` and `tcp_metrics`
//! selectors and lookups, bad values of each kind, missing values,
//! duplicates and unknown devices; each compared with `ip` 6.1's standard
//! error in a namespace, and nothing changed. (`route`'s are in
//! `ip_route_words.rs`.)

mod common;

use common::{stderr_of, Ns};

/// Words both tools must refuse, in the namespace, with the same message
/// (`ip` read as `nlkit` where the message names the program).
const REFUSED: &[&str] = &[
    "link show nosuch",
    "link show a b",
    "link show group bogus",
    "link show master nosuch",
    "link show dev",
    "link show type",
    "link del",
    "address show nosuch",
    "address show to bogus",
    "address show scope bogus",
    "address show group bogus",
    "address show master nosuch",
    "address show a b",
    "address show label",
    "address show dev",
    "address flush",
    "address flush scope bogus",
    "address flush to bogus",
    "address save a b",
    "neigh show dev nosuch",
    "neigh show dev lo dev lo",
    "neigh show nud bogus",
    "neigh show nud",
    "neigh show to bogus",
    "neigh show master x",
    "neigh show proto bogus",
    "neigh show bogus",
    "neigh flush",
    "neigh flush nud bogus",
    "neigh get 10.0.0.1",
    "neigh get bogus dev lo",
    "neigh get 10.0.0.1 10.0.0.2 dev lo",
    "neigh get proxy 10.0.0.1 proxy 10.0.0.2",
    "neigh get 10.0.0.1 dev nosuch",
    "neigh get dev",
    "rule show pref x",
    "rule show tos bogus",
    "rule show fwmark x",
    "rule show fwmark 1/x",
    "rule show uidrange 5",
    "rule show table bogus",
    "rule show from bogus",
    "rule show bogus",
    "rule show ipproto bogus",
    "rule show sport x",
    "rule show dport x",
    "rule show proto bogus",
    "rule show iif",
    "rule flush pref x",
    "monitor bogus",
    "monitor dev",
    "monitor dev nosuch",
    "tcp_metrics show bogus",
    "tcp_metrics show src",
];

#[test]
fn bad_words_are_refused_with_ips_message() {
    let ns = Ns::new("words");
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    ns.ip(&["addr", "add", "10.0.0.1/24", "dev", "v0"]);
    let state =
        || ["link", "address", "route", "neigh", "rule"].map(|o| ns.ip(&[o, "show"])).concat();
    let before = state();
    let nlkit = env!("CARGO_BIN_EXE_nlkit");
    for words in REFUSED {
        let (ip, ip_ok) = stderr_of("ip", &ns, words);
        let (ours, ok) = stderr_of(nlkit, &ns, words);
        assert!(!ip_ok && !ok, "{words}: both must refuse (ip: {ip})");
        assert!(!ip.is_empty(), "{words}: ip says why");
        let ip = ip.replace("\"ip monitor help\"", "\"nlkit monitor help\"");
        // ip ends invarg's messages with a blank line: the text is compared.
        assert_eq!(ours.trim_end(), ip.trim_end(), "{words}");
    }
    assert_eq!(state(), before, "nothing changed");
}
