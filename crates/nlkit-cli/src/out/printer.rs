//! One object printed as `ip` prints it: the same calls build either the
//! text (`ip`'s `PRINT_FP` formats) or the JSON object (`PRINT_JSON` keys),
//! as iproute2's `print_*` helpers do, so the two cannot drift apart.
//!
//! Text conventions: `uint("mtu", "mtu", 1500)` writes `"mtu 1500 "` (the
//! label, a space, the value, a space), which is what most of `ip`'s
//! formats (`"mtu %u "`) produce; anything else goes through
//! [`Printer::any`] with its own text.

use serde_json::{Map, Value};
use std::fmt::{self, Write as _};

/// What a colored piece of text is (`enum color_attr` of iproute2's
/// `color.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    Ifname,
    Mac,
    Inet,
    Inet6,
    OperUp,
    OperDown,
    /// Not colored.
    None,
}

impl Paint {
    /// `ifa_family_color`.
    pub fn family(family: u8) -> Paint {
        match family as i32 {
            libc::AF_INET => Paint::Inet,
            libc::AF_INET6 => Paint::Inet6,
            _ => Paint::None,
        }
    }

    /// `oper_state_color`.
    pub fn oper_state(state: u8) -> Paint {
        match state {
            6 => Paint::OperUp,
            2 => Paint::OperDown,
            _ => Paint::None,
        }
    }
}

/// ip's two palettes (`lib/color.c`): for a light background (the
/// default) and a dark one (`COLORFGBG` ending in 0-6 or 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Palette {
    Light,
    Dark,
}

pub(crate) const CLEAR: &str = "\x1b[0m";

impl Palette {
    /// The palette `COLORFGBG` asks for, as `set_color_palette` reads it.
    pub fn from_env() -> Palette {
        let dark = std::env::var("COLORFGBG").ok().is_some_and(|v| {
            v.rsplit_once(';')
                .is_some_and(|(_, last)| matches!(last.as_bytes(), [b'0'..=b'6'] | [b'8']))
        });
        if dark {
            Palette::Dark
        } else {
            Palette::Light
        }
    }

    pub(crate) fn code(self, paint: Paint) -> Option<&'static str> {
        let light = match paint {
            Paint::Ifname => "\x1b[36m",
            Paint::Mac => "\x1b[33m",
            Paint::Inet => "\x1b[35m",
            Paint::Inet6 => "\x1b[34m",
            Paint::OperUp => "\x1b[32m",
            Paint::OperDown => "\x1b[31m",
            Paint::None => return None,
        };
        Some(match self {
            Palette::Light => light,
            Palette::Dark => match paint {
                Paint::Ifname => "\x1b[1;36m",
                Paint::Mac => "\x1b[1;33m",
                Paint::Inet => "\x1b[1;35m",
                Paint::Inet6 => "\x1b[1;34m",
                Paint::OperUp => "\x1b[1;32m",
                _ => "\x1b[1;31m",
            },
        })
    }
}

/// Builds one object's text or JSON. Reused from object to object (the
/// text buffer keeps its capacity).
pub struct Printer {
    json: bool,
    /// `-c`: text colors (ip's palette), `None` without.
    color: Option<Palette>,
    text: String,
    cur: Map<String, Value>,
    stack: Vec<(&'static str, Map<String, Value>)>,
}

impl Printer {
    pub fn new(json: bool) -> Self {
        Printer { json, color: None, text: String::new(), cur: Map::new(), stack: Vec::new() }
    }

    /// Colors the text from here on (`-c`), or not.
    pub fn set_color(&mut self, color: Option<Palette>) {
        self.color = color;
    }

    /// `print_color_string` (PRINT_ANY): `key: value` in JSON, `text` in
    /// text, wrapped in `paint`'s color when colors are on.
    pub fn paint(
        &mut self,
        paint: Paint,
        key: &str,
        value: impl FnOnce() -> Value,
        text: fmt::Arguments<'_>,
    ) {
        if self.json {
            self.cur.insert(key.to_owned(), value());
        } else {
            self.paint_fp(paint, text);
        }
    }

    /// `color_fprintf`: text only, in `paint`'s color when colors are on.
    pub fn paint_fp(&mut self, paint: Paint, text: fmt::Arguments<'_>) {
        if self.json {
            return;
        }
        match self.color.and_then(|p| p.code(paint)) {
            Some(code) => {
                self.text.push_str(code);
                let _ = self.text.write_fmt(text);
                self.text.push_str(CLEAR);
            }
            None => {
                let _ = self.text.write_fmt(text);
            }
        }
    }

    pub fn is_json(&self) -> bool {
        self.json
    }

    /// The text so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Hands over the JSON object built so far and starts a new one (and
    /// empties the text).
    pub fn take(&mut self) -> Map<String, Value> {
        self.text.clear();
        self.stack.clear();
        std::mem::take(&mut self.cur)
    }

    /// Text only (`PRINT_FP`).
    pub fn fp(&mut self, text: fmt::Arguments<'_>) {
        if !self.json {
            let _ = self.text.write_fmt(text);
        }
    }

    /// Text only, a plain string.
    pub fn fp_str(&mut self, text: &str) {
        if !self.json {
            self.text.push_str(text);
        }
    }

    /// JSON only (`PRINT_JSON`); `value` is only built in JSON mode.
    pub fn js(&mut self, key: &str, value: impl FnOnce() -> Value) {
        if self.json {
            self.cur.insert(key.to_owned(), value());
        }
    }

    /// Both (`PRINT_ANY`): `key: value` in JSON, `text` in text.
    pub fn any(&mut self, key: &str, value: impl FnOnce() -> Value, text: fmt::Arguments<'_>) {
        if self.json {
            self.cur.insert(key.to_owned(), value());
        } else {
            let _ = self.text.write_fmt(text);
        }
    }

    /// An unsigned number: `label N `.
    pub fn uint(&mut self, key: &str, label: &str, v: u64) {
        self.any(key, || v.into(), format_args!("{label} {v} "));
    }

    /// A signed number: `label N `.
    pub fn int(&mut self, key: &str, label: &str, v: i64) {
        self.any(key, || v.into(), format_args!("{label} {v} "));
    }

    /// A string: `label S `.
    pub fn string(&mut self, key: &str, label: &str, v: &str) {
        self.any(key, || v.into(), format_args!("{label} {v} "));
    }

    /// `print_on_off`: `true`/`false` in JSON, `label on|off ` in text.
    pub fn on_off(&mut self, key: &str, label: &str, v: bool) {
        let word = if v { "on" } else { "off" };
        self.any(key, || v.into(), format_args!("{label} {word} "));
    }

    /// `print_0xhex`: C's `%#llx` (`0` for zero, else `0x..`), a string in JSON.
    pub fn hex(&mut self, key: &str, label: &str, v: u64) {
        let h = CHex(v);
        self.any(key, || h.to_string().into(), format_args!("{label} {h} "));
    }

    /// A boolean that is only printed when set: `true` in JSON, `text` as is.
    pub fn flag(&mut self, key: &str, text: &str) {
        self.any(key, || true.into(), format_args!("{text}"));
    }

    /// `print_nl`: a new line in text.
    pub fn nl(&mut self) {
        self.fp_str("\n");
    }

    /// Opens a nested JSON object under `key` (nothing in text).
    pub fn open(&mut self, key: &'static str) {
        if self.json {
            let outer = std::mem::take(&mut self.cur);
            self.stack.push((key, outer));
        }
    }

    /// Closes the object [`open`](Self::open) opened; it is kept even if empty,
    /// as `ip` prints `"info_data": {}`.
    pub fn close(&mut self) {
        if let Some((key, outer)) = self.stack.pop() {
            let inner = std::mem::replace(&mut self.cur, outer);
            self.cur.insert(key.to_owned(), Value::Object(inner));
        }
    }
}

/// C's `%#x`: `0` for zero, `0x2a` otherwise.
#[derive(Clone, Copy)]
pub struct CHex(pub u64);

impl fmt::Display for CHex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            f.write_str("0")
        } else {
            write!(f, "{:#x}", self.0)
        }
    }
}

/// A hardware address as `ll_addr_n2a` prints it: `aa:bb:..` in lower-case
/// hex, or an IP address for IP tunnels' 4- and 16-byte addresses.
pub struct LlAddr<'a> {
    pub bytes: &'a [u8],
    pub link_type: u16,
}

impl fmt::Display for LlAddr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use nlkit::rtnl::uapi::*;
        let t = self.link_type;
        if let Ok(a) = <[u8; 4]>::try_from(self.bytes) {
            if matches!(t, ARPHRD_TUNNEL | ARPHRD_SIT | ARPHRD_IPGRE) {
                return std::net::Ipv4Addr::from(a).fmt(f);
            }
        }
        if let Ok(a) = <[u8; 16]>::try_from(self.bytes) {
            if matches!(t, ARPHRD_TUNNEL6 | ARPHRD_IP6GRE) {
                return std::net::Ipv6Addr::from(a).fmt(f);
            }
        }
        // By hand, a chunk at a time: a listing of 20,000 links prints as
        // many addresses.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut chunk = [0u8; 48];
        for (n, bytes) in self.bytes.chunks(16).enumerate() {
            let mut len = 0;
            for (i, b) in bytes.iter().enumerate() {
                if n > 0 || i > 0 {
                    chunk[len] = b':';
                    len += 1;
                }
                chunk[len] = HEX[(b >> 4) as usize];
                chunk[len + 1] = HEX[(b & 15) as usize];
                len += 2;
            }
            // Only ASCII was written.
            f.write_str(std::str::from_utf8(&chunk[..len]).unwrap_or_default())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_and_json_from_the_same_calls() {
        for json in [false, true] {
            let mut p = Printer::new(json);
            p.uint("mtu", "mtu", 1500);
            p.open("linkinfo");
            p.string("info_kind", "   ", "veth");
            p.open("info_data");
            p.close();
            p.close();
            p.on_off("pi", "pi", false);
            p.hex("id", "port_id", 0x8001);
            p.hex("no", "port_no", 0);
            if json {
                let want = json!({"mtu": 1500, "linkinfo": {"info_kind": "veth", "info_data": {}},
                    "pi": false, "id": "0x8001", "no": "0"});
                assert_eq!(Value::Object(p.take()), want);
            } else {
                assert_eq!(p.text(), "mtu 1500     veth pi off port_id 0x8001 port_no 0 ");
            }
        }
    }

    #[test]
    fn hardware_addresses() {
        let mac = LlAddr { bytes: &[0, 0x1a, 0xff, 1, 2, 3], link_type: 1 };
        assert_eq!(mac.to_string(), "00:1a:ff:01:02:03");
        let tun = LlAddr { bytes: &[10, 0, 0, 1], link_type: nlkit::rtnl::uapi::ARPHRD_SIT };
        assert_eq!(tun.to_string(), "10.0.0.1");
    }
}
