//! `nlkit ethtool` against ethtool 6.1 in a throwaway namespace: `-k`
//! (text and `--json`) and `-l` byte for byte on a veth and a bridge,
//! changes made with `-K` (kernel names and ethtool's legacy names) and
//! `-L` as ethtool then sees them, and refusals (`-g` on a veth, a count
//! over the maximum, an unknown feature, a missing device) in ethtool's
//! words. The default view, `-i` and `-S` (SIOCETHTOOL) byte for byte on
//! a veth, a tap and `lo`; `-a`/`-A` (a veth refuses them) and
//! `-c`/`-C` (a tap has `rx-frames`) with ethtool's text, refusals and
//! exit statuses; their JSON against the text. `-K` whose result differs
//! from the request: ethtool's `Actual changes:` and failure, byte for
//! byte.

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

/// `nlkit ethtool OURS...` and `ethtool THEIRS...`: the same stdout,
/// stderr and exit status.
fn same_as_ethtool(ns: &Ns, ours: &[&str], theirs: &[&str]) {
    let mut args = vec!["ethtool"];
    args.extend_from_slice(ours);
    let (a, b) = (ns.nlkit(&args), ethtool(ns, theirs));
    let text = |o: &[u8]| String::from_utf8_lossy(o).into_owned();
    assert_eq!(text(&a.stdout), text(&b.stdout), "stdout of {ours:?}");
    assert_eq!(text(&a.stderr), text(&b.stderr), "stderr of {ours:?}");
    assert_eq!(a.status.code(), b.status.code(), "status of {ours:?}");
}

fn json(ns: &Ns, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["-j", "ethtool"];
    all.extend_from_slice(args);
    serde_json::from_str(&ns.nlkit_ok(&all)).unwrap()
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

/// `-K` where the result is not what was asked: ethtool's `Actual
/// changes:` (features turned along, requests left undone) and its failure
/// when nothing was done. Twin namespaces, one per tool, go through the
/// same changes.
#[test]
fn partial_changes_are_reported_as_ethtool_reports_them() {
    let (ours, theirs) = (setup("ethkours"), setup("ethkthem"));
    for args in [
        &["rx-vlan-filter", "on"][..],
        &["tx-checksumming", "off"],
        &["tx-checksumming", "on"],
        &["gro", "off"],
        &["gro", "off"],
        &["lro", "on"],
        &[],
    ] {
        let mut nlkit = vec!["ethtool", "-K", "v0"];
        nlkit.extend_from_slice(args);
        let (a, b) = (ours.nlkit(&nlkit), ethtool(&theirs, &nlkit[1..]));
        let text = |o: &[u8]| String::from_utf8_lossy(o).into_owned();
        assert_eq!(text(&a.stdout), text(&b.stdout), "stdout of -K {args:?}");
        assert_eq!(text(&a.stderr), text(&b.stderr), "stderr of -K {args:?}");
        assert_eq!(a.status.code(), b.status.code(), "status of -K {args:?}");
    }
    let j = json(&ours, &["-K", "v0", "tx-checksumming", "off"]);
    let changes = j[0]["changes"].as_array().unwrap();
    let generic = changes.iter().find(|c| c["name"] == "tx-checksum-ip-generic").unwrap();
    assert_eq!((&generic["active"], &generic["requested"]), (&false.into(), &false.into()));
    let tso = changes.iter().find(|c| c["name"] == "tx-tcp-segmentation").unwrap();
    assert_eq!((&tso["active"], &tso["requested"]), (&false.into(), &serde_json::Value::Null));
    // A change done as asked says nothing, with -j too.
    assert_eq!(ours.nlkit_ok(&["-j", "ethtool", "-K", "v0", "gro", "on"]), "");
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

#[test]
fn default_view_driver_and_statistics_are_ethtools() {
    let ns = setup("ethgset");
    ns.ip(&["tuntap", "add", "t0", "mode", "tap"]);
    for dev in ["v0", "v1", "t0", "lo", "br0"] {
        same_as_ethtool(&ns, &[dev], &[dev]);
        same_as_ethtool(&ns, &["-i", dev], &["-i", dev]);
        same_as_ethtool(&ns, &["-S", dev], &["-S", dev]);
    }
    // JSON: the text's values.
    let text = ethtool_ok(&ns, &["v0"]);
    let v = json(&ns, &["v0"]);
    assert_eq!(v[0]["ifname"], "v0");
    let speed = v[0]["speed"].as_u64().unwrap();
    assert!(text.contains(&format!("\tSpeed: {speed}Mb/s\n")), "{text}");
    assert!(text.contains(&format!("\tDuplex: {}\n", v[0]["duplex"].as_str().unwrap())));
    assert!(text.contains(&format!("\tPort: {}\n", v[0]["port"].as_str().unwrap())));
    assert_eq!(v[0]["link-detected"], text.contains("Link detected: yes"));
    assert_eq!(v[0]["supported-link-modes"], serde_json::json!([]));
    let v = json(&ns, &["-i", "v0"]);
    assert_eq!(
        (v[0]["driver"].as_str(), v[0]["supports-statistics"].as_bool()),
        (Some("veth"), Some(true))
    );
    let text = ethtool_ok(&ns, &["-S", "v0"]);
    let v = json(&ns, &["-S", "v0"]);
    let stats = v[0]["statistics"].as_object().unwrap();
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(stats.len(), lines.len(), "{text}");
    for line in lines {
        let (name, value) = line.trim().split_once(": ").unwrap();
        assert_eq!(stats[name].as_u64(), Some(value.parse().unwrap()), "{name}");
    }
    let ifindex = ns.ip(&["-o", "link", "show", "v1"]);
    assert!(ifindex.starts_with(&format!("{}:", stats["peer_ifindex"])), "{ifindex}");
}

#[test]
fn pause_and_coalescing_are_ethtools() {
    let ns = setup("ethpause");
    ns.ip(&["tuntap", "add", "t0", "mode", "tap"]);
    // A veth has neither: ethtool's refusal and status (1, and 76 for -A).
    same_as_ethtool(&ns, &["-a", "v0"], &["-a", "v0"]);
    same_as_ethtool(&ns, &["-I", "-a", "v0"], &["-I", "-a", "v0"]);
    same_as_ethtool(&ns, &["-A", "v0", "rx", "on"], &["-A", "v0", "rx", "on"]);
    same_as_ethtool(&ns, &["-A", "v0"], &["-A", "v0"]);
    same_as_ethtool(&ns, &["--show-coalesce", "v0"], &["-c", "v0"]);
    same_as_ethtool(&ns, &["-C", "v0", "rx-usecs", "5"], &["-C", "v0", "rx-usecs", "5"]);
    // A tap has rx-frames: set it, ethtool sees it, and the JSON says it.
    same_as_ethtool(&ns, &["--show-coalesce", "t0"], &["-c", "t0"]);
    ns.nlkit_ok(&["ethtool", "-C", "t0", "rx-frames", "7"]);
    assert!(ethtool_ok(&ns, &["-c", "t0"]).contains("\nrx-frames: 7\n"));
    same_as_ethtool(&ns, &["--show-coalesce", "t0"], &["-c", "t0"]);
    let v = json(&ns, &["--show-coalesce", "t0"]);
    assert_eq!(
        (v[0]["rx-frames"].as_u64(), &v[0]["rx-usecs"]),
        (Some(7), &serde_json::Value::Null)
    );
    // What it has not: the kernel's words and ethtool's status.
    same_as_ethtool(&ns, &["-C", "t0", "rx-usecs", "7"], &["-C", "t0", "rx-usecs", "7"]);
    // Words refused before anything is sent.
    for args in [
        &["-A", "v0", "foo", "on"][..],
        &["-A", "v0", "rx"],
        &["-A", "v0", "rx", "yes"],
        &["-C", "t0", "foo", "1"],
        &["-C", "t0", "rx-usecs"],
        &["-C", "t0", "rx-usecs", "x"],
    ] {
        same_as_ethtool(&ns, args, args);
    }
}

#[test]
fn missing_devices_are_refused_as_ethtool_refuses_them() {
    let ns = setup("ethnodev");
    let long = "aaaaaaaaaaaaaaaaaaaa";
    for args in [
        &["nosuch"][..],
        &["-i", "nosuch"],
        &["-S", "nosuch"],
        &["-i", long],
        &["-S", long],
        &["-a", "nosuch"],
        &["-A", "nosuch", "rx", "on"],
        &["-C", "nosuch", "rx-usecs", "5"],
    ] {
        same_as_ethtool(&ns, args, args);
    }
    same_as_ethtool(&ns, &["--show-coalesce", "nosuch"], &["-c", "nosuch"]);
    // JSON: nothing on stdout, the same words on stderr.
    let out = ns.nlkit(&["-j", "ethtool", "-i", "nosuch"]);
    assert_eq!((out.status.code(), out.stdout.len()), (Some(71), 0));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Cannot get driver information: No such device\n"
    );
}
