//! `nlkit monitor [all | OBJECT...] [label] [dev NAME] [-t | -ts]`: each
//! rtnetlink event as iproute2 6.1's `ip monitor` prints it, line for line
//! (`ip/ipmonitor.c`): links as `ip link show` prints them, addresses as
//! `IDX: DEV    inet ...`, routes as `ip route show table all`, neighbours,
//! rules and netconf notices as their `show`s, each `Deleted ` when gone.
//! `label` (or `all`) puts `[LINK]`, `[ADDR]`, ... in front; `-t` a
//! `Timestamp: ... usec` line before each event, `-ts` a short
//! `[2026-12-03T22:03:10.515097] ` (local time, as ip). The objects are
//! link, address, route, neigh, rule and netconf (the default: all of
//! them); ip's mroute, prefix, nsid, nexthop and stats are refused.
//!
//! With `-j`, one JSON object per event: `object`, `event` (`new`/`del`),
//! `timestamp` (seconds, with `-t`/`-ts`) and the keys `ip -j` gives the
//! object in its `show` (ip 6.1 has no JSON monitor). An overrun (the
//! kernel dropped notifications because this reader fell behind) is said
//! as ip says it, on stderr (`-j`: `{"overrun": true}` in the stream), and
//! reading goes on: what was missed is never silently skipped.

use super::neigh::{self, Show as NeighShow};
use super::route_print::View;
use super::{addr_print, link_print, netconf_print, rule, Ctx, LinkNames};
use crate::out::printer::Printer;
use crate::out::writer::IfNames;
use crate::out::writer::Printer as RoutePrinter;
use crate::words::Args;
use anyhow::{bail, Result};
use nlkit::rtnl::events::{Change, Event, Monitor, Rtnl, Watch};
use nlkit::rtnl::uapi::RTM_F_CLONED;
use nlkit::rtnl::AF_UNSPEC;
use nlkit::sub::Item;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// The words `ip monitor` takes, in the order it tries them (a word is
/// read as the first it abbreviates: `l` is `label`).
const WORDS: [&str; 17] = [
    "file", "label", "link", "address", "route", "mroute", "prefix", "neigh", "netconf", "rule",
    "nsid", "nexthop", "stats", "all", "all-nsid", "help", "dev",
];

/// What `-t`/`-ts` put before each event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stamp {
    None,
    /// `-t`: `Timestamp: Thu Dec  3 22:03:10 2026 514780 usec` on a line.
    Long,
    /// `-ts`: `[2026-12-03T22:03:10.515097] `.
    Short,
}

struct Options {
    /// `file FILE`: replay what `rtmon` saved instead of listening.
    file: Option<String>,
    kinds: Vec<Watch>,
    label: bool,
    stamp: Stamp,
    /// `dev NAME`: only this interface's links, addresses, routes,
    /// neighbours and netconf notices.
    dev: Option<u32>,
}

impl Options {
    fn parse(ctx: &mut Ctx, mut a: Args) -> Result<Options> {
        let mut o =
            Options { file: None, kinds: Vec::new(), label: false, stamp: Stamp::None, dev: None };
        while let Some(w) = a.next() {
            match w.as_str() {
                "-t" | "-timestamp" | "--timestamp" => o.stamp = Stamp::Long,
                "-ts" | "-tshort" => o.stamp = Stamp::Short,
                // ip: exact words, not prefixes.
                "stats" => bail!("\"stats\" is not supported by nlkit monitor"),
                "all" => o.label = true,
                "dev" => o.dev = Some(ctx.ifindex(&a.value("dev")?)?),
                _ => match WORDS.iter().find(|k| k.starts_with(w.as_str()) && !w.is_empty()) {
                    Some(&"file") => o.file = Some(a.value("file")?),
                    Some(&"label") => o.label = true,
                    Some(&"link") => o.kinds.push(Watch::Link),
                    Some(&"address") => o.kinds.push(Watch::Addr),
                    Some(&"route") => o.kinds.push(Watch::Route),
                    Some(&"neigh") => o.kinds.push(Watch::Neigh),
                    Some(&"netconf") => o.kinds.push(Watch::Netconf),
                    Some(&"rule") => o.kinds.push(Watch::Rule),
                    Some(&"help") => bail!(
                        "Usage: nlkit monitor [ all | OBJECTS ] [ label ] [ dev DEVICE ] [ -t | -ts ]\n\
                                           [ file FILE ]\n\
                         OBJECTS :=  address | link | neigh | netconf | route | rule"
                    ),
                    Some(other) => bail!("\"{other}\" is not supported by nlkit monitor"),
                    None => bail!("Argument \"{w}\" is unknown, try \"nlkit monitor help\"."),
                },
            }
        }
        if o.kinds.is_empty() {
            o.kinds.extend_from_slice(&Watch::ALL);
        }
        Ok(o)
    }
}

pub fn run(ctx: &mut Ctx, netns: Option<&str>, a: Args) -> Result<()> {
    let o = Options::parse(ctx, a)?;
    if let Some(path) = &o.file {
        return super::monitor_file::replay(ctx, path, o.label, o.dev);
    }
    let mut monitor = match netns {
        Some(name) => Monitor::open_in(nlkit::Netns::Name(name), Rtnl::new(&o.kinds))?,
        None => Monitor::open(Rtnl::new(&o.kinds))?,
    };
    // Bigger than the default queue, so bursts are less likely to overrun.
    let _ = monitor.socket().set_recv_buffer_size(4 << 20);
    let mut names = ctx.ifnames()?.clone();
    let groups = link_print::read_groups();
    // On stderr, so a script knows the groups are joined; never fails.
    let watched: Vec<&str> = o.kinds.iter().map(|k| watch_name(*k)).collect();
    crate::report::note!("monitoring {}", watched.join(", "));
    loop {
        for item in monitor.recv()? {
            match item {
                Item::Event { event, .. } => print(ctx, &event, &o, &mut names, &groups)?,
                Item::Overrun => overrun(ctx)?,
                // rtnetlink admits every sender; a message that does not
                // read ends the monitor with its error, as before.
                Item::Refused { .. } => {}
                Item::Malformed(e) => return Err(e.into()),
            }
        }
        ctx.out.flush()?;
    }
}

/// ip's words for a lost notification (`rtnl_listen`), on stderr; in JSON
/// also an object in the stream.
fn overrun(ctx: &mut Ctx) -> Result<()> {
    crate::report::note!(
        "netlink receive error {} ({})",
        nlkit::strerror(libc::ENOBUFS),
        libc::ENOBUFS
    );
    if ctx.out.json() {
        let mut m = Map::new();
        m.insert("overrun".into(), json!(true));
        ctx.out.json_line(m)?;
    }
    ctx.out.flush()
}

/// One event's object: its label, its family (0: none), its interface (0:
/// none), and whether ip shows it at all.
fn about(event: &Event<'_>) -> Option<(&'static str, &'static str, u8, u32)> {
    Some(match event {
        Event::Link(_, l) => ("[LINK]", "link", AF_UNSPEC, l.index()),
        Event::Addr(_, a) => ("[ADDR]", "address", a.family(), a.index()),
        // ip skips cloned (cache) routes before printing anything.
        Event::Route(_, r) if r.header.flags & RTM_F_CLONED != 0 => return None,
        Event::Route(_, r) => ("[ROUTE]", "route", r.header.family, r.oif.unwrap_or(0)),
        Event::Neigh(_, n) => ("[NEIGH]", "neigh", AF_UNSPEC, n.ifindex() as u32),
        Event::Rule(_, r) => ("[RULE]", "rule", r.header.family, 0),
        Event::Netconf(_, n) => {
            ("[NETCONF]", "netconf", n.header.family, n.ifindex.unwrap_or(0) as u32)
        }
        _ => return None,
    })
}

fn change_of(event: &Event<'_>) -> Change {
    match event {
        Event::Link(c, _)
        | Event::Addr(c, _)
        | Event::Route(c, _)
        | Event::Neigh(c, _)
        | Event::Rule(c, _)
        | Event::Netconf(c, _) => *c,
        _ => Change::New,
    }
}

/// Prints one event; link events also keep the name table current (as
/// ip's `ll_remember_index`, before printing).
fn print(
    ctx: &mut Ctx,
    event: &Event<'_>,
    o: &Options,
    names: &mut LinkNames,
    groups: &[(u32, String)],
) -> Result<()> {
    print_event(ctx, event, o, names, groups, true)
}

/// [`print`], asking the kernel for names it has not seen when `lookup`
/// (a replayed file names only what it holds, as ip's does).
fn print_event(
    ctx: &mut Ctx,
    event: &Event<'_>,
    o: &Options,
    names: &mut LinkNames,
    groups: &[(u32, String)],
    lookup: bool,
) -> Result<()> {
    if let Event::Link(c, l) = event {
        match c {
            Change::New => names.record(l),
            Change::Del => names.remove(l.index()),
        }
    }
    let Some((label, object, family, index)) = about(event) else { return Ok(()) };
    // -4/-6: ip joins only that family's groups (links have none).
    if ctx.family != AF_UNSPEC && family != AF_UNSPEC && family != ctx.family {
        return Ok(());
    }
    // dev NAME: ip's filters on the interface (rules have none).
    if o.dev.is_some_and(|d| object != "rule" && index != d) {
        return Ok(());
    }
    // Names not seen yet (a device made while links were not watched) are
    // asked of the kernel, as ip's ll_index_to_name does.
    let mut wanted = vec![index];
    if let Event::Link(_, l) = event {
        wanted.extend(l.master.into_iter().chain(l.link.filter(|_| l.link_netnsid.is_none())));
    }
    wanted.retain(|&i| lookup && i != 0 && !names.contains(i));
    for i in wanted {
        let _ = ctx.conn.link_get_by_index(i, |l| {
            names.record(l);
            Ok(())
        });
    }
    let deleted = change_of(event) == Change::Del;
    let json = ctx.out.json();
    let mut fields = body(ctx, event, o, names, groups, json)?;
    if json {
        let mut m = Map::new();
        if o.stamp != Stamp::None {
            m.insert("timestamp".into(), json!(now().as_secs_f64()));
        }
        m.insert("object".into(), json!(object));
        m.insert("event".into(), json!(if deleted { "del" } else { "new" }));
        m.append(&mut fields.1);
        return ctx.out.json_line(m);
    }
    let mut text = stamp_text(o.stamp);
    if o.label {
        text.push_str(label);
    }
    if deleted {
        text.push_str("Deleted ");
    }
    text.push_str(&fields.0);
    ctx.out.line(format_args!("{text}"))
}

/// The event's text (without the final newline) or JSON keys.
fn body(
    ctx: &mut Ctx,
    event: &Event<'_>,
    o: &Options,
    names: &LinkNames,
    groups: &[(u32, String)],
    json: bool,
) -> Result<(String, Map<String, Value>)> {
    let mut p = Printer::new(json);
    match event {
        Event::Link(_, l) => {
            let no_netns = HashMap::new();
            let show = link_print::Show {
                names,
                netns: &no_netns,
                groups,
                details: ctx.details,
                stats: 0,
                link_cmd: false,
                link_line: true,
                queue: false,
                brief: false,
            };
            link_print::link(&mut p, l, &show);
        }
        Event::Addr(_, a) => {
            // ip monitor's address filter is `oneline`: the index and name first.
            let (index, dev) = (a.index(), names.name(a.index()));
            p.js("index", || index.into());
            p.js("dev", || dev.as_ref().into());
            p.fp(format_args!("{index}: {dev}"));
            addr_print::addr(&mut p, a);
        }
        Event::Route(_, r) => {
            let mut rp = RoutePrinter::new(json, false);
            let view = View { details: ctx.details, hide_oif: o.dev.is_some(), ..View::default() };
            rp.route(r, &view, &IfNames::new(names));
            let bytes = rp.bytes();
            return Ok(if json {
                (String::new(), serde_json::from_slice(bytes)?)
            } else {
                let text = String::from_utf8_lossy(bytes);
                (text.strip_suffix('\n').unwrap_or(&text).to_string(), Map::new())
            });
        }
        Event::Neigh(_, n) => {
            let show = NeighShow {
                states: !0,
                dev_given: o.dev.is_some(),
                stats: ctx.stats > 0,
                color: None,
            };
            let index = n.ifindex() as u32;
            let dev = (index != 0 && o.dev.is_none()).then(|| names.name(index));
            return Ok(if json {
                (String::new(), neigh::to_json(n, &show, dev.as_deref()))
            } else {
                (neigh::to_text(n, &show, dev.as_deref()), Map::new())
            });
        }
        Event::Rule(_, r) => {
            return Ok(if json {
                (String::new(), rule::to_json(r, ctx.details))
            } else {
                (rule::to_text(r, ctx.details), Map::new())
            });
        }
        Event::Netconf(_, n) => netconf_print::netconf(&mut p, n, names),
        _ => {}
    }
    let text = p.text().to_string();
    Ok((text, p.take()))
}

fn now() -> std::time::Duration {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default()
}

/// `print_timestamp`: local time, as ip prints it.
fn stamp_text(stamp: Stamp) -> String {
    let t = chrono::Local::now();
    let usec = t.timestamp_subsec_micros().min(999_999);
    match stamp {
        Stamp::None => String::new(),
        Stamp::Long => format!("Timestamp: {} {usec} usec\n", t.format("%a %b %e %H:%M:%S %Y")),
        Stamp::Short => format!("[{}.{usec:06}] ", t.format("%Y-%m-%dT%H:%M:%S")),
    }
}

/// The object word `ip monitor` takes for a kind of event.
fn watch_name(kind: Watch) -> &'static str {
    match kind {
        Watch::Link => "link",
        Watch::Addr => "address",
        Watch::Route => "route",
        Watch::Neigh => "neigh",
        Watch::Rule => "rule",
        Watch::Netconf => "netconf",
    }
}

/// What [`super::monitor_file`] needs of this module: one message printed
/// as `ip monitor file` prints it (every kind; names from the file).
pub(super) fn print_replayed(
    ctx: &mut Ctx,
    event: &Event<'_>,
    label: bool,
    dev: Option<u32>,
    names: &mut LinkNames,
    groups: &[(u32, String)],
) -> Result<()> {
    let o = Options { file: None, kinds: Watch::ALL.to_vec(), label, stamp: Stamp::None, dev };
    print_event(ctx, event, &o, names, groups, false)
}

#[cfg(test)]
mod tests {
    #[test]
    fn words_are_read_in_ips_order() {
        let first = |w: &str| super::WORDS.iter().find(|k| k.starts_with(w)).copied();
        assert_eq!(first("l"), Some("label"));
        assert_eq!(first("li"), Some("link"));
        assert_eq!(first("n"), Some("neigh"));
        assert_eq!(first("net"), Some("netconf"));
        assert_eq!(first("r"), Some("route"));
        assert_eq!(first("a"), Some("address"));
    }
}
