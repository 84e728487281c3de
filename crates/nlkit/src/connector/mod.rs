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
//! simply never come. (Values below are from the 6.1 uapi headers, but
//! for `struct proc_input` and the event mask, which Linux 6.6 added.)
//!
//! Since Linux 6.6 a listener may name the events it wants (`struct
//! proc_input`) and the kernel drops the others before they are queued;
//! [`ProcEvents::events`] does that where the kernel can (older kernels
//! would ignore such a request entirely, so they are sent the old one and
//! the caller filters). Every event carries its CPU's sequence number
//! (`cn_msg.seq`, one counter per CPU): [`SeqGaps`] counts the events lost
//! between two that arrived, exactly, when every event is asked for.

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

/// Every event type (`PROC_EVENT_ALL`, Linux 6.6 `<linux/cn_proc.h>`):
/// fork, exec, uid, gid, sid, ptrace, comm, non-zero exit, coredump, exit.
pub const PROC_EVENT_ALL: u32 =
    0x1 | 0x2 | 0x4 | 0x40 | 0x80 | 0x100 | 0x200 | 0x2000_0000 | 0x4000_0000 | 0x8000_0000;

/// One process event with its CPU and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Process {
    /// The CPU it happened on.
    pub cpu: u32,
    /// That CPU's event counter (`cn_msg.seq`): consecutive for the
    /// events of one CPU.
    pub seq: u32,
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
        Ok(Process { cpu, seq: cn.seq, timestamp_ns, event })
    }
}

/// The proc connector as a subscription source; see the module docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcEvents {
    /// The events wanted (`PROC_EVENT_*` bits; [`PROC_EVENT_ALL`] by
    /// default), filtered by the kernel where it can (6.6 and later).
    pub events: u32,
}

impl Default for ProcEvents {
    fn default() -> Self {
        ProcEvents { events: PROC_EVENT_ALL }
    }
}

impl ProcEvents {
    /// Whether the running kernel filters events per listener (Linux 6.6
    /// and later, from `/proc/sys/kernel/osrelease`).
    pub fn kernel_filters() -> bool {
        let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let mut parts = release.trim().split(['.', '-']).map(|p| p.parse::<u32>().unwrap_or(0));
        let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        (major, minor) >= (6, 6)
    }

    /// Whether the kernel will drop the events not wanted (a mask narrower
    /// than all, on a kernel that filters).
    pub fn filtered_in_kernel(&self) -> bool {
        self.events & PROC_EVENT_ALL != PROC_EVENT_ALL && ProcEvents::kernel_filters()
    }
}

/// Writes a `PROC_CN_MCAST_LISTEN` or `_IGNORE` request from `port`.
pub fn mcast_request(op: u32, port: u32) -> Vec<u8> {
    request(&op.to_ne_bytes(), port)
}

/// Writes a listen request naming the events wanted (`struct proc_input`,
/// Linux 6.6): older kernels ignore it whole.
pub fn filtered_request(events: u32, port: u32) -> Vec<u8> {
    let mut input = [0u8; 8];
    input[..4].copy_from_slice(&PROC_CN_MCAST_LISTEN.to_ne_bytes());
    input[4..].copy_from_slice(&events.to_ne_bytes());
    request(&input, port)
}

fn request(data: &[u8], port: u32) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut header = Header::new(u16::from(nlkit_wire::MessageType::Done));
    header.port = port;
    if let Ok(mut b) = MessageBuilder::new(&mut buf, header) {
        let len = data.len() as u16;
        let cn = CnMsg { idx: CN_IDX_PROC, val: CN_VAL_PROC, len, ..Default::default() };
        let _ = b.append(&cn.to_bytes());
        let _ = b.append(data);
        let _ = b.finish();
    }
    buf
}

/// Events lost, from the gaps in each CPU's sequence numbers: exact when
/// every event is delivered (no kernel-side filter: the counters count
/// the events filtered out too), from the first event seen on each CPU
/// (what a CPU lost before its first event that arrived cannot be known).
#[derive(Debug, Clone, Default)]
pub struct SeqGaps {
    last: std::collections::HashMap<u32, u32>,
    /// Events lost so far.
    pub lost: u64,
}

impl SeqGaps {
    /// Records `p`; returns how many events of its CPU were lost just
    /// before it. Answers to listen requests count too: the kernel numbers
    /// them with the same counters (`send_msg`), and sends every
    /// listener's answer to every listener.
    pub fn see(&mut self, p: &Process) -> u64 {
        let gap = match self.last.insert(p.cpu, p.seq) {
            Some(prev) => u64::from(p.seq.wrapping_sub(prev).wrapping_sub(1)),
            None => 0,
        };
        // A counter that went backwards (a CPU's counter never does) is
        // not a loss of four billion events: start again from it.
        let gap = if gap > u64::from(u32::MAX / 2) { 0 } else { gap };
        self.lost += gap;
        gap
    }
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
    /// (`PROC_CN_MCAST_LISTEN`, which it answers with no ACK), naming the
    /// events wanted where the kernel filters.
    fn configure(&self, socket: &Socket) -> Result<()> {
        socket.set_pktinfo(true)?;
        socket.add_membership(CN_IDX_PROC)?;
        let request = match self.filtered_in_kernel() {
            true => filtered_request(self.events, socket.port()),
            false => mcast_request(PROC_CN_MCAST_LISTEN, socket.port()),
        };
        socket.send_to(&request, SocketAddr::port(0))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(cpu: u32, seq: u32) -> Process {
        Process { cpu, seq, timestamp_ns: 0, event: ProcEvent::Sid(1, 1) }
    }

    #[test]
    fn gaps_are_counted_per_cpu() {
        let mut g = SeqGaps::default();
        assert_eq!([g.see(&at(0, 10)), g.see(&at(1, 500)), g.see(&at(0, 11))], [0, 0, 0]);
        assert_eq!(g.see(&at(0, 15)), 3);
        assert_eq!(g.see(&at(1, 502)), 1);
        assert_eq!(g.see(&at(1, 0)), 0, "backwards: no loss");
        let ack = Process { event: ProcEvent::Ack { err: 0 }, ..at(0, 16) };
        assert_eq!(g.see(&ack), 0);
        assert_eq!(g.see(&at(0, 17)), 0, "an answer is numbered as the events are");
        assert_eq!(g.lost, 4);
        assert_eq!(g.see(&at(2, u32::MAX)) + g.see(&at(2, 0)), 0, "wraps");
    }

    #[test]
    fn a_filtered_request_carries_proc_input() {
        let r = filtered_request(0x8000_0000, 7);
        // nlmsghdr (16) + cn_msg (20) + proc_input (8).
        assert_eq!(r.len(), 44);
        assert_eq!(&r[16 + 16..16 + 18], &8u16.to_ne_bytes());
        assert_eq!(&r[36..40], &PROC_CN_MCAST_LISTEN.to_ne_bytes());
        assert_eq!(&r[40..44], &0x8000_0000u32.to_ne_bytes());
        assert_eq!(mcast_request(PROC_CN_MCAST_LISTEN, 7).len(), 40);
    }
}
