//! `nlkit uevent monitor`: the kernel's uevents as they come, one line
//! each in the layout of `udevadm monitor --kernel` but with the event's
//! `SEQNUM` in the brackets (`KERNEL[4321] add      /devices/... (net)`),
//! its properties after it with `--property`, or one JSON object per event with
//! `-j` (udevadm has no JSON). Only datagrams from the kernel are read;
//! others are said on stderr and counted.

use crate::cli::UeventMonitorArgs;
use anyhow::Result;
use nlkit::sub::{Item, Subscription};
use nlkit::uevent::{KernelUevents, Uevent};
use nlkit::Netns;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::time::{Duration, Instant};

pub fn monitor(args: &UeventMonitorArgs, netns: Option<&str>, json: bool) -> Result<()> {
    let mut sub = match netns {
        Some(name) => Subscription::open_in(Netns::Name(name), KernelUevents)?,
        None => Subscription::open(KernelUevents)?,
    };
    let _ = sub.socket().set_recv_buffer_size(4 << 20);
    let deadline = crate::words::values::duration(args.timeout).map(|t| Instant::now() + t);
    let (want_sub, want_type) = match args.subsystem.as_deref().map(|s| s.split_once('/')) {
        Some(Some((s, t))) => (Some(s.to_string()), Some(t.to_string())),
        Some(None) => (args.subsystem.clone(), None),
        None => (None, None),
    };
    let wanted = |e: &Uevent<'_>| {
        want_sub.as_deref().is_none_or(|s| e.subsystem() == Some(s))
            && want_type.as_deref().is_none_or(|t| e.devtype() == Some(t))
    };
    crate::report::note!("monitoring kernel uevents");
    let mut out = std::io::stdout().lock();
    let mut seen = 0u64;
    while args.count.is_none_or(|c| seen < c) {
        if let Some(d) = deadline {
            let left = d.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            sub.socket().set_read_timeout(Some(left.max(Duration::from_millis(1))))?;
        }
        let batch = match sub.recv() {
            Err(nlkit::Error::Timeout) => break,
            other => other?,
        };
        for item in batch {
            match item {
                Item::Event { event, .. } if wanted(&event) => {
                    seen += 1;
                    print(&mut out, &event, args.properties, json)?;
                }
                Item::Event { .. } => {}
                Item::Overrun => crate::report::note!("uevents were lost (ENOBUFS)"),
                Item::Refused { sender, reason } => {
                    crate::report::note!("refused a datagram from port {}: {reason}", sender.port)
                }
                Item::Malformed(e) => crate::report::note!("a uevent did not read: {e}"),
            }
        }
        out.flush()?;
    }
    Ok(())
}

fn print(out: &mut impl Write, e: &Uevent<'_>, properties: bool, json: bool) -> Result<()> {
    if json {
        let props: Map<String, Value> =
            e.properties().map(|(k, v)| (k.to_string(), Value::from(v))).collect();
        let v = json!({
            "action": e.action, "devpath": e.devpath, "subsystem": e.subsystem(),
            "devtype": e.devtype(), "seqnum": e.seqnum(), "properties": props,
        });
        writeln!(out, "{v}")?;
        return Ok(());
    }
    let seq = e.seqnum().map(|s| s.to_string()).unwrap_or_default();
    writeln!(out, "KERNEL[{seq}] {:<8} {} ({})", e.action, e.devpath, e.subsystem().unwrap_or(""))?;
    if properties {
        for (k, v) in e.properties() {
            writeln!(out, "{k}={v}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}
