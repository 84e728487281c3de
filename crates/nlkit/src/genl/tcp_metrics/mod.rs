//! `tcp_metrics` (generic netlink, `<linux/tcp_metrics.h>`): what the
//! kernel remembers of TCP connections per destination (and source)
//! address: RTT, RTT variance, slow-start threshold, congestion window,
//! reordering, and TCP Fast Open state, for `ip tcp_metrics` to show and
//! delete. The tables come from the family's YNL spec ([`tables`],
//! `specs/ynl/6.12/tcp_metrics.yaml`); this module adds the typed entry and the
//! requests.

pub mod tables;

use super::Family;
use crate::engine::{Ack, Get, Request};
use crate::error::{Error, Result};
use crate::genl::GenlMsgHdr;
use nlkit_wire::{Error as WireError, Flags, Message, MessageBuilder};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use tables::*;

/// The family's name, to resolve it.
pub const FAMILY: &str = "tcp_metrics";

/// One destination's metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The destination.
    pub dst: IpAddr,
    /// The source, where the kernel keys by it (3.13 and later).
    pub src: Option<IpAddr>,
    /// Milliseconds since the entry was last updated.
    pub age_ms: Option<u64>,
    /// `TCP_METRICS_ATTR_TW_TSVAL` and `_TW_TS_STAMP` (unused since 4.10).
    pub tw_ts: Option<(u32, i32)>,
    /// RTT in microseconds (from `rtt-us`, or `rtt` in ms, with its 3
    /// fractional bits removed).
    pub rtt_us: Option<u64>,
    /// RTT variance in microseconds (2 fractional bits removed).
    pub rttvar_us: Option<u64>,
    /// The slow-start threshold.
    pub ssthresh: Option<u32>,
    /// The congestion window.
    pub cwnd: Option<u32>,
    /// The reordering metric.
    pub reordering: Option<u32>,
    /// TCP Fast Open: the MSS, SYN drops and when the last was (ms ago in
    /// jiffies-based time), and the cookie.
    pub fopen_mss: Option<u16>,
    /// TCP Fast Open SYN drops.
    pub fopen_syn_drops: Option<u16>,
    /// When the last Fast Open SYN drop was.
    pub fopen_syn_drop_ts: Option<u64>,
    /// The Fast Open cookie.
    pub fopen_cookie: Option<Vec<u8>>,
}

/// An address from its IPv4 (`u32`, host order here) or IPv6 attribute.
fn addr(v4: Option<u32>, v6: Option<&[u8]>) -> Option<IpAddr> {
    match (v4, v6) {
        (Some(a), _) => Some(Ipv4Addr::from(a).into()),
        (None, Some(b)) => <[u8; 16]>::try_from(b).ok().map(|b| Ipv6Addr::from(b).into()),
        _ => None,
    }
}

impl Entry {
    /// Reads a `get` reply.
    pub fn parse(msg: &Message<'_>) -> Result<Entry> {
        let v = TcpMetrics::parse(msg)?;
        if let Some(bad) = crate::proto::View::malformed(&v).next() {
            return Err(Error::Wire(bad.error));
        }
        let dst = addr(v.addr_ipv4, v.addr_ipv6)
            .ok_or(Error::MissingAttr { set: "tcp-metrics", attr: "TCP_METRICS_ATTR_ADDR_IPV4" })?;
        let m = v.vals;
        let rtt_ms = m.and_then(|m| m.rtt).map(|v| (u64::from(v) * 1000) >> 3);
        let rttvar_ms = m.and_then(|m| m.rttvar).map(|v| (u64::from(v) * 1000) >> 2);
        Ok(Entry {
            dst,
            src: addr(v.saddr_ipv4, v.saddr_ipv6),
            age_ms: v.age,
            tw_ts: v.tw_ts_stamp.map(|s| (v.tw_tsval.unwrap_or(0), s)),
            rtt_us: m.and_then(|m| m.rtt_us).map(|v| u64::from(v) >> 3).or(rtt_ms),
            rttvar_us: m.and_then(|m| m.rttvar_us).map(|v| u64::from(v) >> 2).or(rttvar_ms),
            ssthresh: m.and_then(|m| m.ssthresh),
            cwnd: m.and_then(|m| m.cwnd),
            reordering: m.and_then(|m| m.reodering),
            fopen_mss: v.fopen_mss,
            fopen_syn_drops: v.fopen_syn_drops,
            fopen_syn_drop_ts: v.fopen_syn_drop_ts,
            fopen_cookie: v.fopen_cookie.map(<[u8]>::to_vec),
        })
    }
}

/// Writes a destination (and source) selector.
fn selector(
    b: &mut MessageBuilder<'_, Vec<u8>>,
    dst: Option<IpAddr>,
    src: Option<IpAddr>,
) -> Result<(), WireError> {
    for (a, v4, v6) in [
        (dst, TCP_METRICS_ATTR_ADDR_IPV4, TCP_METRICS_ATTR_ADDR_IPV6),
        (src, TCP_METRICS_ATTR_SADDR_IPV4, TCP_METRICS_ATTR_SADDR_IPV6),
    ] {
        match a {
            Some(IpAddr::V4(a)) => b.attr(v4, &a.octets())?,
            Some(IpAddr::V6(a)) => b.attr(v6, &a.octets())?,
            None => {}
        }
    }
    Ok(())
}

/// Every entry (a dump of `get`); `family` is the resolved family.
pub fn entries(family: &Family) -> Entries<'_> {
    Entries { family, found: Vec::new() }
}

/// The request [`entries`] makes.
#[derive(Debug)]
pub struct Entries<'a> {
    family: &'a Family,
    found: Vec<Entry>,
}

impl Request for Entries<'_> {
    type Output = Vec<Entry>;

    fn message_type(&self) -> u16 {
        self.family.id
    }

    fn flags(&self) -> Flags {
        Flags::DUMP
    }

    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        let version = self.family.version as u8;
        b.append(&GenlMsgHdr { cmd: TCP_METRICS_CMD_GET, version, reserved: 0 }.to_bytes())
    }

    fn reply(&mut self, msg: Message<'_>) -> Result<()> {
        self.found.push(Entry::parse(&msg)?);
        Ok(())
    }

    fn finish(self) -> Result<Vec<Entry>> {
        Ok(self.found)
    }
}

/// The entry of `dst` (and `src`): `TCP_METRICS_CMD_GET` with the
/// address, as `ip tcp_metrics show ADDRESS` asks; the kernel refuses an
/// address it has none for (`ESRCH`).
pub fn get(family: &Family, dst: IpAddr, src: Option<IpAddr>) -> impl Request<Output = Entry> + '_ {
    let version = family.version as u8;
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&GenlMsgHdr { cmd: TCP_METRICS_CMD_GET, version, reserved: 0 }.to_bytes())?;
        selector(b, Some(dst), src)
    };
    Get::new(family.id, body, |m: Message<'_>| Entry::parse(&m))
}

/// Deletes the entry of `dst` (and `src`), or every entry when `dst` is
/// `None` (`TCP_METRICS_CMD_DEL` without an address).
pub fn delete(
    family: &Family,
    dst: Option<IpAddr>,
    src: Option<IpAddr>,
) -> impl Request<Output = ()> + '_ {
    let version = family.version as u8;
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&GenlMsgHdr { cmd: TCP_METRICS_CMD_DEL, version, reserved: 0 }.to_bytes())?;
        selector(b, dst, src)
    };
    Ack { message_type: family.id, flags: Flags::empty(), body }
}
