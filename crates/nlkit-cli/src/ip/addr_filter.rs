//! The selectors of `nlkit address show|flush`, as `ip`'s `struct
//! link_filter` holds them and `print_addrinfo`/`ipaddr_filter` apply
//! them: device, `up`, `scope`, address flags, `label` (an fnmatch(3)
//! pattern), `to PREFIX`, and for `show` the link's `master`, `type` and
//! `group`.

use super::addr_words::{self, inet_prefix, prefix_matches};
use super::route_args::invarg;
use super::LinkNames;
use crate::grammar::tables::ADDR_SHOW_CMD;
use crate::grammar::walk::Walk;
use crate::report;
use crate::words::Args;
use anyhow::{bail, Result};
use nlkit::rtnl::addr::Address;
use nlkit::rtnl::names;
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::AF_UNSPEC;
use std::net::IpAddr;

/// The selectors of `show` and `flush`, as `ip`'s `struct link_filter`.
#[derive(Debug, Default)]
pub struct Filter {
    /// The family asked for (`-4`, `-6`), or else the `to` prefix's.
    pub family: u8,
    /// The device (0: any).
    pub index: u32,
    pub up: bool,
    scope: u8,
    scope_mask: u8,
    pub flags: u32,
    pub flag_mask: u32,
    pub label: Option<String>,
    to: Option<(IpAddr, u8)>,
    /// Link selectors (`show` only): the master's index, the kind, the
    /// master's kind (`type KIND_slave`), the group.
    master: Option<u32>,
    /// The device and the master by name, as the words give them.
    dev: Option<String>,
    master_name: Option<String>,
    kind: Option<String>,
    slave_kind: Option<String>,
    group: Option<u32>,
}

/// `address show|flush`: the rows of `grammar::tables::ADDR_SHOW_CMD`
/// (`ipaddr_list_flush_or_save`'s order, whole words); any other word is a
/// flag selector (`get_filter`) or the device.
pub static WALK: Walk<Filter> = Walk {
    name: "address show",
    cmd: &ADDR_SHOW_CMD,
    apply: &[
        ("to", Filter::to),
        ("scope", Filter::scope),
        ("up", |f, _| {
            f.up = true;
            Ok(())
        }),
        ("label", |f, v| {
            f.label = Some(v.to_string());
            Ok(())
        }),
        ("group", |f, v| {
            let groups = super::link_print::read_groups();
            let id = super::link_print::parse_group(&groups, v);
            f.group = Some(id.ok_or_else(|| invarg("Invalid \"group\" value", v))?);
            Ok(())
        }),
        ("master", |f, v| {
            f.master_name = Some(v.to_string());
            Ok(())
        }),
        ("type", |f, v| {
            match v.strip_suffix("_slave") {
                Some(master_kind) => f.slave_kind = Some(master_kind.into()),
                None => f.kind = Some(v.into()),
            }
            Ok(())
        }),
        ("dev", Filter::dev),
    ],
    more: &[],
    other: Some(|f, rest| match f.flag_word(rest.word()) {
        true => Ok(()),
        false => f.dev(rest.word()),
    }),
    stop: &[],
};

impl Filter {
    /// Reads `[dev] NAME`, `up`, `scope S|all`, `label PATTERN`, `to
    /// PREFIX`, flags (`permanent`, `dynamic`, `secondary`, `primary`,
    /// `[-]FLAG`) and the link selectors (the walk), then resolves the
    /// device and the master with `links`.
    pub fn parse(a: &mut Args, family: u8, links: &LinkNames) -> Result<Filter> {
        let mut f = Filter { family, ..Filter::default() };
        let words: Vec<String> = a.by_ref().collect();
        WALK.run(&words, &mut f)?;
        if let Some(m) = &f.master_name {
            let index = links.index(m);
            f.master = Some(index.ok_or_else(|| invarg("Device does not exist", m))?);
        }
        if let Some(name) = &f.dev {
            let index = links.index(name);
            f.index =
                index.ok_or_else(|| report::plain(format!("Device \"{name}\" does not exist.")))?;
        }
        Ok(f)
    }

    /// The device (`dev NAME`, or a word no keyword matches).
    fn dev(&mut self, name: &str) -> Result<()> {
        if self.dev.replace(name.to_string()).is_some() {
            bail!("either \"dev\" is duplicate, or \"{name}\" is a garbage.");
        }
        Ok(())
    }

    /// `to PREFIX`, which also sets the family if none was asked for.
    fn to(&mut self, v: &str) -> Result<()> {
        // ip's get_prefix: its message for what is no prefix at all.
        super::route_args::Prefix::parse(v, self.family)?;
        let p = inet_prefix(v, self.family).ok_or_else(|| invarg("invalid \"to\"", v))?;
        if self.family == AF_UNSPEC {
            self.family = nlkit::rtnl::family_of(&p.addr);
        }
        self.to = Some((p.addr, p.len));
        Ok(())
    }

    /// `scope NAME|NUMBER|all`.
    fn scope(&mut self, v: &str) -> Result<()> {
        (self.scope, self.scope_mask) = match names::parse_route_scope(v) {
            Some(s) => (s, 0xff),
            None if v == "all" => (RT_SCOPE_NOWHERE, 0),
            None => return Err(invarg("invalid \"scope\"", v)),
        };
        Ok(())
    }

    /// A flag selector (`get_filter`); false if `w` is none.
    fn flag_word(&mut self, w: &str) -> bool {
        let (mut inverted, mut name) = match w.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, w),
        };
        match name {
            "dynamic" => (inverted, name) = (!inverted, "permanent"),
            "primary" => (inverted, name) = (!inverted, "secondary"),
            _ => {}
        }
        let Some(flag) = addr_words::flag_word(name) else { return false };
        if inverted {
            self.flags &= !flag.mask;
        } else {
            self.flags |= flag.mask;
        }
        self.flag_mask |= flag.mask;
        true
    }

    /// Whether a link selector (`master`, `type`, `group`) was given.
    pub fn selects_links(&self) -> bool {
        self.master.is_some()
            || self.kind.is_some()
            || self.slave_kind.is_some()
            || self.group.is_some()
    }

    /// Whether link `l` passes the link selectors (`print_linkinfo`'s).
    pub fn link_matches(&self, l: &nlkit::rtnl::link::Link<'_>) -> bool {
        let info = l.linkinfo.as_ref();
        self.master.is_none_or(|m| l.master == Some(m))
            && self.kind.as_ref().is_none_or(|k| info.and_then(|i| i.kind) == Some(k.as_str()))
            && self.slave_kind.as_ref().is_none_or(|k| info.and_then(|i| i.slave_kind) == Some(k))
            && self.group.is_none_or(|g| l.group == Some(g))
    }

    /// Whether no selector narrows anything down (the family aside): every
    /// address of every device passes.
    pub fn selects_all(&self) -> bool {
        self.index == 0
            && !self.up
            && self.scope_mask == 0
            && self.flag_mask == 0
            && self.label.is_none()
            && self.to.is_none()
    }

    /// Whether `flush` deletes primary addresses only (`primary`, `-secondary`).
    pub fn primary_only(&self) -> bool {
        self.flag_mask & IFA_F_SECONDARY != 0 && self.flags & IFA_F_SECONDARY == 0
    }

    /// Whether `show` lists link `index` (`ipaddr_filter`): when one of its
    /// addresses passes, or it has none at all and no family is asked for.
    pub fn lists(&self, index: u32, addrs: &[Address<'_>], links: &LinkNames) -> bool {
        let mut own = addrs.iter().filter(|a| a.index() == index).peekable();
        let missing = own.peek().is_none();
        own.any(|a| self.passes(a, links)) || missing && self.family == AF_UNSPEC
    }

    /// Whether `a` passes the selectors (all but `up`, which is the link's).
    pub fn passes(&self, a: &Address<'_>, links: &LinkNames) -> bool {
        if self.index != 0 && a.index() != self.index
            || (self.scope ^ a.scope()) & self.scope_mask != 0
            || (self.flags ^ a.flags) & self.flag_mask != 0
            || self.family != AF_UNSPEC && self.family != a.family()
        {
            return false;
        }
        if let Some(pattern) = &self.label {
            let label = a.label.map_or_else(|| links.name(a.index()), Into::into);
            if !fnmatch(pattern.as_bytes(), label.as_bytes()) {
                return false;
            }
        }
        match (self.to, a.local_address()) {
            (Some((prefix, len)), Some(local)) => prefix_matches(local, prefix, len),
            _ => true,
        }
    }
}

/// fnmatch(3) with no flags: `*`, `?`, `[...]` (with `!` or `^` and
/// ranges) and `\` escapes.
fn fnmatch(p: &[u8], s: &[u8]) -> bool {
    match p.first() {
        None => s.is_empty(),
        Some(b'*') => (0..=s.len()).any(|i| fnmatch(&p[1..], &s[i..])),
        Some(b'?') => !s.is_empty() && fnmatch(&p[1..], &s[1..]),
        Some(b'[') => match (bracket(&p[1..]), s.first()) {
            (Some((set, negated, rest)), Some(&c)) => {
                set_has(set, c) != negated && fnmatch(rest, &s[1..])
            }
            (Some(_), None) => false,
            (None, _) => s.first() == Some(&b'[') && fnmatch(&p[1..], &s[1..]),
        },
        Some(b'\\') if p.len() > 1 => s.first() == Some(&p[1]) && fnmatch(&p[2..], &s[1..]),
        Some(c) => s.first() == Some(c) && fnmatch(&p[1..], &s[1..]),
    }
}

/// A bracket expression after its `[`: (the set, negated, the rest of the
/// pattern), or `None` if it is not closed.
fn bracket(p: &[u8]) -> Option<(&[u8], bool, &[u8])> {
    let negated = matches!(p.first(), Some(b'!' | b'^'));
    let body = &p[negated as usize..];
    // A `]` first is part of the set.
    let close = body.iter().skip(1).position(|&c| c == b']')? + 1;
    Some((&body[..close], negated, &body[close + 1..]))
}

/// Whether a bracket expression's set (characters and `a-z` ranges) has `c`.
fn set_has(set: &[u8], c: u8) -> bool {
    let mut i = 0;
    while i < set.len() {
        if i + 2 < set.len() && set[i + 1] == b'-' {
            if (set[i]..=set[i + 2]).contains(&c) {
                return true;
            }
            i += 3;
        } else {
            if set[i] == c {
                return true;
            }
            i += 1;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnmatch_globs_as_libc() {
        assert!(fnmatch(b"v0*", b"v0:1"));
        assert!(fnmatch(b"v0*", b"v0"));
        assert!(!fnmatch(b"v0:*", b"v0"));
        assert!(fnmatch(b"eth?", b"eth1"));
        assert!(fnmatch(b"eth[0-2]", b"eth2"));
        assert!(!fnmatch(b"eth[!0-2]", b"eth2"));
        assert!(fnmatch(b"a[]]b", b"a]b"));
        assert!(fnmatch(b"a\\*", b"a*"));
        assert!(!fnmatch(b"a\\*", b"ab"));
        assert!(fnmatch(b"[x", b"[x"));
    }

    #[test]
    fn flag_selectors() {
        let mut f = Filter::default();
        assert!(f.flag_word("dynamic"));
        assert_eq!((f.flags, f.flag_mask), (0, IFA_F_PERMANENT));
        assert!(f.flag_word("-tentative"));
        assert!(f.flag_word("secondary"));
        assert_eq!(f.flags, IFA_F_SECONDARY);
        assert!(!f.flag_word("bogus"));
        assert!(!f.primary_only());
        assert!(f.flag_word("primary"));
        assert!(f.primary_only());
    }
}
