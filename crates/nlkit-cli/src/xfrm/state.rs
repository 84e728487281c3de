//! The commands of `nlkit xfrm state` and `nlkit xfrm policy`: each reads
//! its words as ip's does (`words`), then runs one `nlkit::xfrm` request.
//! Listing dumps without a payload and filters here, as ip filters.

use super::words::{self as w, Cursor, IdWords};
use super::{json, matches, print, Opts};
use crate::report::{invarg, plain};
use anyhow::{bail, Result};
use nlkit::xfrm::policy::PolicyKey;
use nlkit::xfrm::structs::{LifetimeCfg, Mark, Selector, UserpolicyType};
use nlkit::xfrm::*;
use std::io::Write as _;

fn write_out(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(out.flush()?)
}

fn num<T: TryFrom<u64>>(c: &mut Cursor<'_>, what: &str) -> Result<T> {
    let v = c.value()?;
    crate::words::number(v).ok_or_else(|| invarg(what, v))
}

/// `nlkit xfrm state ...`, in ip's command order.
pub fn state(words: &[String], o: &Opts<'_>) -> Result<()> {
    let Some((cmd, rest)) = words.split_first() else { return state_show(&[], o) };
    let c = cmd.as_str();
    if matches(c, "add") || matches(c, "update") {
        let sa = sa_words(rest)?;
        let mut conn = o.conn()?;
        if matches(c, "add") {
            return Ok(conn.run(sa::add(sa))?);
        }
        return Ok(conn.run(sa::update(sa))?);
    }
    if matches(c, "delete") || matches(c, "get") {
        let mut cur = Cursor::new(rest);
        let (mut id, mut mark) = (IdWords::default(), None);
        while let Some(word) = cur.peek() {
            if word == "mark" {
                cur.next();
                mark = Some(w::mark(&mut cur)?);
            } else if id.proto.is_none() && id.saddr.is_none() && id.daddr.is_none() {
                w::id(&mut cur, &mut id, false)?;
            } else {
                return Err(invarg("unknown", word));
            }
        }
        if id.proto.is_none() {
            return Err(plain("\"XFRM-PROTO\" argument is required."));
        }
        let key = SaKey {
            daddr: IdWords::bytes(id.daddr),
            spi: id.spi.unwrap_or(0).to_be_bytes(),
            family: id.family(),
            proto: id.proto.unwrap_or(0),
            saddr: Some(IdWords::bytes(id.saddr)),
            mark: mark.filter(|m| m.m & m.v != 0),
        };
        let mut conn = o.conn()?;
        if matches(c, "delete") {
            return Ok(conn.run(sa::delete(key))?);
        }
        let got = conn.run(sa::get(key))?;
        if o.json {
            return crate::kernel::print_json(
                &serde_json::Value::Array(vec![json::sa(&got)]),
                o.pretty,
            );
        }
        let mut s = String::new();
        print::state(&mut s, &got, "", false);
        return write_out(&s);
    }
    if matches(c, "list") || matches(c, "show") || matches(c, "lst") {
        return state_show(rest, o);
    }
    if matches(c, "flush") {
        let mut cur = Cursor::new(rest);
        let mut proto = 0;
        while let Some(word) = cur.next() {
            match word {
                "proto" => {
                    let v = cur.value()?;
                    proto = match v {
                        "esp" => 50,
                        "ah" => 51,
                        "comp" => 108,
                        "route2" => 43,
                        "hao" => 60,
                        "ipsec-any" => 255,
                        _ => return Err(invarg("XFRM-PROTO value is invalid", v)),
                    };
                }
                _ => return Err(invarg("unknown", word)),
            }
        }
        return Ok(o.conn()?.run(sa::flush(proto))?);
    }
    Err(plain(format!("Command \"{c}\" is unknown, try \"nlkit xfrm state help\".")))
}

/// `state show [ nokeys ] [ ID ] [ mode MODE ] [ reqid REQID ] [ flag FLAGS ]`.
fn state_show(words: &[String], o: &Opts<'_>) -> Result<()> {
    let mut cur = Cursor::new(words);
    let (mut id, mut nokeys, mut mode, mut reqid, mut flags) =
        (IdWords::default(), false, None, None, None);
    while let Some(word) = cur.peek() {
        match word {
            "nokeys" => {
                cur.next();
                nokeys = true;
            }
            "mode" => {
                cur.next();
                mode = Some(w::mode(cur.value()?)?);
            }
            "reqid" => {
                cur.next();
                reqid = Some(num::<u32>(&mut cur, "REQID value is invalid")?);
            }
            "flag" => {
                cur.next();
                flags = Some(w::state_flags(&mut cur)?);
            }
            "src" | "dst" | "proto" | "spi" => w::id(&mut cur, &mut id, true)?,
            _ => return Err(invarg("unknown", word)),
        }
    }
    let want = |sa: &Sa| {
        let i = &sa.info;
        let inside = |a: Option<(std::net::IpAddr, u8)>, bytes: &[u8; 16]| {
            a.is_none_or(|(a, len)| prefix_match(&structs::xfrm_address(&a).0, bytes, len))
        };
        inside(id.saddr, &i.saddr)
            && inside(id.daddr, &i.id.daddr)
            && id.proto.is_none_or(|p| i.id.proto == p)
            && id.spi.is_none_or(|s| i.id.spi == s.to_be_bytes())
            && mode.is_none_or(|m| i.mode == m)
            && reqid.is_none_or(|r| i.reqid == r)
            && flags.is_none_or(|f| i.flags & f != 0)
    };
    let mut all = Vec::new();
    o.conn()?.run(sa::dump(|sa| {
        if want(&sa) {
            all.push(sa);
        }
        Ok(())
    }))?;
    if o.json {
        return crate::kernel::print_json(
            &serde_json::Value::Array(all.iter().map(json::sa).collect()),
            o.pretty,
        );
    }
    let mut s = String::new();
    for sa in &all {
        print::state(&mut s, sa, "", nokeys);
    }
    write_out(&s)
}

/// `xfrm_addr_match`: the first `bits` bits agree.
fn prefix_match(a: &[u8; 16], b: &[u8; 16], bits: u8) -> bool {
    let (bytes, rest) = (usize::from(bits / 8), bits % 8);
    a[..bytes.min(16)] == b[..bytes.min(16)]
        && (rest == 0 || bytes >= 16 || (a[bytes] ^ b[bytes]) & (0xffu8 << (8 - rest)) == 0)
}

/// `xfrm_state_modify`'s words, into an SA.
fn sa_words(words: &[String]) -> Result<Sa> {
    let mut cur = Cursor::new(words);
    let mut sa = Sa {
        info: structs::UsersaInfo { lft: LifetimeCfg::INFINITE, ..Default::default() },
        ..Default::default()
    };
    let (mut id, mut have_id, mut window, mut seqs) = (IdWords::default(), false, 0u32, [0u32; 4]);
    let mut mark = Mark::default();
    while let Some(word) = cur.next() {
        match word {
            "mode" => sa.info.mode = w::mode(cur.value()?)?,
            "mark" => mark = w::mark(&mut cur)?,
            "reqid" => sa.info.reqid = num(&mut cur, "REQID value is invalid")?,
            "seq" => sa.info.seq = num::<u32>(&mut cur, "SEQ value is invalid")?.to_be(),
            "replay-window" => window = num(&mut cur, "value after \"replay-window\" is invalid")?,
            "replay-seq" => seqs[0] = num(&mut cur, "value after \"replay-seq\" is invalid")?,
            "replay-oseq" => seqs[1] = num(&mut cur, "value after \"replay-oseq\" is invalid")?,
            "replay-seq-hi" => seqs[2] = num(&mut cur, "value after \"replay-seq-hi\" is invalid")?,
            "replay-oseq-hi" => {
                seqs[3] = num(&mut cur, "value after \"replay-oseq-hi\" is invalid")?
            }
            "flag" => sa.info.flags = w::state_flags(&mut cur)?,
            "extra-flag" => {
                let v = cur.value()?;
                sa.extra_flags = Some(match v {
                    "dont-encap-dscp" => XFRM_SA_XFLAG_DONT_ENCAP_DSCP,
                    "oseq-may-wrap" => XFRM_SA_XFLAG_OSEQ_MAY_WRAP,
                    _ => crate::words::number(v)
                        .ok_or_else(|| invarg("\"EXTRA-FLAG\" is invalid", v))?,
                });
            }
            "sel" => w::selector(&mut cur, &mut sa.info.sel)?,
            "limit" => w::limit(&mut cur, &mut sa.info.lft)?,
            "encap" => {
                let t = match cur.value()? {
                    "espinudp-nonike" => 1,
                    "espinudp" => 2,
                    "espintcp" => 7,
                    v => return Err(invarg("ENCAP-TYPE value is invalid", v)),
                };
                let sp: u16 = num(&mut cur, "SPORT value after \"encap\" is invalid")?;
                let dp: u16 = num(&mut cur, "DPORT value after \"encap\" is invalid")?;
                let v = cur.value()?;
                let oa: std::net::IpAddr = v.parse().map_err(|_| invarg("invalid address", v))?;
                let encap_oa = structs::xfrm_address(&oa).0;
                sa.encap = Some(structs::EncapTmpl {
                    encap_type: t,
                    encap_sport: sp.to_be_bytes(),
                    encap_dport: dp.to_be_bytes(),
                    pad: [0; 2],
                    encap_oa,
                });
            }
            "output-mark" => {
                sa.output_mark = Some(num(&mut cur, "value after \"output-mark\" is invalid")?);
                if cur.peek() == Some("mask") {
                    cur.next();
                    sa.output_mark_mask = Some(num(&mut cur, "mask value is invalid\n")?);
                }
            }
            "if_id" => sa.if_id = Some(num(&mut cur, "value after \"if_id\" is invalid")?),
            "tfcpad" => {
                sa.tfcpad = Some(num::<u32>(&mut cur, "value after \"tfcpad\" is invalid")?)
                    .filter(|p| *p != 0)
            }
            "enc" | "auth" | "auth-trunc" | "aead" | "comp" => algo(&mut sa, word, &mut cur)?,
            _ if !have_id => {
                have_id = true;
                cur.at_back();
                w::id(&mut cur, &mut id, false)?;
            }
            _ => return Err(invarg("unknown", word)),
        }
    }
    if sa.info.flags & XFRM_STATE_ESN != 0 && window == 0 {
        return Err(plain("Error: esn flag set without replay-window."));
    }
    if window > XFRMA_REPLAY_ESN_MAX {
        return Err(plain(format!(
            "Error: replay-window ({window}) > XFRMA_REPLAY_ESN_MAX ({XFRMA_REPLAY_ESN_MAX})."
        )));
    }
    if sa.info.flags & XFRM_STATE_ESN != 0 || window > 32 {
        let mut esn = ReplayEsn::with_window(window);
        [esn.seq, esn.oseq, esn.seq_hi, esn.oseq_hi] = seqs;
        sa.replay_esn = Some(esn);
    } else {
        if seqs[0] != 0 || seqs[1] != 0 {
            sa.replay = Some(structs::ReplayState { seq: seqs[0], oseq: seqs[1], bitmap: 0 });
        }
        sa.info.replay_window = window as u8;
    }
    if !have_id {
        return Err(plain("Not enough information: ID is required"));
    }
    if mark.m != 0 {
        sa.mark = Some(mark);
    }
    sa.info.family = id.family();
    sa.info.saddr = IdWords::bytes(id.saddr);
    sa.info.id.daddr = IdWords::bytes(id.daddr);
    sa.info.id.proto = id.proto.unwrap_or(0);
    sa.info.id.spi = id.spi.unwrap_or(0).to_be_bytes();
    check_algos(&sa)?;
    Ok(sa)
}

/// `ALGO-TYPE NAME [KEY] [LEN]`.
fn algo(sa: &mut Sa, kind: &str, cur: &mut Cursor<'_>) -> Result<()> {
    let dup = match kind {
        "aead" => {
            sa.crypt.is_some() || sa.auth.is_some() || sa.auth_trunc.is_some() || sa.aead.is_some()
        }
        "enc" => sa.crypt.is_some() || sa.aead.is_some(),
        "auth" | "auth-trunc" => sa.auth.is_some() || sa.auth_trunc.is_some() || sa.aead.is_some(),
        _ => sa.comp.is_some(),
    };
    if dup {
        return Err(plain(format!(
            "Error: duplicate \"ALGO-TYPE\": \"{kind}\" is the second value."
        )));
    }
    let name = cur.next().ok_or_else(|| plain("\"ALGO-NAME\" argument is required."))?.to_string();
    let key = match kind {
        "comp" => Vec::new(),
        _ => w::key(cur.next().ok_or_else(|| plain("\"ALGO-KEYMAT\" argument is required."))?)?,
    };
    let extra = match kind {
        "aead" => Some(num(cur, "ALGO-ICV-LEN value is invalid")?),
        "auth-trunc" => Some(num(cur, "ALGO-TRUNC-LEN value is invalid")?),
        _ => None,
    };
    let a = Some(Algo { name, key_bits: (key.len() * 8) as u32, extra, key });
    match kind {
        "aead" => sa.aead = a,
        "enc" => sa.crypt = a,
        "auth" => sa.auth = a,
        "auth-trunc" => sa.auth_trunc = a,
        _ => sa.comp = a,
    }
    Ok(())
}

/// ip's checks of the algorithms and mode against the protocol.
fn check_algos(sa: &Sa) -> Result<()> {
    let p = print::xfrm_proto(sa.info.id.proto);
    let (e, a, c) = (
        sa.crypt.is_some() || sa.aead.is_some(),
        sa.auth.is_some() || sa.auth_trunc.is_some(),
        sa.comp.is_some(),
    );
    match sa.info.id.proto {
        50 | 51 | 108
            if !(matches!(sa.info.mode, 0 | 1) || sa.info.mode == 4 && sa.info.id.proto == 50) =>
        {
            bail!("MODE value is invalid with XFRM-PROTO value \"{p}\"")
        }
        50 | 51 | 108 => {}
        _ if e || a || c => bail!("ALGO is invalid with XFRM-PROTO value \"{p}\""),
        _ => {}
    }
    match sa.info.id.proto {
        50 if c => bail!("ALGO-TYPE value \"comp\" is invalid with XFRM-PROTO value \"{p}\""),
        50 if !e => bail!("ALGO-TYPE value \"enc\" or \"aead\" is required with XFRM-PROTO value \"{p}\""),
        51 if e || c => bail!("ALGO-TYPE values \"enc\", \"aead\", and \"comp\" are invalid with XFRM-PROTO value \"{p}\""),
        51 if !a => bail!("ALGO-TYPE value \"auth\" or \"auth-trunc\" is required with XFRM-PROTO value \"{p}\""),
        108 if e || a => bail!("ALGO-TYPE values \"enc\", \"auth\", \"auth-trunc\", and \"aead\" are invalid with XFRM-PROTO value \"{p}\""),
        108 if !c => bail!("ALGO-TYPE value \"comp\" is required with XFRM-PROTO value \"{p}\""),
        _ => Ok(()),
    }
}

/// `nlkit xfrm policy ...`, in ip's command order.
pub fn policy(words: &[String], o: &Opts<'_>) -> Result<()> {
    let Some((cmd, rest)) = words.split_first() else { return policy_show(&[], o) };
    let c = cmd.as_str();
    if matches(c, "add") || matches(c, "update") {
        let p = policy_words(rest)?;
        let mut conn = o.conn()?;
        if matches(c, "add") {
            return Ok(conn.run(policy::add(p))?);
        }
        return Ok(conn.run(policy::update(p))?);
    }
    if matches(c, "delete") || matches(c, "get") {
        let (p, has_sel, has_index) = policy_parse(rest, false)?;
        if !has_sel && !has_index {
            return Err(plain("Not enough information: either SELECTOR or INDEX is required."));
        }
        if has_sel && has_index {
            return Err(plain("Error: either \"SELECTOR\" or \"INDEX\" is required."));
        }
        let key = PolicyKey {
            sel: p.info.sel,
            index: p.info.index,
            dir: p.info.dir,
            mark: p.mark.filter(|m| m.m & m.v != 0),
            if_id: p.if_id,
            ptype: p.ptype.map(|t| t.ptype),
        };
        let mut conn = o.conn()?;
        if matches(c, "delete") {
            return Ok(conn.run(policy::delete(key))?);
        }
        let got = conn.run(policy::get(key))?;
        if o.json {
            return crate::kernel::print_json(
                &serde_json::Value::Array(vec![json::policy(&got)]),
                o.pretty,
            );
        }
        let mut s = String::new();
        print::policy(&mut s, &got, "", 0);
        return write_out(&s);
    }
    if matches(c, "list") || matches(c, "show") || matches(c, "lst") {
        return policy_show(rest, o);
    }
    if matches(c, "flush") {
        let mut cur = Cursor::new(rest);
        let mut t = None;
        while let Some(word) = cur.next() {
            match word {
                "ptype" => t = Some(w::ptype(cur.value()?)?),
                _ => return Err(invarg("unknown", word)),
            }
        }
        return Ok(o.conn()?.run(policy::flush(t))?);
    }
    Err(plain(format!("Command \"{c}\" is unknown, try \"nlkit xfrm policy help\".")))
}

/// `xfrm_policy_modify`'s words: the policy, and `DIR` required.
fn policy_words(words: &[String]) -> Result<Policy> {
    let (mut p, _, _) = policy_parse(words, true)?;
    if p.info.sel.family == 0 {
        p.info.sel.family = libc::AF_INET as u16;
    }
    Ok(p)
}

/// The words of `policy add|update|delete|get`; whether a selector and
/// an index were given.
fn policy_parse(words: &[String], modify: bool) -> Result<(Policy, bool, bool)> {
    let mut cur = Cursor::new(words);
    let mut p = Policy::default();
    p.info.lft = LifetimeCfg::INFINITE;
    let (mut dir, mut sel, mut index) = (false, false, false);
    let mut mark = Mark::default();
    while let Some(word) = cur.next() {
        match word {
            "dir" => {
                dir = true;
                p.info.dir = w::dir(cur.value()?)?;
            }
            "mark" => mark = w::mark(&mut cur)?,
            "index" => {
                index = true;
                p.info.index = num(&mut cur, "INDEX value is invalid")?;
            }
            "ptype" => {
                p.ptype =
                    Some(UserpolicyType { ptype: w::ptype(cur.value()?)?, ..Default::default() })
            }
            "if_id" => p.if_id = Some(num(&mut cur, "IF_ID value is invalid")?),
            "action" if modify => {
                p.info.action = match cur.value()? {
                    "allow" => XFRM_POLICY_ALLOW,
                    "block" => XFRM_POLICY_BLOCK,
                    v => return Err(invarg("ACTION value is invalid\n", v)),
                }
            }
            "priority" if modify => p.info.priority = num(&mut cur, "PRIORITY value is invalid")?,
            "flag" if modify => p.info.flags = w::policy_flags(&mut cur)?,
            "limit" if modify => w::limit(&mut cur, &mut p.info.lft)?,
            "tmpl" if modify => p.tmpls.push(w::tmpl(&mut cur)?),
            _ if !sel => {
                sel = true;
                cur.at_back();
                w::selector(&mut cur, &mut p.info.sel)?;
            }
            _ => return Err(invarg("unknown", word)),
        }
    }
    if !dir {
        return Err(plain("Not enough information: DIR is required."));
    }
    if modify && mark.m != 0 || !modify && mark.m & mark.v != 0 {
        p.mark = Some(mark);
    }
    if !modify && p.info.sel.family == 0 {
        p.info.sel.family = libc::AF_INET as u16;
    }
    Ok((p, sel, index))
}

/// `policy show [ dir DIR ] [ SELECTOR ] [ index N ] [ ptype T ] [ action A ] [ priority N ] [ flag F ] [ nosock ]`.
fn policy_show(words: &[String], o: &Opts<'_>) -> Result<()> {
    let mut cur = Cursor::new(words);
    let (mut dir, mut index, mut ptype, mut action, mut prio, mut flags, mut nosock) =
        (None, None, None, None, None, None, false);
    let mut sel = Selector::default();
    let mut have_sel = false;
    while let Some(word) = cur.next() {
        match word {
            "dir" => dir = Some(w::dir(cur.value()?)?),
            "index" => index = Some(num::<u32>(&mut cur, "INDEX value is invalid")?),
            "ptype" => ptype = Some(w::ptype(cur.value()?)?),
            "action" => {
                action = Some(match cur.value()? {
                    "allow" => XFRM_POLICY_ALLOW,
                    "block" => XFRM_POLICY_BLOCK,
                    v => return Err(invarg("ACTION value is invalid\n", v)),
                })
            }
            "priority" => prio = Some(num::<u32>(&mut cur, "PRIORITY value is invalid")?),
            "flag" => flags = Some(w::policy_flags(&mut cur)?),
            "nosock" => nosock = true,
            _ if !have_sel => {
                have_sel = true;
                cur.at_back();
                w::selector(&mut cur, &mut sel)?;
            }
            _ => return Err(invarg("unknown", word)),
        }
    }
    let want = |p: &Policy| {
        let i = &p.info;
        let s = &i.sel;
        (sel.family == 0 || s.family == sel.family)
            && (sel.prefixlen_s == 0
                || (s.prefixlen_s == sel.prefixlen_s
                    && prefix_match(&s.saddr, &sel.saddr, sel.prefixlen_s)))
            && (sel.prefixlen_d == 0
                || (s.prefixlen_d == sel.prefixlen_d
                    && prefix_match(&s.daddr, &sel.daddr, sel.prefixlen_d)))
            && (sel.proto == 0 || s.proto == sel.proto)
            && dir.is_none_or(|d| i.dir == d)
            && index.is_none_or(|x| i.index == x)
            && ptype.is_none_or(|t| p.policy_type() == t)
            && action.is_none_or(|a| i.action == a)
            && prio.is_none_or(|x| i.priority == x)
            && flags.is_none_or(|f| i.flags & f != 0)
            && !(nosock && i.dir >= XFRM_POLICY_MAX)
    };
    let mut all = Vec::new();
    o.conn()?.run(policy::dump(|p| {
        if want(&p) {
            all.push(p);
        }
        Ok(())
    }))?;
    if o.json {
        return crate::kernel::print_json(
            &serde_json::Value::Array(all.iter().map(json::policy).collect()),
            o.pretty,
        );
    }
    let mut s = String::new();
    for p in &all {
        print::policy(&mut s, p, "", 0);
    }
    write_out(&s)
}
