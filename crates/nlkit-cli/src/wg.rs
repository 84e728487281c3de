//! `nlkit wg`: WireGuard devices through the generic netlink family
//! `wireguard` (`nlkit::genl::wireguard`), with wg(8)'s words and output:
//! `show [DEV | all | interfaces] [dump]`, `showconf DEV`, `set DEV ...`
//! and `genkey`; `-j` gives `show` as JSON. Keys are base64, as wg writes
//! them. `show` sorts peers by latest handshake, as wg does; `dump` and
//! `showconf` keep the kernel's order.

use anyhow::{anyhow, bail, Context, Result};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use nlkit::genl::wireguard::{self, Device, DeviceSet, Key, Peer, PeerSet};
use nlkit::genl::Family;
use nlkit::rtnl::link::LinkFilter;
use nlkit::{Conn, Netns, Protocol};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::time::SystemTime;

/// `nlkit wg help`.
pub const USAGE: &str = "Usage: nlkit wg show [ DEV | all | interfaces ] [ dump ]
       nlkit wg showconf DEV
       nlkit wg set DEV [ listen-port PORT ] [ fwmark MARK ] [ private-key FILE ]
                        [ peer KEY [ remove ] [ preshared-key FILE ] [ endpoint IP:PORT ]
                          [ persistent-keepalive SECONDS|off ] [ allowed-ips IP/CIDR[,...] ] ]...
       nlkit wg genkey
";

fn open(netns: Option<&str>, p: Protocol) -> Result<Conn> {
    Ok(match netns {
        Some(name) => Conn::open_in(Netns::Name(name), p)?,
        None => Conn::open(p)?,
    })
}

/// What a command naming a device says on a kernel without WireGuard.
const NO_WIREGUARD: &str = "this kernel has no WireGuard (no family wireguard)";

pub fn run(words: &[String], netns: Option<&str>, json: bool) -> Result<()> {
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let (cmd, args) = words.split_first().map_or(("show", &[][..]), |(c, r)| (*c, r));
    match cmd {
        "genkey" => return genkey(),
        "show" | "showconf" | "set" => {}
        _ => bail!("Invalid subcommand: `{cmd}'\n{USAGE}"),
    }
    let mut conn = open(netns, Protocol::GENERIC)?;
    // Without the family there is no WireGuard device: a listing is empty
    // (as wg's), anything naming a device fails.
    let family = match conn.resolve_family(wireguard::FAMILY) {
        Ok(f) => Some(f),
        Err(nlkit::Error::FamilyNotFound { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let mut out = String::new();
    if cmd == "show" {
        show(&mut conn, family.as_ref(), netns, args, json, &mut out)?;
        std::io::stdout().lock().write_all(out.as_bytes())?;
        return Ok(());
    }
    let family = family.ok_or_else(|| anyhow!(NO_WIREGUARD))?;
    match (cmd, args) {
        ("showconf", [dev]) => showconf(&get(&mut conn, &family, dev)?, &mut out),
        ("set", [dev, rest @ ..]) => {
            let set = set_words(rest)?;
            conn.run(wireguard::set_device(&family, dev, &set))
                .with_context(|| format!("Unable to modify interface {dev}"))?;
        }
        _ => bail!("{USAGE}"),
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

fn get(conn: &mut Conn, family: &Family, dev: &str) -> Result<Device> {
    conn.run(wireguard::device(family, dev))
        .with_context(|| format!("Unable to access interface {dev}"))
}

/// The WireGuard devices' names, from rtnetlink (as wg lists them).
fn interfaces(netns: Option<&str>) -> Result<Vec<String>> {
    let mut conn = open(netns, Protocol::ROUTE)?;
    let filter = LinkFilter { kind: Some("wireguard"), ..LinkFilter::default() };
    let mut names = Vec::new();
    conn.link_dump(&filter, |l| {
        names.push(l.name.unwrap_or_default().to_string());
        Ok(())
    })?;
    Ok(names)
}

fn show(
    conn: &mut Conn,
    family: Option<&Family>,
    netns: Option<&str>,
    args: &[&str],
    json: bool,
    out: &mut String,
) -> Result<()> {
    let (which, dump) = match args {
        [] => ("all", false),
        [w] => (*w, false),
        [w, "dump"] => (*w, true),
        _ => bail!("{USAGE}"),
    };
    if which == "interfaces" {
        let names = interfaces(netns)?;
        match json {
            true => out.push_str(&format!("{}\n", json!(names))),
            false if names.is_empty() => {}
            false => out.push_str(&format!("{}\n", names.join(" "))),
        }
        return Ok(());
    }
    let all = which == "all";
    let names = if all { interfaces(netns)? } else { vec![which.to_string()] };
    let mut devices = Vec::with_capacity(names.len());
    if !names.is_empty() {
        let family = family.ok_or_else(|| anyhow!(NO_WIREGUARD))?;
        for name in &names {
            devices.push(get(conn, family, name)?);
        }
    }
    if json {
        let list: Vec<Value> = devices.iter().map(device_json).collect();
        out.push_str(&Value::Array(list).to_string());
        out.push('\n');
        return Ok(());
    }
    for (i, d) in devices.iter().enumerate() {
        match dump {
            true => dump_lines(d, all, out),
            false => {
                if i > 0 {
                    out.push('\n');
                }
                pretty(d, out);
            }
        }
    }
    Ok(())
}

fn b64(k: &Key) -> String {
    STANDARD.encode(k)
}

fn maybe(k: &Option<Key>) -> String {
    k.as_ref().map_or_else(|| "(none)".to_string(), b64)
}

fn ips(p: &Peer, sep: &str) -> String {
    let all: Vec<String> = p.allowed_ips.iter().map(|(a, c)| format!("{a}/{c}")).collect();
    all.join(sep)
}

/// Seconds since the epoch of the last handshake (0: never), as wg's dump.
fn handshake_secs(p: &Peer) -> u64 {
    p.last_handshake
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs())
}

/// `wg show DEV dump`: one tab-separated line for the device, one per peer.
fn dump_lines(d: &Device, with_name: bool, out: &mut String) {
    let name = if with_name { format!("{}\t", d.ifname) } else { String::new() };
    let mark = if d.fwmark == 0 { "off".to_string() } else { format!("0x{:x}", d.fwmark) };
    let _ = writeln!(
        out,
        "{name}{}\t{}\t{}\t{mark}",
        maybe(&d.private_key),
        maybe(&d.public_key),
        d.listen_port
    );
    for p in &d.peers {
        let endpoint = p.endpoint.map_or_else(|| "(none)".to_string(), |e| e.to_string());
        let allowed = if p.allowed_ips.is_empty() { "(none)".to_string() } else { ips(p, ",") };
        let keepalive = match p.persistent_keepalive {
            0 => "off".to_string(),
            s => s.to_string(),
        };
        let _ = writeln!(
            out,
            "{name}{}\t{}\t{endpoint}\t{allowed}\t{}\t{}\t{}\t{keepalive}",
            b64(&p.public_key),
            maybe(&p.preshared_key),
            handshake_secs(p),
            p.rx_bytes,
            p.tx_bytes
        );
    }
}

/// wg's `pretty_time`: years, days, hours, minutes, seconds, the non-zero
/// ones.
fn pretty_time(mut left: u64) -> String {
    let mut parts = Vec::new();
    for (unit, secs) in [
        ("year", 365 * 24 * 3600),
        ("day", 24 * 3600),
        ("hour", 3600),
        ("minute", 60),
        ("second", 1),
    ] {
        let n = left / secs;
        left %= secs;
        if n > 0 {
            parts.push(format!("{n} {unit}{}", if n == 1 { "" } else { "s" }));
        }
    }
    parts.join(", ")
}

/// wg's `bytes`: B below 1 KiB, else KiB, MiB, GiB or TiB with 2 decimals.
fn bytes(b: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if b < 1024 {
        return format!("{b} B");
    }
    let mut v = b as f64 / 1024.0;
    for (i, unit) in UNITS.iter().enumerate() {
        if v < 1024.0 || i == UNITS.len() - 1 {
            return format!("{v:.2} {unit}");
        }
        v /= 1024.0;
    }
    unreachable!("the last unit returns")
}

/// `wg show DEV`, as wg prints it without a terminal (no colors).
fn pretty(d: &Device, out: &mut String) {
    let _ = writeln!(out, "interface: {}", d.ifname);
    if let Some(k) = &d.public_key {
        let _ = writeln!(out, "  public key: {}", b64(k));
    }
    if d.private_key.is_some() {
        out.push_str("  private key: (hidden)\n");
    }
    if d.listen_port != 0 {
        let _ = writeln!(out, "  listening port: {}", d.listen_port);
    }
    if d.fwmark != 0 {
        let _ = writeln!(out, "  fwmark: 0x{:x}", d.fwmark);
    }
    // Latest handshake first, peers without one last (wg's peer_cmp).
    let mut peers: Vec<&Peer> = d.peers.iter().collect();
    peers.sort_by_key(|p| std::cmp::Reverse(p.last_handshake));
    if !peers.is_empty() {
        out.push('\n');
    }
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    for (i, p) in peers.iter().enumerate() {
        let _ = writeln!(out, "peer: {}", b64(&p.public_key));
        if p.preshared_key.is_some() {
            out.push_str("  preshared key: (hidden)\n");
        }
        if let Some(e) = p.endpoint {
            let _ = writeln!(out, "  endpoint: {e}");
        }
        let allowed = if p.allowed_ips.is_empty() { "(none)".to_string() } else { ips(p, ", ") };
        let _ = writeln!(out, "  allowed ips: {allowed}");
        let at = handshake_secs(p);
        if at != 0 {
            let ago = match now.checked_sub(at) {
                Some(0) => "Now".to_string(),
                Some(s) => format!("{} ago", pretty_time(s)),
                None => "(System clock wound backward; connection problems may ensue.)".to_string(),
            };
            let _ = writeln!(out, "  latest handshake: {ago}");
        }
        if p.rx_bytes != 0 || p.tx_bytes != 0 {
            let (rx, tx) = (bytes(p.rx_bytes), bytes(p.tx_bytes));
            let _ = writeln!(out, "  transfer: {rx} received, {tx} sent");
        }
        if p.persistent_keepalive != 0 {
            let _ = writeln!(
                out,
                "  persistent keepalive: every {}",
                pretty_time(p.persistent_keepalive.into())
            );
        }
        if i + 1 < peers.len() {
            out.push('\n');
        }
    }
}

/// `wg showconf DEV`: the device as a configuration file.
fn showconf(d: &Device, out: &mut String) {
    out.push_str("[Interface]\n");
    if d.listen_port != 0 {
        let _ = writeln!(out, "ListenPort = {}", d.listen_port);
    }
    if d.fwmark != 0 {
        let _ = writeln!(out, "FwMark = 0x{:x}", d.fwmark);
    }
    if let Some(k) = &d.private_key {
        let _ = writeln!(out, "PrivateKey = {}", b64(k));
    }
    out.push('\n');
    for (i, p) in d.peers.iter().enumerate() {
        let _ = writeln!(out, "[Peer]\nPublicKey = {}", b64(&p.public_key));
        if let Some(k) = &p.preshared_key {
            let _ = writeln!(out, "PresharedKey = {}", b64(k));
        }
        if !p.allowed_ips.is_empty() {
            let _ = writeln!(out, "AllowedIPs = {}", ips(p, ", "));
        }
        if let Some(e) = p.endpoint {
            let _ = writeln!(out, "Endpoint = {e}");
        }
        if p.persistent_keepalive != 0 {
            let _ = writeln!(out, "PersistentKeepalive = {}", p.persistent_keepalive);
        }
        if i + 1 < d.peers.len() {
            out.push('\n');
        }
    }
}

fn device_json(d: &Device) -> Value {
    let peers: Vec<Value> = d
        .peers
        .iter()
        .map(|p| {
            json!({
                "public_key": b64(&p.public_key),
                "preshared_key": p.preshared_key.is_some(),
                "endpoint": p.endpoint.map(|e| e.to_string()),
                "allowed_ips": p.allowed_ips.iter().map(|(a, c)| format!("{a}/{c}")).collect::<Vec<_>>(),
                "latest_handshake": handshake_secs(p),
                "rx_bytes": p.rx_bytes,
                "tx_bytes": p.tx_bytes,
                "persistent_keepalive": p.persistent_keepalive,
                "protocol_version": p.protocol_version,
            })
        })
        .collect();
    json!({
        "ifname": d.ifname,
        "ifindex": d.ifindex,
        "public_key": d.public_key.as_ref().map(b64),
        "private_key": d.private_key.is_some(),
        "listen_port": d.listen_port,
        "fwmark": d.fwmark,
        "peers": peers,
    })
}

/// A base64 key, as wg takes it.
fn key(text: &str) -> Result<Key> {
    let bytes = STANDARD.decode(text.trim()).ok();
    bytes
        .and_then(|b| Key::try_from(b).ok())
        .ok_or_else(|| anyhow!("Key is not the correct length or format: `{}'", text.trim()))
}

/// A key read from a file (`-`: standard input), as wg's `private-key` and
/// `preshared-key` take them.
fn key_file(path: &str) -> Result<Key> {
    let mut text = String::new();
    match path {
        "-" | "/dev/stdin" => std::io::stdin().read_to_string(&mut text),
        _ => std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text)),
    }
    .with_context(|| format!("Unable to read key file {path}"))?;
    key(&text)
}

/// `set DEV`'s words, as wg's `parse_argv` takes them: `allowed-ips`
/// replaces the peer's list; `off` is 0 for fwmark and keepalive.
fn set_words(words: &[&str]) -> Result<DeviceSet> {
    let mut set = DeviceSet::default();
    let mut it = words.iter();
    let value = |it: &mut std::slice::Iter<'_, &str>, what: &str| -> Result<String> {
        it.next().map(|v| v.to_string()).ok_or_else(|| anyhow!("{what} needs a value"))
    };
    while let Some(&w) = it.next() {
        let peer = set.peers.last_mut();
        match (w, peer) {
            ("listen-port", _) => {
                let v = value(&mut it, w)?;
                set.listen_port =
                    Some(v.parse().map_err(|_| anyhow!("Unable to parse port: `{v}'"))?);
            }
            ("fwmark", _) => {
                let v = value(&mut it, w)?;
                set.fwmark =
                    Some(number(&v).ok_or_else(|| {
                        anyhow!("Fwmark is neither 0/off nor 0-0xffffffff: `{v}'")
                    })?);
            }
            ("private-key", _) => set.private_key = Some(key_file(&value(&mut it, w)?)?),
            ("peer", _) => {
                let public_key = key(&value(&mut it, w)?)?;
                set.peers.push(PeerSet { public_key, ..PeerSet::default() });
            }
            ("remove", Some(p)) => p.remove = true,
            ("preshared-key", Some(p)) => p.preshared_key = Some(key_file(&value(&mut it, w)?)?),
            ("endpoint", Some(p)) => {
                let v = value(&mut it, w)?;
                let e: SocketAddr =
                    v.parse().map_err(|_| anyhow!("Unable to parse endpoint: `{v}'"))?;
                p.endpoint = Some(e);
            }
            ("persistent-keepalive", Some(p)) => {
                let v = value(&mut it, w)?;
                let s = if v == "off" { Some(0) } else { v.parse().ok() };
                p.persistent_keepalive = Some(s.ok_or_else(|| {
                    anyhow!("Persistent keepalive interval is neither 0/off nor 1-65535: `{v}'")
                })?);
            }
            ("allowed-ips", Some(p)) => {
                p.replace_allowed_ips = true;
                for one in value(&mut it, w)?.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    p.allowed_ips.push(prefix(one)?);
                }
            }
            _ => bail!("Invalid argument: {w}\n{USAGE}"),
        }
    }
    Ok(set)
}

/// `0`, `off`, decimal or `0x` hexadecimal.
fn number(v: &str) -> Option<u32> {
    match v {
        "off" => Some(0),
        _ => match v.strip_prefix("0x") {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => v.parse().ok(),
        },
    }
}

/// `IP[/CIDR]` (the whole address without a length).
fn prefix(text: &str) -> Result<(IpAddr, u8)> {
    let bad = || anyhow!("Unable to parse IP address: `{text}'");
    let (a, len) = text.split_once('/').map_or((text, None), |(a, l)| (a, Some(l)));
    let addr: IpAddr = a.parse().map_err(|_| bad())?;
    let full = if addr.is_ipv4() { 32 } else { 128 };
    let len = match len {
        Some(l) => l.parse::<u8>().ok().filter(|&l| l <= full).ok_or_else(bad)?,
        None => full,
    };
    Ok((addr, len))
}

/// `wg genkey`: 32 random bytes, clamped as a Curve25519 private key.
fn genkey() -> Result<()> {
    let mut k = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut k))
        .context("Unable to read random bytes")?;
    k[0] &= 248;
    k[31] = (k[31] & 127) | 64;
    // Not println!: it panics when the reader has gone (`| true`).
    writeln!(std::io::stdout().lock(), "{}", b64(&k))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_numbers_as_wg_takes_them() {
        let k = b64(&[7; 32]);
        let w = [
            "listen-port",
            "51820",
            "fwmark",
            "0x10",
            "peer",
            &k,
            "endpoint",
            "[fd00::1]:4500",
            "persistent-keepalive",
            "off",
            "allowed-ips",
            "10.0.0.0/8, fd00::1",
        ];
        let set = set_words(&w).unwrap();
        assert_eq!((set.listen_port, set.fwmark), (Some(51820), Some(16)));
        let p = &set.peers[0];
        assert_eq!(p.public_key, [7; 32]);
        assert_eq!(p.endpoint, Some("[fd00::1]:4500".parse().unwrap()));
        assert_eq!(p.persistent_keepalive, Some(0));
        assert!(p.replace_allowed_ips);
        assert_eq!(
            p.allowed_ips,
            [("10.0.0.0".parse().unwrap(), 8), ("fd00::1".parse().unwrap(), 128)]
        );
        assert!(set_words(&["remove"]).is_err(), "remove before any peer");
        assert!(set_words(&["peer", "short"]).unwrap_err().to_string().contains("correct length"));
        assert!(set_words(&["peer", &k, "allowed-ips", "10.0.0.0/33"]).is_err());
    }

    #[test]
    fn times_and_sizes_as_wg_prints_them() {
        assert_eq!(pretty_time(3661), "1 hour, 1 minute, 1 second");
        assert_eq!(pretty_time(25), "25 seconds");
        assert_eq!(bytes(92), "92 B");
        assert_eq!(bytes(1536), "1.50 KiB");
        assert_eq!(bytes(5 << 30), "5.00 GiB");
    }
}
