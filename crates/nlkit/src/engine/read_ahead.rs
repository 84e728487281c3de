//! Read-ahead for dumps: a second thread receives the next datagrams
//! while the caller's thread decodes the last one.
//!
//! The kernel builds each datagram of a dump inside the `recvmsg` that
//! takes the one before, so on one thread the kernel's work and the
//! caller's alternate. With a receiving thread they overlap on two cores:
//! a dump whose decoding costs as much as the kernel's side (a million
//! routes printed as text or JSON) takes the longer of the two, not their
//! sum. [`Conn::set_read_ahead`](super::Conn::set_read_ahead) turns it on;
//! it applies to dumps over a [`Socket`] only.
//!
//! When the caller is the faster side it waits for each datagram. Parking
//! on the queue would cost both threads a futex call and a context switch
//! a datagram (10 of 82 ms of `-br link show` on 20,000 links), so the
//! caller spins for up to [`SPIN`] first (on more than one CPU only).
//!
//! What stays the same: every datagram still goes through [`Core`] in the
//! order received, so routing, validation, unsolicited messages and the
//! deadline behave as without read-ahead. Memory is bounded: at most
//! `depth` datagrams wait between the threads. The receiving thread stops
//! after the datagram that ends the exchange (by the same rules as
//! [`Exchange::message`]), on an error, or when the caller stops early; a
//! caller that stops early finds the rest of the exchange's datagrams
//! counted as stale (as a later exchange would) and anything else kept as
//! unsolicited.

use super::core::Core;
use super::exchange::{Exchange, Step};
use crate::error::{Error, Result};
use crate::socket::{RecvBuf, Socket};
use crate::sys;
use nlkit_wire::Message;
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How often a receiving thread with nothing to read looks whether the
/// caller stopped.
const STOP_CHECK: Duration = Duration::from_millis(20);

/// How long the caller's thread spins on an empty queue before parking.
const SPIN: Duration = Duration::from_micros(200);

/// Runs the receiving side of one exchange whose request was sent: hands
/// datagrams to `core` until it finishes the exchange. `None` if no thread
/// could be started (the caller then receives on its own).
pub(super) fn run<H>(
    socket: &Socket,
    depth: usize,
    core: &mut Core,
    exchange: &mut Exchange,
    on_reply: &mut H,
    handler_error: &mut Option<Error>,
    deadline: Option<Instant>,
) -> Option<Result<()>>
where
    H: FnMut(Message<'_>) -> Result<()>,
{
    let stop = AtomicBool::new(false);
    let (full_tx, full_rx) = mpsc::sync_channel::<Result<RecvBuf>>(depth.max(1));
    let (free_tx, free_rx) = mpsc::channel::<RecvBuf>();
    let probe = *exchange;
    let peer = core.peer;
    std::thread::scope(|s| {
        // Owned here, so that however this closure ends (a panic in the
        // handler included: the scope joins the thread before unwinding
        // on) the receiver is told to stop and its sends fail.
        let full_rx = full_rx;
        let stop = &stop;
        let _stop = StopOnDrop(stop);
        let receiver = std::thread::Builder::new()
            .name("nlkit-read-ahead".into())
            .spawn_scoped(s, move || receive(socket, stop, full_tx, free_rx, probe, peer));
        if receiver.is_err() {
            return None;
        }
        let received = |timeout: Option<Duration>| {
            // The next datagram is the kernel's work of some 80 µs: spin
            // for it before parking (see the module docs).
            let spin_until = Instant::now() + if spins() { SPIN } else { Duration::ZERO };
            for round in 1u32.. {
                match full_rx.try_recv() {
                    Ok(got) => return Ok(got),
                    Err(mpsc::TryRecvError::Disconnected) => {
                        return Err(RecvTimeoutError::Disconnected)
                    }
                    // The clock is read every 64 rounds: it costs more than a look.
                    Err(mpsc::TryRecvError::Empty) => {
                        if round % 64 == 0 && Instant::now() >= spin_until {
                            break;
                        }
                        std::hint::spin_loop()
                    }
                }
            }
            match timeout {
                Some(t) => full_rx.recv_timeout(t),
                None => full_rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            }
        };
        let result = loop {
            let wait = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let buf = match received(wait) {
                Ok(Ok(buf)) => buf,
                Ok(Err(e)) => break Err(e),
                Err(RecvTimeoutError::Timeout) => break Err(Error::Timeout),
                // The receiver ended after a datagram that did not end the
                // exchange after all: go on without it.
                Err(RecvTimeoutError::Disconnected) => {
                    break on_own(socket, core, exchange, on_reply, handler_error, deadline)
                }
            };
            let _ = free_tx.send(std::mem::replace(&mut core.recv, buf));
            match core.on_datagram(exchange, on_reply, handler_error) {
                Ok(Step::Finished) => break Ok(()),
                Ok(Step::More) => {}
                Err(e) => break Err(e),
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                break Err(Error::Timeout);
            }
        };
        stop.store(true, Ordering::Relaxed);
        // What the receiver read past the end: the sender drops when the
        // thread ends, which ends this loop.
        for buf in full_rx.iter().flatten() {
            core.routing.leftover(&buf, exchange.seq);
        }
        Some(result)
    })
}

/// Whether the caller's thread may spin: not on one CPU, where it would
/// only keep the receiving thread from running.
fn spins() -> bool {
    static SPINS: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SPINS.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1))
}

/// Sets the flag when dropped.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The rest of an exchange on the caller's thread, as without read-ahead.
fn on_own<H>(
    socket: &Socket,
    core: &mut Core,
    exchange: &mut Exchange,
    on_reply: &mut H,
    handler_error: &mut Option<Error>,
    deadline: Option<Instant>,
) -> Result<()>
where
    H: FnMut(Message<'_>) -> Result<()>,
{
    loop {
        socket.recv(&mut core.recv)?;
        if core.on_datagram(exchange, on_reply, handler_error)? == Step::Finished {
            return Ok(());
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Error::Timeout);
        }
    }
}

/// The receiving thread: datagrams into `full` until one may end the
/// exchange, an error, or `stop`.
fn receive(
    socket: &Socket,
    stop: &AtomicBool,
    full: mpsc::SyncSender<Result<RecvBuf>>,
    free: mpsc::Receiver<RecvBuf>,
    probe: Exchange,
    peer: u32,
) {
    loop {
        let mut buf = free.try_recv().unwrap_or_default();
        let got = loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            match socket.try_recv(&mut buf) {
                Err(e) if e.is_would_block() => {
                    match sys::poll_readable(&[socket.as_fd()], Some(STOP_CHECK)) {
                        Ok(_) => continue,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => break Err(Error::io("poll", e)),
                    }
                }
                other => break other,
            }
        };
        let end = match &got {
            Ok(_) => may_end(&buf, probe, peer),
            Err(_) => true,
        };
        if full.send(got.map(|_| buf)).is_err() || end {
            return;
        }
    }
}

/// Whether the datagram in `buf` may end the exchange `probe` (the core
/// would finish it or fail on it): a datagram from the peer with one of
/// the exchange's messages that [`Exchange::may_end`] says ends it, or
/// framing that does not read.
fn may_end(buf: &RecvBuf, probe: Exchange, peer: u32) -> bool {
    let from = buf.from();
    if from.groups != 0 || buf.group().is_some() || from.port != peer {
        return false;
    }
    buf.messages().any(|m| m.map_or(true, |m| m.sequence() == probe.seq && probe.may_end(&m)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::socket::SocketAddr;
    use nlkit_wire::{Flags, Header, MessageBuilder, MessageType};

    fn datagram(seq: u32, types: &[(MessageType, Flags)]) -> RecvBuf {
        let mut bytes = Vec::new();
        for &(message_type, flags) in types {
            let h = Header { message_type, flags, sequence: seq, port: 7 };
            let mut b = MessageBuilder::new(&mut bytes, h).unwrap();
            if message_type == MessageType::Done || message_type == MessageType::Error {
                b.append(&[0; 4]).unwrap();
            }
            if message_type == MessageType::Error {
                b.append(&[0; 16]).unwrap();
            }
            b.finish();
        }
        let mut buf = RecvBuf::new();
        buf.set(&bytes, SocketAddr::port(0));
        buf
    }

    /// The receiver stops exactly where the core finishes a dump.
    #[test]
    fn the_receiver_stops_where_the_core_finishes() {
        let dump = Exchange::new(5, 7, Flags::DUMP | Flags::REQUEST);
        let data = (MessageType::Family(16), Flags::MULTI);
        let done = (MessageType::Done, Flags::MULTI);
        assert!(!may_end(&datagram(5, &[data, data]), dump, 0));
        assert!(may_end(&datagram(5, &[data, done]), dump, 0));
        assert!(may_end(&datagram(5, &[(MessageType::Error, Flags::empty())]), dump, 0));
        // Another exchange's DONE, or a multicast's, is not this one's end.
        assert!(!may_end(&datagram(4, &[done]), dump, 0));
        let mut multicast = RecvBuf::new();
        multicast.set(datagram(5, &[done]).bytes(), SocketAddr { port: 0, groups: 1 });
        assert!(!may_end(&multicast, dump, 0));
        // Framing that does not read ends it (the core fails on it).
        let mut broken = RecvBuf::new();
        broken.set(&[9, 0, 0, 0, 1], SocketAddr::port(0));
        assert!(may_end(&broken, dump, 0));
        // Without NLM_F_MULTI, a dump goes on; a plain get ends.
        let get = Exchange::new(5, 7, Flags::REQUEST);
        let single = (MessageType::Family(16), Flags::empty());
        assert!(!may_end(&datagram(5, &[single]), dump, 0));
        assert!(may_end(&datagram(5, &[single]), get, 0));
    }
}
