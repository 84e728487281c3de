//! The words `nlkit address` reads where `ip address` reads them the same
//! way in more than one command: prefixes (`get_prefix`, for `to` and for
//! the addresses of `add`/`del`) and address flags (`ifa_flag_data`, for
//! `show`/`flush` selectors and for `add`/`change`).

use nlkit::rtnl::uapi::*;
use nlkit::rtnl::AF_UNSPEC;
use std::net::{IpAddr, Ipv4Addr};

/// An address flag word of `ip address`, and what it may do.
pub(super) struct FlagWord {
    pub name: &'static str,
    pub mask: u32,
    /// Only the kernel sets it.
    pub readonly: bool,
    /// Settable on IPv6 addresses only.
    pub v6only: bool,
}

const fn flag(name: &'static str, mask: u32, readonly: bool, v6only: bool) -> FlagWord {
    FlagWord { name, mask, readonly, v6only }
}

/// `ip`'s `ifa_flag_data`, in its order.
pub(super) const FLAG_WORDS: [FlagWord; 13] = [
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

/// The flag word called `name`.
pub(super) fn flag_word(name: &str) -> Option<&'static FlagWord> {
    FLAG_WORDS.iter().find(|f| f.name == name)
}

/// A prefix as `ip`'s `get_prefix` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Prefix {
    pub addr: IpAddr,
    pub len: u8,
    /// Whether `/LEN` was written.
    pub len_given: bool,
}

/// `ADDR[/LEN]` of `family` (any if `AF_UNSPEC`). IPv4 may be shortened
/// as `ip` allows (`10`, `10.1`; each part decimal, `0x` hex or `0` octal).
pub(super) fn inet_prefix(s: &str, family: u8) -> Option<Prefix> {
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l.parse::<u8>().ok()?)),
        None => (s, None),
    };
    let addr = if addr.contains(':') {
        IpAddr::V6(addr.parse().ok()?)
    } else {
        IpAddr::V4(ipv4_like_ip(addr)?)
    };
    if family != AF_UNSPEC && family != nlkit::rtnl::family_of(&addr) {
        return None;
    }
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let p = Prefix { addr, len: len.unwrap_or(max), len_given: len.is_some() };
    (p.len <= max).then_some(p)
}

/// IPv4 as `ip`'s `get_addr_ipv4` reads it: up to four parts, each
/// decimal, `0x` hex or `0` octal, the missing ones zero.
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

/// Whether the first `len` bits of `a` are those of `prefix`.
pub(super) fn prefix_matches(a: IpAddr, prefix: IpAddr, len: u8) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(inet_prefix("10.0.0.1", nlkit::rtnl::AF_INET6), None);
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
}
