//! Netlink sockets: socket(2), bind(2), getsockname(2), setsockopt(2),
//! getsockopt(2), sendmsg(2), recvmsg(2), fcntl(2), and readiness
//! (poll(2), tokio's reactor).

use super::{cvt, cvt_size};
use std::io::{self, IoSlice};
use std::mem::{size_of, zeroed};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

fn sockaddr_nl(port: u32, groups: u32) -> libc::sockaddr_nl {
    // SAFETY: sockaddr_nl is plain old data; all-zero is a valid value.
    let mut sa: libc::sockaddr_nl = unsafe { zeroed() };
    sa.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    sa.nl_pid = port;
    sa.nl_groups = groups;
    sa
}

/// socket(AF_NETLINK, kind | SOCK_CLOEXEC, protocol).
pub(crate) fn socket(kind: libc::c_int, protocol: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: socket() takes no pointers; the result is checked before use.
    let fd = cvt(unsafe { libc::socket(libc::AF_NETLINK, kind | libc::SOCK_CLOEXEC, protocol) })?;
    // SAFETY: fd is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// bind(2) to a netlink address.
pub(crate) fn bind(fd: BorrowedFd<'_>, port: u32, groups: u32) -> io::Result<()> {
    let sa = sockaddr_nl(port, groups);
    let len = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    // SAFETY: sa is a valid sockaddr_nl of the length given, alive for the call.
    cvt(unsafe { libc::bind(fd.as_raw_fd(), &sa as *const _ as *const libc::sockaddr, len) })?;
    Ok(())
}

/// getsockname(2): the bound port id and group mask.
pub(crate) fn getsockname(fd: BorrowedFd<'_>) -> io::Result<(u32, u32)> {
    let mut sa = sockaddr_nl(0, 0);
    let mut len = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    // SAFETY: sa and len are valid for writes of the sizes given.
    cvt(unsafe {
        libc::getsockname(fd.as_raw_fd(), &mut sa as *mut _ as *mut libc::sockaddr, &mut len)
    })?;
    Ok((sa.nl_pid, sa.nl_groups))
}

/// setsockopt(2) with a value of any plain type.
pub(crate) fn setsockopt<T: Copy>(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    value: T,
) -> io::Result<()> {
    let len = size_of::<T>() as libc::socklen_t;
    // SAFETY: value is a live T of len bytes; the kernel only reads it.
    cvt(unsafe {
        libc::setsockopt(fd.as_raw_fd(), level, name, &value as *const T as *const _, len)
    })?;
    Ok(())
}

/// setsockopt(SO_ATTACH_FILTER): a classic BPF program the kernel runs on
/// every datagram before queueing it (it copies and checks the program).
pub(crate) fn attach_filter(fd: BorrowedFd<'_>, program: &[libc::sock_filter]) -> io::Result<()> {
    let len =
        u16::try_from(program.len()).map_err(|_| io::Error::from_raw_os_error(libc::EINVAL))?;
    let prog = libc::sock_fprog { len, filter: program.as_ptr() as *mut libc::sock_filter };
    // SAFETY: prog points at `len` live sock_filter entries borrowed for
    // the call; the kernel copies them (sk_attach_filter) and keeps no
    // pointer into our memory.
    cvt(unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_ATTACH_FILTER,
            &prog as *const libc::sock_fprog as *const _,
            size_of::<libc::sock_fprog>() as libc::socklen_t,
        )
    })?;
    Ok(())
}

/// getsockopt(2) for an `int` option.
pub(crate) fn getsockopt_int(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
) -> io::Result<libc::c_int> {
    let mut value: libc::c_int = 0;
    let mut len = size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: value and len are valid for writes of the sizes given.
    cvt(unsafe {
        libc::getsockopt(fd.as_raw_fd(), level, name, &mut value as *mut _ as *mut _, &mut len)
    })?;
    Ok(value)
}

/// getsockopt(2) for an array of `u32` (as `NETLINK_LIST_MEMBERSHIPS`
/// returns). Returns the byte length the kernel needs, which may exceed
/// `out`'s size; only `out`'s size is written.
pub(crate) fn getsockopt_u32s(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    out: &mut [u32],
) -> io::Result<usize> {
    let mut len = std::mem::size_of_val(out) as libc::socklen_t;
    // SAFETY: out is valid for writes of len bytes; len is valid for writes.
    cvt(unsafe {
        libc::getsockopt(fd.as_raw_fd(), level, name, out.as_mut_ptr() as *mut _, &mut len)
    })?;
    Ok(len as usize)
}

/// sendmsg(2) of the concatenated `bufs` as one datagram to (port, groups).
pub(crate) fn sendmsg(
    fd: BorrowedFd<'_>,
    bufs: &[IoSlice<'_>],
    port: u32,
    groups: u32,
) -> io::Result<usize> {
    let mut sa = sockaddr_nl(port, groups);
    // SAFETY: msghdr is plain old data; all-zero is a valid value.
    let mut msg: libc::msghdr = unsafe { zeroed() };
    msg.msg_name = &mut sa as *mut _ as *mut _;
    msg.msg_namelen = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    // IoSlice is guaranteed ABI-compatible with struct iovec on Unix.
    msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
    msg.msg_iovlen = bufs.len() as _;
    // SAFETY: msg points at sa and at the iovecs, all alive for the call and
    // only read by the kernel.
    cvt_size(unsafe { libc::sendmsg(fd.as_raw_fd(), &msg, 0) })
}

/// The size of the next datagram, without dequeuing or copying it:
/// recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC), plus `MSG_DONTWAIT` if asked.
pub(crate) fn peek_len(fd: BorrowedFd<'_>, dontwait: bool) -> io::Result<usize> {
    let flags = libc::MSG_PEEK | libc::MSG_TRUNC | if dontwait { libc::MSG_DONTWAIT } else { 0 };
    // SAFETY: a zero-length receive writes nothing through the null pointer.
    cvt_size(unsafe { libc::recv(fd.as_raw_fd(), std::ptr::null_mut(), 0, flags) })
}

/// What recvmsg(2) reported besides the data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RecvMsg {
    pub len: usize,
    pub truncated: bool,
    /// `MSG_CTRUNC`: control messages did not fit and some were lost.
    pub control_truncated: bool,
    pub port: u32,
    pub groups: u32,
    pub control_len: usize,
}

/// recvmsg(2) into `buf`, with control messages into `control`.
pub(crate) fn recvmsg(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    control: &mut [u8],
    dontwait: bool,
) -> io::Result<RecvMsg> {
    let mut sa = sockaddr_nl(0, 0);
    let mut iov = libc::iovec { iov_base: buf.as_mut_ptr() as *mut _, iov_len: buf.len() };
    // SAFETY: msghdr is plain old data; all-zero is a valid value.
    let mut msg: libc::msghdr = unsafe { zeroed() };
    msg.msg_name = &mut sa as *mut _ as *mut _;
    msg.msg_namelen = size_of::<libc::sockaddr_nl>() as libc::socklen_t;
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    if !control.is_empty() {
        msg.msg_control = control.as_mut_ptr() as *mut _;
        msg.msg_controllen = control.len() as _;
    }
    let flags = if dontwait { libc::MSG_DONTWAIT } else { 0 };
    // SAFETY: msg points at sa, iov (over buf) and control, all alive and
    // writable for the call, with their true lengths.
    let len = cvt_size(unsafe { libc::recvmsg(fd.as_raw_fd(), &mut msg, flags) })?;
    Ok(RecvMsg {
        len,
        truncated: msg.msg_flags & libc::MSG_TRUNC != 0,
        control_truncated: msg.msg_flags & libc::MSG_CTRUNC != 0,
        port: sa.nl_pid,
        groups: sa.nl_groups,
        control_len: msg.msg_controllen as usize,
    })
}

/// Sets or clears `O_NONBLOCK` with fcntl(2).
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    // SAFETY: F_GETFL takes no pointer argument.
    let flags = cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) })?;
    let flags = if on { flags | libc::O_NONBLOCK } else { flags & !libc::O_NONBLOCK };
    // SAFETY: F_SETFL takes an int argument.
    cvt(unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags) })?;
    Ok(())
}

/// Registers a socket with tokio's reactor for readiness.
#[cfg(feature = "tokio")]
pub(crate) fn async_fd(
    socket: crate::Socket,
) -> io::Result<tokio::io::unix::AsyncFd<crate::Socket>> {
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(io::Error::other("no tokio runtime is running"));
    }
    // SAFETY: the AsyncFd takes the Socket by value, and a Socket's OwnedFd
    // is private and never replaced; AsyncConn (the only caller) hands out
    // only &Socket. So as_raw_fd() names the same open descriptor until the
    // AsyncFd drops the Socket.
    unsafe {
        tokio::io::unix::AsyncFd::register_with_interest(socket, tokio::io::Interest::READABLE)
    }
    .map_err(|e| e.into_parts().1)
}

/// poll(2) for readability on `fds`, waiting at most `timeout` (`None`:
/// forever); which of them are readable (or in error, or hung up: a read
/// then says which).
pub(crate) fn poll_readable(
    fds: &[BorrowedFd<'_>],
    timeout: Option<std::time::Duration>,
) -> io::Result<Vec<bool>> {
    let mut pfds: Vec<libc::pollfd> = fds
        .iter()
        .map(|fd| libc::pollfd { fd: fd.as_raw_fd(), events: libc::POLLIN, revents: 0 })
        .collect();
    let ms = match timeout {
        None => -1,
        Some(t) => libc::c_int::try_from(t.as_millis().max(u128::from(!t.is_zero())))
            .unwrap_or(libc::c_int::MAX),
    };
    // SAFETY: pfds is a live array of pfds.len() pollfd structs, which
    // poll only reads and writes within; the descriptors are borrowed, so
    // open for the call.
    cvt(unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, ms) })?;
    let ready = libc::POLLIN | libc::POLLERR | libc::POLLHUP | libc::POLLNVAL;
    Ok(pfds.iter().map(|p| p.revents & ready != 0).collect())
}

/// Takes ownership of descriptor `fd`, which the kernel installed in this
/// process in answer to a netlink request (the handshake family's
/// `accept`): nothing else in the process knows the number, so owning and
/// closing it is sound. A number that is not an open descriptor is an
/// error (fcntl(2) `F_GETFD`), never adopted.
pub(crate) fn adopt_installed_fd(fd: libc::c_int) -> io::Result<OwnedFd> {
    // SAFETY: F_GETFD reads the descriptor's flags; any number may be asked.
    cvt(unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    // SAFETY: fd is open (just checked) and was installed for this caller
    // by the kernel moments ago; the caller's contract (above) is that no
    // other owner exists, so this OwnedFd is its only owner.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}
