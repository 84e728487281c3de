//! Unit tests for link views and requests: captured kernel messages
//! (`route/fixtures.rs`), bad bytes, and the `Conn` methods over the fake.

use super::*;
use crate::rtnl::fixtures::{self, bytes, message};
use crate::rtnl::link::info::LinkData;
use crate::rtnl::BadAttr;
use crate::rtnl::View;
use crate::testing::{self, Fake};
use nlkit_wire::Flags;
use nlkit_wire::{Header, Messages};

fn emit_again(link: &Link<'_>, header: Header) -> Vec<u8> {
    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, header).unwrap();
    link.emit(&mut b).unwrap();
    let _ = b.finish();
    out
}

#[test]
fn header_round_trips() {
    let h = LinkHeader {
        family: 7,
        link_type: ARPHRD_ETHER,
        index: -2,
        flags: 0x1003,
        change: 1,
        pad: 0,
    };
    assert_eq!(LinkHeader::parse(&h.to_bytes()), Ok(h));
    assert_eq!(h.to_bytes()[1], 0, "pad byte");
    assert_eq!(LinkHeader::parse(&[0; 15]), Err(WireError::Truncated { need: 16, have: 15 }));
}

#[test]
fn pad_bytes_are_emitted_as_received() {
    // A sender that leaves junk in __ifi_pad: parse then emit is byte-exact.
    let mut buf = link_message(|b| b.attr_str(IFLA_IFNAME, "p0").unwrap());
    buf[16 + 1] = 0xa5;
    let link = Link::parse(&message(&buf)).unwrap();
    assert_eq!(link.header.pad, 0xa5);
    let mut again = Vec::new();
    let mut b = MessageBuilder::new(&mut again, Header::new(RTM_NEWLINK)).unwrap();
    link.emit(&mut b).unwrap();
    let _ = b.finish();
    assert_eq!(again, buf);
}

#[test]
#[cfg(target_endian = "little")]
fn loopback_fixture() {
    let raw = bytes(fixtures::LO);
    let l = Link::parse(&message(&raw)).unwrap();
    assert_eq!((l.index(), l.name, l.header.link_type), (1, Some("lo"), ARPHRD_LOOPBACK));
    assert_eq!(l.header.flags, IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP);
    assert!(l.is_up());
    assert_eq!(
        (l.mtu, l.min_mtu, l.max_mtu, l.txqlen),
        (Some(65536), Some(0), Some(0), Some(1000))
    );
    assert_eq!(
        (l.operstate, l.qdisc, l.carrier),
        (Some(OperState::Unknown), Some("noqueue"), Some(true))
    );
    assert_eq!((l.address, l.broadcast), (Some(&[0u8; 6][..]), Some(&[0u8; 6][..])));
    assert_eq!((l.num_tx_queues, l.num_rx_queues, l.group), (Some(1), Some(1), Some(0)));
    let s = l.stats64.unwrap();
    assert_eq!((s.rx_packets, s.tx_packets, s.rx_bytes, s.tx_bytes), (3, 3, 384, 384));
    assert_eq!((s.rx_errors, s.rx_dropped, s.multicast, s.counter(0)), (0, 0, 0, Some(3)));
    assert_eq!(s.raw().len(), 200, "rtnl_link_stats64 of 6.18: 25 counters");
    assert_eq!(s.counter(25), None);
    assert!(l.linkinfo.is_none() && l.kind().is_none());
    assert!(l.af_spec().unwrap().count() >= 2, "AF_INET and AF_INET6");
}

#[test]
#[cfg(target_endian = "little")]
fn every_fixture_parses_and_emits_byte_exact() {
    for (fixture, kind) in fixtures::ALL {
        let raw = bytes(fixture);
        let msg = message(&raw);
        let l = Link::parse(&msg).unwrap();
        assert_eq!(l.kind(), kind, "{:?}", l.name);
        assert_eq!(emit_again(&l, msg.header()), raw, "{:?}", l.name);
        // What nlkit does not read is what the 6.1 uapi headers lack:
        // attributes newer than IFLA_MAX (IFLA_HEADROOM and the like).
        let unknown: Vec<u16> = l.unknown().map(|a| a.kind()).collect();
        assert!(!unknown.is_empty() && unknown.iter().all(|&k| k > IFLA_MAX), "{unknown:?}");
        assert!(l.stats64.is_some() && l.mtu.is_some() && l.operstate.is_some());
    }
}

#[test]
#[cfg(target_endian = "little")]
fn veth_port_of_a_bridge() {
    let raw = bytes(fixtures::VETH1);
    let l = Link::parse(&message(&raw)).unwrap();
    assert_eq!((l.index(), l.name, l.master, l.link), (2, Some("veth1"), Some(4), Some(3)));
    assert_eq!((l.operstate, l.promiscuity, l.link_netnsid), (Some(OperState::Up), Some(1), None));
    assert_eq!(l.address, Some(&[0x9a, 0x21, 0x09, 0x8d, 0x6d, 0x26][..]));
    assert_eq!(l.broadcast, Some(&[0xff; 6][..]));
    let s = l.stats64.unwrap();
    assert_eq!((s.rx_packets, s.tx_packets, s.rx_bytes, s.tx_bytes), (3, 6, 266, 484));
    let info = l.linkinfo.as_ref().unwrap();
    assert_eq!((info.kind, info.slave_kind), (Some("veth"), Some("bridge")));
    assert!(matches!(info.data, Some(LinkData::Veth(v)) if v.peer().is_none()));
    let state = info.slave_attrs().find(IFLA_BRPORT_STATE).unwrap().unwrap();
    assert_eq!(state.u8(), Ok(3), "BR_STATE_FORWARDING");
    assert_eq!(info.unknown().count(), 0);

    let raw = bytes(fixtures::VETH0);
    let l = Link::parse(&message(&raw)).unwrap();
    assert_eq!(
        (l.name, l.ifalias, l.link, l.master),
        (Some("veth0"), Some("uplink"), Some(2), None)
    );
}

/// vx0 rebuilt with an attribute no kernel has (0x3f0) at the top level and
/// inside `IFLA_INFO_DATA`.
fn with_future_attributes() -> Vec<u8> {
    let raw = bytes(fixtures::VX0);
    let msg = message(&raw);
    let l = Link::parse(&msg).unwrap();
    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, msg.header()).unwrap();
    b.append(&l.header.to_bytes()).unwrap();
    for a in l.attrs().map(Result::unwrap) {
        if a.kind() != IFLA_LINKINFO {
            b.attr(a.raw_type(), a.payload()).unwrap();
            continue;
        }
        b.attr(0x3f0, b"top").unwrap();
        let info = b.nest(IFLA_LINKINFO).unwrap();
        for i in a.nested().map(Result::unwrap) {
            if i.kind() != IFLA_INFO_DATA {
                b.attr(i.raw_type(), i.payload()).unwrap();
                continue;
            }
            let data = b.nest(IFLA_INFO_DATA).unwrap();
            b.append(i.payload()).unwrap();
            b.attr_u32(0x3f0, 7).unwrap();
            b.nest_end(data).unwrap();
        }
        b.nest_end(info).unwrap();
    }
    let _ = b.finish();
    out
}

#[test]
#[cfg(target_endian = "little")]
fn unknown_attributes_are_kept_and_re_emitted() {
    let raw = with_future_attributes();
    let msg = message(&raw);
    let l = Link::parse(&msg).unwrap();
    let top: Vec<_> = l.unknown().filter(|a| a.kind() == 0x3f0).map(|a| a.payload()).collect();
    assert_eq!(top, [&b"top"[..]]);
    let Some(LinkData::Vxlan(vx)) = l.linkinfo.as_ref().unwrap().data else { panic!("vxlan") };
    assert_eq!(vx.id, Some(42), "known attributes still read");
    let inner: Vec<_> = vx.unknown().filter(|a| a.kind() == 0x3f0).map(|a| a.u32()).collect();
    assert_eq!(inner, [Ok(7)]);
    assert_eq!(emit_again(&l, msg.header()), raw, "parse then emit gives back the bytes");
}

fn link_message(build: impl FnOnce(&mut MessageBuilder<'_, Vec<u8>>)) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWLINK)).unwrap();
    b.append(&LinkHeader { index: 5, ..Default::default() }.to_bytes()).unwrap();
    build(&mut b);
    let _ = b.finish();
    buf
}

#[test]
fn bad_attributes_are_kept_raw_and_said_with_numbers() {
    let malformed = |buf: &[u8]| -> Vec<BadAttr> {
        let link = Link::parse(&message(buf)).expect("one odd attribute does not cost the link");
        link.malformed().collect()
    };
    let bad = |kind, error| vec![BadAttr { kind: Some(kind), error }];
    let buf = link_message(|b| b.attr_u16(IFLA_MTU, 1500).unwrap());
    assert_eq!(
        malformed(&buf),
        bad(IFLA_MTU, WireError::AttrSize { kind: IFLA_MTU, want: 4, got: 2 })
    );
    assert_eq!(Link::parse(&message(&buf)).unwrap().mtu, None);
    let buf = link_message(|b| b.attr(IFLA_STATS64, &[0; 72]).unwrap());
    assert_eq!(malformed(&buf), bad(IFLA_STATS64, WireError::Truncated { need: 80, have: 72 }));
    let buf = link_message(|b| b.attr(IFLA_IFNAME, b"\xffname\0").unwrap());
    assert_eq!(malformed(&buf), bad(IFLA_IFNAME, WireError::NotUtf8 { kind: IFLA_IFNAME }));
    // Broken framing inside a nest is the nest's to say; the link reads.
    let buf = link_message(|b| b.attr(IFLA_LINKINFO, &[8, 0, 1, 0]).unwrap());
    let link = Link::parse(&message(&buf)).unwrap();
    assert_eq!(link.malformed().count(), 0);
    let info = link.linkinfo.as_ref().unwrap();
    assert_eq!(
        info.malformed().collect::<Vec<_>>(),
        [BadAttr { kind: None, error: WireError::Truncated { need: 8, have: 4 } }]
    );
    // Around a bad attribute, the rest is read.
    let buf = link_message(|b| {
        b.attr_str(IFLA_IFNAME, "odd0").unwrap();
        b.attr_u16(IFLA_MTU, 1500).unwrap();
        b.attr_u32(IFLA_TXQLEN, 1000).unwrap();
    });
    let link = Link::parse(&message(&buf)).unwrap();
    assert_eq!((link.name, link.mtu, link.txqlen), (Some("odd0"), None, Some(1000)));
    assert_eq!(Link::parse_payload(&[0; 10]), Err(WireError::Truncated { need: 16, have: 10 }));
}

#[test]
#[cfg(target_endian = "little")]
fn cut_or_corrupted_fixtures_never_panic() {
    for (fixture, _) in fixtures::ALL {
        let raw = bytes(fixture);
        let payload = message(&raw).payload();
        for n in 0..payload.len() {
            let _ = Link::parse_payload(&payload[..n]).map(|l| l.unknown().count());
        }
        let mut bad = payload.to_vec();
        for i in (LINK_HEADER_LEN..bad.len()).step_by(7) {
            bad[i] ^= 0xa5;
            let _ = Link::parse_payload(&bad).map(|l| (l.unknown().count(), l.alt_names().count()));
        }
    }
}

#[test]
fn operstate_keeps_unnamed_values() {
    for v in 0..=u8::MAX {
        assert_eq!(u8::from(OperState::from(v)), v);
    }
    assert_eq!(OperState::from(IF_OPER_UP), OperState::Up);
    assert_eq!(OperState::from(42), OperState::Other(42));
}

fn answer(links: Vec<Vec<u8>>) -> Fake {
    Fake::new(move |req| {
        let flags = Flags::MULTI;
        let mut out: Vec<Vec<u8>> = links
            .iter()
            .map(|l| testing::reply(&req, RTM_NEWLINK, flags, message(l).payload()))
            .collect();
        out.push(testing::done(&req));
        out
    })
}

#[test]
#[cfg(target_endian = "little")]
fn dump_sends_the_filter_and_checks_it_again() {
    let links = [fixtures::LO, fixtures::VETH1, fixtures::BR0, fixtures::MV0].map(bytes).to_vec();
    let mut conn = Conn::new(answer(links));
    let mut seen = Vec::new();
    let filter = LinkFilter { master: Some(4), kind: Some("veth"), ..Default::default() };
    conn.link_dump(&filter, |l| {
        seen.push(l.name.unwrap().to_owned());
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, ["veth1"], "the fake ignores the filter; nlkit applies it");
    let sent = conn.transport().sent()[0].clone();
    let req = message(&sent);
    assert_eq!(req.flags(), Flags::REQUEST | Flags::DUMP);
    assert_eq!(LinkHeader::parse(req.payload()), Ok(LinkHeader::default()));
    let attrs = Attrs::new(&req.payload()[LINK_HEADER_LEN..]);
    let kinds: Vec<_> = attrs.clone().map(|a| a.unwrap().kind()).collect();
    assert_eq!(kinds, [IFLA_MASTER, IFLA_LINKINFO]);
    let info = attrs.find(IFLA_LINKINFO).unwrap().unwrap();
    assert_eq!(info.nested().find(IFLA_INFO_KIND).unwrap().unwrap().str(), Ok("veth"));

    let mut all = 0;
    conn.link_dump(&LinkFilter::default(), |_| {
        all += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(all, 4);
    assert_eq!(conn.transport().sent()[1].len(), 16 + LINK_HEADER_LEN, "no filter attributes");
}

#[test]
fn one_odd_link_does_not_cost_the_dump() {
    // A kernel that sends IFLA_MTU as a u16 for one device: that link
    // says so, and every other link of the dump still arrives.
    let odd = link_message(|b| {
        b.attr_str(IFLA_IFNAME, "odd0").unwrap();
        b.attr_u16(IFLA_MTU, 1500).unwrap();
    });
    let links = vec![bytes(fixtures::LO), odd, bytes(fixtures::VETH1)];
    let mut conn = Conn::new(answer(links));
    let mut seen = Vec::new();
    conn.link_dump(&LinkFilter::default(), |l| {
        seen.push((l.name.unwrap().to_owned(), l.mtu, l.malformed().count()));
        Ok(())
    })
    .unwrap();
    let want = [("lo", Some(65536), 0), ("odd0", None, 1), ("veth1", Some(1500), 0)];
    let want: Vec<_> = want.iter().map(|(n, m, b)| (n.to_string(), *m, *b)).collect();
    assert_eq!(seen, want);
}

#[test]
#[cfg(target_endian = "little")]
fn get_by_name_and_index_take_one_reply() {
    let fake = Fake::new(|req| {
        let raw = bytes(fixtures::LO);
        vec![testing::reply(&req, RTM_NEWLINK, Flags::empty(), message(&raw).payload())]
    });
    let mut conn = Conn::new(fake);
    let mut mtu = None;
    conn.link_get_by_name("lo", |l| {
        mtu = l.mtu;
        Ok(())
    })
    .unwrap();
    assert_eq!(mtu, Some(65536));
    let sent = conn.transport().sent()[0].clone();
    let req = message(&sent);
    assert_eq!((req.flags(), req.payload().len()), (Flags::REQUEST, 16 + 8));
    let name = Attrs::new(&req.payload()[LINK_HEADER_LEN..]).find(IFLA_IFNAME).unwrap().unwrap();
    assert_eq!(name.str(), Ok("lo"));
    conn.link_get_by_index(1, |l| {
        assert_eq!(l.name, Some("lo"));
        Ok(())
    })
    .unwrap();
    let sent = conn.transport().sent()[1].clone();
    assert_eq!(LinkHeader::parse(message(&sent).payload()).unwrap().index, 1);
}

#[test]
fn add_set_and_del_ask_for_acks() {
    let fake = Fake::new(|req| {
        let errno = if req.message_type() == RTM_DELLINK.into() { libc::ENODEV } else { 0 };
        vec![testing::ack(&req, errno, None, None)]
    });
    let mut conn = Conn::new(fake);
    conn.link_add(&LinkSpec::new("br0", LinkKind::Bridge(BridgeSpec::default()))).unwrap();
    conn.link_set(&LinkSpec { mtu: Some(9000), ..LinkSpec::by_name("br0") }).unwrap();
    let err = conn.link_del("br0").unwrap_err();
    assert_eq!(err.errno(), Some(libc::ENODEV));
    conn.link_del(7).unwrap_err();
    let flags: Vec<_> = conn
        .transport()
        .sent()
        .iter()
        .map(|m| Messages::new(m).next().unwrap().unwrap().flags())
        .collect();
    let ack = Flags::REQUEST | Flags::ACK;
    assert_eq!(flags, [ack | Flags::CREATE | Flags::EXCL, ack, ack, ack]);
    let last = conn.transport().sent()[3].clone();
    assert_eq!(LinkHeader::parse(message(&last).payload()).unwrap().index, 7);
}

#[test]
fn every_captured_link_goes_through_its_builder_unchanged() {
    // The table's builder, filled from a view (fields read, everything
    // else kept in `extra`), writes back a message the view reads the
    // same: nothing the kernel sent is lost on the way.
    for (fixture, kind) in fixtures::ALL {
        let b = bytes(fixture);
        let msg = message(&b);
        let link = Link::parse(&msg).unwrap();
        let mut out = Vec::new();
        let mut w = MessageBuilder::new(&mut out, msg.header()).unwrap();
        link.to_builder().emit(&mut w).unwrap();
        let _ = w.finish();
        let again = message(&out);
        let relinked = Link::parse(&again).unwrap();
        assert_eq!(relinked.header, link.header);
        assert_eq!((relinked.name, relinked.mtu, relinked.kind()), (link.name, link.mtu, kind));
        assert_eq!(relinked.stats64, link.stats64);
        assert_eq!(relinked.address, link.address);
        let kinds = |l: &Link<'_>| {
            let mut k: Vec<u16> = l.attrs().map(|a| a.unwrap().kind()).collect();
            k.sort_unstable();
            k
        };
        assert_eq!(kinds(&relinked), kinds(&link), "every attribute is there");
        assert_eq!(
            relinked.af_spec().map(|a| a.remaining()),
            link.af_spec().map(|a| a.remaining())
        );
    }
}
