//! Netlink sockets: open, bind, send and receive.
//!
//! A [`Socket`] is one `AF_NETLINK` socket of any protocol number, raw or
//! dgram. It sends to the kernel (port 0), to another process (its port id)
//! or to multicast groups, one buffer or a gather list per datagram, and
//! receives whole datagrams into a [`RecvBuf`] sized by peeking first, so a
//! message is never truncated. Socket options live in `options`, namespace
//! handling in `netns`.
//!
//! See netlink(7) and the uapi header `<linux/netlink.h>`.

mod netns;
mod options;
mod recv;

pub use netns::Netns;
pub use recv::{Credentials, RecvBuf};

use crate::error::{Error, Result};
use crate::sys;
use std::fmt;
use std::io::IoSlice;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};

/// A netlink protocol number (the third argument of `socket(2)`), 0..=31.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Protocol(pub u32);

impl Protocol {
    /// `NETLINK_ROUTE`: rtnetlink.
    pub const ROUTE: Protocol = Protocol(0);
    /// `NETLINK_USERSOCK`: reserved for user-space protocols.
    pub const USERSOCK: Protocol = Protocol(2);
    /// `NETLINK_SOCK_DIAG`: socket monitoring.
    pub const SOCK_DIAG: Protocol = Protocol(4);
    /// `NETLINK_XFRM`: IPsec.
    pub const XFRM: Protocol = Protocol(6);
    /// `NETLINK_SELINUX`: SELinux notices.
    pub const SELINUX: Protocol = Protocol(7);
    /// `NETLINK_AUDIT`: auditing.
    pub const AUDIT: Protocol = Protocol(9);
    /// `NETLINK_FIB_LOOKUP`: one IPv4 FIB lookup per message.
    pub const FIB_LOOKUP: Protocol = Protocol(10);
    /// `NETLINK_CONNECTOR`: the connector, e.g. the proc connector.
    pub const CONNECTOR: Protocol = Protocol(11);
    /// `NETLINK_NETFILTER`: nfnetlink.
    pub const NETFILTER: Protocol = Protocol(12);
    /// `NETLINK_KOBJECT_UEVENT`: kernel uevents.
    pub const KOBJECT_UEVENT: Protocol = Protocol(15);
    /// `NETLINK_GENERIC`: generic netlink.
    pub const GENERIC: Protocol = Protocol(16);
    /// `MAX_LINKS`: protocol numbers are below this.
    pub const MAX: u32 = 32;

    /// The conventional `NETLINK_*` name, if the number has one.
    pub fn name(self) -> Option<&'static str> {
        const NAMES: [&str; 23] = [
            "route",
            "unused",
            "usersock",
            "firewall",
            "sock_diag",
            "nflog",
            "xfrm",
            "selinux",
            "iscsi",
            "audit",
            "fib_lookup",
            "connector",
            "netfilter",
            "ip6_fw",
            "dnrtmsg",
            "kobject_uevent",
            "generic",
            "",
            "scsitransport",
            "ecryptfs",
            "rdma",
            "crypto",
            "smc",
        ];
        NAMES.get(self.0 as usize).copied().filter(|n| !n.is_empty())
    }

    /// A protocol from a number 0..=31 or a name such as `route` or
    /// `NETLINK_GENERIC`.
    pub fn parse(s: &str) -> Option<Protocol> {
        if let Ok(n) = s.parse() {
            return (n < Self::MAX).then_some(Protocol(n));
        }
        let bare = s.strip_prefix("NETLINK_").unwrap_or(s);
        (0..Self::MAX)
            .map(Protocol)
            .find(|p| p.name().is_some_and(|n| n.eq_ignore_ascii_case(bare)))
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{} ({n})", self.0),
            None => write!(f, "{}", self.0),
        }
    }
}

/// The socket type: netlink treats both alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// `SOCK_RAW`.
    #[default]
    Raw,
    /// `SOCK_DGRAM`.
    Dgram,
}

impl Kind {
    fn raw(self) -> libc::c_int {
        match self {
            Kind::Raw => libc::SOCK_RAW,
            Kind::Dgram => libc::SOCK_DGRAM,
        }
    }
}

/// A netlink address (`struct sockaddr_nl`): a port id and a group mask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SocketAddr {
    /// `nl_pid`: the port id; 0 is the kernel (or "choose one" at bind).
    pub port: u32,
    /// `nl_groups`: a bit mask of multicast groups 1..=32 (bit `g - 1`).
    pub groups: u32,
}

impl SocketAddr {
    /// The kernel: port 0, no groups.
    pub const KERNEL: SocketAddr = SocketAddr { port: 0, groups: 0 };

    /// A process's socket, by port id.
    pub const fn port(port: u32) -> Self {
        SocketAddr { port, groups: 0 }
    }

    /// The mask for one group 1..=32, `None` outside that range (use
    /// `add_membership` for higher groups).
    pub const fn group_mask(group: u32) -> Option<u32> {
        if group >= 1 && group <= 32 {
            Some(1 << (group - 1))
        } else {
            None
        }
    }
}

impl fmt::Display for SocketAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "port {} groups {:#x}", self.port, self.groups)
    }
}

/// One netlink socket; see the module docs.
#[derive(Debug)]
pub struct Socket {
    fd: OwnedFd,
    protocol: Protocol,
    port: u32,
}

impl Socket {
    /// Opens a `SOCK_RAW` socket of `protocol`, not yet bound.
    pub fn new(protocol: Protocol) -> Result<Socket> {
        Self::with_kind(protocol, Kind::Raw)
    }

    /// Opens a socket of `protocol` and `kind`, not yet bound.
    pub fn with_kind(protocol: Protocol, kind: Kind) -> Result<Socket> {
        let fd = sys::socket(kind.raw(), protocol.0 as libc::c_int).map_err(|e| {
            match e.raw_os_error() {
                Some(libc::EPROTONOSUPPORT) => Error::ProtocolNotSupported { protocol: protocol.0 },
                _ => Error::io("socket", e),
            }
        })?;
        Ok(Socket { fd, protocol, port: 0 })
    }

    /// Opens a socket and binds it to a port id the kernel chooses.
    pub fn open(protocol: Protocol) -> Result<Socket> {
        let mut s = Self::new(protocol)?;
        s.bind(SocketAddr::default())?;
        Ok(s)
    }

    /// Binds to `addr`: port 0 lets the kernel choose a port id; `groups`
    /// joins groups 1..=32. Returns the bound address.
    pub fn bind(&mut self, addr: SocketAddr) -> Result<SocketAddr> {
        sys::bind(self.fd.as_fd(), addr.port, addr.groups).map_err(|e| match e.raw_os_error() {
            Some(libc::EADDRINUSE) => Error::AddrInUse { port: addr.port },
            _ => Error::io("bind", e),
        })?;
        let local = self.local_addr()?;
        self.port = local.port;
        Ok(local)
    }

    /// The bound address (port 0 if not bound yet), from getsockname(2).
    pub fn local_addr(&self) -> Result<SocketAddr> {
        let (port, groups) =
            sys::getsockname(self.fd.as_fd()).map_err(|e| Error::io("getsockname", e))?;
        Ok(SocketAddr { port, groups })
    }

    /// The port id this socket was bound to, 0 if not bound by [`bind`](Self::bind).
    pub fn port(&self) -> u32 {
        self.port
    }

    /// The protocol number.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// Sends `bytes` as one datagram to `to`.
    ///
    /// Sending to a group with port 0 on a protocol whose kernel side has no
    /// socket (such as `NETLINK_USERSOCK`) delivers to the group but returns
    /// `ECONNREFUSED`; see [`send_to_group`](Self::send_to_group).
    pub fn send_to(&self, bytes: &[u8], to: SocketAddr) -> Result<usize> {
        self.send_vectored(&[IoSlice::new(bytes)], to)
    }

    /// Sends `bytes` to the kernel (port 0).
    pub fn send(&self, bytes: &[u8]) -> Result<usize> {
        self.send_to(bytes, SocketAddr::KERNEL)
    }

    /// Sends the concatenation of `bufs` as one datagram (sendmsg(2) with an
    /// iovec): several messages built apart, sent in one system call. Each
    /// message but the last must include its padding to 4 bytes. The kernel
    /// takes at most 1024 slices (`UIO_MAXIOV`; more is `EMSGSIZE`).
    pub fn send_vectored(&self, bufs: &[IoSlice<'_>], to: SocketAddr) -> Result<usize> {
        restart(|| sys::sendmsg(self.fd.as_fd(), bufs, to.port, to.groups))
            .map_err(|e| Error::io("sendmsg", e))
    }

    /// Multicasts `bytes` to `groups` (a mask of groups 1..=32).
    ///
    /// With no kernel socket listening on port 0 of this protocol (as on
    /// `NETLINK_USERSOCK`), the kernel delivers to the group members and then
    /// reports `ECONNREFUSED` for the unicast half of the address; that error
    /// is expected and not returned. Returns whether the kernel refused it.
    pub fn send_to_group(&self, bytes: &[u8], groups: u32) -> Result<bool> {
        match self.send_to(bytes, SocketAddr { port: 0, groups }) {
            Ok(_) => Ok(false),
            Err(e) if e.errno() == Some(libc::ECONNREFUSED) => Ok(true),
            Err(e) => Err(e),
        }
    }

    /// Receives one whole datagram into `buf`, growing it first if the
    /// datagram is larger (sized with `MSG_PEEK | MSG_TRUNC`). Returns its size.
    /// Blocks until a datagram arrives or the read timeout expires
    /// ([`Error::Timeout`]); on a non-blocking socket use [`try_recv`](Self::try_recv).
    /// A signal (`EINTR`) does not end the wait.
    pub fn recv(&self, buf: &mut RecvBuf) -> Result<usize> {
        buf.fill(self.fd.as_fd(), false)
    }

    /// Like [`recv`](Self::recv) but never blocks (`MSG_DONTWAIT`): returns
    /// an error for which [`Error::is_would_block`] holds when nothing is queued.
    pub fn try_recv(&self, buf: &mut RecvBuf) -> Result<usize> {
        buf.fill(self.fd.as_fd(), true)
    }

    /// Puts the socket in non-blocking mode (`O_NONBLOCK`), or back.
    pub fn set_nonblocking(&self, on: bool) -> Result<()> {
        sys::set_nonblocking(self.fd.as_fd(), on).map_err(|e| Error::io("fcntl", e))
    }
}

/// Runs a system call again while a signal interrupts it (`EINTR`).
///
/// A handled signal interrupts a send or receive on a socket with a timeout
/// even under `SA_RESTART` (signal(7)), and glibc's own signals (such as the
/// one `setuid` broadcasts to every thread) arrive in programs that never
/// installed a handler. Restarting is what `SA_RESTART` would have done; the
/// timeout starts again.
pub(crate) fn restart<T>(mut call: impl FnMut() -> std::io::Result<T>) -> std::io::Result<T> {
    loop {
        match call() {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            done => return done,
        }
    }
}

impl AsFd for Socket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for Socket {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl From<Socket> for OwnedFd {
    fn from(s: Socket) -> OwnedFd {
        s.fd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interrupted_calls_are_restarted_and_other_errors_kept() {
        let mut calls = 0;
        let done = restart(|| {
            calls += 1;
            match calls {
                1 | 2 => Err(std::io::Error::from_raw_os_error(libc::EINTR)),
                _ => Ok(calls),
            }
        });
        assert_eq!(done.unwrap(), 3);
        let err = restart(|| Err::<(), _>(std::io::Error::from_raw_os_error(libc::EAGAIN)));
        assert_eq!(err.unwrap_err().raw_os_error(), Some(libc::EAGAIN));
    }

    #[test]
    fn protocol_names() {
        assert_eq!(Protocol::parse("route"), Some(Protocol::ROUTE));
        assert_eq!(Protocol::parse("NETLINK_GENERIC"), Some(Protocol::GENERIC));
        assert_eq!(Protocol::parse("31"), Some(Protocol(31)));
        assert_eq!(Protocol::parse("nope"), None);
        assert_eq!(Protocol::parse("32"), None);
        assert_eq!(Protocol(17).name(), None);
        assert_eq!(Protocol(2).to_string(), "2 (usersock)");
    }

    #[test]
    fn group_masks() {
        assert_eq!(SocketAddr::group_mask(1), Some(1));
        assert_eq!(SocketAddr::group_mask(32), Some(1 << 31));
        assert_eq!(SocketAddr::group_mask(0), None);
        assert_eq!(SocketAddr::group_mask(33), None);
    }
}
