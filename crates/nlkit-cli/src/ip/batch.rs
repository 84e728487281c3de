//! `nlkit [-n NETNS] -batch FILE [-force]`: commands from a file (`-`:
//! standard input) in `ip -batch`'s format: one command per line without
//! the program name, `#` starts a comment, a `\` at the end of a line
//! continues it, words split at white space with `"..."` or `'...'`
//! quoting; the object word is matched as `ip` matches it (`r` is route,
//! `n` neigh, `a` address, `l` link).
//!
//! Route changes (`route add|del|change|replace|append|prepend|test`) go
//! through [`Conn::batch`] on a second socket, read into requests as the
//! file is read, every ACK matched to its line. Any other line runs as it
//! would alone, after every change before it was acknowledged. A failure
//! prints its error and `Command failed FILE:LINE`, as ip does. Without
//! `-force` the batch stops there and nothing after the failing line is
//! applied: one change is in flight at a time, as in ip. With `-force`
//! every line is tried anyway, so the changes are pipelined, sent many per
//! datagram with up to a window in flight. The status is 1 when any line
//! failed.

use super::{route, Ctx, Global};
use crate::grammar::{self, Preflight};
use crate::report::{self, note};
use crate::words::Args;
use anyhow::{anyhow, bail, Context, Result};
use nlkit::{BatchLimits, Conn, Netns, Protocol};
use std::cell::Cell;
use std::io::BufRead;
use std::ops::ControlFlow;

/// Changes in flight: their ACKs (about 1 KiB each in the kernel's
/// accounting) fit the 8 MiB receive buffer asked for.
const WINDOW: usize = 4096;
/// The receive buffer the pipeline asks for (forced where allowed).
const RCVBUF: usize = 8 << 20;
/// The longest line (after continuations) read.
const LINE_MAX: usize = 1 << 20;

/// Runs the batch in `file`.
pub fn run(g: &Global, file: &str, force: bool) -> Result<()> {
    let input: Box<dyn BufRead> = match file {
        "-" => Box::new(std::io::stdin().lock()),
        path => Box::new(std::io::BufReader::new(
            std::fs::File::open(path).with_context(|| format!("cannot open \"{path}\""))?,
        )),
    };
    let mut lines = Lines { input, name: file.to_string(), number: 0 };
    let mut ctx = Ctx::new(g)?;
    let mut pipe = match &g.netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::ROUTE)?,
        None => Conn::open(Protocol::ROUTE)?,
    };
    // Without -force a failure stops the batch with nothing after it
    // applied, as ip's: one change in flight at a time. With -force every
    // line is tried whatever fails, so changes go ahead in a window, whose
    // ACKs the receive buffer must hold.
    let window = match force {
        true => {
            let socket = pipe.transport();
            if socket.set_recv_buffer_size_force(RCVBUF).is_err() {
                socket.set_recv_buffer_size(RCVBUF)?;
            }
            (socket.recv_buffer_size()? / 1024).clamp(64, WINDOW)
        }
        false => 1,
    };
    let limits = BatchLimits { in_flight: window, ..BatchLimits::default() };

    let failures = Cell::new(0usize);
    let stop = Cell::new(false);
    let fail = |e: &anyhow::Error, line: usize| {
        note!("{}", report::message(e, true));
        note!("Command failed {file}:{line}");
        failures.set(failures.get() + 1);
        if !force {
            stop.set(true);
        }
    };
    // What ended a pipelined run: a line to run alone, or a line that
    // failed before it could be sent (reported after the ACKs before it,
    // so failures print in line order).
    let mut next: Option<(usize, Result<Vec<String>>)> = None;
    while !stop.get() {
        // The route changes up to the next other line, pipelined.
        let changes = std::iter::from_fn(|| {
            let (line, words) = match lines.next() {
                Ok(Some(l)) => l,
                Ok(None) => return None,
                Err(e) => {
                    next = Some((lines.number, Err(e)));
                    return None;
                }
            };
            let Some(op) = route_change(&words) else {
                next = Some((line, Ok(words)));
                return None;
            };
            if let Preflight::Refuse(why) = grammar::tables::ROUTE.preflight(&words[1..]) {
                next = Some((line, Err(anyhow!(why))));
                return None;
            }
            match route::change_request(&mut ctx, Args::new(words[2..].to_vec()), op) {
                Ok(req) => Some((line, req)),
                Err(e) => {
                    next = Some((line, Err(e)));
                    None
                }
            }
        });
        let flow = |line: usize, r: nlkit::Result<()>| {
            if let Err(e) = r {
                fail(&anyhow::Error::from(e), line);
            }
            if stop.get() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        pipe.batch(changes, limits, flow)?;
        let Some((line, what)) = next.take() else { break };
        if stop.get() {
            break;
        }
        match what.and_then(|words| run_line(&mut ctx, &words)) {
            Ok(()) => {}
            Err(e) => fail(&e, line),
        }
        // The line may have made, renamed or removed links.
        ctx.forget_links();
    }
    match failures.get() {
        0 => Ok(()),
        failures => Err(crate::kernel::Reported { failures }.into()),
    }
}

/// The object `word` names, matched as ip matches it
/// ([`grammar::ip_object`]), if a batch runs it.
fn object_of(word: &str) -> Option<&'static str> {
    match grammar::ip_object(word)? {
        "neigh" => Some("neighbour"),
        o @ ("address" | "route" | "rule" | "link") => Some(o),
        _ => None,
    }
}

/// The route change a line is, if it is one.
fn route_change(words: &[String]) -> Option<route::Op> {
    let object = object_of(words.first()?)?;
    (object == "route").then(|| route::change_op(words.get(1)?)).flatten()
}

/// Runs any other line with the batch's connection.
fn run_line(ctx: &mut Ctx, words: &[String]) -> Result<()> {
    let object = words.first().map(String::as_str).unwrap_or_default();
    let name = object_of(object).ok_or_else(|| {
        anyhow!("Object \"{object}\" is unknown in a batch: address, route, rule, neigh or link")
    })?;
    let rest = words[1..].to_vec();
    let table = grammar::object(if name == "neighbour" { "neigh" } else { name });
    match table.map(|t| t.preflight(&rest)) {
        Some(Preflight::Help(usage)) => {
            return Ok(crate::report::print(&usage)?);
        }
        Some(Preflight::Refuse(why)) => bail!(why),
        _ => {}
    }
    let a = Args::new(rest);
    match name {
        "address" => super::addr::run(ctx, a),
        "route" => route::run(ctx, a),
        "rule" => super::rule::run(ctx, a),
        "neighbour" => super::neigh::run(ctx, a),
        _ => super::link::run(ctx, a),
    }
}

/// Reads `data` as a batch file to its end, for the fuzz target
/// `cli_words` (every line an error or words; nothing is run).
pub fn read_all(data: &[u8]) {
    let mut lines = Lines {
        input: Box::new(std::io::Cursor::new(data.to_vec())),
        name: "fuzz".into(),
        number: 0,
    };
    // Each call reads at least one line or ends: at most one per byte.
    for _ in 0..=data.len() {
        match lines.next() {
            Ok(Some((_, words))) => {
                let _ = route_change(&words);
            }
            Ok(None) => return,
            Err(_) => {}
        }
    }
}

/// The commands of a batch file, one per logical line.
struct Lines {
    input: Box<dyn BufRead>,
    name: String,
    /// The number of the last physical line read.
    number: usize,
}

impl Lines {
    /// The next command: the number of its last physical line (as ip
    /// numbers a continued command) and its words; blank and comment-only
    /// lines are passed over.
    fn next(&mut self) -> Result<Option<(usize, Vec<String>)>> {
        loop {
            let mut text = String::new();
            let mut first = 0;
            loop {
                let mut raw = Vec::new();
                let n = std::io::Read::take(&mut self.input, LINE_MAX as u64 + 1)
                    .read_until(b'\n', &mut raw)
                    .with_context(|| format!("cannot read \"{}\"", self.name))?;
                if n == 0 {
                    if text.is_empty() {
                        return Ok(None);
                    }
                    break;
                }
                self.number += 1;
                if first == 0 {
                    first = self.number;
                }
                if raw.len() > LINE_MAX {
                    bail!(
                        "line {} of \"{}\" is longer than {LINE_MAX} bytes",
                        self.number,
                        self.name
                    );
                }
                let line = String::from_utf8(raw).map_err(|_| {
                    anyhow!("line {} of \"{}\" is not UTF-8", self.number, self.name)
                })?;
                let line = line.trim_end_matches(['\n', '\r']);
                let line = line.split('#').next().unwrap_or_default();
                match line.strip_suffix('\\') {
                    Some(head) => text.push_str(head),
                    None => {
                        text.push_str(line);
                        break;
                    }
                }
                text.push(' ');
                if text.len() > LINE_MAX {
                    bail!("line {first} of \"{}\" continues past {LINE_MAX} bytes", self.name);
                }
            }
            let words = split_words(&text).with_context(|| format!("line {}", self.number))?;
            if !words.is_empty() {
                return Ok(Some((self.number, words)));
            }
        }
    }
}

/// Splits at white space, keeping `"..."` and `'...'` together (ip's
/// `makeargs`).
fn split_words(text: &str) -> Result<Vec<String>> {
    let mut words = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        if c == '"' || c == '\'' {
            chars.next();
            loop {
                match chars.next() {
                    Some(q) if q == c => break,
                    Some(x) => word.push(x),
                    None => bail!("unterminated quoted string"),
                }
            }
        } else {
            while let Some(&x) = chars.peek() {
                if x.is_whitespace() {
                    break;
                }
                word.push(x);
                chars.next();
            }
        }
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_objects_and_changes() {
        let w = split_words("route add  10.0.0.0/8 \"a b\" 'c'").unwrap();
        assert_eq!(w, ["route", "add", "10.0.0.0/8", "a b", "c"]);
        assert!(split_words("x \"open").is_err());
        assert_eq!(object_of("r"), Some("route"));
        assert_eq!(object_of("ru"), Some("rule"));
        assert_eq!(object_of("n"), Some("neighbour"));
        assert_eq!(object_of("a"), Some("address"));
        assert_eq!(object_of("x"), None);
        let words = |s: &str| split_words(s).unwrap();
        assert!(route_change(&words("r a 10.0.0.0/8 dev lo")).is_some());
        assert!(route_change(&words("route del 10.0.0.0/8")).is_some());
        assert!(route_change(&words("route show")).is_none());
        assert!(route_change(&words("link add x type dummy")).is_none());
    }

    #[test]
    fn lines_join_continuations_and_drop_comments() {
        let text = "# header\nroute add 10.0.0.0/8 \\\n  dev lo # why\n\n\nlink show\n";
        let mut lines = Lines { input: Box::new(text.as_bytes()), name: "t".into(), number: 0 };
        let (n, w) = lines.next().unwrap().unwrap();
        assert_eq!((n, w.join(" ")), (3, "route add 10.0.0.0/8 dev lo".to_string()));
        let (n, w) = lines.next().unwrap().unwrap();
        assert_eq!((n, w.join(" ")), (6, "link show".to_string()));
        assert!(lines.next().unwrap().is_none());
    }
}
