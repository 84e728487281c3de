// SPDX-License-Identifier: GPL-2.0

//! nlkit_boot: boot-time parameters read with `__setup`, built into the
//! kernel (vmtest/kernel.sh copies this file to init/nlkit_boot.rs and adds
//! `obj-$(CONFIG_RUST) += nlkit_boot.o` to init/Makefile).
//!
//! Responsible for three `__setup` parameters of the kernel command line and
//! for showing what they parsed, read-only, at `/proc/nlkit_boot`:
//!
//! - `nlkit_int=N`: one int (`get_option`);
//! - `nlkit_list=1,2,7-9`: a comma-separated int list with ranges
//!   (`get_options`, at most [`LIST_MAX`] values);
//! - `nlkit_str=TEXT`: a string (at most [`STR_MAX`] - 1 bytes kept).
//!
//! `/proc/nlkit_boot` reads `int=5\nlist=1,2,7,8,9\nstr=hello\n`; a parameter
//! that was not given (or did not parse) shows as nothing after its `=`.
//!
//! `__setup` is a C macro: each use places a `struct obs_kernel_param` in the
//! `.init.setup` section, which `start_kernel` walks for every `name=value`
//! it does not know as a module parameter. The same entries are emitted
//! here as `#[link_section = ".init.setup"]` statics. The `/proc` file is
//! created by this built-in "module"'s initcall (`module!` emits one in
//! `.initcall6.init` when built in).

use core::cell::UnsafeCell;
use core::fmt::Write;
use kernel::bindings;
use kernel::ffi::{c_char, c_int, c_void};
use kernel::prelude::*;

module! {
    type: NlkitBoot,
    name: "nlkit_boot",
    author: "nlkit",
    description: "nlkit boot parameters (__setup) shown at /proc/nlkit_boot",
    license: "GPL",
}

/// Most list values kept (`get_options` stops there).
const LIST_MAX: usize = 32;
/// Size of the string buffer, NUL included.
const STR_MAX: usize = 64;

/// What the three parameters parsed.
struct Boot {
    int: Option<c_int>,
    /// `get_options` layout: `list[0]` is the count, the values follow.
    list: [c_int; LIST_MAX + 1],
    str_len: Option<usize>,
    str_buf: [u8; STR_MAX],
}

/// [`Boot`] in a static: written only by the setup functions, which
/// `start_kernel` calls one after the other while it parses the command line
/// (one CPU, nothing else running), long before the initcalls; read-only
/// afterwards.
struct BootCell(UnsafeCell<Boot>);

// SAFETY: see `BootCell`: every write happens before any reader can exist
// (single-threaded early boot), so sharing the reference later is sound.
unsafe impl Sync for BootCell {}

static BOOT: BootCell = BootCell(UnsafeCell::new(Boot {
    int: None,
    list: [0; LIST_MAX + 1],
    str_len: None,
    str_buf: [0; STR_MAX],
}));

/// `struct obs_kernel_param` (include/linux/init.h, hidden from bindgen by
/// its `#ifndef MODULE`).
#[repr(C)]
struct ObsKernelParam {
    str_: *const c_char,
    setup_func: unsafe extern "C" fn(*mut c_char) -> c_int,
    early: c_int,
}

// SAFETY: the entries are immutable and point to 'static strings and functions.
unsafe impl Sync for ObsKernelParam {}

/// `__setup(name, fn)`: one `.init.setup` entry. `#[used(compiler)]`, as
/// `module!` uses it: plain `#[used]` splits `.modinfo` and loses the license.
macro_rules! setup {
    ($entry:ident, $name:literal, $func:ident) => {
        #[link_section = ".init.setup"]
        #[used(compiler)]
        static $entry: ObsKernelParam =
            ObsKernelParam { str_: $name.as_ptr().cast(), setup_func: $func, early: 0 };
    };
}

setup!(SETUP_INT, c"nlkit_int=", setup_int);
setup!(SETUP_LIST, c"nlkit_list=", setup_list);
setup!(SETUP_STR, c"nlkit_str=", setup_str);

/// `nlkit_int=`: exactly one int, else a warning and nothing kept.
unsafe extern "C" fn setup_int(s: *mut c_char) -> c_int {
    let mut p = s;
    let mut v: c_int = 0;
    // SAFETY: `s` is the NUL-terminated value from the command line; get_option
    // only advances `p` within it and writes `v`.
    let rc = unsafe { bindings::get_option(&mut p, &mut v) };
    // 1: an int that ends the string (2 and 3 mean a ',' or '-' follows).
    if rc == 1 {
        // SAFETY: single-threaded early boot (see `BootCell`).
        unsafe { (*BOOT.0.get()).int = Some(v) };
    } else {
        pr_warn!("nlkit_int=: not one integer, ignored\n");
    }
    1 // handled: not passed on to init
}

/// `nlkit_list=`: ints and ranges (`7-9`), comma-separated.
unsafe extern "C" fn setup_list(s: *mut c_char) -> c_int {
    // SAFETY: single-threaded early boot (see `BootCell`).
    let list = unsafe { &mut (*BOOT.0.get()).list };
    // SAFETY: `s` is NUL-terminated; get_options writes at most `list.len()`
    // ints into `list` (the count first) and reads only `s`.
    let rest = unsafe { bindings::get_options(s, list.len() as c_int, list.as_mut_ptr()) };
    // SAFETY: get_options returns a pointer into the same NUL-terminated string.
    if !rest.is_null() && unsafe { *rest } != 0 {
        pr_warn!("nlkit_list=: stopped at an unparsable or extra value\n");
    }
    1
}

/// `nlkit_str=`: the text, cut to `STR_MAX - 1` bytes.
unsafe extern "C" fn setup_str(s: *mut c_char) -> c_int {
    // SAFETY: `s` is a NUL-terminated string that outlives this call.
    let bytes = unsafe { CStr::from_char_ptr(s) }.as_bytes();
    let n = bytes.len().min(STR_MAX - 1);
    // SAFETY: single-threaded early boot (see `BootCell`).
    let boot = unsafe { &mut *BOOT.0.get() };
    boot.str_buf[..n].copy_from_slice(&bytes[..n]);
    boot.str_len = Some(n);
    1
}

/// A fixed buffer that `write!` fills, refusing what does not fit.
struct Text {
    buf: [u8; 512],
    len: usize,
}

impl Text {
    fn push_bytes(&mut self, b: &[u8]) -> core::fmt::Result {
        let end = self.len + b.len();
        if end > self.buf.len() {
            return Err(core::fmt::Error);
        }
        self.buf[self.len..end].copy_from_slice(b);
        self.len = end;
        Ok(())
    }
}

impl Write for Text {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.push_bytes(s.as_bytes())
    }
}

/// The text of `/proc/nlkit_boot`.
fn render(boot: &Boot, out: &mut Text) -> core::fmt::Result {
    out.write_str("int=")?;
    if let Some(v) = boot.int {
        write!(out, "{v}")?;
    }
    out.write_str("\nlist=")?;
    let n = (boot.list[0].max(0) as usize).min(LIST_MAX);
    for (i, v) in boot.list[1..=n].iter().enumerate() {
        write!(out, "{}{v}", if i > 0 { "," } else { "" })?;
    }
    out.write_str("\nstr=")?;
    if let Some(n) = boot.str_len {
        // The bytes as given (command-line text need not be UTF-8).
        out.push_bytes(&boot.str_buf[..n])?;
    }
    out.write_str("\n")
}

/// seq_file show callback of `/proc/nlkit_boot`.
unsafe extern "C" fn boot_show(m: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    let mut text = Text {
        buf: [0; 512],
        len: 0,
    };
    // SAFETY: the setup functions ran before the initcall that created this
    // file; `BOOT` is read-only now (see `BootCell`).
    let boot = unsafe { &*BOOT.0.get() };
    if render(boot, &mut text).is_err() {
        return -(bindings::EOVERFLOW as c_int);
    }
    // SAFETY: `m` is the seq_file being shown; `text.buf[..text.len]` is valid.
    unsafe { bindings::seq_write(m, text.buf.as_ptr().cast(), text.len) };
    0
}

struct NlkitBoot;

impl kernel::Module for NlkitBoot {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        // SAFETY: a 'static name and show callback; the entry lives as long as
        // the kernel (built in, never removed).
        let entry = unsafe {
            bindings::proc_create_single_data(
                c"nlkit_boot".as_ptr().cast(),
                0o444,
                core::ptr::null_mut(),
                Some(boot_show),
                core::ptr::null_mut(),
            )
        };
        if entry.is_null() {
            return Err(ENOMEM);
        }
        Ok(NlkitBoot)
    }
}
