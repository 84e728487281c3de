//! `nlkit route`: show, get, add, change, replace, prepend, append, test
//! and delete routes, read and printed as iproute2 6.1's `ip route` reads
//! and prints them (text, or `-j` objects with its keys in its order).
//!
//! The words are read as `ip route` reads them: keywords are tried in its
//! order and the first one a word abbreviates wins (`t` is `table`, `p` is
//! `priority` in `add`), and a word that is no keyword is the prefix.
//!
//! `show` asks the kernel to filter on family, table, protocol, type and
//! device, and checks the rest (prefixes, gateway, source, metric, ...)
//! here; it streams the dump in constant memory, each route formatted
//! straight into the output buffer.

use super::route_args::*;
use super::route_print::View;
use super::Ctx;
use crate::out::write_error;
use crate::out::writer::{IfNames, Printer};
use crate::out::Output;
use crate::words::Args;
use anyhow::{anyhow, bail, Result};
use nlkit::rtnl::names;
use nlkit::rtnl::route::nexthop::NexthopSpec;
use nlkit::rtnl::route::{RouteFilter, RouteQuery, RouteSpec};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::{AF_INET, AF_UNSPEC};
use nlkit::wire::Flags;

pub fn run(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    let Some(cmd) = a.next() else { return show(ctx, a) };
    if let Some(op) = change_op(&cmd) {
        return modify(ctx, a, op);
    }
    let is = |w: &str| matches(&cmd, w);
    if is("list") || is("show") || is("lst") {
        show(ctx, a)
    } else if is("get") {
        get(ctx, a)
    } else if is("flush") {
        super::route_bulk::flush(ctx, a)
    } else if is("save") {
        super::route_bulk::save(ctx, a)
    } else if is("restore") {
        super::route_bulk::restore(ctx, a)
    } else {
        bail!(
            "Command \"{cmd}\" is unknown; expected one of: show, get, add, change, replace, \
             prepend, append, test, delete, flush, save, restore"
        )
    }
}

/// What a route selector (`show`, `flush`, `save`) chose: the client-side
/// filter, the kernel's, the table, and how `show` prints.
pub(super) struct Selection {
    pub filter: ShowFilter,
    pub kernel: RouteFilter,
    pub table: u32,
    pub view: View,
}

/// Reads a selector: `[table T|all|cache] [proto P] [scope S] [type T]
/// [dev D] [iif D] [via [FAMILY] P] [src P] [tos T] [mark M] [metric N]
/// [[to] [root|match|exact] PREFIX] [from [root|match|exact] PREFIX]`.
pub(super) fn select(ctx: &mut Ctx, mut a: Args) -> Result<Selection> {
    let family = ctx.family;
    let mut f = ShowFilter {
        rdst: Prefix::NONE,
        mdst: Prefix::NO_MATCH,
        rsrc: Prefix::NONE,
        msrc: Prefix::NO_MATCH,
        rvia: Prefix::NONE,
        rprefsrc: Prefix::NONE,
        tos: None,
        iif: None,
        oif: None,
        mark: None,
        metric: None,
        realms: None,
    };
    let mut kernel = RouteFilter::default();
    let mut table = RT_TABLE_MAIN;
    let mut view = View { details: ctx.details, stats: ctx.stats > 0, ..View::default() };
    let (mut od, mut id) = (None, None);
    while let Some(w) = a.next() {
        let is = |word: &str| matches(&w, word);
        if is("table") {
            let v = value(&mut a, "table")?;
            match names::parse_route_table(&v) {
                Some(t) => table = t,
                None if v == "all" => table = 0,
                None if v == "cache" => kernel.cloned = true,
                None => return Err(invarg("table id value is invalid", &v)),
            }
        } else if is("vrf") {
            bail!("\"{w}\" is not supported by nlkit route show");
        } else if is("cached") || is("cloned") {
            kernel.cloned = true;
        } else if w == "tos" || is("dsfield") {
            let v = value(&mut a, "tos")?;
            f.tos = Some(dsfield(&v).ok_or_else(|| invarg("TOS value is invalid", &v))?);
            view.hide_tos = true;
        } else if is("protocol") {
            let v = value(&mut a, "protocol")?;
            match names::parse_route_protocol(&v) {
                Some(p) => {
                    kernel.protocol = Some(p);
                    view.hide_protocol = true;
                }
                None if v == "all" => {}
                None => return Err(invarg("invalid \"protocol\"", &v)),
            }
        } else if is("scope") {
            let v = value(&mut a, "scope")?;
            match names::parse_route_scope(&v) {
                Some(s) => {
                    kernel.scope = Some(s);
                    view.hide_scope = true;
                }
                None if v == "all" => {}
                None => return Err(invarg("invalid \"scope\"", &v)),
            }
        } else if is("type") {
            let v = value(&mut a, "type")?;
            let t = names::parse_route_type(&v)
                .ok_or_else(|| invarg("node type value is invalid", &v))?;
            kernel.kind = Some(t);
        } else if w == "dev" || w == "oif" {
            od = Some(value(&mut a, &w)?);
        } else if w == "iif" {
            id = Some(value(&mut a, &w)?);
        } else if w == "mark" {
            f.mark = Some(number(&mut a, "mark", "invalid mark value")?);
        } else if is("metric") || is("priority") || w == "preference" {
            f.metric = Some(number(&mut a, &w, "\"metric\" value is invalid")?);
            view.hide_metric = true;
        } else if w == "via" {
            let mut v = value(&mut a, "via")?;
            let mut fam = read_family(&v);
            if fam == AF_UNSPEC {
                fam = family;
            } else {
                v = value(&mut a, "via")?;
            }
            f.rvia = Prefix::parse(&v, fam)?;
        } else if is("realms") {
            let v = value(&mut a, "realms")?;
            let (realm, mask) = realms_filter(&v).ok_or_else(|| invarg("invalid realms", &v))?;
            f.realms = Some((realm, mask));
            view.hide_realms = mask == u32::MAX;
        } else if w == "src" {
            f.rprefsrc = Prefix::parse(&value(&mut a, "src")?, family)?;
        } else if is("from") {
            let v = value(&mut a, "from")?;
            (f.rsrc, f.msrc) = selector(&mut a, v, family, f.rsrc, f.msrc)?;
        } else {
            let w = if is("to") { value(&mut a, "to")? } else { w };
            (f.rdst, f.mdst) = selector(&mut a, w, family, f.rdst, f.mdst)?;
        }
    }
    // `ip route show` lists IPv4 unless a family or all tables are asked for.
    kernel.family = if family == AF_UNSPEC && table != 0 { AF_INET } else { family };
    kernel.table = (table != 0).then_some(table);
    view.one_table = table != 0;
    view.via_len = f.rvia.len;
    view.prefsrc_len = f.rprefsrc.len;
    if let Some(d) = id {
        f.iif = Some(ctx.ifindex(&d)?);
        view.hide_iif = true;
    }
    if let Some(d) = od {
        let index = ctx.ifindex(&d)?;
        (f.oif, kernel.oif) = (Some(index), Some(index));
        view.hide_oif = true;
    }
    Ok(Selection { filter: f, kernel, table, view })
}

/// `ip route show [table T|all|cache] [proto P] [scope S] [type T] [dev D]
/// [iif D] [via [FAMILY] P] [src P] [tos T] [mark M] [metric N]
/// [[to] [root|match|exact] PREFIX] [from [root|match|exact] PREFIX]`.
fn show(ctx: &mut Ctx, a: Args) -> Result<()> {
    let Selection { filter: f, kernel, table, view } = select(ctx, a)?;
    let color = ctx.color;
    let names = IfNames::new(ctx.ifnames()?);
    let Ctx { conn, out, .. } = ctx;
    // Routes are printed into one buffer and written out 32 KiB at a time
    // (pretty JSON: one by one, as each is re-read to indent it).
    let batch = !out.pretty();
    let mut p = Printer::new(out.json(), batch);
    p.set_color(color);
    out.begin()?;
    let dumped = conn.route_dump(&kernel, |r| {
        if f.matches(r) {
            p.route(r, &view, &names);
            if !batch {
                emit(out, &p).map_err(write_error)?;
            } else if p.len() >= 32 * 1024 {
                out.raw_text(p.bytes()).map_err(write_error)?;
                p.clear();
            }
        }
        Ok(())
    });
    if batch {
        out.raw_text(p.bytes())?;
    }
    match dumped {
        // Main may not exist yet (no address was ever added): nothing to show.
        Err(e) if table == RT_TABLE_MAIN && e.errno() == Some(libc::ENOENT) => {}
        Err(nlkit::Error::Kernel(k)) => {
            let text = crate::report::kernel_text(&k, true);
            return Err(crate::report::KernelVerbatim(format!("{text}\nDump terminated")).into());
        }
        Err(e) => return Err(e.into()),
        Ok(_) => {}
    }
    ctx.out.end()
}

/// Writes the route `p` printed last.
fn emit(out: &mut Output, p: &Printer) -> Result<()> {
    if out.json() {
        out.raw_object(p.bytes())
    } else {
        out.raw_text(p.bytes())
    }
}

const IP_PROTOS: [(&str, u8); 6] =
    [("icmp", 1), ("tcp", 6), ("udp", 17), ("ipv6-icmp", 58), ("sctp", 132), ("udplite", 136)];

/// `ip route get [to] ADDRESS [from ADDRESS] [iif DEV] [oif DEV] [mark N]
/// [uid N] [tos TOS] [ipproto P] [sport N] [dport N] [fibmatch]`.
fn get(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    let mut family = ctx.family;
    let (mut dst, mut src, mut idev, mut odev) = (None, None, None, None);
    let (mut mark, mut uid, mut tos, mut fib_match) = (0, None, 0, false);
    let (mut ip_proto, mut sport, mut dport) = (None, None, None);
    while let Some(w) = a.next() {
        let is = |word: &str| matches(&w, word);
        if w == "tos" || is("dsfield") {
            let v = value(&mut a, "tos")?;
            tos = dsfield(&v).ok_or_else(|| invarg("TOS value is invalid", &v))?;
        } else if is("from") {
            let p = Prefix::parse(&value(&mut a, "from")?, family)?;
            family = p.family;
            src = p.ip();
        } else if is("iif") {
            idev = Some(value(&mut a, "iif")?);
        } else if is("mark") {
            mark = number(&mut a, "mark", "invalid mark value")?;
        } else if is("oif") || w == "dev" {
            odev = Some(value(&mut a, &w)?);
        } else if is("notify") || is("connected") || is("vrf") || w == "as" {
            bail!("\"{w}\" is not supported by nlkit route get");
        } else if is("uid") {
            uid = Some(number(&mut a, "uid", "invalid UID")?);
        } else if is("fibmatch") {
            fib_match = true;
        } else if is("sport") || is("dport") {
            let port = number(&mut a, &w, "invalid port")?;
            let port = u16::try_from(port).map_err(|_| invarg("invalid port", &w))?;
            if is("sport") {
                sport = Some(port);
            } else {
                dport = Some(port);
            }
        } else if is("ipproto") {
            let v = value(&mut a, "ipproto")?;
            let p = IP_PROTOS.iter().find(|(n, _)| *n == v).map(|(_, p)| *p);
            let p = p.or_else(|| unsigned(&v).and_then(|n| u8::try_from(n).ok()));
            ip_proto = Some(p.ok_or_else(|| invarg("Invalid \"ipproto\" value", &v))?);
        } else {
            let w = if w == "to" { value(&mut a, "to")? } else { w };
            let p = Prefix::parse(&w, family)?;
            family = p.family;
            let full = full_len(family) as i32;
            if p.len != full {
                crate::report::note!(
                    "Warning: /{} as prefix is invalid, only /{full} (or none) is supported.",
                    p.len
                );
            }
            dst = Some(p.ip().ok_or_else(|| anyhow!("need at least a destination address"))?);
        }
    }
    let Some(dst) = dst else { bail!("need at least a destination address") };
    let mut q = RouteQuery::new(dst);
    (q.src, q.uid, q.tos, q.fib_match, q.ip_proto, q.sport, q.dport) =
        (src, uid, tos, fib_match, ip_proto, sport, dport);
    q.mark = (mark != 0).then_some(mark);
    q.lookup_table = dst.is_ipv4();
    if let Some(d) = idev {
        q.iif = Some(ctx.ifindex(&d)?);
    }
    if let Some(d) = odev {
        q.oif = Some(ctx.ifindex(&d)?);
    }
    let names = IfNames::new(ctx.ifnames()?);
    let view = View { details: ctx.details, stats: ctx.stats > 0, ..View::default() };
    let color = ctx.color;
    let Ctx { conn, out, .. } = ctx;
    let mut p = Printer::new(out.json(), false);
    p.set_color(color);
    conn.route_get(&q, |r| p.route(r, &view, &names))?;
    out.begin()?;
    emit(out, &p)?;
    out.end()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Add,
    Change,
    Replace,
    Prepend,
    Append,
    Test,
    Delete,
}

/// What `ip route add|change|replace|prepend|append|test|delete` takes:
/// `[TYPE] PREFIX [via [FAMILY] GW] [dev D] [src A] [from P] [table T]
/// [proto P] [scope S] [metric N] [tos T] [METRIC [lock] N...] [onlink]
/// [pref P] [nhid N] [expires N] [nexthop via GW dev D weight W [onlink]...]`.
fn modify(ctx: &mut Ctx, a: Args, op: Op) -> Result<()> {
    let request = change_request(ctx, a, op)?;
    Ok(ctx.conn.run(request)?)
}

/// The change command `word` names (`add`, `del`, ...), if it is one.
pub(super) fn change_op(word: &str) -> Option<Op> {
    let is = |w: &str| matches(word, w);
    Some(if is("add") {
        Op::Add
    } else if is("change") || word == "chg" {
        Op::Change
    } else if is("replace") {
        Op::Replace
    } else if is("prepend") {
        Op::Prepend
    } else if is("append") {
        Op::Append
    } else if is("test") {
        Op::Test
    } else if is("delete") {
        Op::Delete
    } else {
        return None;
    })
}

/// A route change as a request value, for `modify` and for `-batch`'s
/// pipeline.
pub(super) type Change = nlkit::engine::Ack<Box<dyn Fn(&mut Builder<'_>) -> WireResult>>;
type Builder<'b> = nlkit::wire::MessageBuilder<'b, Vec<u8>>;
type WireResult = std::result::Result<(), nlkit::wire::Error>;

/// Reads the words of a change into its request (names resolved with the
/// connection, nothing sent).
pub(super) fn change_request(ctx: &mut Ctx, mut a: Args, op: Op) -> Result<Change> {
    let mut spec = RouteSpec::default();
    let mut family = ctx.family;
    let (mut dev, mut dst_ok, mut gw_ok, mut nexthops) = (None, false, false, false);
    let mut lock = 0u32;
    while let Some(w) = a.next() {
        let is = |word: &str| matches(&w, word);
        if w == "src" {
            let addr = address(&value(&mut a, "src")?, family)?;
            family = family_of(family, &addr);
            spec.prefsrc = Some(addr);
        } else if w == "via" {
            let mut v = value(&mut a, "via")?;
            if gw_ok {
                return Err(invarg("use nexthop syntax to specify multiple via", &v));
            }
            gw_ok = true;
            let mut fam = read_family(&v);
            if fam == AF_UNSPEC {
                fam = family;
            } else {
                v = value(&mut a, "via")?;
            }
            let gw = address(&v, fam)?;
            family = family_of(family, &gw);
            spec.gateway = Some(gw);
        } else if w == "from" {
            let p = Prefix::parse(&value(&mut a, "from")?, family)?;
            family = if family == AF_UNSPEC { p.family } else { family };
            spec.src = p.ip().map(|ip| (ip, p.len.max(0) as u8));
        } else if w == "tos" || is("dsfield") {
            let v = value(&mut a, "tos")?;
            spec.tos = dsfield(&v).ok_or_else(|| invarg("\"tos\" value is invalid", &v))?;
        } else if w == "expires" {
            spec.expires = Some(number(&mut a, "expires", "\"expires\" value is invalid")?);
        } else if is("metric") || is("priority") || w == "preference" {
            spec.priority = Some(number(&mut a, &w, "\"metric\" value is invalid")?);
        } else if w == "scope" {
            let v = value(&mut a, "scope")?;
            spec.scope = Some(
                names::parse_route_scope(&v)
                    .ok_or_else(|| invarg("invalid \"scope\" value", &v))?,
            );
        } else if let Some((metric, _)) = metric_keyword(&w) {
            let (v, value_locked) = metric_value(&mut a, &w, metric)?;
            if value_locked {
                lock |= 1 << metric;
            }
            spec.metrics.push((metric, v));
        } else if w == "onlink" {
            spec.onlink = true;
        } else if w == "nexthop" {
            nexthops = true;
            break;
        } else if w == "nhid" {
            spec.nh_id = Some(number(&mut a, "nhid", "\"id\" value is invalid")?);
        } else if is("protocol") {
            let v = value(&mut a, "protocol")?;
            spec.protocol = Some(
                names::parse_route_protocol(&v)
                    .ok_or_else(|| invarg("\"protocol\" value is invalid", &v))?,
            );
        } else if is("table") {
            let v = value(&mut a, "table")?;
            spec.table = Some(
                names::parse_route_table(&v)
                    .ok_or_else(|| invarg("\"table\" value is invalid", &v))?,
            );
        } else if w == "dev" || w == "oif" {
            dev = Some(value(&mut a, &w)?);
        } else if is("pref") {
            let v = value(&mut a, "pref")?;
            spec.pref = Some(match v.as_str() {
                "low" => ICMPV6_ROUTER_PREF_LOW,
                "medium" => ICMPV6_ROUTER_PREF_MEDIUM,
                "high" => ICMPV6_ROUTER_PREF_HIGH,
                _ => unsigned(&v)
                    .and_then(|n| u8::try_from(n).ok())
                    .ok_or_else(|| invarg("\"pref\" value is invalid", &v))?,
            });
        } else if is("vrf")
            || is("realms")
            || is("congctl")
            || w == "as"
            || w == "encap"
            || w == "ttl-propagate"
        {
            bail!("\"{w}\" is not supported by nlkit route");
        } else {
            dst_ok = destination(&mut a, w, &mut spec, &mut family, dst_ok)?;
        }
    }
    if !dst_ok {
        bail!("a destination is required: [TYPE] PREFIX, or \"default\"");
    }
    if let Some(d) = dev {
        spec.oif = Some(ctx.ifindex(&d)?);
    }
    if !spec.metrics.is_empty() && lock != 0 {
        spec.metrics.push((RTAX_LOCK, lock));
    }
    if nexthops {
        spec.nexthops = parse_nexthops(ctx, &mut a, &mut family)?;
    }
    spec.family = if family == AF_UNSPEC { AF_INET } else { family };
    // The flags of `ip route add|replace|append|change|prepend|test|del`.
    let (message_type, flags) = match op {
        Op::Add => (RTM_NEWROUTE, Flags::CREATE | Flags::EXCL),
        Op::Replace => (RTM_NEWROUTE, Flags::CREATE | Flags::REPLACE),
        Op::Append => (RTM_NEWROUTE, Flags::CREATE | Flags::APPEND),
        Op::Change => (RTM_NEWROUTE, Flags::REPLACE),
        Op::Prepend => (RTM_NEWROUTE, Flags::CREATE),
        Op::Test => (RTM_NEWROUTE, Flags::EXCL),
        Op::Delete => (RTM_DELROUTE, Flags::empty()),
    };
    let body: Box<dyn Fn(&mut Builder<'_>) -> WireResult> = if op == Op::Delete {
        Box::new(move |b| spec.emit_del(b))
    } else {
        Box::new(move |b| spec.emit(b))
    };
    Ok(nlkit::engine::Ack { message_type, flags, body })
}

/// `[to] [TYPE] PREFIX`; returns that a destination was read.
fn destination(
    a: &mut Args,
    mut w: String,
    spec: &mut RouteSpec,
    family: &mut u8,
    dst_ok: bool,
) -> Result<bool> {
    if w == "to" {
        w = value(a, "to")?;
    }
    if !w.starts_with(|c: char| c.is_ascii_digit()) {
        if let Some(t) = names::parse_route_type(&w) {
            spec.kind = Some(t);
            w = value(a, "type")?;
        }
    }
    if dst_ok {
        bail!("either \"to\" is duplicate, or \"{w}\" is a garbage.");
    }
    let p = Prefix::parse(&w, *family)?;
    if *family == AF_UNSPEC {
        *family = p.family;
    }
    spec.dst = p.ip().map(|ip| (ip, p.len.max(0) as u8));
    Ok(true)
}

/// `nexthop via GW dev D weight W [onlink] ...`, to the end of the words.
fn parse_nexthops(ctx: &mut Ctx, a: &mut Args, family: &mut u8) -> Result<Vec<NexthopSpec>> {
    let mut hops = Vec::new();
    let mut first = true;
    loop {
        if !first {
            match a.next() {
                None => break,
                Some(w) if w == "nexthop" => {}
                Some(w) => {
                    bail!("\"nexthop\" or end of line is expected instead of \"{w}\"")
                }
            }
        }
        first = false;
        if a.peek().is_none() {
            bail!("unexpected end of line after \"nexthop\"");
        }
        let mut nh = NexthopSpec::default();
        while let Some(w) = a.peek() {
            match w {
                "via" => {
                    a.next();
                    let mut v = value(a, "via")?;
                    let mut fam = read_family(&v);
                    if fam == AF_UNSPEC {
                        fam = *family;
                    } else {
                        v = value(a, "via")?;
                    }
                    let gw = address(&v, fam)?;
                    *family = family_of(*family, &gw);
                    nh.gateway = Some(gw);
                }
                "dev" => {
                    a.next();
                    let d = value(a, "dev")?;
                    nh.oif = Some(ctx.ifindex(&d)?);
                }
                "weight" => {
                    a.next();
                    let v = value(a, "weight")?;
                    nh.weight = unsigned(&v)
                        .filter(|w| (1..=256).contains(w))
                        .ok_or_else(|| invarg("\"weight\" is invalid", &v))?
                        as u16;
                }
                "onlink" => {
                    a.next();
                    nh.onlink = true;
                }
                w if matches(w, "realms") || w == "encap" || w == "as" => {
                    bail!("\"{w}\" in a nexthop is not supported by nlkit route")
                }
                _ => break,
            }
        }
        hops.push(nh);
    }
    Ok(hops)
}
