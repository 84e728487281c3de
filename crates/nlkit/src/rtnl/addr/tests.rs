//! `RTM_NEWADDR` payloads captured from a 6.18 kernel (`nlkit -j raw send
//! --type 22 --flags REQUEST,DUMP` in a scratch namespace), fed to the parser
//! and the emitter.

use super::*;
use crate::rtnl::BadAttr;
use crate::rtnl::View;
use crate::rtnl::{fixture_message, unhex, AF_INET, AF_INET6};
use crate::testing::{self, Fake};
use nlkit_wire::Flags;
use nlkit_wire::{Header, Messages};

/// `ip addr add 192.0.2.1/24 broadcast 192.0.2.255 dev veth0 label veth0:lbl`.
const V4_LABEL_BROADCAST: &str =
    "021880000300000008000100c000020108000200c000020108000400c00002ff0e00030076657468\
    303a6c626c000000080008008000000014000600ffffffffffffffffd5580300d5580300";
/// `ip -6 addr add 2001:db8::1/64 dev veth0 nodad valid_lft 100 preferred_lft 50`,
/// dumped a few seconds later.
const V6_LIFETIMES: &str =
    "0a400200030000001400010020010db8000000000000000000000001140006002c0000005e000000\
    d5580300d55803000800080002000000";
/// A kernel-made link-local address, with `IFA_PROTO`.
const V6_LINK_LOCAL: &str =
    "0a4080fd0200000014000100fe80000000000000901436fffe085dd214000600ffffffffffffffff\
    d5580300d5580300080008008000000005000b0003000000";

fn parse_with<R>(bytes: &[u8], f: impl FnOnce(Address<'_>) -> R) -> R {
    let msg = Messages::new(bytes).next().unwrap().unwrap();
    f(Address::parse(&msg).unwrap())
}

fn emitted(a: &Address<'_>, header: Header) -> Vec<u8> {
    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, header).unwrap();
    a.emit(&mut b).unwrap();
    let _ = b.finish();
    out
}

fn roundtrips(bytes: &[u8]) {
    let msg = Messages::new(bytes).next().unwrap().unwrap();
    let a = Address::parse(&msg).unwrap();
    assert_eq!(emitted(&a, msg.header()), bytes, "parse then emit gives back the bytes");
}

#[test]
fn ipv4_with_label_and_broadcast() {
    let bytes = fixture_message(RTM_NEWADDR, V4_LABEL_BROADCAST);
    parse_with(&bytes, |a| {
        assert_eq!((a.family(), a.prefixlen(), a.scope(), a.index()), (AF_INET, 24, 0, 3));
        assert_eq!(a.local, Some("192.0.2.1".parse().unwrap()));
        assert_eq!(a.address, a.local);
        assert_eq!(a.local_address(), a.local);
        assert_eq!(a.peer(), None);
        assert_eq!(a.broadcast, Some("192.0.2.255".parse().unwrap()));
        assert_eq!(a.label, Some("veth0:lbl"));
        assert!(a.has_flag(IFA_F_PERMANENT));
        let ci = a.cacheinfo.unwrap();
        assert_eq!((ci.valid, ci.preferred), (LIFETIME_FOREVER, LIFETIME_FOREVER));
        assert_eq!(ci.cstamp, 0x358d5);
        assert_eq!(a.unknown().count(), 0);
    });
    roundtrips(&bytes);
}

#[test]
fn ipv6_with_lifetimes_and_flags() {
    let bytes = fixture_message(RTM_NEWADDR, V6_LIFETIMES);
    parse_with(&bytes, |a| {
        assert_eq!((a.family(), a.prefixlen(), a.scope(), a.index()), (AF_INET6, 64, 0, 3));
        assert_eq!(a.local, None);
        assert_eq!(a.local_address(), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(a.flags, IFA_F_NODAD);
        assert!(!a.has_flag(IFA_F_PERMANENT), "lifetimes make it dynamic");
        let ci = a.cacheinfo.unwrap();
        assert_eq!((ci.preferred, ci.valid), (44, 94));
        assert_eq!((a.label, a.proto), (None, None));
    });
    roundtrips(&bytes);
    let bytes = fixture_message(RTM_NEWADDR, V6_LINK_LOCAL);
    parse_with(&bytes, |a| {
        assert_eq!((a.scope(), a.proto), (RT_SCOPE_LINK, Some(IFAPROT_KERNEL_LL)));
        assert_eq!(a.local_address(), Some("fe80::9014:36ff:fe08:5dd2".parse().unwrap()));
        assert_eq!(a.flags, IFA_F_PERMANENT);
    });
    roundtrips(&bytes);
}

#[test]
fn unknown_attributes_are_kept() {
    let mut bytes = Vec::new();
    let mut b = MessageBuilder::new(&mut bytes, Header::new(RTM_NEWADDR)).unwrap();
    b.append(&unhex(V4_LABEL_BROADCAST)).unwrap();
    b.attr(0x3f0, b"future\0").unwrap();
    b.attr_u32(IFA_RT_PRIORITY, 7).unwrap();
    let _ = b.finish();
    parse_with(&bytes, |a| {
        let unknown: Vec<_> = a.unknown().map(|u| (u.kind(), u.payload())).collect();
        assert_eq!(unknown, [(0x3f0, &b"future\0"[..])]);
        assert_eq!(a.rt_priority, Some(7), "attributes after it are still read");
        assert_eq!(a.attrs().count(), 8);
    });
    roundtrips(&bytes);
}

/// A message of `RTM_NEWADDR` with `header` and one attribute.
fn with_attr(header: AddrHeader, kind: u16, payload: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut b = MessageBuilder::new(&mut bytes, Header::new(RTM_NEWADDR)).unwrap();
    b.append(&header.to_bytes()).unwrap();
    b.attr(kind, payload).unwrap();
    let _ = b.finish();
    bytes
}

fn parse_err(bytes: &[u8]) -> WireError {
    let msg = Messages::new(bytes).next().unwrap().unwrap();
    Address::parse(&msg).unwrap_err()
}

#[test]
fn bad_bytes_are_kept_raw_and_said_not_fatal() {
    let v4 = AddrHeader { family: AF_INET, ..Default::default() };
    let v6 = AddrHeader { family: AF_INET6, ..Default::default() };
    let short = fixture_message(RTM_NEWADDR, "0218800003");
    assert_eq!(parse_err(&short), WireError::Truncated { need: 8, have: 5 });
    let malformed = |bytes: &[u8]| -> Vec<BadAttr> {
        let msg = Messages::new(bytes).next().unwrap().unwrap();
        Address::parse(&msg).expect("one odd attribute").malformed().collect()
    };
    let size = |kind, want, got| {
        vec![BadAttr { kind: Some(kind), error: WireError::AttrSize { kind, want, got } }]
    };
    assert_eq!(malformed(&with_attr(v4, IFA_LOCAL, &[10, 0, 0])), size(IFA_LOCAL, 4, 3));
    assert_eq!(malformed(&with_attr(v6, IFA_ADDRESS, &[0; 4])), size(IFA_ADDRESS, 16, 4));
    assert_eq!(malformed(&with_attr(v6, IFA_CACHEINFO, &[0; 12])), size(IFA_CACHEINFO, 16, 12));
    assert_eq!(malformed(&with_attr(v4, IFA_FLAGS, &[1])), size(IFA_FLAGS, 4, 1));
    let label = malformed(&with_attr(v4, IFA_LABEL, b"\xff\0"));
    assert!(matches!(label[..], [BadAttr { error: WireError::NotUtf8 { .. }, .. }]));
    // An attribute whose length runs past the end of the message: the
    // framing breaks there, what came before is read.
    let mut cut = fixture_message(RTM_NEWADDR, V4_LABEL_BROADCAST);
    cut[16 + 8] = 200;
    let e = malformed(&cut);
    assert!(matches!(
        e[..],
        [BadAttr { kind: None, error: WireError::Truncated { need: 200, .. } }]
    ));
    // Every prefix of a real message is either an error or a shorter address.
    let full = fixture_message(RTM_NEWADDR, V6_LINK_LOCAL);
    for len in 16..full.len() {
        let mut m = full[..len].to_vec();
        m[..4].copy_from_slice(&(len as u32).to_ne_bytes());
        let msg = Messages::new(&m).next().unwrap().unwrap();
        let _ = Address::parse(&msg);
    }
    // Other families' addresses stay raw rather than failing.
    let other = AddrHeader { family: 7, ..Default::default() };
    parse_with(&with_attr(other, IFA_ADDRESS, &[1, 2, 3]), |a| assert_eq!(a.address, None));
}

fn spec_message(spec: &AddrSpec, del: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut b = MessageBuilder::new(&mut bytes, Header::new(RTM_NEWADDR)).unwrap();
    if del {
        spec.emit_del(&mut b).unwrap();
    } else {
        spec.emit(&mut b).unwrap();
    }
    let _ = b.finish();
    bytes
}

#[test]
fn spec_emits_what_parse_reads() {
    let spec = AddrSpec {
        broadcast: Some("10.1.2.255".parse().unwrap()),
        label: Some("eth0:x".into()),
        flags: IFA_F_NOPREFIXROUTE | IFA_F_NODAD,
        lifetimes: Some(Lifetimes { valid: 100, preferred: 50 }),
        metric: Some(20),
        proto: Some(IFAPROT_KERNEL_RA),
        ..AddrSpec::new(4, "10.1.2.3".parse().unwrap(), 24)
    };
    parse_with(&spec_message(&spec, false), |a| {
        assert_eq!((a.family(), a.prefixlen(), a.index(), a.scope()), (AF_INET, 24, 4, 0));
        assert_eq!(a.header.flags, IFA_F_NODAD as u8, "the header holds the low 8 bits");
        assert_eq!(a.flags, IFA_F_NOPREFIXROUTE | IFA_F_NODAD);
        assert_eq!((a.local, a.address), (Some(spec.address), Some(spec.address)));
        assert_eq!((a.broadcast, a.label), (spec.broadcast, Some("eth0:x")));
        let ci = a.cacheinfo.unwrap();
        assert_eq!((ci.valid, ci.preferred), (100, 50));
        assert_eq!((a.rt_priority, a.proto), (Some(20), Some(IFAPROT_KERNEL_RA)));
        assert_eq!(a.unknown().count(), 0);
    });
    let p2p = AddrSpec {
        peer: Some("10.9.9.9".parse().unwrap()),
        ..AddrSpec::new(4, "127.0.0.2".parse().unwrap(), 32)
    };
    parse_with(&spec_message(&p2p, true), |a| {
        assert_eq!(a.scope(), RT_SCOPE_HOST, "loopback addresses default to host scope");
        assert_eq!(a.peer(), p2p.peer);
        assert_eq!(a.local_address(), Some(p2p.address));
        assert_eq!((a.cacheinfo, a.attrs().count()), (None, 2), "a delete only names it");
    });
    let v6 = AddrSpec::new(1, "2001:db8::5".parse().unwrap(), 64);
    parse_with(&spec_message(&v6, false), |a| assert_eq!(a.family(), AF_INET6));
}

#[test]
fn dump_asks_the_kernel_to_filter_and_checks_again() {
    let mut conn = Conn::new(Fake::new(|req| {
        let h = AddrHeader::parse(req.payload()).unwrap();
        assert_eq!((h.family, h.index, req.payload().len()), (AF_INET, 3, ADDR_HEADER_LEN));
        // A kernel without strict checking ignores the index: both come back.
        let other = unhex(&V4_LABEL_BROADCAST.replacen("03000000", "05000000", 1));
        vec![
            testing::reply(&req, RTM_NEWADDR, Flags::MULTI, &unhex(V4_LABEL_BROADCAST)),
            testing::reply(&req, RTM_NEWADDR, Flags::MULTI, &other),
            testing::done(&req),
        ]
    }));
    let mut seen = Vec::new();
    conn.addr_dump(AF_INET, 3, |a| {
        seen.push((a.index(), a.label.map(str::to_owned)));
        Ok(())
    })
    .unwrap();
    assert_eq!(seen, [(3, Some("veth0:lbl".to_owned()))]);
}
