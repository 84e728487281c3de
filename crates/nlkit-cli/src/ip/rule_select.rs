//! The selector of `ip rule show` and `ip rule flush` (iproute2 6.1's
//! `iprule_list_flush_or_save` and `filter_nlmsg`): `pref N`, `not`, `tos`,
//! `fwmark M[/MASK]`, `iif`/`dev`, `oif`, `l3mdev`, `uidrange A-B`,
//! `table`/`lookup`, `from`/`src PREFIX`, `protocol`, `ipproto`, `sport`,
//! `dport`, and any other word as `[to|dst] PREFIX`; and `flush`, which
//! deletes every selected rule that has a priority (never rule 0, `local`)
//! and, unlike ip's, needs a selector.

use super::route_args::{dsfield, invarg, Prefix};
use super::rule::{ip_proto, range};
use super::Ctx;
use crate::words::{self as args, Args};
use anyhow::Result;
use nlkit::engine::Ack;
use nlkit::proto::View;
use nlkit::rtnl::names;
use nlkit::rtnl::rule::{Range, Rule};
use nlkit::rtnl::uapi::*;
use nlkit::wire::Flags;
use nlkit::BatchLimits;
use std::net::IpAddr;
use std::ops::ControlFlow;

/// What a selector chose (absent: any).
#[derive(Default)]
pub(super) struct Selector {
    pref: Option<u32>,
    not: bool,
    src: Option<Prefix>,
    dst: Option<Prefix>,
    tos: Option<u8>,
    fwmark: Option<u32>,
    fwmask: Option<u32>,
    iif: Option<String>,
    oif: Option<String>,
    l3mdev: bool,
    uid_range: Option<Range<u32>>,
    ip_proto: Option<u8>,
    sport: Option<Range<u16>>,
    dport: Option<Range<u16>>,
    table: Option<u32>,
    /// `protocol`: applied by `flush` only, as ip 6.1 does.
    protocol: Option<u8>,
}

impl Selector {
    /// Reads the words after `show` or `flush` for rules of `family`.
    pub fn parse(mut a: Args, family: u8) -> Result<Selector> {
        let mut s = Selector::default();
        while let Some(w) = a.next() {
            let is = |word: &str| !w.is_empty() && word.starts_with(w.as_str());
            if is("preference") || is("order") || is("priority") {
                let v = a.value(&w)?;
                s.pref = Some(
                    args::number(&v).ok_or_else(|| invarg("preference value is invalid", &v))?,
                );
            } else if w == "not" {
                s.not = true;
            } else if w == "tos" || w == "dsfield" {
                let v = a.value(&w)?;
                s.tos = Some(dsfield(&v).ok_or_else(|| invarg("TOS value is invalid", &v))?);
            } else if w == "fwmark" {
                let v = a.value("fwmark")?;
                let (mark, mask) =
                    v.split_once('/').map_or((v.as_str(), None), |(m, k)| (m, Some(k)));
                s.fwmark = Some(
                    args::number(mark).ok_or_else(|| invarg("fwmark value is invalid", mark))?,
                );
                if let Some(mask) = mask {
                    s.fwmask = Some(
                        args::number(mask)
                            .ok_or_else(|| invarg("fwmask value is invalid", mask))?,
                    );
                }
            } else if w == "dev" || w == "iif" {
                s.iif = Some(args::ifname(a.value(&w)?)?);
            } else if w == "oif" {
                s.oif = Some(args::ifname(a.value("oif")?)?);
            } else if w == "l3mdev" {
                s.l3mdev = true;
            } else if w == "uidrange" {
                let v = a.value("uidrange")?;
                let r = v.split_once('-').and_then(|_| range(&v));
                s.uid_range = Some(r.ok_or_else(|| invarg("invalid UID range", &v))?);
            } else if is("lookup") || is("table") {
                let v = a.value(&w)?;
                let t = names::parse_route_table(&v);
                s.table = Some(t.ok_or_else(|| invarg("table id value is invalid", &v))?);
            } else if is("from") || is("src") {
                let v = a.value(&w)?;
                s.src = Some(
                    Prefix::parse(&v, family).map_err(|_| invarg("from value is invalid", &v))?,
                );
            } else if is("protocol") {
                let v = a.value("protocol")?;
                s.protocol = match names::parse_route_protocol(&v) {
                    Some(p) => Some(p),
                    None if v == "all" => None,
                    None => return Err(invarg("invalid \"protocol\"", &v)),
                };
            } else if w == "ipproto" {
                let v = a.value("ipproto")?;
                s.ip_proto =
                    Some(ip_proto(&v).ok_or_else(|| invarg("Invalid \"ipproto\" value", &v))?);
            } else if w == "sport" || w == "dport" {
                let v = a.value(&w)?;
                let r = range(&v).ok_or_else(|| invarg(&format!("invalid {w} range"), &v))?;
                *(if w == "sport" { &mut s.sport } else { &mut s.dport }) = Some(r);
            } else if w == "tun_id" {
                anyhow::bail!("\"tun_id\" is not supported by nlkit rule");
            } else {
                let v = if is("dst") || is("to") { a.value(&w)? } else { w };
                s.dst =
                    Some(Prefix::parse(&v, family).map_err(|_| invarg("to value is invalid", &v))?);
            }
        }
        Ok(s)
    }

    /// Whether `r` is selected (`filter_nlmsg`).
    pub fn matches(&self, r: &Rule<'_>) -> bool {
        let h = &r.header;
        let prefix = |p: &Option<Prefix>, addr: Option<IpAddr>, len: u8| match p {
            None => true,
            Some(p) if p.family == 0 => true,
            Some(p) => p.family == h.family && p.len <= len as i32 && prefix_matches(p, addr),
        };
        self.pref.is_none_or(|p| r.priority.unwrap_or(0) == p)
            && (!self.not || r.inverted())
            && prefix(&self.src, r.src, h.src_len)
            && prefix(&self.dst, r.dst, h.dst_len)
            && self.tos.is_none_or(|t| h.tos == t)
            && self.fwmark.is_none_or(|m| m == 0 || r.fwmark.unwrap_or(0) == m)
            && self.fwmask.is_none_or(|m| m == 0 || r.fwmask.unwrap_or(0) == m)
            && self.iif.as_deref().is_none_or(|i| r.iifname == Some(i))
            && self.oif.as_deref().is_none_or(|o| r.oifname == Some(o))
            && (!self.l3mdev || r.l3mdev.unwrap_or(0) != 0)
            && self.uid_range.is_none_or(|u| r.uid_range == Some(u))
            && self.ip_proto.is_none_or(|p| p == 0 || r.ip_proto.unwrap_or(0) == p)
            && self.sport.is_none_or(|p| p.start == 0 || r.sport == Some(p))
            && self.dport.is_none_or(|p| p.start == 0 || r.dport == Some(p))
            && self.table.is_none_or(|t| t == 0 || r.table == t)
    }
}

/// `inet_addr_match_rta`: a prefix of length 0 (or none) matches all.
fn prefix_matches(p: &Prefix, addr: Option<IpAddr>) -> bool {
    if p.len <= 0 {
        return true;
    }
    let bytes: Vec<u8> = match addr {
        Some(IpAddr::V4(a)) => a.octets().to_vec(),
        Some(IpAddr::V6(a)) => a.octets().to_vec(),
        None => return false,
    };
    let bits = (p.len as usize).min(bytes.len() * 8);
    let (whole, rest) = (bits / 8, bits % 8);
    bytes[..whole] == p.bytes[..whole]
        && (rest == 0 || (bytes[whole] ^ p.bytes[whole]) >> (8 - rest) == 0)
}

/// `ip rule flush [SELECTOR]`: deletes every selected rule that has a
/// priority (of the family asked for, IPv4 by default), `protocol`
/// applied as well.
///
/// Unlike ip, an empty selector is refused: it would delete the main and
/// default rules too, and with them the namespace's routing.
pub(super) fn flush(ctx: &mut Ctx, a: Args, family: u8) -> Result<()> {
    if a.at_end() {
        anyhow::bail!(
            "\"rule flush\" needs a selector: without one it would delete every rule but \
             local, main and default included (e.g. nlkit rule flush table 100)"
        );
    }
    let sel = Selector::parse(a, family)?;
    let mut doomed = Vec::new();
    ctx.conn.rule_dump(family, |r| {
        let protocol_ok = sel.protocol.is_none_or(|p| r.protocol.is_none_or(|q| q == p));
        if sel.matches(r) && protocol_ok && r.priority.is_some() {
            let mut payload = r.header_bytes().to_vec();
            payload.extend_from_slice(r.raw_attrs());
            doomed.push(payload);
        }
        Ok(())
    })?;
    let mut failed = None;
    let requests = doomed.into_iter().map(|payload| {
        let body = move |b: &mut nlkit::wire::MessageBuilder<'_, Vec<u8>>| b.append(&payload);
        ((), Ack { message_type: RTM_DELRULE, flags: Flags::empty(), body })
    });
    ctx.conn.batch(requests, BatchLimits::default(), |(), r| {
        if let Err(e) = r {
            failed = failed.take().or(Some(e));
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    })?;
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}
