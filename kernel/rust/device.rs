// SPDX-License-Identifier: GPL-2.0

//! `/dev/nlkit_demo` (misc device, mode 0600): a file view of the broadcast
//! buffer with the ABI of kernel/c/nlkit_demo.h, as in the C module:
//!
//! - read and llseek over the stored bytes (SEEK_END is relative to them;
//!   no position past the 16 KiB buffer);
//! - write appends one entry wherever the file position is (-ENOSPC when
//!   it does not fit or the entry table is full; nothing is stored unless
//!   every byte arrived; a write of 0 bytes stores nothing) and leaves the
//!   position at the end of the data;
//! - mmap maps the buffer's pages (offset 0, at most 16 KiB; bytes past the
//!   data are zero), which later changes show through;
//! - ioctl INFO (`struct nlkit_demo_info`: the tgid and comm of the last
//!   process to open the device, data length, free space, entries) and
//!   TRUNCATE (`struct nlkit_demo_window`: keep `[offset, offset + length)`
//!   clipped to the data, moved to the start as one entry, the rest
//!   zeroed; -EINVAL if offset > data length); anything else is -ENOTTY.

use crate::raw::{neg, Static, THIS_MODULE};
use crate::{state, BUFSIZE};
use kernel::bindings;
use kernel::ffi::{c_char, c_int, c_long, c_uint, c_ulong};
use kernel::prelude::*;
use kernel::uaccess::UserSlice;

/// `struct nlkit_demo_info` (32 bytes, no padding).
#[repr(C)]
#[derive(Default)]
struct Info {
    owner_pid: u32,
    data_len: u32,
    free_space: u32,
    entries: u32,
    owner_comm: [u8; 16],
}

/// `struct nlkit_demo_window`.
#[repr(C)]
struct Window {
    offset: u32,
    length: u32,
}

const IOC_INFO: u32 = kernel::ioctl::_IOR::<Info>(b'N' as u32, 1);
const IOC_TRUNCATE: u32 = kernel::ioctl::_IOW::<Window>(b'N' as u32, 2);
const _: () = assert!(core::mem::size_of::<Info>() == 32 && core::mem::size_of::<Window>() == 8);

impl Info {
    fn to_bytes(&self) -> [u8; 32] {
        let mut b = [0; 32];
        b[0..4].copy_from_slice(&self.owner_pid.to_ne_bytes());
        b[4..8].copy_from_slice(&self.data_len.to_ne_bytes());
        b[8..12].copy_from_slice(&self.free_space.to_ne_bytes());
        b[12..16].copy_from_slice(&self.entries.to_ne_bytes());
        b[16..32].copy_from_slice(&self.owner_comm);
        b
    }
}

static FOPS: Static<bindings::file_operations> = Static::new(bindings::file_operations {
    owner: THIS_MODULE,
    open: Some(dev_open),
    read: Some(dev_read),
    write: Some(dev_write),
    llseek: Some(dev_llseek),
    unlocked_ioctl: Some(dev_ioctl),
    #[cfg(CONFIG_COMPAT)]
    compat_ioctl: Some(bindings::compat_ptr_ioctl),
    mmap: Some(dev_mmap),
    // SAFETY: all-zero is the C initializer of the other members.
    ..unsafe { core::mem::zeroed() }
});

static MISC: Static<bindings::miscdevice> = Static::new(bindings::miscdevice {
    minor: bindings::MISC_DYNAMIC_MINOR as c_int,
    name: c"nlkit_demo".as_ptr().cast(),
    fops: FOPS.get().cast_const(),
    mode: 0o600,
    // SAFETY: all-zero is the C initializer of the other members.
    ..unsafe { core::mem::zeroed() }
});

/// The registered device; deregistered when dropped. Open files and
/// mappings hold the module (`fops.owner`), so none is left then.
pub(crate) struct MiscDev(());

impl MiscDev {
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: MISC and FOPS are statics of this module; the kernel owns
        // MISC until misc_deregister.
        kernel::error::to_result(unsafe { bindings::misc_register(MISC.get()) })?;
        Ok(MiscDev(()))
    }
}

impl Drop for MiscDev {
    fn drop(&mut self) {
        // SAFETY: registered in `register`.
        unsafe { bindings::misc_deregister(MISC.get()) };
    }
}

/// Records the opener (tgid and comm) for INFO.
///
/// Through exported functions, not `(*current).tgid`: on this GCC-built
/// kernel bindgen (clang) lays `struct task_struct` out differently from
/// the compiler (tgid at 732 instead of 788), so its fields must not be
/// read through `kernel::bindings`.
unsafe extern "C" fn dev_open(_inode: *mut bindings::inode, _f: *mut bindings::file) -> c_int {
    let mut store = state().store.lock();
    // SAFETY: `current` is the task opening the file, alive during the call.
    // __task_pid_nr_ns with init_pid_ns is C's `current->tgid`;
    // __get_task_comm copies its comm under task_lock into our 16 bytes.
    unsafe {
        let cur = bindings::get_current();
        store.owner_pid = bindings::__task_pid_nr_ns(
            cur,
            bindings::pid_type_PIDTYPE_TGID,
            core::ptr::addr_of_mut!(bindings::init_pid_ns),
        );
        bindings::__get_task_comm(
            store.owner_comm.as_mut_ptr().cast(),
            store.owner_comm.len(),
            cur,
        );
    }
    0
}

unsafe extern "C" fn dev_read(
    _f: *mut bindings::file,
    buf: *mut c_char,
    len: usize,
    pos: *mut bindings::loff_t,
) -> isize {
    let store = state().store.lock();
    let data = store.data();
    // SAFETY: `buf`/`len` is the user buffer and `pos` the file position the
    // VFS passes; simple_read_from_buffer checks both and copies from `data`.
    unsafe {
        bindings::simple_read_from_buffer(buf.cast(), len, pos, data.as_ptr().cast(), data.len())
    }
}

/// One write, one entry, appended wherever the file position is.
unsafe extern "C" fn dev_write(
    _f: *mut bindings::file,
    buf: *const c_char,
    len: usize,
    pos: *mut bindings::loff_t,
) -> isize {
    if len == 0 {
        return 0;
    }
    let mut store = state().store.lock();
    if !store.fits(len) {
        return neg(bindings::ENOSPC) as isize;
    }
    let start = store.len;
    let dst = &mut store.buf_mut()[start..start + len];
    // Nothing is committed unless every byte arrived.
    if let Err(e) = UserSlice::new(buf as usize, len).reader().read_slice(dst) {
        dst.fill(0);
        return e.to_errno() as isize;
    }
    store.commit(len);
    // SAFETY: `pos` is the file position the VFS passes for this write.
    unsafe { *pos = store.len as bindings::loff_t };
    len as isize
}

/// SEEK_END is relative to the stored bytes; no position past the buffer.
unsafe extern "C" fn dev_llseek(
    f: *mut bindings::file,
    off: bindings::loff_t,
    whence: c_int,
) -> bindings::loff_t {
    let store = state().store.lock();
    // SAFETY: `f` is the file being seeked, as the VFS passes it.
    unsafe {
        bindings::generic_file_llseek_size(
            f,
            off,
            whence,
            BUFSIZE as bindings::loff_t,
            store.len as bindings::loff_t,
        )
    }
}

unsafe extern "C" fn dev_ioctl(_f: *mut bindings::file, cmd: c_uint, arg: c_ulong) -> c_long {
    let r = match cmd {
        IOC_INFO => info(arg as usize),
        IOC_TRUNCATE => truncate(arg as usize),
        _ => return neg(bindings::ENOTTY) as c_long,
    };
    match r {
        Ok(()) => 0,
        Err(e) => e.to_errno() as c_long,
    }
}

fn info(arg: usize) -> Result {
    let info = {
        let store = state().store.lock();
        Info {
            owner_pid: store.owner_pid as u32,
            data_len: store.len as u32,
            free_space: (BUFSIZE - store.len) as u32,
            entries: store.n_entries as u32,
            owner_comm: store.owner_comm,
        }
    };
    UserSlice::new(arg, 32)
        .writer()
        .write_slice(&info.to_bytes())
}

fn truncate(arg: usize) -> Result {
    let mut raw = [0u8; 8];
    UserSlice::new(arg, 8).reader().read_slice(&mut raw)?;
    let w = Window {
        offset: u32::from_ne_bytes([raw[0], raw[1], raw[2], raw[3]]),
        length: u32::from_ne_bytes([raw[4], raw[5], raw[6], raw[7]]),
    };
    let mut store = state().store.lock();
    let (offset, len) = (w.offset as usize, store.len);
    if offset > len {
        return Err(EINVAL);
    }
    let keep = (w.length as usize).min(len - offset);
    let buf = store.buf_mut();
    buf.copy_within(offset..offset + keep, 0);
    buf[keep..len].fill(0);
    store.len = 0;
    store.n_entries = 0;
    if keep > 0 {
        store.commit(keep);
    }
    Ok(())
}

/// The buffer's pages, mapped as they are: the mapping sees every later
/// change. It pins the file, so the module, until it is unmapped.
unsafe extern "C" fn dev_mmap(
    _f: *mut bindings::file,
    vma: *mut bindings::vm_area_struct,
) -> c_int {
    // SAFETY: `vma` is the mapping being set up, as mm passes it.
    let (start, end, pgoff, prot) = unsafe {
        let v = &*vma;
        (
            v.__bindgen_anon_1.__bindgen_anon_1.vm_start,
            v.__bindgen_anon_1.__bindgen_anon_1.vm_end,
            v.vm_pgoff,
            v.vm_page_prot,
        )
    };
    let size = end - start;
    if pgoff != 0 || size > BUFSIZE as c_ulong {
        return neg(bindings::EINVAL);
    }
    let buf = state().store.lock().pages.as_ptr();
    // SAFETY: `buf` is the start of 4 physically contiguous pages owned by
    // the module, which outlives the mapping (see above); `size` fits in them.
    unsafe {
        let pfn = bindings::virt_to_phys(buf.cast()) >> bindings::PAGE_SHIFT;
        bindings::remap_pfn_range(vma, start, pfn as c_ulong, size, prot)
    }
}
