//! `nlkit neigh`: show, add, change, replace and delete neighbour entries,
//! printed as iproute2 6.1's `ip neigh` prints them (text), or with its
//! `-j` keys and values.

use super::route_args::invarg;
use super::{Ctx, LinkNames};
use crate::grammar::walk::Walk;
use crate::out::naming;
use crate::out::printer::{Paint, Palette};
use crate::out::write_error;
use crate::out::Output;
use crate::words::values;
use crate::words::{self as args, Args};
use anyhow::{bail, Result};
use nlkit::rtnl::names;
use nlkit::rtnl::neigh::{NeighSpec, Neighbour};
use nlkit::rtnl::uapi::*;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::net::IpAddr;

/// The filter bit `nud none` sets: show entries whose state is 0.
pub(super) const STATE_NONE: u32 = 0x100;

pub fn run(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    // ip's order: the first command a word is a prefix of (`d` is delete).
    let choices = ["add", "change|chg", "replace", "delete", "get", "show|lst|list", "flush"];
    match args::command_first(&mut a, "neigh", "show", &choices)? {
        "show" => ctx.consistent(|ctx| show(ctx, a.clone())),
        "flush" => super::neigh_select::flush(ctx, a),
        "get" => get(ctx, a),
        cmd => change(ctx, a, cmd),
    }
}

/// What `show` prints, beyond what the kernel filters.
pub(super) struct Show {
    pub states: u32,
    pub dev_given: bool,
    pub stats: bool,
    /// `-br`: address, device and link-layer address in columns.
    pub brief: bool,
    /// `-c`: text colors.
    pub color: Option<crate::out::printer::Palette>,
}

/// `color_fprintf`: `text` in `paint`'s color when colors are on.
fn painted(color: Option<Palette>, paint: Paint, text: &str) -> String {
    match color.and_then(|c| c.code(paint)) {
        Some(code) => format!("{code}{text}{}", crate::out::printer::CLEAR),
        None => text.to_owned(),
    }
}

fn show(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut sel = super::neigh_select::select(ctx, a, false)?;
    sel.show.brief = ctx.brief;
    let (conn, out, names) = ctx.parts()?;
    out.begin()?;
    conn.neigh_dump(sel.family, &sel.kernel, |n| {
        if sel.selects(n) {
            print(out, n, &sel.show, names).map_err(write_error)?;
        }
        Ok(())
    })?;
    ctx.out.end()
}

/// Prints one entry, naming its device unless `dev` was given.
fn print(out: &mut Output, n: &Neighbour<'_>, show: &Show, names: &LinkNames) -> Result<()> {
    let index = n.ifindex() as u32;
    let dev = (!show.dev_given && index != 0).then(|| names.name(index).into_owned());
    if show.brief {
        return brief(out, n, show.color, dev.as_deref());
    }
    if out.json() {
        out.object(to_json(n, show, dev.as_deref()))
    } else {
        out.line(format_args!("{}", to_text(n, show, dev.as_deref())))
    }
}

/// `-br`: ip's columns (`%-39s %-16s %s`: the device's only when no `dev`
/// was given), or those three keys in JSON.
fn brief(out: &mut Output, n: &Neighbour<'_>, c: Option<Palette>, dev: Option<&str>) -> Result<()> {
    let dst = n.dst.map(|d| naming::host(&d).unwrap_or_else(|| d.to_string()));
    let ll = n.lladdr.map(lladdr_text);
    if out.json() {
        let mut m = Map::new();
        m.extend(dst.map(|d| ("dst".to_string(), json!(d))));
        m.extend(dev.map(|d| ("dev".to_string(), json!(d))));
        m.extend(ll.map(|l| ("lladdr".to_string(), json!(l))));
        return out.object(m);
    }
    let family = if n.dst.is_some_and(|d| d.is_ipv4()) { libc::AF_INET } else { libc::AF_INET6 };
    let mut s =
        painted(c, Paint::family(family as u8), &format!("{:<39} ", dst.unwrap_or_default()));
    if let Some(dev) = dev {
        s.push_str(&painted(c, Paint::Ifname, &format!("{dev:<16} ")));
    }
    if let Some(ll) = ll {
        s.push_str(&painted(c, Paint::Mac, &ll));
    }
    out.line(format_args!("{s}"))
}

/// `ip`'s rule: an entry shows if its state is asked for, or it is a proxy
/// or externally learned entry, or its state is 0 and `nud none` was given.
pub(super) fn shown(n: &Neighbour<'_>, states: u32) -> bool {
    let flags = n.flags() as u32;
    states & n.state() as u32 != 0
        || flags & (NTF_PROXY | NTF_EXT_LEARNED) != 0
        || (n.state() == 0 && states & STATE_NONE != 0)
}

fn lladdr_text(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        let _ = write!(s, "{}{b:02x}", if i == 0 { "" } else { ":" });
    }
    s
}

/// The flag words `ip` prints after the link-layer address, in its order.
fn flag_words(n: &Neighbour<'_>) -> impl Iterator<Item = &'static str> {
    let flags = n.flags() as u32;
    [
        (NTF_ROUTER, "router"),
        (NTF_PROXY, "proxy"),
        (NTF_EXT_LEARNED, "extern_learn"),
        (NTF_OFFLOADED, "offload"),
    ]
    .into_iter()
    .filter(move |(bit, _)| flags & bit != 0)
    .map(|(_, name)| name)
}

/// User-space clock ticks per second, as `ip` divides cache times by it.
const USER_HZ: u32 = 100;

pub(super) fn to_text(n: &Neighbour<'_>, show: &Show, dev: Option<&str>) -> String {
    let c = show.color;
    let mut s = n.dst.map_or(String::new(), |d| {
        let family = if d.is_ipv4() { libc::AF_INET } else { libc::AF_INET6 };
        let d = naming::host(&d).unwrap_or_else(|| d.to_string());
        painted(c, Paint::family(family as u8), &format!("{d} "))
    });
    if let Some(dev) = dev {
        let _ = write!(s, "dev {}", painted(c, Paint::Ifname, &format!("{dev} ")));
    }
    if let Some(ll) = n.lladdr {
        let _ = write!(s, "lladdr {}", painted(c, Paint::Mac, &format!("{} ", lladdr_text(ll))));
    }
    for word in flag_words(n) {
        let _ = write!(s, "{word} ");
    }
    if show.stats {
        if let Some(ci) = n.cacheinfo {
            if ci.refcnt != 0 {
                let _ = write!(s, " ref {}", ci.refcnt);
            }
            let _ = write!(
                s,
                " used {}/{}/{}",
                ci.used / USER_HZ,
                ci.confirmed / USER_HZ,
                ci.updated / USER_HZ
            );
        }
        if let Some(p) = n.probes {
            let _ = write!(s, "probes {p} ");
        }
    }
    for state in names::neigh_states(n.state()).filter(|_| n.state() != 0) {
        let _ = write!(s, "{state} ");
    }
    if let Some(p) = n.protocol.filter(|&p| p != 0) {
        let _ = write!(s, "proto {} ", naming::protocol(p));
    }
    s
}

pub(super) fn to_json(n: &Neighbour<'_>, show: &Show, dev: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(d) = n.dst {
        m.insert("dst".into(), json!(naming::host(&d).unwrap_or_else(|| d.to_string())));
    }
    if let Some(dev) = dev {
        m.insert("dev".into(), json!(dev));
    }
    if let Some(ll) = n.lladdr {
        m.insert("lladdr".into(), json!(lladdr_text(ll)));
    }
    for word in flag_words(n) {
        m.insert(word.into(), Value::Null);
    }
    if show.stats {
        if let Some(ci) = n.cacheinfo {
            if ci.refcnt != 0 {
                m.insert("refcnt".into(), json!(ci.refcnt));
            }
            m.insert("used".into(), json!(ci.used / USER_HZ));
            m.insert("confirmed".into(), json!(ci.confirmed / USER_HZ));
            m.insert("updated".into(), json!(ci.updated / USER_HZ));
        }
        if let Some(p) = n.probes {
            m.insert("probes".into(), json!(p));
        }
    }
    if n.state() != 0 {
        m.insert("state".into(), json!(names::neigh_states(n.state()).collect::<Vec<_>>()));
    }
    if let Some(p) = n.protocol.filter(|&p| p != 0) {
        m.insert("protocol".into(), json!(naming::protocol(p)));
    }
    m
}

/// `ip neigh add|change|replace|delete [proxy] ADDR [lladdr LL] dev DEV
/// [nud STATE] [router] [extern_learn] [protocol P]`.
/// What `neigh add|change|replace|del` read: plain values and names, the
/// device resolved after the walk.
#[derive(Debug, Default)]
pub struct NeighArgs {
    dst: Option<IpAddr>,
    dev: Option<String>,
    proxy: bool,
    lladdr: Option<Vec<u8>>,
    state: Option<u16>,
    router: bool,
    extern_learn: bool,
    protocol: Option<u8>,
}

/// An address, once (`ip`'s `duparg2("to", ...)` otherwise).
fn set_dst(n: &mut NeighArgs, v: &str) -> Result<()> {
    if n.dst.is_some() {
        bail!("either \"to\" is duplicate, or \"{v}\" is a garbage.");
    }
    n.dst = Some(v.parse().map_err(|_| invarg("\"to\" value is invalid", v))?);
    Ok(())
}

/// `neigh add|change|replace|del`: the table's rows
/// (`grammar::tables::NEIGH_ADD`) and what each applies; any other word
/// is the address.
pub static WALK: Walk<NeighArgs> = Walk {
    name: "neigh add",
    cmd: &crate::grammar::tables::NEIGH_ADD,
    apply: &[
        ("lladdr", |n, v| {
            n.lladdr =
                Some(values::lladdr(v).ok_or_else(|| invarg("\"lladdr\" value is invalid", v))?);
            Ok(())
        }),
        ("nud", |n, v| {
            n.state =
                Some(names::parse_neigh_state(v).ok_or_else(|| invarg("nud state is bad", v))?);
            Ok(())
        }),
        ("proxy", |n, v| {
            n.proxy = true;
            set_dst(n, v)
        }),
        ("router", |n, _| {
            n.router = true;
            Ok(())
        }),
        ("extern_learn", |n, _| {
            n.extern_learn = true;
            Ok(())
        }),
        ("dev", |n, v| {
            n.dev = Some(v.to_string());
            Ok(())
        }),
        ("protocol", |n, v| {
            let p = names::parse_route_protocol(v);
            n.protocol = Some(p.ok_or_else(|| invarg("\"protocol\" value is invalid", v))?);
            Ok(())
        }),
        ("to", set_dst),
    ],
    more: &[],
    other: Some(|out, rest| set_dst(out, rest.word())),
    stop: &[],
};

fn change(ctx: &mut Ctx, a: Args, cmd: &str) -> Result<()> {
    let words: Vec<String> = a.collect();
    let mut n = NeighArgs::default();
    WALK.run(&words, &mut n)?;
    let NeighArgs { dst, dev, proxy, lladdr, state, router, extern_learn, protocol } = n;
    let (Some(dst), Some(dev)) = (dst, dev) else {
        bail!("Device and destination are required arguments.")
    };
    let mut spec = NeighSpec::new(ctx.ifindex(&dev)? as i32, dst);
    spec.lladdr = lladdr;
    spec.state = state.unwrap_or(NUD_PERMANENT);
    (spec.router, spec.proxy, spec.extern_learn, spec.protocol) =
        (router, proxy, extern_learn, protocol);
    match cmd {
        "add" => ctx.conn.neigh_add(&spec)?,
        "replace" => ctx.conn.neigh_replace(&spec)?,
        "change" => ctx.conn.neigh_change(&spec)?,
        _ => ctx.conn.neigh_del(&spec)?,
    }
    Ok(())
}

/// What `neigh get` reads: the address, the device by name, and whether
/// a proxy entry is asked for.
#[derive(Debug, Default)]
pub struct GetWords {
    pub family: u8,
    dst: Option<IpAddr>,
    dev: Option<String>,
    proxy: bool,
}

impl GetWords {
    /// `[to] ADDR` (a word no keyword matches, or after `to`).
    fn to(&mut self, v: &str) -> Result<()> {
        if self.dst.is_some() {
            bail!("either \"to\" is duplicate, or \"{v}\" is a garbage.");
        }
        self.dst = Some(super::route_args::address(v, self.family)?);
        Ok(())
    }
}

/// `neigh get`: the rows of `grammar::tables::NEIGH_GET` (`ipneigh_get`'s
/// order and match rules); any other word is the address.
pub static GET: Walk<GetWords> = Walk {
    name: "neigh get",
    cmd: &crate::grammar::tables::NEIGH_GET,
    apply: &[
        ("dev", |g, v| {
            g.dev = Some(v.to_string());
            Ok(())
        }),
        ("proxy", |g, v| {
            if g.dst.is_some() {
                bail!("duplicate \"address\": \"{v}\" is the second value.");
            }
            g.dst = Some(super::route_args::address(v, g.family)?);
            g.proxy = true;
            Ok(())
        }),
        ("to", GetWords::to),
    ],
    more: &[],
    other: Some(|g, rest| g.to(rest.word())),
    stop: &[],
};

/// `ip neigh get ADDR dev DEV` / `get proxy ADDR [dev DEV]` (a proxy entry
/// may have no device, as ip allows).
fn get(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    let mut g = GetWords { family: ctx.family, ..GetWords::default() };
    let words: Vec<String> = a.by_ref().collect();
    GET.run(&words, &mut g)?;
    let (Some(dst), true) = (g.dst, g.dev.is_some() || g.proxy) else {
        return Err(crate::report::plain("Device and address are required arguments."));
    };
    let (dev, proxy) = (g.dev.unwrap_or_default(), g.proxy);
    let ifindex = if dev.is_empty() { 0 } else { ctx.ifindex(&dev)? as i32 };
    let show = Show {
        states: !0,
        dev_given: false,
        stats: ctx.stats > 0,
        brief: ctx.brief,
        color: ctx.color,
    };
    let (conn, out, names) = ctx.parts()?;
    out.begin()?;
    let print_it = |n: &Neighbour<'_>| print(out, n, &show, names).map_err(write_error);
    if proxy {
        conn.neigh_get_proxy(ifindex, &dst, print_it)?;
    } else {
        conn.neigh_get(ifindex, &dst, print_it)?;
    }
    ctx.out.end()
}
