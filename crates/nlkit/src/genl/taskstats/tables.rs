//! The `TASKSTATS` family's tables, written by hand (the kernel has no YNL
//! spec for it) in the generated tables' format, from `<linux/taskstats.h>`
//! of the pinned uapi snapshot (`tools/uapi/linux-6.1/`, version 13 of the
//! structure). A test reads that header and checks every constant and the
//! structure's size.
#![allow(missing_docs)]

use crate::proto::codec::*;
use crate::proto::{Chars, NoHeader};

/// The family's name, to resolve it.
pub const TASKSTATS_GENL_NAME: &str = "TASKSTATS";
/// The structure version these tables describe.
pub const TASKSTATS_VERSION: u16 = 13;
/// `TS_COMM_LEN`: the command name's bytes.
pub const TS_COMM_LEN: usize = 32;

/// User to kernel: statistics of a pid or thread group; listener
/// registration.
pub const TASKSTATS_CMD_GET: u8 = 1;
/// Kernel to user: a reply, or an exit notice.
pub const TASKSTATS_CMD_NEW: u8 = 2;

pub const TASKSTATS_TYPE_PID: u16 = 1;
pub const TASKSTATS_TYPE_TGID: u16 = 2;
pub const TASKSTATS_TYPE_STATS: u16 = 3;
pub const TASKSTATS_TYPE_AGGR_PID: u16 = 4;
pub const TASKSTATS_TYPE_AGGR_TGID: u16 = 5;
pub const TASKSTATS_TYPE_NULL: u16 = 6;

pub const TASKSTATS_CMD_ATTR_PID: u16 = 1;
pub const TASKSTATS_CMD_ATTR_TGID: u16 = 2;
pub const TASKSTATS_CMD_ATTR_REGISTER_CPUMASK: u16 = 3;
pub const TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK: u16 = 4;

crate::fixed_struct! {
    /// `struct taskstats`, version 13, with the padding its `aligned(8)`
    /// fields imply named (`pad*`). Delays are in nanoseconds, times in
    /// microseconds unless said. A newer kernel's longer structure reads
    /// its first 416 bytes here; the rest stays in the attribute.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Taskstats as "taskstats" {
        /// The structure's version (13 here; newer kernels send more).
        pub version: u16,
        pub pad1: [u8; 2],
        /// Exit status.
        pub ac_exitcode: u32,
        /// Record flags (`AFORK`, `ASU`, `ACORE`, `AXSIG` of acct.h).
        pub ac_flag: u8,
        /// `task_nice`.
        pub ac_nice: u8,
        pub pad2: [u8; 6],
        /// Delays waiting for a CPU while runnable: count and total.
        pub cpu_count: u64,
        pub cpu_delay_total: u64,
        /// Delays waiting for synchronous block I/O.
        pub blkio_count: u64,
        pub blkio_delay_total: u64,
        /// Delays waiting for swap-in.
        pub swapin_count: u64,
        pub swapin_delay_total: u64,
        /// CPU time: wall clock and virtual, in nanoseconds.
        pub cpu_run_real_total: u64,
        pub cpu_run_virtual_total: u64,
        /// The command name.
        pub ac_comm: Chars<TS_COMM_LEN>,
        /// Scheduling discipline.
        pub ac_sched: u8,
        pub ac_pad: [u8; 3],
        pub pad3: [u8; 4],
        /// User id.
        pub ac_uid: u32,
        /// Group id.
        pub ac_gid: u32,
        /// Process id.
        pub ac_pid: u32,
        /// Parent process id.
        pub ac_ppid: u32,
        /// Begin time, seconds since 1970 (32 bits; see `ac_btime64`).
        pub ac_btime: u32,
        pub pad4: [u8; 4],
        /// Elapsed time.
        pub ac_etime: u64,
        /// User CPU time.
        pub ac_utime: u64,
        /// System CPU time.
        pub ac_stime: u64,
        /// Minor page faults.
        pub ac_minflt: u64,
        /// Major page faults.
        pub ac_majflt: u64,
        /// Accumulated RSS usage in MB-usec.
        pub coremem: u64,
        /// Accumulated VM usage in MB-usec.
        pub virtmem: u64,
        /// High-water RSS, in KB.
        pub hiwater_rss: u64,
        /// High-water VM, in KB.
        pub hiwater_vm: u64,
        /// Bytes read and written, and the read and write syscalls.
        pub read_char: u64,
        pub write_char: u64,
        pub read_syscalls: u64,
        pub write_syscalls: u64,
        /// Bytes of block I/O read, written, and cancelled writes.
        pub read_bytes: u64,
        pub write_bytes: u64,
        pub cancelled_write_bytes: u64,
        /// Voluntary and involuntary context switches.
        pub nvcsw: u64,
        pub nivcsw: u64,
        /// Scaled user and system time, and scaled `cpu_run_real_total`.
        pub ac_utimescaled: u64,
        pub ac_stimescaled: u64,
        pub cpu_scaled_run_real_total: u64,
        /// Delays reclaiming memory.
        pub freepages_count: u64,
        pub freepages_delay_total: u64,
        /// Delays due to thrashing.
        pub thrashing_count: u64,
        pub thrashing_delay_total: u64,
        /// Begin time, seconds since 1970, 64 bits.
        pub ac_btime64: u64,
        /// Delays in memory compaction.
        pub compact_count: u64,
        pub compact_delay_total: u64,
        /// Thread group id.
        pub ac_tgid: u32,
        pub pad5: [u8; 4],
        /// The thread group's elapsed time.
        pub ac_tgetime: u64,
        /// The program binary's device and inode.
        pub ac_exe_dev: u64,
        pub ac_exe_inode: u64,
        /// Delays in write-protect copy.
        pub wpcopy_count: u64,
        pub wpcopy_delay_total: u64,
    }
}

crate::attr_set! {
    /// What a request names (`TASKSTATS_CMD_ATTR_*`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Cmd<'a>: crate::genl::GenlMsgHdr, set "taskstats-cmd" {
        /// `TASKSTATS_CMD_ATTR_PID` (u32): one task.
        pub pid: Option<u32> = TASKSTATS_CMD_ATTR_PID as U32,
        /// `TASKSTATS_CMD_ATTR_TGID` (u32): a thread group, summed.
        pub tgid: Option<u32> = TASKSTATS_CMD_ATTR_TGID as U32,
        /// `TASKSTATS_CMD_ATTR_REGISTER_CPUMASK` (string, `0-3,5`): exit
        /// notices of tasks on these CPUs to the sending socket.
        pub register_cpumask: Option<&'a str> = TASKSTATS_CMD_ATTR_REGISTER_CPUMASK as Str,
        /// `TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK` (string).
        pub deregister_cpumask: Option<&'a str> = TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK as Str,
    }
    owned
    /// A request's attributes.
    pub struct CmdBuilder;
}

crate::attr_set! {
    /// A reply or exit notice (`TASKSTATS_TYPE_*`, top level).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Reply<'a>: crate::genl::GenlMsgHdr, set "taskstats" {
        /// `TASKSTATS_TYPE_AGGR_PID` (nest of `aggr`): one task.
        pub aggr_pid: Option<Aggr<'a>> = TASKSTATS_TYPE_AGGR_PID as Aggr<'static>,
        /// `TASKSTATS_TYPE_AGGR_TGID` (nest of `aggr`): its thread group.
        pub aggr_tgid: Option<Aggr<'a>> = TASKSTATS_TYPE_AGGR_TGID as Aggr<'static>,
    }
    known {
        /// `TASKSTATS_TYPE_NULL` (pad): aligns the structure to 8 bytes.
        null = TASKSTATS_TYPE_NULL as Raw,
    }
    owned
    /// A reply to send (tests, fixtures).
    pub struct ReplyBuilder;
}

crate::attr_set! {
    /// Who the statistics are of, and the statistics.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Aggr<'a>: NoHeader, set "aggr" {
        /// `TASKSTATS_TYPE_PID` (u32).
        pub pid: Option<u32> = TASKSTATS_TYPE_PID as U32,
        /// `TASKSTATS_TYPE_TGID` (u32).
        pub tgid: Option<u32> = TASKSTATS_TYPE_TGID as U32,
        /// `TASKSTATS_TYPE_STATS` (`struct taskstats`).
        pub stats: Option<Taskstats> = TASKSTATS_TYPE_STATS as Fixed<Taskstats>,
    }
    owned
    /// An `aggr` nest to send.
    pub struct AggrBuilder;
}

/// Each command with the attribute set its requests use.
pub const OP_SETS: &[(u8, &crate::proto::SetMeta)] =
    &[(TASKSTATS_CMD_GET, &Cmd::<'static>::META), (TASKSTATS_CMD_NEW, &Reply::<'static>::META)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_and_layout_match_the_pinned_header() {
        let header = include_str!("../../../../../tools/uapi/linux-6.1/linux/taskstats.h");
        let ours: [(&str, i64); 16] = [
            ("TASKSTATS_VERSION", TASKSTATS_VERSION.into()),
            ("TS_COMM_LEN", TS_COMM_LEN as i64),
            ("TASKSTATS_CMD_GET", TASKSTATS_CMD_GET.into()),
            ("TASKSTATS_CMD_NEW", TASKSTATS_CMD_NEW.into()),
            ("TASKSTATS_TYPE_PID", TASKSTATS_TYPE_PID.into()),
            ("TASKSTATS_TYPE_TGID", TASKSTATS_TYPE_TGID.into()),
            ("TASKSTATS_TYPE_STATS", TASKSTATS_TYPE_STATS.into()),
            ("TASKSTATS_TYPE_AGGR_PID", TASKSTATS_TYPE_AGGR_PID.into()),
            ("TASKSTATS_TYPE_AGGR_TGID", TASKSTATS_TYPE_AGGR_TGID.into()),
            ("TASKSTATS_TYPE_NULL", TASKSTATS_TYPE_NULL.into()),
            ("TASKSTATS_CMD_ATTR_PID", TASKSTATS_CMD_ATTR_PID.into()),
            ("TASKSTATS_CMD_ATTR_TGID", TASKSTATS_CMD_ATTR_TGID.into()),
            ("TASKSTATS_CMD_ATTR_REGISTER_CPUMASK", TASKSTATS_CMD_ATTR_REGISTER_CPUMASK.into()),
            ("TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK", TASKSTATS_CMD_ATTR_DEREGISTER_CPUMASK.into()),
            ("TASKSTATS_GENL_VERSION", 1),
            ("__TASKSTATS_TYPE_MAX", 7),
        ];
        crate::proto::uapi_check::check(header, &ours);
        assert!(header.contains("#define TASKSTATS_GENL_NAME\t\"TASKSTATS\""));
        // sizeof and offsetof from gcc 12 on x86_64 with this header:
        // 416; ac_comm 80, ac_uid 120, ac_etime 144, ac_tgid 368,
        // wpcopy_delay_total 408.
        assert_eq!(Taskstats::LEN, 416);
        let mut b = [0u8; 416];
        b[80..84].copy_from_slice(b"true");
        b[120..124].copy_from_slice(&7u32.to_ne_bytes());
        b[144..152].copy_from_slice(&9u64.to_ne_bytes());
        b[368..372].copy_from_slice(&11u32.to_ne_bytes());
        b[408..416].copy_from_slice(&13u64.to_ne_bytes());
        let t = Taskstats::parse(&b).unwrap();
        assert_eq!(t.ac_comm.as_str(), Some("true"));
        assert_eq!((t.ac_uid, t.ac_etime, t.ac_tgid, t.wpcopy_delay_total), (7, 9, 11, 13));
        assert_eq!(t.to_bytes(), b);
    }
}
