//! Real kernel messages from every channel nlkit reads, captured in a
//! throwaway namespace: rtnetlink (links of six kinds, addresses, routes
//! with next hops and metrics, neighbours, rules, netconf), the generic
//! netlink controller and its policies, ethtool on a veth, socket
//! diagnostics (TCP, unix, netlink, packet), conntrack entries, IPsec SAs
//! and policies, kernel uevents and process events. The test checks that
//! each channel gave messages and that every one of them keeps its
//! toolkit round trips ([`nlkit::proto::registry`]).
//!
//! With `NLKIT_SEEDS_OUT=DIR` it also writes them as fuzzing seeds, one
//! file per input in each target's format (`DIR/messages/` whole
//! datagrams, `DIR/route/` rtnetlink payloads, `DIR/genl/` other
//! families' payloads, `DIR/sets/` a registry key and a payload, nested
//! sets included, `DIR/attrs/` attribute runs): `bash fuzz/run.sh --capture` runs it and packs
//! `fuzz/seeds/kernel/TARGET.tar.gz`.

mod common;

use common::TestNs;
use nlkit::proto::dynamic::Value;
use nlkit::proto::registry::SETS;
use nlkit::proto::round_trip::{key_of, Registered};
use nlkit::proto::SetMeta;
use nlkit::sub::{Item, Subscription};
use nlkit::wire::Messages;
use nlkit::{Conn, Protocol, RecvBuf, Socket, SocketAddr, Transport};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A transport that keeps a copy of every datagram it receives.
struct Tap {
    socket: Socket,
    seen: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Transport for Tap {
    fn port(&self) -> u32 {
        self.socket.port()
    }
    fn send_to(&mut self, bytes: &[u8], to: SocketAddr) -> nlkit::Result<()> {
        self.socket.send_to(bytes, to).map(drop)
    }
    fn recv(&mut self, buf: &mut RecvBuf) -> nlkit::Result<()> {
        self.socket.recv(buf)?;
        self.seen.lock().unwrap().push(buf.bytes().to_vec());
        Ok(())
    }
    fn set_recv_timeout(&mut self, timeout: Option<Duration>) -> nlkit::Result<()> {
        self.socket.set_read_timeout(timeout)
    }
}

/// One channel's capture: its protocol, the set its messages are
/// (`None`: read by hand-written code, not a table) and the datagrams.
type Channel = (Protocol, Option<&'static str>, Vec<Vec<u8>>);

/// What was captured, by channel.
#[derive(Default)]
struct Capture {
    channels: BTreeMap<&'static str, Channel>,
}

impl Capture {
    /// Runs `f` on a tapped connection in `ns` and files what it received
    /// under `channel`.
    fn run(
        &mut self,
        ns: &TestNs,
        protocol: Protocol,
        channel: &'static str,
        set: Option<&'static str>,
        f: impl FnOnce(&mut Conn<Tap>),
    ) {
        let socket = Socket::open_in(ns.netns(), protocol).unwrap();
        socket.enable_request_defaults().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let mut conn = Conn::new(Tap { socket, seen: seen.clone() });
        conn.set_timeout(Some(Duration::from_secs(5))).unwrap();
        f(&mut conn);
        let got = std::mem::take(&mut *seen.lock().unwrap());
        self.add(protocol, channel, set, got);
    }

    fn add(
        &mut self,
        protocol: Protocol,
        channel: &'static str,
        set: Option<&'static str>,
        datagrams: Vec<Vec<u8>>,
    ) {
        assert!(!datagrams.is_empty(), "{channel}: nothing received");
        self.channels.insert(channel, (protocol, set, datagrams));
    }
}

/// Dumps `message_type` with a request body of `header`.
fn raw_dump(conn: &mut Conn<Tap>, message_type: u16, header: &[u8]) {
    conn.dump(message_type, |b| b.append(header), |_| Ok(())).unwrap();
}

fn entry(path: &str) -> &'static Registered {
    SETS.iter().find(|s| s.path == path).unwrap_or_else(|| panic!("{path} not registered"))
}

/// The seeds for the `sets` target in `payload` read as `set`: itself,
/// and each nest a row names, recursively (bounded: the kernel's nests
/// are shallow).
fn set_seeds(set: &'static Registered, payload: &[u8], depth: usize, out: &mut Vec<Vec<u8>>) {
    out.push([&key_of(set.path).to_le_bytes()[..], payload].concat());
    if depth == 8 {
        return;
    }
    let attrs = payload.get(set.header.len..).unwrap_or_default();
    for field in nlkit::proto::dynamic::fields(set.meta, attrs) {
        if let Value::Nest(meta, inner) = field.value {
            if let Some(nested) = registered(meta) {
                set_seeds(nested, inner, depth + 1, out);
            }
        }
    }
}

fn registered(meta: &SetMeta) -> Option<&'static Registered> {
    SETS.iter().find(|s| s.meta == meta && s.header.len == 0)
}

fn populate(ns: &TestNs) {
    let ip = |args: &str| {
        let mut cmd = vec!["ip"];
        cmd.extend(args.split_whitespace());
        ns.exec(&cmd);
    };
    ip("link set lo up");
    ip("link add v0 type veth peer name v1");
    ip("link add br0 type bridge stp_state 0");
    ip("link set v1 master br0");
    ip("link add mv0 link v0 type macvlan mode bridge");
    ip("link add vx0 type vxlan id 42 dstport 4789 local 10.0.0.1");
    ip("tuntap add dev tap0 mode tap");
    for dev in ["v0", "v1", "br0", "mv0"] {
        ip(&format!("link set {dev} up"));
    }
    ip("addr add 10.0.0.1/24 dev v0");
    ip("addr add 10.0.1.1/24 brd + dev v0 label v0:1");
    ip("addr add 2001:db8::1/64 dev v0 nodad");
    ip("route add 10.9.0.0/16 via 10.0.0.2 metric 5 mtu 1400 advmss 1300");
    ip("route add 10.8.0.0/16 nexthop via 10.0.0.2 weight 1 nexthop via 10.0.0.3 weight 2");
    ip("route add 2001:db8:9::/48 via 2001:db8::2");
    ip("neigh add 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent");
    ip("neigh add 2001:db8::2 lladdr 02:00:00:00:00:03 dev v0 nud permanent");
    ip("rule add from 10.0.0.0/24 table 100 priority 100");
    ip("rule add fwmark 0x7/0xff lookup 200 priority 101");
    // Larval SAs: this kernel has XFRM without ESP or AH, so no full SA.
    ip("xfrm state allocspi src 10.0.0.1 dst 10.0.0.9 proto esp reqid 5 mode tunnel mark 3");
    ip("xfrm state allocspi src 2001:db8::1 dst 2001:db8::2 proto ah");
    ip("xfrm policy add src 10.0.0.0/24 dst 10.1.0.0/24 dir out tmpl src 10.0.0.1 \
        dst 10.0.0.2 proto esp mode tunnel");
}

#[test]
fn every_channel_gives_messages_that_keep_their_round_trips() {
    use nlkit::rtnl::uapi::*;
    let ns = TestNs::new("seeds");
    // Uevents: a kernel-group socket in the namespace before its links.
    let uevents = Socket::open_in(ns.netns(), Protocol::KOBJECT_UEVENT).unwrap();
    uevents.add_membership(1).unwrap();
    populate(&ns);
    let mut cap = Capture::default();

    let rt = Protocol::ROUTE;
    let link = [0u8; 16];
    cap.run(&ns, rt, "link", Some("rtnl::link::Link"), |c| raw_dump(c, RTM_GETLINK, &link));
    let addr = [0u8; 8];
    cap.run(&ns, rt, "addr", Some("rtnl::addr::Address"), |c| raw_dump(c, RTM_GETADDR, &addr));
    let rtm = [0u8; 12];
    cap.run(&ns, rt, "route", Some("rtnl::route::Route"), |c| raw_dump(c, RTM_GETROUTE, &rtm));
    let ndm = [0u8; 12];
    cap.run(&ns, rt, "neigh", Some("rtnl::neigh::Neighbour"), |c| raw_dump(c, RTM_GETNEIGH, &ndm));
    cap.run(&ns, rt, "rule", Some("rtnl::rule::Rule"), |c| raw_dump(c, RTM_GETRULE, &rtm));
    let ncm = [0u8; 4];
    cap.run(&ns, rt, "netconf", Some("rtnl::netconf::Netconf"), |c| {
        raw_dump(c, RTM_GETNETCONF, &ncm)
    });

    let gen = Protocol::GENERIC;
    cap.run(&ns, gen, "nlctrl", Some("genl::nlctrl::CtrlAttrs"), |c| {
        c.run(nlkit::genl::ctrl::families()).unwrap();
        c.run(nlkit::genl::ctrl::policy("nlctrl", None)).unwrap();
    });
    {
        use nlkit::genl::ethtool;
        let sets = [
            ("ethtool-linkinfo", "Linkinfo"),
            ("ethtool-features", "Features"),
            ("ethtool-linkmodes", "Linkmodes"),
            ("ethtool-channels", "Channels"),
            ("ethtool-linkstate", "Linkstate"),
        ];
        for (i, (channel, set)) in sets.into_iter().enumerate() {
            let path: &'static str =
                Box::leak(format!("genl::ethtool::tables::{set}").into_boxed_str());
            cap.run(&ns, gen, channel, Some(path), |c| {
                let f = c.resolve_family("ethtool").unwrap();
                c.transport_mut().seen.lock().unwrap().clear();
                match i {
                    0 => drop(c.run(ethtool::link_info(&f, "v0")).unwrap()),
                    1 => drop(c.run(ethtool::features(&f, "v0")).unwrap()),
                    2 => drop(c.run(ethtool::link_modes(&f, "v0", 0)).unwrap()),
                    3 => drop(c.run(ethtool::channels(&f, "v0")).unwrap()),
                    _ => drop(c.run(ethtool::link_state(&f, "v0")).unwrap()),
                }
            });
        }
    }

    // Sockets to list: a TCP listener with a connection, in the namespace.
    let mut py = std::process::Command::new("ip")
        .args(["netns", "exec", &ns.name, "python3", "-c"])
        .arg(
            "import socket,sys,time\n\
             s=socket.socket(); s.bind(('127.0.0.1',5555)); s.listen()\n\
             c=socket.create_connection(('127.0.0.1',5555)); a=s.accept()\n\
             p=socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0x0300)\n\
             u=socket.socket(socket.AF_UNIX); u.bind('\\0nlkit-seeds'); u.listen()\n\
             print('ready', flush=True); sys.stdin.read()",
        )
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(py.stdout.as_mut().unwrap()),
        &mut line,
    )
    .unwrap();
    assert_eq!(line.trim(), "ready");
    let diag = Protocol::SOCK_DIAG;
    cap.run(&ns, diag, "diag-inet", Some("diag::inet::InetDiag"), |c| {
        let q = nlkit::diag::inet::Query {
            family: libc::AF_INET as u8,
            protocol: libc::IPPROTO_TCP as u8,
            states: nlkit::diag::ALL_STATES,
            ext: 0xff,
        };
        c.run(nlkit::diag::inet::dump(q, |_| Ok(()))).unwrap();
    });
    cap.run(&ns, diag, "diag-unix", Some("diag::unix::UnixDiag"), |c| {
        c.run(nlkit::diag::unix::dump(!0, !0, |_| Ok(()))).unwrap();
    });
    cap.run(&ns, diag, "diag-netlink", Some("diag::netlink::NetlinkDiag"), |c| {
        c.run(nlkit::diag::netlink::dump(nlkit::diag::netlink::NDIAG_PROTO_ALL, !0, |_| Ok(())))
            .unwrap();
    });
    cap.run(&ns, diag, "diag-packet", Some("diag::packet::PacketDiag"), |c| {
        c.run(nlkit::diag::packet::dump(!0, |_| Ok(()))).unwrap();
    });
    drop(py.stdin.take());
    py.wait().unwrap();

    {
        use nlkit::netfilter::conntrack::{self, NewEntry, Tuple};
        let t = Tuple {
            src: Some("10.0.0.1".parse().unwrap()),
            dst: Some("10.0.0.2".parse().unwrap()),
            proto: 6,
            sport: Some(1234),
            dport: Some(80),
            ..Tuple::default()
        };
        let r = Tuple { src: t.dst, dst: t.src, sport: t.dport, dport: t.sport, ..t };
        let n = NewEntry {
            orig: t,
            reply: r,
            timeout: 100,
            tcp_state: Some(3),
            mark: Some(7),
            zone: Some(2),
            ..NewEntry::default()
        };
        let path = "netfilter::conntrack::tables::ConntrackAttrs";
        cap.run(&ns, Protocol::NETFILTER, "conntrack", Some(path), |c| {
            c.run(conntrack::create(n)).unwrap();
            c.run(conntrack::dump(0, |_| Ok(()))).unwrap();
        });
    }
    cap.run(&ns, Protocol::XFRM, "xfrm-sa", Some("xfrm::attrs::SaAttrs"), |c| {
        c.run(nlkit::xfrm::sa::dump(|_| Ok(()))).unwrap();
    });
    cap.run(&ns, Protocol::XFRM, "xfrm-policy", Some("xfrm::attrs::PolicyAttrs"), |c| {
        c.run(nlkit::xfrm::policy::dump(|_| Ok(()))).unwrap();
    });

    // The uevents the links above announced.
    uevents.set_nonblocking(true).unwrap();
    let mut buf = RecvBuf::new();
    let mut announced = Vec::new();
    while uevents.recv(&mut buf).is_ok() {
        announced.push(buf.bytes().to_vec());
    }
    cap.add(Protocol::KOBJECT_UEVENT, "uevent", None, announced);

    // Process events: a child's fork, exec and exit (the host's: the proc
    // connector belongs to the initial namespace).
    let mut sub = Subscription::open(nlkit::connector::ProcEvents::default()).unwrap();
    std::process::Command::new("true").status().unwrap();
    let (mut events, mut datagrams) = (0, Vec::new());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while events < 3 {
        let batch = sub.recv_until(Some(deadline)).unwrap().expect("process events in 10 s");
        datagrams.push(batch.datagram().to_vec());
        events += batch.filter(|i| matches!(i, Item::Event { .. })).count();
    }
    cap.add(Protocol::CONNECTOR, "proc-events", None, datagrams);

    // Every captured message keeps its round trips; gather the seeds.
    let mut seeds: BTreeMap<&str, Vec<Vec<u8>>> = BTreeMap::new();
    let mut messages = 0;
    for (channel, (protocol, set, datagrams)) in &cap.channels {
        let mut n = 0;
        for d in datagrams {
            seeds.entry("messages").or_default().push(d.clone());
            if *protocol == Protocol::KOBJECT_UEVENT {
                seeds.entry("genl").or_default().push(d.clone());
                n += 1;
                continue;
            }
            for m in Messages::new(d) {
                let m = m.unwrap_or_else(|e| panic!("{channel}: {e}"));
                // The proc connector sends its events as NLMSG_DONE.
                if m.message_type().is_control() && *protocol != Protocol::CONNECTOR {
                    continue;
                }
                n += 1;
                let target = if *protocol == Protocol::ROUTE { "route" } else { "genl" };
                seeds.entry(target).or_default().push(m.payload().to_vec());
                if let Some(path) = set {
                    let e = entry(path);
                    match (e.check)(m.payload()) {
                        Ok(true) => {}
                        other => panic!("{channel}: {path} round trip: {other:?}"),
                    }
                    set_seeds(e, m.payload(), 0, seeds.entry("sets").or_default());
                    let attrs = m.payload().get(e.header.len..).unwrap_or_default();
                    seeds.entry("attrs").or_default().push(attrs.to_vec());
                }
            }
        }
        assert!(n > 0, "{channel}: no messages");
        eprintln!("{channel}: {} datagrams, {n} messages", datagrams.len());
        messages += n;
    }
    let nested = seeds["sets"].len();
    eprintln!("{} channels, {messages} messages; {nested} set inputs", cap.channels.len());
    common::figure("capture.channels", cap.channels.len());
    common::figure("capture.messages", messages);
    common::figure("capture.set_inputs", nested);
    assert!(cap.channels.len() >= 20);

    let Some(out) = std::env::var_os("NLKIT_SEEDS_OUT") else { return };
    for (target, inputs) in seeds {
        let dir = PathBuf::from(&out).join(target);
        std::fs::create_dir_all(&dir).unwrap();
        for input in inputs {
            // Named by content (FNV-1a), so the same input is one file.
            let name = input.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
            });
            std::fs::write(dir.join(format!("{name:016x}")), input).unwrap();
        }
    }
}
