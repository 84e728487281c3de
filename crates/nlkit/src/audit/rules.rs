//! Audit rules (`struct audit_rule_data`): which list a rule is on, its
//! action, the syscalls it names (a 64-word bitmask) and its fields, each
//! a field id, an operator and a number or, for the string fields (paths,
//! keys, security labels), a string from the rule's buffer.

use crate::engine::{Ack, Request, Stream};
use crate::error::{Error, Result};
use nlkit_wire::{Flags, Message, MessageBuilder};

/// `AUDIT_MAX_FIELDS`.
pub const MAX_FIELDS: usize = 64;
/// `AUDIT_BITMASK_SIZE`: words of the syscall mask.
pub const BITMASK_SIZE: usize = 64;
/// `AUDIT_ARCH`: the field that names the syscall ABI.
pub const AUDIT_ARCH: u32 = 11;
/// `AUDIT_WATCH`: a path (string).
pub const AUDIT_WATCH: u32 = 105;
/// `AUDIT_DIR`: a directory (string).
pub const AUDIT_DIR: u32 = 107;
/// `AUDIT_EXE`: an executable's path (string).
pub const AUDIT_EXE: u32 = 112;
/// `AUDIT_FILTERKEY`: the rule's key (string).
pub const AUDIT_FILTERKEY: u32 = 210;
/// `AUDIT_EQUAL`.
pub const AUDIT_EQUAL: u32 = 0x4000_0000;
/// `AUDIT_NOT_EQUAL`.
pub const AUDIT_NOT_EQUAL: u32 = 0x3000_0000;

/// The lists a rule can be on (`AUDIT_FILTER_*`), by auditctl's names.
pub const LISTS: [(&str, u32); 7] = [
    ("user", 0),
    ("task", 1),
    ("watch", 3),
    ("exit", 4),
    ("exclude", 5),
    ("filesystem", 6),
    ("io_uring", 7),
];

/// `AUDIT_FILTER_PREPEND`: add the rule first on its list (`-A`).
pub const AUDIT_FILTER_PREPEND: u32 = 0x10;

/// The actions (`AUDIT_NEVER`, `AUDIT_POSSIBLE`, `AUDIT_ALWAYS`).
pub const ACTIONS: [(&str, u32); 3] = [("never", 0), ("possible", 1), ("always", 2)];

/// Field ids by auditctl's names (`-F NAME=VALUE`); the uapi names are
/// these upper-cased with `AUDIT_` before them, except `auid`
/// (`AUDIT_LOGINUID`), `path` (`AUDIT_WATCH`) and `key`
/// (`AUDIT_FILTERKEY`). A test checks each against the pinned header.
pub const FIELDS: [(&str, u32); 44] = [
    ("pid", 0),
    ("uid", 1),
    ("euid", 2),
    ("suid", 3),
    ("fsuid", 4),
    ("gid", 5),
    ("egid", 6),
    ("sgid", 7),
    ("fsgid", 8),
    ("auid", 9),
    ("pers", 10),
    ("arch", 11),
    ("msgtype", 12),
    ("subj_user", 13),
    ("subj_role", 14),
    ("subj_type", 15),
    ("subj_sen", 16),
    ("subj_clr", 17),
    ("ppid", 18),
    ("obj_user", 19),
    ("obj_role", 20),
    ("obj_type", 21),
    ("obj_lev_low", 22),
    ("obj_lev_high", 23),
    ("loginuid_set", 24),
    ("sessionid", 25),
    ("fstype", 26),
    ("devmajor", 100),
    ("devminor", 101),
    ("inode", 102),
    ("exit", 103),
    ("success", 104),
    ("path", 105),
    ("perm", 106),
    ("dir", 107),
    ("filetype", 108),
    ("obj_uid", 109),
    ("obj_gid", 110),
    ("exe", 112),
    ("a0", 200),
    ("a1", 201),
    ("a2", 202),
    ("a3", 203),
    ("key", 210),
];

/// The operators by the text auditctl writes (`AUDIT_EQUAL`, ...).
pub const OPERATORS: [(&str, u32); 8] = [
    ("!=", AUDIT_NOT_EQUAL),
    ("<=", 0x5000_0000),
    (">=", 0x6000_0000),
    ("&=", 0x4800_0000),
    ("=", AUDIT_EQUAL),
    ("<", 0x1000_0000),
    (">", 0x2000_0000),
    ("&", 0x0800_0000),
];

/// Whether field `id`'s value is a string (a path, a key, a label).
pub fn is_string_field(id: u32) -> bool {
    STRING_FIELDS.contains(&id) || id == AUDIT_FILTERKEY
}

/// The fields whose value is a string in the buffer (`audit_to_entry_common`
/// and `audit_data_to_entry`): security labels, paths, the key.
const STRING_FIELDS: [u32; 13] = [13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 105, 107, 112];

/// The fixed part of `audit_rule_data`: flags, action, field count, the
/// mask, fields, values, field flags and the buffer length.
const FIXED: usize = 4 * (3 + BITMASK_SIZE + 3 * MAX_FIELDS + 1);

/// A field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A number.
    Number(u32),
    /// A string from the rule's buffer.
    Text(String),
}

/// One field of a rule: `-F FIELD OP VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The field id (`AUDIT_PID`, `AUDIT_ARCH`, ...).
    pub field: u32,
    /// The operator bits (`AUDIT_EQUAL`, `AUDIT_NOT_EQUAL`, ...).
    pub op: u32,
    /// Its value.
    pub value: Value,
}

/// A rule as the kernel lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The list (`AUDIT_FILTER_EXIT`, ...) and `AUDIT_FILTER_PREPEND`.
    pub flags: u32,
    /// `AUDIT_NEVER` or `AUDIT_ALWAYS`.
    pub action: u32,
    /// The syscalls, one bit each.
    pub mask: Vec<u32>,
    /// The fields, in order.
    pub fields: Vec<Field>,
}

fn u32_at(b: &[u8], word: usize) -> u32 {
    let at = word * 4;
    u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn bad(why: &'static str) -> Error {
    Error::Malformed { what: "audit_rule_data", why }
}

impl Rule {
    /// Reads one `audit_rule_data`; its strings must lie in its buffer.
    pub fn parse(payload: &[u8]) -> Result<Rule> {
        if payload.len() < FIXED {
            return Err(bad("shorter than its fixed part"));
        }
        let count = u32_at(payload, 2) as usize;
        if count > MAX_FIELDS {
            return Err(bad("more than AUDIT_MAX_FIELDS fields"));
        }
        let mask = (0..BITMASK_SIZE).map(|i| u32_at(payload, 3 + i)).collect();
        let (fields_at, values_at) = (3 + BITMASK_SIZE, 3 + BITMASK_SIZE + MAX_FIELDS);
        let flags_at = values_at + MAX_FIELDS;
        let buflen = u32_at(payload, flags_at + MAX_FIELDS) as usize;
        let buf = payload.get(FIXED..FIXED + buflen).ok_or(bad("buffer past the message"))?;
        let mut offset = 0usize;
        let mut fields = Vec::with_capacity(count);
        for i in 0..count {
            let field = u32_at(payload, fields_at + i);
            let raw = u32_at(payload, values_at + i);
            let value = match is_string_field(field) {
                true => {
                    // The value is the string's length; strings follow one
                    // another in the buffer, unterminated.
                    let end = offset.checked_add(raw as usize).filter(|&e| e <= buf.len());
                    let end = end.ok_or(bad("a string past its buffer"))?;
                    let text = String::from_utf8_lossy(&buf[offset..end]).into_owned();
                    offset = end;
                    Value::Text(text)
                }
                false => Value::Number(raw),
            };
            fields.push(Field { field, op: u32_at(payload, flags_at + i), value });
        }
        Ok(Rule { flags: u32_at(payload, 0), action: u32_at(payload, 1), mask, fields })
    }

    /// Writes it as `audit_rule_data` (what `AUDIT_ADD_RULE` takes).
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        if self.fields.len() > MAX_FIELDS || self.mask.len() > BITMASK_SIZE {
            return Err(bad("too many fields or mask words"));
        }
        let mut words = vec![0u32; FIXED / 4];
        words[0] = self.flags;
        words[1] = self.action;
        words[2] = self.fields.len() as u32;
        words[3..3 + self.mask.len()].copy_from_slice(&self.mask);
        let mut buf = Vec::new();
        for (i, f) in self.fields.iter().enumerate() {
            words[3 + BITMASK_SIZE + i] = f.field;
            words[3 + BITMASK_SIZE + 2 * MAX_FIELDS + i] = f.op;
            words[3 + BITMASK_SIZE + MAX_FIELDS + i] = match &f.value {
                Value::Number(n) => *n,
                Value::Text(t) => {
                    buf.extend_from_slice(t.as_bytes());
                    t.len() as u32
                }
            };
        }
        words[FIXED / 4 - 1] = buf.len() as u32;
        let mut out: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
        out.extend_from_slice(&buf);
        Ok(out)
    }
}

/// Adds `rule` (`AUDIT_ADD_RULE`; `EEXIST` if the kernel has it).
pub fn add(rule: &Rule) -> Result<impl Request<Output = ()>> {
    let bytes = rule.to_bytes()?;
    Ok(Ack {
        message_type: super::AUDIT_ADD_RULE,
        flags: Flags::empty(),
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(&bytes),
    })
}

/// Deletes the rule equal to `rule` (`AUDIT_DEL_RULE`; `ENOENT` if the
/// kernel has none).
pub fn delete(rule: &Rule) -> Result<impl Request<Output = ()>> {
    let bytes = rule.to_bytes()?;
    Ok(Ack {
        message_type: super::AUDIT_DEL_RULE,
        flags: Flags::empty(),
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(&bytes),
    })
}

/// Every rule, to `each` (`AUDIT_LIST_RULES`, a dump).
pub fn list<'a>(mut each: impl FnMut(Rule) -> Result<()> + 'a) -> impl Request<Output = ()> + 'a {
    Stream {
        message_type: super::AUDIT_LIST_RULES,
        flags: Flags::DUMP,
        body: |_: &mut MessageBuilder<'_, Vec<u8>>| Ok(()),
        each: move |m: Message<'_>| each(Rule::parse(m.payload())?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_reads_back_what_it_writes() {
        let rule = Rule {
            flags: 4,
            action: 2,
            mask: vec![1 << 27, 0, 0],
            fields: vec![
                Field { field: AUDIT_ARCH, op: AUDIT_EQUAL, value: Value::Number(0xc000_003e) },
                Field { field: AUDIT_DIR, op: AUDIT_EQUAL, value: Value::Text("/etc".into()) },
                Field { field: AUDIT_FILTERKEY, op: AUDIT_EQUAL, value: Value::Text("k1".into()) },
            ],
        };
        let bytes = rule.to_bytes().unwrap();
        assert_eq!(bytes.len(), FIXED + 6);
        let back = Rule::parse(&bytes).unwrap();
        assert_eq!(back.fields, rule.fields);
        assert_eq!((back.flags, back.action, back.mask[0]), (4, 2, 1 << 27));
    }

    #[test]
    #[cfg_attr(miri, ignore = "a text check, slow under Miri; the plain test run has it")]
    fn names_match_the_pinned_header() {
        let h = include_str!("../../../../tools/uapi/linux-6.1/linux/audit.h");
        let uapi = |name: &str| match name {
            "auid" => "AUDIT_LOGINUID".to_string(),
            "path" => "AUDIT_WATCH".to_string(),
            "key" => "AUDIT_FILTERKEY".to_string(),
            "filesystem" => "AUDIT_FILTER_FS".to_string(),
            "io_uring" => "AUDIT_FILTER_URING_EXIT".to_string(),
            n => format!("AUDIT_{}", n.to_uppercase()),
        };
        let mut want: Vec<(String, i64)> = Vec::new();
        // a1..a3 are written as AUDIT_ARG0 + n there.
        for (name, id) in FIELDS.iter().filter(|(n, _)| !["a1", "a2", "a3"].contains(n)) {
            let name = if *name == "a0" { "AUDIT_ARG0".to_string() } else { uapi(name) };
            want.push((name, (*id).into()));
        }
        for (name, id) in LISTS {
            let name =
                if id > 5 { uapi(name) } else { format!("AUDIT_FILTER_{}", name.to_uppercase()) };
            want.push((name, id.into()));
        }
        for (name, id) in ACTIONS {
            want.push((format!("AUDIT_{}", name.to_uppercase()), id.into()));
        }
        want.push(("AUDIT_FILTER_PREPEND".into(), AUDIT_FILTER_PREPEND.into()));
        for (name, bits) in [("AUDIT_BIT_MASK", 0x0800_0000), ("AUDIT_LESS_THAN", 0x1000_0000)]
            .into_iter()
            .chain([("AUDIT_GREATER_THAN", 0x2000_0000), ("AUDIT_NOT_EQUAL", AUDIT_NOT_EQUAL)])
            .chain([("AUDIT_EQUAL", AUDIT_EQUAL)])
        {
            want.push((name.into(), bits.into()));
        }
        let want: Vec<(&str, i64)> = want.iter().map(|(n, v)| (n.as_str(), *v)).collect();
        crate::proto::uapi_check::check(h, &want);
        // The compound operators are the header's ORs of these.
        let op = |t: &str| OPERATORS.iter().find(|(o, _)| *o == t).unwrap().1;
        assert_eq!(op("<="), op("<") | op("="));
        assert_eq!(op(">="), op(">") | op("="));
        assert_eq!(op("&="), op("&") | op("="));
    }

    #[test]
    fn bad_rules_are_errors() {
        let good = Rule { flags: 4, action: 2, mask: vec![], fields: vec![] }.to_bytes().unwrap();
        assert!(Rule::parse(&good[..FIXED - 1]).is_err());
        let mut many = good.clone();
        many[8..12].copy_from_slice(&65u32.to_ne_bytes());
        assert!(Rule::parse(&many).is_err());
        // A key whose length runs past the buffer.
        let key = Field { field: AUDIT_FILTERKEY, op: AUDIT_EQUAL, value: Value::Text("k".into()) };
        let mut long =
            Rule { flags: 4, action: 2, mask: vec![], fields: vec![key] }.to_bytes().unwrap();
        let at = 4 * (3 + BITMASK_SIZE + MAX_FIELDS);
        long[at..at + 4].copy_from_slice(&9u32.to_ne_bytes());
        assert!(Rule::parse(&long).is_err());
    }
}
