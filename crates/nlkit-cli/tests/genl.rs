//! `nlkit genl` against iproute2's `genl ctrl` (6.1), run in a throwaway
//! namespace (the controller's answers are the same in every namespace).
//! genl has no JSON: the text is compared, and the JSON checked for shape.

mod common;

use common::Ns;
use std::process::Command;

fn genl(ns: &Ns, args: &[&str]) -> String {
    let out =
        Command::new("ip").args(["netns", "exec", &ns.0, "genl"]).args(args).output().unwrap();
    assert!(out.status.success(), "genl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The same text from both, allowing one retry: a module may register or
/// go away between the two dumps.
fn same(ns: &Ns, genl_args: &[&str], nlkit_args: &[&str]) {
    for attempt in 0..3 {
        let (want, got) = (genl(ns, genl_args), ns.nlkit_ok(nlkit_args));
        if want == got {
            assert!(!want.is_empty());
            return;
        }
        assert!(
            attempt < 2,
            "genl {genl_args:?} and nlkit {nlkit_args:?} differ:\n{want}\n---\n{got}"
        );
    }
}

#[test]
fn list_show_and_policy_print_what_genl_ctrl_prints() {
    let ns = Ns::new("genl");
    same(&ns, &["ctrl", "list"], &["genl", "list"]);
    same(&ns, &["ctrl", "get", "name", "nlctrl"], &["genl", "show", "nlctrl"]);
    same(&ns, &["ctrl", "policy", "name", "nlctrl"], &["genl", "policy", "nlctrl"]);
    // A family with many operations and nested policies, where the kernel has it.
    if genl(&ns, &["ctrl", "list"]).contains("Name: ethtool\n") {
        same(&ns, &["ctrl", "policy", "name", "ethtool"], &["genl", "policy", "ethtool"]);
    }
}

#[test]
fn json_has_every_family_with_its_operations_and_groups() {
    let ns = Ns::new("genl-json");
    let all: serde_json::Value =
        serde_json::from_str(&ns.nlkit_ok(&["-j", "genl", "list"])).unwrap();
    let text = genl(&ns, &["ctrl", "list"]);
    let families = all.as_array().unwrap();
    assert_eq!(families.len(), text.matches("\nName: ").count());
    let ctrl = families.iter().find(|f| f["name"] == "nlctrl").unwrap();
    assert_eq!(ctrl["id"], 16);
    assert_eq!(ctrl["ops"][0]["id"], 3);
    assert_eq!(ctrl["ops"][0]["flags"], serde_json::json!(["do", "dump", "has-policy"]));
    assert_eq!(ctrl["mcast_groups"][0], serde_json::json!({"name": "notify", "id": 16}));
    let policy: serde_json::Value =
        serde_json::from_str(&ns.nlkit_ok(&["-j", "genl", "policy", "nlctrl", "--op", "3"]))
            .unwrap();
    assert_eq!(policy["ops"], serde_json::json!([{"op": 3, "do": 0, "dump": 0}]));
    let name = policy["attrs"].as_array().unwrap().iter().find(|a| a["attr"] == 2).unwrap();
    assert_eq!(name["type"], "nul_string");
    assert_eq!(name["max_len"], 15);
    assert_eq!(name["name"], "family-name", "named from the nlctrl spec's table");
}

/// A nested policy's attributes are named from the set of the nest that
/// refers to it: netdev's `bind-rx` (6.12+) checks `queues`, a repeated
/// nest of `queue-id` (`id`, `type`).
#[test]
fn nested_policies_are_named_from_their_nest() {
    let ns = Ns::new("genl-nested");
    let out = ns.nlkit(&["-j", "genl", "policy", "netdev"]);
    if !out.status.success() {
        eprintln!("no netdev family on this kernel: skipped");
        return;
    }
    let policy: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let attrs = policy["attrs"].as_array().unwrap();
    let queues = attrs
        .iter()
        .find(|a| a["name"] == "queues" && a["nested_policy"].is_u64())
        .expect("bind-rx's queues nest");
    let inner: Vec<(&str, u64)> = attrs
        .iter()
        .filter(|a| a["policy"] == queues["nested_policy"])
        .map(|a| (a["name"].as_str().unwrap_or("?"), a["attr"].as_u64().unwrap()))
        .collect();
    assert!(inner.contains(&("id", 1)) && inner.contains(&("type", 3)), "{inner:?}");
}

#[test]
fn an_unknown_family_is_named_in_the_error() {
    let ns = Ns::new("genl-none");
    for args in [&["genl", "show", "no-such-family"][..], &["genl", "policy", "no-such-family"]] {
        let out = ns.nlkit(args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("\"no-such-family\" is not registered"), "{err}");
    }
    let out = ns.nlkit(&["genl", "policy", "nlctrl", "--op", "99999"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("\"nlctrl\" has no operation 99999"), "{err}");
}

/// A family with no spec, read by the kernel's own policy: `genl dump
/// nlctrl 3` (getfamily) gives every family's name and id as typed
/// attributes (`attr-2`, `attr-1`), the rest raw; a request the policy
/// refuses is refused before sending, naming the attribute and the range.
#[test]
fn any_family_dumps_by_its_policy() {
    let ns = Ns::new("genlpol");
    let lines: Vec<serde_json::Value> = ns
        .nlkit_ok(&["genl", "dump", "nlctrl", "3"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let list: serde_json::Value =
        serde_json::from_str(&ns.nlkit_ok(&["-j", "genl", "list"])).unwrap();
    let typed: Vec<(String, u64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f["id"].as_u64().unwrap()))
        .collect();
    let by_policy: Vec<(String, u64)> = lines
        .iter()
        .map(|l| (l["attr-2"].as_str().unwrap().to_string(), l["attr-1"].as_u64().unwrap()))
        .collect();
    assert_eq!(by_policy, typed);
    assert!(lines.iter().all(|l| l.as_object().unwrap().keys().any(|k| k.starts_with("unknown-"))));
    let one = ns.nlkit_ok(&["genl", "do", "nlctrl", "3", "--attrs", r#"{"attr-2": "nlctrl"}"#]);
    assert!(one.starts_with(r#"{"attr-2":"nlctrl","attr-1":16,"#), "{one}");
    let out = ns.nlkit(&["genl", "do", "netdev", "1", "--attrs", r#"{"attr-1": 0}"#]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("attr-1: 0 is out of the kernel's range 1..="), "{err}");
}
