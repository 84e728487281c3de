//! `nlkit raw send` and `nlkit raw listen`: netlink on any protocol number,
//! with nothing assumed about the family.

mod render;

use crate::cli::{ListenArgs, SendArgs, SocketArgs};
use anyhow::{bail, Context, Result};
use nlkit::wire::{Flags, Header, MessageBuilder, MessageType};
use nlkit::{Error, KernelError, Kind, Netns, RecvBuf, Socket, SocketAddr};
use render::{Ending, Renderer};
use std::io::IoSlice;
use std::time::Instant;

fn open(args: &SocketArgs, netns: Option<&str>) -> Result<Socket> {
    let mut socket = match netns {
        Some(name) => Socket::new_in(Netns::Name(name), args.proto, Kind::Raw)?,
        None => Socket::new(args.proto)?,
    };
    socket.bind(SocketAddr::port(args.port))?;
    Ok(socket)
}

fn payloads(args: &SendArgs) -> Result<Vec<Vec<u8>>> {
    let p = &args.payload;
    let mut payloads = if let Some(path) = &p.lines {
        let bytes = crate::input::read(path)?;
        let lines = crate::input::lines(&bytes, args.shape.keep_newline);
        lines.into_iter().map(<[u8]>::to_vec).collect()
    } else {
        let bytes = p.hex.as_ref().map(|h| h.0.clone());
        vec![bytes.or_else(|| p.text.clone().map(String::into_bytes)).unwrap_or_default()]
    };
    for payload in &mut payloads {
        if args.shape.nul {
            payload.push(0);
        }
        if let Some(n) = args.shape.pad_to {
            if n as u64 > crate::input::MAX_INPUT {
                bail!(
                    "--pad-to {n} is more than {} MiB, more than a netlink socket sends",
                    crate::input::MAX_INPUT >> 20
                );
            }
            if payload.len() > n {
                bail!("a payload of {} bytes is longer than --pad-to {n}", payload.len());
            }
            payload.resize(n, 0);
        }
    }
    Ok(payloads)
}

/// `nlkit raw send`.
pub fn send(args: &SendArgs, netns: Option<&str>, json: bool) -> Result<()> {
    let socket = open(&args.socket, netns)?;
    let wait = Wait::of(args);
    if wait.is_some() {
        // Ask for the kernel's explanation of errors; not every protocol has it.
        let _ = socket.set_ext_ack(true);
    }
    let mut batch = Vec::new();
    let mut ranges = Vec::new();
    let payloads = payloads(args)?;
    for (i, payload) in payloads.iter().enumerate() {
        if args.bare {
            let start = batch.len();
            batch.extend_from_slice(payload);
            ranges.push(start..batch.len());
            continue;
        }
        let header = Header {
            message_type: MessageType::from(args.message_type),
            flags: args.flags,
            sequence: args.seq.wrapping_add(i as u32),
            port: args.header_port.unwrap_or(socket.port()),
        };
        let mut b = MessageBuilder::new(&mut batch, header)?;
        b.append(payload)?;
        ranges.push(b.finish());
    }
    let to = SocketAddr { port: args.to_port, groups: args.groups.unwrap_or(0) };
    // A batch is the buffer as built: every message with its padding, in
    // one piece (an iovec per message would stop at UIO_MAXIOV, 1024).
    let datagrams: Vec<Vec<IoSlice<'_>>> = if args.batch {
        vec![vec![IoSlice::new(&batch)]]
    } else {
        ranges.iter().map(|r| vec![IoSlice::new(&batch[r.clone()])]).collect()
    };
    for d in &datagrams {
        match socket.send_vectored(d, to) {
            Err(e) if args.batch && e.errno() == Some(libc::EMSGSIZE) => bail!(
                "the batch of {} messages is {} bytes, more than one datagram of this socket \
                 may carry (its send buffer): send fewer lines at a time, or without --batch",
                ranges.len(),
                batch.len()
            ),
            Err(e) if to.groups != 0 && e.errno() == Some(libc::ECONNREFUSED) => {
                let nobody = match to.port {
                    0 => format!(
                        "no kernel socket listens on port 0 of protocol {}",
                        args.socket.proto
                    ),
                    port => format!("no socket has port id {port}"),
                };
                crate::report::note!(
                    "note: delivered to the group; {nobody}, so the kernel answered \
                     ECONNREFUSED for the unicast half"
                )
            }
            other => {
                other?;
            }
        }
    }
    match wait {
        Some(wait) => {
            let sent = Sent { first_seq: args.seq, count: ranges.len() as u32, to };
            wait_replies(&socket, wait, &sent, args.flags.contains(Flags::ACK), args.timeout, json)
        }
        None => Ok(()),
    }
}

/// What ends waiting for replies (see `nlkit raw send --help`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wait {
    /// Every request's ending: ERROR/DONE, or its first single reply.
    Endings,
    /// This many replies from the destination.
    Count(u64),
    /// Only the deadline.
    Deadline,
}

impl Wait {
    fn of(args: &SendArgs) -> Option<Wait> {
        match (args.count, args.until_timeout, args.wait) {
            (Some(n), _, _) => Some(Wait::Count(n)),
            (None, true, _) => Some(Wait::Deadline),
            (None, false, true) => Some(Wait::Endings),
            (None, false, false) => None,
        }
    }
}

/// The requests sent: sequence numbers `first_seq..first_seq + count`.
struct Sent {
    first_seq: u32,
    count: u32,
    to: SocketAddr,
}

impl Sent {
    /// Which request (0-based) a reply with `seq` answers.
    fn request_of(&self, seq: u32) -> Option<u32> {
        let i = seq.wrapping_sub(self.first_seq);
        (i < self.count).then_some(i)
    }

    /// Whether a message from `port` may be a reply: from the destination,
    /// or from anyone when the requests went to groups.
    fn is_destination(&self, port: u32) -> bool {
        self.to.groups != 0 || port == self.to.port
    }
}

/// Prints replies until `wait` is satisfied or the deadline passes.
fn wait_replies(
    socket: &Socket,
    wait: Wait,
    sent: &Sent,
    ack: bool,
    timeout: f64,
    json: bool,
) -> Result<()> {
    let deadline = crate::words::values::duration(timeout).map(|t| Instant::now() + t);
    let mut out = Renderer::stdout(json, socket.protocol().0);
    let mut buf = RecvBuf::new();
    let mut ended = vec![false; sent.count as usize];
    let (mut replies, mut failure) = (0u64, None);
    let done = |ended: &[bool], replies: u64| match wait {
        Wait::Endings => ended.iter().all(|&e| e),
        Wait::Count(n) => replies >= n,
        Wait::Deadline => false,
    };
    while !done(&ended, replies) {
        let left = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        if left.is_some_and(|l| l.is_zero()) {
            return timed_out(wait, &ended, replies, timeout, failure);
        }
        socket.set_read_timeout(left)?;
        match socket.recv(&mut buf) {
            Ok(_) => {}
            Err(Error::Timeout) => return timed_out(wait, &ended, replies, timeout, failure),
            Err(e) => return Err(e.into()),
        }
        for msg in out.datagram(&buf)? {
            if !sent.is_destination(msg.from_port) {
                crate::report::note!(
                    "note: a message from port {} is not from the destination (port {}): not counted",
                    msg.from_port,
                    sent.to.port
                );
                continue;
            }
            let request = sent.request_of(msg.sequence);
            if request.is_none() {
                crate::report::note!(
                    "note: a reply with sequence {} answers none of the {} request(s) sent \
                     (sequence {}..={}){}",
                    msg.sequence,
                    sent.count,
                    sent.first_seq,
                    sent.first_seq.wrapping_add(sent.count - 1),
                    if wait == Wait::Endings {
                        ": not counted (--count N takes any reply)"
                    } else {
                        ""
                    }
                );
            }
            replies += 1;
            let ends = match &msg.ending {
                Some(Ending::Malformed(m)) => {
                    bail!(
                        "the reply that ends the exchange is malformed: {m} (its bytes are above)"
                    )
                }
                Some(Ending::Refused(k)) => {
                    failure.get_or_insert_with(|| k.clone());
                    true
                }
                Some(Ending::Ack | Ending::Done) => true,
                None => !ack && !msg.flags.contains(Flags::MULTI),
            };
            if let (Some(i), true) = (request, ends) {
                ended[i as usize] = true;
            }
        }
    }
    finish(failure)
}

/// The deadline passed: fine for `--until-timeout`, else say what is missing.
fn timed_out(
    wait: Wait,
    ended: &[bool],
    replies: u64,
    timeout: f64,
    failure: Option<KernelError>,
) -> Result<()> {
    match wait {
        Wait::Deadline => finish(failure),
        Wait::Count(n) => bail!("timed out after {timeout} s with {replies} of {n} replies"),
        Wait::Endings => {
            let open = ended.iter().filter(|&&e| !e).count();
            bail!(
                "timed out after {timeout} s: {open} of {} request(s) had no ending \
                 (an ACK, error, DONE or single reply with its sequence number)",
                ended.len()
            )
        }
    }
}

fn finish(failure: Option<KernelError>) -> Result<()> {
    match failure {
        Some(k) => Err(Error::Kernel(k).into()),
        None => Ok(()),
    }
}

/// `nlkit raw listen`.
pub fn listen(args: &ListenArgs, netns: Option<&str>, json: bool) -> Result<()> {
    let socket = open(&args.socket, netns)?;
    for &group in &args.groups {
        socket.add_membership(group).with_context(|| format!("joining group {group}"))?;
    }
    socket.set_pktinfo(true)?;
    socket.set_passcred(true)?;
    socket.set_read_timeout(args.timeout.and_then(crate::words::values::duration))?;
    if let Some(bytes) = args.rcvbuf {
        // FORCE passes the system limit (root); otherwise the limited one.
        socket.set_recv_buffer_size_force(bytes).or_else(|_| socket.set_recv_buffer_size(bytes))?;
    }
    let local = socket.local_addr()?;
    crate::report::note!(
        "listening on protocol {} port {} groups {:?}",
        args.socket.proto,
        local.port,
        args.groups
    );
    let mut out = Renderer::stdout(json, socket.protocol().0);
    let mut buf = RecvBuf::new();
    let mut seen = 0u64;
    while args.count.is_none_or(|c| seen < c) {
        match socket.recv(&mut buf) {
            Ok(_) => seen += out.datagram(&buf)?.len() as u64,
            Err(Error::Timeout) => break,
            Err(Error::Overrun) => out.overrun()?,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
