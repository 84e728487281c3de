//! The selector `ip neigh show` and `ip neigh flush` share (iproute2 6.1's
//! `do_show_or_flush`): `dev`, `master`, `unused`, `nud STATE...`, `proxy`,
//! `protocol P`, and any other word as `[to] PREFIX`; and `flush`, which
//! deletes what it selects in rounds (at most 10) as ip does.

use super::neigh::{shown, Show, STATE_NONE};
use super::route_args::{invarg, Prefix};
use super::Ctx;
use crate::grammar::tables::NEIGH_SHOW;
use crate::grammar::walk::Walk;
use crate::words::Args;
use anyhow::{anyhow, bail, Result};
use nlkit::engine::{Ack, Stream};
use nlkit::rtnl::names;
use nlkit::rtnl::neigh::{NeighFilter, Neighbour};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::{AF_INET, AF_INET6, AF_UNSPEC};
use nlkit::wire::Flags;
use nlkit::BatchLimits;
use std::io::Write;
use std::net::IpAddr;
use std::ops::ControlFlow;

/// The most rounds `flush` makes (ip's `MAX_ROUNDS`).
const MAX_ROUNDS: usize = 10;

/// What a selector chose.
pub(super) struct Selection {
    pub kernel: NeighFilter,
    pub show: Show,
    pub family: u8,
    prefix: Prefix,
    protocol: Option<u8>,
    unused: bool,
}

impl Selection {
    /// Whether `n` is selected (`print_neigh`'s filters).
    pub fn selects(&self, n: &Neighbour<'_>) -> bool {
        (self.family == AF_UNSPEC || n.family() == self.family)
            && shown(n, self.show.states)
            && prefix_matches(&self.prefix, n.dst)
            && self.protocol.is_none_or(|p| n.protocol.unwrap_or(0) == p)
            && (!self.unused || n.cacheinfo.is_none_or(|c| c.refcnt == 0))
    }
}

/// `inet_addr_match_rta`: no prefix (or length 0) matches all; else the
/// address must share the prefix's first bits.
fn prefix_matches(p: &Prefix, addr: Option<IpAddr>) -> bool {
    if p.family == AF_UNSPEC || p.len <= 0 {
        return true;
    }
    let bytes: Vec<u8> = match addr {
        Some(IpAddr::V4(a)) if p.family == AF_INET => a.octets().to_vec(),
        Some(IpAddr::V6(a)) if p.family == AF_INET6 => a.octets().to_vec(),
        _ => return false,
    };
    let bits = p.len as usize;
    let (whole, rest) = (bits / 8, bits % 8);
    bytes[..whole] == p.bytes[..whole]
        && (rest == 0 || (bytes[whole] ^ p.bytes[whole]) >> (8 - rest) == 0)
}

/// A selector's words, before the devices are resolved.
pub struct SelectWords {
    sel: Selection,
    flush: bool,
    states_given: bool,
    dev: Option<String>,
    master: Option<String>,
}

/// `neigh show|flush`: the rows of `grammar::tables::NEIGH_SHOW`
/// (`do_show_or_flush`'s order and match rules); any other word is the
/// prefix.
pub static WALK: Walk<SelectWords> = Walk {
    name: "neigh show",
    cmd: &NEIGH_SHOW,
    apply: &[
        ("dev", |w, v| {
            if w.dev.replace(v.to_string()).is_some() {
                bail!("duplicate \"dev\": \"{v}\" is the second value.");
            }
            Ok(())
        }),
        ("master", |w, v| {
            w.master = Some(v.to_string());
            Ok(())
        }),
        ("unused", |w, _| {
            w.sel.unused = true;
            Ok(())
        }),
        ("nud", |w, v| {
            if !w.states_given {
                w.states_given = true;
                w.sel.show.states = 0;
            }
            let state = match names::parse_neigh_state(v) {
                Some(0) => STATE_NONE,
                Some(st) => st as u32,
                None if v == "all" && w.flush => !(NUD_NOARP as u32),
                None if v == "all" => !0,
                None => return Err(invarg("nud state is bad", v)),
            };
            w.sel.show.states |= state;
            Ok(())
        }),
        ("proxy", |w, _| {
            w.sel.kernel.proxy = true;
            Ok(())
        }),
        ("protocol", |w, v| {
            w.sel.protocol = match names::parse_route_protocol(v) {
                Some(p) => Some(p),
                None if v == "all" => None,
                None => return Err(invarg("invalid \"protocol\"", v)),
            };
            Ok(())
        }),
        ("to", SelectWords::to),
    ],
    more: &[],
    other: Some(|w, rest| w.to(rest.word())),
    stop: &[],
};

impl SelectWords {
    /// A new selector; `flush` changes the default states (every one but
    /// PERMANENT and NOARP) and what `nud all` means (all but NOARP).
    pub fn new(family: u8, flush: bool, stats: bool) -> SelectWords {
        let default = if flush {
            !(NUD_PERMANENT as u32 | NUD_NOARP as u32)
        } else {
            0xFF & !(NUD_NOARP as u32)
        };
        SelectWords {
            sel: Selection {
                kernel: NeighFilter::default(),
                show: Show { states: default, dev_given: false, stats, brief: false, color: None },
                family,
                prefix: Prefix::NONE,
                protocol: None,
                unused: false,
            },
            flush,
            states_given: false,
            dev: None,
            master: None,
        }
    }

    /// `[to] PREFIX` (get_prefix's message for what is no prefix).
    fn to(&mut self, v: &str) -> Result<()> {
        self.sel.prefix = Prefix::parse(v, self.sel.family)?;
        if self.sel.family == AF_UNSPEC {
            self.sel.family = self.sel.prefix.family;
        }
        Ok(())
    }
}

/// Reads a selector (the walk), then resolves its devices.
pub(super) fn select(ctx: &mut Ctx, mut a: Args, flush: bool) -> Result<Selection> {
    let mut w = SelectWords::new(ctx.family, flush, ctx.stats > 0);
    let words: Vec<String> = a.by_ref().collect();
    WALK.run(&words, &mut w)?;
    let mut s = w.sel;
    s.show.color = ctx.color;
    if let Some(m) = &w.master {
        let index = ctx.ifnames()?.index(m);
        s.kernel.master = Some(index.ok_or_else(|| invarg("Device does not exist", m))?);
    }
    if let Some(name) = &w.dev {
        s.kernel.ifindex = Some(ctx.ifindex(name)?);
        s.show.dev_given = true;
    }
    Ok(s)
}

/// `ip neigh flush SELECTOR`: deletes the selected entries, in rounds
/// until none is left (FAILED entries only in the first); `-s` says the
/// rounds as ip does.
pub(super) fn flush(ctx: &mut Ctx, a: Args) -> Result<()> {
    if a.at_end() {
        return Err(crate::report::plain("Flush requires arguments."));
    }
    let mut sel = select(ctx, a, true)?;
    let verbose = ctx.stats > 0;
    for round in 0..MAX_ROUNDS {
        let mut found: Vec<Vec<u8>> = Vec::new();
        let (family, kernel) = (sel.family, &sel.kernel);
        let selection = &sel;
        ctx.conn.run(Stream {
            message_type: RTM_GETNEIGH,
            flags: Flags::DUMP,
            body: |b: &mut nlkit::wire::MessageBuilder<'_, Vec<u8>>| kernel.emit(family, b),
            each: |m: nlkit::wire::Message<'_>| {
                if selection.selects(&Neighbour::parse(&m)?) {
                    found.push(m.payload().to_vec());
                }
                Ok(())
            },
        })?;
        if found.is_empty() {
            if verbose {
                let mut out = std::io::stdout().lock();
                if round == 0 {
                    writeln!(out, "Nothing to flush.")?;
                } else {
                    let s = if round > 1 { "s" } else { "" };
                    writeln!(out, "*** Flush is complete after {round} round{s} ***")?;
                }
            }
            return Ok(());
        }
        let count = found.len();
        let mut failed = None;
        let requests = found.into_iter().map(|payload| {
            let body = move |b: &mut nlkit::wire::MessageBuilder<'_, Vec<u8>>| b.append(&payload);
            ((), Ack { message_type: RTM_DELNEIGH, flags: Flags::empty(), body })
        });
        ctx.conn.batch(requests, BatchLimits::default(), |(), r| {
            match r {
                // Gone meanwhile: flushed all the same.
                Err(e) if e.errno() == Some(libc::ENOENT) => {}
                Err(e) => failed = failed.take().or(Some(e)),
                Ok(()) => {}
            }
            ControlFlow::Continue(())
        })?;
        if let Some(e) = failed {
            return Err(anyhow::Error::from(e).context("Flush terminated"));
        }
        if verbose {
            let mut out = std::io::stdout().lock();
            writeln!(out, "\n*** Round {}, deleting {count} entries ***", round + 1)?;
        }
        sel.show.states &= !(NUD_FAILED as u32);
    }
    crate::report::say!("*** Flush not complete bailing out after {MAX_ROUNDS} rounds")?;
    Err(anyhow!("neighbour flush did not complete"))
}
