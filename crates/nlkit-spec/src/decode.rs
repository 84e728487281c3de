//! Attributes read by a spec's names and types, in one pass and without
//! allocating: [`walk`] hands each attribute to a [`Visitor`] as an
//! [`Item`] borrowed from the message and the spec (integers of every
//! width and byte order, enums and flags with their definitions, strings,
//! binaries with their display hint, structs member by member, nests and
//! indexed arrays opened and closed, sub-messages by the layout their
//! selector names, bitfield32). `crate::json` has the visitors that build
//! JSON values and write JSON text; a caller that wants one field, or
//! counts, walks without building anything.
//!
//! Nothing is dropped: an attribute the set does not know is an
//! [`Item::Unknown`] (JSON `"unknown-N": "HEX"`), one that does not read
//! as its type an [`Item::Bad`] (`{"bad": "HEX", "error": ...}`), broken
//! framing [`Item::Malformed`]. The instances of a multi-attr attribute
//! are visited together, where the first one is. Nests are followed to [`MAX_DEPTH`] levels
//! and shown raw below that.

use crate::model::{Attr, EnumDef, Spec, StructDef, Type};
use nlkit_wire::Attrs;
use std::net::{IpAddr, Ipv4Addr};

/// How deep nests are decoded.
pub const MAX_DEPTH: usize = 32;

/// One attribute's (or struct member's) value.
#[derive(Debug, Clone, Copy)]
pub enum Item<'a> {
    /// An unsigned integer.
    Unsigned(u64),
    /// A signed integer.
    Signed(i64),
    /// A flag attribute (present).
    Flag,
    /// A string (its trailing NUL dropped).
    Str(&'a str),
    /// An integer with its enum (or flags) definition; `as_flags` for a
    /// plain enum used as bits.
    Enum(u64, &'a EnumDef, bool),
    /// An integer shown in hex (`display-hint: hex`).
    Hex(u64),
    /// An address (a `u32` with the `ipv4` display hint).
    Ip(IpAddr),
    /// Bytes, with the display hint the spec gives them.
    Bytes(&'a [u8], Option<&'a str>),
    /// `bitfield32`: value and selector, with the flags that name them.
    Bitfield(u32, u32, Option<&'a EnumDef>),
    /// A kind the set does not define.
    Unknown(u16, &'a [u8]),
    /// An attribute that does not read as its type.
    Bad(&'a [u8], &'static str),
    /// Framing broke here; nothing after it in this nest was read.
    Malformed,
}

/// What a nest or array is, as it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// Named members (a nest, a struct, a sub-message).
    Object,
    /// Elements in order (an indexed array).
    Array,
}

/// Receives a walk. Names are the spec's; `multi` marks an attribute that
/// may repeat (collected as an array).
pub trait Visitor<'a> {
    /// A value: `name` is empty inside an array.
    fn item(&mut self, name: &'a str, multi: bool, item: Item<'a>);
    /// A nest, struct, sub-message or indexed array opens.
    fn open(&mut self, name: &'a str, multi: bool, kind: Open);
    /// The innermost open container closes.
    fn close(&mut self);
}

/// Walks the attributes in `raw` as set `set` of `spec`.
pub fn walk<'a>(spec: &'a Spec, set: &str, raw: &'a [u8], v: &mut impl Visitor<'a>) {
    walk_at(spec, spec.set(set), raw, v, 0);
}

/// The attributes of one nest, in order; the instances of a multi-attr
/// attribute all where its first one is (so a visitor sees each as one
/// run; netlink does not promise they are adjacent).
fn walk_at<'a>(
    spec: &'a Spec,
    set: Set<'a>,
    raw: &'a [u8],
    v: &mut impl Visitor<'a>,
    depth: usize,
) {
    let grouped = set.is_some_and(|s| s.has_multi);
    let mut done: Vec<u16> = Vec::new();
    for a in Attrs::new(raw) {
        let Ok(a) = a else {
            v.item("", false, Item::Malformed);
            return;
        };
        let Some(meta) = set.and_then(|s| s.by_value(a.kind())) else {
            v.item("", false, Item::Unknown(a.kind(), a.payload()));
            continue;
        };
        if grouped && meta.multi {
            if done.contains(&a.kind()) {
                continue;
            }
            done.push(a.kind());
            for same in Attrs::new(raw).map_while(Result::ok).filter(|x| x.kind() == a.kind()) {
                attr(spec, set, meta, same.payload(), raw, v, depth);
            }
            continue;
        }
        attr(spec, set, meta, a.payload(), raw, v, depth);
    }
}

type Set<'a> = Option<&'a crate::model::AttrSet>;

/// One attribute of `set`; `siblings` is the nest it is in (a
/// sub-message's selector is one of them).
fn attr<'a>(
    spec: &'a Spec,
    set: Set<'a>,
    meta: &'a Attr,
    p: &'a [u8],
    siblings: &'a [u8],
    v: &mut impl Visitor<'a>,
    depth: usize,
) {
    let (name, multi) = (meta.name.as_str(), meta.multi);
    let deeper = depth < MAX_DEPTH;
    match meta.kind {
        Type::Pad | Type::Unused => {}
        Type::Flag => v.item(name, multi, Item::Flag),
        Type::String => {
            let s = p.strip_suffix(&[0]).unwrap_or(p);
            match std::str::from_utf8(s) {
                Ok(s) => v.item(name, multi, Item::Str(s)),
                Err(_) => v.item(name, multi, Item::Bad(p, "not UTF-8")),
            }
        }
        Type::Binary => match meta.layout.as_deref().and_then(|l| spec.structure(l)) {
            Some(layout) => {
                v.open(name, multi, Open::Object);
                structure(spec, layout, p, v);
                v.close();
            }
            None => v.item(name, multi, Item::Bytes(p, meta.hint.as_deref())),
        },
        Type::Nest if deeper => {
            v.open(name, multi, Open::Object);
            walk_at(spec, meta.nested.as_deref().and_then(|s| spec.set(s)), p, v, depth + 1);
            v.close();
        }
        Type::IndexedArray if deeper => {
            v.open(name, multi, Open::Array);
            for inner in Attrs::new(p).map_while(Result::ok) {
                let q = inner.payload();
                match meta.sub_type {
                    Some(Type::Nest) => {
                        v.open("", false, Open::Object);
                        walk_at(
                            spec,
                            meta.nested.as_deref().and_then(|s| spec.set(s)),
                            q,
                            v,
                            depth + 1,
                        );
                        v.close();
                    }
                    Some(kind) if kind.is_integer() => {
                        v.item("", false, number(spec, meta, kind, q))
                    }
                    _ => v.item("", false, Item::Bytes(q, meta.hint.as_deref())),
                }
            }
            v.close();
        }
        Type::NestTypeValue if deeper => {
            v.open(name, multi, Open::Array);
            type_values(spec, meta, p, &mut Vec::new(), v, depth);
            v.close();
        }
        Type::Bitfield32 => match (p.get(0..4), p.get(4..8)) {
            (Some(a), Some(b)) if p.len() == 8 => {
                let word = |x: &[u8]| u32::from_ne_bytes([x[0], x[1], x[2], x[3]]);
                let e = meta.enumeration.as_deref().and_then(|e| spec.enumeration(e));
                v.item(name, multi, Item::Bitfield(word(a), word(b), e));
            }
            _ => v.item(name, multi, Item::Bad(p, "a bitfield32 is 8 bytes")),
        },
        Type::SubMessage if deeper => sub_message(spec, set, meta, p, siblings, v, depth),
        Type::Nest | Type::IndexedArray | Type::NestTypeValue | Type::SubMessage => {
            v.item(name, multi, Item::Bytes(p, None))
        }
        kind => v.item(name, multi, number(spec, meta, kind, p)),
    }
}

/// The entries of a `nest-type-value` attribute. Each level of nests
/// carries a number as its attributes' types (named by the spec's
/// `type-value`, outermost first; `index` when it names none); each
/// innermost nest is one entry: an object of those numbers followed by
/// the nested set's attributes (nlctrl's policy dump:
/// `{"policy-id": 0, "attr-id": 1, "type": "u32", ...}`). Every entry is
/// kept, where the kernel's Python YNL keeps only the first.
fn type_values<'a>(
    spec: &'a Spec,
    meta: &'a Attr,
    p: &'a [u8],
    ids: &mut Vec<u64>,
    v: &mut impl Visitor<'a>,
    depth: usize,
) {
    let levels = meta.type_value.len().max(1);
    for inner in Attrs::new(p) {
        let Ok(inner) = inner else {
            v.item("", false, Item::Malformed);
            return;
        };
        ids.push(inner.kind().into());
        if ids.len() < levels {
            if depth + ids.len() < MAX_DEPTH {
                type_values(spec, meta, inner.payload(), ids, v, depth);
            } else {
                v.item("", false, Item::Bytes(inner.payload(), None));
            }
        } else {
            v.open("", false, Open::Object);
            for (i, id) in ids.iter().enumerate() {
                let key = meta.type_value.get(i).map_or("index", String::as_str);
                v.item(key, false, Item::Unsigned(*id));
            }
            let set = meta.nested.as_deref().and_then(|s| spec.set(s));
            walk_at(spec, set, inner.payload(), v, depth + levels);
            v.close();
        }
        ids.pop();
    }
}

/// An integer attribute, by its enum or display hint.
fn number<'a>(spec: &'a Spec, meta: &'a Attr, kind: Type, p: &'a [u8]) -> Item<'a> {
    match scalar(kind, p, meta.big_endian) {
        Some(Num::Unsigned(u)) => {
            if let Some(e) = meta.enumeration.as_deref().and_then(|e| spec.enumeration(e)) {
                return Item::Enum(u, e, meta.enum_as_flags);
            }
            match meta.hint.as_deref() {
                Some("hex") => Item::Hex(u),
                Some("ipv4") if p.len() == 4 => {
                    Item::Ip(IpAddr::V4(Ipv4Addr::new(p[0], p[1], p[2], p[3])))
                }
                _ => Item::Unsigned(u),
            }
        }
        Some(Num::Signed(i)) => Item::Signed(i),
        None => Item::Bad(p, "the wrong size for its type"),
    }
}

/// A sub-message: laid out as the format its selector (a sibling in the
/// same nest) names; bytes when there is none.
fn sub_message<'a>(
    spec: &'a Spec,
    set: Set<'a>,
    meta: &'a Attr,
    p: &'a [u8],
    siblings: &'a [u8],
    v: &mut impl Visitor<'a>,
    depth: usize,
) {
    let (name, multi) = (meta.name.as_str(), meta.multi);
    let selector = meta.selector.as_deref().and_then(|sel| set?.by_name(sel));
    let chosen = selector.and_then(|sel| {
        let a = Attrs::new(siblings).map_while(Result::ok).find(|a| a.kind() == sel.value)?;
        let s = a.payload();
        std::str::from_utf8(s.strip_suffix(&[0]).unwrap_or(s)).ok()
    });
    let format = meta
        .nested
        .as_deref()
        .and_then(|m| spec.sub_message(m))
        .and_then(|m| chosen.and_then(|c| m.formats.iter().find(|f| f.0 == c)));
    let Some((_, header, set)) = format else {
        return v.item(name, multi, Item::Bytes(p, None));
    };
    v.open(name, multi, Open::Object);
    let mut at = 0;
    if let Some(layout) = header.as_deref().and_then(|h| spec.structure(h)) {
        at = layout.size().min(p.len());
        structure(spec, layout, &p[..at], v);
    }
    match set {
        Some(set) => walk_at(spec, spec.set(set), &p[at..], v, depth + 1),
        None if at < p.len() => v.item("tail", false, Item::Bytes(&p[at..], None)),
        None => {}
    }
    v.close();
}

/// The members of `layout` read from `p`; bytes past them as `tail`; a
/// short `p` reads as far as it goes, then `truncated`.
pub(crate) fn structure<'a>(
    spec: &'a Spec,
    layout: &'a StructDef,
    p: &'a [u8],
    v: &mut impl Visitor<'a>,
) {
    let mut at = 0;
    for m in &layout.members {
        let width = m.size();
        let Some(bytes) = p.get(at..at + width) else {
            v.item("truncated", false, Item::Flag);
            return;
        };
        at += width;
        let item = match m.kind {
            Type::Pad => continue,
            Type::Binary => Item::Bytes(bytes, m.hint.as_deref()),
            Type::String => {
                match std::str::from_utf8(bytes.split(|&b| b == 0).next().unwrap_or(&[])) {
                    Ok(s) => Item::Str(s),
                    Err(_) => Item::Bad(bytes, "not UTF-8"),
                }
            }
            kind => match scalar(kind, bytes, m.big_endian) {
                Some(Num::Unsigned(u)) => {
                    match m.enumeration.as_deref().and_then(|e| spec.enumeration(e)) {
                        Some(e) => Item::Enum(u, e, m.enum_as_flags),
                        None if m.hint.as_deref() == Some("hex") => Item::Hex(u),
                        None => Item::Unsigned(u),
                    }
                }
                Some(Num::Signed(i)) => Item::Signed(i),
                None => Item::Bytes(bytes, None),
            },
        };
        v.item(&m.name, false, item);
    }
    if at < p.len() {
        v.item("tail", false, Item::Bytes(&p[at..], None));
    }
}

/// An integer of the spec's type from `p`: `uN`/`sN` of exactly that
/// width, `uint`/`sint` of 4 or 8 bytes; host byte order unless the spec
/// says big-endian.
pub(crate) fn scalar(kind: Type, p: &[u8], be: bool) -> Option<Num> {
    let width = match kind {
        Type::Uint | Type::Sint if p.len() == 4 || p.len() == 8 => p.len(),
        kind => kind.width()?,
    };
    if p.len() != width {
        return None;
    }
    let mut b = [0u8; 8];
    let u = if be || cfg!(target_endian = "big") {
        b[8 - width..].copy_from_slice(p);
        u64::from_be_bytes(b)
    } else {
        b[..width].copy_from_slice(p);
        u64::from_le_bytes(b)
    };
    Some(if kind.signed() {
        let shift = 64 - 8 * width as u32;
        Num::Signed(((u << shift) as i64) >> shift)
    } else {
        Num::Unsigned(u)
    })
}

/// An integer read from the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Num {
    Unsigned(u64),
    Signed(i64),
}

pub(crate) fn hex(p: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(p.len() * 2);
    for b in p {
        let _ = write!(s, "{b:02x}");
    }
    s
}
