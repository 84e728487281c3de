//! Each expectation is what `ip -j` (iproute2 6.1) printed on a 6.18
//! kernel for the same value, read back from the kernel in a scratch
//! namespace.

use super::*;
use crate::rtnl::{AF_INET, AF_INET6};

fn list(n: FlagNames) -> Vec<&'static str> {
    n.collect()
}

#[test]
fn link_flags_in_ip_order() {
    // (ifi_flags from RTM_NEWLINK, ip -j link's "flags")
    let seen: [(u32, &[&str]); 5] = [
        (0x10049, &["LOOPBACK", "UP", "LOWER_UP"]), // lo
        (0x11043, &["BROADCAST", "MULTICAST", "UP", "LOWER_UP"]), // veth up
        (0x1382, &["BROADCAST", "MULTICAST", "NOARP", "ALLMULTI", "PROMISC"]), // veth down, arp off, promisc, allmulti
        (0x1003, &["NO-CARRIER", "BROADCAST", "MULTICAST", "UP"]), // veth up, peer down (ip adds "M-DOWN")
        (0x1091, &["NO-CARRIER", "POINTOPOINT", "MULTICAST", "NOARP", "UP"]), // tun up, no reader
    ];
    for (flags, want) in seen {
        let names = link_flags(flags);
        assert_eq!(names.unnamed(), 0, "{flags:#x}");
        assert_eq!(list(names), want, "{flags:#x}");
    }
    let odd = link_flags(IFF_UP | IFF_RUNNING | 1 << 20);
    assert_eq!(odd.unnamed(), 1 << 20, "printed by ip as hex");
    assert_eq!(list(odd), ["UP"]);
    assert_eq!(list(link_flags(IFF_ECHO | IFF_DORMANT)), ["DORMANT", "ECHO"]);
    assert_eq!(parse_link_flag("LOWER_UP"), Some(IFF_LOWER_UP));
    assert_eq!(parse_link_flag("RUNNING"), Some(IFF_RUNNING));
    assert_eq!(parse_link_flag("up"), None, "names are upper case");
}

#[test]
fn link_type_operstate_and_mode() {
    assert_eq!(link_type(ARPHRD_LOOPBACK), "loopback");
    assert_eq!(link_type(ARPHRD_ETHER), "ether");
    assert_eq!(link_type(ARPHRD_NONE), "none"); // tun
    assert_eq!(link_type(ARPHRD_TUNNEL), "ipip");
    assert_eq!(link_type(ARPHRD_IP6GRE), "gre6");
    assert_eq!(link_type(ARPHRD_FCFABRIC + 3), "fcfb3");
    assert_eq!(link_type(ARPHRD_HDLC), "hdlc");
    assert_eq!(link_type(ARPHRD_RAWIP), "[519]", "ip 6.1 has no name for it");
    assert_eq!(parse_link_type("ieee802.11/radiotap"), Some(ARPHRD_IEEE80211_RADIOTAP));
    assert_eq!(parse_link_type("nope"), None);

    assert_eq!(oper_state(IF_OPER_UNKNOWN), "UNKNOWN"); // lo
    assert_eq!(oper_state(IF_OPER_DOWN), "DOWN");
    assert_eq!(oper_state(IF_OPER_LOWERLAYERDOWN), "LOWERLAYERDOWN");
    assert_eq!(oper_state(IF_OPER_UP), "UP");
    assert_eq!(oper_state(7), "7");
    assert_eq!(parse_oper_state("dormant"), Some(IF_OPER_DORMANT));
    assert_eq!(link_mode(IF_LINK_MODE_DEFAULT), "DEFAULT");
    assert_eq!(link_mode(IF_LINK_MODE_DORMANT), "DORMANT");
    assert_eq!(link_mode(IF_LINK_MODE_TESTING), "TESTING");
    assert_eq!(link_mode(9), "9");
    assert_eq!(parse_link_mode("dormant"), Some(IF_LINK_MODE_DORMANT));
}

#[test]
fn address_flags_as_ip_j_addr() {
    // (family, IFA_FLAGS, the true keys of ip -j addr)
    let seen: [(u8, u32, &[&str]); 8] = [
        (AF_INET, 0x80, &[]),                            // 192.0.2.1/24
        (AF_INET, 0x200, &["dynamic", "noprefixroute"]), // valid_lft 100 noprefixroute
        (AF_INET, 0x81, &["secondary"]),                 // second address in the subnet
        (AF_INET6, 0xc0, &["tentative"]),                // DAD running
        (AF_INET6, 0x392, &["nodad", "home", "mngtmpaddr", "noprefixroute"]),
        (AF_INET6, 0x22, &["nodad", "deprecated", "dynamic"]), // preferred_lft 0
        (AF_INET6, 0x82, &["nodad"]),
        (AF_INET6, 0x80, &[]), // fe80::/64 and ::1
    ];
    for (family, flags, want) in seen {
        let names = addr_flags(family, flags);
        assert_eq!(names.unnamed(), 0);
        assert_eq!(list(names), want, "{flags:#x}");
    }
    let v6_temp = IFA_F_TEMPORARY | IFA_F_PERMANENT | IFA_F_STABLE_PRIVACY;
    assert_eq!(list(addr_flags(AF_INET6, v6_temp)), ["temporary", "stable-privacy"]);
    assert_eq!(addr_flags(AF_INET, IFA_F_PERMANENT | 1 << 14).unnamed(), 1 << 14);
    assert_eq!(parse_addr_flag("noprefixroute"), Some(IFA_F_NOPREFIXROUTE));
    assert_eq!(parse_addr_flag("permanent"), Some(IFA_F_PERMANENT));
    assert_eq!(parse_addr_flag("dynamic"), None, "a filter word, not a flag");
}

#[test]
fn route_names_as_ip_j_route() {
    for (p, name) in [
        (RTPROT_KERNEL, "kernel"),
        (RTPROT_DHCP, "dhcp"),
        (RTPROT_OPENR, "openr"), // from the stock /etc/iproute2/rt_protos
        (RTPROT_BIRD, "bird"),
        (RTPROT_ZEBRA, "zebra"),
        (RTPROT_BABEL, "babel"),
        (RTPROT_KEEPALIVED, "keepalived"),
        (RTPROT_STATIC, "static"),
        (RTPROT_RA, "ra"),
        (RTPROT_REDIRECT, "redirect"),
        (RTPROT_MROUTED, "17"), // ip 6.1 has no name for it
        (250, "250"),
    ] {
        assert_eq!(route_protocol(p), name);
        assert_eq!(parse_route_protocol(name), Some(p));
    }
    assert_eq!(parse_route_protocol("0x10"), Some(RTPROT_DHCP));
    assert_eq!(parse_route_protocol("256"), None);
    for (s, name) in [
        (RT_SCOPE_LINK, "link"),
        (RT_SCOPE_HOST, "host"),
        (RT_SCOPE_SITE, "site"),
        (RT_SCOPE_UNIVERSE, "global"),
        (RT_SCOPE_NOWHERE, "nowhere"),
        (7, "7"),
    ] {
        assert_eq!(route_scope(s), name);
        assert_eq!(parse_route_scope(name), Some(s));
    }
    for (t, name) in [
        (RT_TABLE_MAIN, "main"),
        (RT_TABLE_LOCAL, "local"),
        (RT_TABLE_DEFAULT, "default"),
        (RT_TABLE_UNSPEC, "unspec"),
        (100, "100"),
        (65536, "65536"),
    ] {
        assert_eq!(route_table(t), name);
        assert_eq!(parse_route_table(name), Some(t));
    }
    assert_eq!(parse_route_table("0x10000"), Some(65536));
    assert_eq!(parse_route_table("4294967296"), None);
}

#[test]
fn route_types_and_their_abbreviations() {
    for (t, name) in [
        (RTN_UNSPEC, "none"),
        (RTN_UNICAST, "unicast"),
        (RTN_LOCAL, "local"),
        (RTN_BROADCAST, "broadcast"),
        (RTN_MULTICAST, "multicast"),
        (RTN_BLACKHOLE, "blackhole"),
        (RTN_UNREACHABLE, "unreachable"),
        (RTN_PROHIBIT, "prohibit"),
        (RTN_THROW, "throw"),
        (RTN_NAT, "nat"),
        (RTN_XRESOLVE, "xresolve"),
        (RTN_ANYCAST, "anycast"),
    ] {
        assert_eq!(route_type(t), name);
        if t != RTN_UNSPEC {
            assert_eq!(parse_route_type(name), Some(t));
        }
    }
    assert_eq!(route_type(12), "12");
    assert_eq!(parse_route_type("b"), Some(RTN_BROADCAST));
    assert_eq!(parse_route_type("brd"), Some(RTN_BROADCAST));
    assert_eq!(parse_route_type("unreach"), Some(RTN_UNREACHABLE));
    assert_eq!(parse_route_type("loc"), None, "local is not abbreviable");
    assert_eq!(parse_route_type("5"), Some(RTN_MULTICAST));
    assert_eq!(parse_route_type(""), None);
}

#[test]
fn neighbour_states_and_flags_as_ip_j_neigh() {
    assert_eq!(list(neigh_states(NUD_REACHABLE)), ["REACHABLE"]);
    assert_eq!(list(neigh_states(NUD_NONE)), ["NONE"]);
    let all = 0xff;
    let order =
        ["INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT"];
    assert_eq!(list(neigh_states(all)), order);
    assert_eq!(neigh_states(all | 0x100).unnamed(), 0x100);
    for (word, state) in [
        ("p", NUD_PERMANENT),
        ("probe", NUD_PROBE),
        ("reach", NUD_REACHABLE),
        ("f", NUD_FAILED),
        ("noarp", NUD_NOARP),
        ("none", NUD_NONE),
        ("stale", NUD_STALE),
        ("0x10", NUD_PROBE),
    ] {
        assert_eq!(parse_neigh_state(word), Some(state), "{word}");
    }
    assert_eq!(parse_neigh_state("3"), None, "one bit only");
    assert_eq!(parse_neigh_state("0x100"), None);
    assert_eq!(parse_neigh_state("sta"), None);

    let router_proxy = (NTF_ROUTER | NTF_PROXY) as u8;
    assert_eq!(list(neigh_flags(router_proxy, 0)), ["router", "proxy"]);
    let learned = (NTF_EXT_LEARNED | NTF_OFFLOADED) as u8;
    assert_eq!(list(neigh_flags(learned, NTF_EXT_MANAGED)), ["managed", "extern_learn", "offload"]);
    assert_eq!(neigh_flags(0, 1 << 5).unnamed(), 1 << (5 + NTF_EXT_SHIFT));
    assert_eq!(parse_neigh_flag("managed"), Some((0, NTF_EXT_MANAGED)));
    assert_eq!(parse_neigh_flag("router"), Some((NTF_ROUTER as u8, 0)));
}

#[test]
fn numbers_read_as_strtoul_reads_them() {
    assert_eq!(c_number("0x1f"), Some(31));
    assert_eq!(c_number("010"), Some(8));
    assert_eq!(c_number("0"), Some(0));
    assert_eq!(c_number("08"), None);
    assert_eq!(c_number(""), None);
    assert_eq!(c_number("0x"), None);
    assert_eq!(c_number("12a"), None);
}

#[test]
fn db_reads_files_as_ip_does() {
    let dir = std::env::temp_dir().join(format!("nlkit-names-{}", std::process::id()));
    let tables_d = dir.join("rt_tables.d");
    std::fs::create_dir_all(&tables_d).unwrap();
    std::fs::write(
        dir.join("rt_tables"),
        "# reserved\n255\tlocal\n  100 blue # a comment\n0x10000 big\n",
    )
    .unwrap();
    std::fs::write(tables_d.join("extra.conf"), "200 green\n100 azure\n").unwrap();
    std::fs::write(tables_d.join("ignored.txt"), "201 red\n").unwrap();
    std::fs::write(dir.join("rt_protos"), "250 mine\nthis is corrupt\n251 never\n").unwrap();
    let db = Db::load_from(&dir);
    std::fs::remove_dir_all(&dir).unwrap();

    assert_eq!(db.route_table(100), "azure", "later lines win");
    assert_eq!(db.route_table(65536), "big");
    assert_eq!(db.route_table(200), "green");
    assert_eq!(db.route_table(201), "201");
    assert_eq!(db.route_table(RT_TABLE_MAIN), "main", "built in");
    assert_eq!(db.parse_route_table("green"), Some(200));
    assert_eq!(db.parse_route_table("blue"), None, "renamed");
    assert_eq!(db.parse_route_table("big"), Some(65536));
    assert_eq!(db.parse_route_table("300"), Some(300));
    assert_eq!(db.route_protocol(250), "mine");
    assert_eq!(db.route_protocol(251), "251", "reading stopped at the corrupt line");
    assert_eq!(db.route_protocol(RTPROT_DHCP), "dhcp");
    assert_eq!(db.route_protocol(RTPROT_OPENR), "99", "not built in, and not in this rt_protos");
    assert_eq!(db.parse_route_protocol("mine"), Some(250));
    assert_eq!(db.route_scope(RT_SCOPE_LINK), "link");
    assert_eq!(db.parse_route_scope("host"), Some(RT_SCOPE_HOST));

    let mut more = Db::default();
    more.add_protocols("0x20 hex\n300 too-big\n");
    more.add_tables("1000 t\n");
    assert_eq!((more.route_protocol(32), more.parse_route_table("t")), ("hex".into(), Some(1000)));
}

#[test]
fn db_of_this_system_agrees_with_the_stock_names() {
    let db = Db::load();
    assert_eq!(db.route_table(RT_TABLE_LOCAL), "local");
    if !std::path::Path::new("/etc/iproute2/rt_protos").exists() {
        return; // only the built-in names: nothing to compare
    }
    for p in 0..=u8::MAX {
        assert_eq!(db.route_protocol(p), route_protocol(p), "{p}");
    }
}
