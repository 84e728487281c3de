//! `nlkit tcp-metrics show|delete|flush`: the kernel's per-destination TCP
//! metrics from the `tcp_metrics` generic netlink family, as iproute2
//! 6.1's `ip tcp_metrics` prints and takes them (`[address] PREFIX`,
//! `src|source PREFIX`), in text or with its `-j` keys.

use crate::grammar::walk::Walk;
use anyhow::{bail, Result};
use nlkit::genl::tcp_metrics::{self, Entry};
use nlkit::{Conn, Netns, Protocol};
use serde_json::{Map, Value};
use std::io::Write;
use std::net::IpAddr;

/// A prefix selector: address and length.
#[derive(Debug, Clone, Copy)]
struct Sel {
    addr: IpAddr,
    len: u8,
}

impl Sel {
    fn parse(word: &str) -> Result<Sel> {
        let (a, len) = match word.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (word, None),
        };
        let addr: IpAddr = a
            .parse()
            .map_err(|_| anyhow::anyhow!("any valid prefix is expected rather than \"{word}\"."))?;
        let full = if addr.is_ipv4() { 32 } else { 128 };
        let len = match len {
            Some(l) => l.parse::<u8>().ok().filter(|&l| l <= full).ok_or_else(|| {
                anyhow::anyhow!("any valid prefix is expected rather than \"{word}\".")
            })?,
            None => full,
        };
        Ok(Sel { addr, len })
    }

    fn exact(&self) -> bool {
        self.len == if self.addr.is_ipv4() { 32 } else { 128 }
    }

    fn matches(&self, a: &IpAddr) -> bool {
        let bits = |ip: &IpAddr| -> Vec<u8> {
            match ip {
                IpAddr::V4(v) => v.octets().to_vec(),
                IpAddr::V6(v) => v.octets().to_vec(),
            }
        };
        if a.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        let (x, y, n) = (bits(a), bits(&self.addr), self.len as usize);
        x[..n / 8] == y[..n / 8] && (n % 8 == 0 || (x[n / 8] ^ y[n / 8]) >> (8 - n % 8) == 0)
    }
}

/// What the words after the command select.
#[derive(Default)]
pub struct Filter {
    dst: Option<Sel>,
    src: Option<Sel>,
}

/// `tcp-metrics show|delete|flush`: the rows of
/// `grammar::tables::TCPM_SHOW`; any other word is the address.
pub static WALK: Walk<Filter> = Walk {
    name: "tcp-metrics show",
    cmd: &crate::grammar::tables::TCPM_SHOW,
    apply: &[("src", |f, v| Filter::set(&mut f.src, "src", v)), ("address", Filter::dst)],
    more: &[],
    other: Some(|f, rest| f.dst(rest.word())),
    stop: &[],
};

impl Filter {
    fn parse(words: &[String]) -> Result<Filter> {
        let mut f = Filter::default();
        WALK.run(words, &mut f)?;
        Ok(f)
    }

    fn dst(&mut self, v: &str) -> Result<()> {
        Filter::set(&mut self.dst, "address", v)
    }

    fn set(slot: &mut Option<Sel>, who: &str, v: &str) -> Result<()> {
        if slot.is_some() {
            bail!("either \"{who}\" is duplicate, or \"{v}\" is a garbage.");
        }
        *slot = Some(Sel::parse(v)?);
        Ok(())
    }

    fn matches(&self, e: &Entry) -> bool {
        self.dst.is_none_or(|s| s.matches(&e.dst))
            && self.src.is_none_or(|s| e.src.is_some_and(|a| s.matches(&a)))
    }
}

pub fn run(words: &[String], netns: Option<&str>, json: bool, family_only: u8) -> Result<()> {
    let (cmd, rest) = match words.split_first() {
        None => ("show", &[][..]),
        Some((c, rest)) => (c.as_str(), rest),
    };
    let is = |w: &str| !cmd.is_empty() && w.starts_with(cmd);
    let mut conn = match netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::GENERIC)?,
        None => Conn::open(Protocol::GENERIC)?,
    };
    let family = conn.resolve_family(tcp_metrics::FAMILY)?;
    let f = Filter::parse(rest)?;
    // An address of the other family than -4/-6 says: ip's refusal.
    for sel in [f.dst, f.src].into_iter().flatten() {
        match (family_only, sel.addr) {
            (2, IpAddr::V6(a)) => bail!("inet prefix is expected rather than \"{a}\"."),
            (10, IpAddr::V4(a)) => bail!("inet6 prefix is expected rather than \"{a}\"."),
            _ => {}
        }
    }
    let fam_ok = |a: &IpAddr| match family_only {
        2 => a.is_ipv4(),
        10 => a.is_ipv6(),
        _ => true,
    };
    // One address (and an exact source, if any) is asked for alone, as ip
    // does: the kernel refuses one it has no entry for.
    let one = f.dst.filter(Sel::exact).filter(|_| f.src.is_none_or(|s| s.exact()));
    if is("show") || is("list") || is("lst") {
        if let Some(dst) = one {
            let e = conn.run(tcp_metrics::get(&family, dst.addr, f.src.map(|s| s.addr)))?;
            return print(std::iter::once(&e).filter(|e| fam_ok(&e.dst)), json);
        }
        let entries = conn.run(tcp_metrics::entries(&family))?;
        let shown = entries.iter().filter(|e| f.matches(e) && fam_ok(&e.dst));
        return print(shown, json);
    }
    if is("delete") {
        let Some(dst) = f.dst.filter(Sel::exact) else {
            bail!("a specific IP address is expected: nlkit tcp-metrics delete ADDRESS [source ADDRESS]")
        };
        let src = f.src.map(|s| s.addr);
        conn.run(tcp_metrics::delete(&family, Some(dst.addr), src))?;
        return Ok(());
    }
    if is("flush") {
        if f.dst.is_none() && f.src.is_none() && family_only == 0 {
            // Everything: one request without an address, as ip sends it.
            conn.run(tcp_metrics::delete(&family, None, None))?;
            return Ok(());
        }
        if let Some(dst) = one {
            conn.run(tcp_metrics::delete(&family, Some(dst.addr), f.src.map(|s| s.addr)))?;
            return Ok(());
        }
        let entries = conn.run(tcp_metrics::entries(&family))?;
        for e in entries.iter().filter(|e| f.matches(e) && fam_ok(&e.dst)) {
            conn.run(tcp_metrics::delete(&family, Some(e.dst), e.src))?;
        }
        return Ok(());
    }
    bail!("Command \"{cmd}\" is unknown, try \"nlkit tcp-metrics help\".")
}

/// `%g` of C (what iproute2's JSON floats are).
fn c_g(v: f64) -> Value {
    let mut buf = Vec::new();
    crate::out::writer::push_g(&mut buf, v);
    let text = String::from_utf8(buf).unwrap_or_default();
    text.parse::<serde_json::Number>().map_or(Value::Null, Value::Number)
}

fn print<'a>(entries: impl Iterator<Item = &'a Entry>, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        let all: Vec<Value> = entries.map(|e| Value::Object(to_json(e))).collect();
        serde_json::to_writer(&mut out, &Value::Array(all))?;
        writeln!(out)?;
        return Ok(out.flush()?);
    }
    for e in entries {
        writeln!(out, "{}", to_text(e))?;
    }
    Ok(out.flush()?)
}

fn to_text(e: &Entry) -> String {
    use std::fmt::Write as _;
    let mut s = e.dst.to_string();
    if let Some(age) = e.age_ms {
        let _ = write!(s, " age {:.3}sec", age as f64 / 1000.0);
    }
    if let Some((tsval, stamp)) = e.tw_ts {
        let _ = write!(s, " tw_ts {tsval}/{stamp} ago");
    }
    for (name, v) in [("ssthresh", e.ssthresh), ("cwnd", e.cwnd), ("reordering", e.reordering)] {
        if let Some(v) = v {
            let _ = write!(s, " {name} {v}");
        }
    }
    if let Some(r) = e.rtt_us.filter(|&r| r != 0) {
        let _ = write!(s, " rtt {r}us");
    }
    if let Some(r) = e.rttvar_us.filter(|&r| r != 0) {
        let _ = write!(s, " rttvar {r}us");
    }
    if let Some(m) = e.fopen_mss {
        let _ = write!(s, " fo_mss {m}");
    }
    if let Some(d) = e.fopen_syn_drops {
        let ts = e.fopen_syn_drop_ts.unwrap_or(0) as f64 / 1_000_000.0;
        let _ = write!(s, " fo_syn_drops {d}/{ts:.3}usec ago");
    }
    if let Some(c) = &e.fopen_cookie {
        let hex: String = c.iter().take(16).map(|b| format!("{b:02x}")).collect();
        let _ = write!(s, " fo_cookie {hex}");
    }
    if let Some(src) = e.src {
        let _ = write!(s, " source {src}");
    }
    s
}

fn to_json(e: &Entry) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("dst".into(), e.dst.to_string().into());
    if let Some(age) = e.age_ms {
        m.insert("age".into(), c_g(age as f64 / 1000.0));
    }
    if let Some((tsval, stamp)) = e.tw_ts {
        m.insert("tw_ts_stamp".into(), format!("{tsval}/{stamp}").into());
    }
    for (name, v) in [("ssthresh", e.ssthresh), ("cwnd", e.cwnd), ("reordering", e.reordering)] {
        if let Some(v) = v {
            m.insert(name.into(), v.into());
        }
    }
    if let Some(r) = e.rtt_us.filter(|&r| r != 0) {
        m.insert("rtt".into(), c_g(r as f64 / 1e6));
    }
    if let Some(r) = e.rttvar_us.filter(|&r| r != 0) {
        m.insert("rttvar".into(), c_g(r as f64 / 1e6));
    }
    if let Some(v) = e.fopen_mss {
        m.insert("fopen_miss".into(), v.into());
    }
    if let Some(d) = e.fopen_syn_drops {
        m.insert("fopen_syn_drops".into(), d.into());
        let ts = e.fopen_syn_drop_ts.unwrap_or(0) as f64 / 1_000_000.0;
        m.insert("fopen_syn_drop_ts".into(), c_g(ts));
    }
    if let Some(c) = &e.fopen_cookie {
        let hex: String = c.iter().take(16).map(|b| format!("{b:02x}")).collect();
        m.insert("fo_cookie".into(), hex.into());
    }
    if let Some(src) = e.src {
        m.insert("source".into(), src.to_string().into());
    }
    m
}
