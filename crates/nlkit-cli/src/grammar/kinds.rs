//! The tables of `link add ... type KIND ARGS`: one per kind nlkit reads
//! arguments of, its rows in the order and with the match rules of `ip`
//! 6.1's `iplink_KIND.c` parser, the keywords nlkit lacks refused in place
//! (`ip::link_add::KINDS` walks them).

use super::{refused, w, Cmd};

/// Every kind with arguments, as `nlkit link help` lists them.
pub const LINK_KINDS: &[&Cmd] =
    &[&KIND_VETH, &KIND_BRIDGE, &KIND_MACVLAN, &KIND_VXLAN, &KIND_VLAN, &KIND_BOND];

/// `link_veth.c`.
pub const KIND_VETH: Cmd = Cmd {
    names: &["veth"],
    synopsis: "[ peer [ name ] NAME ]",
    about: "A pair of connected interfaces",
    words: &[w("peer", "[ name ] NAME", "the other end's name")],
    unsupported: &[],
};

/// `iplink_bridge.c`.
pub const KIND_BRIDGE: Cmd = Cmd {
    names: &["bridge"],
    synopsis: "[ OPTION NUMBER ]...",
    about: "An Ethernet bridge (times in hundredths of a second)",
    words: &[
        w("forward_delay*", "NUMBER", "the forwarding delay"),
        w("hello_time*", "NUMBER", "the hello time"),
        w("max_age*", "NUMBER", "the maximum message age"),
        w("ageing_time*", "NUMBER", "the FDB ageing time"),
        w("stp_state*", "NUMBER", "spanning tree (0 off, 1 on)"),
        w("priority*", "NUMBER", "the bridge priority"),
        w("vlan_filtering*", "NUMBER", "VLAN filtering (0 off, 1 on)"),
        refused("vlan_protocol*"),
        refused("group_fwd_mask*"),
        refused("group_address*"),
        refused("no_linklocal_learn"),
        refused("fdb_flush*"),
        refused("vlan_default_pvid*"),
        refused("vlan_stats_enabled*"),
        refused("vlan_stats_per_port*"),
        refused("mcast_router*"),
        refused("mcast_snooping*"),
        refused("mcast_vlan_snooping"),
        refused("mcast_query_use_ifaddr*"),
        refused("mcast_querier*"),
        refused("mcast_hash_elasticity*"),
        refused("mcast_hash_max*"),
        refused("mcast_last_member_count*"),
        refused("mcast_startup_query_count*"),
        refused("mcast_last_member_interval*"),
        refused("mcast_membership_interval*"),
        refused("mcast_querier_interval*"),
        refused("mcast_query_interval*"),
        refused("mcast_query_response_interval*"),
        refused("mcast_startup_query_interval*"),
        refused("mcast_stats_enabled*"),
        refused("mcast_igmp_version*"),
        refused("mcast_mld_version*"),
        refused("nf_call_iptables*"),
        refused("nf_call_ip6tables*"),
        refused("nf_call_arptables*"),
    ],
    unsupported: &[],
};

/// `iplink_macvlan.c`, macvlan and macvtap alike (needs `link DEV`).
pub const KIND_MACVLAN: Cmd = Cmd {
    names: &["macvlan", "macvtap"],
    synopsis: "[ mode MODE ]",
    about: "Virtual interfaces with their own MAC address over a device",
    words: &[
        w("mode*", "{ private | vepa | bridge | passthru | source }", "the mode"),
        refused("flag*"),
        refused("macaddr*"),
        refused("nopromisc*"),
        refused("nodst*"),
        refused("bcqueuelen*"),
    ],
    unsupported: &[],
};

/// `iplink_vxlan.c`.
pub const KIND_VXLAN: Cmd = Cmd {
    names: &["vxlan"],
    synopsis: "id VNI [ OPTIONS ]",
    about: "A VXLAN tunnel",
    words: &[
        w("id*|vni*", "VNI", "the virtual network identifier (below 2^24)"),
        w("group*", "ADDR", "the multicast group"),
        w("remote*", "ADDR", "the unicast destination"),
        w("local*", "ADDR", "the source address"),
        w("dev*", "DEVICE", "the underlay device"),
        w("ttl*|hoplimit*", "{ NUMBER | auto }", "the TTL"),
        refused("tos*|dsfield*"),
        refused("df*"),
        refused("label*|flowlabel*"),
        refused("ageing*"),
        refused("maxaddress*"),
        refused("port*|srcport*"),
        w("dstport*", "PORT", "the UDP destination port"),
        w("nolearning*", "", "no learning of remote addresses"),
        w("learning*", "", "learning of remote addresses"),
        refused("noproxy*"),
        refused("proxy*"),
        refused("norsc*"),
        refused("rsc*"),
        refused("nol2miss*"),
        refused("l2miss*"),
        refused("nol3miss*"),
        refused("l3miss*"),
        refused("udpcsum*"),
        refused("noudpcsum*"),
        refused("udp6zerocsumtx*"),
        refused("noudp6zerocsumtx*"),
        refused("udp6zerocsumrx*"),
        refused("noudp6zerocsumrx*"),
        refused("remcsumtx*"),
        refused("noremcsumtx*"),
        refused("remcsumrx*"),
        refused("noremcsumrx*"),
        refused("external*"),
        refused("noexternal*"),
        refused("gbp*"),
        refused("gpe*"),
        refused("vnifilter"),
        refused("novnifilter"),
    ],
    unsupported: &[],
};

/// `iplink_vlan.c` (needs `link DEV`).
pub const KIND_VLAN: Cmd = Cmd {
    names: &["vlan"],
    synopsis: "id ID [ protocol { 802.1q | 802.1ad } ]",
    about: "An 802.1Q/802.1ad VLAN over a device",
    words: &[
        w("protocol*", "{ 802.1q | 802.1ad }", "the VLAN protocol"),
        w("id*", "ID", "the VLAN id"),
        refused("reorder_hdr*"),
        refused("gvrp*"),
        refused("mvrp*"),
        refused("loose_binding*"),
        refused("bridge_binding*"),
    ],
    unsupported: &[],
};

/// `iplink_bond.c`.
pub const KIND_BOND: Cmd = Cmd {
    names: &["bond"],
    synopsis: "[ mode MODE ] [ miimon MS ]",
    about: "A bond of ports",
    words: &[
        w("mode*", "MODE", "balance-rr, active-backup, ..., balance-alb, or 0-6"),
        refused("active_slave*"),
        refused("clear_active_slave*"),
        w("miimon*", "MS", "the link monitoring interval"),
        refused("updelay*"),
        refused("downdelay*"),
        refused("peer_notify_delay*"),
        refused("use_carrier*"),
        refused("arp_interval*"),
        refused("arp_ip_target*"),
        refused("ns_ip6_target"),
        refused("arp_validate*"),
        refused("arp_all_targets*"),
        refused("arp_missed_max"),
        refused("primary*"),
        refused("primary_reselect*"),
        refused("fail_over_mac*"),
        refused("xmit_hash_policy*"),
        refused("resend_igmp*"),
        refused("num_grat_arp*"),
        refused("num_unsol_na*"),
        refused("all_slaves_active*"),
        refused("min_links*"),
        refused("lp_interval*"),
        refused("packets_per_slave*"),
        refused("lacp_rate*"),
        refused("lacp_active"),
        refused("ad_select*"),
        refused("ad_user_port_key*"),
        refused("ad_actor_sys_prio*"),
        refused("ad_actor_system*"),
        refused("tlb_dynamic_lb*"),
    ],
    unsupported: &[],
};
