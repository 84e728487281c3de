//! `nlkit fib-lookup ADDR [table T] [mark M] [tos T] [scope S]`: one IPv4
//! FIB lookup over `NETLINK_FIB_LOOKUP` ([`nlkit::fib_lookup`]), in one
//! table (rules are not consulted, unlike `ip route get`): the matching
//! route's prefix, type and scope, the table and the next hop's index, in
//! ip's names, or `-j`. No route, a table that does not exist, or a route
//! whose type refuses (the kernel's errno: unreachable, prohibit, ...) is
//! an error, said.

use anyhow::{anyhow, bail, Result};
use nlkit::fib_lookup::{lookup, Lookup};
use nlkit::rtnl::names;
use nlkit::{Conn, Netns, Protocol};
use serde_json::json;
use std::net::Ipv4Addr;

pub const USAGE: &str = "\
Usage: nlkit fib-lookup ADDRESS [ table TABLE ] [ mark MARK ] [ tos TOS ] [ scope SCOPE ]
   ADDRESS := an IPv4 address
   TABLE := main | local | default | NUMBER (at most 255)
Looks ADDRESS up in one table of the IPv4 FIB (NETLINK_FIB_LOOKUP); rules
are not consulted (for that: nlkit route get).
";

fn parse(words: &[String]) -> Result<Lookup> {
    let mut it = words.iter();
    let addr = it.next().ok_or_else(|| anyhow!("an address is needed\n{USAGE}"))?;
    let addr: Ipv4Addr =
        addr.parse().map_err(|_| anyhow!("\"{addr}\" is not an IPv4 address\n{USAGE}"))?;
    let mut q = Lookup::new(addr);
    while let Some(key) = it.next() {
        // The keyword is named before its value is asked for.
        let mut value = || it.next().ok_or_else(|| anyhow!("\"{key}\" needs a value"));
        let bad = |v: &str| anyhow!("\"{v}\" is not a valid {key}");
        match key.as_str() {
            "table" => {
                let v = value()?;
                let id = names::parse_route_table(v).ok_or_else(|| bad(v))?;
                q.table = u8::try_from(id)
                    .map_err(|_| anyhow!("table {id}: FIB lookups name tables in one byte"))?;
            }
            "mark" | "fwmark" => {
                let v = value()?;
                q.mark = crate::words::number(v).ok_or_else(|| bad(v))?;
            }
            "tos" | "dsfield" => {
                let v = value()?;
                q.tos = crate::words::number(v).ok_or_else(|| bad(v))?;
            }
            "scope" => {
                let v = value()?;
                q.scope = names::parse_route_scope(v).ok_or_else(|| bad(v))?;
            }
            other => bail!("\"{other}\" is not a keyword of fib-lookup\n{USAGE}"),
        }
    }
    Ok(q)
}

pub fn run(words: &[String], netns: Option<&str>, json: bool) -> Result<()> {
    if words.iter().any(|w| crate::grammar::is_help(w)) {
        return Ok(crate::report::print(USAGE)?);
    }
    let q = parse(words)?;
    let mut conn = match netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::FIB_LOOKUP)?,
        None => Conn::open(Protocol::FIB_LOOKUP)?,
    };
    let f = match conn.run(lookup(q)) {
        // fib_table_lookup's "nothing matched", and fib_get_table's "no such table".
        Err(e) if e.errno() == Some(libc::EAGAIN) => {
            let table = if q.table == 0 { 254 } else { q.table };
            bail!("no route to {} in table {}", q.addr, names::route_table(table.into()))
        }
        Err(e) if e.errno() == Some(libc::ENOENT) => {
            bail!("table {} does not exist", names::route_table(q.table.into()))
        }
        // fib_table_lookup's answer for a route whose type refuses
        // (fib_props in net/ipv4/fib_semantics.c), said by that type.
        Err(e) if matches!(e.errno(), Some(libc::EINVAL | libc::EHOSTUNREACH | libc::EACCES)) => {
            let kind = match e.errno() {
                Some(libc::EINVAL) => "a blackhole",
                Some(libc::EHOSTUNREACH) => "an unreachable",
                _ => "a prohibit",
            };
            let table = names::route_table(if q.table == 0 { 254 } else { q.table }.into());
            let said = format!("{} matches {kind} route in table {table}", q.addr);
            return Err(anyhow::Error::from(e).context(said));
        }
        other => other?,
    };
    let table = names::route_table(f.table.into());
    let (kind, scope) = (names::route_type(f.route_type), names::route_scope(f.scope));
    if json {
        let v = json!({
            "address": q.addr.to_string(), "table": table, "prefixlen": f.prefix_len,
            "type": kind, "scope": scope, "nexthop": f.nexthop,
        });
        crate::report::say!("{v}")?;
    } else {
        // The prefix the route covers: the address with its host bits cleared.
        let mask = u32::MAX.checked_shl(32 - u32::from(f.prefix_len)).unwrap_or(0);
        let net = Ipv4Addr::from(u32::from(q.addr) & mask);
        crate::report::say!(
            "{net}/{} table {table} type {kind} scope {scope} nexthop {}",
            f.prefix_len,
            f.nexthop
        )?;
    }
    Ok(())
}
