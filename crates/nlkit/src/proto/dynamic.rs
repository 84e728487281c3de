//! Reading any message by its tables' metadata alone: each attribute of a
//! set ([`SetMeta`]) decoded by the [`ValueType`] its row declares, nests
//! by their own sets, kinds the set does not know kept raw. This is what
//! generic printers (text and JSON of any family before it has a printer
//! of its own) and spec-driven clients read with; typed views stay the
//! fast path.
//!
//! Decoding never fails as a whole: an attribute that does not read as its
//! type is a [`Value::Bad`] beside the others. Walking nests is the
//! caller's, with [`Field::nested`] (so the caller bounds the depth).

use super::meta::{AttrMeta, EnumMeta, FieldMeta, SetMeta, StructMeta, ValueType};
use nlkit_wire::{Attr, Attrs, Error as WireError};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One attribute's value, by its row's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    /// An unsigned integer (any width, either byte order).
    Unsigned(u64),
    /// A signed integer.
    Signed(i64),
    /// A flag (present).
    Flag,
    /// A string (a trailing NUL dropped).
    Str(&'a str),
    /// Bytes: a binary row, a custom layout, or a kind the set lacks.
    Bytes(&'a [u8]),
    /// An address.
    Ip(IpAddr),
    /// A fixed structure's bytes, with its fields' description.
    Struct(&'static StructMeta, &'a [u8]),
    /// A nest of another set (read with [`Field::nested`]).
    Nest(&'static SetMeta, &'a [u8]),
    /// An attribute that does not read as its row's type, kept raw.
    Bad(&'a [u8], WireError),
    /// An unsigned integer with the names of its values (or bits).
    Named(u64, &'static EnumMeta),
}

/// One attribute: its kind, its row (if the set knows the kind) and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// The attribute type.
    pub kind: u16,
    /// The set's row for it; `None` for a kind the set does not know.
    pub meta: Option<&'static AttrMeta>,
    /// The value.
    pub value: Value<'a>,
}

impl<'a> Field<'a> {
    /// The row's name, or `attr_KIND` for a kind the set does not know.
    pub fn name(&self) -> std::borrow::Cow<'static, str> {
        match self.meta {
            Some(m) => m.name.into(),
            None => format!("attr_{}", self.kind).into(),
        }
    }

    /// A nest's attributes, read by its set; empty for any other value.
    pub fn nested(&self) -> Fields<'a> {
        match self.value {
            Value::Nest(set, raw) => fields(set, raw),
            _ => fields(&EMPTY, &[]),
        }
    }
}

const EMPTY: SetMeta = SetMeta { name: "", attrs: &[] };

/// The attributes of `raw` (a payload after the fixed header) read by
/// `set`'s rows; framing that breaks ends the walk (what came before is
/// kept).
pub fn fields<'a>(set: &'static SetMeta, raw: &'a [u8]) -> Fields<'a> {
    Fields { set, attrs: Attrs::new(raw) }
}

/// The iterator of [`fields`].
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    set: &'static SetMeta,
    attrs: Attrs<'a>,
}

impl<'a> Iterator for Fields<'a> {
    type Item = Field<'a>;

    fn next(&mut self) -> Option<Field<'a>> {
        let a = self.attrs.next()?.ok()?;
        let meta = self.set.by_kind(a.kind());
        let value = match meta {
            Some(m) => decode(m.value, &a),
            None => Value::Bytes(a.payload()),
        };
        Some(Field { kind: a.kind(), meta, value })
    }
}

/// Reads `a` as `ty`.
pub fn decode<'a>(ty: ValueType, a: &Attr<'a>) -> Value<'a> {
    value_of(ty, a.kind(), a.payload())
}

/// A fixed structure's fields, each with its row and value, in memory
/// order; a `bytes` shorter than the structure gives the fields that fit.
/// A string field (`Chars`) reads up to its first NUL.
pub fn struct_fields<'a>(
    meta: &'static StructMeta,
    bytes: &'a [u8],
) -> impl Iterator<Item = (&'static FieldMeta, Value<'a>)> + 'a {
    let mut at = 0usize;
    meta.fields.iter().map_while(move |f| {
        let p = bytes.get(at..at + f.size)?;
        at += f.size;
        let v = match f.value {
            ValueType::String => {
                let end = p.iter().position(|&b| b == 0).unwrap_or(p.len());
                value_of(f.value, 0, &p[..end])
            }
            _ => value_of(f.value, 0, p),
        };
        Some((f, v))
    })
}

fn value_of(ty: ValueType, kind: u16, p: &[u8]) -> Value<'_> {
    let bad = |e: WireError| Value::Bad(p, e);
    let size = |want: usize| WireError::AttrSize { kind, want, got: p.len() };
    match ty {
        // A `u8` row that may come as a flag (`U8OrFlag`).
        ValueType::Unsigned(1) if p.is_empty() => Value::Flag,
        ValueType::Unsigned(want) | ValueType::BigEndian(want) => {
            // An 8-byte row may come in 4 (`uint`, `Uint`).
            let n = p.len();
            if !(n == want as usize || (want == 8 && n == 4)) || !matches!(n, 1 | 2 | 4 | 8) {
                return bad(size(want as usize));
            }
            let mut b = [0u8; 8];
            let v = if matches!(ty, ValueType::BigEndian(_)) {
                b[8 - n..].copy_from_slice(p);
                u64::from_be_bytes(b)
            } else if cfg!(target_endian = "little") {
                b[..n].copy_from_slice(p);
                u64::from_le_bytes(b)
            } else {
                b[8 - n..].copy_from_slice(p);
                u64::from_be_bytes(b)
            };
            Value::Unsigned(v)
        }
        ValueType::Signed(n) => match (n, p.len()) {
            (1, 1) => Value::Signed(p[0] as i8 as i64),
            (2, 2) => Value::Signed(i16::from_ne_bytes([p[0], p[1]]) as i64),
            (4 | 8, 4) => Value::Signed(i32::from_ne_bytes([p[0], p[1], p[2], p[3]]) as i64),
            (8, 8) => Value::Signed(i64::from_ne_bytes(p.try_into().unwrap_or_default())),
            (n, _) => bad(size(n as usize)),
        },
        ValueType::Flag => Value::Flag,
        ValueType::String => {
            let text = p.strip_suffix(&[0]).unwrap_or(p);
            match std::str::from_utf8(text) {
                Ok(s) if !s.contains('\0') => Value::Str(s),
                _ => Value::Bytes(p),
            }
        }
        ValueType::IpAddr => match p.len() {
            4 => Value::Ip(Ipv4Addr::from([p[0], p[1], p[2], p[3]]).into()),
            16 => {
                let mut b = [0u8; 16];
                b.copy_from_slice(p);
                Value::Ip(Ipv6Addr::from(b).into())
            }
            _ => Value::Bytes(p),
        },
        ValueType::Struct(m) if p.len() >= m.len => Value::Struct(m, p),
        ValueType::Struct(m) => bad(size(m.len)),
        ValueType::Nest(set) => Value::Nest(set, p),
        ValueType::Binary | ValueType::Custom(_) => Value::Bytes(p),
        ValueType::Named { width, big_endian, names } => {
            let int =
                if big_endian { ValueType::BigEndian(width) } else { ValueType::Unsigned(width) };
            match value_of(int, kind, p) {
                Value::Unsigned(n) => Value::Named(n, names),
                other => other,
            }
        }
    }
}

#[cfg(all(test, feature = "rtnl"))]
mod tests {
    use super::*;
    use crate::rtnl::addr::Address;
    use crate::rtnl::uapi::*;
    use nlkit_wire::{Header, MessageBuilder, Messages};

    #[test]
    fn an_address_reads_by_its_rows_with_unknown_kinds_kept() {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWADDR)).unwrap();
        b.append(&[2, 24, 0, 0, 1, 0, 0, 0]).unwrap();
        b.attr(IFA_LOCAL, &[10, 0, 0, 1]).unwrap();
        b.attr_str(IFA_LABEL, "v0").unwrap();
        b.attr_u32(IFA_FLAGS, 0x80).unwrap();
        b.attr_u16(200, 7).unwrap();
        b.attr(IFA_RT_PRIORITY, &[1, 2]).unwrap();
        let _ = b.finish();
        let msg = Messages::new(&buf).next().unwrap().unwrap();
        let got: Vec<(String, Value<'_>)> = fields(&Address::META, &msg.payload()[8..])
            .map(|f| (f.name().into_owned(), f.value))
            .collect();
        assert_eq!(got[0], ("local".into(), Value::Ip("10.0.0.1".parse().unwrap())));
        assert_eq!(got[1], ("label".into(), Value::Str("v0")));
        assert_eq!(got[2].1, Value::Unsigned(0x80));
        assert_eq!(got[3], ("attr_200".into(), Value::Bytes(&7u16.to_ne_bytes())));
        assert!(matches!(got[4].1, Value::Bad(_, WireError::AttrSize { .. })), "{:?}", got[4]);
    }
}
