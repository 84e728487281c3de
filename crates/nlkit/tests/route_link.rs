//! Links against the real kernel, each test in its own throwaway namespace:
//! create every kind this kernel has a driver for, read each field back,
//! change, filter, move and delete them, and compare with `ip -j -d link`.

mod common;

use common::TestNs;
use nlkit::rtnl::link::info::LinkData;
use nlkit::rtnl::link::{
    BridgeSpec, Link, LinkFilter, LinkKind, LinkSpec, NetnsTarget, OperState, VxlanSpec,
};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::View;
use nlkit::wire::Flags;
use nlkit::{Conn, Error, Protocol};
use std::net::IpAddr;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

fn conn(ns: &TestNs) -> Conn {
    Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap()
}

/// Reads one link by name into whatever `f` takes from it.
fn get<R>(conn: &mut Conn, name: &str, f: impl FnOnce(&Link<'_>) -> R) -> Result<R, Error> {
    let mut f = Some(f);
    let mut out = None;
    conn.link_get_by_name(name, |l| {
        out = f.take().map(|f| f(l));
        Ok(())
    })?;
    Ok(out.expect("one reply"))
}

fn index(conn: &mut Conn, name: &str) -> u32 {
    get(conn, name, |l| l.index()).unwrap()
}

/// Names of the links a dump with `filter` returns, sorted.
fn names(conn: &mut Conn, filter: LinkFilter<'_>) -> Vec<String> {
    let mut out = Vec::new();
    conn.link_dump(&filter, |l| {
        out.push(l.name.unwrap_or_default().to_owned());
        Ok(())
    })
    .unwrap();
    out.sort();
    out
}

fn veth(conn: &mut Conn, name: &str, peer: &str) {
    conn.link_add(&LinkSpec::new(name, LinkKind::Veth { peer: Some(peer.into()) })).unwrap();
}

fn set(conn: &mut Conn, spec: LinkSpec) {
    conn.link_set(&spec).unwrap();
}

fn kernel_errno(e: &Error) -> i32 {
    match e {
        Error::Kernel(k) => k.errno,
        other => panic!("not a kernel error: {other:?}"),
    }
}

#[test]
fn veth_pair_bridge_and_master() {
    let ns = TestNs::new("link-br");
    let mut c = conn(&ns);
    veth(&mut c, "v0", "v1");
    let bridge = BridgeSpec { stp_state: Some(0), forward_delay: Some(400), ..Default::default() };
    c.link_add(&LinkSpec::new("br0", LinkKind::Bridge(bridge))).unwrap();
    let (v0, v1, br) = (index(&mut c, "v0"), index(&mut c, "v1"), index(&mut c, "br0"));

    get(&mut c, "v0", |l| {
        assert_eq!((l.kind(), l.link, l.master), (Some("veth"), Some(v1), None));
        assert_eq!(
            (l.header.link_type, l.mtu, l.address.map(<[u8]>::len)),
            (ARPHRD_ETHER, Some(1500), Some(6))
        );
        assert!(matches!(l.data(), Some(LinkData::Veth(_))));
        assert!(!l.is_up());
        assert_eq!(l.operstate, Some(OperState::Down));
    })
    .unwrap();
    get(&mut c, "br0", |l| {
        let Some(LinkData::Bridge(b)) = l.data() else { panic!() };
        assert_eq!((b.stp_state, b.forward_delay), (Some(0), Some(400)));
        assert_eq!((b.hello_time, b.priority), (Some(200), Some(32768)));
    })
    .unwrap();

    set(&mut c, LinkSpec { master: Some(br), ..LinkSpec::by_name("v1") });
    get(&mut c, "v1", |l| {
        assert_eq!(l.master, Some(br));
        let info = l.linkinfo.unwrap();
        assert_eq!((info.kind, info.slave_kind), (Some("veth"), Some("bridge")));
        assert!(info.slave_attrs().find(IFLA_BRPORT_STATE).unwrap().is_some());
    })
    .unwrap();
    assert_eq!(
        names(&mut c, LinkFilter { master: Some(br), kind: None, ..Default::default() }),
        ["v1"]
    );
    assert_eq!(
        names(&mut c, LinkFilter { master: Some(v0), kind: None, ..Default::default() }),
        Vec::<String>::new()
    );

    for name in ["v1", "v0", "br0"] {
        set(&mut c, LinkSpec { up: Some(true), ..LinkSpec::by_name(name) });
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let (up, state) = get(&mut c, "v0", |l| (l.is_up(), l.operstate)).unwrap();
        assert!(up);
        if state == Some(OperState::Up) {
            break;
        }
        assert!(Instant::now() < deadline, "v0 still {state:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
    get(&mut c, "v0", |l| assert_eq!(l.carrier, Some(true))).unwrap();

    set(&mut c, LinkSpec { master: Some(0), ..LinkSpec::by_index(v1) });
    assert!(
        names(&mut c, LinkFilter { master: Some(br), kind: None, ..Default::default() }).is_empty()
    );
    get(&mut c, "v1", |l| assert_eq!(l.master, None)).unwrap();

    set(&mut c, LinkSpec { up: Some(false), ..LinkSpec::by_index(v0) });
    get(&mut c, "v0", |l| assert!(!l.is_up())).unwrap();
}

#[test]
fn macvlan_vxlan_ifb_and_tap() {
    let ns = TestNs::new("link-kinds");
    let mut c = conn(&ns);
    veth(&mut c, "v0", "v1");
    let v0 = index(&mut c, "v0");
    let mv = LinkKind::Macvlan { link: v0, mode: Some(MACVLAN_MODE_BRIDGE), tap: false };
    c.link_add(&LinkSpec::new("mv0", mv)).unwrap();
    let local: IpAddr = "192.0.2.1".parse().unwrap();
    let remote: IpAddr = "198.51.100.7".parse().unwrap();
    let vx = VxlanSpec {
        id: 42,
        port: Some(4789),
        dev: Some(v0),
        local: Some(local),
        remote: Some(remote),
        learning: Some(false),
        ttl: Some(16),
    };
    c.link_add(&LinkSpec::new("vx0", LinkKind::Vxlan(vx))).unwrap();
    c.link_add(&LinkSpec::new("ifb0", LinkKind::Ifb)).unwrap();
    ns.exec(&["ip", "tuntap", "add", "mode", "tap", "tap0"]);

    get(&mut c, "mv0", |l| {
        assert_eq!((l.kind(), l.link), (Some("macvlan"), Some(v0)));
        let Some(LinkData::Macvlan(m)) = l.data() else { panic!() };
        assert_eq!((m.mode, m.flags), (Some(MACVLAN_MODE_BRIDGE), Some(0)));
    })
    .unwrap();
    get(&mut c, "vx0", |l| {
        let Some(LinkData::Vxlan(d)) = l.data() else { panic!() };
        assert_eq!((d.id, d.port, d.link, d.ttl), (Some(42), Some(4789), Some(v0), Some(16)));
        assert_eq!((d.local, d.group, d.learning), (Some(local), Some(remote), Some(false)));
        assert_eq!(l.mtu, Some(1450), "1500 less the VXLAN overhead");
    })
    .unwrap();
    get(&mut c, "ifb0", |l| {
        assert_eq!(l.data(), Some(LinkData::Ifb));
        assert_eq!(l.txqlen, Some(32));
    })
    .unwrap();
    get(&mut c, "tap0", |l| {
        assert_eq!(l.kind(), Some("tun"));
        let Some(LinkData::Tun(t)) = l.data() else { panic!() };
        assert!(t.is_tap());
        assert_eq!(
            (t.persist, t.pi, t.vnet_hdr, t.multi_queue),
            (Some(true), Some(false), Some(false), Some(false))
        );
    })
    .unwrap();

    let kind = |k| LinkFilter { master: None, kind: Some(k), ..Default::default() };
    assert_eq!(names(&mut c, kind("vxlan")), ["vx0"]);
    assert_eq!(names(&mut c, kind("veth")), ["v0", "v1"]);
    assert_eq!(names(&mut c, kind("tun")), ["tap0"]);
    assert!(
        names(&mut c, kind("no-such-kind")).is_empty(),
        "the kernel ignores it; nlkit does not"
    );
    assert_eq!(names(&mut c, LinkFilter::default()).len(), 7);

    // The kernel itself filters (strict checking): count what it sends.
    let vx0 = index(&mut c, "vx0");
    let mut raw = |filter: LinkFilter<'_>| {
        let mut got = Vec::new();
        c.dump(
            RTM_GETLINK,
            |b| filter.emit(b),
            |m| {
                got.push((m.flags().contains(Flags::DUMP_FILTERED), Link::parse(&m)?.index()));
                Ok(())
            },
        )
        .unwrap();
        got
    };
    assert_eq!(raw(kind("vxlan")), [(true, vx0)]);
    assert_eq!(raw(kind("no-such-kind")).len(), 7, "an unknown kind is not filtered by the kernel");
}

#[test]
fn change_mtu_address_alias_and_name() {
    let ns = TestNs::new("link-set");
    let mut c = conn(&ns);
    veth(&mut c, "v0", "v1");
    let v0 = index(&mut c, "v0");
    let mac = vec![0x02, 0, 0, 0, 0, 0x01];
    set(
        &mut c,
        LinkSpec {
            mtu: Some(1400),
            address: Some(mac.clone()),
            alias: Some("uplink".into()),
            txqlen: Some(64),
            group: Some(7),
            ..LinkSpec::by_index(v0)
        },
    );
    get(&mut c, "v0", |l| {
        assert_eq!((l.mtu, l.address, l.ifalias), (Some(1400), Some(&mac[..]), Some("uplink")));
        assert_eq!((l.txqlen, l.group), (Some(64), Some(7)));
    })
    .unwrap();
    let err = c.link_set(&LinkSpec { mtu: Some(1), ..LinkSpec::by_index(v0) }).unwrap_err();
    assert_eq!(kernel_errno(&err), libc::EINVAL, "{err}");

    set(&mut c, LinkSpec { name: Some("wan0".into()), ..LinkSpec::by_index(v0) });
    assert_eq!(index(&mut c, "wan0"), v0);
    let err = get(&mut c, "v0", |_| ()).unwrap_err();
    assert_eq!(kernel_errno(&err), libc::ENODEV);
    let mut seen = None;
    c.link_get_by_index(v0, |l| {
        seen = l.name.map(str::to_owned);
        Ok(())
    })
    .unwrap();
    assert_eq!(seen.as_deref(), Some("wan0"));
}

/// The `st_ino` of a namespace file (`/run/netns/NAME`, `/proc/PID/ns/net`).
fn ns_inode(path: &str) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

#[test]
fn move_to_another_namespace_by_fd_and_by_pid() {
    let (a, b) = (TestNs::new("link-nsa"), TestNs::new("link-nsb"));
    let (mut ca, mut cb) = (conn(&a), conn(&b));
    veth(&mut ca, "v0", "v1");
    veth(&mut ca, "w0", "w1");

    let fd = std::fs::File::open(format!("/run/netns/{}", b.name)).unwrap();
    let target = Some(NetnsTarget::Fd(fd.as_raw_fd()));
    set(&mut ca, LinkSpec { netns: target, ..LinkSpec::by_name("v1") });
    assert_eq!(kernel_errno(&get(&mut ca, "v1", |_| ()).unwrap_err()), libc::ENODEV);
    let v0 = index(&mut ca, "v0");
    get(&mut cb, "v1", |l| {
        assert_eq!(l.link, Some(v0), "the peer's index, in the other namespace");
        assert!(l.link_netnsid.is_some());
    })
    .unwrap();
    get(&mut ca, "v0", |l| assert!(l.link_netnsid.is_some())).unwrap();

    // A process inside b: `ip netns exec` enters b, then runs sleep.
    let mut child = std::process::Command::new("ip")
        .args(["netns", "exec", &b.name, "sleep", "30"])
        .spawn()
        .unwrap();
    let pid = child.id();
    let deadline = Instant::now() + Duration::from_secs(5);
    let want = ns_inode(&format!("/run/netns/{}", b.name));
    while ns_inode(&format!("/proc/{pid}/ns/net")) != want {
        assert!(Instant::now() < deadline, "child never entered {}", b.name);
        std::thread::sleep(Duration::from_millis(10));
    }
    let moved =
        ca.link_set(&LinkSpec { netns: Some(NetnsTarget::Pid(pid)), ..LinkSpec::by_name("w1") });
    let _ = child.kill();
    let _ = child.wait();
    moved.unwrap();
    assert_eq!(
        names(&mut cb, LinkFilter { master: None, kind: Some("veth"), ..Default::default() }),
        ["v1", "w1"]
    );
    assert_eq!(
        names(&mut ca, LinkFilter { master: None, kind: Some("veth"), ..Default::default() }),
        ["v0", "w0"]
    );
}

#[test]
fn kernel_errors() {
    let ns = TestNs::new("link-err");
    let mut c = conn(&ns);
    veth(&mut c, "v0", "v1");
    let err = c.link_add(&LinkSpec::new("v0", LinkKind::Veth { peer: None })).unwrap_err();
    assert_eq!(kernel_errno(&err), libc::EEXIST, "{err}");
    let other = LinkKind::Other { kind: "nlkit-no-such-kind".into(), data: None };
    let err = c.link_add(&LinkSpec::new("x0", other)).unwrap_err();
    match &err {
        Error::Kernel(k) => {
            assert_eq!(k.errno, libc::EOPNOTSUPP);
            assert!(k.message.as_deref().unwrap_or("").contains("Unknown device type"), "{k:?}");
        }
        e => panic!("{e:?}"),
    }
    assert_eq!(kernel_errno(&c.link_del("nope0").unwrap_err()), libc::ENODEV);
    assert_eq!(kernel_errno(&c.link_del(9999).unwrap_err()), libc::ENODEV);
    assert_eq!(kernel_errno(&get(&mut c, "nope0", |_| ()).unwrap_err()), libc::ENODEV);
}

#[test]
fn delete_by_name_and_index() {
    let ns = TestNs::new("link-del");
    let mut c = conn(&ns);
    veth(&mut c, "v0", "v1");
    c.link_add(&LinkSpec::new("ifb0", LinkKind::Ifb)).unwrap();
    let ifb = index(&mut c, "ifb0");
    c.link_del("v0").unwrap();
    c.link_del(ifb).unwrap();
    assert_eq!(names(&mut c, LinkFilter::default()), ["lo"], "deleting v0 took v1 with it");
}

#[test]
fn dump_agrees_with_ip_json() {
    let ns = TestNs::new("link-ip");
    let mut c = conn(&ns);
    veth(&mut c, "v0", "v1");
    c.link_add(&LinkSpec::new("br0", LinkKind::Bridge(BridgeSpec::default()))).unwrap();
    c.link_add(&LinkSpec::new("ifb0", LinkKind::Ifb)).unwrap();
    set(&mut c, LinkSpec { mtu: Some(1280), ..LinkSpec::by_name("v1") });

    let mut ours = Vec::new();
    c.link_dump(&LinkFilter::default(), |l| {
        let newer = l.unknown().all(|a| a.kind() > IFLA_MAX);
        assert!(newer, "only attributes newer than the uapi headers are left unread");
        ours.push((
            l.index(),
            l.name.unwrap().to_owned(),
            l.mtu.unwrap(),
            l.kind().map(str::to_owned),
        ));
        Ok(())
    })
    .unwrap();

    let json = common::output(&["ip", "-j", "-d", "-n", &ns.name, "link", "show"]);
    let ip: serde_json::Value = serde_json::from_str(&json).unwrap();
    let theirs: Vec<_> = ip
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["ifindex"].as_u64().unwrap() as u32,
                l["ifname"].as_str().unwrap().to_owned(),
                l["mtu"].as_u64().unwrap() as u32,
                l["linkinfo"]["info_kind"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(ours, theirs);
    assert_eq!(ours.len(), 5);
}

/// `LinkFilter::ext_mask` with `RTEXT_FILTER_SKIP_STATS`: the same links,
/// names, kinds and link counters, in smaller messages (IPv6's counters
/// left out: 6.18 keeps `IFLA_STATS64` in dumps).
#[test]
fn a_dump_can_leave_the_counters_out() {
    let ns = TestNs::new("linkskip");
    ns.exec(&["ip", "link", "add", "s0", "type", "veth", "peer", "name", "s1"]);
    let mut c = conn(&ns);
    let mut dump = |ext_mask| {
        let mut seen = Vec::new();
        let filter = LinkFilter { ext_mask, ..Default::default() };
        c.link_dump(&filter, |l| {
            let bytes = l.raw_attrs().len();
            seen.push((
                l.name.unwrap().to_owned(),
                l.kind().map(str::to_owned),
                l.stats64.is_some(),
                bytes,
            ));
            Ok(())
        })
        .unwrap();
        seen
    };
    let (all, lean) = (dump(0), dump(RTEXT_FILTER_SKIP_STATS));
    assert_eq!(all.len(), 3);
    for (a, l) in all.iter().zip(&lean) {
        assert_eq!((&a.0, &a.1), (&l.0, &l.1));
        assert!(a.2 && l.2, "link counters: {a:?} {l:?}");
        assert!(l.3 < a.3, "smaller: {a:?} {l:?}");
    }
}
