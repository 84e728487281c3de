//! The interface-name cache every command that prints links uses: what
//! one link dump says of each interface (name, alternative names, flags,
//! queue length), as ip's `ll_map` keeps it.

use nlkit::rtnl::link::Link;

/// What one link dump says about every interface, as `ip`'s name cache
/// (`ll_map`) keeps it: names, alternative names, flags (for `@peer`,
/// `master`, `M-DOWN`) and queue lengths by index, and whether any link's
/// parent lives in another namespace.
#[derive(Debug, Default, Clone)]
pub struct LinkNames {
    /// By index, in index order: a dump delivers links in that order, so
    /// recording is a push and a lookup a binary search (20,000 links: no
    /// hashing, no rehashing).
    by_index: Vec<(u32, Known)>,
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
    fn get(&self, index: u32) -> Option<&Known> {
        let at = self.by_index.binary_search_by_key(&index, |(i, _)| *i).ok()?;
        Some(&self.by_index[at].1)
    }

    /// The name of interface `index`, `ifN` if there is none (as `ip`
    /// prints an index it cannot name).
    pub fn name(&self, index: u32) -> std::borrow::Cow<'_, str> {
        match self.get(index) {
            Some(k) => k.name.as_str().into(),
            None => format!("if{index}").into(),
        }
    }

    /// The `IFF_*` flags of interface `index` (0 if unknown, as `ip` has it).
    pub fn flags(&self, index: u32) -> u32 {
        self.get(index).map_or(0, |k| k.flags)
    }

    /// The transmit queue length of interface `index`, if known.
    pub fn txqlen(&self, index: u32) -> Option<u32> {
        self.get(index).and_then(|k| k.txqlen)
    }

    /// Records (or updates) the interface `l` describes.
    pub fn record(&mut self, l: &Link<'_>) {
        let known = Known {
            name: l.name.unwrap_or_default().to_owned(),
            alt_names: l.alt_names().map(str::to_owned).collect(),
            flags: l.header.flags,
            txqlen: l.txqlen,
        };
        self.any_netnsid |= l.link_netnsid.is_some();
        let index = l.index();
        match self.by_index.last() {
            Some((last, _)) if *last >= index => {
                match self.by_index.binary_search_by_key(&index, |(i, _)| *i) {
                    Ok(at) => self.by_index[at].1 = known,
                    Err(at) => self.by_index.insert(at, (index, known)),
                }
            }
            _ => self.by_index.push((index, known)),
        }
    }

    /// Forgets interface `index`.
    pub fn remove(&mut self, index: u32) {
        if let Ok(at) = self.by_index.binary_search_by_key(&index, |(i, _)| *i) {
            self.by_index.remove(at);
        }
    }

    /// Every interface: index and name, in index order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        self.by_index.iter().map(|(i, k)| (*i, k.name.as_str()))
    }

    /// Whether interface `index` is known.
    pub fn contains(&self, index: u32) -> bool {
        self.get(index).is_some()
    }

    /// The index of the interface called `name`, or else of the one with
    /// that alternative name (as the kernel resolves either).
    pub fn index(&self, name: &str) -> Option<u32> {
        let mut all = self.by_index.iter();
        let found = all.clone().find(|(_, k)| k.name == name);
        found.or_else(|| all.find(|(_, k)| k.alt_names.iter().any(|n| n == name))).map(|(i, _)| *i)
    }
}
