//! A copy of a namespace's links, addresses and neighbours kept in step
//! with its notifications, that survives lost notifications: after an
//! overrun, [`Mirror::recover`] drops what is still queued (older than
//! the dump it then makes), [`Mirror::resync`] dumps the three tables again and reports
//! exactly what changed while notifications were lost (new, changed and
//! deleted objects, as the messages a notification would have carried),
//! and [`Mirror::apply`] reports a notification only if it changes the
//! copy, so what a dump already showed is never reported twice.
//!
//! Objects are kept as the kernel's messages, keyed as the kernel keys
//! them: a link by its index; an address by family, interface, prefix
//! length, local address and peer; a neighbour by family, interface and
//! destination (IPv4 and IPv6 entries; proxy entries and the bridge's
//! forwarding database are not kept). What only counts or ages (link
//! statistics and per-family data, `ifi_change`, the link event
//! attribute, address and neighbour cache times, probe counts) is left out
//! when two messages are compared, so a dump that differs only in those is
//! no change. Routes are not kept: a table of a million routes is not a
//! copy to hold, and their identity (multipath, metrics) is not a key.

use super::uapi::*;
use crate::error::Result;
use crate::{Conn, DumpError};
use nlkit_wire::{Attrs, Message, MessageBuilder};
use std::collections::BTreeMap;

/// What a notification or a resync found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// An object the copy did not have: its message (`RTM_NEW*`).
    New(Vec<u8>),
    /// An object that differs from the copy's: its new message.
    Changed(Vec<u8>),
    /// An object gone: the copy's last message of it, its type made the
    /// matching `RTM_DEL*` (as the kernel's notification would be).
    Deleted(Vec<u8>),
}

impl Change {
    /// The message (a whole `nlmsghdr` and payload).
    pub fn bytes(&self) -> &[u8] {
        match self {
            Change::New(b) | Change::Changed(b) | Change::Deleted(b) => b,
        }
    }
}

/// The three tables, keyed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Mirror {
    links: BTreeMap<Vec<u8>, Vec<u8>>,
    addrs: BTreeMap<Vec<u8>, Vec<u8>>,
    neighs: BTreeMap<Vec<u8>, Vec<u8>>,
    /// The last resync read an interrupted dump.
    unsettled: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Table {
    Link,
    Addr,
    Neigh,
}

impl Table {
    fn of(message_type: u16) -> Option<(Table, bool)> {
        Some(match message_type {
            RTM_NEWLINK => (Table::Link, true),
            RTM_DELLINK => (Table::Link, false),
            RTM_NEWADDR => (Table::Addr, true),
            RTM_DELADDR => (Table::Addr, false),
            RTM_NEWNEIGH => (Table::Neigh, true),
            RTM_DELNEIGH => (Table::Neigh, false),
            _ => return None,
        })
    }

    fn delete_type(self) -> u16 {
        match self {
            Table::Link => RTM_DELLINK,
            Table::Addr => RTM_DELADDR,
            Table::Neigh => RTM_DELNEIGH,
        }
    }

    /// The fixed header's length and the attributes that only count or
    /// age, left out of comparisons.
    fn layout(self) -> (usize, &'static [u16]) {
        match self {
            Table::Link => (16, &[IFLA_STATS, IFLA_STATS64, IFLA_AF_SPEC, IFLA_EVENT]),
            Table::Addr => (8, &[IFA_CACHEINFO]),
            Table::Neigh => (12, &[NDA_CACHEINFO, NDA_PROBES]),
        }
    }
}

/// The key of `payload` (the bytes after `nlmsghdr`) in its table, `None`
/// for what the copy does not keep or cannot read.
fn key(table: Table, payload: &[u8]) -> Option<Vec<u8>> {
    let (header, _) = table.layout();
    let attrs = payload.get(header..)?;
    let attr = |kind: u16| {
        Attrs::new(attrs).map_while(|a| a.ok()).find(|a| a.kind() == kind).map(|a| a.payload())
    };
    let mut k = Vec::new();
    match table {
        Table::Link => k.extend_from_slice(payload.get(4..8)?),
        Table::Addr => {
            // family, prefix length, index
            k.extend_from_slice(&payload[..2]);
            k.extend_from_slice(&payload[4..8]);
            for kind in [IFA_LOCAL, IFA_ADDRESS] {
                let a = attr(kind).unwrap_or_default();
                k.push(a.len() as u8);
                k.extend_from_slice(a);
            }
        }
        Table::Neigh => {
            let family = i32::from(payload[0]);
            // Proxy entries and other families (the bridge's FDB) are not kept.
            if !(family == libc::AF_INET || family == libc::AF_INET6)
                || payload[10] & NTF_PROXY as u8 != 0
            {
                return None;
            }
            k.push(payload[0]);
            k.extend_from_slice(&payload[4..8]);
            k.extend_from_slice(attr(NDA_DST)?);
        }
    }
    Some(k)
}

/// Whether two messages of `table` say the same, counters and ages aside.
fn same(table: Table, a: &[u8], b: &[u8]) -> bool {
    let (header, volatile) = table.layout();
    let split = |m: &[u8]| -> Option<(Vec<u8>, Vec<u8>)> {
        let p = m.get(16..)?;
        let mut head = p.get(..header)?.to_vec();
        if table == Table::Link {
            head[12..16].fill(0); // ifi_change: set in notifications only
        }
        let mut kept = Vec::new();
        for a in Attrs::new(&p[header..]) {
            let Ok(a) = a else { return None };
            if !volatile.contains(&a.kind()) {
                kept.extend_from_slice(&a.kind().to_ne_bytes());
                kept.extend_from_slice(a.payload());
            }
        }
        Some((head, kept))
    };
    match (split(a), split(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

impl Mirror {
    /// Dumps the three tables (retrying a dump the kernel marked
    /// interrupted, up to 5 times).
    pub fn load(conn: &mut Conn) -> Result<Mirror> {
        let mut m = Mirror::default();
        m.resync(conn)?;
        Ok(m)
    }

    fn table(&mut self, t: Table) -> &mut BTreeMap<Vec<u8>, Vec<u8>> {
        match t {
            Table::Link => &mut self.links,
            Table::Addr => &mut self.addrs,
            Table::Neigh => &mut self.neighs,
        }
    }

    /// How many links, addresses and neighbours the copy holds.
    pub fn len(&self) -> (usize, usize, usize) {
        (self.links.len(), self.addrs.len(), self.neighs.len())
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == (0, 0, 0)
    }

    /// Applies a notification: the change it makes to the copy, or `None`
    /// when it changes nothing (the copy already had it, counters and ages
    /// aside, or the object is not one the copy keeps).
    pub fn apply(&mut self, m: &Message<'_>) -> Option<Change> {
        let (table, new) = Table::of(u16::from(m.message_type()))?;
        let k = key(table, m.payload())?;
        let bytes = m.bytes().to_vec();
        let t = self.table(table);
        match (new, t.get(&k)) {
            (true, Some(old)) if same(table, old, &bytes) => {
                t.insert(k, bytes);
                None
            }
            (true, Some(_)) => {
                t.insert(k, bytes.clone());
                Some(Change::Changed(bytes))
            }
            (true, None) => {
                t.insert(k, bytes.clone());
                Some(Change::New(bytes))
            }
            (false, Some(_)) => {
                t.remove(&k);
                if table == Table::Link {
                    // The link's addresses and neighbours went with it.
                    self.addrs.retain(|a, _| a.get(2..6) != Some(&k[..]));
                    self.neighs.retain(|n, _| n.get(1..5) != Some(&k[..]));
                }
                Some(Change::Deleted(bytes))
            }
            (false, None) => None,
        }
    }

    /// Whether the last resync read every table whole. A dump the kernel
    /// still marked interrupted after five tries (the tables changing all
    /// the while) may miss objects: what it showed was taken, but nothing
    /// was deleted for being absent from it, and the copy is unsettled
    /// until a later resync reads whole dumps (do one when the
    /// notifications go quiet).
    pub fn settled(&self) -> bool {
        !self.unsettled
    }

    /// Dumps the three tables again and makes the copy what they say:
    /// each difference is returned, in table order (links, addresses,
    /// neighbours), new and changed objects before deleted ones.
    pub fn resync(&mut self, conn: &mut Conn) -> Result<Vec<Change>> {
        let mut changes = Vec::new();
        self.unsettled = false;
        for (table, get, header) in [
            (Table::Link, RTM_GETLINK, &[0u8; 16][..]),
            (Table::Addr, RTM_GETADDR, &[0u8; 8][..]),
            (Table::Neigh, RTM_GETNEIGH, &[0u8; 12][..]),
        ] {
            let build = |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(header);
            let (dumped, whole) =
                match conn.dump_consistent(get, build, |m| Ok(m.bytes().to_vec()), 5) {
                    Ok(all) => (all, true),
                    // Still changing after five tries: what the last dump
                    // read, and no deletions from it.
                    Err(DumpError::Interrupted { partial }) => (partial, false),
                    Err(DumpError::Failed(e)) => return Err(e),
                };
            self.unsettled |= !whole;
            let mut fresh = BTreeMap::new();
            for bytes in dumped {
                let Ok(Some(m)) = nlkit_wire::Messages::new(&bytes).next().transpose() else {
                    continue;
                };
                if let Some(k) = key(table, m.payload()) {
                    fresh.insert(k, bytes);
                }
            }
            let old = std::mem::take(self.table(table));
            for (k, bytes) in &fresh {
                match old.get(k) {
                    None => changes.push(Change::New(bytes.clone())),
                    Some(before) if !same(table, before, bytes) => {
                        changes.push(Change::Changed(bytes.clone()))
                    }
                    Some(_) => {}
                }
            }
            for (k, mut bytes) in old {
                if fresh.contains_key(&k) {
                    continue;
                }
                if whole {
                    bytes[4..6].copy_from_slice(&table.delete_type().to_ne_bytes());
                    changes.push(Change::Deleted(bytes));
                } else {
                    fresh.insert(k, bytes);
                }
            }
            *self.table(table) = fresh;
        }
        Ok(changes)
    }

    /// What to do on [`Item::Overrun`](crate::sub::Item::Overrun): drop
    /// the notifications still queued (they are older than the dump about
    /// to be made, and applied after it they would bring back what it no
    /// longer shows), then [`resync`](Self::resync). Returns the changes
    /// and how many queued datagrams were dropped.
    pub fn recover(
        &mut self,
        sub: &mut crate::sub::Subscription<Notifications>,
        conn: &mut Conn,
    ) -> Result<(Vec<Change>, usize)> {
        let mut dropped = 0;
        while sub.try_recv()?.is_some() {
            dropped += 1;
        }
        Ok((self.resync(conn)?, dropped))
    }

    /// Whether the copy says what `other` says, counters and ages aside
    /// (a fresh [`Mirror::load`], to check the copy against the kernel).
    pub fn agrees_with(&self, other: &Mirror) -> bool {
        // (`unsettled` is how a copy was made, not what it says.)
        let eq = |t: Table, a: &BTreeMap<Vec<u8>, Vec<u8>>, b: &BTreeMap<Vec<u8>, Vec<u8>>| {
            a.len() == b.len()
                && a.iter().zip(b).all(|((ka, va), (kb, vb))| ka == kb && same(t, va, vb))
        };
        eq(Table::Link, &self.links, &other.links)
            && eq(Table::Addr, &self.addrs, &other.addrs)
            && eq(Table::Neigh, &self.neighs, &other.neighs)
    }
}

/// The notifications a [`Mirror`] follows (links, IPv4 and IPv6
/// addresses, neighbours) as a subscription source yielding each message
/// whole, from the kernel only: `Subscription::open(Notifications)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Notifications;

impl crate::sub::Source for Notifications {
    type Event<'a> = Message<'a>;

    fn protocol(&self) -> crate::Protocol {
        crate::Protocol::ROUTE
    }

    fn groups(&self) -> Vec<u32> {
        [super::events::Watch::Link, super::events::Watch::Addr, super::events::Watch::Neigh]
            .iter()
            .flat_map(|w| w.groups())
            .copied()
            .collect()
    }

    fn admit(&self, sender: &crate::sub::Sender) -> std::result::Result<(), &'static str> {
        match sender.port {
            0 => Ok(()),
            _ => Err("not from the kernel (port id is not 0)"),
        }
    }

    fn decode<'a>(&self, unit: crate::sub::Unit<'a>) -> Result<Message<'a>> {
        match unit {
            crate::sub::Unit::Message(m) => Ok(m),
            crate::sub::Unit::Datagram(b) => {
                Err(crate::Error::Wire(nlkit_wire::Error::Truncated { need: 16, have: b.len() }))
            }
        }
    }
}
