//! What `nlkit ss` looks up by name: the interfaces sockets are bound
//! to (asked for when first needed), service names from `/etc/services`,
//! and the [`filter::Lookup`] a filter reads them (and the options)
//! through.

use super::filter;
use super::words::Options;
use anyhow::Result;
use nlkit::{Conn, Netns, Protocol};
use std::collections::HashMap;

/// Names of the interfaces sockets are bound to, asked for when first
/// needed (one link get each, on a route socket opened then).
pub(super) struct IfNames<'a> {
    netns: Option<&'a str>,
    conn: Option<Conn>,
    names: HashMap<u32, Option<String>>,
}

impl<'a> IfNames<'a> {
    /// None looked up yet, in `netns`.
    pub(super) fn new(netns: Option<&'a str>) -> Self {
        IfNames { netns, conn: None, names: HashMap::new() }
    }

    fn conn(&mut self) -> Option<&mut Conn> {
        if self.conn.is_none() {
            self.conn = match self.netns {
                Some(ns) => Conn::open_in(Netns::Name(ns), Protocol::ROUTE).ok(),
                None => Conn::open(Protocol::ROUTE).ok(),
            };
        }
        self.conn.as_mut()
    }

    /// The index of the interface called `name` in the namespace.
    pub(super) fn index(&mut self, name: &str) -> Option<u32> {
        let mut index = None;
        let conn = self.conn()?;
        conn.link_get_by_name(name, |l| {
            index = Some(l.index());
            Ok(())
        })
        .ok()?;
        index
    }

    pub(super) fn name(&mut self, index: u32) -> Option<&str> {
        if !self.names.contains_key(&index) {
            let mut name = None;
            if let Some(conn) = self.conn() {
                let _ = conn.link_get_by_index(index, |l| {
                    name = l.name.map(str::to_string);
                    Ok(())
                });
            }
            self.names.insert(index, name);
        }
        self.names.get(&index).and_then(Option::as_deref)
    }
}

/// Service names by port and protocol, from `/etc/services` (as
/// getservbyport(3) reads it: the first line naming the port wins).
#[derive(Default)]
pub(super) struct Services {
    names: HashMap<(u16, &'static str), String>,
    /// Ports by name or alias (getservbyname(3)'s view, first line wins).
    ports: HashMap<(String, &'static str), u16>,
    /// The line each (port, name) came from.
    order: HashMap<(u16, String), usize>,
}

impl Services {
    /// Reads `/etc/services` (at most 4 MiB); none when it cannot be read.
    pub(super) fn load() -> Services {
        use std::io::Read;
        let mut text = String::new();
        let _ = std::fs::File::open("/etc/services")
            .and_then(|f| f.take(4 << 20).read_to_string(&mut text));
        let (mut names, mut ports, mut order) = (HashMap::new(), HashMap::new(), HashMap::new());
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("");
            let mut w = line.split_whitespace();
            let (Some(name), Some(port)) = (w.next(), w.next()) else { continue };
            let Some((port, proto)) = port.split_once('/') else { continue };
            let (Ok(port), Some(proto)) =
                (port.parse::<u16>(), ["tcp", "udp"].into_iter().find(|p| *p == proto))
            else {
                continue;
            };
            names.entry((port, proto)).or_insert_with(|| name.to_string());
            order.entry((port, name.to_string())).or_insert(number);
            for alias in std::iter::once(name).chain(w) {
                ports.entry((alias.to_string(), proto)).or_insert(port);
            }
        }
        Services { names, ports, order }
    }

    /// As [`load`](Self::load), each port named by its first line
    /// whatever the protocol (getservbyport(3) with no protocol).
    pub(super) fn load_any_protocol() -> Services {
        let mut s = Services::load();
        let mut first: HashMap<u16, (usize, String)> = HashMap::new();
        for ((port, _), name) in &s.names {
            let line = s.order.get(&(*port, name.clone())).copied().unwrap_or(usize::MAX);
            let e = first.entry(*port).or_insert((line, name.clone()));
            if line < e.0 {
                *e = (line, name.clone());
            }
        }
        for (port, (_, name)) in first {
            for proto in ["tcp", "udp"] {
                s.names.insert((port, proto), name.clone());
            }
        }
        s
    }

    pub(super) fn name(&self, port: u16, proto: &'static str) -> Option<&str> {
        self.names.get(&(port, proto)).map(String::as_str)
    }

    /// The port called `name` (or an alias) for `proto`.
    pub(super) fn port(&self, name: &str, proto: &'static str) -> Option<u16> {
        self.ports.get(&(name.to_string(), proto)).copied()
    }
}

/// What the filter reads from the options and the namespace.
pub(super) struct Lookup<'a, 'n> {
    pub(super) o: &'a Options,
    /// The table already read for printing, if it was.
    pub(super) services: Option<&'a Services>,
    pub(super) ifnames: &'a mut IfNames<'n>,
}

impl filter::Lookup for Lookup<'_, '_> {
    /// ss's rule: the name's UDP port if UDP is listed, its TCP port if
    /// TCP is; two different ports are ambiguous.
    fn service(&self, name: &str) -> Result<Option<u16>> {
        let loaded;
        let s = match self.services {
            Some(s) => s,
            None => {
                loaded = Services::load();
                &loaded
            }
        };
        let udp = self.o.protocols.contains(&17).then(|| s.port(name, "udp")).flatten();
        let tcp = self.o.protocols.contains(&6).then(|| s.port(name, "tcp")).flatten();
        match (udp, tcp) {
            (Some(u), Some(t)) if u != t => anyhow::bail!("Error: ambiguous port \"{name}\"."),
            (u, t) => Ok(u.or(t)),
        }
    }

    fn ifindex(&mut self, name: &str) -> Option<u32> {
        self.ifnames.index(name)
    }

    fn family(&self) -> Option<u8> {
        self.o.family
    }

    fn preferred(&self) -> Option<u8> {
        self.o.preferred
    }
}
