//! Operations on routes as values (see [`rtnl::ops`](crate::rtnl::ops)).

use super::{Route, RouteDumpSummary, RouteFilter, RouteQuery, RouteSpec};
use crate::engine::{Get, Request};
use crate::error::Result;
use crate::rtnl::ops::ack;
use crate::rtnl::uapi::*;
use nlkit_wire::{Error as WireError, Flags, Message, MessageBuilder};

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

/// Asks the kernel which route `query` would take (`ip route get`): one
/// reply, read by `f`.
pub fn route_get<'a, R: 'a, F>(query: &'a RouteQuery, mut f: F) -> impl Request<Output = R> + 'a
where
    F: FnMut(&Route<'_>) -> Result<R> + 'a,
{
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| query.emit(b);
    Get::new(RTM_GETROUTE, body, move |m: Message<'_>| Route::parse_with(&m, &mut f)?)
}
