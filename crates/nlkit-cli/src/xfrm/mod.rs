//! `nlkit xfrm state|policy|monitor`: IPsec SAs and policies through
//! `nlkit::xfrm`, read with `ip xfrm`'s grammar by the table walker
//! (the rows in `grammar::xfrm`, the walks in [`sa_words`],
//! [`policy_words`] and [`MONITOR`], the values in [`words`]) and printed
//! as `ip xfrm` prints them ([`print`]), or with `-j` as JSON ([`json`];
//! ip 6.1 has none for xfrm). Keywords ip has and nlkit does not are
//! refused rows of the tables, refused before anything is sent.

pub mod json;
pub mod policy_words;
pub mod print;
pub mod sa_words;
pub mod state;
pub mod words;

use crate::grammar::walk::Walk;
use crate::names::LinkNames;
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
    /// `-s`: lifetimes, statistics and every field in full, as ip's.
    pub stats: bool,
    /// `-o`: each object on one line, its line ends written as `\`.
    pub oneline: bool,
}

/// `-o`: an object's text on one line, as ip writes it (every line end
/// a `\`, then one newline).
pub fn oneline(text: &str) -> String {
    let mut line = text.replace('\n', "\\");
    line.push('\n');
    line
}

impl Opts<'_> {
    /// What the printers show: `-s`, and `nokeys`.
    fn style(&self, nokeys: bool) -> print::Style {
        print::Style { stats: self.stats, nokeys }
    }

    /// One object's text as printed: on one line with `-o`.
    fn lines(&self, text: &str) -> String {
        match self.oneline {
            true => oneline(text),
            false => text.to_string(),
        }
    }

    fn conn(&self) -> Result<Conn> {
        Ok(match self.netns {
            Some(name) => Conn::open_in(Netns::Name(name), Protocol::XFRM)?,
            None => Conn::open(Protocol::XFRM)?,
        })
    }

    /// The interfaces' names, read from the namespace (one link dump).
    fn links(&self) -> Result<LinkNames> {
        let mut conn = match self.netns {
            Some(name) => Conn::open_in(Netns::Name(name), Protocol::ROUTE)?,
            None => Conn::open(Protocol::ROUTE)?,
        };
        let mut names = LinkNames::default();
        conn.link_dump(&Default::default(), |l| {
            names.record(l);
            Ok(())
        })?;
        Ok(names)
    }

    /// The names a listing of these selectors prints: read only when one
    /// names a device.
    fn names_for(&self, sels: &[nlkit::xfrm::structs::Selector]) -> Result<LinkNames> {
        match sels.iter().any(|s| s.ifindex > 0) {
            true => self.links(),
            false => Ok(LinkNames::default()),
        }
    }

    /// A selector's `dev NAME` as its index (`none`, or no device: 0), as
    /// `xfrm_selector_parse` resolves it.
    fn dev_index(&self, dev: Option<&str>) -> Result<i32> {
        let Some(name) = dev.filter(|n| *n != "none") else { return Ok(0) };
        let index = self.links()?.index(name).and_then(|i| i32::try_from(i).ok());
        index.ok_or_else(|| crate::report::invarg("DEV value is invalid", name))
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

/// What `monitor` reads: the groups named, and when to stop.
#[derive(Debug, Default)]
pub struct MonitorWords {
    pub events: Events,
    pub count: Option<u64>,
}

/// A group row of [`MONITOR`]: sets its group.
macro_rules! group {
    ($name:literal, $field:ident) => {
        ($name, |m: &mut MonitorWords, _: &str| {
            m.events.$field = true;
            Ok(())
        })
    };
}

/// `monitor ...`: the rows of `grammar::xfrm::MONITOR` (`do_xfrm_monitor`'s
/// order and prefixes); any other word is refused with ip's message.
pub static MONITOR: Walk<MonitorWords> = Walk {
    name: "xfrm monitor",
    cmd: &crate::grammar::xfrm::MONITOR,
    apply: &[
        ("all", |_, _| Ok(())),
        group!("acquire", acquire),
        group!("expire", expire),
        group!("SA", sa),
        group!("policy", policy),
        ("count", |m, v| {
            let n = crate::words::number(v);
            m.count = Some(n.ok_or_else(|| crate::report::invarg("invalid count", v))?);
            Ok(())
        }),
    ],
    more: &[],
    other: Some(|_, rest| {
        Err(plain(format!(
            "Argument \"{}\" is unknown, try \"nlkit xfrm monitor help\".",
            rest.word()
        )))
    }),
    stop: &[],
};

/// `monitor [ all | OBJECTS ] [ count N ]`: events as `ip xfrm monitor`
/// prints them (or one JSON object per line); lost events said on stderr.
fn monitor(words: &[String], o: &Opts<'_>) -> Result<()> {
    let none = Events { sa: false, policy: false, expire: false, acquire: false };
    let mut m = MonitorWords { events: none, count: None };
    MONITOR.run(words, &mut m)?;
    let (mut ev, count) = (m.events, m.count);
    if ev == none {
        ev = Events::default();
    }
    let names = o.links()?;
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
                        let mut one = String::new();
                        event_text(&mut one, &event, &names, o.style(false));
                        out.push_str(&o.lines(&one));
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
pub fn event_text(out: &mut String, e: &Event, names: &LinkNames, style: print::Style) {
    match e {
        Event::NewSa(sa) => print::state(out, sa, "", style, names),
        Event::UpdSa(sa) => print::state(out, sa, "Updated ", style, names),
        Event::DelSa(sa) => print::state(out, sa, "Deleted ", style, names),
        Event::ExpireSa(sa, hard) => {
            print::state(out, sa, "Expired ", style, names);
            out.push_str(&format!("\thard {}\n", u8::from(*hard)));
        }
        Event::FlushSa(p) => {
            out.push_str(&format!("Flushed state proto {}\n", print::xfrm_proto(*p)))
        }
        Event::NewPolicy(p) => print::policy(out, p, "", 0, style, names),
        Event::UpdPolicy(p) => print::policy(out, p, "Updated ", 0, style, names),
        Event::DelPolicy(p) => print::policy(out, p, "Deleted ", 0, style, names),
        Event::ExpirePolicy(p, hard) => {
            print::policy(out, p, "Expired ", 0, style, names);
            out.push_str(&format!("\thard {}\n", u8::from(*hard)));
        }
        Event::FlushPolicy(t) => {
            out.push_str("Flushed policy ");
            if let Some(t) = t {
                out.push_str(&format!("ptype {} ", print::ptype_name(*t)));
            }
            out.push('\n');
        }
        Event::Other(t, p) => {
            out.push_str(&format!("Unknown message: {:08} 0x{t:08x} 0x{:08x}\n", p.len() + 16, 0));
        }
    }
}
