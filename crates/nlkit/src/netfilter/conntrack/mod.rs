//! Connection tracking over ctnetlink (`NFNL_SUBSYS_CTNETLINK`,
//! `<linux/netfilter/nfnetlink_conntrack.h>`): the table's entries as
//! typed values, dumped, made, deleted one by tuple, or flushed. The
//! tables are generated from the kernel's YNL spec ([`tables`],
//! `specs/ynl/latest/conntrack.yaml`: 6.12 has no conntrack spec); every
//! integer in ctnetlink is big-endian, which the tables say.

pub mod filter;
mod table;
pub mod tables;

pub use filter::EventFilter;
pub use table::Table;

use super::{message_type, NfGenMsg, NFNETLINK_V0, NFNL_SUBSYS_CTNETLINK};
use crate::engine::{Ack, Request, Stream};
use crate::error::{Error, Result};
use crate::proto::View as _;
use nlkit_wire::{Error as WireError, Flags, Message, MessageBuilder};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use tables::*;

/// `IPCTNL_MSG_CT_NEW`, `IPCTNL_MSG_CT_GET` and `IPCTNL_MSG_CT_DELETE`
/// (`enum cntl_msg_types`).
pub const IPCTNL_MSG_CT_NEW: u8 = 0;
/// See [`IPCTNL_MSG_CT_NEW`].
pub const IPCTNL_MSG_CT_GET: u8 = 1;
/// See [`IPCTNL_MSG_CT_NEW`].
pub const IPCTNL_MSG_CT_DELETE: u8 = 2;
/// `IPCTNL_MSG_CT_GET_STATS_CPU`: per-CPU counters (a dump).
pub const IPCTNL_MSG_CT_GET_STATS_CPU: u8 = 4;
/// `IPCTNL_MSG_CT_GET_STATS`: the table's size.
pub const IPCTNL_MSG_CT_GET_STATS: u8 = 5;
/// `CTA_STATS_GLOBAL_ENTRIES` (`enum ctattr_stats_global`): entries now.
pub const CTA_STATS_GLOBAL_ENTRIES: u16 = 1;

/// One direction of a connection: addresses and the layer-4 identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Tuple {
    /// Source address.
    pub src: Option<IpAddr>,
    /// Destination address.
    pub dst: Option<IpAddr>,
    /// The IP protocol (6 TCP, 17 UDP, 1 ICMP, ...).
    pub proto: u8,
    /// Ports (TCP, UDP, UDP-Lite, SCTP, DCCP).
    pub sport: Option<u16>,
    /// See `sport`.
    pub dport: Option<u16>,
    /// ICMP or ICMPv6 type, code and id.
    pub icmp: Option<(u8, u8, u16)>,
    /// The tuple's zone, where the kernel says (`CTA_TUPLE_ZONE`).
    pub zone: Option<u16>,
}

impl Tuple {
    fn read(t: &TupleAttrs<'_>) -> Tuple {
        let mut out = Tuple { zone: t.tuple_zone, ..Tuple::default() };
        if let Some(ip) = &t.tuple_ip {
            let v6 = |b: Option<&[u8]>| {
                b.and_then(|b| <[u8; 16]>::try_from(b).ok()).map(|a| IpAddr::V6(Ipv6Addr::from(a)))
            };
            out.src = ip.ip_v4_src.map(|a| IpAddr::V4(Ipv4Addr::from(a))).or(v6(ip.ip_v6_src));
            out.dst = ip.ip_v4_dst.map(|a| IpAddr::V4(Ipv4Addr::from(a))).or(v6(ip.ip_v6_dst));
        }
        if let Some(p) = &t.tuple_proto {
            out.proto = p.proto_num.unwrap_or(0);
            out.sport = p.proto_src_port;
            out.dport = p.proto_dst_port;
            out.icmp = match (p.proto_icmp_type, p.proto_icmpv6_type) {
                (Some(t), _) => {
                    Some((t, p.proto_icmp_code.unwrap_or(0), p.proto_icmp_id.unwrap_or(0)))
                }
                (None, Some(t)) => {
                    Some((t, p.proto_icmpv6_code.unwrap_or(0), p.proto_icmpv6_id.unwrap_or(0)))
                }
                _ => None,
            };
        }
        out
    }

    /// Writes the tuple as nest `kind` (`CTA_TUPLE_ORIG`, ...).
    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>, kind: u16) -> Result<(), WireError> {
        let t = b.nest(kind)?;
        let ip = b.nest(TUPLE_ATTRS_TUPLE_IP)?;
        for (addr, v4, v6) in [
            (self.src, TUPLE_IP_ATTRS_IP_V4_SRC, TUPLE_IP_ATTRS_IP_V6_SRC),
            (self.dst, TUPLE_IP_ATTRS_IP_V4_DST, TUPLE_IP_ATTRS_IP_V6_DST),
        ] {
            match addr {
                Some(IpAddr::V4(a)) => b.attr(v4, &a.octets())?,
                Some(IpAddr::V6(a)) => b.attr(v6, &a.octets())?,
                None => {}
            }
        }
        b.nest_end(ip)?;
        let p = b.nest(TUPLE_ATTRS_TUPLE_PROTO)?;
        b.attr_u8(TUPLE_PROTO_ATTRS_PROTO_NUM, self.proto)?;
        if let Some(port) = self.sport {
            b.attr_be16(TUPLE_PROTO_ATTRS_PROTO_SRC_PORT, port)?;
        }
        if let Some(port) = self.dport {
            b.attr_be16(TUPLE_PROTO_ATTRS_PROTO_DST_PORT, port)?;
        }
        if let Some((ty, code, id)) = self.icmp {
            let v6 = matches!(self.src, Some(IpAddr::V6(_)));
            let (k_type, k_code, k_id) = if v6 {
                (
                    TUPLE_PROTO_ATTRS_PROTO_ICMPV6_TYPE,
                    TUPLE_PROTO_ATTRS_PROTO_ICMPV6_CODE,
                    TUPLE_PROTO_ATTRS_PROTO_ICMPV6_ID,
                )
            } else {
                (
                    TUPLE_PROTO_ATTRS_PROTO_ICMP_TYPE,
                    TUPLE_PROTO_ATTRS_PROTO_ICMP_CODE,
                    TUPLE_PROTO_ATTRS_PROTO_ICMP_ID,
                )
            };
            b.attr_u8(k_type, ty)?;
            b.attr_u8(k_code, code)?;
            b.attr_be16(k_id, id)?;
        }
        b.nest_end(p)?;
        if let Some(z) = self.zone {
            b.attr_be16(TUPLE_ATTRS_TUPLE_ZONE, z)?;
        }
        b.nest_end(t)
    }
}

/// A connection: both directions, its state and what the kernel counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Entry {
    /// `AF_INET` or `AF_INET6` (the `nfgenmsg`'s).
    pub family: u8,
    /// The original direction.
    pub orig: Tuple,
    /// The reply direction.
    pub reply: Tuple,
    /// `IPS_*` bits ([`tables::nf_ct_status`]).
    pub status: Option<u32>,
    /// Seconds left.
    pub timeout: Option<u32>,
    /// The TCP state (`TCP_CONNTRACK_*`).
    pub tcp_state: Option<u8>,
    /// The SCTP or DCCP state.
    pub sctp_state: Option<u8>,
    /// `ct mark`.
    pub mark: Option<u32>,
    /// References.
    pub use_: Option<u32>,
    /// The entry's id.
    pub id: Option<u32>,
    /// The zone (when not the default).
    pub zone: Option<u16>,
    /// Packets and bytes each way, with accounting on.
    pub counters_orig: Option<(u64, u64)>,
    /// See `counters_orig`.
    pub counters_reply: Option<(u64, u64)>,
    /// Start and stop times (ns), with timestamps on.
    pub timestamp: Option<(u64, u64)>,
    /// The helper's name.
    pub helper: Option<String>,
    /// The label bits (`ct label`).
    pub labels: Option<Vec<u8>>,
}

impl Entry {
    /// Reads a `get` reply (or an event).
    pub fn parse(msg: &Message<'_>) -> Result<Entry> {
        let v = ConntrackAttrs::parse(msg)?;
        if let Some(bad) = v.malformed().next() {
            return Err(Error::Wire(bad.error));
        }
        let counters =
            |c: &Option<CounterAttrs<'_>>| c.as_ref().and_then(|c| Some((c.packets?, c.bytes?)));
        let proto = v.protoinfo.as_ref();
        Ok(Entry {
            family: v.header.family,
            orig: v.tuple_orig.as_ref().map(Tuple::read).unwrap_or_default(),
            reply: v.tuple_reply.as_ref().map(Tuple::read).unwrap_or_default(),
            status: v.status,
            timeout: v.timeout,
            tcp_state: proto.and_then(|p| p.protoinfo_tcp.as_ref()).and_then(|t| t.tcp_state),
            sctp_state: proto
                .and_then(|p| p.protoinfo_sctp.as_ref())
                .and_then(|s| s.sctp_state)
                .or_else(|| {
                    proto.and_then(|p| p.protoinfo_dccp.as_ref()).and_then(|d| d.dccp_state)
                }),
            mark: v.mark,
            use_: v.use_,
            id: v.id,
            zone: v.zone,
            counters_orig: counters(&v.counters_orig),
            counters_reply: counters(&v.counters_reply),
            timestamp: None,
            helper: v.help.as_ref().and_then(|h| h.help_name).map(str::to_string),
            labels: v.labels.map(<[u8]>::to_vec),
        })
    }
}

fn nfgenmsg(family: u8) -> [u8; 4] {
    NfGenMsg { family, version: NFNETLINK_V0, res_id: [0; 2] }.to_bytes()
}

/// Every entry of `family` (`AF_INET`, `AF_INET6`; 0: both), to `each` as
/// the dump delivers them.
pub fn dump<'a>(
    family: u8,
    mut each: impl FnMut(Entry) -> Result<()> + 'a,
) -> impl Request<Output = ()> + 'a {
    Stream {
        message_type: message_type(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET),
        flags: Flags::DUMP,
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(&nfgenmsg(family)),
        each: move |m: Message<'_>| each(Entry::parse(&m)?),
    }
}

/// A connection to make (what `conntrack -I` makes): both tuples, the
/// timeout in seconds, status bits to set, and for TCP its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NewEntry {
    /// The original direction.
    pub orig: Tuple,
    /// The reply direction.
    pub reply: Tuple,
    /// Seconds until it expires.
    pub timeout: u32,
    /// `IPS_*` bits to set (`ASSURED`, ...; `CONFIRMED` is added).
    pub status: u32,
    /// The TCP state (`TCP_CONNTRACK_*`).
    pub tcp_state: Option<u8>,
    /// `ct mark`.
    pub mark: Option<u32>,
    /// The zone.
    pub zone: Option<u16>,
}

/// Makes a connection (`IPCTNL_MSG_CT_NEW`, `NLM_F_CREATE | NLM_F_EXCL`:
/// an existing one is `EEXIST`).
pub fn create(n: NewEntry) -> impl Request<Output = ()> {
    let family = match n.orig.src {
        Some(IpAddr::V6(_)) => libc::AF_INET6 as u8,
        _ => libc::AF_INET as u8,
    };
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&nfgenmsg(family))?;
        n.orig.emit(b, CONNTRACK_ATTRS_TUPLE_ORIG)?;
        n.reply.emit(b, CONNTRACK_ATTRS_TUPLE_REPLY)?;
        b.attr_be32(CONNTRACK_ATTRS_TIMEOUT, n.timeout)?;
        if n.status != 0 {
            // A made entry is confirmed from the start: a status without
            // the bit would change it, which the kernel refuses (EBUSY).
            b.attr_be32(CONNTRACK_ATTRS_STATUS, n.status | nf_ct_status::CONFIRMED)?;
        }
        if let Some(state) = n.tcp_state {
            let info = b.nest(CONNTRACK_ATTRS_PROTOINFO)?;
            let tcp = b.nest(PROTOINFO_ATTRS_PROTOINFO_TCP)?;
            b.attr_u8(PROTOINFO_TCP_ATTRS_TCP_STATE, state)?;
            b.nest_end(tcp)?;
            b.nest_end(info)?;
        }
        if let Some(m) = n.mark {
            b.attr_be32(CONNTRACK_ATTRS_MARK, m)?;
        }
        if let Some(z) = n.zone {
            b.attr_be16(CONNTRACK_ATTRS_ZONE, z)?;
        }
        Ok(())
    };
    Ack {
        message_type: message_type(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW),
        flags: Flags::CREATE | Flags::EXCL,
        body,
    }
}

/// The entry whose original tuple is `orig` (in `zone`): one reply, or
/// the kernel's `ENOENT`.
pub fn get(family: u8, orig: Tuple, zone: Option<u16>) -> impl Request<Output = Entry> {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&nfgenmsg(family))?;
        orig.emit(b, CONNTRACK_ATTRS_TUPLE_ORIG)?;
        if let Some(z) = zone {
            b.attr_be16(CONNTRACK_ATTRS_ZONE, z)?;
        }
        Ok(())
    };
    let msg = message_type(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET);
    // The reply is marked NLM_F_MULTI with no DONE after it: the ACK
    // asked for ends the exchange.
    let get = crate::engine::Get::new(msg, body, |m: Message<'_>| Entry::parse(&m));
    crate::engine::Get { flags: Flags::ACK, ..get }
}

/// One CPU's counters (`IPCTNL_MSG_CT_GET_STATS_CPU`): the CPU (the
/// `nfgenmsg`'s resource id) and each counter the kernel sent, by the
/// spec's name, in its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpuStats {
    /// The CPU.
    pub cpu: u16,
    /// `(name, value)`: `found`, `invalid`, `insert`, ...
    pub counters: Vec<(&'static str, u32)>,
}

/// Every CPU's counters.
pub fn cpu_stats(mut each: impl FnMut(CpuStats)) -> impl Request<Output = ()> {
    Stream {
        message_type: message_type(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_STATS_CPU),
        flags: Flags::DUMP,
        body: |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(&nfgenmsg(0)),
        each: move |m: Message<'_>| {
            let v = ConntrackStatsAttrs::parse(&m)?;
            let all = [
                ("searched", v.searched),
                ("found", v.found),
                ("new", v.new),
                ("invalid", v.invalid),
                ("ignore", v.ignore),
                ("delete", v.delete),
                ("delete_list", v.delete_list),
                ("insert", v.insert),
                ("insert_failed", v.insert_failed),
                ("drop", v.drop),
                ("early_drop", v.early_drop),
                ("error", v.error),
                ("search_restart", v.search_restart),
                ("clash_resolve", v.clash_resolve),
                ("chaintoolong", v.chain_toolong),
            ];
            let counters = all.into_iter().filter_map(|(n, v)| Some((n, v?))).collect();
            each(CpuStats { cpu: u16::from_be_bytes(v.header.res_id), counters });
            Ok(())
        },
    }
}

/// How many entries the table holds (`IPCTNL_MSG_CT_GET_STATS`).
pub fn count() -> impl Request<Output = u32> {
    let msg = message_type(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_STATS);
    let body = |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(&nfgenmsg(0));
    // The kernel marks its one reply NLM_F_MULTI and sends no DONE: the
    // ACK asked for ends the exchange.
    let get = crate::engine::Get::new(msg, body, |m: Message<'_>| {
        let attrs = nlkit_wire::Attrs::new(m.payload().get(NfGenMsg::LEN..).unwrap_or_default());
        for a in attrs {
            let a = a?;
            if a.kind() == CTA_STATS_GLOBAL_ENTRIES {
                return Ok(a.be32()?);
            }
        }
        Err(Error::MissingAttr { set: "stats-global", attr: "CTA_STATS_GLOBAL_ENTRIES" })
    });
    crate::engine::Get { flags: Flags::ACK, ..get }
}

/// Deletes the entry whose original tuple is `orig` (in `zone`).
pub fn delete(family: u8, orig: Tuple, zone: Option<u16>) -> impl Request<Output = ()> {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&nfgenmsg(family))?;
        orig.emit(b, CONNTRACK_ATTRS_TUPLE_ORIG)?;
        if let Some(z) = zone {
            b.attr_be16(CONNTRACK_ATTRS_ZONE, z)?;
        }
        Ok(())
    };
    Ack {
        message_type: message_type(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE),
        flags: Flags::empty(),
        body,
    }
}

/// Deletes every entry of `family` (a delete with no tuple: the kernel's
/// flush).
pub fn flush(family: u8) -> impl Request<Output = ()> {
    Ack {
        message_type: message_type(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE),
        flags: Flags::empty(),
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(&nfgenmsg(family)),
    }
}

/// `NFNLGRP_CONNTRACK_NEW`, `_UPDATE` and `_DESTROY` (`enum
/// nfnetlink_groups`): the event groups.
pub const NFNLGRP_CONNTRACK_NEW: u32 = 1;
/// See [`NFNLGRP_CONNTRACK_NEW`].
pub const NFNLGRP_CONNTRACK_UPDATE: u32 = 2;
/// See [`NFNLGRP_CONNTRACK_NEW`].
pub const NFNLGRP_CONNTRACK_DESTROY: u32 = 3;

/// What happened to a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Made (`IPCTNL_MSG_CT_NEW` with `NLM_F_CREATE`).
    New,
    /// Changed (`IPCTNL_MSG_CT_NEW` without).
    Update,
    /// Gone (`IPCTNL_MSG_CT_DELETE`).
    Destroy,
}

/// A conntrack event: the change and the entry as the kernel sent it; a
/// message of another type is kept by its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A connection changed (boxed: an entry is large beside `Other`).
    Conn(Change, Box<Entry>),
    /// A message of a type ctnetlink events do not have.
    Other(u16),
}

/// Conntrack events as a subscription source (`nlkit::sub`): the groups
/// asked for, from the kernel only (port 0: root in any process can send
/// to these groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Events {
    /// New connections.
    pub new: bool,
    /// Changes (state, timeout refreshes).
    pub update: bool,
    /// Connections gone.
    pub destroy: bool,
    /// What the kernel lets through (empty: everything).
    pub filter: EventFilter,
}

impl Default for Events {
    fn default() -> Self {
        Events { new: true, update: true, destroy: true, filter: EventFilter::default() }
    }
}

impl crate::sub::Source for Events {
    type Event<'a> = Event;

    fn protocol(&self) -> crate::Protocol {
        crate::Protocol::NETFILTER
    }

    fn groups(&self) -> Vec<u32> {
        [
            (self.new, NFNLGRP_CONNTRACK_NEW),
            (self.update, NFNLGRP_CONNTRACK_UPDATE),
            (self.destroy, NFNLGRP_CONNTRACK_DESTROY),
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

    /// The filter program (if any) before the groups, so no unwanted
    /// event is queued in between.
    fn configure(&self, socket: &crate::Socket) -> Result<()> {
        socket.set_pktinfo(true)?;
        if !self.filter.is_empty() {
            socket.attach_filter(&self.filter.program())?;
        }
        for group in crate::sub::Source::groups(self) {
            socket.add_membership(group)?;
        }
        Ok(())
    }

    fn decode<'a>(&self, unit: crate::sub::Unit<'a>) -> Result<Event> {
        let crate::sub::Unit::Message(m) = unit else { return Ok(Event::Other(0)) };
        let t = u16::from(m.message_type());
        let change = match t {
            t if t == message_type(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_NEW) => {
                if m.flags().contains(Flags::CREATE) {
                    Change::New
                } else {
                    Change::Update
                }
            }
            t if t == message_type(NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_DELETE) => Change::Destroy,
            t => return Ok(Event::Other(t)),
        };
        Ok(Event::Conn(change, Box::new(Entry::parse(&m)?)))
    }
}

#[cfg(test)]
mod tests;
