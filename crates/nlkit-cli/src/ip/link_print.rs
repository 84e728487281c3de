//! One link as `ip link show` and `ip address show` print it (iproute2
//! 6.1's `print_linkinfo` in `ip/ipaddress.c`, which both commands share),
//! in text or with `ip -j`'s keys, in `ip`'s order. [`Show`] says which of
//! the two commands prints, as `ip`'s `do_link` and `filter.family` do.

use super::link_kinds;
use super::link_stats;
use super::LinkNames;
use crate::out::printer::{LlAddr, Paint, Printer};
use nlkit::rtnl::link::{Link, OperState};
use nlkit::rtnl::names;
use nlkit::rtnl::uapi::*;
use serde_json::Value;
use std::collections::HashMap;

/// What printing a link needs besides the link.
pub struct Show<'a> {
    /// Names and flags of every interface, by index.
    pub names: &'a LinkNames,
    /// Names of the namespaces peers live in, by namespace id (text only).
    pub netns: &'a HashMap<i32, String>,
    /// Device group names (`/etc/iproute2/group`).
    pub groups: &'a [(u32, String)],
    /// `-d`.
    pub details: bool,
    /// `-s`, counted.
    pub stats: u8,
    /// Printing for `ip link` (`ip`'s `do_link`): the link mode, the alias,
    /// the IPv6 address generation mode (`-d`) and the statistics (`-s`)
    /// are printed. `ip address` prints the alias and nothing else of
    /// these with `-d`, and its statistics after the addresses.
    pub link_cmd: bool,
    /// The `link/TYPE ADDR brd ADDR` line: `ip` prints it unless a family
    /// is asked for (`-4`, `-6`, or an address filter's), or with `-d`.
    pub link_line: bool,
    /// The queue length (`qlen`): `ip link` and `ip address` print it
    /// (`filter.showqueue`), `ip monitor` does not.
    pub queue: bool,
    /// `-br`: one line of name, state (and, for `ip link`, the address and
    /// flags), as `print_linkinfo_brief` prints it.
    pub brief: bool,
}

/// Prints `l` into `p` (text without the final newline).
pub fn link(p: &mut Printer, l: &Link<'_>, s: &Show<'_>) {
    if s.brief {
        return brief(p, l, s);
    }
    let index = l.header.index;
    p.any("ifindex", || index.into(), format_args!("{index}: "));
    let mdown = name_and_link(p, l, s, false);
    flags(p, l.header.flags, mdown);
    head(p, l, s);
    if s.link_line {
        addresses(p, l);
    }
    netnsid(p, l, s);
    if l.proto_down == Some(true) {
        p.flag("proto_down", " protodown on ");
    }
    if s.details {
        details(p, l, s);
    }
    if let Some(alias) = l.ifalias.filter(|_| s.link_cmd || s.details) {
        p.fp_str("\n    ");
        p.any("ifalias", || alias.into(), format_args!("alias {alias}"));
    }
    if s.link_cmd && s.stats > 0 {
        p.nl();
        link_stats::print(p, l, s.stats);
    }
    altnames(p, l);
}

/// `print_linkinfo_brief`: `name@parent` padded to 16 columns, the
/// operational state padded to 14; for `ip link`, the address and flags.
fn brief(p: &mut Printer, l: &Link<'_>, s: &Show<'_>) {
    let mdown = name_and_link(p, l, s, true);
    if let Some(state) = l.operstate {
        let v = u8::from(state);
        if v > IF_OPER_UP {
            let h = crate::out::printer::CHex(v.into());
            p.any("operstate_index", || v.into(), format_args!("state {h}"));
        } else {
            let name = names::oper_state(v);
            let paint = Paint::oper_state(v);
            p.paint(paint, "operstate", || name.as_ref().into(), format_args!("{name:<14} "));
        }
    }
    if s.link_cmd {
        let ll = |bytes| LlAddr { bytes, link_type: l.header.link_type };
        if let Some(a) = l.address.map(ll) {
            p.paint(Paint::Mac, "address", || a.to_string().into(), format_args!("{a} "));
        }
        flags(p, l.header.flags, mdown);
    }
}

/// `print_name_and_link`: `name@parent` (`NAME: `, or padded to 16 columns
/// for `-br`), or `link`/`link_index` in JSON; returns whether the parent
/// is down (`M-DOWN`).
fn name_and_link(p: &mut Printer, l: &Link<'_>, s: &Show<'_>, padded: bool) -> bool {
    let name = l.name.unwrap_or_default();
    let (parent, mdown) = match l.link {
        None => (None, false),
        Some(0) => {
            p.js("link", || Value::Null);
            (Some("NONE".into()), false)
        }
        Some(i) if l.link_netnsid.is_some() => {
            p.js("link_index", || i.into());
            (Some(format!("if{i}").into()), false)
        }
        Some(i) => {
            let parent = s.names.name(i);
            p.js("link", || parent.as_ref().into());
            (Some(parent), s.names.flags(i) & IFF_UP == 0)
        }
    };
    let ifname = Paint::Ifname;
    match (parent, padded) {
        (Some(parent), false) if !p.is_json() => {
            p.paint_fp(ifname, format_args!("{name}@{parent}: "))
        }
        (Some(parent), true) if !p.is_json() => {
            // `{:<16}` of `name@parent`, without making that string.
            let pad = 16usize.saturating_sub(name.chars().count() + 1 + parent.chars().count());
            p.paint_fp(ifname, format_args!("{name}@{parent}{:pad$} ", ""))
        }
        (_, false) => p.paint(ifname, "ifname", || name.into(), format_args!("{name}: ")),
        (_, true) => p.paint(ifname, "ifname", || name.into(), format_args!("{name:<16} ")),
    }
    mdown
}

/// `print_link_flags`: `<BROADCAST,UP,...> `, or the `flags` array.
fn flags(p: &mut Printer, bits: u32, mdown: bool) {
    let named = names::link_flags(bits);
    let rest = named.unnamed();
    if p.is_json() {
        let mut words: Vec<Value> = named.map(Value::from).collect();
        if rest != 0 {
            words.push(format!("{rest:x}").into());
        }
        if mdown {
            words.push("M-DOWN".into());
        }
        p.js("flags", || words.into());
        return;
    }
    p.fp_str("<");
    for (i, name) in named.enumerate() {
        if i > 0 {
            p.fp_str(",");
        }
        p.fp_str(name);
    }
    if rest != 0 {
        let sep = if bits & !rest != 0 { "," } else { "" };
        p.fp(format_args!("{sep}{rest:x}"));
    }
    p.fp_str(if mdown { ",M-DOWN> " } else { "> " });
}

/// mtu, qdisc, master, state, mode, group, qlen.
fn head(p: &mut Printer, l: &Link<'_>, s: &Show<'_>) {
    if let Some(mtu) = l.mtu {
        p.uint("mtu", "mtu", mtu.into());
    }
    if let Some(q) = l.qdisc {
        p.string("qdisc", "qdisc", q);
    }
    if let Some(m) = l.master {
        p.string("master", "master", &s.names.name(m));
    }
    if let Some(state) = l.operstate {
        operstate(p, state);
    }
    match l.linkmode.filter(|_| s.link_cmd) {
        Some(m @ (IF_LINK_MODE_DEFAULT | IF_LINK_MODE_DORMANT)) => {
            p.string("linkmode", "mode", &names::link_mode(m))
        }
        Some(m) => p.int("linkmode_index", "mode", m.into()),
        None => {}
    }
    if let Some(g) = l.group {
        p.string("group", "group", &group_name(s.groups, g));
    }
    // A link message without IFLA_TXQLEN (the IPv6 view `ip -6 address`
    // dumps) makes `ip` ask with SIOCGIFTXQLEN: the length the name table
    // read from the full view.
    let txqlen = l.txqlen.or_else(|| s.names.txqlen(l.index())).filter(|_| s.queue);
    if let Some(q) = txqlen.filter(|&q| q != 0) {
        p.any("txqlen", || q.into(), format_args!("qlen {q}"));
    }
    if let Some(e) = l.event {
        event(p, e);
    }
}

/// `print_link_event`: why the kernel sent the notification.
fn event(p: &mut Printer, e: u32) {
    const EVENTS: [&str; 7] = [
        "NONE",
        "REBOOT",
        "FEATURE CHANGE",
        "BONDING FAILOVER",
        "NOTIFY PEERS",
        "RESEND IGMP",
        "BONDING OPTION",
    ];
    match EVENTS.get(e as usize) {
        None => p.int("event", "event", e.into()),
        Some(_) if e == u32::from(IFLA_EVENT_NONE) => {}
        Some(name) => p.string("event", "event", name),
    }
}

fn operstate(p: &mut Printer, state: OperState) {
    let v = u8::from(state);
    if v > IF_OPER_UP {
        let h = crate::out::printer::CHex(v.into());
        p.any("operstate_index", || v.into(), format_args!("state {h} "));
    } else {
        let name = names::oper_state(v);
        p.fp_str("state ");
        p.paint(
            Paint::oper_state(v),
            "operstate",
            || name.as_ref().into(),
            format_args!("{name} "),
        );
    }
}

/// A device group's name as `rtnl_group_n2a` finds it: the last line of
/// `/etc/iproute2/group` naming it, `default` for 0, else the number.
pub fn group_name(groups: &[(u32, String)], g: u32) -> std::borrow::Cow<'_, str> {
    let numeric = crate::out::naming::numeric();
    match groups.iter().rev().find(|(id, _)| *id == g).filter(|_| !numeric) {
        Some((_, n)) => n.as_str().into(),
        None if g == 0 && !numeric => "default".into(),
        None => (g as i32).to_string().into(),
    }
}

/// The second line: `link/TYPE ADDR brd|peer ADDR permaddr ADDR`.
fn addresses(p: &mut Printer, l: &Link<'_>) {
    let t = l.header.link_type;
    p.nl();
    let kind = crate::out::naming::link_type(t);
    p.any("link_type", || kind.as_ref().into(), format_args!("    link/{kind} "));
    let ll = |bytes| LlAddr { bytes, link_type: t };
    if let Some(a) = l.address.map(ll) {
        p.paint(Paint::Mac, "address", || a.to_string().into(), format_args!("{a}"));
    }
    if let Some(b) = l.broadcast.map(ll) {
        if l.header.flags & IFF_POINTOPOINT != 0 {
            p.fp_str(" peer ");
            p.js("link_pointtopoint", || true.into());
        } else {
            p.fp_str(" brd ");
        }
        p.paint(Paint::Mac, "broadcast", || b.to_string().into(), format_args!("{b}"));
    }
    if let Some(perm) = l.perm_address.filter(|&pa| Some(pa) != l.address) {
        let a = ll(perm);
        p.fp_str(" permaddr ");
        p.paint(Paint::Mac, "permaddr", || a.to_string().into(), format_args!("{a}"));
    }
}

/// `link-netns NAME` / `link-netnsid N` in text, `link_netnsid` in JSON.
fn netnsid(p: &mut Printer, l: &Link<'_>, s: &Show<'_>) {
    let Some(id) = l.link_netnsid else { return };
    p.js("link_netnsid", || id.into());
    match s.netns.get(&id) {
        _ if id < 0 => p.fp_str(" link-netnsid unknown"),
        Some(name) => p.fp(format_args!(" link-netns {name}")),
        None => p.fp(format_args!(" link-netnsid {id}")),
    }
}

/// What `-d` adds: promiscuity, MTU range, kind, queues, offload sizes.
fn details(p: &mut Printer, l: &Link<'_>, s: &Show<'_>) {
    if let Some(v) = l.promiscuity {
        p.any("promiscuity", || v.into(), format_args!(" promiscuity {v} "));
    }
    if let Some(v) = l.allmulti {
        p.any("allmulti", || v.into(), format_args!(" allmulti {v} "));
    }
    let opt = |p: &mut Printer, key, label, v: Option<u32>| {
        if let Some(v) = v {
            p.uint(key, label, v.into());
        }
    };
    opt(p, "min_mtu", "minmtu", l.min_mtu);
    opt(p, "max_mtu", "maxmtu", l.max_mtu);
    if let Some(info) = &l.linkinfo {
        link_kinds::linkinfo(p, info, s.names);
    }
    if s.link_cmd {
        addr_gen_mode(p, l);
    }
    opt(p, "num_tx_queues", "numtxqueues", l.num_tx_queues);
    opt(p, "num_rx_queues", "numrxqueues", l.num_rx_queues);
    opt(p, "gso_max_size", "gso_max_size", l.gso_max_size);
    opt(p, "gso_max_segs", "gso_max_segs", l.gso_max_segs);
    opt(p, "tso_max_size", "tso_max_size", l.tso_max_size);
    opt(p, "tso_max_segs", "tso_max_segs", l.tso_max_segs);
    opt(p, "gro_max_size", "gro_max_size", l.gro_max_size);
    ports_and_parents(p, l);
}

/// `IFLA_INET6_ADDR_GEN_MODE` in `IFLA_AF_SPEC`'s `AF_INET6` nest.
fn addr_gen_mode(p: &mut Printer, l: &Link<'_>) {
    let inet6 = l.af_spec().and_then(|a| a.find(nlkit::rtnl::AF_INET6.into()).ok().flatten());
    let mode = inet6.and_then(|a| a.nested().find(IFLA_INET6_ADDR_GEN_MODE).ok().flatten());
    let Some(mode) = mode.and_then(|m| m.u8().ok()) else { return };
    let name = match mode {
        0 => "eui64".to_string(),
        1 => "none".into(),
        2 => "stable_secret".into(),
        3 => "random".into(),
        m => format!("{m:#04x}"),
    };
    p.string("inet6_addr_gen_mode", "addrgenmode", &name);
}

/// Physical port and switch ids, and the parent device.
fn ports_and_parents(p: &mut Printer, l: &Link<'_>) {
    if let Some(name) = l.attr(IFLA_PHYS_PORT_NAME).and_then(|a| a.string().ok()) {
        p.string("phys_port_name", "portname", name);
    }
    for (kind, key, label) in [
        (IFLA_PHYS_PORT_ID, "phys_port_id", "portid"),
        (IFLA_PHYS_SWITCH_ID, "phys_switch_id", "switchid"),
    ] {
        if let Some(a) = l.attr(kind) {
            let hex: String = a.payload().iter().map(|b| format!("{b:02x}")).collect();
            p.string(key, label, &hex);
        }
    }
    if let Some(bus) = l.parent_dev_bus_name {
        p.string("parentbus", "parentbus", bus);
    }
    if let Some(dev) = l.parent_dev_name {
        p.string("parentdev", "parentdev", dev);
    }
}

/// `altname` lines, or the `altnames` array (present, maybe empty, when
/// the kernel sent `IFLA_PROP_LIST`).
fn altnames(p: &mut Printer, l: &Link<'_>) {
    if l.attr(IFLA_PROP_LIST).is_none() {
        return;
    }
    if p.is_json() {
        p.js("altnames", || l.alt_names().map(Value::from).collect());
    } else {
        for n in l.alt_names() {
            p.fp(format_args!("\n    altname {n}"));
        }
    }
}

/// Reads `ID NAME` lines as iproute2's `rtnl_hash_initialize` does
/// (decimal or `0x` hex ids, `#` comments; a malformed line ends the file).
pub fn read_groups() -> Vec<(u32, String)> {
    let text = std::fs::read_to_string("/etc/iproute2/group").unwrap_or_default();
    let mut out = Vec::new();
    for line in text.lines().map(|l| l.trim_start_matches([' ', '\t'])) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut w = line.split_whitespace();
        let id = w.next().and_then(|id| match id.strip_prefix("0x") {
            Some(h) => u32::from_str_radix(h, 16).ok(),
            None => id.parse().ok(),
        });
        match (id, w.next()) {
            (Some(id), Some(name)) => out.push((id, name.to_owned())),
            _ => break,
        }
    }
    out
}

/// The group a word names: a name from `groups`, or a number.
pub fn parse_group(groups: &[(u32, String)], s: &str) -> Option<u32> {
    let named = groups.iter().rev().find(|(_, n)| n == s).map(|(id, _)| *id);
    named.or((s == "default").then_some(0)).or_else(|| crate::words::number(s))
}
