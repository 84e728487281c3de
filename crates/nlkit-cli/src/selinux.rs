//! `nlkit selinux monitor`: SELinux notices through `nlkit::selinux`, one
//! line each (`setenforce 1`, `policyload seqno 3`) or one JSON object
//! each with `-j`. Where SELinux is not enabled the kernel sends none:
//! said on stderr before listening. Only the kernel's datagrams are read;
//! others are said and counted.

use crate::cli::SelinuxMonitorArgs;
use anyhow::Result;
use nlkit::selinux::{Notice, Notices};
use nlkit::sub::{Item, Subscription};
use nlkit::Netns;
use serde_json::json;
use std::io::Write;
use std::time::Instant;

/// A notice's line, or `None` for a type nlkit does not know (said
/// with its number).
pub fn text(n: &Notice) -> String {
    match n {
        Notice::SetEnforce(v) => format!("setenforce {v}"),
        Notice::PolicyLoad(s) => format!("policyload seqno {s}"),
        Notice::Other(t) => format!("unknown notice type 0x{t:x}"),
    }
}

/// A notice as JSON keys.
pub fn json_of(n: &Notice) -> serde_json::Value {
    match n {
        Notice::SetEnforce(v) => json!({"event": "setenforce", "enforcing": v}),
        Notice::PolicyLoad(s) => json!({"event": "policyload", "seqno": s}),
        Notice::Other(t) => json!({"event": "unknown", "type": t}),
    }
}

/// `nlkit selinux monitor [--count N] [--timeout S]`.
pub fn monitor(a: &SelinuxMonitorArgs, netns: Option<&str>, json: bool) -> Result<()> {
    let mut sub = match netns {
        Some(name) => Subscription::open_in(Netns::Name(name), Notices)?,
        None => Subscription::open(Notices)?,
    };
    let deadline = crate::words::values::duration(a.timeout).map(|t| Instant::now() + t);
    crate::report::note!("monitoring SELinux notices");
    if !nlkit::selinux::enabled() {
        crate::report::note!(
            "SELinux is not enabled here (no /sys/fs/selinux): the kernel sends no notices"
        );
    } else if netns.is_some() {
        crate::report::note!(
            "selinux: the kernel sends notices in the initial network namespace only"
        );
    }
    let mut out = std::io::stdout().lock();
    let mut seen = 0u64;
    while a.count.is_none_or(|c| seen < c) {
        let Some(batch) = sub.recv_until(deadline)? else { break };
        for item in batch {
            match item {
                Item::Event { event, .. } => {
                    seen += 1;
                    match json {
                        true => writeln!(out, "{}", json_of(&event))?,
                        false => writeln!(out, "{}", text(&event))?,
                    }
                }
                Item::Overrun => crate::report::note!("selinux: notices lost (ENOBUFS)"),
                Item::Refused { sender, reason } => crate::report::note!(
                    "selinux: refused a datagram from port {}: {reason}",
                    sender.port
                ),
                Item::Malformed(e) => crate::report::note!("selinux: {e}"),
            }
        }
        out.flush()?;
    }
    Ok(())
}
