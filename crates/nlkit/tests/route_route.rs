//! Routes against the real kernel, one throwaway namespace per test.

mod common;

use common::TestNs;
use nlkit::rtnl::addr::AddrSpec;
use nlkit::rtnl::route::nexthop::NexthopSpec;
use nlkit::rtnl::route::{
    Route, RouteDumpSummary, RouteFilter, RouteHeader, RouteQuery, RouteSpec,
};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::View;
use nlkit::rtnl::{AF_INET, AF_INET6, AF_UNSPEC};
use nlkit::{Conn, Error, Protocol};
use serde_json::Value;
use std::collections::HashMap;
use std::net::IpAddr;

/// A namespace with a veth pair up (veth0 192.0.2.1/24 and 2001:db8::1/64,
/// no link-local addresses), a connection in it, and veth0's index.
fn setup(tag: &str) -> (TestNs, Conn, u32) {
    let ns = TestNs::new(tag);
    ns.exec(&["ip", "link", "add", "veth0", "type", "veth", "peer", "name", "veth1"]);
    for dev in ["veth0", "veth1"] {
        ns.exec(&["ip", "link", "set", dev, "addrgenmode", "none"]);
        ns.exec(&["ip", "link", "set", dev, "up"]);
    }
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let veth0 = ifindexes(&ns)["veth0"];
    conn.addr_add(&AddrSpec::new(veth0, ip("192.0.2.1"), 24)).unwrap();
    let v6 = AddrSpec { flags: IFA_F_NODAD, ..AddrSpec::new(veth0, ip("2001:db8::1"), 64) };
    conn.addr_add(&v6).unwrap();
    (ns, conn, veth0)
}

fn ifindexes(ns: &TestNs) -> HashMap<String, u32> {
    let out = common::output(&["ip", "-n", &ns.name, "-j", "link", "show"]);
    let v: Value = serde_json::from_str(&out).unwrap();
    let links = v.as_array().unwrap().iter();
    links
        .map(|l| (l["ifname"].as_str().unwrap().into(), l["ifindex"].as_u64().unwrap() as u32))
        .collect()
}

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn prefix(s: &str) -> Option<(IpAddr, u8)> {
    let (a, len) = s.split_once('/').unwrap();
    Some((ip(a), len.parse().unwrap()))
}

/// What the tests compare of a route, owned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    family: u8,
    dst: String,
    table: u32,
    kind: u8,
    protocol: u8,
    scope: u8,
    gateway: Option<IpAddr>,
    oif: Option<u32>,
    priority: Option<u32>,
    prefsrc: Option<IpAddr>,
    /// (gateway, ifindex, weight) of each path.
    hops: Vec<(Option<IpAddr>, u32, u16)>,
    mtu: Option<u32>,
    pref: Option<u8>,
}

impl Seen {
    fn of(r: &Route<'_>) -> Seen {
        let full = if r.family() == AF_INET { 32 } else { 128 };
        let dst = match (r.dst, r.dst_len()) {
            (None, 0) => "default".to_owned(),
            (Some(d), l) if l == full => d.to_string(),
            (Some(d), l) => format!("{d}/{l}"),
            (None, l) => format!("?/{l}"),
        };
        let hops = r.multipath.map(|m| {
            m.iter().map(|n| (n.gateway_or_via(), n.ifindex as u32, n.weight())).collect()
        });
        Seen {
            family: r.family(),
            dst,
            table: r.table,
            kind: r.kind(),
            protocol: r.protocol(),
            scope: r.scope(),
            gateway: r.gateway_or_via(),
            oif: r.oif,
            priority: r.priority,
            prefsrc: r.prefsrc,
            hops: hops.unwrap_or_default(),
            mtu: r.mtu(),
            pref: r.pref,
        }
    }
}

fn dump(conn: &mut Conn, filter: &RouteFilter) -> Vec<Seen> {
    dump_summary(conn, filter).0
}

fn dump_summary(conn: &mut Conn, filter: &RouteFilter) -> (Vec<Seen>, RouteDumpSummary) {
    let mut seen = Vec::new();
    let sum = conn
        .route_dump(filter, |r| {
            assert_eq!(r.unknown().count(), 0, "this kernel sends nothing nlkit does not read");
            seen.push(Seen::of(r));
            Ok(())
        })
        .unwrap();
    (seen, sum)
}

fn find<'s>(seen: &'s [Seen], dst: &str) -> Vec<&'s Seen> {
    seen.iter().filter(|s| s.dst == dst).collect()
}

fn kernel_errno(e: &Error) -> (i32, Option<String>) {
    match e {
        Error::Kernel(k) => (k.errno, k.message.clone()),
        other => panic!("not a kernel error: {other:?}"),
    }
}

#[test]
fn routes_in_several_tables_and_filtered_dumps() {
    let (_ns, mut conn, veth0) = setup("rtables");
    let gw = Some(ip("192.0.2.254"));
    for (dst, table) in [("198.51.100.0/24", None), ("198.51.101.0/24", Some(100))] {
        conn.route_add(&RouteSpec { dst: prefix(dst), gateway: gw, table, ..Default::default() })
            .unwrap();
    }
    let on_link = RouteSpec {
        dst: prefix("198.51.102.0/24"),
        oif: Some(veth0),
        table: Some(100),
        ..Default::default()
    };
    conn.route_add(&on_link).unwrap();
    let big = RouteSpec {
        dst: prefix("198.51.103.0/24"),
        gateway: gw,
        table: Some(1000),
        priority: Some(5),
        ..Default::default()
    };
    conn.route_add(&big).unwrap();
    let v6 = RouteSpec {
        dst: prefix("2001:db8:3::/48"),
        gateway: Some(ip("2001:db8::2")),
        table: Some(1000),
        ..Default::default()
    };
    conn.route_add(&v6).unwrap();

    let t100 = RouteFilter { family: AF_INET, table: Some(100), ..Default::default() };
    let (n, sum) = dump_summary(&mut conn, &t100);
    assert_eq!((sum.received, sum.kernel_filtered, sum.delivered), (2, 2, 2), "{n:?}");
    assert!(n.iter().all(|s| s.table == 100));
    let link = find(&n, "198.51.102.0/24")[0];
    assert_eq!(
        (link.scope, link.oif, link.gateway, link.protocol),
        (RT_SCOPE_LINK, Some(veth0), None, RTPROT_BOOT)
    );
    let via = find(&n, "198.51.101.0/24")[0];
    assert_eq!((via.scope, via.oif, via.gateway), (RT_SCOPE_UNIVERSE, Some(veth0), gw));

    let t1000 = RouteFilter { table: Some(1000), ..Default::default() };
    let (mut seen, sum) = dump_summary(&mut conn, &t1000);
    assert_eq!(
        (sum.received, sum.kernel_filtered),
        (2, 2),
        "both families, only table 1000: {seen:?}"
    );
    seen.sort();
    assert_eq!((seen[0].dst.as_str(), seen[0].priority), ("198.51.103.0/24", Some(5)));
    assert_eq!(
        (seen[1].dst.as_str(), seen[1].gateway, seen[1].table),
        ("2001:db8:3::/48", v6.gateway, 1000)
    );

    // Unfiltered: every table. (IPv4 still marks the replies
    // NLM_F_DUMP_FILTERED: route exceptions, the cache, are left out unless
    // asked for with `cloned`.)
    let (all, sum) =
        dump_summary(&mut conn, &RouteFilter { family: AF_INET, ..Default::default() });
    assert_eq!((sum.received, sum.delivered), (all.len(), all.len()));
    let mut tables: Vec<_> = all.iter().map(|s| s.table).collect();
    tables.sort();
    tables.dedup();
    assert_eq!(tables, [100, RT_TABLE_MAIN, RT_TABLE_LOCAL, 1000]);

    // Protocol and type in the header, the interface in RTA_OIF.
    let kernel =
        RouteFilter { family: AF_INET, protocol: Some(RTPROT_KERNEL), ..Default::default() };
    let seen = dump(&mut conn, &kernel);
    assert!(!seen.is_empty() && seen.iter().all(|s| s.protocol == RTPROT_KERNEL), "{seen:?}");
    let local = RouteFilter { family: AF_INET, kind: Some(RTN_LOCAL), ..Default::default() };
    let seen = dump(&mut conn, &local);
    assert_eq!(seen.iter().map(|s| s.dst.as_str()).collect::<Vec<_>>(), ["192.0.2.1"]);
    let sum = conn.route_dump(&local, |_| Ok(())).unwrap();
    assert_eq!((sum.received, sum.kernel_filtered), (1, 1));
    let through = RouteFilter {
        family: AF_INET,
        oif: Some(veth0),
        table: Some(RT_TABLE_MAIN),
        ..Default::default()
    };
    let seen = dump(&mut conn, &through);
    let dsts: Vec<_> = seen.iter().map(|s| s.dst.as_str()).collect();
    assert_eq!(dsts, ["192.0.2.0/24", "198.51.100.0/24"]);
    // Scope is checked by nlkit: the kernel refuses it in a dump request.
    let host = RouteFilter { family: AF_INET, scope: Some(RT_SCOPE_HOST), ..Default::default() };
    assert!(dump(&mut conn, &host)
        .iter()
        .all(|s| s.scope == RT_SCOPE_HOST && s.table == RT_TABLE_LOCAL));
    let header = RouteHeader { family: AF_INET, scope: RT_SCOPE_HOST, ..Default::default() };
    let err = conn.dump(RTM_GETROUTE, |b| b.append(&header.to_bytes()), |_| Ok(())).unwrap_err();
    let (errno, msg) = kernel_errno(&err);
    assert_eq!(errno, libc::EINVAL);
    assert!(msg.is_some_and(|m| m.contains("Invalid values in header")), "{err}");

    // A table that does not exist: IPv4 says so.
    let none = RouteFilter { family: AF_INET, table: Some(5000), ..Default::default() };
    let (errno, msg) = kernel_errno(&conn.route_dump(&none, |_| Ok(())).unwrap_err());
    assert_eq!(errno, libc::ENOENT);
    assert!(msg.is_some_and(|m| m.contains("table does not exist")));

    conn.route_del(&big).unwrap();
    assert_eq!(dump(&mut conn, &t1000).len(), 1);
}

#[test]
fn multipath_and_reject_routes() {
    let (ns, mut conn, veth0) = setup("rmulti");
    let hop = |gw: &str, weight| NexthopSpec {
        gateway: Some(ip(gw)),
        oif: Some(veth0),
        weight,
        onlink: false,
    };
    let multi = RouteSpec {
        dst: prefix("203.0.113.0/24"),
        nexthops: vec![hop("192.0.2.2", 1), hop("192.0.2.3", 3)],
        table: Some(100),
        ..Default::default()
    };
    conn.route_add(&multi).unwrap();
    for (dst, kind) in [
        ("10.61.0.0/16", RTN_BLACKHOLE),
        ("10.62.0.0/16", RTN_UNREACHABLE),
        ("10.63.0.0/16", RTN_PROHIBIT),
    ] {
        conn.route_add(&RouteSpec {
            dst: prefix(dst),
            kind: Some(kind),
            table: Some(100),
            ..Default::default()
        })
        .unwrap();
    }
    let v6multi = RouteSpec {
        dst: prefix("2001:db8:60::/48"),
        nexthops: vec![hop("2001:db8::5", 2), hop("2001:db8::6", 5)],
        table: Some(100),
        ..Default::default()
    };
    conn.route_add(&v6multi).unwrap();

    let mut seen = dump(&mut conn, &RouteFilter { table: Some(100), ..Default::default() });
    seen.sort();
    let kinds: Vec<_> = seen.iter().map(|s| (s.dst.as_str(), s.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("10.61.0.0/16", RTN_BLACKHOLE),
            ("10.62.0.0/16", RTN_UNREACHABLE),
            ("10.63.0.0/16", RTN_PROHIBIT),
            ("203.0.113.0/24", RTN_UNICAST),
            ("2001:db8:60::/48", RTN_UNICAST),
        ]
    );
    let m = &seen[3];
    assert_eq!((m.gateway, m.oif), (None, None));
    assert_eq!(m.hops, [(Some(ip("192.0.2.2")), veth0, 1), (Some(ip("192.0.2.3")), veth0, 3)]);
    assert_eq!(
        seen[4].hops,
        [(Some(ip("2001:db8::5")), veth0, 2), (Some(ip("2001:db8::6")), veth0, 5)]
    );
    assert!(seen[..3].iter().all(|s| s.oif.is_none() && s.scope == RT_SCOPE_UNIVERSE));
    let text = common::output(&["ip", "-n", &ns.name, "route", "show", "table", "100"]);
    assert!(text.contains("nexthop via 192.0.2.3 dev veth0 weight 3"), "{text}");
    assert!(text.contains("prohibit 10.63.0.0/16"), "{text}");

    // An IPv6 gateway for an IPv4 route goes in RTA_VIA.
    let gw6 =
        RouteSpec { gateway: Some(ip("2001:db8::7")), oif: Some(veth0), ..Default::default() };
    conn.route_add(&RouteSpec { dst: prefix("10.64.0.0/16"), ..gw6 }).unwrap();
    let mut via = None;
    conn.route_dump(&RouteFilter { family: AF_INET, ..Default::default() }, |r| {
        if r.dst == Some(ip("10.64.0.0")) {
            via = Some((r.gateway, r.via.map(|v| v.family), r.gateway_or_via()));
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(via, Some((None, Some(AF_INET6 as u16), Some(ip("2001:db8::7")))));
    let text = common::output(&["ip", "-n", &ns.name, "route", "show", "10.64.0.0/16"]);
    assert!(text.contains("via inet6 2001:db8::7 dev veth0"), "{text}");
}

#[test]
fn ipv6_route_with_metrics() {
    let (ns, mut conn, veth0) = setup("rv6");
    let spec = RouteSpec {
        dst: prefix("2001:db8:1::/48"),
        gateway: Some(ip("2001:db8::2")),
        oif: Some(veth0),
        metrics: vec![(RTAX_MTU, 1400), (RTAX_ADVMSS, 1300)],
        pref: Some(ICMPV6_ROUTER_PREF_HIGH),
        priority: Some(300),
        ..Default::default()
    };
    conn.route_add(&spec).unwrap();
    let mut found = None;
    conn.route_dump(
        &RouteFilter { family: AF_INET6, table: Some(RT_TABLE_MAIN), ..Default::default() },
        |r| {
            if r.dst == Some(ip("2001:db8:1::")) {
                let m = r.metrics.unwrap();
                found = Some((
                    r.mtu(),
                    r.advmss(),
                    m.iter().count(),
                    r.pref,
                    r.priority,
                    r.gateway,
                    r.oif,
                ));
            }
            Ok(())
        },
    )
    .unwrap();
    let want = (
        Some(1400),
        Some(1300),
        2,
        Some(ICMPV6_ROUTER_PREF_HIGH),
        Some(300),
        spec.gateway,
        Some(veth0),
    );
    assert_eq!(found, Some(want));
    let text = common::output(&["ip", "-n", &ns.name, "-6", "route", "show", "2001:db8:1::/48"]);
    assert!(text.contains("metric 300 mtu 1400 advmss 1300 pref high"), "{text}");
}

#[test]
fn replace_append_and_delete() {
    let (_ns, mut conn, veth0) = setup("rrepl");
    let main = RouteFilter { table: Some(RT_TABLE_MAIN), ..Default::default() };
    let via = |gw: &str| RouteSpec {
        dst: prefix("10.50.0.0/24"),
        gateway: Some(ip(gw)),
        ..Default::default()
    };
    conn.route_add(&via("192.0.2.2")).unwrap();
    let (errno, _) = kernel_errno(&conn.route_add(&via("192.0.2.2")).unwrap_err());
    assert_eq!(errno, libc::EEXIST);
    conn.route_append(&via("192.0.2.3")).unwrap();
    let gws = |conn: &mut Conn| -> Vec<_> {
        find(&dump(conn, &main), "10.50.0.0/24").iter().map(|s| s.gateway).collect()
    };
    assert_eq!(gws(&mut conn), [Some(ip("192.0.2.2")), Some(ip("192.0.2.3"))], "appended after");
    conn.route_replace(&via("192.0.2.4")).unwrap();
    assert_eq!(
        gws(&mut conn),
        [Some(ip("192.0.2.4")), Some(ip("192.0.2.3"))],
        "the first one replaced"
    );
    conn.route_del(&via("192.0.2.3")).unwrap();
    assert_eq!(gws(&mut conn), [Some(ip("192.0.2.4"))]);
    conn.route_del(&RouteSpec { dst: prefix("10.50.0.0/24"), ..Default::default() }).unwrap();
    assert!(gws(&mut conn).is_empty());
    let (errno, _) = kernel_errno(&conn.route_del(&via("192.0.2.4")).unwrap_err());
    assert_eq!(errno, libc::ESRCH);

    // IPv6 appends a path to the route instead.
    let v6 = |gw: &str| RouteSpec {
        dst: prefix("2001:db8:50::/64"),
        gateway: Some(ip(gw)),
        oif: Some(veth0),
        ..Default::default()
    };
    conn.route_add(&v6("2001:db8::2")).unwrap();
    conn.route_append(&v6("2001:db8::3")).unwrap();
    let seen = dump(&mut conn, &main);
    let r = find(&seen, "2001:db8:50::/64");
    assert_eq!(r.len(), 1);
    let hops: Vec<_> = r[0].hops.iter().map(|h| h.0).collect();
    assert_eq!(hops, [Some(ip("2001:db8::2")), Some(ip("2001:db8::3"))]);
    conn.route_replace(&v6("2001:db8::4")).unwrap();
    let seen = dump(&mut conn, &main);
    let r = find(&seen, "2001:db8:50::/64");
    assert_eq!((r.len(), r[0].gateway, r[0].hops.len()), (1, Some(ip("2001:db8::4")), 0));
}

#[test]
fn lookups_like_ip_route_get() {
    let (_ns, mut conn, veth0) = setup("rget");
    let gw = Some(ip("192.0.2.254"));
    conn.route_add(&RouteSpec {
        dst: prefix("198.51.100.0/24"),
        gateway: gw,
        ..Default::default()
    })
    .unwrap();
    conn.route_add(&RouteSpec {
        dst: prefix("198.19.0.0/16"),
        kind: Some(RTN_UNREACHABLE),
        ..Default::default()
    })
    .unwrap();
    let q = RouteQuery::new(ip("198.51.100.7"));
    let got =
        conn.route_get(&q, |r| (r.dst, r.dst_len(), r.oif, r.gateway, r.prefsrc, r.table)).unwrap();
    assert_eq!(
        got,
        (Some(ip("198.51.100.7")), 32, Some(veth0), gw, Some(ip("192.0.2.1")), RT_TABLE_MAIN)
    );
    let fib = RouteQuery { fib_match: true, ..q };
    let got = conn.route_get(&fib, |r| (r.dst, r.dst_len(), r.protocol())).unwrap();
    assert_eq!(got, (Some(ip("198.51.100.0")), 24, RTPROT_BOOT), "the FIB entry itself");
    let q6 = RouteQuery::new(ip("2001:db8::99"));
    assert_eq!(conn.route_get(&q6, |r| (r.oif, r.gateway)).unwrap(), (Some(veth0), None));
    let err = conn.route_get(&RouteQuery::new(ip("198.19.1.1")), |_| ()).unwrap_err();
    assert_eq!(kernel_errno(&err).0, libc::EHOSTUNREACH);
}

#[test]
fn kernel_errors_carry_extended_ack() {
    let (_ns, mut conn, veth0) = setup("rerr");
    let bad_gw = RouteSpec {
        dst: prefix("10.1.0.0/16"),
        gateway: Some(ip("10.99.99.1")),
        ..Default::default()
    };
    let (errno, msg) = kernel_errno(&conn.route_add(&bad_gw).unwrap_err());
    assert_eq!(errno, libc::ENETUNREACH);
    assert_eq!(msg.as_deref(), Some("Nexthop has invalid gateway"));
    let no_dev =
        RouteSpec { dst: prefix("10.1.0.0/16"), oif: Some(veth0 + 100), ..Default::default() };
    let (errno, msg) = kernel_errno(&conn.route_add(&no_dev).unwrap_err());
    assert_eq!((errno, msg), (libc::ENODEV, None), "no text for a missing device");
    let bad_src = RouteSpec { prefsrc: Some(ip("10.9.9.9")), oif: Some(veth0), ..no_dev.clone() };
    let (errno, msg) = kernel_errno(&conn.route_add(&bad_src).unwrap_err());
    assert_eq!(errno, libc::EINVAL);
    assert!(msg.is_some_and(|m| m.contains("prefsrc")), "the kernel explains a bad prefsrc");
    // A gateway of a multipath route that is not reachable either.
    let hop =
        NexthopSpec { gateway: Some(ip("10.99.99.2")), oif: Some(veth0), ..Default::default() };
    let multi =
        RouteSpec { dst: prefix("10.2.0.0/16"), nexthops: vec![hop, hop], ..Default::default() };
    let (errno, msg) = kernel_errno(&conn.route_add(&multi).unwrap_err());
    assert!(errno == libc::ENETUNREACH || errno == libc::EINVAL, "{errno}");
    assert!(msg.is_some());
    // With onlink the kernel takes the gateway as given.
    let onlink = RouteSpec { oif: Some(veth0), onlink: true, ..bad_gw };
    conn.route_add(&onlink).unwrap();
}

fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn walk_many_routes_in_constant_memory() {
    const ROUTES: usize = 20_000;
    let (ns, mut conn, _) = setup("rmany");
    let path =
        std::env::temp_dir().join(format!("nlkit-routes-{}-{}.batch", std::process::id(), ns.name));
    let batch: String = (0..ROUTES)
        .map(|i| format!("route add 10.{}.{}.0/24 dev veth0\n", i / 256, i % 256))
        .collect();
    std::fs::write(&path, batch).unwrap();
    let out = std::process::Command::new("ip")
        .args(["-n", &ns.name, "-batch"])
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let main = RouteFilter { family: AF_INET, table: Some(RT_TABLE_MAIN), ..Default::default() };
    let before = vm_hwm_kib();
    let mut count = 0usize;
    let mut prefix_bits = 0u64;
    let sum = conn
        .route_dump(&main, |r| {
            count += 1;
            prefix_bits += r.dst_len() as u64;
            Ok(())
        })
        .unwrap();
    let growth = vm_hwm_kib().saturating_sub(before);
    eprintln!("VmHWM grew by {growth} KiB (from {before} KiB) streaming {count} routes");
    assert_eq!((sum.received, sum.kernel_filtered, sum.delivered), (count, count, count));
    let text = common::output(&["ip", "-n", &ns.name, "route", "show", "table", "main"]);
    assert_eq!(count, text.lines().count());
    assert_eq!(count, ROUTES + 1, "ours and the connected 192.0.2.0/24");
    assert_eq!(prefix_bits, 24 * count as u64);
    assert!(growth < 8 * 1024, "peak RSS grew by {growth} KiB while streaming {count} routes");
    // And a dump of every family and table still works at this size.
    let all = conn
        .route_dump(&RouteFilter { family: AF_UNSPEC, ..Default::default() }, |_| Ok(()))
        .unwrap();
    assert!(all.delivered > ROUTES);
}

fn name_of(kind: u8, names: &[(u8, &str)]) -> Option<String> {
    names.iter().find(|(k, _)| *k == kind).map(|(_, n)| (*n).to_owned())
}

/// A route as `ip -j route` prints it: the keys it prints, with defaults left out.
fn as_ip_prints(s: &Seen, names: &HashMap<u32, String>) -> Value {
    let mut m = serde_json::Map::new();
    let types = [
        (RTN_LOCAL, "local"),
        (RTN_BROADCAST, "broadcast"),
        (RTN_ANYCAST, "anycast"),
        (RTN_MULTICAST, "multicast"),
        (RTN_BLACKHOLE, "blackhole"),
        (RTN_UNREACHABLE, "unreachable"),
        (RTN_PROHIBIT, "prohibit"),
    ];
    if s.kind != RTN_UNICAST {
        m.insert("type".into(), name_of(s.kind, &types).unwrap_or(s.kind.to_string()).into());
    }
    m.insert("dst".into(), s.dst.clone().into());
    if let Some(g) = s.gateway {
        m.insert("gateway".into(), g.to_string().into());
    }
    if let Some(o) = s.oif {
        m.insert("dev".into(), names[&o].clone().into());
    }
    let tables = [(RT_TABLE_LOCAL as u8, "local"), (RT_TABLE_DEFAULT as u8, "default")];
    if s.table != RT_TABLE_MAIN {
        let t = u8::try_from(s.table).ok().and_then(|t| name_of(t, &tables));
        m.insert("table".into(), t.unwrap_or(s.table.to_string()).into());
    }
    if s.protocol != RTPROT_BOOT {
        let protos = [(RTPROT_KERNEL, "kernel"), (RTPROT_STATIC, "static")];
        m.insert(
            "protocol".into(),
            name_of(s.protocol, &protos).unwrap_or(s.protocol.to_string()).into(),
        );
    }
    if s.scope != RT_SCOPE_UNIVERSE {
        let scopes = [(RT_SCOPE_LINK, "link"), (RT_SCOPE_HOST, "host"), (RT_SCOPE_SITE, "site")];
        m.insert("scope".into(), name_of(s.scope, &scopes).unwrap_or(s.scope.to_string()).into());
    }
    if let Some(p) = s.priority {
        m.insert("metric".into(), p.into());
    }
    if let Some(p) = s.prefsrc {
        m.insert("prefsrc".into(), p.to_string().into());
    }
    let hops = s.hops.iter().map(|(g, i, w)| serde_json::json!({"gateway": g.unwrap().to_string(), "dev": names[i], "weight": w}));
    if !s.hops.is_empty() {
        m.insert("nexthops".into(), hops.collect::<Vec<_>>().into());
    }
    Value::Object(m)
}

/// `ip -j route show table all` with only the keys [`as_ip_prints`] writes.
fn ip_json(ns: &TestNs, family: &str) -> Vec<Value> {
    let out =
        common::output(&["ip", "-n", &ns.name, "-j", family, "route", "show", "table", "all"]);
    let keys = [
        "type", "dst", "gateway", "dev", "table", "protocol", "scope", "metric", "prefsrc",
        "nexthops",
    ];
    let v: Value = serde_json::from_str(&out).unwrap();
    let routes = v.as_array().unwrap().iter().map(|r| {
        let mut m = serde_json::Map::new();
        for k in keys {
            if let Some(x) = r.get(k) {
                m.insert(k.into(), x.clone());
            }
        }
        if let Some(Value::Array(hops)) = m.get_mut("nexthops") {
            for h in hops {
                h.as_object_mut()
                    .unwrap()
                    .retain(|k, _| ["gateway", "dev", "weight"].contains(&k.as_str()));
            }
        }
        Value::Object(m)
    });
    routes.collect()
}

#[test]
fn dump_agrees_with_ip_json() {
    let (ns, mut conn, veth0) = setup("rjson");
    ns.exec(&["ip", "link", "set", "lo", "up"]);
    let gw = Some(ip("192.0.2.254"));
    let hop = |g: &str, weight| NexthopSpec {
        gateway: Some(ip(g)),
        oif: Some(veth0),
        weight,
        onlink: false,
    };
    let specs = [
        RouteSpec {
            dst: prefix("198.51.100.0/24"),
            gateway: gw,
            priority: Some(10),
            ..Default::default()
        },
        RouteSpec {
            dst: prefix("198.51.101.0/24"),
            gateway: gw,
            table: Some(100),
            protocol: Some(RTPROT_STATIC),
            ..Default::default()
        },
        RouteSpec {
            dst: prefix("198.51.102.0/24"),
            oif: Some(veth0),
            table: Some(1000),
            prefsrc: Some(ip("192.0.2.1")),
            ..Default::default()
        },
        RouteSpec { dst: None, gateway: gw, ..Default::default() },
        RouteSpec {
            dst: prefix("203.0.113.0/24"),
            nexthops: vec![hop("192.0.2.2", 1), hop("192.0.2.3", 3)],
            ..Default::default()
        },
        RouteSpec { dst: prefix("10.61.0.0/16"), kind: Some(RTN_BLACKHOLE), ..Default::default() },
        RouteSpec {
            dst: prefix("10.62.0.0/16"),
            kind: Some(RTN_UNREACHABLE),
            table: Some(100),
            ..Default::default()
        },
        RouteSpec {
            dst: prefix("2001:db8:1::/48"),
            gateway: Some(ip("2001:db8::2")),
            table: Some(100),
            ..Default::default()
        },
        RouteSpec {
            dst: prefix("2001:db8:2::/48"),
            nexthops: vec![hop("2001:db8::5", 2), hop("2001:db8::6", 5)],
            ..Default::default()
        },
    ];
    for s in &specs {
        conn.route_add(s).unwrap();
    }
    let names: HashMap<u32, String> = ifindexes(&ns).into_iter().map(|(n, i)| (i, n)).collect();
    for (family, flag) in [(AF_INET, "-4"), (AF_INET6, "-6")] {
        let seen = dump(&mut conn, &RouteFilter { family, ..Default::default() });
        let mut ours: Vec<String> =
            seen.iter().map(|s| as_ip_prints(s, &names).to_string()).collect();
        let mut theirs: Vec<String> = ip_json(&ns, flag).iter().map(Value::to_string).collect();
        ours.sort();
        theirs.sort();
        assert_eq!(ours, theirs, "{flag}");
        assert!(ours.len() >= 7, "{ours:?}");
    }
}

/// `Conn::batch`: each outcome to its key in order; when `done` breaks,
/// nothing more is sent, and what was in flight is still reported.
#[test]
fn batch_reports_every_outcome_in_order_and_stops_when_told() {
    use nlkit::rtnl::{ops, route::RouteSpec};
    use std::ops::ControlFlow;
    let ns = TestNs::new("route-batch");
    ns.exec(&["ip", "link", "add", "b0", "type", "veth", "peer", "name", "b1"]);
    ns.exec(&["ip", "link", "set", "b0", "up"]);
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let index: u32 = common::output(&["ip", "-n", &ns.name, "-o", "link", "show", "b0"])
        .split(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let spec = |i: u32| RouteSpec {
        dst: Some((std::net::Ipv4Addr::new(10, 50, (i % 256) as u8, 0).into(), 24)),
        oif: Some(index),
        ..RouteSpec::default()
    };
    // 200 routes; the 101st repeats the 51st.
    let specs: Vec<RouteSpec> = (0..100).chain([50]).chain(101..200).map(spec).collect();
    let limits = nlkit::BatchLimits { in_flight: 16, ..Default::default() };
    let mut seen = Vec::new();
    let requests = specs.iter().enumerate().map(|(i, s)| (i, ops::route_add(s)));
    conn.batch(requests, limits, |i, r| {
        seen.push(i);
        match r {
            Ok(()) => ControlFlow::Continue(()),
            Err(e) => {
                assert_eq!((i, e.errno()), (100, Some(libc::EEXIST)));
                ControlFlow::Break(())
            }
        }
    })
    .unwrap();
    // In order, every one reported once, up to the failure and what was in
    // flight with it (at most one window), nothing read after that.
    assert!(seen.windows(2).all(|w| w[1] == w[0] + 1) && seen[0] == 0, "{seen:?}");
    assert!((101..=116).contains(&seen.len()), "{}", seen.len());
    let installed = common::output(&["ip", "-n", &ns.name, "route", "show", "dev", "b0"]);
    assert_eq!(installed.lines().count(), seen.len() - 1);
}
