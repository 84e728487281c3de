//! `nlkit link` against `ip link` (iproute2 6.1) in throwaway namespaces:
//! the same links, the same text and the same JSON, object by object; and
//! links added, changed and deleted through nlkit, checked with `ip -j`.

mod common;

use common::{json_array, Ns};
use serde_json::{json, Value};
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs a bash command inside the namespace (`ip netns exec`).
fn exec(ns: &Ns, script: &str) {
    let st =
        Command::new("ip").args(["netns", "exec", &ns.0, "bash", "-c", script]).status().unwrap();
    assert!(st.success(), "{script}");
}

/// `ip -j [-d] link show DEV` as one object.
fn ip_link(ns: &Ns, args: &[&str], dev: &str) -> Value {
    let mut v = json_array(&ns.ip(&[args, &["-j", "link", "show", "dev", dev]].concat()));
    assert_eq!(v.len(), 1, "{dev}");
    v.remove(0)
}

/// Waits until `dev`'s operstate is `state` (a bridge comes up once its
/// port forwards).
fn wait_state(ns: &Ns, dev: &str, state: &str) {
    let start = Instant::now();
    while ip_link(ns, &[], dev)["operstate"] != state {
        assert!(start.elapsed() < Duration::from_secs(10), "{dev} never became {state}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every kind of link the tests compare: a veth pair (both up, one end in a
/// bridge), a bridge, a macvlan with an alias and a smaller MTU, two vxlans,
/// a tap, an ifb, a source-mode macvlan, a veth whose peer is down
/// (NO-CARRIER, M-DOWN), one in a
/// numbered group, and a veth whose peer lives in `other` (link-netns).
fn populate(ns: &Ns, other: &Ns) {
    let cmds: [&[&str]; 22] = [
        &["link", "set", "lo", "up"],
        &["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"],
        &["link", "add", "br0", "type", "bridge"],
        &["link", "set", "veth1", "master", "br0"],
        &["link", "set", "veth0", "up"],
        &["link", "set", "veth1", "up"],
        &["link", "set", "br0", "up"],
        &["link", "add", "mv0", "link", "veth0", "type", "macvlan", "mode", "bridge"],
        &["link", "set", "mv0", "mtu", "1400", "alias", "uplink mv0"],
        &["link", "add", "vx0", "type", "vxlan", "id", "42", "dstport", "4789", "dev", "veth0"],
        &[
            "link", "add", "vx1", "type", "vxlan", "id", "43", "remote", "10.0.0.2", "local",
            "10.0.0.1", "dstport", "4789", "ttl", "8",
        ],
        &["tuntap", "add", "dev", "tap0", "mode", "tap"],
        &["link", "add", "ifb0", "type", "ifb"],
        &["link", "add", "vdown0", "type", "veth", "peer", "name", "vdown1"],
        &["link", "set", "vdown0", "up"],
        &["link", "set", "vdown1", "group", "7", "txqueuelen", "0"],
        &["link", "add", "vout", "type", "veth", "peer", "name", "vpeer"],
        &["link", "set", "vpeer", "netns", &other.0],
        &["link", "set", "vout", "address", "02:00:00:0a:0b:0c"],
        &["link", "add", "vx6", "type", "vxlan", "id", "6", "group", "ff05::6", "dev", "veth0"],
        &["link", "add", "mvs", "link", "veth0", "type", "macvlan", "mode", "source"],
        &["link", "set", "mvs", "type", "macvlan", "macaddr", "add", "02:00:00:00:00:01"],
    ];
    for c in cmds {
        ns.ip(c);
    }
    wait_state(ns, "br0", "UP");
}

/// A timer's value as written, its digits masked: `233.70` and `0.00` are
/// both `N.##`, `0.0` is `N.#` (the fraction's width is ip's format).
fn timer_shape(written: &str) -> String {
    match written.split_once('.') {
        Some((_, frac)) => format!("N.{}", "#".repeat(frac.len())),
        None => "N".to_string(),
    }
}

/// Bridge and port timers (`gc_timer`, `hold_timer`, ...) tick between two
/// runs: their values are masked to their written shape (JSON numbers keep
/// their digits as written: serde_json's arbitrary_precision), so the
/// format is still compared byte for byte.
fn drop_timers(v: &mut Value) {
    if let Value::Object(m) = v {
        for (k, x) in m.iter_mut() {
            if k.ends_with("_timer") {
                *x = Value::String(timer_shape(&x.to_string()));
            } else {
                drop_timers(x);
            }
        }
    } else if let Value::Array(a) = v {
        a.iter_mut().for_each(drop_timers);
    }
}

/// The same for text: `gc_timer  266.62` (`%4i.%.2i`) becomes `gc_timer
/// <5 wide, N.##>`: the padded width and the decimals are compared, not the
/// value (99.99 and 100.00 take the same width).
fn mask_timers(text: &str) -> String {
    let mut out = Vec::new();
    let mut words = text.split(' ').peekable();
    while let Some(w) = words.next() {
        out.push(w.to_string());
        if w.ends_with("_timer") {
            let mut pad = 0;
            while words.peek() == Some(&"") {
                words.next();
                pad += 1;
            }
            if let Some(value) = words.next() {
                out.push(format!("<{} wide, {}>", pad + value.len(), timer_shape(value)));
            }
        }
    }
    out.join(" ")
}

/// The values of `keys` in `v`, as an array (to compare with `json!`).
fn pick(v: &Value, keys: &[&str]) -> Value {
    keys.iter().map(|k| v[*k].clone()).collect()
}

fn keys(v: &Value) -> Vec<&String> {
    v.as_object().map(|m| m.keys().collect()).unwrap_or_default()
}

/// `nlkit -j ARGS` and `ip -j ARGS`: the same objects, keys in the same order.
fn same_json(ns: &Ns, args: &[&str]) {
    let args = [&["-j"], args].concat();
    let mut ours = json_array(&ns.nlkit_ok(&args));
    let mut theirs = json_array(&ns.ip(&args));
    // ip 6.1 opens each link's object before its `up`/`group` filters turn
    // the link down, and prints `{}` for it; nlkit prints nothing.
    theirs.retain(|o| o.as_object().is_some_and(|m| !m.is_empty()));
    assert_eq!(ours.len(), theirs.len(), "{args:?}");
    for (o, t) in ours.iter_mut().zip(theirs.iter_mut()) {
        drop_timers(o);
        drop_timers(t);
        assert_eq!(o, t, "{args:?}: object by object");
        assert_eq!(keys(o), keys(t), "{args:?}: key order");
        assert_eq!(keys(&o["linkinfo"]), keys(&t["linkinfo"]), "{args:?}");
    }
}

#[test]
fn show_matches_ip_in_text_and_json() {
    let (ns, other) = (Ns::new("link"), Ns::new("linkpeer"));
    populate(&ns, &other);
    let text = ns.nlkit_ok(&["link", "show"]);
    assert_eq!(text, ns.ip(&["link", "show"]));
    for want in ["veth1@veth0:", "master br0", "M-DOWN", "NO-CARRIER", "@if", "link-netns "] {
        assert!(text.contains(want), "{want}: {text}");
    }
    same_json(&ns, &["link", "show"]);
    same_json(&ns, &["-d", "link", "show"]);
    let details = ns.nlkit_ok(&["-d", "link", "show"]);
    assert_eq!(mask_timers(&details), mask_timers(&ns.ip(&["-d", "link", "show"])));
    // The peer's side: `@ifN` and `link-netns` naming the first namespace.
    assert_eq!(other.nlkit_ok(&["link"]), other.ip(&["link", "show"]));
    same_json(&other, &["link", "show"]);
}

#[test]
fn the_kinds_print_ips_info_data() {
    let (ns, other) = (Ns::new("linkd"), Ns::new("linkdpeer"));
    populate(&ns, &other);
    let ours = json_array(&ns.nlkit_ok(&["-d", "-j", "link", "show"]));
    let by_name = |n: &str| ours.iter().find(|o| o["ifname"] == n).unwrap().clone();
    let data = |n: &str| by_name(n)["linkinfo"]["info_data"].clone();
    assert_eq!(data("vx0")["id"], 42);
    assert_eq!(data("vx0")["link"], "veth0");
    assert_eq!(data("vx0")["port"], 4789);
    assert_eq!(pick(&data("vx1"), &["remote", "local"]), json!(["10.0.0.2", "10.0.0.1"]));
    assert_eq!(data("vx1")["ttl"], 8);
    assert_eq!(data("vx6")["group6"], "ff05::6");
    assert_eq!(data("mv0")["mode"], "bridge");
    assert_eq!(pick(&data("mvs"), &["mode", "macaddr_count"]), json!(["source", 1]));
    assert_eq!(data("mvs")["macaddr_data"], json!(["02:00:00:00:00:01"]));
    assert_eq!(data("br0")["stp_state"], 0);
    assert_eq!(data("tap0")["type"], "tap");
    assert_eq!(data("tap0")["persist"], true);
    assert_eq!(by_name("veth1")["linkinfo"]["info_slave_kind"], "bridge");
    let port = by_name("veth1")["linkinfo"]["info_slave_data"].clone();
    assert_eq!(pick(&port, &["state", "hairpin", "learning"]), json!(["forwarding", false, true]));
    assert_eq!(data("br0")["group_addr"], "01:80:c2:00:00:00");
    assert!(by_name("ifb0")["linkinfo"].get("info_data").is_none(), "ip prints none for ifb");
    assert!(by_name("lo").get("linkinfo").is_none());
}

#[test]
fn filters_match_ip() {
    let (ns, other) = (Ns::new("linkf"), Ns::new("linkfpeer"));
    populate(&ns, &other);
    let filters: [&[&str]; 9] = [
        &["dev", "veth0"],
        &["mv0"],
        &["up"],
        &["master", "br0"],
        &["type", "vxlan"],
        &["type", "bridge_slave"],
        &["group", "7"],
        &["type", "veth", "up"],
        &["dev", "vout"],
    ];
    for f in filters {
        let args = [&["link", "show"], f].concat();
        assert_eq!(ns.nlkit_ok(&args), ns.ip(&args), "{f:?}");
        same_json(&ns, &args);
    }
    assert_eq!(ns.nlkit_ok(&["l", "ls", "veth0"]), ns.ip(&["link", "show", "veth0"]));
}

#[test]
fn statistics_match_ip() {
    let ns = Ns::new("links");
    // No IPv6 (no DAD or MLD packets): the counters stand still between runs.
    exec(&ns, "echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6");
    exec(&ns, "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6");
    ns.ip(&["link", "set", "lo", "up"]);
    ns.ip(&["link", "add", "s0", "type", "veth", "peer", "name", "s1"]);
    ns.ip(&["address", "add", "10.9.0.1/24", "dev", "s0"]);
    ns.ip(&["link", "set", "s0", "up"]);
    ns.ip(&["link", "set", "s1", "up"]);
    wait_state(&ns, "s0", "UP");
    // Some traffic: UDP over lo, and ARP out of s0 for a neighbour that never answers.
    exec(&ns, "for i in 1 2 3; do echo hi > /dev/udp/127.0.0.1/9; done; true");
    exec(&ns, "echo hi > /dev/udp/10.9.0.2/9; sleep 1.2; true");
    let lo = ip_link(&ns, &["-s"], "lo");
    assert!(lo["stats64"]["rx"]["packets"].as_u64() > Some(0), "{lo}");
    for s in [&["-s"][..], &["-s", "-s"], &["-s", "-d"]] {
        let args = [s, &["link", "show"]].concat();
        assert_eq!(ns.nlkit_ok(&args), ns.ip(&args), "{s:?}");
        same_json(&ns, &args);
    }
}

/// `ip -j -d link show DEV`'s `linkinfo.info_data`.
fn info_data(ns: &Ns, dev: &str) -> Value {
    ip_link(ns, &["-d"], dev)["linkinfo"]["info_data"].clone()
}

#[test]
fn add_set_and_delete() {
    let (ns, other) = (Ns::new("linkadd"), Ns::new("linkaddpeer"));
    add_each_kind(&ns);
    set_and_move(&ns, &other);
    ns.nlkit_ok(&["link", "del", "ifb1"]);
    ns.nlkit_ok(&["link", "delete", "dev", "vx7"]);
    let left: Vec<Value> = json_array(&ns.ip(&["-j", "link", "show"]));
    assert!(!left.iter().any(|l| l["ifname"] == "ifb1" || l["ifname"] == "vx7"));
}

/// One `add` of each kind, with abbreviations.
const ADDS: [&[&str]; 7] = [
    &[
        "link",
        "add",
        "a0",
        "mtu",
        "1400",
        "txqueuelen",
        "77",
        "address",
        "02:00:00:00:00:01",
        "type",
        "veth",
        "peer",
        "name",
        "a1",
    ],
    &["link", "add", "name", "br1", "type", "bridge", "stp_state", "1", "forward_delay", "400"],
    &["l", "a", "link", "a0", "mvl", "type", "macvlan", "mode", "private"],
    &[
        "link",
        "add",
        "vx7",
        "type",
        "vxlan",
        "id",
        "7",
        "dev",
        "a0",
        "dstport",
        "4789",
        "remote",
        "10.1.1.1",
        "local",
        "10.1.1.2",
        "ttl",
        "5",
        "nolearning",
    ],
    &["link", "add", "dev", "ifb1", "type", "ifb"],
    &["link", "add", "vxg", "type", "vxlan", "vni", "8", "group", "239.1.1.8", "dev", "a0"],
    &["link", "add", "link", "a0", "name", "mvt", "type", "macvtap", "mode", "bridge"],
];

/// [`ADDS`], checked with `ip -j -d`.
fn add_each_kind(ns: &Ns) {
    for a in ADDS {
        ns.nlkit_ok(a);
    }
    let want = json!([1400, 77, "02:00:00:00:00:01", "a1"]);
    assert_eq!(pick(&ip_link(ns, &[], "a0"), &["mtu", "txqlen", "address", "link"]), want);
    assert_eq!(pick(&info_data(ns, "br1"), &["stp_state", "forward_delay"]), json!([1, 400]));
    assert_eq!(info_data(ns, "mvl")["mode"], "private");
    assert_eq!(ip_link(ns, &[], "mvl")["link"], "a0");
    let keys = ["id", "link", "port", "ttl", "remote", "local", "learning"];
    let want = json!([7, "a0", 4789, 5, "10.1.1.1", "10.1.1.2", false]);
    assert_eq!(pick(&info_data(ns, "vx7"), &keys), want);
    assert_eq!(info_data(ns, "vxg")["group"], "239.1.1.8");
    assert_eq!(ip_link(ns, &["-d"], "ifb1")["linkinfo"]["info_kind"], "ifb");
    let mvt = ip_link(ns, &["-d"], "mvt");
    assert_eq!((&mvt["linkinfo"]["info_kind"], &mvt["link"]), (&json!("macvtap"), &json!("a0")));
    assert_eq!(info_data(ns, "mvt")["mode"], "bridge");
}

/// `set`: state, MTU, name, address, queue, group; master and alias (on
/// the peer: a0 carries a macvlan, and such a device cannot join a
/// bridge); netns.
fn set_and_move(ns: &Ns, other: &Ns) {
    ns.nlkit_ok(&["link", "set", "a0", "up", "mtu", "1300", "name", "a0x", "group", "9"]);
    ns.nlkit_ok(&["link", "set", "dev", "a0x", "address", "02:00:00:00:00:0a", "txqlen", "50"]);
    let a = ip_link(ns, &[], "a0x");
    assert!(a["flags"].as_array().unwrap().contains(&"UP".into()), "{a}");
    let got = pick(&a, &["mtu", "group", "address", "txqlen"]);
    assert_eq!(got, json!([1300, "9", "02:00:00:00:00:0a", 50]));
    ns.nlkit_ok(&["link", "set", "a1", "master", "br1", "alias", "the uplink", "up"]);
    let got = pick(&ip_link(ns, &[], "a1"), &["master", "ifalias", "link"]);
    assert_eq!(got, json!(["br1", "the uplink", "a0x"]));
    ns.nlkit_ok(&["link", "set", "a1", "nomaster", "down"]);
    let a = ip_link(ns, &[], "a1");
    assert!(a.get("master").is_none() && !a["flags"].as_array().unwrap().contains(&"UP".into()));
    ns.nlkit_ok(&["link", "set", "a1", "netns", &other.0]);
    assert_eq!(ip_link(other, &[], "a1")["ifname"], "a1");
    assert_eq!(ip_link(ns, &[], "a0x")["link_netnsid"], 0);
}

#[test]
fn kinds_this_kernel_may_lack() {
    let ns = Ns::new("linkopt");
    ns.ip(&["link", "add", "p0", "type", "veth", "peer", "name", "p1"]);
    let tries: [(&[&str], &str); 2] = [
        (
            &[
                "link", "add", "link", "p0", "name", "p0.5", "type", "vlan", "id", "5", "protocol",
                "802.1ad",
            ],
            "p0.5",
        ),
        (
            &["link", "add", "bond0", "type", "bond", "mode", "active-backup", "miimon", "100"],
            "bond0",
        ),
    ];
    for (args, dev) in tries {
        let out = ns.nlkit(args);
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("Unknown device type") {
            eprintln!("skipped {dev}: no driver in this kernel");
            continue;
        }
        assert!(out.status.success(), "{err}");
        let d = info_data(&ns, dev);
        match dev {
            "p0.5" => assert_eq!(pick(&d, &["id", "protocol"]), json!([5, "802.1ad"])),
            _ => assert_eq!(pick(&d, &["mode", "miimon"]), json!(["active-backup", 100])),
        }
    }
}

fn fails(ns: &Ns, args: &[&str], want: &str) {
    let out = ns.nlkit(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{args:?}");
    // ip's words: `Error: ...`, `RTNETLINK answers: ...`, or ip's plain
    // lines (`Cannot find device "x"`).
    assert!(err.lines().count() == 1 && err.contains(want), "{args:?}: {err}");
}

#[test]
fn errors_are_clear_and_nonzero() {
    let ns = Ns::new("linkerr");
    ns.ip(&["link", "add", "e0", "type", "veth", "peer", "name", "e1"]);
    let out = ns.nlkit(&["link", "add", "e0", "type", "veth"]);
    // A kernel refusal: ip's words and ip's exit status.
    assert_eq!(String::from_utf8_lossy(&out.stderr), "RTNETLINK answers: File exists\n");
    assert_eq!(out.status.code(), Some(2));
    let long = "a-name-of-16-byt";
    let out = ns.nlkit(&["link", "add", long, "type", "veth"]);
    assert_eq!(out.status.code(), Some(1), "refused before sending, as a usage error");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("at most 15 bytes"), "{err}");
    fails(&ns, &["link", "add", "x0", "type", "nosuchkind"], "Error: Unknown device type");
    fails(&ns, &["link", "set", "nosuch", "up"], "Cannot find device \"nosuch\"");
    fails(&ns, &["link", "del", "nosuch"], "Cannot find device \"nosuch\"");
    fails(&ns, &["link", "show", "nosuch"], "Device \"nosuch\" does not exist.");
    fails(&ns, &["link", "set", "e0", "master", "nosuch"], "Device does not exist");
    fails(&ns, &["link", "set", "e0", "mtu", "10"], "mtu less than device minimum");
    // `m` is `master`, the first keyword ip's iplink_parse matches by prefix.
    let why = "argument \"1400\" is wrong: Device does not exist";
    fails(&ns, &["link", "add", "x1", "m", "1400", "type", "ifb"], why);
    fails(
        &ns,
        &["link", "add", "x2", "type", "vxlan", "dstport", "4789"],
        "missing virtual network identifier",
    );
    fails(&ns, &["link", "add", "x3", "type", "macvlan"], "\"link DEV\" is required");
}

/// `link set` flag words do what ip's do: the same flags and broadcast
/// address after the same words, on two twin veth pairs; `carrier`, which
/// veth refuses, is refused alike.
#[test]
fn flag_words_set_what_ip_sets() {
    let ns = Ns::new("linkflags");
    for (a, b) in [("f0", "f1"), ("g0", "g1")] {
        ns.ip(&["link", "add", a, "type", "veth", "peer", "name", b]);
    }
    let steps: [&[&str]; 6] = [
        &["promisc", "on", "allmulticast", "on", "up"],
        &["arp", "off", "multicast", "off", "dynamic", "on"],
        &["trailers", "off"],
        &["broadcast", "ff:ff:ff:ff:ff:fe"],
        &[
            "promisc",
            "off",
            "arp",
            "on",
            "multicast",
            "on",
            "allmulticast",
            "off",
            "dynamic",
            "off",
        ],
        &["trailers", "on", "brd", "ff:ff:ff:ff:ff:ff"],
    ];
    let shown = |dev: &str| {
        let l = ip_link(&ns, &[], dev);
        (l["flags"].clone(), l["broadcast"].clone(), l["operstate"].clone())
    };
    for step in steps {
        ns.nlkit_ok(&[&["link", "set", "dev", "f0"], step].concat());
        ns.ip(&[&["link", "set", "dev", "g0"], step].concat());
        assert_eq!(shown("f0"), shown("g0"), "{step:?}");
    }
    let args = ["-n", &ns.0, "link", "set", "g0", "carrier", "off"];
    let ip_err = String::from_utf8(Command::new("ip").args(args).output().unwrap().stderr).unwrap();
    fails(&ns, &["link", "set", "f0", "carrier", "off"], ip_err.trim());
    let why = "argument of \"promisc\" must be \"on\" or \"off\", not \"yes\"";
    fails(&ns, &["link", "set", "f0", "promisc", "yes"], why);
    fails(&ns, &["link", "set", "f0", "allmulti", "on"], "\"allmulti\" is a garbage");
}

/// `-br`/`-brief` prints what `ip -br` prints for links and addresses, in
/// text and JSON, with filters.
#[test]
fn brief_matches_ip() {
    let (ns, other) = (Ns::new("linkbr"), Ns::new("linkbrpeer"));
    populate(&ns, &other);
    ns.ip(&["address", "add", "10.7.0.1/24", "dev", "veth0"]);
    ns.ip(&["address", "add", "10.7.0.9", "peer", "10.7.0.10/32", "dev", "veth0"]);
    ns.ip(&["address", "add", "2001:db8:7::1/64", "dev", "mv0", "nodad"]);
    let cases: [&[&str]; 9] = [
        &["-br", "link", "show"],
        &["-brief", "link", "show", "veth0"],
        &["-br", "link", "show", "type", "vxlan"],
        &["-br", "address", "show"],
        &["-br", "-4", "address", "show"],
        &["-br", "-6", "address", "show"],
        &["-br", "address", "show", "dev", "veth0"],
        &["-br", "-s", "link", "show", "up"],
        &["-br", "address", "show", "up"],
    ];
    for args in cases {
        assert_eq!(ns.nlkit_ok(args), ns.ip(args), "{args:?}");
        // As in `same_json`: ip's `{}` for links its filters dropped (which
        // nlkit's `link` leaves out) are not compared.
        let json = [&["-j"], args].concat();
        let objects = |text: &str| {
            let mut all = json_array(text);
            all.retain(|o| o.as_object().is_some_and(|m| !m.is_empty()));
            all
        };
        assert_eq!(objects(&ns.nlkit_ok(&json)), objects(&ns.ip(&json)), "{json:?}");
    }
}

/// `address show master|type|group` select links as ip's do; `address
/// flush` refuses them rather than flush more than was named.
#[test]
fn address_show_link_selectors_match_ip() {
    let (ns, other) = (Ns::new("addrsel"), Ns::new("addrselpeer"));
    populate(&ns, &other);
    ns.ip(&["address", "add", "10.8.0.1/24", "dev", "veth1"]);
    let cases: [&[&str]; 6] = [
        &["address", "show", "master", "br0"],
        &["address", "show", "type", "veth"],
        &["address", "show", "type", "bridge_slave"],
        &["address", "show", "group", "7"],
        &["-br", "address", "show", "type", "vxlan"],
        &["-4", "address", "show", "master", "br0", "up"],
    ];
    let objects = |text: &str| {
        let mut all = json_array(text);
        all.retain(|o| o.as_object().is_some_and(|m| !m.is_empty()));
        all
    };
    for args in cases {
        assert_eq!(ns.nlkit_ok(args), ns.ip(args), "{args:?}");
        let json = [&["-j"], args].concat();
        assert_eq!(objects(&ns.nlkit_ok(&json)), objects(&ns.ip(&json)), "{json:?}");
    }
    let before = ns.ip(&["address", "show"]);
    let out = ns.nlkit(&["address", "flush", "master", "br0"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(ns.ip(&["address", "show"]), before, "nothing flushed");
}

/// `-o`/`-oneline` prints what `ip -o` prints: links with their line
/// breaks as `\`, addresses one per line with the index and name first.
#[test]
fn oneline_matches_ip() {
    let (ns, other) = (Ns::new("linkone"), Ns::new("linkonepeer"));
    populate(&ns, &other);
    ns.ip(&["address", "add", "10.9.0.1/24", "dev", "veth0"]);
    let cases: [&[&str]; 6] = [
        &["-o", "link", "show"],
        &["-oneline", "-d", "link", "show"],
        &["-o", "address", "show"],
        &["-o", "-4", "address", "show", "dev", "veth0"],
        &["-o", "route", "show"],
        &["-o", "-j", "link", "show", "veth0"],
    ];
    for args in cases {
        assert_eq!(mask_timers(&ns.nlkit_ok(args)), mask_timers(&ns.ip(args)), "{args:?}");
    }
    // The counters move while IPv6 (needed by vx6) sends router
    // solicitations and MLD reports: compare when ip sees them still.
    let args = &["-o", "-s", "link", "show", "veth0"];
    for attempt in 0.. {
        let (before, ours, after) = (ns.ip(args), ns.nlkit_ok(args), ns.ip(args));
        if before == after {
            assert_eq!(ours, before, "{args:?}");
            break;
        }
        assert!(attempt < 50, "the counters of veth0 never stood still");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// Every link is printed as soon as the links its line names have come:
/// here the first 40 name a bridge made after them (their master) and a
/// veth's first side names its peer, which comes after it, so most of the
/// listing waits and is printed in the kernel's order once the bridge
/// comes. Text, `-br`, `-o` and JSON are ip's, with and without filters,
/// for links and for addresses.
#[test]
fn listing_waits_for_links_still_to_come() {
    let ns = Ns::new("linkorder");
    let mut batch = String::new();
    for i in 0..20 {
        batch += &format!("link add o{i} type veth peer name q{i}\n");
    }
    batch += "link add brlate type bridge\n";
    for i in 0..20 {
        batch += &format!("link set o{i} master brlate\nlink set q{i} master brlate\n");
    }
    batch += "link add tail0 type veth peer name tail1\n";
    batch += "address add 10.9.0.1/24 dev o0\naddress add 10.9.1.1/24 dev tail1\n";
    batch += "address add 2001:db8:9::1/64 dev q3 nodad\naddress add 10.9.0.2/24 dev o0\n";
    let file = std::env::temp_dir().join(format!("nlkit-linkorder-{}", std::process::id()));
    std::fs::write(&file, batch).unwrap();
    ns.ip(&["-batch", file.to_str().unwrap()]);
    std::fs::remove_file(&file).unwrap();
    let cases: [&[&str]; 11] = [
        &["link", "show"],
        &["-br", "link", "show"],
        &["-o", "link", "show"],
        &["link", "show", "type", "veth"],
        &["-br", "link", "show", "type", "bridge_slave"],
        &["-d", "link", "show"],
        &["address", "show"],
        &["-br", "address", "show"],
        &["-o", "address", "show"],
        &["-4", "address", "show"],
        &["-s", "address", "show"],
    ];
    for args in cases {
        let ours = ns.nlkit_ok(args);
        let text = if args.contains(&"-d") { mask_timers(&ours) } else { ours.clone() };
        let theirs = ns.ip(args);
        let want = if args.contains(&"-d") { mask_timers(&theirs) } else { theirs };
        assert_eq!(text, want, "{args:?}");
        assert!(ours.contains("o0"), "{args:?}");
    }
    same_json(&ns, &["link", "show"]);
    same_json(&ns, &["-br", "link", "show"]);
    same_json(&ns, &["address", "show"]);
    same_json(&ns, &["-br", "address", "show"]);
}
