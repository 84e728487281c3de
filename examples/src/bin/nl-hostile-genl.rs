//! nl-hostile-genl: drives the `nlkit_hostile` generic netlink family
//! (kernel/c/nlkit_hostile.c, a module that answers badly on purpose)
//! through one `nlkit::Conn`: every broken reply must end in a clear error
//! within the deadline plus two seconds, and an ECHO on the same
//! connection must work right after. Prints one table row per case
//! (case, time, what nlkit said); exits 1 if any case broke a bound.

use nlkit::genl::Family;
use nlkit::wire::{Attrs, Flags};
use nlkit::{Conn, Error, Protocol};
use std::process::ExitCode;
use std::time::{Duration, Instant};

const BREAK: u8 = 1;
const ENDLESS: u8 = 2;
const ECHO: u8 = 3;
const A_CASE: u16 = 1;
const A_MSG: u16 = 2;

/// The module's cases, in its order; `None` is the endless dump.
const CASES: [(&str, Option<u32>); 13] = [
    ("length below the header", Some(0)),
    ("length past the datagram", Some(1)),
    ("attribute length below 4", Some(2)),
    ("attribute past its parent", Some(3)),
    ("misaligned attributes (a 5-byte one, no padding)", Some(4)),
    ("nesting 16,000 deep", Some(5)),
    ("a 1 MiB reply", Some(6)),
    ("an ACK with the wrong sequence", Some(7)),
    ("an ACK for another port", Some(8)),
    ("an ACK for a request never sent", Some(9)),
    ("a DONE that does not parse (2 bytes)", Some(10)),
    ("an ERROR that does not parse (6 bytes)", Some(11)),
    ("a dump without end (no DONE)", None),
];

/// Walks nests with a depth bound, as a careful reader does.
fn walk(p: &[u8], depth: usize) -> nlkit::Result<usize> {
    let mut n = 0;
    for a in Attrs::new(p) {
        let a = a?;
        n += 1;
        if a.raw_type() & 0x8000 != 0 {
            if depth >= 32 {
                return Err(Error::Malformed { what: "reply", why: "nests deeper than 32 levels" });
            }
            n += walk(a.payload(), depth + 1)?;
        }
    }
    Ok(n)
}

fn echo(conn: &mut Conn, family: &Family) -> nlkit::Result<()> {
    let mut said = false;
    conn.request(
        family.id,
        Flags::ACK,
        |b| {
            b.append(&[ECHO, 1, 0, 0])?;
            b.attr_str(A_MSG, "still here")
        },
        |m| {
            said = Attrs::new(m.payload().get(4..).unwrap_or_default())
                .any(|a| a.is_ok_and(|a| a.payload() == b"still here\0"));
            Ok(())
        },
    )?;
    match said {
        true => Ok(()),
        false => Err(Error::Malformed { what: "ECHO reply", why: "not the message sent" }),
    }
}

fn main() -> ExitCode {
    let deadline = Duration::from_secs(1);
    let run = || -> nlkit::Result<bool> {
        let mut conn = Conn::open(Protocol::GENERIC)?;
        let family = conn.resolve_family("nlkit_hostile")?;
        conn.set_timeout(Some(deadline))?;
        let mut bounded = true;
        println!("| case | time | result | ECHO after |\n| --- | ---: | --- | --- |");
        for (name, case) in CASES {
            let t0 = Instant::now();
            let mut attrs = 0usize;
            let handler = |m: nlkit::wire::Message<'_>| -> nlkit::Result<()> {
                attrs += walk(m.payload().get(4..).unwrap_or_default(), 0)?;
                Ok(())
            };
            let result = match case {
                Some(c) => conn.request(
                    family.id,
                    Flags::ACK,
                    |b| {
                        b.append(&[BREAK, 1, 0, 0])?;
                        b.attr_u32(A_CASE, c)
                    },
                    handler,
                ),
                None => conn.dump(family.id, |b| b.append(&[ENDLESS, 1, 0, 0]), handler),
            };
            let took = t0.elapsed();
            let said = match &result {
                Ok(()) => format!("read: {attrs} attributes"),
                Err(e) => e.to_string(),
            };
            let after = echo(&mut conn, &family);
            // Only the 1 MiB reply is well formed: into the default
            // receive buffer it fits alone, and the kernel drops its ACK
            // (ENOBUFS, said as an overrun); into a larger one it reads.
            let well_formed = case == Some(6) && matches!(result, Ok(()) | Err(Error::Overrun));
            let ok = took < deadline + Duration::from_secs(2)
                && (result.is_err() || well_formed)
                && after.is_ok();
            bounded &= ok;
            let after = after.map_or_else(|e| format!("failed: {e}"), |()| "works".into());
            let mark = if ok { "" } else { " **BROKEN**" };
            println!("| {name} | {} ms | {said} | {after}{mark} |", took.as_millis());
        }
        // The 1 MiB reply into a 4 MiB receive buffer: read whole.
        conn.transport().set_recv_buffer_size_force(4 << 20)?;
        let t0 = Instant::now();
        let mut attrs = 0usize;
        let big = conn.request(
            family.id,
            Flags::ACK,
            |b| {
                b.append(&[BREAK, 1, 0, 0])?;
                b.attr_u32(A_CASE, 6)
            },
            |m| {
                attrs += walk(m.payload().get(4..).unwrap_or_default(), 0)?;
                Ok(())
            },
        );
        let whole = big.is_ok() && attrs == 262_139;
        bounded &= whole;
        println!(
            "| a 1 MiB reply, 4 MiB receive buffer | {} ms | {} |  |",
            t0.elapsed().as_millis(),
            big.map_or_else(|e| e.to_string(), |()| format!("read: {attrs} attributes"))
        );
        // A second dump while the endless one runs: refused, said clearly.
        let t0 = Instant::now();
        let again = conn.dump(family.id, |b| b.append(&[ENDLESS, 1, 0, 0]), |_| Ok(()));
        let clear = matches!(again, Err(Error::DumpStillRunning));
        println!(
            "| another dump on the same socket | {} ms | {} | {} |",
            t0.elapsed().as_millis(),
            again.map_or_else(|e| e.to_string(), |()| "ended".into()),
            echo(&mut conn, &family).map_or_else(|e| format!("failed: {e}"), |()| "works".into())
        );
        Ok(bounded && clear)
    };
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("nl-hostile-genl: a case broke a bound (see the table)");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("nl-hostile-genl: {e}");
            ExitCode::FAILURE
        }
    }
}
