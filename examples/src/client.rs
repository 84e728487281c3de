//! The sending side of an exchange with the peer (the kernel module, or
//! `nl-usersock-peer` standing in for it): one bound socket, the peer's port
//! id, a receive buffer reused for every datagram, and errors that say which
//! peer did not answer.

use crate::cli::SocketOpts;
use crate::msg::{check_answer, text};
use crate::Result;
use nlkit::{RecvBuf, Socket, SocketAddr};
use std::io::IoSlice;

/// A socket talking to one peer; see the module docs.
#[derive(Debug)]
pub struct Client {
    sock: Socket,
    peer: u32,
    timeout: u64,
    buf: RecvBuf,
}

/// An answer to a request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The sender's port id, as the kernel reports it.
    pub from: u32,
    /// The answer's sequence number (the request's).
    pub sequence: u32,
    /// The payload, as text.
    pub text: String,
}

impl Client {
    /// Opens the socket `opts` describes, to talk to the socket at port `peer`.
    pub fn open(opts: &SocketOpts, peer: u32) -> Result<Client> {
        Ok(Client { sock: opts.open(0)?, peer, timeout: opts.timeout, buf: RecvBuf::new() })
    }

    /// This socket's own port id (what requests carry in `nlmsg_pid`).
    pub fn port(&self) -> u32 {
        self.sock.port()
    }

    /// The peer's port id.
    pub fn peer(&self) -> u32 {
        self.peer
    }

    /// Sends one datagram to the peer with sendto(2).
    pub fn send(&self, bytes: &[u8]) -> Result<()> {
        let sent = self.sock.send_to(bytes, SocketAddr::port(self.peer));
        sent.map(drop).map_err(|e| self.send_error(e))
    }

    /// Sends the concatenation of `bufs` as one datagram to the peer with
    /// sendmsg(2).
    pub fn send_vectored(&self, bufs: &[IoSlice<'_>]) -> Result<()> {
        let sent = self.sock.send_vectored(bufs, SocketAddr::port(self.peer));
        sent.map(drop).map_err(|e| self.send_error(e))
    }

    fn send_error(&self, e: nlkit::Error) -> Box<dyn std::error::Error + Send + Sync> {
        format!("cannot send to port {}: {e}", self.peer).into()
    }

    /// Receives the next datagram, from anyone.
    pub fn recv(&mut self) -> Result<&RecvBuf> {
        match self.sock.recv(&mut self.buf) {
            Ok(_) => Ok(&self.buf),
            Err(nlkit::Error::Timeout) => Err(format!(
                "nothing received within {} s (is the peer at port {} there?)",
                self.timeout, self.peer
            )
            .into()),
            Err(e) => Err(e.into()),
        }
    }

    /// Receives the answer to `request` (of type `expected`, sequence `seq`):
    /// the first message of the next datagram, checked.
    pub fn answer(&mut self, expected: u16, seq: u32, request: &[u8]) -> Result<Answer> {
        let port = self.port();
        let buf = self.recv()?;
        let msg = buf.messages().next().ok_or("received an empty datagram")??;
        let payload = check_answer(&msg, expected, seq, port, request)?;
        Ok(Answer { from: buf.from().port, sequence: seq, text: text(payload).into_owned() })
    }
}
