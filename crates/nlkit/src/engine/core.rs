//! The engine state shared by the blocking and async connections: the
//! request buffer, sequence numbers, the receive buffer, the queue of
//! unsolicited messages, and the sequence numbers of abandoned exchanges.
//!
//! Routing of what arrives while an exchange is open:
//! - a multicast (a group in the address, or in `NETLINK_PKTINFO`, which
//!   is the only sign of groups above 32) or a datagram from another sender
//!   is kept whole as unsolicited;
//! - a message with the exchange's sequence number goes to the exchange;
//! - a message with the number of an abandoned exchange (one that ended by
//!   timeout, overrun, error or a dropped future before its ACK or DONE) is
//!   discarded, and the number forgotten once its ACK or DONE has passed;
//! - any other message (a kernel notification, for instance) is kept as
//!   unsolicited. Nothing is dropped without being counted.

use super::exchange::{Exchange, Step};
use crate::error::{Error, Result};
use crate::socket::{RecvBuf, SocketAddr};
use nlkit_wire::{Flags, Message, MessageBuilder, MessageType, Messages};
use std::collections::VecDeque;

/// The most unsolicited messages kept for [`super::Conn::take_unsolicited`].
const UNSOLICITED_MAX: usize = 1024;
/// The most bytes they may take together: any process can send to a
/// USERSOCK port, so what strangers send must not grow without bound.
pub(crate) const UNSOLICITED_BYTES_MAX: usize = 4 << 20;
/// The most abandoned sequence numbers remembered.
const ABANDONED_MAX: usize = 64;

#[derive(Debug)]
pub(crate) struct Core {
    pub request: Vec<u8>,
    pub recv: RecvBuf,
    pub port: u32,
    pub peer: u32,
    pub routing: Routing,
    /// An exchange ended in `ENOBUFS`: the kernel dropped messages and
    /// marked the socket congested, and drops every message sent to it
    /// (replies included) until its queue has been read empty. The next
    /// exchange reads it empty first ([`discard_queued`](Self::discard_queued)).
    pub overran: bool,
}

/// Where messages that are not the open exchange's go, and the counters.
#[derive(Debug, Default)]
pub(crate) struct Routing {
    next_seq: u32,
    /// The exchange sent and not yet finished.
    outstanding: Option<u32>,
    /// Whether `outstanding` is a dump.
    outstanding_dump: bool,
    /// A dump abandoned before its DONE: the kernel refuses another dump
    /// on the socket (`EBUSY`) until this one is read to its end, so the
    /// next exchange first drains it ([`Core::drain_datagram`]).
    pub abandoned_dump: Option<u32>,
    abandoned: VecDeque<u32>,
    unsolicited: VecDeque<(SocketAddr, Vec<u8>)>,
    /// The bytes `unsolicited` holds.
    unsolicited_bytes: usize,
    /// Unsolicited messages pushed out of the full queue (oldest first),
    /// or too large to keep.
    pub unsolicited_dropped: u64,
    /// Late replies to abandoned exchanges, discarded.
    pub stale_discarded: u64,
}

impl Core {
    /// Whether a dump abandoned before its end must be read to it before
    /// the next request is sent. Only the kernel needs that (it answers
    /// `EBUSY` to a second dump while one runs); a user-space peer, which
    /// may never end its dump, is not waited for: its late replies are
    /// discarded by their sequence number as they come.
    pub fn drains_abandoned_dump(&mut self) -> bool {
        if self.peer != 0 {
            self.routing.abandoned_dump = None;
        }
        self.routing.abandoned_dump.is_some()
    }

    /// Reads the socket's queue empty without waiting (at most 4,096
    /// datagrams), after an overrun: late replies to abandoned exchanges
    /// are discarded, anything else kept as unsolicited (within its
    /// bounds). Until the queue is empty the kernel drops what it sends
    /// to the socket, the next request's reply included.
    pub fn discard_queued(&mut self, socket: &crate::Socket) {
        self.overran = false;
        for _ in 0..4096 {
            match socket.try_recv(&mut self.recv) {
                Ok(_) => {}
                Err(Error::Overrun) => continue,
                Err(_) => return,
            }
            let from = self.recv.from();
            if from.groups != 0 || self.recv.group().is_some() || from.port != self.peer {
                self.routing.keep_unsolicited(from, self.recv.bytes().to_vec());
                continue;
            }
            for msg in Messages::new(self.recv.bytes()) {
                match msg {
                    Ok(m) => self.routing.not_ours(from, &m),
                    Err(_) => {
                        self.routing.keep_unsolicited(from, self.recv.bytes().to_vec());
                        break;
                    }
                }
            }
        }
    }

    /// Stops waiting for an abandoned dump before the request built last
    /// was sent: that request never went, so nothing is outstanding (a
    /// later dump does not count it as a dump still running).
    pub fn give_up_abandoned_dump(&mut self) {
        self.routing.abandoned_dump = None;
        self.routing.outstanding = None;
    }

    pub fn new(port: u32) -> Self {
        Core {
            request: Vec::with_capacity(4096),
            recv: RecvBuf::new(),
            port,
            peer: 0,
            routing: Routing { next_seq: 1, ..Routing::default() },
            overran: false,
        }
    }

    /// Builds a request into the request buffer with the next sequence number
    /// and this socket's port id; `NLM_F_REQUEST` is added. The request
    /// counts as outstanding from here until its exchange finishes.
    pub fn build(
        &mut self,
        message_type: u16,
        flags: Flags,
        build: impl FnOnce(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>,
    ) -> Result<Exchange> {
        self.request.clear();
        let header = nlkit_wire::Header {
            message_type: MessageType::from(message_type),
            flags: flags | Flags::REQUEST,
            sequence: 0,
            port: self.port,
        };
        let mut b = MessageBuilder::new(&mut self.request, header)?;
        build(&mut b)?;
        let _ = b.finish();
        Ok(self.renumber())
    }

    /// Gives the request in the buffer a fresh sequence number (also for a retry).
    pub fn renumber(&mut self) -> Exchange {
        let seq = self.routing.take_seq();
        let mut msg = nlkit_wire::MessageBuffer::new_unchecked(&mut self.request[..]);
        msg.set_sequence(seq);
        let flags = msg.flags();
        // Only the kernel keeps a dump running per socket (and refuses a
        // second one): a user-space peer's is not waited for.
        self.routing.outstanding_dump = flags.contains(Flags::DUMP) && self.peer == 0;
        Exchange::new(seq, self.port, flags)
    }

    /// Routes the datagram in the receive buffer while an abandoned dump
    /// is drained (before the next request is sent): its messages are
    /// stale, the rest unsolicited. Whether the dump has ended.
    pub fn drain_datagram(&mut self) -> bool {
        let Core { recv, peer, routing, .. } = self;
        let from = recv.from();
        if from.groups != 0 || recv.group().is_some() || from.port != *peer {
            routing.keep_unsolicited(from, recv.bytes().to_vec());
        } else if let Some(seq) = routing.abandoned_dump {
            routing.leftover(recv, seq);
        }
        routing.abandoned_dump.is_none()
    }

    /// Handles the datagram now in the receive buffer for `exchange`.
    pub fn on_datagram<H>(
        &mut self,
        exchange: &mut Exchange,
        handler: &mut H,
        handler_error: &mut Option<Error>,
    ) -> Result<Step>
    where
        H: FnMut(Message<'_>) -> Result<()> + ?Sized,
    {
        let Core { request, recv, peer, routing, .. } = self;
        let from = recv.from();
        if from.groups != 0 || recv.group().is_some() || from.port != *peer {
            routing.keep_unsolicited(from, recv.bytes().to_vec());
            return Ok(Step::More);
        }
        routing.route(recv, request, exchange, handler, handler_error)
    }
}

impl Routing {
    /// A sequence number for a pipelined request (see `batch`), leaving
    /// the open exchange, if any, as it is.
    pub fn reserve_seq(&mut self) -> u32 {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1).max(1);
        seq
    }

    fn take_seq(&mut self) -> u32 {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1).max(1);
        if let Some(old) = self.outstanding.replace(seq) {
            if self.abandoned.len() == ABANDONED_MAX {
                self.abandoned.pop_front();
            }
            self.abandoned.push_back(old);
            if self.outstanding_dump {
                self.abandoned_dump = Some(old);
            }
        }
        seq
    }

    fn route<H>(
        &mut self,
        recv: &RecvBuf,
        request: &[u8],
        exchange: &mut Exchange,
        handler: &mut H,
        handler_error: &mut Option<Error>,
    ) -> Result<Step>
    where
        H: FnMut(Message<'_>) -> Result<()> + ?Sized,
    {
        let mut step = Step::More;
        for msg in Messages::new(recv.bytes()) {
            let msg = msg?;
            if step == Step::Finished || msg.sequence() != exchange.seq {
                self.not_ours(recv.from(), &msg);
                continue;
            }
            match exchange.message(&msg, request, handler, handler_error) {
                Ok(s) => step = s,
                Err(e) => {
                    if matches!(msg.message_type(), MessageType::Error | MessageType::Done) {
                        self.outstanding = None;
                    }
                    return Err(e);
                }
            }
            if step == Step::Finished {
                self.outstanding = None;
            }
        }
        Ok(step)
    }

    /// A message that is not part of the open exchange: a late reply to an
    /// abandoned one (discarded), or something to keep.
    fn not_ours(&mut self, from: SocketAddr, msg: &Message<'_>) {
        let seq = msg.sequence();
        if let Some(i) = self.abandoned.iter().position(|&s| s == seq) {
            self.stale_discarded += 1;
            if matches!(msg.message_type(), MessageType::Error | MessageType::Done) {
                self.abandoned.remove(i);
                self.abandoned_dump = self.abandoned_dump.filter(|&d| d != seq);
            }
            return;
        }
        self.keep_unsolicited(from, msg.bytes().to_vec());
    }

    /// A datagram read past the end of the exchange `seq` (by a receiver
    /// reading ahead): its messages of `seq` are counted as stale, as a
    /// later exchange would count them; the rest is routed as unsolicited.
    pub(crate) fn leftover(&mut self, recv: &RecvBuf, seq: u32) {
        let from = recv.from();
        if from.groups != 0 || recv.group().is_some() {
            self.keep_unsolicited(from, recv.bytes().to_vec());
            return;
        }
        for msg in Messages::new(recv.bytes()) {
            match msg {
                Ok(m) if m.sequence() == seq => {
                    self.stale_discarded += 1;
                    if matches!(m.message_type(), MessageType::Error | MessageType::Done) {
                        self.abandoned.retain(|&s| s != seq);
                        self.abandoned_dump = self.abandoned_dump.filter(|&d| d != seq);
                    }
                }
                Ok(m) => self.not_ours(from, &m),
                Err(_) => {
                    self.keep_unsolicited(from, recv.bytes().to_vec());
                    return;
                }
            }
        }
    }

    /// Keeps a message for `take_unsolicited`, dropping the oldest (and
    /// counting them) to stay within UNSOLICITED_MAX messages and
    /// UNSOLICITED_BYTES_MAX bytes; one larger than that is dropped itself.
    pub(crate) fn keep_unsolicited(&mut self, from: SocketAddr, bytes: Vec<u8>) {
        if bytes.len() > UNSOLICITED_BYTES_MAX {
            self.unsolicited_dropped += 1;
            return;
        }
        while self.unsolicited.len() == UNSOLICITED_MAX
            || self.unsolicited_bytes + bytes.len() > UNSOLICITED_BYTES_MAX
        {
            let Some(_) = self.pop_unsolicited() else { break };
            self.unsolicited_dropped += 1;
        }
        self.unsolicited_bytes += bytes.len();
        self.unsolicited.push_back((from, bytes));
    }

    /// The oldest kept message.
    pub fn pop_unsolicited(&mut self) -> Option<(SocketAddr, Vec<u8>)> {
        let (from, bytes) = self.unsolicited.pop_front()?;
        self.unsolicited_bytes -= bytes.len();
        Some((from, bytes))
    }

    /// The bytes kept now.
    pub fn unsolicited_bytes(&self) -> usize {
        self.unsolicited_bytes
    }
}
