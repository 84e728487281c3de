//! The receive buffer: one whole datagram, its sender and its control messages.
//!
//! [`RecvBuf`] is reused across receives. Before each read it peeks at the
//! next datagram's size (`MSG_PEEK | MSG_TRUNC` with no buffer, so nothing is
//! copied twice) and grows if needed; the read itself offers the whole
//! capacity, which lets the kernel fill dump datagrams up to that size.

use super::{restart, SocketAddr};
use crate::error::{Error, Result};
use crate::sys;
use nlkit_wire::Messages;
use std::os::fd::BorrowedFd;

/// The kernel caps dump datagrams at 32 KiB; this holds one without growing.
const DEFAULT_CAPACITY: usize = 32 * 1024;

/// The sender's credentials (`SCM_CREDENTIALS`, with `SO_PASSCRED` on).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credentials {
    /// Process id (0 for the kernel).
    pub pid: i32,
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
}

/// A reusable buffer holding the last datagram received; see the module docs.
#[derive(Debug, Clone)]
pub struct RecvBuf {
    data: Vec<u8>,
    len: usize,
    from: SocketAddr,
    control: [u8; sys::CONTROL_LEN],
    ancillary: sys::Ancillary,
    control_truncated: bool,
}

impl Default for RecvBuf {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl RecvBuf {
    /// A buffer of 32 KiB, enough for any dump datagram.
    pub fn new() -> Self {
        Self::default()
    }

    /// A buffer of `capacity` bytes to start with; it still grows as needed.
    pub fn with_capacity(capacity: usize) -> Self {
        RecvBuf {
            data: vec![0; capacity.max(16)],
            len: 0,
            from: SocketAddr::default(),
            control: [0; sys::CONTROL_LEN],
            ancillary: sys::Ancillary::default(),
            control_truncated: false,
        }
    }

    /// The datagram's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.data[..self.len]
    }

    /// The datagram's messages.
    pub fn messages(&self) -> Messages<'_> {
        Messages::new(self.bytes())
    }

    /// The sender's address: port 0 for the kernel; `groups` non-zero for a multicast.
    pub fn from(&self) -> SocketAddr {
        self.from
    }

    /// The sender's credentials, when `SO_PASSCRED` is on.
    pub fn credentials(&self) -> Option<Credentials> {
        self.ancillary.creds.map(|(pid, uid, gid)| Credentials { pid, uid, gid })
    }

    /// The group a multicast arrived on, when `NETLINK_PKTINFO` is on
    /// (`None` for a unicast, which the kernel reports as group 0).
    pub fn group(&self) -> Option<u32> {
        self.ancillary.group.filter(|&g| g != 0)
    }

    /// The sender's namespace id, when `NETLINK_LISTEN_ALL_NSID` is on.
    pub fn nsid(&self) -> Option<i32> {
        self.ancillary.nsid
    }

    /// The buffer's current capacity.
    pub fn capacity(&self) -> usize {
        self.data.len()
    }

    /// Puts `bytes` in the buffer as if received from `from` (for test
    /// doubles and replays).
    pub fn set(&mut self, bytes: &[u8], from: SocketAddr) {
        if bytes.len() > self.data.len() {
            self.data.resize(bytes.len(), 0);
        }
        self.data[..bytes.len()].copy_from_slice(bytes);
        self.len = bytes.len();
        self.from = from;
        self.ancillary = sys::Ancillary::default();
        self.control_truncated = false;
    }

    /// Whether the kernel had more control messages for the datagram than
    /// fit (`MSG_CTRUNC`): then its credentials, group or namespace id may
    /// be missing, and a reader that depends on them (a sender check)
    /// must not trust their absence.
    pub fn control_truncated(&self) -> bool {
        self.control_truncated
    }

    /// Marks the datagram as received with `MSG_CTRUNC`, for tests.
    #[cfg(test)]
    pub(crate) fn set_control_truncated(&mut self) {
        self.control_truncated = true;
    }

    /// Receives one datagram. `EAGAIN` is [`Error::Timeout`] for a blocking
    /// receive (`SO_RCVTIMEO` expired) and stays "would block" for `dontwait`;
    /// `EINTR` is retried.
    pub(crate) fn fill(&mut self, fd: BorrowedFd<'_>, dontwait: bool) -> Result<usize> {
        self.len = 0;
        let err = |e: std::io::Error| match e.raw_os_error() {
            Some(libc::EAGAIN) if !dontwait => Error::Timeout,
            _ => Error::io("recvmsg", e),
        };
        let size = restart(|| sys::peek_len(fd, dontwait)).map_err(err)?;
        if size > self.data.len() {
            self.data.resize(size.next_multiple_of(4096), 0);
        }
        let r = restart(|| sys::recvmsg(fd, &mut self.data, &mut self.control, dontwait))
            .map_err(err)?;
        if r.truncated {
            return Err(Error::Truncated { size: r.len });
        }
        self.len = r.len;
        self.from = SocketAddr { port: r.port, groups: r.groups };
        self.ancillary = sys::parse_control(&self.control[..r.control_len.min(sys::CONTROL_LEN)]);
        self.control_truncated = r.control_truncated;
        Ok(r.len)
    }
}
