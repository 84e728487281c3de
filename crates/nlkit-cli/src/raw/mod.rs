//! `nlkit raw send` and `nlkit raw listen`: netlink on any protocol number,
//! with nothing assumed about the family.

mod render;

use crate::cli::{ListenArgs, SendArgs, SocketArgs};
use anyhow::{bail, Context, Result};
use nlkit::wire::align::nlmsg_align;
use nlkit::wire::{Flags, Header, MessageBuilder, MessageType};
use nlkit::{Error, Kind, Netns, RecvBuf, Socket, SocketAddr};
use render::Renderer;
use std::io::IoSlice;
use std::time::Duration;

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
    if let Some(path) = &p.lines {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        return Ok(text.lines().map(|l| l.as_bytes().to_vec()).collect());
    }
    let bytes = p.hex.as_ref().map(|h| h.0.clone());
    Ok(vec![bytes.or_else(|| p.text.clone().map(String::into_bytes)).unwrap_or_default()])
}

/// `nlkit raw send`.
pub fn send(args: &SendArgs, netns: Option<&str>, json: bool) -> Result<()> {
    let socket = open(&args.socket, netns)?;
    if args.wait {
        // Ask for the kernel's explanation of errors; not every protocol has it.
        let _ = socket.set_ext_ack(true);
    }
    let mut batch = Vec::new();
    let mut ranges = Vec::new();
    for (i, payload) in payloads(args)?.iter().enumerate() {
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
    // Each message with its padding, so the next one starts aligned.
    let padded = |r: &std::ops::Range<usize>| r.start..nlmsg_align(r.end).min(batch.len());
    let datagrams: Vec<Vec<IoSlice<'_>>> = if args.batch {
        vec![ranges.iter().map(|r| IoSlice::new(&batch[padded(r)])).collect()]
    } else {
        ranges.iter().map(|r| vec![IoSlice::new(&batch[r.clone()])]).collect()
    };
    for d in &datagrams {
        match socket.send_vectored(d, to) {
            Err(e) if to.groups != 0 && e.errno() == Some(libc::ECONNREFUSED) => {
                crate::report::note!(
                "note: delivered to the group; no kernel socket listens on port 0 of protocol {}, \
                 so the kernel answered ECONNREFUSED for the unicast half",
                args.socket.proto
            )
            }
            other => {
                other?;
            }
        }
    }
    if args.wait {
        wait_replies(&socket, ranges.len(), args.flags.contains(Flags::ACK), args.timeout, json)?;
    }
    Ok(())
}

/// Prints replies until each request has an ending (ACK/error, DONE, or a
/// single reply when no ACK was asked for), or until the timeout.
fn wait_replies(
    socket: &Socket,
    requests: usize,
    ack: bool,
    timeout: f64,
    json: bool,
) -> Result<()> {
    socket.set_read_timeout(Some(seconds(timeout)?))?;
    let mut out = Renderer::stdout(json);
    let mut buf = RecvBuf::new();
    let mut outstanding = requests;
    let mut failure = None;
    while outstanding > 0 {
        match socket.recv(&mut buf) {
            Ok(_) => {}
            Err(Error::Timeout) => bail!("timed out waiting for {outstanding} reply(s)"),
            Err(e) => return Err(e.into()),
        }
        for msg in out.datagram(&buf)? {
            let ends = match msg.message_type {
                MessageType::Error | MessageType::Done => true,
                _ => !ack && !msg.flags.contains(Flags::MULTI),
            };
            if let Some(err) = msg.error {
                failure.get_or_insert(err);
            }
            outstanding = outstanding.saturating_sub(ends as usize);
        }
    }
    match failure {
        Some(err) => Err(err.into()),
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
    socket.set_read_timeout(args.timeout.map(seconds).transpose()?)?;
    let local = socket.local_addr()?;
    crate::report::note!(
        "listening on protocol {} port {} groups {:?}",
        args.socket.proto,
        local.port,
        args.groups
    );
    let mut out = Renderer::stdout(json);
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

fn seconds(s: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(s).map_err(|_| anyhow::anyhow!("bad timeout {s}"))
}
