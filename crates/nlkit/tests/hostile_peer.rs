//! A hostile peer on `NETLINK_USERSOCK` (any process can be one): a `Conn`
//! sends it requests and it answers each with one of the broken replies
//! below. Every case must end in an error (or, where the bytes can be
//! read, in what they say) within a bounded time, hold bounded memory,
//! and leave the connection usable: a well-formed exchange right after
//! each succeeds. The table printed with `--nocapture` is the one in
//! RELIABILITY.md.

mod common;

use common::TestNs;
use nlkit::wire::{Attrs, Flags};
use nlkit::{Conn, Kind, Protocol, RecvBuf, Socket, SocketAddr};
use std::time::{Duration, Instant};

const PEER: u32 = 7100;
/// The request type that asks for a good ACK; case `i` is `CASE + i`.
const GOOD: u16 = 0x200;
const CASE: u16 = 0x100;

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

fn ok_msg(ty: u16, flags: u16, seq: u32, port: u32, payload: &[u8]) -> Vec<u8> {
    msg(16 + payload.len() as u32, ty, flags, seq, port, payload)
}

fn attr(kind: u16, payload: &[u8]) -> Vec<u8> {
    let mut a = Vec::new();
    a.extend_from_slice(&(4 + payload.len() as u16).to_ne_bytes());
    a.extend_from_slice(&kind.to_ne_bytes());
    a.extend_from_slice(payload);
    a.resize(a.len().next_multiple_of(4), 0);
    a
}

/// An ACK (ERROR with errno 0) for the request `req`.
fn ack(req: &[u8], seq: u32, port: u32) -> Vec<u8> {
    let mut p = 0i32.to_ne_bytes().to_vec();
    p.extend_from_slice(&req[..16]);
    ok_msg(2, 0x100, seq, port, &p)
}

/// The datagrams to answer a request with (the request, its sequence, the
/// requester's port); `None`: a stream without end.
type Answer = fn(&[u8], u32, u32) -> Option<Vec<Vec<u8>>>;

struct Case {
    name: &'static str,
    dump: bool,
    answer: Answer,
}

const MULTI: u16 = 0x2;
const DONE: u16 = 3;

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "length below the header",
            dump: false,
            answer: |_, seq, port| Some(vec![msg(8, 0x10, 0, seq, port, &[0; 8])]),
        },
        Case {
            name: "length past the datagram",
            dump: false,
            answer: |_, seq, port| Some(vec![msg(4000, 0x10, 0, seq, port, &[0; 8])]),
        },
        Case {
            name: "attribute length below 4",
            dump: true,
            answer: |_, seq, port| {
                let bad = [2u8, 0, 1, 0, 0, 0, 0, 0];
                Some(vec![
                    ok_msg(0x10, MULTI, seq, port, &bad),
                    ok_msg(DONE, MULTI, seq, port, &[0; 4]),
                ])
            },
        },
        Case {
            name: "attribute past its parent",
            dump: true,
            answer: |_, seq, port| {
                let inner = attr(1, &[0; 40]);
                let mut nest = attr(0x8002, &inner);
                nest[0..2].copy_from_slice(&12u16.to_ne_bytes()); // the parent claims 12
                Some(vec![
                    ok_msg(0x10, MULTI, seq, port, &nest),
                    ok_msg(DONE, MULTI, seq, port, &[0; 4]),
                ])
            },
        },
        Case {
            name: "misaligned attributes (a 5-byte one, no padding)",
            dump: true,
            answer: |_, seq, port| {
                let mut p = vec![5u8, 0, 1, 0, 0xaa];
                p.extend_from_slice(&attr(2, &[1, 2, 3, 4]));
                Some(vec![
                    ok_msg(0x10, MULTI, seq, port, &p),
                    ok_msg(DONE, MULTI, seq, port, &[0; 4]),
                ])
            },
        },
        Case {
            name: "nesting 16,000 deep (all a 64 KiB attribute holds)",
            dump: true,
            answer: |_, seq, port| {
                let mut p = vec![0u8; 4 * 16_000];
                for level in 0..16_000usize {
                    let len = (4 * (16_000 - level)) as u16;
                    p[4 * level..4 * level + 2].copy_from_slice(&len.to_ne_bytes());
                    p[4 * level + 2..4 * level + 4].copy_from_slice(&0x8001u16.to_ne_bytes());
                }
                Some(vec![
                    ok_msg(0x10, MULTI, seq, port, &p),
                    ok_msg(DONE, MULTI, seq, port, &[0; 4]),
                ])
            },
        },
        Case {
            name: "a 1 MiB reply",
            dump: true,
            answer: |_, seq, port| {
                Some(vec![
                    // Empty attributes back to back, 262,144 of them.
                    ok_msg(0x10, MULTI, seq, port, &[4u8, 0, 0, 0].repeat(1 << 18)),
                    ok_msg(DONE, MULTI, seq, port, &[0; 4]),
                ])
            },
        },
        Case {
            name: "an ACK with the wrong sequence",
            dump: false,
            answer: |req, seq, port| Some(vec![ack(req, seq.wrapping_add(7), port)]),
        },
        Case {
            name: "an ACK for another port",
            dump: false,
            answer: |req, seq, port| Some(vec![ack(req, seq, port.wrapping_add(1))]),
        },
        Case {
            name: "an ACK for a request never sent",
            dump: false,
            answer: |req, seq, port| {
                let mut other = req[..16].to_vec();
                other[8..12].copy_from_slice(&(seq + 1000).to_ne_bytes());
                Some(vec![ack(&other, seq + 1000, port)])
            },
        },
        Case { name: "a dump without end (no DONE)", dump: true, answer: |_, _, _| None },
        Case {
            name: "a DONE that does not parse (2 bytes)",
            dump: true,
            answer: |_, seq, port| Some(vec![ok_msg(DONE, MULTI, seq, port, &[1, 2])]),
        },
        Case {
            name: "an ERROR that does not parse (6 bytes)",
            dump: false,
            answer: |_, seq, port| {
                Some(vec![ok_msg(2, 0, seq, port, &[0xea, 0xff, 0xff, 0xff, 0, 0])])
            },
        },
    ]
}

/// A reply's attributes walked as nests to their end, as a decoder does,
/// with a depth bound (nlkit's decoders stop at 32 levels; `proto::dynamic`
/// leaves the bound to its caller): an error, never a crash.
fn walk(p: &[u8], depth: usize) -> nlkit::Result<usize> {
    let mut n = 0;
    for a in Attrs::new(p) {
        let a = a?;
        n += 1;
        if a.raw_type() & 0x8000 != 0 {
            if depth >= 32 {
                return Err(nlkit::Error::Malformed {
                    what: "reply",
                    why: "nests deeper than 32 levels",
                });
            }
            n += walk(a.payload(), depth + 1)?;
        }
    }
    Ok(n)
}

#[test]
fn every_broken_reply_ends_in_bounded_time_and_leaves_the_connection_usable() {
    let ns = TestNs::new("hostile");
    let cases = cases();
    let mut peer = Socket::new_in(ns.netns(), Protocol::USERSOCK, Kind::Raw).unwrap();
    peer.bind(SocketAddr::port(PEER)).unwrap();
    peer.set_send_buffer_size_force(4 << 20).unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let answers: Vec<_> = cases.iter().map(|c| c.answer).collect();
    let peer = std::sync::Arc::new(peer);
    let peer = std::thread::spawn(move || {
        let mut buf = RecvBuf::new();
        while peer.recv(&mut buf).is_ok() {
            let req = buf.bytes().to_vec();
            let from = buf.from().port;
            let ty = u16::from_ne_bytes([req[4], req[5]]);
            let seq = u32::from_ne_bytes([req[8], req[9], req[10], req[11]]);
            if ty == GOOD {
                let _ = peer.send_to(&ack(&req, seq, from), SocketAddr::port(from));
                continue;
            }
            if ty == GOOD + 1 {
                return;
            }
            let Some(answer) = answers.get(usize::from(ty - CASE)) else { continue };
            match answer(&req, seq, from) {
                Some(datagrams) => {
                    for d in datagrams {
                        let _ = peer.send_to(&d, SocketAddr::port(from));
                    }
                }
                // Without end: a message of the dump every 5 ms, for 3 s,
                // from a thread of its own while this one answers on.
                None => {
                    let peer = peer.clone();
                    std::thread::spawn(move || {
                        let end = Instant::now() + Duration::from_secs(3);
                        while Instant::now() < end {
                            let m = ok_msg(0x10, MULTI, seq, from, &[0; 4]);
                            let _ = peer.send_to(&m, SocketAddr::port(from));
                            std::thread::sleep(Duration::from_millis(5));
                        }
                    });
                }
            }
        }
    });

    let mut conn = Conn::open_in(ns.netns(), Protocol::USERSOCK).unwrap();
    conn.set_peer(PEER);
    let deadline = Duration::from_millis(1000);
    conn.set_timeout(Some(deadline)).unwrap();
    let mut table = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let t0 = Instant::now();
        let mut seen = 0usize;
        let handler = |m: nlkit::wire::Message<'_>| -> nlkit::Result<()> {
            seen += 1;
            walk(m.payload(), 0)?;
            Ok(())
        };
        let result = match case.dump {
            true => conn.dump(CASE + i as u16, |b| b.append(&[0; 4]), handler),
            false => conn.request(CASE + i as u16, Flags::ACK, |b| b.append(&[0; 4]), handler),
        };
        let took = t0.elapsed();
        let said = match &result {
            Ok(()) => format!("read: {seen} message(s)"),
            Err(e) => e.to_string(),
        };
        // Bounded: the deadline plus scheduling, never a hang.
        assert!(took < deadline + Duration::from_secs(2), "{}: {took:?}", case.name);
        // The connection is usable after it.
        conn.request(GOOD, Flags::ACK, |b| b.append(&[0; 4]), |_| Ok(()))
            .unwrap_or_else(|e| panic!("after {}: a good exchange failed: {e}", case.name));
        // Strangers' datagrams are held within their byte bound.
        assert!(conn.unsolicited_bytes() <= 4 << 20);
        let expect_error = !matches!(case.name, n if n.starts_with("a 1 MiB"));
        assert_eq!(result.is_err(), expect_error, "{}: {said}", case.name);
        table.push(format!("| {} | {} ms | {said} |", case.name, took.as_millis()));
    }
    let _ = conn.request(GOOD + 1, Flags::empty(), |b| b.append(&[0; 4]), |_| Ok(()));
    let _ = peer.join();
    eprintln!("| case | time | result |\n| --- | ---: | --- |\n{}", table.join("\n"));
    for row in &table {
        common::figure("hostile.row", row);
    }
}
