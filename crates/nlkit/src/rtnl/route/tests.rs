//! `RTM_NEWROUTE` payloads captured from a 6.18 kernel (`nlkit -j raw send
//! --type 26 --flags REQUEST,DUMP` and an `RTM_GETROUTE` lookup, in a scratch
//! namespace where veth0 is ifindex 3), fed to the parser and the emitter.

use super::*;
use crate::rtnl::BadAttr;
use crate::rtnl::View;
use crate::rtnl::{fixture_message, unhex};
use crate::testing::{self, Fake};
use nlkit_wire::Flags;
use nlkit_wire::{Header, Messages};

/// `ip route add 198.51.100.0/24 via 192.0.2.254 table 100`.
const V4_TABLE100: &str =
    "02180000640300010000000008000f006400000008000100c633640008000500c00002fe0800040003000000";
/// `ip route add 203.0.113.0/24 nexthop via 192.0.2.2 weight 1 nexthop via 192.0.2.3 weight 3`.
const V4_MULTIPATH: &str =
    "02180000fe0300010000000008000f00fe00000008000100cb007100240009001000000003000000\
    08000500c0000202100000020300000008000500c0000203";
/// `ip route add blackhole 198.18.0.0/16`.
const V4_BLACKHOLE: &str = "02100000fe0300060000000008000f00fe00000008000100c6120000";
/// `ip route add unreachable 198.19.0.0/16`.
const V4_UNREACHABLE: &str = "02100000fe0300070000000008000f00fe00000008000100c6130000";
/// `ip route add prohibit 10.10.0.0/16`.
const V4_PROHIBIT: &str = "02100000fe0300080000000008000f00fe000000080001000a0a0000";
/// `ip route add 10.9.0.0/16 via inet6 fe80::1 dev veth0`: `RTA_VIA`.
const V4_VIA: &str =
    "02100000fe0300010000000008000f00fe000000080001000a090000160012000a00fe8000000000\
    0000000000000000000100000800040003000000";
/// The kernel's `local 192.0.2.1 dev veth0 table local`.
const V4_LOCAL: &str =
    "02200000ff02fe020000000008000f00ff00000008000100c000020108000700c00002010800040003000000";
/// `ip -6 route add 2001:db8:1::/48 via 2001:db8::2 mtu 1400 advmss 1300 pref high`.
const V6_METRICS: &str =
    "0a300000fe0300010000000008000f00fe0000001400010020010db8000100000000000000000000\
    140008000800020078050000080008001405000008000600000400001400050020010db800000000\
    0000000000000002080004000300000024000c000000000000000000000000000000000000000000\
    0000000000000000000000000500140001000000";
/// `ip -6 route add 2001:db8:2::/48 nexthop via 2001:db8::5 dev veth0 weight 2
/// nexthop via 2001:db8::6 dev veth0 weight 5`.
const V6_MULTIPATH: &str =
    "0a300000fe0300010000000008000f00fe0000001400010020010db8000200000000000000000000\
    08000600000400003c0009001c000001030000001400050020010db8000000000000000000000005\
    1c000004030000001400050020010db800000000000000000000000624000c000000000000000000\
    0000000000000000000000000000000000000000000000000500140000000000";
/// The kernel's prefix route for an address with lifetimes: expiry in `RTA_CACHEINFO`.
const V6_EXPIRING: &str =
    "0a400000fe0200010000000008000f00fe0000001400010020010db8000000000000000000000000\
    0800060000010000080004000300000024000c000000000000000000a52400000000000000000000\
    0000000000000000000000000500140000000000";
/// The reply to `ip route get 203.0.113.9`.
const GET_REPLY: &str =
    "02200000fe0000010002000008000f00fe00000008000100cb007109080004000300000008000700\
    c000020108000500c0000203080019000000000024000c0002000000000000000000000000000000\
    00000000000000000000000000000000";

const ALL: [&str; 10] = [
    V4_TABLE100,
    V4_MULTIPATH,
    V4_BLACKHOLE,
    V4_UNREACHABLE,
    V4_PROHIBIT,
    V4_VIA,
    V4_LOCAL,
    V6_METRICS,
    V6_MULTIPATH,
    V6_EXPIRING,
];

fn ip(s: &str) -> Option<IpAddr> {
    Some(s.parse().unwrap())
}

fn with_route<R>(bytes: &[u8], f: impl FnOnce(&Route<'_>) -> R) -> R {
    let msg = Messages::new(bytes).next().unwrap().unwrap();
    f(&Route::parse(&msg).unwrap())
}

fn fixture<R>(hex: &str, f: impl FnOnce(&Route<'_>) -> R) -> R {
    with_route(&fixture_message(RTM_NEWROUTE, hex), f)
}

fn parse_err(bytes: &[u8]) -> WireError {
    let msg = Messages::new(bytes).next().unwrap().unwrap();
    Route::parse(&msg).unwrap_err()
}

#[test]
fn every_fixture_roundtrips_and_is_fully_known() {
    for hex in ALL.iter().chain([&GET_REPLY]) {
        let bytes = fixture_message(RTM_NEWROUTE, hex);
        let msg = Messages::new(&bytes).next().unwrap().unwrap();
        let r = Route::parse(&msg).unwrap();
        assert_eq!(r.unknown().count(), 0, "{hex}");
        let mut again = Vec::new();
        let mut b = MessageBuilder::new(&mut again, msg.header()).unwrap();
        r.emit(&mut b).unwrap();
        let _ = b.finish();
        assert_eq!(again, bytes, "parse then emit gives back the bytes");
    }
}

#[test]
fn ipv4_unicast_in_table_100() {
    fixture(V4_TABLE100, |r| {
        assert_eq!((r.family(), r.table, r.header.table), (AF_INET, 100, 100));
        assert_eq!((r.dst, r.dst_len()), (ip("198.51.100.0"), 24));
        assert_eq!(
            (r.gateway, r.gateway_or_via(), r.oif),
            (ip("192.0.2.254"), ip("192.0.2.254"), Some(3))
        );
        assert_eq!(
            (r.kind(), r.protocol(), r.scope()),
            (RTN_UNICAST, RTPROT_BOOT, RT_SCOPE_UNIVERSE)
        );
        assert_eq!((r.priority, r.multipath, r.metrics), (None, None, None));
    });
}

#[test]
fn ipv4_multipath_with_weights() {
    fixture(V4_MULTIPATH, |r| {
        assert_eq!((r.dst, r.gateway, r.oif), (ip("203.0.113.0"), None, None));
        let hops: Vec<_> = r
            .multipath
            .unwrap()
            .iter()
            .map(|n| (n.ifindex, n.weight(), n.gateway, n.flags))
            .collect();
        assert_eq!(hops, [(3, 1, ip("192.0.2.2"), 0), (3, 3, ip("192.0.2.3"), 0)]);
        assert_eq!(r.multipath.unwrap().iter().nth(1).unwrap().attrs().count(), 1);
    });
    fixture(V6_MULTIPATH, |r| {
        assert_eq!(
            (r.family(), r.dst, r.dst_len(), r.priority),
            (AF_INET6, ip("2001:db8:2::"), 48, Some(1024))
        );
        let hops: Vec<_> =
            r.multipath.unwrap().into_iter().map(|n| (n.weight(), n.gateway)).collect();
        assert_eq!(hops, [(2, ip("2001:db8::5")), (5, ip("2001:db8::6"))]);
    });
}

#[test]
fn reject_routes_and_local() {
    for (hex, kind, dst) in [
        (V4_BLACKHOLE, RTN_BLACKHOLE, "198.18.0.0"),
        (V4_UNREACHABLE, RTN_UNREACHABLE, "198.19.0.0"),
        (V4_PROHIBIT, RTN_PROHIBIT, "10.10.0.0"),
    ] {
        fixture(hex, |r| {
            assert_eq!((r.kind(), r.dst, r.dst_len(), r.table), (kind, ip(dst), 16, RT_TABLE_MAIN));
            assert_eq!((r.oif, r.gateway), (None, None));
        });
    }
    fixture(V4_LOCAL, |r| {
        assert_eq!((r.kind(), r.table, r.scope()), (RTN_LOCAL, RT_TABLE_LOCAL, RT_SCOPE_HOST));
        assert_eq!((r.dst, r.dst_len(), r.prefsrc), (ip("192.0.2.1"), 32, ip("192.0.2.1")));
        assert_eq!(r.protocol(), RTPROT_KERNEL);
    });
}

#[test]
fn gateway_of_another_family_via() {
    fixture(V4_VIA, |r| {
        let via = r.via.unwrap();
        assert_eq!((via.family, via.addr.len(), via.ip()), (AF_INET6 as u16, 16, ip("fe80::1")));
        assert_eq!((r.gateway, r.gateway_or_via()), (None, ip("fe80::1")));
        assert_eq!(r.attr(RTA_VIA).unwrap().payload().len(), 18);
    });
}

#[test]
fn ipv6_metrics_pref_and_cacheinfo() {
    fixture(V6_METRICS, |r| {
        assert_eq!(
            (r.gateway, r.priority, r.pref),
            (ip("2001:db8::2"), Some(1024), Some(ICMPV6_ROUTER_PREF_HIGH))
        );
        assert_eq!((r.mtu(), r.advmss()), (Some(1400), Some(1300)));
        let m: Vec<_> = r.metrics.unwrap().iter().collect();
        assert_eq!(m, [(RTAX_MTU, 1400), (RTAX_ADVMSS, 1300)]);
        assert_eq!(r.cacheinfo, Some(RouteCacheInfo::default()));
    });
    fixture(V6_EXPIRING, |r| {
        assert_eq!(
            (r.protocol(), r.priority, r.pref),
            (RTPROT_KERNEL, Some(256), Some(ICMPV6_ROUTER_PREF_MEDIUM))
        );
        assert_eq!(r.cacheinfo.unwrap().expires, 0x24a5, "in clock ticks (USER_HZ)");
        assert_eq!(r.attr(RTA_CACHEINFO).unwrap().payload().len(), ROUTE_CACHEINFO_LEN);
    });
}

#[test]
fn lookup_reply() {
    fixture(GET_REPLY, |r| {
        assert!(r.has_flag(RTM_F_CLONED));
        assert_eq!((r.dst, r.dst_len(), r.oif, r.uid), (ip("203.0.113.9"), 32, Some(3), Some(0)));
        assert_eq!((r.gateway, r.prefsrc), (ip("192.0.2.3"), ip("192.0.2.1")));
        assert_eq!(r.cacheinfo.unwrap().clntref, 2);
    });
}

#[test]
fn unknown_attributes_are_kept() {
    let mut bytes = Vec::new();
    let mut b = MessageBuilder::new(&mut bytes, Header::new(RTM_NEWROUTE)).unwrap();
    b.append(&unhex(V4_MULTIPATH)).unwrap();
    b.attr(0x3f0, &[1, 2, 3, 4, 5]).unwrap();
    b.attr_u32(RTA_PRIORITY, 9).unwrap();
    let _ = b.finish();
    with_route(&bytes, |r| {
        let unknown: Vec<_> = r.unknown().map(|a| (a.kind(), a.payload())).collect();
        assert_eq!(unknown, [(0x3f0, &[1u8, 2, 3, 4, 5][..])]);
        assert_eq!((r.priority, r.multipath.unwrap().iter().count()), (Some(9), 2));
        let mut again = Vec::new();
        let mut b = MessageBuilder::new(&mut again, Header::new(RTM_NEWROUTE)).unwrap();
        r.emit(&mut b).unwrap();
        let _ = b.finish();
        assert_eq!(again, bytes);
    });
}

/// A v4 route message with one attribute.
fn with_attr(kind: u16, payload: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut b = MessageBuilder::new(&mut bytes, Header::new(RTM_NEWROUTE)).unwrap();
    b.append(&RouteHeader { family: AF_INET, ..Default::default() }.to_bytes()).unwrap();
    b.attr(kind, payload).unwrap();
    let _ = b.finish();
    bytes
}

/// What reading a route passed over; the route itself reads.
fn malformed_of(bytes: &[u8]) -> Vec<BadAttr> {
    let msg = Messages::new(bytes).next().unwrap().unwrap();
    let r = Route::parse(&msg).expect("one odd attribute does not cost the route");
    let mut again = Vec::new();
    let mut b = MessageBuilder::new(&mut again, Header::new(RTM_NEWROUTE)).unwrap();
    r.emit(&mut b).unwrap();
    let _ = b.finish();
    assert_eq!(again, bytes, "kept raw: re-emitted unchanged");
    r.malformed().collect()
}

#[test]
fn bad_bytes_are_kept_raw_and_said_not_fatal() {
    let short = fixture_message(RTM_NEWROUTE, "0218000064");
    assert_eq!(parse_err(&short), WireError::Truncated { need: 12, have: 5 });
    let bad = |kind, error| vec![BadAttr { kind: Some(kind), error }];
    let size = |kind, want, got| WireError::AttrSize { kind, want, got };
    let e = malformed_of(&with_attr(RTA_OIF, &[3, 0]));
    assert_eq!(e, bad(RTA_OIF, size(RTA_OIF, 4, 2)));
    let e = malformed_of(&with_attr(RTA_DST, &[10, 0, 0]));
    assert_eq!(e, bad(RTA_DST, size(RTA_DST, 4, 3)));
    let e = malformed_of(&with_attr(RTA_CACHEINFO, &[0; 31]));
    assert_eq!(e, bad(RTA_CACHEINFO, size(RTA_CACHEINFO, 32, 31)));
    let e = malformed_of(&with_attr(RTA_METRICS, &[6, 0, 2, 0, 1, 0]));
    assert_eq!(e, bad(RTA_METRICS, size(RTAX_MTU, 4, 2)));
    let e = malformed_of(&with_attr(RTA_MULTIPATH, &[32, 0, 0, 0, 3, 0, 0, 0]));
    assert_eq!(e, bad(RTA_MULTIPATH, WireError::Truncated { need: 32, have: 8 }));
    let e = malformed_of(&with_attr(RTA_VIA, &[10]));
    assert!(matches!(e[..], [BadAttr { kind: Some(RTA_VIA), error: WireError::AttrSize { .. } }]));
    // The fields of the attributes around a bad one are read.
    let mut bytes = Vec::new();
    let mut b = MessageBuilder::new(&mut bytes, Header::new(RTM_NEWROUTE)).unwrap();
    b.append(&RouteHeader { family: AF_INET, dst_len: 8, ..Default::default() }.to_bytes())
        .unwrap();
    b.attr(RTA_DST, &[10, 0, 0, 0]).unwrap();
    b.attr(RTA_OIF, &[3, 0]).unwrap();
    b.attr_u32(RTA_PRIORITY, 7).unwrap();
    let _ = b.finish();
    let msg = Messages::new(&bytes).next().unwrap().unwrap();
    let r = Route::parse(&msg).unwrap();
    assert_eq!((r.dst, r.oif, r.priority), (Some("10.0.0.0".parse().unwrap()), None, Some(7)));
    // Every prefix, and every single-byte change, of every fixture: no panic.
    for hex in ALL {
        let full = fixture_message(RTM_NEWROUTE, hex);
        for len in 16..full.len() {
            let mut m = full[..len].to_vec();
            m[..4].copy_from_slice(&(len as u32).to_ne_bytes());
            let msg = Messages::new(&m).next().unwrap().unwrap();
            let _ = Route::parse(&msg)
                .map(|r| (r.unknown().count(), r.multipath.map(|m| m.iter().count())));
        }
        for i in 16..full.len() {
            for v in [0u8, 1, 3, 0x7f, 0xff] {
                let mut m = full.clone();
                m[i] = v;
                let msg = Messages::new(&m).next().unwrap().unwrap();
                if let Ok(r) = Route::parse(&msg) {
                    let _ = (r.unknown().count(), r.metrics.map(|m| m.iter().count()));
                    let _ =
                        r.multipath.map(|m| m.iter().filter_map(|n| n.gateway_or_via()).count());
                }
            }
        }
    }
}

fn spec_message(spec: &RouteSpec, del: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut b = MessageBuilder::new(&mut bytes, Header::new(RTM_NEWROUTE)).unwrap();
    if del {
        spec.emit_del(&mut b).unwrap();
    } else {
        spec.emit(&mut b).unwrap();
    }
    let _ = b.finish();
    bytes
}

#[test]
fn spec_defaults_follow_ip_route() {
    let dst = Some(("10.1.0.0".parse().unwrap(), 16));
    let on_link = RouteSpec { dst, oif: Some(3), ..Default::default() };
    with_route(&spec_message(&on_link, false), |r| {
        assert_eq!((r.family(), r.dst, r.dst_len(), r.oif), (AF_INET, ip("10.1.0.0"), 16, Some(3)));
        assert_eq!((r.kind(), r.protocol(), r.scope()), (RTN_UNICAST, RTPROT_BOOT, RT_SCOPE_LINK));
        assert_eq!((r.table, r.header.table), (RT_TABLE_MAIN, RT_TABLE_MAIN as u8));
    });
    let via_gw = RouteSpec { gateway: ip("10.0.0.1"), table: Some(1000), ..on_link.clone() };
    with_route(&spec_message(&via_gw, false), |r| {
        assert_eq!((r.scope(), r.gateway), (RT_SCOPE_UNIVERSE, via_gw.gateway));
        assert_eq!((r.table, r.header.table), (1000, RT_TABLE_UNSPEC as u8), "RTA_TABLE only");
    });
    with_route(&spec_message(&via_gw, true), |r| {
        let any = (RTN_UNSPEC, RTPROT_UNSPEC, RT_SCOPE_NOWHERE);
        assert_eq!((r.kind(), r.protocol(), r.scope()), any, "a delete matches any");
    });
    let local = RouteSpec {
        kind: Some(RTN_LOCAL),
        dst: Some((ip("10.0.0.5").unwrap(), 32)),
        ..Default::default()
    };
    with_route(&spec_message(&local, false), |r| {
        assert_eq!((r.table, r.scope()), (RT_TABLE_LOCAL, RT_SCOPE_HOST));
    });
    let blackhole =
        RouteSpec { kind: Some(RTN_BLACKHOLE), dst, table: Some(100), ..Default::default() };
    with_route(&spec_message(&blackhole, false), |r| {
        assert_eq!(
            (r.kind(), r.scope(), r.table, r.header.table),
            (RTN_BLACKHOLE, RT_SCOPE_UNIVERSE, 100, 100)
        );
    });
    let v6 = RouteSpec {
        dst: Some((ip("2001:db8::").unwrap(), 32)),
        oif: Some(2),
        ..Default::default()
    };
    with_route(&spec_message(&v6, false), |r| {
        assert_eq!((r.family(), r.scope()), (AF_INET6, RT_SCOPE_UNIVERSE))
    });
    let default_v6 = RouteSpec { gateway: ip("fe80::1"), oif: Some(2), ..Default::default() };
    with_route(&spec_message(&default_v6, false), |r| {
        assert_eq!((r.family(), r.dst, r.dst_len()), (AF_INET6, None, 0));
    });
}

#[test]
fn spec_writes_metrics_multipath_and_flags() {
    let spec = RouteSpec {
        dst: Some((ip("2001:db8:5::").unwrap(), 48)),
        metrics: vec![(RTAX_MTU, 1280), (RTAX_HOPLIMIT, 9)],
        nexthops: vec![
            NexthopSpec { gateway: ip("2001:db8::1"), oif: Some(3), weight: 4, onlink: false },
            NexthopSpec { gateway: ip("2001:db8::2"), oif: Some(3), weight: 1, onlink: true },
        ],
        priority: Some(77),
        pref: Some(ICMPV6_ROUTER_PREF_LOW),
        expires: Some(30),
        prefsrc: ip("2001:db8::9"),
        protocol: Some(RTPROT_STATIC),
        ..Default::default()
    };
    with_route(&spec_message(&spec, false), |r| {
        assert_eq!(r.family(), AF_INET6);
        assert_eq!((r.mtu(), r.metrics.unwrap().hoplimit()), (Some(1280), Some(9)));
        let hops: Vec<_> = r
            .multipath
            .unwrap()
            .iter()
            .map(|n| (n.weight(), n.gateway, n.has_flag(RTNH_F_ONLINK)))
            .collect();
        assert_eq!(hops, [(4, ip("2001:db8::1"), false), (1, ip("2001:db8::2"), true)]);
        assert_eq!(
            (r.priority, r.pref, r.expires, r.prefsrc),
            (Some(77), Some(3), Some(30), ip("2001:db8::9"))
        );
        assert_eq!((r.protocol(), r.unknown().count()), (RTPROT_STATIC, 0));
        assert!(r.attr(RTA_METRICS).unwrap().is_nested());
    });
    let cross = RouteSpec {
        dst: Some((ip("10.2.0.0").unwrap(), 16)),
        gateway: ip("fe80::7"),
        oif: Some(3),
        onlink: true,
        ..Default::default()
    };
    with_route(&spec_message(&cross, false), |r| {
        assert_eq!((r.family(), r.gateway, r.gateway_or_via()), (AF_INET, None, ip("fe80::7")));
        assert!(r.has_flag(RTNH_F_ONLINK));
    });
}

#[test]
fn filter_request_and_client_side_check() {
    let filter = RouteFilter {
        family: AF_INET,
        table: Some(100),
        protocol: Some(RTPROT_BOOT),
        oif: Some(3),
        ..Default::default()
    };
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_GETROUTE)).unwrap();
    filter.emit(&mut b).unwrap();
    let _ = b.finish();
    with_route(&buf, |r| {
        assert_eq!(
            (r.family(), r.header.table, r.table, r.protocol(), r.oif),
            (AF_INET, 0, 100, RTPROT_BOOT, Some(3))
        );
        assert_eq!(
            (r.header.scope, r.header.dst_len, r.header.flags),
            (0, 0, 0),
            "what the kernel accepts in a dump"
        );
    });
    fixture(V4_TABLE100, |r| assert!(filter.matches(r)));
    let cache = RouteFilter { cloned: true, ..Default::default() };
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_GETROUTE)).unwrap();
    cache.emit(&mut b).unwrap();
    let _ = b.finish();
    with_route(&buf, |r| assert_eq!(r.header.flags, RTM_F_CLONED));
    fixture(GET_REPLY, |r| assert!(cache.matches(r) && !filter.matches(r)));
    fixture(V4_LOCAL, |r| assert!(!cache.matches(r)));
    fixture(V4_MULTIPATH, |r| {
        assert!(!filter.matches(r), "main, not 100");
        assert!(RouteFilter { oif: Some(3), ..Default::default() }.matches(r), "through a path");
        assert!(!RouteFilter { oif: Some(4), ..Default::default() }.matches(r));
    });
    fixture(V4_LOCAL, |r| {
        assert!(RouteFilter { scope: Some(RT_SCOPE_HOST), ..Default::default() }.matches(r));
        assert!(!RouteFilter { family: AF_INET6, ..Default::default() }.matches(r));
        assert!(
            RouteFilter { table: Some(RT_TABLE_UNSPEC), ..Default::default() }.matches(r),
            "0 = all"
        );
    });
}

#[test]
fn query_request() {
    let q = RouteQuery {
        src: ip("192.0.2.1"),
        oif: Some(3),
        mark: Some(7),
        ip_proto: Some(6),
        dport: Some(443),
        fib_match: true,
        lookup_table: true,
        ..RouteQuery::new("203.0.113.9".parse().unwrap())
    };
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_GETROUTE)).unwrap();
    q.emit(&mut b).unwrap();
    let _ = b.finish();
    with_route(&buf, |r| {
        assert_eq!(
            (r.dst, r.dst_len(), r.src, r.src_len()),
            (ip("203.0.113.9"), 32, ip("192.0.2.1"), 32)
        );
        assert_eq!(
            (r.oif, r.mark, r.ip_proto, r.dport, r.sport),
            (Some(3), Some(7), Some(6), Some(443), None)
        );
        assert!(r.has_flag(RTM_F_FIB_MATCH | RTM_F_LOOKUP_TABLE));
        assert_eq!((r.header.table, r.header.kind, r.header.protocol), (0, 0, 0));
    });
}

#[test]
fn dump_streams_and_counts_what_the_kernel_filtered() {
    let mut conn = Conn::new(Fake::new(|req| {
        let filtered = Flags::MULTI | Flags::DUMP_FILTERED;
        let mut out: Vec<_> = [V4_TABLE100, V4_MULTIPATH, V4_LOCAL]
            .iter()
            .map(|h| testing::reply(&req, RTM_NEWROUTE, filtered, &unhex(h)))
            .collect();
        out.push(testing::done(&req));
        vec![out.concat()]
    }));
    let mut dsts = Vec::new();
    let filter = RouteFilter { table: Some(RT_TABLE_MAIN), ..Default::default() };
    let sum = conn
        .route_dump(&filter, |r| {
            dsts.push(r.dst);
            Ok(())
        })
        .unwrap();
    assert_eq!(dsts, [ip("203.0.113.0")]);
    assert_eq!(sum, RouteDumpSummary { received: 3, kernel_filtered: 3, delivered: 1 });
}

#[test]
fn get_returns_what_the_callback_makes() {
    let mut conn = Conn::new(Fake::new(|req| {
        let h = RouteHeader::parse(req.payload()).unwrap();
        assert_eq!((h.dst_len, req.flags()), (32, Flags::REQUEST));
        vec![testing::reply(&req, RTM_NEWROUTE, Flags::empty(), &unhex(GET_REPLY))]
    }));
    let q = RouteQuery::new("203.0.113.9".parse().unwrap());
    let got = conn.route_get(&q, |r| (r.oif, r.gateway)).unwrap();
    assert_eq!(got, (Some(3), ip("192.0.2.3")));
    let mut conn =
        Conn::new(Fake::new(|req| vec![testing::ack(&req, libc::EHOSTUNREACH, None, None)]));
    let err = conn.route_get(&q, |_| ()).unwrap_err();
    assert_eq!(err.errno(), Some(libc::EHOSTUNREACH));
}
