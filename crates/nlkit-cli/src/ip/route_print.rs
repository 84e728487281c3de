//! One route as iproute2 6.1's `print_route` prints it: a line of text, or
//! an `ip -j` object with the same keys in the same order. Both come from
//! one walk over the route (as in `ip`, where each field is printed "in
//! either mode"), written into a buffer that is reused from route to route,
//! so a dump of a million routes allocates nothing per route (except the
//! name of a table or protocol that has none).

use crate::out::naming;
use crate::out::writer::{push_g, push_u64, Buf, IfNames, Printer};
use nlkit::rtnl::route::nexthop::{Multipath, Via};
use nlkit::rtnl::route::{Route, RouteCacheInfo};
use nlkit::rtnl::uapi::*;
use nlkit::rtnl::{AF_INET, AF_INET6};
use std::fmt::Write as _;

/// What a `show` filter hides (a field every shown route has the same value
/// of is not printed), and the `-d`/`-s` switches: `ip`'s `filter.*mask`s.
#[derive(Debug, Clone, Copy, Default)]
pub struct View {
    pub details: bool,
    pub stats: bool,
    /// One table was asked for: `table` is not printed.
    pub one_table: bool,
    pub hide_protocol: bool,
    pub hide_scope: bool,
    pub hide_tos: bool,
    pub hide_oif: bool,
    pub hide_iif: bool,
    pub hide_metric: bool,
    pub hide_realms: bool,
    /// The prefix length of a `via` filter: a full-length one hides the gateway.
    pub via_len: i32,
    /// The prefix length of a `src` filter: a full-length one hides `src`.
    pub prefsrc_len: i32,
    /// `-o`: the route on one line, its line breaks (before each next hop,
    /// before `cache`) written as `\` (ip's `_SL_`).
    pub oneline: bool,
}

impl View {
    /// ip's `_SL_`: the line break within one route.
    fn sl(&self) -> &'static str {
        if self.oneline {
            "\\"
        } else {
            "\n"
        }
    }
}

/// `AF_MPLS`: its next hops have no weight.
const AF_MPLS: u8 = 28;
/// `AF_PACKET`, as `ip` names an `RTA_VIA` family.
const AF_PACKET: u16 = 17;
/// User-space clock ticks per second (`sysconf(_SC_CLK_TCK)`).
const USER_HZ: i64 = 100;

/// The route cache flags (`RTCF_*`, `<linux/in_route.h>`) `ip` names, in its order.
const CACHE_FLAGS: [(u32, &str); 14] = [
    (0x8000_0000, "local"),
    (0x4000_0000, "reject"),
    (0x2000_0000, "mc"),
    (0x1000_0000, "brd"),
    (0x0800_0000, "dst-nat"),
    (0x0080_0000, "src-nat"),
    (0x0040_0000, "masq"),
    (0x0002_0000, "dst-direct"),
    (0x0400_0000, "src-direct"),
    (0x0004_0000, "redirected"),
    (0x0100_0000, "redirect"),
    (0x0020_0000, "fastroute"),
    (0x0001_0000, "notify"),
    (0x0008_0000, "proxy"),
];

/// Route and next-hop flags, as `print_rt_flags` names them, in its order.
const RT_FLAGS: [(u32, &str); 11] = [
    (RTNH_F_DEAD, "dead"),
    (RTNH_F_ONLINK, "onlink"),
    (RTNH_F_PERVASIVE, "pervasive"),
    (RTNH_F_OFFLOAD, "offload"),
    (RTNH_F_TRAP, "trap"),
    (RTM_F_NOTIFY, "notify"),
    (RTNH_F_LINKDOWN, "linkdown"),
    (RTNH_F_UNRESOLVED, "unresolved"),
    (RTM_F_OFFLOAD, "rt_offload"),
    (RTM_F_TRAP, "rt_trap"),
    (RTM_F_OFFLOAD_FAILED, "rt_offload_failed"),
];

const RT_FLAGS_ALL: u32 = {
    let mut all = 0;
    let mut i = 0;
    while i < RT_FLAGS.len() {
        all |= RT_FLAGS[i].0;
        i += 1;
    }
    all
};

/// Metric names (`mx_names`), indexed by `RTAX_*`; `route add` reads the
/// keywords it accepts from here too.
pub(super) const METRIC_NAMES: [&str; RTAX_MAX as usize + 1] = [
    "",
    "",
    "mtu",
    "window",
    "rtt",
    "rttvar",
    "ssthresh",
    "cwnd",
    "advmss",
    "reordering",
    "hoplimit",
    "initcwnd",
    "features",
    "rto_min",
    "initrwnd",
    "quickack",
    "congctl",
    // ip has no name for it: text "metric 17", and (as ip's JSON would be
    // invalid) this key.
    "fastopen_no_cookie",
];

/// The stock `/etc/iproute2/rt_dsfield` names.
pub const DSFIELDS: [(u8, &str); 21] = [
    (0x00, "default"),
    (0x28, "AF11"),
    (0x30, "AF12"),
    (0x38, "AF13"),
    (0x48, "AF21"),
    (0x50, "AF22"),
    (0x58, "AF23"),
    (0x68, "AF31"),
    (0x70, "AF32"),
    (0x78, "AF33"),
    (0x88, "AF41"),
    (0x90, "AF42"),
    (0x98, "AF43"),
    (0x20, "CS1"),
    (0x40, "CS2"),
    (0x60, "CS3"),
    (0x80, "CS4"),
    (0xA0, "CS5"),
    (0xC0, "CS6"),
    (0xE0, "CS7"),
    (0xB8, "EF"),
];

impl Printer {
    /// `print_rt_flags`: a `flags` array in JSON (always), words in text.
    fn rt_flags(&mut self, flags: u32) {
        if flags & RT_FLAGS_ALL == 0 {
            if self.json {
                self.key("flags");
                self.text("[]");
            }
            return;
        }
        if self.json {
            self.open(Some("flags"), b'[');
        }
        for (bit, name) in RT_FLAGS {
            if flags & bit != 0 {
                if self.json {
                    self.sep();
                    self.quoted(name);
                } else {
                    self.text(name);
                    self.text(" ");
                }
            }
        }
        if self.json {
            self.close(b']');
        }
    }

    /// Prints `r` with the interface `names` (by index), hiding what `v` says.
    pub fn route(&mut self, r: &Route<'_>, v: &View, names: &IfNames) {
        self.begin();
        let h = &r.header;
        let family = h.family;
        let full = host_len(family);
        let cloned = h.flags & RTM_F_CLONED != 0;
        if h.kind != RTN_UNICAST || v.details {
            self.string("type", "", &naming::route_type(h.kind), " ");
        }
        match r.dst {
            Some(a) => self.paint_prefix("dst", "", &a, h.dst_len, full),
            None if h.dst_len != 0 => {
                let mut s = String::with_capacity(8);
                let _ = write!(s, "0/{} ", h.dst_len);
                self.string("dst", "", &s, " ");
            }
            None => self.string("dst", "", "default", " "),
        }
        match r.src {
            Some(a) => self.paint_prefix("from", "from ", &a, h.src_len, full),
            None if h.src_len != 0 => {
                let s = format!("0/{}", h.src_len);
                self.string("src", "from ", &s, " ");
            }
            None => {}
        }
        if let Some(id) = r.nh_id {
            self.uint("nhid", "nhid ", id as u64, " ");
        }
        if h.tos != 0 && !v.hide_tos {
            self.string("tos", "tos ", &dsfield_name(h.tos), " ");
        }
        if let Some(gw) = r.gateway.filter(|_| v.via_len != full as i32) {
            self.paint_host("gateway", "via ", &gw, " ");
        }
        if let Some(via) = r.via {
            self.via(&via);
        }
        if let Some(oif) = r.oif.filter(|_| !v.hide_oif) {
            self.paint_dev("dev", "dev ", oif, names);
        }
        if r.table != 0 && (r.table != RT_TABLE_MAIN || v.details) && !v.one_table {
            self.string("table", "table ", &naming::table(r.table), " ");
        }
        if !cloned {
            if (h.protocol != RTPROT_BOOT || v.details) && !v.hide_protocol {
                self.string("protocol", "proto ", &naming::protocol(h.protocol), " ");
            }
            if (h.scope != RT_SCOPE_UNIVERSE || v.details) && !v.hide_scope {
                self.string("scope", "scope ", &naming::scope(h.scope), " ");
            }
        }
        if let Some(a) = r.prefsrc.filter(|_| v.prefsrc_len != full as i32) {
            self.paint_addr("prefsrc", "src ", &a, " ");
        }
        if let Some(m) = r.priority.filter(|_| !v.hide_metric) {
            self.uint("metric", "metric ", m as u64, " ");
        }
        self.rt_flags(h.flags);
        if let Some(mark) = r.mark.filter(|&m| m != 0) {
            if self.json {
                self.uint("mark", "", mark as u64, "");
            } else if mark >= 16 {
                let _ = write!(Buf(&mut self.buf), "mark {mark:#x} ");
            } else {
                self.uint("mark", "mark ", mark as u64, " ");
            }
        }
        if let Some(flow) = r.flow.filter(|_| !v.hide_realms) {
            self.flow(flow);
        }
        if let Some(uid) = r.uid {
            self.uint("uid", "uid ", uid as u64, " ");
        }
        if family == AF_INET && cloned {
            self.cache_flags(h.flags, v.sl());
        }
        if family == AF_INET || family == AF_INET6 {
            if let Some(ci) = &r.cacheinfo {
                self.cacheinfo(ci, v.stats);
            }
        }
        if let Some(m) = &r.metrics {
            self.metrics(m.attrs());
        }
        if let Some(iif) = r.iif.filter(|_| !v.hide_iif) {
            self.dev("iif", "iif ", iif, names);
        }
        if let Some(pref) = r.pref {
            match pref {
                ICMPV6_ROUTER_PREF_LOW => self.string("pref", "pref ", "low", ""),
                ICMPV6_ROUTER_PREF_MEDIUM => self.string("pref", "pref ", "medium", ""),
                ICMPV6_ROUTER_PREF_HIGH => self.string("pref", "pref ", "high", ""),
                other => self.uint("pref", "", other as u64, ""),
            }
        }
        if let Some(t) = r.ttl_propagate {
            if self.json {
                self.key("ttl-propogate");
                self.text(if t != 0 { "true" } else { "false" });
            } else {
                self.text(if t != 0 { "ttl-propogate enabled" } else { "ttl-propogate disabled" });
            }
        }
        if let Some(mp) = &r.multipath {
            self.multipath(r, mp, names, v.sl());
        }
        self.finish();
    }

    /// `print_rta_via`: a gateway of another family.
    fn via(&mut self, via: &Via<'_>) {
        let family = match via.family {
            f if f == AF_INET as u16 => "inet",
            f if f == AF_INET6 as u16 => "inet6",
            f if f == AF_MPLS as u16 => "mpls",
            AF_PACKET => "link",
            7 => "bridge",
            _ => "???",
        };
        let host = match via.ip() {
            Some(a) => crate::out::naming::host_or_addr(&a),
            None => via.addr.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":"),
        };
        if self.json {
            self.open(Some("via"), b'{');
            self.string("family", "", family, "");
            self.string("host", "", &host, "");
            self.close(b'}');
        } else {
            self.text("via ");
            self.text(family);
            self.text(" ");
            self.text(&host);
            self.text(" ");
        }
    }

    /// `print_rta_flow`: `realm[s] [FROM/]TO`.
    fn flow(&mut self, flow: u32) {
        let (from, to) = (flow >> 16, flow & 0xFFFF);
        if self.json {
            self.open(Some("flow"), b'{');
            if from != 0 {
                self.string("from", "", &realm_name(from), "");
            }
            self.string("to", "", &realm_name(to), "");
            self.close(b'}');
        } else {
            self.text(if from != 0 { "realms " } else { "realm " });
            if from != 0 {
                self.text(&realm_name(from));
                self.text("/");
            }
            self.text(&realm_name(to));
            self.text(" ");
        }
    }

    /// `print_cache_flags` (IPv4 route cache entries, as `route get` answers).
    fn cache_flags(&mut self, flags: u32, sl: &str) {
        let mut flags = flags & !0xFFFF;
        if self.json {
            self.open(Some("cache"), b'[');
        } else {
            self.text(sl);
            self.text("    cache ");
            if flags == 0 {
                return;
            }
            self.text("<");
        }
        for (bit, name) in CACHE_FLAGS {
            if flags & bit != 0 {
                flags &= !bit;
                if self.json {
                    self.sep();
                    self.quoted(name);
                } else {
                    self.text(name);
                    self.text(if flags != 0 { "," } else { "> " });
                }
            }
        }
        if self.json {
            self.close(b']');
        } else if flags != 0 {
            let _ = write!(Buf(&mut self.buf), "{flags:x}>");
        }
    }

    /// `print_rta_cacheinfo`.
    fn cacheinfo(&mut self, ci: &RouteCacheInfo, stats: bool) {
        if ci.expires != 0 {
            self.int("expires", "expires ", ci.expires as i64 / USER_HZ, "sec ");
        }
        if ci.error != 0 {
            self.uint("error", "error ", ci.error as u64, " ");
        }
        if stats {
            if ci.clntref != 0 {
                self.uint("users", "users ", ci.clntref as u64, " ");
            }
            if ci.used != 0 {
                self.uint("used", "used ", ci.used as u64, " ");
            }
            if ci.lastuse != 0 {
                self.uint("age", "age ", ci.lastuse as u64 / USER_HZ as u64, "sec ");
            }
        }
        if ci.id != 0 {
            self.hex("ipid", "ipid 0x", 4, ci.id as u64, " ");
        }
        if ci.ts != 0 || ci.tsage != 0 {
            self.hex("ts", "ts 0x", 0, ci.ts as u64, "");
            self.uint("tsage", "tsage ", ci.tsage as u64, "sec ");
        }
    }

    /// `print_rta_metrics`: `metrics: [{...}]` in JSON, `NAME [lock] VALUE` in text.
    fn metrics(&mut self, attrs: nlkit::wire::Attrs<'_>) {
        let mut vals = [None::<u32>; RTAX_MAX as usize + 1];
        let mut cc_algo = None;
        for a in attrs.map_while(Result::ok) {
            match a.kind() {
                RTAX_CC_ALGO => {
                    vals[RTAX_CC_ALGO as usize] = Some(0);
                    cc_algo = a.string().ok();
                }
                k @ 1..=RTAX_MAX => vals[k as usize] = a.u32().ok(),
                _ => {}
            }
        }
        let lock = vals[RTAX_LOCK as usize].unwrap_or(0);
        if self.json {
            self.open(Some("metrics"), b'[');
            self.open(None, b'{');
        }
        for i in 2..=RTAX_MAX {
            let locked = lock & (1 << i) != 0;
            if vals[i as usize].is_none() && !locked {
                continue;
            }
            let mut val = vals[i as usize].unwrap_or(0);
            if i == RTAX_HOPLIMIT && val == u32::MAX {
                continue;
            }
            let name = METRIC_NAMES[i as usize];
            if !self.json {
                if i == RTAX_FASTOPEN_NO_COOKIE {
                    let _ = write!(Buf(&mut self.buf), "metric {i} ");
                } else {
                    self.text(name);
                    self.text(" ");
                }
                if locked {
                    self.text("lock ");
                }
            }
            match i {
                RTAX_FEATURES => {
                    let mut rest = val;
                    if val & RTAX_FEATURE_ECN != 0 {
                        if self.json {
                            self.key("ecn");
                            self.text("null");
                        } else {
                            self.text("ecn ");
                        }
                        rest &= !RTAX_FEATURE_ECN;
                    }
                    if rest != 0 {
                        if self.json {
                            self.hex("features", "", 0, val as u64, "");
                        } else {
                            let _ = write!(Buf(&mut self.buf), "{val:#x} ");
                        }
                    }
                }
                RTAX_RTT | RTAX_RTTVAR | RTAX_RTO_MIN => {
                    if i == RTAX_RTT {
                        val /= 8;
                    } else if i == RTAX_RTTVAR {
                        val /= 4;
                    }
                    if self.json {
                        self.uint(name, "", val as u64, "");
                    } else if val >= 1000 {
                        push_g(&mut self.buf, val as f64 / 1e3);
                        self.text("s ");
                    } else {
                        push_u64(&mut self.buf, val as u64);
                        self.text("ms ");
                    }
                }
                RTAX_CC_ALGO => self.string("congestion", "", cc_algo.unwrap_or(""), " "),
                _ => self.uint(name, "", val as u64, " "),
            }
        }
        if self.json {
            self.close(b'}');
            self.close(b']');
        }
    }

    /// `print_rta_multipath`: `\n\tnexthop via GW dev IF weight W FLAGS` per path.
    fn multipath(&mut self, r: &Route<'_>, mp: &Multipath<'_>, names: &IfNames, sl: &str) {
        let family = r.family();
        let mcast = r.header.flags & RTM_F_CLONED != 0 && r.kind() == RTN_MULTICAST;
        if self.json {
            self.open(Some("nexthops"), b'[');
        }
        for (i, nh) in mp.iter().enumerate() {
            if self.json {
                self.open(None, b'{');
            } else if mcast {
                self.text(if i == 0 { "Oifs: " } else { " " });
            } else {
                self.text(sl);
                self.text("\tnexthop ");
            }
            if let Some(gw) = &nh.gateway {
                self.host("gateway", "via ", gw, " ");
            }
            if let Some(via) = &nh.via {
                self.via(via);
            }
            if let Some(flow) = nh.flow {
                self.flow(flow);
            }
            if mcast {
                self.dev("dev", "", nh.ifindex as u32, names);
                // dev() ends with a space in text; ip prints none before "(ttl>N)".
                if !self.json {
                    self.buf.pop();
                }
                if nh.hops != 1 {
                    if self.json {
                        self.uint("ttl", "", nh.hops as u64, "");
                    } else {
                        let _ = write!(Buf(&mut self.buf), "(ttl>{})", nh.hops);
                    }
                }
                if !self.json {
                    self.text(" ");
                }
            } else {
                self.dev("dev", "dev ", nh.ifindex as u32, names);
                if family != AF_MPLS {
                    self.uint("weight", "weight ", nh.weight() as u64, " ");
                }
            }
            self.rt_flags(nh.flags as u32);
            if self.json {
                self.close(b'}');
            }
        }
        if self.json {
            self.close(b']');
        }
    }
}

/// The prefix length of a host address of `family`.
fn host_len(family: u8) -> u8 {
    match family {
        AF_INET6 => 128,
        AF_MPLS => 20,
        _ => 32,
    }
}

fn dsfield_name(tos: u8) -> String {
    match DSFIELDS.iter().find(|(v, _)| *v == tos).filter(|_| !naming::numeric()) {
        Some((_, n)) => (*n).to_string(),
        None => format!("0x{tos:02x}"),
    }
}

/// The stock `/etc/iproute2/rt_realms` names realm 0 `cosmos`.
fn realm_name(realm: u32) -> String {
    if realm == 0 && !naming::numeric() {
        "cosmos".into()
    } else {
        realm.to_string()
    }
}
