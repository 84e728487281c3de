//! The engine state shared by the blocking and async connections: the
//! request buffer, sequence numbers, the receive buffer, a queue of
//! unsolicited datagrams, and the sequence of an abandoned exchange whose
//! late replies are skipped.

use super::exchange::{Exchange, Step};
use crate::error::{Error, Result};
use crate::socket::{RecvBuf, SocketAddr};
use nlkit_wire::{Flags, MessageBuilder, MessageType, Messages};
use std::collections::VecDeque;

/// The most unsolicited datagrams kept for [`super::Conn::take_unsolicited`].
const UNSOLICITED_MAX: usize = 1024;

#[derive(Debug)]
pub(crate) struct Core {
    pub request: Vec<u8>,
    pub recv: RecvBuf,
    pub port: u32,
    pub peer: u32,
    next_seq: u32,
    stale: Option<u32>,
    pub unsolicited: VecDeque<(SocketAddr, Vec<u8>)>,
    /// Unsolicited datagrams pushed out of the full queue.
    pub unsolicited_dropped: u64,
}

impl Core {
    pub fn new(port: u32) -> Self {
        Core {
            request: Vec::with_capacity(4096),
            recv: RecvBuf::new(),
            port,
            peer: 0,
            next_seq: 1,
            stale: None,
            unsolicited: VecDeque::new(),
            unsolicited_dropped: 0,
        }
    }

    /// Builds a request into the request buffer with the next sequence number
    /// and this socket's port id; `NLM_F_REQUEST` is added.
    pub fn build(
        &mut self,
        message_type: u16,
        flags: Flags,
        build: impl FnOnce(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>,
    ) -> Result<Exchange> {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1).max(1);
        self.request.clear();
        let header = nlkit_wire::Header {
            message_type: MessageType::from(message_type),
            flags: flags | Flags::REQUEST,
            sequence: seq,
            port: self.port,
        };
        let mut b = MessageBuilder::new(&mut self.request, header)?;
        build(&mut b)?;
        let _ = b.finish();
        Ok(Exchange::new(seq, self.port, header.flags))
    }

    /// Gives the request in the buffer a fresh sequence number (for a retry).
    pub fn renumber(&mut self, exchange: &Exchange) -> Exchange {
        let seq = self.next_seq;
        self.next_seq = self.next_seq.wrapping_add(1).max(1);
        let mut msg = nlkit_wire::MessageBuffer::new_unchecked(&mut self.request[..]);
        msg.set_sequence(seq);
        Exchange::new(seq, exchange.port, msg.flags())
    }

    /// Handles the datagram now in the receive buffer for `exchange`.
    pub fn on_datagram(
        &mut self,
        exchange: &mut Exchange,
        handler: &mut dyn FnMut(nlkit_wire::Message<'_>) -> Result<()>,
        handler_error: &mut Option<Error>,
    ) -> Result<Step> {
        let from = self.recv.from();
        if from.groups != 0 || from.port != self.peer {
            self.keep_unsolicited(from);
            return Ok(Step::More);
        }
        if self.is_stale() {
            return Ok(Step::More);
        }
        let step = exchange.feed(self.recv.bytes(), &self.request, handler, handler_error);
        if !matches!(step, Ok(Step::More)) {
            self.stale = None;
        }
        match step {
            // Replies may still be on their way: skip them next time.
            Err(ref e) if !matches!(e, Error::Kernel(_)) => self.stale = Some(exchange.seq),
            _ => {}
        }
        step
    }

    /// Whether the datagram in the buffer belongs to an abandoned exchange.
    fn is_stale(&self) -> bool {
        let Some(stale) = self.stale else {
            return false;
        };
        matches!(Messages::new(self.recv.bytes()).next(), Some(Ok(m)) if m.sequence() == stale)
    }

    fn keep_unsolicited(&mut self, from: SocketAddr) {
        if self.unsolicited.len() == UNSOLICITED_MAX {
            self.unsolicited.pop_front();
            self.unsolicited_dropped += 1;
        }
        self.unsolicited.push_back((from, self.recv.bytes().to_vec()));
    }
}
