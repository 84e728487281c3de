//! `ip xfrm state` and `ip xfrm policy`'s text, byte for byte (iproute2
//! 6.1's `xfrm_state_info_print`, `xfrm_policy_info_print` and
//! `xfrm_xfrma_print` in ipxfrm.c, without `-s`): one block per object,
//! `Deleted `/`Updated `/`Expired ` before an event's.

use crate::names::LinkNames;
use nlkit::xfrm::structs::{address, LifetimeCfg, LifetimeCur, Selector, UserTmpl};
use nlkit::xfrm::*;
use std::fmt::Write as _;

/// `strxf_xfrmproto`.
pub fn xfrm_proto(p: u8) -> String {
    match p {
        50 => "esp".into(),
        51 => "ah".into(),
        108 => "comp".into(),
        43 => "route2".into(),
        60 => "hao".into(),
        255 => "ipsec-any".into(),
        _ => p.to_string(),
    }
}

/// `rt_addr_n2a`: the address by family, `???` for others.
fn addr(family: u16, a: &[u8; 16]) -> String {
    address(family, a).map_or_else(|| "???".into(), |a| a.to_string())
}

/// C's `%#x`: `0` for zero.
fn hash_x(v: u32) -> String {
    if v == 0 {
        "0".into()
    } else {
        format!("{v:#x}")
    }
}

fn mode_name(m: u8) -> String {
    match m {
        XFRM_MODE_TRANSPORT => "transport".into(),
        XFRM_MODE_TUNNEL => "tunnel".into(),
        XFRM_MODE_ROUTEOPTIMIZATION => "ro".into(),
        XFRM_MODE_IN_TRIGGER => "in_trigger".into(),
        XFRM_MODE_BEET => "beet".into(),
        m => m.to_string(),
    }
}

/// How much is printed: `-s` (ip's `show_stats`), and keys hidden.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// `-s`: lifetimes, statistics, numbers in both forms.
    pub stats: bool,
    /// `nokeys`: `<<Keys hidden>>` for keys.
    pub nokeys: bool,
}

/// `xfrm_id_info_print`.
#[allow(clippy::too_many_arguments)]
fn id_info(
    s: &mut String,
    saddr: &[u8; 16],
    daddr: &[u8; 16],
    spi: u32,
    proto: u8,
    mode: u8,
    reqid: u32,
    family: u16,
    force_spi: bool,
    prefix: &str,
    title: &str,
    stats: bool,
) {
    let _ = writeln!(s, "{title}src {} dst {}", addr(family, saddr), addr(family, daddr));
    let _ = write!(s, "{prefix}\tproto {} ", xfrm_proto(proto));
    if stats || force_spi || spi != 0 {
        let _ = write!(s, "spi 0x{spi:08x}");
        if stats {
            let _ = write!(s, "({spi})");
        }
        s.push(' ');
    }
    let _ = write!(s, "reqid {reqid}");
    if stats {
        let _ = write!(s, "(0x{reqid:08x})");
    }
    let _ = writeln!(s, " mode {}", mode_name(mode));
}

/// `XFRM_FLAG_PRINT` over `names`, then what is left in hex.
fn flags(s: &mut String, mut f: u32, names: &[(u32, &str)]) {
    for (bit, name) in names {
        if f & bit != 0 {
            f &= !bit;
            s.push_str(name);
            if f != 0 {
                s.push(' ');
            }
        }
    }
    if f != 0 {
        let _ = write!(s, "{f:x}");
    }
}

/// `xfrm_selector_print`: the device by name (`ifN` when `names` has
/// none, as `ll_index_to_name`); with `-s` its uid too.
pub fn selector(
    s: &mut String,
    sel: &Selector,
    family: u16,
    prefix: &str,
    names: &LinkNames,
    stats: bool,
) {
    let f = if sel.family != 0 { sel.family } else { family };
    let _ = write!(s, "{prefix}src {}/{} ", addr(f, &sel.saddr), sel.prefixlen_s);
    let _ = write!(s, "dst {}/{} ", addr(f, &sel.daddr), sel.prefixlen_d);
    if sel.proto != 0 {
        let _ = write!(s, "proto {} ", super::words::proto_name(sel.proto));
    }
    let (sport, dport) = (u16::from_be_bytes(sel.sport), u16::from_be_bytes(sel.dport));
    let (smask, dmask) = (sel.sport_mask != [0; 2], sel.dport_mask != [0; 2]);
    match sel.proto {
        1 | 58 => {
            if smask {
                let _ = write!(s, "type {sport} ");
            }
            if dmask {
                let _ = write!(s, "code {dport} ");
            }
        }
        47 => {
            if smask || dmask {
                let _ = write!(s, "key {} ", (u32::from(sport) << 16) + u32::from(dport));
            }
        }
        135 => {
            if smask {
                let _ = write!(s, "type {sport} ");
            }
            if dmask && stats {
                // ip prints the raw big-endian field as a host number.
                let _ = write!(s, "(dport) 0x{:04x} ", u16::from_ne_bytes(sel.dport));
            }
        }
        _ => {
            if smask {
                let _ = write!(s, "sport {sport} ");
            }
            if dmask {
                let _ = write!(s, "dport {dport} ");
            }
        }
    }
    if sel.ifindex > 0 {
        let _ = write!(s, "dev {} ", names.name(sel.ifindex as u32));
    }
    if stats {
        let _ = write!(s, "uid {}", sel.user);
    }
    s.push('\n');
}

/// `__xfrm_algo_print` and the auth-trunc and AEAD forms.
fn algo(s: &mut String, name: &str, a: &Algo, style: Style) {
    let _ = write!(s, "\t{name} {} ", a.name);
    if style.nokeys {
        s.push_str("<<Keys hidden>>");
    } else if !a.key.is_empty() {
        s.push_str("0x");
        for b in &a.key {
            let _ = write!(s, "{b:02x}");
        }
        if style.stats {
            let _ = write!(s, " ({} bits)", a.key_bits);
        }
    }
    if let Some(e) = a.extra {
        let _ = write!(s, " {e}");
    }
    s.push('\n');
}

/// What `xfrm_xfrma_print` prints of an SA's or a policy's attributes.
pub struct Xfrma<'a> {
    pub mark: Option<structs::Mark>,
    pub output_mark: Option<u32>,
    pub output_mark_mask: Option<u32>,
    pub sa: Option<&'a Sa>,
    pub tmpls: &'a [UserTmpl],
    pub lastused: Option<u64>,
    pub if_id: Option<u32>,
}

fn output_mark(s: &mut String, v: u32, m: Option<u32>) {
    let _ = write!(s, "output-mark 0x{v:x}");
    if let Some(m) = m {
        let _ = write!(s, "/0x{m:x}");
    }
}

/// `xfrm_xfrma_print` with the prefix `\t`.
pub fn xfrma(s: &mut String, x: &Xfrma<'_>, family: u16, style: Style) {
    if let Some(m) = x.mark {
        let _ = write!(s, "\tmark {}/{} ", hash_x(m.v), hash_x(m.m));
        if let Some(v) = x.output_mark {
            output_mark(s, v, x.output_mark_mask);
        }
        s.push('\n');
    } else if let Some(v) = x.output_mark {
        s.push('\t');
        output_mark(s, v, x.output_mark_mask);
        s.push('\n');
    }
    if let Some(sa) = x.sa {
        if let (Some(a), None) = (&sa.auth, &sa.auth_trunc) {
            algo(s, "auth", a, style);
        }
        let rest = [
            ("auth-trunc", &sa.auth_trunc),
            ("aead", &sa.aead),
            ("enc", &sa.crypt),
            ("comp", &sa.comp),
        ];
        for (name, a) in rest {
            if let Some(a) = a {
                algo(s, name, a, style);
            }
        }
        if let Some(e) = &sa.encap {
            let t = match e.encap_type {
                1 => "espinudp-nonike".to_string(),
                2 => "espinudp".to_string(),
                7 => "espintcp".to_string(),
                t => t.to_string(),
            };
            let (sp, dp) = (u16::from_be_bytes(e.encap_sport), u16::from_be_bytes(e.encap_dport));
            let _ = writeln!(
                s,
                "\tencap type {t} sport {sp} dport {dp} addr {}",
                addr(family, &e.encap_oa)
            );
        }
    }
    for t in x.tmpls {
        let spi = u32::from_be_bytes(t.id.spi);
        id_info(
            s,
            &t.saddr,
            &t.id.daddr,
            spi,
            t.id.proto,
            t.mode,
            t.reqid,
            t.family,
            false,
            "\t",
            "\ttmpl ",
            style.stats,
        );
        if style.stats || t.optional != 0 {
            s.push_str("\t\t");
            match t.optional {
                0 => s.push_str("level required "),
                1 => s.push_str("level use "),
                o => {
                    let _ = write!(s, "level {o} ");
                }
            }
            if style.stats {
                let _ = write!(s, "share {} ", share_name(t.share));
            }
            s.push('\n');
        }
        if style.stats {
            let _ = writeln!(
                s,
                "\t\tenc-mask {:08x} auth-mask {:08x} comp-mask {:08x}",
                t.ealgos, t.aalgos, t.calgos
            );
        }
    }
    if let Some(c) = x.sa.and_then(|sa| sa.coaddr) {
        let _ = writeln!(s, "\tcoa {}", addr(family, &c));
    }
    if let Some(t) = x.lastused {
        let _ = writeln!(s, "\tlastused {}", time(t));
    }
    if let Some(sa) = x.sa {
        if let Some(r) = &sa.replay {
            let _ = writeln!(
                s,
                "\tanti-replay context: seq 0x{:x}, oseq 0x{:x}, bitmap 0x{:08x}",
                r.seq, r.oseq, r.bitmap
            );
        }
        if let Some(r) = &sa.replay_esn {
            let _ = writeln!(s, "\tanti-replay esn context:");
            let _ = writeln!(
                s,
                "\t seq-hi 0x{:x}, seq 0x{:x}, oseq-hi 0x{:x}, oseq 0x{:x}",
                r.seq_hi, r.seq, r.oseq_hi, r.oseq
            );
            let _ =
                write!(s, "\t replay_window {}, bitmap-length {}", r.replay_window, r.bmp.len());
            for (j, w) in r.bmp.iter().rev().enumerate() {
                if j % 8 == 0 {
                    s.push_str("\n\t ");
                }
                let _ = write!(s, "{w:08x} ");
            }
            s.push('\n');
        }
    }
    if let Some(id) = x.if_id {
        let _ = writeln!(s, "\tif_id {}", hash_x(id));
    }
    if let Some(p) = x.sa.and_then(|sa| sa.tfcpad) {
        let _ = writeln!(s, "\ttfcpad {p}");
    }
}

/// `strxf_time`: local time, `-` for 0.
fn time(t: u64) -> String {
    use chrono::TimeZone as _;
    match chrono::Local.timestamp_opt(t as i64, 0).single() {
        Some(d) if t != 0 => d.format("%Y-%m-%d %T").to_string(),
        _ => "-".into(),
    }
}

const STATE_FLAGS: [(u32, &str); 8] = [
    (XFRM_STATE_NOECN as u32, "noecn"),
    (XFRM_STATE_DECAP_DSCP as u32, "decap-dscp"),
    (XFRM_STATE_NOPMTUDISC as u32, "nopmtudisc"),
    (XFRM_STATE_WILDRECV as u32, "wildrecv"),
    (XFRM_STATE_ICMP as u32, "icmp"),
    (XFRM_STATE_AF_UNSPEC as u32, "af-unspec"),
    (XFRM_STATE_ALIGN4 as u32, "align4"),
    (XFRM_STATE_ESN as u32, "esn"),
];

/// `strxf_share`.
fn share_name(share: u8) -> String {
    match share {
        0 => "any".into(),
        1 => "session".into(),
        2 => "user".into(),
        3 => "unique".into(),
        n => n.to_string(),
    }
}

/// `strxf_limit`: `(INF)` for `XFRM_INF`.
fn limit(v: u64) -> String {
    match v {
        u64::MAX => "(INF)".into(),
        v => v.to_string(),
    }
}

/// `xfrm_lifetime_print` with the prefix `\t`.
fn lifetimes(s: &mut String, cfg: &LifetimeCfg, cur: &LifetimeCur) {
    let c = cfg;
    let _ = writeln!(s, "\tlifetime config:");
    let (sb, hb) = (limit(c.soft_byte_limit), limit(c.hard_byte_limit));
    let _ = writeln!(s, "\t  limit: soft {sb}(bytes), hard {hb}(bytes)");
    let (sp, hp) = (limit(c.soft_packet_limit), limit(c.hard_packet_limit));
    let _ = writeln!(s, "\t  limit: soft {sp}(packets), hard {hp}(packets)");
    let (sa, ha) = (c.soft_add_expires_seconds, c.hard_add_expires_seconds);
    let _ = writeln!(s, "\t  expire add: soft {sa}(sec), hard {ha}(sec)");
    let (su, hu) = (c.soft_use_expires_seconds, c.hard_use_expires_seconds);
    let _ = writeln!(s, "\t  expire use: soft {su}(sec), hard {hu}(sec)");
    let _ = writeln!(s, "\tlifetime current:");
    let _ = writeln!(s, "\t  {}(bytes), {}(packets)", cur.bytes, cur.packets);
    let _ = writeln!(s, "\t  add {} use {}", time(cur.add_time), time(cur.use_time));
}

/// `(0x` and a byte's bits, as `strxf_mask8`, then `)`.
fn mask8(s: &mut String, flags: u8) {
    let _ = write!(s, " (0x{flags:08b})");
}

/// `xfrm_state_info_print`, after `title` (`Deleted `, ...).
pub fn state(s: &mut String, sa: &Sa, title: &str, style: Style, names: &LinkNames) {
    let i = &sa.info;
    let ipsec = matches!(i.id.proto, 50 | 51 | 108);
    let spi = u32::from_be_bytes(i.id.spi);
    let (stats, family) = (style.stats, i.family);
    id_info(
        s,
        &i.saddr,
        &i.id.daddr,
        spi,
        i.id.proto,
        i.mode,
        i.reqid,
        family,
        ipsec,
        "",
        title,
        stats,
    );
    let _ = write!(s, "\treplay-window {} ", i.replay_window);
    if stats {
        // ip's "0x%08u": a decimal number after 0x.
        let _ = write!(s, "seq 0x{:08} ", i.seq);
    }
    if stats || i.flags != 0 {
        s.push_str("flag ");
        flags(s, i.flags.into(), &STATE_FLAGS);
    }
    if let Some(x) = sa.extra_flags.filter(|_| stats) {
        s.push_str("extra_flag ");
        flags(s, x, &[(1, "dont-encap-dscp"), (2, "oseq-may-wrap")]);
    }
    if stats {
        mask8(s, i.flags);
    }
    s.push('\n');
    let x = Xfrma {
        mark: sa.mark,
        output_mark: sa.output_mark,
        output_mark_mask: sa.output_mark_mask,
        sa: Some(sa),
        tmpls: &[],
        lastused: sa.lastused,
        if_id: sa.if_id,
    };
    xfrma(s, &x, family, style);
    if !i.sel.is_zero() {
        selector(s, &i.sel, family, "\tsel ", names, stats);
    }
    if stats {
        lifetimes(s, &i.lft, &i.curlft);
        let st = &i.stats;
        let _ = writeln!(s, "\tstats:");
        let (w, r, f) = (st.replay_window, st.replay, st.integrity_failed);
        let _ = writeln!(s, "\t  replay-window {w} replay {r} failed {f}");
    }
}

/// `xfrm_policy_info_print`, after `title`.
pub fn policy(
    s: &mut String,
    p: &Policy,
    title: &str,
    family: u16,
    style: Style,
    names: &LinkNames,
) {
    let (i, stats) = (&p.info, style.stats);
    s.push_str(title);
    selector(s, &i.sel, family, "", names, stats);
    let (mut dir, word) = (i.dir, "dir");
    let word = if dir >= XFRM_POLICY_MAX {
        dir -= XFRM_POLICY_MAX;
        "socket"
    } else {
        word
    };
    let dir = match dir {
        XFRM_POLICY_IN => "in".to_string(),
        XFRM_POLICY_OUT => "out".to_string(),
        XFRM_POLICY_FWD => "fwd".to_string(),
        d => d.to_string(),
    };
    let _ = write!(s, "\t{word} {dir} ");
    match i.action {
        XFRM_POLICY_ALLOW if stats => s.push_str("action allow "),
        XFRM_POLICY_ALLOW => {}
        XFRM_POLICY_BLOCK => s.push_str("action block "),
        a => {
            let _ = write!(s, "action {a} ");
        }
    }
    if stats {
        let _ = write!(s, "index {} ", i.index);
    }
    let _ = write!(s, "priority {} ", i.priority);
    if let Some(t) = p.ptype {
        let _ = write!(s, "ptype {} ", ptype_name(t.ptype));
    }
    if stats {
        let _ = write!(s, "share {} ", share_name(i.share));
    }
    if stats || i.flags != 0 {
        s.push_str("flag ");
        flags(
            s,
            i.flags.into(),
            &[(XFRM_POLICY_LOCALOK as u32, "localok"), (XFRM_POLICY_ICMP as u32, "icmp")],
        );
    }
    if stats {
        mask8(s, i.flags);
    }
    s.push('\n');
    if stats {
        lifetimes(s, &i.lft, &i.curlft);
    }
    let x = Xfrma {
        mark: p.mark,
        output_mark: None,
        output_mark_mask: None,
        sa: None,
        tmpls: &p.tmpls,
        lastused: p.lastused,
        if_id: p.if_id,
    };
    xfrma(s, &x, i.sel.family, Style { nokeys: false, ..style });
}

/// `strxf_ptype`.
pub fn ptype_name(t: u8) -> String {
    match t {
        XFRM_POLICY_TYPE_MAIN => "main".into(),
        XFRM_POLICY_TYPE_SUB => "sub".into(),
        t => t.to_string(),
    }
}
