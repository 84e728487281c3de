//! `vxlan`'s `info_data` as iproute2 6.1's `vxlan_print_opt` prints it.

use super::link_kinds::Tb;
use super::printer::{CHex, Printer};
use super::LinkNames;
use nlkit::rtnl::uapi::*;
use std::net::{Ipv4Addr, Ipv6Addr};

/// `VXLAN_DF_*`.
const DF_UNSET: u8 = 0;
const DF_SET: u8 = 1;
const DF_INHERIT: u8 = 2;

pub fn print(p: &mut Printer, tb: &Tb<'_>, names: &LinkNames) {
    if tb.u8(IFLA_VXLAN_COLLECT_METADATA).unwrap_or(0) != 0 {
        p.flag("external", "external ");
    }
    if tb.u8(IFLA_VXLAN_VNIFILTER).unwrap_or(0) != 0 {
        p.flag("vnifilter", "vnifilter");
    }
    if let Some(id) = tb.get(IFLA_VXLAN_ID).and_then(|a| a.u32().ok()) {
        p.uint("id", "id", id.into());
    }
    addresses(p, tb);
    if let Some(link) = tb.u32(IFLA_VXLAN_LINK).filter(|&l| l != 0) {
        p.string("link", "dev", &names.name(link));
    }
    ports_and_flags(p, tb);
    tos_ttl_df(p, tb);
    ageing_and_checksums(p, tb);
}

/// Source and destination ports, learning, and the on-only flags.
fn ports_and_flags(p: &mut Printer, tb: &Tb<'_>) {
    if let Some(r) = tb.u32(IFLA_VXLAN_PORT_RANGE) {
        let b = r.to_ne_bytes();
        let (low, high) = (u16::from_be_bytes([b[0], b[1]]), u16::from_be_bytes([b[2], b[3]]));
        if p.is_json() {
            p.open("port_range");
            p.js("low", || low.into());
            p.js("high", || high.into());
            p.close();
        } else {
            p.fp(format_args!("srcport {low} {high} "));
        }
    }
    if let Some(port) = tb.be16(IFLA_VXLAN_PORT) {
        p.uint("port", "dstport", port.into());
    }
    if let Some(learning) = tb.u8(IFLA_VXLAN_LEARNING) {
        p.js("learning", || (learning != 0).into());
        if learning == 0 {
            p.fp_str("nolearning ");
        }
    }
    for (kind, key) in [
        (IFLA_VXLAN_PROXY, "proxy"),
        (IFLA_VXLAN_RSC, "rsc"),
        (IFLA_VXLAN_L2MISS, "l2miss"),
        (IFLA_VXLAN_L3MISS, "l3miss"),
    ] {
        if tb.u8(kind).unwrap_or(0) != 0 {
            p.flag(key, &format!("{key} "));
        }
    }
}

/// `group`/`remote` (by whether the address is multicast) and `local`,
/// IPv4 or IPv6 (`group6`, `remote6`, `local6`); unset addresses are skipped.
fn addresses(p: &mut Printer, tb: &Tb<'_>) {
    let v4 = |kind| tb.bytes::<4>(kind).map(Ipv4Addr::from).filter(|a| !a.is_unspecified());
    let v6 = |kind| tb.bytes::<16>(kind).map(Ipv6Addr::from).filter(|a| !a.is_unspecified());
    if tb.get(IFLA_VXLAN_GROUP).is_some() {
        if let Some(a) = v4(IFLA_VXLAN_GROUP) {
            let key = if a.is_multicast() { "group" } else { "remote" };
            p.string(key, key, &a.to_string());
        }
    } else if let Some(a) = v6(IFLA_VXLAN_GROUP6) {
        let (key, label) =
            if a.is_multicast() { ("group6", "group") } else { ("remote6", "remote") };
        p.string(key, label, &a.to_string());
    }
    if tb.get(IFLA_VXLAN_LOCAL).is_some() {
        if let Some(a) = v4(IFLA_VXLAN_LOCAL) {
            p.string("local", "local", &a.to_string());
        }
    } else if let Some(a) = v6(IFLA_VXLAN_LOCAL6) {
        p.string("local6", "local", &a.to_string());
    }
}

fn tos_ttl_df(p: &mut Printer, tb: &Tb<'_>) {
    let tos = tb.u8(IFLA_VXLAN_TOS).unwrap_or(0);
    if tos == 1 && !p.is_json() {
        p.fp_str("tos inherit ");
    } else if tos != 0 {
        p.hex("tos", "tos", tos.into());
    }
    if tb.u8(IFLA_VXLAN_TTL_INHERIT).unwrap_or(0) != 0 {
        p.fp_str("ttl inherit ");
    } else if let Some(ttl) = tb.u8(IFLA_VXLAN_TTL) {
        if ttl == 0 && !p.is_json() {
            p.fp_str("ttl auto ");
        } else {
            p.uint("ttl", "ttl", ttl.into());
        }
    }
    match tb.u8(IFLA_VXLAN_DF) {
        Some(DF_UNSET) => p.js("df", || "unset".into()),
        Some(DF_SET) => p.string("df", "df", "set"),
        Some(DF_INHERIT) => p.string("df", "df", "inherit"),
        _ => {}
    }
    if let Some(label) = tb.get(IFLA_VXLAN_LABEL).and_then(|a| a.be32().ok()).filter(|&l| l != 0) {
        let h = CHex(label.into());
        p.any("label", || h.to_string().into(), format_args!("flowlabel {h} "));
    }
}

fn ageing_and_checksums(p: &mut Printer, tb: &Tb<'_>) {
    match tb.u32(IFLA_VXLAN_AGEING) {
        Some(0) => p.any("ageing", || 0.into(), format_args!("ageing none ")),
        Some(age) => p.uint("ageing", "ageing", age.into()),
        None => {}
    }
    if let Some(max) = tb.u32(IFLA_VXLAN_LIMIT).filter(|&m| m != 0) {
        p.uint("limit", "maxaddr", max.into());
    }
    for (kind, key, word) in [
        (IFLA_VXLAN_UDP_CSUM, "udp_csum", "udpcsum"),
        (IFLA_VXLAN_UDP_ZERO_CSUM6_TX, "udp_zero_csum6_tx", "udp6zerocsumtx"),
        (IFLA_VXLAN_UDP_ZERO_CSUM6_RX, "udp_zero_csum6_rx", "udp6zerocsumrx"),
    ] {
        if let Some(v) = tb.u8(kind) {
            let no = if v == 0 { "no" } else { "" };
            p.any(key, || (v != 0).into(), format_args!("{no}{word} "));
        }
    }
    for (kind, key, word) in [
        (IFLA_VXLAN_REMCSUM_TX, "remcsum_tx", "remcsumtx "),
        (IFLA_VXLAN_REMCSUM_RX, "remcsum_rx", "remcsumrx "),
    ] {
        if tb.u8(kind).unwrap_or(0) != 0 {
            p.flag(key, word);
        }
    }
    if tb.get(IFLA_VXLAN_GBP).is_some() {
        p.flag("gbp", "gbp ");
    }
    if tb.get(IFLA_VXLAN_GPE).is_some() {
        p.flag("gpe", "gpe ");
    }
}
