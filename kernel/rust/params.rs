// SPDX-License-Identifier: GPL-2.0

//! The module parameters, the same as the C module's `module_param()`s:
//!
//! | name                 | type  | default                   | sysfs mode |
//! |----------------------|-------|---------------------------|------------|
//! | `proto`              | int   | 31                        | 0444       |
//! | `wide_group`         | int   | 33                        | 0444       |
//! | `notify_count`       | uint  | 3                         | 0644       |
//! | `notify_interval_ms` | uint  | 100                       | 0644       |
//! | `greeting`           | charp | "hello from nlkit_demo"   | 0644       |
//! | `secret`             | int   | 42                        | 0 (hidden) |
//!
//! The `module!` macro of Linux 6.12 has no parameters, so this file emits
//! what `module_param()` does in C: one `struct kernel_param` per parameter
//! in the `__param` section (the module loader parses the insmod arguments
//! with them and creates /sys/module/nlkit_demo/parameters/ from them), with
//! the kernel's `param_ops_int`, `param_ops_uint` and `param_ops_charp`;
//! and the `parm=` / `parmtype=` strings `MODULE_PARM_DESC()` and
//! `module_param()` leave in `.modinfo` for modinfo(8).
//!
//! The values live in [`Static`] cells that the kernel writes (at insmod,
//! and through sysfs for the 0644 ones); reads here are single loads, as
//! in C.

use crate::raw::{byte_array, Static, THIS_MODULE};
use kernel::bindings;
use kernel::ffi::{c_char, c_int, c_uint};
use kernel::str::CStr;

pub(crate) static PROTO: Static<c_int> = Static::new(31);
pub(crate) static WIDE_GROUP: Static<c_int> = Static::new(33);
pub(crate) static NOTIFY_COUNT: Static<c_uint> = Static::new(3);
pub(crate) static NOTIFY_INTERVAL_MS: Static<c_uint> = Static::new(100);
pub(crate) static GREETING: Static<*const c_char> =
    Static::new(c"hello from nlkit_demo".as_ptr().cast());
pub(crate) static SECRET: Static<c_int> = Static::new(42);

/// Reads a parameter: one volatile load, as C's plain read of the variable
/// (sysfs writes to the 0644 ones may come at any time; an int is written
/// whole).
fn read<T: Copy>(p: &Static<T>) -> T {
    // SAFETY: the cell is valid for the module's lifetime; the kernel writes
    // it with single stores under its parameter lock, so a load sees either
    // the old or the new value.
    unsafe { core::ptr::read_volatile(p.get()) }
}

pub(crate) fn proto() -> c_int {
    read(&PROTO)
}
pub(crate) fn wide_group() -> c_int {
    read(&WIDE_GROUP)
}
pub(crate) fn notify_count() -> c_uint {
    read(&NOTIFY_COUNT)
}
pub(crate) fn notify_interval_ms() -> c_uint {
    read(&NOTIFY_INTERVAL_MS)
}
pub(crate) fn secret() -> c_int {
    read(&SECRET)
}
/// Calls `f` with the greeting, under the module's parameter lock: a sysfs
/// write replaces the string (and frees the one it had allocated) under
/// that lock.
pub(crate) fn with_greeting<R>(f: impl FnOnce(&CStr) -> R) -> R {
    // SAFETY: THIS_MODULE is this module, alive while its code runs.
    unsafe { bindings::kernel_param_lock(THIS_MODULE) };
    // SAFETY: under the parameter lock the pointer is stable and points to a
    // NUL-terminated string (the default literal or one param_set_charp made).
    let r = f(unsafe { CStr::from_char_ptr(*GREETING.get()) });
    // SAFETY: taken above.
    unsafe { bindings::kernel_param_unlock(THIS_MODULE) };
    r
}

/// A `struct kernel_param` that can sit in a static.
#[repr(transparent)]
struct Param(bindings::kernel_param);

// SAFETY: the entry is never written by Rust; the kernel reads it and writes
// the value it points to under its parameter lock.
unsafe impl Sync for Param {}

/// `module_param(name, type, perm)` plus `MODULE_PARM_DESC(name, desc)`.
macro_rules! module_param {
    ($entry:ident, $name:literal, $var:ident, $ops:ident, $type:literal, $perm:expr, $desc:literal) => {
        #[link_section = "__param"]
        #[used(compiler)]
        static $entry: Param = Param(bindings::kernel_param {
            name: concat!($name, "\0").as_ptr().cast(),
            mod_: THIS_MODULE,
            ops: core::ptr::addr_of!(bindings::$ops),
            perm: $perm,
            level: -1,
            flags: 0,
            __bindgen_anon_1: bindings::kernel_param__bindgen_ty_1 {
                arg: $var.get().cast(),
            },
        });

        const _: () = {
            const PARM: &str = concat!("parm=", $name, ":", $desc, "\0");
            #[link_section = ".modinfo"]
            #[used(compiler)]
            static DESC: [u8; PARM.len()] = byte_array::<{ PARM.len() }>(PARM);
            const TYPE: &str = concat!("parmtype=", $name, ":", $type, "\0");
            #[link_section = ".modinfo"]
            #[used(compiler)]
            static TYPE_: [u8; TYPE.len()] = byte_array::<{ TYPE.len() }>(TYPE);
        };
    };
}

module_param!(
    P_PROTO,
    "proto",
    PROTO,
    param_ops_int,
    "int",
    0o444,
    "netlink protocol number to serve (default 31)"
);
module_param!(
    P_WIDE_GROUP,
    "wide_group",
    WIDE_GROUP,
    param_ops_int,
    "int",
    0o444,
    "second group BROADCAST goes to, 2..64 (default 33; 0: none)"
);
module_param!(
    P_NOTIFY_COUNT,
    "notify_count",
    NOTIFY_COUNT,
    param_ops_uint,
    "uint",
    0o644,
    "notifications sent to a port that registers (default 3)"
);
module_param!(
    P_NOTIFY_INTERVAL_MS,
    "notify_interval_ms",
    NOTIFY_INTERVAL_MS,
    param_ops_uint,
    "uint",
    0o644,
    "milliseconds between two notifications (default 100)"
);
module_param!(
    P_GREETING,
    "greeting",
    GREETING,
    param_ops_charp,
    "charp",
    0o644,
    "a string, writable at run time in sysfs"
);
module_param!(
    P_SECRET,
    "secret",
    SECRET,
    param_ops_int,
    "int",
    0,
    "an invisible parameter (perm 0)"
);
