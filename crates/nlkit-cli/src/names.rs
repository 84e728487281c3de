//! The interface-name cache every command that prints links uses: what
//! one link dump says of each interface (name, alternative names, flags,
//! queue length), as ip's `ll_map` keeps it.

use nlkit::rtnl::link::Link;
use std::collections::HashMap;

/// What one link dump says about every interface, as `ip`'s name cache
/// (`ll_map`) keeps it: names, alternative names, flags (for `@peer`,
/// `master`, `M-DOWN`) and queue lengths by index, and whether any link's
/// parent lives in another namespace.
#[derive(Debug, Default, Clone)]
pub struct LinkNames {
    by_index: HashMap<u32, Known>,
    pub any_netnsid: bool,
}

/// One interface of [`LinkNames`].
#[derive(Debug, Default, Clone)]
struct Known {
    name: String,
    alt_names: Vec<String>,
    flags: u32,
    txqlen: Option<u32>,
}

impl LinkNames {
    /// The name of interface `index`, `ifN` if there is none (as `ip`
    /// prints an index it cannot name).
    pub fn name(&self, index: u32) -> std::borrow::Cow<'_, str> {
        match self.by_index.get(&index) {
            Some(k) => k.name.as_str().into(),
            None => format!("if{index}").into(),
        }
    }

    /// The `IFF_*` flags of interface `index` (0 if unknown, as `ip` has it).
    pub fn flags(&self, index: u32) -> u32 {
        self.by_index.get(&index).map_or(0, |k| k.flags)
    }

    /// The transmit queue length of interface `index`, if known.
    pub fn txqlen(&self, index: u32) -> Option<u32> {
        self.by_index.get(&index).and_then(|k| k.txqlen)
    }

    /// Records (or updates) the interface `l` describes.
    pub fn record(&mut self, l: &Link<'_>) {
        let known = Known {
            name: l.name.unwrap_or_default().to_owned(),
            alt_names: l.alt_names().map(str::to_owned).collect(),
            flags: l.header.flags,
            txqlen: l.txqlen,
        };
        self.by_index.insert(l.index(), known);
        self.any_netnsid |= l.link_netnsid.is_some();
    }

    /// Forgets interface `index`.
    pub fn remove(&mut self, index: u32) {
        self.by_index.remove(&index);
    }

    /// Every interface: index and name.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        self.by_index.iter().map(|(i, k)| (*i, k.name.as_str()))
    }

    /// Whether interface `index` is known.
    pub fn contains(&self, index: u32) -> bool {
        self.by_index.contains_key(&index)
    }

    /// The index of the interface called `name`, or else of the one with
    /// that alternative name (as the kernel resolves either).
    pub fn index(&self, name: &str) -> Option<u32> {
        let mut all = self.by_index.iter();
        let found = all.clone().find(|(_, k)| k.name == name);
        found.or_else(|| all.find(|(_, k)| k.alt_names.iter().any(|n| n == name))).map(|(i, _)| *i)
    }
}
