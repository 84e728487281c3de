//! The values of `ip xfrm`'s keywords (iproute2 6.1's ipxfrm.c,
//! xfrm_state.c, xfrm_policy.c): ID, SELECTOR, MARK, LIMIT, TMPL, flag
//! lists, algorithm keys, read from the words after a keyword (the
//! walker's [`Rest`]) into `nlkit::xfrm` values, with ip's messages. The
//! walks that use them are in `sa_words` and `policy_words`.
//!
//! ip reads an ID or a SELECTOR where no keyword matched, and a list
//! (`flag noecn esn`) until a word is not one of it, then steps back
//! (`PREV_ARG`): [`Ahead`] is that view, the unmatched word first.

use crate::grammar::walk::Rest;
use crate::report::{incomplete, invarg, plain};
use anyhow::{anyhow, Result};
use nlkit::xfrm::structs::{xfrm_address, LifetimeCfg, Mark, Selector, UserTmpl};
use nlkit::xfrm::*;
use std::net::IpAddr;

/// The words a value reads: the word no row matched (for a walk's
/// `other`), then those after it.
pub struct Ahead<'r, 'w> {
    first: Option<&'w str>,
    rest: &'r mut Rest<'w>,
}

impl<'r, 'w> Ahead<'r, 'w> {
    /// The words after a keyword.
    pub fn after(rest: &'r mut Rest<'w>) -> Self {
        Ahead { first: None, rest }
    }

    /// The word no row matched, then the words after it.
    pub fn from_word(rest: &'r mut Rest<'w>) -> Self {
        Ahead { first: Some(rest.word()), rest }
    }

    /// The next word, left in place.
    pub fn peek(&self) -> Option<&'w str> {
        self.first.or_else(|| self.rest.peek())
    }

    /// The next word, taken.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<&'w str> {
        self.first.take().or_else(|| self.rest.next())
    }

    /// `NEXT_ARG`: the next word, or ip's "Command line is not complete".
    pub fn value(&mut self) -> Result<&'w str> {
        self.next().ok_or_else(incomplete)
    }

    /// `NEXT_ARG` and `get_u32`/`get_u64`: a number, or `invarg(what)`.
    pub fn num<T: TryFrom<u64>>(&mut self, what: &str) -> Result<T> {
        let v = self.value()?;
        crate::words::number(v).ok_or_else(|| invarg(what, v))
    }

    /// Whether the word no row matched is still untaken (the value read
    /// nothing).
    pub fn first_left(&self) -> bool {
        self.first.is_some()
    }
}

/// `missarg`: `argument "KEY" is required`.
pub fn missarg(key: &str) -> anyhow::Error {
    anyhow!("argument \"{key}\" is required")
}

/// `duparg`: `duplicate "KEY": "ARG" is the second value.`
pub fn duparg(key: &str, arg: &str) -> anyhow::Error {
    anyhow!("duplicate \"{key}\": \"{arg}\" is the second value.")
}

/// `/etc/protocols` (what `getprotobyname` reads), with a fallback.
fn protocols() -> Vec<(String, u8)> {
    let text = std::fs::read_to_string("/etc/protocols").unwrap_or_default();
    let mut out: Vec<(String, u8)> = text
        .lines()
        .filter_map(|l| {
            let mut w = l.split('#').next()?.split_whitespace();
            Some((w.next()?.to_string(), w.next()?.parse().ok()?))
        })
        .collect();
    if out.is_empty() {
        out = [("icmp", 1), ("tcp", 6), ("udp", 17), ("gre", 47), ("ipv6-icmp", 58), ("sctp", 132)]
            .iter()
            .map(|(n, p)| (n.to_string(), *p))
            .collect();
    }
    out
}

/// `getprotobynumber`'s name, or the number.
pub fn proto_name(p: u8) -> String {
    protocols().into_iter().find(|(_, n)| *n == p).map_or_else(|| p.to_string(), |(n, _)| n)
}

/// `xfrm_xfrmproto_getbyname` (whole names).
pub fn xfrm_proto(w: &str) -> Result<u8> {
    match w {
        "esp" => Ok(50),
        "ah" => Ok(51),
        "comp" => Ok(108),
        "route2" => Ok(43),
        "hao" => Ok(60),
        "ipsec-any" => Ok(255),
        _ => Err(invarg("XFRM-PROTO value is invalid", w)),
    }
}

/// `xfrm_xfrmproto_is_ro`: route2, hao.
pub fn is_ro(p: u8) -> bool {
    matches!(p, 43 | 60)
}

/// An ID (`src ADDR dst ADDR proto P spi SPI`), and which parts were given.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdWords {
    pub saddr: Option<(IpAddr, u8)>,
    pub daddr: Option<(IpAddr, u8)>,
    pub proto: Option<u8>,
    pub spi: Option<u32>,
}

impl IdWords {
    pub fn family(&self) -> u16 {
        let a = self.daddr.or(self.saddr).map(|(a, _)| xfrm_address(&a).1);
        a.unwrap_or(libc::AF_INET as u16)
    }
    pub fn bytes(a: Option<(IpAddr, u8)>) -> [u8; 16] {
        a.map(|(a, _)| xfrm_address(&a).0).unwrap_or_default()
    }
}

fn prefix(w: &str, key: &str) -> Result<(IpAddr, u8)> {
    crate::words::prefix(w).ok_or_else(|| {
        invarg(&format!("value after \"{key}\" has an unrecognized address family"), w)
    })
}

/// Both `src` and `dst` given: the same family, or ip's message.
fn same_family(s: Option<(IpAddr, u8)>, d: Option<(IpAddr, u8)>, last: &str) -> Result<()> {
    match (s, d) {
        (Some((s, _)), Some((d, _))) if s.is_ipv4() != d.is_ipv4() => Err(invarg(
            "the same address family is required between values after \"src\" and \"dst\"",
            last,
        )),
        _ => Ok(()),
    }
}

/// `xfrm_id_parse`: ID words while they come; `loose`: the protocol may
/// be left out (a listing's filter).
pub fn id(a: &mut Ahead<'_, '_>, id: &mut IdWords, loose: bool) -> Result<()> {
    let mut last = "";
    while let Some(w) = a.peek() {
        match w {
            "src" | "dst" => {
                a.next();
                last = a.value()?;
                let p = Some(prefix(last, w)?);
                if w == "src" {
                    id.saddr = p;
                } else {
                    id.daddr = p;
                }
            }
            "proto" => {
                a.next();
                last = a.value()?;
                id.proto = Some(xfrm_proto(last)?);
            }
            "spi" => {
                a.next();
                id.spi = Some(a.num("SPI value is invalid")?);
            }
            _ => break,
        }
    }
    same_family(id.saddr, id.daddr, last)?;
    if let (Some(spi), Some(p)) = (id.spi.filter(|s| *s != 0), id.proto.filter(|p| *p != 0)) {
        let name = super::print::xfrm_proto(p);
        if is_ro(p) {
            return Err(plain(format!("\"spi\" is invalid with XFRM-PROTO value \"{name}\"")));
        }
        if p == 108 && spi >= 0x10000 {
            return Err(plain(format!("SPI value is too large with XFRM-PROTO value \"{name}\"")));
        }
    }
    if !loose && id.proto.is_none_or(|p| p == 0) {
        return Err(missarg("XFRM-PROTO"));
    }
    Ok(())
}

/// A selector's words: the selector, and the device named (resolved
/// after the walk: `none` is no device).
#[derive(Debug, Default, Clone)]
pub struct SelWords {
    pub sel: Selector,
    pub dev: Option<String>,
}

/// `xfrm_selector_parse`: `src`, `dst`, `dev` while they come, and once
/// the upper-layer spec. A selector may read nothing (ip's `missarg`
/// there is never reached): the word is then left for the walk.
pub fn selector(a: &mut Ahead<'_, '_>, s: &mut SelWords) -> Result<()> {
    let (mut upspec, mut last) = (false, "");
    let (mut src, mut dst) = (None, None);
    while let Some(w) = a.peek() {
        match w {
            "src" | "dst" => {
                a.next();
                last = a.value()?;
                let (addr, len) = prefix(last, w)?;
                let (bytes, family) = xfrm_address(&addr);
                s.sel.family = family;
                if w == "src" {
                    (s.sel.saddr, s.sel.prefixlen_s, src) = (bytes, len, Some((addr, len)));
                } else {
                    (s.sel.daddr, s.sel.prefixlen_d, dst) = (bytes, len, Some((addr, len)));
                }
            }
            "dev" => {
                a.next();
                last = a.value()?;
                s.dev = Some(last.to_string());
            }
            _ if !upspec => {
                upspec = true;
                if !upper(a, &mut s.sel)? {
                    break;
                }
            }
            _ => break,
        }
    }
    same_family(src, dst, last)
}

/// `xfrm_selector_upspec_parse`: `proto`, `sport`, `dport`, `type`,
/// `code`, `key` while they come; whether any came.
fn upper(a: &mut Ahead<'_, '_>, sel: &mut Selector) -> Result<bool> {
    let (mut ports, mut icmp, mut key, mut any) = (false, false, false, false);
    while let Some(w) = a.peek() {
        match w {
            "proto" => {
                a.next();
                let v = a.value()?;
                sel.proto = match v {
                    "any" => 0,
                    _ => match protocols().into_iter().find(|(n, _)| n == v) {
                        Some((_, p)) => p,
                        None => crate::words::number(v)
                            .ok_or_else(|| invarg("PROTO value is invalid", v))?,
                    },
                };
            }
            "sport" | "dport" | "type" | "code" => {
                a.next();
                let what = format!("value after \"{w}\" is invalid");
                let v = a.value()?;
                let n: u16 = crate::words::number(v).ok_or_else(|| invarg(&what, v))?;
                let icmp_word = matches!(w, "type" | "code");
                if icmp_word && n > 0xff {
                    return Err(invarg(&what, v));
                }
                let (port, mask) = if matches!(w, "sport" | "type") {
                    (&mut sel.sport, &mut sel.sport_mask)
                } else {
                    (&mut sel.dport, &mut sel.dport_mask)
                };
                *port = n.to_be_bytes();
                if n != 0 || icmp_word {
                    *mask = [0xff; 2];
                }
                (ports, icmp) = (ports || !icmp_word, icmp || icmp_word);
            }
            "key" => {
                a.next();
                let v = a.value()?;
                let k: u32 = match v.parse::<std::net::Ipv4Addr>() {
                    Ok(addr) if v.contains('.') => u32::from(addr),
                    _ => crate::words::number(v)
                        .ok_or_else(|| plain("value after \"key\" is invalid"))?,
                };
                sel.sport = ((k >> 16) as u16).to_be_bytes();
                sel.dport = (k as u16).to_be_bytes();
                (sel.sport_mask, sel.dport_mask, key) = ([0xff; 2], [0xff; 2], true);
            }
            _ => break,
        }
        any = true;
    }
    let bad = if ports && !matches!(sel.proto, 6 | 17 | 132 | 33 | 0) {
        "\"sport\" and \"dport\" are invalid"
    } else if icmp && !matches!(sel.proto, 1 | 58 | 135) {
        "\"type\" and \"code\" are invalid"
    } else if key && sel.proto != 47 {
        "\"key\" is invalid"
    } else {
        return Ok(any);
    };
    Err(plain(format!("{bad} with PROTO value \"{}\"", proto_name(sel.proto))))
}

/// `xfrm_mode_parse` (a prefix of a mode's name, in ip's order).
pub fn mode(w: &str) -> Result<u8> {
    let modes = [("transport", 0), ("tunnel", 1), ("ro", 2), ("in_trigger", 3), ("beet", 4)];
    modes
        .iter()
        .find(|(n, _)| !w.is_empty() && n.starts_with(w))
        .map(|(_, m)| *m)
        .ok_or_else(|| invarg("MODE value is invalid", w))
}

/// `xfrm_parse_mark`: `MARK [ mask MASK ]` (mask all ones unless given).
pub fn mark(a: &mut Ahead<'_, '_>) -> Result<Mark> {
    let v = a.num("MARK value is invalid\n")?;
    let mut m = u32::MAX;
    if a.peek() == Some("mask") {
        a.next();
        m = a.num("MASK value is invalid\n")?;
    }
    Ok(Mark { v, m })
}

/// `xfrm_lifetime_cfg_parse`: one `limit` keyword and its value.
pub fn limit(a: &mut Ahead<'_, '_>, lft: &mut LifetimeCfg) -> Result<()> {
    let w = a.value()?;
    let slot = match w {
        "time-soft" => &mut lft.soft_add_expires_seconds,
        "time-hard" => &mut lft.hard_add_expires_seconds,
        "time-use-soft" => &mut lft.soft_use_expires_seconds,
        "time-use-hard" => &mut lft.hard_use_expires_seconds,
        "byte-soft" => &mut lft.soft_byte_limit,
        "byte-hard" => &mut lft.hard_byte_limit,
        "packet-soft" => &mut lft.soft_packet_limit,
        "packet-hard" => &mut lft.hard_packet_limit,
        _ => return Err(invarg("LIMIT value is invalid", w)),
    };
    *slot = a.num(&format!("value after \"{w}\" is invalid"))?;
    Ok(())
}

/// `xfrm_algo_parse`'s key: `0x` and hex digits (an odd count gets a
/// leading zero), or the word's bytes.
pub fn key(w: &str) -> Result<Vec<u8>> {
    match w.strip_prefix("0x").filter(|h| !h.is_empty()) {
        Some(h) => {
            let h = if h.len() % 2 == 1 { format!("0{h}") } else { h.to_string() };
            (0..h.len())
                .step_by(2)
                .map(|i| {
                    h.get(i..i + 2)
                        .and_then(|d| u8::from_str_radix(d, 16).ok())
                        .ok_or_else(|| invarg("ALGO-KEYMAT value is invalid", w))
                })
                .collect()
        }
        None => Ok(w.as_bytes().to_vec()),
    }
}

/// A flag list (`xfrm_state_flag_parse` and its kin): `0xNN` (hex, at
/// most `max`), or names while they come (bit `i` for `names[i]`); a word
/// that names none is left for the walk, as ip steps back over it.
pub fn flag_list(a: &mut Ahead<'_, '_>, names: &[(&str, u32)], max: u32) -> Result<u32> {
    let first = a.peek().ok_or_else(incomplete)?;
    if first.len() > 2 && first.starts_with("0x") {
        a.next();
        let v = u32::from_str_radix(&first[2..], 16).ok().filter(|v| *v <= max);
        return v.ok_or_else(|| invarg(flag_what(max), first));
    }
    let mut flags = 0;
    while let Some(&(_, bit)) = a.peek().and_then(|w| names.iter().find(|(n, _)| *n == w)) {
        a.next();
        flags |= bit;
    }
    Ok(flags)
}

fn flag_what(max: u32) -> &'static str {
    if max == u32::MAX {
        "\"EXTRA-FLAG\" is invalid"
    } else {
        "FLAG value is invalid"
    }
}

/// The state flags, in `xfrm_state_flag_parse`'s order.
pub const STATE_FLAGS: &[(&str, u32)] = &[
    ("noecn", 1),
    ("decap-dscp", 2),
    ("nopmtudisc", 4),
    ("wildrecv", 8),
    ("icmp", 16),
    ("af-unspec", 32),
    ("align4", 64),
    ("esn", 128),
];

/// The extra state flags.
pub const EXTRA_FLAGS: &[(&str, u32)] = &[
    ("dont-encap-dscp", XFRM_SA_XFLAG_DONT_ENCAP_DSCP),
    ("oseq-may-wrap", XFRM_SA_XFLAG_OSEQ_MAY_WRAP),
];

/// The policy flags.
pub const POLICY_FLAGS: &[(&str, u32)] =
    &[("localok", XFRM_POLICY_LOCALOK as u32), ("icmp", XFRM_POLICY_ICMP as u32)];

/// `xfrm_policy_dir_parse`.
pub fn dir(w: &str) -> Result<u8> {
    match w {
        "in" => Ok(XFRM_POLICY_IN),
        "out" => Ok(XFRM_POLICY_OUT),
        "fwd" => Ok(XFRM_POLICY_FWD),
        _ => Err(invarg("DIR value is invalid", w)),
    }
}

/// `xfrm_policy_ptype_parse`.
pub fn ptype(w: &str) -> Result<u8> {
    match w {
        "main" => Ok(XFRM_POLICY_TYPE_MAIN),
        "sub" => Ok(XFRM_POLICY_TYPE_SUB),
        _ => Err(invarg("PTYPE value is invalid", w)),
    }
}

/// A policy's `action`.
pub fn action(w: &str) -> Result<u8> {
    match w {
        "allow" => Ok(XFRM_POLICY_ALLOW),
        "block" => Ok(XFRM_POLICY_BLOCK),
        _ => Err(invarg("ACTION value is invalid\n", w)),
    }
}

/// `xfrm_tmpl_parse`: `mode`, `reqid`, `level` and once an ID, while they
/// come.
pub fn tmpl(a: &mut Ahead<'_, '_>) -> Result<UserTmpl> {
    let mut t = UserTmpl {
        aalgos: !0,
        ealgos: !0,
        calgos: !0,
        family: libc::AF_INET as u16,
        ..Default::default()
    };
    let mut seen_id = false;
    a.peek().ok_or_else(incomplete)?;
    while let Some(w) = a.peek() {
        match w {
            "mode" => {
                a.next();
                t.mode = mode(a.value()?)?;
            }
            "reqid" => {
                a.next();
                t.reqid = a.num("REQID value is invalid")?;
            }
            "level" => {
                a.next();
                t.optional = match a.value()? {
                    "required" => 0,
                    "use" => 1,
                    v => return Err(invarg("LEVEL value is invalid\n", v)),
                };
            }
            _ if !seen_id => {
                seen_id = true;
                let mut idw = IdWords::default();
                id(a, &mut idw, false)?;
                t.family = idw.family();
                t.saddr = IdWords::bytes(idw.saddr);
                t.id.daddr = IdWords::bytes(idw.daddr);
                t.id.proto = idw.proto.unwrap_or(0);
                t.id.spi = idw.spi.unwrap_or(0).to_be_bytes();
            }
            _ => break,
        }
    }
    Ok(t)
}
