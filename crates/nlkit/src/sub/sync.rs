//! The blocking front end: [`Subscription`], and [`wait_any`] over several.

use super::{Batch, Counts, Source};
use crate::error::{Error, Result};
use crate::socket::{Netns, RecvBuf, Socket};
use crate::sys;
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

/// A socket subscribed to a [`Source`]'s groups; see the module docs.
#[derive(Debug)]
pub struct Subscription<S: Source> {
    socket: Socket,
    buf: RecvBuf,
    source: S,
    counts: Counts,
}

impl<S: Source> Subscription<S> {
    /// Subscribes in the calling thread's network namespace.
    pub fn open(source: S) -> Result<Self> {
        Self::with_socket(Socket::open(source.protocol())?, source)
    }

    /// Subscribes inside network namespace `netns`.
    pub fn open_in(netns: Netns<'_>, source: S) -> Result<Self> {
        Self::with_socket(Socket::open_in(netns, source.protocol())?, source)
    }

    /// Subscribes on a bound socket of the source's protocol.
    pub fn with_socket(socket: Socket, source: S) -> Result<Self> {
        source.configure(&socket)?;
        Ok(Subscription { socket, buf: RecvBuf::new(), source, counts: Counts::default() })
    }

    /// The socket, e.g. to set a read timeout or a larger receive buffer.
    pub fn socket(&self) -> &Socket {
        &self.socket
    }

    /// The source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// What was seen so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Waits for the next datagram and returns its items. A lost
    /// notification is an [`Item::Overrun`](super::Item::Overrun) batch,
    /// not an error; errors are the socket's (a timeout set on it, for one).
    pub fn recv(&mut self) -> Result<Batch<'_, S>> {
        match self.socket.recv(&mut self.buf) {
            Ok(_) => Ok(Batch::read(&self.source, &mut self.counts, &self.buf)),
            Err(Error::Overrun) => Ok(Batch::overrun(&self.source, &mut self.counts)),
            Err(e) => Err(e),
        }
    }

    /// Like [`recv`](Self::recv), giving up at `deadline` (`None`: waits as
    /// the socket's read timeout says): `None` once it has passed. For
    /// listeners that stop after a while (`--timeout`).
    pub fn recv_until(&mut self, deadline: Option<Instant>) -> Result<Option<Batch<'_, S>>> {
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            // A zero read timeout would mean "for ever".
            self.socket.set_read_timeout(Some(left.max(Duration::from_millis(1))))?;
        }
        match self.recv() {
            Err(Error::Timeout) => Ok(None),
            other => other.map(Some),
        }
    }

    /// Like [`recv`](Self::recv), without waiting: `None` when nothing is
    /// queued.
    pub fn try_recv(&mut self) -> Result<Option<Batch<'_, S>>> {
        match self.socket.try_recv(&mut self.buf) {
            Ok(_) => Ok(Some(Batch::read(&self.source, &mut self.counts, &self.buf))),
            Err(Error::Overrun) => Ok(Some(Batch::overrun(&self.source, &mut self.counts))),
            Err(e) if e.is_would_block() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl<S: Source> AsFd for Subscription<S> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }
}

/// Waits until at least one of `sources` has something to read, or
/// `timeout` passes (`None`: no limit), and says which: the indices of the
/// ready ones, empty on a timeout. Read each ready one with
/// [`Subscription::try_recv`] until it has nothing, so a busy source never
/// keeps another waiting.
pub fn wait_any(sources: &[&dyn AsFd], timeout: Option<Duration>) -> Result<Vec<usize>> {
    let fds: Vec<BorrowedFd<'_>> = sources.iter().map(|s| s.as_fd()).collect();
    let ready = loop {
        match sys::poll_readable(&fds, timeout) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => break other.map_err(|e| Error::io("poll", e))?,
        }
    };
    Ok(ready.iter().enumerate().filter(|(_, r)| **r).map(|(i, _)| i).collect())
}
