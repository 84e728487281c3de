// SPDX-License-Identifier: GPL-2.0

//! nlkit_demo, in Rust: the same module as kernel/c/nlkit_demo.c, message
//! for message and file for file, so that vmtest/guest-init.sh checks
//! either one unchanged (the module name, its parameters, /proc, /sys and
//! /dev entries are the same).
//!
//! On netlink protocol `proto` (default 31, 64 multicast groups):
//!
//! - ECHO 0x20: the same type, sequence number and payload back to the
//!   sender's real port id (`NETLINK_CB(skb).portid`), with the exact
//!   `nlmsg_len` (16 + payload, no padding counted);
//! - REGISTER 0x21: remembers the sender's port; a timer sends it
//!   `notify_count` NOTIFY 0x22 messages "notification N" (sequence N),
//!   one every `notify_interval_ms`;
//! - BROADCAST 0x23: appends the payload to the 16 KiB buffer (one entry of
//!   at most 512; -ENOSPC "broadcast buffer is full" when it does not fit)
//!   and multicasts it to group 1, to `wide_group` (2..64; 0 for none) and
//!   to the generic netlink group "events";
//! - DUMP 0x24: with NLM_F_DUMP (else -EINVAL "DUMP needs NLM_F_DUMP"),
//!   every entry as an NLM_F_MULTI message, then NLMSG_DONE;
//! - BIG 0x25: one reply of 10000 bytes, byte i = 'a' + i % 26;
//! - anything else: -EOPNOTSUPP "unknown message type".
//!
//! Errors and ACKs come from `netlink_rcv_skb`. Besides: the generic
//! netlink family "nlkit_demo" ([`genl`]), /proc/nlkit_demo_buffer,
//! /proc/nlkit_demo_trigger and the sysctls /proc/sys/nlkit_demo/{level,name}
//! ([`procfs`]), and /dev/nlkit_demo, a file view of the buffer with the
//! ABI of kernel/c/nlkit_demo.h ([`device`]).
//!
//! This file holds the shared state and the order of setup and teardown.
//! Linux 6.12 has no Rust abstraction for netlink, procfs, sysctl, misc
//! devices or timers: those files call `kernel::bindings` in `unsafe`
//! blocks, each with its `SAFETY` argument; [`raw`] has the common pieces.
//! Built out of tree against the kernel vmtest/kernel.sh builds (its Rust
//! bindings include the netlink headers, its helpers the inline functions).

use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::bindings;
use kernel::c_str;
use kernel::new_mutex;
use kernel::prelude::*;
use kernel::sync::Mutex;

mod device;
mod genl;
mod netlink;
mod params;
mod procfs;
mod raw;
mod skb;

use raw::IrqSpinLock;

module! {
    type: NlkitDemo,
    name: "nlkit_demo",
    author: "nlkit",
    description: "nlkit demo netlink protocol: echo, notify, broadcast",
    license: "GPL",
}

/// Bytes in the broadcast buffer (`NLKIT_DEMO_BUFSIZE` of nlkit_demo.h).
pub(crate) const BUFSIZE: usize = 16 * 1024;
/// Its page order: 16 KiB = 4 pages.
const BUF_ORDER: u32 = 2;
/// Stored entries at most (what DUMP returns).
pub(crate) const ENTRIES: usize = 512;

/// The notification timer's view: who registered, how far it got.
pub(crate) struct Notify {
    pub(crate) portid: u32,
    pub(crate) sent: u32,
    pub(crate) total: u32,
    /// A port has registered since insmod (the trigger needs one).
    pub(crate) registered: bool,
    /// Set at rmmod: the timer is not re-armed.
    pub(crate) stopping: bool,
}

/// Where one stored payload starts and how long it is.
#[derive(Clone, Copy)]
pub(crate) struct Entry {
    pub(crate) off: u32,
    pub(crate) len: u32,
}

/// The 4 pages of the buffer: page-aligned and physically contiguous, so
/// that /dev/nlkit_demo can map them with `remap_pfn_range`.
pub(crate) struct Pages(core::ptr::NonNull<u8>);

// SAFETY: the pages are plain memory owned by this value; access to their
// contents is serialised by the mutex around `Store`.
unsafe impl Send for Pages {}

impl Pages {
    fn alloc() -> Result<Self> {
        // SAFETY: allocates 2^BUF_ORDER zeroed pages; no other precondition.
        let addr = unsafe {
            bindings::get_free_pages_noprof(bindings::GFP_KERNEL | bindings::__GFP_ZERO, BUF_ORDER)
        };
        core::ptr::NonNull::new(addr as *mut u8)
            .map(Pages)
            .ok_or(ENOMEM)
    }

    pub(crate) fn as_ptr(&self) -> *mut u8 {
        self.0.as_ptr()
    }
}

impl Drop for Pages {
    fn drop(&mut self) {
        // SAFETY: allocated by `alloc` with the same order; every user (the
        // module's files and mappings) is gone before the state is dropped.
        unsafe { bindings::free_pages(self.0.as_ptr() as kernel::ffi::c_ulong, BUF_ORDER) };
    }
}

/// The broadcast buffer, its entries and the device's last opener: what
/// the C module guards with `buffer_lock`.
pub(crate) struct Store {
    pub(crate) pages: Pages,
    pub(crate) len: usize,
    /// ENTRIES slots, the first `n_entries` in use (C's `entries[]`).
    pub(crate) table: KVec<Entry>,
    pub(crate) n_entries: usize,
    pub(crate) owner_pid: i32,
    pub(crate) owner_comm: [u8; 16],
}

impl Store {
    /// The stored bytes.
    pub(crate) fn data(&self) -> &[u8] {
        // SAFETY: the pages hold BUFSIZE bytes and `len <= BUFSIZE`.
        unsafe { core::slice::from_raw_parts(self.pages.as_ptr(), self.len) }
    }

    /// The whole buffer, writable.
    pub(crate) fn buf_mut(&mut self) -> &mut [u8] {
        // SAFETY: the pages hold BUFSIZE bytes; `&mut self` holds the lock.
        unsafe { core::slice::from_raw_parts_mut(self.pages.as_ptr(), BUFSIZE) }
    }

    /// The stored entries.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.table[..self.n_entries]
    }

    /// Whether an entry of `len` bytes still fits (bytes and table).
    pub(crate) fn fits(&self, len: usize) -> bool {
        len <= BUFSIZE - self.len && self.n_entries < ENTRIES
    }

    /// Records the `len` bytes just written after the data as one entry.
    /// The caller checked [`Store::fits`].
    pub(crate) fn commit(&mut self, len: usize) {
        self.table[self.n_entries] = Entry {
            off: self.len as u32,
            len: len as u32,
        };
        self.n_entries += 1;
        self.len += len;
    }

    /// Appends `data` as one entry, if it fits.
    pub(crate) fn append(&mut self, data: &[u8]) -> bool {
        if !self.fits(data.len()) {
            return false;
        }
        let start = self.len;
        self.buf_mut()[start..start + data.len()].copy_from_slice(data);
        self.commit(data.len());
        true
    }
}

/// Everything the callbacks share, pinned (the timer and the locks must not
/// move) in one allocation that outlives every registration.
#[pin_data]
pub(crate) struct State {
    #[pin]
    pub(crate) notify: IrqSpinLock<Notify>,
    #[pin]
    pub(crate) timer: raw::Timer,
    /// Triggered notifications delivered so far; the lock keeps them in order.
    #[pin]
    pub(crate) trigger_sent: Mutex<u32>,
    #[pin]
    pub(crate) store: Mutex<Store>,
    /// The protocol's kernel socket (null until created).
    pub(crate) nlsk: AtomicPtr<bindings::sock>,
}

/// Lockdep's class of the notify lock (a static, as lockdep requires).
static NOTIFY_LOCK_KEY: raw::Static<bindings::lock_class_key> =
    // SAFETY: all-zero is the C initializer of a lock_class_key.
    raw::Static::new(unsafe { core::mem::zeroed() });

/// The state, for callbacks that C calls without a context pointer (netlink
/// input, timer, file operations). Set before the first registration,
/// cleared after the last one is gone.
static STATE: AtomicPtr<State> = AtomicPtr::new(core::ptr::null_mut());

/// The shared state, from a callback.
///
/// Every callback is registered after [`STATE`] is set and unregistered
/// (waiting for calls in progress: `netlink_kernel_release`,
/// `timer_delete_sync`, `remove_proc_entry`, `misc_deregister` with the
/// module reference each open file holds) before it is cleared and the
/// state freed: see the field order of [`NlkitDemo`].
pub(crate) fn state() -> &'static State {
    let p = STATE.load(Ordering::Acquire);
    // SAFETY: see above: a callback only runs while `p` is set and valid.
    unsafe { &*p }
}

/// The loaded module. Fields drop in declaration order: the reverse of
/// setup, the state last.
struct NlkitDemo {
    _misc: device::MiscDev,
    _sysctl: procfs::Sysctl,
    _trigger: procfs::ProcEntry,
    _buffer: procfs::ProcEntry,
    _sock: netlink::KernelSock,
    _genl: genl::Family,
    _published: Published,
    _state: Pin<KBox<State>>,
}

/// Clears [`STATE`] when dropped, after every registration is gone; says
/// so in the log if the module had finished loading.
struct Published {
    loaded: bool,
}

impl Drop for Published {
    fn drop(&mut self) {
        STATE.store(core::ptr::null_mut(), Ordering::Release);
        if self.loaded {
            pr_info!("protocol {} released\n", params::proto());
        }
    }
}

impl kernel::Module for NlkitDemo {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let proto = params::proto();
        if !(0..bindings::MAX_LINKS as i32).contains(&proto) {
            pr_err!(
                "proto {} out of range 0..{}\n",
                proto,
                bindings::MAX_LINKS - 1
            );
            return Err(EINVAL);
        }
        let pages = Pages::alloc()?;
        let table = KVec::from_elem(Entry { off: 0, len: 0 }, ENTRIES, GFP_KERNEL)?;
        let state = KBox::pin_init(
            pin_init!(State {
                notify <- IrqSpinLock::new(
                    Notify { portid: 0, sent: 0, total: 0, registered: false, stopping: false },
                    c_str!("nlkit_demo_notify"),
                    &NOTIFY_LOCK_KEY,
                ),
                timer <- netlink::timer_init(),
                trigger_sent <- new_mutex!(0, "nlkit_demo_trigger"),
                store <- new_mutex!(
                    Store { pages, len: 0, table, n_entries: 0, owner_pid: 0, owner_comm: [0; 16] },
                    "nlkit_demo_buffer"
                ),
                nlsk: AtomicPtr::new(core::ptr::null_mut()),
            }),
            GFP_KERNEL,
        )?;
        // The state does not move again (pinned); publish it for callbacks.
        let ptr: *const State = &*state;
        STATE.store(ptr as *mut State, Ordering::Release);
        let mut published = Published { loaded: false };

        // Before the protocol exists: a BROADCAST also goes to its group.
        let genl = genl::Family::register()?;
        let sock = netlink::KernelSock::create(proto, &state.nlsk)?;
        let buffer = procfs::ProcEntry::buffer()?;
        let trigger = procfs::ProcEntry::trigger()?;
        let sysctl = procfs::Sysctl::register()?;
        let misc = device::MiscDev::register()?;
        params::with_greeting(|g| {
            pr_info!(
                "serving netlink protocol {}, broadcasts to group 1 (wide_group {}); greeting \"{}\" (secret {})\n",
                proto,
                params::wide_group(),
                g,
                params::secret()
            )
        });
        published.loaded = true;
        Ok(NlkitDemo {
            _misc: misc,
            _sysctl: sysctl,
            _trigger: trigger,
            _buffer: buffer,
            _sock: sock,
            _genl: genl,
            _published: published,
            _state: state,
        })
    }
}
