//! `nlkit spec` (any family by its YNL spec) end to end, in a throwaway
//! namespace: listing, validating, dumping (JSON lines equal to what the
//! library's value path gives), a `do` with flags, the kernel's refusal
//! reported as every command reports it, and bad requests refused before
//! sending with the attribute named.

mod common;

use common::Ns;
use serde_json::Value;

const SPECS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../specs/ynl/6.12");

fn spec(name: &str) -> String {
    format!("{SPECS}/{name}.yaml")
}

fn lines(text: &str) -> Vec<Value> {
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

#[test]
fn lists_validates_and_dumps() {
    let ns = Ns::new("spec");
    ns.ip(&["link", "set", "lo", "up"]);
    ns.ip(&["link", "add", "sp0", "type", "veth", "peer", "name", "sp1"]);
    let ops = ns.nlkit_ok(&["spec", "--spec", &spec("netdev"), "--list-ops"]);
    assert!(ops.contains("dev-get") && ops.contains("multicast groups: mgmt"), "{ops}");
    let attrs = ns.nlkit_ok(&["-j", "spec", "--spec", &spec("netdev"), "--list-attrs", "dev-get"]);
    let attrs: Value = serde_json::from_str(&attrs).unwrap();
    assert_eq!(attrs["do"]["request"][0]["name"], "ifindex");
    assert_eq!(attrs["do"]["reply"][1]["enum"], "xdp-act");
    let valid = ns.nlkit_ok(&["spec", "--spec", &spec("ethtool"), "--validate"]);
    assert!(valid.starts_with("ethtool: valid genetlink-legacy spec"), "{valid}");
    // The family by name, from nlkit's pinned specs.
    let links = lines(&ns.nlkit_ok(&["spec", "--family", "rt_link", "--dump", "getlink"]));
    let names: Vec<&str> = links.iter().filter_map(|l| l["ifname"].as_str()).collect();
    assert_eq!(names, ["lo", "sp1", "sp0"]);
    let devs = lines(&ns.nlkit_ok(&["spec", "--spec", &spec("netdev"), "--dump", "dev-get"]));
    assert_eq!(devs.len(), 3);
    let one = lines(&ns.nlkit_ok(&[
        "spec",
        "--spec",
        &spec("netdev"),
        "--do",
        "dev-get",
        "--json",
        r#"{"ifindex": 1}"#,
    ]));
    assert_eq!(one, [devs[0].clone()]);
    // Several do's in one datagram: each one's reply printed, in order.
    let (i1, i2) = (devs[1]["ifindex"].to_string(), devs[2]["ifindex"].to_string());
    let (get1, get2) = (format!(r#"{{"ifindex": {i1}}}"#), format!(r#"{{"ifindex": {i2}}}"#));
    let multi = ["spec", "--spec", &spec("netdev"), "--multi", "dev-get", &get2];
    let both = lines(&ns.nlkit_ok(&[&multi[..], &["--multi", "dev-get", &get1]].concat()));
    assert_eq!(both, [devs[2].clone(), devs[1].clone()]);
    let json: Value = serde_json::from_str(&ns.nlkit_ok(&[&["-j"], &multi[..]].concat())).unwrap();
    assert_eq!(json[0]["answer"], "ack");
    assert_eq!(json[0]["replies"], Value::Array(vec![devs[2].clone()]));
    // rt-addr's header and attributes share ifa-flags: one key, the
    // attribute's 32 bits.
    ns.ip(&["addr", "add", "10.6.0.1/24", "dev", "sp0"]);
    let text = ns.nlkit_ok(&["spec", "--spec", &spec("rt_addr"), "--dump", "getaddr"]);
    for line in text.lines() {
        assert_eq!(line.matches("\"ifa-flags\"").count(), 1, "{line}");
    }
    let addrs = lines(&text);
    let ours = addrs.iter().find(|a| a["ifa-address"] == "10.6.0.1").unwrap();
    assert_eq!(ours["ifa-flags"], serde_json::json!(["permanent"]), "{ours}");
    let pretty = ns.nlkit_ok(&["-p", "spec", "--spec", &spec("rt_addr"), "--dump", "getaddr"]);
    assert_eq!(pretty.matches("\"ifa-flags\"").count(), addrs.len(), "{pretty}");
    let pretty = ns.nlkit_ok(&["-p", "spec", "--spec", &spec("netdev"), "--dump", "dev-get"]);
    assert!(pretty.contains("\n  \"ifindex\": 1,"), "{pretty}");
}

#[test]
fn do_with_flags_and_errors() {
    let ns = Ns::new("specdo");
    ns.ip(&["link", "add", "sd0", "type", "veth", "peer", "name", "sd1"]);
    let index = ns.ip(&["-j", "link", "show", "sd0"]);
    let index: Value = serde_json::from_str(&index).unwrap();
    let index = index[0]["ifindex"].as_u64().unwrap();
    let add = format!(
        r#"{{"ifa-family": 2, "ifa-prefixlen": 24, "ifa-index": {index}, "ifa-local": "10.91.0.1"}}"#
    );
    let args = [
        "spec",
        "--spec",
        &spec("rt_addr"),
        "--do",
        "newaddr",
        "--json",
        &add,
        "--create",
        "--excl",
    ];
    assert_eq!(ns.nlkit_ok(&args), "");
    assert!(ns.ip(&["address", "show", "sd0"]).contains("10.91.0.1/24"));
    let again = ns.nlkit(&args);
    assert_eq!(again.status.code(), Some(2));
    // The kernel's extended-ACK text where it has one (6.18: "ipv4:
    // Address already assigned."), else the errno's.
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.starts_with("Error: ")
            && (err.contains("already assigned") || err.contains("File exists")),
        "{err}"
    );
    let bad = format!(
        r#"{{"ifa-family": 2, "ifa-prefixlen": 24, "ifa-index": {index}, "ifa-locl": "10.91.0.2"}}"#
    );
    let out = ns.nlkit(&["spec", "--spec", &spec("rt_addr"), "--do", "newaddr", "--json", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ifa-locl: not an attribute of addr-attrs"), "{err}");
    let out = ns.nlkit(&["spec", "--spec", &spec("rt_addr"), "--dump", "nosuch"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("rt-addr has no operation nosuch"));
    let out = ns.nlkit(&["spec", "--family", "nosuchfamily", "--list-ops"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no spec for family nosuchfamily"));
}

/// Requests are checked against the kernel's policy before sending; with
/// `--no-policy-check` the kernel refuses, and its extended ACK is shown
/// with the attribute's name.
#[test]
fn policy_checks_and_refusals_name_the_attribute() {
    let ns = Ns::new("specpol");
    let get = r#"{"ifindex": 1, "type": 7, "id": 0}"#;
    let args = ["spec", "--spec", &spec("netdev"), "--do", "queue-get", "--json", get];
    let out = ns.nlkit(&args);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("type: 7 is out of the kernel's range 0..=1"), "{err}");
    let out = ns.nlkit(&[&args[..], &["--no-policy-check"]].concat());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("Error: at type: "), "{err}");
    let out = ns.nlkit(&["spec", "--spec", &spec("netdev"), "--do", "dev-get"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("Error: missing ifindex: "), "{err}");
}

/// nftables through its spec: changes only as a batch, one datagram, all
/// or none. `--multi` wraps the operations in the spec's batch-begin and
/// batch-end (res-id 10, NFNL_SUBSYS_NFTABLES) unless given in the kernel
/// YNL CLI's form, begin and end written out.
#[test]
fn nftables_batches_apply_all_or_none() {
    let ns = Ns::new("nftb");
    let path = spec("nftables");
    let nft = |args: &[&str]| ns.nlkit(&[&["spec", "--spec", path.as_str()], args].concat());
    let table = r#"{"name": "nlk", "nfgen-family": 1}"#;
    let chain = |name: &str, table: &str| {
        format!(r#"{{"table": "{table}", "name": "{name}", "nfgen-family": 1}}"#)
    };
    let out =
        nft(&["-j", "--multi", "newtable", table, "--multi", "newchain", &chain("c1", "nlk")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let outcomes: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ops: Vec<&str> =
        outcomes.as_array().unwrap().iter().map(|o| o["op"].as_str().unwrap()).collect();
    assert_eq!(ops, ["batch-begin", "newtable", "newchain", "batch-end"]);
    assert_eq!(outcomes[0]["added"], true);
    assert_eq!(outcomes[1]["answer"], "ack");
    assert_eq!(outcomes[2]["answer"], "ack");
    let got = nft(&["--do", "getchain", "--json", &chain("c1", "nlk")]);
    let got: Value = serde_json::from_slice(&got.stdout).unwrap();
    assert_eq!((got["table"].as_str(), got["name"].as_str()), (Some("nlk"), Some("c1")));

    // One refused change: the batch is not applied (c2 is not made), the
    // error names the operation, its place and the attribute.
    let out = nft(&[
        "--multi",
        "newchain",
        &chain("c2", "nlk"),
        "--multi",
        "newchain",
        &chain("c3", "nosuch"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the batch was not applied: newchain (operation 2)"), "{err}");
    assert!(err.contains("(at table)"), "{err}");
    let got = nft(&["--do", "getchain", "--json", &chain("c2", "nlk")]);
    assert!(!got.status.success(), "c2 was made by a batch that failed");

    // The kernel's ynl form, begin and end given: sent as given.
    let begin = r#"{"res-id": 10}"#;
    let out = nft(&[
        "--multi",
        "batch-begin",
        begin,
        "--multi",
        "delchain",
        &chain("c1", "nlk"),
        "--multi",
        "deltable",
        table,
        "--multi",
        "batch-end",
        begin,
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let got = nft(&["--do", "gettable", "--json", table]);
    assert!(!got.status.success(), "the table outlived its deletion");
    // Bad input is refused before anything is sent.
    let out = nft(&["--multi", "newtable", r#"{"nme": "x"}"#]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("nme"), "{out:?}");
    let out = nft(&["--multi", "nosuch", "{}"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("nftables has no operation nosuch"));
}
