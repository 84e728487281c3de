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
