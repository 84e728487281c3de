//! `nlkit address` against `ip address`: the same links and addresses, the
//! same text and JSON (lifetimes, which tick down between the two runs,
//! within 2 seconds); changes made through nlkit leave what `ip` leaves.

mod common;

use common::{json_array, Ns};
use serde_json::Value;
use std::time::{Duration, Instant};

/// lo; an up veth pair v0/v1 with IPv4 (broadcast, label, secondary,
/// peer) and IPv6 (nodad, lifetimes, noprefixroute) addresses; a down
/// pair v2/v3 with an address on v2, an alias (printed with `-d` only)
/// and an alternative name on v3.
fn populate(ns: &Ns) {
    ns.ip(&["link", "set", "lo", "up"]);
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    ns.ip(&["link", "add", "v2", "type", "veth", "peer", "name", "v3"]);
    ns.ip(&["link", "set", "v2", "alias", "the down pair"]);
    ns.ip(&["link", "property", "add", "dev", "v3", "altname", "vthree"]);
    for dev in ["v0", "v1"] {
        ns.ip(&["link", "set", dev, "up"]);
    }
    let addrs: [&[&str]; 8] = [
        &["10.0.0.1/24", "brd", "+", "dev", "v0"],
        &["10.0.0.2/24", "dev", "v0", "label", "v0:1"],
        &["10.1.0.1/16", "broadcast", "10.1.255.255", "dev", "v0"],
        &["10.9.0.1", "peer", "10.9.0.2/32", "dev", "v1"],
        &["2001:db8::1/64", "dev", "v0", "nodad"],
        &["2001:db8:1::1/64", "dev", "v0", "valid_lft", "100", "preferred_lft", "50", "nodad"],
        &["2001:db8:2::1/64", "dev", "v1", "noprefixroute"],
        &["192.168.5.5/24", "dev", "v2"],
    ];
    for a in addrs {
        ns.ip(&[&["addr", "add"][..], a].concat());
    }
    settle(ns, &["v0", "v1"]);
}

/// Waits until each of `devs` has its IPv6 link-local address and no
/// address is tentative any more, so that nothing but lifetimes changes
/// between a run of `nlkit` and one of `ip`.
fn settle(ns: &Ns, devs: &[&str]) {
    let start = Instant::now();
    loop {
        let links = json_array(&ns.ip(&["-j", "addr", "show"]));
        let has_ll = |dev: &str| {
            links.iter().any(|l| {
                l["ifname"] == dev
                    && l["addr_info"]
                        .as_array()
                        .is_some_and(|a| a.iter().any(|a| a["scope"] == "link"))
            })
        };
        let tentative = links
            .iter()
            .flat_map(|l| l["addr_info"].as_array().cloned().unwrap_or_default())
            .any(|a| a.get("tentative").is_some());
        if devs.iter().all(|d| has_ll(d)) && !tentative {
            return;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "addresses did not settle");
        std::thread::sleep(Duration::from_millis(100));
    }
}

const LIFETIMES: [&str; 2] = ["valid_life_time", "preferred_life_time"];

/// Equal, keys in the same order, lifetimes within 2 seconds.
fn assert_same(ours: &Value, theirs: &Value, path: &str) {
    match (ours, theirs) {
        (Value::Object(o), Value::Object(t)) => {
            let (ok, tk): (Vec<_>, Vec<_>) = (o.keys().collect(), t.keys().collect());
            assert_eq!(ok, tk, "keys of {path}");
            for (k, v) in o {
                let at = format!("{path}.{k}");
                match (LIFETIMES.contains(&k.as_str()), v.as_i64(), t[k].as_i64()) {
                    (true, Some(a), Some(b)) => assert!((a - b).abs() <= 2, "{at}: {a} vs {b}"),
                    _ => assert_same(v, &t[k], &at),
                }
            }
        }
        (Value::Array(o), Value::Array(t)) => {
            assert_eq!(o.len(), t.len(), "length of {path}: {ours} vs {theirs}");
            for (i, (a, b)) in o.iter().zip(t).enumerate() {
                assert_same(a, b, &format!("{path}[{i}]"));
            }
        }
        _ => assert_eq!(ours, theirs, "at {path}"),
    }
}

/// Equal line by line, the `valid_lft`/`preferred_lft` seconds within 2.
fn assert_same_text(ours: &str, theirs: &str, what: &str) {
    let (o, t): (Vec<_>, Vec<_>) = (ours.split('\n').collect(), theirs.split('\n').collect());
    let both = format!("{what}\n--- nlkit:\n{ours}--- ip:\n{theirs}");
    assert_eq!(o.len(), t.len(), "line count: {both}");
    for (a, b) in o.iter().zip(&t) {
        if !a.contains("valid_lft") {
            assert_eq!(a, b, "{both}");
            continue;
        }
        let (aw, bw): (Vec<_>, Vec<_>) = (a.split(' ').collect(), b.split(' ').collect());
        assert_eq!(aw.len(), bw.len(), "{both}");
        for (x, y) in aw.iter().zip(&bw) {
            let secs = |w: &str| w.strip_suffix("sec").and_then(|n| n.parse::<i64>().ok());
            match (secs(x), secs(y)) {
                (Some(p), Some(q)) => assert!((p - q).abs() <= 2, "{x} vs {y}: {both}"),
                _ => assert_eq!(x, y, "{both}"),
            }
        }
    }
}

const SHOW_VARIANTS: [&[&str]; 21] = [
    &["addr"],
    &["addr", "show"],
    &["-4", "addr", "show"],
    &["-6", "addr", "show"],
    &["addr", "show", "dev", "v0"],
    &["addr", "show", "v1"],
    &["addr", "show", "dev", "v2"],
    &["addr", "show", "dev", "v3"],
    &["-4", "addr", "show", "dev", "v3"],
    &["-6", "addr", "show", "dev", "v0"],
    &["-6", "addr", "show", "dev", "v2"],
    &["addr", "show", "up"],
    &["addr", "show", "scope", "link"],
    &["-4", "addr", "show", "scope", "host"],
    &["addr", "show", "label", "v0*"],
    &["-4", "addr", "show", "label", "v0:*"],
    &["addr", "show", "to", "10.0.0.0/8"],
    // A family from the prefix alone: links dumped in full, no link/ line.
    &["addr", "show", "to", "2001:db8::/32"],
    &["addr", "show", "secondary"],
    &["addr", "show", "primary", "dev", "v0"],
    &["addr", "show", "dynamic"],
];

#[test]
fn show_matches_ip_json_object_by_object() {
    let ns = Ns::new("addrj");
    populate(&ns);
    for variant in SHOW_VARIANTS {
        let args = [&["-j"][..], variant].concat();
        let ours = json_array(&ns.nlkit_ok(&args));
        let theirs = json_array(&ns.ip(&args));
        assert_eq!(ours.len(), theirs.len(), "{args:?}: {ours:?}\n{theirs:?}");
        for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
            assert_same(o, t, &format!("{args:?}[{i}]"));
        }
    }
    // The whole listing: every link, each address with its keys.
    let all = json_array(&ns.nlkit_ok(&["-j", "addr"]));
    let names: Vec<_> = all.iter().map(|l| l["ifname"].as_str().unwrap()).collect();
    assert_eq!(names, ["lo", "v1", "v0", "v3", "v2"]);
    let v0 = &all[2]["addr_info"];
    assert_eq!(v0[0]["broadcast"], "10.0.0.255");
    assert_eq!(v0[2]["label"], "v0:1");
    assert_eq!(v0[2]["secondary"], true);
    assert_eq!(all[1]["addr_info"][0]["address"], "10.9.0.2", "the peer");
    assert_eq!(all[3]["flags"][2], "M-DOWN");
}

#[test]
fn show_matches_ip_text_line_by_line() {
    let ns = Ns::new("addrt");
    populate(&ns);
    for args in SHOW_VARIANTS {
        assert_same_text(&ns.nlkit_ok(args), &ns.ip(args), &format!("{args:?}"));
    }
    // Pretty JSON parses to the same values.
    let pretty = json_array(&ns.nlkit_ok(&["-j", "-p", "addr", "show", "dev", "v0"]));
    assert_same(
        &Value::Array(pretty),
        &Value::Array(json_array(&ns.ip(&["-j", "addr", "show", "dev", "v0"]))),
        "-p",
    );
}

/// `-d` (the link's details: kind, queues, alias) and `-s` (its counters,
/// after the addresses; IPv6's own counters for `-6`'s IPv6 view of links).
const DETAIL_VARIANTS: [&[&str]; 12] = [
    &["-d", "addr"],
    &["-s", "addr"],
    &["-s", "-s", "addr"],
    &["-d", "-s", "addr", "show", "dev", "v0"],
    &["-6", "-d", "addr"],
    &["-6", "-s", "-s", "addr"],
    &["-4", "-d", "-s", "addr"],
    &["-6", "-d", "addr", "show", "dev", "v0"],
    &["-s", "addr", "show", "label", "v0*"],
    &["-s", "-d", "addr", "show", "up"],
    &["-d", "addr", "show", "to", "2001:db8::/32"],
    &["-d", "addr", "show", "dev", "vthree"],
];

/// Counters tick between two runs (IPv6's router solicitations and MLD
/// reports): a text row of numbers only counts its numbers.
fn mask_counters(text: &str) -> String {
    let row = |l: &str| !l.trim().is_empty() && l.chars().all(|c| c == ' ' || c.is_ascii_digit());
    let lines = text.split('\n').map(|l| match row(l) {
        true => format!("<{} counters>", l.split_whitespace().count()),
        false => l.to_owned(),
    });
    lines.collect::<Vec<_>>().join("\n")
}

/// The JSON form of [`mask_counters`]: every number under `stats64` is 0.
fn mask_json_counters(v: &mut Value, inside: bool) {
    match v {
        Value::Number(_) if inside => *v = 0.into(),
        Value::Object(m) => {
            m.iter_mut().for_each(|(k, v)| mask_json_counters(v, inside || k == "stats64"))
        }
        Value::Array(a) => a.iter_mut().for_each(|v| mask_json_counters(v, inside)),
        _ => {}
    }
}

#[test]
fn details_and_statistics_match_ip() {
    let ns = Ns::new("addrds");
    populate(&ns);
    for args in DETAIL_VARIANTS {
        let (ours, theirs) = (ns.nlkit_ok(args), ns.ip(args));
        assert_same_text(&mask_counters(&ours), &mask_counters(&theirs), &format!("{args:?}"));
        let args = [&["-j"][..], args].concat();
        let (mut ours, mut theirs) = (json_array(&ns.nlkit_ok(&args)), json_array(&ns.ip(&args)));
        assert_eq!(ours.len(), theirs.len(), "{args:?}: {ours:?}\n{theirs:?}");
        for (i, (o, t)) in ours.iter_mut().zip(&mut theirs).enumerate() {
            mask_json_counters(o, false);
            mask_json_counters(t, false);
            assert_same(o, t, &format!("{args:?}[{i}]"));
        }
    }
    // Links without traffic (lo, the down pair) match to the byte.
    for args in
        [&["-s", "addr", "show", "dev", "lo"][..], &["-s", "-s", "-d", "addr", "show", "v2"]]
    {
        assert_eq!(ns.nlkit_ok(args), ns.ip(args), "{args:?}");
    }
    let v0 = &json_array(&ns.nlkit_ok(&["-j", "-s", "addr", "show", "dev", "v0"]))[0];
    let keys: Vec<_> = v0.as_object().unwrap().keys().rev().take(2).collect();
    assert_eq!(keys, ["stats64", "addr_info"], "the counters follow the addresses");
    let v2 = ns.nlkit_ok(&["-d", "addr", "show", "dev", "v2"]);
    assert!(v2.contains("\n    alias the down pair\n"), "{v2}");
    assert!(!ns.nlkit_ok(&["addr", "show", "dev", "v2"]).contains("alias"));
}

/// A link whose peer lives in a named namespace: `link-netns NAME`.
#[test]
fn a_peer_in_a_named_namespace_is_named() {
    let (ns, other) = (Ns::new("addrnetns"), Ns::new("addrnetns-peer"));
    ns.ip(&["link", "add", "vout", "type", "veth", "peer", "name", "vpeer"]);
    ns.ip(&["link", "set", "vpeer", "netns", &other.0]);
    ns.ip(&["addr", "add", "10.5.0.1/24", "dev", "vout"]);
    let args = ["addr", "show", "dev", "vout"];
    let ours = ns.nlkit_ok(&args);
    assert_eq!(ours, ns.ip(&args));
    assert!(ours.contains(&format!(" link-netns {}\n", other.0)), "{ours}");
    let args = ["-j", "-d", "addr", "show", "dev", "vout"];
    assert_same(
        &Value::Array(json_array(&ns.nlkit_ok(&args))),
        &Value::Array(json_array(&ns.ip(&args))),
        "-j -d vout",
    );
}

#[test]
fn the_object_answers_to_a_addr_and_address() {
    let ns = Ns::new("addralias");
    ns.ip(&["link", "set", "lo", "up"]);
    let want = ns.ip(&["addr", "show", "dev", "lo"]);
    for object in ["a", "ad", "addr", "address"] {
        for cmd in ["show", "s", "list", "lst", "l"] {
            assert_eq!(ns.nlkit_ok(&[object, cmd, "dev", "lo"]), want, "{object} {cmd}");
        }
    }
    assert_eq!(ns.nlkit_ok(&["a"]), ns.ip(&["a"]));
}

/// Two namespaces alike down to the MAC addresses (so the link-local
/// addresses agree): what `ip` does in one, `nlkit` does in the other.
fn twins(tag: &str) -> (Ns, Ns) {
    let pair = (Ns::new(&format!("{tag}-ip")), Ns::new(&format!("{tag}-nl")));
    for ns in [&pair.0, &pair.1] {
        ns.ip(&["link", "set", "lo", "up"]);
        ns.ip(&[
            "link",
            "add",
            "v0",
            "address",
            "02:00:00:00:00:01",
            "type",
            "veth",
            "peer",
            "name",
            "v1",
            "address",
            "02:00:00:00:00:02",
        ]);
        for dev in ["v0", "v1"] {
            ns.ip(&["link", "set", dev, "up"]);
        }
        settle(ns, &["v0", "v1"]);
    }
    pair
}

fn assert_twins_alike(ip_ns: &Ns, nl_ns: &Ns, after: &str) {
    let theirs = json_array(&ip_ns.ip(&["-j", "addr"]));
    let ours = json_array(&nl_ns.ip(&["-j", "addr"]));
    assert_same(&Value::Array(ours), &Value::Array(theirs), after);
}

#[test]
fn add_change_replace_and_delete_leave_what_ip_leaves() {
    let (by_ip, by_nlkit) = twins("addrmod");
    let steps: [&[&str]; 16] = [
        &["addr", "add", "10.30.0.1/24", "peer", "10.30.0.2", "dev", "v1"],
        &["addr", "add", "10.31.0.1/24", "peer", "10.31.0.2/30", "brd", "+", "dev", "v1"],
        &["addr", "add", "10.32.0.1/24", "anycast", "10.32.0.99", "dev", "v0"],
        &["addr", "add", "10.33.0.1/24", "dev", "v0", "scope", "link", "label", "v0:x"],
        &["addr", "add", "10.37.0.2/24", "broadcast", "-", "dev", "v0", "metric", "50"],
        &["addr", "add", "127.0.0.2/8", "dev", "lo"],
        &["addr", "add", "2001:db8:7::1/64", "dev", "v0", "nodad", "noprefixroute", "home"],
        &["addr", "add", "2001:db8:8::1/64", "dev", "v0", "nodad", "mngtmpaddr", "metric", "9"],
        &["addr", "add", "2001:db8:9::1", "peer", "2001:db8:9::2", "dev", "v1", "nodad"],
        &["addr", "add", "10.34.0.1/24", "dev", "v0", "valid_lft", "200", "preferred_lft", "100"],
        &["addr", "replace", "10.34.0.1/24", "dev", "v0", "valid_lft", "forever"],
        &["addr", "replace", "10.35.0.1/24", "dev", "v0", "metric", "5"],
        &[
            "addr",
            "change",
            "2001:db8:7::1/64",
            "dev",
            "v0",
            "valid_lft",
            "300",
            "preferred_lft",
            "200",
        ],
        &["addr", "del", "10.33.0.1/24", "dev", "v0", "label", "v0:x"],
        &["addr", "del", "2001:db8:8::1/64", "dev", "v0", "mngtmpaddr"],
        &["addr", "del", "10.30.0.1", "peer", "10.30.0.2", "dev", "v1"],
    ];
    for step in steps {
        by_ip.ip(step);
        by_nlkit.nlkit_ok(step);
        assert_twins_alike(&by_ip, &by_nlkit, &format!("after {step:?}"));
    }
    // Abbreviated, and the wildcard deletion of IPv4 without a length.
    by_nlkit.nlkit_ok(&["a", "a", "10.36.0.1/24", "dev", "v0"]);
    let out = by_nlkit.nlkit(&["a", "d", "10.36.0.1", "dev", "v0"]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("Warning: Executing wildcard deletion")
    );
    assert_twins_alike(&by_ip, &by_nlkit, "after a wildcard deletion");
    let v0 = json_array(&by_nlkit.ip(&["-j", "addr", "show", "dev", "v0"]));
    let info = v0[0]["addr_info"].as_array().unwrap();
    let find = |local: &str| info.iter().find(|a| a["local"] == local).unwrap().clone();
    assert_eq!(find("10.37.0.2")["broadcast"], "10.37.0.0");
    assert_eq!(find("10.37.0.2")["metric"], 50);
    assert_eq!(find("10.34.0.1")["valid_life_time"], 4294967295u32);
    assert_eq!(find("2001:db8:7::1")["valid_life_time"], 300);
    assert_eq!(find("2001:db8:7::1").get("nodad"), None, "change replaces the flags");
}

#[test]
fn flush_deletes_what_show_selects_in_rounds_as_ip_does() {
    let (by_ip, by_nlkit) = twins("addrflush");
    for ns in [&by_ip, &by_nlkit] {
        for a in ["10.0.0.1/24", "10.0.0.2/24", "10.0.0.3/24", "10.1.0.1/16"] {
            ns.ip(&["addr", "add", a, "dev", "v0"]);
        }
        ns.ip(&["addr", "add", "10.2.0.1/24", "dev", "v1"]);
        ns.ip(&["addr", "add", "2001:db8::1/64", "dev", "v0", "nodad"]);
    }
    let steps: [&[&str]; 5] = [
        &["-s", "addr", "flush", "dev", "v0", "secondary"],
        &["-s", "addr", "flush", "dev", "v0", "label", "nomatch*"],
        &["-s", "-4", "addr", "flush", "dev", "v0"],
        &["-6", "addr", "flush", "dev", "v0", "scope", "global"],
        &["-s", "addr", "flush", "to", "10.2.0.0/16"],
    ];
    for step in steps {
        let theirs = by_ip.ip(step);
        assert_eq!(by_nlkit.nlkit_ok(step), theirs, "{step:?}");
        assert_twins_alike(&by_ip, &by_nlkit, &format!("after {step:?}"));
    }
    let left = json_array(&by_nlkit.ip(&["-j", "addr", "show", "dev", "v0"]));
    let scopes: Vec<_> =
        left[0]["addr_info"].as_array().unwrap().iter().map(|a| a["scope"].clone()).collect();
    assert_eq!(scopes, ["link"], "only the link-local address is left on v0");
    assert!(json_array(&by_nlkit.ip(&["-j", "-4", "addr", "show"]))
        .iter()
        .all(|l| l["ifname"] == "lo"));
}

fn stderr_of(ns: &Ns, args: &[&str]) -> String {
    let out = ns.nlkit(args);
    assert_ne!(out.status.code(), Some(0), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn errors_are_clear_and_nonzero() {
    let ns = Ns::new("addrerr");
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    ns.ip(&["addr", "add", "10.0.0.1/24", "dev", "v0"]);
    let e = stderr_of(&ns, &["addr", "add", "10.0.0.1/24", "dev", "v0"]);
    assert!(e.starts_with("Error: ipv4: Address already assigned"), "{e}");
    let e = stderr_of(&ns, &["addr", "del", "10.0.0.9/24", "dev", "v0"]);
    assert!(e.starts_with("Error: ipv4: Address not found"), "{e}");
    let e = stderr_of(&ns, &["addr", "add", "10.0.0.1/33", "dev", "v0"]);
    assert_eq!(e, "Error: any valid prefix is expected rather than \"10.0.0.1/33\".\n");
    let e = stderr_of(&ns, &["addr", "add", "10.0.0.300/24", "dev", "v0"]);
    assert!(e.contains("rather than \"10.0.0.300/24\""), "{e}");
    let e = stderr_of(&ns, &["addr", "add", "10.0.0.5/24", "dev", "nosuch"]);
    assert_eq!(e, "Cannot find device \"nosuch\"\n");
    let e = stderr_of(&ns, &["addr", "add", "10.0.0.5/24"]);
    assert!(e.contains("\"dev\" argument is required"), "{e}");
    let e = stderr_of(&ns, &["addr", "show", "dev", "nosuch"]);
    assert_eq!(e, "Device \"nosuch\" does not exist.\n");
    let e = stderr_of(&ns, &["addr", "flush"]);
    assert_eq!(e, "Flush requires arguments.\n");
    let e = stderr_of(&ns, &["addr", "add", "2001:db8::1/64", "dev", "v0", "valid_lft", "0"]);
    assert!(e.contains("valid_lft is zero"), "{e}");
    let e = stderr_of(
        &ns,
        &["addr", "add", "2001:db8::1/64", "dev", "v0", "valid_lft", "5", "preferred_lft", "9"],
    );
    assert!(e.contains("preferred_lft is greater than valid_lft"), "{e}");
    let e = stderr_of(&ns, &["addr", "add", "2001:db8::1/64", "brd", "+", "dev", "v0"]);
    assert!(e.contains("Broadcast can be set only for IPv4 addresses"), "{e}");
    // `p` is `priority` (the metric), the first of ip's keywords it prefixes.
    ns.nlkit_ok(&["addr", "add", "10.0.0.7/24", "dev", "v0", "p", "5"]);
    assert!(ns.ip(&["addr", "show", "dev", "v0"]).contains("inet 10.0.0.7/24 metric 5 "));
    let e = stderr_of(&ns, &["addr", "frob"]);
    assert!(e.contains("Command \"frob\" is unknown, try \"nlkit address help\"."), "{e}");
    // A flag IPv4 cannot have is refused with ip's warning, the address added.
    let out = ns.nlkit(&["addr", "add", "10.0.0.8/24", "dev", "v0", "nodad"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Warning: nodad option can be set only for IPv6 addresses\n"
    );
}

/// `address save|restore` in iproute2's format: the same addresses as
/// `ip address save` (after the header), and dumps restore both ways.
#[test]
fn save_and_restore_interoperate_with_ip() {
    use std::process::{Command, Stdio};
    let twin = |tag: &str| {
        let ns = Ns::new(tag);
        ns.ip(&["link", "add", "d0", "type", "veth", "peer", "name", "d1"]);
        ns.ip(&["link", "set", "d0", "up"]);
        ns
    };
    let (src, ours, theirs) = (twin("addrsave"), twin("addrsaven"), twin("addrsavei"));
    src.ip(&["address", "add", "10.1.0.1/24", "dev", "d0"]);
    src.ip(&["address", "add", "10.2.0.1/24", "dev", "d1", "label", "d1:x"]);
    src.ip(&["address", "add", "2001:db8::1/64", "dev", "d0", "nodad"]);
    let save = |program: &str, args: &[&str]| {
        let program = if program == "nlkit" { env!("CARGO_BIN_EXE_nlkit") } else { program };
        let out = Command::new(program).args(["-n", &src.0]).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let payloads = |dump: &[u8]| {
        assert_eq!(&dump[..4], &0x4736_1222u32.to_ne_bytes());
        let (mut at, mut all) = (4, Vec::new());
        while at < dump.len() {
            let len = u32::from_ne_bytes(dump[at..at + 4].try_into().unwrap()) as usize;
            all.push(dump[at + 16..at + len].to_vec());
            at += len.next_multiple_of(4);
        }
        all
    };
    for args in [&["address", "save"][..], &["-4", "address", "save", "dev", "d0"]] {
        assert_eq!(payloads(&save("nlkit", args)), payloads(&save("ip", args)), "{args:?}");
    }
    let (mine, ips) = (save("nlkit", &["address", "save"]), save("ip", &["address", "save"]));
    let file = std::env::temp_dir().join(format!("nlkit-addr-save-{}", std::process::id()));
    std::fs::write(&file, &mine).unwrap();
    let restore = |program: &str, ns: &Ns, input: std::fs::File| {
        let program = if program == "nlkit" { env!("CARGO_BIN_EXE_nlkit") } else { program };
        let out = Command::new(program)
            .args(["-n", &ns.0, "address", "restore"])
            .stdin(Stdio::from(input))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    };
    // ip's dump restored by nlkit, nlkit's by ip (which wants a file).
    let ip_file = std::env::temp_dir().join(format!("nlkit-addr-save-ip-{}", std::process::id()));
    std::fs::write(&ip_file, &ips).unwrap();
    restore("nlkit", &ours, std::fs::File::open(&ip_file).unwrap());
    restore("ip", &theirs, std::fs::File::open(&file).unwrap());
    let _ = (std::fs::remove_file(&file), std::fs::remove_file(&ip_file));
    let show = ["-4", "address", "show"];
    assert_eq!(ours.ip(&show), src.ip(&show));
    assert_eq!(theirs.ip(&show), src.ip(&show));
}
