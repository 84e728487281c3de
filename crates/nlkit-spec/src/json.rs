//! Replies as JSON, the kernel YNL CLI's shape: [`Json`] builds a
//! `serde_json::Value` from a walk ([`attrs`], [`crate::client::Reply::to_json`]);
//! [`JsonText`] writes the same object as compact text straight from the
//! walk, with no value built in between (what `nlkit spec` prints: a
//! 100,000-route dump in a fraction of the time). Enums and flags print
//! by name (unnamed bits as hex), binaries by their display hint, unknown
//! attributes as `"unknown-N": "HEX"`.

use crate::decode::{self, hex, Item, Open, Visitor};
use crate::model::{EnumDef, Spec, StructDef};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The attributes in `raw`, read as set `set` of `spec`, as a JSON object.
pub fn attrs(spec: &Spec, set: &str, raw: &[u8]) -> Value {
    let mut j = Json::default();
    decode::walk(spec, set, raw, &mut j);
    j.finish()
}

/// The members of a struct as a JSON object.
pub fn struct_json(spec: &Spec, layout: &StructDef, p: &[u8]) -> Value {
    let mut j = Json::default();
    decode::structure(spec, layout, p, &mut j);
    j.finish()
}

/// The visitor that builds JSON.
#[derive(Default)]
pub struct Json {
    /// Open containers: the name and multi mark they will be put under.
    stack: Vec<(String, bool, Value)>,
    top: Map<String, Value>,
}

impl Json {
    /// The object built.
    pub fn finish(mut self) -> Value {
        while !self.stack.is_empty() {
            self.close_one();
        }
        Value::Object(self.top)
    }

    fn put(&mut self, name: &str, multi: bool, value: Value) {
        let target = match self.stack.last_mut() {
            Some((_, _, Value::Array(items))) => return items.push(value),
            Some((_, _, Value::Object(m))) => m,
            Some(_) => return,
            None => &mut self.top,
        };
        if multi {
            match target.entry(name.to_string()).or_insert_with(|| Value::Array(Vec::new())) {
                Value::Array(items) => items.push(value),
                other => *other = Value::Array(vec![other.take(), value]),
            }
        } else {
            target.insert(name.to_string(), value);
        }
    }

    fn close_one(&mut self) {
        if let Some((name, multi, value)) = self.stack.pop() {
            self.put(&name, multi, value);
        }
    }
}

impl<'a> Visitor<'a> for Json {
    fn item(&mut self, name: &'a str, multi: bool, item: Item<'a>) {
        let (key, value): (std::borrow::Cow<'_, str>, Value) = match item {
            Item::Unknown(kind, p) => (format!("unknown-{kind}").into(), hex(p).into()),
            Item::Malformed => ("malformed".into(), "the attributes' framing broke here".into()),
            other => (name.into(), to_json(other)),
        };
        self.put(&key, multi, value);
    }

    fn open(&mut self, name: &'a str, multi: bool, kind: Open) {
        let empty = match kind {
            Open::Object => Value::Object(Map::new()),
            Open::Array => Value::Array(Vec::new()),
        };
        self.stack.push((name.to_string(), multi, empty));
    }

    fn close(&mut self) {
        self.close_one();
    }
}

/// An item as JSON.
pub fn to_json(item: Item<'_>) -> Value {
    match item {
        Item::Unsigned(u) => u.into(),
        Item::Signed(i) => i.into(),
        Item::Flag => true.into(),
        Item::Str(s) => s.into(),
        Item::Enum(u, e, as_flags) => enum_value(e, as_flags, u),
        Item::Hex(u) => format!("0x{u:x}").into(),
        Item::Ip(ip) => ip.to_string().into(),
        Item::Bytes(p, hint) => hinted(hint, p),
        Item::Bitfield(value, selector, e) => {
            let named = |x: u32| e.map_or_else(|| x.into(), |e| enum_value(e, false, x.into()));
            json!({"value": named(value), "selector": named(selector)})
        }
        Item::Unknown(_, p) => hex(p).into(),
        Item::Bad(p, why) => json!({"bad": hex(p), "error": why}),
        Item::Malformed => Value::Null,
    }
}

/// `u` by `e`'s names: one name, or (flags) the list of set bits' names,
/// unnamed bits as a hex number.
fn enum_value(e: &EnumDef, as_flags: bool, u: u64) -> Value {
    if !(e.flags || as_flags) {
        return e.name_of(u).map_or_else(|| u.into(), |n| n.into());
    }
    let mut names: Vec<Value> = Vec::new();
    let mut rest = u;
    for (name, bit) in &e.entries {
        let bit = if e.flags { *bit } else { 1u64.checked_shl(*bit as u32).unwrap_or(0) };
        if bit != 0 && u & bit == bit {
            names.push(name.clone().into());
            rest &= !bit;
        }
    }
    if rest != 0 {
        names.push(format!("0x{rest:x}").into());
    }
    names.into()
}

/// Bytes by their display hint (`ipv4`, `ipv6`, `ipv4-or-v6`, `mac`,
/// `uuid`), else hex.
pub(crate) fn hinted(hint: Option<&str>, p: &[u8]) -> Value {
    match (hint, p.len()) {
        (Some("ipv4" | "ipv4-or-v6"), 4) => {
            Ipv4Addr::new(p[0], p[1], p[2], p[3]).to_string().into()
        }
        (Some("ipv6" | "ipv4-or-v6"), 16) => {
            let b: [u8; 16] = p.try_into().unwrap_or([0; 16]);
            Ipv6Addr::from(b).to_string().into()
        }
        (Some("mac"), _) => {
            p.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":").into()
        }
        (Some("uuid"), 16) => {
            let h = hex(p);
            format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]).into()
        }
        _ => hex(p).into(),
    }
}

/// Writes compact JSON text from a walk. The walk visits a multi-attr
/// attribute's instances together, so each is one array.
#[derive(Default)]
pub struct JsonText {
    out: String,
    /// For each open container: whether it is an array, whether it has a
    /// member yet, and the multi-attr array open inside it (by name).
    stack: Vec<(bool, bool, Option<String>)>,
}

impl JsonText {
    /// Starts the top-level object.
    pub fn new() -> Self {
        let mut j = JsonText { out: String::with_capacity(512), stack: Vec::new() };
        j.out.push('{');
        j.stack.push((false, false, None));
        j
    }

    /// Closes what is open and returns the text.
    pub fn finish(mut self) -> String {
        while !self.stack.is_empty() {
            self.close();
        }
        self.out
    }

    /// Writes the separator and key a member needs; opens a multi-attr
    /// array on the first of its run.
    fn member(&mut self, name: &str, multi: bool) {
        let Some((array, started, open_multi)) = self.stack.last_mut() else { return };
        if *array {
            if *started {
                self.out.push(',');
            }
            *started = true;
            return;
        }
        if multi && open_multi.as_deref() == Some(name) {
            self.out.push(',');
            return;
        }
        if open_multi.take().is_some() {
            self.out.push(']');
        }
        if *started {
            self.out.push(',');
        }
        *started = true;
        escaped(&mut self.out, name);
        self.out.push(':');
        if multi {
            self.out.push('[');
            *open_multi = Some(name.to_string());
        }
    }

    fn value(&mut self, item: Item<'_>) {
        let out = &mut self.out;
        match item {
            Item::Unsigned(u) => push_u64(out, u),
            Item::Signed(i) if i < 0 => {
                out.push('-');
                push_u64(out, i.unsigned_abs());
            }
            Item::Signed(i) => push_u64(out, i as u64),
            Item::Flag => out.push_str("true"),
            Item::Str(s) => escaped(out, s),
            Item::Hex(u) => {
                let _ = write!(out, "\"0x{u:x}\"");
            }
            Item::Ip(ip) => {
                let _ = write!(out, "\"{ip}\"");
            }
            Item::Unknown(_, p) => {
                out.push('"');
                push_hex(out, p, "");
                out.push('"');
            }
            Item::Enum(u, e, false) if !e.flags => match e.name_of(u) {
                Some(name) => escaped(out, name),
                None => push_u64(out, u),
            },
            Item::Bytes(p, hint) => {
                out.push('"');
                match (hint, p.len()) {
                    (Some("ipv4" | "ipv4-or-v6"), 4) => {
                        let _ = write!(out, "{}", Ipv4Addr::new(p[0], p[1], p[2], p[3]));
                    }
                    (Some("ipv6" | "ipv4-or-v6"), 16) => {
                        let b: [u8; 16] = p.try_into().unwrap_or([0; 16]);
                        let _ = write!(out, "{}", Ipv6Addr::from(b));
                    }
                    (Some("mac"), _) => push_hex(out, p, ":"),
                    (Some("uuid"), 16) => {
                        for (i, chunk) in
                            [&p[0..4], &p[4..6], &p[6..8], &p[8..10], &p[10..16]].iter().enumerate()
                        {
                            if i > 0 {
                                out.push('-');
                            }
                            push_hex(out, chunk, "");
                        }
                    }
                    _ => push_hex(out, p, ""),
                }
                out.push('"');
            }
            other => out.push_str(&to_json(other).to_string()),
        }
    }
}

/// `u` in decimal.
fn push_u64(out: &mut String, mut u: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(&buf[i..]).unwrap_or("0"));
}

/// `p` in lower-case hex, bytes separated by `sep`.
fn push_hex(out: &mut String, p: &[u8], sep: &str) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for (i, b) in p.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
}

impl<'a> Visitor<'a> for JsonText {
    fn item(&mut self, name: &'a str, multi: bool, item: Item<'a>) {
        match item {
            Item::Unknown(kind, _) => self.member(&format!("unknown-{kind}"), false),
            Item::Malformed => {
                self.member("malformed", false);
                self.out.push_str("\"the attributes' framing broke here\"");
                return;
            }
            _ => self.member(name, multi),
        }
        self.value(item);
    }

    fn open(&mut self, name: &'a str, multi: bool, kind: Open) {
        self.member(name, multi);
        let array = kind == Open::Array;
        self.out.push(if array { '[' } else { '{' });
        self.stack.push((array, false, None));
    }

    fn close(&mut self) {
        if let Some((array, _, open_multi)) = self.stack.pop() {
            if open_multi.is_some() {
                self.out.push(']');
            }
            self.out.push(if array { ']' } else { '}' });
        }
    }
}

/// `s` as a JSON string.
fn escaped(out: &mut String, s: &str) {
    out.push('"');
    // Names and most values need no escape: one copy.
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "name: t\ndoc: d\ndefinitions:\n  - name: fl\n    type: flags\n    entries: [ up, down ]\nattribute-sets:\n  - name: top\n    attributes:\n      - name: m\n        type: u8\n        multi-attr: true\n      - name: s\n        type: string\n      - name: f\n        type: u32\n        enum: fl\n      - name: mac\n        type: binary\n        display-hint: mac\noperations:\n  list: []\n";

    #[test]
    fn text_and_values_agree_multi_attr_grouped() {
        let spec = Spec::parse(SPEC, "t.yaml").unwrap();
        // m=1, s="a\"b", m=2 (not adjacent), f=3 (up|down), an unknown 9, mac.
        let mut raw = vec![5, 0, 1, 0, 1, 0, 0, 0];
        raw.extend([8, 0, 2, 0, b'a', b'"', b'b', 0]);
        raw.extend([5, 0, 1, 0, 2, 0, 0, 0]);
        raw.extend([8, 0, 3, 0, 3, 0, 0, 0]);
        raw.extend([5, 0, 9, 0, 0xab, 0, 0, 0]);
        raw.extend([10, 0, 4, 0, 2, 0, 0, 0, 0, 1, 0, 0]);
        let value = attrs(&spec, "top", &raw);
        let want = json!({"m": [1, 2], "s": "a\"b", "f": ["up", "down"], "unknown-9": "ab",
                          "mac": "02:00:00:00:00:01"});
        assert_eq!(value, want);
        let mut text = JsonText::new();
        decode::walk(&spec, "top", &raw, &mut text);
        let text = text.finish();
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), want, "{text}");
    }
}
