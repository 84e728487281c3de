//! The request engine: requests, ACKs and multipart dumps over a transport.
//!
//! A [`Conn`] owns a [`Transport`] (a [`Socket`], or the in-memory
//! [`testing::Fake`](crate::testing::Fake)) and runs exchanges: it numbers
//! each request, stamps it with the socket's port id, sends it, and reads
//! replies until the ACK, the error, the `NLMSG_DONE` of a dump, or the one
//! reply of a plain request. Replies are validated (sequence and port id);
//! errors carry errno and extended ack; `NLM_F_DUMP_INTR` is reported after
//! the whole dump was delivered; `ENOBUFS` is [`Error::Overrun`]. Datagrams
//! that are not replies (multicasts, other senders) are kept for
//! [`Conn::take_unsolicited`], not dropped, up to a bound in bytes.
//!
//! Every exchange has a deadline ([`DEFAULT_TIMEOUT`], 30 s, or
//! [`Conn::set_timeout`]): a silent peer, a dump that never ends, or a
//! stream of messages that are not the replies (wrong sequence or sender)
//! ends in [`Error::Timeout`] instead of blocking forever. On a socket
//! ([`Conn::open`]) the same duration is its receive timeout, so even one
//! silent `recv` returns.

mod batch;
mod core;
mod dump;
mod exchange;
mod read_ahead;
mod request;
mod transaction;

pub(crate) use self::core::Core;
pub use batch::BatchLimits;
#[cfg(feature = "tokio")]
pub(crate) use batch::Pipeline;
pub use dump::DumpError;
pub use exchange::validate;
pub(crate) use exchange::{Exchange, Step};
pub use request::{Ack, Get, Request, Stream};
#[cfg(feature = "tokio")]
pub(crate) use transaction::Transaction;
pub use transaction::{Answer, Answered};

use crate::error::{Error, Result};
use crate::socket::{Netns, Protocol, RecvBuf, Socket, SocketAddr};
use nlkit_wire::{Flags, Message, MessageBuilder};
use std::time::{Duration, Instant};

/// How long one exchange may take unless [`Conn::set_timeout`] says
/// otherwise: long enough for a dump of millions of routes, short enough
/// that nothing waits for ever.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Sends datagrams and receives them: what the engine needs of a socket.
pub trait Transport {
    /// This end's port id, stamped into request headers.
    fn port(&self) -> u32;
    /// Sends one datagram.
    fn send_to(&mut self, bytes: &[u8], to: SocketAddr) -> Result<()>;
    /// Receives one whole datagram into `buf`.
    fn recv(&mut self, buf: &mut RecvBuf) -> Result<()>;
    /// Receives one whole datagram into `buf` if one is queued (`true`),
    /// never waiting (`false` when none is), for [`Conn::transaction`].
    /// The default says the transport cannot.
    fn try_recv(&mut self, buf: &mut RecvBuf) -> Result<bool> {
        let _ = buf;
        Err(Error::io("try_recv", std::io::ErrorKind::Unsupported.into()))
    }
    /// Bounds how long one `recv` may wait (`None`: for ever). Transports
    /// that never block (the in-memory fake) need not do anything.
    fn set_recv_timeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        let _ = timeout;
        Ok(())
    }

    /// The socket under this transport, if it is one a second thread may
    /// receive from ([`Conn::set_read_ahead`]); `None` by default.
    fn socket(&self) -> Option<&Socket> {
        None
    }
}

/// A boxed transport is one: a connection can pick its transport at run
/// time (a socket, or a fake replaying captured replies).
impl<T: Transport + ?Sized> Transport for Box<T> {
    fn port(&self) -> u32 {
        (**self).port()
    }

    fn send_to(&mut self, bytes: &[u8], to: SocketAddr) -> Result<()> {
        (**self).send_to(bytes, to)
    }

    fn recv(&mut self, buf: &mut RecvBuf) -> Result<()> {
        (**self).recv(buf)
    }

    fn try_recv(&mut self, buf: &mut RecvBuf) -> Result<bool> {
        (**self).try_recv(buf)
    }

    fn set_recv_timeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        (**self).set_recv_timeout(timeout)
    }

    fn socket(&self) -> Option<&Socket> {
        (**self).socket()
    }
}

impl Transport for Socket {
    fn port(&self) -> u32 {
        Socket::port(self)
    }

    fn send_to(&mut self, bytes: &[u8], to: SocketAddr) -> Result<()> {
        Socket::send_to(self, bytes, to).map(drop)
    }

    fn recv(&mut self, buf: &mut RecvBuf) -> Result<()> {
        Socket::recv(self, buf).map(drop)
    }

    fn try_recv(&mut self, buf: &mut RecvBuf) -> Result<bool> {
        match Socket::try_recv(self, buf) {
            Ok(_) => Ok(true),
            Err(e) if e.is_would_block() => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn set_recv_timeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        self.set_read_timeout(timeout)
    }

    fn socket(&self) -> Option<&Socket> {
        Some(self)
    }
}

/// A builder callback: fills in the request after its header.
pub type Build<'f> =
    &'f mut dyn FnMut(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>;

/// A request/reply connection over a transport; see the module docs.
#[derive(Debug)]
pub struct Conn<T: Transport = Socket> {
    transport: T,
    core: Core,
    /// How long one exchange may take.
    timeout: Option<Duration>,
    /// Datagrams a second thread may read ahead in a dump (0: none).
    read_ahead: usize,
}

impl Conn<Socket> {
    /// Opens a socket of `protocol`, binds it to a kernel-chosen port id and
    /// turns on extended ACKs, capped ACKs, strict checking and
    /// `NETLINK_PKTINFO` (see [`Socket::enable_request_defaults`]).
    pub fn open(protocol: Protocol) -> Result<Self> {
        Self::from_socket(Socket::open(protocol)?)
    }

    /// Like [`open`](Self::open), inside network namespace `netns`.
    pub fn open_in(netns: Netns<'_>, protocol: Protocol) -> Result<Self> {
        Self::from_socket(Socket::open_in(netns, protocol)?)
    }

    fn from_socket(socket: Socket) -> Result<Self> {
        socket.enable_request_defaults()?;
        socket.set_read_timeout(Some(DEFAULT_TIMEOUT))?;
        Ok(Conn::new(socket))
    }
}

impl<T: Transport> Conn<T> {
    /// Runs exchanges over `transport`, which should already be bound (with
    /// port 0, replies' port ids cannot be checked). For a socket that also
    /// receives multicasts, turn on `NETLINK_PKTINFO`: groups above 32 are
    /// only told apart from replies by it.
    pub fn new(transport: T) -> Self {
        let core = Core::new(transport.port());
        Conn { transport, core, timeout: Some(DEFAULT_TIMEOUT), read_ahead: 0 }
    }

    /// How long one exchange may take before it ends in [`Error::Timeout`]
    /// (`None`: no limit); also the transport's receive timeout. The
    /// default is [`DEFAULT_TIMEOUT`].
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        self.transport.set_recv_timeout(timeout)?;
        self.timeout = timeout;
        Ok(())
    }

    /// Lets dumps over a socket receive on a second thread, up to `depth`
    /// datagrams ahead of the handler (0, the default, turns it off): the
    /// kernel builds the next datagrams while the handler decodes, which
    /// pays when the handler's work is comparable to the kernel's (a
    /// million routes printed). Nothing else changes: the same checks,
    /// order, deadline and unsolicited queue. Transports that are not a
    /// [`Socket`] ignore it. See `engine/read_ahead.rs`.
    pub fn set_read_ahead(&mut self, depth: usize) {
        self.read_ahead = depth;
    }

    /// The exchange deadline [`set_timeout`](Self::set_timeout) set.
    pub fn timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The transport (the socket), e.g. to set options.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The transport, mutable.
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// Sends requests to the process bound to `port` instead of the kernel
    /// (user-to-user netlink); replies must come from that port.
    pub fn set_peer(&mut self, port: u32) {
        self.core.peer = port;
    }

    /// The request last sent, as bytes.
    pub fn last_request(&self) -> &[u8] {
        &self.core.request
    }

    /// Sends a request of `message_type` with `flags` (plus `NLM_F_REQUEST`),
    /// filled in by `build`, and hands each data reply to `on_reply` until
    /// the exchange ends: an ACK or error, a dump's `NLMSG_DONE`, or a single
    /// reply without `NLM_F_MULTI` when no ACK was asked for. (A request
    /// that asks for neither an ACK nor a dump, to which the peer sends
    /// nothing, waits for the socket's read timeout.)
    ///
    /// If `on_reply` fails, the rest of the replies are read and dropped and
    /// its error returned; a kernel error arriving after that wins.
    pub fn request(
        &mut self,
        message_type: u16,
        flags: Flags,
        mut build: impl FnMut(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>,
        mut on_reply: impl FnMut(Message<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut exchange = self.core.build(message_type, flags, &mut build)?;
        self.run_exchange(&mut exchange, &mut on_reply)
    }

    /// Runs one operation given as a value (see [`Request`]): the same
    /// values run on `AsyncConn` (feature `tokio`).
    pub fn run<R: Request>(&mut self, mut req: R) -> Result<R::Output> {
        let mut exchange = self.core.build(req.message_type(), req.flags(), |b| req.emit(b))?;
        self.run_exchange(&mut exchange, &mut |m| req.reply(m))?;
        req.finish()
    }

    /// Sends a request with `NLM_F_ACK` and waits for the ACK; data replies
    /// (with `NLM_F_ECHO`) are ignored.
    pub fn request_ack(
        &mut self,
        message_type: u16,
        flags: Flags,
        build: impl FnMut(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>,
    ) -> Result<()> {
        self.request(message_type, flags | Flags::ACK, build, |_| Ok(()))
    }

    /// Sends a dump request (`NLM_F_DUMP`) and streams every reply to
    /// `on_reply`, in constant memory. On `NLM_F_DUMP_INTR` every message is
    /// still delivered, then [`Error::DumpInterrupted`] is returned.
    pub fn dump(
        &mut self,
        message_type: u16,
        build: impl FnMut(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>,
        on_reply: impl FnMut(Message<'_>) -> Result<()>,
    ) -> Result<()> {
        self.request(message_type, Flags::DUMP, build, on_reply)
    }

    /// Dumps and collects what `parse` makes of each reply. An interrupted
    /// dump hands back what it collected in [`DumpError::Interrupted`].
    pub fn dump_collect<R>(
        &mut self,
        message_type: u16,
        build: impl FnMut(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>,
        parse: impl FnMut(Message<'_>) -> Result<R>,
    ) -> Result<Vec<R>, DumpError<R>> {
        let mut exchange =
            self.core.build(message_type, Flags::DUMP, build).map_err(DumpError::Failed)?;
        self.collect(&mut exchange, parse)
    }

    /// Like [`dump_collect`](Self::dump_collect), retrying up to `attempts`
    /// times while the dump comes back interrupted. If every attempt was
    /// interrupted, the last one's results come back in the error.
    pub fn dump_consistent<R>(
        &mut self,
        message_type: u16,
        build: impl FnMut(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>,
        mut parse: impl FnMut(Message<'_>) -> Result<R>,
        attempts: usize,
    ) -> Result<Vec<R>, DumpError<R>> {
        let mut exchange =
            self.core.build(message_type, Flags::DUMP, build).map_err(DumpError::Failed)?;
        let mut tries = 1;
        loop {
            match self.collect(&mut exchange, &mut parse) {
                Err(DumpError::Interrupted { .. }) if tries < attempts => {
                    tries += 1;
                    exchange = self.core.renumber();
                }
                other => return other,
            }
        }
    }

    fn collect<R>(
        &mut self,
        exchange: &mut Exchange,
        mut parse: impl FnMut(Message<'_>) -> Result<R>,
    ) -> Result<Vec<R>, DumpError<R>> {
        let mut items = Vec::new();
        let result = self.run_exchange(exchange, &mut |m| {
            items.push(parse(m)?);
            Ok(())
        });
        match result {
            Ok(()) => Ok(items),
            Err(Error::DumpInterrupted { .. }) => Err(DumpError::Interrupted { partial: items }),
            Err(e) => Err(DumpError::Failed(e)),
        }
    }

    fn run_exchange<H>(&mut self, exchange: &mut Exchange, on_reply: &mut H) -> Result<()>
    where
        H: FnMut(Message<'_>) -> Result<()>,
    {
        let to = SocketAddr::port(self.core.peer);
        let deadline = self.timeout.map(|t| Instant::now() + t);
        if self.core.overran {
            match self.transport.socket() {
                Some(socket) => self.core.discard_queued(socket),
                None => self.core.overran = false,
            }
        }
        // A dump the kernel is still sending must end before it takes
        // another on this socket; other requests go at once (the old
        // dump's messages are discarded by their sequence number).
        while exchange.is_dump() && self.core.drains_abandoned_dump() {
            let drained = self.transport.recv(&mut self.core.recv).map(|()| {
                self.core.drain_datagram();
            });
            if drained.is_err() || deadline.is_some_and(|d| Instant::now() >= d) {
                // Given up on (only this exchange waits for it).
                self.core.give_up_abandoned_dump();
                return Err(match drained {
                    Err(Error::Timeout) | Ok(()) => Error::DumpStillRunning,
                    Err(e) => e,
                });
            }
        }
        self.transport.send_to(&self.core.request, to)?;
        let mut handler_error = None;
        if let Some(socket) = self.transport.socket().filter(|_| exchange.is_dump()) {
            if self.read_ahead > 0 {
                let (core, depth) = (&mut self.core, self.read_ahead);
                let err = &mut handler_error;
                if let Some(r) =
                    read_ahead::run(socket, depth, core, exchange, on_reply, err, deadline)
                {
                    if let Err(e) = r {
                        self.core.overran |= matches!(e, Error::Overrun);
                        // What went wrong first says more than the wait.
                        return Err(handler_error.unwrap_or(e));
                    }
                    return match handler_error {
                        Some(e) => Err(e),
                        None => exchange.outcome(),
                    };
                }
            }
        }
        loop {
            if let Err(e) = self.transport.recv(&mut self.core.recv) {
                self.core.overran |= matches!(e, Error::Overrun);
                // A handler's error (a reply that did not read) says more
                // than the wait for the end that came after it.
                return Err(handler_error.unwrap_or(e));
            }
            if self.core.on_datagram(exchange, on_reply, &mut handler_error)? == Step::Finished {
                break;
            }
            // Datagrams that keep coming but finish nothing (another
            // sender's, a dump without DONE) do not extend the wait.
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(handler_error.unwrap_or(Error::Timeout));
            }
        }
        match handler_error {
            Some(e) => Err(e),
            None => exchange.outcome(),
        }
    }

    /// The oldest datagram or message that arrived during an exchange but was
    /// not part of it (a multicast, a kernel notification, another sender's
    /// datagram), with its sender.
    pub fn take_unsolicited(&mut self) -> Option<(SocketAddr, Vec<u8>)> {
        self.core.routing.pop_unsolicited()
    }

    /// How many late replies to abandoned exchanges (ended by a timeout, an
    /// overrun or an error before their ACK or DONE) were discarded.
    pub fn stale_discarded(&self) -> u64 {
        self.core.routing.stale_discarded
    }

    /// How many unsolicited messages were discarded: the oldest, once more
    /// than 1024 messages or 4 MiB were waiting (or one larger than that):
    /// a socket used for requests should not also take a busy multicast
    /// stream, and strangers' datagrams must not grow memory without bound.
    pub fn unsolicited_dropped(&self) -> u64 {
        self.core.routing.unsolicited_dropped
    }

    /// The bytes of the unsolicited messages waiting now (at most 4 MiB).
    pub fn unsolicited_bytes(&self) -> usize {
        self.core.routing.unsolicited_bytes()
    }

    /// Receives the next datagram as it comes, with no exchange: for
    /// listeners. Datagrams kept by [`take_unsolicited`](Self::take_unsolicited) are
    /// returned first.
    pub fn recv(&mut self) -> Result<&RecvBuf> {
        if let Some((from, bytes)) = self.core.routing.pop_unsolicited() {
            self.core.recv.set(&bytes, from);
        } else {
            self.transport.recv(&mut self.core.recv)?;
        }
        Ok(&self.core.recv)
    }

    /// Gives back the transport.
    pub fn into_transport(self) -> T {
        self.transport
    }
}

#[cfg(test)]
mod tests;
