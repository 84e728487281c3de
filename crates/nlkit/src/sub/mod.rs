//! Subscriptions: events from the kernel (or any sender) on multicast
//! groups, for any family, sync or async, and waiting on several at once.
//!
//! A family describes an event stream as a [`Source`]: the protocol, the
//! groups to join, the socket options it needs (`NETLINK_PKTINFO` to know
//! each datagram's group, `SO_PASSCRED` where the sender must be checked),
//! which senders it admits, and how one message (or, for sources that do
//! not frame their datagrams as netlink messages, one datagram) reads as an
//! event. The rest is shared:
//!
//! - [`Subscription`] (blocking) and `AsyncSubscription` (feature `tokio`)
//!   open and configure the socket and yield each datagram's [`Item`]s
//!   through the same sans-IO reader, [`Batch`].
//! - A lost notification (`ENOBUFS`: the socket's queue overflowed) is an
//!   [`Item::Overrun`] in the stream, not an error that ends it: the
//!   caller resynchronises (a fresh dump) and keeps reading.
//! - A datagram from a sender the source does not admit is an
//!   [`Item::Refused`], counted, its bytes never read; a message that does
//!   not read is an [`Item::Malformed`], and the next one is read.
//! - [`wait_any`] blocks until any of several subscriptions (or other
//!   descriptors) has something, so no source waits behind another; with
//!   tokio, `tokio::select!` over their `recv()` does the same.
//!
//! Memory is bounded by one datagram per subscription (the receive
//! buffer, reused), and the kernel's socket queue
//! ([`Socket::set_recv_buffer_size`]).

mod batch;
mod sync;
#[cfg(feature = "tokio")]
mod tokio;

pub use batch::{Batch, Counts, Item};
pub use sync::{wait_any, Subscription};
#[cfg(feature = "tokio")]
pub use tokio::AsyncSubscription;

use crate::error::Result;
use crate::socket::{Credentials, Protocol, Socket};
use nlkit_wire::Message;

/// How a source's datagrams are framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Netlink messages (`nlmsghdr` each): each is one event.
    Messages,
    /// One event per datagram, framed its own way (kobject uevents).
    Datagram,
}

/// What [`Source::decode`] reads: one message, or one whole datagram.
#[derive(Debug, Clone, Copy)]
pub enum Unit<'a> {
    /// A netlink message ([`Framing::Messages`]).
    Message(Message<'a>),
    /// A datagram's bytes ([`Framing::Datagram`]).
    Datagram(&'a [u8]),
}

/// Who sent a datagram, as the socket reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sender {
    /// The sender's port id: 0 for the kernel.
    pub port: u32,
    /// The group it was sent to (`NETLINK_PKTINFO`), when known.
    pub group: Option<u32>,
    /// The sender's credentials (`SO_PASSCRED`), when asked for.
    pub credentials: Option<Credentials>,
    /// Control messages were cut (`MSG_CTRUNC`): `group` and
    /// `credentials` may be missing for that reason alone.
    pub control_truncated: bool,
}

/// An event stream of a family; see the module docs.
pub trait Source {
    /// An event, borrowing the datagram it was read from.
    type Event<'a>;

    /// The netlink protocol.
    fn protocol(&self) -> Protocol;

    /// The multicast groups to join (ids of any size: joined with
    /// `NETLINK_ADD_MEMBERSHIP`).
    fn groups(&self) -> Vec<u32>;

    /// How datagrams are framed (default: netlink messages).
    fn framing(&self) -> Framing {
        Framing::Messages
    }

    /// Whether to ask for each sender's credentials (`SO_PASSCRED`).
    fn credentials(&self) -> bool {
        false
    }

    /// Whether a datagram from `sender` is read at all: `Err(reason)`
    /// refuses it. The default admits every sender, except that a source
    /// that asked for credentials refuses a datagram whose control
    /// messages were cut (`MSG_CTRUNC`): its checks cannot be made.
    fn admit(&self, sender: &Sender) -> std::result::Result<(), &'static str> {
        match self.credentials() && sender.control_truncated {
            true => Err("control messages truncated (MSG_CTRUNC): credentials unknown"),
            false => Ok(()),
        }
    }

    /// Reads one message (or datagram) as an event. Messages of types the
    /// source does not know should become an event of their own (kept),
    /// not an error.
    fn decode<'a>(&self, unit: Unit<'a>) -> Result<Self::Event<'a>>;

    /// Configures a fresh socket: options first, then the groups.
    fn configure(&self, socket: &Socket) -> Result<()> {
        socket.set_pktinfo(true)?;
        if self.credentials() {
            socket.set_passcred(true)?;
        }
        for group in self.groups() {
            socket.add_membership(group)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
