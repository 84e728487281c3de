//! `-d`'s `linkinfo`: the kind and port kind, and their data as iproute2
//! 6.1's `print_opt` functions print it (`ip/iplink_bridge.c`,
//! `iplink_bridge_slave.c`, `iplink_vxlan.c`, `iplink_macvlan.c`,
//! `iptuntap.c`, `iplink_vlan.c`). Kinds `ip` prints no data for (veth,
//! ifb, dummy) get none; kinds nlkit does not print get only `info_kind`.

use super::printer::{LlAddr, Printer};
use super::LinkNames;
use nlkit::rtnl::link::info::LinkInfo;
use nlkit::rtnl::uapi::*;
use nlkit::wire::{Attr, Attrs};
use serde_json::Value;
use std::fmt;

/// Attributes by type, the first of each kept (iproute2's `parse_rtattr`).
pub struct Tb<'a>([Option<Attr<'a>>; 64]);

impl<'a> Tb<'a> {
    pub fn new(raw: &'a [u8]) -> Self {
        let mut tb = [None; 64];
        for a in Attrs::new(raw).map_while(Result::ok) {
            if let Some(slot @ None) = tb.get_mut(a.kind() as usize) {
                *slot = Some(a);
            }
        }
        Tb(tb)
    }

    pub fn get(&self, kind: u16) -> Option<Attr<'a>> {
        self.0.get(kind as usize).copied().flatten()
    }

    /// The first `N` bytes, zero-filled if shorter (`rta_getattr_*` reads
    /// what it is told to, whatever the attribute's length).
    pub fn bytes<const N: usize>(&self, kind: u16) -> Option<[u8; N]> {
        let p = self.get(kind)?.payload();
        let mut b = [0u8; N];
        let n = p.len().min(N);
        b[..n].copy_from_slice(&p[..n]);
        Some(b)
    }

    pub fn u8(&self, kind: u16) -> Option<u8> {
        self.bytes::<1>(kind).map(|b| b[0])
    }

    pub fn u16(&self, kind: u16) -> Option<u16> {
        self.bytes(kind).map(u16::from_ne_bytes)
    }

    pub fn be16(&self, kind: u16) -> Option<u16> {
        self.bytes(kind).map(u16::from_be_bytes)
    }

    pub fn u32(&self, kind: u16) -> Option<u32> {
        self.bytes(kind).map(u32::from_ne_bytes)
    }

    pub fn u64(&self, kind: u16) -> Option<u64> {
        self.bytes(kind).map(u64::from_ne_bytes)
    }
}

/// `linkinfo`: `info_kind`, `info_data`, `info_slave_kind`, `info_slave_data`.
pub fn linkinfo(p: &mut Printer, info: &LinkInfo<'_>, names: &LinkNames) {
    p.open("linkinfo");
    let data = |kind| info.attrs().find(kind).ok().flatten().map(|a| Tb::new(a.payload()));
    if let Some(kind) = info.kind {
        p.nl();
        p.any("info_kind", || kind.into(), format_args!("    {kind} "));
        if let Some(print) = kind_printer(kind) {
            p.open("info_data");
            if let Some(tb) = data(IFLA_INFO_DATA) {
                print(p, &tb, names);
            }
            p.close();
        }
    }
    if let Some(kind) = info.slave_kind {
        p.nl();
        p.any("info_slave_kind", || kind.into(), format_args!("    {kind}_slave "));
        if kind == "bridge" {
            p.open("info_slave_data");
            if let Some(tb) = data(IFLA_INFO_SLAVE_DATA) {
                fields(p, &tb, BRIDGE_SLAVE, names);
            }
            p.close();
        }
    }
    p.close();
}

type KindPrinter = fn(&mut Printer, &Tb<'_>, &LinkNames);

fn kind_printer(kind: &str) -> Option<KindPrinter> {
    let f: KindPrinter = match kind {
        "bridge" => |p, tb, n| fields(p, tb, BRIDGE, n),
        "vxlan" => super::link_vxlan::print,
        "macvlan" | "macvtap" => macvlan,
        "tun" => tun,
        "vlan" => vlan,
        _ => return None,
    };
    Some(f)
}

/// How a table entry's value is read and printed.
#[derive(Clone, Copy)]
enum F {
    U8,
    U16,
    U32,
    U64,
    /// `print_int` of a `u16`/`u32`: signed in C.
    Int16,
    Int32,
    OnOff,
    Hex16,
    /// Hundredths of a second, `%4i.%.2i` in text, a number in JSON.
    Timer,
    /// `struct ifla_bridge_id`: `8000.aa:bb:..` (glibc `ether_ntoa`, unpadded).
    BridgeId,
    /// iproute2 6.1 prints `IFLA_BR_ROOT_ID` from `IFLA_BR_BRIDGE_ID`'s bytes.
    RootIdFromBridgeId,
    Mac,
    /// A `be16` Ethernet protocol (`802.1Q`, `802.1ad`, `[N]`).
    Proto,
    BoolOpts,
    PortState,
    /// Text only: `mcast_fast_leave on|off` (JSON has `fastleave`).
    FpOnOff,
    FwdMaskStr,
    IfName,
}

/// (attribute, JSON key, text label, format), in `ip`'s order.
type Field = (u16, &'static str, &'static str, F);

const BRIDGE: &[Field] = &[
    (IFLA_BR_FORWARD_DELAY, "forward_delay", "forward_delay", F::U32),
    (IFLA_BR_HELLO_TIME, "hello_time", "hello_time", F::U32),
    (IFLA_BR_MAX_AGE, "max_age", "max_age", F::U32),
    (IFLA_BR_AGEING_TIME, "ageing_time", "ageing_time", F::U32),
    (IFLA_BR_STP_STATE, "stp_state", "stp_state", F::U32),
    (IFLA_BR_PRIORITY, "priority", "priority", F::U16),
    (IFLA_BR_VLAN_FILTERING, "vlan_filtering", "vlan_filtering", F::U8),
    (IFLA_BR_VLAN_PROTOCOL, "vlan_protocol", "vlan_protocol", F::Proto),
    (IFLA_BR_BRIDGE_ID, "bridge_id", "bridge_id", F::BridgeId),
    (IFLA_BR_ROOT_ID, "root_id", "designated_root", F::RootIdFromBridgeId),
    (IFLA_BR_ROOT_PORT, "root_port", "root_port", F::U16),
    (IFLA_BR_ROOT_PATH_COST, "root_path_cost", "root_path_cost", F::U32),
    (IFLA_BR_TOPOLOGY_CHANGE, "topology_change", "topology_change", F::U8),
    (
        IFLA_BR_TOPOLOGY_CHANGE_DETECTED,
        "topology_change_detected",
        "topology_change_detected",
        F::U8,
    ),
    (IFLA_BR_HELLO_TIMER, "hello_timer", "hello_timer", F::Timer),
    (IFLA_BR_TCN_TIMER, "tcn_timer", "tcn_timer", F::Timer),
    (IFLA_BR_TOPOLOGY_CHANGE_TIMER, "topology_change_timer", "topology_change_timer", F::Timer),
    (IFLA_BR_GC_TIMER, "gc_timer", "gc_timer", F::Timer),
    (IFLA_BR_VLAN_DEFAULT_PVID, "vlan_default_pvid", "vlan_default_pvid", F::U16),
    (IFLA_BR_VLAN_STATS_ENABLED, "vlan_stats_enabled", "vlan_stats_enabled", F::U8),
    (IFLA_BR_VLAN_STATS_PER_PORT, "vlan_stats_per_port", "vlan_stats_per_port", F::U8),
    (IFLA_BR_GROUP_FWD_MASK, "group_fwd_mask", "group_fwd_mask", F::Hex16),
    (IFLA_BR_GROUP_ADDR, "group_addr", "group_address", F::Mac),
    (IFLA_BR_MCAST_SNOOPING, "mcast_snooping", "mcast_snooping", F::U8),
    (IFLA_BR_MULTI_BOOLOPT, "", "", F::BoolOpts),
    (IFLA_BR_MCAST_ROUTER, "mcast_router", "mcast_router", F::U8),
    (IFLA_BR_MCAST_QUERY_USE_IFADDR, "mcast_query_use_ifaddr", "mcast_query_use_ifaddr", F::U8),
    (IFLA_BR_MCAST_QUERIER, "mcast_querier", "mcast_querier", F::U8),
    (IFLA_BR_MCAST_HASH_ELASTICITY, "mcast_hash_elasticity", "mcast_hash_elasticity", F::U32),
    (IFLA_BR_MCAST_HASH_MAX, "mcast_hash_max", "mcast_hash_max", F::U32),
    (IFLA_BR_MCAST_LAST_MEMBER_CNT, "mcast_last_member_cnt", "mcast_last_member_count", F::U32),
    (
        IFLA_BR_MCAST_STARTUP_QUERY_CNT,
        "mcast_startup_query_cnt",
        "mcast_startup_query_count",
        F::U32,
    ),
    (
        IFLA_BR_MCAST_LAST_MEMBER_INTVL,
        "mcast_last_member_intvl",
        "mcast_last_member_interval",
        F::U64,
    ),
    (IFLA_BR_MCAST_MEMBERSHIP_INTVL, "mcast_membership_intvl", "mcast_membership_interval", F::U64),
    (IFLA_BR_MCAST_QUERIER_INTVL, "mcast_querier_intvl", "mcast_querier_interval", F::U64),
    (IFLA_BR_MCAST_QUERY_INTVL, "mcast_query_intvl", "mcast_query_interval", F::U64),
    (
        IFLA_BR_MCAST_QUERY_RESPONSE_INTVL,
        "mcast_query_response_intvl",
        "mcast_query_response_interval",
        F::U64,
    ),
    (
        IFLA_BR_MCAST_STARTUP_QUERY_INTVL,
        "mcast_startup_query_intvl",
        "mcast_startup_query_interval",
        F::U64,
    ),
    (IFLA_BR_MCAST_STATS_ENABLED, "mcast_stats_enabled", "mcast_stats_enabled", F::U8),
    (IFLA_BR_MCAST_IGMP_VERSION, "mcast_igmp_version", "mcast_igmp_version", F::U8),
    (IFLA_BR_MCAST_MLD_VERSION, "mcast_mld_version", "mcast_mld_version", F::U8),
    (IFLA_BR_NF_CALL_IPTABLES, "nf_call_iptables", "nf_call_iptables", F::U8),
    (IFLA_BR_NF_CALL_IP6TABLES, "nf_call_ip6tables", "nf_call_ip6tables", F::U8),
    (IFLA_BR_NF_CALL_ARPTABLES, "nf_call_arptables", "nf_call_arptables", F::U8),
];

const BRIDGE_SLAVE: &[Field] = &[
    (IFLA_BRPORT_STATE, "state", "state", F::PortState),
    (IFLA_BRPORT_PRIORITY, "priority", "priority", F::Int16),
    (IFLA_BRPORT_COST, "cost", "cost", F::Int32),
    (IFLA_BRPORT_MODE, "hairpin", "hairpin", F::OnOff),
    (IFLA_BRPORT_GUARD, "guard", "guard", F::OnOff),
    (IFLA_BRPORT_PROTECT, "root_block", "root_block", F::OnOff),
    (IFLA_BRPORT_FAST_LEAVE, "fastleave", "fastleave", F::OnOff),
    (IFLA_BRPORT_LEARNING, "learning", "learning", F::OnOff),
    (IFLA_BRPORT_UNICAST_FLOOD, "flood", "flood", F::OnOff),
    (IFLA_BRPORT_ID, "id", "port_id", F::Hex16),
    (IFLA_BRPORT_NO, "no", "port_no", F::Hex16),
    (IFLA_BRPORT_DESIGNATED_PORT, "designated_port", "designated_port", F::U16),
    (IFLA_BRPORT_DESIGNATED_COST, "designated_cost", "designated_cost", F::U16),
    (IFLA_BRPORT_BRIDGE_ID, "bridge_id", "designated_bridge", F::BridgeId),
    (IFLA_BRPORT_ROOT_ID, "root_id", "designated_root", F::BridgeId),
    (IFLA_BRPORT_HOLD_TIMER, "hold_timer", "hold_timer", F::Timer),
    (IFLA_BRPORT_MESSAGE_AGE_TIMER, "message_age_timer", "message_age_timer", F::Timer),
    (IFLA_BRPORT_FORWARD_DELAY_TIMER, "forward_delay_timer", "forward_delay_timer", F::Timer),
    (IFLA_BRPORT_TOPOLOGY_CHANGE_ACK, "topology_change_ack", "topology_change_ack", F::U8),
    (IFLA_BRPORT_CONFIG_PENDING, "config_pending", "config_pending", F::U8),
    (IFLA_BRPORT_PROXYARP, "proxy_arp", "proxy_arp", F::OnOff),
    (IFLA_BRPORT_PROXYARP_WIFI, "proxy_arp_wifi", "proxy_arp_wifi", F::OnOff),
    (IFLA_BRPORT_MULTICAST_ROUTER, "multicast_router", "mcast_router", F::U8),
    (IFLA_BRPORT_FAST_LEAVE, "", "mcast_fast_leave", F::FpOnOff),
    (IFLA_BRPORT_MCAST_FLOOD, "mcast_flood", "mcast_flood", F::OnOff),
    (IFLA_BRPORT_BCAST_FLOOD, "bcast_flood", "bcast_flood", F::OnOff),
    (IFLA_BRPORT_MCAST_TO_UCAST, "mcast_to_unicast", "mcast_to_unicast", F::OnOff),
    (IFLA_BRPORT_NEIGH_SUPPRESS, "neigh_suppress", "neigh_suppress", F::OnOff),
    (IFLA_BRPORT_GROUP_FWD_MASK, "group_fwd_mask", "group_fwd_mask", F::Hex16),
    (IFLA_BRPORT_GROUP_FWD_MASK, "group_fwd_mask_str", "group_fwd_mask_str", F::FwdMaskStr),
    (IFLA_BRPORT_VLAN_TUNNEL, "vlan_tunnel", "vlan_tunnel", F::OnOff),
    (IFLA_BRPORT_ISOLATED, "isolated", "isolated", F::OnOff),
    (IFLA_BRPORT_LOCKED, "locked", "locked", F::OnOff),
    (IFLA_BRPORT_BACKUP_PORT, "backup_port", "backup_port", F::IfName),
];

/// Prints each field of `table` that `tb` has.
fn fields(p: &mut Printer, tb: &Tb<'_>, table: &[Field], names: &LinkNames) {
    for &(kind, key, label, f) in table {
        if tb.get(kind).is_some() {
            field(p, tb, kind, (key, label), f, names);
        }
    }
}

fn field(p: &mut Printer, tb: &Tb<'_>, kind: u16, kl: (&str, &str), f: F, names: &LinkNames) {
    let (key, label) = kl;
    let n = |v: Option<u64>| v.unwrap_or(0);
    match f {
        F::U8 => p.uint(key, label, n(tb.u8(kind).map(u64::from))),
        F::U16 => p.uint(key, label, n(tb.u16(kind).map(u64::from))),
        F::U32 => p.uint(key, label, n(tb.u32(kind).map(u64::from))),
        F::U64 => p.uint(key, label, n(tb.u64(kind))),
        F::Int16 => p.int(key, label, tb.u16(kind).unwrap_or(0).into()),
        F::Int32 => p.int(key, label, tb.u32(kind).unwrap_or(0) as i32 as i64),
        F::OnOff => p.on_off(key, label, tb.u8(kind).unwrap_or(0) != 0),
        F::FpOnOff => {
            let on = if tb.u8(kind).unwrap_or(0) != 0 { "on" } else { "off" };
            p.fp(format_args!("{label} {on} "));
        }
        F::Hex16 => p.hex(key, label, tb.u16(kind).unwrap_or(0).into()),
        F::Timer => timer(p, key, tb.u64(kind).unwrap_or(0)),
        F::Mac => {
            let mac = LlAddr { bytes: tb.get(kind).map_or(&[], |a| a.payload()), link_type: 1 };
            p.string(key, label, &mac.to_string());
        }
        _ => special(p, tb, kind, kl, f, names),
    }
}

fn special(p: &mut Printer, tb: &Tb<'_>, kind: u16, kl: (&str, &str), f: F, names: &LinkNames) {
    let (key, label) = kl;
    match f {
        F::BridgeId => p.string(key, label, &BridgeId(tb.bytes(kind)).to_string()),
        F::RootIdFromBridgeId => {
            let id = tb.bytes(IFLA_BR_BRIDGE_ID).or_else(|| tb.bytes(kind));
            p.string(key, label, &BridgeId(id).to_string());
        }
        F::Proto => p.string(key, label, &eth_proto(tb.be16(kind).unwrap_or(0))),
        F::BoolOpts => bool_opts(p, tb.bytes::<8>(kind).unwrap_or_default()),
        F::PortState => port_state(p, tb.u8(kind).unwrap_or(0)),
        F::FwdMaskStr => p.string(key, label, &fwd_mask_str(tb.u16(kind).unwrap_or(0))),
        F::IfName => p.string(key, label, &names.name(tb.u32(kind).unwrap_or(0))),
        _ => {}
    }
}

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
struct BridgeId(Option<[u8; 8]>);

impl fmt::Display for BridgeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = self.0.unwrap_or_default();
        write!(f, "{:02x}{:02x}.", b[0], b[1])?;
        write!(f, "{:x}:{:x}:{:x}:{:x}:{:x}:{:x}", b[2], b[3], b[4], b[5], b[6], b[7])
    }
}

/// `ll_proto_n2a` for the protocols a bridge or VLAN uses.
pub fn eth_proto(p: u16) -> String {
    match p {
        ETH_P_8021Q => "802.1Q".into(),
        ETH_P_8021AD => "802.1ad".into(),
        other => format!("[{other}]"),
    }
}

/// `IFLA_BR_MULTI_BOOLOPT` (`struct br_boolopt_multi`: value, mask).
fn bool_opts(p: &mut Printer, b: [u8; 8]) {
    let val = u32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
    let mask = u32::from_ne_bytes([b[4], b[5], b[6], b[7]]);
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
fn macvlan(p: &mut Printer, tb: &Tb<'_>, _: &LinkNames) {
    let Some(mode) = tb.get(IFLA_MACVLAN_MODE).and_then(|a| a.u32().ok()) else { return };
    let name = match mode {
        MACVLAN_MODE_PRIVATE => "private",
        MACVLAN_MODE_VEPA => "vepa",
        MACVLAN_MODE_BRIDGE => "bridge",
        MACVLAN_MODE_PASSTHRU => "passthru",
        MACVLAN_MODE_SOURCE => "source",
        _ => "unknown",
    };
    p.string("mode", "mode", name);
    let flags = tb.get(IFLA_MACVLAN_FLAGS).and_then(|a| a.u16().ok()).unwrap_or(0);
    if flags & MACVLAN_FLAG_NOPROMISC != 0 {
        p.flag("nopromisc", "nopromisc ");
    }
    if flags & MACVLAN_FLAG_NODST != 0 {
        p.flag("nodst", "nodst ");
    }
    for (kind, key) in [
        (IFLA_MACVLAN_BC_QUEUE_LEN, "bcqueuelen"),
        (IFLA_MACVLAN_BC_QUEUE_LEN_USED, "usedbcqueuelen"),
    ] {
        if let Some(v) = tb.get(kind).and_then(|a| a.u32().ok()) {
            p.uint(key, key, v.into());
        }
    }
    if mode == MACVLAN_MODE_SOURCE {
        macvlan_sources(p, tb);
    }
}

/// Source mode: `remotes (N) aa:bb:.. ...` / `macaddr_count`, `macaddr_data`.
fn macvlan_sources(p: &mut Printer, tb: &Tb<'_>) {
    let Some(count) = tb.get(IFLA_MACVLAN_MACADDR_COUNT).and_then(|a| a.u32().ok()) else {
        return;
    };
    p.any("macaddr_count", || count.into(), format_args!("remotes ({count}) "));
    let Some(data) = tb.get(IFLA_MACVLAN_MACADDR_DATA) else { return };
    let macs: Vec<String> = data
        .nested()
        .map_while(Result::ok)
        .filter(|a| a.kind() == IFLA_MACVLAN_MACADDR && a.payload().len() >= 6)
        .map(|a| LlAddr { bytes: &a.payload()[..6], link_type: 1 }.to_string())
        .collect();
    if p.is_json() {
        p.js("macaddr_data", || macs.into_iter().map(Value::from).collect());
    } else {
        for m in &macs {
            p.fp(format_args!("{m} "));
        }
    }
}

/// `tun`: type, pi, vnet_hdr, multi_queue, persist, user, group.
fn tun(p: &mut Printer, tb: &Tb<'_>, _: &LinkNames) {
    if let Some(t) = tb.u8(IFLA_TUN_TYPE) {
        let name = match u32::from(t) {
            IFF_TUN => "tun".to_string(),
            IFF_TAP => "tap".into(),
            _ => format!("UNKNOWN:{t}"),
        };
        p.string("type", "type", &name);
    }
    for (kind, key) in [(IFLA_TUN_PI, "pi"), (IFLA_TUN_VNET_HDR, "vnet_hdr")] {
        if let Some(v) = tb.u8(kind) {
            p.on_off(key, key, v != 0);
        }
    }
    if tb.u8(IFLA_TUN_MULTI_QUEUE).unwrap_or(0) == 0 {
        p.js("multi_queue", || false.into());
    } else {
        p.flag("multi_queue", "multi_queue ");
        for (kind, key) in
            [(IFLA_TUN_NUM_QUEUES, "numqueues"), (IFLA_TUN_NUM_DISABLED_QUEUES, "numdisabled")]
        {
            if let Some(v) = tb.u32(kind) {
                p.uint(key, key, v.into());
            }
        }
    }
    if let Some(v) = tb.u8(IFLA_TUN_PERSIST) {
        p.on_off("persist", "persist", v != 0);
    }
    for (kind, key, file) in
        [(IFLA_TUN_OWNER, "user", "/etc/passwd"), (IFLA_TUN_GROUP, "group", "/etc/group")]
    {
        if let Some(id) = tb.u32(kind) {
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
fn vlan(p: &mut Printer, tb: &Tb<'_>, _: &LinkNames) {
    let Some(id) = tb.get(IFLA_VLAN_ID).and_then(|a| a.payload().get(..2)) else { return };
    let proto = tb.be16(IFLA_VLAN_PROTOCOL).map_or_else(|| "802.1q".into(), eth_proto);
    p.string("protocol", "protocol", &proto);
    p.uint("id", "id", u16::from_ne_bytes([id[0], id[1]]).into());
    if let Some(flags) = tb.get(IFLA_VLAN_FLAGS) {
        let Some(f) = flags.payload().get(..4) else { return };
        vlan_flags(p, u32::from_ne_bytes([f[0], f[1], f[2], f[3]]));
    }
    for (kind, key, label) in [
        (IFLA_VLAN_INGRESS_QOS, "ingress_qos", "ingress-qos-map"),
        (IFLA_VLAN_EGRESS_QOS, "egress_qos", "egress-qos-map"),
    ] {
        if let Some(map) = tb.get(kind) {
            qos_map(p, key, label, map);
        }
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

fn qos_map(p: &mut Printer, key: &str, label: &str, map: Attr<'_>) {
    let pairs: Vec<(u32, u32)> = map
        .nested()
        .map_while(Result::ok)
        .filter_map(|a| a.u64().ok().map(|v| v.to_ne_bytes()))
        .map(|b| {
            (
                u32::from_ne_bytes([b[0], b[1], b[2], b[3]]),
                u32::from_ne_bytes([b[4], b[5], b[6], b[7]]),
            )
        })
        .collect();
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
        let id = BridgeId(Some([0x80, 0, 0x0a, 0xbe, 0, 1, 0x20, 0xff]));
        assert_eq!(id.to_string(), "8000.a:be:0:1:20:ff");
        assert_eq!(fwd_mask_str(0), "0x0");
        assert_eq!(fwd_mask_str(0b101 | 8), "stp,lacp,0x8");
        assert_eq!(eth_proto(ETH_P_8021AD), "802.1ad");
        assert_eq!(eth_proto(0x1234), "[4660]");
    }
}
