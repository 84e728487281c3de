//! `nlkit monitor [all|link|address|route|neigh|rule ...] [-t]`: one line,
//! or with `-j` one JSON object, per rtnetlink event, as it happens.
//!
//! Deletions print as `Deleted ...` (JSON: `"event": "del"`). `-t` puts a
//! timestamp in front. An overrun (the kernel dropped notifications because
//! this reader fell behind) prints its own line and reading goes on: what
//! was missed is said, never silently skipped.

use super::args::{self, Args};
use super::link_print;
use super::neigh::{self, Show};
use super::printer::Printer;
use super::{rule, Ctx, LinkNames};
use anyhow::Result;
use nlkit::route::events::{Change, Event, Monitor, Watch};
use nlkit::Error;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

const OBJECTS: [&str; 6] =
    ["all", "link", "address|addr", "route", "neigh|neighbour|neighbor", "rule"];

pub fn run(ctx: &mut Ctx, netns: Option<&str>, mut a: Args) -> Result<()> {
    let (mut kinds, mut stamp) = (Vec::new(), false);
    while let Some(w) = a.next() {
        if w == "-t" || w == "--timestamp" {
            stamp = true;
            continue;
        }
        kinds.extend_from_slice(match args::keyword(&w, &OBJECTS)? {
            "link" => &[Watch::Link][..],
            "address" => &[Watch::Addr],
            "route" => &[Watch::Route],
            "neigh" => &[Watch::Neigh],
            "rule" => &[Watch::Rule],
            _ => &Watch::ALL,
        });
    }
    if kinds.is_empty() {
        kinds.extend_from_slice(&Watch::ALL);
    }
    let mut monitor = match netns {
        Some(name) => Monitor::open_in(nlkit::Netns::Name(name), &kinds)?,
        None => Monitor::open(&kinds)?,
    };
    // Bigger than the default queue, so bursts are less likely to overrun.
    let _ = monitor.socket().set_recv_buffer_size(4 << 20);
    let mut names = ctx.ifnames()?.clone();
    // On stderr, so a script knows the groups are joined; never fails.
    let watched: Vec<&str> = kinds.iter().map(|k| watch_name(*k)).collect();
    crate::report::note!("monitoring {}", watched.join(", "));
    loop {
        let events = match monitor.recv() {
            Ok(events) => events,
            Err(Error::Overrun) => {
                overrun(ctx, stamp)?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        for event in events {
            print(ctx, &event?, stamp, &mut names)?;
        }
        ctx.out.flush()?;
    }
}

fn overrun(ctx: &mut Ctx, stamp: bool) -> Result<()> {
    if ctx.out.json() {
        let mut m = Map::new();
        stamp_json(&mut m, stamp);
        m.insert("overrun".into(), json!(true));
        ctx.out.json_line(m)?;
    } else {
        let t = stamp_text(stamp);
        ctx.out.line(format_args!(
            "{t}[OVERRUN] notifications were lost; dump again to resynchronise"
        ))?;
    }
    ctx.out.flush()
}

/// Prints one event; link events also keep the name table current.
fn print(ctx: &mut Ctx, event: &Event<'_>, stamp: bool, names: &mut LinkNames) -> Result<()> {
    let (change, object, text, mut json) = match event {
        Event::Neigh(c, n) => {
            let show = Show { states: !0, dev_given: false, stats: false };
            let dev = match n.ifindex() {
                0 => None,
                i => Some(lookup(ctx, names, i as u32)),
            };
            (
                *c,
                "neigh",
                neigh::to_text(n, &show, dev.as_deref()),
                neigh::to_json(n, &show, dev.as_deref()),
            )
        }
        Event::Rule(c, r) => (*c, "rule", rule::to_text(r), rule::to_json(r, false)),
        Event::Link(c, l) => {
            if *c == Change::New {
                names.record(l);
            }
            let (text, json) = link_line(l, names, ctx.out.json());
            if *c == Change::Del {
                names.remove(l.index());
            }
            (*c, "link", text, json)
        }
        Event::Addr(c, a) => {
            let dev = lookup(ctx, names, a.index());
            let mut m = Map::new();
            m.insert("ifindex".into(), json!(a.index()));
            m.insert("dev".into(), json!(dev));
            let local = a.local_address().map(|x| x.to_string()).unwrap_or_default();
            m.insert("local".into(), json!(local));
            m.insert("prefixlen".into(), json!(a.prefixlen()));
            let text = format!("{}: {dev} {local}/{}", a.index(), a.prefixlen());
            (*c, "address", text, m)
        }
        Event::Route(c, r) => {
            let mut m = Map::new();
            let dst = r.dst.map_or("default".to_string(), |d| format!("{d}/{}", r.dst_len()));
            m.insert("dst".into(), json!(dst));
            let mut text = dst.clone();
            if let Some(g) = r.gateway {
                m.insert("gateway".into(), json!(g.to_string()));
                text.push_str(&format!(" via {g}"));
            }
            if let Some(oif) = r.oif {
                let dev = lookup(ctx, names, oif);
                text.push_str(&format!(" dev {dev}"));
                m.insert("dev".into(), json!(dev));
            }
            m.insert("table".into(), json!(nlkit::route::names::route_table(r.table)));
            text.push_str(&format!(" table {}", nlkit::route::names::route_table(r.table)));
            (*c, "route", text, m)
        }
        Event::Other(m) => {
            let mut j = Map::new();
            j.insert("type".into(), json!(u16::from(m.message_type())));
            (Change::New, "other", format!("message type {}", m.message_type()), j)
        }
        _ => return Ok(()),
    };
    if ctx.out.json() {
        let mut m = Map::new();
        stamp_json(&mut m, stamp);
        m.insert("event".into(), json!(if change == Change::Del { "del" } else { "new" }));
        m.insert("object".into(), json!(object));
        m.append(&mut json);
        return ctx.out.json_line(m);
    }
    let deleted = if change == Change::Del { "Deleted " } else { "" };
    let tag = format!("[{}]", object.to_uppercase());
    ctx.out.line(format_args!("{}{tag} {deleted}{}", stamp_text(stamp), text.trim_end()))
}

/// The name of interface `index`, asking the kernel for one not seen yet
/// (a device created while no link events were watched).
fn lookup(ctx: &mut Ctx, names: &mut LinkNames, index: u32) -> String {
    if !names.contains(index) {
        let _ = ctx.conn.link_get_by_index(index, |l| {
            names.record(l);
            Ok(())
        });
    }
    names.name(index).into_owned()
}

/// A link as `ip link show` prints it, on one line.
fn link_line(
    l: &nlkit::route::link::Link<'_>,
    names: &LinkNames,
    json: bool,
) -> (String, Map<String, Value>) {
    let no_netns = HashMap::new();
    let show = link_print::Show {
        names,
        netns: &no_netns,
        groups: &[],
        details: false,
        stats: 0,
        link_cmd: true,
        link_line: true,
    };
    let mut p = Printer::new(json);
    link_print::link(&mut p, l, &show);
    let text = p.text().replace("\n    ", " ");
    (text, p.take())
}

fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

fn stamp_text(stamp: bool) -> String {
    if stamp {
        format!("[{:.6}] ", now())
    } else {
        String::new()
    }
}

fn stamp_json(m: &mut Map<String, Value>, stamp: bool) {
    if stamp {
        m.insert("timestamp".into(), json!(now()));
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
    }
}
