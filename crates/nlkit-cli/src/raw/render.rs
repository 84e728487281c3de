//! Printing raw messages: the header with flags by name, the payload in hex
//! (a C string in it as text, then the bytes after it), a best-effort
//! attribute decode, and ACK/error/DONE details; as text, or as one JSON
//! object per message. Output is buffered and flushed once per datagram.
//!
//! On NETLINK_ROUTE, messages nlkit has tables for (links, addresses,
//! routes, neighbours, rules, netconf) are read by the tables' metadata:
//! the object named, each attribute with its name and typed value, nests
//! by their own sets (rtnetlink does not mark its nests); anything else is
//! guessed.
//!
//! The attribute decode is bounded whatever a sender puts in a datagram:
//! at most [`MAX_DEPTH`] levels of nesting and [`MAX_ATTRS`] attributes are
//! shown, and the cut is said; the hex of a nested attribute is not
//! repeated at every level.

use anyhow::Result;
use nlkit::proto::dynamic::{self, Value as Dyn};
use nlkit::proto::{MessageMeta, SetMeta};
use nlkit::wire::ack::{Ack, Done};
use nlkit::wire::{Attr, Attrs, FlagContext, Flags, Message, MessageType};
use nlkit::{KernelError, RecvBuf};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Stdout, Write};

/// Levels of nested attributes decoded; deeper ones are cut, and said.
pub const MAX_DEPTH: usize = 16;
/// Attributes decoded per message; the rest are cut, and said.
pub const MAX_ATTRS: usize = 4096;

/// What a caller needs to know of each printed message.
pub struct Seen {
    pub flags: Flags,
    pub sequence: u32,
    /// The sender's port id (0: the kernel).
    pub from_port: u32,
    /// For ERROR and DONE: how the exchange ended.
    pub ending: Option<Ending>,
}

/// What an ERROR or DONE message says.
pub enum Ending {
    /// ERROR with errno 0.
    Ack,
    /// DONE with status 0.
    Done,
    /// A refusal: an ERROR or DONE with an errno.
    Refused(KernelError),
    /// An ERROR or DONE too short or inconsistent to read an errno from.
    Malformed(String),
}

pub struct Renderer {
    out: BufWriter<Stdout>,
    json: bool,
    /// The protocol, for reading messages by metadata where nlkit knows them.
    protocol: u32,
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
    /// The object, where the message was read by nlkit's tables.
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'static str>,
    flags: Vec<&'static str>,
    flags_raw: u16,
    seq: u32,
    port: u32,
    payload: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    /// The bytes after a C string's NUL, when they are not all zero.
    #[serde(skip_serializing_if = "Option::is_none")]
    after_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    attrs_offset: Option<usize>,
    /// Attributes past MAX_DEPTH or MAX_ATTRS that were not decoded.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    attrs_cut: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attrs: Vec<AttrJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

#[derive(Serialize)]
struct AttrJson {
    #[serde(rename = "type")]
    kind: u16,
    /// The table's name for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'static str>,
    nested: bool,
    net_byteorder: bool,
    len: usize,
    hex: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attrs: Vec<AttrJson>,
    /// Nesting below this one was not decoded.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cut: bool,
}

#[derive(Serialize)]
struct ErrorJson {
    /// 0 for an ACK or a successful DONE.
    #[serde(skip_serializing_if = "Option::is_none")]
    errno: Option<i32>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    ack: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offset: Option<u32>,
    /// The ERROR or DONE could not be read (its bytes are in `payload`),
    /// or its extended-ack TLVs were broken.
    #[serde(skip_serializing_if = "Option::is_none")]
    malformed: Option<String>,
}

impl Renderer {
    pub fn stdout(json: bool, protocol: u32) -> Self {
        Renderer { out: BufWriter::new(io::stdout()), json, protocol }
    }

    /// What nlkit's tables say a message of this type carries.
    fn meta(&self, t: MessageType) -> Option<MessageMeta> {
        match (self.protocol, t) {
            (0, MessageType::Family(t)) => nlkit::rtnl::message_meta(t),
            _ => None,
        }
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
        let ending = decode_ending(msg);
        let payload = msg.payload();
        let mut budget = MAX_ATTRS;
        let meta = self.meta(h.message_type).filter(|m| payload.len() >= m.header.len);
        let (attrs_offset, attrs) = match (h.message_type, meta) {
            (MessageType::Error | MessageType::Done, _) => (None, Vec::new()),
            (_, Some(m)) => {
                let all = Attrs::new(&payload[m.header.len..]).map_while(Result::ok);
                let attrs = all.map_while(|a| attr_json(&a, 1, &mut budget, Some(m.set))).collect();
                (Some(m.header.len), attrs)
            }
            _ => guess_attrs(payload).map_or((None, Vec::new()), |(o, a)| {
                (Some(o), a.iter().map_while(|a| attr_json(a, 1, &mut budget, None)).collect())
            }),
        };
        let context = FlagContext::for_type(h.message_type);
        let (names, _) = h.flags.names(context);
        let (text, after_text) = match text_of(payload) {
            Some((t, rest)) => (Some(t), rest.map(hex)),
            None => (None, None),
        };
        let j = MessageJson {
            from_port: buf.from().port,
            from_groups: buf.from().groups,
            group: buf.group(),
            pid: buf.credentials().map(|c| c.pid),
            len: msg.length(),
            message_type: h.message_type.into(),
            type_name: type_name(h.message_type),
            object: meta.map(|m| m.object),
            flags: names.collect(),
            flags_raw: h.flags.bits(),
            seq: h.sequence,
            port: h.port,
            payload: hex(payload),
            text,
            after_text,
            attrs_offset,
            attrs_cut: budget == 0 || attrs.iter().any(|a: &AttrJson| a.cut),
            attrs,
            error: ending.as_ref().map(error_json),
        };
        if self.json {
            serde_json::to_writer(&mut self.out, &j)?;
            writeln!(self.out)?;
        } else {
            self.text(&j, context, h.flags)?;
        }
        Ok(Seen { flags: h.flags, sequence: h.sequence, from_port: buf.from().port, ending })
    }

    fn text(&mut self, j: &MessageJson, context: FlagContext, flags: Flags) -> Result<()> {
        let mut line = format!(
            "len {} type {} flags {} seq {} port {} | from port {}",
            j.len,
            match (j.type_name, j.object) {
                (Some(name), _) => name.to_owned(),
                (None, Some(object)) => format!("{} ({object})", j.message_type),
                (None, None) => j.message_type.to_string(),
            },
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
            match (e.errno, e.ack) {
                (_, true) => write!(self.out, "  ACK")?,
                (Some(0), false) => write!(self.out, "  DONE")?,
                (Some(n), false) => write!(self.out, "  errno {n} ({})", nlkit::strerror(n))?,
                (None, false) => write!(self.out, "  unreadable")?,
            }
            if let Some(m) = &e.message {
                write!(self.out, ": {m}")?;
            }
            if let Some(o) = e.offset {
                write!(self.out, " at offset {o}")?;
            }
            if let Some(m) = &e.malformed {
                write!(self.out, " (malformed: {m})")?;
            }
            writeln!(self.out)?;
        }
        let n = j.payload.len() / 2;
        match (&j.text, &j.after_text) {
            (Some(t), Some(rest)) => writeln!(
                self.out,
                "  payload ({n} bytes): {} {t:?} + NUL + {} bytes: {rest}",
                j.payload,
                rest.len() / 2
            )?,
            (Some(t), None) => writeln!(self.out, "  payload ({n} bytes): {} {t:?}", j.payload)?,
            _ => writeln!(self.out, "  payload ({n} bytes): {}", j.payload)?,
        }
        if let Some(o) = j.attrs_offset {
            writeln!(self.out, "  attributes after {o} header bytes:")?;
            for a in &j.attrs {
                self.attr_text(a, 2)?;
            }
            if j.attrs_cut {
                writeln!(
                    self.out,
                    "  (cut: more than {MAX_DEPTH} levels or {MAX_ATTRS} attributes)"
                )?;
            }
        }
        Ok(())
    }

    fn attr_text(&mut self, a: &AttrJson, depth: usize) -> Result<()> {
        let pad = "  ".repeat(depth);
        let mut kind = a.kind.to_string();
        if let Some(name) = a.name {
            let _ = write!(kind, " ({name})");
        }
        if a.nested {
            kind.push_str("|NESTED");
        }
        if a.net_byteorder {
            kind.push_str("|NET_BYTEORDER");
        }
        match &a.value {
            Some(v) => writeln!(self.out, "{pad}type {kind} len {}: {v} ({})", a.len, a.hex)?,
            None if a.nested => writeln!(self.out, "{pad}type {kind} len {}:", a.len)?,
            None => writeln!(self.out, "{pad}type {kind} len {}: {}", a.len, a.hex)?,
        }
        for inner in &a.attrs {
            self.attr_text(inner, depth + 1)?;
        }
        Ok(())
    }
}

/// For ERROR and DONE: how the exchange ended. An errno is never lost to
/// broken extended-ack TLVs; a message too short to carry one is malformed.
fn decode_ending(msg: &Message<'_>) -> Option<Ending> {
    let (error, ext) = match msg.message_type() {
        MessageType::Error => match Ack::parse(msg) {
            Ok(a) => (a.error, a.ext),
            Err(e) => return Some(Ending::Malformed(format!("ERROR: {e}"))),
        },
        MessageType::Done => match Done::parse(msg) {
            Ok(d) => (d.error, d.ext),
            Err(e) => return Some(Ending::Malformed(format!("DONE: {e}"))),
        },
        _ => return None,
    };
    let errno = i32::try_from(error.unsigned_abs()).unwrap_or(i32::MAX);
    // The kernel's DONE carries 0 or -errno (errnos end at 4095; a positive
    // one is taken as it is, as for ERROR). The classic tutorial module
    // sends its text in a DONE: its first bytes are no status, and the DONE
    // ends the exchange all the same.
    let status = msg.message_type() == MessageType::Error || errno <= 4095;
    Some(match (errno, msg.message_type()) {
        (0, MessageType::Error) => Ending::Ack,
        (_, MessageType::Done) if errno == 0 || !status => Ending::Done,
        _ => Ending::Refused(KernelError::from_ext_ack(errno, &ext, &[])),
    })
}

fn error_json(e: &Ending) -> ErrorJson {
    let mut j = ErrorJson { errno: None, ack: false, message: None, offset: None, malformed: None };
    match e {
        Ending::Ack => (j.errno, j.ack) = (Some(0), true),
        Ending::Done => j.errno = Some(0),
        Ending::Refused(k) => {
            j.errno = Some(k.errno);
            j.message = k.message.clone();
            j.offset = k.offset;
            j.malformed = k.malformed_ext_ack.map(|m| format!("extended ack: {m}"));
        }
        Ending::Malformed(m) => j.malformed = Some(m.clone()),
    }
    j
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

/// One attribute and what it nests, within `budget` attributes in all and
/// [`MAX_DEPTH`] levels; `None` once the budget is spent. With `set` (the
/// table of the level), it is read by its row: named, typed, and a nest
/// by its own set whether or not it is marked `NLA_F_NESTED`.
fn attr_json(
    a: &Attr<'_>,
    depth: usize,
    budget: &mut usize,
    set: Option<&'static SetMeta>,
) -> Option<AttrJson> {
    *budget = budget.checked_sub(1)?;
    let deep = depth >= MAX_DEPTH;
    let row = set.and_then(|s| s.by_kind(a.kind()));
    let (value, inner) = match row.map(|r| dynamic::decode(r.value, a)) {
        Some(Dyn::Nest(inner, _)) => (None, Some(inner)),
        Some(v) => (dyn_json(v), None),
        None if a.is_nested() => (None, None),
        None => (guess_value(a), None),
    };
    let nests = a.is_nested() || inner.is_some();
    let nested: Vec<AttrJson> = if nests && !deep {
        let children = Attrs::new(a.payload()).map_while(Result::ok);
        children.map_while(|n| attr_json(&n, depth + 1, budget, inner)).collect()
    } else {
        Vec::new()
    };
    Some(AttrJson {
        kind: a.kind(),
        name: row.map(|r| r.name),
        nested: a.is_nested(),
        net_byteorder: a.is_net_byteorder(),
        len: a.len(),
        // A nest's bytes are its children's: shown once, at the bottom
        // (or here, where the decode stops).
        hex: if nests && !deep { String::new() } else { hex(a.payload()) },
        value,
        cut: (nests && deep) || *budget == 0 || nested.iter().any(|n| n.cut),
        attrs: nested,
    })
}

/// A value read by its row, as JSON (bytes and unreadable values: none,
/// their hex is shown).
fn dyn_json(v: Dyn<'_>) -> Option<serde_json::Value> {
    Some(match v {
        Dyn::Named(n, names) => crate::out::generic::named_json(n, names),
        Dyn::Unsigned(n) => n.into(),
        Dyn::Signed(n) => n.into(),
        Dyn::Flag => true.into(),
        Dyn::Str(s) => s.into(),
        Dyn::Ip(ip) => ip.to_string().into(),
        Dyn::Bytes(_) | Dyn::Struct(..) | Dyn::Nest(..) | Dyn::Bad(..) => return None,
    })
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

/// The payload as text: all of it when it is printable (trailing NULs
/// aside), or a C string (printable text, a NUL) and the bytes after it
/// when those are not all zero (a tutorial module's uninitialised buffer).
fn text_of(bytes: &[u8]) -> Option<(String, Option<&[u8]>)> {
    let printable =
        |t: &str| !t.is_empty() && t.chars().all(|c| !c.is_control() || c == '\n' || c == '\t');
    let nul = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let text = std::str::from_utf8(&bytes[..nul]).ok().filter(|t| printable(t))?;
    let rest = bytes.get(nul + 1..).unwrap_or_default();
    let rest = (!rest.iter().all(|&b| b == 0)).then_some(rest);
    Some((text.to_owned(), rest))
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}
