//! `nlkit monitor file FILE` against `ip monitor file FILE`: events that
//! `rtmon` recorded in a namespace (links, a bridge port, addresses of both
//! families, routes, a neighbour, rules, netconf notices, time stamps),
//! then vlan links written by hand (this kernel has no 8021q module, so a
//! vlan can only be printed from bytes), each replayed by both in the
//! namespace, in text, with `-d`, `-s` and `label`. Broken files are
//! errors naming the byte.

mod common;

use common::Ns;
use nlkit::rtnl::uapi::*;
use nlkit::wire::{Flags, Header, MessageBuilder, MessageType};
use std::process::{Command, Stdio};
use std::time::Duration;

/// An `RTM_NEWLINK` for a vlan `name` (index `index`) on `parent`:
/// protocol `proto`, `flags`, and QoS maps.
fn vlan(index: i32, name: &str, parent: u32, id: u16, proto: u16, flags: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let header = Header {
        message_type: MessageType::Family(RTM_NEWLINK),
        flags: Flags::empty(),
        sequence: 0,
        port: 0,
    };
    let mut b = MessageBuilder::new(&mut bytes, header).unwrap();
    // ifinfomsg: AF_UNSPEC, ARPHRD_ETHER, index, IFF_UP|BROADCAST|RUNNING|MULTICAST|LOWER_UP.
    let mut ifi = vec![0u8, 0];
    ifi.extend_from_slice(&1u16.to_ne_bytes());
    ifi.extend_from_slice(&index.to_ne_bytes());
    ifi.extend_from_slice(&(0x1 | 0x2 | 0x40 | 0x1000 | 0x10000u32).to_ne_bytes());
    ifi.extend_from_slice(&0u32.to_ne_bytes());
    b.append(&ifi).unwrap();
    b.attr_str(IFLA_IFNAME, name).unwrap();
    b.attr_u32(IFLA_MTU, 1500).unwrap();
    b.attr_u32(IFLA_LINK, parent).unwrap();
    b.attr_u8(IFLA_OPERSTATE, 6).unwrap();
    b.attr(IFLA_ADDRESS, &[2, 0, 0, 0, 0, index as u8]).unwrap();
    b.attr(IFLA_BROADCAST, &[0xff; 6]).unwrap();
    let info = b.nest(IFLA_LINKINFO).unwrap();
    b.attr_str(IFLA_INFO_KIND, "vlan").unwrap();
    let data = b.nest(IFLA_INFO_DATA).unwrap();
    b.attr_u16(IFLA_VLAN_ID, id).unwrap();
    b.attr_be16(IFLA_VLAN_PROTOCOL, proto).unwrap();
    let mut pair = flags.to_ne_bytes().to_vec();
    pair.extend_from_slice(&u32::MAX.to_ne_bytes());
    b.attr(IFLA_VLAN_FLAGS, &pair).unwrap();
    for (kind, maps) in
        [(IFLA_VLAN_INGRESS_QOS, [(1u32, 2u32), (3, 4)]), (IFLA_VLAN_EGRESS_QOS, [(0, 5), (7, 7)])]
    {
        let qos = b.nest(kind).unwrap();
        for (from, to) in maps {
            let mut m = from.to_ne_bytes().to_vec();
            m.extend_from_slice(&to.to_ne_bytes());
            b.attr(IFLA_VLAN_QOS_MAPPING, &m).unwrap();
        }
        b.nest_end(qos).unwrap();
    }
    b.nest_end(data).unwrap();
    b.nest_end(info).unwrap();
    b.finish();
    bytes
}

/// What `ip -n NS monitor ARGS` and `nlkit -n NS monitor ARGS` print.
fn both(ns: &Ns, args: &[&str]) -> (String, String) {
    let ip = Command::new("ip").args(["netns", "exec", &ns.0, "ip"]).args(args).output().unwrap();
    assert!(ip.status.success(), "ip {args:?}: {}", String::from_utf8_lossy(&ip.stderr));
    let ours = ns.nlkit_ok(args);
    (String::from_utf8(ip.stdout).unwrap(), ours)
}

#[test]
fn replays_what_rtmon_recorded_as_ip_does() {
    let ns = Ns::new("monfile");
    ns.ip(&["link", "add", "z0", "type", "veth", "peer", "name", "z1"]);
    let path = std::env::temp_dir().join(format!("{}.rtmon", ns.0));
    let file = path.to_str().unwrap();
    let mut rtmon = Command::new("ip")
        .args(["netns", "exec", &ns.0, "rtmon", "file", file])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // rtmon writes its link dump first: wait for it.
    for _ in 0..100 {
        if std::fs::metadata(&path).is_ok_and(|m| m.len() > 0) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    let changes: [&[&str]; 11] = [
        &["link", "set", "lo", "up"],
        &["link", "add", "a0", "type", "veth", "peer", "name", "a1"],
        &["link", "add", "br9", "type", "bridge"],
        &["link", "set", "a1", "master", "br9"],
        &["address", "add", "10.5.0.1/24", "dev", "a0"],
        &["link", "set", "a0", "up"],
        &["-6", "address", "add", "2001:db8::1/64", "dev", "a0", "nodad"],
        &["route", "add", "10.6.0.0/16", "via", "10.5.0.2"],
        &["neigh", "add", "10.5.0.9", "lladdr", "02:00:00:00:00:09", "dev", "a0"],
        &["rule", "add", "from", "10.7.0.0/16", "table", "7", "pref", "100", "proto", "static"],
        &["address", "del", "10.5.0.1/24", "dev", "a0"],
    ];
    for c in changes {
        ns.ip(c);
    }
    std::thread::sleep(Duration::from_millis(300));
    let _ = rtmon.kill();
    let _ = rtmon.wait();
    // Two vlans on z0, as an 8021q kernel would announce them.
    let z0 = ns.ip(&["-o", "link", "show", "z0"]);
    let z0: u32 = z0.split(':').next().unwrap().parse().unwrap();
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(vlan(77, "vl7", z0, 7, 0x8100, 0x1));
    bytes.extend(vlan(78, "vl8", z0, 8, 0x88a8, 0x1 | 0x2 | 0x4 | 0x8 | 0x10));
    std::fs::write(&path, &bytes).unwrap();

    for args in [
        &["monitor", "file", file][..],
        &["-d", "monitor", "file", file],
        &["-s", "monitor", "file", file],
        &["monitor", "file", file, "label"],
    ] {
        let (ip, ours) = both(&ns, args);
        assert_eq!(ours, ip, "{args:?}");
    }
    let (ip, _) = both(&ns, &["-d", "monitor", "file", file, "label"]);
    for part in [
        "Timestamp: ",
        "[LINK]",
        "[ADDR]",
        "[ROUTE]",
        "[NEIGH]",
        "[RULE]",
        "[NETCONF]",
        "master br9",
        "proto static",
        "vlan protocol 802.1Q id 7 <REORDER_HDR>",
        "vlan protocol 802.1ad id 8",
        "ingress-qos-map { 1:2 3:4 }",
        "egress-qos-map { 0:5 7:7 }",
        "vl7@z0",
    ] {
        assert!(ip.contains(part), "the file lacks {part:?}:\n{ip}");
    }
    // -j: one object per event, each with its object and event.
    let json = ns.nlkit_ok(&["-j", "monitor", "file", file]);
    let objects: Vec<serde_json::Value> =
        json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(objects.len() > 20, "{json}");
    assert!(objects.iter().all(|o| o["object"].is_string() && o["event"].is_string()));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn broken_files_are_errors_naming_the_byte() {
    let ns = Ns::new("monfilebad");
    let path = std::env::temp_dir().join(format!("{}.bad", ns.0));
    let file = path.to_str().unwrap();
    let good = vlan(77, "vl7", 1, 7, 0x8100, 1);
    let cases: [(Vec<u8>, &str); 3] = [
        ([&good[..], &good[..20]].concat(), "truncated message at byte"),
        ([&good[..], &8u32.to_ne_bytes()[..], &[0; 12][..]].concat(), "malformed message: len=8"),
        ([&good[..], &20_000u32.to_ne_bytes()[..], &[0; 12][..]].concat(), "len=20000"),
    ];
    for (bytes, said) in cases {
        std::fs::write(&path, &bytes).unwrap();
        let out = ns.nlkit(&["monitor", "file", file]);
        assert_eq!(out.status.code(), Some(1), "{said}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(said), "{said}: {stderr}");
        assert!(stderr.contains(&format!("byte {}", good.len())), "{stderr}");
        // What came before the break was printed.
        assert!(String::from_utf8_lossy(&out.stdout).contains("vl7"));
    }
    let _ = std::fs::remove_file(&path);
}
