//! `nlkit netdev show`: each device's XDP and AF_XDP capabilities from
//! the `netdev` generic netlink family (Linux 6.3+), one line per device
//! (`IFINDEX: NAME xdp-features A,B ... xsk-features ...`), or JSON with
//! `-j` (the spec's names for every flag).

use crate::kernel::print_json;
use anyhow::Result;
use nlkit::genl::netdev::{self, Device};
use nlkit::{Conn, Netns, Protocol};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;

pub fn show(netns: Option<&str>, json: bool, pretty: bool) -> Result<()> {
    let mut conn = match netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::GENERIC)?,
        None => Conn::open(Protocol::GENERIC)?,
    };
    let family = conn.resolve_family(netdev::FAMILY)?;
    let devices = conn.run(netdev::devices(&family))?;
    let names = link_names(netns)?;
    let name = |d: &Device| names.get(&d.ifindex).cloned().unwrap_or_default();
    if json {
        let all: Vec<Value> = devices
            .iter()
            .map(|d| {
                json!({
                    "ifindex": d.ifindex, "ifname": name(d),
                    "xdp-features": d.xdp_feature_names(),
                    "xdp-zc-max-segs": d.xdp_zc_max_segs,
                    "xdp-rx-metadata-features": d.xdp_rx_metadata_names(),
                    "xsk-features": d.xsk_feature_names(),
                })
            })
            .collect();
        return print_json(&Value::Array(all), pretty);
    }
    let mut out = std::io::stdout().lock();
    let list = |v: Vec<String>| if v.is_empty() { "none".to_string() } else { v.join(",") };
    for d in &devices {
        write!(out, "{}: {} xdp-features {}", d.ifindex, name(d), list(d.xdp_feature_names()))?;
        if let Some(n) = d.xdp_zc_max_segs {
            write!(out, " xdp-zc-max-segs {n}")?;
        }
        write!(out, " xdp-rx-metadata {}", list(d.xdp_rx_metadata_names()))?;
        writeln!(out, " xsk-features {}", list(d.xsk_feature_names()))?;
    }
    Ok(out.flush()?)
}

/// Interface names by index, from rtnetlink.
fn link_names(netns: Option<&str>) -> Result<HashMap<u32, String>> {
    let mut conn = match netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::ROUTE)?,
        None => Conn::open(Protocol::ROUTE)?,
    };
    let mut names = HashMap::new();
    conn.link_dump(&nlkit::rtnl::link::LinkFilter::default(), |l| {
        names.insert(l.index(), l.name.unwrap_or("").to_string());
        Ok(())
    })?;
    Ok(names)
}
