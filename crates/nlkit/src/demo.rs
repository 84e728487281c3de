//! Clients of the nlkit demo kernel module, in C (`kernel/c`) or Rust
//! (`kernel/rust`), both built and booted by `vmtest/run.sh`.
//!
//! [`DemoClient`] speaks the module's own protocol, [`DEMO_PROTOCOL`] (31):
//! a bare `struct nlmsghdr` and an opaque payload, no attributes.
//! [`GenlDemo`] speaks its generic netlink family, [`GENL_FAMILY`]
//! (`"nlkit_demo"`), whose group [`GENL_EVENTS`] carries every BROADCAST.
//! [`listen`] opens a listener on the protocol's multicast groups; [`dev`]
//! is its character device `/dev/nlkit_demo` and trigger file.

pub mod dev;

use crate::error::{Error, Result};
use crate::genl::Family;
use crate::socket::{Protocol, RecvBuf, Socket, SocketAddr};
use crate::wire::ack::Ack;
use crate::wire::genl::{GenlBuffer, GenlHeader};
use crate::wire::{Attrs, Flags, Header, Message, MessageBuilder, MessageType, Messages};
use crate::{Conn, KernelError, Transport};
use std::io;

/// The demo protocol's netlink protocol number (the module's `proto`).
pub const DEMO_PROTOCOL: u32 = 31;
/// The multicast group BROADCAST payloads are sent to.
pub const DEMO_GROUP: u32 = 1;
/// The `nl_groups` mask of [`DEMO_GROUP`].
pub const DEMO_GROUP_MASK: u32 = 1 << (DEMO_GROUP - 1);

/// ECHO: answered with the same type, sequence number and payload.
pub const ECHO: u16 = 0x20;
/// REGISTER: the sender's port id is to receive notifications.
pub const REGISTER: u16 = 0x21;
/// NOTIFY: a notification the module sends on its own, `notification N`.
pub const NOTIFY: u16 = 0x22;
/// BROADCAST: the payload is stored (one DUMP entry) and multicast.
pub const BROADCAST: u16 = 0x23;
/// DUMP (with `NLM_F_DUMP`): every stored BROADCAST payload, one message
/// each, possibly over several datagrams.
pub const DUMP: u16 = 0x24;
/// BIG: one reply of [`BIG_LEN`] bytes, byte `i` being `b'a' + i % 26`.
pub const BIG: u16 = 0x25;
/// The size of the BIG reply's payload: more than a page.
pub const BIG_LEN: usize = 10000;

/// The generic netlink family's name.
pub const GENL_FAMILY: &str = "nlkit_demo";
/// The family's version.
pub const GENL_VERSION: u8 = 1;
/// The family's multicast group of BROADCAST events.
pub const GENL_EVENTS: &str = "events";
/// Command ECHO: answered with the same [`GENL_A_MSG`].
pub const GENL_CMD_ECHO: u8 = 1;
/// Command EVENT: a BROADCAST payload, sent to [`GENL_EVENTS`].
pub const GENL_CMD_EVENT: u8 = 2;
/// Attribute MSG: a NUL-terminated string of at most 256 bytes.
pub const GENL_A_MSG: u16 = 1;

/// The most ECHO messages [`DemoClient::echo_lines`] puts in one datagram:
/// their echoes (about 1 KiB of receive buffer each, however short) stay
/// well inside a socket's default receive buffer.
pub const ECHO_BATCH: usize = 64;

/// The BIG payload's expected byte at `i`.
pub fn big_byte(i: usize) -> u8 {
    b'a' + (i % 26) as u8
}

fn unexpected(what: String) -> Error {
    Error::Io { op: "demo reply", source: io::Error::new(io::ErrorKind::InvalidData, what) }
}

fn expect_type(msg: &Message<'_>, want: u16) -> Result<()> {
    let got = u16::from(msg.message_type());
    if got == want {
        Ok(())
    } else {
        Err(Error::UnexpectedType { expected: want, got })
    }
}

/// A transport that counts the datagrams it receives: how many datagrams a
/// dump took.
#[derive(Debug)]
pub struct Counted<T> {
    inner: T,
    received: usize,
}

impl<T: Transport> Counted<T> {
    /// Counts what `inner` receives, from 0.
    pub fn new(inner: T) -> Self {
        Counted { inner, received: 0 }
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// Datagrams received so far.
    pub fn received(&self) -> usize {
        self.received
    }

    /// Starts counting again from 0.
    pub fn reset(&mut self) {
        self.received = 0;
    }
}

impl<T: Transport> Transport for Counted<T> {
    fn port(&self) -> u32 {
        self.inner.port()
    }

    fn send_to(&mut self, bytes: &[u8], to: crate::SocketAddr) -> Result<()> {
        self.inner.send_to(bytes, to)
    }

    fn recv(&mut self, buf: &mut RecvBuf) -> Result<()> {
        self.inner.recv(buf)?;
        self.received += 1;
        Ok(())
    }

    fn try_recv(&mut self, buf: &mut RecvBuf) -> Result<bool> {
        let got = self.inner.try_recv(buf)?;
        self.received += usize::from(got);
        Ok(got)
    }
}

impl DemoClient<Counted<Socket>> {
    /// Like [`DemoClient::open`], counting received datagrams (see
    /// [`Counted`]), e.g. to see a dump span several.
    pub fn open_counted(proto: u32) -> Result<Self> {
        let socket = Socket::open(Protocol(proto))?;
        socket.enable_request_defaults()?;
        Ok(DemoClient { conn: Conn::new(Counted::new(socket)) })
    }
}

/// A client of the demo protocol over a [`Conn`].
#[derive(Debug)]
pub struct DemoClient<T: Transport = Socket> {
    conn: Conn<T>,
}

impl DemoClient<Socket> {
    /// Opens a socket of protocol `proto` (normally [`DEMO_PROTOCOL`]).
    pub fn open(proto: u32) -> Result<Self> {
        Ok(DemoClient { conn: Conn::open(Protocol(proto))? })
    }

    /// Sends REGISTER: the module then sends this socket NOTIFY messages,
    /// read with [`notifications`](Self::notifications).
    pub fn register(&mut self) -> Result<()> {
        self.conn.request_ack(REGISTER, Flags::empty(), |_| Ok(()))
    }

    /// Reads `count` NOTIFY messages (after [`register`](Self::register))
    /// straight from the socket, as `(sequence, text)`.
    pub fn notifications(&mut self, count: usize) -> Result<Vec<(u32, Vec<u8>)>> {
        let mut out = Vec::new();
        while let Some((_, bytes)) = self.conn.take_unsolicited() {
            collect_notifications(&bytes, &mut out)?;
        }
        let mut buf = RecvBuf::new();
        while out.len() < count {
            self.conn.transport().recv(&mut buf)?;
            collect_notifications(buf.bytes(), &mut out)?;
        }
        out.truncate(count);
        Ok(out)
    }
}

/// ECHO requests of `payloads`, numbered from `first`, back to back.
fn echo_batch(payloads: &[&[u8]], first: u32, port: u32) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for (i, p) in payloads.iter().enumerate() {
        let header = Header {
            message_type: MessageType::from(ECHO),
            flags: Flags::REQUEST,
            sequence: first.wrapping_add(i as u32),
            port,
        };
        let mut b = MessageBuilder::new(&mut out, header).map_err(Error::Wire)?;
        b.append(p).map_err(Error::Wire)?;
        b.finish();
    }
    Ok(out)
}

/// Checks one message read in answer to an ECHO batch: the echo of `want`.
fn check_echo(
    m: &Message<'_>,
    seq: u32,
    port: u32,
    want: Option<&[u8]>,
    request: &[u8],
) -> Result<()> {
    if u16::from(m.message_type()) == MessageType::ERROR {
        let ack = Ack::parse(m).map_err(Error::Wire)?;
        return Err(Error::Kernel(KernelError::from_ack(&ack, request)));
    }
    expect_type(m, ECHO)?;
    if m.sequence() != seq {
        return Err(Error::Sequence { expected: seq, got: m.sequence() });
    }
    if m.port() != port {
        return Err(Error::Port { expected: port, got: m.port() });
    }
    match want {
        Some(w) if w == m.payload() => Ok(()),
        Some(_) => Err(unexpected(format!("the echo of {seq} differs from what was sent"))),
        None => Err(unexpected(format!("an echo with sequence number {seq}, never sent"))),
    }
}

/// Opens a socket of protocol `proto` (normally [`DEMO_PROTOCOL`]) that has
/// joined `groups`, each with `NETLINK_ADD_MEMBERSHIP` (so groups above 32
/// too), with `NETLINK_PKTINFO` on: [`RecvBuf::group`] names each
/// message's group.
pub fn listen(proto: u32, groups: &[u32]) -> Result<Socket> {
    let socket = Socket::open(Protocol(proto))?;
    for &g in groups {
        socket.add_membership(g)?;
    }
    socket.set_pktinfo(true)?;
    Ok(socket)
}

fn collect_notifications(datagram: &[u8], out: &mut Vec<(u32, Vec<u8>)>) -> Result<()> {
    for m in Messages::new(datagram) {
        let m = m.map_err(Error::Wire)?;
        if u16::from(m.message_type()) == NOTIFY {
            out.push((m.sequence(), m.payload().to_vec()));
        }
    }
    Ok(())
}

impl<T: Transport> DemoClient<T> {
    /// A client over an existing connection (e.g. a
    /// [`testing::Fake`](crate::testing::Fake)).
    pub fn new(conn: Conn<T>) -> Self {
        DemoClient { conn }
    }

    /// The connection.
    pub fn conn(&mut self) -> &mut Conn<T> {
        &mut self.conn
    }

    /// ECHO: sends `payload`, returns the reply's (same type, same
    /// sequence number: the engine checks it).
    pub fn echo(&mut self, payload: &[u8]) -> Result<Vec<u8>> {
        self.echo_with(payload, Flags::empty())?.ok_or(Error::NoReply { message_type: ECHO })
    }

    /// ECHO with `NLM_F_ACK`: the echo must come first, then the ACK
    /// (errno 0), which ends the exchange; returns the echo.
    pub fn echo_acked(&mut self, payload: &[u8]) -> Result<Vec<u8>> {
        self.echo_with(payload, Flags::ACK)?.ok_or(Error::NoReply { message_type: ECHO })
    }

    /// One ECHO exchange with `flags`: the echo's payload, if one came.
    fn echo_with(&mut self, payload: &[u8], flags: Flags) -> Result<Option<Vec<u8>>> {
        let mut out = None;
        self.conn.request(
            ECHO,
            flags,
            |b| b.append(payload),
            |m| {
                expect_type(&m, ECHO)?;
                out = Some(m.payload().to_vec());
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// ECHO of each payload, with sequence numbers 1, 2, ...: one message
    /// per datagram, each echo read before the next is sent, or with `batch`
    /// up to [`ECHO_BATCH`] back-to-back messages per datagram. Each echo is
    /// checked (from the kernel, type ECHO, the request's sequence number,
    /// this socket's port id, the same payload) and handed to `on_echo`.
    /// Returns how many were echoed.
    pub fn echo_lines(
        &mut self,
        payloads: &[&[u8]],
        batch: bool,
        mut on_echo: impl FnMut(u32, &[u8]) -> Result<()>,
    ) -> Result<usize> {
        let per = if batch { ECHO_BATCH } else { 1 };
        let mut seq = 1u32;
        let mut buf = RecvBuf::new();
        for chunk in payloads.chunks(per) {
            let request = echo_batch(chunk, seq, self.conn.transport().port())?;
            self.conn.transport_mut().send_to(&request, SocketAddr::default())?;
            self.read_echoes(&mut buf, chunk, seq, &request, &mut on_echo)?;
            seq = seq.wrapping_add(chunk.len() as u32);
        }
        Ok(payloads.len())
    }

    /// Reads the echoes of `chunk`, numbered from `first`, in order, into
    /// `buf` (one buffer for every chunk).
    fn read_echoes(
        &mut self,
        buf: &mut RecvBuf,
        chunk: &[&[u8]],
        first: u32,
        request: &[u8],
        on_echo: &mut impl FnMut(u32, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let port = self.conn.transport().port();
        let mut i = 0;
        while i < chunk.len() {
            self.conn.transport_mut().recv(buf)?;
            if buf.from().port != 0 {
                return Err(unexpected(format!("a datagram from port {}", buf.from().port)));
            }
            for m in buf.messages() {
                let m = m.map_err(Error::Wire)?;
                let seq = first.wrapping_add(i as u32);
                check_echo(&m, seq, port, chunk.get(i).copied(), request)?;
                on_echo(seq, m.payload())?;
                i += 1;
            }
        }
        Ok(())
    }

    /// BROADCAST with an ACK: stored by the module and multicast.
    pub fn broadcast(&mut self, payload: &[u8]) -> Result<()> {
        self.conn.request_ack(BROADCAST, Flags::empty(), |b| b.append(payload))
    }

    /// DUMP: every stored BROADCAST payload, in order.
    pub fn dump(&mut self) -> Result<Vec<Vec<u8>>> {
        self.conn
            .dump_collect(
                DUMP,
                |_| Ok(()),
                |m| {
                    expect_type(&m, DUMP)?;
                    Ok(m.payload().to_vec())
                },
            )
            .map_err(|e| match e {
                crate::DumpError::Failed(e) => e,
                crate::DumpError::Interrupted { partial } => {
                    Error::DumpInterrupted { messages: partial.len() }
                }
            })
    }

    /// BIG: the one large reply's payload ([`BIG_LEN`] bytes).
    pub fn big(&mut self) -> Result<Vec<u8>> {
        let mut out = None;
        self.conn.request(
            BIG,
            Flags::empty(),
            |_| Ok(()),
            |m| {
                expect_type(&m, BIG)?;
                out = Some(m.payload().to_vec());
                Ok(())
            },
        )?;
        out.ok_or(Error::NoReply { message_type: BIG })
    }
}

/// A client of the module's generic netlink family.
#[derive(Debug)]
pub struct GenlDemo<T: Transport = Socket> {
    conn: Conn<T>,
    family: Family,
}

impl GenlDemo<Socket> {
    /// Opens a generic netlink socket and resolves [`GENL_FAMILY`].
    pub fn open() -> Result<Self> {
        Self::new(Conn::open(Protocol::GENERIC)?)
    }
}

impl<T: Transport> GenlDemo<T> {
    /// Resolves [`GENL_FAMILY`] over `conn`.
    pub fn new(mut conn: Conn<T>) -> Result<Self> {
        let family = conn.resolve_family(GENL_FAMILY)?;
        Ok(GenlDemo { conn, family })
    }

    /// The resolved family.
    pub fn family(&self) -> &Family {
        &self.family
    }

    /// The connection.
    pub fn conn(&mut self) -> &mut Conn<T> {
        &mut self.conn
    }

    /// The id of the [`GENL_EVENTS`] multicast group.
    pub fn events_group(&self) -> Result<u32> {
        let missing = Error::MissingAttr { set: "nlkit_demo groups", attr: GENL_EVENTS };
        self.family.group(GENL_EVENTS).ok_or(missing)
    }

    /// Command ECHO with `text` as MSG: returns the MSG of the reply.
    pub fn echo(&mut self, text: &str) -> Result<String> {
        self.conn.run(genl_echo(&self.family, text))
    }

    /// Command ECHO with MSG given as a `u32`, which the family's policy
    /// (`NLA_NUL_STRING`) refuses: the error carries the kernel's
    /// extended-ack text. For tests.
    pub fn echo_wrong_type(&mut self) -> Result<()> {
        self.conn.request_ack(self.family.id, Flags::empty(), |b| {
            b.append(&GenlHeader::new(GENL_CMD_ECHO, GENL_VERSION).to_bytes())?;
            b.attr_u32(GENL_A_MSG, 0x4141_4141)
        })
    }
}

/// Command ECHO of `family` (the resolved [`GENL_FAMILY`]) with `text` as
/// MSG, as a request value: the MSG of the reply.
pub fn genl_echo<'a>(
    family: &'a Family,
    text: &'a str,
) -> impl crate::engine::Request<Output = String> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| b.attr_str(GENL_A_MSG, text);
    family.get(GENL_CMD_ECHO, body, msg_of)
}

/// The MSG attribute of a family message (an ECHO reply or an EVENT).
pub fn parse_msg(msg: &Message<'_>) -> Result<String> {
    msg_of(Attrs::new(GenlBuffer::new_checked(msg.payload())?.attrs()))
}

fn msg_of(attrs: Attrs<'_>) -> Result<String> {
    let missing = Error::MissingAttr { set: "nlkit_demo attrs", attr: "MSG (1)" };
    let a = attrs.find(GENL_A_MSG)?.ok_or(missing)?;
    Ok(a.str()?.to_string())
}

/// Whether `t` is a demo message type, with its name.
pub fn type_name(message_type: u16) -> Option<&'static str> {
    TYPES.iter().find(|(_, t)| *t == message_type).map(|(n, _)| *n)
}

/// The demo message types and their names.
pub const TYPES: [(&str, u16); 6] = [
    ("echo", ECHO),
    ("register", REGISTER),
    ("notify", NOTIFY),
    ("broadcast", BROADCAST),
    ("dump", DUMP),
    ("big", BIG),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{ack, done, reply, Fake};

    fn client(
        handler: impl FnMut(Message<'_>) -> Vec<Vec<u8>> + Send + 'static,
    ) -> DemoClient<Fake> {
        DemoClient::new(Conn::new(Fake::new(handler)))
    }

    #[test]
    fn echo_returns_the_payload() {
        let mut c = client(|m| vec![reply(&m, ECHO, Flags::empty(), m.payload())]);
        assert_eq!(c.echo(b"hi").unwrap(), b"hi");
        assert_eq!(c.echo(b"again").unwrap(), b"again");
    }

    #[test]
    fn echo_refuses_another_type() {
        let mut c = client(|m| vec![reply(&m, NOTIFY, Flags::empty(), b"x")]);
        assert!(c.echo(b"hi").is_err());
    }

    #[test]
    fn dump_collects_entries_over_datagrams() {
        let mut c = client(|m| {
            assert!(m.flags().contains(Flags::DUMP));
            assert_eq!(u16::from(m.message_type()), DUMP);
            let first =
                [reply(&m, DUMP, Flags::MULTI, b"one"), reply(&m, DUMP, Flags::MULTI, b"two")]
                    .concat();
            vec![first, reply(&m, DUMP, Flags::MULTI, b"three"), done(&m)]
        });
        let entries = c.dump().unwrap();
        assert_eq!(entries, vec![b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]);
    }

    #[test]
    fn counted_transport_counts_dump_datagrams() {
        let fake = Fake::new(|m| {
            vec![reply(&m, DUMP, Flags::MULTI, b"a"), reply(&m, DUMP, Flags::MULTI, b"b"), done(&m)]
        });
        let mut c = DemoClient::new(Conn::new(Counted::new(fake)));
        assert_eq!(c.dump().unwrap().len(), 2);
        assert_eq!(c.conn().transport().received(), 3);
    }

    #[test]
    fn echo_acked_wants_the_echo_before_the_ack() {
        let mut c = client(|m| {
            assert!(m.flags().contains(Flags::ACK));
            vec![[reply(&m, ECHO, Flags::empty(), m.payload()), ack(&m, 0, None, None)].concat()]
        });
        assert_eq!(c.echo_acked(b"hi").unwrap(), b"hi");
        let mut c = client(|m| vec![ack(&m, 0, None, None)]);
        assert!(c.echo_acked(b"hi").is_err(), "an ACK alone");
    }

    #[test]
    fn echo_lines_one_by_one_and_batched() {
        let lines: Vec<&[u8]> = vec![b"one", b"two", b"", b"four"];
        for batch in [false, true] {
            // The fake answers each message of a datagram in a datagram of its own.
            let mut c = client(|m| vec![reply(&m, ECHO, Flags::empty(), m.payload())]);
            let mut seen = Vec::new();
            let n = c
                .echo_lines(&lines, batch, |seq, p| {
                    seen.push((seq, p.to_vec()));
                    Ok(())
                })
                .unwrap();
            assert_eq!(n, 4);
            assert_eq!(seen[3], (4, b"four".to_vec()));
            let sent = c.conn().transport().sent().len();
            assert_eq!(sent, if batch { 1 } else { 4 });
        }
        let many: Vec<&[u8]> = vec![b"x"; ECHO_BATCH + 1];
        let mut c = client(|m| vec![reply(&m, ECHO, Flags::empty(), m.payload())]);
        c.echo_lines(&many, true, |_, _| Ok(())).unwrap();
        assert_eq!(c.conn().transport().sent().len(), 2, "65 lines: two datagrams");
    }

    #[test]
    fn echo_lines_checks_each_echo() {
        let lines: Vec<&[u8]> = vec![b"one", b"two"];
        let wrong_seq = |m: Message<'_>| {
            let mut r = reply(&m, ECHO, Flags::empty(), m.payload());
            r[8] ^= 0x10;
            vec![r]
        };
        let err = client(wrong_seq).echo_lines(&lines, false, |_, _| Ok(())).unwrap_err();
        assert!(matches!(err, Error::Sequence { expected: 1, got: 17 }), "{err}");
        let other_text = |m: Message<'_>| vec![reply(&m, ECHO, Flags::empty(), b"else")];
        assert!(client(other_text).echo_lines(&lines, true, |_, _| Ok(())).is_err());
        let refused = |m: Message<'_>| vec![ack(&m, libc::EOPNOTSUPP, None, None)];
        let err = client(refused).echo_lines(&lines, false, |_, _| Ok(())).unwrap_err();
        assert_eq!(err.errno(), Some(libc::EOPNOTSUPP));
    }

    #[test]
    fn big_pattern() {
        let payload: Vec<u8> = (0..BIG_LEN).map(big_byte).collect();
        let mut c = client(move |m| vec![reply(&m, BIG, Flags::empty(), &payload)]);
        let got = c.big().unwrap();
        assert_eq!(got.len(), BIG_LEN);
        assert!(got.iter().enumerate().all(|(i, b)| *b == big_byte(i)));
    }
}
