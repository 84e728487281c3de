//! One netconf notice as iproute2 6.1's `print_netconf` (`ip/ipnetconf.c`)
//! prints it: `inet v0 forwarding off rp_filter off mc_forwarding off
//! proxy_neigh off ignore_routes_with_linkdown off `, or its `ip -j` keys.

use super::LinkNames;
use crate::out::printer::Printer;
use nlkit::rtnl::netconf::{Netconf, NETCONFA_IFINDEX_ALL, NETCONFA_IFINDEX_DEFAULT};

/// `rp_filter_names`.
const RP_FILTER: [&str; 3] = ["off", "strict", "loose"];

/// Prints `n` into `p` (text without the final newline).
pub(super) fn netconf(p: &mut Printer, n: &Netconf<'_>, names: &LinkNames) {
    let family = match n.header.family as i32 {
        libc::AF_INET => "inet",
        libc::AF_INET6 => "inet6",
        libc::AF_MPLS => "mpls",
        libc::AF_BRIDGE => "bridge",
        _ => "???",
    };
    p.any("family", || family.into(), format_args!("{family} "));
    if let Some(i) = n.ifindex {
        let dev = match i {
            NETCONFA_IFINDEX_ALL => "all".into(),
            NETCONFA_IFINDEX_DEFAULT => "default".into(),
            i => names.name(i as u32),
        };
        p.any("interface", || dev.as_ref().into(), format_args!("{dev} "));
    }
    if let Some(v) = n.forwarding {
        p.on_off("forwarding", "forwarding", v != 0);
    }
    match n.rp_filter.map(|r| (r, RP_FILTER.get(r as usize))) {
        Some((_, Some(word))) => p.string("rp_filter", "rp_filter", word),
        Some((r, None)) => p.uint("rp_filter", "rp_filter", r.into()),
        None => {}
    }
    let rest = [
        ("mc_forwarding", n.mc_forwarding),
        ("proxy_neigh", n.proxy_neigh),
        ("ignore_routes_with_linkdown", n.ignore_routes_with_linkdown),
        ("input", n.input),
    ];
    for (key, v) in rest {
        if let Some(v) = v {
            p.on_off(key, key, v != 0);
        }
    }
}
