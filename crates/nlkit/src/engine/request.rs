//! Operations as values: a [`Request`] says what to send and what to make
//! of the replies, and one runner on each front end runs it
//! ([`Conn::run`](super::Conn::run), and `AsyncConn::run` with the `tokio`
//! feature), so every operation exists sync and async by construction.
//!
//! Families make their operations as values (`route::ops`: `link_add`,
//! `route_dump`, ...); the generic shapes here cover most: [`Ack`] (a
//! change the kernel acknowledges), [`Stream`] (replies as they come: a
//! dump) and [`Get`] (one reply made into a value; none is
//! [`Error::NoReply`]).

use crate::error::{Error, Result};
use nlkit_wire::{Error as WireError, Flags, Message, MessageBuilder};

/// One operation: the request it sends, and what it makes of the replies.
pub trait Request {
    /// What running it gives.
    type Output;
    /// The request's `nlmsg_type`.
    fn message_type(&self) -> u16;
    /// Its flags (`NLM_F_REQUEST` is added by the runner).
    fn flags(&self) -> Flags;
    /// Writes the request's body after its header.
    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>;
    /// Takes one data reply (not ACK, error or `DONE`, which the runner
    /// reads). The default ignores it.
    fn reply(&mut self, msg: Message<'_>) -> Result<()> {
        let _ = msg;
        Ok(())
    }
    /// The result, once the exchange ended well.
    fn finish(self) -> Result<Self::Output>;
}

/// A change the kernel acknowledges (`NLM_F_ACK` is added): `body` writes
/// the request after its header; data replies (`NLM_F_ECHO`) are ignored.
#[derive(Debug, Clone, Copy)]
pub struct Ack<B> {
    /// The message type.
    pub message_type: u16,
    /// Its flags (`NLM_F_CREATE`, `NLM_F_EXCL`, ...).
    pub flags: Flags,
    /// What writes the body.
    pub body: B,
}

impl<B> Request for Ack<B>
where
    B: Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>,
{
    type Output = ();

    fn message_type(&self) -> u16 {
        self.message_type
    }

    fn flags(&self) -> Flags {
        self.flags | Flags::ACK
    }

    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        (self.body)(b)
    }

    fn finish(self) -> Result<()> {
        Ok(())
    }
}

/// A request whose data replies go to `each` as they come, in constant
/// memory: a dump (`flags: Flags::DUMP`), or a get (no flags: one reply).
#[derive(Debug, Clone, Copy)]
pub struct Stream<B, E> {
    /// The message type.
    pub message_type: u16,
    /// Its flags (`NLM_F_DUMP` for a dump).
    pub flags: Flags,
    /// What writes the body (the family header, filter attributes).
    pub body: B,
    /// What takes each reply.
    pub each: E,
}

impl<B, E> Request for Stream<B, E>
where
    B: Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>,
    E: FnMut(Message<'_>) -> Result<()>,
{
    type Output = ();

    fn message_type(&self) -> u16 {
        self.message_type
    }

    fn flags(&self) -> Flags {
        self.flags
    }

    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        (self.body)(b)
    }

    fn reply(&mut self, msg: Message<'_>) -> Result<()> {
        (self.each)(msg)
    }

    fn finish(self) -> Result<()> {
        Ok(())
    }
}

/// A get: one reply, made into a value by `read`; an exchange that ends
/// without one is [`Error::NoReply`]. Replies after the first are ignored.
#[derive(Debug, Clone, Copy)]
pub struct Get<B, F, R> {
    /// The message type.
    pub message_type: u16,
    /// Its flags (usually none: no dump, no ACK).
    pub flags: Flags,
    /// What writes the body.
    pub body: B,
    /// What reads the reply.
    pub read: F,
    /// The value, once read.
    pub out: Option<R>,
}

impl<B, F, R> Get<B, F, R>
where
    B: Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>,
    F: FnMut(Message<'_>) -> Result<R>,
{
    /// A get of `message_type` with `body`, read by `read`.
    pub fn new(message_type: u16, body: B, read: F) -> Self {
        Get { message_type, flags: Flags::empty(), body, read, out: None }
    }
}

impl<B, F, R> Request for Get<B, F, R>
where
    B: Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>,
    F: FnMut(Message<'_>) -> Result<R>,
{
    type Output = R;

    fn message_type(&self) -> u16 {
        self.message_type
    }

    fn flags(&self) -> Flags {
        self.flags
    }

    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        (self.body)(b)
    }

    fn reply(&mut self, msg: Message<'_>) -> Result<()> {
        if self.out.is_none() {
            self.out = Some((self.read)(msg)?);
        }
        Ok(())
    }

    fn finish(self) -> Result<R> {
        self.out.ok_or(Error::NoReply { message_type: self.message_type })
    }
}
