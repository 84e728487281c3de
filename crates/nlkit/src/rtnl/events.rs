//! rtnetlink notifications: join the groups of the objects to watch and
//! read typed new/delete events.
//!
//! [`Rtnl`] is the [`Source`] of the `RTNLGRP_*` groups of the chosen
//! [`Watch`] kinds, and a [`Monitor`] its [`Subscription`] (or, with tokio,
//! an [`AsyncSubscription`](crate::sub::AsyncSubscription)). Each datagram
//! yields its events in order, with the group they arrived on; messages of
//! other types are kept as [`Event::Other`], never dropped. When the
//! socket's queue overflows the kernel drops notifications and the stream
//! yields [`Item::Overrun`](crate::sub::Item::Overrun): the watcher has
//! missed changes and should resynchronise with a fresh dump, then keep
//! reading.

use super::addr::Address;
use super::link::Link;
use super::neigh::Neighbour;
use super::netconf::Netconf;
use super::route::Route;
use super::rule::Rule;
use super::uapi::*;
use crate::error::{Error, Result};
use crate::socket::Protocol;
use crate::sub::{Source, Subscription, Unit};
use nlkit_wire::{Error as WireError, Message};

/// The kinds of object to watch; each maps to its multicast groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Watch {
    /// Links: `RTNLGRP_LINK`.
    Link,
    /// IPv4 and IPv6 addresses: `RTNLGRP_IPV4_IFADDR`, `RTNLGRP_IPV6_IFADDR`.
    Addr,
    /// IPv4 and IPv6 routes: `RTNLGRP_IPV4_ROUTE`, `RTNLGRP_IPV6_ROUTE`.
    Route,
    /// Neighbours: `RTNLGRP_NEIGH`.
    Neigh,
    /// IPv4 and IPv6 rules: `RTNLGRP_IPV4_RULE`, `RTNLGRP_IPV6_RULE`.
    Rule,
    /// Per-device IP configuration: `RTNLGRP_IPV4_NETCONF`,
    /// `RTNLGRP_IPV6_NETCONF`.
    Netconf,
}

impl Watch {
    /// Every kind.
    pub const ALL: [Watch; 6] =
        [Watch::Link, Watch::Addr, Watch::Route, Watch::Neigh, Watch::Rule, Watch::Netconf];

    /// The groups this kind's notifications are sent to.
    pub fn groups(self) -> &'static [u32] {
        match self {
            Watch::Link => &[RTNLGRP_LINK],
            Watch::Addr => &[RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR],
            Watch::Route => &[RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE],
            Watch::Neigh => &[RTNLGRP_NEIGH],
            Watch::Rule => &[RTNLGRP_IPV4_RULE, RTNLGRP_IPV6_RULE],
            Watch::Netconf => &[RTNLGRP_IPV4_NETCONF, RTNLGRP_IPV6_NETCONF],
        }
    }
}

/// Whether an object appeared (or changed) or went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// `RTM_NEW*`: created or changed.
    New,
    /// `RTM_DEL*`: deleted.
    Del,
}

/// One notification, read without copying.
// A Link view is large (~670 bytes), but events are made and consumed one
// at a time by an iterator: moving one is cheaper than a Box per event.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event<'a> {
    /// `RTM_NEWLINK`/`RTM_DELLINK`.
    Link(Change, Link<'a>),
    /// `RTM_NEWADDR`/`RTM_DELADDR`.
    Addr(Change, Address<'a>),
    /// `RTM_NEWROUTE`/`RTM_DELROUTE`.
    Route(Change, Route<'a>),
    /// `RTM_NEWNEIGH`/`RTM_DELNEIGH`.
    Neigh(Change, Neighbour<'a>),
    /// `RTM_NEWRULE`/`RTM_DELRULE`.
    Rule(Change, Rule<'a>),
    /// `RTM_NEWNETCONF`/`RTM_DELNETCONF`.
    Netconf(Change, Netconf<'a>),
    /// Any other message (a type nlkit does not read here), kept whole.
    Other(Message<'a>),
}

impl<'a> Event<'a> {
    /// Reads one notification message.
    pub fn parse(msg: &Message<'a>) -> Result<Self, WireError> {
        let ty = u16::from(msg.message_type());
        let deleted = matches!(
            ty,
            RTM_DELLINK | RTM_DELADDR | RTM_DELROUTE | RTM_DELNEIGH | RTM_DELRULE | RTM_DELNETCONF
        );
        let change = if deleted { Change::Del } else { Change::New };
        Ok(match ty {
            RTM_NEWLINK | RTM_DELLINK => Event::Link(change, Link::parse(msg)?),
            RTM_NEWADDR | RTM_DELADDR => Event::Addr(change, Address::parse(msg)?),
            RTM_NEWROUTE | RTM_DELROUTE => Event::Route(change, Route::parse(msg)?),
            RTM_NEWNEIGH | RTM_DELNEIGH => Event::Neigh(change, Neighbour::parse(msg)?),
            RTM_NEWRULE | RTM_DELRULE => Event::Rule(change, Rule::parse(msg)?),
            RTM_NEWNETCONF | RTM_DELNETCONF => Event::Netconf(change, Netconf::parse(msg)?),
            _ => Event::Other(*msg),
        })
    }
}

/// rtnetlink notifications of the chosen kinds, as a subscription source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rtnl {
    kinds: Vec<Watch>,
}

impl Rtnl {
    /// The notifications of `kinds`.
    pub fn new(kinds: &[Watch]) -> Self {
        Rtnl { kinds: kinds.to_vec() }
    }

    /// The kinds watched.
    pub fn kinds(&self) -> &[Watch] {
        &self.kinds
    }
}

impl Source for Rtnl {
    type Event<'a> = Event<'a>;

    fn protocol(&self) -> Protocol {
        Protocol::ROUTE
    }

    fn groups(&self) -> Vec<u32> {
        self.kinds.iter().flat_map(|k| k.groups()).copied().collect()
    }

    fn decode<'a>(&self, unit: Unit<'a>) -> Result<Event<'a>> {
        match unit {
            Unit::Message(m) => Ok(Event::parse(&m)?),
            Unit::Datagram(b) => Err(Error::Wire(WireError::Truncated { need: 16, have: b.len() })),
        }
    }
}

/// A subscription to rtnetlink notifications: `Monitor::open(Rtnl::new(&[Watch::Link]))`.
pub type Monitor = Subscription<Rtnl>;
