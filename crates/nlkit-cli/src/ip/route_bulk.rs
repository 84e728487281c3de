//! The route commands that work on whole selections: `flush` (delete what
//! a selector names, in rounds until none is left, as ip does), `save`
//! (the selected routes as iproute2's binary dump: the magic `0x45311224`,
//! then each `RTM_NEWROUTE` message as the kernel sent it) and `restore`
//! (such a dump back, in ip's three passes: local addresses, local
//! networks, then routes via gateways). Dumps from `ip route save` restore
//! here and the other way round.
//!
//! Deletions and restores go through [`Conn::batch`]: pipelined, every
//! request acknowledged and checked.

use super::route::{select, Selection};
use super::Ctx;
use crate::report::say;
use crate::words::Args;
use anyhow::{anyhow, bail, Context, Result};
use nlkit::engine::Ack;
use nlkit::rtnl::route::Route;
use nlkit::rtnl::uapi::*;
use nlkit::wire::{Flags, Messages};
use nlkit::BatchLimits;
use std::io::{IsTerminal, Read, Write};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

/// iproute2's route dump magic (`route_dump_magic`), host byte order.
const MAGIC: u32 = 0x4531_1224;
/// The largest dump `restore` reads (it is read whole: three passes).
const RESTORE_MAX: usize = 1 << 30;
/// How long `flush` goes on, as ip gives it.
const FLUSH_FOR: Duration = Duration::from_secs(30);

/// The payloads of the routes `sel` selects (one dump).
fn selected(ctx: &mut Ctx, sel: &Selection) -> Result<Vec<Vec<u8>>> {
    let (kernel, filter) = (&sel.kernel, &sel.filter);
    let check = !kernel.is_trivial();
    let mut found = Vec::new();
    let dumped = ctx.conn.dump(
        RTM_GETROUTE,
        |b| kernel.emit(b),
        |m| {
            Route::parse_with(&m, |r| {
                let kernel_ok = if check { kernel.matches(r) } else { !r.has_flag(RTM_F_CLONED) };
                if kernel_ok && filter.matches(r) {
                    found.push(m.bytes().to_vec());
                }
            })?;
            Ok(())
        },
    );
    match dumped {
        // Main may not exist yet: nothing is in it.
        Err(e) if sel.table == RT_TABLE_MAIN && e.errno() == Some(libc::ENOENT) => Ok(found),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(found),
    }
}

/// The payload of a whole message (as a dump or a dump file holds it).
pub(super) fn payload(bytes: &[u8]) -> Vec<u8> {
    Messages::new(bytes).next().and_then(Result::ok).map_or(Vec::new(), |m| m.payload().to_vec())
}

/// Sends each payload as `message_type` with `flags`, pipelined;
/// `tolerate` is an errno that counts as done (a route that vanished, or
/// exists). Returns how many failed, each said on stderr.
pub(super) fn send_all(
    ctx: &mut Ctx,
    payloads: Vec<Vec<u8>>,
    message_type: u16,
    flags: Flags,
    tolerate: i32,
) -> usize {
    let mut failed = 0;
    let requests = payloads.into_iter().map(|payload| {
        let body = move |b: &mut nlkit::wire::MessageBuilder<'_, Vec<u8>>| b.append(&payload);
        ((), Ack { message_type, flags, body })
    });
    let r = ctx.conn.batch(requests, BatchLimits::default(), |(), r| {
        match r {
            Err(e) if e.errno() == Some(tolerate) => {}
            Err(e) => {
                failed += 1;
                crate::report::note!("{}", crate::report::message(&e.into(), true));
            }
            Ok(()) => {}
        }
        ControlFlow::Continue(())
    });
    if let Err(e) = r {
        crate::report::note!("{}", crate::report::message(&e.into(), true));
        failed += 1;
    }
    failed
}

/// `ip route flush SELECTOR`: a selector is required; with `-s`, the
/// rounds are counted as ip counts them.
pub(super) fn flush(ctx: &mut Ctx, a: Args) -> Result<()> {
    if a.at_end() {
        bail!("\"ip route flush\" requires arguments.");
    }
    let sel = select(ctx, a)?;
    if sel.kernel.cloned {
        bail!("\"flush cache\" is not supported by nlkit route (it writes /proc/sys/net/ipv4/route/flush)");
    }
    let (start, verbose) = (Instant::now(), ctx.stats > 0);
    let mut round = 0;
    loop {
        let found = selected(ctx, &sel)?;
        if found.is_empty() {
            if verbose {
                let mut out = std::io::stdout().lock();
                if round == 0 {
                    writeln!(out, "Nothing to flush.")?;
                } else {
                    let s = if round > 1 { "s" } else { "" };
                    writeln!(out, "*** Flush is complete after {round} round{s} ***")?;
                }
            }
            return Ok(());
        }
        round += 1;
        let payloads = found.iter().map(|m| payload(m)).collect();
        if send_all(ctx, payloads, RTM_DELROUTE, Flags::empty(), libc::ESRCH) > 0 {
            bail!("Flush terminated");
        }
        if start.elapsed() > FLUSH_FOR {
            let left = selected(ctx, &sel)?.len();
            say!(
                "\n*** Flush not completed after {} seconds, {left} entries remain ***",
                start.elapsed().as_secs()
            )?;
            return Err(crate::kernel::Reported { failures: left }.into());
        }
        if verbose {
            say!("\n*** Round {round}, deleting {} entries ***", found.len())?;
        }
    }
}

/// `ip route save SELECTOR > FILE`: the binary dump, never to a terminal.
pub(super) fn save(ctx: &mut Ctx, a: Args) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if out.is_terminal() {
        bail!("Not sending a binary stream to stdout");
    }
    let sel = select(ctx, a)?;
    let found = selected(ctx, &sel)?;
    out.write_all(&MAGIC.to_ne_bytes())?;
    for m in &found {
        out.write_all(m)?;
    }
    out.flush()?;
    Ok(())
}

/// `ip route restore < FILE`: every route of a saved dump, in ip's order;
/// routes that exist already count as restored.
pub(super) fn restore(ctx: &mut Ctx, a: Args) -> Result<()> {
    if !a.at_end() {
        bail!("\"route restore\" takes no arguments: it reads a dump from standard input");
    }
    let dump = read_dump("route", MAGIC)?;
    let mut routes = Vec::new();
    for (at, bytes) in messages(&dump, RTM_NEWROUTE)? {
        let m = Messages::new(bytes).next().and_then(Result::ok).context("a message")?;
        let r = Route::parse(&m).with_context(|| format!("the route at byte {at}"))?;
        routes.push((pass(&r), bytes));
    }
    let mut failed = 0;
    for p in 0..3 {
        let these = routes.iter().filter(|(q, _)| *q == p).map(|(_, b)| restorable(b)).collect();
        failed += send_all(ctx, these, RTM_NEWROUTE, Flags::CREATE, libc::EEXIST);
    }
    match failed {
        0 => Ok(()),
        failures => Err(crate::kernel::Reported { failures }.into()),
    }
}

/// Standard input as a dump of `what` with `magic` (iproute2's format):
/// never a terminal, at most [`RESTORE_MAX`] bytes, the magic checked.
pub(super) fn read_dump(what: &str, magic: u32) -> Result<Vec<u8>> {
    let mut input = std::io::stdin().lock();
    if input.is_terminal() {
        bail!("Can't restore {what} dump from a terminal");
    }
    let mut dump = Vec::new();
    input.by_ref().take(RESTORE_MAX as u64 + 1).read_to_end(&mut dump)?;
    if dump.len() > RESTORE_MAX {
        bail!("the dump is larger than {} MiB", RESTORE_MAX >> 20);
    }
    let got = dump.get(..4).map(|m| u32::from_ne_bytes([m[0], m[1], m[2], m[3]]));
    if got != Some(magic) {
        bail!("Magic mismatch ({:x} magic): not {what} dump", got.unwrap_or(0));
    }
    Ok(dump)
}

/// The messages of a dump after its magic, each `(offset, bytes)`; every
/// one must be of `message_type`, and the framing whole.
pub(super) fn messages(dump: &[u8], message_type: u16) -> Result<Vec<(usize, &[u8])>> {
    let body = &dump[4..];
    let mut out = Vec::new();
    for m in Messages::new(body) {
        let at = 4 + m.as_ref().map_or(0, |m| m.bytes().as_ptr() as usize - body.as_ptr() as usize);
        let m = m.with_context(|| format!("the dump is broken at byte {at}"))?;
        if m.message_type() != nlkit::wire::MessageType::from(message_type) {
            let t = u16::from(m.message_type());
            return Err(anyhow!("the dump holds a message of type {t} at byte {at}"));
        }
        out.push((at, m.bytes()));
    }
    Ok(out)
}

/// A saved route's payload as a request: without the flags the kernel
/// sets on what it reports and refuses in a request (`RTNH_F_DEAD`,
/// `RTNH_F_LINKDOWN`: a route saved while its link was down; `ip route
/// restore` fails on these).
fn restorable(bytes: &[u8]) -> Vec<u8> {
    let mut p = payload(bytes);
    if let Some(f) = p.get_mut(8..12) {
        let flags = u32::from_ne_bytes([f[0], f[1], f[2], f[3]]) & !(RTNH_F_DEAD | RTNH_F_LINKDOWN);
        f.copy_from_slice(&flags.to_ne_bytes());
    }
    p
}

/// ip's restore order (`restore_handler`): 0, routes to local addresses
/// (no gateway, no preferred source or one equal to the destination);
/// 1, local networks (no gateway, another preferred source); 2, routes via
/// a gateway.
fn pass(r: &Route<'_>) -> u8 {
    if r.gateway.is_some() {
        2
    } else if r.prefsrc.is_some() && r.prefsrc != r.dst {
        1
    } else {
        0
    }
}
