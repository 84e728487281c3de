//! Names of rtnetlink values as iproute2 6.1 prints and parses them, for a
//! command line and JSON that read like `ip`'s.
//!
//! The tables follow iproute2's `lib/rt_names.c` (protocols, scopes,
//! tables), `ip/rtm_map.c` (route types), `lib/ll_types.c` (`link_type`),
//! `ip/ipaddress.c` (link flags, operstate, link mode, address flags) and
//! `ip/ipneigh.c` (neighbour states and flags); the values come from
//! [`uapi`](super::uapi). A value without a name prints as its number, as
//! `ip` prints it.
//!
//! The free functions know what `ip` knows on a system with iproute2's
//! stock configuration files (`/etc/iproute2/rt_protos`, `rt_tables`,
//! `rt_scopes`). [`Db`] reads those files (and their `.d/*.conf`
//! directories) as `ip` does, for names a system adds, such as its own
//! routing tables.
//!
//! Sets of flags are named by [`FlagNames`], an iterator in `ip`'s order
//! that also gives the bits it has no name for. Nothing here allocates
//! except the text of a number with no name.

use super::uapi::*;
use std::borrow::Cow;
use std::path::Path;

/// Looks `v` up in a table of `(value, name)`.
fn lookup<T: PartialEq + Copy>(table: &'static [(T, &'static str)], v: T) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == v).map(|(_, n)| *n)
}

/// Looks a name up in a table of `(value, name)`.
fn reverse<T: Copy>(table: &'static [(T, &'static str)], name: &str) -> Option<T> {
    table.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
}

/// Looks a name up in a table of `(value, name)`, in any case.
fn reverse_any_case<T: Copy>(table: &'static [(T, &'static str)], name: &str) -> Option<T> {
    table.iter().find(|(_, n)| n.eq_ignore_ascii_case(name)).map(|(k, _)| *k)
}

/// A number as `strtoul(s, &end, 0)` reads it when all of `s` is used:
/// decimal, `0x` hexadecimal or `0` octal.
fn c_number(s: &str) -> Option<u64> {
    let (digits, radix) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => (hex, 16),
        None if s.len() > 1 && s.starts_with('0') => (&s[1..], 8),
        None => (s, 10),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Whether `arg` is a non-empty prefix of `word` (iproute2's `matches`).
fn matches(arg: &str, word: &str) -> bool {
    !arg.is_empty() && word.starts_with(arg)
}

fn name_or_number<T: std::fmt::Display>(name: Option<&'static str>, v: T) -> Cow<'static, str> {
    name.map_or_else(|| Cow::Owned(v.to_string()), Cow::Borrowed)
}

// Route protocols, scopes, types and tables.

/// Protocol names built into `ip` (`rtnl_rtprot_tab`).
const PROTOCOLS_BUILTIN: &[(u8, &str)] = &[
    (RTPROT_UNSPEC, "unspec"),
    (RTPROT_REDIRECT, "redirect"),
    (RTPROT_KERNEL, "kernel"),
    (RTPROT_BOOT, "boot"),
    (RTPROT_STATIC, "static"),
    (RTPROT_GATED, "gated"),
    (RTPROT_RA, "ra"),
    (RTPROT_MRT, "mrt"),
    (RTPROT_ZEBRA, "zebra"),
    (RTPROT_BIRD, "bird"),
    (RTPROT_DNROUTED, "dnrouted"),
    (RTPROT_XORP, "xorp"),
    (RTPROT_NTK, "ntk"),
    (RTPROT_DHCP, "dhcp"),
    (RTPROT_KEEPALIVED, "keepalived"),
    (RTPROT_BABEL, "babel"),
    (RTPROT_BGP, "bgp"),
    (RTPROT_ISIS, "isis"),
    (RTPROT_OSPF, "ospf"),
    (RTPROT_RIP, "rip"),
    (RTPROT_EIGRP, "eigrp"),
];

/// What iproute2's stock `/etc/iproute2/rt_protos` adds to the built-in names.
const PROTOCOLS_STOCK: &[(u8, &str)] = &[(RTPROT_OPENR, "openr")];

/// Scope names (`rtnl_rtscope_tab`; the stock `rt_scopes` repeats them).
const SCOPES: &[(u8, &str)] = &[
    (RT_SCOPE_UNIVERSE, "global"),
    (RT_SCOPE_SITE, "site"),
    (RT_SCOPE_LINK, "link"),
    (RT_SCOPE_HOST, "host"),
    (RT_SCOPE_NOWHERE, "nowhere"),
];

/// Table names built into `ip`.
const TABLES_BUILTIN: &[(u32, &str)] =
    &[(RT_TABLE_DEFAULT, "default"), (RT_TABLE_MAIN, "main"), (RT_TABLE_LOCAL, "local")];

/// What the stock `/etc/iproute2/rt_tables` adds.
const TABLES_STOCK: &[(u32, &str)] = &[(RT_TABLE_UNSPEC, "unspec")];

/// Route type names (`rtnl_rtntype_n2a`).
const ROUTE_TYPES: &[(u8, &str)] = &[
    (RTN_UNSPEC, "none"),
    (RTN_UNICAST, "unicast"),
    (RTN_LOCAL, "local"),
    (RTN_BROADCAST, "broadcast"),
    (RTN_ANYCAST, "anycast"),
    (RTN_MULTICAST, "multicast"),
    (RTN_BLACKHOLE, "blackhole"),
    (RTN_UNREACHABLE, "unreachable"),
    (RTN_PROHIBIT, "prohibit"),
    (RTN_THROW, "throw"),
    (RTN_NAT, "nat"),
    (RTN_XRESOLVE, "xresolve"),
];

fn stock_protocol(p: u8) -> Option<&'static str> {
    lookup(PROTOCOLS_BUILTIN, p).or_else(|| lookup(PROTOCOLS_STOCK, p))
}

fn stock_table(id: u32) -> Option<&'static str> {
    lookup(TABLES_BUILTIN, id).or_else(|| lookup(TABLES_STOCK, id))
}

/// A route protocol (`RTPROT_*`, e.g. `"kernel"`, `"dhcp"`), or its number.
pub fn route_protocol(p: u8) -> Cow<'static, str> {
    name_or_number(stock_protocol(p), p)
}

/// The protocol a name or number (decimal, `0x` hex, `0` octal) stands for.
pub fn parse_route_protocol(s: &str) -> Option<u8> {
    (0..=u8::MAX).find(|&p| stock_protocol(p) == Some(s)).or_else(|| small(s))
}

fn small(s: &str) -> Option<u8> {
    c_number(s).and_then(|n| u8::try_from(n).ok())
}

/// A route scope (`RT_SCOPE_*`: `"global"`, `"site"`, `"link"`, `"host"`,
/// `"nowhere"`), or its number.
pub fn route_scope(scope: u8) -> Cow<'static, str> {
    name_or_number(lookup(SCOPES, scope), scope)
}

/// The scope a name or number stands for.
pub fn parse_route_scope(s: &str) -> Option<u8> {
    reverse(SCOPES, s).or_else(|| small(s))
}

/// A route type (`RTN_*`: `"unicast"`, `"local"`, ...; `"none"` for
/// `RTN_UNSPEC`), or its number.
pub fn route_type(t: u8) -> Cow<'static, str> {
    name_or_number(lookup(ROUTE_TYPES, t), t)
}

/// The route type a word stands for, as `ip route` reads it: `local`,
/// `nat` and `throw` in full, the others also abbreviated (`unreach`,
/// `b` for broadcast), `brd`, or a number.
pub fn parse_route_type(s: &str) -> Option<u8> {
    let t = match s {
        "local" => RTN_LOCAL,
        "nat" => RTN_NAT,
        "brd" => RTN_BROADCAST,
        "throw" => RTN_THROW,
        _ => {
            // ip tries these in this order, so "b" is broadcast.
            let abbreviable = [
                (RTN_BROADCAST, "broadcast"),
                (RTN_ANYCAST, "anycast"),
                (RTN_MULTICAST, "multicast"),
                (RTN_PROHIBIT, "prohibit"),
                (RTN_UNREACHABLE, "unreachable"),
                (RTN_BLACKHOLE, "blackhole"),
                (RTN_XRESOLVE, "xresolve"),
                (RTN_UNICAST, "unicast"),
            ];
            match abbreviable.iter().find(|(_, w)| matches(s, w)) {
                Some((t, _)) => *t,
                None => return small(s),
            }
        }
    };
    Some(t)
}

/// A routing table (`"local"`, `"main"`, `"default"`, `"unspec"`), or its number.
pub fn route_table(id: u32) -> Cow<'static, str> {
    name_or_number(stock_table(id), id)
}

/// The table a name or number stands for.
pub fn parse_route_table(s: &str) -> Option<u32> {
    reverse(TABLES_BUILTIN, s)
        .or_else(|| reverse(TABLES_STOCK, s))
        .or_else(|| c_number(s).and_then(|n| u32::try_from(n).ok()))
}

/// Names read from iproute2's configuration files over the built-in ones,
/// as `ip` reads them: `rt_protos`, `rt_tables` and `rt_scopes`, then every
/// `*.conf` in `rt_protos.d` and `rt_tables.d`. Lines are `ID NAME` (ID
/// decimal or `0x` hex); `#` starts a comment line; later lines win; a
/// malformed line ends the reading of its file, as in `ip`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Db {
    protocols: Vec<(u32, String)>,
    tables: Vec<(u32, String)>,
    scopes: Vec<(u32, String)>,
}

impl Db {
    /// Reads `/etc/iproute2`.
    pub fn load() -> Db {
        Db::load_from(Path::new("/etc/iproute2"))
    }

    /// Reads the files of directory `dir`; missing files are skipped.
    pub fn load_from(dir: &Path) -> Db {
        let owned = |t: &[(u8, &str)]| t.iter().map(|&(k, n)| (k as u32, n.to_owned())).collect();
        let mut db = Db {
            protocols: owned(PROTOCOLS_BUILTIN),
            tables: TABLES_BUILTIN.iter().map(|&(k, n)| (k, n.to_owned())).collect(),
            scopes: owned(SCOPES),
        };
        read_names(&dir.join("rt_protos"), &mut db.protocols);
        read_conf_dir(&dir.join("rt_protos.d"), &mut db.protocols);
        read_names(&dir.join("rt_tables"), &mut db.tables);
        read_conf_dir(&dir.join("rt_tables.d"), &mut db.tables);
        read_names(&dir.join("rt_scopes"), &mut db.scopes);
        db.protocols.retain(|(id, _)| *id <= u8::MAX as u32);
        db.scopes.retain(|(id, _)| *id <= u8::MAX as u32);
        db
    }

    /// Adds names from the text of one file in `ip`'s format.
    pub fn add_protocols(&mut self, text: &str) {
        parse_names(text, &mut self.protocols);
        self.protocols.retain(|(id, _)| *id <= u8::MAX as u32);
    }

    /// Adds table names from the text of one file in `ip`'s format.
    pub fn add_tables(&mut self, text: &str) {
        parse_names(text, &mut self.tables);
    }

    fn name(list: &[(u32, String)], id: u32) -> Option<&str> {
        list.iter().rev().find(|(k, _)| *k == id).map(|(_, n)| n.as_str())
    }

    /// The id `ip` finds for `name`: the lowest id (tables: by `id & 255`,
    /// then the latest line) whose current name it is.
    fn id(list: &[(u32, String)], name: &str) -> Option<u32> {
        let current = |i: usize, k: u32| !list[i + 1..].iter().any(|(k2, _)| *k2 == k);
        list.iter()
            .enumerate()
            .filter(|&(i, (k, n))| n == name && current(i, *k))
            .min_by_key(|&(i, (k, _))| (k & 0xff, std::cmp::Reverse(i)))
            .map(|(_, (k, _))| *k)
    }

    /// [`route_protocol`] with these names.
    pub fn route_protocol(&self, p: u8) -> Cow<'_, str> {
        Self::name(&self.protocols, p as u32).map_or_else(|| p.to_string().into(), Cow::Borrowed)
    }

    /// [`parse_route_protocol`] with these names.
    pub fn parse_route_protocol(&self, s: &str) -> Option<u8> {
        Self::id(&self.protocols, s).map(|id| id as u8).or_else(|| small(s))
    }

    /// [`route_table`] with these names.
    pub fn route_table(&self, id: u32) -> Cow<'_, str> {
        Self::name(&self.tables, id).map_or_else(|| id.to_string().into(), Cow::Borrowed)
    }

    /// [`parse_route_table`] with these names.
    pub fn parse_route_table(&self, s: &str) -> Option<u32> {
        Self::id(&self.tables, s).or_else(|| c_number(s).and_then(|n| u32::try_from(n).ok()))
    }

    /// [`route_scope`] with these names.
    pub fn route_scope(&self, scope: u8) -> Cow<'_, str> {
        Self::name(&self.scopes, scope as u32)
            .map_or_else(|| scope.to_string().into(), Cow::Borrowed)
    }

    /// [`parse_route_scope`] with these names.
    pub fn parse_route_scope(&self, s: &str) -> Option<u8> {
        Self::id(&self.scopes, s).map(|id| id as u8).or_else(|| small(s))
    }
}

fn read_names(path: &Path, into: &mut Vec<(u32, String)>) {
    if let Ok(text) = std::fs::read_to_string(path) {
        parse_names(&text, into);
    }
}

fn read_conf_dir(dir: &Path, into: &mut Vec<(u32, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with('.') && name.len() > 5 && name.ends_with(".conf") {
            read_names(&e.path(), into);
        }
    }
}

/// Reads `ID NAME` lines; stops at a malformed one, as `ip` does.
fn parse_names(text: &str, into: &mut Vec<(u32, String)>) {
    for line in text.lines() {
        let line = line.trim_start_matches([' ', '\t']);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let id = words.next().and_then(|w| match w.strip_prefix("0x") {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => w.parse::<i64>().ok().map(|v| v.clamp(-1, u32::MAX as i64) as u32),
        });
        match (id, words.next()) {
            (Some(id), Some(name)) if id <= i32::MAX as u32 => into.push((id, name.to_owned())),
            (Some(_), Some(_)) => {} // negative: skipped
            _ => return,
        }
    }
}

// Flags.

/// The names of the bits set in a flags word, in `ip`'s order; see
/// [`unnamed`](FlagNames::unnamed) for the rest.
#[derive(Debug, Clone)]
pub struct FlagNames {
    lead: Option<&'static str>,
    table: &'static [(u32, &'static str)],
    bits: u32,
    next: usize,
}

impl FlagNames {
    fn new(lead: Option<&'static str>, table: &'static [(u32, &'static str)], bits: u32) -> Self {
        FlagNames { lead, table, bits, next: 0 }
    }

    /// The bits no name covers (`ip` prints them in hex after the names).
    pub fn unnamed(&self) -> u32 {
        self.table.iter().fold(self.bits, |rest, (bit, _)| rest & !bit)
    }
}

impl Iterator for FlagNames {
    type Item = &'static str;

    fn next(&mut self) -> Option<&'static str> {
        if let Some(lead) = self.lead.take() {
            return Some(lead);
        }
        while let Some(&(bit, name)) = self.table.get(self.next) {
            self.next += 1;
            if self.bits & bit != 0 {
                return Some(name);
            }
        }
        None
    }
}

impl std::iter::FusedIterator for FlagNames {}

/// `IFF_*` in `print_link_flags` order.
const LINK_FLAGS: &[(u32, &str)] = &[
    (IFF_LOOPBACK, "LOOPBACK"),
    (IFF_BROADCAST, "BROADCAST"),
    (IFF_POINTOPOINT, "POINTOPOINT"),
    (IFF_MULTICAST, "MULTICAST"),
    (IFF_NOARP, "NOARP"),
    (IFF_ALLMULTI, "ALLMULTI"),
    (IFF_PROMISC, "PROMISC"),
    (IFF_MASTER, "MASTER"),
    (IFF_SLAVE, "SLAVE"),
    (IFF_DEBUG, "DEBUG"),
    (IFF_DYNAMIC, "DYNAMIC"),
    (IFF_AUTOMEDIA, "AUTOMEDIA"),
    (IFF_PORTSEL, "PORTSEL"),
    (IFF_NOTRAILERS, "NOTRAILERS"),
    (IFF_UP, "UP"),
    (IFF_LOWER_UP, "LOWER_UP"),
    (IFF_DORMANT, "DORMANT"),
    (IFF_ECHO, "ECHO"),
];

/// A link's `ifi_flags` as `ip link` lists them (`["LOOPBACK","UP","LOWER_UP"]`):
/// `NO-CARRIER` first when up without `IFF_RUNNING`, which is not named.
pub fn link_flags(flags: u32) -> FlagNames {
    let no_carrier = flags & IFF_UP != 0 && flags & IFF_RUNNING == 0;
    FlagNames::new(no_carrier.then_some("NO-CARRIER"), LINK_FLAGS, flags & !IFF_RUNNING)
}

/// The `IFF_*` bit a name (`"UP"`, `"NOARP"`, ...) stands for.
pub fn parse_link_flag(s: &str) -> Option<u32> {
    reverse(LINK_FLAGS, s).or((s == "RUNNING").then_some(IFF_RUNNING))
}

const OPER_STATES: &[(u8, &str)] = &[
    (IF_OPER_UNKNOWN, "UNKNOWN"),
    (IF_OPER_NOTPRESENT, "NOTPRESENT"),
    (IF_OPER_DOWN, "DOWN"),
    (IF_OPER_LOWERLAYERDOWN, "LOWERLAYERDOWN"),
    (IF_OPER_TESTING, "TESTING"),
    (IF_OPER_DORMANT, "DORMANT"),
    (IF_OPER_UP, "UP"),
];

/// An operational state (`IF_OPER_*`: `"UP"`, `"DOWN"`, ...), or its number
/// (which `ip -j` prints under `operstate_index` instead).
pub fn oper_state(state: u8) -> Cow<'static, str> {
    name_or_number(lookup(OPER_STATES, state), state)
}

/// The operational state a name stands for, in any case.
pub fn parse_oper_state(s: &str) -> Option<u8> {
    reverse_any_case(OPER_STATES, s)
}

const LINK_MODES: &[(u8, &str)] = &[
    (IF_LINK_MODE_DEFAULT, "DEFAULT"),
    (IF_LINK_MODE_DORMANT, "DORMANT"),
    (IF_LINK_MODE_TESTING, "TESTING"),
];

/// A link mode (`IF_LINK_MODE_*`), or its number. `ip` 6.1 knows only
/// `DEFAULT` and `DORMANT`, and prints other modes as a number under
/// `linkmode_index`; `TESTING` is the kernel's name for mode 2.
pub fn link_mode(mode: u8) -> Cow<'static, str> {
    name_or_number(lookup(LINK_MODES, mode), mode)
}

/// The link mode a name stands for, in any case.
pub fn parse_link_mode(s: &str) -> Option<u8> {
    reverse_any_case(LINK_MODES, s)
}

mod link_types;
pub use link_types::{link_type, parse_link_type};

/// `IFA_F_*` in `print_ifa_flags` order for IPv4, with `IFA_F_PERMANENT`
/// standing for its absence ("dynamic"; see [`addr_flags`]).
const ADDR_FLAGS_V4: &[(u32, &str)] = &[
    (IFA_F_SECONDARY, "secondary"),
    (IFA_F_NODAD, "nodad"),
    (IFA_F_OPTIMISTIC, "optimistic"),
    (IFA_F_DADFAILED, "dadfailed"),
    (IFA_F_HOMEADDRESS, "home"),
    (IFA_F_DEPRECATED, "deprecated"),
    (IFA_F_TENTATIVE, "tentative"),
    (IFA_F_PERMANENT, "dynamic"),
    (IFA_F_MANAGETEMPADDR, "mngtmpaddr"),
    (IFA_F_NOPREFIXROUTE, "noprefixroute"),
    (IFA_F_MCAUTOJOIN, "autojoin"),
    (IFA_F_STABLE_PRIVACY, "stable-privacy"),
];

/// The same for IPv6, where `IFA_F_SECONDARY` is `IFA_F_TEMPORARY`.
const ADDR_FLAGS_V6: &[(u32, &str)] = &[
    (IFA_F_TEMPORARY, "temporary"),
    (IFA_F_NODAD, "nodad"),
    (IFA_F_OPTIMISTIC, "optimistic"),
    (IFA_F_DADFAILED, "dadfailed"),
    (IFA_F_HOMEADDRESS, "home"),
    (IFA_F_DEPRECATED, "deprecated"),
    (IFA_F_TENTATIVE, "tentative"),
    (IFA_F_PERMANENT, "dynamic"),
    (IFA_F_MANAGETEMPADDR, "mngtmpaddr"),
    (IFA_F_NOPREFIXROUTE, "noprefixroute"),
    (IFA_F_MCAUTOJOIN, "autojoin"),
    (IFA_F_STABLE_PRIVACY, "stable-privacy"),
];

/// The names `ip -j addr` gives an address's flags (`IFA_FLAGS`, or the
/// header's `ifa_flags`), each a key set to `true`: `"dynamic"` when
/// `IFA_F_PERMANENT` is *not* set (`"permanent"` is never printed),
/// `"temporary"` for `IFA_F_SECONDARY` on IPv6, `"secondary"` on IPv4.
/// `ip` prints the [`unnamed`](FlagNames::unnamed) rest as `"ifa_flags"`
/// in hex.
pub fn addr_flags(family: u8, flags: u32) -> FlagNames {
    let table = if family == super::AF_INET6 { ADDR_FLAGS_V6 } else { ADDR_FLAGS_V4 };
    FlagNames::new(None, table, flags ^ IFA_F_PERMANENT)
}

/// `ip`'s address flag words (`lookup_flag_data_by_name`).
const ADDR_FLAG_WORDS: &[(u32, &str)] = &[
    (IFA_F_SECONDARY, "secondary"),
    (IFA_F_TEMPORARY, "temporary"),
    (IFA_F_NODAD, "nodad"),
    (IFA_F_OPTIMISTIC, "optimistic"),
    (IFA_F_DADFAILED, "dadfailed"),
    (IFA_F_HOMEADDRESS, "home"),
    (IFA_F_DEPRECATED, "deprecated"),
    (IFA_F_TENTATIVE, "tentative"),
    (IFA_F_PERMANENT, "permanent"),
    (IFA_F_MANAGETEMPADDR, "mngtmpaddr"),
    (IFA_F_NOPREFIXROUTE, "noprefixroute"),
    (IFA_F_MCAUTOJOIN, "autojoin"),
    (IFA_F_STABLE_PRIVACY, "stable-privacy"),
];

/// The `IFA_F_*` bit a word of `ip addr` stands for (`"nodad"`,
/// `"permanent"`, ...).
pub fn parse_addr_flag(s: &str) -> Option<u32> {
    reverse(ADDR_FLAG_WORDS, s)
}

/// `NUD_*` in `print_neigh_state` order.
const NEIGH_STATES: &[(u32, &str)] = &[
    (NUD_INCOMPLETE as u32, "INCOMPLETE"),
    (NUD_REACHABLE as u32, "REACHABLE"),
    (NUD_STALE as u32, "STALE"),
    (NUD_DELAY as u32, "DELAY"),
    (NUD_PROBE as u32, "PROBE"),
    (NUD_FAILED as u32, "FAILED"),
    (NUD_NOARP as u32, "NOARP"),
    (NUD_PERMANENT as u32, "PERMANENT"),
];

/// A neighbour's `ndm_state` as `ip -j neigh` lists it under `"state"`
/// (`["REACHABLE"]`), or `["NONE"]` for 0 (where `ip` prints no state).
pub fn neigh_states(state: u16) -> FlagNames {
    FlagNames::new((state == NUD_NONE).then_some("NONE"), NEIGH_STATES, state as u32)
}

/// The `NUD_*` state a word of `ip neigh ... nud STATE` stands for:
/// `permanent`, `reachable` and `failed` also abbreviated, `noarp`,
/// `none`, `stale`, `incomplete`, `delay`, `probe`, or one bit as a number.
pub fn parse_neigh_state(s: &str) -> Option<u16> {
    let state = match s {
        _ if matches(s, "permanent") => NUD_PERMANENT,
        _ if matches(s, "reachable") => NUD_REACHABLE,
        "noarp" => NUD_NOARP,
        "none" => NUD_NONE,
        "stale" => NUD_STALE,
        "incomplete" => NUD_INCOMPLETE,
        "delay" => NUD_DELAY,
        "probe" => NUD_PROBE,
        _ if matches(s, "failed") => NUD_FAILED,
        _ => {
            let n = c_number(s).filter(|&n| n < 0x100 && n & n.wrapping_sub(1) == 0)?;
            n as u16
        }
    };
    Some(state)
}

/// How far [`neigh_flags`] shifts `NDA_FLAGS_EXT` bits above `ndm_flags`
/// (as the kernel does inside).
pub const NTF_EXT_SHIFT: u32 = 8;

/// `NTF_*` in `ip neigh` order, then the others in `bridge fdb` order.
const NEIGH_FLAGS: &[(u32, &str)] = &[
    (NTF_ROUTER, "router"),
    (NTF_PROXY, "proxy"),
    (NTF_EXT_MANAGED << NTF_EXT_SHIFT, "managed"),
    (NTF_EXT_LEARNED, "extern_learn"),
    (NTF_OFFLOADED, "offload"),
    (NTF_SELF, "self"),
    (NTF_MASTER, "master"),
    (NTF_STICKY, "sticky"),
    (NTF_USE, "use"),
];

/// A neighbour's `ndm_flags` and `NDA_FLAGS_EXT` as `ip -j neigh` names
/// them (each a key set to `null`): `router`, `proxy`, `managed`,
/// `extern_learn`, `offload`; then `self`, `master`, `sticky`, `use` as
/// `bridge fdb` names them. [`unnamed`](FlagNames::unnamed) gives the rest
/// with extended flags shifted by [`NTF_EXT_SHIFT`] (so the top 8 of 32
/// extended bits, which no kernel defines, are not seen).
pub fn neigh_flags(flags: u8, ext: u32) -> FlagNames {
    let bits = flags as u32 | ext << NTF_EXT_SHIFT;
    FlagNames::new(None, NEIGH_FLAGS, bits)
}

/// The flag a name of [`neigh_flags`] stands for: `(ndm_flags bits, NDA_FLAGS_EXT bits)`.
pub fn parse_neigh_flag(s: &str) -> Option<(u8, u32)> {
    let bit = reverse(NEIGH_FLAGS, s)?;
    Some(((bit & 0xff) as u8, bit >> NTF_EXT_SHIFT))
}

#[cfg(test)]
mod tests;
