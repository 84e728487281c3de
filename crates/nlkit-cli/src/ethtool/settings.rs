//! `nlkit ethtool DEV`: ethtool 6.1's default view (`nl_gset`,
//! netlink/settings.c): link modes, link info, Wake-on-LAN, message level
//! and link state, each from its own request; a request the device does
//! not support (`EOPNOTSUPP`) is left out silently, any other refusal is
//! said on stderr and the rest goes on; nothing at all is `No data
//! available` (status 75). `-j`: one object with the rows' values.

use super::netlink_error;
use crate::report::{note, Status};
use anyhow::Result;
use nlkit::genl::ethtool::{self, Bits, LinkInfo, LinkModes, LinkState, Wol};
use nlkit::genl::Family;
use nlkit::Conn;
use serde_json::{Map, Value};
use std::fmt::Write as _;

/// ethtool's class of a link mode bit (`link_modes[]`, settings.c): what
/// each line of the view lists. The indices are `ETHTOOL_LINK_MODE_*_BIT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Real,
    Autoneg,
    Port,
    Pause,
    Fec,
}

fn class(idx: u32) -> Class {
    match idx {
        6 => Class::Autoneg,
        7..=11 | 16 => Class::Port,
        13 | 14 => Class::Pause,
        49..=51 | 74 => Class::Fec,
        _ => Class::Real,
    }
}

/// The half-duplex modes (10baseT, 100baseT, 1000baseT, 100baseFX), after
/// which ethtool puts the full-duplex one on the same line.
fn half(idx: u32) -> bool {
    matches!(idx, 0 | 2 | 4 | 90)
}

/// ethtool's `dump_link_modes`: `before`, the names of class `class`
/// (separated by `between`, or a new indented line), `if_none`, `after`.
fn link_modes(
    out: &mut String,
    set: &Bits,
    mask: bool,
    class_: Class,
    (before, between, after, if_none): (&str, Option<&str>, &str, Option<&str>),
) -> Vec<String> {
    let _ = write!(out, "\t{before}");
    let mut prev: Option<u32> = None;
    let mut names = Vec::new();
    for bit in set.listed(mask).filter(|b| class(b.index) == class_) {
        if let Some(p) = prev {
            if class_ == Class::Real && bit.index == p.wrapping_add(1) && half(p) {
                out.push(' ');
            } else if let Some(b) = between {
                let _ = write!(out, "\t{b}");
            } else {
                let _ = write!(out, "\n\t{:1$}", "", before.len());
            }
        }
        let name = if bit.name.is_empty() { format!("BIT{}", bit.index) } else { bit.name.clone() };
        out.push_str(&name);
        names.push(name);
        prev = Some(bit.index);
    }
    if let (None, Some(none)) = (prev, if_none) {
        out.push_str(none);
    }
    out.push_str(after);
    names
}

/// ethtool's `dump_pause`.
fn pause_use(out: &mut String, set: &Bits, mask: bool, label: &str) -> &'static str {
    let pause = set.get(ethtool::settings::LINK_MODE_PAUSE, mask);
    let asym = set.get(ethtool::settings::LINK_MODE_ASYM_PAUSE, mask);
    let text = match (pause, asym) {
        (true, true) => "Symmetric Receive-only",
        (true, false) => "Symmetric",
        (false, true) => "Transmit-only",
        (false, false) => "No",
    };
    let _ = writeln!(out, "\t{label}{text}");
    text
}

fn yes(b: bool) -> &'static str {
    if b {
        "Yes"
    } else {
        "No"
    }
}

/// The view's text and its JSON object, built together.
struct View {
    text: String,
    json: Map<String, Value>,
}

impl View {
    fn put(&mut self, key: &str, v: impl Into<Value>) {
        self.json.insert(key.into(), v.into());
    }

    /// ethtool's `print_enum`: `\tLABEL: NAME` or `Unknown! (N)`.
    fn named(&mut self, label: &str, key: &str, val: u8, names: &[(u8, &str)]) {
        match names.iter().find(|(v, _)| *v == val) {
            Some((_, n)) => {
                let _ = writeln!(self.text, "\t{label}: {n}");
                self.put(key, *n);
            }
            None => {
                let _ = writeln!(self.text, "\t{label}: Unknown! ({val})");
                self.put(key, val);
            }
        }
    }

    fn our_modes(&mut self, set: &Bits) {
        let t = &mut self.text;
        let ports =
            link_modes(t, set, true, Class::Port, ("Supported ports: [ ", Some(" "), " ]\n", None));
        let none = Some("Not reported");
        let sup =
            link_modes(t, set, true, Class::Real, ("Supported link modes:   ", None, "\n", none));
        let sup_pause = pause_use(t, set, true, "Supported pause frame use: ");
        let sup_an = set.get(ethtool::settings::LINK_MODE_AUTONEG, true);
        let _ = writeln!(t, "\tSupports auto-negotiation: {}", yes(sup_an));
        let sup_fec =
            link_modes(t, set, true, Class::Fec, ("Supported FEC modes: ", Some(" "), "\n", none));
        let adv =
            link_modes(t, set, false, Class::Real, ("Advertised link modes:  ", None, "\n", none));
        let adv_pause = pause_use(t, set, false, "Advertised pause frame use: ");
        let adv_an = set.get(ethtool::settings::LINK_MODE_AUTONEG, false);
        let _ = writeln!(t, "\tAdvertised auto-negotiation: {}", yes(adv_an));
        let adv_fec = link_modes(
            t,
            set,
            false,
            Class::Fec,
            ("Advertised FEC modes: ", Some(" "), "\n", none),
        );
        self.put("supported-ports", ports);
        self.put("supported-link-modes", sup);
        self.put("supported-pause-frame-use", sup_pause);
        self.put("supports-auto-negotiation", sup_an);
        self.put("supported-fec-modes", sup_fec);
        self.put("advertised-link-modes", adv);
        self.put("advertised-pause-frame-use", adv_pause);
        self.put("advertised-auto-negotiation", adv_an);
        self.put("advertised-fec-modes", adv_fec);
    }

    fn peer_modes(&mut self, set: &Bits) {
        let t = &mut self.text;
        let none = Some("Not reported");
        let modes = ("Link partner advertised link modes:  ", None, "\n", none);
        let adv = link_modes(t, set, false, Class::Real, modes);
        let pause = pause_use(t, set, false, "Link partner advertised pause frame use: ");
        let an = set.get(ethtool::settings::LINK_MODE_AUTONEG, false);
        let _ = writeln!(t, "\tLink partner advertised auto-negotiation: {}", yes(an));
        let fec = ("Link partner advertised FEC modes: ", Some(" "), "\n", none);
        let fec = link_modes(t, set, false, Class::Fec, fec);
        self.put("link-partner-advertised-link-modes", adv);
        self.put("link-partner-advertised-pause-frame-use", pause);
        self.put("link-partner-advertised-auto-negotiation", an);
        self.put("link-partner-advertised-fec-modes", fec);
    }

    /// `linkmodes_reply_cb`.
    fn modes(&mut self, m: &LinkModes) {
        if let Some(ours) = &m.ours {
            self.our_modes(ours);
        }
        if let Some(peer) = &m.peer {
            self.peer_modes(peer);
        }
        if let Some(speed) = m.speed {
            if speed == 0 || speed == u16::MAX as u32 || speed == u32::MAX {
                self.text.push_str("\tSpeed: Unknown!\n");
                self.put("speed", Value::Null);
            } else {
                let _ = writeln!(self.text, "\tSpeed: {speed}Mb/s");
                self.put("speed", speed);
            }
        }
        if let Some(lanes) = m.lanes {
            let _ = writeln!(self.text, "\tLanes: {lanes}");
            self.put("lanes", lanes);
        }
        if let Some(d) = m.duplex {
            self.named("Duplex", "duplex", d, &[(0, "Half"), (1, "Full")]);
        }
        if let Some(an) = m.autoneg {
            let on = an != 0;
            let _ = writeln!(self.text, "\tAuto-negotiation: {}", if on { "on" } else { "off" });
            self.put("auto-negotiation", on);
        }
        // MASTER_SLAVE_CFG_* and MASTER_SLAVE_STATE_* (<linux/ethtool.h>).
        if let Some(v) = m.master_slave_cfg {
            let names = [
                (1, "unknown"),
                (2, "preferred master"),
                (3, "preferred slave"),
                (4, "forced master"),
                (5, "forced slave"),
            ];
            self.named("master-slave cfg", "master-slave-cfg", v, &names);
        }
        if let Some(v) = m.master_slave_state {
            let names = [(1, "unknown"), (2, "master"), (3, "slave"), (4, "resolution error")];
            self.named("master-slave status", "master-slave-status", v, &names);
        }
    }

    /// `linkinfo_reply_cb`: `PORT_*`, `XCVR_*`, `ETH_TP_MDI*`.
    fn info(&mut self, i: &LinkInfo) {
        if let Some(p) = i.port {
            let names = [
                (0, "Twisted Pair"),
                (1, "AUI"),
                (4, "BNC"),
                (2, "MII"),
                (3, "FIBRE"),
                (5, "Direct Attach Copper"),
                (0xef, "None"),
                (0xff, "Other"),
            ];
            self.named("Port", "port", p, &names);
        }
        if let Some(a) = i.phyaddr {
            let _ = writeln!(self.text, "\tPHYAD: {a}");
            self.put("phyad", a);
        }
        if let Some(t) = i.transceiver {
            self.named("Transceiver", "transceiver", t, &[(0, "internal"), (1, "external")]);
        }
        if let (Some(mdix), Some(ctrl), Some(0)) = (i.tp_mdix, i.tp_mdix_ctrl, i.port) {
            let text = match (ctrl, mdix) {
                (1, _) => "off (forced)".to_string(),
                (2, _) => "on (forced)".to_string(),
                (_, m) => {
                    let s = match m {
                        1 => "off",
                        2 => "on",
                        _ => "Unknown",
                    };
                    format!("{s}{}", if ctrl == 3 { " (auto)" } else { "" })
                }
            };
            let _ = writeln!(self.text, "\tMDI-X: {text}");
            self.put("mdi-x", text);
        }
    }

    /// `wol_reply_cb` and `dump_wol` (common.c): `WAKE_*` bit `i` is `1 << i`.
    fn wol(&mut self, w: &Wol) {
        let (mut supported, mut wolopts) = (0u32, 0u32);
        for b in w.modes.bits.iter().filter(|b| b.index < 32) {
            supported |= 1 << b.index;
            if b.value {
                wolopts |= 1 << b.index;
            }
        }
        let letters = |opts: u32| -> String {
            if opts == 0 {
                return "d".into();
            }
            "pumbagsf"
                .chars()
                .enumerate()
                .filter(|(i, _)| opts & (1 << i) != 0)
                .map(|(_, c)| c)
                .collect()
        };
        let _ = writeln!(self.text, "\tSupports Wake-on: {}", letters(supported));
        let _ = writeln!(self.text, "\tWake-on: {}", letters(wolopts));
        self.put("supports-wake-on", letters(supported));
        self.put("wake-on", letters(wolopts));
        // WAKE_MAGICSECURE: the password's six bytes (SOPASS_MAX).
        if supported & (1 << 6) != 0 {
            let mut pass = [0u8; 6];
            if let Some(p) = w.sopass.as_deref().filter(|p| p.len() == 6) {
                pass.copy_from_slice(p);
            }
            let hex: Vec<String> = pass.iter().map(|b| format!("{b:02x}")).collect();
            let _ = writeln!(self.text, "        SecureOn password: {}", hex.join(":"));
            self.put("secureon-password", hex.join(":"));
        }
    }

    /// `debug_reply_cb`.
    fn debug(&mut self, mask: &Bits) {
        let level = mask
            .bits
            .iter()
            .filter(|b| b.index < 32 && b.value)
            .fold(0u32, |m, b| m | 1 << b.index);
        let _ = write!(
            self.text,
            "        Current message level: 0x{level:08x} ({level})\n                              "
        );
        let names: Vec<&str> =
            mask.bits.iter().filter(|b| b.value).map(|b| b.name.as_str()).collect();
        for n in &names {
            let _ = write!(self.text, " {n}");
        }
        self.text.push('\n');
        self.put("current-message-level", level);
        self.put("message-level-names", names);
    }

    /// `linkstate_reply_cb` (ethtool 6.1 has no `Link Down Events`).
    fn state(&mut self, s: &LinkState) {
        if let Some(link) = s.link {
            let _ = write!(self.text, "\tLink detected: {}", if link { "yes" } else { "no" });
            if let Some(st) = s.ext_state {
                let (state, sub) = ext_state_names(st, s.ext_substate);
                let _ = write!(self.text, " ({state}");
                if let Some(sub) = &sub {
                    let _ = write!(self.text, ", {sub}");
                }
                self.text.push(')');
                self.put("link-ext-state", state);
                if let Some(sub) = sub {
                    self.put("link-ext-substate", sub);
                }
            }
            self.text.push('\n');
            self.put("link-detected", link);
        }
        if let Some(sqi) = s.sqi {
            let _ = write!(self.text, "\tSQI: {sqi}");
            match s.sqi_max {
                Some(max) => {
                    let _ = writeln!(self.text, "/{max}");
                }
                None => self.text.push('\n'),
            }
            self.put("sqi", sqi);
            self.put("sqi-max", s.sqi_max);
        }
    }
}

/// `ETHTOOL_LINK_EXT_STATE_*` and its substate as ethtool names them (a
/// number when it has no name).
fn ext_state_names(state: u8, sub: Option<u8>) -> (String, Option<String>) {
    const STATES: [&str; 11] = [
        "Autoneg",
        "Link training failure",
        "Logical mismatch",
        "Bad signal integrity",
        "No cable",
        "Cable issue",
        "EEPROM issue",
        "Calibration failure",
        "Power budget exceeded",
        "Overheat",
        "Module",
    ];
    // Substates count from 1, per state (`enum ethtool_link_ext_substate_*`).
    let subs: &[&str] = match state {
        0 => &[
            "No partner detected",
            "Ack not received",
            "Next page exchange failed",
            "No partner detected during force mode",
            "FEC mismatch during override",
            "No HCD",
        ],
        1 => &[
            "KR frame lock not acquired",
            "KR link inhibit timeout",
            "KR Link partner did not set receiver ready",
            "Remote side is not ready yet",
        ],
        2 => &[
            "PCS did not acquire block lock",
            "PCS did not acquire AM lock",
            "PCS did not get align_status",
            "FC FEC is not locked",
            "RS FEC is not locked",
        ],
        3 => &[
            "Large number of physical errors",
            "Unsupported rate",
            "Serdes reference clock lost",
            "Serdes ALOS",
        ],
        5 => &["Unsupported cable", "Cable test failure"],
        10 => &["CMIS module is not in ModuleReady state"],
        _ => &[],
    };
    let name = STATES.get(state as usize).map_or_else(|| state.to_string(), |s| s.to_string());
    let sub = sub.map(|s| {
        (s as usize)
            .checked_sub(1)
            .and_then(|i| subs.get(i))
            .map_or_else(|| s.to_string(), |n| n.to_string())
    });
    (name, sub)
}

/// Runs one request of the view: its answer, or `None` after saying a
/// refusal other than `EOPNOTSUPP` on stderr.
fn part<T>(r: std::result::Result<T, nlkit::Error>) -> Option<T> {
    match r {
        Ok(v) => Some(v),
        Err(nlkit::Error::Kernel(k)) if k.errno == libc::EOPNOTSUPP => None,
        Err(e) => {
            note!("{}", netlink_error(e));
            None
        }
    }
}

/// The default view of `dev`.
pub(super) fn show(
    conn: &mut Conn,
    family: &Family,
    dev: &str,
    json: bool,
    out: &mut String,
) -> Result<()> {
    let mut v = View { text: String::new(), json: Map::new() };
    let mut any = false;
    if let Some(m) = part(conn.run(ethtool::link_modes(family, dev, 0))) {
        v.modes(&m);
        any = true;
    }
    if let Some(i) = part(conn.run(ethtool::link_info(family, dev))) {
        v.info(&i);
        any = true;
    }
    if let Some(w) = part(conn.run(ethtool::wol(family, dev))) {
        v.wol(&w);
        any = true;
    }
    if let Some(Some(d)) = part(conn.run(ethtool::debug(family, dev))) {
        v.debug(&d);
        any = true;
    }
    if let Some(s) = part(conn.run(ethtool::link_state(family, dev))) {
        v.state(&s);
        any = s.link.is_some() || s.sqi.is_some() || any;
    }
    if !any {
        if !json {
            out.push_str("No data available\n");
        }
        return Err(Status { text: String::new(), code: 75 }.into());
    }
    if json {
        let mut m = Map::new();
        m.insert("ifname".into(), dev.into());
        m.extend(v.json);
        *out = Value::Array(vec![Value::Object(m)]).to_string();
    } else {
        let _ = writeln!(out, "Settings for {dev}:");
        out.push_str(&v.text);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use nlkit::genl::ethtool::Bit;

    fn bits(list: &[(u32, &str, bool)]) -> Bits {
        let bits = list
            .iter()
            .map(|&(index, name, value)| Bit { index, name: name.into(), value })
            .collect();
        Bits { nomask: false, bits }
    }

    #[test]
    fn link_modes_as_ethtool_lays_them_out() {
        let set = bits(&[
            (0, "10baseT/Half", true),
            (1, "10baseT/Full", true),
            (5, "1000baseT/Full", false),
            (6, "Autoneg", true),
            (7, "TP", true),
            (9, "MII", true),
            (13, "Pause", true),
            (14, "Asym_Pause", false),
        ]);
        let mut v = View { text: String::new(), json: Map::new() };
        v.our_modes(&set);
        let want = "\tSupported ports: [ TP\t MII ]\n\
                    \tSupported link modes:   10baseT/Half 10baseT/Full\n\
                    \t                        1000baseT/Full\n\
                    \tSupported pause frame use: Symmetric Receive-only\n\
                    \tSupports auto-negotiation: Yes\n\
                    \tSupported FEC modes: Not reported\n\
                    \tAdvertised link modes:  10baseT/Half 10baseT/Full\n\
                    \tAdvertised pause frame use: Symmetric\n\
                    \tAdvertised auto-negotiation: Yes\n\
                    \tAdvertised FEC modes: Not reported\n";
        assert_eq!(v.text, want);
        assert_eq!(v.json["supported-ports"], serde_json::json!(["TP", "MII"]));
    }

    #[test]
    fn wol_letters_and_unknown_states() {
        let mut v = View { text: String::new(), json: Map::new() };
        v.wol(&Wol { modes: bits(&[(0, "phy", false), (5, "magic", true)]), sopass: None });
        assert_eq!(v.text, "\tSupports Wake-on: pg\n\tWake-on: g\n");
        assert_eq!(
            ext_state_names(0, Some(1)),
            ("Autoneg".into(), Some("No partner detected".into()))
        );
        assert_eq!(ext_state_names(42, Some(9)), ("42".into(), Some("9".into())));
    }
}
