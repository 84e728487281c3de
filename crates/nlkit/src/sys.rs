//! The only module with `unsafe` code: thin wrappers over the system calls
//! nlkit makes on netlink sockets and character devices.
//!
//! Each wrapper names its C call (see the man pages socket(2), bind(2),
//! getsockname(2), setsockopt(2), sendto(2), sendmsg(2), recvmsg(2),
//! setns(2), fcntl(2), ioctl(2), mmap(2), munmap(2)) and turns `-1`/`errno`
//! into `io::Error`. Control messages are parsed from bytes in safe code.
//! Besides the calls: [`Pod`], the marker for ioctl arguments; [`RawMap`],
//! a mapping read and written only with volatile copies; and
//! [`GuardedArg`], the argument buffer of a request given at run time,
//! followed by a guard page. It imports nothing from the rest of the crate:
//! the few `unsafe` sites elsewhere (the typed ioctl requests' constructors
//! in `kernel::chardev`, the demo module's ABI in `demo::dev`) are marked
//! `#[allow(unsafe_code)]` each, and `tools/check-unsafe.sh` pins the list.
//!
//! libc is used directly rather than rustix: rustix has no `SOL_NETLINK`
//! socket options and does not hand back `NETLINK_PKTINFO` control messages.
#![allow(unsafe_code)]

use std::io::{self, IoSlice};
use std::mem::{size_of, zeroed};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

fn cvt(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

fn cvt_size(ret: libc::ssize_t) -> io::Result<usize> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret as usize)
    }
}

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
        port: sa.nl_pid,
        groups: sa.nl_groups,
        control_len: msg.msg_controllen as usize,
    })
}

/// setns(2) for the calling thread.
pub(crate) fn setns(fd: BorrowedFd<'_>, nstype: libc::c_int) -> io::Result<()> {
    // SAFETY: setns takes no pointers; fd is a live descriptor.
    cvt(unsafe { libc::setns(fd.as_raw_fd(), nstype) })?;
    Ok(())
}

/// unshare(2) for the calling thread (e.g. `CLONE_NEWNET`: a new, empty
/// network namespace).
pub(crate) fn unshare(flags: libc::c_int) -> io::Result<()> {
    // SAFETY: unshare takes no pointers.
    cvt(unsafe { libc::unshare(flags) })?;
    Ok(())
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

/// Plain old data: a type whose every bit pattern, all zeroes included, is a
/// valid value, with no pointers or references in it: what the kernel may
/// fill in through an ioctl(2) argument, and send back.
///
/// # Safety
///
/// Implement it only for `#[repr(C)]` (or primitive) types made of integers
/// and arrays of them, with no padding bytes.
pub unsafe trait Pod: Copy + 'static {
    /// The all-zero value.
    fn zeroed() -> Self {
        // SAFETY: the trait's contract: all-zero bytes are a valid value.
        unsafe { zeroed() }
    }
}

// SAFETY: integers and arrays of them: any bit pattern is a value, no padding.
unsafe impl Pod for u8 {}
// SAFETY: as above.
unsafe impl Pod for i8 {}
// SAFETY: as above.
unsafe impl Pod for u16 {}
// SAFETY: as above.
unsafe impl Pod for i16 {}
// SAFETY: as above.
unsafe impl Pod for u32 {}
// SAFETY: as above.
unsafe impl Pod for i32 {}
// SAFETY: as above.
unsafe impl Pod for u64 {}
// SAFETY: as above.
unsafe impl Pod for i64 {}
// SAFETY: as above.
unsafe impl Pod for usize {}
// SAFETY: as above.
unsafe impl Pod for isize {}
// SAFETY: an array of Pod values has no padding between its elements.
unsafe impl<T: Pod, const N: usize> Pod for [T; N] {}
/// The argument of a request given at run time: a private anonymous
/// mapping with the bytes at its end, right before a `PROT_NONE` guard
/// page, so a driver that writes more than it was given faults (`EFAULT`)
/// instead of reaching any other memory of the process. Unmapped on drop.
#[derive(Debug)]
pub(crate) struct GuardedArg {
    base: std::ptr::NonNull<u8>,
    total: usize,
    start: usize,
    len: usize,
}

impl GuardedArg {
    /// A copy of `bytes`, ending at the guard page.
    pub(crate) fn new(bytes: &[u8]) -> io::Result<GuardedArg> {
        // SAFETY: sysconf takes no pointers.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
        let data = bytes.len().div_ceil(page).max(1) * page;
        let total = data + page;
        let rw = libc::PROT_READ | libc::PROT_WRITE;
        let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS;
        // SAFETY: a fresh anonymous mapping where the kernel chooses; checked.
        let ptr = unsafe { libc::mmap(std::ptr::null_mut(), total, rw, flags, -1, 0) };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let base = std::ptr::NonNull::new(ptr as *mut u8)
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EFAULT))?;
        let arg = GuardedArg { base, total, start: data - bytes.len(), len: bytes.len() };
        // SAFETY: the last page of our own mapping; nothing refers to it.
        cvt(unsafe { libc::mprotect(base.as_ptr().add(data) as *mut _, page, libc::PROT_NONE) })?;
        // SAFETY: start + len == data <= total: inside the writable pages;
        // the source is a separate, live slice.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), base.as_ptr().add(arg.start), arg.len)
        };
        Ok(arg)
    }

    /// ioctl(fd, request, the bytes). The caller (`kernel::chardev`'s
    /// `RawIoctl`, whose constructor is unsafe) vouches for `request`.
    pub(crate) fn ioctl(&mut self, fd: BorrowedFd<'_>, request: u32) -> io::Result<i32> {
        // SAFETY: the pointer is to `len` live, writable bytes of our own
        // mapping, followed by the guard page; the maker of the RawIoctl
        // behind `request` promised the driver follows no address in them. `as _` as in ioctl_ptr.
        cvt(unsafe {
            libc::ioctl(fd.as_raw_fd(), request as _, self.base.as_ptr().add(self.start))
        })
    }

    /// A copy of the bytes as they are now (after the kernel wrote them).
    pub(crate) fn bytes(&self) -> Vec<u8> {
        let mut out = vec![0; self.len];
        // SAFETY: start..start + len is inside the mapping's readable pages;
        // nothing else writes it while we hold &self.
        unsafe {
            std::ptr::copy_nonoverlapping(
                self.base.as_ptr().add(self.start),
                out.as_mut_ptr(),
                self.len,
            )
        };
        out
    }
}

impl Drop for GuardedArg {
    fn drop(&mut self) {
        // SAFETY: base and total are those of one mmap(2) of ours.
        unsafe { libc::munmap(self.base.as_ptr() as *mut _, self.total) };
    }
}

/// ioctl(fd, request, &mut value): the kernel may read and write the
/// `size_of::<T>()` bytes of `value`. The callers (the typed requests of
/// `kernel::chardev`) only pass requests whose `_IOC_SIZE` is that size, so a
/// driver that follows its own request numbers stays inside `value`.
pub(crate) fn ioctl_ptr<T: Pod>(
    fd: BorrowedFd<'_>,
    request: u32,
    value: &mut T,
) -> io::Result<libc::c_int> {
    // SAFETY: value is a live, writable T; T is Pod, so whatever bytes the
    // kernel stores there make a valid T. The typed request's maker promised
    // that the driver touches only those bytes. The request number is passed
    // on bit for bit (`as _`: c_ulong on glibc, c_int on musl).
    cvt(unsafe { libc::ioctl(fd.as_raw_fd(), request as _, value as *mut T) })
}

/// ioctl(fd, request, arg) with an integer argument (or none: 0).
pub(crate) fn ioctl_int(
    fd: BorrowedFd<'_>,
    request: u32,
    arg: libc::c_ulong,
) -> io::Result<libc::c_int> {
    // SAFETY: no pointer is passed; a driver that takes arg as one gets an
    // address the kernel checks (copy_to/from_user fail with EFAULT).
    cvt(unsafe { libc::ioctl(fd.as_raw_fd(), request as _, arg) })
}

/// A mapping made by mmap(2), unmapped by munmap(2) on drop.
///
/// The memory is shared with the file, the kernel and other processes: it
/// can change at any moment, so no `&[u8]` into it is ever handed out (that
/// would promise it does not change). It is only read and written with
/// volatile byte copies, which the compiler may neither elide, merge nor
/// reorder against each other, and each reads what is there at that moment.
#[derive(Debug)]
pub(crate) struct RawMap {
    ptr: std::ptr::NonNull<u8>,
    len: usize,
    writable: bool,
}

// SAFETY: RawMap owns its mapping (nothing else in the process refers to
// it), and every access is a volatile copy through &self or &mut self, the
// same whichever thread makes it.
unsafe impl Send for RawMap {}
// SAFETY: shared references only copy out (volatile reads); writes take
// &mut self.
unsafe impl Sync for RawMap {}

impl RawMap {
    /// mmap(NULL, len, PROT_READ [| PROT_WRITE], MAP_SHARED, fd, offset).
    pub(crate) fn map(
        fd: BorrowedFd<'_>,
        len: usize,
        offset: u64,
        writable: bool,
    ) -> io::Result<RawMap> {
        if len == 0 {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        }
        let offset = libc::off_t::try_from(offset)
            .map_err(|_| io::Error::from_raw_os_error(libc::EOVERFLOW))?;
        let prot = libc::PROT_READ | if writable { libc::PROT_WRITE } else { 0 };
        // SAFETY: a fresh mapping at an address the kernel picks (NULL hint,
        // no MAP_FIXED) replaces nothing of ours; the result is checked.
        let ptr = unsafe {
            libc::mmap(std::ptr::null_mut(), len, prot, libc::MAP_SHARED, fd.as_raw_fd(), offset)
        };
        if ptr == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        let ptr = std::ptr::NonNull::new(ptr as *mut u8)
            .ok_or_else(|| io::Error::from_raw_os_error(libc::EFAULT))?;
        Ok(RawMap { ptr, len, writable })
    }

    /// The mapping's length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether it was mapped with `PROT_WRITE`.
    pub(crate) fn writable(&self) -> bool {
        self.writable
    }

    /// Copies `out.len()` bytes from `offset` into `out`; `None` (and nothing
    /// copied) if that range is not inside the mapping.
    pub(crate) fn read(&self, offset: usize, out: &mut [u8]) -> Option<()> {
        let end = offset.checked_add(out.len())?;
        if end > self.len {
            return None;
        }
        for (i, byte) in out.iter_mut().enumerate() {
            // SAFETY: offset + i < end <= len: inside the mapping, which is
            // readable (PROT_READ) and stays mapped while self lives.
            *byte = unsafe { self.ptr.as_ptr().add(offset + i).read_volatile() };
        }
        Some(())
    }

    /// Copies `data` to `offset`; `None` (and nothing written) if the range
    /// is not inside the mapping or the mapping is read-only.
    pub(crate) fn write(&mut self, offset: usize, data: &[u8]) -> Option<()> {
        let end = offset.checked_add(data.len())?;
        if end > self.len || !self.writable {
            return None;
        }
        for (i, byte) in data.iter().enumerate() {
            // SAFETY: offset + i < end <= len: inside the mapping, which was
            // mapped PROT_WRITE (checked) and stays mapped while self lives.
            unsafe { self.ptr.as_ptr().add(offset + i).write_volatile(*byte) };
        }
        Some(())
    }
}

impl Drop for RawMap {
    /// munmap(2). It cannot fail for a mapping made by `map`: its range is
    /// exactly one mmap's.
    fn drop(&mut self) {
        // SAFETY: ptr and len are those of one mmap(2) that nothing else
        // unmaps, and no reference into it outlives self.
        unsafe { libc::munmap(self.ptr.as_ptr() as *mut _, self.len) };
    }
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

/// Room for the control messages nlkit asks for: credentials, the
/// multicast group (`NETLINK_PKTINFO`) and the namespace id
/// (`NETLINK_LISTEN_ALL_NSID`), each under a `cmsghdr`.
pub(crate) const CONTROL_LEN: usize = 3 * (size_of::<libc::cmsghdr>() + 16);

/// Control messages read from a recvmsg(2) control buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Ancillary {
    pub creds: Option<(i32, u32, u32)>,
    pub group: Option<u32>,
    pub nsid: Option<i32>,
}

fn ne_u32(b: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(..4)?.try_into().ok()?))
}

/// Walks `struct cmsghdr` records in safe code: `cmsg_len` is a `size_t`,
/// then two `int`s, then data aligned to `size_t`.
pub(crate) fn parse_control(mut control: &[u8]) -> Ancillary {
    const WORD: usize = size_of::<usize>();
    let align = |n: usize| (n + WORD - 1) & !(WORD - 1);
    let hdr = align(size_of::<libc::cmsghdr>());
    let mut out = Ancillary::default();
    while control.len() >= hdr {
        let len = usize::from_ne_bytes(control[..WORD].try_into().unwrap_or([0; WORD]));
        if len < hdr || len > control.len() {
            break;
        }
        let level = ne_u32(&control[WORD..]).unwrap_or(0) as libc::c_int;
        let kind = ne_u32(&control[WORD + 4..]).unwrap_or(0) as libc::c_int;
        let data = &control[hdr..len];
        match (level, kind) {
            (libc::SOL_SOCKET, libc::SCM_CREDENTIALS) if data.len() >= 12 => {
                let pid = ne_u32(data).unwrap_or(0) as i32;
                let uid = ne_u32(&data[4..]).unwrap_or(0);
                let gid = ne_u32(&data[8..]).unwrap_or(0);
                out.creds = Some((pid, uid, gid));
            }
            (libc::SOL_NETLINK, libc::NETLINK_PKTINFO) => out.group = ne_u32(data),
            (libc::SOL_NETLINK, libc::NETLINK_LISTEN_ALL_NSID) => {
                out.nsid = ne_u32(data).map(|v| v as i32)
            }
            _ => {}
        }
        control = control.get(align(len)..).unwrap_or(&[]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmsg(level: i32, kind: i32, data: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&(16 + data.len()).to_ne_bytes());
        v.extend_from_slice(&level.to_ne_bytes());
        v.extend_from_slice(&kind.to_ne_bytes());
        v.extend_from_slice(data);
        v.resize((v.len() + 7) & !7, 0);
        v
    }

    #[test]
    fn control_messages_parse_and_bad_ones_stop() {
        let creds = [7i32.to_ne_bytes(), 0u32.to_ne_bytes(), 5u32.to_ne_bytes()].concat();
        let bytes = [
            cmsg(libc::SOL_SOCKET, libc::SCM_CREDENTIALS, &creds),
            cmsg(libc::SOL_NETLINK, libc::NETLINK_PKTINFO, &33u32.to_ne_bytes()),
            cmsg(libc::SOL_NETLINK, libc::NETLINK_LISTEN_ALL_NSID, &(-1i32).to_ne_bytes()),
        ]
        .concat();
        let a = parse_control(&bytes);
        assert_eq!(a.creds, Some((7, 0, 5)));
        assert_eq!(a.group, Some(33));
        assert_eq!(a.nsid, Some(-1));
        let mut bad = bytes.clone();
        bad[0] = 200; // cmsg_len past the end
        assert_eq!(parse_control(&bad), Ancillary::default());
        assert_eq!(parse_control(&bytes[..10]), Ancillary::default());
    }
}
