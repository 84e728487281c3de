//! Pipelined changes: many acknowledged requests in flight, many per
//! datagram, each ACK matched to its request by sequence number.
//!
//! The kernel handles every message of a datagram in `sendmsg`, in order,
//! and queues one ACK or error per message before `sendmsg` returns, so a
//! window of requests costs one `sendmsg` per 64 KiB and a few `recvmsg`
//! calls instead of a round trip each. The ACKs of a whole window must fit
//! the socket's receive buffer (the kernel drops what does not and reports
//! `ENOBUFS`): about 1 KiB each counting the kernel's bookkeeping, so the
//! default window of [`BatchLimits`] fits the default buffer, and a larger
//! window wants a larger buffer (`Socket::set_recv_buffer_size_force`).
//! If ACKs are lost anyway, the requests whose ACKs are missing are
//! reported as [`Error::Overrun`], never as done.
//!
//! [`Pipeline`] is the sans-IO part both front ends share: it fills a
//! window into datagrams and reads ACKs out of each datagram received;
//! [`Conn::batch`] (here) and `AsyncConn::batch` (feature `tokio`) only
//! send and receive.

use super::core::Core;
use super::{Conn, Request, Transport};
use crate::error::{Error, KernelError, Result};
use crate::socket::SocketAddr;
use nlkit_wire::ack::Ack as WireAck;
use nlkit_wire::{Flags, MessageBuilder, MessageType, Messages};
use std::collections::VecDeque;
use std::ops::{ControlFlow, Range};
use std::time::Instant;

/// How far a batch runs ahead of its ACKs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    /// Requests sent and not yet acknowledged, at most.
    pub in_flight: usize,
    /// Bytes per datagram, at most (a request larger than this goes alone).
    pub datagram: usize,
}

impl Default for BatchLimits {
    /// 128 requests in flight (their ACKs fit the default 208 KiB receive
    /// buffer), 64 KiB datagrams.
    fn default() -> Self {
        BatchLimits { in_flight: 128, datagram: 64 << 10 }
    }
}

/// One request sent and waiting for its ACK.
struct InFlight<K> {
    key: K,
    seq: u32,
    /// Where its bytes are in the window buffer (for extended-ack offsets).
    at: Range<usize>,
}

/// The state of a batch between sends and receives.
pub(crate) struct Pipeline<K> {
    limits: BatchLimits,
    window: Vec<u8>,
    /// The datagrams of the window: ranges of `window`.
    chunks: Vec<Range<usize>>,
    waiting: VecDeque<InFlight<K>>,
    /// `done` broke: send nothing more.
    pub stopped: bool,
}

impl<K> Pipeline<K> {
    pub fn new(limits: BatchLimits) -> Self {
        let limits = BatchLimits { in_flight: limits.in_flight.max(1), ..limits };
        Pipeline {
            limits,
            window: Vec::with_capacity(limits.datagram),
            chunks: Vec::new(),
            waiting: VecDeque::with_capacity(limits.in_flight),
            stopped: false,
        }
    }

    /// Builds the next window from `requests` (each with `NLM_F_ACK`), as
    /// datagrams of at most `limits.datagram` bytes; a request that cannot
    /// be built is reported to `done` at once.
    pub fn fill<R: Request>(
        &mut self,
        core: &mut Core,
        requests: &mut impl Iterator<Item = (K, R)>,
        done: &mut impl FnMut(K, Result<()>) -> ControlFlow<()>,
    ) {
        self.window.clear();
        self.chunks.clear();
        let mut sent_to = 0;
        while !self.stopped && self.waiting.len() < self.limits.in_flight {
            let Some((key, req)) = requests.next() else { break };
            let seq = core.routing.reserve_seq();
            let start = self.window.len();
            let header = nlkit_wire::Header {
                message_type: MessageType::from(req.message_type()),
                flags: req.flags() | Flags::REQUEST | Flags::ACK,
                sequence: seq,
                port: core.port,
            };
            let built = MessageBuilder::new(&mut self.window, header).and_then(|mut b| {
                req.emit(&mut b)?;
                let _ = b.finish();
                Ok(())
            });
            if let Err(e) = built {
                self.window.truncate(start);
                self.stopped |= done(key, Err(e.into())).is_break();
                continue;
            }
            if self.window.len() - sent_to > self.limits.datagram && start > sent_to {
                self.chunks.push(sent_to..start);
                sent_to = start;
            }
            self.waiting.push_back(InFlight { key, seq, at: start..self.window.len() });
        }
        if sent_to < self.window.len() {
            self.chunks.push(sent_to..self.window.len());
        }
    }

    /// The datagrams to send for the window just filled.
    pub fn datagrams(&self) -> impl Iterator<Item = &[u8]> {
        self.chunks.iter().map(|r| &self.window[r.clone()])
    }

    /// Whether requests wait for their ACKs.
    pub fn waiting(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// Reads the datagram in `core.recv`: each ACK or error to `done` with
    /// its request's key; anything else is kept as unsolicited.
    pub fn on_datagram(
        &mut self,
        core: &mut Core,
        done: &mut impl FnMut(K, Result<()>) -> ControlFlow<()>,
    ) -> Result<()> {
        let Core { recv, routing, port, peer, .. } = core;
        let from = recv.from();
        if from.groups != 0 || recv.group().is_some() || from.port != *peer {
            routing.keep_unsolicited(from, recv.bytes().to_vec());
            return Ok(());
        }
        for msg in Messages::new(recv.bytes()) {
            let msg = msg?;
            let Some(i) = self.waiting.iter().position(|w| w.seq == msg.sequence()) else {
                routing.keep_unsolicited(from, msg.bytes().to_vec());
                continue;
            };
            let got = msg.port();
            if got != 0 && got != *port {
                return Err(Error::Port { expected: *port, got });
            }
            let outcome = match msg.message_type() {
                MessageType::Error => {
                    let ack = WireAck::parse(&msg)?;
                    if ack.is_ack() {
                        Ok(())
                    } else {
                        let request = &self.window[self.waiting[i].at.clone()];
                        Err(KernelError::from_ack(&ack, request).into())
                    }
                }
                MessageType::Overrun => return Err(Error::Overrun),
                // An echo or other data reply: the ACK still comes.
                _ => continue,
            };
            // ACKs come in order; anything before this one lost its own.
            for lost in self.waiting.drain(..i) {
                self.stopped |= done(lost.key, Err(Error::Overrun)).is_break();
            }
            if let Some(w) = self.waiting.pop_front() {
                self.stopped |= done(w.key, outcome).is_break();
            }
        }
        Ok(())
    }

    /// Ends the batch on `e`: every request still waiting is reported
    /// (lost to an overrun, or unanswered by the deadline).
    pub fn fail(&mut self, e: &Error, done: &mut impl FnMut(K, Result<()>) -> ControlFlow<()>) {
        for w in self.waiting.drain(..) {
            let why = if matches!(e, Error::Overrun) { Error::Overrun } else { Error::Timeout };
            let _ = done(w.key, Err(why));
        }
    }
}

impl<T: Transport> Conn<T> {
    /// Runs `requests`, each with `NLM_F_ACK` added, pipelined within
    /// `limits`, and hands each one's outcome to `done` with its key, in
    /// order. Data replies (`NLM_F_ECHO`) are ignored, as by
    /// [`Ack`](super::Ack). When `done` breaks, no further request is
    /// sent; those already in flight are still reported (they were made).
    /// An error that ends the whole batch (the socket, a deadline) is
    /// returned after the requests it left without an answer were
    /// reported with it. The requests are read lazily, once each.
    pub fn batch<K, R, I>(
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
        if self.core.overran {
            match self.transport.socket() {
                Some(socket) => self.core.discard_queued(socket),
                None => self.core.overran = false,
            }
        }
        loop {
            pipe.fill(&mut self.core, &mut requests, &mut done);
            if !pipe.waiting() {
                return Ok(());
            }
            let deadline = self.timeout.map(|t| Instant::now() + t);
            let mut sent = Ok(());
            for d in pipe.datagrams() {
                sent = sent.and_then(|()| self.transport.send_to(d, to));
            }
            let mut drained = sent;
            while drained.is_ok() && pipe.waiting() {
                drained = self.transport.recv(&mut self.core.recv).and_then(|()| {
                    pipe.on_datagram(&mut self.core, &mut done)?;
                    match deadline {
                        Some(d) if pipe.waiting() && Instant::now() >= d => Err(Error::Timeout),
                        _ => Ok(()),
                    }
                });
            }
            if let Err(e) = drained {
                self.core.overran |= matches!(e, Error::Overrun);
                pipe.fail(&e, &mut done);
                return Err(e);
            }
        }
    }
}
