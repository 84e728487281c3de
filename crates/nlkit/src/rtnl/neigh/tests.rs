//! Neighbour messages as a 6.18 kernel sends them (captured from a dump in
//! a scratch namespace: a veth `va`, ifindex 2, mac 02:00:00:00:00:0a, with
//! 192.0.2.1/24 and 2001:db8::1/64 facing 02:00:00:00:00:0b), plus
//! requests checked byte for byte and bad input.

use super::*;
use crate::rtnl::names::parse_neigh_state;
use crate::rtnl::BadAttr;
use crate::rtnl::View;
use crate::rtnl::AF_UNSPEC;
use crate::testing::{ack, reply, Fake};
use nlkit_wire::Flags;
use nlkit_wire::{Header, Messages};

/// `struct ndmsg` + attributes, as dumped (`ip neigh` shows each in the comment).
mod captured {
    /// 192.0.2.2 lladdr 02:00:00:00:00:0b REACHABLE (probes 4, refcnt 1)
    pub const V4_REACHABLE: &str = "02000000020000000200000108000100c00002020a00020002000000000b\
        0000080004000400000014000300e4030000e4030000e403000001000000";
    /// 192.0.2.2 lladdr 02:00:00:00:00:0b STALE
    pub const V4_STALE: &str = "02000000020000000400000108000100c00002020a00020002000000000b00\
        0008000400040000001400030006140000061400005b0c000000000000";
    /// 192.0.2.10 lladdr 02:00:00:00:00:10 PERMANENT
    pub const V4_PERMANENT: &str = "02000000020000008000000108000100c000020a0a0002000200000000\
        10000008000400000000001400030087150000871500008715000000000000";
    /// 2001:db8::10 lladdr 02:00:00:00:00:11 router PERMANENT
    pub const V6_ROUTER: &str = "0a00000002000000800080011400010020010db800000000000000000000\
        00100a000200020000000011000008000400000000001400030086150000861500008615000000000000";
    /// 2001:db8::2 lladdr 02:00:00:00:00:0b STALE
    pub const V6_STALE: &str = "0a00000002000000040000011400010020010db8000000000000000000000\
        0020a00020002000000000b000008000400040000001400030006140000061400008e0b000000000000";
    /// fe80::ff:fe00:b lladdr 02:00:00:00:00:0b DELAY
    pub const V6_DELAY: &str = "0a000000020000000800000114000100fe80000000000000000000fffe000\
        00b0a00020002000000000b0000080004000100000014000300a8000000a80000007e00000001000000";
    /// ff02::1:ff00:2 lladdr 33:33:ff:00:00:02 NOARP, type multicast
    pub const V6_NOARP: &str = "0a000000020000004000000514000100ff0200000000000000000001ff000\
        0020a0002003333ff0000020000080004000000000014000300762b0000061400000614000000000000";
    /// proxy 192.0.2.20 (state 0, no lladdr, no cacheinfo)
    pub const V4_PROXY: &str = "02000000020000000000080108000100c0000214";
    /// proxy 2001:db8::20
    pub const V6_PROXY: &str = "0a00000002000000000008011400010020010db8000000000000000000000020";

    pub const ALL: [&str; 9] = [
        V4_REACHABLE,
        V4_STALE,
        V4_PERMANENT,
        V6_ROUTER,
        V6_STALE,
        V6_DELAY,
        V6_NOARP,
        V4_PROXY,
        V6_PROXY,
    ];
}

fn unhex(s: &str) -> Vec<u8> {
    let digit = |c: u8| (c as char).to_digit(16).unwrap() as u8;
    s.as_bytes().chunks(2).map(|p| digit(p[0]) << 4 | digit(p[1])).collect()
}

/// A whole `RTM_NEWNEIGH` message around `payload`.
fn message(payload: &[u8]) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWNEIGH)).unwrap();
    b.append(payload).unwrap();
    let _ = b.finish();
    buf
}

fn with<R>(bytes: &[u8], f: impl FnOnce(Result<Neighbour<'_>, WireError>) -> R) -> R {
    let msg = Messages::new(bytes).next().unwrap().unwrap();
    f(Neighbour::parse(&msg))
}

fn names(n: FlagNames) -> Vec<&'static str> {
    n.collect()
}

const MAC_B: &[u8] = &[2, 0, 0, 0, 0, 0x0b];

#[test]
fn reads_v4_entries() {
    with(&message(&unhex(captured::V4_REACHABLE)), |n| {
        let n = n.unwrap();
        assert_eq!((n.family(), n.ifindex(), n.kind()), (AF_INET, 2, RTN_UNICAST));
        assert_eq!((n.state(), n.flags()), (NUD_REACHABLE, 0));
        assert_eq!(n.dst, Some("192.0.2.2".parse().unwrap()));
        assert_eq!((n.lladdr, n.probes), (Some(MAC_B), Some(4)));
        let ci = CacheInfo { confirmed: 996, used: 996, updated: 996, refcnt: 1 };
        assert_eq!(n.cacheinfo, Some(ci));
        assert_eq!(names(n.state_names()), ["REACHABLE"]);
        assert!(!n.is_router() && !n.is_proxy());
        assert_eq!(
            (n.vlan, n.port, n.vni, n.master, n.protocol, n.flags_ext),
            (None, None, None, None, None, None)
        );
    });
    with(&message(&unhex(captured::V4_STALE)), |n| {
        let n = n.unwrap();
        assert_eq!(names(n.state_names()), ["STALE"]);
        assert_eq!(n.cacheinfo.map(|c| (c.confirmed, c.updated, c.refcnt)), Some((5126, 3163, 0)));
    });
    with(&message(&unhex(captured::V4_PERMANENT)), |n| {
        let n = n.unwrap();
        assert_eq!(n.state(), NUD_PERMANENT);
        assert_eq!(n.lladdr, Some(&[2, 0, 0, 0, 0, 0x10][..]));
        assert_eq!(names(n.state_names()), ["PERMANENT"]);
    });
}

#[test]
fn reads_v6_entries_router_and_noarp() {
    with(&message(&unhex(captured::V6_ROUTER)), |n| {
        let n = n.unwrap();
        assert_eq!((n.family(), n.state()), (AF_INET6, NUD_PERMANENT));
        assert_eq!(n.dst, Some("2001:db8::10".parse().unwrap()));
        assert!(n.is_router() && !n.is_proxy());
        assert_eq!(names(n.flag_names()), ["router"]);
    });
    with(&message(&unhex(captured::V6_DELAY)), |n| {
        let n = n.unwrap();
        assert_eq!(n.dst, Some("fe80::ff:fe00:b".parse().unwrap()));
        assert_eq!(names(n.state_names()), ["DELAY"]);
    });
    with(&message(&unhex(captured::V6_NOARP)), |n| {
        let n = n.unwrap();
        assert_eq!((n.kind(), n.state()), (RTN_MULTICAST, NUD_NOARP));
        assert_eq!(n.lladdr, Some(&[0x33, 0x33, 0xff, 0, 0, 2][..]));
    });
}

#[test]
fn reads_proxy_entries() {
    for (hex, dst) in [(captured::V4_PROXY, "192.0.2.20"), (captured::V6_PROXY, "2001:db8::20")] {
        with(&message(&unhex(hex)), |n| {
            let n = n.unwrap();
            assert!(n.is_proxy());
            assert_eq!((n.state(), n.dst), (NUD_NONE, Some(dst.parse().unwrap())));
            assert_eq!((n.lladdr, n.cacheinfo), (None, None));
            assert_eq!(names(n.flag_names()), ["proxy"]);
            assert_eq!(names(n.state_names()), ["NONE"]);
        });
    }
}

#[test]
fn every_capture_round_trips_byte_for_byte() {
    for hex in captured::ALL {
        let bytes = message(&unhex(hex));
        with(&bytes, |n| {
            let n = n.unwrap();
            assert_eq!(n.unknown().count(), 0, "{hex}");
            let mut again = Vec::new();
            let mut b = MessageBuilder::new(&mut again, Header::new(RTM_NEWNEIGH)).unwrap();
            n.emit(&mut b).unwrap();
            let _ = b.finish();
            assert_eq!(again, bytes);
        });
    }
}

#[test]
fn pad_bytes_are_emitted_as_received() {
    let mut raw = unhex(captured::V4_PERMANENT);
    raw[1..4].copy_from_slice(&[1, 2, 3]); // junk in ndm_pad1, ndm_pad2
    let bytes = message(&raw);
    with(&bytes, |n| {
        let n = n.unwrap();
        assert_eq!(n.header.reserved, [1, 2, 3]);
        let mut again = Vec::new();
        let mut b = MessageBuilder::new(&mut again, Header::new(RTM_NEWNEIGH)).unwrap();
        n.emit(&mut b).unwrap();
        let _ = b.finish();
        assert_eq!(again, bytes);
    });
}

#[test]
fn unknown_attributes_are_kept_and_re_emitted() {
    let mut bytes = Vec::new();
    let mut b = MessageBuilder::new(&mut bytes, Header::new(RTM_NEWNEIGH)).unwrap();
    b.append(&unhex(captured::V6_ROUTER)).unwrap();
    b.attr(0x3f0, b"from a newer kernel").unwrap();
    b.attr_u32(NDA_FLAGS_EXT, NTF_EXT_MANAGED).unwrap();
    let _ = b.finish();
    with(&bytes, |n| {
        let n = n.unwrap();
        let unknown: Vec<_> = n.unknown().map(|a| (a.kind(), a.payload())).collect();
        assert_eq!(unknown, [(0x3f0, &b"from a newer kernel"[..])]);
        assert_eq!(n.flags_ext, Some(NTF_EXT_MANAGED));
        assert_eq!(names(n.flag_names()), ["router", "managed"]);
        assert_eq!(n.attrs().count(), 6);
        let mut again = Vec::new();
        let mut b = MessageBuilder::new(&mut again, Header::new(RTM_NEWNEIGH)).unwrap();
        n.emit(&mut b).unwrap();
        let _ = b.finish();
        assert_eq!(again, bytes);
    });
}

#[test]
fn bad_sizes_are_kept_raw_and_said() {
    let v4 = unhex(captured::V4_PERMANENT);
    with(&message(&v4[..8]), |n| assert_eq!(n, Err(WireError::Truncated { need: 12, have: 8 })));
    let with_attr = |family: u8, kind: u16, payload: &[u8]| {
        let header = NeighHeader { family, ifindex: 2, ..Default::default() };
        let mut p = header.to_bytes().to_vec();
        p.extend_from_slice(&((4 + payload.len()) as u16).to_ne_bytes());
        p.extend_from_slice(&kind.to_ne_bytes());
        p.extend_from_slice(payload);
        with(&message(&p), |n| n.unwrap().malformed().collect::<Vec<_>>())
    };
    let size = |kind, want, got| {
        vec![BadAttr { kind: Some(kind), error: WireError::AttrSize { kind, want, got } }]
    };
    assert_eq!(with_attr(AF_INET, NDA_DST, &[192, 0, 2]), size(NDA_DST, 4, 3));
    assert_eq!(with_attr(AF_INET6, NDA_DST, &[0; 4]), size(NDA_DST, 16, 4));
    assert_eq!(with_attr(AF_INET, NDA_CACHEINFO, &[0; 12]), size(NDA_CACHEINFO, 16, 12));
    assert_eq!(with_attr(AF_INET, NDA_PROBES, &[0; 2]), size(NDA_PROBES, 4, 2));
    assert_eq!(with_attr(AF_INET, NDA_PORT, &[0; 4]), size(NDA_PORT, 2, 4));
    assert_eq!(with_attr(AF_INET, NDA_PROTOCOL, &[]), size(NDA_PROTOCOL, 1, 0));
    assert_eq!(with_attr(AF_BRIDGE, NDA_DST, &[1, 2, 3]), [], "bridge dst of any size is kept raw");
    let mut bad_len = v4.clone();
    bad_len[12] = 3; // the first nla_len below 4
    with(&message(&bad_len), |n| {
        let bad = vec![BadAttr { kind: None, error: WireError::BadLength { len: 3, min: 4 } }];
        assert_eq!(n.unwrap().malformed().collect::<Vec<_>>(), bad, "broken framing, said");
    });
}

#[test]
fn no_prefix_or_corruption_panics() {
    for hex in captured::ALL {
        let full = unhex(hex);
        for cut in 0..full.len() {
            with(&message(&full[..cut]), |n| {
                let _ = n.map(|n| n.unknown().count());
            });
        }
        for i in 0..full.len() {
            let mut bytes = full.clone();
            bytes[i] ^= 0xff;
            with(&message(&bytes), |n| {
                let _ = n.map(|n| n.unknown().count());
            });
        }
    }
}

#[test]
fn spec_emits_what_parse_reads() {
    let mut spec = NeighSpec::new(7, "2001:db8::5".parse().unwrap());
    spec.lladdr = Some(vec![2, 0, 0, 0, 0, 5]);
    spec.router = true;
    spec.protocol = Some(RTPROT_STATIC);
    spec.state = parse_neigh_state("reachable").unwrap();
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWNEIGH)).unwrap();
    spec.emit(&mut b).unwrap();
    let _ = b.finish();
    with(&buf, |n| {
        let n = n.unwrap();
        assert_eq!((n.family(), n.ifindex(), n.state()), (AF_INET6, 7, NUD_REACHABLE));
        assert_eq!((n.dst, n.lladdr), (Some(spec.dst), spec.lladdr.as_deref()));
        assert_eq!((n.is_router(), n.protocol), (true, Some(RTPROT_STATIC)));
    });
    let proxy = NeighSpec { proxy: true, ..NeighSpec::new(2, "192.0.2.20".parse().unwrap()) };
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWNEIGH)).unwrap();
    proxy.emit(&mut b).unwrap();
    let _ = b.finish();
    let want = "02000000020000008000080008000100c0000214";
    assert_eq!(&buf[16..], &unhex(want)[..], "ndmsg: PERMANENT, NTF_PROXY; NDA_DST");
}

#[test]
fn dump_filter_goes_in_attributes_and_header_flags() {
    let mut conn = Conn::new(Fake::new(|req| {
        let done = crate::testing::done(&req);
        let one = reply(&req, RTM_NEWNEIGH, Flags::MULTI, &unhex(captured::V4_PROXY));
        vec![[one, done].concat()]
    }));
    let filter = NeighFilter { ifindex: Some(2), master: Some(9), proxy: true };
    let mut seen = Vec::new();
    conn.neigh_dump(AF_INET, &filter, |n| {
        seen.push(n.dst);
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, [Some("192.0.2.20".parse().unwrap())]);
    let sent = &conn.transport().sent()[0];
    let want = "020000000000000000000800" // family, ifindex 0, state 0, NTF_PROXY
        .to_owned()
        + "0800080002000000" // NDA_IFINDEX 2
        + "0800090009000000"; // NDA_MASTER 9
    assert_eq!(&sent[16..], &unhex(&want)[..]);
    let plain = NeighFilter::default();
    conn.neigh_dump(AF_UNSPEC, &plain, |_| Ok(())).unwrap();
    assert_eq!(&conn.transport().sent()[1][16..], &[0; 12][..]);
}

#[test]
fn get_asks_for_one_entry_and_reads_the_reply() {
    let mut conn = Conn::new(Fake::new(|req| {
        let p = req.payload();
        assert_eq!(req.flags(), Flags::REQUEST, "no dump, no ack");
        if NeighHeader::parse(p).unwrap().flags as u32 & NTF_PROXY != 0 {
            return vec![ack(&req, libc::ENOENT, None, None)];
        }
        vec![reply(&req, RTM_NEWNEIGH, Flags::empty(), &unhex(captured::V4_PERMANENT))]
    }));
    let dst: IpAddr = "192.0.2.10".parse().unwrap();
    let lladdr = conn.neigh_get(2, &dst, |n| Ok(n.lladdr.map(<[u8]>::to_vec))).unwrap();
    assert_eq!(lladdr, Some(vec![2, 0, 0, 0, 0, 0x10]));
    let want = "02000000020000000000000008000100c000020a";
    assert_eq!(&conn.transport().sent()[0][16..], &unhex(want)[..]);
    let err = conn.neigh_get_proxy(2, &dst, |_| Ok(())).unwrap_err();
    assert_eq!(err.errno(), Some(libc::ENOENT));
}
