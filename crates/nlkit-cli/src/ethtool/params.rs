//! `nlkit ethtool -a/-A` (pause) and `-c/-C` (coalescing), as ethtool 6.1
//! prints them (netlink/pause.c, netlink/coalesce.c): `-a`'s JSON is
//! ethtool's `--json -a`; ethtool 6.1 has none for `-c`, nlkit's keys are
//! its later ones (`rx-usecs`, `adaptive-rx`, ...), `null` where the
//! driver has no such parameter. Kernel refusals exit as ethtool does: 1,
//! and 76 for `-A`.

use super::netlink_error;
use crate::report::{plain, Status};
use anyhow::{bail, Result};
use nlkit::genl::ethtool::{self, Coalesce, Pause};
use nlkit::genl::Family;
use nlkit::Conn;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

/// A kernel refusal as ethtool words it, exiting with `code`.
fn refused(e: nlkit::Error, code: u8) -> anyhow::Error {
    Status { text: netlink_error(e).to_string(), code }.into()
}

/// ethtool's `u8_to_bool`.
fn on_off(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "on",
        Some(false) => "off",
        None => "n/a",
    }
}

/// `-a DEV`: the settings, with autonegotiation on what the link modes of
/// both ends negotiate (`show_pause_autoneg_status`), and with `-I` the
/// pause frames counted (`show_pause_stats`).
pub(super) fn show_pause(
    conn: &mut Conn,
    family: &Family,
    dev: &str,
    stats: bool,
    json: bool,
    out: &mut String,
) -> Result<()> {
    let p = conn.run(ethtool::pause(family, dev, stats)).map_err(|e| refused(e, 1))?;
    // ethtool's order and names.
    let counted = p.stats.map(|s| {
        [("tx_pause_frames", s.tx_frames), ("rx_pause_frames", s.rx_frames)]
            .into_iter()
            .filter_map(|(name, v)| Some((name, v?)))
            .collect::<Vec<_>>()
    });
    let mut negotiated = None;
    if p.autoneg == Some(true) {
        let flags = ethtool::tables::header_flags::COMPACT_BITSETS;
        let m = conn.run(ethtool::link_modes(family, dev, flags)).map_err(|e| refused(e, 1))?;
        if let (Some(ours), Some(peer)) = (&m.ours, &m.peer) {
            let (pause, asym) =
                (ethtool::settings::LINK_MODE_PAUSE, ethtool::settings::LINK_MODE_ASYM_PAUSE);
            let (op, oa) = (ours.get(pause, false), ours.get(asym, false));
            let (pp, pa) = (peer.get(pause, false), peer.get(asym, false));
            negotiated = Some(match (op && pp, oa && pa) {
                (true, _) => (true, true),
                (false, true) => (op, !op && pp),
                (false, false) => (false, false),
            });
        }
    }
    if json {
        let mut m = Map::new();
        m.insert("ifname".into(), dev.into());
        for (key, v) in [("autonegotiate", p.autoneg), ("rx", p.rx), ("tx", p.tx)] {
            if let Some(v) = v {
                m.insert(key.into(), v.into());
            }
        }
        if let Some((rx, tx)) = negotiated {
            m.insert("negotiated".into(), json!({"rx": rx, "tx": tx}));
        }
        if let Some(counted) = &counted {
            let s: Map<String, Value> =
                counted.iter().map(|&(name, v)| (name.to_string(), v.into())).collect();
            m.insert("statistics".into(), s.into());
        }
        *out = Value::Array(vec![Value::Object(m)]).to_string();
        return Ok(());
    }
    let _ = writeln!(out, "Pause parameters for {dev}:");
    let _ = writeln!(out, "Autonegotiate:\t{}", on_off(p.autoneg));
    let _ = writeln!(out, "RX:\t\t{}\nTX:\t\t{}", on_off(p.rx), on_off(p.tx));
    if let Some((rx, tx)) = negotiated {
        let _ = writeln!(
            out,
            "RX negotiated: {}\nTX negotiated: {}",
            on_off(Some(rx)),
            on_off(Some(tx))
        );
    }
    if let Some(counted) = counted.filter(|c| !c.is_empty()) {
        out.push_str("Statistics:\n");
        for (name, v) in counted {
            let _ = writeln!(out, "  {name}: {v}");
        }
    }
    out.push('\n');
    Ok(())
}

/// ethtool's `nl_parse_u8bool` for `opt`'s parameter `name`.
fn on_off_word(opt: &str, name: &str, v: &str) -> Result<bool> {
    match v {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(plain(format!("ethtool ({opt}): invalid value '{v}' for parameter '{name}'"))),
    }
}

/// `DEV NAME VALUE ...`: each name one of `names`, with a value, as
/// ethtool's `nl_parser` refuses them.
fn pairs<'w>(
    words: &'w [String],
    opt: &str,
    names: &[&str],
) -> Result<(&'w str, Vec<(usize, &'w str)>)> {
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
        got.push((at, v.as_str()));
    }
    Ok((dev, got))
}

/// `-A DEV [autoneg on|off] [rx on|off] [tx on|off]`.
pub(super) fn pause_words(words: &[String]) -> Result<(&str, Pause)> {
    let names = ["autoneg", "rx", "tx"];
    let (dev, got) = pairs(words, "-A", &names)?;
    let mut p = Pause::default();
    for (at, v) in got {
        let on = Some(on_off_word("-A", names[at], v)?);
        *[&mut p.autoneg, &mut p.rx, &mut p.tx][at] = on;
    }
    Ok((dev, p))
}

pub(super) fn set_pause(conn: &mut Conn, family: &Family, words: &[String]) -> Result<()> {
    let (dev, want) = pause_words(words)?;
    conn.run(ethtool::set_pause(family, dev, want)).map_err(|e| refused(e, 76))
}

/// Where `-C`'s parameter goes: a number or an on/off switch.
enum Field {
    Num(fn(&mut Coalesce) -> &mut Option<u32>),
    Bool(fn(&mut Coalesce) -> &mut Option<bool>),
}

/// ethtool 6.1's `scoalesce_params`, in its order.
const PARAMS: [(&str, Field); 24] = [
    ("adaptive-rx", Field::Bool(|c| &mut c.use_adaptive_rx)),
    ("adaptive-tx", Field::Bool(|c| &mut c.use_adaptive_tx)),
    ("sample-interval", Field::Num(|c| &mut c.rate_sample_interval)),
    ("stats-block-usecs", Field::Num(|c| &mut c.stats_block_usecs)),
    ("pkt-rate-low", Field::Num(|c| &mut c.pkt_rate_low)),
    ("pkt-rate-high", Field::Num(|c| &mut c.pkt_rate_high)),
    ("rx-usecs", Field::Num(|c| &mut c.rx_usecs)),
    ("rx-frames", Field::Num(|c| &mut c.rx_max_frames)),
    ("rx-usecs-irq", Field::Num(|c| &mut c.rx_usecs_irq)),
    ("rx-frames-irq", Field::Num(|c| &mut c.rx_max_frames_irq)),
    ("tx-usecs", Field::Num(|c| &mut c.tx_usecs)),
    ("tx-frames", Field::Num(|c| &mut c.tx_max_frames)),
    ("tx-usecs-irq", Field::Num(|c| &mut c.tx_usecs_irq)),
    ("tx-frames-irq", Field::Num(|c| &mut c.tx_max_frames_irq)),
    ("rx-usecs-low", Field::Num(|c| &mut c.rx_usecs_low)),
    ("rx-frames-low", Field::Num(|c| &mut c.rx_max_frames_low)),
    ("tx-usecs-low", Field::Num(|c| &mut c.tx_usecs_low)),
    ("tx-frames-low", Field::Num(|c| &mut c.tx_max_frames_low)),
    ("rx-usecs-high", Field::Num(|c| &mut c.rx_usecs_high)),
    ("rx-frames-high", Field::Num(|c| &mut c.rx_max_frames_high)),
    ("tx-usecs-high", Field::Num(|c| &mut c.tx_usecs_high)),
    ("tx-frames-high", Field::Num(|c| &mut c.tx_max_frames_high)),
    ("cqe-mode-rx", Field::Bool(|c| &mut c.use_cqe_mode_rx)),
    ("cqe-mode-tx", Field::Bool(|c| &mut c.use_cqe_mode_tx)),
];

/// `-C DEV NAME VALUE ...`.
pub(super) fn coalesce_words(words: &[String]) -> Result<(&str, Coalesce)> {
    let names: Vec<&str> = PARAMS.iter().map(|(n, _)| *n).collect();
    let (dev, got) = pairs(words, "-C", &names)?;
    let mut c = Coalesce::default();
    for (at, v) in got {
        let name = names[at];
        match &PARAMS[at].1 {
            Field::Bool(slot) => *slot(&mut c) = Some(on_off_word("-C", name, v)?),
            Field::Num(slot) => {
                let n = crate::words::number::<u32>(v).ok_or_else(|| {
                    plain(format!("ethtool (-C): invalid value '{v}' for parameter '{name}'"))
                })?;
                *slot(&mut c) = Some(n);
            }
        }
    }
    Ok((dev, c))
}

pub(super) fn set_coalesce(conn: &mut Conn, family: &Family, words: &[String]) -> Result<()> {
    let (dev, want) = coalesce_words(words)?;
    conn.run(ethtool::set_coalesce(family, dev, want)).map_err(|e| refused(e, 1))
}

/// `-c DEV`: `coalesce_reply_cb` of ethtool 6.1, blocks separated by
/// empty lines.
pub(super) fn show_coalesce(
    conn: &mut Conn,
    family: &Family,
    dev: &str,
    json: bool,
    out: &mut String,
) -> Result<()> {
    let c = conn.run(ethtool::coalesce(family, dev)).map_err(|e| refused(e, 1))?;
    // (label, JSON key, value); None: an empty line.
    let rows: [Option<(&str, &str, Option<u32>)>; 26] = [
        Some(("stats-block-usecs: ", "stats-block-usecs", c.stats_block_usecs)),
        Some(("sample-interval: ", "sample-interval", c.rate_sample_interval)),
        Some(("pkt-rate-low: ", "pkt-rate-low", c.pkt_rate_low)),
        Some(("pkt-rate-high: ", "pkt-rate-high", c.pkt_rate_high)),
        None,
        Some(("rx-usecs: ", "rx-usecs", c.rx_usecs)),
        Some(("rx-frames: ", "rx-frames", c.rx_max_frames)),
        Some(("rx-usecs-irq: ", "rx-usecs-irq", c.rx_usecs_irq)),
        Some(("rx-frames-irq: ", "rx-frames-irq", c.rx_max_frames_irq)),
        None,
        Some(("tx-usecs: ", "tx-usecs", c.tx_usecs)),
        Some(("tx-frames: ", "tx-frames", c.tx_max_frames)),
        Some(("tx-usecs-irq: ", "tx-usecs-irq", c.tx_usecs_irq)),
        Some(("tx-frames-irq: ", "tx-frames-irq", c.tx_max_frames_irq)),
        None,
        Some(("rx-usecs-low: ", "rx-usecs-low", c.rx_usecs_low)),
        Some(("rx-frame-low: ", "rx-frame-low", c.rx_max_frames_low)),
        Some(("tx-usecs-low: ", "tx-usecs-low", c.tx_usecs_low)),
        Some(("tx-frame-low: ", "tx-frame-low", c.tx_max_frames_low)),
        None,
        Some(("rx-usecs-high: ", "rx-usecs-high", c.rx_usecs_high)),
        Some(("rx-frame-high: ", "rx-frame-high", c.rx_max_frames_high)),
        Some(("tx-usecs-high: ", "tx-usecs-high", c.tx_usecs_high)),
        Some(("tx-frame-high: ", "tx-frame-high", c.tx_max_frames_high)),
        None,
        None,
    ];
    if json {
        let mut m = Map::new();
        m.insert("ifname".into(), dev.into());
        m.insert("adaptive-rx".into(), c.use_adaptive_rx.into());
        m.insert("adaptive-tx".into(), c.use_adaptive_tx.into());
        for (_, key, v) in rows.iter().flatten() {
            m.insert(key.to_string(), (*v).into());
        }
        m.insert("cqe-mode-rx".into(), c.use_cqe_mode_rx.into());
        m.insert("cqe-mode-tx".into(), c.use_cqe_mode_tx.into());
        *out = Value::Array(vec![Value::Object(m)]).to_string();
        return Ok(());
    }
    let _ = writeln!(out, "Coalesce parameters for {dev}:");
    let _ = writeln!(
        out,
        "Adaptive RX: {}  TX: {}",
        on_off(c.use_adaptive_rx),
        on_off(c.use_adaptive_tx)
    );
    // The last block: the CQE modes, then an empty line.
    for row in &rows[..rows.len() - 1] {
        match row {
            Some((label, _, v)) => super::show_u32(out, label, *v),
            None => out.push('\n'),
        }
    }
    let _ = writeln!(
        out,
        "CQE mode RX: {}  TX: {}\n",
        on_off(c.use_cqe_mode_rx),
        on_off(c.use_cqe_mode_tx)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn set_words_parsed_and_refused_as_ethtool_does() {
        let words = w("v0 rx on tx off");
        let (dev, p) = pause_words(&words).unwrap();
        assert_eq!((dev, p.autoneg, p.rx, p.tx), ("v0", None, Some(true), Some(false)));
        let e = pause_words(&w("v0 foo on")).unwrap_err().to_string();
        assert_eq!(e, "ethtool (-A): unknown parameter 'foo'");
        let e = pause_words(&w("v0 rx yes")).unwrap_err().to_string();
        assert_eq!(e, "ethtool (-A): invalid value 'yes' for parameter 'rx'");
        let words = w("v0 rx-usecs 5 adaptive-tx on cqe-mode-rx off");
        let (_, c) = coalesce_words(&words).unwrap();
        assert_eq!(
            (c.rx_usecs, c.use_adaptive_tx, c.use_cqe_mode_rx),
            (Some(5), Some(true), Some(false))
        );
        let e = coalesce_words(&w("v0 rx-usecs x")).unwrap_err().to_string();
        assert_eq!(e, "ethtool (-C): invalid value 'x' for parameter 'rx-usecs'");
        let e = coalesce_words(&w("v0 rx-usecs")).unwrap_err().to_string();
        assert_eq!(e, "ethtool (-C): no value for parameter 'rx-usecs'");
    }
}
