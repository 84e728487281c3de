//! Any family's messages printed from its tables' metadata alone
//! ([`nlkit::proto::dynamic`]): every attribute by its row's name (the
//! spec's spelling, `-` between words) and typed value, nests as nested
//! objects, kinds the tables lack as `attr-N` with their bytes in hex,
//! values that do not read as their type as `{"malformed": HEX}`. This is
//! the output a family has before it has a printer of its own; nesting is
//! cut at [`MAX_DEPTH`] and said.

use nlkit::proto::dynamic::{fields, struct_fields, Value as Dyn};
use nlkit::proto::{EnumMeta, SetMeta, StructMeta};
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// Levels of nests printed; deeper ones are cut, and said.
pub const MAX_DEPTH: usize = 16;

/// The printed name of a row (`napi_id` → `napi-id`, `type_` → `type`).
fn key(name: &str) -> String {
    name.trim_end_matches('_').replace('_', "-")
}

fn hex(b: &[u8]) -> String {
    b.iter().fold(String::with_capacity(b.len() * 2), |mut s, x| {
        let _ = write!(s, "{x:02x}");
        s
    })
}

/// One message's attributes as a JSON object.
pub fn json(set: &'static SetMeta, attrs: &[u8]) -> Map<String, Value> {
    json_at(set, attrs, 0)
}

fn json_at(set: &'static SetMeta, attrs: &[u8], depth: usize) -> Map<String, Value> {
    let mut m = Map::new();
    for f in fields(set, attrs) {
        let name = match f.meta {
            Some(meta) => key(meta.name),
            None => format!("attr-{}", f.kind),
        };
        let v = json_value(f.value, depth);
        // A repeated attribute becomes an array of its values.
        match m.get_mut(&name) {
            Some(Value::Array(all)) => all.push(v),
            Some(prev) => {
                let first = std::mem::take(prev);
                *prev = Value::Array(vec![first, v]);
            }
            None => {
                m.insert(name, v);
            }
        }
    }
    m
}

/// A fixed structure's bytes as a JSON object of its fields (padding
/// left out; bytes past the structure as `unknown-tail`, in hex).
pub fn struct_json(meta: &'static StructMeta, bytes: &[u8]) -> Value {
    json_value(Dyn::Struct(meta, bytes), 0)
}

/// A named integer: an enum's name (its number if it has none), or the
/// names of a flags value's bits in an array (bits without a name last,
/// as one hex string), as YNL's own tools print them.
pub fn named_json(n: u64, names: &EnumMeta) -> Value {
    if !names.flags {
        return names.name_of(n).map_or(n.into(), Into::into);
    }
    let (set, rest) = names.flag_names(n);
    let mut all: Vec<Value> = set.into_iter().map(Into::into).collect();
    if rest != 0 {
        all.push(format!("{rest:#x}").into());
    }
    Value::Array(all)
}

/// [`named_json`] as a word: the name, or the bits' names joined by `,`
/// (`0` for none).
fn named_text(n: u64, names: &EnumMeta) -> String {
    match named_json(n, names) {
        Value::String(s) => s,
        Value::Array(a) if a.is_empty() => "0".into(),
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

fn json_value(v: Dyn<'_>, depth: usize) -> Value {
    match v {
        Dyn::Named(n, names) => named_json(n, names),
        Dyn::Unsigned(n) => n.into(),
        Dyn::Signed(n) => n.into(),
        Dyn::Flag => true.into(),
        Dyn::Str(s) => s.into(),
        Dyn::Ip(ip) => ip.to_string().into(),
        Dyn::Bytes(b) => hex(b).into(),
        Dyn::Struct(meta, b) => {
            let mut m = Map::new();
            for (f, v) in struct_fields(meta, b).filter(|(f, _)| !is_pad(f.name)) {
                m.insert(key(f.name), json_value(v, depth + 1));
            }
            if let Some(tail) = b.get(meta.len..).filter(|t| !t.is_empty()) {
                m.insert("unknown-tail".into(), hex(tail).into());
            }
            Value::Object(m)
        }
        Dyn::Nest(inner, raw) if depth + 1 < MAX_DEPTH => {
            Value::Object(json_at(inner, raw, depth + 1))
        }
        Dyn::Nest(..) => serde_json::json!({"cut": "more than 16 levels"}),
        Dyn::Bad(b, _) => serde_json::json!({"malformed": hex(b)}),
    }
}

/// Padding a structure's table names (`pad`, `pad2`, `ac_pad`): not printed.
fn is_pad(name: &str) -> bool {
    name.starts_with("pad") || name.ends_with("_pad") || name.starts_with("_pad")
}

/// One message's attributes as one line of `name value` pairs, nests in
/// braces.
pub fn text(set: &'static SetMeta, attrs: &[u8]) -> String {
    let mut s = String::new();
    text_at(&mut s, set, attrs, 0);
    s.trim_end().to_string()
}

fn text_at(s: &mut String, set: &'static SetMeta, attrs: &[u8], depth: usize) {
    for f in fields(set, attrs) {
        match f.meta {
            Some(meta) => s.push_str(&key(meta.name)),
            None => {
                let _ = write!(s, "attr-{}", f.kind);
            }
        }
        s.push(' ');
        text_value(s, f.value, depth);
    }
}

fn text_value(s: &mut String, v: Dyn<'_>, depth: usize) {
    let _ = match v {
        Dyn::Named(n, names) => write!(s, "{} ", named_text(n, names)),
        Dyn::Unsigned(n) => write!(s, "{n} "),
        Dyn::Signed(n) => write!(s, "{n} "),
        Dyn::Flag => write!(s, "on "),
        Dyn::Str(v) => write!(s, "{v} "),
        Dyn::Ip(ip) => write!(s, "{ip} "),
        Dyn::Bytes(b) => write!(s, "{} ", hex(b)),
        Dyn::Struct(meta, b) => {
            s.push_str("{ ");
            for (f, v) in struct_fields(meta, b).filter(|(f, _)| !is_pad(f.name)) {
                s.push_str(&key(f.name));
                s.push(' ');
                text_value(s, v, depth + 1);
            }
            if let Some(tail) = b.get(meta.len..).filter(|t| !t.is_empty()) {
                let _ = write!(s, "unknown-tail {} ", hex(tail));
            }
            write!(s, "}} ")
        }
        Dyn::Nest(inner, raw) if depth + 1 < MAX_DEPTH => {
            s.push_str("{ ");
            text_at(s, inner, raw, depth + 1);
            write!(s, "}} ")
        }
        Dyn::Nest(..) => write!(s, "{{ (cut) }} "),
        Dyn::Bad(b, _) => write!(s, "(malformed {}) ", hex(b)),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use nlkit::genl::netdev::tables::Queue;

    #[test]
    fn a_queue_prints_by_the_specs_names() {
        // NETDEV_A_QUEUE_ID 0, IFINDEX 3, TYPE 1 (tx), and an unknown kind 99.
        let mut attrs = Vec::new();
        for (kind, v) in [(1u16, 0u32), (2, 3), (3, 1)] {
            attrs.extend_from_slice(&8u16.to_ne_bytes());
            attrs.extend_from_slice(&kind.to_ne_bytes());
            attrs.extend_from_slice(&v.to_ne_bytes());
        }
        attrs.extend_from_slice(&[6, 0, 99, 0, 0xab, 0xcd, 0, 0]);
        let m = json(&Queue::META, &attrs);
        assert_eq!(
            Value::Object(m),
            serde_json::json!({"id": 0, "ifindex": 3, "type": "tx", "attr-99": "abcd"})
        );
        assert_eq!(text(&Queue::META, &attrs), "id 0 ifindex 3 type tx attr-99 abcd");
    }

    /// Enum values by name (a number without one); flags as the names of
    /// their bits, unnamed bits last in hex.
    #[test]
    fn named_values_print_by_the_specs_names() {
        use nlkit::genl::netdev::tables::{queue_type, xdp_act};
        use nlkit::proto::codec::Names;
        let (q, x) = (queue_type::Values::META, xdp_act::Values::META);
        assert_eq!(named_json(1, q), Value::from("tx"));
        assert_eq!(named_json(7, q), Value::from(7));
        assert_eq!(
            named_json(0b11 | 1 << 20, x),
            serde_json::json!(["basic", "redirect", "0x100000"])
        );
        assert_eq!(named_text(0b101, x), "basic,ndo-xmit");
        assert_eq!(named_text(0, x), "0");
    }
}
