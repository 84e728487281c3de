//! The iproute2-style commands: `nlkit [-j] [-p] [-n NETNS] [-4|-6] OBJECT
//! COMMAND ...`. This module holds what they share: the connection (in a
//! namespace if asked), the family, the output, and interface names.

mod args;
mod monitor;
mod neigh;
mod output;
mod printer;
mod route;
mod route_args;
mod route_print;
mod rule;

use anyhow::Result;
pub use args::Args;
use nlkit::route::link::LinkFilter;
use nlkit::route::{AF_INET, AF_INET6, AF_UNSPEC};
use nlkit::{Conn, Netns, Protocol};
use output::Output;
use std::collections::HashMap;

/// Options every object command takes.
#[derive(Debug, Clone, Default)]
pub struct Global {
    pub json: bool,
    pub pretty: bool,
    pub netns: Option<String>,
    pub ipv4: bool,
    pub ipv6: bool,
    pub details: bool,
    pub stats: bool,
}

/// What a command runs with.
pub struct Ctx {
    pub conn: Conn,
    pub out: Output,
    pub family: u8,
    pub details: bool,
    pub stats: bool,
    ifnames: Option<HashMap<u32, String>>,
}

impl Ctx {
    pub fn new(g: &Global) -> Result<Self> {
        let conn = match &g.netns {
            Some(name) => Conn::open_in(Netns::Name(name), Protocol::ROUTE)?,
            None => Conn::open(Protocol::ROUTE)?,
        };
        let family = match (g.ipv4, g.ipv6) {
            (true, false) => AF_INET,
            (false, true) => AF_INET6,
            _ => AF_UNSPEC,
        };
        let out = Output::new(g.json, g.pretty);
        Ok(Ctx { conn, out, family, details: g.details, stats: g.stats, ifnames: None })
    }

    /// Interface names by index, read with one link dump on first use.
    pub fn ifnames(&mut self) -> Result<&HashMap<u32, String>> {
        if self.ifnames.is_none() {
            let mut names = HashMap::new();
            self.conn.link_dump(&LinkFilter::default(), |l| {
                names.insert(l.index(), l.name.unwrap_or_default().to_owned());
                Ok(())
            })?;
            self.ifnames = Some(names);
        }
        Ok(self.ifnames.get_or_insert_with(HashMap::new))
    }

    /// The index of the interface called `name`.
    pub fn ifindex(&mut self, name: &str) -> Result<u32> {
        let found = self.ifnames()?.iter().find(|(_, n)| n.as_str() == name).map(|(i, _)| *i);
        found.ok_or_else(|| anyhow::anyhow!("Cannot find device \"{name}\""))
    }
}

/// The name of interface `index` in `names`, or `ifN` as `ip` prints an
/// index it cannot name.
pub fn name_of(names: &HashMap<u32, String>, index: u32) -> String {
    names.get(&index).cloned().unwrap_or_else(|| format!("if{index}"))
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
