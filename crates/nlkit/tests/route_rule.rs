//! Rules against the real kernel, in a throwaway namespace.

mod common;

use common::TestNs;
use nlkit::rtnl::rule::{Range, RuleSpec};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::View;
use nlkit::rtnl::{AF_INET, AF_INET6};
use nlkit::{Conn, Error, Protocol};

#[test]
fn add_dump_and_delete_rules() {
    let ns = TestNs::new("rule");
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let spec = RuleSpec {
        priority: Some(100),
        src: Some(("10.0.0.0".parse().unwrap(), 8)),
        table: Some(1000),
        fwmark: Some((0x10, Some(0xff))),
        iifname: Some("lo".into()),
        uid_range: Some(Range { start: 1000, end: 2000 }),
        dport: Some(Range { start: 1000, end: 2000 }),
        ip_proto: Some(6),
        ..Default::default()
    };
    conn.rule_add(&spec).unwrap();
    let v6 = RuleSpec {
        priority: Some(5),
        invert: true,
        action: Some(FR_ACT_PROHIBIT),
        family: AF_INET6,
        ..Default::default()
    };
    conn.rule_add(&v6).unwrap();

    let mut seen = Vec::new();
    conn.rule_dump(AF_INET, |r| {
        seen.push((r.priority.unwrap_or(0), r.table));
        if r.priority == Some(100) {
            assert_eq!(r.src, spec.src.map(|s| s.0));
            assert_eq!((r.header.src_len, r.fwmark, r.fwmask), (8, Some(0x10), Some(0xff)));
            assert_eq!(r.iifname, Some("lo"));
            assert_eq!(r.uid_range, spec.uid_range);
            assert_eq!((r.dport, r.ip_proto), (spec.dport, Some(6)));
            assert_eq!(r.unknown().count(), 0, "this kernel sends nothing nlkit does not read");
        }
        Ok(())
    })
    .unwrap();
    let main = RT_TABLE_MAIN;
    assert_eq!(seen, [(0, RT_TABLE_LOCAL), (100, 1000), (32766, main), (32767, RT_TABLE_DEFAULT)]);
    let ip = common::output(&["ip", "-n", &ns.name, "rule", "show"]);
    assert!(ip.contains("100:\tfrom 10.0.0.0/8 fwmark 0x10/0xff iif lo uidrange 1000-2000 ipproto tcp dport 1000-2000 lookup 1000"), "{ip}");
    let mut v6seen = Vec::new();
    conn.rule_dump(AF_INET6, |r| {
        v6seen.push((r.priority, r.inverted(), r.header.action));
        Ok(())
    })
    .unwrap();
    assert!(v6seen.contains(&(Some(5), true, FR_ACT_PROHIBIT)));

    conn.rule_del(&spec).unwrap();
    let err = conn.rule_del(&spec).unwrap_err();
    assert!(matches!(err, Error::Kernel(ref k) if k.errno == libc::ENOENT), "{err:?}");
    let mut n = 0;
    conn.rule_dump(AF_INET, |_| {
        n += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(n, 3);
}
