//! Printing raw messages: the header with flags by name, the payload in hex,
//! a best-effort attribute decode, and ACK/DONE details; as text, or as one
//! JSON object per message. Output is buffered and flushed once per datagram.

use anyhow::Result;
use nlkit::wire::ack::{Ack, Done};
use nlkit::wire::{Attr, Attrs, FlagContext, Flags, Message, MessageType};
use nlkit::{KernelError, RecvBuf};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Stdout, Write};

/// What a caller needs to know of each printed message.
pub struct Seen {
    pub message_type: MessageType,
    pub flags: Flags,
    pub error: Option<KernelError>,
}

pub struct Renderer {
    out: BufWriter<Stdout>,
    json: bool,
}

#[derive(Serialize)]
struct MessageJson {
    from_port: u32,
    from_groups: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pid: Option<i32>,
    len: u32,
    #[serde(rename = "type")]
    message_type: u16,
    type_name: Option<&'static str>,
    flags: Vec<&'static str>,
    flags_raw: u16,
    seq: u32,
    port: u32,
    payload: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attrs_offset: Option<usize>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attrs: Vec<AttrJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

#[derive(Serialize)]
struct AttrJson {
    #[serde(rename = "type")]
    kind: u16,
    nested: bool,
    net_byteorder: bool,
    len: usize,
    hex: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attrs: Vec<AttrJson>,
}

#[derive(Serialize)]
struct ErrorJson {
    errno: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<u32>,
}

impl Renderer {
    pub fn stdout(json: bool) -> Self {
        Renderer { out: BufWriter::new(io::stdout()), json }
    }

    /// Prints every message of the datagram in `buf`; a malformed tail is
    /// reported with its bytes, never dropped.
    pub fn datagram(&mut self, buf: &RecvBuf) -> Result<Vec<Seen>> {
        let mut seen = Vec::new();
        let mut messages = buf.messages();
        loop {
            let at = messages.offset();
            match messages.next() {
                None => break,
                Some(Ok(msg)) => seen.push(self.message(buf, &msg)?),
                Some(Err(e)) => self.malformed(&e, &buf.bytes()[at..])?,
            }
        }
        self.out.flush()?;
        Ok(seen)
    }

    pub fn overrun(&mut self) -> Result<()> {
        if self.json {
            writeln!(self.out, r#"{{"overrun":true}}"#)?;
        } else {
            writeln!(self.out, "overrun: the receive queue overflowed, messages were lost")?;
        }
        self.out.flush()?;
        Ok(())
    }

    fn malformed(&mut self, e: &nlkit::wire::Error, rest: &[u8]) -> Result<()> {
        if self.json {
            let v = serde_json::json!({"malformed": e.to_string(), "bytes": hex(rest)});
            writeln!(self.out, "{v}")?;
        } else {
            writeln!(self.out, "malformed: {e}; {} bytes: {}", rest.len(), hex(rest))?;
        }
        Ok(())
    }

    fn message(&mut self, buf: &RecvBuf, msg: &Message<'_>) -> Result<Seen> {
        let h = msg.header();
        let error = decode_error(msg);
        let payload = msg.payload();
        let (attrs_offset, attrs) = match h.message_type {
            MessageType::Error | MessageType::Done => (None, Vec::new()),
            _ => guess_attrs(payload).map_or((None, Vec::new()), |(o, a)| (Some(o), a)),
        };
        let context = FlagContext::for_type(h.message_type);
        let (names, _) = h.flags.names(context);
        let j = MessageJson {
            from_port: buf.from().port,
            from_groups: buf.from().groups,
            group: buf.group(),
            pid: buf.credentials().map(|c| c.pid),
            len: msg.length(),
            message_type: h.message_type.into(),
            type_name: type_name(h.message_type),
            flags: names.collect(),
            flags_raw: h.flags.bits(),
            seq: h.sequence,
            port: h.port,
            payload: hex(payload),
            text: printable(payload),
            attrs_offset,
            attrs: attrs.iter().map(attr_json).collect(),
            error: error.as_ref().map(|(errno, k)| ErrorJson {
                errno: *errno,
                message: k.as_ref().and_then(|k| k.message.clone()),
                offset: k.as_ref().and_then(|k| k.offset),
            }),
        };
        if self.json {
            serde_json::to_writer(&mut self.out, &j)?;
            writeln!(self.out)?;
        } else {
            self.text(&j, context, h.flags)?;
        }
        Ok(Seen {
            message_type: h.message_type,
            flags: h.flags,
            error: error.and_then(|(errno, k)| {
                (errno != 0).then(|| k.unwrap_or(KernelError::from_errno(errno)))
            }),
        })
    }

    fn text(&mut self, j: &MessageJson, context: FlagContext, flags: Flags) -> Result<()> {
        let mut line = format!(
            "len {} type {} flags {} seq {} port {} | from port {}",
            j.len,
            j.type_name.map_or_else(|| j.message_type.to_string(), str::to_owned),
            flags.display(context),
            j.seq,
            j.port,
            j.from_port,
        );
        if let Some(g) = j.group {
            let _ = write!(line, " group {g}");
        }
        if let Some(pid) = j.pid {
            let _ = write!(line, " pid {pid}");
        }
        writeln!(self.out, "{line}")?;
        if let Some(e) = &j.error {
            let text = io::Error::from_raw_os_error(e.errno);
            write!(self.out, "  errno {} ({text})", e.errno)?;
            if let Some(m) = &e.message {
                write!(self.out, ": {m}")?;
            }
            if let Some(o) = e.offset {
                write!(self.out, " at offset {o}")?;
            }
            writeln!(self.out)?;
        }
        let n = j.payload.len() / 2;
        match &j.text {
            Some(t) => writeln!(self.out, "  payload ({n} bytes): {} {t:?}", j.payload)?,
            None => writeln!(self.out, "  payload ({n} bytes): {}", j.payload)?,
        }
        if let Some(o) = j.attrs_offset {
            writeln!(self.out, "  attributes after {o} header bytes:")?;
            for a in &j.attrs {
                self.attr_text(a, 2)?;
            }
        }
        Ok(())
    }

    fn attr_text(&mut self, a: &AttrJson, depth: usize) -> Result<()> {
        let pad = "  ".repeat(depth);
        let mut kind = a.kind.to_string();
        if a.nested {
            kind.push_str("|NESTED");
        }
        if a.net_byteorder {
            kind.push_str("|NET_BYTEORDER");
        }
        match &a.value {
            Some(v) => writeln!(self.out, "{pad}type {kind} len {}: {v} ({})", a.len, a.hex)?,
            None => writeln!(self.out, "{pad}type {kind} len {}: {}", a.len, a.hex)?,
        }
        for inner in &a.attrs {
            self.attr_text(inner, depth + 1)?;
        }
        Ok(())
    }
}

/// For ERROR and DONE: the errno (0 for an ACK) and the decoded details.
fn decode_error(msg: &Message<'_>) -> Option<(i32, Option<KernelError>)> {
    let (error, ext) = match msg.message_type() {
        MessageType::Error => Ack::parse(msg).ok().map(|a| (a.error, a.ext))?,
        MessageType::Done => Done::parse(msg).ok().map(|d| (d.error, d.ext))?,
        _ => return None,
    };
    let errno = error.checked_neg().unwrap_or(i32::MAX);
    let k = nlkit::engine::kernel_error(errno, &ext, &[]);
    Some((errno, Some(k)))
}

/// The first family-header size (0, 4, ... 32 bytes) after which the
/// payload reads as a whole run of attributes, none of type 0 (`*_UNSPEC`
/// is never sent, so a type 0 means the guess landed inside a header).
fn guess_attrs(payload: &[u8]) -> Option<(usize, Vec<Attr<'_>>)> {
    (0..=32).step_by(4).filter(|&o| o < payload.len()).find_map(|o| {
        let attrs: Vec<_> = Attrs::new(&payload[o..]).collect::<Result<_, _>>().ok()?;
        let plausible = !attrs.is_empty() && attrs.iter().all(|a| a.kind() != 0);
        plausible.then_some((o, attrs))
    })
}

fn attr_json(a: &Attr<'_>) -> AttrJson {
    let nested: Vec<AttrJson> = if a.is_nested() {
        a.nested().map_while(Result::ok).map(|n| attr_json(&n)).collect()
    } else {
        Vec::new()
    };
    AttrJson {
        kind: a.kind(),
        nested: a.is_nested(),
        net_byteorder: a.is_net_byteorder(),
        len: a.len(),
        hex: hex(a.payload()),
        value: if a.is_nested() { None } else { guess_value(a) },
        attrs: nested,
    }
}

fn guess_value(a: &Attr<'_>) -> Option<serde_json::Value> {
    // A string: printable text and exactly one NUL, at the end.
    let p = a.payload();
    if p.len() > 1 && p.iter().position(|&b| b == 0) == Some(p.len() - 1) {
        if let Ok(text) = a.str() {
            if text.chars().all(|c| !c.is_control()) {
                return Some(text.into());
            }
        }
    }
    match a.payload().len() {
        1 | 2 | 4 | 8 => a.uint().ok().map(Into::into),
        _ => None,
    }
}

fn type_name(t: MessageType) -> Option<&'static str> {
    match t {
        MessageType::Noop => Some("NOOP"),
        MessageType::Error => Some("ERROR"),
        MessageType::Done => Some("DONE"),
        MessageType::Overrun => Some("OVERRUN"),
        _ => None,
    }
}

fn printable(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?.trim_end_matches('\0');
    (!text.is_empty() && text.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'))
        .then(|| text.to_owned())
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
