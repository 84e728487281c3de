//! An in-memory transport, so code built on the engine is tested without a
//! kernel (in the spirit of mdlayher/netlink's `nltest`).
//!
//! [`Fake`] hands every message it is sent to a closure, which returns the
//! datagrams to answer with; [`Conn`](crate::Conn) then reads them as if
//! from a socket. The helpers build the replies a kernel would send.

use crate::engine::Transport;
use crate::error::{Error, Result};
use crate::socket::{RecvBuf, SocketAddr};
use nlkit_wire::ack::emit_error;
use nlkit_wire::{Flags, Header, Message, MessageBuilder, MessageType, Messages};
use std::collections::VecDeque;

/// The port id a [`Fake`] reports as its own.
pub const FAKE_PORT: u32 = 0x4e4c;

type Handler = Box<dyn FnMut(Message<'_>) -> Vec<Vec<u8>> + Send>;

/// A transport that answers from a closure; see the module docs.
pub struct Fake {
    handler: Handler,
    queue: VecDeque<(SocketAddr, Vec<u8>)>,
    sent: Vec<Vec<u8>>,
    timeout_after: Option<usize>,
}

impl std::fmt::Debug for Fake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fake").field("queued", &self.queue.len()).finish()
    }
}

impl Fake {
    /// A fake whose peer answers each message with the datagrams `handler` returns.
    pub fn new(handler: impl FnMut(Message<'_>) -> Vec<Vec<u8>> + Send + 'static) -> Self {
        Fake {
            handler: Box::new(handler),
            queue: VecDeque::new(),
            sent: Vec::new(),
            timeout_after: None,
        }
    }

    /// Makes the receive after the next `n` ones fail once with
    /// [`Error::Timeout`], leaving the queue as it is (as a real socket
    /// whose replies are late).
    pub fn timeout_after(&mut self, n: usize) {
        self.timeout_after = Some(n);
    }

    /// Queues a datagram to be received, as if sent by `from`.
    pub fn push(&mut self, from: SocketAddr, datagram: Vec<u8>) {
        self.queue.push_back((from, datagram));
    }

    /// Every datagram sent so far.
    pub fn sent(&self) -> &[Vec<u8>] {
        &self.sent
    }
}

impl Transport for Fake {
    fn port(&self) -> u32 {
        FAKE_PORT
    }

    fn send_to(&mut self, bytes: &[u8], to: SocketAddr) -> Result<()> {
        self.sent.push(bytes.to_vec());
        for msg in Messages::new(bytes) {
            for reply in (self.handler)(msg?) {
                self.queue.push_back((SocketAddr::port(to.port), reply));
            }
        }
        Ok(())
    }

    fn recv(&mut self, buf: &mut RecvBuf) -> Result<()> {
        match self.timeout_after {
            Some(0) => {
                self.timeout_after = None;
                return Err(Error::Timeout);
            }
            Some(n) => self.timeout_after = Some(n - 1),
            None => {}
        }
        let (from, bytes) = self.queue.pop_front().ok_or(Error::Timeout)?;
        buf.set(&bytes, from);
        Ok(())
    }

    fn try_recv(&mut self, buf: &mut RecvBuf) -> Result<bool> {
        let Some((from, bytes)) = self.queue.pop_front() else { return Ok(false) };
        buf.set(&bytes, from);
        Ok(true)
    }
}

fn reply_header(request: &Message<'_>, message_type: u16, flags: Flags) -> Header {
    Header {
        message_type: MessageType::from(message_type),
        flags,
        sequence: request.sequence(),
        port: request.port(),
    }
}

/// A data reply to `request` with `payload` after the header, padded to 4
/// bytes so replies can be concatenated into one datagram.
pub fn reply(request: &Message<'_>, message_type: u16, flags: Flags, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    if let Ok(mut b) = MessageBuilder::new(&mut out, reply_header(request, message_type, flags)) {
        let _ = b.append(payload);
        let _ = b.finish();
    }
    out.resize(nlkit_wire::align::nlmsg_align(out.len()), 0);
    out
}

/// An `NLMSG_DONE` ending a dump of `request`, with `NLM_F_MULTI` and status 0.
pub fn done(request: &Message<'_>) -> Vec<u8> {
    reply(request, MessageType::DONE, Flags::MULTI, &0i32.to_ne_bytes())
}

/// An ACK (errno 0) or error (errno > 0) for `request`, capped, with an
/// extended-ack message and offset when given; see
/// [`nlkit_wire::ack::emit_error`] for servers.
pub fn ack(
    request: &Message<'_>,
    errno: i32,
    message: Option<&str>,
    offset: Option<u32>,
) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = emit_error(&mut out, request, errno, message, offset, request.port());
    out
}

/// What the socket layer reads from a recvmsg(2) control buffer
/// (`struct cmsghdr` records): the sender's credentials `(pid, uid, gid)`,
/// the multicast group and the namespace id. For fuzzing the parser with
/// any bytes; sockets read it themselves.
#[doc(hidden)]
pub fn control_messages(control: &[u8]) -> (Option<Credentials>, Option<u32>, Option<i32>) {
    let a = crate::sys::parse_control(control);
    (a.creds, a.group, a.nsid)
}

/// A sender's credentials as a control message gives them: `(pid, uid,
/// gid)`.
#[doc(hidden)]
pub type Credentials = (i32, u32, u32);
