//! The demo programs against `nl-usersock-peer` on `NETLINK_USERSOCK`, each
//! test in its own network namespace with its own peer. Needs root (CI runs
//! as root).

mod common;

use common::{run, stdout_of, Background, TempFile, TestNs};
use nlkit::{Kind, Netns, Protocol, RecvBuf, Socket, SocketAddr};
use nlkit_examples::msg::{message, request};
use nlkit_examples::ECHO;
use std::process::Output;
use std::time::Duration;

const PEER: &str = env!("CARGO_BIN_EXE_nl-usersock-peer");
const SENDTO: &str = env!("CARGO_BIN_EXE_nl-sendto");
const SENDMSG: &str = env!("CARGO_BIN_EXE_nl-sendmsg");
const SEND_LINES: &str = env!("CARGO_BIN_EXE_nl-send-lines");
const GROUP_LISTEN: &str = env!("CARGO_BIN_EXE_nl-group-listen");
const REGISTER: &str = env!("CARGO_BIN_EXE_nl-register");

const LINES: &str = "first line\nsecond line\n\nfourth, after an empty one\nfifth\n";

/// A namespace with a peer serving in it; the peer is killed first on drop.
struct Demo {
    peer: Background,
    port: u32,
    ns: TestNs,
}

impl Demo {
    /// Starts a peer with `extra` arguments and waits until it is bound.
    fn start(tag: &str, extra: &[&str]) -> Demo {
        let ns = TestNs::new(tag);
        let port = 4100 + common::unique();
        let port_arg = port.to_string();
        let mut args = vec!["--netns", &ns.name, "--port", &port_arg];
        args.extend_from_slice(extra);
        let mut peer = Background::start(PEER, &args);
        peer.wait_for("ready");
        Demo { peer, port, ns }
    }

    /// The arguments that point a client at this peer, then `extra`.
    fn args<'a>(&'a self, port: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
        let mut args = vec!["--netns", &self.ns.name, "--proto", "2", "--peer", port];
        args.extend_from_slice(extra);
        args
    }

    fn run(&self, bin: &str, extra: &[&str]) -> Output {
        run(bin, &self.args(&self.port.to_string(), extra))
    }

    fn stdout_of(&self, bin: &str, extra: &[&str]) -> String {
        stdout_of(bin, &self.args(&self.port.to_string(), extra))
    }

    /// A socket of the test's own in the namespace, bound to `port` (0: any).
    fn socket(&self, port: u32) -> Socket {
        let netns = Netns::Name(&self.ns.name);
        let mut s = Socket::new_in(netns, Protocol::USERSOCK, Kind::Raw).unwrap();
        s.bind(SocketAddr::port(port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// What nl-send-lines prints for [`LINES`] echoed by the peer at `port`.
fn echoed_lines(port: u32) -> String {
    let mut want: String = (1..)
        .zip(LINES.lines())
        .map(|(seq, line)| format!("received from port {port} seq {seq}: {line}\n"))
        .collect();
    want += "5 lines sent, 5 echoed\n";
    want
}

#[test]
fn sendto_gets_its_echo() {
    let demo = Demo::start("sendto", &[]);
    let out = demo.stdout_of(SENDTO, &["--text", "hello, peer"]);
    assert_eq!(out, format!("received from port {}: hello, peer\n", demo.port));
}

#[test]
fn sendmsg_gets_its_echo() {
    let demo = Demo::start("sendmsg", &[]);
    let out = demo.stdout_of(SENDMSG, &["--text", "header and payload apart"]);
    let want = format!("received from port {}: header and payload apart\n", demo.port);
    assert_eq!(out, want);
}

#[test]
fn send_lines_one_at_a_time() {
    let demo = Demo::start("lines", &[]);
    let file = TempFile::new("lines", LINES);
    let out = demo.stdout_of(SEND_LINES, &[file.as_str()]);
    assert_eq!(out, echoed_lines(demo.port));
}

#[test]
fn send_lines_in_one_datagram() {
    let demo = Demo::start("batch", &[]);
    let file = TempFile::new("batch", LINES);
    let out = demo.stdout_of(SEND_LINES, &["--batch", file.as_str()]);
    assert_eq!(out, echoed_lines(demo.port));
}

#[test]
fn group_listener_receives_a_broadcast() {
    let demo = Demo::start("group", &[]);
    let ns = demo.ns.name.as_str();
    let listen = ["--netns", ns, "--proto", "2", "--count", "1"];
    let mut listener = Background::start(GROUP_LISTEN, &listen);
    listener.wait_for("listening on group 1");
    let sent = demo.stdout_of(SENDTO, &["--type", "broadcast", "--text", "to everyone"]);
    let seq = sent.split_whitespace().nth(3).expect("sent broadcast seq S");
    let (status, out) = listener.finish();
    assert!(status.success(), "{status}: {:?}", listener.stderr());
    let want = format!("group 1 from port {} seq {seq}: to everyone\n", demo.port);
    assert_eq!(out, want);
}

#[test]
fn register_receives_three_notifications() {
    let demo = Demo::start("register", &["--notify", "3", "--interval-ms", "20"]);
    let out = demo.stdout_of(REGISTER, &[]);
    let want: String = (1..=3)
        .map(|i| format!("notification from port {} seq {i}: notification {i}\n", demo.port))
        .collect();
    assert_eq!(out, want);
}

#[test]
fn unknown_type_is_refused_with_eopnotsupp() {
    let demo = Demo::start("unknown", &[]);
    let out = demo.run(SENDTO, &["--type", "0x30"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unknown message type"), "{err}");
    assert!(err.contains(&libc::EOPNOTSUPP.to_string()), "{err}");
}

#[test]
fn unsupported_protocol_fails_cleanly() {
    let out = run(SENDTO, &["--proto", "29"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("not supported"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bad_arguments_fail_without_panicking() {
    let demo = Demo::start("args", &[]);
    for (bin, args, code) in [
        (SENDTO, &["--peer", "abc"][..], 2),
        (SENDTO, &["--proto", "99"], 2),
        (SENDTO, &["--type", "3"], 2),
        (SEND_LINES, &["/nonexistent/nlkit-ex"], 1),
        (SENDTO, &["--netns", "nlkit-ex-no-such-ns"], 1),
    ] {
        let out = run(bin, args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{args:?}");
    }
    let out = run(SENDTO, &demo.args("1", &[]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot send to port 1"), "{}", stderr(&out));
}

#[test]
fn silent_peer_times_out() {
    let demo = Demo::start("timeout", &[]);
    let silent = demo.socket(0);
    let port = silent.port().to_string();
    let out = run(SENDTO, &demo.args(&port, &["--timeout", "1"]));
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("nothing received within 1 s"), "{}", stderr(&out));
}

#[test]
fn answers_go_to_the_real_sender_not_the_header_port() {
    let mut demo = Demo::start("forged", &[]);
    let sender = demo.socket(0);
    let victim = demo.socket(0);
    let forged = message(request(ECHO, 9, victim.port()), b"forged").unwrap();
    sender.send_to(&forged, SocketAddr::port(demo.port)).unwrap();

    let mut buf = RecvBuf::new();
    sender.recv(&mut buf).unwrap();
    assert_eq!(buf.from().port, demo.port);
    let echo = buf.messages().next().unwrap().unwrap();
    assert_eq!((echo.sequence(), echo.payload()), (9, &b"forged"[..]));
    victim.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    let stray = victim.recv(&mut buf).map(|_| (buf.from().port, buf.bytes().to_vec()));
    assert!(matches!(stray, Err(nlkit::Error::Timeout)), "the victim got {stray:?}");
    demo.peer.wait_for("header claimed port");
}
