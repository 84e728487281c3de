//! The iproute2-style commands: `nlkit [-j] [-p] [-n NETNS] [-4|-6] OBJECT
//! COMMAND ...`. This module holds what they share: the connection (in a
//! namespace if asked), the family, the output, and interface names.

mod args;
mod output;
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
}

/// What a command runs with.
pub struct Ctx {
    pub conn: Conn,
    pub out: Output,
    pub family: u8,
    pub details: bool,
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
        Ok(Ctx { conn, out, family, details: g.details, ifnames: None })
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

    /// The name of interface `index` (`ifN` if it has none, as `ip` prints
    /// an unknown index).
    pub fn ifname(&mut self, index: u32) -> Result<String> {
        Ok(self.ifnames()?.get(&index).cloned().unwrap_or_else(|| format!("if{index}")))
    }

    /// The index of the interface called `name`.
    pub fn ifindex(&mut self, name: &str) -> Result<u32> {
        let found = self.ifnames()?.iter().find(|(_, n)| n.as_str() == name).map(|(i, _)| *i);
        found.ok_or_else(|| anyhow::anyhow!("Cannot find device \"{name}\""))
    }
}

/// Runs `nlkit rule ...`.
pub fn rule(g: &Global, words: Vec<String>) -> Result<()> {
    rule::run(&mut Ctx::new(g)?, Args::new(words))
}
