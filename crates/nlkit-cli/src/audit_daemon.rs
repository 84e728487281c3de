//! `nlkit audit monitor --daemon`: reads the audit records as the audit
//! daemon does (`nlkit::audit::daemon`): registered by pid, every record
//! sent to it by unicast and held in the kernel's backlog while it is
//! slow. It takes the machine's stream, so it refuses when another daemon
//! is registered (the kernel's `EEXIST`, said with that daemon's pid) and
//! under `-n`; it unregisters when it stops: after `--count` events,
//! `--timeout`, a signal (INT, TERM, HUP), or an error (a closed pipe
//! too). Records the kernel counted as lost while it was the daemon
//! (`lost` in the status, the machine's count) are said when it stops.

use crate::audit::{print_events, say, QUIET};
use crate::cli::AuditMonitorArgs;
use anyhow::{bail, Result};
use nlkit::audit::daemon::{self, AuditDaemon, Delivery};
use nlkit::audit::events::Events;
use nlkit::sub::{Item, Subscription};
use nlkit::{Conn, Protocol};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const REGISTER: u32 = 1;
/// How long the kernel has to answer a registration.
const ANSWER: Duration = Duration::from_secs(2);

/// The registration, ended (from a connection of its own: the kernel
/// checks the pid, not the socket) by [`Registered::end`] or, on the way
/// out after an error, when dropped.
struct Registered {
    conn: Option<Conn>,
}

impl Registered {
    fn end(mut self) -> Result<()> {
        match self.conn.take() {
            Some(mut conn) => Ok(conn.run(daemon::unregister())?),
            None => Ok(()),
        }
    }
}

impl Drop for Registered {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            let _ = conn.run(daemon::unregister());
        }
    }
}

pub fn monitor(a: &AuditMonitorArgs, netns: Option<&str>, json: bool) -> Result<()> {
    if netns.is_some() {
        bail!(
            "audit monitor --daemon: the audit daemon is the whole machine's, not a network \
             namespace's: -n cannot confine it"
        );
    }
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        signal_hook::flag::register(signal, Arc::clone(&stop))?;
    }
    let mut conn = Conn::open(Protocol::AUDIT)?;
    let before = conn.run(nlkit::audit::status())?;
    let mut sub = Subscription::open(AuditDaemon)?;
    let _ = sub.socket().raise_recv_buffer(crate::report::monitor_rcvbuf());
    // Armed before the request is sent: an answer lost in a full queue
    // (kernels before the 2024 fix) still ends in an unregistration.
    let mut registration = Registered { conn: Some(Conn::open(Protocol::AUDIT)?) };
    daemon::register(sub.socket(), REGISTER)?;
    let mut stdout = std::io::stdout().lock();
    let (mut events, mut seen) = (Events::default(), 0u64);
    let mut registered = false;
    let asked = Instant::now();
    let deadline = crate::words::values::duration(a.timeout).map(|t| Instant::now() + t);
    let done = |seen: u64| a.count.is_some_and(|c| seen >= c);
    while !done(seen) && !stop.load(Ordering::Relaxed) {
        if !registered && asked.elapsed() > ANSWER {
            bail!("audit: the kernel did not answer the registration within {ANSWER:?}");
        }
        let quiet = Instant::now() + QUIET;
        let until = deadline.map_or(quiet, |d| d.min(quiet));
        let mut complete = Vec::new();
        // A signal sets `stop` and the wait goes on until `until`: it is
        // seen within QUIET.
        match sub.recv_until(Some(until))? {
            Some(batch) => {
                for item in batch {
                    match item {
                        Item::Event { event: Delivery::Record(r), .. } => {
                            complete.extend(events.push(r))
                        }
                        Item::Event { event: Delivery::Answer { sequence, errno }, .. } => {
                            if sequence != REGISTER || registered {
                                continue;
                            }
                            if errno != 0 {
                                registration.conn = None; // refused: nothing to end
                            }
                            match errno {
                                0 => {}
                                libc::EEXIST => bail!(
                                    "audit: another audit daemon (pid {}) is registered: nlkit \
                                     will not take its stream (audit monitor without --daemon \
                                     reads the multicast copy)",
                                    before.pid
                                ),
                                e => bail!(
                                    "audit: registering as the daemon: {}",
                                    nlkit::strerror(e)
                                ),
                            }
                            registered = true;
                            crate::report::note!(
                                "registered as the audit daemon (pid {})",
                                std::process::id()
                            );
                        }
                        Item::Event { event: Delivery::Replace { pid }, .. } => {
                            crate::report::note!(
                                "audit: process {pid} asked to replace this daemon (refused: it is alive)"
                            )
                        }
                        other => say(other),
                    }
                }
            }
            None => complete.extend(events.flush()),
        }
        print_events(&mut stdout, complete, &mut seen, a, json)?;
        if deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
    }
    if !registered {
        bail!("audit: stopped before the kernel answered the registration");
    }
    registration.end()?;
    // What the kernel sent before the end and nobody will print.
    let mut left = 0;
    while let Some(batch) = sub.try_recv()? {
        left +=
            batch.filter(|i| matches!(i, Item::Event { event: Delivery::Record(_), .. })).count();
    }
    let after = conn.run(nlkit::audit::status())?;
    let lost = after.lost.wrapping_sub(before.lost);
    crate::report::note!(
        "unregistered as the audit daemon; {left} records queued when it stopped were not \
         printed; the kernel counted {lost} records lost meanwhile"
    );
    Ok(())
}
