//! `TASKSTATS` (generic netlink, `<linux/taskstats.h>`, the kernel's
//! Documentation/accounting/taskstats.rst): per-task and per-thread-group
//! accounting (CPU time, delays, faults, I/O, context switches), asked for
//! one pid or thread group, or sent by the kernel as each task exits to
//! the sockets registered for the CPUs it ran on.
//!
//! The tables ([`tables`]) are written by hand in the generated format,
//! as the kernel has no spec for this family. [`Stats`] is a reply or an
//! exit notice read from them; [`pid`] and [`tgid`] are the requests;
//! [`Exits`] is the exit listener as a subscription source.
//!
//! The structure grows at its end with each version (13 in the pinned
//! header; Linux 6.18 sends 16): nlkit reads the fields it knows and keeps
//! the rest of the kernel's bytes in [`Task::tail`].

pub mod tables;

use super::Family;
use crate::engine::{Get, Request};
use crate::error::{Error, Result};
use crate::genl::GenlMsgHdr;
use crate::proto::View;
use crate::socket::{Protocol, Socket, SocketAddr};
use crate::sub::{Sender, Source, Unit};
use nlkit_wire::{Flags, Header, Message, MessageBuilder, MessageType};
use tables::*;

pub use tables::Taskstats;

/// The family's name, to resolve it.
pub const FAMILY: &str = TASKSTATS_GENL_NAME;

/// One task's (or thread group's) statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// The pid or tgid the kernel names.
    pub id: u32,
    /// The structure's fields nlkit knows (version 13's).
    pub stats: Taskstats,
    /// The kernel's bytes after them (fields of newer versions), as sent.
    pub tail: Vec<u8>,
}

/// A reply (`TASKSTATS_CMD_NEW`): the task's statistics, and its thread
/// group's when the kernel adds them (an exit notice of a group's last
/// thread; a `tgid` request).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stats {
    /// `TASKSTATS_TYPE_AGGR_PID`.
    pub pid: Option<Task>,
    /// `TASKSTATS_TYPE_AGGR_TGID`.
    pub tgid: Option<Task>,
}

fn task(aggr: Option<Aggr<'_>>, which: &'static str) -> Result<Option<Task>> {
    let Some(a) = aggr else { return Ok(None) };
    if let Some(bad) = a.malformed().next() {
        return Err(Error::Wire(bad.error));
    }
    let id = a.pid.or(a.tgid).ok_or(Error::MissingAttr { set: "aggr", attr: which })?;
    let stats = a.stats.ok_or(Error::MissingAttr { set: "aggr", attr: "TASKSTATS_TYPE_STATS" })?;
    let raw = a.raw_attr(TASKSTATS_TYPE_STATS).map(|r| r.payload()).unwrap_or(&[]);
    let tail = raw.get(Taskstats::LEN..).unwrap_or(&[]).to_vec();
    Ok(Some(Task { id, stats, tail }))
}

impl Stats {
    /// Reads a reply or exit notice.
    pub fn parse(msg: &Message<'_>) -> Result<Stats> {
        let v = Reply::parse(msg)?;
        if let Some(bad) = v.malformed().next() {
            return Err(Error::Wire(bad.error));
        }
        Ok(Stats {
            pid: task(v.aggr_pid, "TASKSTATS_TYPE_PID")?,
            tgid: task(v.aggr_tgid, "TASKSTATS_TYPE_TGID")?,
        })
    }
}

fn get(family: &Family, cmd: CmdBuilder) -> impl Request<Output = Stats> {
    let cmd = CmdBuilder {
        header: GenlMsgHdr { cmd: TASKSTATS_CMD_GET, version: family.version as u8, reserved: 0 },
        ..cmd
    };
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| cmd.emit(b);
    Get::new(family.id, body, |m: Message<'_>| Stats::parse(&m))
}

/// The statistics of task `pid` (a thread id: one thread).
pub fn pid(family: &Family, pid: u32) -> impl Request<Output = Stats> {
    get(family, CmdBuilder { pid: Some(pid), ..Default::default() })
}

/// The statistics of thread group `tgid`, summed over its threads, living
/// and exited.
pub fn tgid(family: &Family, tgid: u32) -> impl Request<Output = Stats> {
    get(family, CmdBuilder { tgid: Some(tgid), ..Default::default() })
}

/// The exit listener: the kernel sends each exiting task's statistics
/// (and its thread group's, when it was the last thread) to the sockets
/// registered for the CPU it exited on. Opening it registers the
/// subscription's socket for `cpumask` (a list such as `0-3,5`); the
/// kernel forgets a listener when its socket closes.
///
/// Notices come unicast from the kernel: any other sender is refused. A
/// registration the kernel refuses (a mask naming CPUs that do not exist)
/// comes back as an error message, read as [`Exit::Refused`].
#[derive(Debug, Clone)]
pub struct Exits {
    /// The resolved family.
    pub family: Family,
    /// The CPUs to listen on, in the kernel's list format.
    pub cpumask: String,
}

/// An item of [`Exits`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    /// A task exited.
    Exited(Box<Stats>),
    /// The kernel refused the registration, with this errno.
    Refused(i32),
    /// A message of another type, kept.
    Other(u16),
}

impl Source for Exits {
    type Event<'a> = Exit;

    fn protocol(&self) -> Protocol {
        Protocol::GENERIC
    }

    fn groups(&self) -> Vec<u32> {
        Vec::new()
    }

    fn admit(&self, sender: &Sender) -> std::result::Result<(), &'static str> {
        match sender.port {
            0 => Ok(()),
            _ => Err("not from the kernel (port id is not 0)"),
        }
    }

    fn decode<'a>(&self, unit: Unit<'a>) -> Result<Exit> {
        let Unit::Message(m) = unit else { return Ok(Exit::Other(0)) };
        let ty = u16::from(m.header().message_type);
        if ty == self.family.id {
            return Stats::parse(&m).map(|s| Exit::Exited(Box::new(s)));
        }
        if m.header().message_type == MessageType::Error {
            let e =
                m.payload().get(..4).map_or(0, |b| i32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
            if e != 0 {
                return Ok(Exit::Refused(-e));
            }
        }
        Ok(Exit::Other(ty))
    }

    /// Registers the socket for the CPUs (`REGISTER_CPUMASK`; no ACK is
    /// asked, a refusal comes as an error message).
    fn configure(&self, socket: &Socket) -> Result<()> {
        socket.set_pktinfo(true)?;
        let mut buf = Vec::new();
        let mut header = Header::new(self.family.id);
        header.port = socket.port();
        header.flags = Flags::REQUEST;
        let mut b = MessageBuilder::new(&mut buf, header)?;
        let version = self.family.version as u8;
        CmdBuilder {
            header: GenlMsgHdr { cmd: TASKSTATS_CMD_GET, version, reserved: 0 },
            register_cpumask: Some(self.cpumask.clone()),
            ..Default::default()
        }
        .emit(&mut b)?;
        b.finish();
        socket.send_to(&buf, SocketAddr::port(0))?;
        Ok(())
    }
}

/// Every CPU this process may know of, in the kernel's list format (from
/// `/sys/devices/system/cpu/possible`, `0` if it cannot be read).
pub fn possible_cpus() -> String {
    std::fs::read_to_string("/sys/devices/system/cpu/possible")
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|_| "0".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nlkit_wire::Messages;

    #[test]
    fn a_reply_reads_with_a_longer_structure_kept_as_tail() {
        let mut stats = Taskstats { version: 16, ac_pid: 42, ..Default::default() };
        stats.ac_comm.0[..4].copy_from_slice(b"true");
        let mut payload = stats.to_bytes().to_vec();
        payload.extend_from_slice(&[0xaa; 24]);
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, Header::new(0x1f)).unwrap();
        b.append(&GenlMsgHdr { cmd: TASKSTATS_CMD_NEW, version: 1, reserved: 0 }.to_bytes())
            .unwrap();
        b.attr(TASKSTATS_TYPE_NULL, &[]).unwrap();
        let nest = b.nest(TASKSTATS_TYPE_AGGR_PID).unwrap();
        b.attr_u32(TASKSTATS_TYPE_PID, 42).unwrap();
        b.attr(TASKSTATS_TYPE_STATS, &payload).unwrap();
        b.nest_end(nest).unwrap();
        b.finish();
        let msg = Messages::new(&buf).next().unwrap().unwrap();
        let s = Stats::parse(&msg).unwrap();
        let t = s.pid.unwrap();
        assert_eq!((t.id, t.stats.version, t.stats.ac_pid), (42, 16, 42));
        assert_eq!(t.stats.ac_comm.as_str(), Some("true"));
        assert_eq!(t.tail, [0xaa; 24]);
        assert!(s.tgid.is_none());
    }

    #[test]
    fn a_short_structure_is_an_error_not_a_panic() {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, Header::new(0x1f)).unwrap();
        b.append(&GenlMsgHdr::default().to_bytes()).unwrap();
        let nest = b.nest(TASKSTATS_TYPE_AGGR_PID).unwrap();
        b.attr_u32(TASKSTATS_TYPE_PID, 1).unwrap();
        b.attr(TASKSTATS_TYPE_STATS, &[0; 100]).unwrap();
        b.nest_end(nest).unwrap();
        b.finish();
        let msg = Messages::new(&buf).next().unwrap().unwrap();
        assert!(Stats::parse(&msg).is_err());
    }
}
