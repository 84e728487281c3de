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
use super::route_words::{ChangeWords, GetWords, SelectWords, CHANGE, GET, SELECT};
use super::Ctx;
use crate::out::write_error;
use crate::out::writer::{IfNames, Printer};
use crate::out::Output;
use crate::words::Args;
use anyhow::{bail, Result};
use nlkit::rtnl::route::{RouteFilter, RouteQuery};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::{AF_INET, AF_UNSPEC};
use nlkit::wire::Flags;

pub fn run(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    let Some(cmd) = a.next() else { return ctx.consistent(|ctx| show(ctx, a.clone())) };
    if let Some(op) = change_op(&cmd) {
        return modify(ctx, a, op);
    }
    let is = |w: &str| matches(&cmd, w);
    if is("list") || is("show") || is("lst") {
        ctx.consistent(|ctx| show(ctx, a.clone()))
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
/// [[to] [root|match|exact] PREFIX] [from [root|match|exact] PREFIX]`
/// (the walk, `route_words::SELECT`), then resolves its devices.
pub(super) fn select(ctx: &mut Ctx, mut a: Args) -> Result<Selection> {
    let view = View {
        details: ctx.details,
        stats: ctx.stats > 0,
        oneline: ctx.oneline,
        ..View::default()
    };
    let mut s = SelectWords::new(ctx.family, view);
    let words: Vec<String> = a.by_ref().collect();
    SELECT.run(&words, &mut s)?;
    let SelectWords { family, filter: mut f, mut kernel, table, mut view, .. } = s;
    // `ip route show` lists IPv4 unless a family or all tables are asked for.
    kernel.family = if family == AF_UNSPEC && table != 0 { AF_INET } else { family };
    kernel.table = (table != 0).then_some(table);
    view.one_table = table != 0;
    view.via_len = f.rvia.len;
    view.prefsrc_len = f.rprefsrc.len;
    if let Some(d) = &s.iif {
        f.iif = Some(ctx.ifindex(d)?);
        view.hide_iif = true;
    }
    if let Some(d) = &s.oif {
        let index = ctx.ifindex(d)?;
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

/// `ip route get [to] ADDRESS [from ADDRESS] [iif DEV] [oif DEV] [mark N]
/// [uid N] [tos TOS] [ipproto P] [sport N] [dport N] [fibmatch]`.
fn get(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    let mut g = GetWords { family: ctx.family, ..GetWords::default() };
    let words: Vec<String> = a.by_ref().collect();
    GET.run(&words, &mut g)?;
    let Some(dst) = g.dst else { bail!("need at least a destination address") };
    let mut q = RouteQuery::new(dst);
    (q.src, q.uid, q.tos, q.fib_match, q.ip_proto, q.sport, q.dport) =
        (g.src, g.uid, g.tos, g.fib_match, g.ip_proto, g.sport, g.dport);
    q.mark = (g.mark != 0).then_some(g.mark);
    q.lookup_table = dst.is_ipv4();
    if let Some(d) = &g.iif {
        q.iif = Some(ctx.ifindex(d)?);
    }
    if let Some(d) = &g.oif {
        q.oif = Some(ctx.ifindex(d)?);
    }
    let names = IfNames::new(ctx.ifnames()?);
    let view = View {
        details: ctx.details,
        stats: ctx.stats > 0,
        oneline: ctx.oneline,
        ..View::default()
    };
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

/// Reads the words of a change into its request (the walk,
/// `route_words::CHANGE`; then names resolved with the connection; nothing
/// sent).
pub(super) fn change_request(ctx: &mut Ctx, mut a: Args, op: Op) -> Result<Change> {
    let mut c = ChangeWords { family: ctx.family, ..ChangeWords::default() };
    let words: Vec<String> = a.by_ref().collect();
    CHANGE.run(&words, &mut c)?;
    if !c.dst_ok {
        bail!("a destination is required: [TYPE] PREFIX, or \"default\"");
    }
    let ChangeWords { mut spec, family, .. } = c;
    if let Some(d) = &c.dev {
        spec.oif = Some(ctx.ifindex(d)?);
    }
    if !spec.metrics.is_empty() && c.lock != 0 {
        spec.metrics.push((RTAX_LOCK, c.lock));
    }
    for (mut hop, dev) in c.nexthops {
        if let Some(d) = dev {
            hop.oif = Some(ctx.ifindex(&d)?);
        }
        spec.nexthops.push(hop);
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
