//! One request's replies, as a state machine fed one message at a time.
//!
//! This is the part of the engine that does no I/O, so the blocking
//! [`Conn`](super::Conn) and the async adapter share it. It checks each
//! reply's port id (0, the kernel's, or this socket's), decodes `NLMSG_ERROR` (ACK or errno with extended ack) and
//! `NLMSG_DONE`, notes `NLM_F_DUMP_INTR`, and hands data messages to the
//! caller. If the caller's handler fails, the remaining replies are still
//! read (and discarded) so the socket stays in step.

use crate::error::{Error, KernelError, Result};
use nlkit_wire::ack::{Ack, Done};
use nlkit_wire::{Flags, Message, MessageType};

/// What a reply to the request ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exchange {
    pub seq: u32,
    port: u32,
    /// The request asked for an ACK (`NLM_F_ACK`).
    ack: bool,
    /// The request is a dump (`NLM_F_DUMP`): only `DONE` (or an error)
    /// ends it, whatever the replies' flags; some families (netdev, on
    /// 6.18) send dump replies without `NLM_F_MULTI`.
    dump: bool,
    /// Messages handed to the handler.
    delivered: usize,
    interrupted: bool,
}

/// Whether more datagrams are needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    More,
    Finished,
}

impl Exchange {
    pub fn new(seq: u32, port: u32, request_flags: Flags) -> Self {
        Exchange {
            seq,
            port,
            ack: request_flags.contains(Flags::ACK),
            dump: request_flags.contains(Flags::DUMP),
            delivered: 0,
            interrupted: false,
        }
    }

    /// Handles one message with this exchange's sequence number (the
    /// caller routed it by sequence; its port id is checked here).
    #[inline]
    pub fn message<H>(
        &mut self,
        msg: &Message<'_>,
        request: &[u8],
        handler: &mut H,
        handler_error: &mut Option<Error>,
    ) -> Result<Step>
    where
        H: FnMut(Message<'_>) -> Result<()> + ?Sized,
    {
        let port = msg.port();
        if self.port != 0 && port != 0 && port != self.port {
            return Err(Error::Port { expected: self.port, got: port });
        }
        let flags = msg.flags();
        self.interrupted |= flags.contains(Flags::DUMP_INTR);
        match msg.message_type() {
            MessageType::Family(_) | MessageType::Reserved(_) => {
                if handler_error.is_none() {
                    self.delivered += 1;
                    if let Err(e) = handler(*msg) {
                        *handler_error = Some(e);
                    }
                }
                let last = !flags.contains(Flags::MULTI) && !self.ack && !self.dump;
                Ok(if last { Step::Finished } else { Step::More })
            }
            MessageType::Noop => Ok(Step::More),
            MessageType::Overrun => Err(Error::Overrun),
            MessageType::Error => {
                let ack = Ack::parse(msg)?;
                if ack.is_ack() {
                    Ok(Step::Finished)
                } else {
                    Err(KernelError::from_ack(&ack, request).into())
                }
            }
            MessageType::Done => {
                let done = Done::parse(msg)?;
                if done.error != 0 {
                    return Err(KernelError::from_ext_ack(done.errno(), &done.ext, request).into());
                }
                Ok(Step::Finished)
            }
        }
    }

    /// Whether [`message`](Self::message) would finish this exchange or
    /// fail on `msg` (one with its sequence number): what a receiver
    /// reading ahead stops after.
    pub fn may_end(&self, msg: &Message<'_>) -> bool {
        let port = msg.port();
        if self.port != 0 && port != 0 && port != self.port {
            return true;
        }
        match msg.message_type() {
            MessageType::Family(_) | MessageType::Reserved(_) => {
                !msg.flags().contains(Flags::MULTI) && !self.ack && !self.dump
            }
            MessageType::Noop => false,
            MessageType::Overrun | MessageType::Error | MessageType::Done => true,
        }
    }

    /// Whether the request is a dump (`NLM_F_DUMP`).
    pub fn is_dump(&self) -> bool {
        self.dump
    }

    /// The outcome once finished: DUMP_INTR becomes an error here, after every
    /// message was delivered.
    pub fn outcome(&self) -> Result<()> {
        if self.interrupted {
            return Err(Error::DumpInterrupted { messages: self.delivered });
        }
        Ok(())
    }
}

/// Checks a reply against its request: the same sequence number, and a port
/// id that is either this socket's or 0 (the kernel's and multicasts'). A
/// `port` of 0 (not known) skips the port check.
pub fn validate(msg: &Message<'_>, seq: u32, port: u32) -> Result<()> {
    if msg.sequence() != seq {
        return Err(Error::Sequence { expected: seq, got: msg.sequence() });
    }
    if port != 0 && msg.port() != 0 && msg.port() != port {
        return Err(Error::Port { expected: port, got: msg.port() });
    }
    Ok(())
}
