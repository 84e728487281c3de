//! XFRM events as a subscription source (`nlkit::sub`): the groups asked
//! for (`XFRMNLGRP_SA`, `_POLICY`, `_EXPIRE`, `_ACQUIRE`), from the kernel
//! only, read into typed [`Event`]s; messages of other types are kept.

use super::structs::UsersaFlush;
use super::*;
use crate::error::Result;

/// An XFRM event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `XFRM_MSG_NEWSA`.
    NewSa(Box<Sa>),
    /// `XFRM_MSG_UPDSA`.
    UpdSa(Box<Sa>),
    /// `XFRM_MSG_DELSA`.
    DelSa(Box<Sa>),
    /// `XFRM_MSG_EXPIRE`: the SA, and whether its hard limit was hit.
    ExpireSa(Box<Sa>, bool),
    /// `XFRM_MSG_FLUSHSA`: the protocol flushed (0: all).
    FlushSa(u8),
    /// `XFRM_MSG_NEWPOLICY`.
    NewPolicy(Box<Policy>),
    /// `XFRM_MSG_UPDPOLICY`.
    UpdPolicy(Box<Policy>),
    /// `XFRM_MSG_DELPOLICY`.
    DelPolicy(Box<Policy>),
    /// `XFRM_MSG_POLEXPIRE`: the policy, and whether hard.
    ExpirePolicy(Box<Policy>, bool),
    /// `XFRM_MSG_FLUSHPOLICY`: the policy type flushed, if the flush named
    /// one (`XFRMA_POLICY_TYPE`).
    FlushPolicy(Option<u8>),
    /// Any other message (an acquire, a report, a mapping): its type and payload.
    Other(u16, Vec<u8>),
}

/// The groups to follow; all four by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Events {
    /// `XFRMNLGRP_SA`: SAs made, changed, deleted, flushed.
    pub sa: bool,
    /// `XFRMNLGRP_POLICY`: policies made, changed, deleted, flushed.
    pub policy: bool,
    /// `XFRMNLGRP_EXPIRE`: SA and policy expiries.
    pub expire: bool,
    /// `XFRMNLGRP_ACQUIRE`: the kernel asking for an SA (kept raw).
    pub acquire: bool,
}

impl Default for Events {
    fn default() -> Self {
        Events { sa: true, policy: true, expire: true, acquire: true }
    }
}

/// Reads one message as an event.
pub fn decode(message_type: u16, payload: &[u8]) -> Result<Event> {
    Ok(match message_type {
        XFRM_MSG_NEWSA => Event::NewSa(Box::new(Sa::parse_payload(payload)?)),
        XFRM_MSG_UPDSA => Event::UpdSa(Box::new(Sa::parse_payload(payload)?)),
        XFRM_MSG_DELSA => Event::DelSa(Box::new(Sa::parse_deleted(payload)?)),
        XFRM_MSG_EXPIRE => {
            let (sa, hard) = Sa::parse_expired(payload)?;
            Event::ExpireSa(Box::new(sa), hard)
        }
        XFRM_MSG_FLUSHSA => Event::FlushSa(UsersaFlush::parse(payload)?.proto),
        XFRM_MSG_NEWPOLICY => Event::NewPolicy(Box::new(Policy::parse_payload(payload)?)),
        XFRM_MSG_UPDPOLICY => Event::UpdPolicy(Box::new(Policy::parse_payload(payload)?)),
        XFRM_MSG_DELPOLICY => Event::DelPolicy(Box::new(Policy::parse_deleted(payload)?)),
        XFRM_MSG_POLEXPIRE => {
            let (p, hard) = Policy::parse_expired(payload)?;
            Event::ExpirePolicy(Box::new(p), hard)
        }
        XFRM_MSG_FLUSHPOLICY => Event::FlushPolicy(flushed_ptype(payload)?),
        t => Event::Other(t, payload.to_vec()),
    })
}

/// A policy flush's `XFRMA_POLICY_TYPE` (its attributes start at once:
/// the message has no fixed header).
fn flushed_ptype(payload: &[u8]) -> Result<Option<u8>> {
    let Some(a) = nlkit_wire::Attrs::new(payload).find(XFRMA_POLICY_TYPE)? else {
        return Ok(None);
    };
    Ok(Some(super::structs::UserpolicyType::parse(a.payload())?.ptype))
}

impl crate::sub::Source for Events {
    type Event<'a> = Event;

    fn protocol(&self) -> crate::Protocol {
        crate::Protocol::XFRM
    }

    fn groups(&self) -> Vec<u32> {
        [
            (self.sa, XFRMNLGRP_SA),
            (self.policy, XFRMNLGRP_POLICY),
            (self.expire, XFRMNLGRP_EXPIRE),
            (self.acquire, XFRMNLGRP_ACQUIRE),
        ]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, g)| g)
        .collect()
    }

    fn admit(&self, sender: &crate::sub::Sender) -> std::result::Result<(), &'static str> {
        match sender.port {
            0 => Ok(()),
            _ => Err("not from the kernel (port id is not 0)"),
        }
    }

    fn decode<'a>(&self, unit: crate::sub::Unit<'a>) -> Result<Event> {
        match unit {
            crate::sub::Unit::Message(m) => decode(u16::from(m.message_type()), m.payload()),
            crate::sub::Unit::Datagram(d) => Ok(Event::Other(0, d.to_vec())),
        }
    }
}
