//! `mptcp_pm` (generic netlink, `<linux/mptcp.h>`): the in-kernel MPTCP
//! path manager's endpoints (local addresses it may announce or use for
//! subflows) and limits, as `ip mptcp endpoint|limits` manage them. The
//! tables come from the family's YNL spec ([`tables`],
//! `specs/ynl/6.12/mptcp_pm.yaml`).

pub mod tables;

use super::Family;
use crate::engine::{Ack, Get, Request};
use crate::error::{Error, Result};
use crate::genl::GenlMsgHdr;
use nlkit_wire::{Error as WireError, Flags, Message, MessageBuilder};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use tables::*;

/// The family's name, to resolve it.
pub const FAMILY: &str = "mptcp_pm";

/// `MPTCP_PM_ADDR_FLAG_*` (`<linux/mptcp.h>`) with `ip mptcp`'s names, in
/// its order.
pub const FLAG_NAMES: [(u32, &str); 4] =
    [(1, "signal"), (2, "subflow"), (4, "backup"), (8, "fullmesh")];

/// An endpoint: a local address the path manager may announce (`signal`)
/// or open subflows from (`subflow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Endpoint {
    /// The endpoint id (0: the kernel picks one when adding).
    pub id: Option<u8>,
    /// The address.
    pub addr: Option<IpAddr>,
    /// The port (signal endpoints only).
    pub port: Option<u16>,
    /// `MPTCP_PM_ADDR_FLAG_*`.
    pub flags: u32,
    /// The interface index.
    pub ifindex: Option<i32>,
}

impl Endpoint {
    /// Reads the `address` nest of a reply.
    pub fn from_nest(a: &Address<'_>) -> Endpoint {
        let addr = match (a.family.map(|f| f as i32), a.addr4, a.addr6) {
            (Some(libc::AF_INET), Some(v4), _) => Some(Ipv4Addr::from(v4).into()),
            (Some(libc::AF_INET6), _, Some(v6)) => {
                <[u8; 16]>::try_from(v6).ok().map(|b| Ipv6Addr::from(b).into())
            }
            _ => None,
        };
        Endpoint { id: a.id, addr, port: a.port, flags: a.flags.unwrap_or(0), ifindex: a.if_idx }
    }

    /// Writes the `MPTCP_PM_ATTR_ADDR` nest (marked `NLA_F_NESTED`: the
    /// family's policy wants it).
    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        let nest = b.nest(MPTCP_PM_ATTR_ADDR)?;
        if let Some(id) = self.id {
            b.attr_u8(MPTCP_PM_ADDR_ATTR_ID, id)?;
        }
        if self.flags != 0 {
            b.attr_u32(MPTCP_PM_ADDR_ATTR_FLAGS, self.flags)?;
        }
        if let Some(i) = self.ifindex {
            b.attr_i32(MPTCP_PM_ADDR_ATTR_IF_IDX, i)?;
        }
        if let Some(p) = self.port {
            b.attr_u16(MPTCP_PM_ADDR_ATTR_PORT, p)?;
        }
        match self.addr {
            Some(IpAddr::V4(a)) => {
                b.attr_u16(MPTCP_PM_ADDR_ATTR_FAMILY, libc::AF_INET as u16)?;
                b.attr(MPTCP_PM_ADDR_ATTR_ADDR4, &a.octets())?;
            }
            Some(IpAddr::V6(a)) => {
                b.attr_u16(MPTCP_PM_ADDR_ATTR_FAMILY, libc::AF_INET6 as u16)?;
                b.attr(MPTCP_PM_ADDR_ATTR_ADDR6, &a.octets())?;
            }
            None => {}
        }
        b.nest_end(nest)
    }
}

fn header(family: &Family, cmd: u8) -> [u8; 4] {
    GenlMsgHdr { cmd, version: family.version as u8, reserved: 0 }.to_bytes()
}

/// Every endpoint (a dump of `get-addr`).
pub fn endpoints(family: &Family) -> Endpoints<'_> {
    Endpoints { family, found: Vec::new() }
}

/// The request [`endpoints`] makes.
#[derive(Debug)]
pub struct Endpoints<'a> {
    family: &'a Family,
    found: Vec<Endpoint>,
}

impl Request for Endpoints<'_> {
    type Output = Vec<Endpoint>;

    fn message_type(&self) -> u16 {
        self.family.id
    }

    fn flags(&self) -> Flags {
        Flags::DUMP
    }

    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        b.append(&header(self.family, MPTCP_PM_CMD_GET_ADDR))
    }

    fn reply(&mut self, msg: Message<'_>) -> Result<()> {
        let v = Attr::parse(&msg)?;
        let a = v.addr.ok_or(Error::MissingAttr { set: "attr", attr: "MPTCP_PM_ATTR_ADDR" })?;
        self.found.push(Endpoint::from_nest(&a));
        Ok(())
    }

    fn finish(self) -> Result<Vec<Endpoint>> {
        Ok(self.found)
    }
}

/// The endpoint `id` (`get-addr` with the id, as `ip mptcp endpoint show
/// id ID` asks; the kernel refuses an id it has none for: `ENOENT`,
/// "address not found").
pub fn endpoint(family: &Family, id: u8) -> impl Request<Output = Endpoint> + '_ {
    let h = header(family, MPTCP_PM_CMD_GET_ADDR);
    let e = Endpoint { id: Some(id), ..Endpoint::default() };
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&h)?;
        e.emit(b)
    };
    Get::new(family.id, body, |m: Message<'_>| {
        let v = Attr::parse(&m)?;
        let a = v.addr.ok_or(Error::MissingAttr { set: "attr", attr: "MPTCP_PM_ATTR_ADDR" })?;
        Ok(Endpoint::from_nest(&a))
    })
}

/// Adds an endpoint (`add-addr`).
pub fn add(family: &Family, e: Endpoint) -> impl Request<Output = ()> + '_ {
    let h = header(family, MPTCP_PM_CMD_ADD_ADDR);
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&h)?;
        e.emit(b)
    };
    Ack { message_type: family.id, flags: Flags::empty(), body }
}

/// Deletes the endpoint `id` (id 0 also needs its address).
pub fn delete(family: &Family, id: u8, addr: Option<IpAddr>) -> impl Request<Output = ()> + '_ {
    let h = header(family, MPTCP_PM_CMD_DEL_ADDR);
    let e = Endpoint { id: Some(id), addr, ..Endpoint::default() };
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&h)?;
        e.emit(b)
    };
    Ack { message_type: family.id, flags: Flags::empty(), body }
}

/// Deletes every endpoint (`flush-addrs`).
pub fn flush(family: &Family) -> impl Request<Output = ()> + '_ {
    let h = header(family, MPTCP_PM_CMD_FLUSH_ADDRS);
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&h)?;
        Endpoint::default().emit(b)
    };
    Ack { message_type: family.id, flags: Flags::empty(), body }
}

/// The limits: ADD_ADDRs accepted and subflows, each per connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Limits {
    /// `MPTCP_PM_ATTR_RCV_ADD_ADDRS`.
    pub add_addr_accepted: Option<u32>,
    /// `MPTCP_PM_ATTR_SUBFLOWS`.
    pub subflows: Option<u32>,
}

/// Reads the limits (`get-limits`).
pub fn limits(family: &Family) -> impl Request<Output = Limits> + '_ {
    let h = header(family, MPTCP_PM_CMD_GET_LIMITS);
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(&h);
    let read = |m: Message<'_>| {
        let v = Attr::parse(&m)?;
        Ok(Limits { add_addr_accepted: v.rcv_add_addrs, subflows: v.subflows })
    };
    crate::engine::Get::new(family.id, body, read)
}

/// Sets the limits given (`set-limits`).
pub fn set_limits(family: &Family, l: Limits) -> impl Request<Output = ()> + '_ {
    let h = header(family, MPTCP_PM_CMD_SET_LIMITS);
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&h)?;
        if let Some(v) = l.add_addr_accepted {
            b.attr_u32(MPTCP_PM_ATTR_RCV_ADD_ADDRS, v)?;
        }
        if let Some(v) = l.subflows {
            b.attr_u32(MPTCP_PM_ATTR_SUBFLOWS, v)?;
        }
        Ok(())
    };
    Ack { message_type: family.id, flags: Flags::empty(), body }
}
