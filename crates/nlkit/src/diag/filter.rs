//! Socket filters for inet dumps: an expression over a socket's ends,
//! interface, mark and cgroup, compiled into the kernel's filter program
//! (`INET_DIAG_REQ_BYTECODE`, a list of `struct inet_diag_bc_op` from
//! `<linux/inet_diag.h>`), so that the kernel sends only the sockets that
//! pass.
//!
//! The program is what `ss` compiles (misc/ss.c, `ssfilter_bytecompile`):
//! each operation tests one condition and jumps `yes` or `no` bytes
//! forward; running off the end exactly accepts the socket, jumping four
//! bytes past it rejects. A compiled piece of length `L` accepts by
//! falling through to `L` and rejects by jumping to `L + 4`, so pieces
//! join without knowing each other: `a and b` is `a` then `b` with `a`'s
//! rejects moved past `b`; `a or b` puts a jump between them; `not a`
//! ends `a` with a jump that turns its fall-through into a reject.
//!
//! [`Expr::matches`] evaluates the same expression on a socket in user
//! space, with the kernel's rules (an IPv4 condition matches an IPv6
//! socket's v4-mapped address), for sockets the kernel does not filter.
//! [`Expr::matches_other`] evaluates it on unix, packet and netlink
//! sockets, which the kernel never filters, as ss does (`filter_other`).
//! Depth and size are bounded: [`MAX_DEPTH`] levels, and a program must
//! fit the 16-bit jumps (64 KiB).

use std::fmt;
use std::net::IpAddr;

/// Filter operation codes (`enum`, `<linux/inet_diag.h>`).
pub const INET_DIAG_BC_NOP: u8 = 0;
/// Jump `no` bytes (the `yes` length is only the operation's size).
pub const INET_DIAG_BC_JMP: u8 = 1;
/// Source port at least the next operation's `no`.
pub const INET_DIAG_BC_S_GE: u8 = 2;
/// Source port at most the next operation's `no`.
pub const INET_DIAG_BC_S_LE: u8 = 3;
/// Destination port at least the next operation's `no`.
pub const INET_DIAG_BC_D_GE: u8 = 4;
/// Destination port at most the next operation's `no`.
pub const INET_DIAG_BC_D_LE: u8 = 5;
/// The local port was chosen by the kernel (not bound by the user).
pub const INET_DIAG_BC_AUTO: u8 = 6;
/// Source address prefix and port (`struct inet_diag_hostcond` follows).
pub const INET_DIAG_BC_S_COND: u8 = 7;
/// Destination address prefix and port (`struct inet_diag_hostcond` follows).
pub const INET_DIAG_BC_D_COND: u8 = 8;
/// Bound to this interface (a `u32` index follows).
pub const INET_DIAG_BC_DEV_COND: u8 = 9;
/// `mark & mask == mark` (`struct inet_diag_markcond` follows; needs
/// `CAP_NET_ADMIN`).
pub const INET_DIAG_BC_MARK_COND: u8 = 10;
/// Source port equal to the next operation's `no`.
pub const INET_DIAG_BC_S_EQ: u8 = 11;
/// Destination port equal to the next operation's `no`.
pub const INET_DIAG_BC_D_EQ: u8 = 12;
/// In this cgroup v2 (a `u64` id follows).
pub const INET_DIAG_BC_CGROUP_COND: u8 = 13;

/// How deep an expression may nest (`not`, `and`, `or`, parentheses).
pub const MAX_DEPTH: usize = 256;

/// An address prefix and port, as `src`, `dst`, `sport` and `dport` test
/// them (`struct inet_diag_hostcond`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostCond {
    /// The prefix; `None` for any address (and any family).
    pub prefix: Option<(IpAddr, u8)>,
    /// The port; `None` for any.
    pub port: Option<u16>,
}

/// A filter expression (ss's `ssfilter`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Both.
    And(Box<Expr>, Box<Expr>),
    /// Either.
    Or(Box<Expr>, Box<Expr>),
    /// Not this.
    Not(Box<Expr>),
    /// The local end (`src`, `sport =`).
    Src(HostCond),
    /// The remote end (`dst`, `dport =`).
    Dst(HostCond),
    /// Local port at least.
    SportGe(u16),
    /// Local port at most.
    SportLe(u16),
    /// Remote port at least.
    DportGe(u16),
    /// Remote port at most.
    DportLe(u16),
    /// The local port was chosen by the kernel (`autobound`).
    Autobound,
    /// Bound to the interface with this index (`dev`).
    Dev(u32),
    /// `socket mark & mask == mark` (`fwmark`).
    Mark {
        /// The value.
        mark: u32,
        /// The bits compared.
        mask: u32,
    },
    /// In the cgroup v2 with this id (`cgroup`).
    Cgroup(u64),
    /// A unix socket's name matches a shell pattern (`src unix:PATTERN`;
    /// `peer`: `dst`). Tested in user space only ([`Expr::matches_other`]).
    UnixName {
        /// `dst`: the peer's end.
        peer: bool,
        /// The pattern, as fnmatch(3) reads it, case folded.
        pattern: String,
    },
    /// A packet socket's protocol and interface (`src link:PROTO:IFACE`).
    /// Tested in user space only.
    Link {
        /// `dst`: the peer's end (a packet socket has none: protocol 0,
        /// interface 0).
        peer: bool,
        /// The protocol (`ETH_P_*`, host order); `None` for any.
        protocol: Option<u16>,
        /// The interface index; `None` for any.
        ifindex: Option<u32>,
    },
    /// A netlink socket's protocol and port id (`src netlink:PROTO:PORT`).
    /// Tested in user space only.
    Netlink {
        /// `dst`: the peer's end (protocol 0, port -1 as ss has it).
        peer: bool,
        /// The protocol (`NETLINK_*`); `None` for any.
        protocol: Option<u32>,
        /// The port id (0: the kernel); `None` for any.
        port: Option<i64>,
    },
}

/// Why an expression does not compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilterError {
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
    /// The program would not fit the 16-bit jumps.
    TooLong,
    /// A prefix longer than its address (`/33` for IPv4).
    Prefix(u8),
    /// A condition on unix, packet or netlink sockets, which the kernel
    /// does not filter.
    NotInet,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilterError::TooDeep => write!(f, "filter nests deeper than {MAX_DEPTH} levels"),
            FilterError::TooLong => write!(f, "filter program longer than 65,535 bytes"),
            FilterError::Prefix(len) => write!(f, "prefix length {len} is longer than its address"),
            FilterError::NotInet => {
                write!(f, "a unix, link or netlink condition cannot filter inet sockets")
            }
        }
    }
}

impl std::error::Error for FilterError {}

/// What a filter reads of one socket, for [`Expr::matches`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The local end.
    pub local: std::net::SocketAddr,
    /// The remote end.
    pub peer: std::net::SocketAddr,
    /// The interface it is bound to (0: none).
    pub ifindex: u32,
    /// Its mark.
    pub mark: u32,
    /// Its cgroup v2 id.
    pub cgroup_id: u64,
    /// Whether the kernel chose its local port.
    pub autobound: bool,
}

/// One operation's header: code, and the jumps when the test passes or fails.
fn op(out: &mut Vec<u8>, code: u8, yes: usize, no: usize) -> Result<(), FilterError> {
    let (yes, no) = (jump(yes)?, jump(no)?);
    out.push(code);
    out.push(yes as u8);
    out.extend_from_slice(&no.to_ne_bytes());
    Ok(())
}

/// A jump length as the 8-bit `yes` (where it fits: conditions' own
/// lengths) or the 16-bit `no`.
fn jump(n: usize) -> Result<u16, FilterError> {
    u16::try_from(n).map_err(|_| FilterError::TooLong)
}

/// Moves every reject of `piece` (a jump to its end + 4) by `by` bytes,
/// as ss's `ssfilter_patch`: walks the operations by their `yes` lengths.
fn patch(piece: &mut [u8], by: usize) -> Result<(), FilterError> {
    let mut at = 0;
    while at + 4 <= piece.len() {
        let left = piece.len() - at;
        let no = usize::from(u16::from_ne_bytes([piece[at + 2], piece[at + 3]]));
        if no == left + 4 {
            piece[at + 2..at + 4].copy_from_slice(&jump(no + by)?.to_ne_bytes());
        }
        // Every operation's `yes` is its own length, at least 4.
        at += usize::from(piece[at + 1]).max(4);
    }
    Ok(())
}

impl Expr {
    /// `a and b`.
    pub fn and(a: Expr, b: Expr) -> Expr {
        Expr::And(Box::new(a), Box::new(b))
    }

    /// `a or b`.
    pub fn or(a: Expr, b: Expr) -> Expr {
        Expr::Or(Box::new(a), Box::new(b))
    }

    /// `not a`.
    #[allow(clippy::should_implement_trait)]
    pub fn not(a: Expr) -> Expr {
        Expr::Not(Box::new(a))
    }

    /// The kernel's filter program for this expression, the value of an
    /// `INET_DIAG_REQ_BYTECODE` attribute.
    pub fn compile(&self) -> Result<Vec<u8>, FilterError> {
        let program = self.piece(0)?;
        jump(program.len() + 4)?;
        Ok(program)
    }

    fn piece(&self, depth: usize) -> Result<Vec<u8>, FilterError> {
        if depth > MAX_DEPTH {
            return Err(FilterError::TooDeep);
        }
        let mut out = Vec::new();
        match self {
            Expr::And(a, b) => {
                let (mut a, b) = (a.piece(depth + 1)?, b.piece(depth + 1)?);
                patch(&mut a, b.len())?;
                a.extend_from_slice(&b);
                out = a;
            }
            Expr::Or(a, b) => {
                let (a, b) = (a.piece(depth + 1)?, b.piece(depth + 1)?);
                out.extend_from_slice(&a);
                op(&mut out, INET_DIAG_BC_JMP, 4, b.len() + 4)?;
                out.extend_from_slice(&b);
            }
            Expr::Not(a) => {
                out = a.piece(depth + 1)?;
                op(&mut out, INET_DIAG_BC_JMP, 4, 8)?;
            }
            Expr::Src(c) | Expr::Dst(c) => {
                let code = if matches!(self, Expr::Src(_)) {
                    INET_DIAG_BC_S_COND
                } else {
                    INET_DIAG_BC_D_COND
                };
                // struct inet_diag_hostcond: family, prefix_len, two bytes
                // of padding, int port, then the address (4 or 16 bytes; ss sends 4 for "any").
                let (family, len, addr) = match c.prefix {
                    Some((IpAddr::V4(a), len)) => (libc::AF_INET as u8, len, a.octets().to_vec()),
                    Some((IpAddr::V6(a), len)) => (libc::AF_INET6 as u8, len, a.octets().to_vec()),
                    None => (libc::AF_UNSPEC as u8, 0, vec![0; 4]),
                };
                if usize::from(len) > addr.len() * 8 {
                    return Err(FilterError::Prefix(len));
                }
                let size = 4 + 8 + addr.len();
                op(&mut out, code, size, size + 4)?;
                out.extend_from_slice(&[family, len, 0, 0]); // and the int's padding
                out.extend_from_slice(&c.port.map_or(-1, i32::from).to_ne_bytes());
                out.extend_from_slice(&addr);
            }
            Expr::SportGe(p) | Expr::SportLe(p) | Expr::DportGe(p) | Expr::DportLe(p) => {
                let code = match self {
                    Expr::SportGe(_) => INET_DIAG_BC_S_GE,
                    Expr::SportLe(_) => INET_DIAG_BC_S_LE,
                    Expr::DportGe(_) => INET_DIAG_BC_D_GE,
                    _ => INET_DIAG_BC_D_LE,
                };
                op(&mut out, code, 8, 12)?;
                op(&mut out, INET_DIAG_BC_NOP, 0, usize::from(*p))?;
            }
            Expr::Autobound => op(&mut out, INET_DIAG_BC_AUTO, 4, 8)?,
            Expr::Dev(index) => {
                op(&mut out, INET_DIAG_BC_DEV_COND, 8, 12)?;
                out.extend_from_slice(&index.to_ne_bytes());
            }
            Expr::Mark { mark, mask } => {
                op(&mut out, INET_DIAG_BC_MARK_COND, 12, 16)?;
                out.extend_from_slice(&mark.to_ne_bytes());
                out.extend_from_slice(&mask.to_ne_bytes());
            }
            Expr::Cgroup(id) => {
                op(&mut out, INET_DIAG_BC_CGROUP_COND, 12, 16)?;
                out.extend_from_slice(&id.to_ne_bytes());
            }
            Expr::UnixName { .. } | Expr::Link { .. } | Expr::Netlink { .. } => {
                return Err(FilterError::NotInet)
            }
        }
        jump(out.len())?;
        Ok(out)
    }

    /// Whether socket `s` passes, by the kernel's rules
    /// (`inet_diag_bc_run`). Depth is bounded by how the expression was
    /// built: [`Expr::compile`] refuses more than [`MAX_DEPTH`] levels.
    pub fn matches(&self, s: &Facts) -> bool {
        match self {
            Expr::And(a, b) => a.matches(s) && b.matches(s),
            Expr::Or(a, b) => a.matches(s) || b.matches(s),
            Expr::Not(a) => !a.matches(s),
            Expr::Src(c) => c.matches(s.local),
            Expr::Dst(c) => c.matches(s.peer),
            Expr::SportGe(p) => s.local.port() >= *p,
            Expr::SportLe(p) => s.local.port() <= *p,
            Expr::DportGe(p) => s.peer.port() >= *p,
            Expr::DportLe(p) => s.peer.port() <= *p,
            Expr::Autobound => s.autobound,
            Expr::Dev(i) => s.ifindex == *i,
            Expr::Mark { mark, mask } => s.mark & mask == *mark,
            Expr::Cgroup(id) => s.cgroup_id == *id,
            Expr::UnixName { .. } | Expr::Link { .. } | Expr::Netlink { .. } => false,
        }
    }

    /// Whether the kernel can run it: no condition on unix, packet or
    /// netlink sockets (those are tested in user space only).
    pub fn is_inet(&self) -> bool {
        match self {
            Expr::And(a, b) | Expr::Or(a, b) => a.is_inet() && b.is_inet(),
            Expr::Not(a) => a.is_inet(),
            Expr::UnixName { .. } | Expr::Link { .. } | Expr::Netlink { .. } => false,
            _ => true,
        }
    }
}

impl HostCond {
    /// Whether the end `a` passes: the port if one is given, then the
    /// prefix (an IPv4 prefix also matches a v4-mapped IPv6 address).
    pub fn matches(&self, a: std::net::SocketAddr) -> bool {
        if self.port.is_some_and(|p| p != a.port()) {
            return false;
        }
        let Some((prefix, len)) = self.prefix else { return true };
        let ip = match (prefix, a.ip()) {
            (IpAddr::V4(_), IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => return false,
            },
            (_, ip) => ip,
        };
        let (want, have) = match (prefix, ip) {
            (IpAddr::V4(p), IpAddr::V4(a)) => (p.octets().to_vec(), a.octets().to_vec()),
            (IpAddr::V6(p), IpAddr::V6(a)) => (p.octets().to_vec(), a.octets().to_vec()),
            _ => return false,
        };
        prefix_match(&want, &have, len)
    }
}

/// Whether the first `bits` bits of `a` and `b` agree (the kernel's
/// `bitstring_match`); `bits` past the address's length compares it all.
fn prefix_match(a: &[u8], b: &[u8], bits: u8) -> bool {
    let bits = usize::from(bits).min(a.len() * 8);
    let (whole, rest) = (bits / 8, bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    rest == 0 || (a[whole] ^ b[whole]) & (0xff << (8 - rest)) == 0
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;

#[path = "filter_other.rs"]
mod other;

pub use other::{fnmatch, OtherFacts};
