//! Channels to the kernel other than netlink: the files it exports under
//! `/proc` and `/sys`, and the numbers `ioctl(2)` requests are made of.
//!
//! - [`sysctl`]: kernel parameters under `/proc/sys`, named and loaded as
//!   sysctl(8) and sysctl.conf(5) do (Documentation/admin-guide/sysctl/).
//! - [`sysctl_netns`]: which of those keys belong to a network namespace,
//!   as the kernel's procfs shows it.
//! - [`modparam`]: module parameters under `/sys/module/*/parameters`
//!   (Documentation/ABI/testing/sysfs-module).
//! - [`cmdline`]: the boot command line, split with the rules of
//!   `lib/cmdline.c` and `kernel/params.c` (Documentation/admin-guide/kernel-parameters.rst).
//! - [`ioctl`]: building and decoding request numbers, as
//!   `include/uapi/asm-generic/ioctl.h` does (ioctl(2)).
//! - [`chardev`]: character devices: typed ioctl calls whose request
//!   numbers match their argument types, and shared mappings (mmap(2)).
//!
//! The file-based clients share one small [`Error`] that names the file and
//! keeps the errno.

pub mod chardev;
pub mod cmdline;
pub mod ioctl;
#[cfg(target_arch = "x86_64")]
mod ioctl_names;
pub mod modparam;
pub mod sysctl;
pub mod sysctl_netns;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// An error reading or writing a kernel parameter file.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// No such parameter (`ENOENT`): the file does not exist.
    NotFound {
        /// The file looked for.
        path: PathBuf,
    },
    /// The file may not be read or written (`EACCES`/`EPERM`), e.g. a write
    /// to a read-only parameter.
    PermissionDenied {
        /// The file refused.
        path: PathBuf,
        /// Whether the refused access was a write.
        write: bool,
    },
    /// The kernel refused the value written (`EINVAL`, or `ERANGE` etc.).
    InvalidValue {
        /// The file written.
        path: PathBuf,
        /// The value refused.
        value: String,
        /// The errno the write failed with.
        errno: i32,
    },
    /// A name that is empty, or has an empty, `.` or `..` component.
    InvalidName {
        /// The name as given.
        name: String,
    },
    /// A range outside a mapping (or a mapping past the end of a file).
    OutOfRange {
        /// Where the range starts.
        offset: usize,
        /// Its length.
        len: usize,
        /// The size of the mapping (or file).
        size: usize,
    },
    /// Any other failure.
    Io {
        /// The operation: `"read"`, `"write"`, `"open"`, `"read_dir"`.
        op: &'static str,
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: io::Error,
    },
}

impl Error {
    /// Classifies an OS error from `op` on `path`.
    pub(crate) fn io(op: &'static str, path: &Path, source: io::Error) -> Error {
        let path = path.to_path_buf();
        match source.raw_os_error() {
            Some(libc::ENOENT) => Error::NotFound { path },
            Some(libc::EACCES | libc::EPERM) => {
                Error::PermissionDenied { path, write: op == "write" }
            }
            _ => Error::Io { op, path, source },
        }
    }

    /// Classifies an OS error from writing `value` to `path`.
    pub(crate) fn write(path: &Path, value: &str, source: io::Error) -> Error {
        match source.raw_os_error() {
            Some(errno @ (libc::EINVAL | libc::ERANGE | libc::EDOM | libc::EOVERFLOW)) => {
                Error::InvalidValue { path: path.to_path_buf(), value: value.to_string(), errno }
            }
            _ => Error::io("write", path, source),
        }
    }

    /// The errno behind this error, if there is one.
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::NotFound { .. } => Some(libc::ENOENT),
            Error::PermissionDenied { .. } => Some(libc::EACCES),
            Error::InvalidValue { errno, .. } => Some(*errno),
            Error::InvalidName { .. } => Some(libc::EINVAL),
            Error::OutOfRange { .. } => None,
            Error::Io { source, .. } => source.raw_os_error(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotFound { path } => {
                write!(f, "cannot stat {}: No such file or directory", path.display())
            }
            Error::PermissionDenied { path, write: true } => {
                write!(f, "setting {}: Permission denied (read-only?)", path.display())
            }
            Error::PermissionDenied { path, write: false } => {
                write!(f, "reading {}: Permission denied", path.display())
            }
            Error::InvalidValue { path, value, errno } => {
                write!(f, "setting {} to {value:?}: {}", path.display(), crate::strerror(*errno))
            }
            Error::InvalidName { name } => write!(f, "invalid name {name:?}"),
            Error::OutOfRange { offset, len, size } => {
                write!(f, "{len} bytes at offset {offset} are outside the {size} bytes available")
            }
            Error::Io { op, path, source } => {
                write!(f, "{op} {}: {}", path.display(), crate::os_text(source))
            }
        }
    }
}

/// `Display` already says the OS error, so `source()` returns none (as
/// [`crate::Error`]): a chain printed with `{:#}` says it once. It stays
/// reachable by matching [`Error::Io`].
impl std::error::Error for Error {}

/// Result with this module's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Reads a parameter file, without its trailing newline.
pub(crate) fn read_value(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let mut s = String::from_utf8_lossy(&bytes).into_owned();
    if s.ends_with('\n') {
        s.pop();
    }
    Ok(s)
}

/// Writes `value` to a parameter file in one write(2), so the kernel's
/// verdict on the value comes back from it. `newline` adds the `\n` that
/// sysctl(8) writes (proc handlers stop at it); module parameters take the
/// bytes exactly (`param_set_charp` would keep a newline in the value).
pub(crate) fn write_value(path: &Path, value: &str, newline: bool) -> Result<()> {
    use std::io::Write;
    // O_TRUNC as sysctl(8)'s fopen(.., "w"): ignored by procfs and sysfs,
    // and right for a stand-in tree of plain files.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .map_err(|e| Error::io("write", path, e))?;
    let mut bytes = Vec::with_capacity(value.len() + 1);
    bytes.extend_from_slice(value.as_bytes());
    if newline {
        bytes.push(b'\n');
    }
    file.write_all(&bytes).map_err(|e| Error::write(path, value, e))
}

/// Checks that `component` names one entry of a directory: not empty, not
/// `.` or `..`, no `/`.
pub(crate) fn check_component(component: &str, name: &str) -> Result<()> {
    if component.is_empty() || component == "." || component == ".." || component.contains('/') {
        return Err(Error::InvalidName { name: name.to_string() });
    }
    Ok(())
}
