//! Filters on unix, packet and netlink sockets, which the kernel never
//! filters: ss runs its whole expression on them in user space
//! (misc/ss.c `run_ssfilter`), with what it knows of each socket in the
//! fields it has for inet ones. [`OtherFacts`] holds the same: the
//! "ports" are a unix socket's inode and its peer's, a packet socket's
//! interface, a netlink socket's port id; the "address" a unix socket's
//! name or a packet or netlink socket's protocol. So `sport = :N` on unix
//! sockets means inode N, as in ss; an inet address never matches.
//! Names are matched as fnmatch(3) with `FNM_CASEFOLD` ([`fnmatch`]).

use super::{Expr, HostCond};

/// What a filter reads of a unix, packet or netlink socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtherFacts<'a> {
    /// `AF_UNIX`, `AF_PACKET` or `AF_NETLINK`.
    pub family: u8,
    /// A unix socket's name as ss prints it (an abstract name's NULs as
    /// `@`); `None` when unbound.
    pub name: Option<&'a str>,
    /// A packet or netlink socket's protocol.
    pub protocol: u32,
    /// ss's local "port": the inode (unix), the interface (packet), the
    /// port id (netlink; -1 when unbound).
    pub local: i64,
    /// ss's remote "port": the peer's inode (unix, 0 when none), 0
    /// (packet), -1 (netlink).
    pub remote: i64,
    /// The interface (packet; 0 otherwise).
    pub ifindex: u32,
}

impl Expr {
    /// Whether the unix, packet or netlink socket `s` passes, by ss's
    /// rules. A condition on another family's sockets does not match
    /// (but for a port alone, which is compared with ss's "ports"); the
    /// peer's name of a unix socket is unknown to the dump, so `dst
    /// unix:PATTERN` tests the empty name, as ss 6.1 does.
    pub fn matches_other(&self, s: &OtherFacts<'_>) -> bool {
        let unix = i32::from(s.family) == libc::AF_UNIX;
        let packet = i32::from(s.family) == libc::AF_PACKET;
        let netlink = i32::from(s.family) == libc::AF_NETLINK;
        match self {
            Expr::And(a, b) => a.matches_other(s) && b.matches_other(s),
            Expr::Or(a, b) => a.matches_other(s) || b.matches_other(s),
            Expr::Not(a) => !a.matches_other(s),
            Expr::Src(c) => host(c, s.local),
            Expr::Dst(c) => host(c, s.remote),
            Expr::SportGe(p) => s.local >= i64::from(*p),
            Expr::SportLe(p) => s.local <= i64::from(*p),
            Expr::DportGe(p) => s.remote >= i64::from(*p),
            Expr::DportLe(p) => s.remote <= i64::from(*p),
            Expr::Autobound => match () {
                _ if unix => s.name.is_none_or(is_autobound_name),
                _ if packet => s.local == 0 && s.protocol == 0,
                _ if netlink => s.local < 0,
                _ => false,
            },
            Expr::Dev(i) => s.ifindex == *i,
            Expr::Mark { mark, mask: _ } => *mark == 0,
            Expr::Cgroup(id) => *id == 0,
            Expr::UnixName { peer, pattern } => {
                let name = if *peer { "" } else { s.name.unwrap_or("") };
                unix && fnmatch(pattern, name)
            }
            Expr::Link { peer, protocol, ifindex } => {
                let (proto, index) = if *peer { (0, 0) } else { (s.protocol, s.local) };
                packet
                    && protocol.is_none_or(|p| u32::from(p) == proto)
                    && ifindex.is_none_or(|i| i64::from(i) == index)
            }
            Expr::Netlink { peer, protocol, port } => {
                let (proto, id) = if *peer { (0, s.remote) } else { (s.protocol, s.local) };
                netlink && protocol.is_none_or(|p| p == proto) && port.is_none_or(|p| p == id)
            }
        }
    }
}

/// An inet host condition on a socket that is not inet: its port against
/// ss's "port"; an address never matches.
fn host(c: &HostCond, port: i64) -> bool {
    c.prefix.is_none() && c.port.is_none_or(|p| i64::from(p) == port)
}

/// The name the kernel gives a unix socket it binds itself (autobind):
/// `@` and five hex digits.
fn is_autobound_name(name: &str) -> bool {
    let b = name.as_bytes();
    b.len() == 6 && b[0] == b'@' && b[1..].iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether `text` matches the shell pattern `pattern` as fnmatch(3) with
/// `FNM_CASEFOLD` and no other flag ([`crate::fnmatch`]).
pub fn fnmatch(pattern: &str, text: &str) -> bool {
    crate::fnmatch::fnmatch(pattern, text, crate::fnmatch::Flags::CASEFOLD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unix(name: Option<&str>, inode: i64, peer: i64) -> OtherFacts<'_> {
        OtherFacts {
            family: libc::AF_UNIX as u8,
            name,
            protocol: 0,
            local: inode,
            remote: peer,
            ifindex: 0,
        }
    }

    #[test]
    fn conditions_read_other_sockets_as_ss_does() {
        let named = |p: &str| Expr::UnixName { peer: false, pattern: p.into() };
        let sock = unix(Some("/run/x.sock"), 100, 200);
        assert!(named("/run/*").matches_other(&sock));
        assert!(!named("/tmp/*").matches_other(&sock));
        assert!(!named("/run/*").matches_other(&unix(None, 1, 0)));
        let peer = Expr::UnixName { peer: true, pattern: "*".into() };
        assert!(peer.matches_other(&sock), "the peer's name is empty: * matches it");
        // Ports are inodes; an address never matches.
        let port = |p: u16| Expr::Src(HostCond { prefix: None, port: Some(p) });
        assert!(port(100).matches_other(&sock) && !port(101).matches_other(&sock));
        assert!(Expr::DportGe(200).matches_other(&sock));
        let addr =
            Expr::Src(HostCond { prefix: Some(("10.0.0.1".parse().unwrap(), 32)), port: None });
        assert!(!addr.matches_other(&sock));
        assert!(Expr::Autobound.matches_other(&unix(Some("@0001f"), 1, 0)));
        assert!(!Expr::Autobound.matches_other(&unix(Some("@abcdefg"), 1, 0)));
        // Packet: protocol and interface.
        let packet = OtherFacts {
            family: libc::AF_PACKET as u8,
            name: None,
            protocol: 0x0800,
            local: 3,
            remote: 0,
            ifindex: 3,
        };
        let link = |protocol, ifindex| Expr::Link { peer: false, protocol, ifindex };
        assert!(link(Some(0x0800), Some(3)).matches_other(&packet));
        assert!(link(None, Some(3)).matches_other(&packet));
        assert!(!link(Some(0x86dd), None).matches_other(&packet));
        assert!(!link(None, None).matches_other(&sock), "not a packet socket");
        assert!(Expr::Dev(3).matches_other(&packet));
        // Netlink: protocol and port id.
        let nl = OtherFacts {
            family: libc::AF_NETLINK as u8,
            name: None,
            protocol: 0,
            local: 0,
            remote: -1,
            ifindex: 0,
        };
        let netlink = |protocol, port| Expr::Netlink { peer: false, protocol, port };
        assert!(netlink(Some(0), Some(0)).matches_other(&nl));
        assert!(!netlink(Some(16), None).matches_other(&nl));
        assert!(Expr::not(netlink(None, Some(5))).matches_other(&nl));
        assert!(!Expr::Autobound.matches_other(&nl));
        // Not for the kernel.
        assert_eq!(named("x").compile(), Err(super::super::FilterError::NotInet));
        assert!(!Expr::and(port(1), named("x")).is_inet());
        assert!(port(1).is_inet());
    }
}
