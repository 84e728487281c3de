use super::*;
use nlkit_wire::{Header, Messages};

#[test]
fn generated_numbers_match_the_pinned_header() {
    let header =
        include_str!("../../../../../tools/uapi/linux-6.1/linux/netfilter/nfnetlink_conntrack.h");
    let ours: [(&str, i64); 18] = [
        ("IPCTNL_MSG_CT_GET_STATS_CPU", IPCTNL_MSG_CT_GET_STATS_CPU.into()),
        ("IPCTNL_MSG_CT_GET_STATS", IPCTNL_MSG_CT_GET_STATS.into()),
        ("CTA_STATS_GLOBAL_ENTRIES", CTA_STATS_GLOBAL_ENTRIES.into()),
        ("IPCTNL_MSG_CT_NEW", IPCTNL_MSG_CT_NEW.into()),
        ("IPCTNL_MSG_CT_GET", IPCTNL_MSG_CT_GET.into()),
        ("IPCTNL_MSG_CT_DELETE", IPCTNL_MSG_CT_DELETE.into()),
        ("CTA_TUPLE_ORIG", CONNTRACK_ATTRS_TUPLE_ORIG.into()),
        ("CTA_TUPLE_REPLY", CONNTRACK_ATTRS_TUPLE_REPLY.into()),
        ("CTA_STATUS", CONNTRACK_ATTRS_STATUS.into()),
        ("CTA_TIMEOUT", CONNTRACK_ATTRS_TIMEOUT.into()),
        ("CTA_MARK", CONNTRACK_ATTRS_MARK.into()),
        ("CTA_USE", CONNTRACK_ATTRS_USE.into()),
        ("CTA_ZONE", CONNTRACK_ATTRS_ZONE.into()),
        ("CTA_LABELS", CONNTRACK_ATTRS_LABELS.into()),
        ("CTA_TUPLE_IP", TUPLE_ATTRS_TUPLE_IP.into()),
        ("CTA_IP_V6_DST", TUPLE_IP_ATTRS_IP_V6_DST.into()),
        ("CTA_PROTO_ICMPV6_CODE", TUPLE_PROTO_ATTRS_PROTO_ICMPV6_CODE.into()),
        ("CTA_PROTOINFO_TCP_STATE", PROTOINFO_TCP_ATTRS_TCP_STATE.into()),
    ];
    crate::proto::uapi_check::check(header, &ours);
    let groups = include_str!("../../../../../tools/uapi/linux-6.1/linux/netfilter/nfnetlink.h");
    let ours: [(&str, i64); 3] = [
        ("NFNLGRP_CONNTRACK_NEW", NFNLGRP_CONNTRACK_NEW.into()),
        ("NFNLGRP_CONNTRACK_UPDATE", NFNLGRP_CONNTRACK_UPDATE.into()),
        ("NFNLGRP_CONNTRACK_DESTROY", NFNLGRP_CONNTRACK_DESTROY.into()),
    ];
    crate::proto::uapi_check::check(groups, &ours);
}

/// A get reply for a TCP connection, as the kernel writes it.
fn reply() -> Vec<u8> {
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(0x100u16)).unwrap();
    b.append(&nfgenmsg(libc::AF_INET as u8)).unwrap();
    let orig = Tuple {
        src: Some("10.0.0.1".parse().unwrap()),
        dst: Some("10.0.0.2".parse().unwrap()),
        proto: 6,
        sport: Some(1234),
        dport: Some(80),
        ..Tuple::default()
    };
    orig.emit(&mut b, CONNTRACK_ATTRS_TUPLE_ORIG).unwrap();
    let reply =
        Tuple { src: orig.dst, dst: orig.src, sport: orig.dport, dport: orig.sport, ..orig };
    reply.emit(&mut b, CONNTRACK_ATTRS_TUPLE_REPLY).unwrap();
    b.attr_be32(CONNTRACK_ATTRS_STATUS, nf_ct_status::ASSURED | nf_ct_status::CONFIRMED).unwrap();
    b.attr_be32(CONNTRACK_ATTRS_TIMEOUT, 99).unwrap();
    let info = b.nest(CONNTRACK_ATTRS_PROTOINFO).unwrap();
    let tcp = b.nest(PROTOINFO_ATTRS_PROTOINFO_TCP).unwrap();
    b.attr_u8(PROTOINFO_TCP_ATTRS_TCP_STATE, 3).unwrap();
    b.nest_end(tcp).unwrap();
    b.nest_end(info).unwrap();
    b.attr_be32(CONNTRACK_ATTRS_MARK, 7).unwrap();
    b.attr_be32(CONNTRACK_ATTRS_USE, 1).unwrap();
    b.attr(99, b"unknown kept").unwrap();
    let range = b.finish();
    buf[range].to_vec()
}

#[test]
fn an_entry_reads_as_the_kernel_wrote_it() {
    let bytes = reply();
    let msg = Messages::new(&bytes).next().unwrap().unwrap();
    let e = Entry::parse(&msg).unwrap();
    assert_eq!(e.family, libc::AF_INET as u8);
    assert_eq!(e.orig.src, Some("10.0.0.1".parse().unwrap()));
    assert_eq!((e.orig.sport, e.orig.dport, e.reply.sport), (Some(1234), Some(80), Some(80)));
    assert_eq!((e.timeout, e.tcp_state, e.mark, e.use_), (Some(99), Some(3), Some(7), Some(1)));
    assert_eq!(e.status, Some(nf_ct_status::ASSURED | nf_ct_status::CONFIRMED));
}

#[test]
fn truncated_replies_are_errors_never_panics() {
    let bytes = reply();
    for cut in 20..bytes.len() {
        let mut b = bytes[..cut].to_vec();
        b[..4].copy_from_slice(&(cut as u32).to_ne_bytes());
        if let Some(Ok(m)) = Messages::new(&b).next() {
            let _ = Entry::parse(&m);
        }
    }
}
