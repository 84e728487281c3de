//! `ip xfrm`'s grammar for what nlkit implements (iproute2 6.1's
//! ipxfrm.c, xfrm_state.c, xfrm_policy.c): ID, SELECTOR, ALGO, LIMIT,
//! TMPL, read into `nlkit::xfrm` values, with ip's messages. Keywords ip
//! has and nlkit does not are refused before this runs (the grammar
//! tables, `grammar::xfrm`).

use crate::report::{incomplete, invarg, plain};
use anyhow::{bail, Result};
use nlkit::xfrm::structs::{xfrm_address, LifetimeCfg, Mark, Selector, UserTmpl};
use nlkit::xfrm::*;

/// The words left, read left to right as ip's `NEXT_ARG` does.
pub struct Cursor<'w> {
    words: &'w [String],
    at: usize,
}

impl<'w> Cursor<'w> {
    pub fn new(words: &'w [String]) -> Self {
        Cursor { words, at: 0 }
    }
    pub fn peek(&self) -> Option<&'w str> {
        self.words.get(self.at).map(String::as_str)
    }
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<&'w str> {
        let w = self.peek()?;
        self.at += 1;
        Some(w)
    }
    /// `NEXT_ARG`: the value, or ip's "Command line is not complete".
    pub fn value(&mut self) -> Result<&'w str> {
        self.next().ok_or_else(incomplete)
    }
    fn num<T: TryFrom<u64>>(&mut self, what: &str) -> Result<T> {
        let v = self.value()?;
        crate::words::number(v).ok_or_else(|| invarg(what, v))
    }
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

fn xfrm_proto(w: &str) -> Result<u8> {
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

/// An ID (`src ADDR dst ADDR proto P spi SPI`), and which parts were given.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdWords {
    pub saddr: Option<(std::net::IpAddr, u8)>,
    pub daddr: Option<(std::net::IpAddr, u8)>,
    pub proto: Option<u8>,
    pub spi: Option<u32>,
}

impl IdWords {
    pub fn family(&self) -> u16 {
        let a = self.daddr.or(self.saddr).map(|(a, _)| xfrm_address(&a).1);
        a.unwrap_or(libc::AF_INET as u16)
    }
    pub fn bytes(a: Option<(std::net::IpAddr, u8)>) -> [u8; 16] {
        a.map(|(a, _)| xfrm_address(&a).0).unwrap_or_default()
    }
}

fn prefix(w: &str, key: &str) -> Result<(std::net::IpAddr, u8)> {
    crate::words::prefix(w).ok_or_else(|| {
        invarg(&format!("value after \"{key}\" has an unrecognized address family"), w)
    })
}

/// `xfrm_id_parse`: reads ID words while they come.
pub fn id(c: &mut Cursor<'_>, id: &mut IdWords, loose: bool) -> Result<()> {
    let start = c.at;
    while let Some(w) = c.peek() {
        match w {
            "src" => {
                c.next();
                id.saddr = Some(prefix(c.value()?, "src")?);
            }
            "dst" => {
                c.next();
                id.daddr = Some(prefix(c.value()?, "dst")?);
            }
            "proto" => {
                c.next();
                id.proto = Some(xfrm_proto(c.value()?)?);
            }
            "spi" => {
                c.next();
                id.spi = Some(c.num("SPI value is invalid")?);
            }
            _ => break,
        }
    }
    if let (Some((s, _)), Some((d, _))) = (id.saddr, id.daddr) {
        if s.is_ipv4() != d.is_ipv4() {
            bail!("argument \"{d}\" is wrong: the same address family is required between values after \"src\" and \"dst\"");
        }
    }
    if !loose && id.proto.is_none() {
        return Err(plain("\"XFRM-PROTO\" argument is required."));
    }
    if c.at == start {
        return Err(plain("\"ID\" argument is required."));
    }
    Ok(())
}

/// `xfrm_selector_parse` (without `dev`): addresses and the upper-layer spec.
pub fn selector(c: &mut Cursor<'_>, sel: &mut Selector) -> Result<()> {
    let start = c.at;
    let (mut ports, mut icmp) = (false, false);
    while let Some(w) = c.peek() {
        match w {
            "src" | "dst" => {
                c.next();
                let (a, len) = prefix(c.value()?, w)?;
                let (bytes, family) = xfrm_address(&a);
                sel.family = family;
                if w == "src" {
                    (sel.saddr, sel.prefixlen_s) = (bytes, len);
                } else {
                    (sel.daddr, sel.prefixlen_d) = (bytes, len);
                }
            }
            "proto" => {
                c.next();
                let v = c.value()?;
                sel.proto = match v {
                    "any" => 0,
                    _ => match protocols().into_iter().find(|(n, _)| n == v) {
                        Some((_, p)) => p,
                        None => crate::words::number(v)
                            .ok_or_else(|| invarg("PROTO value is invalid", v))?,
                    },
                };
            }
            "sport" | "dport" => {
                c.next();
                ports = true;
                let v = c.value()?;
                let p: u16 = crate::words::number(v)
                    .ok_or_else(|| invarg(&format!("value after \"{w}\" is invalid"), v))?;
                let (port, mask) = if w == "sport" {
                    (&mut sel.sport, &mut sel.sport_mask)
                } else {
                    (&mut sel.dport, &mut sel.dport_mask)
                };
                *port = p.to_be_bytes();
                if p != 0 {
                    *mask = [0xff; 2];
                }
            }
            "type" | "code" => {
                c.next();
                icmp = true;
                let v = c.value()?;
                let n: u8 = crate::words::number(v)
                    .ok_or_else(|| invarg(&format!("value after \"{w}\" is invalid"), v))?;
                let (port, mask) = if w == "type" {
                    (&mut sel.sport, &mut sel.sport_mask)
                } else {
                    (&mut sel.dport, &mut sel.dport_mask)
                };
                *port = u16::from(n).to_be_bytes();
                *mask = [0xff; 2];
            }
            _ => break,
        }
    }
    if c.at == start {
        return Err(plain("\"SELECTOR\" argument is required."));
    }
    let name = proto_name(sel.proto);
    if ports && !matches!(sel.proto, 6 | 17 | 132 | 33 | 0) {
        bail!("\"sport\" and \"dport\" are invalid with PROTO value \"{name}\"");
    }
    if icmp && !matches!(sel.proto, 1 | 58 | 135) {
        bail!("\"type\" and \"code\" are invalid with PROTO value \"{name}\"");
    }
    Ok(())
}

/// `xfrm_mode_parse` (a prefix of a mode's name).
pub fn mode(w: &str) -> Result<u8> {
    let modes = [("transport", 0), ("tunnel", 1), ("ro", 2), ("in_trigger", 3), ("beet", 4)];
    modes
        .iter()
        .find(|(n, _)| !w.is_empty() && n.starts_with(w))
        .map(|(_, m)| *m)
        .ok_or_else(|| invarg("MODE value is invalid", w))
}

/// `xfrm_parse_mark`: `MARK [ mask MASK ]` (mask all ones unless given).
pub fn mark(c: &mut Cursor<'_>) -> Result<Mark> {
    let v = c.num("MARK value is invalid\n")?;
    let mut m = u32::MAX;
    if c.peek() == Some("mask") {
        c.next();
        m = c.num("MASK value is invalid\n")?;
    }
    Ok(Mark { v, m })
}

/// `xfrm_lifetime_cfg_parse`: one `limit` keyword and its value.
pub fn limit(c: &mut Cursor<'_>, lft: &mut LifetimeCfg) -> Result<()> {
    let w = c.value()?;
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
    *slot = c.num(&format!("value after \"{w}\" is invalid"))?;
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
                    u8::from_str_radix(&h[i..i + 2], 16)
                        .map_err(|_| invarg("ALGO-KEYMAT value is invalid", w))
                })
                .collect()
        }
        None => Ok(w.as_bytes().to_vec()),
    }
}

/// The state flags (`flag noecn esn ...` or `flag 0xNN`).
pub fn state_flags(c: &mut Cursor<'_>) -> Result<u8> {
    let first = c.value()?;
    if first.len() > 2 && first.starts_with("0x") {
        return u8::from_str_radix(&first[2..], 16)
            .map_err(|_| invarg("FLAG value is invalid", first));
    }
    let names =
        ["noecn", "decap-dscp", "nopmtudisc", "wildrecv", "icmp", "af-unspec", "align4", "esn"];
    let mut flags = 0u8;
    let mut w = first;
    loop {
        match names.iter().position(|n| *n == w) {
            Some(i) => flags |= 1 << i,
            None => return Err(invarg("FLAG value is invalid", w)),
        }
        match c.peek().filter(|n| names.contains(n)) {
            Some(n) => {
                c.next();
                w = n;
            }
            None => return Ok(flags),
        }
    }
}

/// The policy flags (`flag localok icmp` or `flag 0xNN`).
pub fn policy_flags(c: &mut Cursor<'_>) -> Result<u8> {
    let first = c.value()?;
    if first.len() > 2 && first.starts_with("0x") {
        return u8::from_str_radix(&first[2..], 16)
            .map_err(|_| invarg("FLAG value is invalid", first));
    }
    let mut flags = 0;
    let mut w = first;
    loop {
        flags |= match w {
            "localok" => XFRM_POLICY_LOCALOK,
            "icmp" => XFRM_POLICY_ICMP,
            _ if flags == 0 => return Err(invarg("FLAG value is invalid", w)),
            _ => break,
        };
        match c.peek() {
            Some(n @ ("localok" | "icmp")) => {
                c.next();
                w = n;
            }
            _ => break,
        }
    }
    Ok(flags)
}

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

/// `xfrm_tmpl_parse`: an ID, `mode`, `reqid`, `level`, while they come.
pub fn tmpl(c: &mut Cursor<'_>) -> Result<UserTmpl> {
    let mut t = UserTmpl {
        aalgos: !0,
        ealgos: !0,
        calgos: !0,
        family: libc::AF_INET as u16,
        ..Default::default()
    };
    let (start, mut seen_id) = (c.at, false);
    while let Some(w) = c.peek() {
        match w {
            "mode" => {
                c.next();
                t.mode = mode(c.value()?)?;
            }
            "reqid" => {
                c.next();
                t.reqid = c.num("REQID value is invalid")?;
            }
            "level" => {
                c.next();
                t.optional = match c.value()? {
                    "required" => 0,
                    "use" => 1,
                    v => return Err(invarg("LEVEL value is invalid\n", v)),
                };
            }
            "src" | "dst" | "proto" | "spi" if !seen_id => {
                seen_id = true;
                let mut idw = IdWords::default();
                id(c, &mut idw, false)?;
                t.family = idw.family();
                t.saddr = IdWords::bytes(idw.saddr);
                t.id.daddr = IdWords::bytes(idw.daddr);
                t.id.proto = idw.proto.unwrap_or(0);
                t.id.spi = idw.spi.unwrap_or(0).to_be_bytes();
            }
            _ => break,
        }
    }
    if c.at == start {
        return Err(plain("\"TMPL\" argument is required."));
    }
    Ok(t)
}

impl Cursor<'_> {
    /// Steps back over the word just taken (ip's `PREV_ARG`).
    pub fn at_back(&mut self) {
        self.at = self.at.saturating_sub(1);
    }
}
