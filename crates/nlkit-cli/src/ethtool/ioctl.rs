//! `nlkit ethtool -i` (driver info) and `-S` (statistics) through the
//! ioctl SIOCETHTOOL (`nlkit::genl::ethtool::ioctl`), as ethtool 6.1 does
//! them (`do_gdrv`, `do_gnicstats`): the same text, the same refusals
//! (`Cannot get driver information: ERROR`, status 71; `Cannot get stats
//! strings information`, 96; `Cannot get stats information`, 97; `no
//! stats available`, 94). ethtool 6.1 has no JSON for either: nlkit's
//! keys are the text's labels (`driver`, `bus-info`, ...), and `-S`'s
//! statistics an object by name.

use crate::report::Status;
use anyhow::Result;
use nlkit::genl::ethtool::ioctl::{EthtoolIoctl, StatsError};
use nlkit::Netns;
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// A refusal with ethtool's words and status.
fn status(text: String, code: u8) -> anyhow::Error {
    Status { text, code }.into()
}

/// Opens the ioctl socket in `netns`; refuses a name no device can have
/// as ethtool 6.1 does (`-i` has a netlink handler in its table that
/// 6.1 lacks, `-S` is ioctl-only: each its own words).
fn open(dev: &str, netns: Option<&str>, why: &str) -> Result<EthtoolIoctl> {
    if dev.len() > 15 {
        return Err(status(format!("{why}, device name longer than 15 not supported"), 1));
    }
    Ok(match netns {
        Some(name) => EthtoolIoctl::open_in(Netns::Name(name))?,
        None => EthtoolIoctl::open()?,
    })
}

fn yes_no(n: u32) -> &'static str {
    if n != 0 {
        "yes"
    } else {
        "no"
    }
}

/// `-i DEV`.
pub(super) fn driver(dev: &str, netns: Option<&str>, json: bool, out: &mut String) -> Result<()> {
    let io = open(dev, netns, "ethtool netlink support for subcommand missing")?;
    let d = io.driver_info(dev).map_err(|e| {
        status(format!("Cannot get driver information: {}", nlkit::os_text(&e)), 71)
    })?;
    let rows: [(&str, Value); 10] = [
        ("driver", d.driver.into()),
        ("version", d.version.into()),
        ("firmware-version", d.fw_version.into()),
        ("expansion-rom-version", d.erom_version.into()),
        ("bus-info", d.bus_info.into()),
        ("supports-statistics", yes_no(d.n_stats).into()),
        ("supports-test", yes_no(d.testinfo_len).into()),
        ("supports-eeprom-access", yes_no(d.eedump_len).into()),
        ("supports-register-dump", yes_no(d.regdump_len).into()),
        ("supports-priv-flags", yes_no(d.n_priv_flags).into()),
    ];
    if json {
        let mut m = Map::new();
        m.insert("ifname".into(), dev.into());
        for (key, v) in rows {
            // yes/no as booleans in JSON.
            let v = match v.as_str() {
                Some("yes") if key.starts_with("supports-") => Value::Bool(true),
                Some("no") if key.starts_with("supports-") => Value::Bool(false),
                _ => v,
            };
            m.insert(key.into(), v);
        }
        *out = Value::Array(vec![Value::Object(m)]).to_string();
        return Ok(());
    }
    for (key, v) in rows {
        let _ = writeln!(out, "{key}: {}", v.as_str().unwrap_or_default());
    }
    Ok(())
}

/// `-S DEV`.
pub(super) fn statistics(
    dev: &str,
    netns: Option<&str>,
    json: bool,
    out: &mut String,
) -> Result<()> {
    let io = open(dev, netns, "ioctl-only request")?;
    let stats = io.stats(dev).map_err(|e| match e {
        StatsError::Strings(e) => {
            status(format!("Cannot get stats strings information: {}", nlkit::os_text(&e)), 96)
        }
        StatsError::Values(e) => {
            status(format!("Cannot get stats information: {}", nlkit::os_text(&e)), 97)
        }
    })?;
    if stats.is_empty() {
        return Err(status("no stats available".into(), 94));
    }
    if json {
        let by_name: Map<String, Value> =
            stats.into_iter().map(|s| (s.name, Value::from(s.value))).collect();
        let mut m = Map::new();
        m.insert("ifname".into(), dev.into());
        m.insert("statistics".into(), Value::Object(by_name));
        *out = Value::Array(vec![Value::Object(m)]).to_string();
        return Ok(());
    }
    out.push_str("NIC statistics:\n");
    for s in stats {
        let _ = writeln!(out, "     {}: {}", s.name, s.value);
    }
    Ok(())
}
