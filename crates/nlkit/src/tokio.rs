//! The async adapter: the blocking engine's logic, driven by tokio.
//!
//! [`AsyncConn`] puts a non-blocking [`Socket`] in tokio's `AsyncFd` and runs
//! the same sans-IO core as [`Conn`](crate::Conn): requests are built,
//! validated and decoded by the same code; only the waiting differs.

use crate::deadline::{until, Deadline};
use crate::engine::{
    Answered, BatchLimits, Core, DumpError, Exchange, Pipeline, Request, Step, Transaction,
    DEFAULT_TIMEOUT,
};
use crate::error::{Error, Result};
use crate::socket::{Netns, Protocol, RecvBuf, Socket, SocketAddr};
use nlkit_wire::{Flags, Message, MessageBuilder};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};
use tokio::io::unix::AsyncFd;

/// An async request/reply connection; see the module docs.
#[derive(Debug)]
pub struct AsyncConn {
    fd: AsyncFd<Socket>,
    core: Core,
    /// How long one exchange may take, checked after each datagram.
    timeout: Option<Duration>,
}

impl AsyncConn {
    /// Opens a socket of `protocol` with the request defaults of
    /// [`Conn::open`](crate::Conn::open), within a tokio runtime.
    pub fn open(protocol: Protocol) -> Result<Self> {
        let socket = Socket::open(protocol)?;
        socket.enable_request_defaults()?;
        Self::new(socket)
    }

    /// Like [`open`](Self::open), inside network namespace `netns`.
    pub fn open_in(netns: Netns<'_>, protocol: Protocol) -> Result<Self> {
        let socket = Socket::open_in(netns, protocol)?;
        socket.enable_request_defaults()?;
        Self::new(socket)
    }

    /// Wraps a bound socket, switching it to non-blocking mode. Fails
    /// outside a tokio runtime; tokio itself panics if the runtime was built
    /// without I/O (`enable_io`).
    pub fn new(socket: Socket) -> Result<Self> {
        socket.set_nonblocking(true)?;
        let core = Core::new(socket.port());
        let fd = crate::sys::async_fd(socket).map_err(|e| Error::io("epoll_ctl", e))?;
        Ok(AsyncConn { fd, core, timeout: Some(DEFAULT_TIMEOUT) })
    }

    /// The socket.
    pub fn socket(&self) -> &Socket {
        self.fd.get_ref()
    }

    /// How long one exchange may take (default [`DEFAULT_TIMEOUT`]): a
    /// peer that sends nothing, a stream of messages that are not the
    /// replies, or a dump without `DONE` end in [`Error::Timeout`]. The
    /// wait uses no runtime timer (one background thread serves every
    /// deadline), so it works in a runtime built without `enable_time`.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) {
        self.timeout = timeout;
    }

    /// Sends requests to a user-space peer's port instead of the kernel.
    pub fn set_peer(&mut self, port: u32) {
        self.core.peer = port;
    }

    /// As [`Conn::run`](crate::Conn::run): runs one operation given as a
    /// value, the same values as on the blocking connection.
    pub async fn run<R: Request>(&mut self, mut req: R) -> Result<R::Output> {
        let mut exchange = self.core.build(req.message_type(), req.flags(), |b| req.emit(b))?;
        self.exchange(&mut exchange, &mut |m| req.reply(m)).await?;
        req.finish()
    }

    /// As [`Conn::request`](crate::Conn::request).
    pub async fn request(
        &mut self,
        message_type: u16,
        flags: Flags,
        build: impl FnMut(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>,
        mut on_reply: impl FnMut(Message<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut exchange = self.core.build(message_type, flags, build)?;
        self.exchange(&mut exchange, &mut on_reply).await
    }

    async fn exchange(
        &mut self,
        exchange: &mut Exchange,
        on_reply: &mut impl FnMut(Message<'_>) -> Result<()>,
    ) -> Result<()> {
        let to = SocketAddr::port(self.core.peer);
        let deadline = self.timeout.map(|t| Instant::now() + t);
        let mut wait = deadline.map(Deadline::new);
        if self.core.overran {
            self.core.discard_queued(self.fd.get_ref());
        }
        // A dump abandoned before its end is read to it before another
        // dump (see Core and the blocking engine).
        while exchange.is_dump() && self.core.drains_abandoned_dump() {
            let drained = recv_until(&self.fd, &mut self.core.recv, &mut wait).await;
            if let Err(e) = drained {
                // Given up on (only this exchange waits for it).
                self.core.give_up_abandoned_dump();
                return Err(match e {
                    Error::Timeout => Error::DumpStillRunning,
                    e => e,
                });
            }
            self.core.drain_datagram();
        }
        self.fd.get_ref().send_to(&self.core.request, to)?;
        let mut handler_error = None;
        loop {
            // A silent peer ends at the deadline, as on a blocking socket.
            if let Err(e) = recv_until(&self.fd, &mut self.core.recv, &mut wait).await {
                self.core.overran |= matches!(e, Error::Overrun);
                return Err(handler_error.unwrap_or(e));
            }
            let step = self.core.on_datagram(exchange, on_reply, &mut handler_error)?;
            if step == Step::Finished {
                break;
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(handler_error.unwrap_or(Error::Timeout));
            }
        }
        match handler_error {
            Some(e) => Err(e),
            None => exchange.outcome(),
        }
    }

    /// As [`Conn::batch`](crate::Conn::batch): acknowledged requests
    /// pipelined, each outcome to `done` with its key, in order.
    pub async fn batch<K, R, I>(
        &mut self,
        requests: I,
        limits: BatchLimits,
        mut done: impl FnMut(K, Result<()>) -> ControlFlow<()>,
    ) -> Result<()>
    where
        I: IntoIterator<Item = (K, R)>,
        R: Request,
    {
        let mut requests = requests.into_iter().fuse();
        let mut pipe = Pipeline::new(limits);
        let to = SocketAddr::port(self.core.peer);
        loop {
            pipe.fill(&mut self.core, &mut requests, &mut done);
            if !pipe.waiting() {
                return Ok(());
            }
            let mut wait = self.timeout.map(|t| Deadline::new(Instant::now() + t));
            let mut result = Ok(());
            for d in pipe.datagrams() {
                result = result.and_then(|()| self.fd.get_ref().send_to(d, to).map(drop));
            }
            while result.is_ok() && pipe.waiting() {
                result = match recv_until(&self.fd, &mut self.core.recv, &mut wait).await {
                    Ok(()) => pipe.on_datagram(&mut self.core, &mut done),
                    Err(e) => Err(e),
                };
            }
            if let Err(e) = result {
                pipe.fail(&e, &mut done);
                return Err(e);
            }
        }
    }

    /// As [`Conn::transaction`](crate::Conn::transaction): the requests as
    /// one datagram, each one's answer read from what the kernel queued
    /// before `sendmsg` returned.
    pub async fn transaction<K, R: Request>(
        &mut self,
        requests: impl IntoIterator<Item = (K, R)>,
    ) -> Result<Vec<Answered<K>>> {
        let mut t = Transaction::build(&mut self.core, requests)?;
        if t.datagram().is_empty() {
            return Ok(Vec::new());
        }
        let socket = self.fd.get_ref();
        socket.send_to(t.datagram(), SocketAddr::port(self.core.peer))?;
        loop {
            match socket.try_recv(&mut self.core.recv) {
                Ok(_) => t.on_datagram(&mut self.core)?,
                Err(e) if e.is_would_block() => return Ok(t.answers()),
                Err(e) => return Err(e),
            }
        }
    }

    /// As [`Conn::request_ack`](crate::Conn::request_ack).
    pub async fn request_ack(
        &mut self,
        message_type: u16,
        flags: Flags,
        build: impl FnMut(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>,
    ) -> Result<()> {
        self.request(message_type, flags | Flags::ACK, build, |_| Ok(())).await
    }

    /// As [`Conn::dump`](crate::Conn::dump).
    pub async fn dump(
        &mut self,
        message_type: u16,
        build: impl FnMut(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>,
        on_reply: impl FnMut(Message<'_>) -> Result<()>,
    ) -> Result<()> {
        self.request(message_type, Flags::DUMP, build, on_reply).await
    }

    /// As [`Conn::dump_collect`](crate::Conn::dump_collect).
    pub async fn dump_collect<R>(
        &mut self,
        message_type: u16,
        build: impl FnMut(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>,
        mut parse: impl FnMut(Message<'_>) -> Result<R>,
    ) -> Result<Vec<R>, DumpError<R>> {
        let mut items = Vec::new();
        let result = self
            .dump(message_type, build, |m| {
                items.push(parse(m)?);
                Ok(())
            })
            .await;
        match result {
            Ok(()) => Ok(items),
            Err(Error::DumpInterrupted { .. }) => Err(DumpError::Interrupted { partial: items }),
            Err(e) => Err(DumpError::Failed(e)),
        }
    }

    /// Receives the next datagram, for listeners.
    pub async fn recv(&mut self) -> Result<&RecvBuf> {
        if let Some((from, bytes)) = self.core.routing.pop_unsolicited() {
            self.core.recv.set(&bytes, from);
        } else {
            recv(&self.fd, &mut self.core.recv).await?;
        }
        Ok(&self.core.recv)
    }
}

/// [`recv`], ending in [`Error::Timeout`] when `deadline` (if any) comes;
/// no runtime timer is used (see [`crate::deadline`]).
async fn recv_until(
    fd: &AsyncFd<Socket>,
    buf: &mut RecvBuf,
    deadline: &mut Option<Deadline>,
) -> Result<()> {
    match deadline {
        Some(d) => until(d, recv(fd, buf)).await.unwrap_or(Err(Error::Timeout)),
        None => recv(fd, buf).await,
    }
}

pub(crate) async fn recv(fd: &AsyncFd<Socket>, buf: &mut RecvBuf) -> Result<()> {
    loop {
        let mut guard = fd.readable().await.map_err(|e| Error::io("epoll_wait", e))?;
        match guard.get_inner().try_recv(buf) {
            Err(e) if e.is_would_block() => guard.clear_ready(),
            other => return other.map(drop),
        }
    }
}
