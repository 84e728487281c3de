//! `nlkit proc-events`: the proc connector's process events as they come
//! (`<linux/cn_proc.h>`, NETLINK_CONNECTOR): fork, exec, uid, gid, sid,
//! ptrace, comm, coredump and exit, one line each or one JSON object each
//! with `-j`. Only datagrams from the kernel are read.
//!
//! The kernel answers a listen request from outside the initial user and
//! pid namespaces with silence (no ACK, no events), and has the connector
//! only in the initial network namespace: both are said before waiting.

use crate::cli::ProcEventsArgs;
use anyhow::{bail, Result};
use nlkit::connector::{ProcEvent, ProcEvents, Process, SeqGaps, PROC_EVENT_ALL};
use nlkit::sub::{Item, Subscription};
use serde_json::{json, Map, Value};
use std::io::Write;
use std::time::Instant;

/// The event names `-e` takes, with their `PROC_EVENT_*` bits.
const EVENTS: [(&str, u32); 9] = [
    ("fork", 0x1),
    ("exec", 0x2),
    ("uid", 0x4),
    ("gid", 0x40),
    ("sid", 0x80),
    ("ptrace", 0x100),
    ("comm", 0x200),
    ("coredump", 0x4000_0000),
    ("exit", 0x8000_0000),
];

/// `PROC_PID_INIT_INO` and `PROC_USER_INIT_INO` (`<linux/proc_ns.h>`):
/// the inode numbers of the initial pid and user namespaces.
const PID_INIT_INO: u64 = 0xEFFF_FFFC;
const USER_INIT_INO: u64 = 0xEFFF_FFFD;

/// Whether this process is in the initial pid and user namespaces, where
/// the kernel takes listen requests.
pub(crate) fn in_initial_namespaces() -> bool {
    use std::os::unix::fs::MetadataExt;
    let ino = |ns: &str| std::fs::metadata(format!("/proc/self/ns/{ns}")).map(|m| m.ino()).ok();
    ino("pid") == Some(PID_INIT_INO) && ino("user") == Some(USER_INIT_INO)
}

/// The message a listen request refused with `ECONNREFUSED` gets: the
/// kernel's connector socket exists only in the initial network
/// namespace, and this process is in another (`ip netns exec`).
pub(crate) const NOT_INITIAL_NET: &str = "the proc connector exists only in the initial network \
     namespace, and this process runs in another (ip netns exec?)";

/// Subscribes to process events; a network namespace without the
/// connector's socket is said so.
pub(crate) fn open(source: ProcEvents) -> Result<Subscription<ProcEvents>> {
    match Subscription::open(source) {
        Err(e) if e.errno() == Some(libc::ECONNREFUSED) => bail!(NOT_INITIAL_NET),
        other => Ok(other?),
    }
}

/// The event mask `-e` names (all when empty).
fn mask(list: Option<&str>) -> Result<u32> {
    let Some(list) = list else { return Ok(!0) };
    let mut m = 0;
    for word in list.split(',').filter(|w| !w.is_empty()) {
        match EVENTS.iter().find(|(n, _)| *n == word) {
            Some((_, bit)) => m |= bit,
            None => {
                let names: Vec<&str> = EVENTS.iter().map(|(n, _)| *n).collect();
                bail!("unknown event \"{word}\": one of {}", names.join(", "))
            }
        }
    }
    Ok(m)
}

fn what(e: &ProcEvent) -> u32 {
    match e {
        ProcEvent::Ack { .. } => 0,
        ProcEvent::Fork { .. } => 0x1,
        ProcEvent::Exec(..) => 0x2,
        ProcEvent::Uid(..) => 0x4,
        ProcEvent::Gid(..) => 0x40,
        ProcEvent::Sid(..) => 0x80,
        ProcEvent::Ptrace { .. } => 0x100,
        ProcEvent::Comm(..) => 0x200,
        ProcEvent::Coredump { .. } => 0x4000_0000,
        ProcEvent::Exit { .. } => 0x8000_0000,
        ProcEvent::Other { what } => *what,
    }
}

pub fn run(args: &ProcEventsArgs, netns: Option<&str>, json: bool) -> Result<()> {
    if netns.is_some() {
        bail!("the proc connector exists only in the initial network namespace: drop -n");
    }
    if !in_initial_namespaces() {
        bail!(
            "the kernel ignores proc connector requests from outside the initial pid and user \
             namespaces (it would send nothing, not even an ACK)"
        );
    }
    let wanted = mask(args.events.as_deref())?;
    let source = ProcEvents { events: wanted & PROC_EVENT_ALL };
    // Losses are counted from the CPUs' sequence numbers when every event
    // is delivered; a kernel-side filter leaves gaps that are not losses.
    let mut gaps = (!source.filtered_in_kernel()).then(SeqGaps::default);
    let mut sub = open(source)?;
    let _ = sub.socket().raise_recv_buffer(crate::report::monitor_rcvbuf());
    let deadline = crate::words::values::duration(args.timeout).map(|t| Instant::now() + t);
    crate::report::note!("listening for process events");
    let mut out = std::io::stdout().lock();
    let mut seen = 0u64;
    while args.count.is_none_or(|c| seen < c) {
        let Some(batch) = sub.recv_until(deadline)? else { break };
        for item in batch {
            match item {
                Item::Event { event, .. } => {
                    let lost = gaps.as_mut().map_or(0, |g| g.see(&event));
                    if lost > 0 {
                        crate::report::note!("{lost} process events lost on CPU {}", event.cpu);
                        if json {
                            let v = json!({"event": "lost", "cpu": event.cpu, "count": lost});
                            writeln!(out, "{v}")?;
                        }
                    }
                    let w = what(&event.event);
                    let pid_ok = args.pid.is_none_or(|p| involves(&event.event, p));
                    if w != 0 && w & wanted != 0 && pid_ok && args.count.is_none_or(|c| seen < c) {
                        seen += 1;
                        print(&mut out, &event, json)?;
                    }
                }
                Item::Overrun => crate::report::note!("process events were lost (ENOBUFS)"),
                Item::Refused { sender, reason } => {
                    crate::report::note!("refused a datagram from port {}: {reason}", sender.port)
                }
                Item::Malformed(e) => crate::report::note!("an event did not read: {e}"),
            }
        }
        out.flush()?;
    }
    Ok(())
}

/// Whether process `pid` is the event's process, child, parent or tracer.
fn involves(e: &ProcEvent, pid: i32) -> bool {
    let ids: Vec<i32> = match *e {
        ProcEvent::Fork { parent, child } => vec![parent.1, child.1],
        ProcEvent::Exec(_, p) | ProcEvent::Sid(_, p) | ProcEvent::Comm(_, p, _) => vec![p],
        ProcEvent::Uid(_, p, ..) | ProcEvent::Gid(_, p, ..) => vec![p],
        ProcEvent::Ptrace { process, tracer } => vec![process.1, tracer.1],
        ProcEvent::Coredump { process, parent } => vec![process.1, parent.1],
        ProcEvent::Exit { process, parent, .. } => vec![process.1, parent.1],
        ProcEvent::Ack { .. } | ProcEvent::Other { .. } => vec![],
    };
    ids.contains(&pid)
}

/// `TID/PID`.
fn ids(p: (i32, i32)) -> String {
    format!("{}/{}", p.0, p.1)
}

fn comm_text(name: &[u8; 16]) -> String {
    let end = name.iter().position(|&b| b == 0).unwrap_or(16);
    String::from_utf8_lossy(&name[..end]).into_owned()
}

fn print(out: &mut impl Write, p: &Process, json: bool) -> Result<()> {
    let Some((name, text, fields)) = describe(p) else { return Ok(()) };
    if json {
        writeln!(out, "{}", Value::Object(fields))?;
    } else {
        writeln!(out, "{name:<8} {text}")?;
    }
    Ok(())
}

/// An event's name, its text after the name, and its JSON keys (the
/// name, CPU and time stamp first); `None` for an ACK or an unknown type.
pub(crate) fn describe(p: &Process) -> Option<(&'static str, String, Map<String, Value>)> {
    let (name, text, fields): (&str, String, Value) = match p.event {
        ProcEvent::Fork { parent, child } => (
            "fork",
            format!("parent {} child {}", ids(parent), ids(child)),
            json!({"parent_tid": parent.0, "parent_pid": parent.1, "tid": child.0, "pid": child.1}),
        ),
        ProcEvent::Exec(t, pid) => ("exec", ids((t, pid)), json!({"tid": t, "pid": pid})),
        ProcEvent::Uid(t, pid, r, e) => (
            "uid",
            format!("{} ruid {r} euid {e}", ids((t, pid))),
            json!({"tid": t, "pid": pid, "ruid": r, "euid": e}),
        ),
        ProcEvent::Gid(t, pid, r, e) => (
            "gid",
            format!("{} rgid {r} egid {e}", ids((t, pid))),
            json!({"tid": t, "pid": pid, "rgid": r, "egid": e}),
        ),
        ProcEvent::Sid(t, pid) => ("sid", ids((t, pid)), json!({"tid": t, "pid": pid})),
        ProcEvent::Ptrace { process, tracer } => (
            "ptrace",
            format!("{} tracer {}", ids(process), ids(tracer)),
            json!({"tid": process.0, "pid": process.1, "tracer_tid": tracer.0, "tracer_pid": tracer.1}),
        ),
        ProcEvent::Comm(t, pid, name) => {
            let c = comm_text(&name);
            ("comm", format!("{} {c}", ids((t, pid))), json!({"tid": t, "pid": pid, "comm": c}))
        }
        ProcEvent::Coredump { process, parent } => (
            "coredump",
            format!("{} parent {}", ids(process), ids(parent)),
            json!({"tid": process.0, "pid": process.1, "parent_tid": parent.0, "parent_pid": parent.1}),
        ),
        ProcEvent::Exit { process, exit_code, exit_signal, parent } => {
            // The wait status: the exit status in its second byte, or the
            // terminating signal in its low 7 bits.
            let (status, signal) = (exit_code >> 8 & 0xff, exit_code & 0x7f);
            let how = if signal != 0 {
                format!("killed by signal {signal}")
            } else {
                format!("status {status}")
            };
            (
                "exit",
                format!("{} {how} exit_signal {exit_signal} parent {}", ids(process), ids(parent)),
                json!({"tid": process.0, "pid": process.1, "status": status, "signal": signal,
                       "exit_code": exit_code, "exit_signal": exit_signal,
                       "parent_tid": parent.0, "parent_pid": parent.1}),
            )
        }
        ProcEvent::Ack { .. } | ProcEvent::Other { .. } => return None,
    };
    let mut v = json!({"event": name, "cpu": p.cpu, "timestamp_ns": p.timestamp_ns});
    if let (Some(m), Value::Object(f)) = (v.as_object_mut(), fields) {
        m.extend(f);
    }
    match v {
        Value::Object(m) => Some((name, text, m)),
        _ => None,
    }
}
