//! Neighbours against the real kernel, each test in throwaway namespaces,
//! checked against what `ip -j neigh show` prints for the same entries.

mod common;

use common::TestNs;
use nlkit::rtnl::names::{neigh_flags, neigh_states};
use nlkit::rtnl::neigh::{NeighFilter, NeighHeader, NeighSpec, Neighbour};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::View;
use nlkit::rtnl::{AF_INET, AF_INET6, AF_UNSPEC};
use nlkit::{Conn, Error, Protocol};
use std::net::IpAddr;
use std::time::{Duration, Instant};

const MAC_10: [u8; 6] = [2, 0, 0, 0, 0, 0x10];
const MAC_11: [u8; 6] = [2, 0, 0, 0, 0, 0x11];

/// A namespace with veth `va` (192.0.2.1/24, 2001:db8::1/64) facing `vb`,
/// both up; returns it, a connection into it and `va`'s ifindex.
fn setup(tag: &str) -> (TestNs, Conn, i32) {
    let ns = TestNs::new(tag);
    ns.exec(&["ip", "link", "add", "va", "type", "veth", "peer", "name", "vb"]);
    ns.exec(&["ip", "addr", "add", "192.0.2.1/24", "dev", "va"]);
    ns.exec(&["ip", "addr", "add", "2001:db8::1/64", "dev", "va", "nodad"]);
    for dev in ["va", "vb"] {
        ns.exec(&["ip", "link", "set", dev, "up"]);
    }
    let conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let a = ifindex(&ns, "va");
    (ns, conn, a)
}

fn ifindex(ns: &TestNs, dev: &str) -> i32 {
    let json = common::output(&["ip", "-n", &ns.name, "-j", "link", "show", "dev", dev]);
    let at = json.find("\"ifindex\":").expect("ifindex") + "\"ifindex\":".len();
    json[at..].split(|c: char| !c.is_ascii_digit()).next().unwrap().parse().unwrap()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn spec(ifindex: i32, dst: &str, lladdr: &[u8]) -> NeighSpec {
    NeighSpec { lladdr: Some(lladdr.to_vec()), ..NeighSpec::new(ifindex, ip(dst)) }
}

/// The object `ip -j neigh show` prints for an entry, built from nlkit's
/// view and names: dst, dev (which `ip` leaves out when the listing is for
/// one device), lladdr, flags, state.
fn ip_json(n: &Neighbour<'_>, dev: Option<&str>) -> String {
    let mut out = format!("{{\"dst\":\"{}\"", n.dst.unwrap());
    if let Some(dev) = dev {
        out += &format!(",\"dev\":\"{dev}\"");
    }
    if let Some(ll) = n.lladdr {
        let hex: Vec<_> = ll.iter().map(|b| format!("{b:02x}")).collect();
        out += &format!(",\"lladdr\":\"{}\"", hex.join(":"));
    }
    for flag in neigh_flags(n.flags(), n.flags_ext.unwrap_or(0)) {
        out += &format!(",\"{flag}\":null");
    }
    if n.state() != NUD_NONE {
        let states: Vec<_> = neigh_states(n.state()).map(|s| format!("\"{s}\"")).collect();
        out += &format!(",\"state\":[{}]", states.join(","));
    }
    out + "}"
}

/// What `ip -j neigh show` lists, from an nlkit dump: `ip` hides entries
/// that are only `NOARP` or have no state, unless proxy or externally learned.
fn dump_as_ip(conn: &mut Conn, filter: &NeighFilter, dev: Option<&str>) -> String {
    let mut objects = Vec::new();
    conn.neigh_dump(AF_UNSPEC, filter, |n| {
        let shown = n.state() & !NUD_NOARP != 0 || n.is_proxy();
        if shown {
            objects.push(ip_json(n, dev));
        }
        Ok(())
    })
    .unwrap();
    format!("[{}]", objects.join(","))
}

fn ip_neigh(ns: &TestNs, args: &[&str]) -> String {
    let mut cmd = vec!["ip", "-n", &ns.name, "-j", "neigh", "show"];
    cmd.extend_from_slice(args);
    common::output(&cmd).trim().to_owned()
}

fn is_errno(e: &Error, errno: i32) -> bool {
    matches!(e, Error::Kernel(k) if k.errno == errno)
}

#[test]
fn add_replace_get_and_delete() {
    let (ns, mut conn, a) = setup("neigh");
    conn.neigh_add(&spec(a, "192.0.2.10", &MAC_10)).unwrap();
    let router = NeighSpec { router: true, ..spec(a, "2001:db8::10", &MAC_11) };
    conn.neigh_add(&router).unwrap();
    let reachable = NeighSpec { state: NUD_REACHABLE, ..spec(a, "192.0.2.11", &MAC_11) };
    conn.neigh_add(&reachable).unwrap();
    let stale = NeighSpec { state: NUD_STALE, ..spec(a, "2001:db8::11", &MAC_11) };
    conn.neigh_add(&stale).unwrap();

    let ours = dump_as_ip(&mut conn, &NeighFilter::default(), Some("va"));
    assert_eq!(ours, ip_neigh(&ns, &[]));
    assert!(ours.contains(r#"{"dst":"2001:db8::10","dev":"va","lladdr":"02:00:00:00:00:11","router":null,"state":["PERMANENT"]}"#), "{ours}");
    assert!(
        ours.contains(
            r#""dst":"192.0.2.11","dev":"va","lladdr":"02:00:00:00:00:11","state":["REACHABLE"]"#
        ),
        "{ours}"
    );
    assert!(
        ours.contains(
            r#""dst":"2001:db8::11","dev":"va","lladdr":"02:00:00:00:00:11","state":["STALE"]"#
        ),
        "{ours}"
    );

    let err = conn.neigh_add(&spec(a, "192.0.2.10", &MAC_11)).unwrap_err();
    assert!(is_errno(&err, libc::EEXIST), "{err:?}");
    conn.neigh_replace(&spec(a, "192.0.2.10", &MAC_11)).unwrap();
    let got = conn
        .neigh_get(a, &ip("192.0.2.10"), |n| {
            assert_eq!((n.ifindex(), n.family(), n.state()), (a, AF_INET, NUD_PERMANENT));
            assert!(n.cacheinfo.is_some());
            assert_eq!(n.unknown().count(), 0, "this kernel sends nothing nlkit does not read");
            Ok(n.lladdr.map(<[u8]>::to_vec))
        })
        .unwrap();
    assert_eq!(got, Some(MAC_11.to_vec()), "replaced");
    let shown = ip_neigh(&ns, &["192.0.2.10", "dev", "va"]);
    assert!(shown.contains("02:00:00:00:00:11"), "{shown}");
    let is_router = conn.neigh_get(a, &ip("2001:db8::10"), |n| Ok(n.is_router())).unwrap();
    assert!(is_router);

    conn.neigh_del(&NeighSpec::new(a, ip("192.0.2.10"))).unwrap();
    let err = conn.neigh_del(&NeighSpec::new(a, ip("192.0.2.10"))).unwrap_err();
    assert!(is_errno(&err, libc::ENOENT), "{err:?}");
    let err = conn.neigh_get(a, &ip("192.0.2.10"), |_| Ok(())).unwrap_err();
    assert!(is_errno(&err, libc::ENOENT), "{err:?}");
    assert_eq!(dump_as_ip(&mut conn, &NeighFilter::default(), Some("va")), ip_neigh(&ns, &[]));
}

#[test]
fn proxy_entries() {
    let (ns, mut conn, a) = setup("nproxy");
    let v4 = NeighSpec { proxy: true, ..NeighSpec::new(a, ip("192.0.2.20")) };
    let v6 = NeighSpec { proxy: true, ..NeighSpec::new(a, ip("2001:db8::20")) };
    conn.neigh_add(&v4).unwrap();
    conn.neigh_add(&v6).unwrap();
    ns.exec(&["ip", "neigh", "add", "proxy", "192.0.2.21", "dev", "va"]);

    let proxies = NeighFilter { proxy: true, ..Default::default() };
    let ours = dump_as_ip(&mut conn, &proxies, Some("va"));
    assert_eq!(ours, ip_neigh(&ns, &["proxy"]));
    assert!(ours.contains(r#"{"dst":"2001:db8::20","dev":"va","proxy":null}"#), "{ours}");
    assert_eq!(
        dump_as_ip(&mut conn, &NeighFilter::default(), Some("va")),
        "[]",
        "not in the cache"
    );

    let got = conn.neigh_get_proxy(a, &ip("192.0.2.21"), |n| Ok((n.is_proxy(), n.dst))).unwrap();
    assert_eq!(got, (true, Some(ip("192.0.2.21"))));
    conn.neigh_del(&v4).unwrap();
    let err = conn.neigh_del(&v4).unwrap_err();
    assert!(is_errno(&err, libc::ENOENT), "{err:?}");
    assert_eq!(dump_as_ip(&mut conn, &proxies, Some("va")), ip_neigh(&ns, &["proxy"]));
}

#[test]
fn dumps_filtered_by_device_and_master() {
    let (ns, mut conn, a) = setup("nfilter");
    ns.exec(&["ip", "link", "add", "vc", "type", "veth", "peer", "name", "vd"]);
    ns.exec(&["ip", "link", "add", "br0", "type", "bridge"]);
    ns.exec(&["ip", "link", "set", "vc", "master", "br0"]);
    for dev in ["vc", "vd", "br0"] {
        ns.exec(&["ip", "link", "set", dev, "up"]);
    }
    let (c, br) = (ifindex(&ns, "vc"), ifindex(&ns, "br0"));
    conn.neigh_add(&spec(a, "192.0.2.10", &MAC_10)).unwrap();
    conn.neigh_add(&spec(a, "2001:db8::10", &MAC_10)).unwrap();
    conn.neigh_add(&spec(c, "198.51.100.10", &MAC_11)).unwrap();

    let mut all = Vec::new();
    conn.neigh_dump(AF_INET, &NeighFilter::default(), |n| {
        all.push(n.ifindex());
        Ok(())
    })
    .unwrap();
    assert!(all.contains(&a) && all.contains(&c), "{all:?}");

    let only_a = NeighFilter { ifindex: Some(a as u32), ..Default::default() };
    let ours = dump_as_ip(&mut conn, &only_a, None);
    assert_eq!(ours, ip_neigh(&ns, &["dev", "va"]));
    assert!(ours.contains(r#"{"dst":"2001:db8::10","lladdr":"02:00:00:00:00:10","#), "{ours}");
    let mut seen = Vec::new();
    conn.neigh_dump(AF_UNSPEC, &only_a, |n| {
        seen.push((n.ifindex(), n.dst));
        Ok(())
    })
    .unwrap();
    assert!(seen.iter().all(|(i, _)| *i == a), "{seen:?}");
    assert!(seen.contains(&(a, Some(ip("2001:db8::10")))));

    // With strict checking (which Conn turns on) the device filter must be
    // an attribute: the kernel refuses a dump request with ndm_ifindex set.
    let in_header = NeighHeader { family: AF_INET, ifindex: a, ..Default::default() };
    let err = conn.dump(RTM_GETNEIGH, |b| b.append(&in_header.to_bytes()), |_| Ok(())).unwrap_err();
    assert!(is_errno(&err, libc::EINVAL), "{err:?}");

    let under_br = NeighFilter { master: Some(br as u32), ..Default::default() };
    let mut seen = Vec::new();
    conn.neigh_dump(AF_INET, &under_br, |n| {
        seen.push((n.ifindex(), n.dst));
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, [(c, Some(ip("198.51.100.10")))]);
}

/// Polls the entry until its state is `want`, for up to `limit`.
fn wait_state(conn: &mut Conn, ifindex: i32, dst: &IpAddr, want: u16, limit: Duration) -> u16 {
    let start = Instant::now();
    loop {
        let state = conn.neigh_get(ifindex, dst, |n| Ok(n.state())).unwrap_or(NUD_NONE);
        if state == want || start.elapsed() > limit {
            return state;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn resolution_makes_reachable_then_stale_entries() {
    let left = TestNs::new("nleft");
    let right = TestNs::new("nright");
    left.exec(&[
        "ip",
        "link",
        "add",
        "vl",
        "type",
        "veth",
        "peer",
        "name",
        "vr",
        "netns",
        &right.name,
    ]);
    left.exec(&["ip", "addr", "add", "192.0.2.1/24", "dev", "vl"]);
    left.exec(&["ip", "addr", "add", "2001:db8::1/64", "dev", "vl", "nodad"]);
    right.exec(&["ip", "addr", "add", "192.0.2.2/24", "dev", "vr"]);
    right.exec(&["ip", "addr", "add", "2001:db8::2/64", "dev", "vr", "nodad"]);
    right.exec(&["ip", "link", "set", "vr", "up"]);
    left.exec(&["ip", "link", "set", "vl", "up"]);
    // Entries go stale 0.5-1.5 s after confirmation instead of ~30 s, and
    // without a DELAY state first (which a recent use would bring).
    for proto in ["ipv4", "ipv6"] {
        let dir = format!("/proc/sys/net/{proto}/neigh/vl");
        let set = format!(
            "echo 1000 > {dir}/base_reachable_time_ms; echo 0 > {dir}/delay_first_probe_time"
        );
        left.exec(&["bash", "-c", &set]);
    }
    let mut conn = Conn::open_in(left.netns(), Protocol::ROUTE).unwrap();
    let l = ifindex(&left, "vl");
    for peer in ["192.0.2.2", "2001:db8::2"] {
        // One UDP datagram makes the kernel resolve the peer.
        let send = format!("echo x > /dev/udp/{peer}/9");
        left.exec(&["bash", "-c", &send]);
        let dst = ip(peer);
        let family = if dst.is_ipv4() { AF_INET } else { AF_INET6 };
        let state = wait_state(&mut conn, l, &dst, NUD_REACHABLE, Duration::from_secs(3));
        assert_eq!(state, NUD_REACHABLE, "{peer}");
        let (lladdr, fam) =
            conn.neigh_get(l, &dst, |n| Ok((n.lladdr.map(<[u8]>::to_vec), n.family()))).unwrap();
        assert_eq!((lladdr.map(|l| l.len()), fam), (Some(6), family));
        let state = wait_state(&mut conn, l, &dst, NUD_STALE, Duration::from_secs(5));
        assert_eq!(state, NUD_STALE, "{peer}");
    }
    let ours = dump_as_ip(&mut conn, &NeighFilter::default(), Some("vl"));
    assert_eq!(ours, ip_neigh(&left, &[]));
    assert!(
        ours.contains(r#""dst":"192.0.2.2","dev":"vl""#) && ours.contains(r#""state":["STALE"]"#),
        "{ours}"
    );
}
