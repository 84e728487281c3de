//! `nlkit address` (alias `addr`): show, add, change, replace, delete and
//! flush interface addresses, printed as iproute2 6.1's `ip address` prints
//! them (text), or with its `-j` keys and values.
//!
//! This module dispatches the commands and lists (`show`); the others
//! live beside it: `addr_print` prints one address, `addr_filter` holds
//! the selectors of `show` and `flush`, `addr_modify` the commands that
//! change addresses, `addr_words` the words several of them read. Each
//! link's header is the `nlkit link` formatter's ([`link_print`]), as `ip`
//! prints both with `print_linkinfo`: with `-d` the details, with `-s` the
//! statistics (after the link's addresses, as `ip address` has them).
//!
//! `show` follows `ip`'s filtering to the letter, quirks included: a link
//! whose addresses all fail the filters is left out, a link without any
//! address is kept when no family is asked for; `up` leaves a down link's
//! JSON object empty (`{}`), and a filtered-out address of a shown link is
//! an empty object in its `addr_info`; `label` prints no link header.

use super::addr_filter::Filter;
use super::addr_print;
use super::in_order::in_order;
use super::link_print::{self, Show};
use super::{dump_raw, link, link_stats, parse_links, Ctx, Held};
use crate::names::LinkNames;
use crate::out::printer::Printer;
use crate::out::Output;
use crate::words::{self as args, Args};
use anyhow::Result;
use nlkit::rtnl::addr::{AddrHeader, Address};
use nlkit::rtnl::link::{Link, LinkHeader};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::{AF_INET6, AF_UNSPEC};
use serde_json::{Map, Value};
use std::collections::HashMap;

pub fn run(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    // ip's order: the first command a word is a prefix of (`s` is show).
    let choices =
        ["add", "change|chg", "replace", "delete", "list|show|lst", "flush", "save", "restore"];
    if a.peek().is_none() {
        return ctx.consistent(|ctx| show(ctx, a.clone()));
    }
    match args::command_first(&mut a, "address", "list", &choices)? {
        "list" => ctx.consistent(|ctx| show(ctx, a.clone())),
        "flush" => super::addr_modify::flush(ctx, a),
        "save" => super::addr_save::save(ctx, a),
        "restore" => super::addr_save::restore(ctx, a),
        cmd => super::addr_modify::modify(ctx, a, cmd),
    }
}

// Dumps, kept whole so that links and addresses can be read as views
// while both lists are walked.

/// Dumps the kernel's IPv6 view of every link, which `ip -6 address show`
/// lists (no qdisc, group, queue length or details; IPv6 counters for
/// statistics). Every other listing uses the full dump of [`Ctx::links_raw`].
fn dump_links_v6(conn: &mut super::RtConn) -> Result<Held> {
    let header = LinkHeader { family: AF_INET6, ..LinkHeader::default() };
    dump_raw(conn, RTM_GETLINK, &header.to_bytes())
}

/// Dumps the addresses of `family` on interface `index` (0: all), as `ip`
/// asks for them: the kernel filters by index under strict checking, and
/// [`Filter::passes`] checks the index again.
pub(super) fn dump_addrs(conn: &mut super::RtConn, family: u8, index: u32) -> Result<Held> {
    let header = AddrHeader { family, index, ..AddrHeader::default() };
    dump_raw(conn, RTM_GETADDR, &header.to_bytes())
}

pub(super) fn parse_addrs(raw: &Held) -> Result<Vec<Address<'_>>> {
    raw.messages().map(|m| Ok(Address::parse(&m?)?)).collect()
}

/// What `show` prints from: the selectors, every address, how links print.
struct Listing<'a> {
    filter: &'a Filter,
    addrs: &'a [Address<'a>],
    show: Show<'a>,
    /// `-o`: one line per address, `INDEX: NAME` first; no link lines.
    oneline: bool,
    color: Option<crate::out::printer::Palette>,
}

fn show(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    let groups = link_print::read_groups();
    let family = ctx.family;
    if a.at_end() && family != AF_INET6 {
        let filter = Filter::parse(&mut a, family, &LinkNames::default())?;
        return show_in_order(ctx, &filter, &groups);
    }
    let (details, stats, json) = (ctx.details, ctx.stats, ctx.out.json());
    let (brief, ctx_oneline, ctx_color) = (ctx.brief, ctx.oneline, ctx.color);
    // Named with the names of the full dump, which serves both when it can.
    let full = ctx.links_raw()?;
    let filter = Filter::parse(&mut a, family, ctx.ifnames()?)?;
    // A single link is asked for by index, which every family answers in full.
    let link_raw =
        if family == AF_INET6 && filter.index == 0 { dump_links_v6(&mut ctx.conn)? } else { full };
    let (conn, out, names) = ctx.parts()?;
    let addr_raw = dump_addrs(conn, filter.family, filter.index)?;
    let (links, addrs) = (parse_links(&link_raw)?, by_link(parse_addrs(&addr_raw)?));
    let netns = if !json && names.any_netnsid { link::netns_names(conn) } else { HashMap::new() };
    let link_line = filter.family == AF_UNSPEC || details;
    let show = Show {
        names,
        netns: &netns,
        groups: &groups,
        details,
        stats,
        link_cmd: false,
        link_line,
        queue: true,
        brief,
    };
    let oneline = ctx_oneline && !json && !brief;
    let listing = Listing { filter: &filter, addrs: &addrs, show, oneline, color: ctx_color };
    let mut p = Printer::new(json);
    p.set_color(ctx_color);
    out.begin()?;
    for l in links.iter() {
        listing.write(&mut p, out, l).map_err(crate::out::write_error)?;
    }
    out.end()
}

/// `address show` of every address of every link: the addresses are
/// dumped first and kept, the links printed as their dump delivers them
/// ([`in_order`]), each with its addresses.
fn show_in_order(ctx: &mut Ctx, filter: &Filter, groups: &[(u32, String)]) -> Result<()> {
    let (details, stats, brief) = (ctx.details, ctx.stats, ctx.brief);
    let (json, color) = (ctx.out.json(), ctx.color);
    let oneline = ctx.oneline && !json && !brief;
    let addr_raw = dump_addrs(&mut ctx.conn, filter.family, 0)?;
    let addrs = by_link(parse_addrs(&addr_raw)?);
    let link_line = filter.family == AF_UNSPEC || details;
    let mut p = Printer::new(json);
    p.set_color(color);
    ctx.out.begin()?;
    in_order(ctx, |out, l, names, netns| {
        let (link_cmd, queue) = (false, true);
        let show = Show { names, netns, groups, details, stats, link_cmd, link_line, queue, brief };
        let listing = Listing { filter, addrs: &addrs, show, oneline, color };
        listing.write(&mut p, out, l).map_err(crate::out::write_error)
    })?;
    ctx.out.end()
}

/// The addresses ordered by link, each link's in the kernel's order.
fn by_link(mut addrs: Vec<Address<'_>>) -> Vec<Address<'_>> {
    addrs.sort_by_key(Address::index);
    addrs
}

impl Listing<'_> {
    /// Link `l`'s addresses.
    fn own(&self, index: u32) -> &[Address<'_>] {
        let start = self.addrs.partition_point(|a| a.index() < index);
        let len = self.addrs[start..].partition_point(|a| a.index() == index);
        &self.addrs[start..start + len]
    }

    /// Whether `l` is listed at all (`ipaddr_filter`).
    fn lists(&self, l: &Link<'_>) -> bool {
        let index = l.index();
        (self.filter.index == 0 || index == self.filter.index)
            && self.filter.lists(index, self.own(index), self.show.names)
    }

    /// Prints `l` if it is listed, and writes it out.
    fn write(&self, p: &mut Printer, out: &mut Output, l: &Link<'_>) -> Result<()> {
        if !self.lists(l) {
            return Ok(());
        }
        self.print(p, l);
        if p.is_json() {
            out.object(p.take())?;
        } else if !p.text().is_empty() {
            out.line(format_args!("{}", p.text()))?;
            p.take();
        }
        Ok(())
    }

    /// One link as `ip address show` prints it: the link (`print_linkinfo`),
    /// its addresses, its statistics. Under `up`, nothing of a down link;
    /// under `label`, its addresses only.
    fn print(&self, p: &mut Printer, l: &Link<'_>) {
        if self.filter.up && !l.is_up() || !self.filter.link_matches(l) {
            return;
        }
        if self.oneline {
            return self.addresses_oneline(p, l);
        }
        if self.show.brief {
            // `ip -br address`: the link's name and state, then each
            // address on the same line; no statistics.
            link_print::link(p, l, &self.show);
            return self.addresses(p, l.index());
        }
        let header = self.filter.label.is_none();
        if header {
            link_print::link(p, l, &self.show);
        }
        self.addresses(p, l.index());
        if header && self.show.stats > 0 {
            p.nl();
            link_stats::print(p, l, self.show.stats);
        }
    }

    /// `-o`: each address as `INDEX: NAME    inet ...`, its line breaks as
    /// `\`, one per line of output.
    fn addresses_oneline(&self, p: &mut Printer, l: &Link<'_>) {
        let (f, names) = (&self.filter, self.show.names);
        let index = l.index();
        let own = self.own(index).iter();
        let own = own.filter(|a| f.family == AF_UNSPEC || a.family() == f.family);
        let name = names.name(index);
        for a in own.filter(|a| f.passes(a, names)) {
            if !p.text().is_empty() {
                p.nl();
            }
            let mut one = Printer::new(false);
            one.set_color(self.color);
            addr_print::addr(&mut one, a);
            let text = super::one_line(one.text(), true);
            p.fp(format_args!("{index}: {name}{text}"));
        }
    }

    /// `print_selected_addrinfo`: the addresses of the family asked for;
    /// in JSON, one that fails the other selectors is an empty object.
    fn addresses(&self, p: &mut Printer, index: u32) {
        let (f, names) = (&self.filter, self.show.names);
        let own = self.own(index).iter();
        let own = own.filter(|a| f.family == AF_UNSPEC || a.family() == f.family);
        let brief = self.show.brief;
        if p.is_json() {
            let object = |a: &Address<'_>| match f.passes(a, names) {
                true if brief => addr_print::brief_json(a),
                true => addr_print::addr_json(a),
                false => Map::new(),
            };
            p.js("addr_info", || own.map(|a| Value::Object(object(a))).collect());
            return;
        }
        for a in own.filter(|a| f.passes(a, names)) {
            if brief {
                addr_print::brief(p, a);
                continue;
            }
            if !p.text().is_empty() {
                p.nl();
            }
            addr_print::addr(p, a);
        }
    }
}
