//! One table per `ip`-style object: its commands in `ip`'s order (the
//! first is what the object alone runs), each command's keywords in the
//! order `ip` matches them, and what `ip` 6.1 has that nlkit does not.

use super::{refused, w, Cmd, Object};

/// Every object, in the order the top-level help lists them.
pub const OBJECTS: &[&Object] = &[
    &ADDRESS,
    &LINK,
    &NEIGH,
    &ROUTE,
    &RULE,
    &MONITOR,
    &TCP_METRICS,
    &CONNTRACK,
    &super::xfrm::XFRM,
];

const LINK_SELECT: &str = "{ DEVICE | dev DEVICE }";

pub const LINK: Object = Object {
    names: &["link"],
    about: "Network interfaces, as ip link",
    commands: &[
        LINK_SHOW,
        Cmd {
            names: &["add"],
            synopsis: "[ link DEVICE ] [ name ] NAME [ OPTIONS ] type TYPE [ ARGS ]",
            about: "Make an interface",
            words: LINK_COMMON,
            unsupported: LINK_UNSUPPORTED,
        },
        LINK_DELETE,
        LINK_SET,
    ],
    unsupported: &["xstats", "afstats", "property"],
    defs: &[
        "TYPE := { bond | bridge | dummy | ifb | macvlan | veth | vlan | vxlan | ... }",
        "  (add's ARGS for each kind: the type sections above)",
    ],
    kinds: super::kinds::LINK_KINDS,
};

/// `link delete` (the walker reads it: see `ip::DEV_ONLY`).
pub const LINK_DELETE: Cmd = Cmd {
    names: &["delete", "del"],
    synopsis: LINK_SELECT,
    about: "Remove an interface (named: never all of them)",
    words: &[w("dev", "DEVICE", "the interface (the word may be left out)")],
    unsupported: &["group"],
};

/// `address save` (the walker reads it: see `ip::DEV_ONLY`).
pub const ADDR_SAVE: Cmd = Cmd {
    names: &["save"],
    synopsis: "[ dev IFNAME ] > FILE",
    about: "Write the addresses (of the family, of a device) as iproute2's binary dump",
    words: &[w("dev", "IFNAME", "only this interface (the word may be left out)")],
    unsupported: &[],
};

/// `link show`, in `ipaddr_list_flush_or_save`'s order and match rules
/// (whole words; the walker reads it: see `ip::link::SHOW`).
pub const LINK_SHOW: Cmd = Cmd {
    names: &["show", "list", "lst"],
    synopsis: "[ DEVICE | dev DEVICE ] [ up ] [ master DEVICE ] [ type TYPE ] [ group GROUP ]",
    about: "List interfaces (with -d: their kind's settings; -s: statistics)",
    words: &[
        w("up", "", "only interfaces that are up"),
        w("group", "GROUP", "only this interface group (name or number)"),
        w("master", "DEVICE", "only ports of this master"),
        w("type", "TYPE", "only this kind (TYPE_slave: ports of such masters)"),
        w("dev", "DEVICE", "only this interface (the word may be left out)"),
    ],
    unsupported: &["vrf", "nomaster"],
};

/// `link add|set`, in `iplink_parse`'s order and match rules (the walker
/// reads it: see `ip::link::WALK`).
pub const LINK_COMMON: &[super::Word] = &[
    w("up", "", "bring the interface up"),
    w("down", "", "bring it down"),
    w("name", "NAME", "the (new) name"),
    w("link*", "DEVICE", "the lower device (macvlan, vlan, ...)"),
    w("address*", "LLADDR", "the link-layer address"),
    w("broadcast*|brd", "LLADDR", "the link-layer broadcast address"),
    w("txqueuelen*|qlen|txqlen*", "PACKETS", "the transmit queue length"),
    w("mtu", "MTU", "the MTU"),
    w("netns", "{ PID | NAME }", "move to this network namespace"),
    w("multicast", "{ on | off }", "IFF_MULTICAST"),
    w("allmulticast", "{ on | off }", "IFF_ALLMULTI: every multicast"),
    w("promisc", "{ on | off }", "IFF_PROMISC: every frame"),
    w("trailers", "{ on | off }", "trailers (off: IFF_NOTRAILERS)"),
    w("arp", "{ on | off }", "ARP (off: IFF_NOARP)"),
    w("carrier", "{ on | off }", "the carrier, where the driver lets it be set"),
    w("master*", "DEVICE", "enslave to this master (bridge, bond)"),
    w("nomaster*", "", "release from its master"),
    w("dynamic*", "{ on | off }", "IFF_DYNAMIC"),
    w("type*", "TYPE [ ARGS ]", "the kind, then its settings (the last keyword)"),
    w("alias*", "TEXT", "the alias (ifalias)"),
    w("group", "GROUP", "the interface group"),
    w("dev", "DEVICE", "the interface (the word may be left out)"),
];

/// `link set` (and, with another name, `link add`).
pub const LINK_SET: Cmd = Cmd {
    names: &["set", "change"],
    synopsis: "{ DEVICE | dev DEVICE } [ OPTIONS ]",
    about: "Change an interface",
    words: LINK_COMMON,
    unsupported: LINK_UNSUPPORTED,
};

const LINK_UNSUPPORTED: &[&str] = &[
    "index",
    "numtxqueues",
    "numrxqueues",
    "parentdev",
    "link-netns",
    "link-netnsid",
    "vf",
    "xdp",
    "xdpgeneric",
    "xdpdrv",
    "xdpoffload",
    "vrf",
    "addrgenmode",
    "protodown",
    "protodown_reason",
    "gso_max_size",
    "gso_max_segs",
    "gro_max_size",
    "altname",
];

pub const ADDRESS: Object = Object {
    names: &["address", "addr"],
    about: "Interface addresses, as ip address",
    commands: &[
        ADDR_SHOW_CMD,
        ADDR_ADD,
        Cmd {
            names: &["change", "chg"],
            synopsis: "IFADDR dev IFNAME [ LIFETIME ] [ CONFFLAG-LIST ]",
            about: "Change an existing address",
            words: ADDR_MODIFY,
            unsupported: &[],
        },
        Cmd {
            names: &["replace"],
            synopsis: "IFADDR dev IFNAME [ LIFETIME ] [ CONFFLAG-LIST ]",
            about: "Add an address or change it",
            words: ADDR_MODIFY,
            unsupported: &[],
        },
        Cmd {
            names: &["delete", "del"],
            synopsis: "IFADDR dev IFNAME",
            about: "Remove an address",
            words: ADDR_MODIFY,
            unsupported: &[],
        },
        ADDR_SAVE,
        Cmd {
            names: &["restore"],
            synopsis: "< FILE",
            about: "Add the addresses of a dump (from save or ip address save)",
            words: &[],
            unsupported: &[],
        },
        Cmd {
            names: &["flush"],
            synopsis:
                "dev IFNAME [ scope SCOPE-ID ] [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [ up ]",
            about: "Remove the addresses selected (a selector is required)",
            words: ADDR_FILTER,
            unsupported: ADDR_FILTER_UNSUPPORTED,
        },
    ],
    unsupported: &["showdump"],
    defs: &[
        "IFADDR := PREFIX | ADDR peer PREFIX [ broadcast ADDR ] [ anycast ADDR ]",
        "          [ label IFNAME ] [ scope SCOPE-ID ] [ metric METRIC ]",
        "SCOPE-ID := [ host | link | global | NUMBER ]",
        "FLAG-LIST := [ FLAG-LIST ] FLAG",
        "FLAG := [ permanent | dynamic | secondary | primary | [-]tentative | [-]deprecated |",
        "          [-]dadfailed | temporary | CONFFLAG-LIST ]",
        "CONFFLAG := [ home | nodad | mngtmpaddr | noprefixroute ]",
        "LIFETIME := [ valid_lft LFT ] [ preferred_lft LFT ]",
        "LFT := forever | SECONDS",
    ],
    kinds: &[],
};

/// `address flush`'s rows (the walk is show's: the link selectors are
/// refused here, before it).
const ADDR_FILTER: &[super::Word] = &[
    w("to", "PREFIX", "only addresses in this prefix"),
    w("scope", "SCOPE-ID", "only this scope (or all)"),
    w("up", "", "only interfaces that are up"),
    w("label", "PATTERN", "only labels matching this shell pattern"),
    w("dev", "IFNAME", "only this interface (the word may be left out)"),
];

const ADDR_FILTER_UNSUPPORTED: &[&str] = &["group", "master", "vrf", "nomaster", "type"];

/// `address show`, in `ipaddr_list_flush_or_save`'s order and match rules
/// (whole words; the walker reads it: see `ip::addr_filter::WALK`).
pub const ADDR_SHOW_CMD: Cmd = Cmd {
    names: &["show", "list", "lst"],
    synopsis: "[ dev IFNAME ] [ scope SCOPE-ID ] [ master DEVICE ] [ type TYPE ] [ group GROUP ] [ to PREFIX ] [ FLAG-LIST ] [ label LABEL ] [ up ]",
    about: "List addresses by interface",
    words: &[
        w("to", "PREFIX", "only addresses in this prefix"),
        w("scope", "SCOPE-ID", "only this scope (or all)"),
        w("up", "", "only interfaces that are up"),
        w("label", "PATTERN", "only labels matching this shell pattern"),
        w("group", "GROUP", "only interfaces of this group"),
        w("master", "DEVICE", "only interfaces enslaved to this master"),
        w("type", "TYPE", "only interfaces of this kind (TYPE_slave: ports of such masters)"),
        w("dev", "IFNAME", "only this interface (the word may be left out)"),
    ],
    unsupported: &["vrf", "nomaster"],
};

/// `address add|change|replace|del`, in `ipaddr_modify`'s order and match
/// rules (the walker reads it: see `ip::addr_modify::WALK`).
const ADDR_MODIFY: &[super::Word] = &[
    w("peer|remote", "PREFIX", "the peer of a point-to-point address"),
    w("broadcast*|brd", "ADDR", "the broadcast address (+ or -: computed)"),
    w("anycast", "ADDR", "an anycast address"),
    w("scope", "SCOPE-ID", "the scope"),
    w("dev", "IFNAME", "the interface"),
    w("label", "LABEL", "the label (IFNAME or IFNAME:TEXT)"),
    w("metric*|priority*|preference*", "METRIC", "the prefix route's metric"),
    w("valid_lft*", "LFT", "valid lifetime"),
    w("preferred_lft*", "LFT", "preferred lifetime"),
    w("secondary", "", "(read-only: refused with a warning)"),
    w("temporary", "", "(read-only: refused with a warning)"),
    w("nodad", "", "no duplicate address detection (IPv6)"),
    w("optimistic", "", "optimistic duplicate address detection (IPv6)"),
    w("dadfailed", "", "(read-only: refused with a warning)"),
    w("home", "", "IFA_F_HOMEADDRESS (IPv6)"),
    w("deprecated", "", "(read-only: refused with a warning)"),
    w("tentative", "", "(read-only: refused with a warning)"),
    w("permanent", "", "(read-only: refused with a warning)"),
    w("mngtmpaddr", "", "manage temporary addresses (IPv6)"),
    w("noprefixroute", "", "no prefix route"),
    w("autojoin", "", "join the multicast group of a multicast address"),
    w("stable-privacy", "", "(read-only: refused with a warning)"),
    w("local", "PREFIX", "the address (the word may be left out)"),
];

/// `address add` (the walker's command).
pub const ADDR_ADD: Cmd = Cmd {
    names: &["add"],
    synopsis: "IFADDR dev IFNAME [ LIFETIME ] [ CONFFLAG-LIST ]",
    about: "Add an address",
    words: ADDR_MODIFY,
    unsupported: &[],
};

pub const ROUTE: Object = Object {
    names: &["route"],
    about: "Routes, as ip route",
    commands: &[
        ROUTE_SHOW,
        ROUTE_GET,
        ROUTE_ADD,
        Cmd { names: &["change", "chg"], about: "Change an existing route", ..ROUTE_ADD },
        Cmd { names: &["replace"], about: "Add a route or change it", ..ROUTE_ADD },
        Cmd { names: &["prepend"], about: "Add a route before others of its prefix", ..ROUTE_ADD },
        Cmd { names: &["append"], about: "Add a route after others of its prefix", ..ROUTE_ADD },
        Cmd { names: &["test"], about: "Ask whether the route could be added", ..ROUTE_ADD },
        Cmd { names: &["delete", "del"], about: "Remove a route", ..ROUTE_ADD },
        Cmd {
            names: &["flush"],
            synopsis: "SELECTOR",
            about: "Delete the routes a selector names (one is required), in rounds until none \
                    is left; -s counts them",
            ..ROUTE_SHOW
        },
        Cmd {
            names: &["save"],
            synopsis: "[ SELECTOR ] > FILE",
            about: "Write the routes selected as iproute2's binary dump (never to a terminal)",
            ..ROUTE_SHOW
        },
        Cmd {
            names: &["restore"],
            synopsis: "< FILE",
            about: "Add the routes of a dump (from save or ip route save), local ones first",
            words: &[],
            unsupported: &[],
        },
    ],
    unsupported: &["showdump"],
    defs: &[
        "ROUTE := [ TYPE ] PREFIX [ OPTIONS ] [ nexthop NH ]...",
        "NH := [ via [ FAMILY ] ADDRESS ] [ dev DEVICE ] [ weight NUMBER ] [ onlink ]",
        "TYPE := { unicast | local | broadcast | multicast | throw | unreachable | prohibit |",
        "          blackhole | nat }",
        "TABLE_ID := [ local | main | default | all | NUMBER ]",
        "SCOPE := [ host | link | global | NUMBER ]",
        "RTPROTO := [ kernel | boot | static | NUMBER ]",
        "FAMILY := [ inet | inet6 | mpls | bridge | link ]",
    ],
    kinds: &[],
};

/// `route show|flush|save`, in `iproute_list_flush_or_save`'s order and
/// match rules (the walker reads it: see `ip::route_words::SELECT`).
pub const ROUTE_SHOW: Cmd = Cmd {
    names: &["show", "list", "lst"],
    synopsis: "[ SELECTOR ]",
    about: "List routes (main table unless table is given)",
    words: &[
        w("table*", "TABLE_ID", "this table (local, main, default, all, NUMBER)"),
        refused("vrf*"),
        w("cached*|cloned*", "", "cached routes"),
        w("tos|dsfield*", "TOS", "only this TOS"),
        w("protocol*", "RTPROTO", "only this protocol"),
        w("scope*", "SCOPE", "only this scope"),
        w("type*", "TYPE", "only this type"),
        w("dev|oif", "DEVICE", "only via this output device"),
        w("iif", "DEVICE", "only from this input device"),
        w("mark", "NUMBER", "only this mark"),
        w("metric*|priority*|preference", "NUMBER", "only this metric"),
        w("via", "[ FAMILY ] ADDRESS", "only via this gateway"),
        w("src", "ADDRESS", "only with this preferred source"),
        w("realms*", "[ FROM/ ] TO", "only these realms"),
        w("from*", "[ root | match | exact ] PREFIX", "by source"),
        w("to*", "[ root | match | exact ] PREFIX", "by destination (to may be left out)"),
    ],
    unsupported: &[],
};

/// `route get`, in `iproute_get`'s order and match rules (the walker
/// reads it: see `ip::route_words::GET`).
pub const ROUTE_GET: Cmd = Cmd {
    names: &["get"],
    synopsis: "[ fibmatch ] ADDRESS [ from ADDRESS iif DEVICE ] [ oif DEVICE ] [ OPTIONS ]",
    about: "Ask the kernel which route a packet would take",
    words: &[
        w("tos|dsfield*", "TOS", "the packet's TOS"),
        w("from*", "ADDRESS", "the packet's source"),
        w("iif*", "DEVICE", "the input device"),
        w("mark*", "NUMBER", "the packet's mark"),
        w("oif*|dev", "DEVICE", "the output device"),
        refused("notify*"),
        refused("connected*"),
        refused("vrf*"),
        w("uid*", "NUMBER", "the sending user"),
        w("fibmatch*", "", "the FIB entry, not the resolved route"),
        refused("as"),
        w("sport*", "NUMBER", "the source port"),
        w("dport*", "NUMBER", "the destination port"),
        w("ipproto*", "PROTOCOL", "the IP protocol"),
        w("to", "ADDRESS", "the destination (to may be left out)"),
    ],
    unsupported: &[],
};

/// `route add|change|replace|prepend|append|test|delete`, in
/// `iproute_modify`'s order and match rules (the walker reads it: see
/// `ip::route_words::CHANGE`).
pub const ROUTE_ADD: Cmd = Cmd {
    names: &["add"],
    synopsis: "ROUTE",
    about: "Add a route",
    words: &[
        w("src", "ADDRESS", "the preferred source address"),
        refused("as"),
        w("via", "[ FAMILY ] ADDRESS", "the gateway"),
        w("from", "PREFIX", "the source prefix (IPv6)"),
        w("tos|dsfield*", "TOS", "the TOS"),
        w("expires", "SECONDS", "lifetime (IPv6)"),
        w("metric*|priority*|preference", "NUMBER", "the metric"),
        w("scope", "SCOPE", "the scope"),
        w("mtu", "[ lock ] NUMBER", "the path MTU"),
        w("hoplimit", "[ lock ] NUMBER", "the hop limit (0-255)"),
        w("advmss", "[ lock ] NUMBER", "the MSS advertised"),
        w("reordering*", "[ lock ] NUMBER", "the reordering TCP expects"),
        w("rtt", "[ lock ] TIME", "the initial RTT (N: raw, Ns, Nms)"),
        w("rto_min", "TIME", "the minimal TCP retransmission timeout (always locked)"),
        w("window*", "[ lock ] NUMBER", "the TCP window clamp"),
        w("cwnd*", "[ lock ] NUMBER", "the TCP congestion window clamp"),
        w("initcwnd*", "[ lock ] NUMBER", "the initial TCP congestion window"),
        w("initrwnd*", "[ lock ] NUMBER", "the initial TCP receive window"),
        w("features*", "ecn", "TCP features"),
        w("quickack*", "{ 0 | 1 }", "TCP quick ACKs"),
        refused("congctl*"),
        w("rttvar*", "[ lock ] TIME", "the initial RTT variance"),
        w("ssthresh*", "[ lock ] NUMBER", "the initial slow start threshold"),
        refused("realms*"),
        w("onlink", "", "the gateway is on the link"),
        w("nexthop", "NH", "a next hop of a multipath route (the rest of the line)"),
        w("nhid", "ID", "a nexthop object"),
        w("protocol*", "RTPROTO", "the protocol"),
        w("table*", "TABLE_ID", "the table"),
        refused("vrf*"),
        w("dev|oif", "DEVICE", "the output device"),
        w("pref*", "{ low | medium | high }", "the router preference (IPv6)"),
        refused("encap"),
        refused("ttl-propagate"),
        w("fastopen_no_cookie*", "{ 0 | 1 }", "TCP fast open without a cookie"),
        w("to", "[ TYPE ] PREFIX", "the destination (to may be left out)"),
    ],
    unsupported: &[],
};

pub const RULE: Object = Object {
    names: &["rule"],
    about: "Policy routing rules, as ip rule",
    commands: &[
        RULE_SHOW,
        RULE_ADD,
        Cmd { names: &["delete", "del"], about: "Remove a rule", ..RULE_ADD },
        Cmd {
            names: &["flush"],
            synopsis: "SELECTOR",
            about: "Delete every selected rule that has a priority (never rule 0, local); \
                    unlike ip, a selector is required",
            words: RULE_SELECT,
            unsupported: &[],
        },
    ],
    unsupported: &["save", "restore"],
    defs: &["TABLE_ID := [ local | main | default | NUMBER ]"],
    kinds: &[],
};

/// `rule show` (the walker reads its rows: see `ip::rule_select::WALK`).
pub const RULE_SHOW: Cmd = Cmd {
    names: &["show", "list"],
    synopsis: "[ SELECTOR ]",
    about: "List rules (IPv4 unless -6)",
    words: RULE_SELECT,
    unsupported: &[],
};

/// `rule show|flush`, in `iprule_list_flush_or_save`'s order and match
/// rules (the walker reads it: see `ip::rule_select::WALK`): `t` is
/// `tun_id`, refused, as it comes before `table` there.
pub const RULE_SELECT: &[super::Word] = &[
    w("preference*|order*|priority*", "NUMBER", "only the rule of this priority"),
    w("not", "", "only inverted rules"),
    w("tos|dsfield", "TOS", "only this TOS"),
    w("fwmark", "MARK[/MASK]", "only this mark (and mask)"),
    w("dev|iif", "DEVICE", "only this input device"),
    w("oif", "DEVICE", "only this output device"),
    w("l3mdev", "", "only l3mdev rules"),
    w("uidrange", "NUMBER-NUMBER", "only this user range"),
    refused("tun_id*"),
    w("lookup*|table*", "TABLE_ID", "only rules looking up this table"),
    w("from*|src*", "PREFIX", "only sources in this prefix"),
    w("protocol*", "PROTO", "flush only: only rules of this protocol"),
    w("ipproto", "PROTOCOL", "only this IP protocol"),
    w("sport", "NUMBER[-NUMBER]", "only this source port range"),
    w("dport", "NUMBER[-NUMBER]", "only this destination port range"),
    w("dst*|to*", "PREFIX", "only destinations in this prefix (to may be left out)"),
];

/// `rule add|del`, in `iprule_modify`'s order and match rules (the
/// walker reads it: see `ip::rule::WALK`).
pub const RULE_ADD: Cmd = Cmd {
    names: &["add"],
    synopsis: "SELECTOR ACTION",
    about: "Add a rule",
    words: &[
        w("not", "", "invert the selector"),
        w("from", "PREFIX", "by source (all: any)"),
        w("to", "PREFIX", "by destination (all: any)"),
        w("preference*|order*|priority*", "NUMBER", "the rule's priority"),
        w("tos|dsfield*", "TOS", "by TOS"),
        w("fwmark", "MARK[/MASK]", "by mark"),
        w("protocol*", "PROTO", "the rule's protocol"),
        w("table*|lookup", "TABLE_ID", "look up this table"),
        w("suppress_prefixlength*|sup_pl", "NUMBER", "ignore routes this short or shorter"),
        w("dev|iif", "DEVICE", "by input device"),
        w("oif", "DEVICE", "by output device"),
        w("uidrange", "NUMBER-NUMBER", "by sending user"),
        w("ipproto", "PROTOCOL", "by IP protocol"),
        w("sport", "NUMBER[-NUMBER]", "by source port"),
        w("dport", "NUMBER[-NUMBER]", "by destination port"),
        w("goto*", "NUMBER", "the action: go to the rule with this priority"),
        w("nop*", "", "the action: nothing"),
        w("type", "TYPE", "the action: blackhole, unreachable or prohibit (type may be left out)"),
    ],
    unsupported: &["l3mdev", "nat", "map-to", "realms", "suppress_ifgroup", "sup_group", "tun_id"],
};

pub const NEIGH: Object = Object {
    names: &["neigh", "neighbor", "neighbour"],
    about: "Neighbour (ARP/NDP) entries, as ip neigh",
    commands: &[
        NEIGH_SHOW,
        NEIGH_GET,
        NEIGH_ADD,
        Cmd { names: &["change", "chg"], about: "Change an entry", ..NEIGH_ADD },
        Cmd { names: &["replace"], about: "Add an entry or change it", ..NEIGH_ADD },
        Cmd { names: &["delete", "del"], about: "Remove an entry", ..NEIGH_ADD },
        Cmd {
            names: &["flush"],
            synopsis: "SELECTOR",
            about: "Delete the entries selected (a selector is required; not PERMANENT or \
                    NOARP unless nud names them), in rounds; -s counts them",
            ..NEIGH_SHOW
        },
    ],
    unsupported: &[],
    defs: &[
        "STATE := { delay | failed | incomplete | noarp | none | permanent | probe |",
        "           reachable | stale }",
    ],
    kinds: &[],
};

/// `neigh show|flush`, in `do_show_or_flush`'s order and match rules
/// (the walker reads it: see `ip::neigh_select::WALK`).
pub const NEIGH_SHOW: Cmd = Cmd {
    names: &["show", "list", "lst"],
    synopsis: "[ proxy ] [ to PREFIX ] [ dev DEV ] [ nud STATE ] [ master DEV ] [ unused ]",
    about: "List neighbours",
    words: &[
        w("dev", "DEV", "only this interface"),
        w("master", "DEV", "only ports of this master"),
        w("unused", "", "only entries nothing refers to"),
        w("nud", "STATE", "only this state (or all); repeatable"),
        w("proxy", "", "proxy entries"),
        w("protocol*", "PROTO", "only entries of this protocol"),
        w("to", "PREFIX", "only in this prefix (to may be left out)"),
    ],
    unsupported: &["vrf", "nomaster"],
};

/// `neigh get`, in `ipneigh_get`'s order and match rules (the walker
/// reads it: see `ip::neigh::GET`).
pub const NEIGH_GET: Cmd = Cmd {
    names: &["get"],
    synopsis: "{ ADDR dev DEV | proxy ADDR [ dev DEV ] }",
    about: "Look one entry up",
    words: &[
        w("dev", "DEV", "the interface"),
        w("proxy*", "ADDR", "a proxy entry"),
        w("to", "ADDR", "the address (to may be left out)"),
    ],
    unsupported: &[],
};

/// `neigh add|change|replace|del`, in `ipneigh_modify`'s order and match
/// rules (the walker reads it: see `ip::neigh::WALK`).
pub const NEIGH_ADD: Cmd = Cmd {
    names: &["add"],
    synopsis: "{ ADDR [ lladdr LLADDR ] [ nud STATE ] | proxy ADDR } dev DEV [ router ] [ extern_learn ] [ protocol PROTO ]",
    about: "Add an entry",
    words: &[
        w("lladdr*", "LLADDR", "the link-layer address"),
        w("nud", "STATE", "the state"),
        w("proxy*", "ADDR", "a proxy entry"),
        w("router", "", "the neighbour is a router"),
        w("extern_learn*", "", "learned by something outside the kernel"),
        w("dev", "DEV", "the interface"),
        w("protocol*", "PROTO", "the entry's protocol"),
        w("to", "ADDR", "the address (to may be left out)"),
    ],
    unsupported: &["use", "managed", "vrf"],
};

pub const MONITOR: Object = Object {
    names: &["monitor"],
    about: "rtnetlink events as they happen, as ip monitor",
    commands: &[MONITOR_ALL],
    unsupported: &[],
    defs: &[
        "OBJECTS := { link | address | route | neigh | netconf | rule | CHANNEL }...",
        "CHANNEL := { uevent | proc | conntrack | xfrm | genl | audit | selinux }",
    ],
    kinds: &[],
};

/// `monitor`, in `do_ipmonitor`'s order and match rules (the walker reads
/// it: see `ip::monitor::WALK`).
pub const MONITOR_ALL: Cmd = Cmd {
    names: &["all"],
    synopsis: "[ all | OBJECTS ] [ label ] [ dev DEVICE ] [ file FILE ] [ -t | -ts ] [ record FILE | replay FILE ]",
    about: "Print events (-j: one object per event)",
    words: &[
        w("file*", "FILE", "print the messages rtmon saved in FILE instead"),
        w("label*", "", "prefix each event with its object"),
        w("link*", "", "link events"),
        w("address*", "", "address events"),
        w("route*", "", "route events"),
        refused("mroute*"),
        refused("prefix*"),
        w("neigh*", "", "neighbour events"),
        w("netconf*", "", "netconf events"),
        w("rule*", "", "rule events"),
        refused("nsid*"),
        refused("nexthop*"),
        refused("stats"),
        w("all", "", "every object's and every channel's events, labelled"),
        refused("all-nsid*"),
        w("dev", "DEVICE", "only this interface's events"),
        w("-t|-timestamp|--timestamp", "", "a time stamp line before each event"),
        w("-ts|-tshort", "", "a short time stamp before each event"),
        w("uevent", "", "kernel uevents, merged in (labelled [UEVENT])"),
        w("proc", "", "process events (initial namespaces only), merged in"),
        w("conntrack", "", "conntrack events, merged in"),
        w("xfrm", "", "IPsec SA and policy events, merged in"),
        w("genl", "", "generic netlink families and groups, merged in"),
        w("audit", "", "audit records (initial namespaces only), merged in"),
        w("selinux", "", "SELinux notices (initial namespaces only), merged in"),
        w("record|--record", "FILE", "also write every datagram read to FILE (pcap, as nlmon)"),
        w("replay|--replay", "FILE", "print a capture file's events instead (-: stdin)"),
    ],
    unsupported: &[],
};

const TCPM_SELECT: &[super::Word] = &[
    w("src|source", "PREFIX", "only entries from this source"),
    w("address|addr", "PREFIX", "only entries to this destination (the word may be left out)"),
];

/// `tcp-metrics show` (the walker reads it: see `tcp_metrics::WALK`).
pub const TCPM_SHOW: Cmd = Cmd {
    names: &["show", "list", "lst"],
    synopsis: "[ [ address ] PREFIX ] [ src PREFIX ]",
    about: "List entries (-4, -6: one family)",
    words: TCPM_SELECT,
    unsupported: &[],
};

pub const TCP_METRICS: Object = Object {
    names: &["tcp-metrics", "tcp_metrics", "tcpmetrics"],
    about: "TCP metrics the kernel keeps per destination, as ip tcp_metrics",
    commands: &[
        TCPM_SHOW,
        Cmd {
            names: &["delete"],
            synopsis: "[ address ] ADDRESS [ src ADDRESS ]",
            about: "Delete the entry of an address",
            words: TCPM_SELECT,
            unsupported: &[],
        },
        Cmd {
            names: &["flush"],
            synopsis: "[ [ address ] PREFIX ] [ src PREFIX ]",
            about: "Delete the entries selected (all with no selector, as ip)",
            words: TCPM_SELECT,
            unsupported: &[],
        },
    ],
    unsupported: &[],
    defs: &[],
    kinds: &[],
};

/// `conntrack show|delete|flush`: each field of the original tuple (the
/// walker reads it: see `conntrack::WALK`).
pub const CT_SELECT: Cmd = Cmd {
    names: &["show", "list"],
    synopsis: "[ proto P ] [ src ADDR ] [ dst ADDR ] [ sport N ] [ dport N ] [ mark N ] [ zone N ]",
    about: "List connections (-4, -6: one family), as conntrack -L; -j: JSON",
    words: &[
        w("proto", "PROTO", "only this protocol (tcp, udp, icmp, ... or a number)"),
        w("src", "ADDR", "only this original source"),
        w("dst", "ADDR", "only this original destination"),
        w("sport", "PORT", "only this original source port"),
        w("dport", "PORT", "only this original destination port"),
        w("mark", "NUMBER", "only this mark"),
        w("zone", "NUMBER", "only this zone"),
        w("all", "", "flush: every entry of the family"),
    ],
    unsupported: &[],
};

/// `conntrack monitor` (the walker reads it: see `conntrack::MONITOR`).
pub const CT_MONITOR: Cmd = Cmd {
    names: &["monitor"],
    synopsis: "[ new ] [ update ] [ destroy ] [ mark MARK[/MASK] ] [ zone N ] [ status S[,S...] ] [ count N ]",
    about: "Print connection events as conntrack -E does (all three unless some are named), \
            filtered in the kernel by mark, zone and status",
    words: &[
        w("new", "", "new connections"),
        w("update", "", "changed connections"),
        w("destroy", "", "connections gone"),
        w("mark", "MARK[/MASK]", "only entries whose mark (masked) is MARK"),
        w("zone", "N", "only entries of zone N"),
        w("status", "S[,S...]", "only entries with every status bit named (assured, seen-reply, ...)"),
        w("count", "N", "stop after N events"),
    ],
    unsupported: &[],
};

pub const CONNTRACK: Object = Object {
    names: &["conntrack"],
    about: "The connection tracking table (netfilter ctnetlink), as conntrack",
    commands: &[
        CT_SELECT,
        Cmd {
            names: &["delete"],
            synopsis: "[ proto P ] [ src ADDR ] [ dst ADDR ] [ sport N ] [ dport N ] [ mark N ] [ zone N ]",
            about: "Delete the connection whose whole original tuple this is, or, given less, \
                    every connection the words match (each printed, as conntrack -D)",
            ..CT_SELECT
        },
        Cmd {
            names: &["flush"],
            synopsis: "all",
            about: "Delete every connection (-4, -6: of one family; all must be said)",
            ..CT_SELECT
        },
        Cmd {
            names: &["get"],
            synopsis: "proto P src ADDR dst ADDR [ sport N dport N ] [ zone N ]",
            about: "One connection, by its original tuple",
            ..CT_SELECT
        },
        Cmd {
            names: &["stats"],
            synopsis: "",
            about: "Each CPU's counters, as conntrack -S",
            words: &[],
            unsupported: &[],
        },
        Cmd {
            names: &["count"],
            synopsis: "",
            about: "How many connections the table holds, as conntrack -C",
            words: &[],
            unsupported: &[],
        },
        CT_MONITOR,
    ],
    unsupported: &[],
    defs: &[],
    kinds: &[],
};
