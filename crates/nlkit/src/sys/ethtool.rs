//! SIOCETHTOOL: ioctl(2) on an `AF_INET` datagram socket with a `struct
//! ifreq` whose `ifr_data` points at an ethtool command (`<linux/sockios.h>`,
//! `<linux/ethtool.h>`; see netdevice(7)). Used only for what the ethtool
//! netlink family has no message for (driver info, NIC statistics).
//!
//! The command's bytes live in a [`GuardedArg`]: the kernel sizes some
//! replies by its own count (`ETHTOOL_GSTRINGS` and `ETHTOOL_GSTATS` write
//! as many entries as the driver has now, not as many as were asked for),
//! so a count that grew between two calls faults on the guard page
//! (`EFAULT`) instead of writing past the buffer.

use super::{cvt, GuardedArg};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// `SIOCETHTOOL` (`<linux/sockios.h>`).
const SIOCETHTOOL: u32 = 0x8946;

/// `IFNAMSIZ` (`<linux/if.h>`): a device name's bytes, its NUL included.
pub(crate) const IFNAMSIZ: usize = 16;

/// `struct ifreq` (`<linux/if.h>`) as SIOCETHTOOL reads it: the name, then
/// `ifr_data`. The union is 24 bytes on 64-bit targets (16 on 32-bit); the
/// padding makes this at least as long as the kernel's structure, which
/// copies `sizeof(struct ifreq)` bytes in.
#[repr(C)]
struct Ifreq {
    name: [u8; IFNAMSIZ],
    data: *mut u8,
    _rest: [u8; 16],
}

/// socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0): the socket ethtool's
/// ioctls go through (any socket of the device's namespace would do).
pub(crate) fn inet_dgram_socket() -> io::Result<OwnedFd> {
    // SAFETY: socket() takes no pointers; the result is checked before use.
    let fd = cvt(unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0) })?;
    // SAFETY: fd is a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// ioctl(fd, SIOCETHTOOL, &ifreq) with `ifr_name` = `name` and `ifr_data`
/// = the command in `arg` (its first `u32` is the `ETHTOOL_*` command).
pub(crate) fn siocethtool(
    fd: BorrowedFd<'_>,
    name: &[u8; IFNAMSIZ],
    arg: &mut GuardedArg,
) -> io::Result<()> {
    let mut ifr = Ifreq { name: *name, data: arg.data_ptr(), _rest: [0; 16] };
    // SAFETY: ifr is a live, writable ifreq at least as long as the
    // kernel's; its ifr_data points at arg's live, writable bytes, followed
    // by arg's guard page, so a reply longer than asked for faults (EFAULT)
    // instead of reaching other memory. `as _` as in ioctl_ptr.
    cvt(unsafe { libc::ioctl(fd.as_raw_fd(), SIOCETHTOOL as _, &mut ifr as *mut Ifreq) })?;
    Ok(())
}
