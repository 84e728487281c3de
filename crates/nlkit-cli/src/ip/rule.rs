//! `nlkit rule`: show, add and delete policy routing rules, printed as
//! `ip rule` prints them (text), or with `ip -j rule`'s keys and values.

use super::route_args::{dsfield, invarg};
use super::Ctx;
use crate::grammar::walk::Walk;
use crate::out::naming;
use crate::words::{self as args, Args};
use anyhow::{bail, Context, Result};
use nlkit::rtnl::names;
use nlkit::rtnl::rule::{Range, Rule, RuleSpec};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::{AF_INET, AF_INET6, AF_UNSPEC};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

pub fn run(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    // ip's order: the first command a word is a prefix of.
    match args::command_first(
        &mut a,
        "rule",
        "show",
        &["show|list|lst", "add", "delete|del", "flush"],
    )? {
        "show" => ctx.consistent(|ctx| show(ctx, a.clone())),
        "flush" => {
            let family = if ctx.family == AF_UNSPEC { AF_INET } else { ctx.family };
            super::rule_select::flush(ctx, a, family)
        }
        "add" => change(ctx, a, true),
        _ => change(ctx, a, false),
    }
}

fn show(ctx: &mut Ctx, a: Args) -> Result<()> {
    // ip lists IPv4 rules unless a family is asked for.
    let family = if ctx.family == AF_UNSPEC { AF_INET } else { ctx.family };
    let sel = super::rule_select::Selector::parse(a, family)?;
    let (json, details) = (ctx.out.json(), ctx.details);
    ctx.out.begin()?;
    let Ctx { conn, out, .. } = ctx;
    conn.rule_dump(family, |r| {
        if !sel.matches(r) {
            return Ok(());
        }
        let shown = if json {
            out.object(to_json(r, details))
        } else {
            out.line(format_args!("{}", to_text(r, details)))
        };
        shown.map_err(crate::out::write_error)
    })?;
    ctx.out.end()
}

/// `ip rule` text: `PRIO:\tSELECTORS ACTION`.
pub(super) fn to_text(r: &Rule<'_>, details: bool) -> String {
    let mut s = format!("{}:\t", r.priority.unwrap_or(0));
    if r.inverted() {
        s.push_str("not ");
    }
    match r.src {
        Some(a) => write_prefix(&mut s, "from", a, r.header.src_len),
        None => s.push_str("from all"),
    }
    if let Some(a) = r.dst {
        s.push(' ');
        write_prefix(&mut s, "to", a, r.header.dst_len);
    }
    if r.header.tos != 0 {
        let _ = write!(s, " tos {:#x}", r.header.tos);
    }
    if let Some(m) = r.fwmark {
        let _ = write!(s, " fwmark {m:#x}");
        if let Some(mask) = r.fwmask.filter(|&m| m != u32::MAX) {
            let _ = write!(s, "/{mask:#x}");
        }
    }
    for (k, v) in [("iif", r.iifname), ("oif", r.oifname)] {
        if let Some(v) = v {
            let _ = write!(s, " {k} {v}");
        }
    }
    if let Some(u) = r.uid_range {
        let _ = write!(s, " uidrange {}-{}", u.start, u.end);
    }
    if let Some(p) = r.ip_proto {
        let _ = write!(s, " ipproto {}", ip_proto_name(p));
    }
    for (k, range) in [("sport", r.sport), ("dport", r.dport)] {
        match range {
            Some(p) if p.start == p.end => drop(write!(s, " {k} {}", p.start)),
            Some(p) => drop(write!(s, " {k} {}-{}", p.start, p.end)),
            None => {}
        }
    }
    match r.header.action {
        FR_ACT_TO_TBL => drop(write!(s, " lookup {}", naming::table(r.table))),
        FR_ACT_GOTO => drop(write!(s, " goto {}", r.goto.unwrap_or(0))),
        other => drop(write!(s, " {}", action_name(other))),
    }
    if let Some(n) = r.suppress_prefixlen.filter(|&n| n != u32::MAX) {
        let _ = write!(s, " suppress_prefixlength {n}");
    }
    if let Some(p) = shown_protocol(r, details) {
        let _ = write!(s, " proto {}", naming::protocol(p));
    }
    s
}

/// `FRA_PROTOCOL` as ip shows it: when the rule has one other than
/// `unspec` and `kernel`, or with `-d`.
fn shown_protocol(r: &Rule<'_>, details: bool) -> Option<u8> {
    r.protocol.filter(|&p| (p != 0 && p != RTPROT_KERNEL) || details)
}

fn write_prefix(s: &mut String, word: &str, a: std::net::IpAddr, len: u8) {
    let full = if a.is_ipv4() { 32 } else { 128 };
    let _ = write!(s, "{word} {a}");
    if len != full {
        let _ = write!(s, "/{len}");
    }
}

/// `ip -j rule` keys and values.
pub(super) fn to_json(r: &Rule<'_>, details: bool) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("priority".into(), json!(r.priority.unwrap_or(0)));
    if r.inverted() {
        m.insert("not".into(), Value::Null);
    }
    let h = &r.header;
    let src = r.src.map_or("all".to_string(), |a| a.to_string());
    m.insert("src".into(), json!(src));
    if r.src.is_some_and(|a| h.src_len != full_len(a)) {
        m.insert("srclen".into(), json!(h.src_len));
    }
    if let Some(a) = r.dst {
        m.insert("dst".into(), json!(a.to_string()));
        if h.dst_len != full_len(a) {
            m.insert("dstlen".into(), json!(h.dst_len));
        }
    }
    if h.tos != 0 {
        m.insert("tos".into(), json!(format!("{:#x}", h.tos)));
    }
    if let Some(mark) = r.fwmark {
        m.insert("fwmark".into(), json!(format!("{mark:#x}")));
        if let Some(mask) = r.fwmask.filter(|&m| m != u32::MAX) {
            m.insert("fwmask".into(), json!(format!("{mask:#x}")));
        }
    }
    for (k, v) in [("iif", r.iifname), ("oif", r.oifname)] {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    }
    if let Some(u) = r.uid_range {
        m.insert("uid_start".into(), json!(u.start));
        m.insert("uid_end".into(), json!(u.end));
    }
    if let Some(p) = r.ip_proto {
        m.insert("ipproto".into(), json!(ip_proto_name(p)));
    }
    for (k, range) in [("sport", r.sport), ("dport", r.dport)] {
        match range {
            Some(p) if p.start == p.end => drop(m.insert(k.into(), json!(p.start))),
            Some(p) => {
                m.insert(format!("{k}_start"), json!(p.start));
                m.insert(format!("{k}_end"), json!(p.end));
            }
            None => {}
        }
    }
    match h.action {
        FR_ACT_TO_TBL => drop(m.insert("table".into(), json!(naming::table(r.table)))),
        FR_ACT_GOTO => drop(m.insert("goto".into(), json!(r.goto.unwrap_or(0)))),
        other => drop(m.insert("action".into(), json!(action_name(other)))),
    }
    if let Some(n) = r.suppress_prefixlen.filter(|&n| n != u32::MAX) {
        m.insert("suppress_prefixlen".into(), json!(n));
    }
    if let Some(p) = shown_protocol(r, details) {
        m.insert("protocol".into(), json!(naming::protocol(p)));
    }
    m
}

fn full_len(a: std::net::IpAddr) -> u8 {
    if a.is_ipv4() {
        32
    } else {
        128
    }
}

const ACTIONS: [(&str, u8); 5] = [
    ("blackhole", FR_ACT_BLACKHOLE),
    ("unreachable", FR_ACT_UNREACHABLE),
    ("prohibit", FR_ACT_PROHIBIT),
    ("nop", FR_ACT_NOP),
    ("goto", FR_ACT_GOTO),
];

fn action_name(a: u8) -> String {
    // ip prints the others with rtnl_rtntype_n2a, a number under -N.
    if naming::numeric() && a != FR_ACT_NOP {
        return a.to_string();
    }
    ACTIONS.iter().find(|(_, v)| *v == a).map_or_else(|| a.to_string(), |(n, _)| (*n).into())
}

const IP_PROTOS: [(&str, u8); 6] =
    [("icmp", 1), ("tcp", 6), ("udp", 17), ("ipv6-icmp", 58), ("sctp", 132), ("udplite", 136)];

fn ip_proto_name(p: u8) -> String {
    IP_PROTOS.iter().find(|(_, v)| *v == p).map_or_else(|| p.to_string(), |(n, _)| (*n).into())
}

pub(super) fn ip_proto(s: &str) -> Option<u8> {
    IP_PROTOS.iter().find(|(n, _)| *n == s).map(|(_, v)| *v).or_else(|| args::number(s))
}

pub(super) fn range<T: TryFrom<u64> + Copy>(s: &str) -> Option<Range<T>> {
    match s.split_once('-') {
        Some((a, b)) => Some(Range { start: args::number(a)?, end: args::number(b)? }),
        None => args::number(s).map(|v| Range { start: v, end: v }),
    }
}

/// `rule add|del`: the table's rows (`grammar::tables::RULE_ADD`) and
/// what each applies to the rule; any other word is the action's type.
pub static WALK: Walk<RuleSpec> = Walk {
    name: "rule add",
    cmd: &crate::grammar::tables::RULE_ADD,
    apply: &[
        ("not", |s, _| {
            s.invert = true;
            Ok(())
        }),
        ("from", |s, v| {
            s.src = selector_prefix(v, "from")?;
            Ok(())
        }),
        ("to", |s, v| {
            s.dst = selector_prefix(v, "to")?;
            Ok(())
        }),
        ("preference", |s, v| {
            s.priority =
                Some(args::number(v).ok_or_else(|| invarg("preference value is invalid", v))?);
            Ok(())
        }),
        ("tos", |s, v| {
            s.tos = dsfield(v).ok_or_else(|| invarg("TOS value is invalid", v))?;
            Ok(())
        }),
        ("fwmark", |s, v| {
            let (mark, mask) = v.split_once('/').map_or((v, None), |(m, k)| (m, Some(k)));
            let mark = args::number(mark).ok_or_else(|| invarg("fwmark value is invalid", mark))?;
            let mask = match mask {
                Some(m) => {
                    Some(args::number(m).ok_or_else(|| invarg("fwmask value is invalid", m))?)
                }
                None => None,
            };
            s.fwmark = Some((mark, mask));
            Ok(())
        }),
        ("protocol", |s, v| {
            s.protocol = Some(
                names::parse_route_protocol(v).ok_or_else(|| invarg("invalid \"protocol\"", v))?,
            );
            Ok(())
        }),
        ("table", |s, v| {
            s.table =
                Some(names::parse_route_table(v).ok_or_else(|| invarg("invalid table ID", v))?);
            Ok(())
        }),
        ("suppress_prefixlength", |s, v| {
            let n = args::number(v)
                .ok_or_else(|| invarg("suppress_prefixlength value is invalid", v))?;
            s.suppress_prefixlen = Some(n);
            Ok(())
        }),
        ("dev", |s, v| {
            s.iifname = Some(args::ifname(v.to_string())?);
            Ok(())
        }),
        ("oif", |s, v| {
            s.oifname = Some(args::ifname(v.to_string())?);
            Ok(())
        }),
        ("uidrange", |s, v| {
            let r = v.split_once('-').and_then(|_| range(v));
            s.uid_range = Some(r.ok_or_else(|| invarg("invalid UID range", v))?);
            Ok(())
        }),
        ("ipproto", |s, v| {
            s.ip_proto = Some(ip_proto(v).ok_or_else(|| invarg("Invalid \"ipproto\" value", v))?);
            Ok(())
        }),
        ("sport", |s, v| {
            s.sport = Some(range(v).ok_or_else(|| invarg("invalid port range", v))?);
            Ok(())
        }),
        ("dport", |s, v| {
            s.dport = Some(range(v).ok_or_else(|| invarg("invalid dport range", v))?);
            Ok(())
        }),
        ("goto", |s, v| {
            s.goto = Some(args::number(v).ok_or_else(|| invarg("invalid goto index", v))?);
            s.action = Some(FR_ACT_GOTO);
            Ok(())
        }),
        ("nop", |s, _| {
            s.action = Some(FR_ACT_NOP);
            Ok(())
        }),
        ("type", rule_type),
    ],
    more: &[],
    other: Some(|out, rest| rule_type(out, rest.word())),
    stop: &[],
};

/// The action by its type's name (`ip rule add ... blackhole`).
fn rule_type(s: &mut RuleSpec, v: &str) -> Result<()> {
    let action = ACTIONS.iter().find(|(n, _)| *n == v).map(|(_, a)| *a);
    s.action = Some(action.ok_or_else(|| invarg("Failed to parse rule type", v))?);
    Ok(())
}

fn change(ctx: &mut Ctx, a: Args, add: bool) -> Result<()> {
    let mut spec = RuleSpec { family: ctx.family, ..Default::default() };
    let words: Vec<String> = a.collect();
    WALK.run(&words, &mut spec)?;
    if spec.family == AF_UNSPEC && spec.src.is_none() && spec.dst.is_none() {
        spec.family = AF_INET;
    }
    if add && spec.table.is_none() && spec.goto.is_none() && spec.action.is_none() {
        spec.table = Some(RT_TABLE_MAIN);
    }
    if ![AF_INET, AF_INET6, AF_UNSPEC].contains(&spec.family) {
        bail!("unsupported family");
    }
    if add {
        ctx.conn.rule_add(&spec)?
    } else {
        refuse_empty(&spec)?;
        ctx.conn.rule_del(&spec)?
    }
    Ok(())
}

/// Refuses a delete with an empty selector: the kernel deletes the first
/// rule its selectors match, and with none that is `lookup local`
/// (priority 0). Any other selector is the kernel's to match: several
/// matches delete the first, as `ip rule del` does (scripts loop `while ip
/// rule del table N` to remove them all), and a rule of any action matches
/// when none is named.
fn refuse_empty(spec: &RuleSpec) -> Result<()> {
    if spec.selects_nothing() {
        bail!(
            "\"rule delete\" requires a selector (priority, from, to, table, fwmark, iif, ...): \
             with none the kernel would delete the first rule, \"lookup local\""
        );
    }
    Ok(())
}

/// `from all` / `to all` is no selector; otherwise a prefix.
fn selector_prefix(v: &str, word: &str) -> Result<Option<(std::net::IpAddr, u8)>> {
    if v == "all" {
        return Ok(None);
    }
    args::prefix(v).map(Some).with_context(|| format!("invalid prefix \"{v}\" for \"{word}\""))
}
