//! Real-kernel tests: sockets and the engine against Linux itself, each
//! inside its own throwaway network namespace. Needs root (CI runs as root).

mod common;

use common::TestNs;
use nlkit::wire::{Attrs, Flags, MessageBuilder, MessageType};
use nlkit::{Conn, Error, Kind, Protocol, RecvBuf, Socket, SocketAddr};
use std::io::IoSlice;
use std::time::Duration;

// From <linux/rtnetlink.h> and <linux/if_link.h>.
const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
const RTM_NEWTUNNEL: u16 = 120;
const IFLA_IFNAME: u16 = 3;
const IFLA_LINKINFO: u16 = 18;
const IFLA_INFO_KIND: u16 = 1;
const RTNLGRP_BRVLAN: u32 = 33;
const RTNLGRP_TUNNEL: u32 = 35;
const IFINFOMSG_LEN: usize = 16;

fn ifinfomsg(index: i32) -> [u8; IFINFOMSG_LEN] {
    let mut m = [0u8; IFINFOMSG_LEN];
    m[4..8].copy_from_slice(&index.to_ne_bytes());
    m
}

fn message(ty: u16, seq: u32, port: u32, payload: &[u8]) -> Vec<u8> {
    let mut buf = Vec::new();
    let header = nlkit::wire::Header {
        message_type: MessageType::from(ty),
        flags: Flags::REQUEST,
        sequence: seq,
        port,
    };
    let mut b = MessageBuilder::new(&mut buf, header).unwrap();
    b.append(payload).unwrap();
    let _ = b.finish();
    buf
}

fn usersock(ns: &TestNs, port: u32, groups: u32) -> Socket {
    let mut s = Socket::new_in(ns.netns(), Protocol::USERSOCK, Kind::Raw).unwrap();
    let bound = s.bind(SocketAddr { port, groups }).unwrap();
    if port != 0 {
        assert_eq!(bound.port, port);
    }
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

#[test]
fn usersock_unicast_by_port_id() {
    let ns = TestNs::new("uni");
    let server = usersock(&ns, 4000, 0);
    let client = usersock(&ns, 0, 0);
    assert_ne!(client.port(), 0, "kernel chose a port id");

    client.send_to(&message(0x20, 5, client.port(), b"ping"), SocketAddr::port(4000)).unwrap();
    let mut buf = RecvBuf::new();
    server.recv(&mut buf).unwrap();
    assert_eq!(buf.from(), SocketAddr::port(client.port()), "kernel reports the real sender");
    let msg = buf.messages().next().unwrap().unwrap();
    assert_eq!((msg.sequence(), msg.port(), msg.payload()), (5, client.port(), &b"ping"[..]));

    server.send_to(&message(0x21, 5, 4000, b"pong"), buf.from()).unwrap();
    client.recv(&mut buf).unwrap();
    assert_eq!(buf.from().port, 4000);
    assert_eq!(buf.messages().next().unwrap().unwrap().payload(), b"pong");
}

#[test]
fn sendmsg_gathers_several_messages_into_one_datagram() {
    let ns = TestNs::new("batch");
    let server = usersock(&ns, 4001, 0);
    let client = usersock(&ns, 0, 0);
    let msgs: Vec<_> = (0..3u32).map(|i| message(0x20, i, client.port(), b"line")).collect();
    let slices: Vec<_> = msgs.iter().map(|m| IoSlice::new(m)).collect();
    client.send_vectored(&slices, SocketAddr::port(4001)).unwrap();
    let mut buf = RecvBuf::new();
    server.recv(&mut buf).unwrap();
    let seqs: Vec<_> = buf.messages().map(|m| m.unwrap().sequence()).collect();
    assert_eq!(seqs, [0, 1, 2]);
}

#[test]
fn explicit_port_in_use_is_named() {
    let ns = TestNs::new("inuse");
    let _first = usersock(&ns, 4002, 0);
    let mut second = Socket::new_in(ns.netns(), Protocol::USERSOCK, Kind::Dgram).unwrap();
    let err = second.bind(SocketAddr::port(4002)).unwrap_err();
    assert!(matches!(err, Error::AddrInUse { port: 4002 }), "{err:?}");
    assert!(err.to_string().contains("4002"));
}

#[test]
fn multicast_to_group_1_reports_the_group_and_the_usersock_refusal() {
    let ns = TestNs::new("mcast");
    let listener = usersock(&ns, 0, SocketAddr::group_mask(1).unwrap());
    listener.set_pktinfo(true).unwrap();
    listener.add_membership(2).unwrap();
    assert_eq!(listener.memberships().unwrap(), [1, 2]);
    let other = usersock(&ns, 0, 0);
    other.add_membership(1).unwrap();

    let sender = usersock(&ns, 0, 0);
    // No kernel socket listens on USERSOCK port 0: delivery happens, and the
    // kernel answers ECONNREFUSED for the unicast half, which we expect.
    let refused = sender.send_to_group(&message(0x30, 1, sender.port(), b"hi"), 1).unwrap();
    assert!(refused);
    let raw =
        sender.send_to(&message(0x30, 2, sender.port(), b"hi"), SocketAddr { port: 0, groups: 1 });
    assert_eq!(raw.unwrap_err().errno(), Some(libc::ECONNREFUSED));

    let mut buf = RecvBuf::new();
    for s in [&listener, &other] {
        s.recv(&mut buf).unwrap();
        assert_eq!(buf.from(), SocketAddr { port: sender.port(), groups: 1 });
        assert_eq!(buf.messages().next().unwrap().unwrap().payload(), b"hi");
    }
    listener.recv(&mut buf).unwrap();
    assert_eq!(buf.group(), Some(1), "NETLINK_PKTINFO names the group");
    listener.drop_membership(1).unwrap();
    assert_eq!(listener.memberships().unwrap(), [2]);
}

/// A VNI added to a vxlan device in filter mode is announced on
/// RTNLGRP_TUNNEL (35), a group above 32.
fn fire_tunnel_event(ns: &TestNs) {
    let vxlan = ["link", "add", "vx0", "type", "vxlan", "dstport", "4789", "external", "vnifilter"];
    ns.exec(&[&["ip"][..], &vxlan].concat());
    ns.exec(&["bridge", "vni", "add", "vni", "100", "dev", "vx0"]);
}

#[test]
fn multicast_groups_above_32_via_add_membership() {
    let ns = TestNs::new("mc35");
    let s = Socket::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.set_pktinfo(true).unwrap();
    s.add_membership(RTNLGRP_BRVLAN).unwrap();
    s.add_membership(RTNLGRP_TUNNEL).unwrap();
    assert_eq!(s.memberships().unwrap(), [RTNLGRP_BRVLAN, RTNLGRP_TUNNEL]);
    fire_tunnel_event(&ns);
    let mut buf = RecvBuf::new();
    s.recv(&mut buf).unwrap();
    assert_eq!(buf.group(), Some(RTNLGRP_TUNNEL));
    assert_eq!(buf.from().port, 0, "from the kernel");
    let msg = buf.messages().next().unwrap().unwrap();
    assert_eq!(msg.message_type(), MessageType::Family(RTM_NEWTUNNEL));
}

#[test]
fn route_getlink_lo_with_ack() {
    let ns = TestNs::new("getlink");
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let mut names = Vec::new();
    conn.request(
        RTM_GETLINK,
        Flags::ACK,
        |b| b.append(&ifinfomsg(1)),
        |msg| {
            assert_eq!(msg.message_type(), MessageType::Family(RTM_NEWLINK));
            let attrs = Attrs::new(&msg.payload()[IFINFOMSG_LEN..]);
            names.push(attrs.find(IFLA_IFNAME)?.unwrap().str()?.to_owned());
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(names, ["lo"]);
}

#[test]
fn invalid_request_brings_back_extended_ack_text() {
    let ns = TestNs::new("extack");
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let err = conn
        .request_ack(RTM_NEWLINK, Flags::CREATE | Flags::EXCL, |b| {
            b.append(&ifinfomsg(0))?;
            b.attr_str(IFLA_IFNAME, "bogus0")?;
            let info = b.nest(IFLA_LINKINFO)?;
            b.attr_str(IFLA_INFO_KIND, "no-such-kind")?;
            b.nest_end(info)
        })
        .unwrap_err();
    let Error::Kernel(k) = err else { panic!("expected a kernel error: {err:?}") };
    assert_eq!(k.errno, libc::EOPNOTSUPP);
    assert_eq!(k.message.as_deref(), Some("Unknown device type"));
}

#[test]
fn strict_dump_rejection_points_at_header() {
    let ns = TestNs::new("strict");
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    // With NETLINK_GET_STRICT_CHK, a link dump with an index set is refused.
    let err = conn.dump(RTM_GETLINK, |b| b.append(&ifinfomsg(7)), |_| Ok(())).unwrap_err();
    let Error::Kernel(k) = err else { panic!("{err:?}") };
    assert_eq!(k.errno, libc::EINVAL);
    let text = k.message.unwrap();
    assert!(text.contains("link dump"), "kernel explains what is wrong: {text}");
}

#[test]
fn link_dump_spans_datagrams_and_sees_only_its_namespace() {
    let ns = TestNs::new("dump");
    for i in 0..60 {
        ns.exec(&[
            "ip",
            "link",
            "add",
            &format!("a{i}"),
            "type",
            "veth",
            "peer",
            "name",
            &format!("b{i}"),
        ]);
    }
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let mut names = Vec::new();
    let mut datagrams = std::collections::HashSet::new();
    conn.dump(
        RTM_GETLINK,
        |b| b.append(&ifinfomsg(0)),
        |msg| {
            datagrams.insert(msg.bytes().as_ptr() as usize / 65536);
            let attrs = Attrs::new(&msg.payload()[IFINFOMSG_LEN..]);
            names.push(attrs.find(IFLA_IFNAME)?.unwrap().str()?.to_owned());
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(names.len(), 121, "lo + 60 veth pairs");
    assert!(names.contains(&"lo".to_owned()) && names.contains(&"b59".to_owned()));
    let ip = common::output(&["ip", "-n", &ns.name, "-o", "link", "show"]);
    assert_eq!(ip.lines().count(), names.len(), "same count as ip link");
}

#[test]
fn generic_netlink_resolves_nlctrl() {
    let ns = TestNs::new("genl");
    let mut conn = Conn::open_in(ns.netns(), Protocol::GENERIC).unwrap();
    let fam = conn.resolve_family("nlctrl").unwrap();
    assert_eq!(fam.id, nlkit::genl::GENL_ID_CTRL);
    assert_eq!(fam.name, "nlctrl");
    assert!(fam.group("notify").is_some());
    let err = conn.resolve_family("no-such-family").unwrap_err();
    assert_eq!(err.errno(), Some(libc::ENOENT));
    assert!(matches!(&err, nlkit::Error::FamilyNotFound { name } if name == "no-such-family"));
    assert_eq!(
        err.to_string(),
        "generic netlink family \"no-such-family\" is not registered (is the module that \
         provides it loaded?)"
    );
}

#[test]
fn unsupported_protocol_is_a_clear_error() {
    // Protocol 29 has no kernel side on a stock kernel.
    let err = Socket::new(Protocol(29)).unwrap_err();
    assert!(matches!(err, Error::ProtocolNotSupported { protocol: 29 }), "{err:?}");
    assert!(err.to_string().contains("module"));
}

#[test]
fn credentials_arrive_with_passcred() {
    let ns = TestNs::new("cred");
    let server = usersock(&ns, 4003, 0);
    server.set_passcred(true).unwrap();
    let client = usersock(&ns, 0, 0);
    client.send_to(&message(0x20, 1, client.port(), b"x"), SocketAddr::port(4003)).unwrap();
    let mut buf = RecvBuf::new();
    server.recv(&mut buf).unwrap();
    let creds = buf.credentials().unwrap();
    assert_eq!(creds.pid, std::process::id() as i32);
    assert_eq!(creds.uid, 0);
}

#[test]
fn overrun_is_reported_then_reception_continues() {
    let ns = TestNs::new("enobufs");
    let listener = usersock(&ns, 0, 1);
    listener.set_recv_buffer_size(4096).unwrap();
    let sender = usersock(&ns, 0, 0);
    let payload = [0u8; 512];
    for i in 0..200 {
        sender.send_to_group(&message(0x30, i, sender.port(), &payload), 1).unwrap();
    }
    let mut buf = RecvBuf::new();
    let mut got = 0;
    let err = loop {
        match listener.recv(&mut buf) {
            Ok(_) => got += 1,
            Err(e) => break e,
        }
    };
    assert!(matches!(err, Error::Overrun), "{err:?}");
    assert!(got < 200);
    // Drain what is queued, then the socket works again.
    while listener.try_recv(&mut buf).is_ok() {}
    sender.send_to_group(&message(0x30, 999, sender.port(), b"after"), 1).unwrap();
    loop {
        listener.recv(&mut buf).unwrap();
        let msg = buf.messages().next().unwrap().unwrap();
        if msg.sequence() == 999 {
            break;
        }
    }
}

#[test]
fn large_datagram_is_never_truncated() {
    let ns = TestNs::new("large");
    let server = usersock(&ns, 4004, 0);
    server.set_recv_buffer_size(1 << 20).unwrap();
    let client = usersock(&ns, 0, 0);
    let big = vec![0x5a; 100_000];
    client.send_to(&message(0x20, 1, client.port(), &big), SocketAddr::port(4004)).unwrap();
    let mut buf = RecvBuf::with_capacity(4096);
    let n = server.recv(&mut buf).unwrap();
    assert_eq!(n, 16 + 100_000);
    assert!(buf.capacity() >= n, "grew to fit");
    assert_eq!(buf.messages().next().unwrap().unwrap().payload(), &big[..]);
}

#[test]
fn receive_timeout_is_an_error() {
    let ns = TestNs::new("timeout");
    let s = usersock(&ns, 0, 0);
    s.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
    let err = s.recv(&mut RecvBuf::new()).unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert!(s.try_recv(&mut RecvBuf::new()).unwrap_err().is_would_block());
}

#[test]
fn user_to_user_requests_through_the_engine() {
    let ns = TestNs::new("peer");
    let peer = usersock(&ns, 4005, 0);
    let handle = std::thread::spawn(move || {
        let mut buf = RecvBuf::new();
        peer.recv(&mut buf).unwrap();
        let req = buf.messages().next().unwrap().unwrap();
        let ack = nlkit::testing::ack(&req, 0, None, None);
        let mut out = nlkit::testing::reply(&req, 0x21, Flags::empty(), b"answer");
        out.extend_from_slice(&ack);
        peer.send_to(&out, buf.from()).unwrap();
    });
    let mut conn = Conn::new(usersock(&ns, 0, 0));
    conn.set_peer(4005);
    let mut answers = Vec::new();
    conn.request(
        0x20,
        Flags::ACK,
        |b| b.append(b"question"),
        |m| {
            answers.push(m.payload().to_vec());
            Ok(())
        },
    )
    .unwrap();
    handle.join().unwrap();
    assert_eq!(answers, [b"answer".to_vec()]);
}

#[test]
fn group_35_event_during_a_request_is_kept_not_taken_for_the_reply() {
    let ns = TestNs::new("mc35req");
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    conn.transport().set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    conn.transport().add_membership(RTNLGRP_TUNNEL).unwrap();
    fire_tunnel_event(&ns);
    // The event (nl_groups 0: only PKTINFO marks it) is queued before the reply.
    conn.request_ack(RTM_GETLINK, Flags::empty(), |b| b.append(&ifinfomsg(1))).unwrap();
    let (from, bytes) = conn.take_unsolicited().expect("the event was kept");
    assert_eq!(from.port, 0);
    let event = nlkit::wire::Messages::new(&bytes).next().unwrap().unwrap();
    assert_eq!(event.message_type(), MessageType::Family(RTM_NEWTUNNEL));
}

/// An ACK the kernel drops for want of room (`ENOBUFS`) leaves the socket
/// marked congested: the kernel then drops everything sent to it, the
/// next request's reply included, until its queue has been read empty.
/// The request that overran says so, and the next one still gets its
/// answer (the engine reads the queue empty first).
#[test]
fn a_request_after_an_overrun_gets_its_reply() {
    let ns = TestNs::new("overrunreq");
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    conn.set_timeout(Some(Duration::from_secs(2))).unwrap();
    // The smallest receive buffer: lo's reply fits (a queue that is
    // empty takes one datagram), its ACK after it does not.
    conn.transport().set_recv_buffer_size(0).unwrap();
    let get = |conn: &mut Conn| {
        let mut names = 0;
        let r = conn.request(
            RTM_GETLINK,
            Flags::ACK,
            |b| b.append(&ifinfomsg(1)),
            |_| {
                names += 1;
                Ok(())
            },
        );
        (r, names)
    };
    let (first, _) = get(&mut conn);
    assert!(matches!(first, Err(Error::Overrun)), "{first:?}");
    conn.transport().set_recv_buffer_size(1 << 20).unwrap();
    for _ in 0..3 {
        let (r, replies) = get(&mut conn);
        r.unwrap_or_else(|e| panic!("the request after the overrun: {e}"));
        assert_eq!(replies, 1);
    }
    assert!(conn.stale_discarded() >= 1, "lo's first reply, read after the overrun");
}
