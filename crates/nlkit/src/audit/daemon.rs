//! The audit daemon's stream: a process registers as *the* audit daemon
//! (`AUDIT_SET` with `AUDIT_STATUS_PID` and its own pid, from the socket
//! that is to receive) and the kernel then sends it every record by
//! unicast, holding them in its backlog (`backlog_limit`) while the
//! daemon is slow, where the multicast copy ([`AuditLog`](super::events::AuditLog))
//! drops them. One daemon at a time: the kernel refuses a second while the
//! first lives (`EEXIST`), and lets only the registered one unregister
//! (`AUDIT_SET` with pid 0). When the daemon's socket closes the kernel
//! notices at its next send and falls back to the kernel log.
//!
//! The answer to the registration comes on the same socket as the records
//! (before or after the first of them, by kernel version: Linux sends it
//! first since a 2024 fix), so [`AuditDaemon`] reads both: each datagram
//! is a [`Delivery`], a record or an answer. The unregistration
//! ([`unregister`]) may come from any socket of the process.

use super::events::Record;
use super::{Status, AUDIT_SET, AUDIT_STATUS_PID};
use crate::error::{Error, Result};
use crate::socket::Socket;
use crate::sub::{Framing, Sender, Source, Unit};
use nlkit_wire::{Flags, Header, MessageBuilder, MessageType};

/// What the daemon's socket receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// A record.
    Record(Record),
    /// `AUDIT_REPLACE`: the kernel testing that the daemon is alive,
    /// because process `pid` asked to take its place (refused while this
    /// one reads; a daemon does nothing with it).
    Replace {
        /// The pid that asked.
        pid: u32,
    },
    /// The kernel's answer to a request this socket sent (`NLMSG_ERROR`):
    /// its sequence number and errno (0: done).
    Answer {
        /// The request's sequence number.
        sequence: u32,
        /// 0, or the positive errno of the refusal.
        errno: i32,
    },
}

/// The daemon's unicast stream as a subscription source: no group, each
/// datagram one record (read whatever its `nlmsg_len` says; see
/// [`events`](super::events)) or an answer, from the kernel (port 0) only.
#[derive(Debug, Clone, Copy, Default)]
pub struct AuditDaemon;

impl Source for AuditDaemon {
    type Event<'a> = Delivery;

    fn protocol(&self) -> crate::Protocol {
        crate::Protocol::AUDIT
    }

    fn groups(&self) -> Vec<u32> {
        Vec::new()
    }

    fn framing(&self) -> Framing {
        Framing::Datagram
    }

    fn admit(&self, sender: &Sender) -> std::result::Result<(), &'static str> {
        match sender.port {
            0 => Ok(()),
            _ => Err("not from the kernel (port id is not 0)"),
        }
    }

    fn decode<'a>(&self, unit: Unit<'a>) -> Result<Delivery> {
        let datagram = match unit {
            Unit::Datagram(d) => d,
            Unit::Message(m) => m.bytes(),
        };
        if let Some(a) = answer(datagram) {
            return Ok(a);
        }
        let kind = datagram.get(4..6).map(|t| u16::from_ne_bytes([t[0], t[1]]));
        if kind != Some(AUDIT_REPLACE) {
            return Record::parse(datagram).map(Delivery::Record);
        }
        match datagram.get(16..20) {
            Some(p) => Ok(Delivery::Replace { pid: u32::from_ne_bytes([p[0], p[1], p[2], p[3]]) }),
            None => Err(Error::Malformed { what: "AUDIT_REPLACE", why: "shorter than its pid" }),
        }
    }
}

/// `AUDIT_REPLACE`: the kernel's probe of a registered daemon.
pub const AUDIT_REPLACE: u16 = 1329;

/// An `NLMSG_ERROR` datagram as an answer (the errno right after the
/// header; the echoed request is not needed).
fn answer(datagram: &[u8]) -> Option<Delivery> {
    let kind = u16::from_ne_bytes(datagram.get(4..6)?.try_into().ok()?);
    if kind != MessageType::ERROR {
        return None;
    }
    let sequence = u32::from_ne_bytes(datagram.get(8..12)?.try_into().ok()?);
    let error = i32::from_ne_bytes(datagram.get(16..20)?.try_into().ok()?);
    Some(Delivery::Answer { sequence, errno: error.checked_neg().unwrap_or(i32::MAX) })
}

/// The `AUDIT_SET` request that makes `pid` the daemon (0: none), with an
/// answer asked for.
pub fn set_pid_message(pid: u32, sequence: u32) -> Result<Vec<u8>> {
    let status = Status { mask: AUDIT_STATUS_PID, pid, ..Status::default() };
    let header = Header {
        message_type: MessageType::from(AUDIT_SET),
        flags: Flags::REQUEST | Flags::ACK,
        sequence,
        port: 0,
    };
    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, header).map_err(Error::Wire)?;
    b.append(&status.to_bytes()).map_err(Error::Wire)?;
    b.finish();
    Ok(out)
}

/// Sends the registration of this process as the daemon on `socket` (the
/// one that will receive): the answer comes as a [`Delivery::Answer`] with
/// `sequence`.
pub fn register(socket: &Socket, sequence: u32) -> Result<()> {
    socket.send(&set_pid_message(std::process::id(), sequence)?)?;
    Ok(())
}

/// The end of this process's registration (`AUDIT_SET` of pid 0), as a
/// request for any of its connections: the kernel checks the pid, not
/// the socket.
pub fn unregister() -> impl crate::engine::Request<Output = ()> {
    super::set(Status { mask: AUDIT_STATUS_PID, pid: 0, ..Status::default() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::{RecvBuf, SocketAddr};
    use crate::sub::{Batch, Counts, Item};

    fn datagram(kind: u16, body: &[u8]) -> Vec<u8> {
        let header = Header { message_type: MessageType::from(kind), ..Header::new(kind) };
        let mut out = Vec::new();
        let mut b = MessageBuilder::new(&mut out, header).unwrap();
        b.append(body).unwrap();
        b.finish();
        out
    }

    fn read(bytes: &[u8], port: u32) -> Vec<Item<Delivery>> {
        let (mut counts, mut buf) = (Counts::default(), RecvBuf::new());
        buf.set(bytes, SocketAddr::port(port));
        Batch::read(&AuditDaemon, &mut counts, &buf).collect()
    }

    #[test]
    fn records_and_answers_come_apart() {
        let text = b"audit(1700000000.123:42): arch=c000003e syscall=59 success=yes";
        let items = read(&datagram(1300, text), 0);
        let [Item::Event { event: Delivery::Record(r), .. }] = &items[..] else {
            panic!("{items:?}")
        };
        assert_eq!((r.kind, r.serial, r.time), (1300, 42, (1_700_000_000, 123)));
        // An answer: -EEXIST, then the echoed request's header.
        let mut body = (-17i32).to_ne_bytes().to_vec();
        body.extend_from_slice(&set_pid_message(7, 9).unwrap()[..16]);
        let mut ack = datagram(MessageType::ERROR, &body);
        ack[8..12].copy_from_slice(&9u32.to_ne_bytes());
        let items = read(&ack, 0);
        assert!(
            matches!(
                items[..],
                [Item::Event { event: Delivery::Answer { sequence: 9, errno: 17 }, .. }]
            ),
            "{items:?}"
        );
        // From a process: refused, whatever it says.
        assert!(matches!(read(&datagram(1300, text), 4242)[..], [Item::Refused { .. }]));
        // Cut short: an error, not a panic.
        assert!(matches!(read(&ack[..18], 0)[..], [Item::Malformed(_)]));
        for n in 0..20 {
            let _ = read(&ack[..n], 0);
        }
        // The kernel's probe, its pid in binary.
        let probe = datagram(AUDIT_REPLACE, &721u32.to_ne_bytes());
        assert!(matches!(
            read(&probe, 0)[..],
            [Item::Event { event: Delivery::Replace { pid: 721 }, .. }]
        ));
        assert!(matches!(read(&probe[..18], 0)[..], [Item::Malformed(_)]));
    }

    #[test]
    fn the_registration_is_an_audit_set_of_the_pid() {
        let m = set_pid_message(1234, 5).unwrap();
        assert_eq!(m.len(), 16 + Status::LEN);
        assert_eq!(u16::from_ne_bytes([m[4], m[5]]), AUDIT_SET);
        assert_eq!(u16::from_ne_bytes([m[6], m[7]]), (Flags::REQUEST | Flags::ACK).bits());
        let s = Status::parse(&m[16..]).unwrap();
        assert_eq!((s.mask, s.pid, s.enabled), (AUDIT_STATUS_PID, 1234, 0));
    }
}
