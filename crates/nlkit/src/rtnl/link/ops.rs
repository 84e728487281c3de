//! Operations on links as values (see [`rtnl::ops`](crate::rtnl::ops)).

use super::{Link, LinkFilter, LinkId, LinkSpec};
use crate::engine::{Request, Stream};
use crate::error::Result;
use crate::rtnl::ops::ack;
use crate::rtnl::uapi::*;
use nlkit_wire::{Flags, Message, MessageBuilder};

/// Dumps the links that pass `filter`, calling `f` with each.
pub fn link_dump<'a, F>(filter: &'a LinkFilter<'a>, mut f: F) -> impl Request<Output = ()> + 'a
where
    F: FnMut(&Link<'_>) -> Result<()> + 'a,
{
    let each = move |m: Message<'_>| {
        let link = Link::parse(&m)?;
        if filter.matches(&link) {
            f(&link)?;
        }
        Ok(())
    };
    Stream {
        message_type: RTM_GETLINK,
        flags: Flags::DUMP,
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| filter.emit(b),
        each,
    }
}

/// Gets one link, by index or name: one reply, no ACK.
pub fn link_get<'a, F>(id: LinkId<'a>, mut f: F) -> impl Request<Output = ()> + 'a
where
    F: FnMut(&Link<'_>) -> Result<()> + 'a,
{
    Stream {
        message_type: RTM_GETLINK,
        flags: Flags::empty(),
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| id.emit(b),
        each: move |m: Message<'_>| f(&Link::parse(&m)?),
    }
}

/// Creates a link (`NLM_F_CREATE | NLM_F_EXCL`).
pub fn link_add(spec: &LinkSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_NEWLINK, Flags::CREATE | Flags::EXCL, Box::new(|b| spec.emit(b)))
}

/// Changes an existing link, named by `spec.index` (or `spec.name`).
pub fn link_set(spec: &LinkSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_NEWLINK, Flags::empty(), Box::new(|b| spec.emit(b)))
}

/// Deletes a link.
pub fn link_del(id: LinkId<'_>) -> impl Request<Output = ()> + '_ {
    ack(RTM_DELLINK, Flags::empty(), Box::new(move |b| id.emit(b)))
}
