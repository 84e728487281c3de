//! `nlkit xfrm state|policy|monitor`: IPsec SAs and policies through
//! `nlkit::xfrm`, read with `ip xfrm`'s grammar ([`words`]) and printed as
//! `ip xfrm` prints them ([`print`]), or with `-j` as JSON ([`json`]; ip
//! 6.1 has none for xfrm). Keywords ip has and nlkit does not are refused
//! by the grammar tables (`grammar::xfrm`) before anything is sent.

pub mod json;
pub mod print;
pub mod state;
pub mod words;

use crate::report::plain;
use anyhow::Result;
use nlkit::sub::{Item, Subscription};
use nlkit::xfrm::{Event, Events};
use nlkit::{Conn, Netns, Protocol};
use std::io::Write as _;

/// The global options a command needs.
pub struct Opts<'a> {
    pub netns: Option<&'a str>,
    pub json: bool,
    pub pretty: bool,
}

impl Opts<'_> {
    fn conn(&self) -> Result<Conn> {
        Ok(match self.netns {
            Some(name) => Conn::open_in(Netns::Name(name), Protocol::XFRM)?,
            None => Conn::open(Protocol::XFRM)?,
        })
    }
}

/// `ip`'s `matches`: `w` is a non-empty prefix of `name`.
fn matches(w: &str, name: &str) -> bool {
    !w.is_empty() && name.starts_with(w)
}

/// `nlkit xfrm OBJECT ...`.
pub fn run(words: &[String], o: &Opts<'_>) -> Result<()> {
    let Some((first, rest)) = words.split_first() else {
        return Err(plain("Usage: nlkit xfrm XFRM-OBJECT { COMMAND | help }\nwhere  XFRM-OBJECT := state | policy | monitor"));
    };
    let object = |name: &str| crate::grammar::xfrm::object(name);
    let preflight = |name: &str| -> Option<Result<()>> {
        match object(name)?.preflight(rest) {
            crate::grammar::Preflight::Run => None,
            crate::grammar::Preflight::Help(u) => {
                Some(crate::report::say!("{}", u.trim_end()).map_err(Into::into))
            }
            crate::grammar::Preflight::Refuse(why) => Some(Err(anyhow::anyhow!(why))),
        }
    };
    let f = first.as_str();
    if matches(f, "state") || matches(f, "sa") {
        return preflight("state").unwrap_or_else(|| state::state(rest, o));
    }
    if matches(f, "policy") {
        return preflight("policy").unwrap_or_else(|| state::policy(rest, o));
    }
    if matches(f, "monitor") {
        return preflight("monitor").unwrap_or_else(|| monitor(rest, o));
    }
    Err(plain(format!("xfrm Object \"{f}\" is unknown, try \"nlkit xfrm help\".")))
}

/// `monitor [ all | OBJECTS ] [ count N ]`: events as `ip xfrm monitor`
/// prints them (or one JSON object per line); lost events said on stderr.
fn monitor(words: &[String], o: &Opts<'_>) -> Result<()> {
    let mut ev = Events { sa: false, policy: false, expire: false, acquire: false };
    let mut count: Option<u64> = None;
    let mut c = words::Cursor::new(words);
    while let Some(w) = c.next() {
        match w {
            "all" => {}
            "count" => {
                let v = c.value()?;
                count = Some(
                    crate::words::number(v)
                        .ok_or_else(|| crate::report::invarg("invalid count", v))?,
                );
            }
            _ if matches(w, "acquire") => ev.acquire = true,
            _ if matches(w, "expire") => ev.expire = true,
            _ if matches(w, "SA") => ev.sa = true,
            _ if matches(w, "policy") => ev.policy = true,
            _ => {
                return Err(plain(format!(
                    "Argument \"{w}\" is unknown, try \"nlkit xfrm monitor help\"."
                )))
            }
        }
    }
    if !(ev.sa || ev.policy || ev.expire || ev.acquire) {
        ev = Events::default();
    }
    let mut sub = match o.netns {
        Some(name) => Subscription::open_in(Netns::Name(name), ev)?,
        None => Subscription::open(ev)?,
    };
    crate::report::note!("monitoring xfrm events");
    let mut seen = 0u64;
    let mut stdout = std::io::stdout().lock();
    loop {
        let mut out = String::new();
        for item in sub.recv()? {
            match item {
                Item::Event { event, .. } => {
                    seen += 1;
                    if o.json {
                        out.push_str(&json::event(&event).to_string());
                        out.push('\n');
                    } else {
                        event_text(&mut out, &event);
                    }
                }
                Item::Overrun => crate::report::note!("xfrm: events lost (ENOBUFS)"),
                Item::Refused { .. } => {}
                Item::Malformed(e) => crate::report::note!("xfrm: {e}"),
            }
            if count.is_some_and(|c| seen >= c) {
                break;
            }
        }
        stdout.write_all(out.as_bytes())?;
        stdout.flush()?;
        if count.is_some_and(|c| seen >= c) {
            return Ok(());
        }
    }
}

/// One event as `xfrm_accept_msg` prints it.
pub fn event_text(out: &mut String, e: &Event) {
    match e {
        Event::NewSa(sa) => print::state(out, sa, "", false),
        Event::UpdSa(sa) => print::state(out, sa, "Updated ", false),
        Event::DelSa(sa) => print::state(out, sa, "Deleted ", false),
        Event::ExpireSa(sa, hard) => {
            print::state(out, sa, "Expired ", false);
            out.push_str(&format!("\thard {}\n", u8::from(*hard)));
        }
        Event::FlushSa(p) => {
            out.push_str(&format!("Flushed state proto {}\n", print::xfrm_proto(*p)))
        }
        Event::NewPolicy(p) => print::policy(out, p, "", 0),
        Event::UpdPolicy(p) => print::policy(out, p, "Updated ", 0),
        Event::DelPolicy(p) => print::policy(out, p, "Deleted ", 0),
        Event::ExpirePolicy(p, hard) => {
            print::policy(out, p, "Expired ", 0);
            out.push_str(&format!("\thard {}\n", u8::from(*hard)));
        }
        Event::FlushPolicy => out.push_str("Flushed policy \n"),
        Event::Other(t, p) => {
            out.push_str(&format!("Unknown message: {:08} 0x{t:08x} 0x{:08x}\n", p.len() + 16, 0));
        }
    }
}
