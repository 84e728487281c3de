//! `-d`'s `linkinfo`: the kind and port kind, and their data as iproute2
//! 6.1's `print_opt` functions print it (`ip/iplink_bridge.c`,
//! `iplink_bridge_slave.c`, `iplink_vxlan.c`, `iplink_macvlan.c`,
//! `iptuntap.c`, `iplink_vlan.c`). The values come from the library's
//! views ([`LinkData`], [`PortData`]); what is here is ip's order, labels
//! and formats. Kinds `ip` prints no data for (veth, ifb, dummy) get none;
//! kinds nlkit does not print get only `info_kind`.

use super::LinkNames;
use crate::out::printer::{LlAddr, Printer};
use nlkit::rtnl::link::info::{LinkData, LinkInfo, PortData};
use nlkit::rtnl::link::kind::{BridgeData, BridgePortData, MacvlanData, TunData, VlanData};
use nlkit::rtnl::uapi::*;
use serde_json::Value;
use std::fmt;

/// `linkinfo`: `info_kind`, `info_data`, `info_slave_kind`, `info_slave_data`.
pub fn linkinfo(p: &mut Printer, info: &LinkInfo<'_>, names: &LinkNames) {
    p.open("linkinfo");
    if let Some(kind) = info.kind {
        p.nl();
        p.any("info_kind", || kind.into(), format_args!("    {kind} "));
        if let Some(data) = info.data.as_ref().filter(|d| has_printer(d)) {
            p.open("info_data");
            match data {
                LinkData::Bridge(br) => fields(p, br, BRIDGE, names),
                LinkData::Vxlan(vx) => super::link_vxlan::print(p, vx, names),
                LinkData::Macvlan(mv) => macvlan(p, mv),
                LinkData::Tun(tun) => tun_print(p, tun),
                LinkData::Vlan(vlan) => vlan_print(p, vlan),
                _ => {}
            }
            p.close();
        }
    }
    if let Some(kind) = info.slave_kind {
        p.nl();
        p.any("info_slave_kind", || kind.into(), format_args!("    {kind}_slave "));
        if let Some(PortData::Bridge(port)) = &info.port {
            p.open("info_slave_data");
            fields(p, port, BRIDGE_PORT, names);
            p.close();
        }
    }
    p.close();
}

/// The kinds ip prints `info_data` for (an empty object when the kernel
/// sent none).
fn has_printer(data: &LinkData<'_>) -> bool {
    matches!(
        data,
        LinkData::Bridge(_)
            | LinkData::Vxlan(_)
            | LinkData::Macvlan(_)
            | LinkData::Tun(_)
            | LinkData::Vlan(_)
    )
}

/// A value a table row reads from a view.
#[derive(Clone, Copy)]
pub enum Val<'a> {
    N(u64),
    B(&'a [u8]),
}

impl From<u8> for Val<'_> {
    fn from(v: u8) -> Self {
        Val::N(v.into())
    }
}
impl From<u16> for Val<'_> {
    fn from(v: u16) -> Self {
        Val::N(v.into())
    }
}
impl From<u32> for Val<'_> {
    fn from(v: u32) -> Self {
        Val::N(v.into())
    }
}
impl From<u64> for Val<'_> {
    fn from(v: u64) -> Self {
        Val::N(v)
    }
}
impl From<bool> for Val<'_> {
    fn from(v: bool) -> Self {
        Val::N(v.into())
    }
}
impl From<(u32, u32)> for Val<'_> {
    fn from((value, mask): (u32, u32)) -> Self {
        Val::N(u64::from(value) | u64::from(mask) << 32)
    }
}
impl<'a> From<&'a [u8]> for Val<'a> {
    fn from(v: &'a [u8]) -> Self {
        Val::B(v)
    }
}

impl<'a> Val<'a> {
    fn n(self) -> u64 {
        match self {
            Val::N(n) => n,
            Val::B(_) => 0,
        }
    }

    /// The first `N` bytes, zero-filled if shorter.
    fn bytes<const N: usize>(self) -> [u8; N] {
        let mut b = [0u8; N];
        if let Val::B(p) = self {
            let n = p.len().min(N);
            b[..n].copy_from_slice(&p[..n]);
        }
        b
    }
}

/// How a table row's value is printed.
#[derive(Clone, Copy)]
enum F {
    Uint,
    /// `print_int` of a `u16`.
    Int16,
    /// `print_int` of a `u32`: signed in C.
    Int32,
    OnOff,
    Hex,
    /// Hundredths of a second, `%4i.%.2i` in text, a number in JSON.
    Timer,
    /// `struct ifla_bridge_id`: `8000.aa:bb:..` (glibc `ether_ntoa`, unpadded).
    BridgeId,
    Mac,
    /// A host-order Ethernet protocol (`802.1Q`, `802.1ad`, `[N]`).
    Proto,
    /// `struct br_boolopt_multi`, value in the low half, mask in the high.
    BoolOpts,
    PortState,
    /// Text only: `mcast_fast_leave on|off` (JSON has `fastleave`).
    FpOnOff,
    FwdMaskStr,
    IfName,
}

/// (JSON key, text label, format, the value from the view), in `ip`'s order.
type Row<G> = (&'static str, &'static str, F, G);

/// A row's reader of a view.
type Get<V> = for<'v> fn(&'v V) -> Option<Val<'v>>;
/// A row's reader of a bridge's data.
type BridgeGet = for<'v, 'a> fn(&'v BridgeData<'a>) -> Option<Val<'v>>;
/// A row's reader of a bridge port's data.
type PortGet = for<'v, 'a> fn(&'v BridgePortData<'a>) -> Option<Val<'v>>;

/// Prints each row whose value the view has.
fn fields<V>(p: &mut Printer, view: &V, table: &[Row<Get<V>>], names: &LinkNames) {
    for &(key, label, f, get) in table {
        if let Some(v) = get(view) {
            field(p, (key, label), f, v, names);
        }
    }
}

fn field(p: &mut Printer, kl: (&str, &str), f: F, v: Val<'_>, names: &LinkNames) {
    let (key, label) = kl;
    match f {
        F::Uint => p.uint(key, label, v.n()),
        F::Int16 => p.int(key, label, v.n() as u16 as i64),
        F::Int32 => p.int(key, label, v.n() as u32 as i32 as i64),
        F::OnOff => p.on_off(key, label, v.n() != 0),
        F::FpOnOff => p.fp(format_args!("{label} {} ", if v.n() != 0 { "on" } else { "off" })),
        F::Hex => p.hex(key, label, v.n()),
        F::Timer => timer(p, key, v.n()),
        F::Mac => {
            let bytes = if let Val::B(b) = v { b } else { &[] };
            p.string(key, label, &LlAddr { bytes, link_type: 1 }.to_string());
        }
        F::BridgeId => p.string(key, label, &BridgeId(v.bytes()).to_string()),
        F::Proto => p.string(key, label, &eth_proto(v.n() as u16)),
        F::BoolOpts => bool_opts(p, v.n() as u32, (v.n() >> 32) as u32),
        F::PortState => port_state(p, v.n() as u8),
        F::FwdMaskStr => p.string(key, label, &fwd_mask_str(v.n() as u16)),
        F::IfName => p.string(key, label, &names.name(v.n() as u32)),
    }
}

const BRIDGE: &[Row<BridgeGet>] = &[
    ("forward_delay", "forward_delay", F::Uint, |d| d.forward_delay.map(Val::from)),
    ("hello_time", "hello_time", F::Uint, |d| d.hello_time.map(Val::from)),
    ("max_age", "max_age", F::Uint, |d| d.max_age.map(Val::from)),
    ("ageing_time", "ageing_time", F::Uint, |d| d.ageing_time.map(Val::from)),
    ("stp_state", "stp_state", F::Uint, |d| d.stp_state.map(Val::from)),
    ("priority", "priority", F::Uint, |d| d.priority.map(Val::from)),
    ("vlan_filtering", "vlan_filtering", F::Uint, |d| d.vlan_filtering.map(Val::from)),
    ("vlan_protocol", "vlan_protocol", F::Proto, |d| d.vlan_protocol.map(Val::from)),
    ("bridge_id", "bridge_id", F::BridgeId, |d| d.bridge_id.map(Val::from)),
    // iproute2 6.1 prints IFLA_BR_ROOT_ID from IFLA_BR_BRIDGE_ID's bytes.
    ("root_id", "designated_root", F::BridgeId, |d| {
        d.root_id.and(d.bridge_id.or(d.root_id)).map(Val::from)
    }),
    ("root_port", "root_port", F::Uint, |d| d.root_port.map(Val::from)),
    ("root_path_cost", "root_path_cost", F::Uint, |d| d.root_path_cost.map(Val::from)),
    ("topology_change", "topology_change", F::Uint, |d| d.topology_change.map(Val::from)),
    ("topology_change_detected", "topology_change_detected", F::Uint, |d| {
        d.topology_change_detected.map(Val::from)
    }),
    ("hello_timer", "hello_timer", F::Timer, |d| d.hello_timer.map(Val::from)),
    ("tcn_timer", "tcn_timer", F::Timer, |d| d.tcn_timer.map(Val::from)),
    ("topology_change_timer", "topology_change_timer", F::Timer, |d| {
        d.topology_change_timer.map(Val::from)
    }),
    ("gc_timer", "gc_timer", F::Timer, |d| d.gc_timer.map(Val::from)),
    ("vlan_default_pvid", "vlan_default_pvid", F::Uint, |d| d.vlan_default_pvid.map(Val::from)),
    ("vlan_stats_enabled", "vlan_stats_enabled", F::Uint, |d| d.vlan_stats_enabled.map(Val::from)),
    ("vlan_stats_per_port", "vlan_stats_per_port", F::Uint, |d| {
        d.vlan_stats_per_port.map(Val::from)
    }),
    ("group_fwd_mask", "group_fwd_mask", F::Hex, |d| d.group_fwd_mask.map(Val::from)),
    ("group_addr", "group_address", F::Mac, |d| d.group_addr.map(Val::from)),
    ("mcast_snooping", "mcast_snooping", F::Uint, |d| d.mcast_snooping.map(Val::from)),
    ("", "", F::BoolOpts, |d| d.multi_boolopt.map(Val::from)),
    ("mcast_router", "mcast_router", F::Uint, |d| d.mcast_router.map(Val::from)),
    ("mcast_query_use_ifaddr", "mcast_query_use_ifaddr", F::Uint, |d| {
        d.mcast_query_use_ifaddr.map(Val::from)
    }),
    ("mcast_querier", "mcast_querier", F::Uint, |d| d.mcast_querier.map(Val::from)),
    ("mcast_hash_elasticity", "mcast_hash_elasticity", F::Uint, |d| {
        d.mcast_hash_elasticity.map(Val::from)
    }),
    ("mcast_hash_max", "mcast_hash_max", F::Uint, |d| d.mcast_hash_max.map(Val::from)),
    ("mcast_last_member_cnt", "mcast_last_member_count", F::Uint, |d| {
        d.mcast_last_member_cnt.map(Val::from)
    }),
    ("mcast_startup_query_cnt", "mcast_startup_query_count", F::Uint, |d| {
        d.mcast_startup_query_cnt.map(Val::from)
    }),
    ("mcast_last_member_intvl", "mcast_last_member_interval", F::Uint, |d| {
        d.mcast_last_member_intvl.map(Val::from)
    }),
    ("mcast_membership_intvl", "mcast_membership_interval", F::Uint, |d| {
        d.mcast_membership_intvl.map(Val::from)
    }),
    ("mcast_querier_intvl", "mcast_querier_interval", F::Uint, |d| {
        d.mcast_querier_intvl.map(Val::from)
    }),
    ("mcast_query_intvl", "mcast_query_interval", F::Uint, |d| d.mcast_query_intvl.map(Val::from)),
    ("mcast_query_response_intvl", "mcast_query_response_interval", F::Uint, |d| {
        d.mcast_query_response_intvl.map(Val::from)
    }),
    ("mcast_startup_query_intvl", "mcast_startup_query_interval", F::Uint, |d| {
        d.mcast_startup_query_intvl.map(Val::from)
    }),
    ("mcast_stats_enabled", "mcast_stats_enabled", F::Uint, |d| {
        d.mcast_stats_enabled.map(Val::from)
    }),
    ("mcast_igmp_version", "mcast_igmp_version", F::Uint, |d| d.mcast_igmp_version.map(Val::from)),
    ("mcast_mld_version", "mcast_mld_version", F::Uint, |d| d.mcast_mld_version.map(Val::from)),
    ("nf_call_iptables", "nf_call_iptables", F::Uint, |d| d.nf_call_iptables.map(Val::from)),
    ("nf_call_ip6tables", "nf_call_ip6tables", F::Uint, |d| d.nf_call_ip6tables.map(Val::from)),
    ("nf_call_arptables", "nf_call_arptables", F::Uint, |d| d.nf_call_arptables.map(Val::from)),
];

const BRIDGE_PORT: &[Row<PortGet>] = &[
    ("state", "state", F::PortState, |d| d.state.map(Val::from)),
    ("priority", "priority", F::Int16, |d| d.priority.map(Val::from)),
    ("cost", "cost", F::Int32, |d| d.cost.map(Val::from)),
    ("hairpin", "hairpin", F::OnOff, |d| d.mode.map(Val::from)),
    ("guard", "guard", F::OnOff, |d| d.guard.map(Val::from)),
    ("root_block", "root_block", F::OnOff, |d| d.protect.map(Val::from)),
    ("fastleave", "fastleave", F::OnOff, |d| d.fast_leave.map(Val::from)),
    ("learning", "learning", F::OnOff, |d| d.learning.map(Val::from)),
    ("flood", "flood", F::OnOff, |d| d.unicast_flood.map(Val::from)),
    ("id", "port_id", F::Hex, |d| d.id.map(Val::from)),
    ("no", "port_no", F::Hex, |d| d.no.map(Val::from)),
    ("designated_port", "designated_port", F::Uint, |d| d.designated_port.map(Val::from)),
    ("designated_cost", "designated_cost", F::Uint, |d| d.designated_cost.map(Val::from)),
    ("bridge_id", "designated_bridge", F::BridgeId, |d| d.bridge_id.map(Val::from)),
    ("root_id", "designated_root", F::BridgeId, |d| d.root_id.map(Val::from)),
    ("hold_timer", "hold_timer", F::Timer, |d| d.hold_timer.map(Val::from)),
    ("message_age_timer", "message_age_timer", F::Timer, |d| d.message_age_timer.map(Val::from)),
    ("forward_delay_timer", "forward_delay_timer", F::Timer, |d| {
        d.forward_delay_timer.map(Val::from)
    }),
    ("topology_change_ack", "topology_change_ack", F::Uint, |d| {
        d.topology_change_ack.map(Val::from)
    }),
    ("config_pending", "config_pending", F::Uint, |d| d.config_pending.map(Val::from)),
    ("proxy_arp", "proxy_arp", F::OnOff, |d| d.proxyarp.map(Val::from)),
    ("proxy_arp_wifi", "proxy_arp_wifi", F::OnOff, |d| d.proxyarp_wifi.map(Val::from)),
    ("multicast_router", "mcast_router", F::Uint, |d| d.multicast_router.map(Val::from)),
    ("", "mcast_fast_leave", F::FpOnOff, |d| d.fast_leave.map(Val::from)),
    ("mcast_flood", "mcast_flood", F::OnOff, |d| d.mcast_flood.map(Val::from)),
    ("bcast_flood", "bcast_flood", F::OnOff, |d| d.bcast_flood.map(Val::from)),
    ("mcast_to_unicast", "mcast_to_unicast", F::OnOff, |d| d.mcast_to_ucast.map(Val::from)),
    ("neigh_suppress", "neigh_suppress", F::OnOff, |d| d.neigh_suppress.map(Val::from)),
    ("group_fwd_mask", "group_fwd_mask", F::Hex, |d| d.group_fwd_mask.map(Val::from)),
    ("group_fwd_mask_str", "group_fwd_mask_str", F::FwdMaskStr, |d| {
        d.group_fwd_mask.map(Val::from)
    }),
    ("vlan_tunnel", "vlan_tunnel", F::OnOff, |d| d.vlan_tunnel.map(Val::from)),
    ("isolated", "isolated", F::OnOff, |d| d.isolated.map(Val::from)),
    ("locked", "locked", F::OnOff, |d| d.locked.map(Val::from)),
    ("backup_port", "backup_port", F::IfName, |d| d.backup_port.map(Val::from)),
];

/// `%4i.%.2i` of hundredths of a second; in JSON the same digits as a
/// number (`233.70`, `0.00`), as ip's `_print_timer` writes them.
fn timer(p: &mut Printer, key: &str, jiffies: u64) {
    let (s, cs) = (jiffies / 100, jiffies % 100);
    let json = || {
        let digits = format!("{s}.{cs:02}");
        digits.parse::<serde_json::Number>().map_or(Value::Null, Value::Number)
    };
    p.any(key, json, format_args!("{key} {s:4}.{cs:02} "));
}

/// `br_dump_bridge_id`: two priority bytes in hex, a dot, the address as
/// glibc's `ether_ntoa` writes it (no zero padding).
struct BridgeId([u8; 8]);

impl fmt::Display for BridgeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0;
        write!(f, "{:02x}{:02x}.", b[0], b[1])?;
        write!(f, "{:x}:{:x}:{:x}:{:x}:{:x}:{:x}", b[2], b[3], b[4], b[5], b[6], b[7])
    }
}

/// `ll_proto_n2a` for the protocols a bridge or VLAN uses.
pub fn eth_proto(p: u16) -> String {
    match p {
        _ if crate::out::naming::numeric() => format!("[{p}]"),
        ETH_P_8021Q => "802.1Q".into(),
        ETH_P_8021AD => "802.1ad".into(),
        other => format!("[{other}]"),
    }
}

/// `IFLA_BR_MULTI_BOOLOPT` (`struct br_boolopt_multi`: value, mask).
fn bool_opts(p: &mut Printer, val: u32, mask: u32) {
    // BR_BOOLOPT_NO_LL_LEARN = 0, BR_BOOLOPT_MCAST_VLAN_SNOOPING = 1.
    for (bit, key) in [(1u32, "no_linklocal_learn"), (2, "mcast_vlan_snooping")] {
        if mask & bit != 0 {
            p.uint(key, key, u64::from(val & bit != 0));
        }
    }
}

fn port_state(p: &mut Printer, state: u8) {
    const STATES: [&str; 5] = ["disabled", "listening", "learning", "forwarding", "blocking"];
    match STATES.get(state as usize) {
        Some(s) => p.string("state", "state", s),
        None => p.any("state_index", || state.into(), format_args!("state ({state}) ")),
    }
}

/// `_bitmask2str` with `fwd_mask_tbl`: `stp,lacp,0x8,...`, or `0x0`.
fn fwd_mask_str(mask: u16) -> String {
    let names = |i: u32| match i {
        0 => Some("stp"),
        2 => Some("lacp"),
        14 => Some("lldp"),
        _ => None,
    };
    let words: Vec<String> = (0..16)
        .filter(|i| mask & (1 << i) != 0)
        .map(|i| names(i).map_or_else(|| format!("{:#x}", 1u32 << i), str::to_owned))
        .collect();
    if words.is_empty() {
        "0x0".into()
    } else {
        words.join(",")
    }
}

/// `macvlan`/`macvtap`: mode, flags, broadcast queue, source addresses.
fn macvlan(p: &mut Printer, mv: &MacvlanData<'_>) {
    let Some(mode) = mv.mode else { return };
    let name = match mode {
        MACVLAN_MODE_PRIVATE => "private",
        MACVLAN_MODE_VEPA => "vepa",
        MACVLAN_MODE_BRIDGE => "bridge",
        MACVLAN_MODE_PASSTHRU => "passthru",
        MACVLAN_MODE_SOURCE => "source",
        _ => "unknown",
    };
    p.string("mode", "mode", name);
    let flags = mv.flags.unwrap_or(0);
    if flags & MACVLAN_FLAG_NOPROMISC != 0 {
        p.flag("nopromisc", "nopromisc ");
    }
    if flags & MACVLAN_FLAG_NODST != 0 {
        p.flag("nodst", "nodst ");
    }
    for (v, key) in [(mv.bc_queue_len, "bcqueuelen"), (mv.bc_queue_len_used, "usedbcqueuelen")] {
        if let Some(v) = v {
            p.uint(key, key, v.into());
        }
    }
    if mode == MACVLAN_MODE_SOURCE {
        macvlan_sources(p, mv);
    }
}

/// Source mode: `remotes (N) aa:bb:.. ...` / `macaddr_count`, `macaddr_data`.
fn macvlan_sources(p: &mut Printer, mv: &MacvlanData<'_>) {
    let Some(count) = mv.macaddr_count else { return };
    p.any("macaddr_count", || count.into(), format_args!("remotes ({count}) "));
    if mv.macaddr_data.is_none() {
        return;
    }
    let macs: Vec<String> =
        mv.source_macs().map(|bytes| LlAddr { bytes, link_type: 1 }.to_string()).collect();
    if p.is_json() {
        p.js("macaddr_data", || macs.into_iter().map(Value::from).collect());
    } else {
        for m in &macs {
            p.fp(format_args!("{m} "));
        }
    }
}

/// `tun`: type, pi, vnet_hdr, multi_queue, persist, user, group.
fn tun_print(p: &mut Printer, tun: &TunData<'_>) {
    if let Some(t) = tun.tun_type {
        let name = match u32::from(t) {
            IFF_TUN => "tun".to_string(),
            IFF_TAP => "tap".into(),
            _ => format!("UNKNOWN:{t}"),
        };
        p.string("type", "type", &name);
    }
    for (v, key) in [(tun.pi, "pi"), (tun.vnet_hdr, "vnet_hdr")] {
        if let Some(v) = v {
            p.on_off(key, key, v);
        }
    }
    if !tun.multi_queue.unwrap_or(false) {
        p.js("multi_queue", || false.into());
    } else {
        p.flag("multi_queue", "multi_queue ");
        for (v, key) in [(tun.num_queues, "numqueues"), (tun.num_disabled_queues, "numdisabled")] {
            if let Some(v) = v {
                p.uint(key, key, v.into());
            }
        }
    }
    if let Some(v) = tun.persist {
        p.on_off("persist", "persist", v);
    }
    for (id, key, file) in [(tun.owner, "user", "/etc/passwd"), (tun.group, "group", "/etc/group")]
    {
        if let Some(id) = id {
            match account_name(file, id) {
                Some(name) => p.string(key, key, &name),
                None => p.uint(key, key, id.into()),
            }
        }
    }
}

/// The name of uid/gid `id` in `/etc/passwd` or `/etc/group` (where
/// `getpwuid`/`getgrgid` find local accounts).
fn account_name(file: &str, id: u32) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find_map(|line| {
        let mut f = line.split(':');
        let name = f.next()?;
        (f.nth(1)?.parse::<u32>().ok()? == id).then(|| name.to_owned())
    })
}

/// `vlan`: protocol, id, flags, QoS maps.
fn vlan_print(p: &mut Printer, vlan: &VlanData<'_>) {
    let Some(id) = vlan.id else { return };
    let proto = vlan.protocol.map_or_else(|| "802.1q".into(), eth_proto);
    p.string("protocol", "protocol", &proto);
    p.uint("id", "id", id.into());
    if let Some((flags, _mask)) = vlan.flags {
        vlan_flags(p, flags);
    }
    if vlan.ingress_qos.is_some() {
        qos_map(p, "ingress_qos", "ingress-qos-map", vlan.ingress_map());
    }
    if vlan.egress_qos.is_some() {
        qos_map(p, "egress_qos", "egress-qos-map", vlan.egress_map());
    }
}

fn vlan_flags(p: &mut Printer, flags: u32) {
    const NAMES: [(u32, &str); 5] = [
        (VLAN_FLAG_REORDER_HDR, "REORDER_HDR"),
        (VLAN_FLAG_GVRP, "GVRP"),
        (VLAN_FLAG_MVRP, "MVRP"),
        (VLAN_FLAG_LOOSE_BINDING, "LOOSE_BINDING"),
        (VLAN_FLAG_BRIDGE_BINDING, "BRIDGE_BINDING"),
    ];
    let mut words: Vec<String> =
        NAMES.iter().filter(|(b, _)| flags & b != 0).map(|(_, n)| (*n).to_owned()).collect();
    let rest = NAMES.iter().fold(flags, |r, (b, _)| r & !b);
    if rest != 0 {
        words.push(format!("{rest:x}"));
    }
    if p.is_json() {
        p.js("flags", || words.into_iter().map(Value::from).collect());
    } else {
        p.fp(format_args!("<{}> ", words.join(",")));
    }
}

fn qos_map(p: &mut Printer, key: &str, label: &str, map: impl Iterator<Item = (u32, u32)>) {
    let pairs: Vec<(u32, u32)> = map.collect();
    if p.is_json() {
        let items = pairs.iter().map(|(f, t)| serde_json::json!({"from": f, "to": t}));
        p.js(key, || items.collect());
        return;
    }
    p.fp(format_args!("\n      {label} {{ "));
    for (from, to) in pairs {
        p.fp(format_args!("{from}:{to} "));
    }
    p.fp_str("} ");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_masks_and_protocols() {
        let id = BridgeId([0x80, 0, 0x0a, 0xbe, 0, 1, 0x20, 0xff]);
        assert_eq!(id.to_string(), "8000.a:be:0:1:20:ff");
        assert_eq!(fwd_mask_str(0), "0x0");
        assert_eq!(fwd_mask_str(0b101 | 8), "stp,lacp,0x8");
        assert_eq!(eth_proto(ETH_P_8021AD), "802.1ad");
        assert_eq!(eth_proto(0x1234), "[4660]");
    }
}
