//! ss's filter language (misc/ssfilter.y): `src`, `dst`, `sport`,
//! `dport` with `=`/`!=`/`<`/`>`/`<=`/`>=` (and their words `eq`, `ne`,
//! `lt`, `gt`, `le`, `ge`), `dev`, `fwmark`, `cgroup`, `autobound`,
//! combined with `and`/`&`, `or`/`|`, `not`/`!` and parentheses, read
//! into a [`nlkit::diag::filter::Expr`] that the kernel runs.
//!
//! As in ss, each word may hold several tokens separated by spaces
//! (`'sport = :22'`), conditions side by side are joined by `and`, and
//! `and` and `or` bind left to right with no precedence between them
//! (`a or b and c` is `(a or b) and c`). Hosts are `ADDR[/LEN][:PORT]`,
//! `[IPV6][:PORT]`, `*[:PORT]`, with `inet:` or `inet6:` before them to
//! name the family; a name that is not an address is resolved
//! (getaddrinfo: every address it has, any of which matches). Ports are
//! numbers or service names from `/etc/services`. `unix:PATTERN`,
//! `link:PROTO[:IFACE]` and `netlink:PROTO[:PORT]` hosts test those
//! sockets (in user space, `Expr::matches_other`) and keep the listing to
//! their family, as in ss; `vsock:` is refused (nlkit lists no vsock
//! sockets).

use anyhow::{bail, Result};
use nlkit::diag::filter::{Expr, HostCond, MAX_DEPTH};
use std::net::{IpAddr, ToSocketAddrs};

/// What reading a filter needs from outside: service names, interface
/// indexes, the family -4/-6 chose.
pub trait Lookup {
    /// The port of service `name` for the protocols listed.
    fn service(&self, name: &str) -> Result<Option<u16>>;
    /// The index of interface `name`.
    fn ifindex(&mut self, name: &str) -> Option<u32>;
    /// `AF_INET` or `AF_INET6` under -4 or -6.
    fn family(&self) -> Option<u8>;
    /// The family a host without a tag is of (ss's `preferred_family`:
    /// the last of -4, -6, -x, -0, -f); `None` for any inet.
    fn preferred(&self) -> Option<u8> {
        self.family()
    }
}

/// Whether `family` is one of those whose sockets are filtered here.
fn is_other(family: Option<u8>) -> bool {
    matches!(family.map(i32::from), Some(libc::AF_UNIX | libc::AF_PACKET | libc::AF_NETLINK))
}

/// A filter read: the expression, and the one address family a host
/// named with `inet:` or `inet6:` restricts the listing to (the last one
/// named, as ss).
#[derive(Debug)]
pub struct Filter {
    pub expr: Expr,
    pub family: Option<u8>,
}

/// A filter ready to run: the expression, the kernel's program for it
/// (`None` when it has a unix, link or netlink condition: the kernel
/// filters inet sockets only, and those are not listed then), the family
/// a `unix:`, `link:` or `netlink:` host keeps the listing to, and the
/// ephemeral ports `autobound` means.
pub struct Ready {
    pub expr: Expr,
    pub program: Option<Vec<u8>>,
    pub only: Option<i32>,
    pub ephemeral: std::ops::RangeInclusive<u16>,
}

impl Ready {
    /// Compiles `f` and applies its family to `o`: an inet one as -4/-6;
    /// a unix, link or netlink one turns that table on (the tables asked
    /// for still count for the columns, as in ss) and the others off.
    pub fn new(
        f: Filter,
        o: &mut super::words::Options,
        ephemeral: std::ops::RangeInclusive<u16>,
    ) -> Result<Ready> {
        let only = f.family.map(i32::from).filter(|&f| is_other(Some(f as u8)));
        match only {
            Some(libc::AF_UNIX) => o.unix = true,
            Some(libc::AF_NETLINK) => o.netlink = true,
            Some(_) if !o.packet_raw && !o.packet_dgram => {
                (o.packet_raw, o.packet_dgram) = (true, true)
            }
            Some(_) => {}
            None => o.family = f.family.or(o.family),
        }
        let program = match f.expr.is_inet() {
            true => Some(f.expr.compile().map_err(|e| anyhow::anyhow!("ss: {e}"))?),
            false => None,
        };
        Ok(Ready { expr: f.expr, program, only, ephemeral })
    }
}

/// Whether the unix, packet or netlink table of `family` is listed: not
/// under -4/-6 or another family's host; always under a host of its own.
pub fn listed(filter: Option<&Ready>, o: &super::words::Options, family: i32) -> bool {
    match filter.and_then(|f| f.only) {
        Some(f) => f == family,
        None => o.family.is_none(),
    }
}

/// Whether a unix, packet or netlink socket passes the filter (if any),
/// tested here as ss tests it.
pub fn passes(filter: Option<&Ready>, s: &nlkit::diag::filter::OtherFacts<'_>) -> bool {
    filter.is_none_or(|f| f.expr.matches_other(s))
}

/// Reads `words` (everything after the state words) as one filter.
pub fn parse(words: &[String], lookup: &mut dyn Lookup) -> Result<Filter> {
    let tokens: Vec<&str> =
        words.iter().flat_map(|w| w.split([' ', '\t'])).filter(|t| !t.is_empty()).collect();
    let mut p = Parser { tokens, at: 0, lookup, family: None };
    let expr = p.list(0)?;
    match p.peek() {
        None => Ok(Filter { expr, family: p.family }),
        Some(t) => bail!("ss: syntax error in filter at \"{t}\""),
    }
}

struct Parser<'a, 'l> {
    tokens: Vec<&'a str>,
    at: usize,
    lookup: &'l mut dyn Lookup,
    family: Option<u8>,
}

/// A comparison between a keyword and its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

fn cmp(t: &str) -> Option<Cmp> {
    Some(match t {
        "=" | "==" | "eq" => Cmp::Eq,
        "!=" | "ne" | "neq" => Cmp::Ne,
        "<" | "lt" => Cmp::Lt,
        ">" | "gt" => Cmp::Gt,
        "<=" | "le" | "leq" => Cmp::Le,
        ">=" | "ge" | "geq" => Cmp::Ge,
        _ => return None,
    })
}

impl<'a> Parser<'a, '_> {
    fn peek(&self) -> Option<&'a str> {
        self.tokens.get(self.at).copied()
    }

    fn next(&mut self) -> Result<&'a str> {
        let t = self.tokens.get(self.at).copied();
        self.at += 1;
        t.ok_or_else(|| anyhow::anyhow!("ss: filter ends too early"))
    }

    /// `exprlist`: conditions joined left to right.
    fn list(&mut self, depth: usize) -> Result<Expr> {
        let mut e = self.expr(depth)?;
        loop {
            match self.peek() {
                None | Some(")") => return Ok(e),
                Some("|" | "||" | "or") => {
                    self.at += 1;
                    e = Expr::or(e, self.expr(depth)?);
                }
                Some("&" | "&&" | "and") => {
                    self.at += 1;
                    e = Expr::and(e, self.expr(depth)?);
                }
                Some(_) => e = Expr::and(e, self.expr(depth)?),
            }
        }
    }

    /// One condition, a negation or a parenthesised list.
    fn expr(&mut self, depth: usize) -> Result<Expr> {
        if depth >= MAX_DEPTH {
            bail!("ss: filter nests deeper than {MAX_DEPTH} levels");
        }
        let t = self.next()?;
        Ok(match t {
            "(" => {
                let e = self.list(depth + 1)?;
                match self.next() {
                    Ok(")") => e,
                    _ => bail!("ss: syntax error in filter: \"(\" without \")\""),
                }
            }
            "!" | "not" => Expr::not(self.expr(depth + 1)?),
            "autobound" => Expr::Autobound,
            "src" | "dst" | "sport" | "dport" if self.peek_other() => self.other_host(t)?,
            "src" | "dst" => {
                let word = t;
                if self.peek().and_then(cmp) == Some(Cmp::Eq) {
                    self.at += 1;
                }
                let (prefixes, port) = self.host(word, false)?;
                // A name with several addresses: any of them.
                let conds = prefixes.into_iter().map(|prefix| {
                    let c = HostCond { prefix, port };
                    if word == "src" {
                        Expr::Src(c)
                    } else {
                        Expr::Dst(c)
                    }
                });
                let any = conds.reduce(Expr::or);
                any.ok_or_else(|| anyhow::anyhow!("ss: {word} has no address"))?
            }
            "sport" | "dport" => self.port_condition(t)?,
            "dev" => {
                let ne = self.eq_or_ne(t)?;
                let name = self.next()?;
                let index = match self.lookup.ifindex(name) {
                    Some(i) => i,
                    None => match parse_c_uint(name) {
                        Some(n) => n,
                        None => bail!("ss: Cannot parse device \"{name}\"."),
                    },
                };
                negate(ne, Expr::Dev(index))
            }
            "fwmark" => {
                let ne = self.eq_or_ne(t)?;
                let v = self.next()?;
                let parsed = match v.split_once('/') {
                    Some((m, k)) => parse_c_int(m).zip(parse_c_int(k)),
                    None => parse_c_int(v).map(|m| (m, u32::MAX)),
                };
                let Some((mark, mask)) = parsed else { bail!("ss: Cannot parse mark {v}.") };
                negate(ne, Expr::Mark { mark, mask })
            }
            "cgroup" => {
                let ne = self.eq_or_ne(t)?;
                let path = self.next()?;
                negate(ne, Expr::Cgroup(cgroup_id(path)?))
            }
            other => bail!("ss: syntax error in filter at \"{other}\""),
        })
    }

    /// Whether the host after the keyword (and its `=`) is a `unix:`,
    /// `link:` or `netlink:` one.
    fn peek_other(&self) -> bool {
        // Only `=` (or none): an ordered comparison is of ports.
        let at = match self.peek().and_then(cmp) {
            None => self.at,
            Some(Cmp::Eq) => self.at + 1,
            Some(_) => return false,
        };
        let host = self.tokens.get(at).copied().unwrap_or("");
        let tagged = ["unix:", "link:", "netlink:"].iter().any(|tag| host.starts_with(tag));
        let inet_tag = ["inet:", "inet6:"].iter().any(|tag| host.starts_with(tag));
        tagged || (is_other(self.lookup.preferred()) && !inet_tag)
    }

    /// `src|dst|sport|dport [=] unix:PATTERN|link:PROTO[:IFACE]|netlink:PROTO[:PORT]`
    /// (ss's `parse_hostcond` for those families; for `sport` and
    /// `dport` the part after the tag is the interface or port alone).
    /// Names the family the listing is kept to, as ss.
    fn other_host(&mut self, word: &str) -> Result<Expr> {
        if self.peek().and_then(cmp) == Some(Cmp::Eq) {
            self.at += 1;
        }
        let t = self.next()?;
        let peer = matches!(word, "dst" | "dport");
        let is_port = matches!(word, "sport" | "dport");
        // ss's find_port: all of it for a port, else what follows a ':'.
        let split = |rest: &'a str| match is_port {
            true => ("", Some(rest.strip_prefix(':').unwrap_or(rest))),
            false => match rest.split_once(':') {
                Some((a, p)) => (a, Some(p)),
                None => (rest, None),
            },
        };
        let given = |v: Option<&'a str>| v.filter(|v| !v.is_empty() && *v != "*");
        // Without a tag, the preferred family's (-x, -0, -f).
        let preferred = self.lookup.preferred().map(i32::from);
        let tag = ["unix:", "link:", "netlink:"].into_iter().find(|tag| t.starts_with(tag));
        let (tag, t) = match (tag, preferred) {
            (Some(tag), _) => (tag, t),
            (None, Some(libc::AF_UNIX)) => ("unix:", t),
            (None, Some(libc::AF_PACKET)) => ("link:", t),
            (None, _) => ("netlink:", t),
        };
        let body = &t[if t.starts_with(tag) { tag.len() } else { 0 }..];
        if tag == "unix:" {
            let pattern = body;
            self.family = Some(libc::AF_UNIX as u8);
            return Ok(Expr::UnixName { peer, pattern: pattern.to_string() });
        }
        if tag == "link:" {
            let rest = body;
            self.family = Some(libc::AF_PACKET as u8);
            let (proto, iface) = split(rest);
            let ifindex = match given(iface) {
                None => None,
                Some(i) => match parse_c_uint(i).or_else(|| self.lookup.ifindex(i)) {
                    Some(n) => Some(n),
                    None => bail!("ss: Cannot find device \"{i}\" in {t}."),
                },
            };
            let protocol = match given(Some(proto)) {
                None => None,
                Some(p) => Some(link_protocol(p).ok_or_else(|| {
                    anyhow::anyhow!("ss: \"{p}\" in {t} is not a link-layer protocol (ip, arp, all, 0x88cc, ...)")
                })?),
            };
            return Ok(Expr::Link { peer, protocol, ifindex });
        }
        let rest = body;
        self.family = Some(libc::AF_NETLINK as u8);
        let (proto, port) = split(rest);
        let port = match given(port) {
            None => None,
            Some("kernel") => Some(0),
            Some(p) => Some(i64::from(parse_c_int(p).ok_or_else(|| {
                anyhow::anyhow!("ss: \"{p}\" in {t} is not a port id (a number or kernel)")
            })? as i32)),
        };
        let protocol = match given(Some(proto)) {
            None => None,
            Some(p) => Some(super::netlink::protocol_number(p).ok_or_else(|| {
                anyhow::anyhow!(
                    "ss: \"{p}\" in {t} is not a netlink protocol (rtnl, genl, 16, ...)"
                )
            })?),
        };
        Ok(Expr::Netlink { peer, protocol, port })
    }

    /// `=` (or nothing) or `!=` after `word`; true for `!=`.
    fn eq_or_ne(&mut self, word: &str) -> Result<bool> {
        match self.peek().and_then(cmp) {
            Some(Cmp::Eq) => {
                self.at += 1;
                Ok(false)
            }
            Some(Cmp::Ne) => {
                self.at += 1;
                Ok(true)
            }
            Some(_) => bail!("ss: syntax error in filter: {word} takes = or != only"),
            None => Ok(false),
        }
    }

    /// `sport|dport [OP] PORT`: `<` is not `>=`, `>` not `<=`, as ss.
    fn port_condition(&mut self, word: &str) -> Result<Expr> {
        let op = self.peek().and_then(cmp);
        if op.is_some() {
            self.at += 1;
        }
        let (_, port) = self.host(word, true)?;
        let c = HostCond { prefix: None, port };
        let Some(p) = c.port else {
            // `*`: any port.
            return Ok(negate(op == Some(Cmp::Ne), cond(word, c)));
        };
        let (ge, le) = if word == "sport" {
            (Expr::SportGe(p), Expr::SportLe(p))
        } else {
            (Expr::DportGe(p), Expr::DportLe(p))
        };
        Ok(match op.unwrap_or(Cmp::Eq) {
            Cmp::Eq => cond(word, c),
            Cmp::Ne => Expr::not(cond(word, c)),
            Cmp::Ge => ge,
            Cmp::Le => le,
            Cmp::Gt => Expr::not(le),
            Cmp::Lt => Expr::not(ge),
        })
    }

    /// A host (ss's `parse_hostcond`): its prefixes (one, or a name's
    /// addresses; `None` for any address) and port. `is_port` for a port
    /// alone.
    fn host(&mut self, word: &str, is_port: bool) -> Result<(Vec<Prefix>, Option<u16>)> {
        let t = self.next()?;
        let (mut family, mut rest) = (self.lookup.family(), t);
        for (tag, f) in [("inet:", libc::AF_INET), ("inet6:", libc::AF_INET6)] {
            if let Some(r) = t.strip_prefix(tag) {
                (family, rest) = (Some(f as u8), r);
                self.family = family;
            }
        }
        if t.starts_with("vsock:") {
            bail!(
                "ss filter {word} vsock:...: not supported by nlkit ss (it lists no vsock sockets)"
            );
        }
        let (addr, port) = if is_port {
            ("", Some(rest.strip_prefix(':').unwrap_or(rest)))
        } else if let Some(r) = rest.strip_prefix('[') {
            let Some((a, p)) = r.split_once(']') else {
                bail!("ss: Cannot parse dst/src address \"{t}\".")
            };
            (a, Some(p.strip_prefix(':').unwrap_or(p)))
        } else if let Some(p) = rest.strip_prefix('*') {
            ("*", Some(p.strip_prefix(':').unwrap_or(p)))
        } else {
            // The last ':' after any '/' starts the port.
            let from = rest.find('/').unwrap_or(0);
            match rest[from..].rfind(':') {
                Some(i) => (&rest[..from + i], Some(&rest[from + i + 1..])),
                None => (rest, None),
            }
        };
        let port = match port.filter(|p| !p.is_empty() && *p != "*") {
            None => None,
            Some(p) => Some(self.port(p)?),
        };
        if is_port || addr.is_empty() || addr == "*" {
            return Ok((vec![None], port));
        }
        Ok((prefix(addr, family)?, port))
    }

    /// A port: a number (C's bases) or a service name.
    fn port(&self, p: &str) -> Result<u16> {
        if let Some(n) = parse_c_int(p).filter(|_| !p.starts_with('-')) {
            return u16::try_from(n)
                .map_err(|_| anyhow::anyhow!("ss: port {p} is out of range (0 to 65535)"));
        }
        match self.lookup.service(p)? {
            Some(n) => Ok(n),
            None => bail!("Error: \"{p}\" does not look like a port."),
        }
    }
}

/// A link-layer protocol by iproute2's name (any case) or number (C's
/// bases), host order.
fn link_protocol(p: &str) -> Option<u16> {
    let named = nlkit::diag::packet::ETH_P_NAMES.iter().find(|(_, _, n)| n.eq_ignore_ascii_case(p));
    named.map(|(_, v, _)| *v).or_else(|| parse_c_uint(p).and_then(|n| u16::try_from(n).ok()))
}

/// The condition `sport = c` or `dport = c`.
fn cond(word: &str, c: HostCond) -> Expr {
    if word == "sport" {
        Expr::Src(c)
    } else {
        Expr::Dst(c)
    }
}

fn negate(ne: bool, e: Expr) -> Expr {
    if ne {
        Expr::not(e)
    } else {
        e
    }
}

/// An address prefix; `None` for every address.
type Prefix = Option<(IpAddr, u8)>;

/// `ADDR[/LEN]` of `family` (any when `None`), `default`/`any`/`all` for
/// every address, or a host name's addresses.
fn prefix(addr: &str, family: Option<u8>) -> Result<Vec<Prefix>> {
    if matches!(addr, "default" | "any" | "all") {
        return Ok(vec![None]);
    }
    let (a, len) = match addr.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (addr, None),
    };
    let ip = match a.parse::<IpAddr>() {
        Ok(ip) => ip,
        Err(_) if len.is_none() => return resolve(addr, family),
        Err(_) => bail!("Error: an inet prefix is expected rather than \"{addr}\"."),
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let wrong = family
        .is_some_and(|f| i32::from(f) != if ip.is_ipv4() { libc::AF_INET } else { libc::AF_INET6 });
    let len = match len.map(str::parse::<u8>) {
        None => max,
        Some(Ok(l)) if l <= max => l,
        Some(_) => bail!("Error: an inet prefix is expected rather than \"{addr}\"."),
    };
    if wrong {
        bail!("Error: an inet prefix is expected rather than \"{addr}\".");
    }
    Ok(vec![Some((ip, len))])
}

/// A host name's addresses (of `family` if given), IPv4 first, as ss
/// asks `gethostbyname2` for both.
fn resolve(name: &str, family: Option<u8>) -> Result<Vec<Prefix>> {
    let mut found: Vec<IpAddr> =
        (name, 0).to_socket_addrs().map(|a| a.map(|s| s.ip()).collect()).unwrap_or_default();
    found.retain(|ip| match family.map(i32::from) {
        Some(libc::AF_INET) => ip.is_ipv4(),
        Some(_) => ip.is_ipv6(),
        None => true,
    });
    found.sort_by_key(IpAddr::is_ipv6);
    found.dedup();
    if found.is_empty() {
        bail!("Error: an inet prefix is expected rather than \"{name}\".");
    }
    Ok(found.into_iter().map(|ip| Some((ip, if ip.is_ipv4() { 32 } else { 128 }))).collect())
}

/// C's `strtol` with base 0, all of `s`: decimal, `0x` hex, `0` octal,
/// an optional sign; as `u32` bits (sscanf's `%i` into an unsigned).
fn parse_c_int(s: &str) -> Option<u32> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let v = parse_c_uint(digits)?;
    Some(if neg { v.wrapping_neg() } else { v })
}

pub(crate) fn parse_c_uint(s: &str) -> Option<u32> {
    let (radix, digits) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (16, h)
    } else if s.len() > 1 && s.starts_with('0') {
        (8, &s[1..])
    } else {
        (10, s)
    };
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    u32::from_str_radix(digits, radix).ok()
}

/// A cgroup v2 path's id: the inode of its directory under the cgroup2
/// mount (ss's `get_cgroup2_id`).
fn cgroup_id(path: &str) -> Result<u64> {
    use std::os::unix::fs::MetadataExt;
    let Some(root) = super::cgroup2_mount() else { bail!("ss: Failed to find cgroup2 mount") };
    let full = root.join(path.trim_start_matches('/'));
    match std::fs::metadata(&full) {
        Ok(m) if m.is_dir() => Ok(m.ino()),
        _ => bail!("ss: Cannot parse cgroup {path}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    struct Fixed;

    impl Lookup for Fixed {
        fn service(&self, name: &str) -> Result<Option<u16>> {
            Ok((name == "ssh").then_some(22))
        }
        fn ifindex(&mut self, name: &str) -> Option<u32> {
            (name == "lo").then_some(1)
        }
        fn family(&self) -> Option<u8> {
            None
        }
    }

    fn p(s: &str) -> Result<Expr> {
        parse(&[s.to_string()], &mut Fixed).map(|f| f.expr)
    }

    fn port(p: u16) -> HostCond {
        HostCond { prefix: None, port: Some(p) }
    }

    #[test]
    fn conditions_read_as_ss_reads_them() {
        assert_eq!(p("sport = :22").unwrap(), Expr::Src(port(22)));
        assert_eq!(p("sport :ssh").unwrap(), Expr::Src(port(22)));
        assert_eq!(p("dport != 0x50").unwrap(), Expr::not(Expr::Dst(port(80))));
        assert_eq!(p("dport > :1024").unwrap(), Expr::not(Expr::DportLe(1024)));
        assert_eq!(p("sport lt 1024").unwrap(), Expr::not(Expr::SportGe(1024)));
        assert_eq!(p("sport >= :5000").unwrap(), Expr::SportGe(5000));
        let lo = Some((IpAddr::V4(Ipv4Addr::LOCALHOST), 32));
        assert_eq!(p("src 127.0.0.1").unwrap(), Expr::Src(HostCond { prefix: lo, port: None }));
        // A name: each of its addresses (from /etc/hosts), any of them.
        let by_name = p("src localhost").unwrap();
        assert!(
            matches!(&by_name, Expr::Src(c) if c.prefix == lo) || matches!(&by_name, Expr::Or(..))
        );
        let net = Some((IpAddr::V4(Ipv4Addr::new(10, 0, 0, 0)), 8));
        assert_eq!(
            p("dst 10.0.0.0/8:443").unwrap(),
            Expr::Dst(HostCond { prefix: net, port: Some(443) })
        );
        let six = Some(("::1".parse().unwrap(), 128));
        assert_eq!(p("src [::1]:22").unwrap(), Expr::Src(HostCond { prefix: six, port: Some(22) }));
        assert_eq!(p("src *:22").unwrap(), Expr::Src(port(22)));
        assert_eq!(p("dev lo").unwrap(), Expr::Dev(1));
        assert_eq!(p("dev != 7").unwrap(), Expr::not(Expr::Dev(7)));
        assert_eq!(p("fwmark 0x10/0xf0").unwrap(), Expr::Mark { mark: 0x10, mask: 0xf0 });
        assert_eq!(p("autobound").unwrap(), Expr::Autobound);
        let f = parse(&["src".into(), "inet6:*".into()], &mut Fixed).unwrap();
        assert_eq!(f.family, Some(libc::AF_INET6 as u8));
    }

    #[test]
    fn unix_link_and_netlink_hosts_read_as_ss_reads_them() {
        let unix = |peer, p: &str| Expr::UnixName { peer, pattern: p.into() };
        let f = parse(&["src unix:/run/*".into()], &mut Fixed).unwrap();
        assert_eq!((f.expr, f.family), (unix(false, "/run/*"), Some(libc::AF_UNIX as u8)));
        assert_eq!(p("dst = unix:@x").unwrap(), unix(true, "@x"));
        let link = |protocol, ifindex| Expr::Link { peer: false, protocol, ifindex };
        assert_eq!(p("src link:ip:lo").unwrap(), link(Some(0x0800), Some(1)));
        assert_eq!(p("src link:IPv6").unwrap(), link(Some(0x86dd), None));
        assert_eq!(p("src link:0x88cc:*").unwrap(), link(Some(0x88cc), None));
        assert_eq!(p("src link::7").unwrap(), link(None, Some(7)));
        assert_eq!(p("sport = link::lo").unwrap(), link(None, Some(1)));
        let nl = |protocol, port| Expr::Netlink { peer: false, protocol, port };
        assert_eq!(p("src netlink:rtnl:kernel").unwrap(), nl(Some(0), Some(0)));
        assert_eq!(p("src netlink:16:-5").unwrap(), nl(Some(16), Some(-5)));
        assert_eq!(p("src netlink:*:4242").unwrap(), nl(None, Some(4242)));
        // Inet conditions beside them still read as inet ones.
        assert_eq!(
            p("src unix:/x or sport = :22").unwrap(),
            Expr::or(unix(false, "/x"), Expr::Src(port(22)))
        );
    }

    #[test]
    fn and_or_bind_left_to_right() {
        let (a, b, c) = (Expr::Src(port(1)), Expr::Src(port(2)), Expr::Src(port(3)));
        let want = Expr::and(Expr::or(a.clone(), b.clone()), c.clone());
        assert_eq!(p("sport = :1 or sport = :2 and sport = :3").unwrap(), want);
        assert_eq!(p("sport = :1 | sport = :2 sport = :3").unwrap(), want);
        let grouped = Expr::or(a.clone(), Expr::and(b, c));
        assert_eq!(p("sport = :1 or ( sport = :2 && sport = :3 )").unwrap(), grouped);
        assert_eq!(p("! ( sport = :1 )").unwrap(), Expr::not(a));
    }

    #[test]
    fn bad_filters_are_refused_clearly() {
        let e = |s: &str| p(s).unwrap_err().to_string();
        assert!(e("sport = :nosuch").contains("\"nosuch\" does not look like a port"));
        assert!(e("sport = :70000").contains("out of range"));
        assert!(e("src 10.0.0.1/33").contains("inet prefix is expected"));
        assert!(e("( sport = :1").contains("without \")\""));
        assert!(e("sport = :1 )").contains("syntax error in filter at \")\""));
        assert!(e("bogus").contains("syntax error in filter at \"bogus\""));
        assert!(e("src vsock:3").contains("not supported by nlkit ss"));
        assert!(e("src link:nosuch").contains("not a link-layer protocol"));
        assert!(e("src netlink:nosuch").contains("not a netlink protocol"));
        assert!(e("src netlink:rtnl:x").contains("not a port id"));
        assert!(e("dev = nosuchdev").contains("Cannot parse device"));
        assert!(e("fwmark x").contains("Cannot parse mark"));
        assert!(e("sport").contains("ends too early"));
        assert!(e(&"( ".repeat(MAX_DEPTH + 1)).contains("deeper than"));
    }
}
