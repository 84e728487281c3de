//! Audit rules (`struct audit_rule_data`): which list a rule is on, its
//! action, the syscalls it names (a 64-word bitmask) and its fields, each
//! a field id, an operator and a number or, for the string fields (paths,
//! keys, security labels), a string from the rule's buffer.

use crate::engine::{Request, Stream};
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
            let value = match STRING_FIELDS.contains(&field) || field == AUDIT_FILTERKEY {
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
