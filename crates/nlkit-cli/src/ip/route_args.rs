//! The words of `nlkit route`, read as iproute2 6.1's `ip route` reads
//! them: keywords tried in its order (the first one a word abbreviates
//! wins), prefixes as `get_prefix` reads them, metrics and times, and the
//! checks `ip route show` makes itself (`filter_nlmsg`).

use super::route_print::{self, DSFIELDS};
use anyhow::{anyhow, Result};
use nlkit::rtnl::route::Route;
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::{AF_BRIDGE, AF_INET, AF_INET6, AF_UNSPEC};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `AF_PACKET` and `AF_MPLS`, as `via` may name them.
pub(super) const AF_PACKET: u8 = 17;
pub(super) const AF_MPLS: u8 = 28;

/// iproute2's `matches(arg, word)`: `arg` is a non-empty prefix of `word`.
pub(super) fn matches(arg: &str, word: &str) -> bool {
    !arg.is_empty() && word.starts_with(arg)
}

pub(crate) use crate::report::invarg;

/// A C `strtoul(s, &end, 0)` that must use all of `s`: decimal, `0x` hex,
/// `0` octal.
pub(super) fn unsigned(s: &str) -> Option<u32> {
    let (digits, radix) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => (h, 16),
        None if s.len() > 1 && s.starts_with('0') => (&s[1..], 8),
        None => (s, 10),
    };
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    u32::from_str_radix(digits, radix).ok()
}

/// A TOS: a name from the stock `rt_dsfield`, or a hex number.
pub(super) fn dsfield(s: &str) -> Option<u8> {
    DSFIELDS.iter().find(|(_, n)| *n == s).map(|(v, _)| *v).or_else(|| {
        let digits = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")).unwrap_or(s);
        u8::from_str_radix(digits, 16).ok()
    })
}

/// `read_family`: the family word `via` may start with.
pub(super) fn read_family(s: &str) -> u8 {
    match s {
        "inet" => AF_INET,
        "inet6" => AF_INET6,
        "link" => AF_PACKET,
        "mpls" => AF_MPLS,
        "bridge" => AF_BRIDGE,
        _ => AF_UNSPEC,
    }
}

pub(super) fn family_name_verbose(family: u8) -> &'static str {
    match family {
        AF_UNSPEC => "any valid",
        AF_INET => "inet",
        AF_INET6 => "inet6",
        AF_PACKET => "link",
        AF_MPLS => "mpls",
        AF_BRIDGE => "bridge",
        _ => "???",
    }
}

/// An `inet_prefix` as `ip`'s `get_prefix` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Prefix {
    /// `AF_UNSPEC` when none was given (or `default`/`all` without a family).
    pub(super) family: u8,
    pub(super) bytes: [u8; 16],
    /// The prefix length (`-1`: no `match` prefix).
    pub(super) len: i32,
    /// `PREFIXLEN_SPECIFIED`: a `/LEN` or `default` was given.
    pub(super) specified: bool,
}

impl Prefix {
    pub(super) const NONE: Prefix =
        Prefix { family: AF_UNSPEC, bytes: [0; 16], len: 0, specified: false };
    pub(super) const NO_MATCH: Prefix = Prefix { len: -1, ..Prefix::NONE };

    pub(super) fn given(&self) -> bool {
        self.family != AF_UNSPEC || self.specified
    }

    /// `get_prefix(arg, family)`, with `ip`'s message on failure.
    pub(super) fn parse(arg: &str, family: u8) -> Result<Prefix> {
        Self::parse_1(arg, family).ok_or_else(|| {
            anyhow!("{} prefix is expected rather than \"{arg}\".", family_name_verbose(family))
        })
    }

    fn parse_1(arg: &str, family: u8) -> Option<Prefix> {
        let (addr, slash) = match arg.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (arg, None),
        };
        let mut p = Prefix::addr(addr, family)?;
        let any = p.len == -2;
        match slash {
            Some(_) if any => return None,
            Some(l) => {
                let len = netmask(l)?;
                if len > full_len(p.family) as u32 {
                    return None;
                }
                p.len = len as i32;
                p.specified = true;
            }
            None if any => p.len = 0,
            None => p.len = full_len(p.family) as i32,
        }
        Some(p)
    }

    /// `get_addr_1`: `len` is -2 for `default`/`all`/`any`.
    pub(super) fn addr(name: &str, family: u8) -> Option<Prefix> {
        let mut p = Prefix { family, ..Prefix::NONE };
        match name {
            "default" if family != AF_MPLS => {
                p.len = -2;
                p.specified = true;
                return Some(p);
            }
            "all" | "any" if family != AF_MPLS => {
                p.len = -2;
                return Some(p);
            }
            _ => {}
        }
        if name.contains(':') {
            if family != AF_UNSPEC && family != AF_INET6 {
                return None;
            }
            p.family = AF_INET6;
            p.bytes = name.parse::<Ipv6Addr>().ok()?.octets();
        } else {
            if family != AF_UNSPEC && family != AF_INET {
                return None;
            }
            p.family = AF_INET;
            p.bytes[..4].copy_from_slice(&ipv4(name)?.octets());
        }
        p.len = -1;
        Some(p)
    }

    pub(super) fn ip(&self) -> Option<IpAddr> {
        match self.family {
            AF_INET => Some(IpAddr::V4(Ipv4Addr::new(
                self.bytes[0],
                self.bytes[1],
                self.bytes[2],
                self.bytes[3],
            ))),
            AF_INET6 => Some(IpAddr::V6(Ipv6Addr::from(self.bytes))),
            _ => None,
        }
    }
}

pub(super) fn full_len(family: u8) -> u8 {
    match family {
        AF_INET6 => 128,
        AF_INET => 32,
        AF_MPLS => 20,
        _ => 0,
    }
}

/// `realms [FROM/]TO` of `ip route show`: the value and the mask of the
/// halves given (`FROM/` alone, or `TO`, leaves the other out).
pub(super) fn realms_filter(arg: &str) -> Option<(u32, u32)> {
    let realm = |s: &str| match s {
        "cosmos" => Some(0),
        _ => unsigned(s).filter(|&n| n <= 255),
    };
    let v = match arg.split_once('/') {
        Some((from, to)) => (realm(from)? << 16) | if to.is_empty() { 0 } else { realm(to)? },
        None => realm(arg).or_else(|| unsigned(arg))?,
    };
    let mut mask = u32::MAX;
    if v & 0xFFFF == 0 && arg.ends_with('/') {
        mask &= !0xFFFF;
    }
    if v & 0xFFFF_0000 == 0 && (!arg.contains('/') || arg.starts_with('/')) {
        mask &= !0xFFFF_0000;
    }
    Some((v, mask))
}

/// `get_addr_ipv4`: one to four numbers (each as `strtoul(.., 0)` reads
/// it), missing ones zero: `10` is 10.0.0.0.
pub(super) fn ipv4(s: &str) -> Option<Ipv4Addr> {
    let mut o = [0u8; 4];
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() > 4 {
        return None;
    }
    for (i, part) in parts.iter().enumerate() {
        o[i] = u8::try_from(unsigned(part)?).ok()?;
    }
    Some(Ipv4Addr::from(o))
}

/// `get_netmask`: a length, or a dotted mask.
pub(super) fn netmask(s: &str) -> Option<u32> {
    unsigned(s).or_else(|| {
        let m = u32::from(ipv4(s)?);
        (!m).checked_add(1).is_none_or(|h| h & !m == 0).then_some(m.count_ones())
    })
}

/// `inet_addr_match`: whether the first `bits` bits are equal.
pub(super) fn same_bits(a: &[u8; 16], b: &[u8; 16], bits: i32) -> bool {
    let bits = bits.clamp(0, 128) as usize;
    let (whole, rest) = (bits / 8, bits % 8);
    a[..whole] == b[..whole] && (rest == 0 || (a[whole] ^ b[whole]) & (0xFF << (8 - rest)) == 0)
}

pub(super) fn ip_bytes(a: Option<IpAddr>) -> [u8; 16] {
    let mut b = [0u8; 16];
    match a {
        Some(IpAddr::V4(a)) => b[..4].copy_from_slice(&a.octets()),
        Some(IpAddr::V6(a)) => b = a.octets(),
        None => {}
    }
    b
}

/// What `ip route show` checks itself (`filter_nlmsg`), beyond what the
/// kernel filtered.
pub(super) struct ShowFilter {
    pub(super) rdst: Prefix,
    pub(super) mdst: Prefix,
    pub(super) rsrc: Prefix,
    pub(super) msrc: Prefix,
    pub(super) rvia: Prefix,
    pub(super) rprefsrc: Prefix,
    pub(super) tos: Option<u8>,
    pub(super) iif: Option<u32>,
    pub(super) oif: Option<u32>,
    pub(super) mark: Option<u32>,
    pub(super) metric: Option<u32>,
    /// `realms`: (value, mask) of `RTA_FLOW`.
    pub(super) realms: Option<(u32, u32)>,
}

impl ShowFilter {
    pub(super) fn matches(&self, r: &Route<'_>) -> bool {
        let h = &r.header;
        let family = h.family;
        let root = |p: &Prefix, len: u8| {
            if p.family != AF_UNSPEC && family != p.family {
                return false;
            }
            !p.given() || p.len <= len as i32
        };
        let within = |p: &Prefix, len: u8| {
            if p.family != AF_UNSPEC && family != p.family {
                return false;
            }
            !p.given() || p.len < 0 || p.len >= len as i32
        };
        if !root(&self.rdst, h.dst_len)
            || !within(&self.mdst, h.dst_len)
            || !root(&self.rsrc, h.src_len)
            || !within(&self.msrc, h.src_len)
        {
            return false;
        }
        if self.rvia.family != AF_UNSPEC {
            let via_family = r.via.map_or(family as u16, |v| v.family);
            if via_family != self.rvia.family as u16 {
                return false;
            }
        }
        if self.rprefsrc.family != AF_UNSPEC && family != self.rprefsrc.family {
            return false;
        }
        let dst = ip_bytes(r.dst);
        if self.rdst.given() && !same_bits(&dst, &self.rdst.bytes, self.rdst.len) {
            return false;
        }
        if self.mdst.given() && !same_bits(&dst, &self.mdst.bytes, h.dst_len as i32) {
            return false;
        }
        if self.rsrc.given() || self.msrc.given() {
            let src = ip_bytes(r.src);
            if self.rsrc.given() && !same_bits(&src, &self.rsrc.bytes, self.rsrc.len) {
                return false;
            }
            if self.msrc.given()
                && self.msrc.len >= 0
                && !same_bits(&src, &self.msrc.bytes, h.src_len as i32)
            {
                return false;
            }
        }
        if self.rvia.family != AF_UNSPEC {
            let mut via = [0u8; 16];
            if self.rvia.len > 0 {
                via = ip_bytes(r.gateway);
                if let Some(v) = r.via {
                    via = [0u8; 16];
                    let n = v.addr.len().min(16);
                    via[..n].copy_from_slice(&v.addr[..n]);
                }
            }
            if !same_bits(&via, &self.rvia.bytes, self.rvia.len) {
                return false;
            }
        }
        if self.rprefsrc.family != AF_UNSPEC {
            let prefsrc = if self.rprefsrc.len > 0 { ip_bytes(r.prefsrc) } else { [0u8; 16] };
            if !same_bits(&prefsrc, &self.rprefsrc.bytes, self.rprefsrc.len) {
                return false;
            }
        }
        self.tos.is_none_or(|t| t == h.tos)
            && self.iif.is_none_or(|i| r.iif.unwrap_or(0) == i)
            && self.oif.is_none_or(|o| r.oif.unwrap_or(0) == o)
            && self.mark.is_none_or(|m| r.mark.unwrap_or(0) == m)
            && self.metric.is_none_or(|m| r.priority.unwrap_or(0) == m)
            && self.realms.is_none_or(|(v, mask)| (r.flow.unwrap_or(0) ^ v) & mask == 0)
    }
}

/// The family of the request once `addr` was read: the first address sets it.
pub(super) fn family_of(family: u8, addr: &IpAddr) -> u8 {
    match (family, addr) {
        (AF_UNSPEC, IpAddr::V4(_)) => AF_INET,
        (AF_UNSPEC, IpAddr::V6(_)) => AF_INET6,
        (f, _) => f,
    }
}

/// `get_addr`: an address of `family` (any when unspecified).
pub(super) fn address(s: &str, family: u8) -> Result<IpAddr> {
    Prefix::addr(s, family).filter(|p| p.len == -1).and_then(|p| p.ip()).ok_or_else(|| {
        anyhow!("{} address is expected rather than \"{s}\".", family_name_verbose(family))
    })
}

/// A metric's value as `iproute_modify` reads it (times as `N[s|ms]`:
/// `rtt` and `rttvar` in their kernel units unless given raw).
pub(super) fn metric_number(v: &str, metric: u16) -> Result<u32> {
    let name = route_print::METRIC_NAMES[metric as usize];
    let bad = || invarg(&format!("\"{name}\" value is invalid"), v);
    Ok(match metric {
        RTAX_RTT | RTAX_RTTVAR | RTAX_RTO_MIN => {
            let (t, raw) = time_rtt(v).ok_or_else(bad)?;
            match metric {
                RTAX_RTT if !raw => t.saturating_mul(8),
                RTAX_RTTVAR if !raw => t.saturating_mul(4),
                _ => t,
            }
        }
        RTAX_FEATURES if v == "ecn" => RTAX_FEATURE_ECN,
        RTAX_FEATURES => return Err(invarg("\"features\" value not valid", v)),
        RTAX_QUICKACK | RTAX_FASTOPEN_NO_COOKIE => match unsigned(v).ok_or_else(bad)? {
            n @ (0 | 1) => n,
            _ => return Err(invarg(&format!("\"{name}\" value should be 0 or 1"), v)),
        },
        RTAX_HOPLIMIT => unsigned(v).filter(|&n| n <= 255).ok_or_else(bad)?,
        _ => unsigned(v).ok_or_else(bad)?,
    })
}

/// `get_time_rtt`: `N` (raw), `Ns`/`Nsec`/`Nsecs` or `Nms`/`Nmsec`/`Nmsecs`
/// (milliseconds); returns the value and whether it was raw.
pub(super) fn time_rtt(s: &str) -> Option<(u32, bool)> {
    let end = s.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == 'x')).unwrap_or(s.len());
    let (num, unit) = s.split_at(end);
    let t: f64 = if num.contains('.') { num.parse().ok()? } else { unsigned(num)? as f64 };
    if t < 0.0 {
        return None;
    }
    let t = match unit.to_ascii_lowercase().as_str() {
        "" => return Some((t.ceil() as u32, true)),
        "s" | "sec" | "secs" => t * 1000.0,
        "ms" | "msec" | "msecs" => t,
        _ => return None,
    };
    Some((t.ceil() as u32, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_as_get_prefix_reads_them() {
        let p = Prefix::parse("10.1/16", AF_UNSPEC).unwrap();
        assert_eq!(
            (p.family, &p.bytes[..4], p.len, p.specified),
            (AF_INET, &[10, 1, 0, 0][..], 16, true)
        );
        let d = Prefix::parse("default", AF_UNSPEC).unwrap();
        assert_eq!((d.family, d.len, d.specified), (AF_UNSPEC, 0, true));
        let all = Prefix::parse("all", AF_INET6).unwrap();
        assert_eq!((all.family, all.len, all.specified), (AF_INET6, 0, false));
        assert_eq!(Prefix::parse("10.0.0.0/255.255.0.0", AF_UNSPEC).unwrap().len, 16);
        assert_eq!(Prefix::parse("2001:db8::1", AF_UNSPEC).unwrap().len, 128);
        let e = Prefix::parse("2001:db8::/48", AF_INET).unwrap_err();
        assert_eq!(e.to_string(), "inet prefix is expected rather than \"2001:db8::/48\".");
        assert!(Prefix::parse("10.0.0.0/33", AF_UNSPEC).is_err());
        assert!(Prefix::parse("default/8", AF_UNSPEC).is_err());
        assert!(Prefix::parse("foo", AF_UNSPEC).is_err());
    }

    #[test]
    fn bits_and_times() {
        let a = Prefix::parse("10.1.2.3", AF_INET).unwrap().bytes;
        let b = Prefix::parse("10.1.3.0", AF_INET).unwrap().bytes;
        assert!(same_bits(&a, &b, 23));
        assert!(!same_bits(&a, &b, 24));
        assert!(same_bits(&a, &b, 0));
        assert_eq!(time_rtt("20ms"), Some((20, false)));
        assert_eq!(time_rtt("1.5s"), Some((1500, false)));
        assert_eq!(time_rtt("7"), Some((7, true)));
        assert_eq!(time_rtt("7x"), None);
        assert_eq!(unsigned("010"), Some(8));
        assert_eq!(unsigned("0x10"), Some(16));
        assert_eq!(unsigned("-1"), None);
        assert_eq!(metric_number("1.5s", RTAX_RTT).unwrap(), 12000);
        assert_eq!(metric_number("3", RTAX_RTT).unwrap(), 3);
        assert!(metric_number("256", RTAX_HOPLIMIT).is_err());
    }
}
