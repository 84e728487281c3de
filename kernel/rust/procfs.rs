// SPDX-License-Identifier: GPL-2.0

//! The module's /proc files, as in the C module:
//!
//! - `/proc/nlkit_demo_buffer` (0444): the stored broadcast bytes;
//! - `/proc/nlkit_demo_trigger` (0200): writing text sends the registered
//!   port ONE NOTIFY (0x22) carrying it (a single trailing newline
//!   stripped), its sequence number the count of triggered notifications
//!   delivered so far (1, 2, ...); -ENOTCONN while no port has registered,
//!   -EMSGSIZE above a page, the unicast's error if it cannot be delivered;
//!   the write returns the full count on success;
//! - the sysctls `/proc/sys/nlkit_demo/level` (int 0..10, default 1) and
//!   `name` (string of 32 bytes with its NUL, default "nlkit").

use crate::raw::{err, Static};
use crate::{netlink, state};
use kernel::bindings;
use kernel::c_str;
use kernel::ffi::{c_char, c_int, c_void};
use kernel::prelude::*;
use kernel::uaccess::UserSlice;

/// The longest trigger text (`PAGE_SIZE`, as in C).
const TRIGGER_MAX: usize = bindings::PAGE_SIZE;

/// A /proc entry at the top level; removed when dropped (which waits for
/// the reads and writes under way).
pub(crate) struct ProcEntry(&'static CStr);

impl ProcEntry {
    pub(crate) fn buffer() -> Result<Self> {
        let name = c_str!("nlkit_demo_buffer");
        // SAFETY: a 'static name and callback; removed in `drop`.
        let e = unsafe {
            bindings::proc_create_single_data(
                name.as_char_ptr(),
                0o444,
                core::ptr::null_mut(),
                Some(buffer_show),
                core::ptr::null_mut(),
            )
        };
        if e.is_null() {
            Err(ENOMEM)
        } else {
            Ok(ProcEntry(name))
        }
    }

    pub(crate) fn trigger() -> Result<Self> {
        let name = c_str!("nlkit_demo_trigger");
        // SAFETY: a 'static name and ops table; removed in `drop`.
        let e = unsafe {
            bindings::proc_create(
                name.as_char_ptr(),
                0o200,
                core::ptr::null_mut(),
                TRIGGER_OPS.get(),
            )
        };
        if e.is_null() {
            Err(ENOMEM)
        } else {
            Ok(ProcEntry(name))
        }
    }
}

impl Drop for ProcEntry {
    fn drop(&mut self) {
        // SAFETY: created by this value with this name at the top level.
        unsafe { bindings::remove_proc_entry(self.0.as_char_ptr(), core::ptr::null_mut()) };
    }
}

/// `demo_buffer_show()`.
unsafe extern "C" fn buffer_show(m: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    let store = state().store.lock();
    let data = store.data();
    // SAFETY: `m` is the seq_file being shown; `data` is valid under the lock.
    unsafe { bindings::seq_write(m, data.as_ptr().cast(), data.len()) };
    0
}

static TRIGGER_OPS: Static<bindings::proc_ops> = Static::new(bindings::proc_ops {
    proc_write: Some(trigger_write),
    proc_lseek: Some(bindings::noop_llseek),
    // SAFETY: all-zero is the C initializer `{ }` of the other members.
    ..unsafe { core::mem::zeroed() }
});

/// `demo_trigger_write()`.
unsafe extern "C" fn trigger_write(
    _f: *mut bindings::file,
    buf: *const c_char,
    len: usize,
    _pos: *mut bindings::loff_t,
) -> isize {
    match trigger(buf as usize, len) {
        Ok(()) => len as isize,
        Err(e) => e.to_errno() as isize,
    }
}

fn trigger(buf: usize, len: usize) -> Result {
    if len > TRIGGER_MAX {
        return Err(err(bindings::EMSGSIZE));
    }
    let mut text = KVec::new();
    UserSlice::new(buf, len).read_all(&mut text, GFP_KERNEL)?;
    let text = text.strip_suffix(b"\n").unwrap_or(&text);

    let st = state();
    // Keeps the sequence numbers in order; the port is read under notify's lock.
    let mut sent = st.trigger_sent.lock();
    let (registered, portid) = {
        let nt = st.notify.lock();
        (nt.registered, nt.portid)
    };
    if !registered {
        return Err(err(bindings::ENOTCONN));
    }
    let rc = netlink::send_notify(portid, *sent + 1, text);
    if rc < 0 {
        return Err(Error::from_errno(rc));
    }
    *sent += 1;
    Ok(())
}

/* --- sysctl: /proc/sys/nlkit_demo/{level,name} ----------------------------- */

const LEVEL_MAX: c_int = 10;
static LEVEL: Static<c_int> = Static::new(1);
static LEVEL_MIN_V: Static<c_int> = Static::new(0);
static LEVEL_MAX_V: Static<c_int> = Static::new(LEVEL_MAX);
const NAME_LEN: usize = 32;
static NAME: Static<[u8; NAME_LEN]> =
    Static::new(*b"nlkit\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");

/// The two entries; the kernel's handlers read and write LEVEL and NAME
/// under the sysctl locks, as for the C module's statics.
static SYSCTLS: Static<[bindings::ctl_table; 2]> = Static::new([
    bindings::ctl_table {
        procname: c"level".as_ptr().cast(),
        data: LEVEL.get().cast(),
        maxlen: core::mem::size_of::<c_int>() as c_int,
        mode: 0o644,
        proc_handler: Some(bindings::proc_dointvec_minmax),
        extra1: LEVEL_MIN_V.get().cast(),
        extra2: LEVEL_MAX_V.get().cast(),
        // SAFETY: all-zero is the C initializer of the other members.
        ..unsafe { core::mem::zeroed() }
    },
    bindings::ctl_table {
        procname: c"name".as_ptr().cast(),
        data: NAME.get().cast(),
        maxlen: NAME_LEN as c_int,
        mode: 0o644,
        proc_handler: Some(bindings::proc_dostring),
        // SAFETY: as above.
        ..unsafe { core::mem::zeroed() }
    },
]);

/// The registered sysctl directory; unregistered when dropped.
pub(crate) struct Sysctl(*mut bindings::ctl_table_header);

// SAFETY: the header is only used to unregister, once, in `drop`.
unsafe impl Send for Sysctl {}
// SAFETY: `&Sysctl` gives no access to the pointer.
unsafe impl Sync for Sysctl {}

impl Sysctl {
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: the table and what it points to are statics of this module,
        // unregistered in `drop` before the module goes away.
        let h = unsafe {
            bindings::register_sysctl_sz(c"nlkit_demo".as_ptr().cast(), SYSCTLS.get().cast(), 2)
        };
        if h.is_null() {
            Err(ENOMEM)
        } else {
            Ok(Sysctl(h))
        }
    }
}

impl Drop for Sysctl {
    fn drop(&mut self) {
        // SAFETY: registered in `register`.
        unsafe { bindings::unregister_sysctl_table(self.0) };
    }
}
