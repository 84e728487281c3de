//! `nlkit audit status|rules|monitor`: the audit subsystem through
//! `nlkit::audit`. `status` prints what `auditctl -s` prints; `rules` each
//! rule as `auditctl -l` prints it (system calls and fields by name; `No
//! rules` when there are none); `monitor` reads the read-only multicast
//! group and prints each event's records as auditd logs them
//! (`type=NAME msg=audit(SECONDS.MILLIS:SERIAL): ...`, the names taken
//! from the pinned `<linux/audit.h>`), or one JSON object per event with
//! `-j`. Serials never seen are said on stderr when the monitor stops.
//! The kernel multicasts records in the initial network namespace only:
//! `-n NS audit monitor` says so (status and rules, which are the
//! machine's, read the same in any namespace).

use crate::cli::{AuditCommand, AuditMonitorArgs};
use anyhow::Result;
use nlkit::audit::arch::Arch;
use nlkit::audit::events::{AuditLog, Event, Events};
use nlkit::audit::rules::{
    Rule, Value as FieldValue, AUDIT_ARCH, AUDIT_EQUAL, AUDIT_NOT_EQUAL, FIELDS,
};
use nlkit::sub::{Item, Subscription};
use nlkit::{Conn, Netns, Protocol};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::time::{Duration, Instant};

/// The pinned header the record type names come from.
const HEADER: &str = include_str!("../../../tools/uapi/linux-6.1/linux/audit.h");

/// `AUDIT_NAME  NUMBER` lines of the header for record types (1000 to
/// 2999): the number to `NAME`, as auditd names them. Read once.
pub fn type_names() -> &'static HashMap<u16, String> {
    static NAMES: std::sync::OnceLock<HashMap<u16, String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names = HashMap::new();
        for line in HEADER.lines() {
            let mut w = line.split_whitespace();
            let (Some("#define"), Some(name), Some(value)) = (w.next(), w.next(), w.next()) else {
                continue;
            };
            let (Some(name), Ok(n)) = (name.strip_prefix("AUDIT_"), value.parse::<u16>()) else {
                continue;
            };
            let marker = name.starts_with("FIRST_") || name.starts_with("LAST_");
            if (1000..3000).contains(&n) && !marker {
                names.entry(n).or_insert_with(|| name.to_string());
            }
        }
        names
    })
}

fn conn(netns: Option<&str>) -> Result<Conn> {
    Ok(match netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::AUDIT)?,
        None => Conn::open(Protocol::AUDIT)?,
    })
}

/// `nlkit audit ...`.
pub fn run(cmd: &AuditCommand, netns: Option<&str>, json: bool, pretty: bool) -> Result<()> {
    match cmd {
        AuditCommand::Status => status(netns, json, pretty),
        AuditCommand::Rules => rules(netns, json, pretty),
        AuditCommand::Monitor(a) if a.daemon => crate::audit_daemon::monitor(a, netns, json),
        AuditCommand::Monitor(a) => monitor(a, netns, json),
        AuditCommand::Set(_) | AuditCommand::Rule(_) if netns.is_some() => anyhow::bail!(
            "audit changes are the whole machine's, not a network namespace's: \
             -n cannot confine them (run without -n to change the machine's audit state)"
        ),
        AuditCommand::Set(a) => crate::audit_change::set(a, conn(netns)?),
        AuditCommand::Rule(r) => crate::audit_change::rule(r, conn(netns)?),
    }
}

fn status(netns: Option<&str>, json: bool, pretty: bool) -> Result<()> {
    let s = conn(netns)?.run(nlkit::audit::status())?;
    let fields = [
        ("enabled", s.enabled),
        ("failure", s.failure),
        ("pid", s.pid),
        ("rate_limit", s.rate_limit),
        ("backlog_limit", s.backlog_limit),
        ("lost", s.lost),
        ("backlog", s.backlog),
        ("backlog_wait_time", s.backlog_wait_time),
        ("backlog_wait_time_actual", s.backlog_wait_time_actual),
    ];
    if json {
        let mut v: serde_json::Map<String, Value> =
            fields.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
        v.insert("feature_bitmap".into(), json!(s.feature_bitmap));
        return crate::kernel::print_json(&Value::Object(v), pretty);
    }
    let mut out = String::new();
    for (k, v) in fields {
        out.push_str(&format!("{k} {v}\n"));
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

/// The list names `-a` takes (`AUDIT_FILTER_*`).
fn list_name(flags: u32) -> String {
    match flags & !0x10 {
        0 => "user".into(),
        1 => "task".into(),
        2 => "entry".into(),
        3 => "watch".into(),
        4 => "exit".into(),
        5 => "exclude".into(),
        6 => "filesystem".into(),
        7 => "io_uring".into(),
        n => format!("list{n}"),
    }
}

fn op_name(op: u32) -> &'static str {
    match op {
        AUDIT_EQUAL => "=",
        AUDIT_NOT_EQUAL => "!=",
        0x1000_0000 => "<",
        0x2000_0000 => ">",
        0x5000_0000 => "<=",
        0x6000_0000 => ">=",
        0x0800_0000 => "&",
        0x4800_0000 => "&=",
        _ => "?",
    }
}

/// A rule as `auditctl -l` prints it: its architecture first (`b64`,
/// `b32` for this machine's ABIs), then its system calls by that
/// architecture's names, joined by commas (numbers where the table has
/// none), then the other fields by auditctl's names.
fn rule_text(r: &Rule) -> String {
    let action = match r.action {
        0 => "never",
        1 => "possible",
        _ => "always",
    };
    let mut s = format!("-a {action},{}", list_name(r.flags));
    let at = r.fields.iter().position(|f| f.field == AUDIT_ARCH && f.op == AUDIT_EQUAL);
    let arch = match at.map(|i| &r.fields[i].value) {
        Some(FieldValue::Number(n)) => Arch::from_audit(*n),
        _ => Arch::default_for_machine(),
    };
    if let Some(i) = at {
        s.push_str(&format!(" -F {}", field_text(&r.fields[i])));
    }
    let syscalls: Vec<usize> =
        (0..r.mask.len() * 32).filter(|&i| r.mask[i / 32] & (1 << (i % 32)) != 0).collect();
    if syscalls.len() == r.mask.len() * 32 {
        s.push_str(" -S all");
    } else if !syscalls.is_empty() {
        let names: Vec<String> = syscalls
            .iter()
            .map(|&n| {
                let name = arch.and_then(|a| a.syscall_name(u32::try_from(n).ok()?));
                name.map_or_else(|| n.to_string(), str::to_string)
            })
            .collect();
        s.push_str(&format!(" -S {}", names.join(",")));
    }
    for (_, f) in r.fields.iter().enumerate().filter(|(i, _)| Some(*i) != at) {
        s.push_str(&format!(" -F {}", field_text(f)));
    }
    s
}

/// `NAME OP VALUE`, by auditctl's names where it has them.
fn field_text(f: &nlkit::audit::rules::Field) -> String {
    let name = FIELDS
        .iter()
        .find(|(_, id)| *id == f.field)
        .map_or_else(|| f.field.to_string(), |(n, _)| n.to_string());
    let value = match &f.value {
        FieldValue::Number(n) if f.field == AUDIT_ARCH => {
            match [64, 32].into_iter().find(|&b| Arch::native(b).map(Arch::audit) == Some(*n)) {
                Some(bits) => format!("b{bits}"),
                None => format!("{n:#x}"),
            }
        }
        FieldValue::Number(n) => n.to_string(),
        FieldValue::Text(t) => t.clone(),
    };
    format!("{name}{}{value}", op_name(f.op))
}

fn rules(netns: Option<&str>, json: bool, pretty: bool) -> Result<()> {
    let mut all = Vec::new();
    conn(netns)?.run(nlkit::audit::rules::list(|r| {
        all.push(r);
        Ok(())
    }))?;
    if json {
        let v: Vec<Value> = all
            .iter()
            .map(|r| {
                let fields: Vec<Value> = r
                    .fields
                    .iter()
                    .map(|f| {
                        let value = match &f.value {
                            FieldValue::Number(n) => json!(n),
                            FieldValue::Text(t) => json!(t),
                        };
                        json!({"field": f.field, "op": op_name(f.op), "value": value})
                    })
                    .collect();
                json!({"list": list_name(r.flags), "action": r.action, "mask": r.mask, "fields": fields})
            })
            .collect();
        return crate::kernel::print_json(&Value::Array(v), pretty);
    }
    let mut out = String::new();
    for r in &all {
        out.push_str(&rule_text(r));
        out.push('\n');
    }
    if all.is_empty() {
        out.push_str("No rules\n");
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

/// One event: its records as auditd logs them (`interpret`: as ausearch
/// -i, architecture and system call by name), or one JSON object.
fn print_event(
    out: &mut Vec<u8>,
    e: &Event,
    names: &HashMap<u16, String>,
    json: bool,
    interpret: bool,
) {
    let name = |k: u16| names.get(&k).cloned().unwrap_or_else(|| format!("UNKNOWN[{k}]"));
    if json {
        let records: Vec<Value> = e
            .records
            .iter()
            .map(|r| {
                let mut v = json!({"type": name(r.kind), "type_id": r.kind, "text": r.text});
                if let Some((arch, syscall)) = syscall_names(&r.text) {
                    v["arch"] = arch.into();
                    v["syscall"] = syscall.into();
                }
                v
            })
            .collect();
        let time = e.records.first().map(|r| format!("{}.{:03}", r.time.0, r.time.1));
        let v = json!({"serial": e.serial, "time": time, "records": records,
                       "ended": e.ended, "dropped": e.dropped});
        let _ = writeln!(out, "{v}");
        return;
    }
    for r in &e.records {
        let (s, ms, serial) = (r.time.0, r.time.1, r.serial);
        let text = match interpret {
            true => interpreted(&r.text),
            false => std::borrow::Cow::Borrowed(r.text.as_str()),
        };
        let _ = writeln!(out, "type={} msg=audit({s}.{ms:03}:{serial}): {text}", name(r.kind));
    }
}

/// A record's architecture and system call by name (`SYSCALL`,
/// `SECCOMP`): `None` when it has no `arch=` and `syscall=`, or an
/// architecture nlkit has no table for; a number with no name stays a
/// number.
pub(crate) fn syscall_names(text: &str) -> Option<(&'static str, String)> {
    let (arch, number) = nlkit::audit::arch::syscall_of(text)?;
    let arch = Arch::from_audit(arch)?;
    let syscall = arch.syscall_name(number).map_or_else(|| number.to_string(), str::to_string);
    Some((arch.name(), syscall))
}

/// The text with `arch=` and `syscall=` by name.
fn interpreted(text: &str) -> std::borrow::Cow<'_, str> {
    let Some((arch, syscall)) = syscall_names(text) else { return text.into() };
    let words: Vec<String> = text
        .split(' ')
        .map(|w| match w.split_once('=') {
            Some(("arch", _)) => format!("arch={arch}"),
            Some(("syscall", _)) => format!("syscall={syscall}"),
            _ => w.to_string(),
        })
        .collect();
    words.join(" ").into()
}

/// Says on stderr what an item that is not an event is: a loss, a
/// refused sender, a record that did not read.
pub(crate) fn say<E>(item: Item<E>) {
    match item {
        Item::Event { .. } => {}
        Item::Overrun => crate::report::note!("audit: records lost (ENOBUFS)"),
        Item::Refused { sender, reason } => {
            crate::report::note!("audit: refused a datagram from port {}: {reason}", sender.port)
        }
        Item::Malformed(e) => crate::report::note!("audit: {e}"),
    }
}

/// Prints completed events while fewer than `--count` were (`seen`
/// counts them), then flushes.
pub(crate) fn print_events(
    out: &mut impl Write,
    complete: Vec<Event>,
    seen: &mut u64,
    a: &AuditMonitorArgs,
    json: bool,
) -> Result<()> {
    let mut buf = Vec::new();
    for e in complete {
        if a.count.is_some_and(|c| *seen >= c) {
            break;
        }
        *seen += 1;
        print_event(&mut buf, &e, type_names(), json, a.interpret);
    }
    out.write_all(&buf)?;
    Ok(out.flush()?)
}

/// Events without an `AUDIT_EOE` are printed after this long without a
/// record.
pub(crate) const QUIET: Duration = Duration::from_millis(200);

fn monitor(a: &AuditMonitorArgs, netns: Option<&str>, json: bool) -> Result<()> {
    let mut sub = match netns {
        Some(name) => Subscription::open_in(Netns::Name(name), AuditLog)?,
        None => Subscription::open(AuditLog)?,
    };
    let _ = sub.socket().raise_recv_buffer(crate::report::monitor_rcvbuf());
    let deadline = crate::words::values::duration(a.timeout).map(|t| Instant::now() + t);
    crate::report::note!("monitoring audit events");
    if netns.is_some() {
        crate::report::note!(
            "audit: the kernel multicasts records in the initial network namespace only: \
             in this one, only other processes' datagrams (refused) can arrive"
        );
    }
    let mut stdout = std::io::stdout().lock();
    let (mut events, mut seen) = (Events::default(), 0u64);
    while a.count.is_none_or(|c| seen < c) {
        let quiet = Instant::now() + QUIET;
        let until = deadline.map_or(quiet, |d| d.min(quiet));
        let mut done = Vec::new();
        match sub.recv_until(Some(until))? {
            Some(batch) => {
                for item in batch {
                    match item {
                        Item::Event { event, .. } => done.extend(events.push(event)),
                        other => say(other),
                    }
                }
            }
            None => done.extend(events.flush()),
        }
        print_events(&mut stdout, done, &mut seen, a, json)?;
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
    }
    if events.unseen() > 0 {
        crate::report::note!("audit: {} serials numbered and not seen", events.unseen());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_come_from_the_header() {
        let n = type_names();
        assert_eq!(n[&1300], "SYSCALL");
        assert_eq!(n[&1305], "CONFIG_CHANGE");
        assert_eq!(n[&1320], "EOE");
        assert_eq!(n[&1000], "GET");
        assert!(!n.contains_key(&999));
    }

    #[test]
    fn records_name_their_system_call() {
        let text = "arch=c000003e syscall=59 success=yes exit=0 items=2 pid=7 comm=\"sh\"";
        assert_eq!(syscall_names(text), Some(("x86_64", "execve".to_string())));
        assert_eq!(
            interpreted(text),
            "arch=x86_64 syscall=execve success=yes exit=0 items=2 pid=7 comm=\"sh\""
        );
        let i386 = "arch=40000003 syscall=9999 per=8";
        assert_eq!(interpreted(i386), "arch=i386 syscall=9999 per=8");
        let other = "arch=c00000b7 syscall=221";
        assert_eq!((syscall_names(other), interpreted(other)), (None, other.into()));
        assert_eq!(interpreted("op=set res=1"), "op=set res=1");
    }

    #[test]
    fn rules_read_in_auditctls_words() {
        use nlkit::audit::rules::{Field, AUDIT_ARCH, AUDIT_FILTERKEY};
        let r = Rule {
            flags: 4,
            action: 2,
            mask: vec![1 << 27 | 1, 0],
            fields: vec![
                Field { field: AUDIT_ARCH, op: AUDIT_EQUAL, value: FieldValue::Number(3221225534) },
                Field {
                    field: AUDIT_FILTERKEY,
                    op: AUDIT_EQUAL,
                    value: FieldValue::Text("k".into()),
                },
            ],
        };
        assert_eq!(rule_text(&r), "-a always,exit -F arch=b64 -S read,mincore -F key=k");
        // The key before the arch, a number with no name, an unknown arch.
        let mut other = r.clone();
        other.fields.reverse();
        other.mask[1] = 1 << 31; // 63: uname; none at 1023
        other.mask.extend([0; 29].into_iter().chain([1 << 31]));
        assert_eq!(other.mask.len(), 32);
        assert_eq!(
            rule_text(&other),
            "-a always,exit -F arch=b64 -S read,mincore,uname,1023 -F key=k"
        );
        other.fields[1].value = FieldValue::Number(0xc000_00b7);
        other.fields.push(Field { field: 9, op: 0x6000_0000, value: FieldValue::Number(1000) });
        assert_eq!(
            rule_text(&other),
            "-a always,exit -F arch=0xc00000b7 -S 0,27,63,1023 -F key=k -F auid>=1000"
        );
    }
}
