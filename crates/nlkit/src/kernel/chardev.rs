//! Character devices: open one, make typed ioctl(2) calls, map it with
//! mmap(2) (see also Documentation/driver-api/ioctl.rst and
//! Documentation/userspace-api/ioctl/ioctl-number.rst).
//!
//! A request is a typed constant: [`ReadIoctl<T>`] (`_IOR`), [`WriteIoctl<T>`]
//! (`_IOW`), [`ReadWriteIoctl<T>`] (`_IOWR`) or [`NoArgIoctl`] (`_IO`), built
//! with the [`ioctl`] helpers. `new(ty, nr)` encodes `size_of::<T>()` (in a
//! `const`, at compile time); `checked(request)` takes a number from a C
//! header only if its direction matches and its `_IOC_SIZE` is
//! `size_of::<T>()`. So a [`Device`] call passes the kernel a `T` of exactly
//! the size the request number announces. `T` must be [`Pod`]: the kernel
//! may store any bytes in it.
//!
//! Soundness: the size is not the whole story. A driver may read addresses
//! out of the argument and write there (a struct holding a buffer pointer),
//! which no type check can see. So making a typed request is the `unsafe`
//! step (its constructors are `unsafe fn`, defined beside the other unsafe
//! code in `sys/`): the caller promises the driver touches only the
//! argument's own bytes. The calls on a [`Device`] are then safe.
//! [`NoArgIoctl`] passes no pointer (the argument is 0) and is safe to make.
//!
//! ```no_run
//! use nlkit::kernel::chardev::{Device, ReadIoctl};
//!
//! // SAFETY: the pty driver writes one unsigned int and nothing else.
//! const TIOCGPTN: ReadIoctl<u32> = unsafe { ReadIoctl::new(b'T', 0x30) };
//! let ptmx = Device::open("/dev/ptmx")?;
//! println!("/dev/pts/{}", ptmx.ioctl_read(TIOCGPTN)?);
//! # Ok::<(), nlkit::kernel::Error>(())
//! ```
//!
//! [`Device::map`] and [`Device::map_mut`] map a device (or a file) shared,
//! unmapped on drop. The mapped memory can change at any time (the kernel,
//! another process, another mapping), so it is never lent out as `&[u8]`:
//! [`Mapping`] copies bytes out with volatile reads, and [`MappingMut`]
//! writes them with volatile writes. A regular file is not mapped at all:
//! touching a mapped page past the end of a file that another process
//! truncated kills the reader with `SIGBUS`, which safe code must not do.
//! Its [`Mapping`] reads and writes the file in place with pread(2) and
//! pwrite(2) instead: the same bytes (one page cache), and a truncated file
//! is an [`Error::OutOfRange`].
//!
//! Errors are [`super::Error`], naming the device and keeping the errno: an
//! ioctl the driver does not know is `ENOTTY` ("Inappropriate ioctl for
//! device").

use super::ioctl::{self, Dir, Ioctl};
use super::{Error, Result};
use crate::sys;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::marker::PhantomData;
use std::mem::size_of;
use std::ops::{Deref, Range};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

pub use crate::sys::Pod;

/// Whether `request` has direction `dir` and an argument size of
/// `size_of::<T>()` (which must fit the size bits).
pub(crate) const fn fits<T>(request: u32, dir: Dir) -> bool {
    let d = Ioctl::decode(request);
    size_of::<T>() <= ioctl::SIZEMASK as usize
        && d.dir.bits() == dir.bits()
        && d.size as usize == size_of::<T>()
}

macro_rules! typed_request {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Made by the `unsafe` constructors `new` and `checked` (see the
        /// module docs).
        pub struct $name<T> {
            pub(crate) request: u32,
            pub(crate) arg: PhantomData<fn(T) -> T>,
        }

        impl<T> $name<T> {
            /// The request number.
            pub const fn request(&self) -> u32 {
                self.request
            }
        }

        impl<T> Clone for $name<T> {
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<T> Copy for $name<T> {}

        impl<T> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} ({:#x})", Ioctl::decode(self.request), self.request)
            }
        }
    };
}

typed_request!(
    /// An `_IOR` request: the kernel fills in a `T`.
    ReadIoctl
);
typed_request!(
    /// An `_IOW` request: the kernel reads a `T`.
    WriteIoctl
);
typed_request!(
    /// An `_IOWR` request: the kernel reads a `T` and writes one back.
    ReadWriteIoctl
);

/// An `_IO` request: no argument (0 is passed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoArgIoctl {
    request: u32,
}

impl NoArgIoctl {
    /// `_IO(ty, nr)`.
    pub const fn new(ty: u8, nr: u8) -> Self {
        NoArgIoctl { request: ioctl::io(ty, nr) }
    }

    /// Any request number, passed with a 0 argument: a driver that reads or
    /// writes through it fails with `EFAULT`. For legacy numbers and tests.
    pub const fn raw(request: u32) -> Self {
        NoArgIoctl { request }
    }

    /// The request number.
    pub const fn request(&self) -> u32 {
        self.request
    }
}

/// A request number given at run time (a command line, a config file):
/// what its argument is, the program cannot know. Made by the `unsafe`
/// [`RawIoctl::new`]; used with [`Device::ioctl_raw`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawIoctl {
    pub(crate) request: u32,
}

impl RawIoctl {
    /// The request number.
    pub const fn request(&self) -> u32 {
        self.request
    }
}

/// The width in columns of the terminal `fd` is (`TIOCGWINSZ`), or `None`
/// when it is not a terminal or reports no width; what `ss` and `ls`
/// size their output by.
pub fn terminal_columns(fd: impl AsFd) -> Option<u16> {
    // struct winsize { ws_row, ws_col, ws_xpixel, ws_ypixel }: four
    // unsigned shorts, which the tty layer writes whole.
    let mut size = [0u16; 4];
    sys::ioctl_ptr(fd.as_fd(), libc::TIOCGWINSZ as u32, &mut size).ok()?;
    Some(size[1]).filter(|&c| c > 0)
}

/// The argument of a [`RawIoctl`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawArg {
    /// Passed by value (`_IO` requests, and legacy ones that take an int).
    Int(u64),
    /// Passed by pointer; the kernel may read and write them. They end at a
    /// guard page: a driver that writes past them gets `EFAULT`.
    Bytes(Vec<u8>),
}

/// What a [`RawIoctl`] call returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawReply {
    /// ioctl(2)'s non-negative result.
    pub result: i32,
    /// The argument bytes after the call (empty for [`RawArg::Int`]).
    pub bytes: Vec<u8>,
}

/// The constructors of the typed requests: making one is the promise the
/// `ioctl_*` calls rely on, hence `unsafe` (one of the crate's few sites
/// outside `sys`, pinned by `tools/check-unsafe.sh`).
macro_rules! typed_request_new {
    ($name:ident, $dir:expr, $build:path, $what:literal) => {
        #[allow(unsafe_code)] // an unsafe constructor: see the module docs
        impl<T: Pod> $name<T> {
            #[doc = concat!("`", $what, "(ty, nr, T)`. Panics (at compile time in a `const`) if `T` is too large for the size bits.")]
            ///
            /// # Safety
            ///
            /// The driver's handler of this request on the devices it is
            /// used with touches only the `size_of::<T>()` bytes of the
            /// argument: it follows no address stored in them.
            pub const unsafe fn new(ty: u8, nr: u8) -> Self {
                $name { request: $build(ty, nr), arg: PhantomData }
            }

            #[doc = concat!("A request number from elsewhere (a C header), if it is a `", $what, "` whose size is `size_of::<T>()`.")]
            ///
            /// # Safety
            ///
            /// As for `new`.
            pub const unsafe fn checked(request: u32) -> Option<Self> {
                if fits::<T>(request, $dir) {
                    Some($name { request, arg: PhantomData })
                } else {
                    None
                }
            }
        }
    };
}

typed_request_new!(ReadIoctl, Dir::Read, ioctl::ior::<T>, "_IOR");
typed_request_new!(WriteIoctl, Dir::Write, ioctl::iow::<T>, "_IOW");
typed_request_new!(ReadWriteIoctl, Dir::ReadWrite, ioctl::iowr::<T>, "_IOWR");

#[allow(unsafe_code)] // an unsafe constructor: see the module docs
impl RawIoctl {
    /// Any request number, its argument given at run time (bytes passed by
    /// pointer, or an integer by value).
    ///
    /// # Safety
    ///
    /// The driver's handler of `request` touches only the argument bytes
    /// it is handed: it follows no address stored in them. (Writing past
    /// them is contained: the bytes end at a guard page, so the kernel's
    /// copy faults with `EFAULT`.)
    pub const unsafe fn new(request: u32) -> RawIoctl {
        RawIoctl { request }
    }
}

/// An open character device (or any file): see the module docs.
#[derive(Debug)]
pub struct Device {
    file: File,
    path: PathBuf,
}

impl Device {
    /// Opens `path` for reading and writing (`O_RDWR | O_CLOEXEC`).
    pub fn open(path: impl AsRef<Path>) -> Result<Device> {
        Self::open_with(path.as_ref(), OpenOptions::new().read(true).write(true))
    }

    /// Opens `path` for reading only (`O_RDONLY | O_CLOEXEC`).
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Device> {
        Self::open_with(path.as_ref(), OpenOptions::new().read(true))
    }

    fn open_with(path: &Path, options: &OpenOptions) -> Result<Device> {
        let file = options.open(path).map_err(|e| Error::io("open", path, e))?;
        Ok(Device { file, path: path.to_path_buf() })
    }

    /// The path it was opened by.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The open file, for read(2), write(2) and seeks.
    pub fn file(&self) -> &File {
        &self.file
    }

    fn ioctl_error(&self, e: std::io::Error) -> Error {
        Error::io("ioctl", &self.path, e)
    }

    /// ioctl(2) with an `_IOR` request: the `T` the kernel filled in.
    pub fn ioctl_read<T: Pod>(&self, request: ReadIoctl<T>) -> Result<T> {
        let mut value = T::zeroed();
        sys::ioctl_ptr(self.file.as_fd(), request.request, &mut value)
            .map_err(|e| self.ioctl_error(e))?;
        Ok(value)
    }

    /// ioctl(2) with an `_IOW` request and its argument; returns the call's
    /// non-negative result.
    pub fn ioctl_write<T: Pod>(&self, request: WriteIoctl<T>, arg: &T) -> Result<i32> {
        let mut value = *arg;
        sys::ioctl_ptr(self.file.as_fd(), request.request, &mut value)
            .map_err(|e| self.ioctl_error(e))
    }

    /// ioctl(2) with an `_IOWR` request: `arg` goes in, and is replaced by
    /// what the kernel wrote back.
    pub fn ioctl_read_write<T: Pod>(&self, request: ReadWriteIoctl<T>, arg: &mut T) -> Result<i32> {
        sys::ioctl_ptr(self.file.as_fd(), request.request, arg).map_err(|e| self.ioctl_error(e))
    }

    /// ioctl(2) with an `_IO` request (argument 0); returns the call's
    /// non-negative result.
    pub fn ioctl_none(&self, request: NoArgIoctl) -> Result<i32> {
        sys::ioctl_int(self.file.as_fd(), request.request, 0).map_err(|e| self.ioctl_error(e))
    }

    /// ioctl(2) with a request given at run time and its argument; the
    /// error is the errno (the caller names the request as it sees fit).
    pub fn ioctl_raw(&self, request: RawIoctl, arg: &RawArg) -> Result<RawReply> {
        match arg {
            RawArg::Int(v) => {
                let result =
                    sys::ioctl_int(self.file.as_fd(), request.request, *v as libc::c_ulong)
                        .map_err(|e| self.ioctl_error(e))?;
                Ok(RawReply { result, bytes: Vec::new() })
            }
            RawArg::Bytes(b) => {
                let mut guarded =
                    sys::GuardedArg::new(b).map_err(|e| Error::io("mmap", &self.path, e))?;
                let result = guarded
                    .ioctl(self.file.as_fd(), request.request)
                    .map_err(|e| self.ioctl_error(e))?;
                Ok(RawReply { result, bytes: guarded.bytes() })
            }
        }
    }

    /// Maps `len` bytes from `offset` (a multiple of the page size) shared
    /// and read-only: `mmap(PROT_READ, MAP_SHARED)`.
    pub fn map(&self, offset: u64, len: usize) -> Result<Mapping> {
        Ok(Mapping { backing: self.backing(offset, len, false)? })
    }

    /// Maps `len` bytes from `offset` shared and writable:
    /// `mmap(PROT_READ | PROT_WRITE, MAP_SHARED)`; needs the device open for
    /// writing.
    pub fn map_mut(&self, offset: u64, len: usize) -> Result<MappingMut> {
        Ok(MappingMut(Mapping { backing: self.backing(offset, len, true)? }))
    }

    fn backing(&self, offset: u64, len: usize, writable: bool) -> Result<Backing> {
        let meta = self.file.metadata().map_err(|e| Error::io("fstat", &self.path, e))?;
        let end = offset.checked_add(len as u64);
        if meta.is_file() && end.is_none_or(|end| end > meta.len()) {
            return Err(Error::OutOfRange {
                offset: offset as usize,
                len,
                size: meta.len() as usize,
            });
        }
        // The checks mmap(2) would make, so both kinds fail alike.
        let page = 4096;
        if len == 0 || offset % page != 0 {
            return Err(Error::io(
                "mmap",
                &self.path,
                std::io::Error::from_raw_os_error(libc::EINVAL),
            ));
        }
        if meta.is_file() {
            // A zero-length pwrite(2) fails (EBADF) on a descriptor not
            // open for writing, as mmap(PROT_WRITE) would (EACCES).
            use std::os::unix::fs::FileExt;
            if writable && self.file.write_at(&[], offset).is_err() {
                return Err(Error::io(
                    "mmap",
                    &self.path,
                    std::io::Error::from_raw_os_error(libc::EACCES),
                ));
            }
            let file = self.file.try_clone().map_err(|e| Error::io("dup", &self.path, e))?;
            return Ok(Backing::File { file, offset, len, writable });
        }
        sys::RawMap::map(self.file.as_fd(), len, offset, writable)
            .map(Backing::Map)
            .map_err(|e| Error::io("mmap", &self.path, e))
    }
}

/// A shared, read-only mapping of a device or file, unmapped on drop; read
/// by copying (see the module docs).
#[derive(Debug)]
pub struct Mapping {
    backing: Backing,
}

/// What a [`Mapping`] reads and writes: a mapping of a device, or a
/// regular file in place (see the module docs).
#[derive(Debug)]
enum Backing {
    Map(sys::RawMap),
    File { file: std::fs::File, offset: u64, len: usize, writable: bool },
}

impl Backing {
    fn read(&self, at: usize, out: &mut [u8]) -> Option<()> {
        match self {
            Backing::Map(raw) => raw.read(at, out),
            Backing::File { file, offset, len, .. } => {
                let end = at.checked_add(out.len())?;
                if end > *len {
                    return None;
                }
                use std::os::unix::fs::FileExt;
                file.read_exact_at(out, offset.checked_add(at as u64)?).ok()
            }
        }
    }

    fn write(&mut self, at: usize, data: &[u8]) -> Option<()> {
        match self {
            Backing::Map(raw) => raw.write(at, data),
            Backing::File { file, offset, len, writable } => {
                let end = at.checked_add(data.len())?;
                if end > *len || !*writable {
                    return None;
                }
                // Never past the file's current end: a mapping cannot grow
                // its file either.
                let size = file.metadata().ok()?.len();
                let from = offset.checked_add(at as u64)?;
                if from + data.len() as u64 > size {
                    return None;
                }
                use std::os::unix::fs::FileExt;
                file.write_all_at(data, from).ok()
            }
        }
    }

    fn len(&self) -> usize {
        match self {
            Backing::Map(raw) => raw.len(),
            Backing::File { len, .. } => *len,
        }
    }

    fn writable(&self) -> bool {
        match self {
            Backing::Map(raw) => raw.writable(),
            Backing::File { writable, .. } => *writable,
        }
    }
}

impl Mapping {
    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.backing.len()
    }

    /// Whether it is empty (never: mmap(2) refuses a length of 0).
    pub fn is_empty(&self) -> bool {
        self.backing.len() == 0
    }

    /// Whether it may be written ([`MappingMut`]).
    pub fn is_writable(&self) -> bool {
        self.backing.writable()
    }

    fn out_of_range(&self, offset: usize, len: usize) -> Error {
        Error::OutOfRange { offset, len, size: self.len() }
    }

    /// Fills `out` with the bytes at `offset..offset + out.len()`, as they
    /// are now.
    pub fn read_at(&self, offset: usize, out: &mut [u8]) -> Result<()> {
        self.backing.read(offset, out).ok_or_else(|| self.out_of_range(offset, out.len()))
    }

    /// A copy of the bytes in `range`.
    pub fn copy_range(&self, range: Range<usize>) -> Result<Vec<u8>> {
        if range.start > range.end || range.end > self.len() {
            return Err(self.out_of_range(range.start, range.end.saturating_sub(range.start)));
        }
        let mut out = vec![0; range.len()];
        self.read_at(range.start, &mut out)?;
        Ok(out)
    }

    /// A copy of the whole mapping (zeros where a regular file was
    /// truncated meanwhile; [`copy_range`](Self::copy_range) says so).
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = vec![0; self.len()];
        let _ = self.backing.read(0, &mut out);
        out
    }
}

/// A shared, writable mapping: a [`Mapping`] that can also be written.
#[derive(Debug)]
pub struct MappingMut(Mapping);

impl MappingMut {
    /// Writes `data` at `offset`: the file (or device) sees it at once.
    pub fn write_at(&mut self, offset: usize, data: &[u8]) -> Result<()> {
        let err = Error::OutOfRange { offset, len: data.len(), size: self.0.len() };
        self.0.backing.write(offset, data).ok_or(err)
    }
}

impl Deref for MappingMut {
    type Target = Mapping;

    fn deref(&self) -> &Mapping {
        &self.0
    }
}

/// Requests for the tests.
#[cfg(test)]
#[allow(unsafe_code)] // each request's promise, in its SAFETY comment
mod test_requests {
    use super::*;

    /// `TIOCGPTN`, `_IOR('T', 0x30, unsigned int)`.
    pub(crate) const TIOCGPTN: ReadIoctl<libc::c_uint> =
        // SAFETY: the pty driver (drivers/tty/pty.c) writes one unsigned int.
        unsafe { ReadIoctl::new(b'T', 0x30) };
    /// `TIOCSPTLCK`, `_IOW('T', 0x31, int)`.
    pub(crate) const TIOCSPTLCK: WriteIoctl<libc::c_int> =
        // SAFETY: the pty driver reads one int.
        unsafe { WriteIoctl::new(b'T', 0x31) };
    /// `_IOR('N', 99, u32)`, which no driver the tests open knows.
    pub(crate) const UNKNOWN_READ: ReadIoctl<u32> =
        // SAFETY: /dev/null and regular files refuse it (ENOTTY) untouched.
        unsafe { ReadIoctl::new(b'N', 99) };
    /// `TIOCSPTLCK`, `TIOCGPTN` and `TIOCGWINSZ` (legacy, no size in the
    /// number) as run-time requests, and `_IO('N', 99)`.
    pub(crate) const RAW_PTY: [RawIoctl; 4] =
        // SAFETY: the pty driver reads one int, writes one unsigned int and
        // one struct winsize (no addresses); nothing knows _IO('N', 99).
        unsafe {
            [
                RawIoctl::new(0x4004_5431),
                RawIoctl::new(0x8004_5430),
                RawIoctl::new(libc::TIOCGWINSZ as u32),
                RawIoctl::new(0x4e63),
            ]
        };
    /// `_IOW('N', 2, u64)`, which no driver the tests open knows.
    pub(crate) const UNKNOWN_WRITE: WriteIoctl<u64> =
        // SAFETY: as above.
        unsafe { WriteIoctl::new(b'N', 2) };
}

#[cfg(test)]
mod tests {
    use super::test_requests::{RAW_PTY, TIOCGPTN, TIOCSPTLCK, UNKNOWN_READ, UNKNOWN_WRITE};
    use super::*;
    use std::io::Write;

    /// A file of `content` in the temporary directory, removed on drop.
    struct TempFile(PathBuf);

    impl TempFile {
        fn new(tag: &str, content: &[u8]) -> TempFile {
            let name = format!("nlkit-chardev-{}-{tag}", std::process::id());
            let path = std::env::temp_dir().join(name);
            std::fs::File::create(&path).unwrap().write_all(content).unwrap();
            TempFile(path)
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn requests_carry_the_size_of_their_type() {
        assert_eq!(TIOCGPTN.request(), 0x8004_5430);
        assert_eq!(TIOCSPTLCK.request(), 0x4004_5431);
        assert_eq!(NoArgIoctl::new(b'N', 99).request(), 0x4e63);
        assert!(fits::<u32>(0x8004_5430, Dir::Read));
        assert!(!fits::<u64>(0x8004_5430, Dir::Read), "size 4 is not a u64");
        assert!(!fits::<u32>(0x8004_5430, Dir::Write), "a read is not a write");
        assert!(!fits::<u32>(0x5401, Dir::Read), "legacy numbers have no size");
        assert!(!fits::<[u8; 1 << 14]>(0xbfff_5401, Dir::Read), "too large for the size bits");
        assert_eq!(format!("{TIOCGPTN:?}"), "_IOR('T', 0x30, 4) (0x80045430)");
    }

    #[test]
    fn an_unknown_ioctl_is_enotty() {
        let null = Device::open("/dev/null").unwrap();
        let err = null.ioctl_read(UNKNOWN_READ).unwrap_err();
        assert_eq!(err.errno(), Some(libc::ENOTTY), "{err}");
        assert_eq!(err.to_string(), "ioctl /dev/null: Inappropriate ioctl for device");
        let err = null.ioctl_none(NoArgIoctl::new(b'N', 99)).unwrap_err();
        assert_eq!(err.errno(), Some(libc::ENOTTY));
        let file = TempFile::new("enotty", b"x");
        let dev = Device::open(&file.0).unwrap();
        let err = dev.ioctl_write(UNKNOWN_WRITE, &7).unwrap_err();
        assert_eq!(err.errno(), Some(libc::ENOTTY));
    }

    #[test]
    fn read_and_write_ioctls_on_a_pseudo_terminal() {
        // TIOCSPTLCK and TIOCGPTN, on a fresh pty master, where there is one.
        let Ok(ptmx) = Device::open("/dev/ptmx") else { return };
        assert_eq!(ptmx.ioctl_write(TIOCSPTLCK, &0).unwrap(), 0);
        let number = ptmx.ioctl_read(TIOCGPTN).unwrap();
        assert!(number < 1 << 20);
        // TIOCGWINSZ, a legacy number, through the untyped door: EFAULT.
        let err = ptmx.ioctl_none(NoArgIoctl::raw(libc::TIOCGWINSZ as u32)).unwrap_err();
        assert_eq!(err.errno(), Some(libc::EFAULT));
    }

    #[test]
    fn requests_given_at_run_time_with_bytes_or_an_int() {
        let ptmx = Device::open("/dev/ptmx").expect("a pty master (devpts)");
        let [lock, number, winsz, unknown] = RAW_PTY;
        let unlock = ptmx.ioctl_raw(lock, &RawArg::Bytes(0i32.to_ne_bytes().to_vec())).unwrap();
        assert_eq!(unlock, RawReply { result: 0, bytes: vec![0; 4] });
        let got = ptmx.ioctl_raw(number, &RawArg::Bytes(vec![0xff; 4])).unwrap();
        assert_eq!(got.bytes, ptmx.ioctl_read(TIOCGPTN).unwrap().to_ne_bytes());
        // A legacy number with the struct's size: the window size, 8 bytes.
        let ws = ptmx.ioctl_raw(winsz, &RawArg::Bytes(vec![0xff; 8])).unwrap();
        assert_eq!(ws.bytes.len(), 8);
        assert_ne!(ws.bytes, [0xff; 8], "the driver wrote it");
        // Given 4 bytes, the driver's 8-byte copy runs into the guard page.
        let err = ptmx.ioctl_raw(winsz, &RawArg::Bytes(vec![0; 4])).unwrap_err();
        assert_eq!(err.errno(), Some(libc::EFAULT), "{err}");
        // By value: 0 is no address, so the copy faults.
        let err = ptmx.ioctl_raw(winsz, &RawArg::Int(0)).unwrap_err();
        assert_eq!(err.errno(), Some(libc::EFAULT));
        let err = ptmx.ioctl_raw(unknown, &RawArg::Int(0)).unwrap_err();
        assert_eq!(err.errno(), Some(libc::ENOTTY));
    }

    #[test]
    fn a_shared_mapping_shows_the_file_and_writes_through() {
        let mut content = vec![0u8; 8192];
        content[..5].copy_from_slice(b"hello");
        let file = TempFile::new("map", &content);
        let dev = Device::open(&file.0).unwrap();
        let map = dev.map(0, 8192).unwrap();
        assert_eq!((map.len(), map.is_empty(), map.is_writable()), (8192, false, false));
        assert_eq!(map.copy_range(0..5).unwrap(), b"hello");
        assert_eq!(map.to_vec(), content);

        let mut rw = dev.map_mut(0, 4096).unwrap();
        rw.write_at(4090, b"world!").unwrap();
        assert_eq!(&std::fs::read(&file.0).unwrap()[4090..4096], b"world!");
        assert_eq!(map.copy_range(4090..4096).unwrap(), b"world!", "one file, two mappings");
        std::fs::write(&file.0, vec![b'z'; 8192]).unwrap();
        let mut two = [0; 2];
        map.read_at(8190, &mut two).unwrap();
        assert_eq!(&two, b"zz", "a write(2) shows in the mapping");
    }

    #[test]
    fn a_mapped_file_truncated_by_someone_else_is_an_error_not_sigbus() {
        let file = TempFile::new("trunc", &[5; 8192]);
        let dev = Device::open(&file.0).unwrap();
        let map = dev.map(0, 8192).unwrap();
        let mut rw = dev.map_mut(0, 8192).unwrap();
        assert_eq!(map.copy_range(8000..8002).unwrap(), [5, 5]);
        std::fs::File::options().write(true).open(&file.0).unwrap().set_len(100).unwrap();
        // A real mapping would fault here and kill the process.
        let err = map.copy_range(8000..8002).unwrap_err();
        assert!(matches!(err, Error::OutOfRange { offset: 8000, .. }), "{err}");
        assert!(rw.write_at(8000, b"x").is_err(), "and writes do not grow the file");
        assert_eq!(std::fs::metadata(&file.0).unwrap().len(), 100);
        assert_eq!(map.copy_range(0..2).unwrap(), [5, 5], "what is left still reads");
    }

    #[test]
    fn bad_ranges_are_errors_not_panics() {
        let file = TempFile::new("ranges", &[7; 4096]);
        let dev = Device::open(&file.0).unwrap();
        let map = dev.map(0, 4096).unwrap();
        let mut buf = [0; 8];
        let err = map.read_at(4090, &mut buf).unwrap_err();
        assert!(matches!(err, Error::OutOfRange { offset: 4090, len: 8, size: 4096 }), "{err}");
        assert!(map.read_at(usize::MAX, &mut buf).is_err());
        #[allow(clippy::reversed_empty_ranges)]
        let backwards = 10..5;
        assert!(map.copy_range(backwards).is_err());
        assert!(map.copy_range(0..4097).is_err());
        assert!(map.copy_range(0..usize::MAX).is_err());
        assert_eq!(map.copy_range(4096..4096).unwrap(), b"");
        let mut rw = dev.map_mut(0, 4096).unwrap();
        assert!(rw.write_at(4095, b"ab").is_err());
        assert!(rw.write_at(usize::MAX, b"ab").is_err());

        assert!(matches!(dev.map(0, 8192), Err(Error::OutOfRange { size: 4096, .. })));
        assert!(matches!(dev.map(u64::MAX, 1), Err(Error::OutOfRange { .. })));
        assert_eq!(dev.map(0, 0).unwrap_err().errno(), Some(libc::EINVAL));
        assert_eq!(dev.map(1, 1).unwrap_err().errno(), Some(libc::EINVAL), "unaligned offset");
        let ro = Device::open_read_only(&file.0).unwrap();
        assert_eq!(ro.map_mut(0, 4096).unwrap_err().errno(), Some(libc::EACCES));
        assert!(matches!(Device::open("/nonexistent/nlkit"), Err(Error::NotFound { .. })));
    }

    #[test]
    #[allow(unsafe_code)] // built and compared, never used in a call
    fn checked_requests_want_the_direction_and_size_of_their_type() {
        // SAFETY (all): only built and compared, never used in a call.
        assert!(unsafe { ReadIoctl::<u32>::checked(0x8004_5430) }.is_some());
        assert!(unsafe { ReadIoctl::<u64>::checked(0x8004_5430) }.is_none());
        assert!(unsafe { WriteIoctl::<u32>::checked(0x8004_5430) }.is_none());
        assert!(unsafe { ReadWriteIoctl::<u32>::checked(0xc004_5430) }.is_some());
        assert!(unsafe { ReadIoctl::<u32>::checked(0x5401) }.is_none(), "legacy: no size");
        let info = unsafe { ReadIoctl::<[u8; 32]>::checked(0x8020_4e01) };
        assert_eq!(info.map(|r| r.request()), Some(0x8020_4e01));
    }
}
