//! `nlkit netdev show`: each device's XDP and AF_XDP capabilities from
//! the `netdev` generic netlink family (Linux 6.3+), one line per device
//! (`IFINDEX: NAME xdp-features A,B ... xsk-features ...`), or JSON with
//! `-j` (the spec's names for every flag). `queue`, `napi`, `qstats` and
//! `page-pool` have no printer of their own: they print through the
//! generic printer ([`crate::out::generic`]) from the generated tables.

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

/// `nlkit netdev queue|napi|qstats|page-pool`: a dump of the command,
/// each reply printed from the tables' metadata (one line, or one object).
pub fn dump(
    c: &crate::cli::NetdevCommand,
    netns: Option<&str>,
    json: bool,
    pretty: bool,
) -> Result<()> {
    use crate::cli::NetdevCommand as C;
    use nlkit::genl::netdev::tables::*;
    let cmd = match c {
        C::Show => return show(netns, json, pretty),
        C::Queue => NETDEV_CMD_QUEUE_GET,
        C::Napi => NETDEV_CMD_NAPI_GET,
        C::Qstats => NETDEV_CMD_QSTATS_GET,
        C::PagePool => NETDEV_CMD_PAGE_POOL_GET,
    };
    let set = OP_SETS.iter().find(|(c, _)| *c == cmd).map(|(_, s)| *s).expect("every op has a set");
    let mut conn = match netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::GENERIC)?,
        None => Conn::open(Protocol::GENERIC)?,
    };
    let family = conn.resolve_family(netdev::FAMILY)?;
    let version = family.version as u8;
    let mut objects = Vec::new();
    let mut lines = Vec::new();
    conn.run(nlkit::engine::Stream {
        message_type: family.id,
        flags: nlkit::wire::Flags::DUMP,
        body: |b: &mut nlkit::wire::MessageBuilder<'_, Vec<u8>>| {
            b.append(&nlkit::genl::GenlMsgHdr { cmd, version, reserved: 0 }.to_bytes())
        },
        each: |m: nlkit::wire::Message<'_>| {
            let attrs = m.payload().get(4..).unwrap_or_default();
            if json {
                objects.push(Value::Object(crate::out::generic::json(set, attrs)));
            } else {
                lines.push(crate::out::generic::text(set, attrs));
            }
            Ok(())
        },
    })?;
    if json {
        return print_json(&Value::Array(objects), pretty);
    }
    let mut out = std::io::stdout().lock();
    for l in lines {
        writeln!(out, "{l}")?;
    }
    Ok(out.flush()?)
}
