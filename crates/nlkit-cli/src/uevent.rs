//! `nlkit uevent monitor`: uevents as they come, from the kernel's group
//! and udev's (both unless `--kernel` or `--udev` says which), one line
//! each in the layout of `udevadm monitor` but with the event's `SEQNUM`
//! in the brackets (`KERNEL[4321] add      /devices/... (net)`, `UDEV
//! [4321] ...`), its properties after it with `--property`, or one JSON
//! object per event with `-j` (udevadm has no JSON). Only datagrams from
//! the kernel (kernel group) or from root's udevd (udev group) are read;
//! others are said on stderr and counted. `--subsystem` and `--tag` are
//! matched in the kernel on udev's group (a BPF program on the hashes
//! udevd writes) and checked again here on both.

use crate::cli::UeventMonitorArgs;
use anyhow::{bail, Result};
use nlkit::sub::{wait_any, Item, Source, Subscription};
use nlkit::uevent::{Filter, KernelUevents, SeqGap, UdevUevents, Uevent};
use nlkit::Netns;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::os::fd::AsFd;
use std::time::Instant;

/// What `--subsystem` and `--tag` ask for.
struct Wanted {
    filter: Filter,
}

impl Wanted {
    fn new(args: &UeventMonitorArgs) -> Wanted {
        let subsystems = args
            .subsystem
            .iter()
            .map(|s| match s.split_once('/') {
                Some((s, t)) => (s.to_string(), Some(t.to_string())),
                None => (s.clone(), None),
            })
            .collect();
        Wanted { filter: Filter { subsystems, tags: args.tag.clone() } }
    }

    /// The same matches, on what arrived (the kernel's group has no
    /// kernel-side filter, and a bloom filter lets a few through).
    fn matches(&self, e: &Uevent<'_>) -> bool {
        let f = &self.filter;
        let sub_ok = f.subsystems.is_empty()
            || f.subsystems.iter().any(|(s, t)| {
                e.subsystem() == Some(s) && t.as_deref().is_none_or(|t| e.devtype() == Some(t))
            });
        let tags = e.get("TAGS").unwrap_or("");
        let tag_ok = f.tags.is_empty() || f.tags.iter().any(|t| tags.split(':').any(|x| x == t));
        sub_ok && tag_ok
    }
}

fn open<S: Source>(netns: Option<&str>, source: S) -> Result<Subscription<S>> {
    let sub = match netns {
        Some(name) => Subscription::open_in(Netns::Name(name), source)?,
        None => Subscription::open(source)?,
    };
    let _ = sub.socket().raise_recv_buffer(crate::report::monitor_rcvbuf());
    Ok(sub)
}

/// What an overrun's `SEQNUM` gaps say: `lost` events at most (the
/// kernel numbers every namespace's uevents from one counter).
pub(crate) fn lost_text(origin: &str, lost: u64) -> String {
    format!("{origin}: {lost} uevents lost, by SEQNUM (at most: the counter also counts uevents sent to other namespaces)")
}

/// Says, once the queue is read empty, what an overrun lost.
fn lost(out: &mut impl Write, origin: &str, gap: &mut SeqGap, json: bool) -> Result<()> {
    if let Some(lost) = gap.drained() {
        crate::report::note!("{}", lost_text(origin, lost));
        if json {
            let v = json!({"source": origin.to_ascii_lowercase(), "event": "lost", "count": lost});
            writeln!(out, "{v}")?;
        }
    }
    Ok(())
}

/// Prints what one datagram gave; returns how many events it printed.
#[allow(clippy::too_many_arguments)]
fn take<'a>(
    items: impl Iterator<Item = Item<Uevent<'a>>>,
    origin: &str,
    gap: &mut SeqGap,
    wanted: &Wanted,
    out: &mut impl Write,
    args: &UeventMonitorArgs,
    json: bool,
) -> Result<u64> {
    let mut n = 0;
    for item in items {
        if let Item::Event { event, .. } = &item {
            gap.see(event);
        }
        match item {
            Item::Event { event, .. } if wanted.matches(&event) => {
                n += 1;
                print(out, origin, &event, args.properties, json)?;
            }
            Item::Event { .. } => {}
            Item::Overrun => {
                gap.overrun();
                crate::report::note!("{origin}: uevents were lost (ENOBUFS)")
            }
            Item::Refused { sender, reason } => {
                crate::report::note!(
                    "{origin}: refused a datagram from port {}: {reason}",
                    sender.port
                )
            }
            Item::Malformed(e) => crate::report::note!("{origin}: a uevent did not read: {e}"),
        }
    }
    Ok(n)
}

pub fn monitor(args: &UeventMonitorArgs, netns: Option<&str>, json: bool) -> Result<()> {
    let (kernel, udev) = match (args.kernel, args.udev) {
        (false, false) => (true, true),
        both => both,
    };
    let wanted = Wanted::new(args);
    if wanted.filter.tags.len() > 40 {
        bail!("at most 40 --tag matches (BPF's jumps are 8 bits)");
    }
    let mut ksub = kernel.then(|| open(netns, KernelUevents)).transpose()?;
    let mut usub =
        udev.then(|| open(netns, UdevUevents { filter: wanted.filter.clone() })).transpose()?;
    let deadline = crate::words::values::duration(args.timeout).map(|t| Instant::now() + t);
    let what = match (kernel, udev) {
        (true, true) => "kernel and udev uevents",
        (true, false) => "kernel uevents",
        _ => "udev uevents",
    };
    crate::report::note!("monitoring {what}");
    let mut out = std::io::stdout().lock();
    let mut seen = 0u64;
    let (mut kgap, mut ugap) = (SeqGap::default(), SeqGap::default());
    while args.count.is_none_or(|c| seen < c) {
        let left = match deadline {
            Some(d) => match d.saturating_duration_since(Instant::now()) {
                l if l.is_zero() => break,
                l => Some(l),
            },
            None => None,
        };
        let mut fds: Vec<&dyn AsFd> = Vec::new();
        if let Some(k) = &ksub {
            fds.push(k);
        }
        if let Some(u) = &usub {
            fds.push(u);
        }
        if wait_any(&fds, left)?.is_empty() {
            continue;
        }
        // Drain each until it has nothing, kernel first.
        if let Some(k) = ksub.as_mut() {
            while let Some(batch) = k.try_recv()? {
                seen += take(batch, "KERNEL", &mut kgap, &wanted, &mut out, args, json)?;
            }
            lost(&mut out, "KERNEL", &mut kgap, json)?;
        }
        if let Some(u) = usub.as_mut() {
            while let Some(batch) = u.try_recv()? {
                seen += take(batch, "UDEV", &mut ugap, &wanted, &mut out, args, json)?;
            }
            lost(&mut out, "UDEV", &mut ugap, json)?;
        }
        out.flush()?;
    }
    Ok(())
}

fn print(
    out: &mut impl Write,
    origin: &str,
    e: &Uevent<'_>,
    properties: bool,
    json: bool,
) -> Result<()> {
    if json {
        writeln!(out, "{}", Value::Object(event_json(origin, e)))?;
        return Ok(());
    }
    writeln!(out, "{}", event_line(origin, e))?;
    if properties {
        for (k, v) in e.properties() {
            writeln!(out, "{k}={v}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// An event's line: `KERNEL[SEQNUM] ACTION   DEVPATH (SUBSYSTEM)`
/// (udevadm pads `UDEV` to `KERNEL`'s width).
pub(crate) fn event_line(origin: &str, e: &Uevent<'_>) -> String {
    let seq = e.seqnum().map(|s| s.to_string()).unwrap_or_default();
    format!("{origin:<6}[{seq}] {:<8} {} ({})", e.action, e.devpath, e.subsystem().unwrap_or(""))
}

/// An event as JSON keys: its origin (`kernel`, `udev`), action, device
/// path, subsystem, device type, sequence number and properties.
pub(crate) fn event_json(origin: &str, e: &Uevent<'_>) -> Map<String, Value> {
    let props: Map<String, Value> =
        e.properties().map(|(k, v)| (k.to_string(), Value::from(v))).collect();
    let v = json!({
        "source": origin.to_ascii_lowercase(), "action": e.action, "devpath": e.devpath, "subsystem": e.subsystem(),
        "devtype": e.devtype(), "seqnum": e.seqnum(), "properties": props,
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}
