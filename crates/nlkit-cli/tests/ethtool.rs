//! `nlkit ethtool` against ethtool 6.1 in a throwaway namespace: `-k`
//! (text and `--json`) and `-l` byte for byte on a veth and a bridge,
//! changes made with `-K` (kernel names and ethtool's legacy names) and
//! `-L` as ethtool then sees them, and refusals (`-g` on a veth, a count
//! over the maximum, an unknown feature, a missing device) in ethtool's
//! words.

mod common;

use common::Ns;
use std::process::Command;

fn ethtool(ns: &Ns, args: &[&str]) -> std::process::Output {
    Command::new("ip").args(["netns", "exec", &ns.0, "ethtool"]).args(args).output().unwrap()
}

fn ethtool_ok(ns: &Ns, args: &[&str]) -> String {
    let out = ethtool(ns, args);
    assert!(out.status.success(), "ethtool {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn ours_err(ns: &Ns, args: &[&str]) -> String {
    let out = ns.nlkit(args);
    assert_ne!(out.status.code(), Some(0), "{args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

fn setup(tag: &str) -> Ns {
    let ns = Ns::new(tag);
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    ns.ip(&["link", "add", "br0", "type", "bridge"]);
    ns.ip(&["link", "set", "v0", "up"]);
    ns
}

#[test]
fn shows_what_ethtool_shows() {
    let ns = setup("ethshow");
    for dev in ["v0", "v1", "br0", "lo"] {
        let ours = ns.nlkit_ok(&["ethtool", "-k", dev]);
        assert_eq!(ours, ethtool_ok(&ns, &["-k", dev]), "-k {dev}");
        let ours: serde_json::Value =
            serde_json::from_str(&ns.nlkit_ok(&["-j", "ethtool", "-k", dev])).unwrap();
        let theirs: serde_json::Value =
            serde_json::from_str(&ethtool_ok(&ns, &["--json", "-k", dev])).unwrap();
        assert_eq!(ours, theirs, "--json -k {dev}");
    }
    assert_eq!(ns.nlkit_ok(&["ethtool", "-l", "v0"]), ethtool_ok(&ns, &["-l", "v0"]));
    let l: serde_json::Value =
        serde_json::from_str(&ns.nlkit_ok(&["-j", "ethtool", "-l", "v0"])).unwrap();
    assert!(l[0]["rx-max"].as_u64().unwrap() >= 1 && l[0]["other-max"].is_null(), "{l}");
}

#[test]
fn changes_are_what_ethtool_then_sees() {
    let ns = setup("ethset");
    // A kernel name, then ethtool's legacy names (tso covers every
    // tx-tcp*-segmentation feature).
    ns.nlkit_ok(&["ethtool", "-K", "v0", "rx-gro", "on"]);
    ns.nlkit_ok(&["ethtool", "-K", "v0", "tso", "off", "sg", "off"]);
    let k = ethtool_ok(&ns, &["-k", "v0"]);
    assert!(k.contains("\ngeneric-receive-offload: on\n"), "{k}");
    assert!(k.contains("\ntcp-segmentation-offload: off\n"), "{k}");
    assert!(k.contains("\n\ttx-tcp6-segmentation: off\n"), "{k}");
    assert!(k.contains("\nscatter-gather: off\n"), "{k}");
    assert_eq!(ns.nlkit_ok(&["ethtool", "-k", "v0"]), k);
    let max = ethtool_ok(&ns, &["-l", "v0"]);
    let rx_max: u32 = max.lines().nth(2).unwrap().trim_start_matches("RX:").trim().parse().unwrap();
    ns.nlkit_ok(&["ethtool", "-L", "v0", "rx", &rx_max.to_string()]);
    let l = ethtool_ok(&ns, &["-l", "v0"]);
    assert_eq!(l.lines().nth(7).unwrap(), format!("RX:\t\t{rx_max}"), "{l}");
}

#[test]
fn refusals_are_ethtools() {
    let ns = setup("etherr");
    let same = |args: &[&str]| {
        let theirs = String::from_utf8(ethtool(&ns, args).stderr).unwrap();
        let mut ours = vec!["ethtool"];
        ours.extend_from_slice(args);
        assert_eq!(ours_err(&ns, &ours), theirs, "{args:?}");
    };
    same(&["-g", "v0"]);
    same(&["-L", "v0", "rx", "100000"]);
    same(&["-L", "v0", "foo", "1"]);
    same(&["-L", "v0", "rx"]);
    same(&["-k", "nosuch"]);
    same(&["-l", "nosuch"]);
}

#[test]
fn the_spec_path_agrees_with_the_typed_family() {
    let ns = setup("ethspec");
    let spec: serde_json::Value = serde_json::from_str(&ns.nlkit_ok(&[
        "spec",
        "--family",
        "ethtool",
        "--do",
        "channels-get",
        "--json",
        r#"{"header":{"dev-name":"v0"}}"#,
    ]))
    .unwrap();
    let typed: serde_json::Value =
        serde_json::from_str(&ns.nlkit_ok(&["-j", "ethtool", "-l", "v0"])).unwrap();
    for key in ["rx-max", "tx-max", "other-max", "combined-max"] {
        assert_eq!(spec.get(key).unwrap_or(&serde_json::Value::Null), &typed[0][key], "{key}");
    }
    for (spec_key, typed_key) in [("rx-count", "rx-count"), ("tx-count", "tx-count")] {
        assert_eq!(spec[spec_key], typed[0][typed_key], "{spec_key}");
    }
    assert_eq!(spec["header"]["dev-name"], "v0");
}
