//! `nlkit address` (alias `addr`): show, add, change, replace, delete and
//! flush interface addresses, printed as iproute2 6.1's `ip address` prints
//! them (text), or with its `-j` keys and values.
//!
//! The address formatting ([`addr_text`], [`addr_json`]) is what `ip`
//! prints for one address, for any command that shows addresses. The link
//! part of `show` comes from [`link_header`], a stand-in kept apart so the
//! shared `nlkit link` formatter can replace it.
//!
//! `show` follows `ip`'s filtering to the letter, quirks included: a link
//! whose addresses all fail the filters is left out, a link without any
//! address is kept when no family is asked for; `up` leaves a down link's
//! JSON object empty (`{}`), and a filtered-out address of a shown link is
//! an empty object in its `addr_info`; `label` prints no link header.
//! What `-s` and `-d` add to the links (statistics, details) is left to
//! the link formatter.

use super::args::{self, Args};
use super::Ctx;
use anyhow::{anyhow, bail, Result};
use nlkit::route::addr::{AddrHeader, AddrSpec, Address, Lifetimes, LIFETIME_FOREVER};
use nlkit::route::link::{Link, LinkHeader};
use nlkit::route::names;
use nlkit::route::uapi::*;
use nlkit::route::{AF_INET, AF_INET6, AF_UNSPEC};
use nlkit::wire::{Flags, MessageBuffer, MessageBuilder};
use nlkit::Conn;
use serde_json::{json, Map, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};

pub fn run(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    let choices = ["show|list|lst", "add", "change|chg", "replace", "delete", "flush"];
    match args::command(&mut a, &choices)? {
        "show" => show(ctx, a),
        "flush" => flush(ctx, a),
        cmd => modify(ctx, a, cmd),
    }
}

// Dumps, kept whole so that links and addresses can be read as views
// while both lists are walked.

fn dump_raw(conn: &mut Conn, message_type: u16, header: &[u8]) -> Result<Vec<Vec<u8>>> {
    let mut raw = Vec::new();
    conn.dump(
        message_type,
        |b| b.append(header),
        |m| {
            raw.push(m.bytes().to_vec());
            Ok(())
        },
    )?;
    Ok(raw)
}

fn parse_links(raw: &[Vec<u8>]) -> Result<Vec<Link<'_>>> {
    raw.iter().map(|b| Ok(Link::parse(&MessageBuffer::new_checked(b.as_slice())?)?)).collect()
}

fn parse_addrs(raw: &[Vec<u8>]) -> Result<Vec<Address<'_>>> {
    raw.iter().map(|b| Ok(Address::parse(&MessageBuffer::new_checked(b.as_slice())?)?)).collect()
}

/// Dumps the addresses of `family` on interface `index` (0: all), as `ip`
/// asks for them: the kernel filters by index under strict checking, and
/// [`Filter::passes`] checks the index again.
fn dump_addrs(conn: &mut Conn, family: u8, index: u32) -> Result<Vec<Vec<u8>>> {
    let header = AddrHeader { family, index, ..AddrHeader::default() };
    dump_raw(conn, RTM_GETADDR, &header.to_bytes())
}

/// What `ip` knows of every link while it prints: names, flags (for
/// `M-DOWN`) and queue lengths, from one full link dump.
pub(super) struct LinkTable {
    by_index: HashMap<u32, LinkEntry>,
}

struct LinkEntry {
    name: String,
    alt_names: Vec<String>,
    flags: u32,
    txqlen: Option<u32>,
}

impl LinkTable {
    fn new(links: &[Link<'_>]) -> Self {
        let by_index = links
            .iter()
            .map(|l| {
                let entry = LinkEntry {
                    name: l.name.unwrap_or_default().to_owned(),
                    alt_names: l.alt_names().map(str::to_owned).collect(),
                    flags: l.header.flags,
                    txqlen: l.txqlen,
                };
                (l.index(), entry)
            })
            .collect();
        LinkTable { by_index }
    }

    /// `ll_index_to_name`: the name, or `ifN` for an index not known.
    fn name(&self, index: u32) -> String {
        self.by_index.get(&index).map_or_else(|| format!("if{index}"), |e| e.name.clone())
    }

    /// The index of the link called `name` (or with that alternative name).
    fn index(&self, name: &str) -> Option<u32> {
        let found = self.by_index.iter().find(|(_, e)| e.name == name);
        let alt = || self.by_index.iter().find(|(_, e)| e.alt_names.iter().any(|n| n == name));
        found.or_else(alt).map(|(i, _)| *i)
    }
}

// Filters: `ip address show|flush` selectors.

/// The selectors of `show` and `flush`, as `ip`'s `struct link_filter`.
#[derive(Debug, Default)]
struct Filter {
    family: u8,
    index: u32,
    up: bool,
    scope: u8,
    scope_mask: u8,
    flags: u32,
    flag_mask: u32,
    label: Option<String>,
    to: Option<(IpAddr, u8)>,
}

impl Filter {
    /// Reads `[dev] NAME`, `up`, `scope S|all`, `label PATTERN`, `to
    /// PREFIX` and flags (`permanent`, `dynamic`, `secondary`, `primary`,
    /// `[-]FLAG`). Keywords are whole words, as `ip` reads them here: any
    /// other word is the device.
    fn parse(a: &mut Args, family: u8, links: &LinkTable) -> Result<Filter> {
        let mut f = Filter { family, ..Filter::default() };
        let mut dev = None;
        while let Some(w) = a.next() {
            match w.as_str() {
                "to" => {
                    let v = a.value("to")?;
                    let p = inet_prefix(&v, f.family)
                        .ok_or_else(|| anyhow!("invalid \"to\" value \"{v}\""))?;
                    if f.family == AF_UNSPEC {
                        f.family = nlkit::route::family_of(&p.addr);
                    }
                    f.to = Some((p.addr, p.len));
                }
                "scope" => {
                    let v = a.value("scope")?;
                    (f.scope, f.scope_mask) = match names::parse_route_scope(&v) {
                        Some(s) => (s, 0xff),
                        None if v == "all" => (RT_SCOPE_NOWHERE, 0),
                        None => bail!("invalid \"scope\" value \"{v}\""),
                    };
                }
                "up" => f.up = true,
                "label" => f.label = Some(a.value("label")?),
                w if f.flag_word(w) => {}
                "group" | "master" | "vrf" | "nomaster" | "type" => {
                    bail!("\"{w}\" is not supported by nlkit address")
                }
                _ => {
                    let name = if w == "dev" { a.value("dev")? } else { w };
                    if dev.replace(name.clone()).is_some() {
                        bail!("either \"dev\" is duplicate, or \"{name}\" is garbage");
                    }
                }
            }
        }
        if let Some(name) = dev {
            f.index =
                links.index(&name).ok_or_else(|| anyhow!("Device \"{name}\" does not exist."))?;
        }
        Ok(f)
    }

    /// A flag selector (`get_filter`); false if `w` is none.
    fn flag_word(&mut self, w: &str) -> bool {
        let (mut inverted, mut name) = match w.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, w),
        };
        match name {
            "dynamic" => (inverted, name) = (!inverted, "permanent"),
            "primary" => (inverted, name) = (!inverted, "secondary"),
            _ => {}
        }
        let Some(flag) = FLAG_WORDS.iter().find(|f| f.name == name) else { return false };
        if inverted {
            self.flags &= !flag.mask;
        } else {
            self.flags |= flag.mask;
        }
        self.flag_mask |= flag.mask;
        true
    }

    /// Whether `show` lists link `index` (`ipaddr_filter`): when one of its
    /// addresses passes, or it has none at all and no family is asked for.
    fn lists(&self, index: u32, addrs: &[Address<'_>], links: &LinkTable) -> bool {
        let mut own = addrs.iter().filter(|a| a.index() == index).peekable();
        let missing = own.peek().is_none();
        own.any(|a| self.passes(a, links)) || missing && self.family == AF_UNSPEC
    }

    /// Whether `a` passes the selectors (all but `up`, which is the link's).
    fn passes(&self, a: &Address<'_>, links: &LinkTable) -> bool {
        if self.index != 0 && a.index() != self.index
            || (self.scope ^ a.scope()) & self.scope_mask != 0
            || (self.flags ^ a.flags) & self.flag_mask != 0
            || self.family != AF_UNSPEC && self.family != a.family()
        {
            return false;
        }
        if let Some(pattern) = &self.label {
            let label = a.label.map_or_else(|| links.name(a.index()), str::to_owned);
            if !fnmatch(pattern.as_bytes(), label.as_bytes()) {
                return false;
            }
        }
        match (self.to, a.local_address()) {
            (Some((prefix, len)), Some(local)) => prefix_matches(local, prefix, len),
            _ => true,
        }
    }
}

/// Whether the first `len` bits of `a` are those of `prefix`.
fn prefix_matches(a: IpAddr, prefix: IpAddr, len: u8) -> bool {
    let (a, p) = match (a, prefix) {
        (IpAddr::V4(a), IpAddr::V4(p)) => (a.octets().to_vec(), p.octets().to_vec()),
        (IpAddr::V6(a), IpAddr::V6(p)) => (a.octets().to_vec(), p.octets().to_vec()),
        _ => return false,
    };
    let (bytes, bits) = (len as usize / 8, len % 8);
    if a[..bytes] != p[..bytes] {
        return false;
    }
    bits == 0 || (a[bytes] ^ p[bytes]) & (0xffu8 << (8 - bits)) == 0
}

/// fnmatch(3) with no flags: `*`, `?`, `[...]` (with `!` or `^` and
/// ranges) and `\` escapes.
fn fnmatch(p: &[u8], s: &[u8]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(b'*') => (0..=s.len()).any(|i| fnmatch(&p[1..], &s[i..])),
        Some(b'?') => !s.is_empty() && fnmatch(&p[1..], &s[1..]),
        Some(b'[') => match (bracket(&p[1..]), s.first()) {
            (Some((set, negated, rest)), Some(&c)) => {
                set_has(set, c) != negated && fnmatch(rest, &s[1..])
            }
            (Some(_), None) => false,
            (None, _) => s.first() == Some(&b'[') && fnmatch(&p[1..], &s[1..]),
        },
        Some(b'\\') if p.len() > 1 => s.first() == Some(&p[1]) && fnmatch(&p[2..], &s[1..]),
        Some(c) => s.first() == Some(c) && fnmatch(&p[1..], &s[1..]),
    }
}

/// A bracket expression after its `[`: (the set, negated, the rest of the
/// pattern), or `None` if it is not closed.
fn bracket(p: &[u8]) -> Option<(&[u8], bool, &[u8])> {
    let negated = matches!(p.first(), Some(b'!' | b'^'));
    let body = &p[negated as usize..];
    // A `]` first is part of the set.
    let close = body.iter().skip(1).position(|&c| c == b']')? + 1;
    Some((&body[..close], negated, &body[close + 1..]))
}

fn set_has(set: &[u8], c: u8) -> bool {
    let mut i = 0;
    while i < set.len() {
        if i + 2 < set.len() && set[i + 1] == b'-' {
            if (set[i]..=set[i + 2]).contains(&c) {
                return true;
            }
            i += 3;
        } else {
            if set[i] == c {
                return true;
            }
            i += 1;
        }
    }
    false
}

// show

fn show(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    let full_raw = dump_raw(&mut ctx.conn, RTM_GETLINK, &LinkHeader::default().to_bytes())?;
    let full = parse_links(&full_raw)?;
    let table = LinkTable::new(&full);
    let filter = Filter::parse(&mut a, ctx.family, &table)?;
    // `ip -6` dumps links with AF_INET6, which the kernel answers with its
    // IPv6 view of each link (no qdisc, group or queue length); a single
    // link is asked for by index, which every family answers in full.
    let v6_raw = if filter.family == AF_INET6 && filter.index == 0 {
        let header = LinkHeader { family: AF_INET6, ..LinkHeader::default() };
        dump_raw(&mut ctx.conn, RTM_GETLINK, &header.to_bytes())?
    } else {
        Vec::new()
    };
    let v6 = parse_links(&v6_raw)?;
    let links = if filter.family == AF_INET6 && filter.index == 0 { &v6 } else { &full };
    let addr_raw = dump_addrs(&mut ctx.conn, filter.family, filter.index)?;
    let addrs = parse_addrs(&addr_raw)?;
    let env = HeaderEnv { links: &table, link_line: filter.family == AF_UNSPEC || ctx.details };
    let out = &mut ctx.out;
    out.begin()?;
    for link in links.iter().filter(|l| filter.index == 0 || l.index() == filter.index) {
        let index = link.index();
        if !filter.lists(index, &addrs, &table) {
            continue;
        }
        // print_linkinfo: nothing for a down link under `up`; no header,
        // but the addresses, under `label`.
        let (shown, header) = if filter.up && !link.is_up() {
            (false, false)
        } else {
            (true, filter.label.is_none())
        };
        let selected = addrs
            .iter()
            .filter(|a| a.index() == index)
            .filter(|a| filter.family == AF_UNSPEC || a.family() == filter.family);
        let head = header.then(|| link_header(link, &env, out.json()));
        if out.json() {
            let mut obj = match head {
                Some(Header::Json(m)) => m,
                _ => Map::new(),
            };
            if shown {
                let info = selected.map(|a| {
                    Value::Object(if filter.passes(a, &table) { addr_json(a) } else { Map::new() })
                });
                obj.insert("addr_info".into(), Value::Array(info.collect()));
            }
            out.object(obj)?;
        } else if shown {
            if let Some(Header::Text(t)) = head {
                out.line(format_args!("{t}"))?;
            }
            for a in selected.filter(|a| filter.passes(a, &table)) {
                out.line(format_args!("{}", addr_text(a)))?;
            }
        }
    }
    out.end()
}

// One address, as `print_addrinfo` prints it.

fn family_name(family: u8) -> Option<&'static str> {
    Some(match family as i32 {
        libc::AF_INET => "inet",
        libc::AF_INET6 => "inet6",
        libc::AF_PACKET => "link",
        libc::AF_MPLS => "mpls",
        libc::AF_BRIDGE => "bridge",
        libc::AF_IPX => "ipx",
        libc::AF_DECnet => "dnet",
        _ => return None,
    })
}

/// `valid_lft`/`preferred_lft` text: `forever`, or seconds (signed for a
/// deprecated address's preferred lifetime, as `ip` prints it).
fn lifetime_text(v: u32, signed: bool) -> String {
    match v {
        LIFETIME_FOREVER => "forever".into(),
        v if signed => format!("{}sec", v as i32),
        v => format!("{v}sec"),
    }
}

/// An address as `ip address show` prints it, without the final newline:
/// `    inet 10.0.0.1/24 brd 10.0.0.255 scope global v0` and, when the
/// kernel sent lifetimes, `       valid_lft forever preferred_lft forever`.
pub(super) fn addr_text(a: &Address<'_>) -> String {
    let mut s = match family_name(a.family()) {
        Some(name) => format!("    {name} "),
        None => format!("    family {} ", a.family()),
    };
    if let Some(local) = a.local_address() {
        let _ = write!(s, "{local}");
        if let Some(peer) = a.peer() {
            let _ = write!(s, " peer {peer}");
        }
        let _ = write!(s, "/{} ", a.prefixlen());
        if let Some(m) = a.rt_priority {
            let _ = write!(s, "metric {m} ");
        }
    }
    if let Some(b) = a.broadcast {
        let _ = write!(s, "brd {b} ");
    }
    if let Some(any) = a.anycast {
        let _ = write!(s, "any {any} ");
    }
    let _ = write!(s, "scope {} ", names::route_scope(a.scope()));
    let flags = names::addr_flags(a.family(), a.flags);
    let rest = flags.unnamed();
    for name in flags {
        let _ = write!(s, "{name} ");
    }
    if rest != 0 {
        let _ = write!(s, "flags {rest:02x} ");
    }
    if let Some(label) = a.label {
        s.push_str(label);
    }
    if let Some(ci) = a.cacheinfo {
        let deprecated = a.has_flag(IFA_F_DEPRECATED);
        let _ = write!(
            s,
            "\n       valid_lft {} preferred_lft {}",
            lifetime_text(ci.valid, false),
            lifetime_text(ci.preferred, deprecated)
        );
    }
    s
}

/// An address as one entry of `ip -j address show`'s `addr_info`.
pub(super) fn addr_json(a: &Address<'_>) -> Map<String, Value> {
    let mut m = Map::new();
    match family_name(a.family()) {
        Some(name) => m.insert("family".into(), json!(name)),
        None => m.insert("family_index".into(), json!(a.family())),
    };
    if let Some(local) = a.local_address() {
        m.insert("local".into(), json!(local.to_string()));
        if let Some(peer) = a.peer() {
            m.insert("address".into(), json!(peer.to_string()));
        }
        m.insert("prefixlen".into(), json!(a.prefixlen()));
        if let Some(metric) = a.rt_priority {
            m.insert("metric".into(), json!(metric));
        }
    }
    if let Some(b) = a.broadcast {
        m.insert("broadcast".into(), json!(b.to_string()));
    }
    if let Some(any) = a.anycast {
        m.insert("anycast".into(), json!(any.to_string()));
    }
    m.insert("scope".into(), json!(names::route_scope(a.scope())));
    let flags = names::addr_flags(a.family(), a.flags);
    let rest = flags.unnamed();
    for name in flags {
        m.insert(name.into(), json!(true));
    }
    if rest != 0 {
        m.insert("ifa_flags".into(), json!(format!("{rest:02x}")));
    }
    if let Some(label) = a.label {
        m.insert("label".into(), json!(label));
    }
    if let Some(ci) = a.cacheinfo {
        m.insert("valid_life_time".into(), json!(ci.valid));
        let preferred = match ci.preferred {
            p if p != LIFETIME_FOREVER && a.has_flag(IFA_F_DEPRECATED) => json!(p as i32),
            p => json!(p),
        };
        m.insert("preferred_life_time".into(), preferred);
    }
    m
}

// The link header of `ip address show`.
//
// A minimal stand-in for the shared `nlkit link` formatter: the first line
// of `print_linkinfo` and its `link/TYPE` line, without what only `-d`,
// `-s` or `ip link` print (details, statistics, XDP, VFs, link mode).

/// What the header needs beyond the link itself.
pub(super) struct HeaderEnv<'a> {
    /// Every link, for the names of masters and peers, their flags
    /// (`M-DOWN`) and queue lengths missing from IPv6 link messages.
    pub links: &'a LinkTable,
    /// Whether to print the `link/TYPE ADDRESS brd ADDRESS` line (`ip`
    /// does without a family filter, or with `-d`).
    pub link_line: bool,
}

/// The link header in one of the two forms.
pub(super) enum Header {
    /// The text, lines joined with `\n`, without the final newline.
    Text(String),
    /// The JSON object's keys before `addr_info`.
    Json(Map<String, Value>),
}

/// The header `ip address show` prints for `l`: text, or the JSON keys.
pub(super) fn link_header(l: &Link<'_>, env: &HeaderEnv<'_>, json: bool) -> Header {
    if json {
        Header::Json(link_header_json(l, env))
    } else {
        Header::Text(link_header_text(l, env))
    }
}

/// The device name; an upper device's is `NAME@LOWER`. Also whether the
/// lower device is down (`M-DOWN`).
enum LinkRef {
    None,
    /// `IFLA_LINK` 0: `@NONE`, JSON `"link": null`.
    Zero,
    /// In another namespace: `@ifN`, JSON `link_index`.
    Index(u32),
    /// Here: its name, and whether it is down.
    Named(String, bool),
}

fn link_ref(l: &Link<'_>, env: &HeaderEnv<'_>) -> LinkRef {
    match l.link {
        None => LinkRef::None,
        Some(0) => LinkRef::Zero,
        Some(i) if l.link_netnsid.is_some() => LinkRef::Index(i),
        Some(i) => {
            let down = env.links.by_index.get(&i).is_some_and(|e| e.flags & IFF_UP == 0);
            LinkRef::Named(env.links.name(i), down)
        }
    }
}

fn name_of(l: &Link<'_>) -> String {
    l.name.map_or_else(|| format!("if{}", l.index()), str::to_owned)
}

/// `ll_addr_n2a`: colon-separated hex, or an IP address for IP tunnels.
fn hw_addr(bytes: &[u8], link_type: u16) -> String {
    match (bytes.len(), link_type) {
        (4, ARPHRD_TUNNEL | ARPHRD_SIT | ARPHRD_IPGRE) => {
            Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string()
        }
        (16, ARPHRD_TUNNEL6 | ARPHRD_IP6GRE) => {
            let b: [u8; 16] = bytes.try_into().unwrap_or_default();
            std::net::Ipv6Addr::from(b).to_string()
        }
        _ => bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"),
    }
}

/// The flag words, the unnamed bits in hex, and `M-DOWN`.
fn flag_words(flags: u32, mdown: bool) -> Vec<String> {
    let names = names::link_flags(flags);
    let rest = names.unnamed();
    let mut words: Vec<String> = names.map(str::to_owned).collect();
    if rest != 0 {
        words.push(format!("{rest:x}"));
    }
    if mdown {
        words.push("M-DOWN".into());
    }
    words
}

fn group_name(group: u32) -> String {
    if group == 0 {
        "default".into()
    } else {
        group.to_string()
    }
}

fn txqlen(l: &Link<'_>, env: &HeaderEnv<'_>) -> Option<u32> {
    // Without IFLA_TXQLEN, `ip` asks with SIOCGIFTXQLEN: the same value.
    let fallback = || env.links.by_index.get(&l.index()).and_then(|e| e.txqlen);
    l.txqlen.or_else(fallback).filter(|&q| q != 0)
}

fn link_header_text(l: &Link<'_>, env: &HeaderEnv<'_>) -> String {
    let name = name_of(l);
    let mut s = format!("{}: ", l.index());
    let mdown = match link_ref(l, env) {
        LinkRef::None => {
            let _ = write!(s, "{name}: ");
            false
        }
        LinkRef::Zero => {
            let _ = write!(s, "{name}@NONE: ");
            false
        }
        LinkRef::Index(i) => {
            let _ = write!(s, "{name}@if{i}: ");
            false
        }
        LinkRef::Named(lower, down) => {
            let _ = write!(s, "{name}@{lower}: ");
            down
        }
    };
    let words = flag_words(l.header.flags, false);
    let _ = write!(s, "<{}{}> ", words.join(","), if mdown { ",M-DOWN" } else { "" });
    if let Some(mtu) = l.mtu {
        let _ = write!(s, "mtu {mtu} ");
    }
    if let Some(q) = l.qdisc {
        let _ = write!(s, "qdisc {q} ");
    }
    if let Some(m) = l.master {
        let _ = write!(s, "master {} ", env.links.name(m));
    }
    if let Some(state) = l.operstate.map(u8::from) {
        match state {
            0..=6 => drop(write!(s, "state {} ", names::oper_state(state))),
            _ => drop(write!(s, "state {state:#x} ")),
        }
    }
    if let Some(g) = l.group {
        let _ = write!(s, "group {} ", group_name(g));
    }
    if let Some(q) = txqlen(l, env) {
        let _ = write!(s, "qlen {q}");
    }
    let link_type = l.header.link_type;
    if env.link_line {
        let _ = write!(s, "\n    link/{} ", names::link_type(link_type));
        if let Some(a) = l.address {
            s.push_str(&hw_addr(a, link_type));
        }
        if let Some(b) = l.broadcast {
            let word = if l.header.flags & IFF_POINTOPOINT != 0 { "peer" } else { "brd" };
            let _ = write!(s, " {word} {}", hw_addr(b, link_type));
        }
        if let Some(p) = l.perm_address.filter(|p| l.address != Some(*p)) {
            let _ = write!(s, " permaddr {}", hw_addr(p, link_type));
        }
    }
    match l.link_netnsid {
        Some(id) if id >= 0 => drop(write!(s, " link-netnsid {id}")),
        Some(_) => s.push_str(" link-netnsid unknown"),
        None => {}
    }
    if l.proto_down == Some(true) {
        s.push_str(" protodown on ");
    }
    for alt in l.alt_names() {
        let _ = write!(s, "\n    altname {alt}");
    }
    s
}

fn link_header_json(l: &Link<'_>, env: &HeaderEnv<'_>) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("ifindex".into(), json!(l.index()));
    let mdown = match link_ref(l, env) {
        LinkRef::None => false,
        LinkRef::Zero => {
            m.insert("link".into(), Value::Null);
            false
        }
        LinkRef::Index(i) => {
            m.insert("link_index".into(), json!(i));
            false
        }
        LinkRef::Named(lower, down) => {
            m.insert("link".into(), json!(lower));
            down
        }
    };
    m.insert("ifname".into(), json!(name_of(l)));
    m.insert("flags".into(), json!(flag_words(l.header.flags, mdown)));
    if let Some(mtu) = l.mtu {
        m.insert("mtu".into(), json!(mtu));
    }
    if let Some(q) = l.qdisc {
        m.insert("qdisc".into(), json!(q));
    }
    if let Some(master) = l.master {
        m.insert("master".into(), json!(env.links.name(master)));
    }
    if let Some(state) = l.operstate.map(u8::from) {
        match state {
            0..=6 => m.insert("operstate".into(), json!(names::oper_state(state))),
            _ => m.insert("operstate_index".into(), json!(state)),
        };
    }
    if let Some(g) = l.group {
        m.insert("group".into(), json!(group_name(g)));
    }
    if let Some(q) = txqlen(l, env) {
        m.insert("txqlen".into(), json!(q));
    }
    let link_type = l.header.link_type;
    if env.link_line {
        m.insert("link_type".into(), json!(names::link_type(link_type)));
        if let Some(a) = l.address {
            m.insert("address".into(), json!(hw_addr(a, link_type)));
        }
        if let Some(b) = l.broadcast {
            if l.header.flags & IFF_POINTOPOINT != 0 {
                m.insert("link_pointtopoint".into(), json!(true));
            }
            m.insert("broadcast".into(), json!(hw_addr(b, link_type)));
        }
        if let Some(p) = l.perm_address.filter(|p| l.address != Some(*p)) {
            m.insert("permaddr".into(), json!(hw_addr(p, link_type)));
        }
    }
    if let Some(id) = l.link_netnsid {
        m.insert("link_netnsid".into(), json!(id));
    }
    if l.proto_down == Some(true) {
        m.insert("proto_down".into(), json!(true));
    }
    if l.attr(IFLA_PROP_LIST).is_some() {
        m.insert("altnames".into(), json!(l.alt_names().collect::<Vec<_>>()));
    }
    m
}

// add, change, replace, delete

/// An address flag word of `ip address`, and what it may do.
struct FlagWord {
    name: &'static str,
    mask: u32,
    /// Only the kernel sets it.
    readonly: bool,
    /// Settable on IPv6 addresses only.
    v6only: bool,
}

const fn flag(name: &'static str, mask: u32, readonly: bool, v6only: bool) -> FlagWord {
    FlagWord { name, mask, readonly, v6only }
}

/// `ip`'s `ifa_flag_data`, in its order.
const FLAG_WORDS: [FlagWord; 13] = [
    flag("secondary", IFA_F_SECONDARY, true, false),
    flag("temporary", IFA_F_SECONDARY, true, false),
    flag("nodad", IFA_F_NODAD, false, true),
    flag("optimistic", IFA_F_OPTIMISTIC, false, true),
    flag("dadfailed", IFA_F_DADFAILED, true, true),
    flag("home", IFA_F_HOMEADDRESS, false, true),
    flag("deprecated", IFA_F_DEPRECATED, true, true),
    flag("tentative", IFA_F_TENTATIVE, true, true),
    flag("permanent", IFA_F_PERMANENT, true, true),
    flag("mngtmpaddr", IFA_F_MANAGETEMPADDR, false, true),
    flag("noprefixroute", IFA_F_NOPREFIXROUTE, false, false),
    flag("autojoin", IFA_F_MCAUTOJOIN, false, false),
    flag("stable-privacy", IFA_F_STABLE_PRIVACY, true, true),
];

/// A prefix as `ip`'s `get_prefix` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Prefix {
    addr: IpAddr,
    len: u8,
    /// Whether `/LEN` was written.
    len_given: bool,
}

/// `ADDR[/LEN]` of `family` (any if `AF_UNSPEC`). IPv4 may be shortened
/// as `ip` allows (`10`, `10.1`; each part decimal, `0x` hex or `0` octal).
fn inet_prefix(s: &str, family: u8) -> Option<Prefix> {
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u8>().ok()?)),
        None => (s, None),
    };
    let addr = if addr.contains(':') {
        IpAddr::V6(addr.parse().ok()?)
    } else {
        IpAddr::V4(ipv4_like_ip(addr)?)
    };
    if family != AF_UNSPEC && family != nlkit::route::family_of(&addr) {
        return None;
    }
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let p = Prefix { addr, len: len.unwrap_or(max), len_given: len.is_some() };
    (p.len <= max).then_some(p)
}

fn ipv4_like_ip(s: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    for (o, part) in octets.iter_mut().zip(&parts) {
        let v = match part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            Some(hex) => u8::from_str_radix(hex, 16).ok()?,
            None if part.len() > 1 && part.starts_with('0') => {
                u8::from_str_radix(&part[1..], 8).ok()?
            }
            None => part.parse().ok()?,
        };
        *o = v;
    }
    Some(Ipv4Addr::from(octets))
}

/// Whether a word of `add`/`del` is an address rather than a keyword.
fn looks_like_address(w: &str) -> bool {
    w.contains([':', '.', '/']) || w.starts_with(|c: char| c.is_ascii_digit())
}

const MODIFY_WORDS: [&str; 23] = [
    "peer|remote",
    "broadcast|brd",
    "anycast",
    "scope",
    "dev",
    "label",
    "metric|priority|preference",
    "valid_lft",
    "preferred_lft",
    "local",
    "secondary",
    "temporary",
    "nodad",
    "optimistic",
    "dadfailed",
    "home",
    "deprecated",
    "tentative",
    "permanent",
    "mngtmpaddr",
    "noprefixroute",
    "autojoin",
    "stable-privacy",
];

enum Broadcast {
    Addr(IpAddr),
    /// `+`: all host bits set.
    Ones,
    /// `-`: all host bits clear.
    Zeros,
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

fn bad_prefix(v: &str) -> anyhow::Error {
    anyhow!("any valid prefix is expected rather than \"{v}\".")
}

/// `ip address add|change|replace|delete IFADDR dev NAME ...`, read and
/// checked as `ipaddr_modify` does.
fn modify(ctx: &mut Ctx, mut a: Args, cmd: &str) -> Result<()> {
    let mut family = ctx.family;
    let (mut local, mut peer, mut brd, mut anycast) = (None, None, None, None);
    let (mut scope, mut dev, mut label, mut metric) = (None, None, None, None);
    let (mut valid, mut preferred, mut flags) = (None, None, 0u32);
    let mut take_local = |v: &str, family: &mut u8| -> Result<()> {
        let p = inet_prefix(v, *family).ok_or_else(|| bad_prefix(v))?;
        *family = nlkit::route::family_of(&p.addr);
        once(&mut local, "local", p)
    };
    while let Some(w) = a.next() {
        if looks_like_address(&w) {
            take_local(&w, &mut family)?;
            continue;
        }
        match args::keyword(&w, &MODIFY_WORDS)? {
            "peer" => {
                let v = a.value("peer")?;
                let p = inet_prefix(&v, family).ok_or_else(|| bad_prefix(&v))?;
                family = nlkit::route::family_of(&p.addr);
                once(&mut peer, "peer", p)?;
            }
            "broadcast" => {
                let v = a.value("broadcast")?;
                let b = match v.as_str() {
                    "+" => Broadcast::Ones,
                    "-" => Broadcast::Zeros,
                    _ => {
                        let p = inet_prefix(&v, family)
                            .filter(|p| !p.len_given)
                            .ok_or_else(|| anyhow!("invalid broadcast address \"{v}\""))?;
                        family = nlkit::route::family_of(&p.addr);
                        Broadcast::Addr(p.addr)
                    }
                };
                once(&mut brd, "broadcast", b)?;
            }
            "anycast" => {
                let v = a.value("anycast")?;
                let p = inet_prefix(&v, family)
                    .filter(|p| !p.len_given)
                    .ok_or_else(|| anyhow!("invalid anycast address \"{v}\""))?;
                family = nlkit::route::family_of(&p.addr);
                once(&mut anycast, "anycast", p.addr)?;
            }
            "scope" => scope = Some(a.parsed("scope", names::parse_route_scope)?),
            "dev" => dev = Some(a.value("dev")?),
            "label" => label = Some(a.value("label")?),
            "metric" => metric = Some(a.parsed("metric", args::number::<u32>)?),
            "valid_lft" => once(&mut valid, "valid_lft", a.parsed("valid_lft", lifetime)?)?,
            "preferred_lft" => {
                once(&mut preferred, "preferred_lft", a.parsed("preferred_lft", lifetime)?)?
            }
            "local" => take_local(&a.value("local")?, &mut family)?,
            word => {
                let Some(f) = FLAG_WORDS.iter().find(|f| f.name == word) else {
                    unreachable!("every other keyword is a flag")
                };
                if f.readonly {
                    eprintln!("Warning: {} option is not mutable from userspace", f.name);
                } else if f.v6only && family != AF_INET6 {
                    eprintln!("Warning: {} option can be set only for IPv6 addresses", f.name);
                } else {
                    flags |= f.mask;
                }
            }
        }
    }
    let Some(dev) = dev else { bail!("Not enough information: \"dev\" argument is required.") };
    let Some(local) = local else {
        bail!("Not enough information: an address (ADDR[/LEN]) is required.")
    };
    let delete = cmd == "delete";
    let index = ctx.ifindex(&dev)?;
    // IPv4 deletion without a length deletes the first address that
    // matches, whatever its length: `ip`'s "wildcard deletion".
    if let (true, None, false, IpAddr::V4(v4)) = (delete, peer, local.len_given, local.addr) {
        eprintln!(
            "Warning: Executing wildcard deletion to stay compatible with old scripts.\n         \
             Explicitly specify the prefix length ({}/32) to avoid this warning.\n         \
             This special behaviour is likely to disappear in further releases,\n         \
             fix your scripts!",
            local.addr
        );
        return wildcard_delete(ctx, index, v4, label.as_deref(), flags);
    }
    let basis = peer.unwrap_or(local);
    let prefixlen = match peer {
        Some(p) if p.len != 0 => p.len,
        _ => local.len,
    };
    let mut spec = AddrSpec::new(index, local.addr, prefixlen);
    spec.peer = peer.map(|p| p.addr);
    spec.broadcast = match brd {
        Some(Broadcast::Addr(b)) => Some(b),
        Some(ones_or_zeros) if !delete => {
            let IpAddr::V4(base) = basis.addr else {
                bail!("Broadcast can be set only for IPv4 addresses")
            };
            (basis.len <= 30).then(|| {
                let host = u32::MAX.checked_shr(basis.len as u32).unwrap_or(0);
                let base = u32::from(base);
                let b = match ones_or_zeros {
                    Broadcast::Ones => base | host,
                    _ => base & !host,
                };
                IpAddr::V4(Ipv4Addr::from(b))
            })
        }
        _ => None,
    };
    spec.label = label;
    spec.scope = if delete { Some(scope.unwrap_or(0)) } else { scope };
    spec.flags = flags;
    spec.metric = metric;
    if valid.is_some() || preferred.is_some() {
        let (valid, preferred) =
            (valid.unwrap_or(LIFETIME_FOREVER), preferred.unwrap_or(LIFETIME_FOREVER));
        if valid == 0 {
            bail!("valid_lft is zero");
        }
        if valid < preferred {
            bail!("preferred_lft is greater than valid_lft");
        }
        spec.lifetimes = Some(Lifetimes { valid, preferred });
    }
    if flags & IFA_F_MCAUTOJOIN != 0 && !local.addr.is_multicast() {
        bail!("autojoin needs multicast address");
    }
    let request_flags = match cmd {
        "add" => Flags::CREATE | Flags::EXCL,
        "change" => Flags::REPLACE,
        "replace" => Flags::CREATE | Flags::REPLACE,
        _ => Flags::empty(),
    };
    if delete {
        ctx.conn.request_ack(RTM_DELADDR, request_flags, |b| {
            spec.emit_del(b)?;
            wide_flags(b, flags)
        })?;
    } else {
        ctx.conn.request_ack(RTM_NEWADDR, request_flags, |b| {
            spec.emit(b)?;
            match &anycast {
                Some(x) => b.attr(IFA_ANYCAST, &nlkit::route::addr_bytes(x)),
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

// flush

/// Rounds before `flush` gives up (`ip`'s `max_flush_loops`).
const MAX_FLUSH_ROUNDS: usize = 10;

/// `ip address flush SELECTORS`: delete what `show` would list, in rounds
/// until a dump finds nothing more (deleting a primary address can promote
/// a secondary, or take the secondaries with it).
fn flush(ctx: &mut Ctx, mut a: Args) -> Result<()> {
    if a.at_end() {
        bail!("Flush requires arguments.");
    }
    let link_raw = dump_raw(&mut ctx.conn, RTM_GETLINK, &LinkHeader::default().to_bytes())?;
    let table = LinkTable::new(&parse_links(&link_raw)?);
    let filter = Filter::parse(&mut a, ctx.family, &table)?;
    let primary_only =
        filter.flag_mask & IFA_F_SECONDARY != 0 && filter.flags & IFA_F_SECONDARY == 0;
    for round in 0..MAX_FLUSH_ROUNDS {
        let raw = dump_addrs(&mut ctx.conn, filter.family, filter.index)?;
        let addrs = parse_addrs(&raw)?;
        let doomed: Vec<&Address<'_>> = addrs.iter().filter(|a| filter.passes(a, &table)).collect();
        if doomed.is_empty() {
            return flush_done(ctx, round);
        }
        for victim in &doomed {
            match ctx.conn.request_ack(RTM_DELADDR, Flags::empty(), |b| victim.emit(b)) {
                // Gone with an address deleted before it.
                Err(e) if e.errno() == Some(libc::EADDRNOTAVAIL) => {}
                other => other?,
            }
        }
        if ctx.stats > 0 {
            let n = doomed.len();
            ctx.out.line(format_args!("\n*** Round {}, deleting {n} addresses ***", round + 1))?;
            ctx.out.flush()?;
        }
        if primary_only {
            return flush_done(ctx, round + 1);
        }
    }
    bail!("*** Flush remains incomplete after {MAX_FLUSH_ROUNDS} rounds. ***")
}

fn flush_done(ctx: &mut Ctx, rounds: usize) -> Result<()> {
    if ctx.stats > 0 {
        if rounds == 0 {
            ctx.out.line(format_args!("Nothing to flush."))?;
        } else {
            let s = if rounds > 1 { "s" } else { "" };
            ctx.out.line(format_args!("*** Flush is complete after {rounds} round{s} ***"))?;
        }
    }
    ctx.out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_globs_as_libc() {
        assert!(fnmatch(b"v0*", b"v0:1"));
        assert!(fnmatch(b"v0*", b"v0"));
        assert!(!fnmatch(b"v0:*", b"v0"));
        assert!(fnmatch(b"eth?", b"eth1"));
        assert!(fnmatch(b"eth[0-2]", b"eth2"));
        assert!(!fnmatch(b"eth[!0-2]", b"eth2"));
        assert!(fnmatch(b"a[]]b", b"a]b"));
        assert!(fnmatch(b"a\\*", b"a*"));
        assert!(!fnmatch(b"a\\*", b"ab"));
        assert!(fnmatch(b"[x", b"[x"));
    }

    #[test]
    fn prefixes_read_as_ip_reads_them() {
        let p = inet_prefix("10/8", AF_UNSPEC).unwrap();
        assert_eq!((p.addr, p.len, p.len_given), ("10.0.0.0".parse().unwrap(), 8, true));
        assert_eq!(
            inet_prefix("10.1", AF_UNSPEC).unwrap().addr,
            "10.1.0.0".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            inet_prefix("0x0a.010.0.1", AF_UNSPEC).unwrap().addr,
            "10.8.0.1".parse::<IpAddr>().unwrap()
        );
        assert!(!inet_prefix("2001:db8::1", AF_UNSPEC).unwrap().len_given);
        assert_eq!(inet_prefix("2001:db8::1", AF_UNSPEC).unwrap().len, 128);
        assert_eq!(inet_prefix("10.0.0.1/33", AF_UNSPEC), None);
        assert_eq!(inet_prefix("10.0.0.1", AF_INET6), None);
        assert_eq!(inet_prefix("256.0.0.1", AF_UNSPEC), None);
        assert_eq!(inet_prefix("1.2.3.4.5", AF_UNSPEC), None);
    }

    #[test]
    fn prefix_match_compares_leading_bits() {
        let a: IpAddr = "10.1.2.3".parse().unwrap();
        assert!(prefix_matches(a, "10.0.0.0".parse().unwrap(), 8));
        assert!(prefix_matches(a, "10.1.0.0".parse().unwrap(), 15));
        assert!(!prefix_matches(a, "10.2.0.0".parse().unwrap(), 16));
        assert!(prefix_matches(a, "0.0.0.0".parse().unwrap(), 0));
        assert!(!prefix_matches(a, "::".parse().unwrap(), 0));
    }

    /// The `RTM_NEWADDR` request `spec` makes, read back as a dump reply:
    /// the attributes a reply for it carries, in another order.
    fn reply(
        spec: &AddrSpec,
        extra: impl FnOnce(&mut nlkit::wire::MessageBuilder<'_, Vec<u8>>),
    ) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut b =
            nlkit::wire::MessageBuilder::new(&mut buf, nlkit::wire::Header::new(RTM_NEWADDR))
                .unwrap();
        spec.emit(&mut b).unwrap();
        extra(&mut b);
        b.finish();
        buf
    }

    fn parsed(bytes: &[u8]) -> Address<'_> {
        Address::parse(&MessageBuffer::new_checked(bytes).unwrap()).unwrap()
    }

    #[test]
    fn a_peer_a_metric_and_lifetimes_print_as_ip_prints_them() {
        let mut spec = AddrSpec::new(2, "10.9.0.1".parse().unwrap(), 32);
        spec.peer = Some("10.9.0.2".parse().unwrap());
        spec.metric = Some(7);
        spec.label = Some("v1:p".into());
        spec.lifetimes = Some(Lifetimes { valid: 100, preferred: 50 });
        let bytes = reply(&spec, |_| {});
        let a = parsed(&bytes);
        assert_eq!(
            addr_text(&a),
            "    inet 10.9.0.1 peer 10.9.0.2/32 metric 7 scope global dynamic v1:p\n       \
             valid_lft 100sec preferred_lft 50sec"
        );
        let keys: Vec<_> = addr_json(&a).keys().cloned().collect();
        let want = ["family", "local", "address", "prefixlen", "metric", "scope", "dynamic"];
        assert_eq!(keys[..7], want);
        assert_eq!(keys[7..], ["label", "valid_life_time", "preferred_life_time"]);
    }

    #[test]
    fn unnamed_flags_are_hex_and_a_deprecated_lifetime_is_signed() {
        let mut spec = AddrSpec::new(3, "2001:db8::1".parse().unwrap(), 64);
        spec.flags = IFA_F_DEPRECATED | IFA_F_PERMANENT | 0x10000;
        spec.lifetimes = Some(Lifetimes { valid: 10, preferred: u32::MAX - 1 });
        let bytes = reply(&spec, |b| b.attr(IFA_ANYCAST, &[0; 16]).unwrap());
        let a = parsed(&bytes);
        assert_eq!(
            addr_text(&a),
            "    inet6 2001:db8::1/64 any :: scope global deprecated flags 10000 \n       \
             valid_lft 10sec preferred_lft -2sec"
        );
        let j = addr_json(&a);
        assert_eq!(j["ifa_flags"], json!("10000"));
        assert_eq!(j["preferred_life_time"], json!(-2));
        assert_eq!(j["anycast"], json!("::"));
    }

    #[test]
    fn flag_selectors() {
        let mut f = Filter::default();
        assert!(f.flag_word("dynamic"));
        assert_eq!((f.flags, f.flag_mask), (0, IFA_F_PERMANENT));
        assert!(f.flag_word("-tentative"));
        assert!(f.flag_word("secondary"));
        assert_eq!(f.flags, IFA_F_SECONDARY);
        assert!(!f.flag_word("bogus"));
    }
}
