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
use crate::grammar::tables::RULE_SHOW;
use crate::grammar::walk::Walk;
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

/// A selector's words: the selector, and the family prefixes are read in.
pub struct SelectWords {
    sel: Selector,
    family: u8,
}

/// A port range, or `ip`'s message (`invalid port range` for `sport`).
fn ports(v: &str, what: &str) -> Result<Option<Range<u16>>> {
    Ok(Some(range(v).ok_or_else(|| invarg(what, v))?))
}

/// `rule show|flush`: the rows of `grammar::tables::RULE_SELECT`; any
/// other word is the destination prefix.
pub static WALK: Walk<SelectWords> = Walk {
    name: "rule show",
    cmd: &RULE_SHOW,
    apply: &[
        ("preference", |w, v| {
            let n = args::number(v).ok_or_else(|| invarg("preference value is invalid", v))?;
            w.sel.pref = Some(n);
            Ok(())
        }),
        ("not", |w, _| {
            w.sel.not = true;
            Ok(())
        }),
        ("tos", |w, v| {
            w.sel.tos = Some(dsfield(v).ok_or_else(|| invarg("TOS value is invalid", v))?);
            Ok(())
        }),
        ("fwmark", |w, v| {
            let (mark, mask) = v.split_once('/').map_or((v, None), |(m, k)| (m, Some(k)));
            let mark = args::number(mark).ok_or_else(|| invarg("fwmark value is invalid", mark))?;
            w.sel.fwmark = Some(mark);
            if let Some(mask) = mask {
                let mask =
                    args::number(mask).ok_or_else(|| invarg("fwmask value is invalid", mask))?;
                w.sel.fwmask = Some(mask);
            }
            Ok(())
        }),
        ("dev", |w, v| {
            let name = args::ifname(v.to_string());
            w.sel.iif = Some(name.map_err(|_| invarg("\"iif\"/\"dev\" not a valid ifname", v))?);
            Ok(())
        }),
        ("oif", |w, v| {
            let name = args::ifname(v.to_string());
            w.sel.oif = Some(name.map_err(|_| invarg("\"oif\" not a valid ifname", v))?);
            Ok(())
        }),
        ("l3mdev", |w, _| {
            w.sel.l3mdev = true;
            Ok(())
        }),
        ("uidrange", |w, v| {
            let r = v.split_once('-').and_then(|_| range(v));
            w.sel.uid_range = Some(r.ok_or_else(|| invarg("invalid UID range", v))?);
            Ok(())
        }),
        ("lookup", |w, v| {
            let t = names::parse_route_table(v);
            w.sel.table = Some(t.ok_or_else(|| invarg("table id value is invalid", v))?);
            Ok(())
        }),
        ("from", |w, v| {
            w.sel.src = Some(Prefix::parse(v, w.family)?);
            Ok(())
        }),
        ("protocol", |w, v| {
            w.sel.protocol = match names::parse_route_protocol(v) {
                Some(p) => Some(p),
                None if v == "all" => None,
                None => return Err(invarg("invalid \"protocol\"", v)),
            };
            Ok(())
        }),
        ("ipproto", |w, v| {
            let p = ip_proto(v).ok_or_else(|| invarg("Invalid \"ipproto\" value", v))?;
            w.sel.ip_proto = Some(p);
            Ok(())
        }),
        ("sport", |w, v| {
            w.sel.sport = ports(v, "invalid port range")?;
            Ok(())
        }),
        ("dport", |w, v| {
            w.sel.dport = ports(v, "invalid dport range")?;
            Ok(())
        }),
        ("dst", SelectWords::dst),
    ],
    more: &[],
    other: Some(|w, rest| w.dst(rest.word())),
    stop: &[],
};

impl SelectWords {
    pub fn new(family: u8) -> SelectWords {
        SelectWords { sel: Selector::default(), family }
    }

    fn dst(&mut self, v: &str) -> Result<()> {
        self.sel.dst = Some(Prefix::parse(v, self.family)?);
        Ok(())
    }
}

impl Selector {
    /// Reads the words after `show` or `flush` for rules of `family`.
    pub fn parse(mut a: Args, family: u8) -> Result<Selector> {
        let mut w = SelectWords::new(family);
        let words: Vec<String> = a.by_ref().collect();
        WALK.run(&words, &mut w)?;
        Ok(w.sel)
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
