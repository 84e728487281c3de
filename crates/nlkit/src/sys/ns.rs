//! Namespaces: setns(2) and unshare(2) for the calling thread.

use super::cvt;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

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
