//! `nlkit ss` against iproute2 6.1's `ss`, in throwaway namespaces with
//! real sockets: TCP listeners (IPv4, IPv6 dual-stack and v6-only, bound
//! to a device, with a mark, owned by another uid), a connection with a
//! half-closed end and unread bytes, UDP bound and connected. Text is
//! compared byte for byte across options and state filters; JSON is
//! checked against the same sockets.

mod common;

use common::Ns;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};

/// Sockets held open in `ns` by a python process until dropped.
struct Sockets(Child);

const SCRIPT: &str = r#"
import os, socket, sys, time
S = socket
l = S.socket(); l.setsockopt(S.SOL_SOCKET, S.SO_REUSEADDR, 1); l.bind(('127.0.0.1', 22)); l.listen(5)
d = S.socket(S.AF_INET6); d.bind(('::', 8080)); d.listen(5)
v = S.socket(S.AF_INET6); v.setsockopt(S.IPPROTO_IPV6, S.IPV6_V6ONLY, 1); v.bind(('::1', 443)); v.listen(5)
c = S.create_connection(('127.0.0.1', 22)); a, _ = l.accept()
c.send(b'hello'); a.shutdown(S.SHUT_WR)
u = S.socket(S.AF_INET, S.SOCK_DGRAM); u.bind(('0.0.0.0', 53))
w = S.socket(S.AF_INET6, S.SOCK_DGRAM); w.connect(('::1', 9))
b = S.socket(); b.setsockopt(S.SOL_SOCKET, S.SO_BINDTODEVICE, b'lo'); b.bind(('127.0.0.1', 5555)); b.listen(1)
m = S.socket(); m.setsockopt(S.SOL_SOCKET, S.SO_MARK, 7); m.bind(('127.0.0.1', 7777)); m.listen(1)
if os.fork() == 0:
    os.setuid(65534)
    n = S.socket(); n.bind(('127.0.0.1', 9999)); n.listen(1)
    time.sleep(120); sys.exit(0)
time.sleep(0.3)
print('ready', flush=True)
time.sleep(120)
"#;

impl Sockets {
    fn open(ns: &Ns) -> Sockets {
        ns.ip(&["link", "set", "lo", "up"]);
        let mut child = Command::new("ip")
            .args(["netns", "exec", &ns.0, "python3", "-c", SCRIPT])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready");
        Sockets(child)
    }
}

impl Drop for Sockets {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn text(out: Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// `ss ARGS` and `nlkit ss ARGS`, both run by `ip netns exec` (the same
/// mounts: ss finds no cgroup2 there, and neither does nlkit).
fn both_exec(ns: &Ns, args: &[&str]) -> (String, String) {
    let ss =
        text(Command::new("ip").args(["netns", "exec", &ns.0, "ss"]).args(args).output().unwrap());
    let ours = Command::new("ip")
        .args(["netns", "exec", &ns.0, env!("CARGO_BIN_EXE_nlkit"), "ss"])
        .args(args)
        .output()
        .unwrap();
    (ss, text(ours))
}

#[test]
fn text_is_ss_text() {
    let ns = Ns::new("ss");
    let _s = Sockets::open(&ns);
    let variants: &[&[&str]] = &[
        &["-tan"],
        &["-ta"],
        &["-t"],
        &["-tn"],
        &["-tl"],
        &["-tln"],
        &["-tuan"],
        &["-tua"],
        &["-ua"],
        &["-uln"],
        &["-tan4"],
        &["-tan6"],
        &["-tanH"],
        &["-t", "-a", "--numeric"],
        &["--tcp", "--all", "--ipv6"],
        &["-tan", "state", "listening"],
        &["-tan", "exclude", "listening"],
        &["-tan", "state", "established", "state", "close-wait"],
        &["-tn", "state", "connected"],
        &["-tan", "state", "big"],
    ];
    let mut compared = 0;
    for args in variants {
        let ss = text(
            Command::new("ip").args(["netns", "exec", &ns.0, "ss"]).args(*args).output().unwrap(),
        );
        // Through nlkit's -n and through ss's own -N.
        let ours = text(ns.nlkit(&[&["ss"], *args].concat()));
        assert_eq!(ours, ss, "nlkit -n NS ss {args:?}");
        let ours = text(
            Command::new(env!("CARGO_BIN_EXE_nlkit"))
                .args([&["ss", "-N", &ns.0], *args].concat())
                .output()
                .unwrap(),
        );
        assert_eq!(ours, ss, "nlkit ss -N NS {args:?}");
        assert!(ss.lines().count() >= 2 || args.contains(&"-tanH"), "{args:?}: {ss}");
        compared += 1;
    }
    assert_eq!(compared, variants.len());
    // -e: uid, inode, cookie, fwmark, cgroup, v6only and the shutdown arrows.
    for args in [&["-tane"][..], &["-uane"], &["-tne"], &["-tuane", "state", "listening"]] {
        let (ss, ours) = both_exec(&ns, args);
        assert_eq!(ours, ss, "{args:?}");
    }
    let (ss, _) = both_exec(&ns, &["-tane"]);
    for part in
        [" uid:65534 ", " fwmark:0x7 ", " v6only:1 ", " v6only:0 ", " --> ", " <-- ", "%lo:5555"]
    {
        assert!(ss.contains(part), "the test lacks {part:?}: {ss}");
    }
}

/// The filter language, compiled into the kernel's filter program: the
/// same rows as ss for each expression (ss also filters in the kernel).
#[test]
fn filters_are_ss_filters() {
    let ns = Ns::new("ssf");
    let _s = Sockets::open(&ns);
    let filters: &[&str] = &[
        "sport = :22",
        "sport = :ssh",
        "( sport = :22 or sport = :8080 )",
        "dport = :22 or sport >= :7000",
        "sport > :5555 and sport < :9999",
        "sport le :443 && ! src [::1]",
        "not sport = :22",
        "src 127.0.0.1",
        "src 127.0.0.0/8 dport != :0",
        "dst 127.0.0.1:22",
        "src [::1]:443",
        "src inet6:*",
        "src inet:*:22",
        "src localhost",
        "dev lo",
        "dev = 1",
        "fwmark = 0x7",
        "fwmark 0x7/0x3",
        "autobound",
        "not autobound",
        "sport = :22 or sport = :53 and src 127.0.0.1",
    ];
    for f in filters {
        for opts in ["-tan", "-tuan"] {
            let (ss, ours) = both_exec(&ns, &[opts, f]);
            assert_eq!(ours, ss, "ss {opts} '{f}'");
        }
    }
    // Filters that select something select what they should.
    let (_, ours) = both_exec(&ns, &["-tanH", "sport = :22"]);
    assert_eq!(ours.lines().count(), 2, "the listener and the accepted end: {ours}");
    let (_, ours) = both_exec(&ns, &["-tanH", "fwmark = 0x7"]);
    assert!(ours.contains(":7777") && ours.lines().count() == 1, "{ours}");
    // Through nlkit's -n too, with state words before the filter.
    let (ss, _) = both_exec(&ns, &["-tan", "state", "listening", "sport >= :5000"]);
    let ours = text(ns.nlkit(&["ss", "-tan", "state", "listening", "sport", ">=", ":5000"]));
    assert_eq!(ours, ss);
    assert!(ss.lines().count() >= 4, "{ss}");
}

/// -p (the processes holding each socket), -m (socket memory) and -o
/// (timers), alone and together, TCP, UDP and unix: ss's text. Timers
/// count down between the two runs, so their times are masked.
#[test]
fn processes_memory_and_timers_are_ss_text() {
    let ns = Ns::new("ssp");
    let s = Sockets::open(&ns);
    for args in [&["-tanp"][..], &["-tanm"], &["-tuanmp"], &["-uap"], &["-xap"], &["-xam"]] {
        let (ss, ours) = both_exec(&ns, args);
        assert_eq!(ours, ss, "{args:?}");
    }
    let (ss, _) = both_exec(&ns, &["-tanpm"]);
    let pid = s.0.id();
    // The listener's holders: the forked child (which shares it), then
    // the parent, as ss lists them.
    assert!(ss.contains(&format!("(\"python3\",pid={pid},fd=3))")), "{ss}");
    assert!(ss.contains("\n\t skmem:(r0,rb") && ss.contains(",bl0,d0)"), "{ss}");
    let mask = |t: &str| {
        let mut out = String::new();
        let mut in_timer = false;
        for (i, c) in t.char_indices() {
            in_timer = (in_timer || t[i..].starts_with("timer:(")) && c != ')';
            out.push(if in_timer && c.is_ascii_digit() { '0' } else { c });
        }
        out
    };
    for args in [&["-tano"][..], &["-tanpmoe"]] {
        let (ss, ours) = both_exec(&ns, args);
        assert_eq!(mask(&ours), mask(&ss), "{args:?}");
    }
    // JSON carries the same: the holder, the memory, no timer on a listener.
    let out = text(ns.nlkit(&["-j", "ss", "-tanpmo"]));
    let all: Vec<Value> = serde_json::from_str(&out).unwrap();
    let l = all.iter().find(|s| s["local"]["port"] == 22 && s["state"] == "LISTEN").unwrap();
    let holders = l["users"].as_array().unwrap();
    assert!(holders.iter().any(|u| u["pid"] == pid && u["fd"] == 3 && u["name"] == "python3"));
    assert!(l["skmem"]["rb"].as_u64().unwrap() > 0, "{l}");
    assert!(l.get("timer").is_none());
}

/// Packet sockets (all protocols; IPv4 and LLDP bound to lo, raw and
/// datagram) and the default state masks ss gives each table: ss's text.
#[test]
fn packet_sockets_and_table_defaults_are_ss_text() {
    let ns = Ns::new("ss0");
    let _s = Sockets::open(&ns);
    let mut packets = Command::new("ip")
        .args(["netns", "exec", &ns.0, "python3", "-c"])
        .arg(
            "import socket, time\n\
             P = socket.AF_PACKET\n\
             a = socket.socket(P, socket.SOCK_RAW, socket.htons(3))\n\
             d = socket.socket(P, socket.SOCK_DGRAM, socket.htons(0x800)); d.bind(('lo', 0x800))\n\
             l = socket.socket(P, socket.SOCK_RAW, socket.htons(0x88cc)); l.bind(('lo', 0x88cc))\n\
             print('ready', flush=True); time.sleep(120)",
        )
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(packets.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    for args in [
        &["-0"][..],
        &["-0a"],
        &["-0e"],
        &["-0m"],
        &["-0p"],
        &["-0n"],
        &["-0pme"],
        &["-A", "packet_raw"],
        &["-f", "link"],
        &["-x0"],
        &["-u"],
        &["-w"],
        &["-x"],
        &["-ux"],
        &["-4"],
        &["-6"],
        &["-A", "inet"],
        &["-A", "packet"],
        &["-ul"],
        &["-0", "src", "link:ip"],
        &["-0", "src", "ip:lo"],
        &["-0a", "src", ":lo"],
        &["-a", "src", "link:LLDP:1"],
        &["-0", "src", "link:all"],
        &["-0", "not", "src", "link:ip"],
    ] {
        let (ss, ours) = both_exec(&ns, args);
        assert_eq!(ours, ss, "{args:?}");
    }
    // ss 6.1 lists every packet socket under -A p_dgr (its netlink path
    // does not check the type; its /proc path does): nlkit lists the
    // datagram one only.
    let (ss, ours) = both_exec(&ns, &["-A", "p_dgr", "-a", "-H"]);
    assert_eq!(ss.lines().count(), 3, "{ss}");
    assert_eq!(ours.lines().count(), 1, "{ours}");
    let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(ours.contains(" ip:lo ") && words(&ss).contains(&words(&ours)), "{ours}\n{ss}");
    let (ss, _) = both_exec(&ns, &["-0"]);
    for part in ["p_raw", "p_dgr", " ip:lo ", "LLDP:lo", " *:* "] {
        assert!(ss.contains(part), "the test lacks {part:?}: {ss}");
    }
    let out = text(ns.nlkit(&["-j", "ss", "-0"]));
    let all: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(all.len(), 3, "{out}");
    assert!(all
        .iter()
        .any(|s| s["netid"] == "p_dgr" && s["protocol"] == 0x800 && s["ifindex"] == 1));
    let _ = packets.kill();
    let _ = packets.wait();
}

/// Raw sockets, as ss lists them: from raw_diag where the kernel has it,
/// else from /proc/net/raw and raw6 (this host's kernel has no raw_diag:
/// nlkit read nothing then). With numbers, since nlkit prints a raw
/// socket's protocol as one.
#[test]
fn raw_sockets_are_listed_as_ss_lists_them() {
    let ns = Ns::new("ssraw");
    ns.ip(&["link", "set", "lo", "up"]);
    let mut raw = Command::new("ip")
        .args(["netns", "exec", &ns.0, "python3", "-c"])
        .arg(
            "import socket, time\n\
             S = socket\n\
             a = S.socket(S.AF_INET, S.SOCK_RAW, S.IPPROTO_ICMP)\n\
             b = S.socket(S.AF_INET6, S.SOCK_RAW, S.IPPROTO_ICMPV6)\n\
             c = S.socket(S.AF_INET, S.SOCK_RAW, 253); c.bind(('127.0.0.1', 0))\n\
             print('ready', flush=True); time.sleep(120)",
        )
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(raw.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    for args in [&["-wn"][..], &["-wan"], &["-wanp"], &["-wane"], &["-wanm"], &["-wan", "-6"]] {
        let (ss, ours) = both_exec(&ns, args);
        assert_eq!(ours, ss, "{args:?}");
    }
    let (ss, _) = both_exec(&ns, &["-wan"]);
    for part in ["0.0.0.0:1 ", "127.0.0.1:253 ", "*:58 "] {
        assert!(ss.contains(part), "the test lacks {part:?}: {ss}");
    }
    let out = text(ns.nlkit(&["-j", "ss", "-wan"]));
    let all: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(all.len(), 3, "{out}");
    assert!(all.iter().any(|s| s["protocol"] == 253 && s["local"]["address"] == "127.0.0.1"));
    // -K needs raw_diag to close one: without it nothing is listed as
    // closed, and it is said.
    if !text(ns.nlkit(&["ss", "-wan"])).is_empty() && ss.lines().count() > 1 {
        let out = ns.nlkit(&["ss", "-wanK"]);
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        if said.contains("no raw_diag") {
            assert_eq!(text(out).lines().count(), 1, "only the header");
            assert_eq!(both_exec(&ns, &["-wan"]).1, ss, "nothing closed");
        }
    }
    let _ = raw.kill();
    let _ = raw.wait();
}

#[test]
fn json_describes_the_same_sockets() {
    let ns = Ns::new("ssj");
    let _s = Sockets::open(&ns);
    let out = text(ns.nlkit(&["-j", "ss", "-tuan"]));
    let all: Vec<Value> = serde_json::from_str(&out).unwrap();
    let find = |port: u16| {
        all.iter().find(|s| s["local"]["port"] == port).unwrap_or_else(|| panic!("{port}: {out}"))
    };
    let l = find(22);
    assert_eq!((l["netid"].as_str(), l["state"].as_str()), (Some("tcp"), Some("LISTEN")));
    assert_eq!(l["local"]["address"], "127.0.0.1");
    assert_eq!(l["send-q"], 5, "the backlog");
    assert_eq!(find(9999)["uid"], 65534);
    assert_eq!(find(7777)["mark"], 7);
    assert_eq!(find(5555)["ifindex"], 1);
    assert_eq!(find(443)["v6only"], true);
    assert_eq!(find(53)["state"], "UNCONN");
    let fin = all.iter().find(|s| s["state"] == "FIN-WAIT-2").unwrap();
    assert_eq!((fin["recv-q"].as_u64(), fin["shutdown"]["send"].as_bool()), (Some(5), Some(true)));
    // The same count as ss's lines, header aside.
    let (ss, _) = both_exec(&ns, &["-tuanH"]);
    assert_eq!(all.len(), ss.lines().count(), "{ss}");
    assert!(all.iter().all(|s| s["inode"].as_u64().is_some() && s["cookie"].as_u64().is_some()));
}

/// -i (TCP internals: tcp_info, the congestion control and its record),
/// alone and with -n, -o, -m, -a, UDP beside: ss's text. The times since
/// the last send, receive and ACK move between the two runs: masked, and
/// the padding that follows the longest line with them. JSON carries the
/// same struct by field.
#[test]
fn tcp_info_is_ss_text() {
    let ns = Ns::new("ssi");
    let s = Sockets::open(&ns);
    let mask = |t: &str| -> Vec<String> {
        t.lines()
            .map(|line| {
                let words = line.split_whitespace().map(|w| {
                    match ["lastsnd:", "lastrcv:", "lastack:"].iter().find(|p| w.starts_with(*p)) {
                        Some(p) => format!("{p}N"),
                        None => w.to_string(),
                    }
                });
                words.collect::<Vec<_>>().join(" ")
            })
            .collect()
    };
    for args in [&["-ti"][..], &["-tni"], &["-tinom"], &["-tai"], &["-tuaie"], &["-4tain"]] {
        let (ss, ours) = both_exec(&ns, args);
        assert_eq!(mask(&ours), mask(&ss), "{args:?}");
        if args != ["-tai"] {
            continue;
        }
        // What -i shows is there: the connection's round-trip time and
        // window, the listener's congestion control (a listener's
        // `sacked`, its backlog, is left out, as ss leaves it).
        assert!(
            ss.contains(" rtt:") && ss.contains(" cwnd:") && ss.contains(" rcv_space:"),
            "{ss}"
        );
    }
    let out = text(ns.nlkit(&["-j", "ss", "-tain"]));
    let all: Vec<Value> = serde_json::from_str(&out).unwrap();
    let est = all.iter().find(|s| s["state"] == "FIN-WAIT-2").unwrap();
    let info = &est["tcp-info"];
    assert_eq!(info["state"], 5, "TCP_FIN_WAIT2: {est}");
    assert!(info["rtt"].as_u64().unwrap() > 0 && info["snd_mss"].as_u64().unwrap() > 0, "{est}");
    assert!(est["congestion"].as_str().is_some_and(|c| !c.is_empty()), "{est}");
    drop(s);
}

/// `-i`'s last fields: MD5 keys (a listener with two, one needing
/// escapes) and the upper-layer protocol (an MPTCP connection's subflows:
/// flags, tokens, sequence numbers), as ss prints them; except that ss
/// writes the keys before its table (printf beside its buffered line) and
/// leaves `=` empty on the line, where nlkit writes them.
#[test]
fn md5_keys_and_mptcp_subflows_are_ss_text() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let ns = Ns::new("ssulp");
    ns.ip(&["link", "set", "lo", "up"]);
    let script = r#"
import socket, struct, sys
s = socket.socket(); s.bind(("127.0.0.1", 7777)); s.listen()
for ip, key in (("127.0.0.1", b"sec ret,1"), ("10.0.0.0", b"k2")):
    a = struct.pack("=H2s4s", socket.AF_INET, b"\0\0", socket.inet_aton(ip)).ljust(128, b"\0")
    s.setsockopt(socket.IPPROTO_TCP, 14, a + struct.pack("=BBHI", 0, 0, len(key), 0) + key.ljust(80, b"\0"))
m = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); m.bind(("127.0.0.1", 8888)); m.listen()
c = socket.socket(socket.AF_INET, socket.SOCK_STREAM, 262); c.connect(("127.0.0.1", 8888)); p = m.accept()
print("ready", flush=True); sys.stdin.read()
"#;
    let mut py = Command::new("ip")
        .args(["netns", "exec", &ns.0, "python3", "-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(py.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    let mask = |t: &str| -> String {
        let words = t.split_whitespace().map(|w| {
            match ["lastsnd:", "lastrcv:", "lastack:"].iter().find(|p| w.starts_with(*p)) {
                Some(p) => format!("{p}N"),
                None => w.to_string(),
            }
        });
        words.collect::<Vec<_>>().join(" ")
    };
    // The MD5 listener: ss's stray keys first, then its table.
    let (ss, ours) = both_exec(&ns, &["-tlni"]);
    let (stray, table) = ss.split_at(ss.find("State").unwrap());
    assert_eq!(stray, r"k2sec\040ret\0541");
    let keys = "md5keys:10.0.0.0/32=k2,127.0.0.1/32=sec\\040ret\\0541";
    assert!(ours.contains(keys), "{ours}");
    let fixed = table.replace("md5keys:10.0.0.0/32=,127.0.0.1/32=", keys);
    assert_eq!(mask(&ours), mask(&fixed));
    assert!(ours.contains("tcp-ulp-mptcp"), "{ours}");
    // The MPTCP subflows.
    let (ss, ours) = both_exec(&ns, &["-tni"]);
    assert!(ss.contains(" token:") && ss.contains(" flags:M"), "{ss}");
    assert_eq!(mask(&ours), mask(&ss));
    let out = text(ns.nlkit(&["-j", "ss", "-tlni"]));
    let all: Vec<Value> = serde_json::from_str(&out).unwrap();
    let l = all.iter().find(|s| s["local"]["port"] == 7777 || s.to_string().contains("7777"));
    let l = l.unwrap_or_else(|| panic!("{out}"));
    assert_eq!(l["md5keys"][0]["key"], "k2", "{l}");
    assert_eq!(l["md5keys"][1]["key_hex"], "736563207265742c31", "{l}");
    drop(py.stdin.take());
    let _ = py.wait();
}

#[test]
fn bad_words_are_refused_before_anything_is_sent() {
    let run =
        |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_nlkit")).args(args).output().unwrap();
    for (args, said) in [
        (&["ss", "-tq"][..], "ss: invalid option -- 'q'"),
        (&["ss", "--bogus"], "ss: unrecognized option '--bogus'"),
        (&["ss", "-tr"], "ss option -r is not supported by nlkit ss yet"),
        (&["ss", "-t", "state", "nosuch"], "ss: wrong state name: nosuch"),
        (&["ss", "-t", "dport", "=", ":nosuchport"], "\"nosuchport\" does not look like a port"),
        (&["ss", "-t", "sport", "=", ":22", ")"], "syntax error in filter at \")\""),
        (&["ss", "-t", "src", "10.0.0.1/40"], "an inet prefix is expected"),
        (&["ss", "-x", "src", "link:nosuchproto"], "is not a link-layer protocol"),
        (&["ss", "-0", "src", "ip:nosuchdev"], "Cannot find device \"nosuchdev\""),
        (&["ss", "-f", "netlink", "src", "nosuch"], "is not a netlink protocol"),
        (&["ss", "-a", "src", "netlink:rtnl:x"], "is not a port id"),
        (&["ss", "-a", "src", "vsock:1"], "not supported by nlkit ss"),
        (&["ss", "-tN"], "option requires an argument -- 'N'"),
        (&["ss", "-t", "-N", "nlkit-no-such-ns"], "nlkit-no-such-ns"),
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(said), "{args:?}: {err}");
    }
    let help = run(&["ss", "--help"]);
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).starts_with("Usage: nlkit ss"));
}

/// Runs `cmd` on a terminal of `cols` columns (util-linux's script(1)).
fn on_terminal(cols: u16, cmd: &str) -> String {
    let out = Command::new("script")
        .args(["-qec", &format!("stty cols {cols}; {cmd}"), "/dev/null"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{cmd}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().replace('\r', "")
}

#[test]
fn on_a_terminal_columns_share_the_screen_as_ss_does() {
    let ns = Ns::new("sstty");
    let _s = Sockets::open(&ns);
    let nlkit = env!("CARGO_BIN_EXE_nlkit");
    for cols in [200, 120, 80, 60, 40, 25] {
        for args in ["-tan", "-tuan", "-tane"] {
            // stderr aside: ss says "Failed to find cgroup2 mount" once
            // per socket under `ip netns exec`, nlkit once.
            let ss = on_terminal(cols, &format!("ip netns exec {} ss {args} 2>/dev/null", ns.0));
            let ours =
                on_terminal(cols, &format!("ip netns exec {} {nlkit} ss {args} 2>/dev/null", ns.0));
            assert_eq!(ours, ss, "{cols} columns, {args}");
            assert!(ss.lines().count() > 3);
        }
    }
}

const UNIX_SCRIPT: &str = r#"
import os, socket, sys, time
S, d = socket, sys.argv[1]
l = S.socket(S.AF_UNIX); l.bind(d + '/a.sock'); l.listen(3)
c = S.socket(S.AF_UNIX); c.connect(d + '/a.sock')
a, _ = l.accept(); c.send(b'hey'); a.shutdown(S.SHUT_WR)
g = S.socket(S.AF_UNIX, S.SOCK_DGRAM); g.bind('\0abs\0tract')
s1, s2 = S.socketpair(S.AF_UNIX, S.SOCK_SEQPACKET)
b = S.socket(S.AF_UNIX); b.bind(d + '/b.sock')
w = S.socket(S.AF_UNIX); w.bind('\0pending'); w.listen(2)
q = S.socket(S.AF_UNIX); q.connect('\0pending')
print('ready', flush=True)
time.sleep(120)
"#;

#[test]
fn unix_sockets_are_ss_text() {
    let ns = Ns::new("ssx");
    let dir = std::env::temp_dir().join(format!("nlkit-ss-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new("ip")
        .args(["netns", "exec", &ns.0, "python3", "-c", UNIX_SCRIPT, dir.to_str().unwrap()])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    let _holder = Sockets(child);
    for args in [
        &["-x"][..],
        &["-xa"],
        &["-xan"],
        &["-xl"],
        &["-xae"],
        &["-xa", "state", "listening"],
        &["-xa", "exclude", "listening"],
        &["-tuxa"],
        &["-xH"],
        // Filters: tested here (the kernel filters inet sockets only), as
        // ss does; after -x a host without a tag is a unix one.
        &["-xa", "src", "unix:*/a.sock"],
        &["-a", "src", "unix:@ABS*"],
        &["-xa", "src", "*.sock", "or", "src", "@*"],
        &["-xa", "not", "src", "unix:*.sock"],
        &["-xa", "dst", "*"],
        &["-xa", "dst", "unix:/nowhere"],
        &["-xa", "sport", ">", ":0"],
        &["-xa", "autobound"],
    ] {
        let (ss, ours) = both_exec(&ns, args);
        assert_eq!(ours, ss, "{args:?}");
    }
    let (ss, _) = both_exec(&ns, &["-xa", "src", "unix:*/a.sock"]);
    assert_eq!(ss.lines().count(), 3, "the listener and what it accepted: {ss}");
    let (ss, _) = both_exec(&ns, &["-xae"]);
    for part in ["u_str", "u_dgr", "u_seq", "@abs@tract", "/a.sock", "peers: ", " --> ", " <-- "] {
        assert!(ss.contains(part), "the test lacks {part:?}: {ss}");
    }
    let out = text(ns.nlkit(&["-j", "ss", "-xa"]));
    let all: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(all.len(), 9, "{out}");
    let abs = all.iter().find(|s| s["name"] == "@abs@tract").unwrap();
    assert_eq!((abs["netid"].as_str(), abs["state"].as_str()), (Some("u_dgr"), Some("UNCONN")));
    let est = all.iter().find(|s| s["recv-q"] == 3).unwrap();
    let peer = all.iter().find(|s| s["inode"] == est["peer-inode"]).unwrap();
    assert_eq!(peer["peer-inode"], est["inode"], "the two ends name each other");
    let _ = std::fs::remove_dir_all(&dir);
}

const NETLINK_SCRIPT: &str = r#"
import socket, time
S = socket
r = S.socket(S.AF_NETLINK, S.SOCK_RAW, 0); r.bind((0, 0x11))
g = S.socket(S.AF_NETLINK, S.SOCK_DGRAM, 16); g.bind((0, 0))
u = S.socket(S.AF_NETLINK, S.SOCK_RAW, 2); u.bind((0, 0)); u.connect((4660, 0))
e = S.socket(S.AF_NETLINK, S.SOCK_RAW, 15); e.bind((0, 1))
print('ready', flush=True)
time.sleep(120)
"#;

/// The rows of an ss table as words, sorted, without the sock_diag
/// sockets (`tcpdiag:`, with -n `4:`): each tool's own (`ss/PID`,
/// `nlkit/PID`) and the kernel's side of it, whose queue holds the asking
/// tool's request, differ between the two runs by nature.
fn netlink_rows(table: &str) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = table
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().map(String::from).collect::<Vec<_>>())
        .filter(|w| !w.iter().any(|x| x.starts_with("tcpdiag:") || x.starts_with("4:")))
        .collect();
    rows.sort();
    rows
}

/// Netlink sockets (`-A netlink`, `-f netlink`, and the default with
/// `-a`): the same rows as ss (protocol names, `COMM/PID`, port ids, a
/// connected peer, groups with `-e`, numbers with `-n`); the layout is
/// ss's, but each tool lists its own diag socket, whose name makes the
/// column widths differ, so rows are compared word by word.
#[test]
fn netlink_sockets_are_ss_rows() {
    let ns = Ns::new("ssnl");
    let mut child = Command::new("ip")
        .args(["netns", "exec", &ns.0, "python3", "-c", NETLINK_SCRIPT])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    let pid = child.id();
    let _holder = Sockets(child);
    for args in [
        &["-a", "-A", "netlink"][..],
        &["-an", "-A", "netlink"],
        &["-ae", "-A", "netlink"],
        &["-a", "-f", "netlink", "-H"],
        &["-a", "--query=netlink,unix"],
        &["-A", "netlink", "state", "all"],
        &["-a", "-A", "netlink", "src", "netlink:usersock"],
        &["-a", "-f", "netlink", "src", "rtnl"],
        &["-a", "src", "netlink:uevent:*"],
        &["-an", "-f", "netlink", "not", "src", "netlink:tcpdiag"],
    ] {
        let (ss, ours) = both_exec(&ns, args);
        let (a, b) = (netlink_rows(&ss), netlink_rows(&ours));
        assert!(!a.is_empty(), "{args:?}: {ss}");
        assert_eq!(b, a, "{args:?}\n{ss}\n{ours}");
        let header = |t: &str| -> String {
            t.lines().next().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
        };
        assert_eq!(header(&ours), header(&ss), "{args:?}");
    }
    let (ss, _) = both_exec(&ns, &["-ae", "-A", "netlink"]);
    for part in ["rtnl:python3/", "groups=0x00000011", "usersock:", "0:4660", "uevent:", "genl:"] {
        assert!(ss.contains(part), "the test lacks {part:?}: {ss}");
    }
    // Without -a no unconnected socket is listed, as ss.
    let (ss, ours) = both_exec(&ns, &["-A", "netlink", "-H"]);
    assert_eq!((ss.as_str(), ours.as_str()), ("", ""));
    let out = text(ns.nlkit(&["-j", "ss", "-a", "-A", "netlink"]));
    let all: Vec<Value> = serde_json::from_str(&out).unwrap();
    let mine: Vec<&Value> =
        all.iter().filter(|s| s["process"] == format!("python3/{pid}")).collect();
    let route = mine.iter().find(|s| s["protocol"] == "rtnl").expect("the route socket");
    assert_eq!(route["groups"], serde_json::json!([1, 5]));
    let user = all.iter().find(|s| s["protocol"] == "usersock").expect("the usersock socket");
    assert_eq!((user["peer-port"].as_i64(), user["peer-group"].as_u64()), (Some(4660), Some(0)));
}

/// `-E` prints each socket the kernel destroys as ss prints it (closed
/// TCP connections and a listener; a UDP socket left out by `-t`).
#[test]
fn destroy_events_are_ss_text() {
    let ns = Ns::new("sse");
    ns.ip(&["link", "set", "lo", "up"]);
    let follow = |program: &[&str]| {
        Command::new("ip")
            .args(["netns", "exec", &ns.0])
            .args(program)
            .args(["-E", "-tn"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // ss writes through stdio: unbuffered, or a kill would lose its lines.
    let ss = follow(&["stdbuf", "-o0", "ss"]);
    let ours = follow(&[env!("CARGO_BIN_EXE_nlkit"), "ss"]);
    std::thread::sleep(std::time::Duration::from_millis(700));
    let made = Command::new("ip")
        .args(["netns", "exec", &ns.0, "python3", "-c"])
        .arg(
            "import socket\n\
             l = socket.socket(); l.bind(('127.0.0.1', 2222)); l.listen(1)\n\
             c = socket.create_connection(('127.0.0.1', 2222)); a, _ = l.accept()\n\
             c.close(); a.close(); l.close()\n\
             u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(('::1', 5353)); u.close()",
        )
        .status()
        .unwrap();
    assert!(made.success());
    std::thread::sleep(std::time::Duration::from_millis(700));
    let stop = |mut c: Child| {
        let _ = c.kill();
        String::from_utf8(c.wait_with_output().unwrap().stdout).unwrap()
    };
    let (ss, ours) = (stop(ss), stop(ours));
    assert_eq!(ours, ss);
    assert_eq!(ours.lines().filter(|l| l.contains("127.0.0.1:2222")).count(), 3, "{ours}");
    assert!(!ours.contains("5353"), "{ours}");
}

/// `-K` closes the sockets the filter names, and only those, listing
/// each it closed; the peer sees its connection reset.
#[test]
fn kill_closes_only_the_sockets_named() {
    let ns = Ns::new("ssk");
    ns.ip(&["link", "set", "lo", "up"]);
    let mut held = Command::new("ip")
        .args(["netns", "exec", &ns.0, "python3", "-c"])
        .arg(
            "import socket, sys\n\
             l = socket.socket(); l.bind(('127.0.0.1', 2222)); l.listen(2)\n\
             c = socket.create_connection(('127.0.0.1', 2222)); a, _ = l.accept()\n\
             k = socket.create_connection(('127.0.0.1', 2222)); b, _ = l.accept()\n\
             print(k.getsockname()[1], flush=True); sys.stdin.readline()\n\
             try:\n    k.send(b'x'); print('sent', flush=True)\n\
             except OSError as e:\n    print(e.errno, flush=True)\n\
             c.send(b'y'); print(len(a.recv(1)), flush=True)",
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(held.stdout.take().unwrap()).lines();
    let port = lines.next().unwrap().unwrap();
    // Nothing named, nothing closed: -K alone is refused.
    let bare = ns.nlkit(&["ss", "-K", "-t"]);
    assert!(!bare.status.success());
    assert!(String::from_utf8_lossy(&bare.stderr).contains("needs a state or a filter"));
    let before = text(ns.nlkit(&["ss", "-tn"]));
    assert_eq!(before.lines().count(), 5, "{before}");
    let killed = text(ns.nlkit(&["ss", "-K", "-tn", "sport", "=", &format!(":{port}")]));
    let rows: Vec<&str> = killed.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{killed}");
    assert!(rows[0].contains(&format!("127.0.0.1:{port}")), "{killed}");
    let after = text(ns.nlkit(&["ss", "-tn"]));
    // The killed end's peer was reset (tcp_abort sends a RST): both gone.
    assert!(!after.contains(&format!(":{port} ")), "{after}");
    assert_eq!(after.lines().count(), 3, "{after}");
    // The killed end is aborted (ECONNABORTED); the other connection works.
    held.stdin.as_mut().unwrap().write_all(b"\n").unwrap();
    assert_eq!(lines.next().unwrap().unwrap(), libc::ECONNABORTED.to_string());
    assert_eq!(lines.next().unwrap().unwrap(), "1");
    let _ = held.wait();
    // A filter that names no socket kills none: a bare header.
    let none = text(ns.nlkit(&["ss", "-K", "-tn", "dport", "=", ":1"]));
    assert_eq!(none.lines().count(), 1, "{none}");
}

/// `-s` is ss's summary (alone, or before the table when one is named).
/// Some counts move under the test's feet and are compared as numbers
/// only: the first line counts every socket of the namespace, the tools'
/// own included, freed lazily; TCP's allocated sockets (and so `closed`)
/// and orphans are the machine's, changed by tests running beside this one.
#[test]
fn summary_is_ss_summary() {
    let ns = Ns::new("sss");
    let _s = Sockets::open(&ns);
    // The lines after the first two, and the TCP line's estab and
    // timewait counts (the namespace's own).
    let mask = |t: &str| {
        let mut lines = t.splitn(3, '\n');
        let (first, tcp, rest) =
            (lines.next().unwrap(), lines.next().unwrap(), lines.next().unwrap());
        assert!(first.strip_prefix("Total: ").unwrap().parse::<u32>().is_ok(), "{first}");
        let count = |name: &str| {
            let after = tcp.split(name).nth(1).unwrap_or_else(|| panic!("{name} in {tcp}"));
            after.split([',', ')']).next().unwrap().parse::<u32>().unwrap()
        };
        assert!(tcp.starts_with("TCP:   "), "{tcp}");
        (count("estab "), count("timewait "), rest.to_string())
    };
    for args in [&["-s"][..], &["-st"], &["-s", "-u", "-a"], &["-s", "state", "listening"]] {
        let (ss, ours) = both_exec(&ns, args);
        assert_eq!(mask(&ours), mask(&ss), "{args:?}");
    }
    let (ss, _) = both_exec(&ns, &["-s"]);
    assert!(ss.contains("TCP\t  8         6         2"), "the test's sockets: {ss}");
    let v: Value = serde_json::from_str(&text(ns.nlkit(&["-j", "ss", "-s"]))).unwrap();
    assert_eq!(
        (v["tcp"]["hashed"]["ipv4"].as_u64(), v["udp"]["ipv6"].as_u64()),
        (Some(6), Some(1))
    );
}
