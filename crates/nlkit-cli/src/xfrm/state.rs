//! The commands of `nlkit xfrm state` and `nlkit xfrm policy`: each reads
//! its words with its walk (`sa_words`, `policy_words`), resolves the
//! selector's device, then runs one `nlkit::xfrm` request. Listing dumps
//! without a payload and filters here, as ip filters.

use super::policy_words::{self as pw, PolicyShow, PolicyWords};
use super::sa_words::{self as sw, SaIdWords, SaShow, SaWords};
use super::{json, matches, print, Opts};
use crate::grammar::walk::Walk;
use crate::report::plain;
use anyhow::Result;
use nlkit::xfrm::*;
use std::io::Write as _;

fn write_out(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(out.flush()?)
}

/// Reads `words` by `walk` into a fresh `T`.
fn read<T>(walk: &Walk<T>, words: &[String], mut out: T) -> Result<T> {
    walk.run(words, &mut out)?;
    Ok(out)
}

/// A command ip has and nlkit does not (by ip's prefix rule).
fn unsupported(c: &str, object: &str) -> anyhow::Error {
    plain(format!("\"{c}\" is not supported by nlkit xfrm {object}"))
}

/// `nlkit xfrm state ...`, in `do_xfrm_state`'s order.
pub fn state(words: &[String], o: &Opts<'_>) -> Result<()> {
    let Some((cmd, rest)) = words.split_first() else { return state_show(&[], o) };
    let c = cmd.as_str();
    let modify = [("add", &sw::ADD[0]), ("update", &sw::ADD[1])];
    if let Some((name, walk)) = modify.iter().find(|(n, _)| matches(c, n)) {
        let (mut sa, dev) = read(walk, rest, SaWords::default())?.finish()?;
        sa.info.sel.ifindex = o.dev_index(dev.as_deref())?;
        let mut conn = o.conn()?;
        if *name == "add" {
            return Ok(conn.run(sa::add(sa))?);
        }
        return Ok(conn.run(sa::update(sa))?);
    }
    if matches(c, "allocspi") {
        return Err(unsupported(c, "state"));
    }
    if matches(c, "delete") {
        let key = read(&sw::GET[0], rest, SaIdWords::default())?.key()?;
        return Ok(o.conn()?.run(sa::delete(key))?);
    }
    if matches(c, "deleteall") || matches(c, "delall") {
        return Err(unsupported(c, "state"));
    }
    if matches(c, "list") || matches(c, "show") || matches(c, "lst") {
        return state_show(rest, o);
    }
    if matches(c, "get") {
        let key = read(&sw::GET[1], rest, SaIdWords::default())?.key()?;
        let got = o.conn()?.run(sa::get(key))?;
        let names = o.names_for(std::slice::from_ref(&got.info.sel))?;
        if o.json {
            return crate::kernel::print_json(
                &serde_json::Value::Array(vec![json::sa(&got)]),
                o.pretty,
            );
        }
        let mut s = String::new();
        print::state(&mut s, &got, "", o.style(false), &names);
        return write_out(&o.lines(&s));
    }
    if matches(c, "flush") {
        let proto = read(&sw::FLUSH, rest, None)?;
        return Ok(o.conn()?.run(sa::flush(proto.unwrap_or(0)))?);
    }
    if matches(c, "count") {
        return Err(unsupported(c, "state"));
    }
    Err(plain(format!("Command \"{c}\" is unknown, try \"nlkit xfrm state help\".")))
}

/// `state show [ nokeys ] [ ID ] [ mode MODE ] [ reqid REQID ] [ flag FLAGS ]`.
fn state_show(words: &[String], o: &Opts<'_>) -> Result<()> {
    let f = read(&sw::SHOW, words, SaShow::default())?;
    let id = f.id;
    let want = |sa: &Sa| {
        let i = &sa.info;
        let inside = |a: Option<(std::net::IpAddr, u8)>, bytes: &[u8; 16]| {
            a.is_none_or(|(a, len)| prefix_match(&structs::xfrm_address(&a).0, bytes, len))
        };
        inside(id.saddr, &i.saddr)
            && inside(id.daddr, &i.id.daddr)
            && id.proto.is_none_or(|p| i.id.proto == p)
            && id.spi.is_none_or(|s| i.id.spi == s.to_be_bytes())
            && f.mode.is_none_or(|m| i.mode == m)
            && f.reqid.is_none_or(|r| i.reqid == r)
            && f.flags.is_none_or(|fl| i.flags & fl != 0)
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
    let sels: Vec<_> = all.iter().map(|sa| sa.info.sel).collect();
    let names = o.names_for(&sels)?;
    let mut s = String::new();
    for sa in &all {
        let mut one = String::new();
        print::state(&mut one, sa, "", o.style(f.nokeys), &names);
        s.push_str(&o.lines(&one));
    }
    write_out(&s)
}

/// `xfrm_addr_match`: the first `bits` bits agree.
fn prefix_match(a: &[u8; 16], b: &[u8; 16], bits: u8) -> bool {
    let (bytes, rest) = (usize::from(bits / 8), bits % 8);
    a[..bytes.min(16)] == b[..bytes.min(16)]
        && (rest == 0 || bytes >= 16 || (a[bytes] ^ b[bytes]) & (0xffu8 << (8 - rest)) == 0)
}

/// `nlkit xfrm policy ...`, in `do_xfrm_policy`'s order.
pub fn policy(words: &[String], o: &Opts<'_>) -> Result<()> {
    let Some((cmd, rest)) = words.split_first() else { return policy_show(&[], o) };
    let c = cmd.as_str();
    let modify = [("add", &pw::ADD[0]), ("update", &pw::ADD[1])];
    if let Some((name, walk)) = modify.iter().find(|(n, _)| matches(c, n)) {
        let (mut p, dev) = read(walk, rest, PolicyWords::new(true))?.policy()?;
        p.info.sel.ifindex = o.dev_index(dev.as_deref())?;
        let mut conn = o.conn()?;
        if *name == "add" {
            return Ok(conn.run(policy::add(p))?);
        }
        return Ok(conn.run(policy::update(p))?);
    }
    if matches(c, "delete") {
        let (mut key, dev) = read(&pw::GET[0], rest, PolicyWords::new(false))?.key()?;
        key.sel.ifindex = o.dev_index(dev.as_deref())?;
        return Ok(o.conn()?.run(policy::delete(key))?);
    }
    if matches(c, "deleteall") || matches(c, "delall") {
        return Err(unsupported(c, "policy"));
    }
    if matches(c, "list") || matches(c, "show") || matches(c, "lst") {
        return policy_show(rest, o);
    }
    if matches(c, "get") {
        let (mut key, dev) = read(&pw::GET[1], rest, PolicyWords::new(false))?.key()?;
        key.sel.ifindex = o.dev_index(dev.as_deref())?;
        let got = o.conn()?.run(policy::get(key))?;
        if o.json {
            return crate::kernel::print_json(
                &serde_json::Value::Array(vec![json::policy(&got)]),
                o.pretty,
            );
        }
        let names = o.names_for(std::slice::from_ref(&got.info.sel))?;
        let mut s = String::new();
        print::policy(&mut s, &got, "", 0, o.style(false), &names);
        return write_out(&o.lines(&s));
    }
    if matches(c, "flush") {
        let t = read(&pw::FLUSH, rest, None)?;
        return Ok(o.conn()?.run(policy::flush(t))?);
    }
    for other in ["count", "set", "setdefault", "getdefault"] {
        if matches(c, other) {
            return Err(unsupported(c, "policy"));
        }
    }
    Err(plain(format!("Command \"{c}\" is unknown, try \"nlkit xfrm policy help\".")))
}

/// `policy show [ SELECTOR ] [ dir DIR ] [ index N ] [ ptype T ] [ action A ] [ priority N ] [ flag F ] [ nosock ]`.
fn policy_show(words: &[String], o: &Opts<'_>) -> Result<()> {
    let f = read(&pw::SHOW, words, PolicyShow::default())?;
    let mut sel = f.sel.sel;
    let dev = f.sel.dev.is_some();
    sel.ifindex = o.dev_index(f.sel.dev.as_deref())?;
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
            && (!dev || s.ifindex == sel.ifindex)
            && f.dir.is_none_or(|d| i.dir == d)
            && f.index.is_none_or(|x| i.index == x)
            && f.ptype.is_none_or(|t| p.policy_type() == t)
            && f.action.is_none_or(|a| i.action == a)
            && f.priority.is_none_or(|x| i.priority == x)
            && f.flags.is_none_or(|fl| i.flags & fl != 0)
            && !(f.nosock && i.dir >= XFRM_POLICY_MAX)
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
    let sels: Vec<_> = all.iter().map(|p| p.info.sel).collect();
    let names = o.names_for(&sels)?;
    let mut s = String::new();
    for p in &all {
        let mut one = String::new();
        print::policy(&mut one, p, "", 0, o.style(false), &names);
        s.push_str(&o.lines(&one));
    }
    write_out(&s)
}
