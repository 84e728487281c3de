//! Typed fields of an ioctl argument, as a person writes a C struct on a
//! command line: `u32:5,i16:-2,x64:0x10,char16:eth0,pad4`. Packed in the
//! order given, native byte order, with no padding but the `padN` fields
//! the person writes (a C struct's padding is theirs to spell out). The
//! same list decodes the bytes the driver hands back, so an answer prints
//! as the fields it was asked in.

use anyhow::{anyhow, bail, Result};
use serde_json::{json, Value};

/// One field's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Unsigned of 1, 2, 4 or 8 bytes, printed in decimal.
    Unsigned(usize),
    /// Signed of 1, 2, 4 or 8 bytes.
    Signed(usize),
    /// Unsigned, printed in hex.
    Hex(usize),
    /// `char[N]`: text, NUL-padded.
    Chars(usize),
    /// N bytes of padding (zero in, shown as hex out).
    Pad(usize),
}

impl Kind {
    /// Its size in bytes.
    pub fn size(self) -> usize {
        match self {
            Kind::Unsigned(n) | Kind::Signed(n) | Kind::Hex(n) | Kind::Chars(n) | Kind::Pad(n) => n,
        }
    }

    fn parse(word: &str) -> Option<Kind> {
        let int = |digits: &str| match digits.parse::<usize>().ok()? {
            bits @ (8 | 16 | 32 | 64) => Some(bits / 8),
            _ => None,
        };
        let count = |digits: &str| digits.parse::<usize>().ok().filter(|&n| n > 0 && n <= 1 << 14);
        if let Some(d) = word.strip_prefix("char") {
            return count(d).map(Kind::Chars);
        }
        if let Some(d) = word.strip_prefix("pad") {
            return count(d).map(Kind::Pad);
        }
        let (first, digits) = word.split_at(word.len().min(1));
        match first {
            "u" => int(digits).map(Kind::Unsigned),
            "i" | "s" => int(digits).map(Kind::Signed),
            "x" => int(digits).map(Kind::Hex),
            _ => None,
        }
    }

    fn name(self) -> String {
        match self {
            Kind::Unsigned(n) => format!("u{}", n * 8),
            Kind::Signed(n) => format!("i{}", n * 8),
            Kind::Hex(n) => format!("x{}", n * 8),
            Kind::Chars(n) => format!("char{n}"),
            Kind::Pad(n) => format!("pad{n}"),
        }
    }
}

/// A field: its type and the value to send (`None`: zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub kind: Kind,
    pub value: Option<String>,
}

/// Reads `TYPE[:VALUE],...`.
pub fn parse(spec: &str) -> Result<Vec<Field>> {
    spec.split(',')
        .map(|item| {
            let (ty, value) = match item.split_once(':') {
                Some((t, v)) => (t.trim(), Some(v.to_string())),
                None => (item.trim(), None),
            };
            let kind = Kind::parse(ty).ok_or_else(|| {
                anyhow!("field type {ty:?}: u8..u64, i8..i64, x8..x64 (hex), charN or padN")
            })?;
            Ok(Field { kind, value })
        })
        .collect()
}

/// The bytes the fields make.
pub fn encode(fields: &[Field]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    for f in fields {
        let n = f.kind.size();
        let v = f.value.as_deref();
        match f.kind {
            Kind::Unsigned(_) | Kind::Hex(_) => {
                let x = v.map_or(Ok(0), |v| unsigned(v, n))?;
                out.extend_from_slice(&x.to_ne_bytes()[..n]);
            }
            Kind::Signed(_) => {
                let x = v.map_or(Ok(0), |v| signed(v, n))?;
                out.extend_from_slice(&x.to_ne_bytes()[..n]);
            }
            Kind::Chars(_) => {
                let text = v.unwrap_or_default().as_bytes();
                if text.len() > n {
                    bail!("{:?} is longer than char{n}", v.unwrap_or_default());
                }
                out.extend_from_slice(text);
                out.resize(out.len() + n - text.len(), 0);
            }
            Kind::Pad(_) if v.is_some() => bail!("pad{n} takes no value"),
            Kind::Pad(_) => out.resize(out.len() + n, 0),
        }
    }
    Ok(out)
}

/// Reads `bytes` as `fields`: one `{type, value}` each, then any bytes left
/// over as `{"type": "rest", "hex": ...}`. Fields past the end are absent.
pub fn decode(fields: &[Field], bytes: &[u8]) -> Vec<Value> {
    let mut out = Vec::new();
    let mut at = 0;
    for f in fields {
        let n = f.kind.size();
        let Some(b) = bytes.get(at..at + n) else { break };
        at += n;
        let raw = native(b);
        let value = match f.kind {
            Kind::Unsigned(_) => json!(raw),
            Kind::Signed(_) => json!(sign_extend(raw, n)),
            Kind::Hex(_) => json!(format!("{raw:#x}")),
            Kind::Chars(_) => {
                let end = b.iter().position(|&c| c == 0).unwrap_or(n);
                json!(String::from_utf8_lossy(&b[..end]))
            }
            Kind::Pad(_) => json!(hex(b)),
        };
        out.push(json!({"type": f.kind.name(), "value": value}));
    }
    if at < bytes.len() {
        out.push(json!({"type": "rest", "hex": hex(&bytes[at..])}));
    }
    out
}

/// Fields as text: `u32 5, char16 "eth0", rest 00ff`.
pub fn text(decoded: &[Value]) -> String {
    let one = |v: &Value| match (&v["type"], &v["value"], &v["hex"]) {
        (Value::String(t), Value::String(s), _) if t.starts_with("char") => format!("{t} {s:?}"),
        (Value::String(t), Value::String(s), _) => format!("{t} {s}"),
        (Value::String(t), v, Value::Null) => format!("{t} {v}"),
        (Value::String(t), _, Value::String(h)) => format!("{t} {h}"),
        _ => v.to_string(),
    };
    decoded.iter().map(one).collect::<Vec<_>>().join(", ")
}

/// An integer of 1, 2, 4 or 8 bytes in native byte order (0 otherwise).
fn native(b: &[u8]) -> u64 {
    match *b {
        [a] => a.into(),
        [a, b] => u16::from_ne_bytes([a, b]).into(),
        [a, b, c, d] => u32::from_ne_bytes([a, b, c, d]).into(),
        [a, b, c, d, e, f, g, h] => u64::from_ne_bytes([a, b, c, d, e, f, g, h]),
        _ => 0,
    }
}

fn sign_extend(raw: u64, n: usize) -> i64 {
    let shift = 64 - 8 * n as u32;
    ((raw << shift) as i64) >> shift
}

fn unsigned(v: &str, n: usize) -> Result<u64> {
    let x = number(v).and_then(|x| u64::try_from(x).ok());
    x.filter(|&x| n == 8 || x < 1 << (8 * n)).ok_or_else(|| anyhow!("{v:?} is no u{}", n * 8))
}

fn signed(v: &str, n: usize) -> Result<u64> {
    let bits = 8 * n as u32;
    let x = number(v).and_then(|x| i64::try_from(x).ok());
    let ok = |x: i64| n == 8 || (x >= -(1 << (bits - 1)) && x < 1 << (bits - 1));
    x.filter(|&x| ok(x)).map(|x| x as u64).ok_or_else(|| anyhow!("{v:?} is no i{bits}"))
}

/// Decimal, `0x` hex or negative decimal.
fn number(v: &str) -> Option<i128> {
    let v = v.trim();
    let (neg, d) = v.strip_prefix('-').map_or((false, v), |d| (true, d));
    let x = match d.strip_prefix("0x").or_else(|| d.strip_prefix("0X")) {
        Some(h) => i128::from_str_radix(h, 16).ok()?,
        None => d.parse::<i128>().ok()?,
    };
    Some(if neg { -x } else { x })
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip() {
        let f = parse("u32:5,i16:-2,x64:0x10,char8:eth0,pad2,u8").unwrap();
        let bytes = encode(&f).unwrap();
        assert_eq!(bytes.len(), 4 + 2 + 8 + 8 + 2 + 1);
        let d = decode(&f, &[bytes.as_slice(), &[0xab]].concat());
        assert_eq!(text(&d), "u32 5, i16 -2, x64 0x10, char8 \"eth0\", pad2 0000, u8 0, rest ab");
        assert!(parse("u24").is_err());
        assert!(parse("char0").is_err());
        assert!(encode(&parse("u8:256").unwrap()).is_err());
        assert!(encode(&parse("i8:-129").unwrap()).is_err());
        assert!(encode(&parse("char2:abc").unwrap()).is_err());
        assert_eq!(encode(&parse("i8:-1,u64:18446744073709551615").unwrap()).unwrap(), [0xff; 9]);
        // Fields past the end of a short answer are left out.
        assert_eq!(decode(&parse("u32,u32").unwrap(), &[1, 0, 0, 0]).len(), 1);
    }
}
