//! The sans-IO reader every subscription front end shares: one received
//! datagram in, its [`Item`]s out.

use super::{Framing, Sender, Source, Unit};
use crate::error::Error;
use crate::socket::RecvBuf;
use nlkit_wire::{MessageType, Messages};

/// One thing a subscription yields.
#[derive(Debug)]
pub enum Item<E> {
    /// An event, with the group its datagram arrived on (when known).
    Event {
        /// The multicast group (`NETLINK_PKTINFO`).
        group: Option<u32>,
        /// The event.
        event: E,
    },
    /// Notifications were lost (`ENOBUFS`, or an `NLMSG_OVERRUN`): read
    /// the state afresh (a dump), then keep reading.
    Overrun,
    /// A datagram from a sender the source does not admit; not read.
    Refused {
        /// The sender.
        sender: Sender,
        /// Why the source refused it.
        reason: &'static str,
    },
    /// A message that did not read; the rest of the datagram is read
    /// on (unless its framing broke).
    Malformed(Error),
}

/// What a subscription has seen so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Datagrams received.
    pub datagrams: u64,
    /// Events yielded.
    pub events: u64,
    /// Overruns (each may have lost any number of notifications).
    pub overruns: u64,
    /// Datagrams refused by the source.
    pub refused: u64,
    /// Messages or datagrams that did not read.
    pub malformed: u64,
}

/// The items of one datagram (or the one overrun), read lazily.
#[derive(Debug)]
pub struct Batch<'a, S: Source> {
    source: &'a S,
    counts: &'a mut Counts,
    group: Option<u32>,
    bytes: &'a [u8],
    state: State<'a>,
}

#[derive(Debug)]
enum State<'a> {
    Messages(Messages<'a>),
    Datagram(&'a [u8]),
    Overrun,
    Refused(Sender, &'static str),
    Done,
}

impl<'a, S: Source> Batch<'a, S> {
    /// The items of the datagram in `buf`, counted in `counts`: what the
    /// subscriptions use, and a way to replay recorded datagrams
    /// (put back with [`RecvBuf::set`]) through any source.
    pub fn read(source: &'a S, counts: &'a mut Counts, buf: &'a RecvBuf) -> Self {
        counts.datagrams += 1;
        let sender = Sender {
            port: buf.from().port,
            group: buf.group(),
            credentials: buf.credentials(),
            control_truncated: buf.control_truncated(),
        };
        let state = match source.admit(&sender) {
            Err(reason) => {
                counts.refused += 1;
                State::Refused(sender, reason)
            }
            Ok(()) => match source.framing() {
                Framing::Messages => State::Messages(buf.messages()),
                Framing::Datagram => State::Datagram(buf.bytes()),
            },
        };
        Batch { source, counts, group: sender.group, bytes: buf.bytes(), state }
    }

    /// The items of a recorded datagram (a capture file's,
    /// [`crate::capture`]): decoded as [`read`](Self::read) decodes,
    /// without the sender check, which was made when it was received
    /// (a file keeps no credentials to check again).
    pub fn replay(source: &'a S, counts: &'a mut Counts, bytes: &'a [u8]) -> Self {
        counts.datagrams += 1;
        let state = match source.framing() {
            Framing::Messages => State::Messages(Messages::new(bytes)),
            Framing::Datagram => State::Datagram(bytes),
        };
        Batch { source, counts, group: None, bytes, state }
    }

    /// The one item of an overrun.
    pub(crate) fn overrun(source: &'a S, counts: &'a mut Counts) -> Self {
        counts.overruns += 1;
        Batch { source, counts, group: None, bytes: &[], state: State::Overrun }
    }

    /// The datagram as received (empty for an overrun): what a recorder
    /// writes to a capture file ([`crate::capture`]).
    pub fn datagram(&self) -> &'a [u8] {
        self.bytes
    }

    /// The group the datagram arrived on.
    pub fn group(&self) -> Option<u32> {
        self.group
    }

    fn event(&mut self, unit: Unit<'a>) -> Item<S::Event<'a>> {
        match self.source.decode(unit) {
            Ok(event) => {
                self.counts.events += 1;
                Item::Event { group: self.group, event }
            }
            Err(e) => {
                self.counts.malformed += 1;
                Item::Malformed(e)
            }
        }
    }
}

impl<'a, S: Source> Iterator for Batch<'a, S> {
    type Item = Item<S::Event<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Done => None,
            State::Overrun => Some(Item::Overrun),
            State::Refused(sender, reason) => Some(Item::Refused { sender, reason }),
            State::Datagram(bytes) => Some(self.event(Unit::Datagram(bytes))),
            State::Messages(mut messages) => {
                let item = match messages.next()? {
                    Err(e) => {
                        // The framing broke: nothing after it can be read.
                        self.counts.malformed += 1;
                        return Some(Item::Malformed(e.into()));
                    }
                    Ok(m) if m.message_type() == MessageType::Overrun => {
                        self.counts.overruns += 1;
                        Item::Overrun
                    }
                    Ok(m) => self.event(Unit::Message(m)),
                };
                self.state = State::Messages(messages);
                Some(item)
            }
        }
    }
}
