//! JSON to attributes by a spec: the input the kernel's own YNL CLI takes
//! (`{"ifindex": 1, "op-policy": ...}`): keys are attribute names, nests
//! are objects, multi-attr attributes arrays, enums and flags by name
//! (flags as a list of names, or a number), binaries as hex or by their
//! display hint (`"02:00:00:00:00:01"`, `"10.0.0.1"`), structs as objects.
//! Every value is checked before anything is sent: its type, its range
//! (the width of its type, and the spec's `checks`), a string's length.
//! Errors name the attribute path (`nest.inner`) and what was allowed.

use crate::decode::MAX_DEPTH;
use crate::model::{Attr, AttrSet, Spec, StructDef, Type};
use nlkit_wire::attr::{NLA_F_NESTED, NLA_TYPE_MASK};
use serde_json::{Map, Value};
use std::net::{Ipv4Addr, Ipv6Addr};

/// A value the request cannot carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    /// The attribute path (`set.attr` names, dot-separated).
    pub path: String,
    /// What is wrong with it.
    pub what: String,
}

impl std::fmt::Display for EncodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.what)
    }
}

impl std::error::Error for EncodeError {}

/// Appends the attributes `json` names, as set `set` of `spec`, to `out`.
pub fn attrs(
    spec: &Spec,
    set: &str,
    json: &Map<String, Value>,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    attrs_at(spec, set, json, out, "", 0, None)
}

/// The objects around the one being written, innermost first: where a
/// sub-message's selector is looked up (its own object, then outwards, as
/// the kernel's YNL does).
struct Scope<'s> {
    set: &'s AttrSet,
    json: &'s Map<String, Value>,
    outer: Option<&'s Scope<'s>>,
}

impl Scope<'_> {
    /// The value given for `name` in the innermost set that has it.
    fn lookup(&self, name: &str) -> Option<&Value> {
        let mut scope = Some(self);
        while let Some(s) = scope {
            if s.set.by_name(name).is_some() {
                return s.json.get(name);
            }
            scope = s.outer;
        }
        None
    }
}

fn attrs_at(
    spec: &Spec,
    set: &str,
    json: &Map<String, Value>,
    out: &mut Vec<u8>,
    path: &str,
    depth: usize,
    outer: Option<&Scope<'_>>,
) -> Result<(), EncodeError> {
    let at = |key: &str| if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
    if depth > MAX_DEPTH {
        return Err(EncodeError {
            path: path.into(),
            what: format!("nests deeper than {MAX_DEPTH}"),
        });
    }
    let Some(set) = spec.set(set) else {
        return Err(EncodeError { path: path.into(), what: format!("no attribute set {set}") });
    };
    let scope = Scope { set, json, outer };
    for (key, v) in json {
        let Some(a) = set.by_name(key) else {
            return Err(EncodeError { path: at(key), what: unknown(set) });
        };
        match v {
            Value::Array(items) if a.multi => {
                for item in items {
                    one(spec, a, item, out, &at(key), depth, &scope)?;
                }
            }
            v => one(spec, a, v, out, &at(key), depth, &scope)?,
        }
    }
    Ok(())
}

fn unknown(set: &AttrSet) -> String {
    let names: Vec<&str> = set.attrs.iter().map(|a| a.name.as_str()).collect();
    format!("not an attribute of {} (it has: {})", set.name, names.join(", "))
}

fn err(path: &str, what: impl Into<String>) -> EncodeError {
    EncodeError { path: path.into(), what: what.into() }
}

/// Appends one attribute.
fn put(out: &mut Vec<u8>, kind: u16, payload: &[u8], path: &str) -> Result<(), EncodeError> {
    let len = u16::try_from(4 + payload.len())
        .map_err(|_| err(path, "longer than an attribute can be (65,531 bytes)"))?;
    out.extend_from_slice(&len.to_ne_bytes());
    out.extend_from_slice(&kind.to_ne_bytes());
    out.extend_from_slice(payload);
    out.resize(out.len().next_multiple_of(4), 0);
    Ok(())
}

fn one(
    spec: &Spec,
    a: &Attr,
    v: &Value,
    out: &mut Vec<u8>,
    path: &str,
    depth: usize,
    scope: &Scope<'_>,
) -> Result<(), EncodeError> {
    match a.kind {
        Type::Flag => match v {
            Value::Bool(true) | Value::Null => put(out, a.value, &[], path),
            Value::Bool(false) => Ok(()),
            _ => Err(err(path, "a flag is true (present) or false (absent)")),
        },
        Type::String => {
            let s = v.as_str().ok_or_else(|| err(path, "expected a string"))?;
            check_len(a, s.len(), path)?;
            let mut p = s.as_bytes().to_vec();
            p.push(0);
            put(out, a.value, &p, path)
        }
        Type::Binary => {
            let p = match (a.layout.as_deref().and_then(|l| spec.structure(l)), v) {
                (Some(layout), Value::Object(m)) => structure(spec, layout, m, path)?,
                _ => binary(a.hint.as_deref(), v, path)?,
            };
            check_len(a, p.len(), path)?;
            put(out, a.value, &p, path)
        }
        Type::Nest => {
            let m = v.as_object().ok_or_else(|| err(path, "expected an object (a nest)"))?;
            let set = a.nested.as_deref().unwrap_or_default();
            let mut inner = Vec::new();
            attrs_at(spec, set, m, &mut inner, path, depth + 1, Some(scope))?;
            put(out, a.value | NLA_F_NESTED, &inner, path)
        }
        Type::IndexedArray => {
            let items = v.as_array().ok_or_else(|| err(path, "expected an array"))?;
            let mut inner = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let p = format!("{path}[{i}]");
                let mut elem = Vec::new();
                match a.sub_type {
                    Some(Type::Nest) => {
                        let m = item.as_object().ok_or_else(|| err(&p, "expected an object"))?;
                        attrs_at(
                            spec,
                            a.nested.as_deref().unwrap_or_default(),
                            m,
                            &mut elem,
                            &p,
                            depth + 1,
                            Some(scope),
                        )?;
                    }
                    Some(Type::Binary) => elem = binary(a.hint.as_deref(), item, &p)?,
                    Some(kind) if kind.is_integer() => elem = scalar(spec, a, kind, item, &p)?,
                    Some(kind) => {
                        return Err(err(&p, format!("nlkit cannot build {kind} elements")))
                    }
                    None => return Err(err(&p, "the spec gives this array no sub-type")),
                }
                let index = u16::try_from(i).map_err(|_| err(&p, "too many elements"))?;
                put(&mut inner, index | NLA_F_NESTED, &elem, &p)?;
            }
            put(out, a.value | NLA_F_NESTED, &inner, path)
        }
        Type::Bitfield32 => {
            let m = v
                .as_object()
                .ok_or_else(|| err(path, "expected {\"value\": ..., \"selector\": ...}"))?;
            let mut p = Vec::new();
            for key in ["value", "selector"] {
                let x = m.get(key).ok_or_else(|| err(path, format!("\"{key}\" is missing")))?;
                let n = number(spec, a, x, &format!("{path}.{key}"))?;
                let n =
                    u32::try_from(n).map_err(|_| err(path, format!("{key} is over 32 bits")))?;
                p.extend_from_slice(&n.to_ne_bytes());
            }
            put(out, a.value, &p, path)
        }
        Type::SubMessage => sub_message(spec, a, v, out, path, depth, scope),
        Type::NestTypeValue => type_values(spec, a, v, out, path, depth, scope),
        Type::Pad | Type::Unused => {
            Err(err(path, format!("a {} attribute carries nothing to give", a.kind)))
        }
        kind => {
            let p = scalar(spec, a, kind, v, path)?;
            put(out, a.value, &p, path)
        }
    }
}

/// A sub-message: laid out as the format that its selector's value (a
/// sibling, or an attribute of an enclosing object) names. The object
/// holds the format's fixed-header members, if it has one, and its
/// attributes (`{"kind": "vlan", "data": {"id": 5}}`), as the kernel's
/// YNL takes it; a format with attributes is marked nested, as YNL does.
fn sub_message(
    spec: &Spec,
    a: &Attr,
    v: &Value,
    out: &mut Vec<u8>,
    path: &str,
    depth: usize,
    scope: &Scope<'_>,
) -> Result<(), EncodeError> {
    let m = v.as_object().ok_or_else(|| err(path, "expected an object (a sub-message)"))?;
    let def = a.nested.as_deref().and_then(|n| spec.sub_message(n));
    let (Some(def), Some(selector)) = (def, a.selector.as_deref()) else {
        return Err(err(path, "the spec gives this sub-message no definition or selector"));
    };
    let chosen = match scope.lookup(selector) {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(err(path, format!("its selector \"{selector}\" is not a string"))),
        None => {
            return Err(err(path, format!("needs \"{selector}\" beside it to choose its layout")))
        }
    };
    let Some((_, header, set)) = def.formats.iter().find(|f| f.0 == chosen) else {
        let names: Vec<&str> = def.formats.iter().map(|f| f.0.as_str()).collect();
        return Err(err(
            path,
            format!(
                "{selector} \"{chosen}\" has no layout in {} (it has: {})",
                def.name,
                names.join(", ")
            ),
        ));
    };
    let mut payload = Vec::new();
    let mut rest = m.clone();
    if let Some(h) = header {
        let layout =
            spec.structure(h).ok_or_else(|| err(path, format!("the spec has no struct {h}")))?;
        let mut members = Map::new();
        for x in &layout.members {
            if let Some(v) = rest.remove(&x.name) {
                members.insert(x.name.clone(), v);
            }
        }
        payload = structure(spec, layout, &members, path)?;
    }
    let mut kind = a.value;
    match set {
        Some(set) => {
            attrs_at(spec, set, &rest, &mut payload, path, depth + 1, Some(scope))?;
            kind |= NLA_F_NESTED;
        }
        None => {
            if let Some(key) = rest.keys().next() {
                let at = format!("{path}.{key}");
                return Err(err(&at, format!("{selector} \"{chosen}\" takes no attributes")));
            }
        }
    }
    put(out, kind, &payload, path)
}

/// A `nest-type-value` attribute from an object, or an array of them, as
/// `crate::decode` shows it: each names the numbers its levels of nests
/// carry as types (the spec's `type-value` names; `index` when it names
/// none) beside the nested set's attributes.
fn type_values(
    spec: &Spec,
    a: &Attr,
    v: &Value,
    out: &mut Vec<u8>,
    path: &str,
    depth: usize,
    scope: &Scope<'_>,
) -> Result<(), EncodeError> {
    let entries: Vec<(String, &Map<String, Value>)> = match v {
        Value::Object(m) => vec![(path.to_string(), m)],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let p = format!("{path}[{i}]");
                match item.as_object() {
                    Some(m) => Ok((p, m)),
                    None => Err(err(&p, "expected an object")),
                }
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(err(path, "expected an object or an array of objects")),
    };
    let index = [String::from("index")];
    let levels = if a.type_value.is_empty() { &index[..] } else { &a.type_value[..] };
    if depth + levels.len() > MAX_DEPTH {
        return Err(err(path, format!("nests deeper than {MAX_DEPTH}")));
    }
    let set = a.nested.as_deref().unwrap_or_default();
    let mut inner = Vec::new();
    for (p, m) in entries {
        let mut attrs = m.clone();
        let mut ids = Vec::with_capacity(levels.len());
        for name in levels {
            let id = attrs.remove(name).ok_or_else(|| {
                err(&p, format!("\"{name}\" (the number this nest carries) is missing"))
            })?;
            let id = id.as_u64().filter(|&n| n <= u64::from(NLA_TYPE_MASK)).ok_or_else(|| {
                err(&format!("{p}.{name}"), format!("{id} is not a number 0..={NLA_TYPE_MASK}"))
            })?;
            ids.push(id as u16);
        }
        let mut entry = Vec::new();
        attrs_at(spec, set, &attrs, &mut entry, &p, depth + levels.len(), Some(scope))?;
        for id in ids.iter().rev() {
            let mut wrapped = Vec::with_capacity(entry.len() + 4);
            put(&mut wrapped, id | NLA_F_NESTED, &entry, &p)?;
            entry = wrapped;
        }
        inner.extend_from_slice(&entry);
    }
    put(out, a.value | NLA_F_NESTED, &inner, path)
}

/// A number: an integer, an enum's name, or a list of flag names.
fn number(spec: &Spec, a: &Attr, v: &Value, path: &str) -> Result<i128, EncodeError> {
    let e = a.enumeration.as_deref().and_then(|n| spec.enumeration(n));
    let named = |name: &str| -> Result<i128, EncodeError> {
        let e = e.ok_or_else(|| err(path, format!("\"{name}\" is not a number")))?;
        let value = e.value_of(name).ok_or_else(|| {
            let names: Vec<&str> = e.entries.iter().map(|(n, _)| n.as_str()).collect();
            err(path, format!("\"{name}\" is not in {} ({})", e.name, names.join(", ")))
        })?;
        // A plain enum used as flags names bit numbers.
        Ok(if a.enum_as_flags && !e.flags { 1i128 << value.min(63) } else { value as i128 })
    };
    match v {
        Value::Number(n) => n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
            .ok_or_else(|| err(path, format!("{n} is not an integer"))),
        Value::String(s) => named(s),
        Value::Array(names) => {
            let mut all = 0i128;
            for n in names {
                all |= match n {
                    Value::String(s) => named(s)?,
                    other => number(spec, a, other, path)?,
                };
            }
            Ok(all)
        }
        Value::Bool(b) => Ok(i128::from(*b)),
        _ => Err(err(path, "expected a number")),
    }
}

fn scalar(
    spec: &Spec,
    a: &Attr,
    kind: Type,
    v: &Value,
    path: &str,
) -> Result<Vec<u8>, EncodeError> {
    let n = match (v, a.hint.as_deref()) {
        (Value::String(s), Some("ipv4")) if s.contains('.') => {
            let ip: Ipv4Addr =
                s.parse().map_err(|_| err(path, format!("\"{s}\" is not an IPv4 address")))?;
            return Ok(if a.big_endian {
                ip.octets().to_vec()
            } else {
                u32::from(ip).to_ne_bytes().to_vec()
            });
        }
        (Value::String(s), Some("hex")) if s.starts_with("0x") => u64::from_str_radix(&s[2..], 16)
            .map(i128::from)
            .map_err(|_| err(path, format!("\"{s}\" is not a hex number")))?,
        _ => number(spec, a, v, path)?,
    };
    let width = match kind {
        // As the kernel's nla_put_uint: 4 bytes when the value fits.
        Type::Uint => {
            if u32::try_from(n).is_ok() {
                4
            } else {
                8
            }
        }
        Type::Sint => {
            if i32::try_from(n).is_ok() {
                4
            } else {
                8
            }
        }
        kind => kind.width().ok_or_else(|| err(path, format!("{kind} is not an integer type")))?,
    };
    let signed = kind.signed();
    let bits = 8 * width as u32;
    let (min, max) = if signed {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    };
    let (min, max) = limits(a, min, max);
    if n < min || n > max {
        return Err(err(path, format!("{n} is out of range {min}..={max} ({kind})")));
    }
    let bytes = (n as u64).to_be_bytes();
    let mut p = bytes[8 - width..].to_vec();
    if !a.big_endian && cfg!(target_endian = "little") {
        p.reverse();
    }
    Ok(p)
}

/// The spec's `checks` narrowing `min..=max`.
fn limits(a: &Attr, mut min: i128, mut max: i128) -> (i128, i128) {
    let Some(c) = &a.checks else { return (min, max) };
    if let Some(m) = c.get("min").and_then(Value::as_i64) {
        min = min.max(m.into());
    }
    if let Some(m) = c.get("max").and_then(Value::as_i64) {
        max = max.min(m.into());
    }
    (min, max)
}

fn check_len(a: &Attr, len: usize, path: &str) -> Result<(), EncodeError> {
    let Some(c) = &a.checks else { return Ok(()) };
    let get = |k: &str| c.get(k).and_then(Value::as_u64).map(|n| n as usize);
    if let Some(max) = get("max-len").filter(|&m| len > m) {
        return Err(err(path, format!("{len} bytes is longer than the {max} allowed")));
    }
    if let Some(min) = get("min-len").filter(|&m| len < m) {
        return Err(err(path, format!("{len} bytes is shorter than the {min} needed")));
    }
    if let Some(exact) = get("exact-len").filter(|&m| len != m) {
        return Err(err(path, format!("{len} bytes where exactly {exact} are needed")));
    }
    Ok(())
}

/// Bytes from hex, or by a display hint (`mac`, `ipv4`, `ipv6`).
fn binary(hint: Option<&str>, v: &Value, path: &str) -> Result<Vec<u8>, EncodeError> {
    let s = v
        .as_str()
        .ok_or_else(|| err(path, "expected a string (hex, or as the display hint shows it)"))?;
    match hint {
        Some("mac") => s
            .split(':')
            .map(|b| {
                u8::from_str_radix(b, 16)
                    .map_err(|_| err(path, format!("\"{s}\" is not a MAC address")))
            })
            .collect(),
        Some("ipv4") => Ok(s
            .parse::<Ipv4Addr>()
            .map_err(|_| err(path, format!("\"{s}\" is not an IPv4 address")))?
            .octets()
            .to_vec()),
        Some("ipv6") => Ok(s
            .parse::<Ipv6Addr>()
            .map_err(|_| err(path, format!("\"{s}\" is not an IPv6 address")))?
            .octets()
            .to_vec()),
        _ => {
            let h = s.strip_prefix("0x").unwrap_or(s).replace([':', ' '], "");
            if h.len() % 2 != 0 {
                return Err(err(path, format!("\"{s}\" is not hex bytes")));
            }
            (0..h.len())
                .step_by(2)
                .map(|i| {
                    u8::from_str_radix(&h[i..i + 2], 16)
                        .map_err(|_| err(path, format!("\"{s}\" is not hex bytes")))
                })
                .collect()
        }
    }
}

/// A struct's bytes from an object of its members (missing ones zero).
pub(crate) fn structure(
    spec: &Spec,
    layout: &StructDef,
    m: &Map<String, Value>,
    path: &str,
) -> Result<Vec<u8>, EncodeError> {
    let at = |key: &str| if path.is_empty() { key.to_string() } else { format!("{path}.{key}") };
    for key in m.keys() {
        if !layout.members.iter().any(|x| &x.name == key) {
            let names: Vec<&str> = layout.members.iter().map(|x| x.name.as_str()).collect();
            return Err(err(
                &at(key),
                format!("not a member of {} ({})", layout.name, names.join(", ")),
            ));
        }
    }
    let mut out = Vec::new();
    for x in &layout.members {
        let p = at(&x.name);
        let v = m.get(&x.name);
        match x.kind {
            Type::Pad => out.resize(out.len() + x.len, 0),
            Type::Binary | Type::String => {
                let mut b = match v {
                    Some(Value::String(s)) if x.kind == Type::String => s.as_bytes().to_vec(),
                    Some(v) => binary(x.hint.as_deref(), v, &p)?,
                    None => Vec::new(),
                };
                if b.len() > x.len {
                    return Err(err(&p, format!("{} bytes where {} fit", b.len(), x.len)));
                }
                b.resize(x.len, 0);
                out.extend_from_slice(&b);
            }
            kind => {
                let a = Attr {
                    name: x.name.clone(),
                    value: 0,
                    kind,
                    nested: None,
                    multi: false,
                    enumeration: x.enumeration.clone(),
                    enum_as_flags: x.enum_as_flags,
                    big_endian: x.big_endian,
                    hint: x.hint.clone(),
                    sub_type: None,
                    layout: None,
                    doc: String::new(),
                    checks: None,
                    selector: None,
                    type_value: Vec::new(),
                };
                out.extend(scalar(spec, &a, kind, v.unwrap_or(&Value::from(0)), &p)?);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(name: &str) -> Spec {
        let path = format!("{}/../../specs/ynl/6.12/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
        Spec::load(path).unwrap()
    }

    fn encode(spec: &Spec, set: &str, v: Value) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::new();
        attrs(spec, set, v.as_object().unwrap(), &mut out).map(|()| out)
    }

    /// Each level of a nest-type-value is a nest whose type is the number;
    /// what is built reads back as it was given.
    #[test]
    fn nest_type_values_are_built_level_by_level_and_read_back() {
        let ctrl = spec("nlctrl");
        let given = json!({"policy": [
            {"policy-id": 1, "attr-id": 2, "type": "u32", "max-value-u": 9},
            {"policy-id": 3, "attr-id": 4, "type": "flag"},
        ], "op-policy": [{"op-id": 3, "do": 1}]});
        let raw = encode(&ctrl, "ctrl-attrs", given.clone()).unwrap();
        // policy (8) > policy-id 1 > attr-id 2 > max-value-u (5, a u64:
        // keys are written in name order), then type.
        let head: Vec<u16> =
            raw.chunks(2).take(8).map(|c| u16::from_ne_bytes([c[0], c[1]])).collect();
        assert_eq!(
            &head[1..],
            [8 | NLA_F_NESTED, 28, 1 | NLA_F_NESTED, 24, 2 | NLA_F_NESTED, 12, 5]
        );
        assert_eq!(crate::json::attrs(&ctrl, "ctrl-attrs", &raw), given);
        // One entry may be given as an object (as the kernel's YNL shows it).
        let one = json!({"op-policy": {"op-id": 3, "do": 1}});
        assert_eq!(
            encode(&ctrl, "ctrl-attrs", one).unwrap(),
            encode(&ctrl, "ctrl-attrs", json!({"op-policy": [{"op-id": 3, "do": 1}]})).unwrap()
        );
        let e = encode(&ctrl, "ctrl-attrs", json!({"policy": [{"policy-id": 1, "type": "u8"}]}));
        assert_eq!(
            e.unwrap_err().to_string(),
            "policy[0]: \"attr-id\" (the number this nest carries) is missing"
        );
        let e = encode(&ctrl, "ctrl-attrs", json!({"op-policy": {"op-id": 70000}}));
        assert!(e.unwrap_err().to_string().starts_with("op-policy.op-id: 70000 is not a number"));
    }

    /// A sub-message whose format is a fixed header only (tc's `bfifo`
    /// options): the members read from the object, nothing else allowed.
    #[test]
    fn a_sub_message_with_a_fixed_header_is_built_from_its_members() {
        let tc = spec("tc");
        let given = json!({"kind": "bfifo", "options": {"limit": 1000}});
        let raw = encode(&tc, "tc-attrs", given.clone()).unwrap();
        assert_eq!(crate::json::attrs(&tc, "tc-attrs", &raw), given);
        let e = encode(&tc, "tc-attrs", json!({"kind": "bfifo", "options": {"limit": 1, "x": 2}}));
        assert_eq!(e.unwrap_err().to_string(), "options.x: kind \"bfifo\" takes no attributes");
        let e = encode(&tc, "tc-attrs", json!({"options": {"limit": 1}}));
        assert_eq!(
            e.unwrap_err().to_string(),
            "options: needs \"kind\" beside it to choose its layout"
        );
    }
}
