//! ioctl(2): [`Pod`], the marker for arguments the kernel may fill in;
//! typed calls; and [`GuardedArg`], the argument buffer of a request given
//! at run time, followed by a guard page.

use super::cvt;
use std::io;
use std::mem::zeroed;
use std::os::fd::{AsRawFd, BorrowedFd};

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

    /// Where the bytes start, for a request that passes them through
    /// another structure (SIOCETHTOOL's `ifr_data`).
    #[cfg(feature = "genl")]
    pub(super) fn data_ptr(&mut self) -> *mut u8 {
        // SAFETY: start <= data < total: inside our own mapping.
        unsafe { self.base.as_ptr().add(self.start) }
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
