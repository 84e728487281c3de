//! Addresses against the real kernel, one throwaway namespace per test.

mod common;

use common::TestNs;
use nlkit::rtnl::addr::{AddrHeader, AddrSpec, Address, Lifetimes, LIFETIME_FOREVER};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::View;
use nlkit::rtnl::{AF_INET, AF_INET6, AF_UNSPEC};
use nlkit::wire::Flags;
use nlkit::{Conn, Error, Protocol};
use serde_json::Value;
use std::net::IpAddr;

/// A namespace with a veth pair (veth0, veth1) up, without IPv6 link-local
/// addresses (so nothing appears behind the tests' back). Returns the
/// namespace and both interface indexes.
fn setup(tag: &str) -> (TestNs, u32, u32) {
    let ns = TestNs::new(tag);
    ns.exec(&["ip", "link", "add", "veth0", "type", "veth", "peer", "name", "veth1"]);
    for dev in ["veth0", "veth1"] {
        ns.exec(&["ip", "link", "set", dev, "addrgenmode", "none"]);
        ns.exec(&["ip", "link", "set", dev, "up"]);
    }
    let (a, b) = (ifindex(&ns, "veth0"), ifindex(&ns, "veth1"));
    (ns, a, b)
}

fn ifindex(ns: &TestNs, dev: &str) -> u32 {
    let out = common::output(&["ip", "-n", &ns.name, "-j", "link", "show", dev]);
    let v: Value = serde_json::from_str(&out).unwrap();
    v[0]["ifindex"].as_u64().unwrap() as u32
}

/// What the tests compare of an address, owned.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Seen {
    index: u32,
    family: u8,
    local: IpAddr,
    prefixlen: u8,
    scope: u8,
    label: Option<String>,
    broadcast: Option<IpAddr>,
    flags: u32,
    valid: u32,
    preferred: u32,
}

impl Seen {
    fn of(a: &Address<'_>) -> Seen {
        let ci = a.cacheinfo.unwrap_or_default();
        Seen {
            index: a.index(),
            family: a.family(),
            local: a.local_address().unwrap(),
            prefixlen: a.prefixlen(),
            scope: a.scope(),
            label: a.label.map(str::to_owned),
            broadcast: a.broadcast,
            flags: a.flags,
            valid: ci.valid,
            preferred: ci.preferred,
        }
    }
}

fn dump(conn: &mut Conn, family: u8, index: u32) -> Vec<Seen> {
    let mut seen = Vec::new();
    conn.addr_dump(family, index, |a| {
        assert_eq!(a.unknown().count(), 0, "this kernel sends nothing nlkit does not read");
        seen.push(Seen::of(a));
        Ok(())
    })
    .unwrap();
    seen.sort();
    seen
}

fn find(seen: &[Seen], addr: &str) -> Option<Seen> {
    let addr: IpAddr = addr.parse().unwrap();
    seen.iter().find(|s| s.local == addr).cloned()
}

fn errno(e: &Error) -> i32 {
    e.errno().unwrap_or_else(|| panic!("no errno in {e:?}"))
}

#[test]
fn add_replace_and_delete_addresses() {
    let (ns, veth0, _) = setup("addr");
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let v4 = AddrSpec {
        broadcast: Some("10.20.0.255".parse().unwrap()),
        label: Some("veth0:a".into()),
        ..AddrSpec::new(veth0, "10.20.0.1".parse().unwrap(), 24)
    };
    let v6 = AddrSpec {
        flags: IFA_F_NODAD,
        lifetimes: Some(Lifetimes { valid: 100, preferred: 50 }),
        ..AddrSpec::new(veth0, "2001:db8:20::1".parse().unwrap(), 64)
    };
    conn.addr_add(&v4).unwrap();
    conn.addr_add(&v6).unwrap();

    let seen = dump(&mut conn, AF_UNSPEC, veth0);
    let a = find(&seen, "10.20.0.1").expect("v4 address");
    assert_eq!((a.family, a.prefixlen, a.scope), (AF_INET, 24, RT_SCOPE_UNIVERSE));
    assert_eq!((a.label.as_deref(), a.broadcast), (Some("veth0:a"), v4.broadcast));
    assert!(a.flags & IFA_F_PERMANENT != 0);
    assert_eq!((a.valid, a.preferred), (LIFETIME_FOREVER, LIFETIME_FOREVER));
    let b = find(&seen, "2001:db8:20::1").expect("v6 address");
    assert_eq!((b.family, b.prefixlen, b.scope, b.label), (AF_INET6, 64, RT_SCOPE_UNIVERSE, None));
    assert!(b.flags & IFA_F_NODAD != 0 && b.flags & IFA_F_PERMANENT == 0, "{:#x}", b.flags);
    assert!(b.valid <= 100 && b.valid >= 90, "valid_lft {}", b.valid);
    assert!(b.preferred <= 50 && b.preferred >= 40, "preferred_lft {}", b.preferred);

    let err = conn.addr_add(&v4).unwrap_err();
    assert_eq!(errno(&err), libc::EEXIST, "{err}");

    let longer = Lifetimes { valid: 300, preferred: 200 };
    conn.addr_replace(&AddrSpec { lifetimes: Some(longer), ..v4.clone() }).unwrap();
    conn.addr_replace(&AddrSpec { lifetimes: Some(longer), ..v6.clone() }).unwrap();
    let seen = dump(&mut conn, AF_UNSPEC, veth0);
    for addr in ["10.20.0.1", "2001:db8:20::1"] {
        let s = find(&seen, addr).unwrap();
        assert!(s.valid <= 300 && s.valid > 100, "{addr}: valid_lft {}", s.valid);
        assert!(s.preferred <= 200 && s.preferred > 50, "{addr}: preferred_lft {}", s.preferred);
    }
    let ip = common::output(&["ip", "-n", &ns.name, "addr", "show", "dev", "veth0"]);
    assert!(ip.contains("inet 10.20.0.1/24 brd 10.20.0.255 scope global dynamic veth0:a"), "{ip}");

    conn.addr_del(&v4).unwrap();
    let err = conn.addr_del(&v4).unwrap_err();
    assert_eq!(errno(&err), libc::EADDRNOTAVAIL, "{err}");
    conn.addr_del(&v6).unwrap();
    let left = dump(&mut conn, AF_UNSPEC, veth0);
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn dump_filtered_by_interface() {
    let (ns, veth0, veth1) = setup("addrif");
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    for (index, addr) in [(veth0, "10.30.0.1"), (veth1, "10.30.1.1"), (veth1, "2001:db8:31::1")] {
        let spec =
            AddrSpec { flags: IFA_F_NODAD, ..AddrSpec::new(index, addr.parse().unwrap(), 24) };
        conn.addr_add(&spec).unwrap();
    }
    let one = dump(&mut conn, AF_UNSPEC, veth1);
    let locals: Vec<_> = one.iter().map(|s| (s.index, s.local.to_string())).collect();
    assert_eq!(locals, [(veth1, "10.30.1.1".into()), (veth1, "2001:db8:31::1".into())]);
    assert_eq!(dump(&mut conn, AF_INET6, veth1).len(), 1);
    assert_eq!(dump(&mut conn, AF_INET, veth0).len(), 1);
    let all = dump(&mut conn, AF_UNSPEC, 0);
    assert_eq!(all.len(), 3, "ours only (lo is down): {all:?}");

    // The kernel did the filtering, and said so.
    let header = AddrHeader { family: AF_INET, index: veth1, ..Default::default() };
    let mut flags = Vec::new();
    conn.dump(
        RTM_GETADDR,
        |b| b.append(&header.to_bytes()),
        |m| {
            flags.push(m.flags().contains(Flags::DUMP_FILTERED));
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(flags, [true]);

    // Strict checking refuses a prefix length in a dump request, with a reason.
    let bad = AddrHeader { family: AF_INET, prefixlen: 24, ..Default::default() };
    let err = conn.dump(RTM_GETADDR, |b| b.append(&bad.to_bytes()), |_| Ok(())).unwrap_err();
    match err {
        Error::Kernel(k) => {
            assert_eq!(k.errno, libc::EINVAL);
            assert!(k.message.as_deref().is_some_and(|m| m.contains("Invalid values")), "{k}");
        }
        other => panic!("{other:?}"),
    }
}

fn scope_name(scope: u8) -> String {
    match scope {
        RT_SCOPE_UNIVERSE => "global".into(),
        RT_SCOPE_SITE => "site".into(),
        RT_SCOPE_LINK => "link".into(),
        RT_SCOPE_HOST => "host".into(),
        RT_SCOPE_NOWHERE => "nowhere".into(),
        n => n.to_string(),
    }
}

type Key = (u32, String, String, u8, String, Option<String>, Option<String>);

#[test]
fn dump_agrees_with_ip_json() {
    let (ns, veth0, veth1) = setup("addrjson");
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    ns.exec(&["ip", "link", "set", "lo", "up"]);
    let specs = [
        AddrSpec {
            broadcast: Some("10.40.0.255".parse().unwrap()),
            label: Some("veth0:x".into()),
            ..AddrSpec::new(veth0, "10.40.0.1".parse().unwrap(), 24)
        },
        AddrSpec {
            scope: Some(RT_SCOPE_LINK),
            ..AddrSpec::new(veth1, "10.40.1.1".parse().unwrap(), 16)
        },
        AddrSpec {
            flags: IFA_F_NODAD,
            ..AddrSpec::new(veth1, "2001:db8:41::1".parse().unwrap(), 64)
        },
        AddrSpec {
            flags: IFA_F_NODAD,
            lifetimes: Some(Lifetimes { valid: 1000, preferred: 500 }),
            ..AddrSpec::new(veth0, "fe80::1".parse().unwrap(), 64)
        },
    ];
    for s in &specs {
        conn.addr_add(s).unwrap();
    }
    let mut ours: Vec<Key> = dump(&mut conn, AF_UNSPEC, 0)
        .into_iter()
        .map(|s| {
            let family = if s.family == AF_INET { "inet" } else { "inet6" };
            let bcast = s.broadcast.map(|b| b.to_string());
            (
                s.index,
                family.into(),
                s.local.to_string(),
                s.prefixlen,
                scope_name(s.scope),
                s.label,
                bcast,
            )
        })
        .collect();
    let out = common::output(&["ip", "-n", &ns.name, "-j", "addr", "show"]);
    let links: Value = serde_json::from_str(&out).unwrap();
    let mut theirs: Vec<Key> = Vec::new();
    for link in links.as_array().unwrap() {
        let index = link["ifindex"].as_u64().unwrap() as u32;
        for a in link["addr_info"].as_array().unwrap() {
            let s = |k: &str| a[k].as_str().map(str::to_owned);
            theirs.push((
                index,
                s("family").unwrap(),
                s("local").unwrap(),
                a["prefixlen"].as_u64().unwrap() as u8,
                s("scope").unwrap(),
                s("label"),
                s("broadcast"),
            ));
        }
    }
    ours.sort();
    theirs.sort();
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 6, "lo's two and the four added");
}
