//! Engine tests against the in-memory transport: no kernel involved.

use super::*;
use crate::testing::{ack, done, reply, Fake, FAKE_PORT};
#[cfg(feature = "genl")]
use nlkit_wire::Attrs;
use nlkit_wire::{MessageType, Messages};

const GET: u16 = 0x20;

fn conn(handler: impl FnMut(Message<'_>) -> Vec<Vec<u8>> + Send + 'static) -> Conn<Fake> {
    Conn::new(Fake::new(handler))
}

#[test]
fn request_is_stamped_with_seq_port_and_request_flag() {
    let mut c = conn(|m| vec![ack(&m, 0, None, None)]);
    c.request_ack(GET, Flags::empty(), |b| b.attr_u32(1, 7)).unwrap();
    c.request_ack(GET, Flags::empty(), |_| Ok(())).unwrap();
    let sent = c.transport().sent();
    let first = Messages::new(&sent[0]).next().unwrap().unwrap();
    assert_eq!(first.flags(), Flags::REQUEST | Flags::ACK);
    assert_eq!(first.port(), FAKE_PORT);
    assert_eq!(first.sequence(), 1);
    let second = Messages::new(&sent[1]).next().unwrap().unwrap();
    assert_eq!(second.sequence(), 2);
}

#[test]
fn dump_streams_until_done_across_datagrams() {
    let mut c = conn(|m| {
        let a = [reply(&m, GET, Flags::MULTI, b"a"), reply(&m, GET, Flags::MULTI, b"b")].concat();
        vec![a, reply(&m, GET, Flags::MULTI, b"c"), done(&m)]
    });
    let mut seen = Vec::new();
    c.dump(
        GET,
        |_| Ok(()),
        |m| {
            seen.push(m.payload()[0]);
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(seen, b"abc");
}

#[test]
fn kernel_error_carries_ext_ack_and_points_at_attribute() {
    let mut c = conn(|m| vec![ack(&m, libc::EINVAL, Some("bad mtu"), Some(16 + 8))]);
    let err = c
        .request_ack(GET, Flags::empty(), |b| {
            b.attr_u32(1, 1)?;
            b.attr_u32(4, 99)
        })
        .unwrap_err();
    let Error::Kernel(k) = err else { panic!("expected a kernel error, got {err:?}") };
    assert_eq!(k.errno, libc::EINVAL);
    assert_eq!(k.message.as_deref(), Some("bad mtu"));
    assert_eq!(k.offset, Some(24));
    assert_eq!(k.attr, Some(4));
    assert!(k.to_string().starts_with("bad mtu (Invalid argument"));
}

#[test]
fn dump_intr_delivers_everything_then_reports() {
    let handler = |m: Message<'_>| {
        vec![
            reply(&m, GET, Flags::MULTI, b"1"),
            reply(&m, GET, Flags::MULTI | Flags::DUMP_INTR, b"2"),
            done(&m),
        ]
    };
    let mut c = conn(handler);
    let mut n = 0;
    let err = c.dump(
        GET,
        |_| Ok(()),
        |_| {
            n += 1;
            Ok(())
        },
    );
    assert_eq!(n, 2);
    assert!(matches!(err, Err(Error::DumpInterrupted { messages: 2 })));
    let err = c.dump_collect(GET, |_| Ok(()), |m| Ok(m.payload().to_vec())).unwrap_err();
    assert_eq!(err.into_partial().unwrap(), [b"1".to_vec(), b"2".to_vec()]);
}

#[test]
fn dump_consistent_retries_until_clean() {
    let mut calls = 0;
    let mut c = conn(move |m| {
        calls += 1;
        let flags = if calls < 3 { Flags::MULTI | Flags::DUMP_INTR } else { Flags::MULTI };
        vec![reply(&m, GET, flags, &[calls as u8]), done(&m)]
    });
    let items = c.dump_consistent(GET, |_| Ok(()), |m| Ok(m.payload()[0]), 5).unwrap();
    assert_eq!(items, [3]);
    let seqs: Vec<_> = c
        .transport()
        .sent()
        .iter()
        .map(|d| Messages::new(d).next().unwrap().unwrap().sequence())
        .collect();
    assert_eq!(seqs, [1, 2, 3], "each retry has a fresh sequence number");
    let mut c = conn(|m| vec![reply(&m, GET, Flags::MULTI | Flags::DUMP_INTR, b"x"), done(&m)]);
    let err = c.dump_consistent(GET, |_| Ok(()), |m| Ok(m.payload()[0]), 2).unwrap_err();
    assert_eq!(err.into_partial(), Some(vec![b'x']));
}

#[test]
fn other_sequences_are_kept_and_a_wrong_port_is_an_error() {
    // A kernel message with another sequence number (a notification on a
    // group above 32 looks just like this) is kept, not taken as the reply.
    let mut c = conn(|m| {
        let mut r = reply(&m, GET, Flags::empty(), b"x");
        r[8] = 99;
        vec![r, reply(&m, GET, Flags::empty(), b"mine")]
    });
    let mut got = Vec::new();
    c.request(
        GET,
        Flags::empty(),
        |_| Ok(()),
        |m| {
            got.push(m.payload().to_vec());
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(got, [b"mine".to_vec()]);
    let (_, kept) = c.take_unsolicited().unwrap();
    assert_eq!(Messages::new(&kept).next().unwrap().unwrap().sequence(), 99);
    let mut c = conn(|m| {
        let mut r = reply(&m, GET, Flags::empty(), b"x");
        r[12] = 1; // nlmsg_pid = some other port
        vec![r]
    });
    let err = c.request(GET, Flags::empty(), |_| Ok(()), |_| Ok(())).unwrap_err();
    assert!(matches!(err, Error::Port { expected: FAKE_PORT, .. }), "{err:?}");
}

#[test]
fn done_with_error_and_overrun() {
    let mut c = conn(|m| vec![reply(&m, MessageType::DONE, Flags::MULTI, &(-16i32).to_ne_bytes())]);
    let err = c.dump(GET, |_| Ok(()), |_| Ok(())).unwrap_err();
    assert_eq!(err.errno(), Some(16));
    // One sign rule for DONE and ERROR: a positive status from a careless
    // peer is taken as it is (it was read as -5 for DONE, 22 for ERROR).
    let mut c = conn(|m| vec![reply(&m, MessageType::DONE, Flags::MULTI, &5i32.to_ne_bytes())]);
    assert_eq!(c.dump(GET, |_| Ok(()), |_| Ok(())).unwrap_err().errno(), Some(5));
    let mut c = conn(|m| vec![reply(&m, MessageType::OVERRUN, Flags::empty(), &[])]);
    assert!(matches!(c.dump(GET, |_| Ok(()), |_| Ok(())), Err(Error::Overrun)));
}

#[test]
fn handler_error_drains_the_dump_and_keeps_the_socket_in_step() {
    let mut c = conn(|m| {
        if m.message_type() == MessageType::Family(GET) {
            vec![reply(&m, GET, Flags::MULTI, b"a"), reply(&m, GET, Flags::MULTI, b"b"), done(&m)]
        } else {
            vec![ack(&m, 0, None, None)]
        }
    });
    let mut n = 0;
    let err = c.dump(
        GET,
        |_| Ok(()),
        |_| {
            n += 1;
            Err(Error::Timeout)
        },
    );
    assert!(matches!(err, Err(Error::Timeout)));
    assert_eq!(n, 1, "handler not called after it failed");
    c.request_ack(GET + 1, Flags::empty(), |_| Ok(())).unwrap();
}

#[test]
fn multicasts_during_an_exchange_are_kept() {
    let mut c = conn(|m| vec![ack(&m, 0, None, None)]);
    let event = reply(
        &Messages::new(&[16, 0, 0, 0, 0x21, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
            .next()
            .unwrap()
            .unwrap(),
        0x21,
        Flags::empty(),
        b"event",
    );
    c.transport_mut().push(SocketAddr { port: 0, groups: 1 }, event.clone());
    c.request_ack(GET, Flags::empty(), |_| Ok(())).unwrap();
    let (from, bytes) = c.take_unsolicited().unwrap();
    assert_eq!((from.groups, bytes), (1, event));
}

#[test]
fn malformed_reply_is_an_error_not_a_panic() {
    let mut c = conn(|_| vec![vec![40, 0, 0, 0, 0x20, 0]]);
    let err = c.request(GET, Flags::empty(), |_| Ok(()), |_| Ok(())).unwrap_err();
    assert!(matches!(err, Error::Wire(_)), "{err:?}");
}

#[cfg(feature = "genl")]
#[test]
fn genl_family_lookup_parses_groups() {
    let mut c = conn(|m| {
        let mut out = Vec::new();
        let h = nlkit_wire::Header {
            message_type: MessageType::Family(0x10),
            flags: Flags::empty(),
            sequence: m.sequence(),
            port: m.port(),
        };
        let mut b = MessageBuilder::new(&mut out, h).unwrap();
        b.append(&[1, 2, 0, 0]).unwrap();
        b.attr_u16(1, 0x1c).unwrap();
        b.attr_str(2, "demo").unwrap();
        b.attr_u32(3, 2).unwrap();
        let groups = b.nest(7).unwrap();
        let g = b.nest(1).unwrap();
        b.attr_str(1, "events").unwrap();
        b.attr_u32(2, 40).unwrap();
        b.nest_end(g).unwrap();
        b.nest_end(groups).unwrap();
        let _ = b.finish();
        vec![out]
    });
    let fam = c.resolve_family("demo").unwrap();
    assert_eq!((fam.id, fam.name.as_str(), fam.version), (0x1c, "demo", 2));
    assert_eq!(fam.group("events"), Some(40));
    let req = Messages::new(&c.transport().sent()[0]).next().unwrap().unwrap();
    let name = Attrs::new(&req.payload()[4..]).find(2).unwrap().unwrap();
    assert_eq!(name.str(), Ok("demo"));
}

#[test]
fn a_timeout_mid_dump_does_not_poison_later_requests() {
    let mut c = conn(|m| {
        if m.message_type() == MessageType::Family(GET) {
            let part = |p: &[u8]| reply(&m, GET, Flags::MULTI, p);
            vec![part(b"1"), part(b"2"), part(b"3"), done(&m)]
        } else {
            vec![ack(&m, 0, None, None)]
        }
    });
    c.transport_mut().timeout_after(1);
    let err = c.dump(GET, |_| Ok(()), |_| Ok(())).unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    // The rest of the dump is still queued ahead of the next ACK.
    for _ in 0..3 {
        c.request_ack(GET + 1, Flags::empty(), |_| Ok(())).unwrap();
    }
    assert_eq!(c.stale_discarded(), 3, "parts 2, 3 and DONE of the abandoned dump");
    assert!(c.take_unsolicited().is_none());
}

#[test]
fn a_reply_that_does_not_read_is_the_error_even_when_no_ack_follows() {
    // A broken peer: one reply the handler refuses, and no ACK after it.
    let mut c = conn(|m| vec![reply(&m, GET, Flags::empty(), b"bad")]);
    let err = c
        .request(
            GET,
            Flags::ACK,
            |_| Ok(()),
            |_| Err(Error::Malformed { what: "reply", why: "not what was asked" }),
        )
        .unwrap_err();
    assert!(matches!(err, Error::Malformed { why: "not what was asked", .. }), "{err:?}");
}

#[test]
fn a_kernel_dump_without_end_holds_up_only_the_next_dump() {
    // A dump the kernel never ends (a broken module's dumpit): its
    // exchange times out; a request that is not a dump goes at once,
    // the dump's messages discarded; the next dump waits for it to end
    // and, when it does not, says so.
    let mut c = conn(|m| {
        if m.message_type() == MessageType::Family(GET) {
            (0..3).map(|_| reply(&m, GET, Flags::MULTI, b"x")).collect()
        } else {
            vec![ack(&m, 0, None, None)]
        }
    });
    let err = c.dump(GET, |_| Ok(()), |_| Ok(())).unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    c.request_ack(GET + 1, Flags::empty(), |_| Ok(())).unwrap();
    let err = c.dump(GET, |_| Ok(()), |_| Ok(())).unwrap_err();
    assert!(matches!(err, Error::DumpStillRunning), "{err:?}");
    assert!(err.to_string().contains("abandoned at its deadline"), "{err}");
    // Given up on: the one after is sent (and, never ending, times out).
    let err = c.dump(GET, |_| Ok(()), |_| Ok(())).unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
}

#[test]
fn replies_are_not_port_checked_when_our_port_is_unknown() {
    let m = [16u8, 0, 0, 0, 0x20, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0];
    let msg = Messages::new(&m).next().unwrap().unwrap();
    assert!(validate(&msg, 1, 0).is_ok());
    assert!(matches!(validate(&msg, 1, 6), Err(Error::Port { expected: 6, got: 5 })));
    assert!(matches!(validate(&msg, 2, 5), Err(Error::Sequence { expected: 2, got: 1 })));
}

/// A message of `len` payload bytes with a sequence number no request has.
fn stranger(len: usize) -> Vec<u8> {
    let mut buf = Vec::new();
    let header =
        nlkit_wire::Header { sequence: 0xdead, port: FAKE_PORT, ..nlkit_wire::Header::new(GET) };
    let mut b = MessageBuilder::new(&mut buf, header).unwrap();
    b.append(&vec![0x5a; len]).unwrap();
    let _ = b.finish();
    buf
}

#[test]
#[cfg_attr(miri, ignore = "6.4 MB through the interpreter: over 25 minutes under Miri")]
fn strangers_datagrams_are_kept_within_a_byte_bound() {
    // 100 datagrams of 64 KiB from someone else arrive during one exchange.
    let mut c = conn(|m| {
        let mut out: Vec<Vec<u8>> = (0..100).map(|_| stranger(64 << 10)).collect();
        out.push(ack(&m, 0, None, None));
        out
    });
    // Bytes, not time, are tested here.
    c.set_timeout(None).unwrap();
    c.request_ack(GET, Flags::empty(), |_| Ok(())).unwrap();
    let kept = c.unsolicited_bytes();
    assert!(kept <= self::core::UNSOLICITED_BYTES_MAX, "{kept} bytes kept");
    let mut n = 0;
    while c.take_unsolicited().is_some() {
        n += 1;
    }
    assert_eq!(n as u64 + c.unsolicited_dropped(), 100, "each one kept or counted");
    assert!(c.unsolicited_dropped() >= 30);
    assert_eq!(c.unsolicited_bytes(), 0);
    // One larger than the bound is not kept at all, and counted.
    let mut c = conn(|m| vec![stranger(5 << 20), ack(&m, 0, None, None)]);
    c.set_timeout(None).unwrap();
    c.request_ack(GET, Flags::empty(), |_| Ok(())).unwrap();
    assert_eq!((c.take_unsolicited().is_none(), c.unsolicited_dropped()), (true, 1));
}

/// A transport on which every receive brings a stranger's message: the
/// reply never comes, but the socket is never silent either.
struct Chatty;

impl Transport for Chatty {
    fn port(&self) -> u32 {
        FAKE_PORT
    }
    fn send_to(&mut self, _: &[u8], _: SocketAddr) -> Result<()> {
        Ok(())
    }
    fn recv(&mut self, buf: &mut RecvBuf) -> Result<()> {
        buf.set(&stranger(1 << 10), SocketAddr::port(4242));
        Ok(())
    }
}

#[test]
fn an_exchange_has_a_deadline_even_when_the_socket_is_never_silent() {
    let mut c = Conn::new(Chatty);
    assert_eq!(c.timeout(), Some(DEFAULT_TIMEOUT), "a default deadline");
    c.set_timeout(Some(std::time::Duration::from_millis(100))).unwrap();
    let start = std::time::Instant::now();
    let err = c.request_ack(GET, Flags::empty(), |_| Ok(())).unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err}");
    assert!(start.elapsed() < std::time::Duration::from_secs(5), "{:?}", start.elapsed());
    assert!(c.unsolicited_bytes() <= self::core::UNSOLICITED_BYTES_MAX);
}

#[test]
fn a_get_answered_without_a_reply_is_no_reply_and_one_reply_is_its_value() {
    let body = |b: &mut MessageBuilder<'_, Vec<u8>>| b.attr_u32(1, 7);
    let mut c = conn(|m| vec![ack(&m, 0, None, None)]);
    let err = c.run(Get::new(GET, body, |m: Message<'_>| Ok(m.payload().len()))).unwrap_err();
    assert!(matches!(err, Error::NoReply { message_type: GET }), "{err:?}");
    assert_eq!(err.to_string(), "no reply to request of type 32");
    let mut c = conn(|m| vec![reply(&m, GET, Flags::empty(), b"four")]);
    let n = c.run(Get::new(GET, body, |m: Message<'_>| Ok(m.payload().len()))).unwrap();
    assert_eq!(n, 4);
}

#[test]
fn a_handler_error_of_the_callers_own_type_comes_back_unchanged() {
    #[derive(Debug, PartialEq)]
    struct Stop(u8);
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "stopped at {}", self.0)
        }
    }
    impl std::error::Error for Stop {}
    let mut c = conn(|m| {
        vec![reply(&m, GET, Flags::MULTI, b"a"), reply(&m, GET, Flags::MULTI, b"b"), done(&m)]
    });
    let err = c.dump(GET, |_| Ok(()), |m| Err(Error::handler(Stop(m.payload()[0])))).unwrap_err();
    assert_eq!(err.to_string(), "stopped at 97");
    assert_eq!(err.into_handler::<Stop>().unwrap(), Stop(b'a'));
    // The socket stayed in step: the next exchange works.
    assert!(c.dump(GET, |_| Ok(()), |_| Ok(())).is_ok());
}

#[cfg(feature = "genl")]
#[test]
fn a_resolved_family_makes_its_requests_with_its_id_and_version() {
    let fam =
        crate::genl::Family { id: 0x1c, name: "demo".into(), version: 2, ..Default::default() };
    let mut c = conn(|m| {
        // Answer with the genl header and the MSG attribute sent, once per
        // dump part; a get gets one.
        let p = m.payload();
        let mut body = p[..4].to_vec();
        body.extend_from_slice(&p[4..]);
        if m.flags().contains(Flags::ACK) {
            vec![ack(&m, 0, None, None)]
        } else if m.flags().contains(Flags::DUMP) {
            let part = reply(&m, 0x1c, Flags::MULTI, &body);
            vec![part.clone(), part, done(&m)]
        } else {
            vec![reply(&m, 0x1c, Flags::empty(), &body)]
        }
    });
    let body = |b: &mut MessageBuilder<'_, Vec<u8>>| b.attr_str(1, "hi");
    let read =
        |a: Attrs<'_>| Ok(a.find(1)?.ok_or(Error::NoReply { message_type: 0 })?.str()?.to_string());
    assert_eq!(c.run(fam.get(5, body, read)).unwrap(), "hi");
    let mut n = 0;
    c.run(fam.dump(6, body, |_| {
        n += 1;
        Ok(())
    }))
    .unwrap();
    assert_eq!(n, 2);
    c.run(fam.ack(7, Flags::empty(), body)).unwrap();
    let sent = c.transport().sent();
    let first = Messages::new(&sent[0]).next().unwrap().unwrap();
    assert_eq!(first.message_type(), MessageType::Family(0x1c));
    assert_eq!(&first.payload()[..4], &[5, 2, 0, 0], "cmd 5, version 2");
    let dump = Messages::new(&sent[1]).next().unwrap().unwrap();
    assert!(dump.flags().contains(Flags::DUMP));
    assert_eq!(dump.payload()[0], 6);
}

#[test]
fn a_dump_ends_with_done_even_when_its_replies_lack_multi() {
    // netdev's dev-get dump on 6.18 sends its replies with no flags.
    let mut c = conn(|m| {
        vec![reply(&m, GET, Flags::empty(), b"1"), reply(&m, GET, Flags::empty(), b"2"), done(&m)]
    });
    let mut seen = Vec::new();
    c.dump(
        GET,
        |_| Ok(()),
        |m| {
            seen.push(m.payload()[0]);
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(seen, b"12");
}

/// A transaction is one datagram; each message's answer is matched by
/// sequence number whatever order the answers come in, an unanswered
/// message is `Answer::None` (no wait for it), a refusal carries its
/// extended ack located in that message, and a reply object before an ACK
/// is kept with its request.
#[test]
fn transaction_is_one_datagram_and_answers_each_message() {
    const BEGIN: u16 = 0x10;
    let mut c = conn(|m| match m.message_type().into() {
        BEGIN => vec![],
        GET if m.payload().len() > 4 => vec![ack(&m, libc::ENOENT, Some("no table"), Some(16 + 4))],
        GET => vec![[reply(&m, GET, Flags::empty(), b"obj!"), ack(&m, 0, None, None)].concat()],
        _ => vec![ack(&m, 0, None, None)],
    });
    let req = |message_type: u16, attr: bool| Ack {
        message_type,
        flags: Flags::CREATE,
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| {
            b.append(&[0; 4])?;
            if attr {
                b.attr_u32(1, 7)?;
            }
            Ok(())
        },
    };
    let answers = c
        .transaction([
            ("begin", req(BEGIN, false)),
            ("ok", req(GET, false)),
            ("bad", req(GET, true)),
        ])
        .unwrap();
    assert_eq!(c.transport().sent().len(), 1);
    let sent: Vec<_> =
        Messages::new(&c.transport().sent()[0]).map(|m| m.unwrap().flags()).collect();
    assert_eq!(sent, [Flags::REQUEST | Flags::ACK | Flags::CREATE; 3]);
    let got: Vec<_> = answers.iter().map(|a| (a.key, a.replies.len())).collect();
    assert_eq!(got, [("begin", 0), ("ok", 1), ("bad", 0)]);
    assert_eq!(answers[0].answer, Answer::None);
    assert_eq!(answers[1].answer, Answer::Acked);
    let reply = Messages::new(&answers[1].replies[0]).next().unwrap().unwrap();
    assert_eq!((u16::from(reply.message_type()), reply.payload()), (GET, &b"obj!"[..]));
    let Answer::Refused(k) = &answers[2].answer else { panic!("{answers:?}") };
    assert_eq!((k.errno, k.message.as_deref(), k.attr), (libc::ENOENT, Some("no table"), Some(1)));
    // Nothing to send: nothing sent.
    assert!(c
        .transaction(Vec::<(u8, Ack<fn(&mut MessageBuilder<'_, Vec<u8>>) -> _>)>::new())
        .unwrap()
        .is_empty());
    assert_eq!(c.transport().sent().len(), 1);
}
