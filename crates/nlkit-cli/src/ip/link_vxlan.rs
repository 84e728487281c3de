//! `vxlan`'s `info_data` as iproute2 6.1's `vxlan_print_opt` prints it.

use super::LinkNames;
use crate::out::printer::{CHex, Printer};
use nlkit::rtnl::link::kind::VxlanData;
use std::net::IpAddr;

/// `VXLAN_DF_*`.
const DF_UNSET: u8 = 0;
const DF_SET: u8 = 1;
const DF_INHERIT: u8 = 2;

pub fn print(p: &mut Printer, vx: &VxlanData<'_>, names: &LinkNames) {
    if vx.collect_metadata.unwrap_or(false) {
        p.flag("external", "external ");
    }
    if vx.vnifilter.unwrap_or(false) {
        p.flag("vnifilter", "vnifilter");
    }
    if let Some(id) = vx.id {
        p.uint("id", "id", id.into());
    }
    addresses(p, vx);
    if let Some(link) = vx.link.filter(|&l| l != 0) {
        p.string("link", "dev", &names.name(link));
    }
    ports_and_flags(p, vx);
    tos_ttl_df(p, vx);
    ageing_and_checksums(p, vx);
}

/// Source and destination ports, learning, and the on-only flags.
fn ports_and_flags(p: &mut Printer, vx: &VxlanData<'_>) {
    if let Some((low, high)) = vx.port_range {
        if p.is_json() {
            p.open("port_range");
            p.js("low", || low.into());
            p.js("high", || high.into());
            p.close();
        } else {
            p.fp(format_args!("srcport {low} {high} "));
        }
    }
    if let Some(port) = vx.port {
        p.uint("port", "dstport", port.into());
    }
    if let Some(learning) = vx.learning {
        p.js("learning", || learning.into());
        if !learning {
            p.fp_str("nolearning ");
        }
    }
    for (on, key) in
        [(vx.proxy, "proxy"), (vx.rsc, "rsc"), (vx.l2miss, "l2miss"), (vx.l3miss, "l3miss")]
    {
        if on.unwrap_or(false) {
            p.flag(key, &format!("{key} "));
        }
    }
}

/// `group`/`remote` (by whether the address is multicast) and `local`,
/// IPv4 or IPv6 (`group6`, `remote6`, `local6`); unset addresses are skipped.
fn addresses(p: &mut Printer, vx: &VxlanData<'_>) {
    match vx.group.filter(|a| !a.is_unspecified()) {
        Some(a @ IpAddr::V4(_)) => {
            let key = if a.is_multicast() { "group" } else { "remote" };
            p.string(key, key, &a.to_string());
        }
        Some(a @ IpAddr::V6(_)) => {
            let (key, label) =
                if a.is_multicast() { ("group6", "group") } else { ("remote6", "remote") };
            p.string(key, label, &a.to_string());
        }
        None => {}
    }
    match vx.local.filter(|a| !a.is_unspecified()) {
        Some(a @ IpAddr::V4(_)) => p.string("local", "local", &a.to_string()),
        Some(a @ IpAddr::V6(_)) => p.string("local6", "local", &a.to_string()),
        None => {}
    }
}

fn tos_ttl_df(p: &mut Printer, vx: &VxlanData<'_>) {
    let tos = vx.tos.unwrap_or(0);
    if tos == 1 && !p.is_json() {
        p.fp_str("tos inherit ");
    } else if tos != 0 {
        p.hex("tos", "tos", tos.into());
    }
    if vx.ttl_inherit.unwrap_or(false) {
        p.fp_str("ttl inherit ");
    } else if let Some(ttl) = vx.ttl {
        if ttl == 0 && !p.is_json() {
            p.fp_str("ttl auto ");
        } else {
            p.uint("ttl", "ttl", ttl.into());
        }
    }
    match vx.df {
        Some(DF_UNSET) => p.js("df", || "unset".into()),
        Some(DF_SET) => p.string("df", "df", "set"),
        Some(DF_INHERIT) => p.string("df", "df", "inherit"),
        _ => {}
    }
    if let Some(label) = vx.label.filter(|&l| l != 0) {
        let h = CHex(label.into());
        p.any("label", || h.to_string().into(), format_args!("flowlabel {h} "));
    }
}

fn ageing_and_checksums(p: &mut Printer, vx: &VxlanData<'_>) {
    match vx.ageing {
        Some(0) => p.any("ageing", || 0.into(), format_args!("ageing none ")),
        Some(age) => p.uint("ageing", "ageing", age.into()),
        None => {}
    }
    if let Some(max) = vx.limit.filter(|&m| m != 0) {
        p.uint("limit", "maxaddr", max.into());
    }
    for (v, key, word) in [
        (vx.udp_csum, "udp_csum", "udpcsum"),
        (vx.udp_zero_csum6_tx, "udp_zero_csum6_tx", "udp6zerocsumtx"),
        (vx.udp_zero_csum6_rx, "udp_zero_csum6_rx", "udp6zerocsumrx"),
    ] {
        if let Some(on) = v {
            let no = if on { "" } else { "no" };
            p.any(key, || on.into(), format_args!("{no}{word} "));
        }
    }
    for (v, key, word) in
        [(vx.remcsum_tx, "remcsum_tx", "remcsumtx "), (vx.remcsum_rx, "remcsum_rx", "remcsumrx ")]
    {
        if v.unwrap_or(false) {
            p.flag(key, word);
        }
    }
    if vx.gbp.is_some() {
        p.flag("gbp", "gbp ");
    }
    if vx.gpe.is_some() {
        p.flag("gpe", "gpe ");
    }
}
