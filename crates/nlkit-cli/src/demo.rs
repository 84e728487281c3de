//! `nlkit demo`: the demo kernel module (`kernel/c` or `kernel/rust`) through
//! [`nlkit::demo`]: its own protocol (31 by default), multicast listening
//! on it, its generic netlink family `nlkit_demo`, its trigger file and (in
//! `dev`) its device.

mod dev;

use crate::cli::{DemoArgs, DemoCommand};
use anyhow::{bail, Result};
use nlkit::demo::{big_byte, DemoClient, GenlDemo, BIG_LEN};
use nlkit::RecvBuf;
use serde_json::json;
use std::io::Write;
use std::path::Path;
use std::time::Duration;

fn timeout(args: &DemoArgs) -> Option<Duration> {
    crate::words::values::duration(args.timeout)
}

fn client(args: &DemoArgs) -> Result<DemoClient> {
    let mut c = DemoClient::open(args.proto)?;
    // The exchange deadline and the socket's receive timeout (0: none).
    c.conn().set_timeout(timeout(args))?;
    Ok(c)
}

fn genl(args: &DemoArgs) -> Result<GenlDemo> {
    let mut g = GenlDemo::open().map_err(|e| match e {
        nlkit::Error::FamilyNotFound { name } => anyhow::anyhow!(
            "generic netlink family {name:?} is not registered: the nlkit_demo module \
             provides it (kernel/c or kernel/rust, see the README): insmod nlkit_demo.ko"
        ),
        e => e.into(),
    })?;
    g.conn().set_timeout(timeout(args))?;
    Ok(g)
}

/// `nlkit demo ...`.
pub fn run(args: &DemoArgs, json: bool, pretty: bool) -> Result<()> {
    match &args.command {
        DemoCommand::Echo { text, ack } => {
            let mut c = client(args)?;
            let reply =
                if *ack { c.echo_acked(text.as_bytes())? } else { c.echo(text.as_bytes())? };
            crate::report::say!("{}", String::from_utf8_lossy(&reply))?;
        }
        DemoCommand::SendLines { file, batch } => send_lines(args, file, *batch)?,
        DemoCommand::Register { count } => {
            let mut c = client(args)?;
            c.register()?;
            // On stderr, unbuffered: a script waits for it to trigger.
            crate::report::note!(
                "registered as port {}, waiting for {count} notifications",
                c.conn().transport().port()
            );
            for (seq, text) in c.notifications(*count)? {
                crate::report::say!("seq {seq}: {}", String::from_utf8_lossy(&text))?;
            }
        }
        DemoCommand::Broadcast { text, count } => {
            let mut c = client(args)?;
            for _ in 0..*count {
                c.broadcast(text.as_bytes())?;
            }
            crate::report::say!("{count} broadcast{} sent", if *count == 1 { "" } else { "s" })?;
        }
        DemoCommand::Dump => {
            let mut c = DemoClient::open_counted(args.proto)?;
            c.conn().transport().inner().set_read_timeout(timeout(args))?;
            c.conn().set_timeout(timeout(args))?;
            let entries = c.dump()?;
            for e in &entries {
                crate::report::say!("{}", String::from_utf8_lossy(e))?;
            }
            let datagrams = c.conn().transport().received();
            crate::report::say!(
                "{} entries in {datagrams} datagrams (the last one with NLMSG_DONE)",
                entries.len()
            )?;
        }
        DemoCommand::Big => {
            let payload = client(args)?.big()?;
            let bad = payload.iter().enumerate().position(|(i, b)| *b != big_byte(i));
            if let Some(i) = bad {
                bail!("BIG reply of {} bytes differs from the pattern at byte {i}", payload.len());
            }
            crate::report::say!(
                "{} bytes, pattern ok (a..z repeated{})",
                payload.len(),
                if payload.len() == BIG_LEN { "" } else { "; expected 10000 bytes" }
            )?;
        }
        DemoCommand::Trigger { text } => {
            nlkit::demo::dev::trigger(text.as_bytes())?;
            crate::report::say!("notification sent to the registered port")?;
        }
        DemoCommand::Listen { groups, count } => listen(args, groups, *count, json)?,
        DemoCommand::Dev(d) => dev::run(d, json, pretty)?,
        DemoCommand::GenlEcho { text, repeat: 1, .. } => {
            crate::report::say!("{}", genl(args)?.echo(text)?)?
        }
        DemoCommand::GenlEcho { text, repeat, interval } => {
            genl_echo_repeat(args, text, *repeat, *interval)?
        }
        DemoCommand::GenlGroup => crate::report::say!("{}", genl(args)?.events_group()?)?,
        DemoCommand::GenlBad => {
            genl(args)?.echo_wrong_type()?;
            bail!("the kernel accepted a u32 as MSG");
        }
    }
    Ok(())
}

/// `nlkit demo genl-echo TEXT --repeat N`: one connection and one family
/// cache for all the echoes, so an `rmmod`/`insmod` in between is followed
/// (the family comes back with a new id). Errors are printed and counted;
/// any is an error at the end.
fn genl_echo_repeat(args: &DemoArgs, text: &str, repeat: u64, interval: f64) -> Result<()> {
    let mut conn = nlkit::Conn::open(nlkit::Protocol::GENERIC)?;
    conn.set_timeout(timeout(args))?;
    let mut cache = nlkit::genl::FamilyCache::open()?;
    let mut failed = 0;
    for i in 0..repeat {
        if i > 0 {
            std::thread::sleep(std::time::Duration::from_secs_f64(interval));
        }
        let answer = cache
            .get(&mut conn, nlkit::demo::GENL_FAMILY)
            .cloned()
            .and_then(|f| Ok((f.id, conn.run(nlkit::demo::genl_echo(&f, text))?)));
        match answer {
            Ok((id, msg)) => crate::report::say!("{msg} (family id 0x{id:x})")?,
            Err(e) => {
                failed += 1;
                crate::report::say!("error: {e}")?;
            }
        }
    }
    if failed > 0 {
        bail!("{failed} of {repeat} echoes failed");
    }
    Ok(())
}

/// `nlkit demo send-lines FILE|- [--batch]`.
fn send_lines(args: &DemoArgs, file: &Path, batch: bool) -> Result<()> {
    let bytes = crate::input::read(file)?;
    let lines = crate::input::lines(&bytes, false);
    let mut out = std::io::stdout().lock();
    let echoed = client(args)?.echo_lines(&lines, batch, |seq, payload| {
        writeln!(out, "seq {seq}: {}", String::from_utf8_lossy(payload))
            .map_err(|e| nlkit::Error::Io { op: "write", source: e })
    })?;
    writeln!(out, "{} lines sent, {echoed} echoed", lines.len())?;
    Ok(())
}

/// `nlkit demo listen [--group G...] [--count K]`: with `--count`, fewer
/// than K messages before the timeout is an error; without, the timeout
/// ends listening quietly (0: listen forever).
fn listen(args: &DemoArgs, groups: &[u32], count: Option<u64>, json: bool) -> Result<()> {
    let socket = nlkit::demo::listen(args.proto, groups)?;
    socket.set_read_timeout(timeout(args))?;
    crate::report::note!(
        "listening on protocol {} groups {groups:?} as port {}",
        args.proto,
        socket.port()
    );
    let mut buf = RecvBuf::new();
    let mut seen = 0u64;
    while count.is_none_or(|k| seen < k) {
        match socket.recv(&mut buf) {
            Ok(_) => seen += print_multicast(&buf, count.map(|k| k - seen), json)?,
            Err(nlkit::Error::Timeout) => match count {
                None => return Ok(()),
                Some(k) => {
                    bail!("received {seen} of {k} messages, then nothing for {} s", args.timeout)
                }
            },
            Err(nlkit::Error::Overrun) => {
                crate::report::note!("receive queue overran, messages were lost")
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Prints the messages of one datagram (at most `limit`); returns how many.
fn print_multicast(buf: &RecvBuf, limit: Option<u64>, json: bool) -> Result<u64> {
    let mut out = std::io::stdout().lock();
    let from = buf.from().port;
    let group = buf.group();
    let mut n = 0;
    for m in buf.messages() {
        if limit.is_some_and(|l| n >= l) {
            break;
        }
        let m = m?;
        let ty = u16::from(m.message_type());
        let text = String::from_utf8_lossy(m.payload());
        if json {
            let v = json!({
                "group": group, "from_port": from, "seq": m.sequence(), "type": ty,
                "type_name": nlkit::demo::type_name(ty), "text": text,
            });
            writeln!(out, "{v}")?;
        } else {
            let name =
                nlkit::demo::type_name(ty).map_or_else(|| format!("{ty:#x}"), str::to_string);
            let g = group.map_or_else(|| "?".to_string(), |g| g.to_string());
            writeln!(out, "group {g} from port {from} seq {} {name}: {text}", m.sequence())?;
        }
        n += 1;
    }
    Ok(n)
}
