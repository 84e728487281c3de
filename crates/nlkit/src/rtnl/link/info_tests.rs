//! Unit tests for `IFLA_LINKINFO`: the captured bridge, macvlan, vxlan, tap,
//! veth and ifb data, and vlan and bond data laid out as their drivers
//! (absent from the capture kernel) fill it.

use super::*;
use crate::proto::View;
use crate::rtnl::fixtures::{self, bytes, message};
use crate::rtnl::link::Link;
use crate::rtnl::BadAttr;
use nlkit_wire::{Header, MessageBuilder};
use std::net::{IpAddr, Ipv4Addr};

fn data_of(fixture: &str, check: impl FnOnce(&LinkInfo<'_>)) {
    let raw = bytes(fixture);
    let link = Link::parse(&message(&raw)).unwrap();
    check(link.linkinfo.as_ref().unwrap());
}

#[test]
#[cfg(target_endian = "little")]
fn bridge_fixture() {
    data_of(fixtures::BR0, |info| {
        let Some(LinkData::Bridge(br)) = info.data else { panic!("{:?}", info.data) };
        assert_eq!(
            (br.forward_delay, br.hello_time, br.max_age),
            (Some(1500), Some(200), Some(2000))
        );
        assert_eq!(
            (br.ageing_time, br.stp_state, br.priority),
            (Some(30000), Some(0), Some(32768))
        );
        assert_eq!((br.vlan_filtering, br.mcast_snooping), (Some(false), Some(true)));
        // This kernel lacks CONFIG_BRIDGE_VLAN_FILTERING: no protocol, no pvid.
        assert_eq!((br.vlan_protocol, br.vlan_default_pvid), (None, None));
        assert_eq!(br.group_addr, Some(&[0x01, 0x80, 0xc2, 0, 0, 0][..]));
        assert_eq!(br.bridge_id.map(<[u8]>::len), Some(8));
        assert!(br.unknown().all(|a| a.kind() != IFLA_BR_STP_STATE));
        assert!(br.unknown().count() > 0, "timers and multicast settings stay raw");
    });
}

#[test]
#[cfg(target_endian = "little")]
fn macvlan_fixture() {
    data_of(fixtures::MV0, |info| {
        let Some(LinkData::Macvlan(mv)) = info.data else { panic!("{:?}", info.data) };
        assert_eq!((mv.mode, mv.flags), (Some(MACVLAN_MODE_BRIDGE), Some(0)));
        assert_eq!((mv.bc_queue_len, mv.bc_queue_len_used), (Some(1000), Some(1000)));
        assert_eq!(mv.macaddr_count, Some(0));
        assert_eq!(mv.unknown().count(), 0);
    });
}

#[test]
#[cfg(target_endian = "little")]
fn vxlan_fixture() {
    data_of(fixtures::VX0, |info| {
        let Some(LinkData::Vxlan(vx)) = info.data else { panic!("{:?}", info.data) };
        assert_eq!((vx.id, vx.port, vx.link), (Some(42), Some(4789), Some(3)));
        assert_eq!(vx.local, Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))));
        assert_eq!(vx.group, Some(IpAddr::V4(Ipv4Addr::new(198, 51, 100, 7))));
        assert_eq!(
            (vx.learning, vx.ageing, vx.ttl, vx.ttl_inherit),
            (Some(true), Some(300), Some(0), Some(false))
        );
        assert_eq!((vx.udp_csum, vx.udp_zero_csum6_tx), (Some(true), Some(false)));
        assert_eq!((vx.port_range, vx.collect_metadata), (Some((0, 0)), Some(false)));
        let unknown: Vec<_> = vx.unknown().map(|a| a.kind()).collect();
        assert!(unknown.iter().all(|&k| k > IFLA_VXLAN_MAX), "{unknown:?}");
    });
}

#[test]
#[cfg(target_endian = "little")]
fn tap_fixture() {
    data_of(fixtures::TAP0, |info| {
        let Some(LinkData::Tun(tun)) = info.data else { panic!("{:?}", info.data) };
        assert!(tun.is_tap());
        assert_eq!(tun.tun_type.map(u32::from), Some(IFF_TAP));
        assert_eq!((tun.pi, tun.vnet_hdr, tun.persist), (Some(false), Some(false), Some(true)));
        assert_eq!((tun.multi_queue, tun.owner, tun.group), (Some(false), None, None));
        assert_eq!(tun.unknown().count(), 0);
    });
}

#[test]
#[cfg(target_endian = "little")]
fn kinds_without_data() {
    data_of(fixtures::IFB0, |info| {
        assert_eq!((info.kind, info.data), (Some("ifb"), Some(LinkData::Ifb)));
    });
    data_of(fixtures::VETH0, |info| {
        assert!(matches!(info.data, Some(LinkData::Veth(v)) if v.peer().is_none()));
        assert_eq!((info.slave_kind, info.slave_data), (None, None));
    });
}

/// An `IFLA_LINKINFO` payload: the kind, then `IFLA_INFO_DATA` as `data` writes it.
fn linkinfo(kind: &str, data: impl FnOnce(&mut MessageBuilder<'_, Vec<u8>>)) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWLINK)).unwrap();
    b.attr_str(IFLA_INFO_KIND, kind).unwrap();
    let nest = b.nest(IFLA_INFO_DATA).unwrap();
    data(&mut b);
    b.nest_end(nest).unwrap();
    let _ = b.finish();
    buf[16..].to_vec()
}

#[test]
fn vlan_as_the_driver_fills_it() {
    // vlan_fill_info: protocol, id, flags (with a full mask), then the QoS maps.
    let raw = linkinfo("vlan", |b| {
        b.attr_be16(IFLA_VLAN_PROTOCOL, ETH_P_8021AD).unwrap();
        b.attr_u16(IFLA_VLAN_ID, 100).unwrap();
        let flags = [VLAN_FLAG_REORDER_HDR.to_ne_bytes(), u32::MAX.to_ne_bytes()].concat();
        b.attr(IFLA_VLAN_FLAGS, &flags).unwrap();
        let qos = b.nest(IFLA_VLAN_EGRESS_QOS).unwrap();
        b.attr(IFLA_VLAN_QOS_MAPPING, &[1, 0, 0, 0, 5, 0, 0, 0]).unwrap();
        b.nest_end(qos).unwrap();
    });
    assert_eq!(&raw[16..24], [6, 0, 5, 0, 0x88, 0xa8, 0, 0], "IFLA_VLAN_PROTOCOL is big-endian");
    let info = LinkInfo::parse(&raw).unwrap();
    let Some(LinkData::Vlan(v)) = info.data else { panic!("{:?}", info.data) };
    assert_eq!((v.id, v.protocol), (Some(100), Some(ETH_P_8021AD)));
    assert_eq!(v.flags, Some((VLAN_FLAG_REORDER_HDR, u32::MAX)));
    let map = Attrs::new(v.egress_qos.unwrap()).next().unwrap().unwrap();
    assert_eq!((map.kind(), map.payload().len()), (IFLA_VLAN_QOS_MAPPING, 8));
    assert_eq!((v.ingress_qos, v.unknown().count()), (None, 0));
}

#[test]
fn bond_as_the_driver_fills_it() {
    let raw = linkinfo("bond", |b| {
        b.attr_u8(IFLA_BOND_MODE, BOND_MODE_8023AD).unwrap();
        b.attr_u32(IFLA_BOND_MIIMON, 100).unwrap();
        b.attr_u32(IFLA_BOND_UPDELAY, 200).unwrap();
        b.attr_u32(IFLA_BOND_DOWNDELAY, 0).unwrap();
        b.attr_u32(IFLA_BOND_PEER_NOTIF_DELAY, 0).unwrap();
        b.attr_u8(IFLA_BOND_USE_CARRIER, 1).unwrap();
        b.attr_u8(IFLA_BOND_XMIT_HASH_POLICY, 1).unwrap();
        b.attr_u32(IFLA_BOND_MIN_LINKS, 2).unwrap();
        b.attr_u8(IFLA_BOND_AD_LACP_RATE, 1).unwrap();
    });
    let info = LinkInfo::parse(&raw).unwrap();
    let Some(LinkData::Bond(bond)) = info.data else { panic!("{:?}", info.data) };
    assert_eq!(
        (bond.mode, bond.miimon, bond.updelay),
        (Some(BOND_MODE_8023AD), Some(100), Some(200))
    );
    assert_eq!((bond.use_carrier, bond.xmit_hash_policy), (Some(true), Some(1)));
    assert_eq!((bond.min_links, bond.ad_lacp_rate, bond.active_slave), (Some(2), Some(1), None));
    let unknown: Vec<_> = bond.unknown().map(|a| a.kind()).collect();
    assert_eq!(unknown, [IFLA_BOND_PEER_NOTIF_DELAY]);
}

#[test]
fn other_kinds_keep_their_data_raw() {
    let raw = linkinfo("geneve", |b| b.attr_u32(IFLA_GENEVE_ID, 9).unwrap());
    let info = LinkInfo::parse(&raw).unwrap();
    let Some(LinkData::Other { kind, raw: data }) = info.data else { panic!("{:?}", info.data) };
    assert_eq!((kind, data), ("geneve", &raw[16..]));
    let mut only_kind = Vec::new();
    let mut b = MessageBuilder::new(&mut only_kind, Header::new(RTM_NEWLINK)).unwrap();
    b.attr_str(IFLA_INFO_KIND, "wireguard").unwrap();
    b.attr(0x3f0, b"x").unwrap();
    let _ = b.finish();
    let info = LinkInfo::parse(&only_kind[16..]).unwrap();
    assert_eq!((info.kind, info.data), (Some("wireguard"), None));
    assert_eq!(info.unknown().map(|a| a.kind()).collect::<Vec<_>>(), [0x3f0]);
}

#[test]
fn bad_kind_data_is_kept_raw_and_said() {
    let bad = |kind, error| vec![BadAttr { kind: Some(kind), error }];
    fn data(raw: &[u8]) -> Option<LinkData<'_>> {
        LinkInfo::parse(raw).expect("odd data does not cost the link").data
    }
    let raw = linkinfo("vxlan", |b| b.attr(IFLA_VXLAN_GROUP, &[10, 0, 0]).unwrap());
    let Some(LinkData::Vxlan(v)) = data(&raw) else { panic!("vxlan data") };
    let size = WireError::AttrSize { kind: IFLA_VXLAN_GROUP, want: 4, got: 3 };
    assert_eq!(v.malformed().collect::<Vec<_>>(), bad(IFLA_VXLAN_GROUP, size));
    let raw = linkinfo("vxlan", |b| b.attr(IFLA_VXLAN_LEARNING, &[1, 0]).unwrap());
    let Some(LinkData::Vxlan(v)) = data(&raw) else { panic!("vxlan data") };
    let size = WireError::AttrSize { kind: IFLA_VXLAN_LEARNING, want: 1, got: 2 };
    assert_eq!(v.malformed().collect::<Vec<_>>(), bad(IFLA_VXLAN_LEARNING, size));
    let raw = linkinfo("veth", |b| b.attr(VETH_INFO_PEER, &[0; 12]).unwrap());
    let Some(LinkData::Veth(v)) = data(&raw) else { panic!("veth data") };
    let cut = WireError::Truncated { need: 16, have: 12 };
    assert_eq!(v.malformed().collect::<Vec<_>>(), bad(VETH_INFO_PEER, cut));
    let raw = linkinfo("bridge", |b| b.attr_u32(IFLA_BR_PRIORITY, 1).unwrap());
    let Some(LinkData::Bridge(v)) = data(&raw) else { panic!("bridge data") };
    let size = WireError::AttrSize { kind: IFLA_BR_PRIORITY, want: 2, got: 4 };
    assert_eq!(v.malformed().collect::<Vec<_>>(), bad(IFLA_BR_PRIORITY, size));
}
