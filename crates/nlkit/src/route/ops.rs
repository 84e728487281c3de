//! rtnetlink operations as values ([`Request`]s): each `Conn` method of
//! the object modules runs one of these, and the same values run on
//! `AsyncConn` (feature `tokio`), so every operation is there sync and
//! async alike:
//!
//! ```no_run
//! use nlkit::route::{link::LinkFilter, ops};
//! use nlkit::{Conn, Protocol};
//!
//! let mut conn = Conn::open(Protocol::ROUTE)?;
//! let filter = LinkFilter::default();
//! conn.run(ops::link_dump(&filter, |l| {
//!     println!("{:?}", l.name);
//!     Ok(())
//! }))?;
//! # Ok::<(), nlkit::Error>(())
//! ```

use super::addr::{AddrHeader, AddrSpec, Address};
use super::link::{Link, LinkFilter, LinkId};
use super::link_spec::LinkSpec;
use super::neigh::{NeighFilter, NeighHeader, NeighSpec, Neighbour};
use super::route::{Route, RouteDumpSummary, RouteFilter, RouteQuery, RouteSpec};
use super::rule::{Rule, RuleHeader, RuleSpec};
use super::uapi::*;
use crate::engine::{Ack, Get, Request, Stream};
use crate::error::Result;
use nlkit_wire::{Error as WireError, Flags, Message, MessageBuilder};

/// What writes a request's body.
type Body<'a> = Box<dyn Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> + 'a>;

fn ack<'a>(message_type: u16, flags: Flags, body: Body<'a>) -> Ack<Body<'a>> {
    Ack { message_type, flags, body }
}

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

/// Dumps the addresses of `family` (`AF_UNSPEC`: all), of interface
/// `index` only unless it is 0, calling `f` with each.
pub fn addr_dump<'a, F>(family: u8, index: u32, mut f: F) -> impl Request<Output = ()> + 'a
where
    F: FnMut(&Address<'_>) -> Result<()> + 'a,
{
    let header = AddrHeader { family, index, ..AddrHeader::default() };
    let each = move |m: Message<'_>| {
        let a = Address::parse(&m)?;
        if index == 0 || a.header.index == index {
            f(&a)?;
        }
        Ok(())
    };
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(&header.to_bytes());
    Stream { message_type: RTM_GETADDR, flags: Flags::DUMP, body, each }
}

/// Adds an address (`NLM_F_CREATE | NLM_F_EXCL`).
pub fn addr_add(spec: &AddrSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_NEWADDR, Flags::CREATE | Flags::EXCL, Box::new(|b| spec.emit(b)))
}

/// Adds an address or changes the one there (`NLM_F_CREATE | NLM_F_REPLACE`).
pub fn addr_replace(spec: &AddrSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_NEWADDR, Flags::CREATE | Flags::REPLACE, Box::new(|b| spec.emit(b)))
}

/// Deletes the address `spec` names.
pub fn addr_del(spec: &AddrSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_DELADDR, Flags::empty(), Box::new(|b| spec.emit_del(b)))
}

/// A route dump: the routes `filter` selects go to the callback; the
/// output counts what came and what passed.
pub struct RouteDump<'a, F> {
    filter: &'a RouteFilter,
    check: bool,
    f: F,
    sum: RouteDumpSummary,
}

/// Dumps the routes `filter` selects, calling `f` with each, in constant
/// memory (see [`Conn::route_dump`](crate::Conn::route_dump)).
pub fn route_dump<F>(filter: &RouteFilter, f: F) -> RouteDump<'_, F>
where
    F: FnMut(&Route<'_>) -> Result<()>,
{
    RouteDump { filter, check: !filter.is_trivial(), f, sum: RouteDumpSummary::default() }
}

impl<F> Request for RouteDump<'_, F>
where
    F: FnMut(&Route<'_>) -> Result<()>,
{
    type Output = RouteDumpSummary;

    fn message_type(&self) -> u16 {
        RTM_GETROUTE
    }

    fn flags(&self) -> Flags {
        Flags::DUMP
    }

    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        self.filter.emit(b)
    }

    fn reply(&mut self, m: Message<'_>) -> Result<()> {
        let RouteDump { filter, check, f, sum } = self;
        sum.received += 1;
        sum.kernel_filtered += m.flags().contains(Flags::DUMP_FILTERED) as usize;
        Route::parse_with(&m, |r| {
            if (*check && filter.matches(r)) || (!*check && !r.has_flag(RTM_F_CLONED)) {
                sum.delivered += 1;
                f(r)?;
            }
            Ok(())
        })?
    }

    fn finish(self) -> Result<RouteDumpSummary> {
        Ok(self.sum)
    }
}

/// Adds a route (`NLM_F_CREATE | NLM_F_EXCL`, as `ip route add`).
pub fn route_add(spec: &RouteSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_NEWROUTE, Flags::CREATE | Flags::EXCL, Box::new(|b| spec.emit(b)))
}

/// Adds a route or replaces the one with its key (`ip route replace`).
pub fn route_replace(spec: &RouteSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_NEWROUTE, Flags::CREATE | Flags::REPLACE, Box::new(|b| spec.emit(b)))
}

/// Adds a route after those with its key (`ip route append`).
pub fn route_append(spec: &RouteSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_NEWROUTE, Flags::CREATE | Flags::APPEND, Box::new(|b| spec.emit(b)))
}

/// Deletes the first route matching `spec` (as `ip route del`).
pub fn route_del(spec: &RouteSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_DELROUTE, Flags::empty(), Box::new(|b| spec.emit_del(b)))
}

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
    let family = super::family_of(dst);
    let header = NeighHeader { family, ifindex, flags, ..Default::default() };
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&header.to_bytes())?;
        b.attr(NDA_DST, &super::addr_bytes(dst))
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

/// Dumps the rules of `family` (`AF_UNSPEC` for all), calling `f` with each.
pub fn rule_dump<'a, F>(family: u8, mut f: F) -> impl Request<Output = ()> + 'a
where
    F: FnMut(&Rule<'_>) -> Result<()> + 'a,
{
    let header = RuleHeader { family, ..RuleHeader::default() };
    Stream {
        message_type: RTM_GETRULE,
        flags: Flags::DUMP,
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(&header.to_bytes()),
        each: move |m: Message<'_>| f(&Rule::parse(&m)?),
    }
}

/// Asks the kernel which route `query` would take (`ip route get`): one
/// reply, read by `f`.
pub fn route_get<'a, R: 'a, F>(query: &'a RouteQuery, mut f: F) -> impl Request<Output = R> + 'a
where
    F: FnMut(&Route<'_>) -> Result<R> + 'a,
{
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| query.emit(b);
    Get::new(RTM_GETROUTE, body, move |m: Message<'_>| Route::parse_with(&m, &mut f)?)
}

/// Adds a rule (`NLM_F_CREATE | NLM_F_EXCL`).
pub fn rule_add(spec: &RuleSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_NEWRULE, Flags::CREATE | Flags::EXCL, Box::new(|b| spec.emit(b)))
}

/// Deletes the first rule matching `spec` (see [`RuleSpec::selects`]).
pub fn rule_del(spec: &RuleSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_DELRULE, Flags::empty(), Box::new(|b| spec.emit(b)))
}
