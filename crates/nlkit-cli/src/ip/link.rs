//! `nlkit link`: show, add, change and delete network interfaces, printed
//! as `ip link` prints them (text), or with `ip -j link`'s keys and values.
//!
//! `show` takes `ip`'s filters as exact words (`dev NAME` or a bare NAME,
//! `up`, `master NAME`, `type KIND`, `group G`), since any other word is a
//! device name. `add` and `set` take keywords by unambiguous prefix; a
//! word that is no keyword is the device's name.

use super::in_order::in_order;
use super::link_print::{self, Show};
use super::route_args::invarg;
use super::{links, one_line, Ctx, Held};
use crate::grammar::walk::Walk;
use crate::out::printer::Printer;
use crate::out::Output;
use crate::words::{self as args, values, Args};
use anyhow::{anyhow, bail, Context, Result};
use nlkit::rtnl::link::{Link, LinkSpec, NetnsTarget};
use nlkit::rtnl::uapi::*;
use nlkit::wire::{Attrs, Flags};
use std::collections::HashMap;
use std::fs::File;
use std::os::fd::AsRawFd;

pub fn run(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    // ip's order: the first command a word is a prefix of (`s` is set).
    match args::command_first(
        &mut a,
        "link",
        "show",
        &["add", "set|change", "delete", "show|lst|list"],
    )? {
        "show" => ctx.consistent(|ctx| show(ctx, a.clone())),
        "add" => add(ctx, a),
        "delete" => delete(ctx, a),
        _ => set(ctx, a),
    }
}

/// `show`'s filters.
#[derive(Default)]
pub struct Filter {
    dev: Option<String>,
    up: bool,
    master: Option<String>,
    kind: Option<String>,
    slave_kind: Option<String>,
    group: Option<u32>,
}

/// `link show`: the rows of `grammar::tables::LINK_SHOW` (whole words, in
/// `ipaddr_list_flush_or_save`'s order); any other word is the device.
pub static SHOW: Walk<Filter> = Walk {
    name: "link show",
    cmd: &crate::grammar::tables::LINK_SHOW,
    apply: &[
        ("up", |f, _| {
            f.up = true;
            Ok(())
        }),
        ("group", |f, v| {
            let id = link_print::parse_group(&link_print::read_groups(), v);
            f.group = Some(id.ok_or_else(|| invarg("Invalid \"group\" value", v))?);
            Ok(())
        }),
        ("master", |f, v| {
            f.master = Some(v.to_string());
            Ok(())
        }),
        ("type", |f, v| {
            match v.strip_suffix("_slave") {
                Some(master_kind) => f.slave_kind = Some(master_kind.into()),
                None => f.kind = Some(v.into()),
            }
            Ok(())
        }),
        ("dev", Filter::dev),
    ],
    more: &[],
    other: Some(|f, rest| f.dev(rest.word())),
    stop: &[],
};

impl Filter {
    fn parse(mut a: Args) -> Result<Self> {
        let mut f = Filter::default();
        let words: Vec<String> = a.by_ref().collect();
        SHOW.run(&words, &mut f)?;
        Ok(f)
    }

    /// The device (`dev NAME`, or a word no keyword matches).
    fn dev(&mut self, name: &str) -> Result<()> {
        if self.dev.replace(name.to_string()).is_some() {
            bail!("either \"dev\" is duplicate, or \"{name}\" is a garbage.");
        }
        Ok(())
    }

    /// What the kernel cannot filter: up, slave kind, group (and the rest
    /// again, for a link got by name).
    fn matches(&self, l: &Link<'_>, master: Option<u32>) -> bool {
        let info = l.linkinfo.as_ref();
        (!self.up || l.is_up())
            && master.is_none_or(|m| l.master == Some(m))
            && self.kind.as_ref().is_none_or(|k| info.and_then(|i| i.kind) == Some(k.as_str()))
            && self.slave_kind.as_ref().is_none_or(|k| info.and_then(|i| i.slave_kind) == Some(k))
            && self.group.is_none_or(|g| l.group == Some(g))
    }
}

fn show(ctx: &mut Ctx, a: Args) -> Result<()> {
    let groups = link_print::read_groups();
    let f = Filter::parse(a)?;
    if f.dev.is_none() && f.master.is_none() {
        return show_in_order(ctx, &f, &groups);
    }
    let (details, stats, json, ctx_brief) = (ctx.details, ctx.stats, ctx.out.json(), ctx.brief);
    let (oneline, color) = (ctx.oneline, ctx.color);
    // The listing and the name table come from one dump.
    let raw = if f.dev.is_none() { ctx.links_raw()? } else { Held::default() };
    let (conn, out, names) = ctx.parts()?;
    let master = match &f.master {
        Some(m) => Some(names.index(m).ok_or_else(|| no_device(m))?),
        None => None,
    };
    let dev = match &f.dev {
        Some(d) => Some(
            names
                .index(d)
                .ok_or_else(|| crate::report::plain(format!("Device \"{d}\" does not exist.")))?,
        ),
        None => None,
    };
    let netns = if !json && names.any_netnsid { netns_names(conn) } else { HashMap::new() };
    let show = Show {
        names,
        netns: &netns,
        groups: &groups,
        details,
        stats,
        link_cmd: true,
        link_line: true,
        queue: true,
        brief: ctx_brief,
    };
    let mut p = Printer::new(json);
    p.set_color(color);
    out.begin()?;
    let mut each = |l: &Link<'_>| {
        if !f.matches(l, master) {
            return Ok(());
        }
        print(&mut p, out, l, &show, oneline)
    };
    match dev {
        Some(index) => conn.link_get_by_index(index, &mut each)?,
        None => {
            for l in links(&raw) {
                each(&l?)?;
            }
        }
    }
    out.end()
}

/// Prints one link and writes it out.
fn print(
    p: &mut Printer,
    out: &mut Output,
    l: &Link<'_>,
    s: &Show<'_>,
    oneline: bool,
) -> nlkit::Result<()> {
    link_print::link(p, l, s);
    let shown = if p.is_json() {
        out.object(p.take())
    } else {
        out.line(format_args!("{}", one_line(p.text(), oneline)))
    };
    p.take(); // empties the text for the next link
    shown.map_err(crate::out::write_error)
}

/// `link show` of every link, printed as the dump delivers them
/// ([`in_order`]).
fn show_in_order(ctx: &mut Ctx, f: &Filter, groups: &[(u32, String)]) -> Result<()> {
    let (details, stats, brief, oneline) = (ctx.details, ctx.stats, ctx.brief, ctx.oneline);
    let mut p = Printer::new(ctx.out.json());
    p.set_color(ctx.color);
    ctx.out.begin()?;
    in_order(ctx, |out, l, names, netns| {
        if !f.matches(l, None) {
            return Ok(());
        }
        let (link_cmd, link_line, queue) = (true, true, true);
        let s = Show { names, netns, groups, details, stats, link_cmd, link_line, queue, brief };
        print(&mut p, out, l, &s, oneline)
    })?;
    ctx.out.end()
}

fn no_device(name: &str) -> anyhow::Error {
    anyhow!("argument \"{name}\" is wrong: Device does not exist")
}

/// `NETNSA_*` (`<linux/net_namespace.h>`).
const NETNSA_NSID: u16 = 1;
const NETNSA_FD: u16 = 3;

/// The names in `/run/netns` by the id this namespace gives them, as
/// `ip` finds them for `link-netns NAME` (the first name of an id wins).
pub(super) fn netns_names(conn: &mut super::RtConn) -> HashMap<i32, String> {
    let mut map = HashMap::new();
    let Ok(dir) = std::fs::read_dir("/run/netns") else { return map };
    for entry in dir.flatten() {
        let Ok(file) = File::open(entry.path()) else { continue };
        if let Some(id) = nsid_of(conn, &file).filter(|&id| id >= 0) {
            map.entry(id).or_insert_with(|| entry.file_name().to_string_lossy().into_owned());
        }
    }
    map
}

/// `RTM_GETNSID` with `NETNSA_FD`: the id of a namespace as seen from the
/// connection's (-1 when it has none; none is assigned by asking).
fn nsid_of(conn: &mut super::RtConn, ns: &File) -> Option<i32> {
    let fd = ns.as_raw_fd() as u32;
    let mut id = None;
    let build = |b: &mut nlkit::wire::MessageBuilder<'_, Vec<u8>>| {
        b.append(&[nlkit::rtnl::AF_UNSPEC, 0, 0, 0])?;
        b.attr_u32(NETNSA_FD, fd)
    };
    let reply = |m: nlkit::wire::Message<'_>| {
        let attrs = Attrs::new(m.payload().get(4..).unwrap_or_default());
        id = attrs.find(NETNSA_NSID)?.map(|a| a.i32()).transpose()?;
        Ok(())
    };
    conn.request(RTM_GETNSID, Flags::empty(), build, reply).ok()?;
    id
}

/// What `add` and `set` read before `type`: plain values and words; the
/// master, the group and the namespace are resolved after the walk.
#[derive(Debug, Default)]
pub struct Common {
    spec: LinkSpec,
    name: Option<String>,
    dev: Option<String>,
    link: Option<String>,
    kind: Option<String>,
    master: Option<String>,
    group: Option<String>,
    netns_word: Option<String>,
    netns: Option<File>,
}

/// Turns an `on|off` row into its flag change.
fn flag(c: &mut Common, v: &str, word: &str, bit: u32, on_sets: bool) -> Result<()> {
    let on = on_off(word, v)?;
    c.spec.flag_changes.push((bit, on == on_sets));
    Ok(())
}

/// `link add|set`: the table's rows (`grammar::tables::LINK_COMMON`) and
/// what each applies; any other word is the device; `type` ends the walk.
pub static WALK: Walk<Common> = Walk {
    name: "link set",
    cmd: &crate::grammar::tables::LINK_SET,
    apply: &[
        ("up", |c, _| {
            c.spec.up = Some(true);
            Ok(())
        }),
        ("down", |c, _| {
            c.spec.up = Some(false);
            Ok(())
        }),
        ("name", |c, v| {
            let n = args::ifname(v.to_string())?;
            c.dev.get_or_insert_with(|| n.clone());
            c.name = Some(n);
            Ok(())
        }),
        ("link", |c, v| {
            c.link = Some(v.to_string());
            Ok(())
        }),
        ("address", |c, v| {
            c.spec.address = Some(values::lladdr(v).ok_or_else(|| invalid("address", v))?);
            Ok(())
        }),
        ("broadcast", |c, v| {
            c.spec.broadcast = Some(values::lladdr(v).ok_or_else(|| invalid("broadcast", v))?);
            Ok(())
        }),
        ("txqueuelen", |c, v| {
            c.spec.txqlen = Some(args::number(v).ok_or_else(|| invalid("txqueuelen", v))?);
            Ok(())
        }),
        ("mtu", |c, v| {
            c.spec.mtu = Some(args::number(v).ok_or_else(|| invalid("mtu", v))?);
            Ok(())
        }),
        ("netns", |c, v| {
            c.netns_word = Some(v.to_string());
            Ok(())
        }),
        ("multicast", |c, v| flag(c, v, "multicast", IFF_MULTICAST, true)),
        ("allmulticast", |c, v| flag(c, v, "allmulticast", IFF_ALLMULTI, true)),
        ("promisc", |c, v| flag(c, v, "promisc", IFF_PROMISC, true)),
        // ip's words name the opposite of two flags: arp on clears NOARP.
        ("trailers", |c, v| flag(c, v, "trailers", IFF_NOTRAILERS, false)),
        ("arp", |c, v| flag(c, v, "arp", IFF_NOARP, false)),
        ("carrier", |c, v| {
            c.spec.carrier = Some(on_off("carrier", v)?);
            Ok(())
        }),
        ("master", |c, v| {
            c.master = Some(v.to_string());
            Ok(())
        }),
        ("nomaster", |c, _| {
            c.spec.master = Some(0);
            Ok(())
        }),
        ("dynamic", |c, v| flag(c, v, "dynamic", IFF_DYNAMIC, true)),
        ("type", |c, v| {
            c.kind = Some(v.to_string());
            Ok(())
        }),
        ("alias", |c, v| {
            c.spec.alias = Some(v.to_string());
            Ok(())
        }),
        ("group", |c, v| {
            c.group = Some(v.to_string());
            Ok(())
        }),
        ("dev", Common::set_dev),
    ],
    more: &[],
    other: Some(|out, rest| Common::set_dev(out, rest.word())),
    stop: &["type"],
};

/// `Invalid "KEYWORD" value: "V"`.
fn invalid(keyword: &str, v: &str) -> anyhow::Error {
    anyhow!("Invalid \"{keyword}\" value: \"{v}\"")
}

impl Common {
    /// Walks the words up to `type` (the rest stay in `a` for the kind),
    /// then resolves names with the connection.
    fn parse(ctx: &mut Ctx, a: &mut Args) -> Result<Self> {
        let words: Vec<String> = a.by_ref().collect();
        let mut c = Common::default();
        let used = WALK.run(&words, &mut c)?;
        *a = Args::new(words[used..].to_vec());
        match (&c.name, &c.dev) {
            (None, Some(d)) => c.name = Some(d.clone()),
            (Some(n), None) => c.dev = Some(n.clone()),
            _ => {}
        }
        if let Some(m) = c.master.take() {
            c.spec.master = Some(ctx.ifnames()?.index(&m).ok_or_else(|| no_device(&m))?);
        }
        if let Some(g) = c.group.take() {
            let groups = link_print::read_groups();
            c.spec.group =
                Some(link_print::parse_group(&groups, &g).ok_or_else(|| invalid("group", &g))?);
        }
        if let Some(ns) = c.netns_word.take() {
            c.netns(ns)?;
        }
        Ok(c)
    }

    fn set_dev(&mut self, dev: &str) -> Result<()> {
        if self.dev.is_some() && self.dev != self.name {
            bail!("either \"dev\" is duplicate, or \"{dev}\" is a garbage.");
        }
        self.dev = Some(args::ifname(dev.to_string())?);
        Ok(())
    }

    /// `netns NAME` (a file in /run/netns, or a path) or `netns PID`.
    fn netns(&mut self, v: String) -> Result<()> {
        let path = if v.contains('/') { v.clone() } else { format!("/run/netns/{v}") };
        match File::open(&path) {
            Ok(f) => {
                self.spec.netns = Some(NetnsTarget::Fd(f.as_raw_fd()));
                self.netns = Some(f);
            }
            Err(_) => {
                let pid = args::number(&v)
                    .with_context(|| format!("Invalid \"netns\" value: \"{v}\""))?;
                self.spec.netns = Some(NetnsTarget::Pid(pid));
            }
        }
        Ok(())
    }
}

/// `on` or `off`, as ip's `on_off` says it.
fn on_off(keyword: &str, v: &str) -> Result<bool> {
    match v {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => bail!("argument of \"{keyword}\" must be \"on\" or \"off\", not \"{v}\""),
    }
}

fn add(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    let mut c = Common::parse(ctx, &mut a)?;
    let kind = c.kind.take().context("\"type\" is required to add a link")?;
    let link = match &c.link {
        Some(l) => Some(ctx.ifindex(l)?),
        None => None,
    };
    c.spec.name = c.name.take();
    c.spec.kind = Some(super::link_add::kind(ctx, &kind, link, a)?);
    ctx.conn.link_add(&c.spec)?;
    Ok(())
}

fn set(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    let c = Common::parse(ctx, &mut a)?;
    if let Some(kind) = &c.kind {
        bail!("\"type {kind}\": changing a kind's settings is not supported");
    }
    if c.link.is_some() {
        bail!("\"link\" can only be given to add");
    }
    let dev = c.dev.as_deref().context("Not enough information: \"dev\" argument is required.")?;
    let index = ctx.ifindex(dev)?;
    let spec = LinkSpec { index, name: c.name.filter(|n| n != dev), ..c.spec };
    ctx.conn.link_set(&spec)?;
    drop(c.netns); // the namespace's descriptor had to stay open until now
    Ok(())
}

fn delete(ctx: &mut Ctx, a: Args) -> Result<()> {
    let dev = super::DevWord::read(&super::DEV_ONLY[0], a)?.dev;
    let dev = dev.ok_or_else(|| {
        crate::report::plain("Not enough information: \"dev\" argument is required.")
    })?;
    let index = ctx.ifindex(&dev)?;
    ctx.conn.link_del(index)?;
    Ok(())
}
