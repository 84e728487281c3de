//! Operations on addresses as values (see [`rtnl::ops`](crate::rtnl::ops)).

use super::{AddrHeader, AddrSpec, Address};
use crate::engine::{Request, Stream};
use crate::error::Result;
use crate::rtnl::ops::ack;
use crate::rtnl::uapi::*;
use nlkit_wire::{Flags, Message, MessageBuilder};

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
