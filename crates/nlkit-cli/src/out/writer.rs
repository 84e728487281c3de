//! The fast writer of `ip`-style output, for commands that stream many
//! objects (`route show` over a million routes): each field printed "in either mode",
//! as a word of a text line or a member of a compact JSON object, as
//! iproute2's `print_string`/`print_uint`/... do, so one walk over an
//! object gives `ip`'s text and `ip -j`'s JSON with the same keys in the
//! same order. Everything goes into one buffer reused from object to
//! object; numbers and IPv4 addresses are written without `fmt`.
//!
//! [`super::printer`] does the same job by building a JSON map per object,
//! which suits objects with nested and optional parts (links); this one
//! writes JSON text directly and is the one to use on hot paths.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Interface names by index, as printing looks them up: a table for the
/// usual small indexes, a map for the rest.
pub(crate) struct IfNames {
    dense: Vec<Option<String>>,
    sparse: HashMap<u32, String>,
}

impl IfNames {
    const DENSE: u32 = 4096;

    pub(crate) fn new(names: &crate::names::LinkNames) -> Self {
        let mut dense = Vec::new();
        let mut sparse = HashMap::new();
        for (index, name) in names.iter() {
            if index < Self::DENSE {
                if dense.len() <= index as usize {
                    dense.resize(index as usize + 1, None);
                }
                dense[index as usize] = Some(name.to_owned());
            } else {
                sparse.insert(index, name.to_owned());
            }
        }
        IfNames { dense, sparse }
    }

    pub(crate) fn get(&self, index: u32) -> Option<&str> {
        if index < Self::DENSE {
            self.dense.get(index as usize)?.as_deref()
        } else {
            self.sparse.get(&index).map(String::as_str)
        }
    }
}

/// Writes objects as `ip` prints them, text or JSON, into one reused
/// buffer: each field is written "in either mode", as iproute2's
/// `print_*` functions do.
pub(crate) struct Printer {
    pub(crate) buf: Vec<u8>,
    pub(crate) json: bool,
    /// Objects accumulate in the buffer (in JSON with commas between them)
    /// until the caller takes them; else each object replaces the last.
    batch: bool,
    objects: usize,
    /// JSON: bit `n` is set when the container at depth `n` has a member.
    members: u64,
    depth: u32,
    /// `-c`: text colors.
    color: Option<super::printer::Palette>,
}

impl Printer {
    /// Colors the text from here on (`-c`), or not.
    pub(crate) fn set_color(&mut self, color: Option<super::printer::Palette>) {
        self.color = color.filter(|_| !self.json);
    }

    /// `PRE` then, in `paint`'s color, what `value` writes and `POST`
    /// (text only): how `ip` colors an address or a name after its word.
    fn painted(
        &mut self,
        paint: super::printer::Paint,
        pre: &str,
        post: &str,
        value: impl FnOnce(&mut Self),
    ) {
        self.text(pre);
        let code = self.color.and_then(|c| c.code(paint));
        if let Some(code) = code {
            self.text(code);
        }
        value(self);
        self.text(post);
        if code.is_some() {
            self.text(super::printer::CLEAR);
        }
    }

    /// [`addr`](Self::addr) in its family's color.
    pub(crate) fn paint_addr(&mut self, key: &str, pre: &str, a: &IpAddr, post: &str) {
        if self.json || self.color.is_none() {
            return self.addr(key, pre, a, post);
        }
        let paint = super::printer::Paint::family(if a.is_ipv4() { 2 } else { 10 });
        self.painted(paint, pre, post, |p| push_ip(&mut p.buf, a));
    }

    /// An address as `format_host` prints it: under `-r` its host name
    /// when the resolver has one (see `out::naming`), else as
    /// [`paint_addr`](Self::paint_addr).
    pub(crate) fn paint_host(&mut self, key: &str, pre: &str, a: &IpAddr, post: &str) {
        let Some(name) = super::naming::host(a) else {
            return self.paint_addr(key, pre, a, post);
        };
        if self.json || self.color.is_none() {
            return self.string(key, pre, &name, post);
        }
        let paint = super::printer::Paint::family(if a.is_ipv4() { 2 } else { 10 });
        self.painted(paint, pre, post, |p| p.buf.extend_from_slice(name.as_bytes()));
    }

    /// [`addr`](Self::addr), or the host name under `-r`.
    pub(crate) fn host(&mut self, key: &str, pre: &str, a: &IpAddr, post: &str) {
        match super::naming::host(a) {
            Some(name) => self.string(key, pre, &name, post),
            None => self.addr(key, pre, a, post),
        }
    }

    /// [`prefix`](Self::prefix) in its family's color; a full-length one is
    /// a host ([`paint_host`](Self::paint_host)).
    pub(crate) fn paint_prefix(&mut self, key: &str, pre: &str, a: &IpAddr, len: u8, full: u8) {
        if len == full && super::naming::host(a).is_some() {
            return self.paint_host(key, pre, a, " ");
        }
        if self.json || self.color.is_none() {
            return self.prefix(key, pre, a, len, full);
        }
        let paint = super::printer::Paint::family(if a.is_ipv4() { 2 } else { 10 });
        self.painted(paint, pre, " ", |p| {
            push_ip(&mut p.buf, a);
            if len != full {
                p.buf.push(b'/');
                push_u64(&mut p.buf, len as u64);
            }
        });
    }

    /// [`dev`](Self::dev) in the interface-name color.
    pub(crate) fn paint_dev(&mut self, key: &str, pre: &str, index: u32, names: &IfNames) {
        if self.json || self.color.is_none() {
            return self.dev(key, pre, index, names);
        }
        self.painted(super::printer::Paint::Ifname, pre, " ", |p| match names.get(index) {
            Some(n) => p.buf.extend_from_slice(n.as_bytes()),
            None if index == 0 => p.buf.push(b'*'),
            None => {
                p.text("if");
                push_u64(&mut p.buf, index as u64);
            }
        });
    }

    /// A printer of text (or JSON objects); with `batch`, objects
    /// accumulate until [`clear`](Self::clear).
    pub(crate) fn new(json: bool, batch: bool) -> Self {
        let capacity = if batch { 64 * 1024 } else { 512 };
        let buf = Vec::with_capacity(capacity);
        Printer { buf, json, batch, objects: 0, members: 0, depth: 0, color: None }
    }

    /// What was printed: lines with their newlines, or JSON objects (in a
    /// batch, separated by commas, as in a listing).
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Bytes printed and not yet cleared.
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    /// Drops what was printed (a batch goes on with a comma in JSON).
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
    }

    /// Starts an object: `{` in JSON.
    pub(crate) fn begin(&mut self) {
        if !self.batch {
            self.buf.clear();
        } else if self.json && self.objects > 0 {
            self.buf.push(b',');
        }
        self.objects += 1;
        self.depth = 0;
        self.members = 0;
        if self.json {
            self.open(None, b'{');
        }
    }

    /// Ends an object: `}` in JSON, the newline in text.
    pub(crate) fn finish(&mut self) {
        if self.json {
            self.close(b'}');
        } else {
            self.buf.push(b'\n');
        }
    }

    /// A comma unless this is the container's first member.
    #[inline]
    pub(crate) fn sep(&mut self) {
        let bit = 1u64 << self.depth;
        if self.members & bit != 0 {
            self.buf.push(b',');
        }
        self.members |= bit;
    }

    #[inline]
    pub(crate) fn key(&mut self, key: &str) {
        self.sep();
        self.buf.push(b'"');
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"\":");
    }

    /// Opens an object (`{`) or array (`[`), a member named `key` or an element.
    pub(crate) fn open(&mut self, key: Option<&str>, bracket: u8) {
        match key {
            Some(k) => self.key(k),
            None if self.depth > 0 => self.sep(),
            None => {}
        }
        self.buf.push(bracket);
        self.depth += 1;
        self.members &= !(1u64 << self.depth);
    }

    pub(crate) fn close(&mut self, bracket: u8) {
        self.depth -= 1;
        self.buf.push(bracket);
    }

    #[inline]
    pub(crate) fn text(&mut self, s: &str) {
        self.buf.extend_from_slice(s.as_bytes());
    }

    #[inline]
    pub(crate) fn quoted(&mut self, s: &str) {
        self.buf.push(b'"');
        escape(&mut self.buf, s);
        self.buf.push(b'"');
    }

    /// `print_string(PRINT_ANY, key, "PRE%sPOST", v)`.
    #[inline]
    pub(crate) fn string(&mut self, key: &str, pre: &str, v: &str, post: &str) {
        if self.json {
            self.key(key);
            self.quoted(v);
        } else {
            self.text(pre);
            self.text(v);
            self.text(post);
        }
    }

    /// `print_uint(PRINT_ANY, key, "PRE%uPOST", v)`.
    #[inline]
    pub(crate) fn uint(&mut self, key: &str, pre: &str, v: u64, post: &str) {
        if self.json {
            self.key(key);
        } else {
            self.text(pre);
        }
        push_u64(&mut self.buf, v);
        if !self.json {
            self.text(post);
        }
    }

    /// `print_int(PRINT_ANY, key, "PRE%dPOST", v)`.
    pub(crate) fn int(&mut self, key: &str, pre: &str, v: i64, post: &str) {
        if v < 0 {
            if self.json {
                self.key(key);
            } else {
                self.text(pre);
            }
            self.buf.push(b'-');
            push_u64(&mut self.buf, v.unsigned_abs());
            if !self.json {
                self.text(post);
            }
        } else {
            self.uint(key, pre, v as u64, post);
        }
    }

    /// `print_0xhex(PRINT_ANY, key, fmt, v)`: JSON has `"%#llx"` as a string.
    pub(crate) fn hex(&mut self, key: &str, pre: &str, width: usize, v: u64, post: &str) {
        if self.json {
            self.key(key);
            if v == 0 {
                self.text("\"0\"");
            } else {
                let _ = write!(Buf(&mut self.buf), "\"{v:#x}\"");
            }
        } else {
            self.text(pre);
            let _ = write!(Buf(&mut self.buf), "{v:0width$x}");
            self.text(post);
        }
    }

    /// An address as a string: `"key":"ADDR"`, or `PRE ADDR POST`.
    #[inline]
    pub(crate) fn addr(&mut self, key: &str, pre: &str, a: &IpAddr, post: &str) {
        if self.json {
            self.key(key);
            self.buf.push(b'"');
            push_ip(&mut self.buf, a);
            self.buf.push(b'"');
        } else {
            self.text(pre);
            push_ip(&mut self.buf, a);
            self.text(post);
        }
    }

    /// A prefix: the address alone at full length, else `ADDR/LEN`.
    #[inline]
    pub(crate) fn prefix(&mut self, key: &str, pre: &str, a: &IpAddr, len: u8, full: u8) {
        if self.json {
            self.key(key);
            self.buf.push(b'"');
        } else {
            self.text(pre);
        }
        push_ip(&mut self.buf, a);
        if len != full {
            self.buf.push(b'/');
            push_u64(&mut self.buf, len as u64);
        }
        self.buf.push(if self.json { b'"' } else { b' ' });
    }

    /// An interface by index: its name, `ifN` when it has none, `*` for 0.
    #[inline]
    pub(crate) fn dev(&mut self, key: &str, pre: &str, index: u32, names: &IfNames) {
        if self.json {
            self.key(key);
            self.buf.push(b'"');
        } else {
            self.text(pre);
        }
        match names.get(index) {
            Some(n) if self.json => escape(&mut self.buf, n),
            Some(n) => self.buf.extend_from_slice(n.as_bytes()),
            None if index == 0 => self.buf.push(b'*'),
            None => {
                self.text("if");
                push_u64(&mut self.buf, index as u64);
            }
        }
        self.buf.push(if self.json { b'"' } else { b' ' });
    }
}

/// An `io::Write`-less `fmt::Write` over the byte buffer.
pub(crate) struct Buf<'a>(pub(crate) &'a mut Vec<u8>);

impl std::fmt::Write for Buf<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

pub(crate) fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    // Most numbers printed are octets, lengths and small metrics: push
    // their digits one by one rather than calling memcpy for each.
    if v < 10 {
        buf.push(b'0' + v as u8);
        return;
    }
    if v < 100 {
        buf.push(b'0' + (v / 10) as u8);
        buf.push(b'0' + (v % 10) as u8);
        return;
    }
    if v < 1000 {
        buf.push(b'0' + (v / 100) as u8);
        buf.push(b'0' + (v / 10 % 10) as u8);
        buf.push(b'0' + (v % 10) as u8);
        return;
    }
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

pub(crate) fn push_v4(buf: &mut Vec<u8>, a: &Ipv4Addr) {
    for (i, o) in a.octets().iter().enumerate() {
        if i > 0 {
            buf.push(b'.');
        }
        push_u64(buf, *o as u64);
    }
}

/// An address as `inet_ntop` writes it (glibc writes `::a.b.c.d` for an
/// IPv4-compatible IPv6 address, which Rust does not).
pub(crate) fn push_ip(buf: &mut Vec<u8>, a: &IpAddr) {
    match a {
        IpAddr::V4(a) => push_v4(buf, a),
        IpAddr::V6(a) => match v4_compatible(a) {
            Some(v4) => {
                buf.extend_from_slice(b"::");
                push_v4(buf, &v4);
            }
            None => {
                let _ = write!(Buf(buf), "{a}");
            }
        },
    }
}

pub(crate) fn push_ip_string(s: &mut String, a: &IpAddr) {
    let mut b = Vec::with_capacity(40);
    push_ip(&mut b, a);
    s.push_str(std::str::from_utf8(&b).unwrap_or_default());
}

/// `::a.b.c.d` when the first six words are zero and the seventh is not.
pub(crate) fn v4_compatible(a: &Ipv6Addr) -> Option<Ipv4Addr> {
    let s = a.segments();
    (s[..6] == [0; 6] && s[6] != 0).then(|| {
        let o = a.octets();
        Ipv4Addr::new(o[12], o[13], o[14], o[15])
    })
}

/// C's `%g`: six significant digits, trailing zeros dropped.
pub(crate) fn push_g(buf: &mut Vec<u8>, v: f64) {
    if v == 0.0 {
        buf.push(b'0');
        return;
    }
    let exp = v.abs().log10().floor() as i32;
    let s = if !(-4..6).contains(&exp) {
        let s = format!("{:.5e}", v);
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let m = trim_zeros(m);
        let e: i32 = e.parse().unwrap_or(0);
        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let decimals = (5 - exp).max(0) as usize;
        trim_zeros(&format!("{v:.decimals$}")).to_string()
    };
    buf.extend_from_slice(s.as_bytes());
}

pub(crate) fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// A JSON string's contents.
pub(crate) fn escape(buf: &mut Vec<u8>, s: &str) {
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        buf.extend_from_slice(s.as_bytes());
        return;
    }
    for &b in s.as_bytes() {
        match b {
            b'"' => buf.extend_from_slice(b"\\\""),
            b'\\' => buf.extend_from_slice(b"\\\\"),
            b'\n' => buf.extend_from_slice(b"\\n"),
            b'\t' => buf.extend_from_slice(b"\\t"),
            b'\r' => buf.extend_from_slice(b"\\r"),
            0..=0x1f => {
                let _ = write!(Buf(buf), "\\u{b:04x}");
            }
            _ => buf.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(v: f64) -> String {
        let mut b = Vec::new();
        push_g(&mut b, v);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn percent_g_as_c_prints_it() {
        assert_eq!(g(1.5), "1.5");
        assert_eq!(g(2.0), "2");
        assert_eq!(g(1234.567), "1234.57");
        assert_eq!(g(4294967.295), "4.29497e+06");
        assert_eq!(g(100000.0), "100000");
    }

    #[test]
    fn addresses_as_inet_ntop_writes_them() {
        let s = |a: &str| {
            let mut b = Vec::new();
            push_ip(&mut b, &a.parse().unwrap());
            String::from_utf8(b).unwrap()
        };
        assert_eq!(s("10.0.0.1"), "10.0.0.1");
        assert_eq!(s("255.0.10.100"), "255.0.10.100");
        assert_eq!(s("::1"), "::1");
        assert_eq!(s("::"), "::");
        assert_eq!(s("::1.2.3.4"), "::1.2.3.4");
        assert_eq!(s("::ffff:1.2.3.4"), "::ffff:1.2.3.4");
        assert_eq!(s("2001:db8::1"), "2001:db8::1");
    }

    #[test]
    fn json_nesting_and_escapes() {
        let mut p = Printer::new(true, false);
        p.begin();
        p.string("a", "", "x\"y", "");
        p.open(Some("l"), b'[');
        p.open(None, b'{');
        p.uint("n", "", 1, "");
        p.close(b'}');
        p.open(None, b'{');
        p.close(b'}');
        p.close(b']');
        p.int("i", "", -3, "");
        p.finish();
        assert_eq!(
            std::str::from_utf8(p.bytes()).unwrap(),
            r#"{"a":"x\"y","l":[{"n":1},{}],"i":-3}"#
        );
    }
}
