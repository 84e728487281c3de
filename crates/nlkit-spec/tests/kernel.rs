//! The spec path against the real kernel, in throwaway namespaces: dumps
//! through `rt_link`, `rt_addr`, `rt_route` (netlink-raw), `nlctrl` and
//! `netdev` (genetlink) agree with nlkit's typed modules attribute by
//! attribute; `do` adds an address that the typed dump then sees; a
//! multicast group delivers the notification of a new link; bad requests
//! fail before anything is sent, naming the attribute.

use nlkit::rtnl::link::LinkFilter;
use nlkit::{Conn, Netns, Protocol};
use nlkit_spec::client::Client;
use nlkit_spec::{Error, Spec};
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

struct Ns(String);

impl Ns {
    fn new(tag: &str) -> Ns {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("nlkit-spec-{tag}-{}-{n}", std::process::id());
        assert!(Command::new("ip").args(["netns", "add", &name]).status().unwrap().success());
        Ns(name)
    }

    fn ip(&self, args: &[&str]) {
        let ok = Command::new("ip").args(["-n", &self.0]).args(args).status().unwrap().success();
        assert!(ok, "ip {args:?}");
    }
}

impl Drop for Ns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

fn spec(path: &str) -> Spec {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../specs/ynl").join(path);
    Spec::load(&p).unwrap_or_else(|e| panic!("{e}"))
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

fn populated() -> Ns {
    let ns = Ns::new("kernel");
    ns.ip(&["link", "set", "lo", "up"]);
    ns.ip(&["link", "add", "s0", "type", "veth", "peer", "name", "s1"]);
    ns.ip(&["link", "add", "sbr", "type", "bridge"]);
    ns.ip(&["link", "set", "s1", "master", "sbr", "mtu", "1400"]);
    ns.ip(&["link", "set", "s0", "up", "address", "02:00:00:00:00:5a"]);
    ns.ip(&["address", "add", "10.77.0.1/24", "dev", "s0"]);
    ns.ip(&["route", "add", "10.78.0.0/16", "via", "10.77.0.2", "table", "main"]);
    ns
}

#[test]
fn rt_link_dump_agrees_with_the_typed_module() {
    let ns = populated();
    let spec = spec("6.12/rt_link.yaml");
    let mut client = Client::open_in(&spec, Some(&ns.0)).unwrap();
    let via_spec = client.dump("getlink", &Map::new()).unwrap();
    // The text written straight from the walk is the same JSON.
    let mut texts = Vec::new();
    client.dump_replies("getlink", &Map::new(), |r| texts.push(r.to_text())).unwrap();
    let parsed: Vec<Value> = texts.iter().map(|t| serde_json::from_str(t).unwrap()).collect();
    assert_eq!(parsed, via_spec);
    let mut conn = Conn::open_in(Netns::Name(&ns.0), Protocol::ROUTE).unwrap();
    let mut typed = Vec::new();
    conn.link_dump(&LinkFilter::default(), |l| {
        let mac =
            l.address.map(|a| a.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"));
        typed.push(
            json!({"ifi-index": l.index(), "ifname": l.name, "mtu": l.mtu, "txqlen": l.txqlen,
                          "master": l.master, "address": mac}),
        );
        Ok(())
    })
    .unwrap();
    assert_eq!(via_spec.len(), typed.len());
    assert!(typed.len() >= 4);
    for (s, t) in via_spec.iter().zip(&typed) {
        for key in ["ifi-index", "ifname", "mtu", "txqlen", "master", "address"] {
            assert_eq!(s.get(key).unwrap_or(&Value::Null), &t[key], "{key}: {s}");
        }
        // Every attribute is shown: named, or kept as unknown-N.
        assert!(s["linkinfo"].is_object() || s["ifname"] == "lo", "{s}");
    }
    let s1 = via_spec.iter().find(|l| l["ifname"] == "s1").unwrap();
    assert_eq!(s1["linkinfo"]["kind"], "veth");
    assert_eq!(s1["linkinfo"]["slave-kind"], "bridge");
    assert_eq!(s1["mtu"], 1400);
}

#[test]
fn rt_addr_and_rt_route_agree_with_the_typed_modules() {
    let ns = populated();
    let addr_spec = spec("6.12/rt_addr.yaml");
    let mut client = Client::open_in(&addr_spec, Some(&ns.0)).unwrap();
    let addrs = client.dump("getaddr", &obj(json!({"ifa-family": 2}))).unwrap();
    let mut conn = Conn::open_in(Netns::Name(&ns.0), Protocol::ROUTE).unwrap();
    let mut typed = Vec::new();
    conn.addr_dump(2, 0, |a| {
        typed.push(json!({"ifa-index": a.index(), "ifa-prefixlen": a.prefixlen(),
                          "ifa-local": a.local_address().map(|l| l.to_string())}));
        Ok(())
    })
    .unwrap();
    assert_eq!(addrs.len(), typed.len());
    for (s, t) in addrs.iter().zip(&typed) {
        for key in ["ifa-index", "ifa-prefixlen", "ifa-local"] {
            assert_eq!(s[key], t[key], "{key}: {s}");
        }
    }
    let route_spec = spec("6.12/rt_route.yaml");
    let mut client = Client::open_in(&route_spec, Some(&ns.0)).unwrap();
    let routes = client.dump("getroute", &obj(json!({"rtm-family": 2}))).unwrap();
    let gw = routes.iter().find(|r| r["rta-dst"] == "10.78.0.0").expect("the route added");
    assert_eq!(gw["rta-gateway"], "10.77.0.2");
    assert_eq!(gw["rtm-dst-len"], 16);
    let mut count = 0;
    conn.route_dump(&nlkit::rtnl::route::RouteFilter { family: 2, ..Default::default() }, |_| {
        count += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(routes.len(), count);
}

#[test]
fn do_adds_what_the_typed_dump_then_sees() {
    let ns = populated();
    let s = spec("6.12/rt_addr.yaml");
    let mut client = Client::open_in(&s, Some(&ns.0)).unwrap();
    let index = client
        .dump("getaddr", &obj(json!({"ifa-family": 2})))
        .unwrap()
        .iter()
        .find(|a| a["ifa-label"] == "s0")
        .unwrap()["ifa-index"]
        .as_u64()
        .unwrap();
    let add = json!({"ifa-family": 2, "ifa-prefixlen": 24, "ifa-index": index,
                     "ifa-local": "10.79.0.1", "ifa-address": "10.79.0.1"});
    let flags = nlkit::wire::Flags::CREATE | nlkit::wire::Flags::EXCL;
    assert!(client.do_with("newaddr", &obj(add.clone()), flags).unwrap().is_empty());
    let again = client.do_with("newaddr", &obj(add), flags).unwrap_err();
    assert!(matches!(&again, Error::Netlink(e) if e.errno() == Some(libc::EEXIST)), "{again}");
    let mut conn = Conn::open_in(Netns::Name(&ns.0), Protocol::ROUTE).unwrap();
    let mut seen = false;
    conn.addr_dump(2, 0, |a| {
        seen |= a.local_address() == Some("10.79.0.1".parse().unwrap());
        Ok(())
    })
    .unwrap();
    assert!(seen);
}

#[test]
fn nlctrl_and_netdev_agree_with_the_typed_modules() {
    let ns = populated();
    let ctrl = spec("6.12/nlctrl.yaml");
    let mut client = Client::open_in(&ctrl, Some(&ns.0)).unwrap();
    let families = client.dump("getfamily", &Map::new()).unwrap();
    let mut conn = Conn::open_in(Netns::Name(&ns.0), Protocol::GENERIC).unwrap();
    let typed = conn.run(nlkit::genl::ctrl::families()).unwrap();
    assert_eq!(families.len(), typed.len());
    for (s, t) in families.iter().zip(&typed) {
        assert_eq!(s["family-name"], t.name.as_str());
        assert_eq!(s["family-id"], t.id);
        assert_eq!(s["version"], t.version);
        assert_eq!(s["maxattr"], t.maxattr);
        let ops: Vec<u64> = s["ops"]
            .as_array()
            .map_or(vec![], |o| o.iter().map(|x| x["id"].as_u64().unwrap()).collect());
        assert_eq!(ops, t.ops.iter().map(|o| u64::from(o.id)).collect::<Vec<_>>(), "{}", t.name);
    }
    let one = client.do_("getfamily", &obj(json!({"family-name": "nlctrl"}))).unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0]["family-id"], 16);

    let netdev = spec("6.12/netdev.yaml");
    let mut client = Client::open_in(&netdev, Some(&ns.0)).unwrap();
    let devs = client.dump("dev-get", &Map::new()).unwrap();
    let mut rt = Conn::open_in(Netns::Name(&ns.0), Protocol::ROUTE).unwrap();
    let mut indexes = Vec::new();
    rt.link_dump(&LinkFilter::default(), |l| {
        indexes.push(u64::from(l.index()));
        Ok(())
    })
    .unwrap();
    let mut got: Vec<u64> = devs.iter().map(|d| d["ifindex"].as_u64().unwrap()).collect();
    got.sort();
    indexes.sort();
    assert_eq!(got, indexes);
    assert!(devs.iter().all(|d| d["xdp-features"].is_array()), "flags by name: {devs:?}");
}

#[test]
fn groups_deliver_notifications() {
    let ns = populated();
    let s = spec("6.12/rt_link.yaml");
    let mut client = Client::open_in(&s, Some(&ns.0)).unwrap();
    let name = ns.0.clone();
    let maker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        let add = ["-n", &name, "link", "add", "late0", "type", "veth", "peer", "name", "late1"];
        assert!(Command::new("ip").args(add).status().unwrap().success());
    });
    let mut seen = Vec::new();
    let until = Instant::now() + Duration::from_secs(10);
    client
        .subscribe("rtnlgrp-link", None, Some(until), |m| {
            seen.push(m.value["ifname"].clone());
            !seen.contains(&json!("late1")) || !seen.contains(&json!("late0"))
        })
        .unwrap();
    maker.join().unwrap();
    assert!(seen.contains(&json!("late0")) && seen.contains(&json!("late1")), "{seen:?}");
    // A silent group ends at the deadline.
    let t = Instant::now();
    let n = client
        .subscribe("rtnlgrp-link", None, Some(Instant::now() + Duration::from_millis(200)), |_| {
            true
        })
        .unwrap();
    assert_eq!(n, 0);
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn bad_requests_fail_before_sending_naming_the_attribute() {
    let s = spec("6.12/rt_addr.yaml");
    let ns = Ns::new("badreq");
    let mut client = Client::open_in(&s, Some(&ns.0)).unwrap();
    let cases = [
        (json!({"ifa-family": 2, "nosuch": 1}), "nosuch"),
        (json!({"ifa-family": 300}), "ifa-family"),
        (json!({"ifa-family": 2, "ifa-local": "10.0.0.300"}), "ifa-local"),
        (json!({"ifa-family": 2, "ifa-label": 7}), "ifa-label"),
        (json!({"ifa-family": 2, "ifa-cacheinfo": {"bogus": 1}}), "ifa-cacheinfo.bogus"),
    ];
    for (req, path) in cases {
        match client.do_("newaddr", &obj(req.clone())) {
            Err(Error::Request(e)) => assert!(e.path.starts_with(path), "{req}: {e}"),
            other => panic!("{req}: {other:?}"),
        }
    }
    assert!(matches!(client.dump("nosuch", &Map::new()), Err(Error::Unknown { .. })));
    assert!(matches!(
        client.subscribe("nosuch", Some(1), None, |_| true),
        Err(Error::Unknown { .. })
    ));
}

#[test]
fn refusals_name_the_attribute_the_extended_ack_points_at() {
    let ns = populated();
    let netdev = spec("6.12/netdev.yaml");
    let mut client = Client::open_in(&netdev, Some(&ns.0)).unwrap();
    // The kernel's policy takes queue types 0 and 1 (the spec does not
    // say): the ACK's offset points at `type`.
    match client.do_("queue-get", &obj(json!({"ifindex": 1, "type": 7, "id": 0}))) {
        Err(Error::Rejected { error, located }) => {
            assert_eq!(error.errno(), Some(libc::ERANGE), "{error}");
            assert_eq!(located.at.as_deref(), Some("type"), "{located}");
        }
        other => panic!("{other:?}"),
    }
    // Without it, the ACK names the missing type.
    match client.do_("dev-get", &Map::new()) {
        Err(Error::Rejected { error, located }) => {
            assert_eq!(error.errno(), Some(libc::EINVAL), "{error}");
            assert_eq!(located.missing.as_deref(), Some("ifindex"), "{located}");
        }
        other => panic!("{other:?}"),
    }
    // A nest: rtnetlink's addresses refuse an over-long label by offset.
    let addr = spec("6.12/rt_addr.yaml");
    let mut client = Client::open_in(&addr, Some(&ns.0)).unwrap();
    let long = json!({"ifa-family": 2, "ifa-prefixlen": 24, "ifa-index": 1,
                      "ifa-local": "10.80.0.1", "ifa-label": "x".repeat(40)});
    match client.do_with("newaddr", &obj(long), nlkit::wire::Flags::CREATE) {
        Err(Error::Rejected { located, .. }) => {
            assert_eq!(located.at.as_deref(), Some("ifa-label"), "{located}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn requests_are_checked_against_the_kernels_policy_before_sending() {
    let ns = populated();
    let netdev = spec("6.12/netdev.yaml");
    let mut client = Client::open_in(&netdev, Some(&ns.0)).unwrap();
    client.set_check_policy(true);
    match client.do_("queue-get", &obj(json!({"ifindex": 1, "type": 7, "id": 0}))) {
        Err(Error::Request(e)) => {
            assert_eq!(e.path, "type");
            assert!(e.what.contains("7 is out of the kernel's range 0..=1"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    // What the policy allows goes through.
    assert_eq!(client.do_("dev-get", &obj(json!({"ifindex": 1}))).unwrap()[0]["ifindex"], 1);
    // nlctrl's getfamily takes a name of at most GENL_NAMSIZ - 1 bytes.
    let ctrl = spec("6.12/nlctrl.yaml");
    let mut client = Client::open_in(&ctrl, Some(&ns.0)).unwrap();
    client.set_check_policy(true);
    match client.do_("getfamily", &obj(json!({"family-name": "n".repeat(40)}))) {
        Err(Error::Request(e)) => {
            assert_eq!(e.path, "family-name");
            assert!(e.what.contains("the kernel takes at most"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

/// 10,000 requests to a generic netlink family on one client: the family
/// is looked up from the controller once.
#[test]
fn ten_thousand_requests_one_controller_lookup() {
    let ns = Ns::new("lookups");
    let ctrl = spec("6.12/nlctrl.yaml");
    let mut client = Client::open_in(&ctrl, Some(&ns.0)).unwrap();
    let ask = obj(json!({"family-name": "nlctrl"}));
    for _ in 0..10_000 {
        assert_eq!(client.do_("getfamily", &ask).unwrap()[0]["family-id"], 16);
    }
    assert_eq!(client.lookups(), 1);
}

/// nlctrl's policy dump through the spec path: its `nest-type-value`
/// attributes read level by level (`policy` is `[policy-id, attr-id]`,
/// `op-policy` `[op-id]`), and agree with the typed controller's policy,
/// attribute by attribute.
#[test]
fn policy_dump_reads_nest_type_values_as_the_typed_controller_does() {
    let ns = Ns::new("policy");
    let ctrl = spec("6.12/nlctrl.yaml");
    let mut client = Client::open_in(&ctrl, Some(&ns.0)).unwrap();
    let replies = client.dump("getpolicy", &obj(json!({"family-name": "nlctrl"}))).unwrap();
    let mut conn = Conn::open_in(Netns::Name(&ns.0), Protocol::GENERIC).unwrap();
    let typed = conn.run(nlkit::genl::ctrl::policy("nlctrl", None)).unwrap();
    let mut attrs = Vec::new();
    let mut ops = Vec::new();
    for r in &replies {
        for p in r["policy"].as_array().into_iter().flatten() {
            let num = |k: &str| p[k].as_u64().unwrap_or_else(|| panic!("{k} in {p}"));
            attrs.push((num("policy-id"), num("attr-id"), p["max-length"].as_u64()));
        }
        for o in r["op-policy"].as_array().into_iter().flatten() {
            ops.push((o["op-id"].as_u64().unwrap(), o["do"].as_u64(), o["dump"].as_u64()));
        }
    }
    let want: Vec<_> = typed
        .attrs
        .iter()
        .map(|a| (u64::from(a.policy), u64::from(a.attr), a.max_len.map(u64::from)))
        .collect();
    assert!(!want.is_empty());
    assert_eq!(attrs, want);
    let want: Vec<_> = typed
        .ops
        .iter()
        .map(|o| (u64::from(o.op), o.do_policy.map(u64::from), o.dump_policy.map(u64::from)))
        .collect();
    assert_eq!(ops, want);
}

/// Sub-messages are built by their selector: a bridge made with its
/// `linkinfo.data` (chosen by `kind`), and a port's `slave-data` (chosen
/// by `slave-kind`), seen by the typed link dump; a missing or unknown
/// selector is refused before sending, naming the attribute.
#[test]
fn sub_messages_are_built_by_their_selector() {
    let ns = Ns::new("submsg");
    let rt_link = spec("6.12/rt_link.yaml");
    let mut client = Client::open_in(&rt_link, Some(&ns.0)).unwrap();
    let bridge = json!({"ifname": "sm0",
        "linkinfo": {"kind": "bridge", "data": {"stp-state": 1, "priority": 4096}}});
    client
        .do_with("newlink", &obj(bridge), nlkit::wire::Flags::CREATE | nlkit::wire::Flags::EXCL)
        .unwrap();
    ns.ip(&["link", "add", "sm1", "type", "veth", "peer", "name", "sm2"]);
    ns.ip(&["link", "set", "sm1", "master", "sm0"]);
    let port = json!({"ifname": "sm1",
        "linkinfo": {"slave-kind": "bridge", "slave-data": {"cost": 7}}});
    client.do_("newlink", &obj(port)).unwrap();
    let links = client.dump("getlink", &Map::new()).unwrap();
    let by = |name: &str| links.iter().find(|l| l["ifname"] == name).unwrap().clone();
    assert_eq!(by("sm0")["linkinfo"]["data"]["priority"], 4096);
    assert_eq!(by("sm0")["linkinfo"]["data"]["stp-state"], 1);
    assert_eq!(by("sm1")["linkinfo"]["slave-data"]["cost"], 7);
    let mut conn = Conn::open_in(Netns::Name(&ns.0), Protocol::ROUTE).unwrap();
    let mut kinds = Vec::new();
    conn.link_dump(&LinkFilter::default(), |l| {
        kinds.push((l.name.unwrap_or_default().to_string(), l.kind().map(String::from)));
        Ok(())
    })
    .unwrap();
    assert!(kinds.contains(&("sm0".into(), Some("bridge".into()))), "{kinds:?}");

    for (bad, says) in [
        (json!({"ifname": "sm3", "linkinfo": {"data": {"stp-state": 1}}}), "needs \"kind\""),
        (json!({"ifname": "sm3", "linkinfo": {"kind": "nosuch", "data": {}}}), "no layout"),
        (json!({"ifname": "sm3", "linkinfo": {"kind": "bridge", "data": {"stp": 1}}}), "not an"),
    ] {
        let e = client.do_("newlink", &obj(bad)).unwrap_err().to_string();
        assert!(e.contains("linkinfo.data") && e.contains(says), "{e}");
    }
    let links = client.dump("getlink", &Map::new()).unwrap();
    assert!(!links.iter().any(|l| l["ifname"] == "sm3"));
}
