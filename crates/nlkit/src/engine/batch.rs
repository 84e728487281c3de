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

use super::{Conn, Request, Transport};
use crate::error::{Error, KernelError, Result};
use crate::socket::SocketAddr;
use nlkit_wire::ack::Ack as WireAck;
use nlkit_wire::{Flags, MessageBuilder, MessageType, Messages};
use std::collections::VecDeque;
use std::ops::ControlFlow;
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
    at: std::ops::Range<usize>,
}

impl<T: Transport> Conn<T> {
    /// Runs `requests`, each with `NLM_F_ACK` added, pipelined within
    /// `limits`, and hands each one's outcome to `done` with its key, in
    /// order. Data replies (`NLM_F_ECHO`) are ignored, as by
    /// [`Ack`](super::Ack). When `done` breaks, no further request is
    /// sent; those already in flight are still reported (they were made).
    /// An error that ends the whole batch (the socket, a deadline) is
    /// returned after the requests it left without an answer were
    /// reported with it.
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
        let in_flight_max = limits.in_flight.max(1);
        let mut window: Vec<u8> = Vec::with_capacity(limits.datagram);
        let mut waiting: VecDeque<InFlight<K>> = VecDeque::with_capacity(in_flight_max);
        let mut stopped = false;
        let to = SocketAddr::port(self.core.peer);
        loop {
            // Fill the window, sending a datagram whenever the next message
            // would not fit.
            window.clear();
            let mut sent_to = 0;
            while !stopped && waiting.len() < in_flight_max {
                let Some((key, req)) = requests.next() else { break };
                let seq = self.core.routing.reserve_seq();
                let start = window.len();
                let header = nlkit_wire::Header {
                    message_type: MessageType::from(req.message_type()),
                    flags: req.flags() | Flags::REQUEST | Flags::ACK,
                    sequence: seq,
                    port: self.core.port,
                };
                let built = MessageBuilder::new(&mut window, header).and_then(|mut b| {
                    req.emit(&mut b)?;
                    let _ = b.finish();
                    Ok(())
                });
                if let Err(e) = built {
                    window.truncate(start);
                    if done(key, Err(e.into())).is_break() {
                        stopped = true;
                    }
                    continue;
                }
                if window.len() - sent_to > limits.datagram && start > sent_to {
                    self.transport.send_to(&window[sent_to..start], to)?;
                    sent_to = start;
                }
                waiting.push_back(InFlight { key, seq, at: start..window.len() });
            }
            if sent_to < window.len() {
                self.transport.send_to(&window[sent_to..], to)?;
            }
            if waiting.is_empty() {
                return Ok(());
            }
            if let Err(e) = self.drain(&window, &mut waiting, &mut done, &mut stopped) {
                let lost = matches!(e, Error::Overrun);
                for w in waiting.drain(..) {
                    let why = if lost { Error::Overrun } else { Error::Timeout };
                    let _ = done(w.key, Err(why));
                }
                return Err(e);
            }
        }
    }

    /// Reads until every request of the window has its ACK or error.
    fn drain<K>(
        &mut self,
        window: &[u8],
        waiting: &mut VecDeque<InFlight<K>>,
        done: &mut impl FnMut(K, Result<()>) -> ControlFlow<()>,
        stopped: &mut bool,
    ) -> Result<()> {
        let deadline = self.timeout.map(|t| Instant::now() + t);
        while !waiting.is_empty() {
            self.transport.recv(&mut self.core.recv)?;
            let from = self.core.recv.from();
            if from.groups != 0 || self.core.recv.group().is_some() || from.port != self.core.peer {
                self.core.routing.keep_unsolicited(from, self.core.recv.bytes().to_vec());
            } else {
                for msg in Messages::new(self.core.recv.bytes()) {
                    let msg = msg?;
                    let Some(i) = waiting.iter().position(|w| w.seq == msg.sequence()) else {
                        self.core.routing.keep_unsolicited(from, msg.bytes().to_vec());
                        continue;
                    };
                    let port = msg.port();
                    if port != 0 && port != self.core.port {
                        return Err(Error::Port { expected: self.core.port, got: port });
                    }
                    let outcome = match msg.message_type() {
                        MessageType::Error => {
                            let ack = WireAck::parse(&msg)?;
                            if ack.is_ack() {
                                Ok(())
                            } else {
                                let request = &window[waiting[i].at.clone()];
                                Err(KernelError::from_ack(&ack, request).into())
                            }
                        }
                        MessageType::Overrun => return Err(Error::Overrun),
                        // An echo or other data reply: the ACK still comes.
                        _ => continue,
                    };
                    // ACKs come in order; anything before this one lost its own.
                    for lost in waiting.drain(..i) {
                        if done(lost.key, Err(Error::Overrun)).is_break() {
                            *stopped = true;
                        }
                    }
                    let w = waiting.pop_front().expect("found above");
                    if done(w.key, outcome).is_break() {
                        *stopped = true;
                    }
                }
            }
            if !waiting.is_empty() && deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(Error::Timeout);
            }
        }
        Ok(())
    }
}
