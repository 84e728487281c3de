//! The audit subsystem (`NETLINK_AUDIT`, `<linux/audit.h>`, pinned from
//! 6.1 in `tools/uapi/`): the status ([`status`]: enabled, failure mode,
//! the daemon's pid, rate and backlog limits, events lost), the rule list
//! ([`rules::list`]) and the event stream as a subscription source
//! ([`events::AuditLog`]: the read-only multicast group, which needs
//! `CAP_AUDIT_READ`), with records grouped into events by serial
//! ([`events::Events`]); the audit daemon's unicast stream
//! ([`daemon::AuditDaemon`]); system call names by architecture
//! ([`arch::Arch`]).
//!
//! The kernel takes audit requests only from the initial user and pid
//! namespaces (`ECONNREFUSED` elsewhere); the audit state is the whole
//! machine's, whatever the network namespace of the socket.

pub mod arch;
pub mod daemon;
pub mod events;
pub mod rules;
pub mod syscalls;

use crate::engine::{Ack, Get, Request};
use crate::error::Result;
use nlkit_wire::{Message, MessageBuilder};

/// `AUDIT_GET`: the status.
pub const AUDIT_GET: u16 = 1000;
/// `AUDIT_SET`.
pub const AUDIT_SET: u16 = 1001;
/// `AUDIT_USER`: a message from user space (deprecated).
pub const AUDIT_USER: u16 = 1005;
/// `AUDIT_ADD_RULE`.
pub const AUDIT_ADD_RULE: u16 = 1011;
/// `AUDIT_DEL_RULE`.
pub const AUDIT_DEL_RULE: u16 = 1012;
/// `AUDIT_LIST_RULES`: the rules, as `audit_rule_data`.
pub const AUDIT_LIST_RULES: u16 = 1013;
/// `AUDIT_SYSCALL`: the first record of a syscall event.
pub const AUDIT_SYSCALL: u16 = 1300;
/// `AUDIT_CONFIG_CHANGE`.
pub const AUDIT_CONFIG_CHANGE: u16 = 1305;
/// `AUDIT_EOE`: the end of a multi-record event.
pub const AUDIT_EOE: u16 = 1320;
/// `AUDIT_NLGRP_READLOG`: the read-only multicast group.
pub const AUDIT_NLGRP_READLOG: u32 = 1;

crate::fixed_struct! {
    /// `struct audit_status` as 6.1 has it (`backlog_wait_time_actual`
    /// included; an older kernel's shorter reply is refused).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Status as "audit_status" {
        /// Which fields a set changes (`AUDIT_STATUS_*`).
        pub mask: u32,
        /// 0 disabled, 1 enabled, 2 enabled and locked.
        pub enabled: u32,
        /// What a failure to log does: 0 silent, 1 printk, 2 panic.
        pub failure: u32,
        /// The audit daemon's pid (0: none).
        pub pid: u32,
        /// Records per second at most (0: no limit).
        pub rate_limit: u32,
        /// Records queued at most.
        pub backlog_limit: u32,
        /// Records lost since boot.
        pub lost: u32,
        /// Records queued now.
        pub backlog: u32,
        /// The features the kernel has (`AUDIT_FEATURE_BITMAP_*`).
        pub feature_bitmap: u32,
        /// How long a task waits for the queue (jiffies).
        pub backlog_wait_time: u32,
        /// Time spent waiting since reset.
        pub backlog_wait_time_actual: u32,
    }
}

/// The status (`AUDIT_GET`).
pub fn status() -> impl Request<Output = Status> {
    Get::new(
        AUDIT_GET,
        |_: &mut MessageBuilder<'_, Vec<u8>>| Ok(()),
        |m: Message<'_>| Ok(Status::parse(m.payload())?),
    )
}

/// `AUDIT_STATUS_ENABLED`: [`set`] changes `enabled`.
pub const AUDIT_STATUS_ENABLED: u32 = 0x1;
/// `AUDIT_STATUS_FAILURE`: ... `failure`.
pub const AUDIT_STATUS_FAILURE: u32 = 0x2;
/// `AUDIT_STATUS_PID`: ... `pid` (the daemon's).
pub const AUDIT_STATUS_PID: u32 = 0x4;
/// `AUDIT_STATUS_RATE_LIMIT`: ... `rate_limit`.
pub const AUDIT_STATUS_RATE_LIMIT: u32 = 0x8;
/// `AUDIT_STATUS_BACKLOG_LIMIT`: ... `backlog_limit`.
pub const AUDIT_STATUS_BACKLOG_LIMIT: u32 = 0x10;
/// `AUDIT_STATUS_BACKLOG_WAIT_TIME`: ... `backlog_wait_time`.
pub const AUDIT_STATUS_BACKLOG_WAIT_TIME: u32 = 0x20;
/// `AUDIT_STATUS_LOST`: resets `lost` to 0.
pub const AUDIT_STATUS_LOST: u32 = 0x40;

/// Changes the fields of the status that `s.mask` names
/// (`AUDIT_STATUS_*`), as `auditctl -e/-f/-r/-b/--backlog_wait_time
/// /--reset-lost` do (`AUDIT_SET`, acknowledged). The audit state is the
/// whole machine's: it needs `CAP_AUDIT_CONTROL` in the initial user
/// namespace, and `enabled` 2 (locked) refuses every later change until
/// reboot.
pub fn set(s: Status) -> impl Request<Output = ()> {
    Ack {
        message_type: AUDIT_SET,
        flags: nlkit_wire::Flags::empty(),
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(&s.to_bytes()),
    }
}

/// What [`status`] reads, as a `Result` for callers that parse replies
/// themselves.
pub fn parse_status(payload: &[u8]) -> Result<Status> {
    Ok(Status::parse(payload)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_and_layout_match_the_pinned_header() {
        let h = include_str!("../../../../tools/uapi/linux-6.1/linux/audit.h");
        crate::proto::uapi_check::check(
            h,
            &[
                ("AUDIT_GET", AUDIT_GET.into()),
                ("AUDIT_SET", AUDIT_SET.into()),
                ("AUDIT_USER", AUDIT_USER.into()),
                ("AUDIT_ADD_RULE", AUDIT_ADD_RULE.into()),
                ("AUDIT_DEL_RULE", AUDIT_DEL_RULE.into()),
                ("AUDIT_LIST_RULES", AUDIT_LIST_RULES.into()),
                ("AUDIT_SYSCALL", AUDIT_SYSCALL.into()),
                ("AUDIT_CONFIG_CHANGE", AUDIT_CONFIG_CHANGE.into()),
                ("AUDIT_EOE", AUDIT_EOE.into()),
                ("AUDIT_REPLACE", daemon::AUDIT_REPLACE.into()),
                ("AUDIT_STATUS_ENABLED", AUDIT_STATUS_ENABLED.into()),
                ("AUDIT_STATUS_FAILURE", AUDIT_STATUS_FAILURE.into()),
                ("AUDIT_STATUS_PID", AUDIT_STATUS_PID.into()),
                ("AUDIT_STATUS_RATE_LIMIT", AUDIT_STATUS_RATE_LIMIT.into()),
                ("AUDIT_STATUS_BACKLOG_LIMIT", AUDIT_STATUS_BACKLOG_LIMIT.into()),
                ("AUDIT_STATUS_BACKLOG_WAIT_TIME", AUDIT_STATUS_BACKLOG_WAIT_TIME.into()),
                ("AUDIT_STATUS_LOST", AUDIT_STATUS_LOST.into()),
                ("AUDIT_NLGRP_READLOG", AUDIT_NLGRP_READLOG.into()),
                ("AUDIT_MAX_FIELDS", rules::MAX_FIELDS as i64),
                ("AUDIT_BITMASK_SIZE", rules::BITMASK_SIZE as i64),
                ("AUDIT_FILTERKEY", rules::AUDIT_FILTERKEY.into()),
                ("AUDIT_WATCH", rules::AUDIT_WATCH.into()),
                ("AUDIT_DIR", rules::AUDIT_DIR.into()),
                ("AUDIT_EXE", rules::AUDIT_EXE.into()),
                ("AUDIT_ARCH", rules::AUDIT_ARCH.into()),
                ("AUDIT_EQUAL", rules::AUDIT_EQUAL.into()),
                ("AUDIT_NOT_EQUAL", rules::AUDIT_NOT_EQUAL.into()),
            ],
        );
        // Eleven u32s, as the header's struct.
        assert_eq!(Status::LEN, 44);
        assert!(h.contains("__u32           backlog_wait_time_actual;"));
    }
}
