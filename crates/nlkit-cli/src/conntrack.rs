//! `nlkit conntrack show|delete|flush`: the connection tracking table
//! through ctnetlink (`nlkit::netfilter::conntrack`), printed as
//! conntrack-tools' `conntrack -L` prints it (libnetfilter_conntrack's
//! default format: protocol, timeout, state, the original tuple,
//! `[UNREPLIED]`, the reply tuple, `[ASSURED]`, mark, zone, helper, use),
//! or with `-j` as JSON (conntrack has none). Both families unless `-4`
//! or `-6`, as conntrack. The words are a grammar table's (`grammar::tables::CONNTRACK`).

use crate::grammar::tables::{CT_MONITOR, CT_SELECT};
use crate::grammar::walk::Walk;
use crate::kernel::print_json;
use crate::out::writer::{push_ip, push_u64};
use crate::report::invarg;
use anyhow::{bail, Result};
use nlkit::netfilter::conntrack::{
    self, tables::nf_ct_status, Change, Entry, Event, Events, Tuple,
};
use nlkit::sub::{Item, Subscription};
use nlkit::{Conn, Netns, Protocol};
use serde_json::{json, Value};
use std::io::Write as _;
use std::net::IpAddr;

/// What the words select: each given field must match the original tuple.
#[derive(Debug, Default)]
pub struct Select {
    proto: Option<u8>,
    src: Option<IpAddr>,
    dst: Option<IpAddr>,
    sport: Option<u16>,
    dport: Option<u16>,
    mark: Option<u32>,
    zone: Option<u16>,
    /// `all` (flush only): every entry of the family.
    all: bool,
}

/// Protocol names as libnetfilter_conntrack prints them (`proto2str`).
const PROTOS: [(u8, &str); 8] = [
    (6, "tcp"),
    (17, "udp"),
    (136, "udplite"),
    (1, "icmp"),
    (58, "icmpv6"),
    (132, "sctp"),
    (47, "gre"),
    (33, "dccp"),
];

/// TCP states as it prints them (`states`).
const TCP_STATES: [&str; 10] = [
    "NONE",
    "SYN_SENT",
    "SYN_RECV",
    "ESTABLISHED",
    "FIN_WAIT",
    "CLOSE_WAIT",
    "LAST_ACK",
    "TIME_WAIT",
    "CLOSE",
    "SYN_SENT2",
];

fn number<T: TryFrom<u64>>(v: &str, what: &str) -> Result<T> {
    crate::words::number(v).ok_or_else(|| invarg(what, v))
}

fn address(v: &str) -> Result<IpAddr> {
    v.parse().map_err(|_| invarg("invalid address", v))
}

/// `show|delete|flush`: the rows of `CT_SELECT`.
pub static WALK: Walk<Select> = Walk {
    name: "conntrack",
    cmd: &CT_SELECT,
    apply: &[
        ("proto", |s, v| {
            let p = PROTOS.iter().find(|(_, n)| *n == v).map(|(p, _)| *p);
            s.proto = Some(match p {
                Some(p) => p,
                None => number(v, "invalid protocol")?,
            });
            Ok(())
        }),
        ("src", |s, v| {
            s.src = Some(address(v)?);
            Ok(())
        }),
        ("dst", |s, v| {
            s.dst = Some(address(v)?);
            Ok(())
        }),
        ("sport", |s, v| {
            s.sport = Some(number(v, "invalid port")?);
            Ok(())
        }),
        ("dport", |s, v| {
            s.dport = Some(number(v, "invalid port")?);
            Ok(())
        }),
        ("mark", |s, v| {
            s.mark = Some(number(v, "invalid mark")?);
            Ok(())
        }),
        ("zone", |s, v| {
            s.zone = Some(number(v, "invalid zone")?);
            Ok(())
        }),
        ("all", |s, _| {
            s.all = true;
            Ok(())
        }),
    ],
    more: &[],
    other: None,
    stop: &[],
};

/// Protocols whose original tuple has ports: TCP, UDP, DCCP, SCTP,
/// UDP-Lite.
const PORTED: [u8; 5] = [6, 17, 33, 132, 136];

impl Select {
    /// Whether the words give one whole original tuple (a protocol with
    /// ports, both addresses and both ports), which the kernel finds
    /// itself; anything less is a filter over the table.
    fn one_tuple(&self) -> bool {
        let ported = self.proto.is_some_and(|p| PORTED.contains(&p));
        ported
            && self.src.is_some()
            && self.dst.is_some()
            && self.sport.is_some()
            && self.dport.is_some()
    }

    fn matches(&self, e: &Entry) -> bool {
        let o = &e.orig;
        self.proto.is_none_or(|p| o.proto == p)
            && self.src.is_none_or(|a| o.src == Some(a))
            && self.dst.is_none_or(|a| o.dst == Some(a))
            && self.sport.is_none_or(|p| o.sport == Some(p))
            && self.dport.is_none_or(|p| o.dport == Some(p))
            && self.mark.is_none_or(|m| e.mark == Some(m))
            && self.zone.is_none_or(|z| e.zone.unwrap_or(0) == z)
    }
}

pub fn run(
    words: &[String],
    netns: Option<&str>,
    json: bool,
    pretty: bool,
    family: u8,
) -> Result<()> {
    let (cmd, rest) = match words.split_first() {
        None => ("show", &[][..]),
        Some((c, rest)) => (c.as_str(), rest),
    };
    let is = |w: &str| !cmd.is_empty() && w.starts_with(cmd);
    if is("monitor") {
        let mut m = MonitorWords::default();
        MONITOR.run(rest, &mut m)?;
        if !(m.events.new || m.events.update || m.events.destroy) {
            (m.events.new, m.events.update, m.events.destroy) = (true, true, true);
        }
        return monitor(netns, &m, json);
    }
    let mut sel = Select::default();
    WALK.run(rest, &mut sel)?;
    let mut conn = match netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::NETFILTER)?,
        None => Conn::open(Protocol::NETFILTER)?,
    };
    if is("show") || is("list") {
        if sel.all {
            bail!("\"all\" is for flush");
        }
        return show(&mut conn, family, &sel, json, pretty);
    }
    if is("delete") && !sel.one_tuple() {
        // The deletes go on a second socket while the first dumps.
        let mut deleter = match netns {
            Some(name) => Conn::open_in(Netns::Name(name), Protocol::NETFILTER)?,
            None => Conn::open(Protocol::NETFILTER)?,
        };
        return delete_matching(&mut conn, &mut deleter, family, &sel, json, pretty);
    }
    if is("delete") || is("get") {
        let (Some(proto), Some(src), Some(dst)) = (sel.proto, sel.src, sel.dst) else {
            bail!("{cmd} needs the original tuple: proto P src ADDR dst ADDR [sport N dport N]")
        };
        if sel.all || sel.mark.is_some() {
            bail!("{cmd} takes one tuple (flush all empties the table)");
        }
        let orig = Tuple {
            src: Some(src),
            dst: Some(dst),
            proto,
            sport: sel.sport,
            dport: sel.dport,
            ..Tuple::default()
        };
        let family = if src.is_ipv6() { libc::AF_INET6 as u8 } else { libc::AF_INET as u8 };
        if is("delete") {
            return Ok(conn.run(conntrack::delete(family, orig, sel.zone))?);
        }
        let e = conn.run(conntrack::get(family, orig, sel.zone))?;
        if json {
            return print_json(&Value::Array(vec![entry_json(&e)]), pretty);
        }
        let mut out = Vec::new();
        line(&e, &mut out);
        return Ok(std::io::stdout().write_all(&out)?);
    }
    if is("stats") {
        let mut cpus = Vec::new();
        conn.run(conntrack::cpu_stats(|s| cpus.push(s)))?;
        if json {
            let all = cpus.iter().map(|c| {
                let mut m = serde_json::Map::new();
                m.insert("cpu".into(), c.cpu.into());
                m.extend(c.counters.iter().map(|(n, v)| (n.to_string(), Value::from(*v))));
                Value::Object(m)
            });
            return print_json(&Value::Array(all.collect()), pretty);
        }
        // conntrack -S: `cpu=N` padded to four, a tab, each counter and a blank.
        let mut out = String::new();
        for c in &cpus {
            out.push_str(&format!("cpu={:<4}\t", c.cpu));
            for (n, v) in &c.counters {
                out.push_str(&format!("{n}={v} "));
            }
            out.push('\n');
        }
        return Ok(std::io::stdout().write_all(out.as_bytes())?);
    }
    if is("count") {
        let n = conn.run(conntrack::count())?;
        if json {
            return print_json(&json!({ "count": n }), pretty);
        }
        return Ok(writeln!(std::io::stdout(), "{n}")?);
    }
    if is("flush") {
        // Never everything by accident: the word says it.
        if !sel.all || sel.proto.is_some() || sel.src.is_some() || sel.dst.is_some() {
            bail!("flush deletes every entry of the family: say \"flush all\"");
        }
        if family == 0 {
            return Ok(conn.run(conntrack::flush(0))?);
        }
        // The kernel's flush empties every family whatever the request
        // says (6.18, as `conntrack -F -f ipv4` shows): one family's
        // entries are deleted one by one instead.
        let mut doomed = Vec::new();
        conn.run(conntrack::dump(family, |e| {
            doomed.push(e);
            Ok(())
        }))?;
        for e in doomed {
            match conn.run(conntrack::delete(e.family, e.orig, e.zone)) {
                // Gone meanwhile (expired): what was asked.
                Err(err) if err.errno() == Some(libc::ENOENT) => {}
                other => other?,
            }
        }
        return Ok(());
    }
    bail!("Command \"{cmd}\" is unknown, try \"nlkit conntrack help\".")
}

/// `delete` with less than one whole tuple (`proto tcp src A dst B`, an
/// ICMP entry, a mark): every entry the words match, as `conntrack -D`
/// deletes them, each deleted from the dump's callback on `deleter` and
/// printed as it goes (so the table is never held, and what was deleted
/// is said even when a later delete fails); none matching is an error.
fn delete_matching(
    conn: &mut Conn,
    deleter: &mut Conn,
    family: u8,
    sel: &Select,
    json: bool,
    pretty: bool,
) -> Result<()> {
    if sel.all {
        bail!("\"all\" is for flush");
    }
    let named = sel.proto.is_some()
        || sel.src.is_some()
        || sel.dst.is_some()
        || sel.sport.is_some()
        || sel.dport.is_some()
        || sel.mark.is_some()
        || sel.zone.is_some();
    if !named {
        bail!("delete needs a selector (proto, src, dst, sport, dport, mark, zone); flush all empties the table");
    }
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut deleted = Vec::new();
    let mut count = 0usize;
    let mut text = Vec::new();
    let dumped = conn.run(conntrack::dump(family, |e| {
        if !sel.matches(&e) {
            return Ok(());
        }
        match deleter.run(conntrack::delete(e.family, e.orig, e.zone)) {
            // Gone meanwhile (expired): not deleted by us, not an error.
            Err(err) if err.errno() == Some(libc::ENOENT) => return Ok(()),
            other => other?,
        }
        count += 1;
        if json {
            deleted.push(entry_json(&e));
        } else {
            text.clear();
            line(&e, &mut text);
            out.write_all(&text).map_err(|source| nlkit::Error::Io { op: "write", source })?;
        }
        Ok(())
    }));
    if json {
        print_json(&Value::Array(deleted), pretty)?;
    }
    out.flush()?;
    dumped?;
    if count == 0 {
        bail!("no entry matches: nothing deleted");
    }
    Ok(())
}

fn show(conn: &mut Conn, family: u8, sel: &Select, json: bool, pretty: bool) -> Result<()> {
    // A second thread receives while this one formats (the kernel builds
    // each datagram in the recvmsg of the one before): the listing takes
    // the longer of the two, not their sum.
    conn.set_read_ahead(8);
    if json {
        let mut all = Vec::new();
        conn.run(conntrack::dump(family, |e| {
            if sel.matches(&e) {
                all.push(entry_json(&e));
            }
            Ok(())
        }))?;
        return print_json(&Value::Array(all), pretty);
    }
    // Each line straight into one buffer, written out 32 KiB at a time.
    let mut stdout = std::io::stdout().lock();
    let mut out = Vec::with_capacity(64 * 1024);
    conn.run(conntrack::dump(family, |e| {
        if sel.matches(&e) {
            line(&e, &mut out);
            if out.len() >= 32 * 1024 {
                stdout.write_all(&out).map_err(|e| crate::out::write_error(e.into()))?;
                out.clear();
            }
        }
        Ok(())
    }))?;
    stdout.write_all(&out)?;
    Ok(stdout.flush()?)
}

/// What `monitor` reads: the events asked for and when to stop.
#[derive(Debug)]
pub struct MonitorWords {
    events: Events,
    count: Option<u64>,
}

impl Default for MonitorWords {
    fn default() -> Self {
        let none = Events { new: false, update: false, destroy: false, ..Events::default() };
        MonitorWords { events: none, count: None }
    }
}

/// `MARK[/MASK]`: numbers (hex with `0x`), the mask all ones when absent.
fn mark_mask(v: &str) -> Result<(u32, u32)> {
    let (mark, mask) = v.split_once('/').unwrap_or((v, "0xffffffff"));
    Ok((number(mark, "invalid mark")?, number(mask, "invalid mask")?))
}

/// Status bits by name (`assured`, `seen-reply`, `SEEN_REPLY`, ...),
/// comma-separated, or a number.
fn status_bits(v: &str) -> Result<u32> {
    use nlkit::netfilter::conntrack::tables::nf_ct_status::NAMES;
    let mut bits = 0;
    for word in v.split(',') {
        let name = word.to_ascii_lowercase().replace('_', "-");
        bits |= match NAMES.iter().find(|(_, n)| *n == name) {
            Some((bit, _)) => *bit,
            None => crate::words::number(word).ok_or_else(|| {
                let names: Vec<&str> = NAMES.iter().map(|(_, n)| *n).collect();
                anyhow::anyhow!("invalid status \"{word}\": one of {}", names.join(", "))
            })?,
        };
    }
    Ok(bits)
}

/// `monitor`: the rows of `CT_MONITOR`.
pub static MONITOR: Walk<MonitorWords> = Walk {
    name: "conntrack monitor",
    cmd: &CT_MONITOR,
    apply: &[
        ("new", |m, _| {
            m.events.new = true;
            Ok(())
        }),
        ("update", |m, _| {
            m.events.update = true;
            Ok(())
        }),
        ("destroy", |m, _| {
            m.events.destroy = true;
            Ok(())
        }),
        ("mark", |m, v| {
            m.events.filter.mark = Some(mark_mask(v)?);
            Ok(())
        }),
        ("zone", |m, v| {
            m.events.filter.zone = Some(number(v, "invalid zone")?);
            Ok(())
        }),
        ("status", |m, v| {
            m.events.filter.status = Some(status_bits(v)?);
            Ok(())
        }),
        ("count", |m, v| {
            m.count = Some(number(v, "invalid count")?);
            Ok(())
        }),
    ],
    more: &[],
    other: None,
    stop: &[],
};

/// Prints events as `conntrack -E` does (`[NEW]` right-aligned in nine
/// columns, then the entry's line), or one JSON object per line. A copy
/// of the table (`conntrack::Table`, read before the first event) follows
/// the events; when events are lost (an overrun) the monitor says so on
/// stderr, reads the table again and prints what changed meanwhile as
/// events (`"resync": true` in JSON), each change once. The copy needs
/// new and destroyed entries whatever is printed, so those groups are
/// always joined.
fn monitor(netns: Option<&str>, m: &MonitorWords, json: bool) -> Result<()> {
    let shown = m.events;
    let events = Events { new: true, destroy: true, ..m.events };
    let (mut sub, mut conn) = match netns {
        Some(name) => (
            Subscription::open_in(Netns::Name(name), events)?,
            Conn::open_in(Netns::Name(name), Protocol::NETFILTER)?,
        ),
        None => (Subscription::open(events)?, Conn::open(Protocol::NETFILTER)?),
    };
    let _ = sub.socket().raise_recv_buffer(crate::report::monitor_rcvbuf());
    let mut table = conntrack::Table::load(&mut conn, 0, events.filter)?;
    // On stderr, so a script knows the groups are joined.
    crate::report::note!("monitoring conntrack events");
    let wanted = |c: Change| match c {
        Change::New => shown.new,
        Change::Update => shown.update,
        Change::Destroy => shown.destroy,
    };
    let mut seen = 0u64;
    let mut stdout = std::io::stdout().lock();
    let print = |out: &mut Vec<u8>, change: Change, e: &Entry, resync: bool| {
        if json {
            let mut v = event_json(change, e);
            if resync {
                v["resync"] = true.into();
            }
            let _ = writeln!(out, "{v}");
        } else {
            out.extend_from_slice(&event_text(change, e));
        }
    };
    let done = |seen: u64| m.count.is_some_and(|c| seen >= c);
    loop {
        let mut out = Vec::new();
        let mut lost = false;
        for item in sub.recv()? {
            match item {
                Item::Event { event: Event::Conn(change, e), .. } => {
                    if table.apply(change, &e) && wanted(change) {
                        seen += 1;
                        print(&mut out, change, &e, false);
                    }
                }
                Item::Event { event: Event::Other(_), .. } => {}
                Item::Overrun => lost = true,
                Item::Refused { .. } => {}
                Item::Malformed(e) => crate::report::note!("conntrack: {e}"),
            }
            if lost || done(seen) {
                break;
            }
        }
        if lost && !done(seen) {
            let (changes, dropped) = table.recover(&mut sub, &mut conn)?;
            crate::report::note!(
                "conntrack: events lost (ENOBUFS); read the table again: {} changes while \
                 they were lost ({dropped} queued datagrams dropped)",
                changes.len()
            );
            for (change, e) in changes.iter().filter(|(c, _)| wanted(*c)) {
                if done(seen) {
                    break;
                }
                seen += 1;
                print(&mut out, *change, e, true);
            }
        }
        stdout.write_all(&out)?;
        stdout.flush()?;
        if done(seen) {
            return Ok(());
        }
    }
}

fn change_name(change: Change) -> &'static str {
    match change {
        Change::New => "new",
        Change::Update => "update",
        Change::Destroy => "destroy",
    }
}

/// An event as `conntrack -E` prints it (`    [NEW] tcp ...`, with its
/// newline).
pub(crate) fn event_text(change: Change, e: &Entry) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = write!(out, "{:>9} ", format!("[{}]", change_name(change).to_uppercase()));
    line(e, &mut out);
    out
}

/// An event as JSON: the entry's keys and `event` (`new`, `update`,
/// `destroy`).
pub(crate) fn event_json(change: Change, e: &Entry) -> Value {
    let mut v = entry_json(e);
    v["event"] = change_name(change).into();
    v
}

fn proto_name(p: u8) -> &'static str {
    PROTOS.iter().find(|(n, _)| *n == p).map_or("unknown", |(_, s)| s)
}

/// `NAME=N `.
fn field(out: &mut Vec<u8>, name: &str, v: u64) {
    out.extend_from_slice(name.as_bytes());
    out.push(b'=');
    push_u64(out, v);
    out.push(b' ');
}

/// The layer-4 part of a tuple (`__snprintf_proto`).
fn l4(t: &Tuple, out: &mut Vec<u8>) {
    match t.proto {
        6 | 17 | 136 | 132 | 33 => {
            field(out, "sport", t.sport.unwrap_or(0).into());
            field(out, "dport", t.dport.unwrap_or(0).into());
        }
        47 => {
            let (s, d) = (t.sport.unwrap_or(0), t.dport.unwrap_or(0));
            let _ = write!(out, "srckey=0x{s:x} dstkey=0x{d:x} ");
        }
        1 | 58 => {
            let (ty, code, id) = t.icmp.unwrap_or_default();
            field(out, "type", ty.into());
            field(out, "code", code.into());
            field(out, "id", id.into());
        }
        _ => {}
    }
}

fn addresses(t: &Tuple, out: &mut Vec<u8>) {
    if let (Some(s), Some(d)) = (t.src, t.dst) {
        out.extend_from_slice(b"src=");
        push_ip(out, &s);
        out.extend_from_slice(b" dst=");
        push_ip(out, &d);
        out.push(b' ');
    }
}

/// One entry as `__snprintf_conntrack_default` writes it, without its
/// last blank.
fn line(e: &Entry, out: &mut Vec<u8>) {
    let start = out.len();
    let _ = write!(out, "{:<8} ", proto_name(e.orig.proto));
    push_u64(out, e.orig.proto.into());
    out.push(b' ');
    if let Some(t) = e.timeout {
        push_u64(out, t.into());
        out.push(b' ');
    }
    if let Some(s) = e.tcp_state {
        out.extend_from_slice(TCP_STATES.get(s as usize).unwrap_or(&"NONE").as_bytes());
        out.push(b' ');
    }
    addresses(&e.orig, out);
    l4(&e.orig, out);
    if let Some(z) = e.orig.zone {
        field(out, "zone-orig", z.into());
    }
    if let Some((p, b)) = e.counters_orig {
        field(out, "packets", p);
        field(out, "bytes", b);
    }
    if e.status.is_some_and(|s| s & nf_ct_status::SEEN_REPLY == 0) {
        out.extend_from_slice(b"[UNREPLIED] ");
    }
    addresses(&e.reply, out);
    l4(&e.reply, out);
    if let Some(z) = e.reply.zone {
        field(out, "zone-reply", z.into());
    }
    if let Some((p, b)) = e.counters_reply {
        field(out, "packets", p);
        field(out, "bytes", b);
    }
    if e.status.is_some_and(|s| s & nf_ct_status::ASSURED != 0) {
        out.extend_from_slice(b"[ASSURED] ");
    }
    if let Some(m) = e.mark {
        field(out, "mark", m.into());
    }
    if let Some(z) = e.zone {
        field(out, "zone", z.into());
    }
    if let Some(h) = &e.helper {
        let _ = write!(out, "helper={h} ");
    }
    if let Some(u) = e.use_ {
        field(out, "use", u.into());
    }
    if out.len() > start {
        out.pop();
    }
    out.push(b'\n');
}

fn tuple_json(t: &Tuple) -> Value {
    let mut v = json!({"src": t.src, "dst": t.dst});
    if let Some((ty, code, id)) = t.icmp {
        v["type"] = ty.into();
        v["code"] = code.into();
        v["id"] = id.into();
    } else {
        v["sport"] = t.sport.into();
        v["dport"] = t.dport.into();
    }
    v
}

fn entry_json(e: &Entry) -> Value {
    let status = e.status.unwrap_or(0);
    let names: Vec<&str> =
        nf_ct_status::NAMES.iter().filter(|(bit, _)| status & bit != 0).map(|(_, n)| *n).collect();
    json!({
        "family": if e.family == libc::AF_INET6 as u8 { "ipv6" } else { "ipv4" },
        "proto": proto_name(e.orig.proto),
        "protonum": e.orig.proto,
        "timeout": e.timeout,
        "state": e.tcp_state.map(|s| TCP_STATES.get(s as usize).copied().unwrap_or("NONE")),
        "orig": tuple_json(&e.orig),
        "reply": tuple_json(&e.reply),
        "status": names,
        "mark": e.mark,
        "zone": e.zone,
        "use": e.use_,
        "id": e.id,
        "counters-orig": e.counters_orig.map(|(p, b)| json!({"packets": p, "bytes": b})),
        "counters-reply": e.counters_reply.map(|(p, b)| json!({"packets": p, "bytes": b})),
        "helper": e.helper,
        "timestamp": e.timestamp.map(|(start, stop)| json!({"start": start, "stop": stop})),
        // The label bits as conntrack's `--label` numbers them (bit 0 of
        // the first byte is label 0).
        "labels": e.labels.as_ref().map(|bits| {
            (0..bits.len() * 8).filter(|i| bits[i / 8] >> (i % 8) & 1 == 1).collect::<Vec<_>>()
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_as_libnetfilter_conntrack_writes_it() {
        let t = Tuple {
            src: Some("10.0.0.1".parse().unwrap()),
            dst: Some("10.0.0.2".parse().unwrap()),
            proto: 6,
            sport: Some(1234),
            dport: Some(80),
            ..Tuple::default()
        };
        let r = Tuple { src: t.dst, dst: t.src, sport: t.dport, dport: t.sport, ..t };
        let e = Entry {
            family: 2,
            orig: t,
            reply: r,
            status: Some(nf_ct_status::ASSURED | nf_ct_status::CONFIRMED),
            timeout: Some(99),
            tcp_state: Some(3),
            mark: Some(0),
            use_: Some(1),
            ..Entry::default()
        };
        let mut out = Vec::new();
        line(&e, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "tcp      6 99 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1234 dport=80 [UNREPLIED] \
             src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1234 [ASSURED] mark=0 use=1\n"
        );
    }
}
