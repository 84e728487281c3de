//! The async front end: [`AsyncSubscription`], the same reader as
//! [`Subscription`](super::Subscription) with tokio doing the waiting.

use super::{Batch, Counts, Source};
use crate::error::{Error, Result};
use crate::socket::{Netns, RecvBuf, Socket};
use tokio::io::unix::AsyncFd;

/// A subscription read with tokio; see the module docs. Several are
/// waited on at once with `tokio::select!` over their [`recv`](Self::recv).
#[derive(Debug)]
pub struct AsyncSubscription<S: Source> {
    fd: AsyncFd<Socket>,
    buf: RecvBuf,
    source: S,
    counts: Counts,
}

impl<S: Source> AsyncSubscription<S> {
    /// Subscribes in the calling thread's network namespace, within a
    /// tokio runtime.
    pub fn open(source: S) -> Result<Self> {
        Self::with_socket(Socket::open(source.protocol())?, source)
    }

    /// Subscribes inside network namespace `netns`.
    pub fn open_in(netns: Netns<'_>, source: S) -> Result<Self> {
        Self::with_socket(Socket::open_in(netns, source.protocol())?, source)
    }

    /// Subscribes on a bound socket of the source's protocol (made
    /// non-blocking here).
    pub fn with_socket(socket: Socket, source: S) -> Result<Self> {
        source.configure(&socket)?;
        socket.set_nonblocking(true)?;
        let fd = crate::sys::async_fd(socket).map_err(|e| Error::io("epoll_ctl", e))?;
        Ok(AsyncSubscription { fd, buf: RecvBuf::new(), source, counts: Counts::default() })
    }

    /// The socket.
    pub fn socket(&self) -> &Socket {
        self.fd.get_ref()
    }

    /// The source.
    pub fn source(&self) -> &S {
        &self.source
    }

    /// What was seen so far.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// Waits for the next datagram and returns its items, as
    /// [`Subscription::recv`](super::Subscription::recv) does.
    pub async fn recv(&mut self) -> Result<Batch<'_, S>> {
        match crate::tokio::recv(&self.fd, &mut self.buf).await {
            Ok(()) => Ok(Batch::read(&self.source, &mut self.counts, &self.buf)),
            Err(Error::Overrun) => Ok(Batch::overrun(&self.source, &mut self.counts)),
            Err(e) => Err(e),
        }
    }
}
