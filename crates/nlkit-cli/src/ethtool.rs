//! `nlkit ethtool`: a device's link settings (`DEV`, in [`settings`]),
//! features (`-k`, `-K`), channels (`-l`, `-L`), rings (`-g`, `-G`), pause
//! (`-a`, `-A`) and coalescing (`-c`, `-C`, in [`params`]) through the
//! generic netlink family `ethtool` (`nlkit::genl::ethtool`), and driver
//! info (`-i`) and statistics (`-S`, in [`ioctl`]) through SIOCETHTOOL,
//! printed as ethtool 6.1 prints them
//! (the legacy feature groups first: `tx-checksumming` and the features
//! it covers), or as JSON with `-j` (ethtool 6.1 has JSON for `-k` only:
//! nlkit has it for all three). Refusals are ethtool's words: `netlink
//! error: MESSAGE (offset N)`.

mod ioctl;
mod params;
mod settings;

use crate::cli::EthtoolArgs;
use crate::kernel::print_json;
use crate::report::plain;
use anyhow::{bail, Result};
use nlkit::genl::ethtool::{self, Channels, FeatureChanges, Features, Rings};
use nlkit::genl::Family;
use nlkit::{Conn, Netns, Protocol};
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::io::Write as _;

/// ethtool's legacy offload flags (`off_flag_def`, common.c): short name,
/// long name, and the kernel features each covers (a `*` matches any run
/// of characters, once). `ufo` is left out, as ethtool leaves it out of
/// `-k` on netlink kernels.
const LEGACY: [(&str, &str, &str); 11] = [
    ("rx", "rx-checksumming", "rx-checksum"),
    ("tx", "tx-checksumming", "tx-checksum-*"),
    ("sg", "scatter-gather", "tx-scatter-gather*"),
    ("tso", "tcp-segmentation-offload", "tx-tcp*-segmentation"),
    ("gso", "generic-segmentation-offload", "tx-generic-segmentation"),
    ("gro", "generic-receive-offload", "rx-gro"),
    ("lro", "large-receive-offload", "rx-lro"),
    ("rxvlan", "rx-vlan-offload", "rx-vlan-hw-parse"),
    ("txvlan", "tx-vlan-offload", "tx-vlan-hw-insert"),
    ("ntuple", "ntuple-filters", "rx-ntuple-filter"),
    ("rxhash", "receive-hashing", "rx-hashing"),
];

/// ethtool's `flag_pattern_match`: `pattern` with at most one `*`.
fn pattern_match(name: &str, pattern: &str) -> bool {
    match pattern.split_once('*') {
        Some((head, tail)) => {
            name.len() >= head.len() + tail.len() && name.starts_with(head) && name.ends_with(tail)
        }
        None => name == pattern,
    }
}

pub fn run(a: &EthtoolArgs, netns: Option<&str>, json: bool, pretty: bool) -> Result<()> {
    let mut out = String::new();
    let done = if let Some(dev) = &a.driver {
        ioctl::driver(dev, netns, json, &mut out)
    } else if let Some(dev) = &a.statistics {
        ioctl::statistics(dev, netns, json, &mut out)
    } else {
        netlink(a, netns, json, &mut out)
    };
    if json {
        // Empty: a change that went as asked. Unreadable: a command that
        // failed midway, whose error says why.
        match (out.is_empty(), serde_json::from_str::<Value>(&out), &done) {
            (true, ..) => {}
            (false, Ok(v), _) => print_json(&v, pretty)?,
            (false, Err(e), Ok(())) => return Err(e.into()),
            (false, Err(_), Err(_)) => {}
        }
        return done;
    }
    // Not print!: it panics when the reader has gone (`| true`). What was
    // made is written also when the command then fails (`No data
    // available`).
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(out.as_bytes())?;
    stdout.flush()?;
    done
}

/// The commands of the netlink family.
fn netlink(a: &EthtoolArgs, netns: Option<&str>, json: bool, out: &mut String) -> Result<()> {
    let mut conn = match netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::GENERIC)?,
        None => Conn::open(Protocol::GENERIC)?,
    };
    let family = conn.resolve_family(ethtool::FAMILY)?;
    let out = &mut *out;
    if let Some(dev) = &a.show_features {
        show_features(&mut conn, &family, dev, json, out)
    } else if let Some(words) = &a.features {
        set_features(&mut conn, &family, words, json, out)
    } else if let Some(dev) = &a.show_channels {
        let c = conn.run(ethtool::channels(&family, dev)).map_err(netlink_error)?;
        channels_text(dev, &c, json, out)
    } else if let Some(words) = &a.set_channels {
        let (dev, want) = channel_words(words)?;
        conn.run(ethtool::set_channels(&family, dev, want)).map_err(netlink_error)
    } else if let Some(dev) = &a.show_ring {
        let r = conn.run(ethtool::rings(&family, dev)).map_err(netlink_error)?;
        rings_text(dev, &r, json, out)
    } else if let Some(words) = &a.set_ring {
        let (dev, want) = ring_words(words)?;
        conn.run(ethtool::set_rings(&family, dev, want)).map_err(netlink_error)
    } else if let Some(dev) = &a.show_pause {
        params::show_pause(&mut conn, &family, dev, a.include_statistics, json, out)
    } else if let Some(words) = &a.pause {
        params::set_pause(&mut conn, &family, words)
    } else if let Some(dev) = &a.show_coalesce {
        params::show_coalesce(&mut conn, &family, dev, json, out)
    } else if let Some(words) = &a.coalesce {
        params::set_coalesce(&mut conn, &family, words)
    } else if let Some(dev) = &a.dev {
        settings::show(&mut conn, &family, dev, json, out)
    } else {
        bail!("nlkit ethtool: a device or one of -k, -K, -l, -L, -g, -G, -a, -A, -c, -C, -i, -S is required")
    }
}

/// A kernel refusal as ethtool words it: `netlink error: MESSAGE (offset
/// N)` when the kernel explains, then `netlink error: ERRNO TEXT`.
fn netlink_error(e: nlkit::Error) -> anyhow::Error {
    let nlkit::Error::Kernel(k) = &e else { return e.into() };
    // The kernel's message (and where), then the errno's text.
    let errno = format!("netlink error: {}", nlkit::strerror(k.errno));
    let text = match (&k.message, k.offset) {
        (Some(m), Some(o)) => format!("netlink error: {m} (offset {o})\n{errno}"),
        (Some(m), None) => format!("netlink error: {m}\n{errno}"),
        _ => errno,
    };
    plain(text)
}

fn show_features(
    conn: &mut Conn,
    family: &Family,
    dev: &str,
    json: bool,
    out: &mut String,
) -> Result<()> {
    let names = conn.run(ethtool::feature_names(family, dev)).map_err(netlink_error)?;
    let f = conn.run(ethtool::features(family, dev)).map_err(netlink_error)?;
    let rows = feature_rows(&f, &names);
    if json {
        // ethtool --json -k: the rows of the text, by name; a group's
        // `fixed` and `requested` are null.
        let mut m = Map::new();
        m.insert("ifname".into(), dev.into());
        for r in rows {
            let v = json!({"active": r.active, "fixed": r.fixed, "requested": r.requested});
            m.insert(r.name.to_string(), v);
        }
        *out = Value::Array(vec![Value::Object(m)]).to_string();
        return Ok(());
    }
    let _ = writeln!(out, "Features for {dev}:");
    for r in &rows {
        r.line(out);
    }
    Ok(())
}

/// One line of `-k`: a feature, or a legacy group (`fixed` and
/// `requested` unknown: its features say).
#[derive(Debug, PartialEq)]
struct Row<'n> {
    name: &'n str,
    /// Listed under its group, indented.
    member: bool,
    active: bool,
    fixed: Option<bool>,
    requested: Option<bool>,
}

impl Row<'_> {
    /// The row as `dump_feature` prints it: `NAME: on|off[ suffix]`.
    fn line(&self, out: &mut String) {
        let suffix = match (self.fixed, self.requested) {
            (Some(true), _) => " [fixed]",
            (_, Some(true)) if !self.active => " [requested on]",
            (_, Some(false)) if self.active => " [requested off]",
            _ => "",
        };
        let indent = if self.member { "\t" } else { "" };
        let on = if self.active { "on" } else { "off" };
        let _ = writeln!(out, "{indent}{}: {on}{suffix}", self.name);
    }
}

/// Feature `i` as a row named `name`.
fn row<'n>(f: &Features, i: usize, name: &'n str, member: bool) -> Row<'n> {
    Row {
        name,
        member,
        active: Features::on(&f.active, i),
        fixed: Some(!Features::on(&f.hw, i) || Features::on(&f.nochange, i)),
        requested: Some(Features::on(&f.wanted, i)),
    }
}

/// `dump_features`: the legacy groups with their features (a group of
/// one is that feature under the group's name), then every other named
/// feature in bit order.
fn feature_rows<'n>(f: &Features, names: &'n [String]) -> Vec<Row<'n>> {
    let count = f.count.min(names.len());
    let group: Vec<Option<usize>> = names[..count]
        .iter()
        .map(|n| {
            if n.is_empty() {
                return None;
            }
            LEGACY.iter().position(|(_, _, pattern)| pattern_match(n, pattern))
        })
        .collect();
    let mut rows = Vec::new();
    for (g, (_, long, _)) in LEGACY.iter().enumerate() {
        let members: Vec<usize> = (0..count).filter(|&i| group[i] == Some(g)).collect();
        if let [i] = members[..] {
            rows.push(row(f, i, long, false));
            continue;
        }
        let active = members.iter().any(|&i| Features::on(&f.active, i));
        rows.push(Row { name: long, member: false, active, fixed: None, requested: None });
        rows.extend(members.iter().map(|&i| row(f, i, &names[i], true)));
    }
    for i in (0..count).filter(|&i| group[i].is_none() && !names[i].is_empty()) {
        rows.push(row(f, i, &names[i], false));
    }
    rows
}

/// `-K DEV NAME on|off ...`: legacy names (short or long) expand to the
/// features they cover; any other name goes to the kernel as it is. Then,
/// as ethtool: `Actual changes:` when the result is not just what was
/// asked, and a failure when none of it was done.
fn set_features(
    conn: &mut Conn,
    family: &Family,
    words: &[String],
    json: bool,
    out: &mut String,
) -> Result<()> {
    let Some((dev, pairs)) = words.split_first() else { bail!("-K needs a device") };
    let names = conn.run(ethtool::feature_names(family, dev)).map_err(netlink_error)?;
    let mut want = Vec::new();
    for pair in pairs.chunks(2) {
        let (name, value) = (&pair[0], pair.get(1).map(String::as_str));
        let on = match value {
            Some("on") => true,
            Some("off") => false,
            v => {
                return Err(plain(format!(
                    "ethtool (-K): flag '{}' for parameter '{name}' is not followed by 'on' or \
                     'off'",
                    v.unwrap_or("(null)")
                )))
            }
        };
        match LEGACY.iter().find(|(short, long, _)| name == short || name == long) {
            Some((_, _, pattern)) => want.extend(
                names.iter().filter(|n| pattern_match(n, pattern)).map(|n| (n.clone(), on)),
            ),
            None => want.push((name.clone(), on)),
        }
    }
    match conn.run(ethtool::set_features(family, dev, &want)).map_err(netlink_error)? {
        Some(c) => feature_changes(&c, &names, &want, dev, json, out),
        None => Ok(()),
    }
}

/// What came of `-K`, as ethtool's `show_feature_changes` says it: nothing
/// when every change was asked for and done, else `Actual changes:` with
/// each feature asked for and left otherwise, or changed along; and a
/// failure when every feature asked for came out otherwise.
fn feature_changes(
    c: &FeatureChanges,
    names: &[String],
    want: &[(String, bool)],
    dev: &str,
    json: bool,
    out: &mut String,
) -> Result<()> {
    let mut asked = vec![0u32; c.count.div_ceil(32)];
    for (name, _) in want {
        let Some(i) = names.iter().position(|n| n == name) else { continue };
        // A bit past the reply's count (a size the kernel left out) is
        // not one it answered about.
        if let Some(word) = asked.get_mut(i / 32) {
            *word |= 1 << (i % 32);
        }
    }
    let at = |v: &[u32], i: usize| v.get(i).copied().unwrap_or(0);
    let shown = (0..asked.len())
        .any(|i| at(&c.wanted_mask, i) != 0 || at(&c.active_mask, i) & !asked[i] != 0);
    let nothing_done = (0..asked.len()).all(|i| at(&c.wanted_mask, i) == asked[i]);
    let on = Features::on;
    let mut rows = Vec::new();
    for (i, name) in names.iter().enumerate().take(c.count) {
        let (active, requested) = if on(&c.wanted_mask, i) {
            (!on(&c.wanted, i), Some(on(&c.wanted, i)))
        } else if on(&c.active_mask, i) {
            (on(&c.active, i), on(&asked, i).then(|| on(&c.active, i)))
        } else {
            continue;
        };
        rows.push((name, active, requested));
    }
    let word = |b: bool| if b { "on" } else { "off" };
    if shown && json {
        let list: Vec<Value> = rows
            .iter()
            .map(|(name, active, requested)| {
                json!({"name": name, "active": active, "requested": requested})
            })
            .collect();
        let _ = write!(out, "{}", json!([{"ifname": dev, "changes": list}]));
    } else if shown {
        out.push_str("Actual changes:\n");
        for (name, active, requested) in &rows {
            let _ = match requested {
                Some(r) if r != active => {
                    writeln!(out, "{name}: {} [requested {}]", word(*active), word(*r))
                }
                Some(_) => writeln!(out, "{name}: {}", word(*active)),
                None => writeln!(out, "{name}: {} [not requested]", word(*active)),
            };
        }
    }
    if nothing_done {
        return Err(plain("Could not change any device features"));
    }
    Ok(())
}

/// ethtool's `show_u32`: the label, then the value or `n/a`.
fn show_u32(out: &mut String, label: &str, v: Option<u32>) {
    match v {
        Some(v) => {
            let _ = writeln!(out, "{label}{v}");
        }
        None => {
            let _ = writeln!(out, "{label}n/a");
        }
    }
}

/// A view of maximums and current settings (`-l`, `-g`): ethtool's two
/// blocks of `show_u32` lines under `TITLE for DEV:`, then more `show_u32`
/// lines, or one JSON object of the rows' keys.
struct Settings<'r> {
    title: &'static str,
    /// `(label, JSON key, value)` under `Pre-set maximums:`.
    max: &'r [(&'static str, &'static str, Option<u32>)],
    /// Likewise under `Current hardware settings:`.
    current: &'r [(&'static str, &'static str, Option<u32>)],
    /// Likewise after them.
    extra: &'r [(&'static str, &'static str, Option<u32>)],
}

impl Settings<'_> {
    fn json(&self, dev: &str) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("ifname".into(), dev.into());
        for (_, key, v) in self.max.iter().chain(self.current).chain(self.extra) {
            m.insert(key.to_string(), (*v).into());
        }
        m
    }

    fn text(&self, dev: &str, out: &mut String) {
        let _ = writeln!(out, "{} for {dev}:\nPre-set maximums:", self.title);
        for (label, _, v) in self.max {
            show_u32(out, label, *v);
        }
        let _ = writeln!(out, "Current hardware settings:");
        for (label, _, v) in self.current.iter().chain(self.extra) {
            show_u32(out, label, *v);
        }
    }

    fn write(&self, dev: &str, json: bool, out: &mut String) {
        match json {
            true => *out = Value::Array(vec![Value::Object(self.json(dev))]).to_string(),
            false => self.text(dev, out),
        }
    }
}

fn channels_text(dev: &str, c: &Channels, json: bool, out: &mut String) -> Result<()> {
    Settings {
        title: "Channel parameters",
        max: &[
            ("RX:\t\t", "rx-max", c.rx_max),
            ("TX:\t\t", "tx-max", c.tx_max),
            ("Other:\t\t", "other-max", c.other_max),
            ("Combined:\t", "combined-max", c.combined_max),
        ],
        current: &[
            ("RX:\t\t", "rx-count", c.rx),
            ("TX:\t\t", "tx-count", c.tx),
            ("Other:\t\t", "other-count", c.other),
            ("Combined:\t", "combined-count", c.combined),
        ],
        extra: &[],
    }
    .write(dev, json, out);
    Ok(())
}

fn rings_text(dev: &str, r: &Rings, json: bool, out: &mut String) -> Result<()> {
    let settings = Settings {
        title: "Ring parameters",
        max: &[
            ("RX:\t\t", "rx-max", r.rx_max),
            ("RX Mini:\t", "rx-mini-max", r.rx_mini_max),
            ("RX Jumbo:\t", "rx-jumbo-max", r.rx_jumbo_max),
            ("TX:\t\t", "tx-max", r.tx_max),
        ],
        current: &[
            ("RX:\t\t", "rx", r.rx),
            ("RX Mini:\t", "rx-mini", r.rx_mini),
            ("RX Jumbo:\t", "rx-jumbo", r.rx_jumbo),
            ("TX:\t\t", "tx", r.tx),
        ],
        extra: &[
            ("RX Buf Len:\t\t", "rx-buf-len", r.rx_buf_len),
            ("CQE Size:\t\t", "cqe-size", r.cqe_size),
        ],
    };
    // ethtool 6.1's rings_reply_cb: TX Push and TCP data split always,
    // `n/a` when not sent (the kernel leaves out an unknown split).
    let split = match r.tcp_data_split.unwrap_or(0) {
        0 => "n/a".to_string(),
        1 => "off".to_string(),
        2 => "on".to_string(),
        s => format!("unknown({s})"),
    };
    if json {
        let mut m = settings.json(dev);
        if let Some(p) = r.tx_push {
            m.insert("tx-push".into(), p.into());
        }
        m.insert("tcp-data-split".into(), split.into());
        *out = Value::Array(vec![Value::Object(m)]).to_string();
        return Ok(());
    }
    settings.text(dev, out);
    let push = r.tx_push.map_or("n/a", |p| if p { "on" } else { "off" });
    let _ = writeln!(out, "TX Push:\t{push}");
    let _ = writeln!(out, "TCP data split:\t{split}");
    Ok(())
}

/// `DEV NAME N ...` of `-L` and `-G`: each name one of `names`, each with
/// a number, as ethtool's parser refuses them.
fn counts<'w>(
    words: &'w [String],
    opt: &str,
    names: &[&str],
) -> Result<(&'w str, Vec<(usize, u32)>)> {
    let Some((dev, rest)) = words.split_first() else { bail!("{opt} needs a device") };
    let mut got = Vec::new();
    let mut it = rest.iter();
    while let Some(name) = it.next() {
        let Some(at) = names.iter().position(|n| n == name) else {
            return Err(plain(format!("ethtool ({opt}): unknown parameter '{name}'")));
        };
        let Some(v) = it.next() else {
            return Err(plain(format!("ethtool ({opt}): no value for parameter '{name}'")));
        };
        let n = crate::words::number::<u32>(v).ok_or_else(|| {
            plain(format!("ethtool ({opt}): invalid value '{v}' for parameter '{name}'"))
        })?;
        got.push((at, n));
    }
    Ok((dev, got))
}

/// `-L DEV [rx N] [tx N] [other N] [combined N]`.
fn channel_words(words: &[String]) -> Result<(&str, Channels)> {
    let (dev, got) = counts(words, "-L", &["rx", "tx", "other", "combined"])?;
    let mut c = Channels::default();
    for (at, n) in got {
        *[&mut c.rx, &mut c.tx, &mut c.other, &mut c.combined][at] = Some(n);
    }
    Ok((dev, c))
}

/// `-G DEV [rx N] [rx-mini N] [rx-jumbo N] [tx N] [rx-buf-len N] [cqe-size N]`.
fn ring_words(words: &[String]) -> Result<(&str, Rings)> {
    let names = ["rx", "rx-mini", "rx-jumbo", "tx", "rx-buf-len", "cqe-size"];
    let (dev, got) = counts(words, "-G", &names)?;
    let mut r = Rings::default();
    for (at, n) in got {
        let mut slots = [
            &mut r.rx,
            &mut r.rx_mini,
            &mut r.rx_jumbo,
            &mut r.tx,
            &mut r.rx_buf_len,
            &mut r.cqe_size,
        ];
        // `at` indexes `names`, which has one name per slot.
        if let Some(slot) = slots.get_mut(at) {
            **slot = Some(n);
        }
    }
    Ok((dev, r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_patterns_as_ethtool_matches_them() {
        assert!(pattern_match("tx-checksum-ipv4", "tx-checksum-*"));
        assert!(!pattern_match("tx-checksumming", "tx-checksum-*"));
        assert!(pattern_match("tx-tcp6-segmentation", "tx-tcp*-segmentation"));
        assert!(pattern_match("tx-tcp-segmentation", "tx-tcp*-segmentation"));
        assert!(!pattern_match("tx-tcp", "tx-tcp*-segmentation"));
        assert!(pattern_match("rx-gro", "rx-gro") && !pattern_match("rx-gro-hw", "rx-gro"));
    }

    #[test]
    fn groups_first_then_the_rest_with_fixed_and_requested() {
        let names: Vec<String> = ["tx-checksum-ipv4", "tx-checksum-sctp", "rx-gro", "highdma", ""]
            .map(String::from)
            .to_vec();
        // hw: all but bit 0; active: 1, 3; wanted: 1, 2, 3.
        let f = Features {
            count: 5,
            hw: vec![0b11110],
            wanted: vec![0b01110],
            active: vec![0b01010],
            nochange: vec![0],
        };
        let mut out = String::new();
        for r in feature_rows(&f, &names) {
            r.line(&mut out);
        }
        let want = "rx-checksumming: off\ntx-checksumming: on\n\
                    \ttx-checksum-ipv4: off [fixed]\n\ttx-checksum-sctp: on\n\
                    scatter-gather: off\ntcp-segmentation-offload: off\n\
                    generic-segmentation-offload: off\n\
                    generic-receive-offload: off [requested on]\n\
                    large-receive-offload: off\nrx-vlan-offload: off\ntx-vlan-offload: off\n\
                    ntuple-filters: off\nreceive-hashing: off\nhighdma: on\n";
        assert_eq!(out, want);
    }

    #[test]
    fn count_words_refused_as_ethtool_refuses_them() {
        let w = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let words = w("v0 rx 2 combined 4");
        let (dev, c) = channel_words(&words).unwrap();
        assert_eq!((dev, c.rx, c.combined, c.tx), ("v0", Some(2), Some(4), None));
        let e = channel_words(&w("v0 foo 1")).unwrap_err().to_string();
        assert_eq!(e, "ethtool (-L): unknown parameter 'foo'");
        let e = channel_words(&w("v0 rx")).unwrap_err().to_string();
        assert_eq!(e, "ethtool (-L): no value for parameter 'rx'");
        let (_, r) = ring_words(&w("v0 tx 512 rx-jumbo 9")).unwrap();
        assert_eq!((r.tx, r.rx_jumbo), (Some(512), Some(9)));
    }
}
