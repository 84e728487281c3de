//! The iproute2-style commands: `nlkit [-j] [-p] [-n NETNS] [-4|-6] OBJECT
//! COMMAND ...`. This module holds what they share: the connection (in a
//! namespace if asked), the family, the output, and interface names.

mod args;
mod output;
mod rule;

use anyhow::Result;
pub use args::Args;
use nlkit::route::{AF_INET, AF_INET6, AF_UNSPEC};
use nlkit::{Conn, Netns, Protocol};
use output::Output;

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
        Ok(Ctx { conn, out: Output::new(g.json, g.pretty), family, details: g.details })
    }
}

/// Runs `nlkit rule ...`.
pub fn rule(g: &Global, words: Vec<String>) -> Result<()> {
    rule::run(&mut Ctx::new(g)?, Args::new(words))
}
