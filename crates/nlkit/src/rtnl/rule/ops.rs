//! Operations on rules as values (see [`rtnl::ops`](crate::rtnl::ops)).

use super::{Rule, RuleHeader, RuleSpec};
use crate::engine::{Request, Stream};
use crate::error::Result;
use crate::rtnl::ops::ack;
use crate::rtnl::uapi::*;
use nlkit_wire::{Flags, Message, MessageBuilder};

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

/// Adds a rule (`NLM_F_CREATE | NLM_F_EXCL`).
pub fn rule_add(spec: &RuleSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_NEWRULE, Flags::CREATE | Flags::EXCL, Box::new(|b| spec.emit(b)))
}

/// Deletes the first rule matching `spec` (see [`RuleSpec::selects`]).
pub fn rule_del(spec: &RuleSpec) -> impl Request<Output = ()> + '_ {
    ack(RTM_DELRULE, Flags::empty(), Box::new(|b| spec.emit_delete(b)))
}
