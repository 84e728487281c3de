//! `nlkit raw send` against peers written the way tutorial modules are:
//! replies of type 0 or sequence 0, several replies without NLM_F_MULTI
//! and with pauses, lengths that are not a multiple of 4, a C string
//! followed by uninitialised bytes, malformed ERROR messages, and a third
//! party that answers for the destination. Each peer is a USERSOCK socket
//! in the test's own namespace that answers with the bytes it is given.

mod common;

use common::Ns;
use nlkit::{Kind, Netns, Protocol, RecvBuf, Socket, SocketAddr};
use serde_json::Value;
use std::process::{Command, Output};
use std::time::Duration;

const PEER: u32 = 600;

/// `struct nlmsghdr` and a payload; `len` as given (it may lie).
fn msg(len: u32, ty: u16, flags: u16, seq: u32, port: u32, payload: &[u8]) -> Vec<u8> {
    let mut m = Vec::new();
    m.extend_from_slice(&len.to_ne_bytes());
    m.extend_from_slice(&ty.to_ne_bytes());
    m.extend_from_slice(&flags.to_ne_bytes());
    m.extend_from_slice(&seq.to_ne_bytes());
    m.extend_from_slice(&port.to_ne_bytes());
    m.extend_from_slice(payload);
    m
}

/// What the peer saw of the request: its bytes and the sender's port.
struct Request {
    bytes: Vec<u8>,
    from: u32,
}

/// A peer on port `PEER` that takes one request and sends each datagram
/// `answer` gives back, pausing `pause` before each.
fn peer(
    ns: &Ns,
    pause: Duration,
    answer: impl FnOnce(&Request) -> Vec<Vec<u8>> + Send + 'static,
) -> std::thread::JoinHandle<Request> {
    let mut socket = Socket::new_in(Netns::Name(&ns.0), Protocol::USERSOCK, Kind::Raw).unwrap();
    socket.bind(SocketAddr::port(PEER)).unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    std::thread::spawn(move || {
        let mut buf = RecvBuf::new();
        socket.recv(&mut buf).unwrap();
        let req = Request { bytes: buf.bytes().to_vec(), from: buf.from().port };
        for d in answer(&req) {
            std::thread::sleep(pause);
            socket.send_to(&d, SocketAddr::port(req.from)).unwrap();
        }
        req
    })
}

fn send(ns: &Ns, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", &ns.0, "raw", "send", "--proto", "usersock", "--to-port", "600"])
        .args(args)
        .output()
        .unwrap()
}

fn json_lines(out: &Output) -> Vec<Value> {
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Three replies of type 0, sequence 0, no NLM_F_MULTI, 200 ms apart.
fn three_sloppy_replies(r: &Request) -> Vec<Vec<u8>> {
    let port = u32::from_ne_bytes(r.bytes[12..16].try_into().unwrap());
    (1..=3).map(|i| msg(16 + 5, 0, 0, 0, port, format!("rep {i}").as_bytes())).collect()
}

#[test]
fn replies_with_sequence_zero_are_said_and_counted_only_when_asked() {
    let ns = Ns::new("sloppy-wait");
    let p = peer(&ns, Duration::from_millis(200), three_sloppy_replies);
    let out = send(&ns, &["--text", "hi", "--wait", "--timeout", "1.5"]);
    p.join().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("a reply with sequence 0 answers none of the 1 request(s)"), "{err}");
    assert!(err.contains("timed out after 1.5 s: 1 of 1 request(s) had no ending"), "{err}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).matches("len 21 type 0").count(), 3);

    let p = peer(&ns, Duration::from_millis(200), three_sloppy_replies);
    let out = send(&ns, &["-j", "--text", "hi", "--count", "3", "--timeout", "5"]);
    p.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let replies = json_lines(&out);
    let texts: Vec<&str> = replies.iter().map(|r| r["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["rep 1", "rep 2", "rep 3"]);
    assert_eq!(replies[0]["len"], 21, "an nlmsg_len that is no multiple of 4 reads as sent");

    let p = peer(&ns, Duration::from_millis(200), three_sloppy_replies);
    let out = send(&ns, &["-j", "--text", "hi", "--count", "4", "--timeout", "1.2"]);
    p.join().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("with 3 of 4 replies"), "{}", stderr(&out));

    let p = peer(&ns, Duration::from_millis(200), three_sloppy_replies);
    let out = send(&ns, &["-j", "--text", "hi", "--until-timeout", "--timeout", "1.2"]);
    p.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_lines(&out).len(), 3);
}

#[test]
fn a_c_string_and_the_bytes_after_it() {
    let ns = Ns::new("cstring");
    let p = peer(&ns, Duration::ZERO, |r| {
        let seq = u32::from_ne_bytes(r.bytes[8..12].try_into().unwrap());
        vec![msg(16 + 8, 0x10, 0, seq, r.from, b"hey\0\xde\xad\x00\x01")]
    });
    let out = send(&ns, &["--text", "hi", "--nul", "--pad-to", "1024", "--wait"]);
    let req = p.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(req.bytes.len(), 16 + 1024, "NLMSG_SPACE(1024) as tutorial programs send");
    assert_eq!(&req.bytes[16..19], b"hi\0");
    assert!(req.bytes[19..].iter().all(|&b| b == 0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"hey\" + NUL + 4 bytes: dead0001"), "{text}");

    let p = peer(&ns, Duration::ZERO, |r| {
        let seq = u32::from_ne_bytes(r.bytes[8..12].try_into().unwrap());
        vec![msg(16 + 8, 0x10, 0, seq, r.from, b"hey\0\xde\xad\x00\x01")]
    });
    let out = send(&ns, &["-j", "--text", "x", "--wait"]);
    p.join().unwrap();
    let j = &json_lines(&out)[0];
    assert_eq!((j["text"].as_str(), j["after_text"].as_str()), (Some("hey"), Some("dead0001")));
    let out = send(&ns, &["--text", "x", "--pad-to", "0"]);
    assert!(stderr(&out).contains("longer than --pad-to 0"), "{}", stderr(&out));
}

/// An ERROR payload: the errno, the echoed header, then `tail`.
fn error_payload(errno: i32, request: &[u8], tail: &[u8]) -> Vec<u8> {
    let mut p = (-errno).to_ne_bytes().to_vec();
    p.extend_from_slice(&request[..16]);
    p.extend_from_slice(tail);
    p
}

#[test]
fn acks_errors_and_malformed_endings() {
    let ns = Ns::new("endings");
    // An ACK prints as one.
    let p = peer(&ns, Duration::ZERO, |r| {
        let seq = u32::from_ne_bytes(r.bytes[8..12].try_into().unwrap());
        vec![msg(36, 2, 0x100, seq, r.from, &error_payload(0, &r.bytes, &[]))]
    });
    let out = send(&ns, &["--text", "x", "--flags", "REQUEST,ACK", "--wait"]);
    p.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\n  ACK\n"));

    // A 6-byte ERROR cannot say an errno: an error, never success.
    let p = peer(&ns, Duration::ZERO, |r| {
        let seq = u32::from_ne_bytes(r.bytes[8..12].try_into().unwrap());
        vec![msg(22, 2, 0, seq, r.from, &[0xff, 0xff, 0xff, 0xff, 0, 0])]
    });
    let out = send(&ns, &["--text", "x", "--flags", "REQUEST,ACK", "--wait"]);
    p.join().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("malformed"), "{}", stderr(&out));

    // A 2-byte DONE likewise.
    let p = peer(&ns, Duration::ZERO, |r| {
        let seq = u32::from_ne_bytes(r.bytes[8..12].try_into().unwrap());
        vec![msg(18, 3, 2, seq, r.from, &[0, 0])]
    });
    let out = send(&ns, &["--text", "x", "--flags", "REQUEST,DUMP", "--wait"]);
    p.join().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("malformed: DONE"), "{}", stderr(&out));

    // Broken extended-ack TLVs keep the errno (EPERM) and say so.
    let p = peer(&ns, Duration::ZERO, |r| {
        let seq = u32::from_ne_bytes(r.bytes[8..12].try_into().unwrap());
        let payload = error_payload(libc::EPERM, &r.bytes, &[40, 0, 1, 0, b'x', 0, 0, 0]);
        vec![msg(16 + payload.len() as u32, 2, 0x300, seq, r.from, &payload)]
    });
    let out = send(&ns, &["--text", "x", "--flags", "REQUEST,ACK", "--wait"]);
    p.join().unwrap();
    assert_eq!(out.status.code(), Some(2), "a refusal: {}", stderr(&out));
    assert!(stderr(&out).contains("Operation not permitted"), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("malformed: extended ack"));
}

#[test]
fn an_ack_from_a_third_party_ends_nothing() {
    let ns = Ns::new("spoof");
    let mut spoofer = Socket::new_in(Netns::Name(&ns.0), Protocol::USERSOCK, Kind::Raw).unwrap();
    spoofer.bind(SocketAddr::port(601)).unwrap();
    // The real peer answers late; a stranger sends a matching ACK first.
    let p = peer(&ns, Duration::from_millis(400), move |r| {
        let seq = u32::from_ne_bytes(r.bytes[8..12].try_into().unwrap());
        let ack = msg(36, 2, 0x100, seq, r.from, &error_payload(0, &r.bytes, &[]));
        spoofer.send_to(&ack, SocketAddr::port(r.from)).unwrap();
        vec![msg(16 + 4, 0x10, 0, seq, r.from, b"real")]
    });
    let out = send(&ns, &["-j", "--text", "x", "--flags", "REQUEST", "--wait"]);
    p.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("from port 601 is not from the destination"), "{}", stderr(&out));
    let replies = json_lines(&out);
    assert_eq!(replies.last().unwrap()["text"], "real", "the wait lasted until the real reply");
}

#[test]
fn deep_nesting_from_a_stranger_is_cut_not_a_crash() {
    let ns = Ns::new("deep");
    let mut listen = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", &ns.0, "raw", "listen", "--proto", "usersock", "--groups", "1"])
        .args(["--count", "1", "--timeout", "5"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(listen.stderr.take().unwrap()),
        &mut ready,
    )
    .unwrap();
    // 16,000 levels of NLA_F_NESTED in one 64 KB datagram.
    let mut attrs: Vec<u8> = Vec::new();
    for _ in 0..16_000 {
        let mut outer = ((attrs.len() + 4) as u16).to_ne_bytes().to_vec();
        outer.extend_from_slice(&(1u16 | 0x8000).to_ne_bytes());
        outer.extend_from_slice(&attrs);
        attrs = outer;
    }
    let datagram = msg(16 + attrs.len() as u32, 0x10, 0, 1, 0, &attrs);
    let mut sender = Socket::new_in(Netns::Name(&ns.0), Protocol::USERSOCK, Kind::Raw).unwrap();
    sender.bind(SocketAddr::port(0)).unwrap();
    sender.send_to_group(&datagram, 1).unwrap();
    let out = listen.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", out.status);
    assert!(out.stdout.len() < 1 << 20, "{} bytes printed", out.stdout.len());
    assert!(String::from_utf8_lossy(&out.stdout).contains("(cut: more than 16 levels"));
}

#[test]
fn the_classic_tutorial_reply_a_done_carrying_text() {
    // nlmsg_put(skb, 0, 0, NLMSG_DONE, strlen(msg), 0): sequence 0, port 0,
    // and text where a status would be: no refusal, and said as text.
    let ns = Ns::new("classic");
    let p = peer(&ns, Duration::ZERO, |_| vec![msg(16 + 17, 3, 0, 0, 0, b"Hello from kernel")]);
    let out = send(&ns, &["--text", "hi", "--count", "1"]);
    p.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("type DONE") && text.contains("\"Hello from kernel\""), "{text}");
    assert!(text.contains("\n  DONE\n"), "{text}");
}
