//! Resolved families that stay right: a [`FamilyCache`] resolves each
//! family once, then follows the controller's `notify` group, so a module
//! unloaded and loaded again (a new family id, new group ids) keeps
//! working for its callers without them noticing, and a request to a
//! family that went away fails naming it ([`Error::FamilyGone`]) instead
//! of reaching whatever family got its old id.
//!
//! The cache reads the notifications queued on its own socket before
//! each lookup, without waiting: the kernel queues them when the family
//! changes, before `insmod` or `rmmod` returns, so a lookup made after the
//! change sees it.

use super::ctrl::{CtrlChange, CtrlNotify, Family};
use crate::engine::{Conn, Transport};
use crate::error::{Error, Result};
use crate::socket::Netns;
use crate::sub::{Item, Subscription};
use std::collections::{HashMap, HashSet};

/// Families by name, kept current; see the module docs.
#[derive(Debug)]
pub struct FamilyCache {
    notify: Subscription<CtrlNotify>,
    known: HashMap<String, Family>,
    /// Asked for, but to be resolved afresh (its groups changed).
    stale: HashSet<String>,
    gone: HashSet<String>,
    changes: u64,
    lookups: u64,
}

impl FamilyCache {
    /// A cache for the calling thread's network namespace.
    pub fn open() -> Result<Self> {
        Ok(Self::new(Subscription::open(CtrlNotify)?))
    }

    /// A cache for network namespace `netns`.
    pub fn open_in(netns: Netns<'_>) -> Result<Self> {
        Ok(Self::new(Subscription::open_in(netns, CtrlNotify)?))
    }

    fn new(notify: Subscription<CtrlNotify>) -> Self {
        FamilyCache {
            notify,
            known: HashMap::new(),
            stale: HashSet::new(),
            gone: HashSet::new(),
            changes: 0,
            lookups: 0,
        }
    }

    /// The family called `name`: from the cache when it is current,
    /// resolved over `conn` otherwise. A family that was known and went
    /// away is [`Error::FamilyGone`]; one never seen is
    /// [`Error::FamilyNotFound`].
    pub fn get<T: Transport>(&mut self, conn: &mut Conn<T>, name: &str) -> Result<&Family> {
        self.follow()?;
        if !self.known.contains_key(name) {
            self.lookups += 1;
            match conn.resolve_family(name) {
                Ok(f) => {
                    self.gone.remove(name);
                    self.stale.remove(name);
                    self.known.insert(name.to_string(), f);
                }
                Err(Error::FamilyNotFound { .. }) if self.gone.contains(name) => {
                    return Err(Error::FamilyGone { name: name.to_string() });
                }
                Err(e) => return Err(e),
            }
        }
        self.known.get(name).ok_or(Error::FamilyNotFound { name: name.to_string() })
    }

    /// How many registrations and unregistrations the cache has followed.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// How many times the cache asked the controller (`CTRL_CMD_GETFAMILY`):
    /// once per family, and again only after it changed.
    pub fn lookups(&self) -> u64 {
        self.lookups
    }

    /// Applies the notifications queued so far. After an overrun nothing
    /// cached can be trusted: it is all resolved again on next use.
    fn follow(&mut self) -> Result<()> {
        while let Some(batch) = self.notify.try_recv()? {
            for item in batch {
                match item {
                    Item::Event { event, .. } => {
                        let name = event.family.name.clone();
                        match event.change {
                            CtrlChange::DelFamily => {
                                let asked = self.known.remove(&name).is_some();
                                if self.stale.remove(&name) || asked {
                                    self.gone.insert(name);
                                }
                                self.changes += 1;
                            }
                            CtrlChange::NewFamily => {
                                // Only families asked for are kept.
                                let asked = self.known.contains_key(&name)
                                    || self.stale.remove(&name)
                                    || self.gone.remove(&name);
                                if asked {
                                    self.known.insert(name, event.family);
                                }
                                self.changes += 1;
                            }
                            // A group change: the family is resolved afresh
                            // on next use, with its groups as they are.
                            CtrlChange::NewGroup | CtrlChange::DelGroup => {
                                if self.known.remove(&name).is_some() {
                                    self.stale.insert(name);
                                }
                            }
                            CtrlChange::Other(_) => {}
                        }
                    }
                    Item::Overrun => {
                        let names: Vec<String> = self.known.drain().map(|(n, _)| n).collect();
                        self.stale.extend(names);
                    }
                    Item::Refused { .. } | Item::Malformed(_) => {}
                }
            }
        }
        Ok(())
    }
}
