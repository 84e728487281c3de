//! `nlkit handshake monitor|accept`: the kernel's TLS handshake upcall
//! through the generic netlink family `handshake`
//! (`nlkit::genl::handshake`). `monitor` prints each `ready` announcement;
//! `accept` is an agent that does no TLS: it takes each announced request,
//! prints it, and reports it done with `--status` (EACCES by default), to
//! drive a kernel consumer's failure path without ktls-utils' tlshd. Text
//! lines, or one JSON object per line with `-j`.

use crate::cli::HandshakeCommand;
use anyhow::{anyhow, bail, Context, Result};
use nlkit::genl::handshake::{self, tables, Pending};
use nlkit::{Conn, Netns, Protocol, RecvBuf, Socket};
use serde_json::json;
use std::io::Write;
use std::time::{Duration, Instant};

/// The errnos a handshake agent reports, by name (from libc).
const ERRNOS: [(&str, i32); 12] = [
    ("EPERM", libc::EPERM),
    ("ENOENT", libc::ENOENT),
    ("EIO", libc::EIO),
    ("EACCES", libc::EACCES),
    ("EINVAL", libc::EINVAL),
    ("EPROTO", libc::EPROTO),
    ("EOPNOTSUPP", libc::EOPNOTSUPP),
    ("ECONNREFUSED", libc::ECONNREFUSED),
    ("ETIMEDOUT", libc::ETIMEDOUT),
    ("ENOKEY", libc::ENOKEY),
    ("EKEYEXPIRED", libc::EKEYEXPIRED),
    ("EKEYREJECTED", libc::EKEYREJECTED),
];

fn status(text: &str) -> Result<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return Ok(n);
    }
    let names: Vec<&str> = ERRNOS.iter().map(|(n, _)| *n).collect();
    ERRNOS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(text))
        .map(|&(_, e)| e as u32)
        .ok_or_else(|| anyhow!("--status {text}: a number or one of {}", names.join(", ")))
}

/// An enum value by the spec's name, else its number.
fn name(names: &[(u32, &str)], v: u32) -> String {
    names.iter().find(|(n, _)| *n == v).map_or_else(|| v.to_string(), |(_, s)| s.to_string())
}

pub fn run(cmd: &HandshakeCommand, netns: Option<&str>, json: bool) -> Result<()> {
    let (args, agent) = match cmd {
        HandshakeCommand::Monitor(a) => (a, false),
        HandshakeCommand::Accept(a) => (a, true),
    };
    let class = tables::handler_class::NAMES
        .iter()
        .find(|(_, n)| *n == args.class)
        .map(|&(v, _)| v)
        .filter(|&v| v != tables::handler_class::NONE && v != tables::handler_class::MAX)
        .ok_or_else(|| anyhow!("--class {}: the kernel's classes are tlshd", args.class))?;
    let status = status(&args.status)?;
    let mut conn = match netns {
        Some(n) => Conn::open_in(Netns::Name(n), Protocol::GENERIC)?,
        None => Conn::open(Protocol::GENERIC)?,
    };
    let family = conn.resolve_family(handshake::FAMILY).map_err(|e| match e {
        nlkit::Error::FamilyNotFound { .. } => {
            anyhow!("this kernel has no handshake upcall (no family handshake: Linux 6.4+ with a consumer built in)")
        }
        e => e.into(),
    })?;
    let group = family
        .group(&args.class)
        .ok_or_else(|| anyhow!("the kernel's handshake family has no group {}", args.class))?;
    let socket = match netns {
        Some(n) => Socket::open_in(Netns::Name(n), Protocol::GENERIC)?,
        None => Socket::open(Protocol::GENERIC)?,
    };
    socket.add_membership(group)?;
    let until =
        (args.timeout > 0.0).then(|| Instant::now() + Duration::from_secs_f64(args.timeout));
    let mut buf = RecvBuf::new();
    let mut seen = 0u64;
    let mut out = std::io::stdout().lock();
    while args.count.is_none_or(|c| seen < c) {
        let wait = match until {
            Some(t) => match t.checked_duration_since(Instant::now()) {
                Some(d) if !d.is_zero() => Some(d.max(Duration::from_millis(1))),
                _ => break,
            },
            None => None,
        };
        socket.set_read_timeout(wait)?;
        match socket.recv(&mut buf) {
            Ok(_) => {}
            Err(nlkit::Error::Timeout) => break,
            Err(e) => return Err(e.into()),
        }
        // Only the kernel announces requests.
        if buf.from().port != 0 {
            continue;
        }
        for m in buf.messages() {
            let m = m?;
            if m.payload().first() != Some(&tables::HANDSHAKE_CMD_READY) {
                continue;
            }
            seen += 1;
            if !agent {
                let line = match json {
                    true => json!({"event": "ready", "class": args.class}).to_string(),
                    false => format!("ready: a {} handshake request is queued", args.class),
                };
                writeln!(out, "{line}")?;
                out.flush()?;
                continue;
            }
            let pending = match conn.run(handshake::accept(&family, class)) {
                Ok(p) => p,
                // Another agent took it.
                Err(e) if handshake::nothing_queued(&e) => continue,
                Err(e) => return Err(e).context("handshake accept"),
            };
            conn.run(handshake::done(&family, &pending, status, &[])).context("handshake done")?;
            writeln!(out, "{}", describe(&pending, status, json))?;
            out.flush()?;
        }
    }
    if agent && seen == 0 && args.count.is_some() {
        bail!("no handshake request came");
    }
    Ok(())
}

/// One accepted request and the status it was given.
fn describe(p: &Pending, status: u32, json: bool) -> String {
    let message = name(tables::msg_type::NAMES, p.message_type);
    let auth = name(tables::auth::NAMES, p.auth_mode);
    if json {
        let certs: Vec<_> =
            p.certificates.iter().map(|(c, k)| json!({"cert": c, "privkey": k})).collect();
        return json!({
            "event": "accepted", "sockfd": p.sockfd, "message-type": message,
            "auth-mode": auth, "timeout": p.timeout_ms, "peer-identity": p.peer_identities,
            "certificate": certs, "peername": p.peername, "status": status,
        })
        .to_string();
    }
    let mut line =
        format!("accepted: fd {} {message} {auth} timeout {} ms", p.sockfd, p.timeout_ms);
    for k in &p.peer_identities {
        line.push_str(&format!(" peer-identity {k}"));
    }
    if let Some(n) = &p.peername {
        line.push_str(&format!(" peername {n}"));
    }
    let said = match status {
        0 => "0 (success)".to_string(),
        e => format!("{e} ({})", nlkit::strerror(e as i32)),
    };
    format!("{line}; done, status {said}")
}
