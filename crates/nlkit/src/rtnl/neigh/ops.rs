//! Operations on neighbours as values (see [`rtnl::ops`](crate::rtnl::ops)).

use super::{NeighFilter, NeighHeader, NeighSpec, Neighbour};
use crate::engine::{Get, Request, Stream};
use crate::error::Result;
use crate::rtnl::ops::ack;
use crate::rtnl::uapi::*;
use nlkit_wire::{Flags, Message, MessageBuilder};

/// Dumps the neighbours of `family` that pass `filter`, calling `f` with each.
pub fn neigh_dump<'a, F>(
    family: u8,
    filter: &'a NeighFilter,
    mut f: F,
) -> impl Request<Output = ()> + 'a
where
    F: FnMut(&Neighbour<'_>) -> Result<()> + 'a,
{
    Stream {
        message_type: RTM_GETNEIGH,
        flags: Flags::DUMP,
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| filter.emit(family, b),
        each: move |m: Message<'_>| f(&Neighbour::parse(&m)?),
    }
}

/// Gets the entry for `dst` on device `ifindex` (a proxy entry if
/// `proxy`; its `ifindex` may be 0): one reply, read by `f`. A missing
/// entry is an `ENOENT` [`Error::Kernel`](crate::Error::Kernel).
pub fn neigh_get<'a, R: 'a, F>(
    ifindex: i32,
    dst: &'a std::net::IpAddr,
    proxy: bool,
    mut f: F,
) -> impl Request<Output = R> + 'a
where
    F: FnMut(&Neighbour<'_>) -> Result<R> + 'a,
{
    let flags = if proxy { NTF_PROXY as u8 } else { 0 };
    let family = crate::rtnl::family_of(dst);
    let header = NeighHeader { family, ifindex, flags, ..Default::default() };
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&header.to_bytes())?;
        b.attr(NDA_DST, &crate::rtnl::addr_bytes(dst))
    };
    Get::new(RTM_GETNEIGH, body, move |m: Message<'_>| f(&Neighbour::parse(&m)?))
}

/// Adds an entry (`NLM_F_CREATE | NLM_F_EXCL`).
pub fn neigh_add(spec: &NeighSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_NEWNEIGH, Flags::CREATE | Flags::EXCL, Box::new(|b| spec.emit(b)))
}

/// Adds an entry or replaces the one there (`NLM_F_CREATE | NLM_F_REPLACE`).
pub fn neigh_replace(spec: &NeighSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_NEWNEIGH, Flags::CREATE | Flags::REPLACE, Box::new(|b| spec.emit(b)))
}

/// Changes an existing entry (`NLM_F_REPLACE`).
pub fn neigh_change(spec: &NeighSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_NEWNEIGH, Flags::REPLACE, Box::new(|b| spec.emit(b)))
}

/// Deletes the entry for `spec`'s device and destination.
pub fn neigh_del(spec: &NeighSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_DELNEIGH, Flags::empty(), Box::new(|b| spec.emit(b)))
}
