//! `nlkit monitor [all | OBJECT...] [label] [dev NAME] [-t | -ts]`: each
//! rtnetlink event as iproute2 6.1's `ip monitor` prints it, line for line
//! (`ip/ipmonitor.c`): links as `ip link show` prints them, addresses as
//! `IDX: DEV    inet ...`, routes as `ip route show table all`, neighbours,
//! rules and netconf notices as their `show`s, each `Deleted ` when gone.
//! `label` (or `all`) puts `[LINK]`, `[ADDR]`, ... in front; `-t` a
//! `Timestamp: ... usec` line before each event, `-ts` a short
//! `[2026-12-03T22:03:10.515097] ` (local time, as ip). The objects are
//! link, address, route, neigh, rule and netconf (the default: all of
//! them); ip's mroute, prefix, nsid, nexthop and stats are refused.
//!
//! nlkit merges the other channels in on request (`uevent`, `proc`,
//! `conntrack`, `xfrm`, `genl`; `all` names every one, so `monitor all`
//! prints ip's lines plus theirs): one poll over every socket, each
//! event labelled (`[UEVENT]`, ...) when more than one source is open,
//! in its own command's text ([`super::monitor_channels`]).
//!
//! With `-j`, one JSON object per event: `object`, `event` (`new`/`del`),
//! `timestamp` (seconds, with `-t`/`-ts`) and the keys `ip -j` gives the
//! object in its `show` (ip 6.1 has no JSON monitor). An overrun (the
//! kernel dropped notifications because this reader fell behind) is said
//! as ip says it, on stderr (`-j`: `{"overrun": true}` in the stream), and
//! reading goes on: what was missed is never silently skipped. Where ip
//! stops there, nlkit resyncs links, addresses and neighbours
//! ([`super::monitor_resync`]): what changed while notifications were lost
//! is printed as they would have printed it.

use super::monitor_channels::{self, Channel, Line, Open, Recorder};
use super::monitor_resync::{said, Resync, WithMessage};
use super::neigh::{self, Show as NeighShow};
use super::route_print::View;
use super::{addr_print, link_print, netconf_print, rule, Ctx, LinkNames};
use crate::grammar::tables::MONITOR_ALL;
use crate::grammar::walk::Walk;
use crate::out::printer::Printer;
use crate::out::writer::IfNames;
use crate::out::writer::Printer as RoutePrinter;
use crate::words::Args;
use anyhow::Result;
use nlkit::rtnl::events::{Change, Event, Rtnl, Watch};
use nlkit::rtnl::uapi::RTM_F_CLONED;
use nlkit::rtnl::AF_UNSPEC;
use nlkit::sub::{Item, Subscription};
use serde_json::{json, Map, Value};
use std::collections::HashMap;

/// What `-t`/`-ts` put before each event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stamp {
    None,
    /// `-t`: `Timestamp: Thu Dec  3 22:03:10 2026 514780 usec` on a line.
    Long,
    /// `-ts`: `[2026-12-03T22:03:10.515097] `.
    Short,
}

struct Options {
    /// `file FILE`: replay what `rtmon` saved instead of listening.
    file: Option<String>,
    kinds: Vec<Watch>,
    /// The other channels merged in (`uevent`, `proc`, ...; `all`: each).
    channels: Vec<Channel>,
    /// `all`: a channel this namespace lacks is left out, not an error.
    all: bool,
    /// `record FILE`: every datagram read, in a capture file.
    record: Option<String>,
    /// `replay FILE`: print a capture file's datagrams instead.
    replay: Option<String>,
    /// When the event being printed was received: now, or a replayed
    /// record's time.
    clock: std::cell::Cell<Option<std::time::SystemTime>>,
    label: bool,
    stamp: Stamp,
    /// `dev NAME`: only this interface's links, addresses, routes,
    /// neighbours and netconf notices.
    dev: Option<u32>,
}

/// The words of `monitor` before the device is resolved.
#[derive(Default)]
pub struct MonitorWords {
    file: Option<String>,
    kinds: Vec<Watch>,
    channels: Vec<Channel>,
    all: bool,
    record: Option<String>,
    replay: Option<String>,
    label: bool,
    stamp: Option<Stamp>,
    dev: Option<String>,
}

/// A row that adds an object's events.
macro_rules! watch_row {
    ($name:literal, $watch:expr) => {
        ($name, |m: &mut MonitorWords, _: &str| {
            m.kinds.push($watch);
            Ok(())
        })
    };
}

/// A row that merges a channel's events.
macro_rules! channel_row {
    ($name:literal, $channel:expr) => {
        ($name, |m: &mut MonitorWords, _: &str| {
            m.channels.push($channel);
            Ok(())
        })
    };
}

/// `monitor`: every row of `MONITOR_ALL`; any other word is refused as
/// `ip` refuses it (a prefix of `help`: the usage).
pub static WALK: Walk<MonitorWords> = Walk {
    name: "monitor",
    cmd: &MONITOR_ALL,
    apply: &[
        ("file", |m, v| {
            m.file = Some(v.to_string());
            Ok(())
        }),
        ("label", |m, _| {
            m.label = true;
            Ok(())
        }),
        watch_row!("link", Watch::Link),
        watch_row!("address", Watch::Addr),
        watch_row!("route", Watch::Route),
        watch_row!("neigh", Watch::Neigh),
        watch_row!("netconf", Watch::Netconf),
        watch_row!("rule", Watch::Rule),
        // ip: every object, and the label; nlkit: every channel too.
        ("all", |m, _| {
            (m.label, m.all) = (true, true);
            m.channels = Channel::ALL.to_vec();
            Ok(())
        }),
        ("dev", |m, v| {
            m.dev = Some(v.to_string());
            Ok(())
        }),
        ("-t", |m, _| {
            m.stamp = Some(Stamp::Long);
            Ok(())
        }),
        ("-ts", |m, _| {
            m.stamp = Some(Stamp::Short);
            Ok(())
        }),
        channel_row!("uevent", Channel::Uevent),
        channel_row!("proc", Channel::Proc),
        channel_row!("conntrack", Channel::Conntrack),
        channel_row!("xfrm", Channel::Xfrm),
        channel_row!("genl", Channel::Genl),
        channel_row!("audit", Channel::Audit),
        channel_row!("selinux", Channel::Selinux),
        ("record", |m, v| {
            m.record = Some(v.to_string());
            Ok(())
        }),
        ("replay", |m, v| {
            m.replay = Some(v.to_string());
            Ok(())
        }),
    ],
    more: &[],
    other: Some(|_, rest| {
        let w = rest.word();
        if !w.is_empty() && "help".starts_with(w) {
            return Err(crate::report::plain(crate::grammar::tables::MONITOR.usage().trim_end()));
        }
        let text = format!("Argument \"{w}\" is unknown, try \"nlkit monitor help\".");
        Err(crate::report::plain(text))
    }),
    stop: &[],
};

impl Options {
    /// When the event being printed was received, since the epoch.
    fn time(&self) -> std::time::Duration {
        let t = self.clock.get().unwrap_or_else(std::time::SystemTime::now);
        t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default()
    }

    fn parse(ctx: &mut Ctx, mut a: Args) -> Result<Options> {
        let mut m = MonitorWords::default();
        let words: Vec<String> = a.by_ref().collect();
        WALK.run(&words, &mut m)?;
        let dev = match &m.dev {
            Some(d) => Some(
                ctx.ifnames()?
                    .index(d)
                    .ok_or_else(|| super::route_args::invarg("Device does not exist", d))?,
            ),
            None => None,
        };
        // No object named: every rtnetlink object, unless only other
        // channels were named.
        if m.kinds.is_empty() && (m.all || m.channels.is_empty()) {
            m.kinds.extend_from_slice(&Watch::ALL);
        }
        m.channels.dedup();
        if m.file.is_some() && !m.channels.is_empty() && !m.all {
            anyhow::bail!(
                "file: rtmon files hold rtnetlink messages only (no {})",
                m.channels[0].word()
            );
        }
        // Events of several channels are told apart by their labels.
        let label = m.label || m.channels.len() + usize::from(!m.kinds.is_empty()) > 1;
        let stamp = m.stamp.unwrap_or(Stamp::None);
        let (kinds, channels, all) = (m.kinds, m.channels, m.all);
        // A replayed capture may hold any channel: labelled.
        let label = label || m.replay.is_some();
        let (record, replay, clock) = (m.record, m.replay, Default::default());
        Ok(Options { file: m.file, kinds, channels, all, record, replay, clock, label, stamp, dev })
    }
}

pub fn run(ctx: &mut Ctx, netns: Option<&str>, a: Args) -> Result<()> {
    let o = Options::parse(ctx, a)?;
    if let Some(path) = &o.file {
        return super::monitor_file::replay(ctx, path, o.label, o.dev);
    }
    if let Some(path) = &o.replay {
        return replay(ctx, path, &o);
    }
    if !o.channels.is_empty() || o.record.is_some() {
        return merged(ctx, netns, &o);
    }
    let source = WithMessage(Rtnl::new(&o.kinds));
    let mut monitor = match netns {
        Some(name) => Subscription::open_in(nlkit::Netns::Name(name), source)?,
        None => Subscription::open(source)?,
    };
    // Bigger than the default queue, so bursts are less likely to overrun.
    let _ = monitor.socket().raise_recv_buffer(crate::report::monitor_rcvbuf());
    // After the groups are joined, so nothing falls between the two.
    let mut resync = Resync::load(netns, &o.kinds)?;
    let mut names = ctx.ifnames()?.clone();
    let groups = link_print::read_groups();
    // On stderr, so a script knows the groups are joined; never fails.
    let watched: Vec<&str> = o.kinds.iter().map(|k| watch_name(*k)).collect();
    crate::report::note!("monitoring {}", watched.join(", "));
    loop {
        let unsettled = resync.as_ref().is_some_and(|r| !r.settled());
        let deadline = unsettled.then(|| std::time::Instant::now() + QUIET);
        // Quiet after a resync that met changing dumps: another one.
        let lost = match monitor.recv_until(deadline)? {
            Some(batch) => rtnl_batch(ctx, batch, &o, &mut names, &groups, resync.as_mut())?,
            None => true,
        };
        if let (true, Some(r)) = (lost, resync.as_mut()) {
            resynced(ctx, r, &mut monitor, &o, &mut names, &groups)?;
        }
        ctx.out.flush()?;
    }
}

/// How long notifications must be quiet before an unsettled copy is read
/// again.
const QUIET: std::time::Duration = std::time::Duration::from_millis(500);

/// One datagram of rtnetlink notifications: each printed (and kept in the
/// copy, if there is one). Whether notifications were lost.
fn rtnl_batch(
    ctx: &mut Ctx,
    batch: nlkit::sub::Batch<'_, WithMessage>,
    o: &Options,
    names: &mut LinkNames,
    groups: &[(u32, String)],
    mut resync: Option<&mut Resync>,
) -> Result<bool> {
    let mut lost = false;
    for item in batch {
        let item = match item {
            Item::Event { event: (m, event), group } => {
                if let Some(r) = resync.as_deref_mut() {
                    r.apply(&m);
                }
                Item::Event { event, group }
            }
            Item::Overrun => {
                lost = true;
                Item::Overrun
            }
            Item::Refused { sender, reason } => Item::Refused { sender, reason },
            Item::Malformed(e) => Item::Malformed(e),
        };
        rtnl_item(ctx, item, o, names, groups)?;
    }
    Ok(lost)
}

/// After lost notifications: what changed meanwhile, printed as
/// notifications, and said.
fn resynced(
    ctx: &mut Ctx,
    r: &mut Resync,
    monitor: &mut Subscription<WithMessage>,
    o: &Options,
    names: &mut LinkNames,
    groups: &[(u32, String)],
) -> Result<()> {
    let changes = r.recover(monitor)?;
    said(ctx, changes.len())?;
    let rtnl = Rtnl::new(&o.kinds);
    let mut counts = nlkit::sub::Counts::default();
    for bytes in &changes {
        for item in nlkit::sub::Batch::replay(&rtnl, &mut counts, bytes) {
            rtnl_item(ctx, item, o, names, groups)?;
        }
    }
    Ok(())
}

/// One item of the rtnetlink monitor.
fn rtnl_item(
    ctx: &mut Ctx,
    item: Item<Event<'_>>,
    o: &Options,
    names: &mut LinkNames,
    groups: &[(u32, String)],
) -> Result<()> {
    match item {
        Item::Event { event, .. } => print(ctx, &event, o, names, groups),
        Item::Overrun => overrun(ctx),
        // rtnetlink admits every sender; a message that does not
        // read ends the monitor with its error, as before.
        Item::Refused { .. } => Ok(()),
        Item::Malformed(e) => Err(e.into()),
    }
}

/// rtnetlink's objects (if any) and the other channels, merged: one
/// `poll` over every socket, then each drained without waiting, so no
/// channel waits behind another.
fn merged(ctx: &mut Ctx, netns: Option<&str>, o: &Options) -> Result<()> {
    let source = WithMessage(Rtnl::new(&o.kinds));
    let mut monitor = match (o.kinds.is_empty(), netns) {
        (true, _) => None,
        (false, Some(name)) => Some(Subscription::open_in(nlkit::Netns::Name(name), source)?),
        (false, None) => Some(Subscription::open(source)?),
    };
    if let Some(m) = &monitor {
        let _ = m.socket().raise_recv_buffer(crate::report::monitor_rcvbuf());
    }
    let mut resync = match monitor {
        Some(_) => Resync::load(netns, &o.kinds)?,
        None => None,
    };
    let mut record = o.record.as_deref().map(Recorder::create).transpose()?;
    let (mut channels, mut left_out) = (Vec::new(), Vec::new());
    for c in &o.channels {
        match Open::new(*c, netns, !o.all)? {
            Some(open) => channels.push(open),
            None => left_out.push(c.word()),
        }
    }
    let mut names = ctx.ifnames()?.clone();
    let groups = link_print::read_groups();
    let watched: Vec<&str> = o
        .kinds
        .iter()
        .map(|k| watch_name(*k))
        .chain(channels.iter().map(|c| c.channel().word()))
        .collect();
    crate::report::note!("monitoring {}", watched.join(", "));
    for word in left_out {
        crate::report::note!("{word}: left out (only in the initial namespaces)");
    }
    loop {
        // Quiet after a resync that met changing dumps: another one.
        let unsettled = resync.as_ref().is_some_and(|r| !r.settled());
        let ready = {
            let mut fds: Vec<&dyn std::os::fd::AsFd> = Vec::new();
            fds.extend(monitor.as_ref().map(|m| m as &dyn std::os::fd::AsFd));
            fds.extend(channels.iter().map(|c| c as &dyn std::os::fd::AsFd));
            nlkit::sub::wait_any(&fds, unsettled.then_some(QUIET))?
        };
        if let Some(m) = monitor.as_mut() {
            let mut lost = unsettled && ready.is_empty();
            while let Some(batch) = m.try_recv()? {
                if let Some(r) = record.as_mut() {
                    r.write(0, batch.datagram())?;
                }
                // At an overrun, what is still queued is older than the
                // resync's dump: dropped there, not printed here.
                if rtnl_batch(ctx, batch, o, &mut names, &groups, resync.as_mut())? {
                    lost = true;
                    break;
                }
            }
            if let (true, Some(r)) = (lost, resync.as_mut()) {
                resynced(ctx, r, m, o, &mut names, &groups)?;
            }
        }
        for c in channels.iter_mut() {
            let channel = c.channel();
            c.drain(&names, record.as_mut(), &mut |line| channel_line(ctx, o, channel, line))?;
        }
        if let Some(r) = record.as_mut() {
            r.flush()?;
        }
        ctx.out.flush()?;
    }
}

/// `replay FILE` (and `nlkit decode FILE`): a capture file's datagrams
/// (`-`: standard input), printed as the monitor prints them live, each
/// with its recorded time; rtnetlink's names come from the file's own
/// link messages, as `monitor file` does.
fn replay(ctx: &mut Ctx, path: &str, o: &Options) -> Result<()> {
    let input: Box<dyn std::io::Read> = match path {
        "-" => Box::new(std::io::stdin().lock()),
        _ => Box::new(
            std::fs::File::open(path)
                .map_err(|e| anyhow::anyhow!("cannot open \"{path}\": {}", nlkit::os_text(&e)))?,
        ),
    };
    let reader = nlkit::capture::Reader::new(std::io::BufReader::new(input))
        .map_err(|e| anyhow::anyhow!("{path}: {e}"))?;
    if reader.foreign_order() {
        let order = if cfg!(target_endian = "little") { "big" } else { "little" };
        crate::report::note!(
            "{path}: written on a {order}-endian machine: its netlink messages are in that \
             machine's byte order, which nlkit does not read here (only text ones, uevents, read)"
        );
    }
    print_records(ctx, reader.map(|r| r.map_err(|e| anyhow::anyhow!("{path}: {e}"))), o)
}

/// `nlkit decode hex PROTOCOL HEX [-t|-ts]`: one datagram of `protocol`,
/// given in hex, printed as `decode` prints a capture's records (the
/// time is now).
pub fn decode_hex(ctx: &mut Ctx, protocol: u16, data: Vec<u8>, words: Args) -> Result<()> {
    let mut o = Options::parse(ctx, words)?;
    o.label = true;
    let original_len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let time = std::time::SystemTime::now();
    let record = nlkit::capture::Record { time, protocol, data, original_len };
    print_records(ctx, std::iter::once(Ok(record)), &o)
}

/// Each record, through the parsers of its protocol.
fn print_records(
    ctx: &mut Ctx,
    records: impl Iterator<Item = Result<nlkit::capture::Record>>,
    o: &Options,
) -> Result<()> {
    let mut names = LinkNames::default();
    let groups = link_print::read_groups();
    let rtnl = Rtnl::new(&Watch::ALL);
    // Messages that did not read: each said as it comes, and the status 1.
    let mut malformed = 0;
    for (index, record) in records.enumerate() {
        let r = record?;
        o.clock.set(Some(r.time));
        if r.protocol == 0 {
            let mut counts = nlkit::sub::Counts::default();
            for item in nlkit::sub::Batch::replay(&rtnl, &mut counts, &r.data) {
                match item {
                    Item::Event { event, .. } => {
                        print_event(ctx, &event, o, &mut names, &groups, false)?
                    }
                    Item::Malformed(e) => {
                        malformed += 1;
                        crate::report::note!("record {index}: {e}")
                    }
                    Item::Overrun | Item::Refused { .. } => {}
                }
            }
        } else if let Some((channel, lines)) = monitor_channels::replay(r.protocol, &r.data, &names)
        {
            for line in lines {
                channel_line(ctx, o, channel, line)?;
            }
        } else {
            crate::report::note!(
                "record {index}: netlink protocol {} ({} bytes): nlkit has no decoder for it",
                r.protocol,
                r.data.len()
            );
        }
    }
    ctx.out.flush()?;
    match malformed {
        0 => Ok(()),
        failures => Err(crate::kernel::Reported { failures }.into()),
    }
}

/// One line of another channel: its label and stamp as rtnetlink's
/// events have them; notes on stderr (and in the JSON stream).
fn channel_line(ctx: &mut Ctx, o: &Options, channel: Channel, line: Line) -> Result<()> {
    let (text, fields, is_note) = match line {
        Line::Event { text, json } => (text, json, false),
        Line::Note { text, json } => (text, json, true),
    };
    if is_note {
        crate::report::note!("{text}");
        if !ctx.out.json() {
            return Ok(());
        }
    }
    if ctx.out.json() {
        let mut m = Map::new();
        if o.stamp != Stamp::None {
            m.insert("timestamp".into(), json!(o.time().as_secs_f64()));
        }
        m.insert("object".into(), json!(channel.word()));
        m.extend(fields);
        return ctx.out.json_line(m);
    }
    let mut out = stamp_text(o.stamp, o.time());
    if o.label {
        out.push_str(channel.label());
    }
    out.push_str(&text);
    ctx.out.line(format_args!("{out}"))
}

/// ip's words for a lost notification (`rtnl_listen`), on stderr; in JSON
/// also an object in the stream.
fn overrun(ctx: &mut Ctx) -> Result<()> {
    crate::report::note!(
        "netlink receive error {} ({})",
        nlkit::strerror(libc::ENOBUFS),
        libc::ENOBUFS
    );
    if ctx.out.json() {
        let mut m = Map::new();
        m.insert("overrun".into(), json!(true));
        ctx.out.json_line(m)?;
    }
    ctx.out.flush()
}

/// One event's object: its label, its family (0: none), its interface (0:
/// none), and whether ip shows it at all.
fn about(event: &Event<'_>) -> Option<(&'static str, &'static str, u8, u32)> {
    Some(match event {
        Event::Link(_, l) => ("[LINK]", "link", AF_UNSPEC, l.index()),
        Event::Addr(_, a) => ("[ADDR]", "address", a.family(), a.index()),
        // ip skips cloned (cache) routes before printing anything.
        Event::Route(_, r) if r.header.flags & RTM_F_CLONED != 0 => return None,
        Event::Route(_, r) => ("[ROUTE]", "route", r.header.family, r.oif.unwrap_or(0)),
        Event::Neigh(_, n) => ("[NEIGH]", "neigh", AF_UNSPEC, n.ifindex() as u32),
        Event::Rule(_, r) => ("[RULE]", "rule", r.header.family, 0),
        Event::Netconf(_, n) => {
            ("[NETCONF]", "netconf", n.header.family, n.ifindex.unwrap_or(0) as u32)
        }
        _ => return None,
    })
}

fn change_of(event: &Event<'_>) -> Change {
    match event {
        Event::Link(c, _)
        | Event::Addr(c, _)
        | Event::Route(c, _)
        | Event::Neigh(c, _)
        | Event::Rule(c, _)
        | Event::Netconf(c, _) => *c,
        _ => Change::New,
    }
}

/// Prints one event; link events also keep the name table current (as
/// ip's `ll_remember_index`, before printing).
fn print(
    ctx: &mut Ctx,
    event: &Event<'_>,
    o: &Options,
    names: &mut LinkNames,
    groups: &[(u32, String)],
) -> Result<()> {
    print_event(ctx, event, o, names, groups, true)
}

/// [`print`], asking the kernel for names it has not seen when `lookup`
/// (a replayed file names only what it holds, as ip's does).
fn print_event(
    ctx: &mut Ctx,
    event: &Event<'_>,
    o: &Options,
    names: &mut LinkNames,
    groups: &[(u32, String)],
    lookup: bool,
) -> Result<()> {
    if let Event::Link(c, l) = event {
        match c {
            Change::New => names.record(l),
            Change::Del => names.remove(l.index()),
        }
    }
    let Some((label, object, family, index)) = about(event) else { return Ok(()) };
    // -4/-6: ip joins only that family's groups (links have none).
    if ctx.family != AF_UNSPEC && family != AF_UNSPEC && family != ctx.family {
        return Ok(());
    }
    // dev NAME: ip's filters on the interface (rules have none).
    if o.dev.is_some_and(|d| object != "rule" && index != d) {
        return Ok(());
    }
    // Names not seen yet (a device made while links were not watched) are
    // asked of the kernel, as ip's ll_index_to_name does.
    let mut wanted = vec![index];
    if let Event::Link(_, l) = event {
        wanted.extend(l.master.into_iter().chain(l.link.filter(|_| l.link_netnsid.is_none())));
    }
    wanted.retain(|&i| lookup && i != 0 && !names.contains(i));
    for i in wanted {
        let _ = ctx.conn.link_get_by_index(i, |l| {
            names.record(l);
            Ok(())
        });
    }
    let deleted = change_of(event) == Change::Del;
    let json = ctx.out.json();
    let mut fields = body(ctx, event, o, names, groups, json)?;
    if json {
        let mut m = Map::new();
        if o.stamp != Stamp::None {
            m.insert("timestamp".into(), json!(o.time().as_secs_f64()));
        }
        m.insert("object".into(), json!(object));
        m.insert("event".into(), json!(if deleted { "del" } else { "new" }));
        m.append(&mut fields.1);
        return ctx.out.json_line(m);
    }
    let mut text = stamp_text(o.stamp, o.time());
    if o.label {
        text.push_str(label);
    }
    if deleted {
        text.push_str("Deleted ");
    }
    text.push_str(&fields.0);
    ctx.out.line(format_args!("{text}"))
}

/// The event's text (without the final newline) or JSON keys.
fn body(
    ctx: &mut Ctx,
    event: &Event<'_>,
    o: &Options,
    names: &LinkNames,
    groups: &[(u32, String)],
    json: bool,
) -> Result<(String, Map<String, Value>)> {
    let mut p = Printer::new(json);
    match event {
        Event::Link(_, l) => {
            let no_netns = HashMap::new();
            let show = link_print::Show {
                names,
                netns: &no_netns,
                groups,
                details: ctx.details,
                stats: 0,
                link_cmd: false,
                link_line: true,
                queue: false,
                brief: false,
            };
            link_print::link(&mut p, l, &show);
        }
        Event::Addr(_, a) => {
            // ip monitor's address filter is `oneline`: the index and name first.
            let (index, dev) = (a.index(), names.name(a.index()));
            p.js("index", || index.into());
            p.js("dev", || dev.as_ref().into());
            p.fp(format_args!("{index}: {dev}"));
            addr_print::addr(&mut p, a);
        }
        Event::Route(_, r) => {
            let mut rp = RoutePrinter::new(json, false);
            let view = View { details: ctx.details, hide_oif: o.dev.is_some(), ..View::default() };
            rp.route(r, &view, &IfNames::new(names));
            let bytes = rp.bytes();
            return Ok(if json {
                (String::new(), serde_json::from_slice(bytes)?)
            } else {
                let text = String::from_utf8_lossy(bytes);
                (text.strip_suffix('\n').unwrap_or(&text).to_string(), Map::new())
            });
        }
        Event::Neigh(_, n) => {
            let show = NeighShow {
                states: !0,
                dev_given: o.dev.is_some(),
                stats: ctx.stats > 0,
                brief: false,
                color: None,
            };
            let index = n.ifindex() as u32;
            let dev = (index != 0 && o.dev.is_none()).then(|| names.name(index));
            return Ok(if json {
                (String::new(), neigh::to_json(n, &show, dev.as_deref()))
            } else {
                (neigh::to_text(n, &show, dev.as_deref()), Map::new())
            });
        }
        Event::Rule(_, r) => {
            return Ok(if json {
                (String::new(), rule::to_json(r, ctx.details))
            } else {
                (rule::to_text(r, ctx.details), Map::new())
            });
        }
        Event::Netconf(_, n) => netconf_print::netconf(&mut p, n, names),
        _ => {}
    }
    let text = p.text().to_string();
    Ok((text, p.take()))
}

/// `print_timestamp`: local time, as ip prints it, of `since` (from the
/// epoch).
fn stamp_text(stamp: Stamp, since: std::time::Duration) -> String {
    let utc = chrono::DateTime::from_timestamp(since.as_secs() as i64, since.subsec_nanos());
    let t = utc.unwrap_or_default().with_timezone(&chrono::Local);
    let usec = t.timestamp_subsec_micros().min(999_999);
    match stamp {
        Stamp::None => String::new(),
        Stamp::Long => format!("Timestamp: {} {usec} usec\n", t.format("%a %b %e %H:%M:%S %Y")),
        Stamp::Short => format!("[{}.{usec:06}] ", t.format("%Y-%m-%dT%H:%M:%S")),
    }
}

/// The object word `ip monitor` takes for a kind of event.
fn watch_name(kind: Watch) -> &'static str {
    match kind {
        Watch::Link => "link",
        Watch::Addr => "address",
        Watch::Route => "route",
        Watch::Neigh => "neigh",
        Watch::Rule => "rule",
        Watch::Netconf => "netconf",
    }
}

/// What [`super::monitor_file`] needs of this module: one message printed
/// as `ip monitor file` prints it (every kind; names from the file).
pub(super) fn print_replayed(
    ctx: &mut Ctx,
    event: &Event<'_>,
    label: bool,
    dev: Option<u32>,
    names: &mut LinkNames,
    groups: &[(u32, String)],
) -> Result<()> {
    let kinds = Watch::ALL.to_vec();
    let o = Options {
        file: None,
        kinds,
        channels: vec![],
        all: false,
        record: None,
        replay: None,
        clock: Default::default(),
        label,
        stamp: Stamp::None,
        dev,
    };
    print_event(ctx, event, &o, names, groups, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(words: &str) -> Result<MonitorWords> {
        let words: Vec<String> = words.split_whitespace().map(String::from).collect();
        let mut m = MonitorWords::default();
        WALK.run(&words, &mut m)?;
        Ok(m)
    }

    #[test]
    fn words_are_read_in_ips_order() {
        WALK.complete().unwrap();
        let m = walk("l li n net r a -ts").unwrap();
        assert!(m.label, "l is label");
        let kinds = [Watch::Link, Watch::Neigh, Watch::Netconf, Watch::Route, Watch::Addr];
        assert_eq!(m.kinds, kinds);
        assert_eq!(m.stamp, Some(Stamp::Short));
        let err = |w: &str| walk(w).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err("m"), "\"m\" (mroute) is not supported by nlkit monitor");
        assert_eq!(err("stats"), "\"stats\" is not supported by nlkit monitor");
        assert_eq!(err("al"), "\"al\" (all-nsid) is not supported by nlkit monitor");
        assert_eq!(err("bogus"), "Argument \"bogus\" is unknown, try \"nlkit monitor help\".");
        assert!(err("he").starts_with("Usage: nlkit monitor"));
        assert_eq!(err("dev"), "Command line is not complete. Try option \"help\"");
    }
}
