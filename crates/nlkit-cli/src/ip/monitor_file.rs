//! `nlkit monitor file FILE`: replays rtnetlink messages saved in a file,
//! as `ip monitor file FILE` does: the format `rtmon file FILE` writes (a
//! link dump, then each notification after an `NLMSG_TSTAMP` stamp), which
//! is netlink messages back to back, each padded to 4 bytes, as iproute2's
//! `rtnl_from_file` reads them.
//!
//! Every kind of message is printed, whatever the words (`label` adds
//! `[LINK]`, `[ROUTE]`...). Interface names come from the file's own link
//! messages (rtmon starts with a link dump) and nothing is asked of the
//! kernel, so a saved file prints the same on any machine; ip 6.1 names
//! interfaces by asking the kernel it runs on, so the two agree where the
//! recorded interfaces still exist with their indexes. Stamps
//! print as `Timestamp: Thu Dec  3 22:03:10 2026 514780 us`. A file that
//! does not frame (a length below a header or above 16 KiB, as ip's
//! buffer, or cut short) is an error naming the offset, after what was
//! printed before it.

use super::{link_print, monitor, Ctx, LinkNames};
use anyhow::{bail, Result};
use nlkit::rtnl::events::Event;
use nlkit_wire::Messages;
use std::path::Path;

/// `NLMSG_TSTAMP` (iproute2's `libnetlink.h`): rtmon's time stamp, two
/// native `u32`s (seconds and microseconds) after the header.
const NLMSG_TSTAMP: u16 = 15;
/// The largest message ip reads from a file (`rtnl_from_file`'s buffer).
const MAX_MESSAGE: usize = 16384;
const HEADER: usize = 16;

/// Prints every message of `path` (`-`: standard input).
pub fn replay(ctx: &mut Ctx, path: &str, label: bool, dev: Option<u32>) -> Result<()> {
    let bytes = crate::input::read(Path::new(path))?;
    let groups = link_print::read_groups();
    let mut names = names_in(&bytes);
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        if rest.len() < HEADER {
            bail!("{path}: truncated message at byte {at}");
        }
        let len = u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        if !(HEADER..=MAX_MESSAGE).contains(&len) {
            bail!("{path}: malformed message: len={len} at byte {at}");
        }
        let Some(message) = rest.get(..len.next_multiple_of(4)) else {
            bail!("{path}: truncated message at byte {at}");
        };
        at += message.len();
        let Some(Ok(msg)) = Messages::new(&message[..len]).next() else {
            bail!("{path}: malformed message at byte {}", at - message.len());
        };
        let ty = u16::from(msg.message_type());
        match ty {
            NLMSG_TSTAMP => stamp(ctx, msg.payload())?,
            // NOOP, ERROR, DONE, OVERRUN: ip ignores them.
            1..=4 => {}
            _ => match Event::parse(&msg)? {
                Event::Other(_) => crate::report::note!(
                    "{path}: message type {ty} at byte {} is not one nlkit prints; skipped",
                    at - message.len()
                ),
                event => monitor::print_replayed(ctx, &event, label, dev, &mut names, &groups)?,
            },
        }
    }
    ctx.out.flush()
}

/// The name each interface first has in the file, so that a message that
/// names an interface before the file's message about it (a veth's peer,
/// a device's netconf notice) still names it; later link messages update
/// the table as they are printed.
fn names_in(bytes: &[u8]) -> LinkNames {
    let mut names = LinkNames::default();
    let mut at = 0;
    while let Some(rest) = bytes.get(at..).filter(|r| r.len() >= HEADER) {
        let len = u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let Some(message) = rest.get(..len).filter(|_| (HEADER..=MAX_MESSAGE).contains(&len))
        else {
            break;
        };
        at += len.next_multiple_of(4);
        if let Some(Ok(msg)) = Messages::new(message).next() {
            if let Ok(Event::Link(_, l)) = Event::parse(&msg) {
                if !names.contains(l.index()) {
                    names.record(&l);
                }
            }
        }
    }
    names
}

/// `print_nlmsg_timestamp`: the stamp in local time, as `asctime` writes it.
fn stamp(ctx: &mut Ctx, payload: &[u8]) -> Result<()> {
    let word =
        |i: usize| payload.get(i..i + 4).map(|b| u32::from_ne_bytes([b[0], b[1], b[2], b[3]]));
    let (Some(secs), Some(usecs)) = (word(0), word(4)) else {
        bail!("a time stamp of {} bytes (8 expected)", payload.len());
    };
    if ctx.out.json() {
        return Ok(());
    }
    let Some(t) = chrono::DateTime::from_timestamp(i64::from(secs), 0) else { return Ok(()) };
    let local = t.with_timezone(&chrono::Local);
    ctx.out.line(format_args!("Timestamp: {} {usecs} us", local.format("%a %b %e %H:%M:%S %Y")))
}
