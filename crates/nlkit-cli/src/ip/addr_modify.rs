//! `nlkit address add|change|replace|delete` (read and checked as `ip`'s
//! `ipaddr_modify`, warnings included) and `flush` (deleting what `show`
//! would list, in rounds, as `ipaddr_flush`).

use super::addr::{dump_addrs, parse_addrs};
use super::addr_filter::Filter;
use super::addr_words::{flag_word, inet_prefix, Prefix};
use super::Ctx;
use crate::grammar::walk::Walk;
use crate::out::Output;
use crate::words::{self as args, Args};
use anyhow::{anyhow, bail, Result};
use nlkit::rtnl::addr::{AddrHeader, AddrSpec, Address, Lifetimes, LIFETIME_FOREVER};
use nlkit::rtnl::names;
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::View;
use nlkit::rtnl::{family_of, AF_INET, AF_INET6};
use nlkit::wire::{Flags, MessageBuilder};
use std::net::{IpAddr, Ipv4Addr};

/// `broadcast ADDR|+|-`.
enum Broadcast {
    Addr(IpAddr),
    /// `+`: all host bits set.
    Ones,
    /// `-`: all host bits clear.
    Zeros,
}

/// What `add|change|replace|delete` read, as `ipaddr_modify` reads it: the
/// family follows the last address given.
#[derive(Default)]
pub struct Request {
    family: u8,
    local: Option<Prefix>,
    peer: Option<Prefix>,
    brd: Option<Broadcast>,
    anycast: Option<IpAddr>,
    scope: Option<u8>,
    dev: Option<String>,
    label: Option<String>,
    metric: Option<u32>,
    valid: Option<u32>,
    preferred: Option<u32>,
    flags: u32,
}

/// `ip address add|change|replace|delete IFADDR dev NAME ...`.
pub(super) fn modify(ctx: &mut Ctx, mut a: Args, cmd: &str) -> Result<()> {
    let r = Request::parse(&mut a, ctx.family)?;
    let Some(dev) = &r.dev else { bail!("Not enough information: \"dev\" argument is required.") };
    let Some(local) = r.local else {
        bail!("Not enough information: an address (ADDR[/LEN]) is required.")
    };
    let delete = cmd == "delete";
    let index = ctx.ifindex(dev)?;
    // IPv4 deletion without a length deletes the first address that
    // matches, whatever its length: `ip`'s "wildcard deletion".
    if let (true, None, false, IpAddr::V4(v4)) = (delete, r.peer, local.len_given, local.addr) {
        crate::report::note!(
            "Warning: Executing wildcard deletion to stay compatible with old scripts.\n         \
             Explicitly specify the prefix length ({v4}/32) to avoid this warning.\n         \
             This special behaviour is likely to disappear in further releases,\n         \
             fix your scripts!"
        );
        return wildcard_delete(ctx, index, v4, r.label.as_deref(), r.flags);
    }
    let spec = r.spec(index, local, delete)?;
    send(ctx, cmd, &spec, r.flags, r.anycast)
}

/// A flag row's apply function: the word is the row's.
macro_rules! flag_row {
    ($word:literal) => {
        ($word, |r: &mut Request, _: &str| {
            r.flag($word);
            Ok(())
        })
    };
}

/// `address add|change|replace|del`: the table's rows
/// (`grammar::tables::ADDR_ADD`) and what each applies; any other word is
/// the address (`local` may be left out).
pub static WALK: Walk<Request> = Walk {
    name: "address add",
    cmd: &crate::grammar::tables::ADDR_ADD,
    apply: &[
        ("peer", |r, v| {
            let p = r.prefix(v)?;
            once(&mut r.peer, "peer", p)
        }),
        ("broadcast", |r, v| {
            let b = match v {
                "+" => Broadcast::Ones,
                "-" => Broadcast::Zeros,
                v => Broadcast::Addr(r.bare_address(v, "broadcast")?),
            };
            once(&mut r.brd, "broadcast", b)
        }),
        ("anycast", |r, v| {
            let x = r.bare_address(v, "anycast")?;
            once(&mut r.anycast, "anycast", x)
        }),
        ("scope", |r, v| {
            let s = names::parse_route_scope(v);
            r.scope = Some(s.ok_or_else(|| anyhow!("invalid value \"{v}\" for \"scope\""))?);
            Ok(())
        }),
        ("dev", |r, v| {
            r.dev = Some(v.to_string());
            Ok(())
        }),
        ("label", |r, v| {
            r.label = Some(v.to_string());
            Ok(())
        }),
        ("metric", |r, v| {
            let m = args::number::<u32>(v);
            r.metric = Some(m.ok_or_else(|| anyhow!("invalid value \"{v}\" for \"metric\""))?);
            Ok(())
        }),
        ("valid_lft", |r, v| {
            let l =
                lifetime(v).ok_or_else(|| anyhow!("invalid value \"{v}\" for \"valid_lft\""))?;
            once(&mut r.valid, "valid_lft", l)
        }),
        ("preferred_lft", |r, v| {
            let l = lifetime(v)
                .ok_or_else(|| anyhow!("invalid value \"{v}\" for \"preferred_lft\""))?;
            once(&mut r.preferred, "preferred_lft", l)
        }),
        flag_row!("secondary"),
        flag_row!("temporary"),
        flag_row!("nodad"),
        flag_row!("optimistic"),
        flag_row!("dadfailed"),
        flag_row!("home"),
        flag_row!("deprecated"),
        flag_row!("tentative"),
        flag_row!("permanent"),
        flag_row!("mngtmpaddr"),
        flag_row!("noprefixroute"),
        flag_row!("autojoin"),
        flag_row!("stable-privacy"),
        ("local", Request::local),
    ],
    more: &[],
    other: Some(|out, rest| Request::local(out, rest.word())),
    stop: &[],
};

impl Request {
    fn parse(a: &mut Args, family: u8) -> Result<Request> {
        let mut r = Request { family, ..Request::default() };
        let words: Vec<String> = a.by_ref().collect();
        WALK.run(&words, &mut r)?;
        Ok(r)
    }

    /// The address itself (`local`, or any word no keyword matches).
    fn local(&mut self, v: &str) -> Result<()> {
        let p = self.prefix(v)?;
        once(&mut self.local, "local", p)
    }

    /// `ADDR[/LEN]`, of the family so far; it becomes the family.
    fn prefix(&mut self, v: &str) -> Result<Prefix> {
        let p = inet_prefix(v, self.family)
            .ok_or_else(|| anyhow!("any valid prefix is expected rather than \"{v}\"."))?;
        self.family = family_of(&p.addr);
        Ok(p)
    }

    /// An address without a length (`broadcast`, `anycast`).
    fn bare_address(&mut self, v: &str, what: &str) -> Result<IpAddr> {
        let p = inet_prefix(v, self.family)
            .filter(|p| !p.len_given)
            .ok_or_else(|| anyhow!("invalid {what} address \"{v}\""))?;
        self.family = family_of(&p.addr);
        Ok(p.addr)
    }

    /// A flag word: set, or refused with `ip`'s warning.
    fn flag(&mut self, word: &str) {
        let f = flag_word(word).expect("every other keyword is a flag");
        if f.readonly {
            crate::report::note!("Warning: {} option is not mutable from userspace", f.name);
        } else if f.v6only && self.family != AF_INET6 {
            crate::report::note!("Warning: {} option can be set only for IPv6 addresses", f.name);
        } else {
            self.flags |= f.mask;
        }
    }

    /// The address to add or delete, checked as `ip` checks it.
    fn spec(&self, index: u32, local: Prefix, delete: bool) -> Result<AddrSpec> {
        let prefixlen = match self.peer {
            Some(p) if p.len != 0 => p.len,
            _ => local.len,
        };
        let mut spec = AddrSpec::new(index, local.addr, prefixlen);
        spec.peer = self.peer.map(|p| p.addr);
        spec.broadcast = self.broadcast(self.peer.unwrap_or(local), delete)?;
        spec.label = self.label.clone();
        spec.scope = if delete { Some(self.scope.unwrap_or(0)) } else { self.scope };
        spec.flags = self.flags;
        spec.metric = self.metric;
        spec.lifetimes = self.lifetimes()?;
        if self.flags & IFA_F_MCAUTOJOIN != 0 && !local.addr.is_multicast() {
            bail!("autojoin needs multicast address");
        }
        Ok(spec)
    }

    /// The broadcast address; `+` and `-` are computed from `basis` (the
    /// peer's prefix if any, else the address's) when adding.
    fn broadcast(&self, basis: Prefix, delete: bool) -> Result<Option<IpAddr>> {
        let ones = match self.brd {
            Some(Broadcast::Addr(b)) => return Ok(Some(b)),
            None => return Ok(None),
            _ if delete => return Ok(None),
            Some(Broadcast::Ones) => true,
            Some(Broadcast::Zeros) => false,
        };
        let IpAddr::V4(base) = basis.addr else {
            bail!("Broadcast can be set only for IPv4 addresses")
        };
        Ok((basis.len <= 30).then(|| {
            let host = u32::MAX.checked_shr(basis.len as u32).unwrap_or(0);
            let base = u32::from(base);
            IpAddr::V4(Ipv4Addr::from(if ones { base | host } else { base & !host }))
        }))
    }

    /// `valid_lft`/`preferred_lft`, each `forever` unless given.
    fn lifetimes(&self) -> Result<Option<Lifetimes>> {
        if self.valid.is_none() && self.preferred.is_none() {
            return Ok(None);
        }
        let valid = self.valid.unwrap_or(LIFETIME_FOREVER);
        let preferred = self.preferred.unwrap_or(LIFETIME_FOREVER);
        if valid == 0 {
            bail!("valid_lft is zero");
        }
        if valid < preferred {
            bail!("preferred_lft is greater than valid_lft");
        }
        Ok(Some(Lifetimes { valid, preferred }))
    }
}

fn lifetime(s: &str) -> Option<u32> {
    if s == "forever" {
        Some(LIFETIME_FOREVER)
    } else {
        args::number(s)
    }
}

fn once<T>(slot: &mut Option<T>, keyword: &str, value: T) -> Result<()> {
    if slot.replace(value).is_some() {
        bail!("\"{keyword}\" is given twice");
    }
    Ok(())
}

/// Sends `RTM_NEWADDR` (with `cmd`'s flags) or `RTM_DELADDR`.
fn send(
    ctx: &mut Ctx,
    cmd: &str,
    spec: &AddrSpec,
    flags: u32,
    anycast: Option<IpAddr>,
) -> Result<()> {
    let request_flags = match cmd {
        "add" => Flags::CREATE | Flags::EXCL,
        "change" => Flags::REPLACE,
        "replace" => Flags::CREATE | Flags::REPLACE,
        _ => Flags::empty(),
    };
    if cmd == "delete" {
        ctx.conn.request_ack(RTM_DELADDR, request_flags, |b| {
            spec.emit_del(b)?;
            wide_flags(b, flags)
        })?;
    } else {
        ctx.conn.request_ack(RTM_NEWADDR, request_flags, |b| {
            spec.emit(b)?;
            match &anycast {
                Some(x) => b.attr(IFA_ANYCAST, &nlkit::rtnl::addr_bytes(x)),
                None => Ok(()),
            }
        })?;
    }
    Ok(())
}

/// `IFA_FLAGS` for flags the header's 8 bits cannot hold: a deletion
/// names `mngtmpaddr` (`IFA_F_MANAGETEMPADDR`, 0x100) that way.
fn wide_flags(b: &mut MessageBuilder<'_, Vec<u8>>, flags: u32) -> Result<(), nlkit::wire::Error> {
    if flags > 0xff {
        b.attr_u32(IFA_FLAGS, flags)?;
    }
    Ok(())
}

/// `RTM_DELADDR` naming only the local address (and label): the kernel
/// deletes the first IPv4 address that matches, whatever its length.
fn wildcard_delete(
    ctx: &mut Ctx,
    index: u32,
    addr: Ipv4Addr,
    label: Option<&str>,
    flags: u32,
) -> Result<()> {
    let header = AddrHeader { family: AF_INET, prefixlen: 32, flags: flags as u8, scope: 0, index };
    ctx.conn.request_ack(RTM_DELADDR, Flags::empty(), |b| {
        b.append(&header.to_bytes())?;
        b.attr(IFA_LOCAL, &addr.octets())?;
        if let Some(l) = label {
            b.attr_str(IFA_LABEL, l)?;
        }
        wide_flags(b, flags)
    })?;
    Ok(())
}

/// Rounds before `flush` gives up (`ip`'s `max_flush_loops`).
const MAX_FLUSH_ROUNDS: usize = 10;

/// `ip address flush SELECTORS`: delete what `show` would list, in rounds
/// until a dump finds nothing more (deleting a primary address can promote
/// a secondary, or take the secondaries with it).
pub(super) fn flush(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    if a.at_end() {
        return Err(crate::report::plain("Flush requires arguments."));
    }
    let (family, stats) = (ctx.family, ctx.stats > 0);
    let (conn, out, names) = ctx.parts()?;
    let filter = Filter::parse(&mut a, family, names)?;
    if filter.selects_links() {
        bail!("\"master\", \"type\" and \"group\" are not supported by nlkit address flush");
    }
    if filter.selects_all() {
        bail!(
            "\"flush\" would delete every address of every device; name them: dev NAME, \
             to PREFIX, label PATTERN, scope SCOPE or an address flag"
        );
    }
    for round in 0..MAX_FLUSH_ROUNDS {
        let raw = dump_addrs(conn, filter.family, filter.index)?;
        let addrs = parse_addrs(&raw)?;
        let doomed: Vec<&Address<'_>> = addrs.iter().filter(|a| filter.passes(a, names)).collect();
        if doomed.is_empty() {
            return flush_done(out, stats, round);
        }
        for victim in &doomed {
            match conn.request_ack(RTM_DELADDR, Flags::empty(), |b| victim.emit(b)) {
                // Gone with an address deleted before it.
                Err(e) if e.errno() == Some(libc::EADDRNOTAVAIL) => {}
                other => other?,
            }
        }
        if stats {
            let n = doomed.len();
            out.line(format_args!("\n*** Round {}, deleting {n} addresses ***", round + 1))?;
            out.flush()?;
        }
        if filter.primary_only() {
            return flush_done(out, stats, round + 1);
        }
    }
    bail!("*** Flush remains incomplete after {MAX_FLUSH_ROUNDS} rounds. ***")
}

/// `-s`'s closing words: how many rounds it took.
fn flush_done(out: &mut Output, stats: bool, rounds: usize) -> Result<()> {
    if stats {
        if rounds == 0 {
            out.line(format_args!("Nothing to flush."))?;
        } else {
            let s = if rounds > 1 { "s" } else { "" };
            out.line(format_args!("*** Flush is complete after {rounds} round{s} ***"))?;
        }
    }
    out.flush()
}
