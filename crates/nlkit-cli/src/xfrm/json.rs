//! `-j`: SAs, policies and events as JSON objects with plain keys (ip 6.1
//! prints no JSON for xfrm): addresses as text, the SPI in hex, names for
//! modes, directions and flags, algorithms with their keys in hex.

use super::print::{ptype_name, xfrm_proto};
use nlkit::xfrm::structs::{address, Selector, UserTmpl};
use nlkit::xfrm::*;
use serde_json::{json, Value};

fn addr(family: u16, a: &[u8; 16]) -> Value {
    address(family, a).map_or(Value::Null, |a| a.to_string().into())
}

fn algo(a: &Option<Algo>) -> Value {
    a.as_ref().map_or(Value::Null, |a| {
        let key: String = a.key.iter().map(|b| format!("{b:02x}")).collect();
        json!({"name": a.name, "key": format!("0x{key}"), "key_bits": a.key_bits, "len_bits": a.extra})
    })
}

fn selector(s: &Selector) -> Value {
    json!({
        "family": s.family,
        "src": addr(s.family, &s.saddr), "src_prefixlen": s.prefixlen_s,
        "dst": addr(s.family, &s.daddr), "dst_prefixlen": s.prefixlen_d,
        "proto": s.proto,
        "sport": u16::from_be_bytes(s.sport), "sport_mask": u16::from_be_bytes(s.sport_mask),
        "dport": u16::from_be_bytes(s.dport), "dport_mask": u16::from_be_bytes(s.dport_mask),
        "ifindex": s.ifindex,
    })
}

fn mode(m: u8) -> Value {
    ["transport", "tunnel", "ro", "in_trigger", "beet"]
        .get(usize::from(m))
        .map_or(m.into(), |n| (*n).into())
}

/// An SA.
pub fn sa(sa: &Sa) -> Value {
    let i = &sa.info;
    let names =
        ["noecn", "decap-dscp", "nopmtudisc", "wildrecv", "icmp", "af-unspec", "align4", "esn"];
    let flags: Vec<&str> = (0..8).filter(|b| i.flags & (1 << b) != 0).map(|b| names[b]).collect();
    json!({
        "src": addr(i.family, &i.saddr),
        "dst": addr(i.family, &i.id.daddr),
        "proto": xfrm_proto(i.id.proto),
        "spi": format!("0x{:08x}", u32::from_be_bytes(i.id.spi)),
        "reqid": i.reqid,
        "mode": mode(i.mode),
        "family": i.family,
        "replay_window": i.replay_window,
        "flags": flags,
        "selector": selector(&i.sel),
        "auth": algo(&sa.auth), "auth_trunc": algo(&sa.auth_trunc), "enc": algo(&sa.crypt),
        "aead": algo(&sa.aead), "comp": algo(&sa.comp),
        "mark": sa.mark.map(|m| json!({"value": m.v, "mask": m.m})),
        "if_id": sa.if_id,
        "replay": sa.replay.map(|r| json!({"seq": r.seq, "oseq": r.oseq, "bitmap": r.bitmap})),
        "replay_esn": sa.replay_esn.as_ref().map(|r| json!({
            "seq": r.seq, "oseq": r.oseq, "seq_hi": r.seq_hi, "oseq_hi": r.oseq_hi,
            "replay_window": r.replay_window, "bitmap": r.bmp,
        })),
        "encap": sa.encap.map(|e| json!({
            "type": e.encap_type, "sport": u16::from_be_bytes(e.encap_sport),
            "dport": u16::from_be_bytes(e.encap_dport), "addr": addr(i.family, &e.encap_oa),
        })),
        "lifetime": {
            "soft_byte_limit": i.lft.soft_byte_limit, "hard_byte_limit": i.lft.hard_byte_limit,
            "soft_packet_limit": i.lft.soft_packet_limit, "hard_packet_limit": i.lft.hard_packet_limit,
            "soft_add_expires_seconds": i.lft.soft_add_expires_seconds,
            "hard_add_expires_seconds": i.lft.hard_add_expires_seconds,
            "bytes": i.curlft.bytes, "packets": i.curlft.packets, "add_time": i.curlft.add_time,
        },
        "stats": {"replay_window": i.stats.replay_window, "replay": i.stats.replay, "integrity_failed": i.stats.integrity_failed},
        "unknown_attrs": sa.other.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
    })
}

fn tmpl(t: &UserTmpl) -> Value {
    json!({
        "src": addr(t.family, &t.saddr), "dst": addr(t.family, &t.id.daddr),
        "proto": xfrm_proto(t.id.proto), "spi": format!("0x{:08x}", u32::from_be_bytes(t.id.spi)),
        "reqid": t.reqid, "mode": mode(t.mode),
        "level": if t.optional == 1 { "use" } else { "required" },
    })
}

/// A policy.
pub fn policy(p: &Policy) -> Value {
    let i = &p.info;
    let dir = match i.dir {
        XFRM_POLICY_IN => "in".into(),
        XFRM_POLICY_OUT => "out".into(),
        XFRM_POLICY_FWD => "fwd".into(),
        d => Value::from(d),
    };
    json!({
        "selector": selector(&i.sel),
        "dir": dir,
        "socket": i.dir >= XFRM_POLICY_MAX,
        "action": if i.action == XFRM_POLICY_BLOCK { "block" } else { "allow" },
        "priority": i.priority,
        "index": i.index,
        "flags": i.flags,
        "ptype": ptype_name(p.policy_type()),
        "tmpls": p.tmpls.iter().map(tmpl).collect::<Vec<_>>(),
        "mark": p.mark.map(|m| json!({"value": m.v, "mask": m.m})),
        "if_id": p.if_id,
    })
}

/// An event: `{"event": NAME, ...the object}`.
pub fn event(e: &Event) -> Value {
    let (name, mut v) = match e {
        Event::NewSa(s) => ("newsa", sa(s)),
        Event::UpdSa(s) => ("updsa", sa(s)),
        Event::DelSa(s) => ("delsa", sa(s)),
        Event::ExpireSa(s, hard) => ("expire", json!({"sa": sa(s), "hard": hard})),
        Event::FlushSa(p) => ("flushsa", json!({"proto": xfrm_proto(*p)})),
        Event::NewPolicy(p) => ("newpolicy", policy(p)),
        Event::UpdPolicy(p) => ("updpolicy", policy(p)),
        Event::DelPolicy(p) => ("delpolicy", policy(p)),
        Event::ExpirePolicy(p, hard) => ("polexpire", json!({"policy": policy(p), "hard": hard})),
        Event::FlushPolicy(t) => ("flushpolicy", json!({ "ptype": t.map(ptype_name) })),
        Event::Other(t, p) => ("other", json!({"type": t, "len": p.len()})),
    };
    v["event"] = name.into();
    v
}
