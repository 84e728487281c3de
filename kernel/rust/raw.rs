// SPDX-License-Identifier: GPL-2.0

//! The few low-level pieces the rest of the module builds on, where Linux
//! 6.12's Rust support has no abstraction: a cell for C structures that
//! live in statics and that C code writes ([`Static`]), an irq-safe
//! spinlock ([`IrqSpinLock`], the `spin_lock_irqsave` the C module uses
//! between process context and the timer), `THIS_MODULE` as a raw pointer
//! for C structures built at compile time, errno values the `kernel` crate
//! does not name, and the netlink header arithmetic of
//! `include/uapi/linux/netlink.h` and `include/net/genetlink.h`.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use kernel::bindings;
use kernel::ffi::{c_char, c_int};
use kernel::init::PinInit;
use kernel::prelude::*;
use kernel::types::Opaque;

// `struct module` holds zero-sized members on uniprocessor kernels; only its
// address is used here.
#[allow(improper_ctypes)]
extern "C" {
    /// The `struct module` of this module (defined in the `.mod.c` file
    /// that modpost writes; the `module!` macro refers to it the same way).
    static __this_module: bindings::module;
}

/// `THIS_MODULE`, usable in the initializers of statics.
pub(crate) const THIS_MODULE: *mut bindings::module =
    core::ptr::addr_of!(__this_module) as *mut bindings::module;

/// A C structure (or a value C code reads and writes, such as a module
/// parameter or a sysctl) kept in a static. Rust code only hands out its
/// address ([`Static::get`]); whoever dereferences it follows the locking
/// rules of the C API that owns it, exactly as for a C `static`.
#[repr(transparent)]
pub(crate) struct Static<T>(UnsafeCell<T>);

// SAFETY: `Static` gives out raw pointers only; every access through them is
// an `unsafe` operation that states its own synchronisation (the C API's).
unsafe impl<T> Sync for Static<T> {}

impl<T> Static<T> {
    pub(crate) const fn new(v: T) -> Self {
        Self(UnsafeCell::new(v))
    }

    pub(crate) const fn get(&self) -> *mut T {
        self.0.get()
    }
}

/// A C string of at most `N - 1` bytes as a `char[N]`, for C structures
/// with inline names (`genl_family`, `genl_multicast_group`).
pub(crate) const fn c_name<const N: usize>(s: &str) -> [c_char; N] {
    let b = s.as_bytes();
    assert!(b.len() < N);
    let mut out = [0; N];
    let mut i = 0;
    while i < b.len() {
        out[i] = b[i] as c_char;
        i += 1;
    }
    out
}

/// A byte string as a fixed array (for `.modinfo` entries built by `concat!`).
pub(crate) const fn byte_array<const N: usize>(s: &str) -> [u8; N] {
    let b = s.as_bytes();
    assert!(b.len() == N);
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = b[i];
        i += 1;
    }
    out
}

/// `-errno` as the `c_int` C callbacks return.
pub(crate) const fn neg(errno: u32) -> c_int {
    -(errno as c_int)
}

/// An [`Error`] for an errno the `kernel` crate has no constant for.
pub(crate) fn err(errno: u32) -> Error {
    Error::from_errno(neg(errno))
}

/// `NLMSG_ALIGN()`.
pub(crate) const fn nlmsg_align(len: usize) -> usize {
    (len + 3) & !3
}

/// `NLMSG_HDRLEN`: the aligned `struct nlmsghdr`.
pub(crate) const NLMSG_HDRLEN: usize = nlmsg_align(core::mem::size_of::<bindings::nlmsghdr>());

/// `nlmsg_total_size()`: a message of `payload` bytes, padding included.
pub(crate) const fn nlmsg_total_size(payload: usize) -> usize {
    nlmsg_align(NLMSG_HDRLEN + payload)
}

/// `nlmsg_data()`: where the payload of the message at `nlh` starts.
///
/// # Safety
///
/// `nlh` points to a netlink message header in a buffer at least
/// `NLMSG_HDRLEN` bytes long.
pub(crate) unsafe fn nlmsg_data(nlh: *const bindings::nlmsghdr) -> *mut u8 {
    // SAFETY: the caller guarantees the header is followed by its payload.
    unsafe { (nlh as *mut u8).add(NLMSG_HDRLEN) }
}

/// `nlmsg_len()`: the payload length the header claims (netlink_rcv_skb
/// has checked it against the datagram before calling us).
///
/// # Safety
///
/// `nlh` points to a valid netlink message header.
pub(crate) unsafe fn nlmsg_len(nlh: *const bindings::nlmsghdr) -> usize {
    // SAFETY: the caller guarantees `nlh` is valid for reads.
    unsafe { (*nlh).nlmsg_len as usize - NLMSG_HDRLEN }
}

/// `NETLINK_CB(skb)`: the netlink control block in `skb->cb`.
///
/// # Safety
///
/// `skb` is a valid netlink socket buffer.
pub(crate) unsafe fn netlink_cb(skb: *mut bindings::sk_buff) -> *mut bindings::netlink_skb_parms {
    // SAFETY: the caller guarantees `skb` is valid; netlink keeps its
    // `struct netlink_skb_parms` at the start of the 48-byte `cb`.
    unsafe { core::ptr::addr_of_mut!((*skb).cb).cast() }
}

/// `NL_SET_ERR_MSG()`: the extended-ack text of the error being returned.
///
/// # Safety
///
/// `extack` is null or points to the request's `struct netlink_ext_ack`.
pub(crate) unsafe fn set_err_msg(extack: *mut bindings::netlink_ext_ack, msg: &'static CStr) {
    if !extack.is_null() {
        // SAFETY: the caller guarantees `extack` is valid; `msg` is 'static.
        unsafe { (*extack)._msg = msg.as_char_ptr() };
    }
}

/// `jiffies + msecs_to_jiffies(ms)`: a timer deadline `ms` from now.
pub(crate) fn jiffies_in(ms: u32) -> kernel::ffi::c_ulong {
    // SAFETY: `jiffies` is the kernel's tick counter, updated by the timer
    // interrupt; a volatile read is what the C `jiffies` macro does.
    let now = unsafe { core::ptr::read_volatile(core::ptr::addr_of!(bindings::jiffies)) };
    now.wrapping_add(kernel::time::msecs_to_jiffies(ms))
}

/// A `spinlock_t` taken with `spin_lock_irqsave`: safe to share between
/// process context and a timer (softirq), which the `kernel` crate's
/// `SpinLock` of 6.12 is not (it only has `spin_lock`).
#[pin_data]
pub(crate) struct IrqSpinLock<T> {
    #[pin]
    lock: Opaque<bindings::spinlock_t>,
    data: UnsafeCell<T>,
}

// SAFETY: the data is only reached through a guard, under the lock.
unsafe impl<T: Send> Sync for IrqSpinLock<T> {}
// SAFETY: moving the lock moves the data with it (it is pinned anyway).
unsafe impl<T: Send> Send for IrqSpinLock<T> {}

impl<T> IrqSpinLock<T> {
    /// `key` is lockdep's class of the lock (unused without lockdep).
    pub(crate) fn new(
        data: T,
        name: &'static CStr,
        key: &'static Static<bindings::lock_class_key>,
    ) -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: `slot` is the lock's memory, pinned, not yet in use.
            lock <- Opaque::ffi_init(|slot| unsafe {
                bindings::__spin_lock_init(slot, name.as_char_ptr(), key.get())
            }),
            data: UnsafeCell::new(data),
        })
    }

    /// Takes the lock with interrupts (so the timer) disabled locally.
    pub(crate) fn lock(&self) -> IrqGuard<'_, T> {
        // SAFETY: the lock was initialised by `new` and is pinned.
        let flags = unsafe { bindings::spin_lock_irqsave(self.lock.get()) };
        IrqGuard { lock: self, flags }
    }
}

/// Holds an [`IrqSpinLock`]; unlocks (restoring interrupts) when dropped.
pub(crate) struct IrqGuard<'a, T> {
    lock: &'a IrqSpinLock<T>,
    flags: kernel::ffi::c_ulong,
}

impl<T> Deref for IrqGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T> DerefMut for IrqGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock, and `&mut self` makes this unique.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T> Drop for IrqGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: taken in `IrqSpinLock::lock` with these flags.
        unsafe { bindings::spin_unlock_irqrestore(self.lock.lock.get(), self.flags) };
    }
}

/// A `struct timer_list`, pinned.
#[pin_data]
pub(crate) struct Timer {
    #[pin]
    t: Opaque<bindings::timer_list>,
}

// SAFETY: the timer API is safe to call from any thread; the timer core
// serialises its own accesses to the structure.
unsafe impl Send for Timer {}
// SAFETY: as above.
unsafe impl Sync for Timer {}

impl Timer {
    /// `timer_setup(timer, func, 0)`, in place.
    pub(crate) fn new(func: unsafe extern "C" fn(*mut bindings::timer_list)) -> impl PinInit<Self> {
        pin_init!(Self {
            // SAFETY: `slot` is the timer's pinned memory, not yet in use.
            t <- Opaque::ffi_init(|slot| unsafe { bindings::timer_setup(slot, Some(func), 0) }),
        })
    }

    pub(crate) fn get(&self) -> *mut bindings::timer_list {
        self.t.get()
    }
}
