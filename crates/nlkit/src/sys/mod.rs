//! The only module with `unsafe` code: thin wrappers over the system calls
//! nlkit makes on netlink sockets and character devices.
//!
//! Each wrapper names its C call (see the man pages socket(2), bind(2),
//! getsockname(2), setsockopt(2), sendto(2), sendmsg(2), recvmsg(2),
//! poll(2), setns(2), fcntl(2), ioctl(2), netdevice(7), mmap(2), munmap(2)) and turns
//! `-1`/`errno` into `io::Error`. Control messages are parsed from bytes in
//! safe code. One file per subsystem: [`socket`] (netlink sockets and
//! readiness), [`ns`] (namespaces), [`ioctl`], [`ethtool`] (SIOCETHTOOL on an
//! `AF_INET` socket), [`mmap`] and [`control`]
//! (control messages, no `unsafe` at all).
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

pub(crate) mod control;
#[cfg(feature = "genl")]
pub(crate) mod ethtool;
pub(crate) mod ioctl;
pub(crate) mod mmap;
pub(crate) mod ns;
pub(crate) mod socket;

pub(crate) use control::{parse_control, Ancillary, CONTROL_LEN};
pub use ioctl::Pod;
pub(crate) use ioctl::{ioctl_int, ioctl_ptr, GuardedArg};
pub(crate) use mmap::RawMap;
pub(crate) use ns::{setns, unshare};
pub(crate) use socket::*;

use std::io;

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
