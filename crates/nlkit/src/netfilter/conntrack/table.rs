//! A copy of the conntrack table that follows its events and is brought
//! back in step after events were lost, as `rtnl::mirror::Mirror` does
//! for links, addresses and neighbours.
//!
//! Entries are keyed by their original tuple and zone, as the kernel keys
//! them. After an overrun, [`Table::recover`] drops the events still
//! queued (they are older than the dump it then makes), dumps the table
//! and says what changed while events were lost: entries that appeared
//! (`New`), went (`Destroy`) or changed (`Update`: status, mark, protocol
//! state, labels or helper; not the timeout, which ticks, nor the
//! counters). Events after it are applied without repeating it: a `New`
//! for an entry the copy has, or a `Destroy` for one it lacks, is not
//! news.
//!
//! The copy holds one [`Entry`] for each connection the filter lets
//! through (about 200 bytes each).

use super::{dump, Change, Entry, Event, EventFilter, Events, Tuple};
use crate::sub::Subscription;
use crate::{Conn, Result};
use std::collections::HashMap;

/// What the kernel keys an entry by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    orig: Tuple,
    zone: u16,
}

impl Key {
    fn of(e: &Entry) -> Key {
        Key { orig: e.orig, zone: e.zone.unwrap_or(0) }
    }
}

/// Whether two readings of one connection differ in what an `Update`
/// after a resync reports.
fn differs(a: &Entry, b: &Entry) -> bool {
    (a.status, a.mark, a.tcp_state, a.sctp_state, &a.labels, &a.helper)
        != (b.status, b.mark, b.tcp_state, b.sctp_state, &b.labels, &b.helper)
}

/// The conntrack table as the events have told it.
#[derive(Debug, Clone, Default)]
pub struct Table {
    entries: HashMap<Key, Entry>,
    family: u8,
    filter: EventFilter,
}

impl Table {
    /// Reads the table of `family` (`AF_INET`, `AF_INET6`; 0: both), the
    /// entries `filter` lets through (the events' filter, so the copy and
    /// the events agree).
    pub fn load(conn: &mut Conn, family: u8, filter: EventFilter) -> Result<Table> {
        let mut table = Table { entries: HashMap::new(), family, filter };
        table.entries = table.fetch(conn)?;
        Ok(table)
    }

    fn fetch(&self, conn: &mut Conn) -> Result<HashMap<Key, Entry>> {
        let (mut fresh, filter) = (HashMap::new(), self.filter);
        conn.run(dump(self.family, |e| {
            if filter.matches(&e) {
                fresh.insert(Key::of(&e), e);
            }
            Ok(())
        }))?;
        Ok(fresh)
    }

    /// Applies an event; whether it is news: `false` for a `New` of an
    /// entry the copy has or a `Destroy` of one it lacks (what a resync
    /// already reported). Events of other families than the table's are
    /// not news either.
    pub fn apply(&mut self, change: Change, e: &Entry) -> bool {
        if self.family != 0 && e.family != self.family {
            return false;
        }
        let key = Key::of(e);
        match change {
            Change::Destroy => self.entries.remove(&key).is_some(),
            Change::New => self.entries.insert(key, e.clone()).is_none(),
            Change::Update => {
                self.entries.insert(key, e.clone());
                true
            }
        }
    }

    /// Applies a subscription's event (see [`apply`](Self::apply)).
    pub fn apply_event(&mut self, event: &Event) -> bool {
        match event {
            Event::Conn(change, e) => self.apply(*change, e),
            Event::Other(_) => false,
        }
    }

    /// Dumps the table again and returns what changed since the copy was
    /// last in step, destroyed entries first, then new ones, then changed
    /// ones, each in the kernel's id order; the copy is then the dump.
    pub fn resync(&mut self, conn: &mut Conn) -> Result<Vec<(Change, Entry)>> {
        let fresh = self.fetch(conn)?;
        let mut changes: Vec<(Change, Entry)> = Vec::new();
        for (key, e) in &self.entries {
            if !fresh.contains_key(key) {
                changes.push((Change::Destroy, e.clone()));
            }
        }
        for (key, e) in &fresh {
            match self.entries.get(key) {
                None => changes.push((Change::New, e.clone())),
                Some(old) if differs(old, e) => changes.push((Change::Update, e.clone())),
                Some(_) => {}
            }
        }
        let rank = |c: Change| match c {
            Change::Destroy => 0,
            Change::New => 1,
            Change::Update => 2,
        };
        changes.sort_by_key(|(c, e)| (rank(*c), e.id));
        self.entries = fresh;
        Ok(changes)
    }

    /// What to do on [`Item::Overrun`](crate::sub::Item::Overrun): drop
    /// the events still queued (older than the dump about to be made),
    /// then [`resync`](Self::resync). Returns the changes and how many
    /// queued datagrams were dropped.
    pub fn recover(
        &mut self,
        sub: &mut Subscription<Events>,
        conn: &mut Conn,
    ) -> Result<(Vec<(Change, Entry)>, usize)> {
        let mut dropped = 0;
        while sub.try_recv()?.is_some() {
            dropped += 1;
        }
        Ok((self.resync(conn)?, dropped))
    }

    /// The entry whose original direction is `orig`, in `zone`.
    pub fn get(&self, orig: &Tuple, zone: u16) -> Option<&Entry> {
        self.entries.get(&Key { orig: *orig, zone })
    }

    /// How many entries the copy holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the copy holds none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
