//! The iproute2-style commands: `nlkit [-j] [-p] [-n NETNS] [-4|-6] OBJECT
//! COMMAND ...`. This module holds what they share: the connection (in a
//! namespace if asked) and the family. What any command may use lives
//! beside it: the output and printers in [`crate::out`], the word readers
//! and value parsers in [`crate::words`], the interface-name cache in
//! [`crate::names`], errors in [`crate::report`].

mod addr;
pub mod addr_filter;
pub mod addr_modify;
mod addr_print;
mod addr_save;
mod addr_words;
pub mod batch;
#[cfg(test)]
mod fixture_tests;
mod in_order;
pub mod link;
pub mod link_add;
mod link_kinds;
mod link_print;
mod link_stats;
mod link_vxlan;
pub mod monitor;
pub mod monitor_channels;
mod monitor_file;
mod monitor_resync;
pub mod neigh;
pub mod neigh_select;
mod netconf_print;
mod route;
mod route_args;
mod route_bulk;
mod route_print;
mod route_words;
pub mod rule;
pub mod rule_select;

use crate::grammar::walk::Walk;
pub use crate::names::LinkNames;
use crate::out::Output;
use crate::words as args;
pub use crate::words::Args;
use anyhow::Result;
use nlkit::rtnl::link::{Link, LinkFilter};
use nlkit::rtnl::uapi::RTM_GETLINK;
use nlkit::rtnl::{AF_INET, AF_INET6, AF_UNSPEC};
use nlkit::wire::{MessageBuffer, MessageBuilder};
use nlkit::{Conn, Netns, Protocol, Socket, Transport};

/// Datagrams a second thread receives ahead of the printer (up to 32 KiB
/// each): listings print about as fast as the kernel dumps, and receiving
/// on that thread overlaps the two.
const READ_AHEAD: usize = 8;

/// How many times a listing is dumped while the kernel says its table
/// changed during the dump (`NLM_F_DUMP_INTR`).
pub const DUMP_ATTEMPTS: usize = 5;

/// Options every object command takes.
#[derive(Debug, Clone, Default)]
pub struct Global {
    pub json: bool,
    pub pretty: bool,
    pub netns: Option<String>,
    pub ipv4: bool,
    pub ipv6: bool,
    pub details: bool,
    /// `-s`, counted: statistics, and more of them when given twice.
    pub stats: u8,
    /// `-br`: one line per link (`link` and `address`).
    pub brief: bool,
    /// `-o`: each object on one line, its line breaks written as `\`.
    pub oneline: bool,
    /// `-c`: text colors, as resolved from `-c[=always|auto|never]`.
    pub color: Option<crate::out::printer::Palette>,
}

/// The rtnetlink connection the objects run on: a socket, or (in tests)
/// a fake transport replaying captured replies.
pub type RtConn = Conn<Box<dyn Transport>>;

/// What a command runs with.
pub struct Ctx {
    pub conn: RtConn,
    pub out: Output,
    pub family: u8,
    pub details: bool,
    pub stats: u8,
    pub brief: bool,
    pub oneline: bool,
    pub color: Option<crate::out::printer::Palette>,
    links: Option<LinkNames>,
}

impl Ctx {
    /// Forgets the interface names read so far (after a command that may
    /// have made, renamed or removed links).
    pub fn forget_links(&mut self) {
        self.links = None;
    }

    /// Runs a listing so that it never prints a torn table: what it
    /// prints is held until it ends, and when a dump comes back marked
    /// interrupted (`NLM_F_DUMP_INTR`: the table changed while the kernel
    /// was sending it) the listing is run again from the start, what it
    /// printed discarded, up to [`DUMP_ATTEMPTS`] times. If every attempt
    /// is interrupted it fails saying so, printing nothing. A listing too
    /// large to hold (over 8 MiB of output) is printed as it comes, and
    /// then an interrupted dump is an error saying that what was printed
    /// may be inconsistent (`ip` says so too, and exits 0).
    pub fn consistent(&mut self, mut list: impl FnMut(&mut Ctx) -> Result<()>) -> Result<()> {
        let mut attempt = 1;
        loop {
            self.out.hold();
            let listed = list(self);
            let interrupted = listed.as_ref().is_err_and(|e| {
                e.chain().any(|c| {
                    matches!(
                        c.downcast_ref::<nlkit::Error>(),
                        Some(nlkit::Error::DumpInterrupted { .. })
                    )
                })
            });
            if !interrupted {
                let released = self.out.release();
                return listed.and(released);
            }
            if !self.out.discard() {
                self.out.release()?;
                anyhow::bail!(
                    "Dump was interrupted and may be inconsistent: the kernel's table changed \
                     while it was read (NLM_F_DUMP_INTR), after more was printed than is held \
                     for a retry"
                );
            }
            if attempt == DUMP_ATTEMPTS {
                self.out.release()?;
                anyhow::bail!(
                    "Dump was interrupted and may be inconsistent: the kernel's table changed \
                     during each of {DUMP_ATTEMPTS} dumps (NLM_F_DUMP_INTR); nothing printed"
                );
            }
            attempt += 1;
            self.forget_links();
        }
    }

    pub fn new(g: &Global) -> Result<Self> {
        let socket = match &g.netns {
            Some(name) => Socket::open_in(Netns::Name(name), Protocol::ROUTE)?,
            None => Socket::open(Protocol::ROUTE)?,
        };
        socket.enable_request_defaults()?;
        socket.set_read_timeout(Some(nlkit::engine::DEFAULT_TIMEOUT))?;
        Self::with(g, Box::new(socket), Output::new(g.json, g.pretty))
    }

    /// A context over any transport, printing into `out`.
    pub fn with(g: &Global, transport: Box<dyn Transport>, out: Output) -> Result<Self> {
        let mut conn = Conn::new(transport);
        conn.set_read_ahead(READ_AHEAD);
        let family = match (g.ipv4, g.ipv6) {
            (true, false) => AF_INET,
            (false, true) => AF_INET6,
            _ => AF_UNSPEC,
        };
        let (details, stats, brief, oneline) = (g.details, g.stats, g.brief, g.oneline);
        let color = g.color.filter(|_| !g.json);
        Ok(Ctx { conn, out, family, details, stats, brief, oneline, color, links: None })
    }

    /// What [`LinkNames`] knows of every interface, read with one link
    /// dump on first use.
    pub fn ifnames(&mut self) -> Result<&LinkNames> {
        if self.links.is_none() {
            let mut names = LinkNames::default();
            let filter = self.link_filter();
            self.conn.link_dump(&filter, |l| {
                names.record(l);
                Ok(())
            })?;
            self.links = Some(names);
        }
        Ok(self.links.get_or_insert_with(LinkNames::default))
    }

    /// The filter of a dump of every link: no `IFLA_EXT_MASK`, not even
    /// `RTEXT_FILTER_SKIP_STATS` when no counter is printed. A dump request
    /// with a mask makes the kernel size every link before the first reply
    /// (`rtnl_calcit` walks all devices in the `sendmsg`), which costs more
    /// than the IPv6 counters the mask leaves out: on 20,001 links the
    /// `sendmsg` took 11 ms instead of 0.04 and `-br link show` 70.7 ms
    /// instead of 59.8 (bench/brief.sh's namespace, interleaved medians).
    pub fn link_filter(&self) -> LinkFilter<'static> {
        LinkFilter::default()
    }

    /// Keeps `names` as the interface names (read by a listing's own dump).
    pub fn set_links(&mut self, names: LinkNames) {
        self.links = Some(names);
    }

    /// Dumps every link once, fills the name table from it if it was not
    /// yet, and hands back the messages (for commands that list links, so
    /// the names cost no second dump).
    pub fn links_raw(&mut self) -> Result<Held> {
        let filter = self.link_filter();
        let raw = Held::dump(&mut self.conn, RTM_GETLINK, |b| filter.emit(b))?;
        if self.links.is_none() {
            let mut names = LinkNames::default();
            for l in links(&raw) {
                names.record(&l?);
            }
            self.links = Some(names);
        }
        Ok(raw)
    }

    /// The connection, the output and the interface names, together (the
    /// names read first if they were not yet).
    pub fn parts(&mut self) -> Result<(&mut RtConn, &mut Output, &LinkNames)> {
        self.ifnames()?;
        let links = self.links.get_or_insert_with(LinkNames::default);
        Ok((&mut self.conn, &mut self.out, links))
    }

    /// The index of the interface called `name`.
    pub fn ifindex(&mut self, name: &str) -> Result<u32> {
        let found = self.ifnames()?.index(name);
        found.ok_or_else(|| crate::report::plain(format!("Cannot find device \"{name}\"")))
    }
}

/// What `[dev] NAME` commands (`link delete`, `address save`) read: one
/// device, by name.
#[derive(Debug, Default)]
pub struct DevWord {
    pub dev: Option<String>,
}

impl DevWord {
    /// Reads `words` by `walk` (one of [`DEV_ONLY`]).
    pub fn read(walk: &Walk<DevWord>, mut a: Args) -> Result<DevWord> {
        let mut d = DevWord::default();
        let words: Vec<String> = a.by_ref().collect();
        walk.run(&words, &mut d)?;
        Ok(d)
    }

    fn set(&mut self, name: &str) -> Result<()> {
        if self.dev.replace(name.to_string()).is_some() {
            anyhow::bail!("either \"dev\" is duplicate, or \"{name}\" is a garbage.");
        }
        Ok(())
    }
}

/// The walks of `link delete` and `address save`: `dev NAME`, or the name
/// alone, once.
pub static DEV_ONLY: [Walk<DevWord>; 2] = [
    Walk {
        name: "link delete",
        cmd: &crate::grammar::tables::LINK_DELETE,
        apply: &[("dev", DevWord::set)],
        more: &[],
        other: Some(|d, rest| d.set(rest.word())),
        stop: &[],
    },
    Walk {
        name: "address save",
        cmd: &crate::grammar::tables::ADDR_SAVE,
        apply: &[("dev", DevWord::set)],
        more: &[],
        other: Some(|d, rest| d.set(rest.word())),
        stop: &[],
    },
];

/// Every walk of the objects over `words`, for the fuzz target
/// `cli_words`: each reads them or refuses, never panics.
pub fn fuzz_walks(words: &[String]) {
    let view = route_print::View::default();
    let _ = route_words::SELECT.run(words, &mut route_words::SelectWords::new(AF_UNSPEC, view));
    let _ = route_words::GET.run(words, &mut route_words::GetWords::default());
    let _ = route_words::CHANGE.run(words, &mut route_words::ChangeWords::default());
    let _ = addr_filter::WALK.run(words, &mut addr_filter::Filter::default());
    let _ = link::SHOW.run(words, &mut link::Filter::default());
    let _ =
        neigh_select::WALK.run(words, &mut neigh_select::SelectWords::new(AF_UNSPEC, true, false));
    let _ = rule_select::WALK.run(words, &mut rule_select::SelectWords::new(AF_UNSPEC));
    let _ = monitor::WALK.run(words, &mut monitor::MonitorWords::default());
    let _ = neigh::GET.run(words, &mut neigh::GetWords::default());
    let _ = crate::tcp_metrics::WALK.run(words, &mut crate::tcp_metrics::Filter::default());
    let _ = crate::conntrack::WALK.run(words, &mut crate::conntrack::Select::default());
    let _ = crate::conntrack::MONITOR.run(words, &mut crate::conntrack::MonitorWords::default());
    for walk in &DEV_ONLY {
        let _ = walk.run(words, &mut DevWord::default());
    }
    for walk in &link_add::KINDS {
        let _ = walk.run(words, &mut link_add::KindWords::default());
    }
    fuzz_xfrm_walks(words);
}

/// The walks of `nlkit xfrm` over `words`, for [`fuzz_walks`].
fn fuzz_xfrm_walks(words: &[String]) {
    use crate::xfrm::{policy_words as pw, sa_words as sw};
    for walk in &sw::ADD {
        let mut sa = sw::SaWords::default();
        if walk.run(words, &mut sa).is_ok() {
            let _ = sa.finish();
        }
    }
    for walk in &sw::GET {
        let mut id = sw::SaIdWords::default();
        if walk.run(words, &mut id).is_ok() {
            let _ = id.key();
        }
    }
    let _ = sw::SHOW.run(words, &mut sw::SaShow::default());
    let _ = sw::FLUSH.run(words, &mut None);
    for walk in &pw::ADD {
        let mut p = pw::PolicyWords::new(true);
        if walk.run(words, &mut p).is_ok() {
            let _ = p.policy();
        }
    }
    for walk in &pw::GET {
        let mut p = pw::PolicyWords::new(false);
        if walk.run(words, &mut p).is_ok() {
            let _ = p.key();
        }
    }
    let _ = pw::SHOW.run(words, &mut pw::PolicyShow::default());
    let _ = pw::FLUSH.run(words, &mut None);
    let _ = crate::xfrm::MONITOR.run(words, &mut crate::xfrm::MonitorWords::default());
}

/// Whether every walk's table and apply functions agree, one for one.
pub fn walks_complete() -> std::result::Result<(), String> {
    route_words::SELECT.complete()?;
    route_words::GET.complete()?;
    route_words::CHANGE.complete()?;
    addr_filter::WALK.complete()?;
    link::SHOW.complete()?;
    neigh_select::WALK.complete()?;
    rule_select::WALK.complete()?;
    monitor::WALK.complete()?;
    DEV_ONLY.iter().try_for_each(Walk::complete)?;
    link_add::KINDS.iter().try_for_each(Walk::complete)?;
    rule::WALK.complete()?;
    neigh::WALK.complete()?;
    neigh::GET.complete()?;
    crate::tcp_metrics::WALK.complete()?;
    crate::conntrack::WALK.complete()?;
    crate::conntrack::MONITOR.complete()?;
    link::WALK.complete()?;
    xfrm_walks_complete()?;
    addr_modify::WALK.complete()
}

/// [`walks_complete`] for the walks of `nlkit xfrm`.
fn xfrm_walks_complete() -> std::result::Result<(), String> {
    use crate::xfrm::{policy_words as pw, sa_words as sw};
    sw::ADD.iter().try_for_each(Walk::complete)?;
    sw::GET.iter().try_for_each(Walk::complete)?;
    sw::SHOW.complete()?;
    sw::FLUSH.complete()?;
    pw::ADD.iter().try_for_each(Walk::complete)?;
    pw::GET.iter().try_for_each(Walk::complete)?;
    pw::SHOW.complete()?;
    pw::FLUSH.complete()?;
    crate::xfrm::MONITOR.complete()
}

/// Every value parser of the objects over one word, for the fuzz target
/// `cli_values`: each returns a value or `None`/an error, never panics.
pub fn fuzz_values(word: &str) {
    let _ = args::number::<u64>(word);
    let _ = args::number::<u8>(word);
    let _ = args::prefix(word);
    let _ = args::ifname(word.to_string());
    for family in [AF_UNSPEC, AF_INET, AF_INET6, route_args::AF_MPLS] {
        let _ = route_args::Prefix::parse(word, family);
        let _ = addr_words::inet_prefix(word, family);
    }
    let _ = route_args::dsfield(word);
    let _ = route_args::realms_filter(word);
    let _ = route_args::netmask(word);
    let _ = crate::words::values::lladdr(word);
    let _ = rule::range::<u16>(word);
    let _ = rule::ip_proto(word);
    let _ = nlkit::rtnl::names::parse_route_table(word);
    let _ = nlkit::rtnl::names::parse_route_protocol(word);
    let _ = nlkit::rtnl::names::parse_route_scope(word);
    let _ = nlkit::rtnl::names::parse_route_type(word);
    let _ = nlkit::rtnl::names::parse_neigh_state(word);
    let _ = link_print::parse_group(&[(7, "seven".into())], word);
}

/// `-o`: an object's text on one line, each line break written as `\`
/// (ip's `_SL_`).
pub fn one_line(text: &str, oneline: bool) -> std::borrow::Cow<'_, str> {
    if oneline && text.contains('\n') {
        text.replace('\n', "\\").into()
    } else {
        text.into()
    }
}

/// Runs `nlkit link ...`.
pub fn link(g: &Global, words: Vec<String>) -> Result<()> {
    link::run(&mut Ctx::new(g)?, Args::new(words))
}

/// Runs `nlkit address ...`.
pub fn address(g: &Global, words: Vec<String>) -> Result<()> {
    addr::run(&mut Ctx::new(g)?, Args::new(words))
}

/// Runs `nlkit rule ...`.
pub fn rule(g: &Global, words: Vec<String>) -> Result<()> {
    rule::run(&mut Ctx::new(g)?, Args::new(words))
}

/// Runs `nlkit route ...`.
pub fn route(g: &Global, words: Vec<String>) -> Result<()> {
    route::run(&mut Ctx::new(g)?, Args::new(words))
}

/// Runs `nlkit neigh ...`.
pub fn neigh(g: &Global, words: Vec<String>) -> Result<()> {
    neigh::run(&mut Ctx::new(g)?, Args::new(words))
}

/// Runs `nlkit monitor ...` until interrupted.
pub fn monitor(g: &Global, words: Vec<String>) -> Result<()> {
    monitor::run(&mut Ctx::new(g)?, g.netns.as_deref(), Args::new(words))
}

/// `nlkit decode hex PROTOCOL HEX [-t|-ts]`: one datagram printed as the
/// monitor prints it.
pub fn decode_hex(g: &Global, protocol: u16, data: Vec<u8>, words: Vec<String>) -> Result<()> {
    monitor::decode_hex(&mut Ctx::new(g)?, protocol, data, Args::new(words))
}

/// Every message of a dump, kept so views of them can be read while
/// walking other lists: the messages back to back in one buffer, as the
/// kernel framed them (one growing allocation, not one a message).
#[derive(Debug, Default)]
pub struct Held {
    bytes: Vec<u8>,
}

impl Held {
    /// Dumps `message_type` with the request body `build` writes and keeps
    /// every reply. Nothing is printed before the dump ends, so no second
    /// thread receives ahead (it would overlap nothing and cost a wake-up a
    /// datagram).
    pub fn dump(
        conn: &mut RtConn,
        message_type: u16,
        build: impl FnMut(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit::wire::Error>,
    ) -> Result<Held> {
        let mut held = Held::default();
        conn.set_read_ahead(0);
        let dumped = conn.dump(message_type, build, |m| {
            held.bytes.extend_from_slice(m.bytes());
            Ok(())
        });
        conn.set_read_ahead(READ_AHEAD);
        dumped?;
        Ok(held)
    }

    /// The messages, in the order they came.
    pub fn messages(&self) -> impl Iterator<Item = Result<MessageBuffer<&[u8]>>> {
        nlkit::wire::Messages::new(&self.bytes).map(|m| Ok(MessageBuffer::new_checked(m?.bytes())?))
    }
}

/// [`Held::dump`] with a fixed request body (`header`).
pub fn dump_raw(conn: &mut RtConn, message_type: u16, header: &[u8]) -> Result<Held> {
    Held::dump(conn, message_type, |b| b.append(header))
}

/// The links in the messages of [`dump_raw`].
pub fn parse_links(raw: &Held) -> Result<Vec<Link<'_>>> {
    links(raw).collect()
}

/// The links of a held dump, each read as it is reached: a listing never
/// holds every view at once (20,000 of them would be tens of MiB).
pub fn links(raw: &Held) -> impl Iterator<Item = Result<Link<'_>>> {
    raw.messages().map(|m| Ok(Link::parse(&m?)?))
}
