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
//! the kernel's error and extended ack, or not answered.
//!
//! Unlike [`Conn::batch`](super::Conn::batch), which pipelines independent
//! changes over many datagrams, nothing here is split: a request that
//! cannot be built fails the whole transaction before anything is sent.

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

impl<T: Transport> Conn<T> {
    /// Sends `requests` as one datagram, each with `NLM_F_ACK`, and returns
    /// each one's [`Answer`] with its key, in order, once the kernel's
    /// answers have been read (see the module docs). Data replies
    /// (`NLM_F_ECHO`) are ignored. Fails without sending when a request
    /// cannot be built, with [`Error::Overrun`] when answers were lost to a
    /// full receive buffer (the outcome is then unknown), and with the
    /// socket's error; the datagram must fit the send buffer (`EMSGSIZE`).
    pub fn transaction<K, R: Request>(
        &mut self,
        requests: impl IntoIterator<Item = (K, R)>,
    ) -> Result<Vec<(K, Answer)>> {
        let mut datagram = Vec::new();
        let mut sent: Vec<(K, u32, Range<usize>, Answer)> = Vec::new();
        for (key, req) in requests {
            let seq = self.core.routing.reserve_seq();
            let start = datagram.len();
            let header = nlkit_wire::Header {
                message_type: MessageType::from(req.message_type()),
                flags: req.flags() | Flags::REQUEST | Flags::ACK,
                sequence: seq,
                port: self.core.port,
            };
            let mut b = MessageBuilder::new(&mut datagram, header)?;
            req.emit(&mut b)?;
            let _ = b.finish();
            sent.push((key, seq, start..datagram.len(), Answer::None));
        }
        if sent.is_empty() {
            return Ok(Vec::new());
        }
        if self.core.overran {
            match self.transport.socket() {
                Some(socket) => self.core.discard_queued(socket),
                None => self.core.overran = false,
            }
        }
        self.transport.send_to(&datagram, SocketAddr::port(self.core.peer))?;
        loop {
            match self.transport.try_recv(&mut self.core.recv) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    self.core.overran |= matches!(e, Error::Overrun);
                    return Err(e);
                }
            }
            let recv = &self.core.recv;
            let from = recv.from();
            if from.groups != 0 || recv.group().is_some() || from.port != self.core.peer {
                self.core.routing.keep_unsolicited(from, recv.bytes().to_vec());
                continue;
            }
            for msg in Messages::new(recv.bytes()) {
                let msg = msg?;
                let Some(slot) = sent.iter_mut().find(|s| s.1 == msg.sequence()) else {
                    self.core.routing.keep_unsolicited(from, msg.bytes().to_vec());
                    continue;
                };
                let got = msg.port();
                if got != 0 && got != self.core.port {
                    return Err(Error::Port { expected: self.core.port, got });
                }
                match msg.message_type() {
                    MessageType::Error => {
                        let ack = WireAck::parse(&msg)?;
                        slot.3 = if ack.is_ack() {
                            Answer::Acked
                        } else {
                            Answer::Refused(KernelError::from_ack(&ack, &datagram[slot.2.clone()]))
                        };
                    }
                    MessageType::Overrun => {
                        self.core.overran = true;
                        return Err(Error::Overrun);
                    }
                    _ => {}
                }
            }
        }
        Ok(sent.into_iter().map(|(key, _, _, answer)| (key, answer)).collect())
    }
}
