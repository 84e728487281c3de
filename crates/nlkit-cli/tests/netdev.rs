//! `nlkit netdev show` against the real kernel (6.3+), in a throwaway
//! namespace: every device rtnetlink lists is there, with its XDP
//! features by the spec's names (veth's include `basic`; lo has none).

mod common;

use common::Ns;

#[test]
fn every_device_with_its_xdp_features() {
    let ns = Ns::new("netdev");
    ns.ip(&["link", "add", "n0", "type", "veth", "peer", "name", "n1"]);
    let links: serde_json::Value = serde_json::from_str(&ns.ip(&["-j", "link", "show"])).unwrap();
    let mut want: Vec<u64> =
        links.as_array().unwrap().iter().map(|l| l["ifindex"].as_u64().unwrap()).collect();
    want.sort_unstable();
    let devs: serde_json::Value =
        serde_json::from_str(&ns.nlkit_ok(&["-j", "netdev", "show"])).unwrap();
    let mut got: Vec<u64> =
        devs.as_array().unwrap().iter().map(|d| d["ifindex"].as_u64().unwrap()).collect();
    got.sort_unstable();
    assert_eq!(got, want, "the same devices as ip link");
    let by_name =
        |n: &str| devs.as_array().unwrap().iter().find(|d| d["ifname"] == n).unwrap().clone();
    let veth = by_name("n0");
    let features: Vec<&str> =
        veth["xdp-features"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(features.contains(&"basic"), "{features:?}");
    assert_eq!(by_name("lo")["xdp-features"], serde_json::json!([]));
    let text = ns.nlkit_ok(&["netdev", "show"]);
    assert!(text.lines().any(|l| l.contains(": n0 xdp-features basic")), "{text}");
    assert!(text.lines().any(|l| l.contains(": lo xdp-features none")), "{text}");
}

/// `netdev queue` prints through the generic printer, from the generated
/// tables: one object per queue with the spec's names, as many as sysfs
/// lists for each device (a veth made with 2 rx and 3 tx queues).
#[test]
fn queues_print_from_the_tables_metadata() {
    let ns = Ns::new("netdevq");
    ns.ip(&[
        "link",
        "add",
        "q0",
        "numtxqueues",
        "3",
        "numrxqueues",
        "2",
        "type",
        "veth",
        "peer",
        "name",
        "q1",
    ]);
    // The kernel lists the queues of running devices only.
    ns.ip(&["link", "set", "q0", "up"]);
    ns.ip(&["link", "set", "q1", "up"]);
    let links: serde_json::Value =
        serde_json::from_str(&ns.ip(&["-j", "link", "show", "q0"])).unwrap();
    let index = links[0]["ifindex"].as_u64().unwrap();
    let queues: serde_json::Value =
        serde_json::from_str(&ns.nlkit_ok(&["-j", "netdev", "queue"])).unwrap();
    let mine: Vec<&serde_json::Value> =
        queues.as_array().unwrap().iter().filter(|q| q["ifindex"] == index).collect();
    // The queue type by the spec's name for it (`queue-type`: rx 0, tx 1).
    let count = |t: &str| mine.iter().filter(|q| q["type"] == t).count();
    assert_eq!((count("rx"), count("tx")), (2, 3), "{queues}");
    assert!(mine.iter().all(|q| q
        .as_object()
        .unwrap()
        .keys()
        .all(|k| ["id", "type", "ifindex", "napi-id"].contains(&k.as_str()))));
    let text = ns.nlkit_ok(&["netdev", "queue"]);
    assert!(text.lines().any(|l| l == format!("id 2 type tx ifindex {index}")), "{text}");
}

/// `netdev napi` names every attribute this kernel sends (the tables come
/// from the newest pinned spec: 6.18's threaded, defer-hard-irqs and
/// timeouts were `attr-N` with 6.12's): a veth's NAPI instance, made by
/// turning GRO on.
#[test]
fn napi_instances_print_with_every_attribute_named() {
    let ns = Ns::new("netdevnapi");
    ns.ip(&["link", "add", "n0", "type", "veth", "peer", "name", "n1"]);
    ns.ip(&["link", "set", "n0", "up"]);
    ns.ip(&["link", "set", "n1", "up"]);
    let gro = std::process::Command::new("ip")
        .args(["netns", "exec", &ns.0, "ethtool", "-K", "n0", "gro", "on"])
        .status()
        .unwrap();
    assert!(gro.success());
    let index = ns.ip(&["-j", "link", "show", "n0"]);
    let index = serde_json::from_str::<serde_json::Value>(&index).unwrap()[0]["ifindex"].clone();
    let text = ns.nlkit_ok(&["netdev", "napi"]);
    assert!(text.contains(&format!(" ifindex {index}")), "{text}");
    assert!(!text.contains("attr-"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&ns.nlkit_ok(&["-j", "netdev", "napi"])).unwrap();
    assert_eq!(json[0]["ifindex"], index, "{json}");
    assert!(json[0]["id"].as_u64().is_some(), "{json}");
}
