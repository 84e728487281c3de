//! `nlkit audit set` and `nlkit audit rule add|delete`: the changes to the
//! audit state, in auditctl's words. A rule is read whole before anything
//! is sent (every bad word is an error naming it), and `set` with nothing
//! to set refuses. The audit state is the machine's, not a namespace's.

use crate::cli::{AuditRuleArgs, AuditRuleCommand, AuditSetArgs};
use anyhow::{anyhow, bail, Result};
use nlkit::audit::arch::Arch;
use nlkit::audit::rules::{
    self, Field, Rule, Value, ACTIONS, AUDIT_ARCH, AUDIT_FILTER_PREPEND, BITMASK_SIZE, FIELDS,
    LISTS, OPERATORS,
};
use nlkit::audit::{self, Status};
use nlkit::Conn;

/// auditctl's `arch=` words: `b64`, `b32` (this machine's ABIs of that
/// width), an architecture's name, or its `AUDIT_ARCH_*` number.
pub fn arch_value(word: &str) -> Option<u32> {
    let named = match word {
        "b64" => Arch::native(64),
        "b32" => Arch::native(32),
        _ => Arch::ALL.into_iter().find(|a| a.name() == word),
    };
    named.map(Arch::audit).or_else(|| number(word))
}

/// `nlkit audit set ...`.
pub fn set(a: &AuditSetArgs, mut conn: Conn) -> Result<()> {
    for (name, v) in [("enabled", a.enabled), ("failure", a.failure)] {
        if v.is_some_and(|v| v > 2) {
            bail!("audit set: --{name} is 0, 1 or 2");
        }
    }
    let mut mask = 0;
    let mut take = |bit: u32, value: Option<u32>| {
        mask |= if value.is_some() { bit } else { 0 };
        value.unwrap_or(0)
    };
    let s = Status {
        enabled: take(audit::AUDIT_STATUS_ENABLED, a.enabled),
        failure: take(audit::AUDIT_STATUS_FAILURE, a.failure),
        rate_limit: take(audit::AUDIT_STATUS_RATE_LIMIT, a.rate_limit),
        backlog_limit: take(audit::AUDIT_STATUS_BACKLOG_LIMIT, a.backlog_limit),
        backlog_wait_time: take(audit::AUDIT_STATUS_BACKLOG_WAIT_TIME, a.backlog_wait_time),
        lost: take(audit::AUDIT_STATUS_LOST, a.reset_lost.then_some(0)),
        ..Status::default()
    };
    let s = Status { mask, ..s };
    if s.mask == 0 {
        bail!(
            "audit set: nothing to set (--enabled, --failure, --rate-limit, --backlog-limit, \
             --backlog-wait-time, --reset-lost)"
        );
    }
    conn.run(audit::set(s))?;
    Ok(())
}

/// `nlkit audit rule add|delete ...`.
pub fn rule(cmd: &AuditRuleCommand, mut conn: Conn) -> Result<()> {
    match cmd {
        AuditRuleCommand::Add(a) => conn.run(rules::add(&parse(a)?)?)?,
        AuditRuleCommand::Delete(a) => conn.run(rules::delete(&parse(a)?)?)?,
    }
    Ok(())
}

fn named(table: &[(&str, u32)], word: &str) -> Option<u32> {
    table.iter().find(|(n, _)| *n == word).map(|(_, v)| *v)
}

fn number(word: &str) -> Option<u32> {
    match word.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => word.parse().ok(),
    }
}

/// A rule from auditctl's words: `ACTION,LIST` (either order), `-S` and
/// `-F` conditions.
pub fn parse(a: &AuditRuleArgs) -> Result<Rule> {
    let (x, y) = a
        .rule
        .split_once(',')
        .ok_or_else(|| anyhow!("rule \"{}\": ACTION,LIST (always,exit)", a.rule))?;
    let (action, list) = match (named(&ACTIONS, x), named(&LISTS, y)) {
        (Some(action), Some(list)) => (action, list),
        _ => match (named(&ACTIONS, y), named(&LISTS, x)) {
            (Some(action), Some(list)) => (action, list),
            _ => {
                let lists: Vec<&str> = LISTS.iter().map(|(n, _)| *n).collect();
                bail!(
                    "rule \"{}\": an action (never, possible, always) and a list ({})",
                    a.rule,
                    lists.join(", ")
                )
            }
        },
    };
    let fields = a.fields.iter().map(|f| field(f)).collect::<Result<Vec<_>>>()?;
    // Names are the rule's architecture's (`-F arch=`), else the machine's,
    // as auditctl reads them.
    let arch = match fields.iter().find(|f| f.field == AUDIT_ARCH).map(|f| &f.value) {
        Some(Value::Number(n)) => Arch::from_audit(*n).ok_or(*n),
        _ => Arch::default_for_machine().ok_or(0),
    };
    let mut mask = vec![0u32; BITMASK_SIZE];
    for s in a.syscalls.iter().flat_map(|s| s.split(',')) {
        if s == "all" {
            mask.iter_mut().for_each(|w| *w = !0);
            continue;
        }
        let n = match (number(s), arch) {
            (Some(n), _) => Some(n),
            (None, Ok(arch)) => Some(arch.syscall_number(s).ok_or_else(|| {
                anyhow!("-S {s}: not a system call of {} (a name, a number or all)", arch.name())
            })?),
            (None, Err(a)) => bail!("-S {s}: no table of names for arch {a:#x}: a number or all"),
        };
        let n = n
            .filter(|&n| (n as usize) < BITMASK_SIZE * 32)
            .ok_or_else(|| anyhow!("-S {s}: a system call number under {}", BITMASK_SIZE * 32))?;
        mask[n as usize / 32] |= 1 << (n % 32);
    }
    if fields.len() > rules::MAX_FIELDS {
        bail!("a rule has at most {} fields", rules::MAX_FIELDS);
    }
    let flags = list | if a.first { AUDIT_FILTER_PREPEND } else { 0 };
    Ok(Rule { flags, action, mask, fields })
}

/// One `-F NAME OP VALUE`.
fn field(text: &str) -> Result<Field> {
    let (at, (op_text, op)) = OPERATORS
        .iter()
        .filter_map(|&(o, bits)| text.find(o).map(|i| (i, (o, bits))))
        .min_by_key(|(i, (o, _))| (*i, std::cmp::Reverse(o.len())))
        .ok_or_else(|| anyhow!("-F {text}: FIELD, an operator (= != < > <= >= & &=), VALUE"))?;
    let (name, value) = (&text[..at], &text[at + op_text.len()..]);
    let id = named(&FIELDS, name).or_else(|| number(name)).ok_or_else(|| {
        anyhow!("-F {text}: unknown field \"{name}\" (a name auditctl knows, or a number)")
    })?;
    let value = if rules::is_string_field(id) {
        if value.is_empty() {
            bail!("-F {text}: an empty value");
        }
        Value::Text(value.to_string())
    } else if id == AUDIT_ARCH {
        Value::Number(arch_value(value).ok_or_else(|| {
            anyhow!("-F {text}: arch is b64, b32, a name (x86_64, i386) or a number")
        })?)
    } else {
        // Numbers as auditctl takes them; -1 for "unset" ids.
        let n = number(value)
            .or_else(|| value.parse::<i32>().ok().map(|n| n as u32))
            .ok_or_else(|| anyhow!("-F {text}: \"{value}\" is not a number"))?;
        Value::Number(n)
    };
    Ok(Field { field: id, op, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(rule: &str, syscalls: &[&str], fields: &[&str]) -> AuditRuleArgs {
        AuditRuleArgs {
            rule: rule.into(),
            syscalls: syscalls.iter().map(|s| s.to_string()).collect(),
            fields: fields.iter().map(|s| s.to_string()).collect(),
            first: false,
        }
    }

    #[test]
    fn a_rule_reads_as_auditctl_writes_it() {
        let r = parse(&args("always,exit", &["2", "257"], &["arch=b64", "auid>=1000", "key=mine"]))
            .unwrap();
        assert_eq!((r.flags, r.action), (4, 2));
        assert_eq!((r.mask[0], r.mask[8]), (1 << 2, 1 << 1));
        let f: Vec<(u32, u32)> = r.fields.iter().map(|f| (f.field, f.op)).collect();
        assert_eq!(f, [(11, 0x4000_0000), (9, 0x6000_0000), (210, 0x4000_0000)]);
        assert_eq!(r.fields[0].value, Value::Number(0xc000_003e));
        assert_eq!(r.fields[2].value, Value::Text("mine".into()));
        // Either order; numbers for fields, as `audit rules` prints them.
        let same =
            parse(&args("exit,always", &["2", "257"], &["11=3221225534", "9>=1000", "210=mine"]));
        assert_eq!(same.unwrap(), r);
        // Names, of the rule's architecture.
        let named = parse(&args(
            "always,exit",
            &["open", "openat"],
            &["arch=x86_64", "auid>=1000", "key=mine"],
        ));
        assert_eq!(named.unwrap(), r);
        let b32 = parse(&args("always,exit", &["open"], &["arch=b32"])).unwrap();
        assert_eq!(
            (b32.mask[0], b32.fields[0].value.clone()),
            (1 << 5, Value::Number(0x4000_0003))
        );
    }

    #[test]
    fn bad_words_are_named() {
        let err = |a: AuditRuleArgs| parse(&a).unwrap_err().to_string();
        assert!(err(args("always", &[], &[])).contains("ACTION,LIST"));
        assert!(err(args("always,nowhere", &[], &[])).contains("a list (user, task"));
        assert!(err(args("always,exit", &["nosuch"], &[])).contains("-S nosuch: not a system call"));
        assert!(err(args("always,exit", &["9999"], &[])).contains("-S 9999"));
        assert!(err(args("always,exit", &["openat"], &["arch=0xc00000b7"]))
            .contains("no table of names for arch 0xc00000b7"));
        assert!(err(args("always,exit", &[], &["nosuch=1"])).contains("unknown field \"nosuch\""));
        assert!(err(args("always,exit", &[], &["pid~1"])).contains("an operator"));
        assert!(err(args("always,exit", &[], &["pid=x"])).contains("not a number"));
        assert!(err(args("always,exit", &[], &["key="])).contains("an empty value"));
    }
}
