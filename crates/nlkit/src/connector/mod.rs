//! The proc connector (`NETLINK_CONNECTOR`, `<linux/connector.h>`,
//! `<linux/cn_proc.h>`): process events (fork, exec, uid and gid changes,
//! setsid, ptrace, comm, coredump, exit) as a subscription source.
//!
//! Each event is a netlink message of type `NLMSG_DONE` holding a
//! `struct cn_msg` (the connector's header: id `CN_IDX_PROC`/`CN_VAL_PROC`)
//! and a `struct proc_event`. [`ProcEvents`] joins the group and sends
//! `PROC_CN_MCAST_LISTEN` when its subscription opens; only datagrams from
//! the kernel (port id 0) are read. The kernel ignores listen requests
//! from a non-initial user or pid namespace without answering: events then
//! simply never come. (Values below are from the 6.1 uapi headers.)

use crate::error::{Error, Result};
use crate::socket::{Protocol, Socket, SocketAddr};
use crate::sub::{Sender, Source, Unit};
use nlkit_wire::{Error as WireError, Header, MessageBuilder};

/// `CN_IDX_PROC` and `CN_VAL_PROC`: the proc connector's id.
pub const CN_IDX_PROC: u32 = 1;
/// See [`CN_IDX_PROC`].
pub const CN_VAL_PROC: u32 = 1;
/// `PROC_CN_MCAST_LISTEN`.
pub const PROC_CN_MCAST_LISTEN: u32 = 1;
/// `PROC_CN_MCAST_IGNORE`.
pub const PROC_CN_MCAST_IGNORE: u32 = 2;

crate::fixed_struct! {
    /// `struct cn_msg` without its data.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct CnMsg as "cn_msg" {
        /// `id.idx`.
        pub idx: u32,
        /// `id.val`.
        pub val: u32,
        /// Sequence number.
        pub seq: u32,
        /// Acknowledgement number.
        pub ack: u32,
        /// Length of the data after the header.
        pub len: u16,
        /// Flags.
        pub flags: u16,
    }
}

/// What a process event says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcEvent {
    /// `PROC_EVENT_NONE`: the answer to a listen request (`err`).
    Ack {
        /// The error (0: listening).
        err: u32,
    },
    /// `PROC_EVENT_FORK`.
    Fork {
        /// The parent's thread and process ids.
        parent: (i32, i32),
        /// The child's thread and process ids.
        child: (i32, i32),
    },
    /// `PROC_EVENT_EXEC`: (thread id, process id).
    Exec(i32, i32),
    /// `PROC_EVENT_UID`: (thread id, process id, real uid, effective uid).
    Uid(i32, i32, u32, u32),
    /// `PROC_EVENT_GID`: (thread id, process id, real gid, effective gid).
    Gid(i32, i32, u32, u32),
    /// `PROC_EVENT_SID`: (thread id, process id).
    Sid(i32, i32),
    /// `PROC_EVENT_PTRACE`: the process and its tracer (thread, process).
    Ptrace {
        /// The traced process.
        process: (i32, i32),
        /// The tracer (0 when detached).
        tracer: (i32, i32),
    },
    /// `PROC_EVENT_COMM`: (thread id, process id, the new name).
    Comm(i32, i32, [u8; 16]),
    /// `PROC_EVENT_COREDUMP`: the process and its parent.
    Coredump {
        /// The process.
        process: (i32, i32),
        /// Its parent.
        parent: (i32, i32),
    },
    /// `PROC_EVENT_EXIT`.
    Exit {
        /// The process (thread id, process id).
        process: (i32, i32),
        /// The wait status (`exit_code`: the exit status is `>> 8`).
        exit_code: u32,
        /// The signal sent to the parent.
        exit_signal: u32,
        /// Its parent.
        parent: (i32, i32),
    },
    /// A kind this version does not name, with its data.
    Other {
        /// `what`.
        what: u32,
    },
}

/// One process event with its CPU and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Process {
    /// The CPU it happened on.
    pub cpu: u32,
    /// Nanoseconds since boot.
    pub timestamp_ns: u64,
    /// What happened.
    pub event: ProcEvent,
}

impl Process {
    /// Reads a `struct cn_msg` and the `struct proc_event` after it.
    pub fn parse(payload: &[u8]) -> Result<Process> {
        let cn = CnMsg::parse(payload)?;
        if (cn.idx, cn.val) != (CN_IDX_PROC, CN_VAL_PROC) {
            return Err(Error::UnexpectedType { expected: CN_IDX_PROC as u16, got: cn.idx as u16 });
        }
        let data = &payload[CnMsg::LEN..];
        let short = || Error::Wire(WireError::Truncated { need: 16, have: data.len() });
        let u32_at = |at: usize| -> Result<u32> {
            let b = data.get(at..at + 4).ok_or_else(short)?;
            Ok(u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
        };
        let i32_at = |at: usize| u32_at(at).map(|v| v as i32);
        let what = u32_at(0)?;
        let cpu = u32_at(4)?;
        let ts = data.get(8..16).ok_or_else(short)?;
        let timestamp_ns =
            u64::from_ne_bytes([ts[0], ts[1], ts[2], ts[3], ts[4], ts[5], ts[6], ts[7]]);
        const D: usize = 16; // the union
        let pair = |at: usize| -> Result<(i32, i32)> { Ok((i32_at(D + at)?, i32_at(D + at + 4)?)) };
        let event = match what {
            0 => ProcEvent::Ack { err: u32_at(D)? },
            0x1 => ProcEvent::Fork { parent: pair(0)?, child: pair(8)? },
            0x2 => ProcEvent::Exec(i32_at(D)?, i32_at(D + 4)?),
            0x4 => ProcEvent::Uid(i32_at(D)?, i32_at(D + 4)?, u32_at(D + 8)?, u32_at(D + 12)?),
            0x40 => ProcEvent::Gid(i32_at(D)?, i32_at(D + 4)?, u32_at(D + 8)?, u32_at(D + 12)?),
            0x80 => ProcEvent::Sid(i32_at(D)?, i32_at(D + 4)?),
            0x100 => ProcEvent::Ptrace { process: pair(0)?, tracer: pair(8)? },
            0x200 => {
                let name = data.get(D + 8..D + 24).ok_or_else(short)?;
                let mut comm = [0u8; 16];
                comm.copy_from_slice(name);
                ProcEvent::Comm(i32_at(D)?, i32_at(D + 4)?, comm)
            }
            0x4000_0000 => ProcEvent::Coredump { process: pair(0)?, parent: pair(8)? },
            0x8000_0000 => ProcEvent::Exit {
                process: pair(0)?,
                exit_code: u32_at(D + 8)?,
                exit_signal: u32_at(D + 12)?,
                parent: pair(16)?,
            },
            what => ProcEvent::Other { what },
        };
        Ok(Process { cpu, timestamp_ns, event })
    }
}

/// The proc connector as a subscription source; see the module docs.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcEvents;

/// Writes a `PROC_CN_MCAST_LISTEN` or `_IGNORE` request from `port`.
pub fn mcast_request(op: u32, port: u32) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut header = Header::new(u16::from(nlkit_wire::MessageType::Done));
    header.port = port;
    if let Ok(mut b) = MessageBuilder::new(&mut buf, header) {
        let cn = CnMsg { idx: CN_IDX_PROC, val: CN_VAL_PROC, len: 4, ..Default::default() };
        let _ = b.append(&cn.to_bytes());
        let _ = b.append(&op.to_ne_bytes());
        let _ = b.finish();
    }
    buf
}

impl Source for ProcEvents {
    type Event<'a> = Process;

    fn protocol(&self) -> Protocol {
        Protocol::CONNECTOR
    }

    fn groups(&self) -> Vec<u32> {
        vec![CN_IDX_PROC]
    }

    fn admit(&self, sender: &Sender) -> std::result::Result<(), &'static str> {
        match sender.port {
            0 => Ok(()),
            _ => Err("not from the kernel: sender port id is not 0"),
        }
    }

    fn decode<'a>(&self, unit: Unit<'a>) -> Result<Process> {
        match unit {
            Unit::Message(m) => Process::parse(m.payload()),
            Unit::Datagram(b) => Process::parse(b),
        }
    }

    /// Joins the group, then asks the kernel to send process events
    /// (`PROC_CN_MCAST_LISTEN`, which it answers with no ACK).
    fn configure(&self, socket: &Socket) -> Result<()> {
        socket.set_pktinfo(true)?;
        socket.add_membership(CN_IDX_PROC)?;
        socket.send_to(&mcast_request(PROC_CN_MCAST_LISTEN, socket.port()), SocketAddr::port(0))?;
        Ok(())
    }
}
