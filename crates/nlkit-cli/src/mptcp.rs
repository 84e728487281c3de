//! `nlkit mptcp endpoint show|add|delete|flush` and `nlkit mptcp limits
//! show|set`: the in-kernel MPTCP path manager through the `mptcp_pm`
//! generic netlink family, read and printed as iproute2 6.1's `ip mptcp`
//! reads and prints them (text, or its `-j` keys).

use anyhow::{anyhow, bail, Result};
use nlkit::genl::mptcp_pm::{self, Endpoint, Limits, FLAG_NAMES};
use nlkit::{Conn, Netns, Protocol};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::io::Write;

/// `nlkit mptcp help`.
pub const USAGE: &str = "Usage: nlkit mptcp endpoint add ADDRESS [ dev NAME ] [ id ID ]
                                    [ port NR ] [ FLAG-LIST ]
       nlkit mptcp endpoint delete id ID [ ADDRESS ]
       nlkit mptcp endpoint show [ id ID ]
       nlkit mptcp endpoint flush
       nlkit mptcp limits set [ subflows NR ] [ add_addr_accepted NR ]
       nlkit mptcp limits show
FLAG-LIST := [ FLAG-LIST ] FLAG
FLAG  := [ signal | subflow | backup | fullmesh ]
";

pub fn run(words: &[String], netns: Option<&str>, json: bool) -> Result<()> {
    let open = |p| match netns {
        Some(name) => Conn::open_in(Netns::Name(name), p),
        None => Conn::open(p),
    };
    let mut conn = open(Protocol::GENERIC)?;
    let family = conn.resolve_family(mptcp_pm::FAMILY)?;
    let is = |w: &str, full: &str| !w.is_empty() && full.starts_with(w);
    let (object, rest) =
        words.split_first().map_or(("endpoint", &[][..]), |(o, r)| (o.as_str(), r));
    let (cmd, args) = rest.split_first().map_or(("show", &[][..]), |(c, r)| (c.as_str(), r));
    if is(object, "endpoint") {
        let names = link_names(netns)?;
        if is(cmd, "show") || is(cmd, "list") {
            let id = match args {
                [] => None,
                [w, v] if w == "id" => Some(id_of(v)?),
                _ => bail!("usage: nlkit mptcp endpoint show [ id ID ]"),
            };
            // One id is asked for alone, as ip does: the kernel refuses
            // one it does not have ("address not found").
            if let Some(id) = id {
                let e = conn.run(mptcp_pm::endpoint(&family, id))?;
                return print_endpoints(std::iter::once(&e), &names, json);
            }
            let all = conn.run(mptcp_pm::endpoints(&family))?;
            return print_endpoints(all.iter(), &names, json);
        }
        if is(cmd, "add") {
            let e = parse_endpoint(args, &names, true)?;
            return Ok(conn.run(mptcp_pm::add(&family, e))?);
        }
        if is(cmd, "delete") {
            let e = parse_endpoint(args, &names, false)?;
            let id = e.id.ok_or_else(|| {
                anyhow!("\"id\" is required: nlkit mptcp endpoint delete id ID [ ADDRESS ]")
            })?;
            if id == 0 && e.addr.is_none() {
                bail!("argument \"ID\" is wrong: address is needed for deleting id 0 address");
            }
            if id != 0 && e.addr.is_some() {
                bail!("argument \"ADDRESS\" is wrong: invalid for non-zero id address");
            }
            return Ok(conn.run(mptcp_pm::delete(&family, id, e.addr))?);
        }
        if is(cmd, "flush") {
            return Ok(conn.run(mptcp_pm::flush(&family))?);
        }
        bail!("Command \"{cmd}\" is unknown, try \"nlkit mptcp help\".");
    }
    if is(object, "limits") {
        if is(cmd, "show") {
            let l = conn.run(mptcp_pm::limits(&family))?;
            return print_limits(&l, json);
        }
        if is(cmd, "set") {
            let mut l = Limits::default();
            let mut i = 0;
            while let Some(w) = args.get(i) {
                let v = args.get(i + 1).ok_or_else(crate::report::incomplete)?;
                let n: u32 = v
                    .parse()
                    .map_err(|_| anyhow!("argument \"{v}\" is wrong: invalid for \"{w}\""))?;
                match w.as_str() {
                    w if is(w, "subflows") => l.subflows = Some(n),
                    w if is(w, "add_addr_accepted") => l.add_addr_accepted = Some(n),
                    _ => bail!("argument \"{w}\" is wrong: unknown limit"),
                }
                i += 2;
            }
            return Ok(conn.run(mptcp_pm::set_limits(&family, l))?);
        }
        bail!("Command \"{cmd}\" is unknown, try \"nlkit mptcp help\".");
    }
    bail!("Object \"{object}\" is unknown, try \"nlkit mptcp help\": endpoint or limits")
}

fn id_of(v: &str) -> Result<u8> {
    v.parse().map_err(|_| anyhow!("argument \"{v}\" is wrong: invalid ID"))
}

/// `ADDRESS [ port PORT ] [ id ID ] [ FLAG ... ] [ dev IFNAME ]`, as ip's
/// `mptcp_parse_opt` reads it.
fn parse_endpoint(args: &[String], names: &HashMap<u32, String>, adding: bool) -> Result<Endpoint> {
    let mut e = Endpoint::default();
    let mut i = 0;
    let is = |w: &str, full: &str| !w.is_empty() && full.starts_with(w);
    while let Some(w) = args.get(i) {
        let value = || args.get(i + 1).ok_or_else(crate::report::incomplete);
        if let Some((bit, _)) = FLAG_NAMES.iter().find(|(_, n)| n == w) {
            e.flags |= bit;
        } else if w == "nobackup" || w == "nofullmesh" {
        } else if is(w, "id") {
            e.id = Some(id_of(value()?)?);
            i += 1;
        } else if is(w, "dev") {
            let d = value()?;
            let index = names.iter().find(|(_, n)| *n == d).map(|(i, _)| *i);
            e.ifindex = Some(
                index.ok_or_else(|| anyhow!("argument \"{d}\" is wrong: device does not exist"))?
                    as i32,
            );
            i += 1;
        } else if is(w, "port") {
            let p = value()?;
            e.port =
                Some(p.parse().map_err(|_| anyhow!("argument \"{p}\" is wrong: expected port"))?);
            i += 1;
        } else if let Ok(a) = w.parse() {
            e.addr = Some(a);
        } else {
            bail!("argument \"{w}\" is wrong: unknown argument");
        }
        i += 1;
    }
    if adding {
        if e.addr.is_none() {
            bail!("missing mandatory argument \"ADDRESS\"");
        }
        if e.flags & 1 != 0 && e.flags & 8 != 0 {
            bail!("flags mustn't have both signal and fullmesh");
        }
        if e.port.is_some_and(|p| p != 0) && e.flags & 1 == 0 {
            bail!("argument \"port\" is wrong: flags must have signal when using port");
        }
    }
    Ok(e)
}

fn print_endpoints<'a>(
    all: impl Iterator<Item = &'a Endpoint>,
    names: &HashMap<u32, String>,
    json: bool,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mut objects = Vec::new();
    for e in all {
        let (mut text, mut m) = (String::new(), Map::new());
        if let Some(a) = e.addr {
            text += &format!("{a} ");
            m.insert("address".into(), a.to_string().into());
        }
        if let Some(p) = e.port.filter(|&p| p != 0) {
            text += &format!("port {p} ");
            m.insert("port".into(), p.into());
        }
        if let Some(id) = e.id {
            text += &format!("id {id} ");
            m.insert("id".into(), id.into());
        }
        let mut rest = e.flags;
        for (bit, name) in FLAG_NAMES {
            if rest & bit != 0 {
                text += &format!("{name} ");
                m.insert(name.into(), true.into());
            }
            rest &= !bit;
        }
        if rest != 0 {
            text += &format!("rawflags {rest:02x} ");
            m.insert("rawflags".into(), format!("{rest:02x}").into());
        }
        if let Some(name) = e.ifindex.filter(|&i| i != 0).and_then(|i| names.get(&(i as u32))) {
            text += &format!("dev {name} ");
            m.insert("dev".into(), name.clone().into());
        }
        if json {
            objects.push(Value::Object(m));
        } else {
            writeln!(out, "{text}")?;
        }
    }
    if json {
        serde_json::to_writer(&mut out, &Value::Array(objects))?;
        writeln!(out)?;
    }
    Ok(out.flush()?)
}

fn print_limits(l: &Limits, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let mut m = Map::new();
        if let Some(v) = l.add_addr_accepted {
            m.insert("add_addr_accepted".into(), v.into());
        }
        if let Some(v) = l.subflows {
            m.insert("subflows".into(), v.into());
        }
        writeln!(out, "{}", Value::Object(m))?;
    } else {
        let mut text = String::new();
        if let Some(v) = l.add_addr_accepted {
            text += &format!("add_addr_accepted {v} ");
        }
        if let Some(v) = l.subflows {
            text += &format!("subflows {v} ");
        }
        writeln!(out, "{text}")?;
    }
    Ok(out.flush()?)
}

/// Interface names by index, from rtnetlink.
fn link_names(netns: Option<&str>) -> Result<HashMap<u32, String>> {
    let mut conn = match netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::ROUTE)?,
        None => Conn::open(Protocol::ROUTE)?,
    };
    let mut names = HashMap::new();
    conn.link_dump(&nlkit::rtnl::link::LinkFilter::default(), |l| {
        names.insert(l.index(), l.name.unwrap_or("").to_string());
        Ok(())
    })?;
    Ok(names)
}
