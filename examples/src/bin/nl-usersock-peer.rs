//! nl-usersock-peer: a user-space stand-in for the demo protocol's kernel
//! module, serving `NETLINK_USERSOCK` (or any protocol) at a fixed port id,
//! so the demo programs can be run and tested before the module exists.
//!
//! For each message received it answers as the module will: ECHO is sent
//! back (same type, sequence number and payload); REGISTER makes it send
//! `--notify` NOTIFY messages to the sender, from a thread, one every
//! `--interval-ms`; BROADCAST is appended to a buffer and multicast to group
//! 1; other types are refused with `EOPNOTSUPP`. Answers go to the sender's
//! real port id, as the kernel reports it, never to the port id its header
//! claims. It logs one line per message on stderr, starting with a line
//! containing "ready" once bound.

use clap::Parser;
use nlkit::wire::{Message, MessageType};
use nlkit::{Protocol, RecvBuf, Socket, SocketAddr};
use nlkit_examples::cli::{exit_status, log, open_socket, parse_protocol, timeout};
use nlkit_examples::msg::{answer, message};
use nlkit_examples::{
    type_name, Result, BROADCAST, DEMO_GROUP, DEMO_GROUP_MASK, ECHO, NOTIFY, REGISTER,
};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

const PROGRAM: &str = env!("CARGO_BIN_NAME");

/// The BROADCAST buffer keeps at most this many bytes, the newest.
const BUFFER_MAX: usize = 64 * 1024;

/// Stand in for the demo protocol's kernel module, in user space.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Netlink protocol to serve: a number 0..=31 or a name.
    #[arg(long, value_name = "N", default_value = "2", value_parser = parse_protocol)]
    proto: Protocol,
    /// Port id to bind to (clients send to it with --peer).
    #[arg(long, value_name = "P", default_value_t = 100)]
    port: u32,
    /// Serve in this network namespace (as `ip netns` names it).
    #[arg(long, value_name = "NAME")]
    netns: Option<String>,
    /// Stop after this many seconds without a message; 0 serves forever.
    #[arg(long, value_name = "SECS", default_value_t = 0)]
    timeout: u64,
    /// Notifications to send to each port that registers.
    #[arg(long, value_name = "N", default_value_t = 3)]
    notify: u32,
    /// Milliseconds between two notifications.
    #[arg(long, value_name = "MS", default_value_t = 100)]
    interval_ms: u64,
    /// Stop after handling this many messages.
    #[arg(long, value_name = "K")]
    count: Option<u64>,
}

/// The module's state: its socket, the registered ports, the BROADCAST
/// buffer and the threads sending notifications.
struct Peer {
    sock: Arc<Socket>,
    notify: u32,
    interval: Duration,
    registered: Vec<u32>,
    buffer: Vec<u8>,
    notifiers: Vec<JoinHandle<()>>,
}

fn main() -> ExitCode {
    exit_status(PROGRAM, run(&Args::parse()))
}

fn run(args: &Args) -> Result<()> {
    let addr = SocketAddr::port(args.port);
    let sock = open_socket(args.netns.as_deref(), args.proto, addr)?;
    sock.set_read_timeout(timeout(args.timeout))?;
    log(PROGRAM, format_args!("ready on protocol {} port {}", args.proto, sock.port()));
    let mut peer = Peer {
        sock: Arc::new(sock),
        notify: args.notify,
        interval: Duration::from_millis(args.interval_ms),
        registered: Vec::new(),
        buffer: Vec::new(),
        notifiers: Vec::new(),
    };
    let served = peer.serve(args.count.unwrap_or(u64::MAX));
    for notifier in peer.notifiers.drain(..) {
        let _ = notifier.join();
    }
    served
}

impl Peer {
    /// Receives and handles messages until `count` are handled, or until
    /// the receive timeout expires.
    fn serve(&mut self, count: u64) -> Result<()> {
        let mut buf = RecvBuf::new();
        let mut handled = 0;
        while handled < count {
            match self.sock.recv(&mut buf) {
                Ok(_) => handled += self.handle_datagram(&buf, count - handled),
                Err(nlkit::Error::Timeout) => {
                    log(PROGRAM, "no message within the timeout, stopping");
                    return Ok(());
                }
                Err(nlkit::Error::Overrun) => {
                    log(PROGRAM, "receive queue overran, messages were lost")
                }
                Err(e) => return Err(e.into()),
            }
            self.notifiers.retain(|n| !n.is_finished());
        }
        Ok(())
    }

    /// Handles up to `limit` messages of one datagram; returns how many.
    fn handle_datagram(&mut self, buf: &RecvBuf, limit: u64) -> u64 {
        let from = buf.from().port;
        let mut n = 0;
        for msg in buf.messages().take(limit.try_into().unwrap_or(usize::MAX)) {
            match msg {
                Ok(msg) => self.handle(&msg, from),
                Err(e) => log(PROGRAM, format_args!("port {from}: malformed message: {e}")),
            }
            n += 1;
        }
        n
    }

    /// Handles one message from the socket at port `from` and logs it.
    fn handle(&mut self, msg: &Message<'_>, from: u32) {
        let done = match msg.message_type() {
            MessageType::Family(ECHO) => self.echo(msg, from),
            MessageType::Family(REGISTER) => self.register(from),
            MessageType::Family(BROADCAST) => self.broadcast(msg),
            MessageType::Family(_) => self.refuse(msg, from),
            other => Ok(format!("ignored control message {other}")),
        };
        let ty = u16::from(msg.message_type());
        let name = type_name(ty).unwrap_or("unknown");
        let seq = msg.sequence();
        match done {
            Ok(what) => {
                log(PROGRAM, format_args!("port {from} seq {seq} {name} ({ty:#x}): {what}"))
            }
            Err(e) => {
                log(PROGRAM, format_args!("port {from} seq {seq} {name} ({ty:#x}): error: {e}"))
            }
        }
    }

    /// ECHO: the same type, sequence number and payload, back to the sender.
    fn echo(&self, msg: &Message<'_>, from: u32) -> Result<String> {
        let bytes = message(answer(ECHO, msg.sequence(), from), msg.payload())?;
        self.sock.send_to(&bytes, SocketAddr::port(from))?;
        let mut what = format!("echoed {} bytes", msg.payload().len());
        if msg.port() != from {
            what += &format!(" (header claimed port {}; answered the real sender)", msg.port());
        }
        Ok(what)
    }

    /// REGISTER: remembers the port and starts its notifications.
    fn register(&mut self, from: u32) -> Result<String> {
        if !self.registered.contains(&from) {
            self.registered.push(from);
        }
        let sock = Arc::clone(&self.sock);
        let (count, interval) = (self.notify, self.interval);
        let notifier = std::thread::spawn(move || notify(&sock, from, count, interval));
        self.notifiers.push(notifier);
        Ok(format!(
            "registered, {} port(s) now; sending {count} notifications",
            self.registered.len()
        ))
    }

    /// BROADCAST: appends the payload to the buffer and multicasts it.
    fn broadcast(&mut self, msg: &Message<'_>) -> Result<String> {
        self.buffer.extend_from_slice(msg.payload());
        let over = self.buffer.len().saturating_sub(BUFFER_MAX);
        self.buffer.drain(..over);
        let bytes = message(answer(BROADCAST, msg.sequence(), 0), msg.payload())?;
        // On USERSOCK the kernel refuses the port-0 half after delivering.
        let _refused = self.sock.send_to_group(&bytes, DEMO_GROUP_MASK)?;
        Ok(format!(
            "multicast {} bytes to group {DEMO_GROUP}, buffer now {} bytes",
            msg.payload().len(),
            self.buffer.len()
        ))
    }

    /// Any other type: an `NLMSG_ERROR` with `EOPNOTSUPP`.
    fn refuse(&self, msg: &Message<'_>, from: u32) -> Result<String> {
        // The reply names the sender's real port id, not the one its header claims.
        let mut bytes = Vec::new();
        let text = Some("unknown message type");
        nlkit::wire::emit_error(&mut bytes, msg, libc::EOPNOTSUPP, text, None, from)?;
        self.sock.send_to(&bytes, SocketAddr::port(from))?;
        Ok("refused with EOPNOTSUPP".to_owned())
    }
}

/// Sends `count` NOTIFY messages ("notification 1", ...) to port `to`, one
/// every `interval`; stops at the first that cannot be sent.
fn notify(sock: &Socket, to: u32, count: u32, interval: Duration) {
    for seq in 1..=count {
        std::thread::sleep(interval);
        let line = format!("notification {seq}");
        let sent = message(answer(NOTIFY, seq, to), line.as_bytes())
            .and_then(|bytes| Ok(sock.send_to(&bytes, SocketAddr::port(to))?));
        match sent {
            Ok(_) => log(PROGRAM, format_args!("port {to} seq {seq} notify: sent {line:?}")),
            Err(e) => {
                log(PROGRAM, format_args!("port {to} seq {seq} notify: error: {e}"));
                return;
            }
        }
    }
}
