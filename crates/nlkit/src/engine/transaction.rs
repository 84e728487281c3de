//! Transactions: several requests sent as one datagram for a family that
//! applies a datagram as a whole, each request's answer matched to it.
//!
//! nfnetlink (nftables) takes a batch as one datagram: `NFNL_MSG_BATCH_BEGIN`,
//! the changes, `NFNL_MSG_BATCH_END`; it applies all of them or none, and
//! reports every error of the batch, each on its own message. A kernel
//! answers every message of a datagram before the `sendmsg` that carried it
//! returns, so the answers are read until none is queued, not waited for:
//! some messages get no answer at all (a batch's begin and end, before
//! Linux 6.6 added their ACKs), and a wait for them would only end at the
//! deadline. Each request gets an [`Answer`]: acknowledged, refused with
//! the kernel's error and extended ack, or not answered; and the data
//! replies that came for it (a `do` that answers with an object, an echo),
//! in an [`Answered`].
//!
//! [`Transaction`] is the sans-IO part; [`Conn::transaction`] (here) and
//! `AsyncConn::transaction` (feature `tokio`) only send and receive.
//!
//! Unlike [`Conn::batch`](super::Conn::batch), which pipelines independent
//! changes over many datagrams, nothing here is split: a request that
//! cannot be built fails the whole transaction before anything is sent.

use super::core::Core;
use super::{Conn, Request, Transport};
use crate::error::{Error, KernelError, Result};
use crate::socket::SocketAddr;
use nlkit_wire::ack::Ack as WireAck;
use nlkit_wire::{Flags, MessageBuilder, MessageType, Messages};
use std::ops::Range;

/// What the kernel said to one request of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// Acknowledged (`NLMSG_ERROR` with errno 0). In an nfnetlink batch
    /// that failed elsewhere, an acknowledged change was still not applied.
    Acked,
    /// Refused: the errno and what the extended ack said.
    Refused(KernelError),
    /// No answer came for it (a batch's begin and end on kernels before
    /// 6.6, or every message after one the kernel stopped reading at).
    None,
}

/// One request's outcome in a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered<K> {
    /// The key it was given with.
    pub key: K,
    /// What the kernel said to it.
    pub answer: Answer,
    /// The messages the kernel sent with its sequence number before the
    /// answer: a `do`'s reply object, an echo (each a whole message,
    /// header included).
    pub replies: Vec<Vec<u8>>,
}

/// One request of a transaction: its outcome so far, its sequence number
/// and its bytes in the datagram (for extended-ack offsets).
struct Slot<K> {
    seq: u32,
    at: Range<usize>,
    outcome: Answered<K>,
}

/// The sans-IO part both front ends share: the datagram built, and the
/// answers read out of each datagram received.
pub(crate) struct Transaction<K> {
    datagram: Vec<u8>,
    slots: Vec<Slot<K>>,
}

/// The request numbered `seq`. Numbers are consecutive from the first
/// (found by subtraction, not a search per answer), but for the wrap past
/// 0, which the engine skips (then searched).
fn slot<K>(slots: &mut [Slot<K>], seq: u32) -> Option<&mut Slot<K>> {
    let at = seq.wrapping_sub(slots.first()?.seq) as usize;
    match slots.get(at) {
        Some(s) if s.seq == seq => slots.get_mut(at),
        _ => slots.iter_mut().find(|s| s.seq == seq),
    }
}

impl<K> Transaction<K> {
    /// Builds every request into one datagram, each with `NLM_F_ACK`; the
    /// first that cannot be built fails the whole.
    pub fn build<R: Request>(
        core: &mut Core,
        requests: impl IntoIterator<Item = (K, R)>,
    ) -> Result<Self> {
        let mut datagram = Vec::new();
        let mut slots = Vec::new();
        for (key, req) in requests {
            let seq = core.routing.reserve_seq();
            let start = datagram.len();
            let header = nlkit_wire::Header {
                message_type: MessageType::from(req.message_type()),
                flags: req.flags() | Flags::REQUEST | Flags::ACK,
                sequence: seq,
                port: core.port,
            };
            let mut b = MessageBuilder::new(&mut datagram, header)?;
            req.emit(&mut b)?;
            let _ = b.finish();
            let outcome = Answered { key, answer: Answer::None, replies: Vec::new() };
            slots.push(Slot { seq, at: start..datagram.len(), outcome });
        }
        Ok(Transaction { datagram, slots })
    }

    /// The datagram to send (empty: nothing to send).
    pub fn datagram(&self) -> &[u8] {
        &self.datagram
    }

    /// Reads the datagram in `core.recv`: each ACK, error or data reply to
    /// its request; anything else is kept as unsolicited.
    pub fn on_datagram(&mut self, core: &mut Core) -> Result<()> {
        let Core { recv, routing, port, peer, .. } = core;
        let from = recv.from();
        if from.groups != 0 || recv.group().is_some() || from.port != *peer {
            routing.keep_unsolicited(from, recv.bytes().to_vec());
            return Ok(());
        }
        for msg in Messages::new(recv.bytes()) {
            let msg = msg?;
            let Some(slot) = slot(&mut self.slots, msg.sequence()) else {
                routing.keep_unsolicited(from, msg.bytes().to_vec());
                continue;
            };
            let got = msg.port();
            if got != 0 && got != *port {
                return Err(Error::Port { expected: *port, got });
            }
            match msg.message_type() {
                MessageType::Error => {
                    let ack = WireAck::parse(&msg)?;
                    slot.outcome.answer = if ack.is_ack() {
                        Answer::Acked
                    } else {
                        Answer::Refused(KernelError::from_ack(
                            &ack,
                            &self.datagram[slot.at.clone()],
                        ))
                    };
                }
                MessageType::Overrun => return Err(Error::Overrun),
                MessageType::Done | MessageType::Noop => {}
                // A reply object or an echo: the ACK still comes.
                _ => slot.outcome.replies.push(msg.bytes().to_vec()),
            }
        }
        Ok(())
    }

    /// Each request's outcome, in order.
    pub fn answers(self) -> Vec<Answered<K>> {
        self.slots.into_iter().map(|s| s.outcome).collect()
    }
}

impl<T: Transport> Conn<T> {
    /// Sends `requests` as one datagram, each with `NLM_F_ACK`, and returns
    /// each one's [`Answered`] (its key, [`Answer`] and data replies), in
    /// order, once the kernel's answers have been read (see the module
    /// docs). Fails without sending when a request
    /// cannot be built, with [`Error::Overrun`] when answers were lost to a
    /// full receive buffer (the outcome is then unknown), and with the
    /// socket's error; the datagram must fit the send buffer (`EMSGSIZE`).
    pub fn transaction<K, R: Request>(
        &mut self,
        requests: impl IntoIterator<Item = (K, R)>,
    ) -> Result<Vec<Answered<K>>> {
        let mut t = Transaction::build(&mut self.core, requests)?;
        if t.datagram().is_empty() {
            return Ok(Vec::new());
        }
        if self.core.overran {
            match self.transport.socket() {
                Some(socket) => self.core.discard_queued(socket),
                None => self.core.overran = false,
            }
        }
        self.transport.send_to(t.datagram(), SocketAddr::port(self.core.peer))?;
        loop {
            let got = self.transport.try_recv(&mut self.core.recv).and_then(|got| {
                if got {
                    t.on_datagram(&mut self.core)?;
                }
                Ok(got)
            });
            match got {
                Ok(true) => {}
                Ok(false) => return Ok(t.answers()),
                Err(e) => {
                    self.core.overran |= matches!(e, Error::Overrun);
                    return Err(e);
                }
            }
        }
    }
}
