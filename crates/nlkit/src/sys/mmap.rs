//! mmap(2) and munmap(2): [`RawMap`], a mapping read and written only
//! with volatile copies.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

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
