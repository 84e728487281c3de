//! Opening sockets inside another network namespace.
//!
//! A socket belongs to the namespace of the thread that created it, for its
//! whole life. To open one elsewhere without moving the caller, a short-lived
//! thread enters the namespace (setns(2)), creates the socket and exits; the
//! calling thread's namespace never changes.

use super::{Kind, Protocol, Socket};
use crate::error::{Error, Result};
use crate::sys;
use std::os::fd::{AsFd, BorrowedFd};
use std::path::{Path, PathBuf};

/// A network namespace to open a socket in.
#[derive(Debug, Clone, Copy)]
pub enum Netns<'a> {
    /// A name as `ip netns` knows it: `/run/netns/NAME`.
    Name(&'a str),
    /// A path to a namespace file, e.g. `/proc/PID/ns/net`.
    Path(&'a Path),
    /// An open namespace file descriptor.
    Fd(BorrowedFd<'a>),
}

impl Netns<'_> {
    /// Runs `f` on a short-lived thread that entered this namespace, and
    /// returns its result; the calling thread's namespace never changes.
    /// What `f` opens there stays in the namespace: sockets, and files
    /// under `/proc/sys/net` (which show the opening thread's namespace).
    pub fn run<T: Send>(&self, f: impl FnOnce() -> T + Send) -> Result<T> {
        let opened;
        let fd = match *self {
            Netns::Fd(fd) => fd,
            Netns::Name(_) | Netns::Path(_) => {
                let path = self.path().unwrap_or_default();
                // O_NONBLOCK: a FIFO at that path must not block the open;
                // setns then refuses what is no namespace (EINVAL).
                use std::os::unix::fs::OpenOptionsExt;
                opened = std::fs::OpenOptions::new()
                    .read(true)
                    .custom_flags(libc::O_NONBLOCK)
                    .open(&path)
                    .map_err(|source| Error::Netns { path: Some(path.clone()), source })?;
                opened.as_fd()
            }
        };
        std::thread::scope(|s| {
            s.spawn(|| {
                sys::setns(fd, libc::CLONE_NEWNET)
                    .map_err(|source| Error::Netns { path: self.path(), source })?;
                Ok(f())
            })
            .join()
            .unwrap_or_else(|_| {
                let source = std::io::Error::other("namespace thread panicked");
                Err(Error::Netns { path: self.path(), source })
            })
        })
    }

    fn path(&self) -> Option<PathBuf> {
        match self {
            Netns::Name(n) => Some(Path::new("/run/netns").join(n)),
            Netns::Path(p) => Some(p.to_path_buf()),
            Netns::Fd(_) => None,
        }
    }
}

impl Socket {
    /// Opens a socket of `protocol` and `kind` inside `netns`, leaving the
    /// calling thread where it is.
    pub fn new_in(netns: Netns<'_>, protocol: Protocol, kind: Kind) -> Result<Socket> {
        netns.run(|| Socket::with_kind(protocol, kind))?
    }

    /// Like [`new_in`](Self::new_in), then binds to a kernel-chosen port id.
    pub fn open_in(netns: Netns<'_>, protocol: Protocol) -> Result<Socket> {
        let mut s = Self::new_in(netns, protocol, Kind::Raw)?;
        s.bind(Default::default())?;
        Ok(s)
    }
}
