//! The channels `nlkit monitor` merges with rtnetlink's events: kernel
//! uevents, process events (proc connector), conntrack, xfrm, the
//! generic netlink controller, audit records and SELinux notices. Each is a subscription of its own socket;
//! [`Open::drain`] reads what one has queued without waiting, so the
//! monitor's one `poll` over all of them keeps no source behind another.
//! Each event becomes a [`Line`]: the text its own command prints (on one
//! line, except xfrm's blocks, as `ip xfrm monitor`) and its JSON keys.
//! Losses (ENOBUFS), refused senders and messages that do not read are
//! said per channel, never dropped silently.

use crate::names::LinkNames;
use anyhow::{bail, Result};
use nlkit::audit::events::{AuditLog, Record};
use nlkit::capture;
use nlkit::connector::{ProcEvents, Process, SeqGaps};
use nlkit::genl::ctrl::{CtrlEvent, CtrlNotify};
use nlkit::netfilter::conntrack;
use nlkit::sub::{Batch, Counts, Item, Source, Subscription};
use nlkit::uevent::{KernelUevents, SeqGap, Uevent};
use nlkit::Netns;
use serde_json::{Map, Value};
use std::os::fd::{AsFd, BorrowedFd};

/// A channel `nlkit monitor` can merge, by the word that names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// The kernel's uevents (`NETLINK_KOBJECT_UEVENT`, group 1).
    Uevent,
    /// Process events (`NETLINK_CONNECTOR`, the proc connector).
    Proc,
    /// Connection tracking events (`NETLINK_NETFILTER`).
    Conntrack,
    /// IPsec SA and policy events (`NETLINK_XFRM`).
    Xfrm,
    /// Generic netlink families and groups coming and going.
    Genl,
    /// Audit records (`NETLINK_AUDIT`'s read-only group; initial network
    /// namespace only), one line each.
    Audit,
    /// SELinux notices (initial network namespace only).
    Selinux,
}

impl Channel {
    /// Every channel, in the order `all` opens them.
    pub const ALL: [Channel; 7] = [
        Channel::Uevent,
        Channel::Proc,
        Channel::Conntrack,
        Channel::Xfrm,
        Channel::Genl,
        Channel::Audit,
        Channel::Selinux,
    ];

    /// The word that names it, and its `object` in JSON.
    pub fn word(self) -> &'static str {
        match self {
            Channel::Uevent => "uevent",
            Channel::Proc => "proc",
            Channel::Conntrack => "conntrack",
            Channel::Xfrm => "xfrm",
            Channel::Genl => "genl",
            Channel::Audit => "audit",
            Channel::Selinux => "selinux",
        }
    }

    /// The netlink protocol its socket speaks.
    pub fn protocol(self) -> u16 {
        let p = match self {
            Channel::Uevent => libc::NETLINK_KOBJECT_UEVENT,
            Channel::Proc => libc::NETLINK_CONNECTOR,
            Channel::Conntrack => libc::NETLINK_NETFILTER,
            Channel::Xfrm => libc::NETLINK_XFRM,
            Channel::Genl => libc::NETLINK_GENERIC,
            Channel::Audit => libc::NETLINK_AUDIT,
            Channel::Selinux => libc::NETLINK_SELINUX,
        };
        p as u16
    }

    /// What `label` puts in front of its events.
    pub fn label(self) -> &'static str {
        match self {
            Channel::Uevent => "[UEVENT]",
            Channel::Proc => "[PROC]",
            Channel::Conntrack => "[CONNTRACK]",
            Channel::Xfrm => "[XFRM]",
            Channel::Genl => "[GENL]",
            Channel::Audit => "[AUDIT]",
            Channel::Selinux => "[SELINUX]",
        }
    }
}

/// One event of a channel: its text (no final newline) and JSON keys; or
/// something to say about the channel (on stderr, and in JSON a line).
pub enum Line {
    Event { text: String, json: Map<String, Value> },
    Note { text: String, json: Map<String, Value> },
}

fn note(text: String, key: &str, value: Value) -> Line {
    let mut json = Map::new();
    json.insert(key.into(), value);
    Line::Note { text, json }
}

/// An open channel.
pub enum Open {
    /// With the `SEQNUM` gaps that count uevents lost at overruns.
    Uevent(Subscription<KernelUevents>, SeqGap),
    /// With the sequence gaps that count lost events per CPU.
    Proc(Subscription<ProcEvents>, SeqGaps),
    /// With a copy of the table, re-read after an overrun.
    Conntrack(Box<Tracked>),
    Xfrm(Subscription<nlkit::xfrm::Events>),
    Genl(Subscription<CtrlNotify>),
    Audit(Subscription<AuditLog>),
    Selinux(Subscription<nlkit::selinux::Notices>),
}

fn subscribe<S: Source>(netns: Option<&str>, source: S) -> Result<Subscription<S>> {
    let sub = match netns {
        Some(name) => Subscription::open_in(Netns::Name(name), source)?,
        None => Subscription::open(source)?,
    };
    // Bigger than the default queue, as each command's own monitor.
    let _ = sub.socket().raise_recv_buffer(crate::report::monitor_rcvbuf());
    Ok(sub)
}

impl Open {
    /// Opens `channel` in `netns`. The proc connector exists only in the
    /// initial namespaces: named elsewhere it is an error, under `all`
    /// (`required` false) it is left out with `Ok(None)`.
    pub fn new(channel: Channel, netns: Option<&str>, required: bool) -> Result<Option<Open>> {
        Ok(Some(match channel {
            Channel::Uevent => Open::Uevent(subscribe(netns, KernelUevents)?, SeqGap::default()),
            Channel::Proc => {
                if netns.is_some() || !crate::connector::in_initial_namespaces() {
                    if required {
                        bail!(
                            "proc: the proc connector exists only in the initial network, pid \
                             and user namespaces"
                        );
                    }
                    return Ok(None);
                }
                match Subscription::open(ProcEvents::default()) {
                    Ok(sub) => {
                        let _ = sub.socket().raise_recv_buffer(crate::report::monitor_rcvbuf());
                        Open::Proc(sub, SeqGaps::default())
                    }
                    // Run in another network namespace (ip netns exec),
                    // which has no connector socket.
                    Err(e) if e.errno() == Some(libc::ECONNREFUSED) => {
                        if required {
                            bail!("proc: {}", crate::connector::NOT_INITIAL_NET);
                        }
                        return Ok(None);
                    }
                    Err(e) => return Err(anyhow::Error::from(e).context("proc")),
                }
            }
            Channel::Conntrack => Open::Conntrack(Box::new(Tracked::open(netns)?)),
            Channel::Xfrm => Open::Xfrm(subscribe(netns, nlkit::xfrm::Events::default())?),
            Channel::Genl => Open::Genl(subscribe(netns, CtrlNotify)?),
            Channel::Audit => {
                // The kernel multicasts audit records in the initial
                // network namespace only.
                if netns.is_some() {
                    if required {
                        bail!("audit: the kernel multicasts records in the initial network namespace only");
                    }
                    return Ok(None);
                }
                Open::Audit(subscribe(None, AuditLog)?)
            }
            Channel::Selinux => {
                // The kernel's SELinux socket is in the initial network
                // namespace only.
                if netns.is_some() {
                    if required {
                        bail!("selinux: the kernel sends notices in the initial network namespace only");
                    }
                    return Ok(None);
                }
                Open::Selinux(subscribe(None, nlkit::selinux::Notices)?)
            }
        }))
    }

    pub fn channel(&self) -> Channel {
        match self {
            Open::Uevent(..) => Channel::Uevent,
            Open::Proc(..) => Channel::Proc,
            Open::Conntrack(_) => Channel::Conntrack,
            Open::Xfrm(_) => Channel::Xfrm,
            Open::Genl(_) => Channel::Genl,
            Open::Audit(_) => Channel::Audit,
            Open::Selinux(_) => Channel::Selinux,
        }
    }

    /// The netlink protocol of its socket (what a capture file records).
    pub fn protocol(&self) -> u16 {
        self.channel().protocol()
    }

    /// Reads everything queued, without waiting: each event, loss and
    /// refusal as a [`Line`] to `each`; each datagram also to `record`.
    pub fn drain(
        &mut self,
        names: &LinkNames,
        mut record: Option<&mut Recorder>,
        each: &mut dyn FnMut(Line) -> Result<()>,
    ) -> Result<()> {
        let word = self.channel().word();
        let protocol = self.protocol();
        /// Every datagram queued on `$sub`, recorded, its items through `$lines`.
        macro_rules! drain {
            ($sub:expr, $lines:expr) => {
                while let Some(batch) = $sub.try_recv()? {
                    if let Some(r) = record.as_deref_mut() {
                        r.write(protocol, batch.datagram())?;
                    }
                    for item in batch {
                        for line in item_lines(word, item, $lines) {
                            each(line)?;
                        }
                    }
                }
            };
        }
        match self {
            Open::Uevent(sub, gap) => {
                while let Some(batch) = sub.try_recv()? {
                    if let Some(r) = record.as_deref_mut() {
                        r.write(protocol, batch.datagram())?;
                    }
                    for item in batch {
                        match &item {
                            Item::Overrun => gap.overrun(),
                            Item::Event { event, .. } => gap.see(event),
                            _ => {}
                        }
                        for line in item_lines(word, item, uevent_lines) {
                            each(line)?;
                        }
                    }
                }
                if let Some(lost) = gap.drained() {
                    each(note(crate::uevent::lost_text(word, lost), "lost", lost.into()))?;
                }
            }
            Open::Proc(sub, gaps) => drain!(sub, |p| proc_lines(&p, gaps)),
            Open::Conntrack(t) => t.drain(record, each)?,
            Open::Xfrm(sub) => drain!(sub, |e| xfrm_lines(&e, names)),
            Open::Genl(sub) => drain!(sub, genl_lines),
            Open::Audit(sub) => drain!(sub, |r| audit_lines(&r)),
            Open::Selinux(sub) => drain!(sub, selinux_lines),
        }
        Ok(())
    }
}

/// A recorded datagram of `channel` (a capture file's): its lines, read
/// by the same parsers as live ones (no sender check: the recorder made
/// it); `None` when no channel has that protocol.
pub fn replay(protocol: u16, data: &[u8], names: &LinkNames) -> Option<(Channel, Vec<Line>)> {
    let channel = Channel::ALL.into_iter().find(|c| c.protocol() == protocol)?;
    let word = channel.word();
    let mut counts = Counts::default();
    let mut out = Vec::new();
    macro_rules! replay {
        ($source:expr, $lines:expr) => {
            for item in Batch::replay(&$source, &mut counts, data) {
                out.extend(item_lines(word, item, $lines));
            }
        };
    }
    match channel {
        Channel::Uevent => replay!(KernelUevents, uevent_lines),
        Channel::Proc => {
            let mut gaps = SeqGaps::default();
            replay!(ProcEvents::default(), |p| proc_lines(&p, &mut gaps))
        }
        Channel::Conntrack => replay!(conntrack::Events::default(), conntrack_lines),
        Channel::Xfrm => replay!(nlkit::xfrm::Events::default(), |e| xfrm_lines(&e, names)),
        Channel::Genl => replay!(CtrlNotify, genl_lines),
        Channel::Audit => {
            replay!(AuditLog, |r| audit_lines(&r))
        }
        Channel::Selinux => replay!(nlkit::selinux::Notices, selinux_lines),
    }
    Some((channel, out))
}

/// One item's lines: the event's through `lines`, a loss, refusal or
/// unreadable message as a note naming the channel.
fn item_lines<E>(word: &str, item: Item<E>, lines: impl FnOnce(E) -> Vec<Line>) -> Vec<Line> {
    match item {
        Item::Event { event, .. } => lines(event),
        Item::Overrun => {
            vec![note(format!("{word}: events lost (ENOBUFS)"), "overrun", true.into())]
        }
        Item::Refused { sender, reason } => vec![note(
            format!("{word}: refused a datagram from port {}: {reason}", sender.port),
            "refused",
            sender.port.into(),
        )],
        Item::Malformed(e) => vec![note(
            format!("{word}: a message did not read: {e}"),
            "malformed",
            e.to_string().into(),
        )],
    }
}

fn uevent_lines(e: Uevent<'_>) -> Vec<Line> {
    let text = crate::uevent::event_line("KERNEL", &e);
    vec![Line::Event { text, json: crate::uevent::event_json("KERNEL", &e) }]
}

/// A process event, after a note of the events its CPU's sequence says
/// were lost before it.
fn proc_lines(p: &Process, gaps: &mut SeqGaps) -> Vec<Line> {
    let mut out = Vec::new();
    let lost = gaps.see(p);
    if lost > 0 {
        let text = format!("proc: {lost} events lost on CPU {}", p.cpu);
        out.push(note(text, "lost", lost.into()));
    }
    if let Some((name, text, json)) = crate::connector::describe(p) {
        out.push(Line::Event { text: format!("{name:<8} {text}"), json });
    }
    out
}

fn conntrack_lines(e: conntrack::Event) -> Vec<Line> {
    let conntrack::Event::Conn(change, entry) = e else { return vec![] };
    vec![conntrack_line(change, &entry, false)]
}

/// The conntrack channel: its events, a copy of the table they keep in
/// step (loaded before the first event, as `nlkit conntrack monitor`
/// does), and the connection that reads the table again after an overrun.
pub struct Tracked {
    sub: Subscription<conntrack::Events>,
    conn: nlkit::Conn,
    table: conntrack::Table,
}

impl Tracked {
    fn open(netns: Option<&str>) -> Result<Tracked> {
        let events = conntrack::Events::default();
        let sub = subscribe(netns, events)?;
        let mut conn = match netns {
            Some(name) => nlkit::Conn::open_in(Netns::Name(name), nlkit::Protocol::NETFILTER)?,
            None => nlkit::Conn::open(nlkit::Protocol::NETFILTER)?,
        };
        let table = conntrack::Table::load(&mut conn, 0, events.filter)?;
        Ok(Tracked { sub, conn, table })
    }

    /// Everything queued: each event the copy did not already know as a
    /// line; at an overrun the rest of the queue is dropped (older than
    /// the dump that follows), the table read again, and what changed
    /// while events were lost printed as events marked `"resync": true`,
    /// after a note of how many.
    fn drain(
        &mut self,
        mut record: Option<&mut Recorder>,
        each: &mut dyn FnMut(Line) -> Result<()>,
    ) -> Result<()> {
        let word = Channel::Conntrack.word();
        let mut lost = false;
        while let Some(batch) = self.sub.try_recv()? {
            if let Some(r) = record.as_deref_mut() {
                r.write(Channel::Conntrack.protocol(), batch.datagram())?;
            }
            for item in batch {
                match item {
                    Item::Event { event: conntrack::Event::Conn(change, e), .. } => {
                        if self.table.apply(change, &e) {
                            each(conntrack_line(change, &e, false))?;
                        }
                    }
                    Item::Overrun => lost = true,
                    other => {
                        for line in item_lines(word, other, conntrack_lines) {
                            each(line)?;
                        }
                    }
                }
            }
            if lost {
                break;
            }
        }
        if lost {
            for line in item_lines::<conntrack::Event>(word, Item::Overrun, conntrack_lines) {
                each(line)?;
            }
            let (changes, dropped) = self.table.recover(&mut self.sub, &mut self.conn)?;
            let text = format!(
                "{word}: read the table again: {} changes while events were lost \
                 ({dropped} queued datagrams dropped)",
                changes.len()
            );
            each(note(text, "resync", serde_json::json!({ "changes": changes.len() })))?;
            for (change, e) in &changes {
                each(conntrack_line(*change, e, true))?;
            }
        }
        Ok(())
    }
}

/// One conntrack event's line; `resync`: found by reading the table again.
fn conntrack_line(change: conntrack::Change, e: &conntrack::Entry, resync: bool) -> Line {
    let text = crate::conntrack::event_text(change, e);
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let mut json = object(crate::conntrack::event_json(change, e));
    if resync {
        json.insert("resync".into(), true.into());
    }
    Line::Event { text, json }
}

fn xfrm_lines(e: &nlkit::xfrm::Event, names: &LinkNames) -> Vec<Line> {
    let mut text = String::new();
    crate::xfrm::event_text(&mut text, e, names, Default::default());
    let text = text.trim_end().to_string();
    vec![Line::Event { text, json: object(crate::xfrm::json::event(e)) }]
}

fn genl_lines(e: CtrlEvent) -> Vec<Line> {
    let text = crate::genl::ctrl_event_text(&e);
    vec![Line::Event { text, json: object(crate::genl::ctrl_event_json(&e)) }]
}

/// An audit record as auditd logs it (`type=NAME msg=audit(...): ...`).
fn audit_lines(r: &Record) -> Vec<Line> {
    let name = crate::audit::type_names()
        .get(&r.kind)
        .cloned()
        .unwrap_or_else(|| format!("UNKNOWN[{}]", r.kind));
    let stamp = format!("{}.{:03}:{}", r.time.0, r.time.1, r.serial);
    let text = format!("type={name} msg=audit({stamp}): {}", r.text);
    let mut json = serde_json::json!({"type": name, "type_id": r.kind, "serial": r.serial,
                                  "time": format!("{}.{:03}", r.time.0, r.time.1), "text": r.text});
    if let Some((arch, syscall)) = crate::audit::syscall_names(&r.text) {
        json["arch"] = arch.into();
        json["syscall"] = syscall.into();
    }
    vec![Line::Event { text, json: object(json) }]
}

fn selinux_lines(n: nlkit::selinux::Notice) -> Vec<Line> {
    vec![Line::Event { text: crate::selinux::text(&n), json: object(crate::selinux::json_of(&n)) }]
}

/// `record FILE`: every datagram the monitor reads, in a capture file
/// (`nlkit::capture`, the format of `tcpdump -i nlmon0 -w`).
pub struct Recorder {
    writer: capture::Writer<std::io::BufWriter<std::fs::File>>,
}

impl Recorder {
    /// Creates (or empties) `path` and writes the file header, flushed at
    /// once: a capture stopped before any event (a signal) is still one.
    pub fn create(path: &str) -> Result<Recorder> {
        let file = std::fs::File::create(path)
            .map_err(|e| anyhow::anyhow!("record: cannot create \"{path}\": {e}"))?;
        let mut r = Recorder { writer: capture::Writer::new(std::io::BufWriter::new(file))? };
        r.flush()?;
        Ok(r)
    }

    /// One datagram of `protocol`, stamped now (an overrun has none).
    pub fn write(&mut self, protocol: u16, datagram: &[u8]) -> Result<()> {
        if !datagram.is_empty() {
            self.writer.write(std::time::SystemTime::now(), protocol, datagram)?;
        }
        Ok(())
    }

    /// Flushes what is buffered (after each round of reads).
    pub fn flush(&mut self) -> Result<()> {
        Ok(self.writer.flush()?)
    }
}

impl AsFd for Open {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Open::Uevent(s, _) => s.as_fd(),
            Open::Proc(s, _) => s.as_fd(),
            Open::Conntrack(t) => t.sub.as_fd(),
            Open::Xfrm(s) => s.as_fd(),
            Open::Genl(s) => s.as_fd(),
            Open::Audit(s) => s.as_fd(),
            Open::Selinux(s) => s.as_fd(),
        }
    }
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => Map::from_iter([("value".to_string(), other)]),
    }
}
