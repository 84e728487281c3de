//! `handshake` (generic netlink, `<linux/handshake.h>`, Linux 6.4+): the
//! kernel's upcall for TLS handshakes. A kernel consumer (the NVMe/TCP
//! target and host, NFS over TLS) queues a request on one of its sockets
//! and announces it on its handler class's multicast group (`tlshd`) with
//! `ready`; an agent `accept`s it, and the kernel installs that socket in
//! the agent as a new descriptor and says which handshake it wants (client
//! or server hello, PSK or X.509, the keys' serials, a timeout); the agent
//! performs the handshake on the socket and reports `done` with a status,
//! and the consumer goes on. `accept` and `done` must come from the same
//! process: the descriptor is the agent's. The tables come from the
//! family's YNL spec ([`tables`], `specs/ynl/6.12/handshake.yaml`); this
//! module adds the typed request and the two operations.

pub mod tables;

use super::Family;
use crate::engine::{Ack, Get, Request};
use crate::error::{Error, Result};
use crate::genl::GenlMsgHdr;
use nlkit_wire::{Attrs, Flags, Message, MessageBuilder};
use std::os::fd::OwnedFd;
use tables::*;

/// The family's name, to resolve it.
pub const FAMILY: &str = "handshake";

/// A handshake request the kernel handed over with `accept`.
#[derive(Debug)]
pub struct Pending {
    /// The consumer's socket, now also the agent's (closed when dropped).
    pub sock: OwnedFd,
    /// Its number in this process, as `done` names it.
    pub sockfd: i32,
    /// `msg_type`: client hello (1) or server hello (2).
    pub message_type: u32,
    /// How long the consumer waits for `done`, in milliseconds (0: its
    /// default).
    pub timeout_ms: u32,
    /// `auth`: unauthenticated (1), PSK (2) or X.509 (3).
    pub auth_mode: u32,
    /// The keys (serials in the kernel's keyrings) the peer may prove.
    pub peer_identities: Vec<u32>,
    /// Certificates and private keys to present (serials), for X.509.
    pub certificates: Vec<(Option<i32>, Option<i32>)>,
    /// The peer's name, where the consumer gave one (for X.509 checks).
    pub peername: Option<String>,
}

fn header(family: &Family, cmd: u8) -> [u8; 4] {
    GenlMsgHdr { cmd, version: family.version as u8, reserved: 0 }.to_bytes()
}

impl Pending {
    /// Reads an `accept` reply, taking ownership of the descriptor the
    /// kernel installed for it.
    fn parse(msg: &Message<'_>) -> Result<Pending> {
        let v = tables::Accept::parse(msg)?;
        if let Some(bad) = crate::proto::View::malformed(&v).next() {
            return Err(Error::Wire(bad.error));
        }
        let sockfd = v
            .sockfd
            .ok_or(Error::MissingAttr { set: "accept", attr: "HANDSHAKE_A_ACCEPT_SOCKFD" })?;
        let sock = crate::sys::adopt_installed_fd(sockfd)
            .map_err(|e| Error::io("fcntl (handshake accept's descriptor)", e))?;
        let mut peer_identities = Vec::new();
        let mut certificates = Vec::new();
        for a in Attrs::new(msg.payload().get(4..).unwrap_or_default()) {
            let a = a?;
            match a.kind() {
                HANDSHAKE_A_ACCEPT_PEER_IDENTITY => peer_identities.push(a.u32()?),
                HANDSHAKE_A_ACCEPT_CERTIFICATE => {
                    let mut cert = (None, None);
                    for x in Attrs::new(a.payload()) {
                        let x = x?;
                        match x.kind() {
                            HANDSHAKE_A_X509_CERT => cert.0 = Some(x.i32()?),
                            HANDSHAKE_A_X509_PRIVKEY => cert.1 = Some(x.i32()?),
                            _ => {}
                        }
                    }
                    certificates.push(cert);
                }
                _ => {}
            }
        }
        Ok(Pending {
            sock,
            sockfd,
            message_type: v.message_type.unwrap_or(0),
            timeout_ms: v.timeout.unwrap_or(0),
            auth_mode: v.auth_mode.unwrap_or(0),
            peer_identities,
            certificates,
            peername: v.peername.map(str::to_string),
        })
    }
}

/// Takes the next request queued for handler class `class`
/// ([`handler_class::TLSHD`]). When none is queued the kernel refuses with
/// `EAGAIN` ([`nothing_queued`]).
pub fn accept(family: &Family, class: u32) -> impl Request<Output = Pending> + '_ {
    let h = header(family, HANDSHAKE_CMD_ACCEPT);
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&h)?;
        b.attr_u32(HANDSHAKE_A_ACCEPT_HANDLER_CLASS, class)
    };
    Get::new(family.id, body, |m: Message<'_>| Pending::parse(&m))
}

/// Whether `e`, from [`accept`], says no request was queued.
pub fn nothing_queued(e: &Error) -> bool {
    matches!(e, Error::Kernel(k) if k.errno == libc::EAGAIN)
}

/// Reports the handshake on `pending` done with `status`: 0 for success,
/// else a positive errno the consumer gets (negated, as the kernel's
/// errors are), and the keys that authenticated the peer.
pub fn done<'a>(
    family: &'a Family,
    pending: &Pending,
    status: u32,
    remote_auth: &'a [u32],
) -> impl Request<Output = ()> + 'a {
    let h = header(family, HANDSHAKE_CMD_DONE);
    let fd = pending.sockfd;
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&h)?;
        b.attr_u32(HANDSHAKE_A_DONE_STATUS, status)?;
        b.attr_i32(HANDSHAKE_A_DONE_SOCKFD, fd)?;
        for &k in remote_auth {
            b.attr_u32(HANDSHAKE_A_DONE_REMOTE_AUTH, k)?;
        }
        Ok(())
    };
    Ack { message_type: family.id, flags: Flags::empty(), body }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nlkit_wire::{Header, MessageType, Messages};
    use std::os::fd::{AsRawFd, IntoRawFd};

    /// An accept reply as the kernel builds it (tls_handshake_accept), with
    /// a descriptor this process really has.
    #[test]
    fn an_accept_reply_is_read_and_its_descriptor_owned() {
        let fd = std::fs::File::open("/dev/null").unwrap().into_raw_fd();
        let mut out = Vec::new();
        let header = Header {
            message_type: MessageType::from(0x1f),
            flags: Flags::empty(),
            sequence: 1,
            port: 0,
        };
        let mut b = MessageBuilder::new(&mut out, header).unwrap();
        b.append(&[HANDSHAKE_CMD_ACCEPT, 1, 0, 0]).unwrap();
        b.attr_i32(HANDSHAKE_A_ACCEPT_SOCKFD, fd).unwrap();
        b.attr_u32(HANDSHAKE_A_ACCEPT_MESSAGE_TYPE, msg_type::SERVERHELLO).unwrap();
        b.attr_u32(HANDSHAKE_A_ACCEPT_TIMEOUT, 10_000).unwrap();
        b.attr_u32(HANDSHAKE_A_ACCEPT_AUTH_MODE, auth::X509).unwrap();
        b.attr_u32(HANDSHAKE_A_ACCEPT_PEER_IDENTITY, 7).unwrap();
        b.attr_u32(HANDSHAKE_A_ACCEPT_PEER_IDENTITY, 9).unwrap();
        let n = b.nest(HANDSHAKE_A_ACCEPT_CERTIFICATE).unwrap();
        b.attr_i32(HANDSHAKE_A_X509_CERT, 11).unwrap();
        b.attr_i32(HANDSHAKE_A_X509_PRIVKEY, 12).unwrap();
        b.nest_end(n).unwrap();
        b.attr_str(HANDSHAKE_A_ACCEPT_PEERNAME, "nvme.example").unwrap();
        let _ = b.finish();
        let msg = Messages::new(&out).next().unwrap().unwrap();
        let p = Pending::parse(&msg).unwrap();
        assert_eq!((p.sock.as_raw_fd(), p.sockfd), (fd, fd));
        assert_eq!((p.message_type, p.timeout_ms, p.auth_mode), (2, 10_000, 3));
        assert_eq!(p.peer_identities, [7, 9]);
        assert_eq!(p.certificates, [(Some(11), Some(12))]);
        assert_eq!(p.peername.as_deref(), Some("nvme.example"));
        // A number that is not an open descriptor is never adopted (-1:
        // no other test's descriptor can have it).
        let mut out = Vec::new();
        let mut b = MessageBuilder::new(&mut out, header).unwrap();
        b.append(&[HANDSHAKE_CMD_ACCEPT, 1, 0, 0]).unwrap();
        b.attr_i32(HANDSHAKE_A_ACCEPT_SOCKFD, -1).unwrap();
        let _ = b.finish();
        let msg = Messages::new(&out).next().unwrap().unwrap();
        let Error::Io { .. } = Pending::parse(&msg).unwrap_err() else { panic!("adopted -1") };
    }
}
