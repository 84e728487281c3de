//! Socket options: the `SOL_NETLINK` ones, multicast membership, buffer
//! sizes, credentials and timeouts. Each setter names its option as in
//! netlink(7) and socket(7).

use super::Socket;
use crate::error::{Error, Result};
use crate::sys;
use std::os::fd::AsFd;
use std::time::Duration;

impl Socket {
    fn set_int(&self, level: libc::c_int, name: libc::c_int, value: libc::c_int) -> Result<()> {
        sys::setsockopt(self.as_fd(), level, name, value).map_err(|e| Error::io("setsockopt", e))
    }

    fn set_flag(&self, name: libc::c_int, on: bool) -> Result<()> {
        self.set_int(libc::SOL_NETLINK, name, on as libc::c_int)
    }

    fn get_int(&self, level: libc::c_int, name: libc::c_int) -> Result<libc::c_int> {
        sys::getsockopt_int(self.as_fd(), level, name).map_err(|e| Error::io("getsockopt", e))
    }

    /// `NETLINK_ADD_MEMBERSHIP`: joins multicast group `group` (any id, above 32 too).
    pub fn add_membership(&self, group: u32) -> Result<()> {
        self.set_int(libc::SOL_NETLINK, libc::NETLINK_ADD_MEMBERSHIP, group as libc::c_int)
    }

    /// `NETLINK_DROP_MEMBERSHIP`: leaves multicast group `group`.
    pub fn drop_membership(&self, group: u32) -> Result<()> {
        self.set_int(libc::SOL_NETLINK, libc::NETLINK_DROP_MEMBERSHIP, group as libc::c_int)
    }

    /// `NETLINK_LIST_MEMBERSHIPS`: the groups this socket belongs to, ascending.
    pub fn memberships(&self) -> Result<Vec<u32>> {
        let mut words = vec![0u32; 4];
        loop {
            let need = sys::getsockopt_u32s(
                self.as_fd(),
                libc::SOL_NETLINK,
                libc::NETLINK_LIST_MEMBERSHIPS,
                &mut words,
            )
            .map_err(|e| Error::io("getsockopt", e))?;
            let need_words = need.div_ceil(4);
            if need_words <= words.len() {
                words.truncate(need_words);
                break;
            }
            words.resize(need_words, 0);
        }
        let groups = words.iter().enumerate().flat_map(|(i, &w)| {
            (0..32).filter(move |b| w & (1 << b) != 0).map(move |b| i as u32 * 32 + b + 1)
        });
        Ok(groups.collect())
    }

    /// `NETLINK_EXT_ACK`: ask for extended-ack TLVs (error text, offset) on errors.
    pub fn set_ext_ack(&self, on: bool) -> Result<()> {
        self.set_flag(libc::NETLINK_EXT_ACK, on)
    }

    /// `NETLINK_GET_STRICT_CHK`: the kernel validates dump requests strictly
    /// and honours their filters (rtnetlink).
    pub fn set_strict_check(&self, on: bool) -> Result<()> {
        self.set_flag(libc::NETLINK_GET_STRICT_CHK, on)
    }

    /// `NETLINK_CAP_ACK`: error replies echo only the request's header.
    pub fn set_cap_ack(&self, on: bool) -> Result<()> {
        self.set_flag(libc::NETLINK_CAP_ACK, on)
    }

    /// `NETLINK_NO_ENOBUFS`: never report `ENOBUFS` (overruns go unnoticed).
    pub fn set_no_enobufs(&self, on: bool) -> Result<()> {
        self.set_flag(libc::NETLINK_NO_ENOBUFS, on)
    }

    /// `NETLINK_BROADCAST_ERROR`: report delivery failures of multicasts to the sender.
    pub fn set_broadcast_error(&self, on: bool) -> Result<()> {
        self.set_flag(libc::NETLINK_BROADCAST_ERROR, on)
    }

    /// `NETLINK_LISTEN_ALL_NSID`: receive multicasts from every namespace
    /// with an id here; [`RecvBuf::nsid`](super::RecvBuf::nsid) says which.
    pub fn set_listen_all_nsid(&self, on: bool) -> Result<()> {
        self.set_flag(libc::NETLINK_LISTEN_ALL_NSID, on)
    }

    /// `NETLINK_PKTINFO`: report the group of each multicast in
    /// [`RecvBuf::group`](super::RecvBuf::group).
    pub fn set_pktinfo(&self, on: bool) -> Result<()> {
        self.set_flag(libc::NETLINK_PKTINFO, on)
    }

    /// `SO_PASSCRED`: report the sender's credentials in
    /// [`RecvBuf::credentials`](super::RecvBuf::credentials).
    pub fn set_passcred(&self, on: bool) -> Result<()> {
        self.set_int(libc::SOL_SOCKET, libc::SO_PASSCRED, on as libc::c_int)
    }

    /// `SO_ATTACH_FILTER`: a classic BPF program (at most 4096
    /// instructions) the kernel runs on each datagram; a datagram it
    /// returns 0 for is dropped before it is queued. The kernel checks the
    /// program (`EINVAL` for a bad one) and keeps its own copy.
    pub fn attach_filter(&self, program: &[libc::sock_filter]) -> Result<()> {
        sys::attach_filter(self.as_fd(), program).map_err(|e| Error::io("setsockopt", e))
    }

    /// `SO_RCVBUF`: the receive buffer size (the kernel doubles it and caps
    /// it at `net.core.rmem_max`).
    pub fn set_recv_buffer_size(&self, bytes: usize) -> Result<()> {
        self.set_int(libc::SOL_SOCKET, libc::SO_RCVBUF, clamp(bytes))
    }

    /// `SO_RCVBUFFORCE`: like `SO_RCVBUF` past `rmem_max`; needs `CAP_NET_ADMIN`.
    pub fn set_recv_buffer_size_force(&self, bytes: usize) -> Result<()> {
        self.set_int(libc::SOL_SOCKET, libc::SO_RCVBUFFORCE, clamp(bytes))
    }

    /// Raises the receive buffer to `bytes` as far as this process may:
    /// `SO_RCVBUFFORCE` with `CAP_NET_ADMIN`, else `SO_RCVBUF` (capped at
    /// `net.core.rmem_max`). Returns the size the kernel now reports (twice
    /// what was set, as it counts its bookkeeping).
    pub fn raise_recv_buffer(&self, bytes: usize) -> Result<usize> {
        if self.set_recv_buffer_size_force(bytes).is_err() {
            self.set_recv_buffer_size(bytes)?;
        }
        self.recv_buffer_size()
    }

    /// `SO_SNDBUF`: the send buffer size.
    pub fn set_send_buffer_size(&self, bytes: usize) -> Result<()> {
        self.set_int(libc::SOL_SOCKET, libc::SO_SNDBUF, clamp(bytes))
    }

    /// `SO_SNDBUFFORCE`: like `SO_SNDBUF` past `wmem_max`; needs `CAP_NET_ADMIN`.
    pub fn set_send_buffer_size_force(&self, bytes: usize) -> Result<()> {
        self.set_int(libc::SOL_SOCKET, libc::SO_SNDBUFFORCE, clamp(bytes))
    }

    /// The receive buffer size as the kernel reports it (`SO_RCVBUF`).
    pub fn recv_buffer_size(&self) -> Result<usize> {
        Ok(self.get_int(libc::SOL_SOCKET, libc::SO_RCVBUF)? as usize)
    }

    /// `SO_RCVTIMEO`: how long a blocking receive waits before
    /// [`Error::Timeout`]; `None` waits forever.
    pub fn set_read_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        sys::setsockopt(self.as_fd(), libc::SOL_SOCKET, libc::SO_RCVTIMEO, timeval(timeout))
            .map_err(|e| Error::io("setsockopt", e))
    }

    /// `SO_SNDTIMEO`: how long a blocking send waits for room in a user-space
    /// receiver's full queue; `None` waits forever.
    pub fn set_write_timeout(&self, timeout: Option<Duration>) -> Result<()> {
        sys::setsockopt(self.as_fd(), libc::SOL_SOCKET, libc::SO_SNDTIMEO, timeval(timeout))
            .map_err(|e| Error::io("setsockopt", e))
    }

    /// Turns on what a request/reply user wants where the kernel supports
    /// it: `NETLINK_EXT_ACK`, `NETLINK_CAP_ACK`, `NETLINK_GET_STRICT_CHK`, and
    /// `NETLINK_PKTINFO` (multicasts to groups above 32 arrive with an empty
    /// group mask; only the packet info tells them from replies). Options the
    /// kernel lacks (`ENOPROTOOPT`) are skipped.
    pub fn enable_request_defaults(&self) -> Result<()> {
        let options =
            [Self::set_ext_ack, Self::set_cap_ack, Self::set_strict_check, Self::set_pktinfo];
        for set in options {
            match set(self, true) {
                Err(e) if e.errno() == Some(libc::ENOPROTOOPT) => {}
                other => other?,
            }
        }
        Ok(())
    }
}

fn clamp(bytes: usize) -> libc::c_int {
    bytes.min(libc::c_int::MAX as usize) as libc::c_int
}

/// A timeout as `struct timeval`: zero means "forever" to the kernel, so a
/// tiny timeout is rounded up to 1 µs.
fn timeval(timeout: Option<Duration>) -> libc::timeval {
    let t = timeout.unwrap_or_default();
    let tv = libc::timeval {
        tv_sec: t.as_secs().min(libc::time_t::MAX as u64) as libc::time_t,
        tv_usec: t.subsec_micros() as libc::suseconds_t,
    };
    if timeout.is_some() && tv.tv_sec == 0 && tv.tv_usec == 0 {
        libc::timeval { tv_sec: 0, tv_usec: 1 }
    } else {
        tv
    }
}
