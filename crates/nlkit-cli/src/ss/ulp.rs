//! The end of `ss -i`'s line: the MD5 keys a socket holds
//! (`INET_DIAG_MD5SIG`, `struct tcp_diag_md5sig`, which the kernel sends
//! only to `CAP_NET_ADMIN`) and its upper-layer protocol
//! (`INET_DIAG_ULP_INFO`: the name, kTLS's version, cipher and
//! configurations, an MPTCP subflow's flags, tokens and sequence numbers),
//! as ss 6.1 prints them (misc/ss.c `tcp_show_info`), and as JSON.
//! Constants from the pinned `linux/tcp.h`, `inet_diag.h`, `mptcp.h` and
//! `tls.h`.
//!
//! One difference, on purpose: ss writes each key with `printf` while the
//! rest of its line still waits in its own buffer, so the keys land before
//! the table and the line says `md5keys:ADDR/LEN=` with nothing after the
//! `=`. nlkit writes each key where ss meant it, escaped as ss escapes it
//! (`print_escape_buf`: `\ooo` for what is not printable, `\`, space and
//! comma).

use nlkit::wire::Attrs;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// `sizeof(struct tcp_diag_md5sig)`: family, prefix length, key length,
/// the address (16 bytes) and the key (`TCP_MD5SIG_MAXKEYLEN`, 80).
const MD5SIG_LEN: usize = 100;
/// `INET_ULP_INFO_NAME`, `_TLS`, `_MPTCP`.
const ULP_NAME: u16 = 1;
const ULP_TLS: u16 = 2;
const ULP_MPTCP: u16 = 3;
/// `TLS_INFO_VERSION`, `_CIPHER`, `_TXCONF`, `_RXCONF`, `_ZC_RO_TX`.
const TLS_VERSION: u16 = 1;
const TLS_CIPHER: u16 = 2;
const TLS_TXCONF: u16 = 3;
const TLS_RXCONF: u16 = 4;
const TLS_ZC_RO_TX: u16 = 5;
/// `MPTCP_SUBFLOW_ATTR_*`.
const SF_TOKEN_REM: u16 = 1;
const SF_TOKEN_LOC: u16 = 2;
const SF_MAP_SEQ: u16 = 4;
const SF_MAP_SFSEQ: u16 = 5;
const SF_SSN_OFFSET: u16 = 6;
const SF_MAP_DATALEN: u16 = 7;
const SF_FLAGS: u16 = 8;
const SF_ID_REM: u16 = 9;
const SF_ID_LOC: u16 = 10;
/// `MPTCP_SUBFLOW_FLAG_*` bits 0 to 8, by ss's letters.
const SF_FLAG_LETTERS: &[u8; 9] = b"MmJjBbecv";

/// One MD5 key: the peer it is for and the key.
struct Md5<'a> {
    addr: IpAddr,
    prefix: u8,
    key: &'a [u8],
}

fn md5_keys(raw: &[u8]) -> impl Iterator<Item = Md5<'_>> {
    raw.chunks_exact(MD5SIG_LEN).map(|r| {
        let (family, prefix) = (r[0], r[1]);
        let keylen = usize::from(u16::from_ne_bytes([r[2], r[3]])).min(80);
        let a = &r[4..20];
        let addr = match i32::from(family) == libc::AF_INET6 {
            true => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(a).unwrap_or_default())),
            false => IpAddr::V4(Ipv4Addr::new(a[0], a[1], a[2], a[3])),
        };
        Md5 { addr, prefix, key: &r[20..20 + keylen] }
    })
}

/// `print_escape_buf(key, len, " ,")`.
fn escaped(key: &[u8]) -> String {
    let mut s = String::new();
    for &b in key {
        if (0x20..0x7f).contains(&b) && !b" ,\\".contains(&b) {
            s.push(char::from(b));
        } else {
            let _ = write!(s, "\\{b:03o}");
        }
    }
    s
}

fn u16_of(a: &nlkit::wire::Attr<'_>) -> Option<u16> {
    a.payload().get(..2).map(|b| u16::from_ne_bytes([b[0], b[1]]))
}

/// A u32 as ss reads one (`rta_getattr_u32`), also from a shorter
/// attribute: the kernel sends `MPTCP_SUBFLOW_ATTR_MAP_DATALEN` as a u16,
/// and ss reads its padding (zero) with it.
fn u32_of(a: &nlkit::wire::Attr<'_>) -> Option<u32> {
    let p = a.payload();
    let mut b = [0u8; 4];
    let n = p.len().min(4);
    b[..n].copy_from_slice(&p[..n]);
    (n > 0).then(|| u32::from_ne_bytes(b))
}

/// The nested attributes of `raw`, by kind (the last of a kind wins, as
/// `parse_rtattr` keeps it).
fn by_kind(raw: &[u8]) -> Vec<(u16, nlkit::wire::Attr<'_>)> {
    Attrs::new(raw).map_while(Result::ok).map(|a| (a.kind(), a)).collect()
}

fn find<'a>(attrs: &[(u16, nlkit::wire::Attr<'a>)], kind: u16) -> Option<nlkit::wire::Attr<'a>> {
    attrs.iter().rev().find(|(k, _)| *k == kind).map(|(_, a)| *a)
}

/// Appends what ss prints of `md5sig` and `ulp`.
pub fn write_text(out: &mut String, md5sig: Option<&[u8]>, ulp: Option<&[u8]>) {
    if let Some(raw) = md5sig {
        for (i, k) in md5_keys(raw).enumerate() {
            out.push_str(if i == 0 { " md5keys:" } else { "," });
            let _ = write!(out, "{}/{}={}", k.addr, k.prefix, escaped(k.key));
        }
    }
    let Some(raw) = ulp else { return };
    let u = by_kind(raw);
    if let Some(name) = find(&u, ULP_NAME).and_then(|a| a.str().ok()) {
        let _ = write!(out, " tcp-ulp-{name}");
    }
    if let Some(tls) = find(&u, ULP_TLS) {
        let t = by_kind(tls.payload());
        match find(&t, TLS_VERSION).and_then(|a| u16_of(&a)) {
            Some(0x0303) => out.push_str(" version: 1.2"),
            Some(0x0304) => out.push_str(" version: 1.3"),
            Some(v) => {
                let _ = write!(out, " version: unknown({v})");
            }
            None => {}
        }
        match find(&t, TLS_CIPHER).and_then(|a| u16_of(&a)) {
            Some(51) => out.push_str(" cipher: aes-gcm-128"),
            Some(52) => out.push_str(" cipher: aes-gcm-256"),
            _ => {}
        }
        for (name, kind) in [("rxconf", TLS_RXCONF), ("txconf", TLS_TXCONF)] {
            let Some(v) = find(&t, kind).and_then(|a| u16_of(&a)) else { continue };
            let _ = match v {
                1 => write!(out, " {name}: none"),
                2 => write!(out, " {name}: sw"),
                3 => write!(out, " {name}: hw"),
                4 => write!(out, " {name}: hw-record"),
                v => write!(out, " {name}: unknown({v})"),
            };
        }
        if find(&t, TLS_ZC_RO_TX).is_some() {
            out.push_str(" zc_ro_tx");
        }
    }
    if let Some(mptcp) = find(&u, ULP_MPTCP) {
        subflow(out, &by_kind(mptcp.payload()));
    }
}

/// `mptcp_subflow_info`.
fn subflow(out: &mut String, sf: &[(u16, nlkit::wire::Attr<'_>)]) {
    let u32_at = |kind| find(sf, kind).and_then(|a| u32_of(&a));
    if let Some(flags) = u32_at(SF_FLAGS).filter(|&f| f != 0) {
        let letters: String = (0..9)
            .filter(|i| flags & (1 << i) != 0)
            .map(|i| char::from(SF_FLAG_LETTERS[i]))
            .collect();
        let _ = write!(out, " flags:{letters}");
    }
    let id = |kind| find(sf, kind).and_then(|a| a.payload().first().copied());
    if let (Some(rem), Some(loc), Some(id_rem), Some(id_loc)) =
        (u32_at(SF_TOKEN_REM), u32_at(SF_TOKEN_LOC), id(SF_ID_REM), id(SF_ID_LOC))
    {
        let _ = write!(out, " token:{rem:04x}(id:{id_rem})/{loc:04x}(id:{id_loc})");
    }
    if let Some(seq) = find(sf, SF_MAP_SEQ).and_then(|a| {
        a.payload().get(..8).map(|b| u64::from_ne_bytes(b.try_into().unwrap_or_default()))
    }) {
        let _ = write!(out, " seq:{seq:x}");
    }
    for (name, kind) in
        [("sfseq", SF_MAP_SFSEQ), ("ssnoff", SF_SSN_OFFSET), ("maplen", SF_MAP_DATALEN)]
    {
        if let Some(v) = u32_at(kind) {
            let _ = write!(out, " {name}:{v:x}");
        }
    }
}

/// The same as JSON members: `md5keys` (address, prefix length, the key
/// as text where it is printable, and in hex) and `ulp` (its name and,
/// for kTLS and MPTCP, their numbers).
pub fn json(md5sig: Option<&[u8]>, ulp: Option<&[u8]>) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(raw) = md5sig {
        let keys: Vec<Value> = md5_keys(raw)
            .map(|k| {
                let hex: String = k.key.iter().map(|b| format!("{b:02x}")).collect();
                json!({"addr": k.addr.to_string(), "prefixlen": k.prefix,
                       "key": String::from_utf8_lossy(k.key), "key_hex": hex})
            })
            .collect();
        m.insert("md5keys".into(), keys.into());
    }
    if let Some(raw) = ulp {
        let u = by_kind(raw);
        let mut v = Map::new();
        if let Some(name) = find(&u, ULP_NAME).and_then(|a| a.str().ok()) {
            v.insert("name".into(), name.into());
        }
        if let Some(tls) = find(&u, ULP_TLS) {
            let t = by_kind(tls.payload());
            let mut tv = Map::new();
            for (key, kind) in [
                ("version", TLS_VERSION),
                ("cipher", TLS_CIPHER),
                ("txconf", TLS_TXCONF),
                ("rxconf", TLS_RXCONF),
            ] {
                if let Some(n) = find(&t, kind).and_then(|a| u16_of(&a)) {
                    tv.insert(key.into(), n.into());
                }
            }
            tv.insert("zc_ro_tx".into(), find(&t, TLS_ZC_RO_TX).is_some().into());
            v.insert("tls".into(), tv.into());
        }
        if let Some(mptcp) = find(&u, ULP_MPTCP) {
            let sf = by_kind(mptcp.payload());
            let mut sv = Map::new();
            let u32_at = |kind| find(&sf, kind).and_then(|a| u32_of(&a));
            for (key, kind) in [
                ("token_rem", SF_TOKEN_REM),
                ("token_loc", SF_TOKEN_LOC),
                ("map_sfseq", SF_MAP_SFSEQ),
                ("ssn_offset", SF_SSN_OFFSET),
                ("map_datalen", SF_MAP_DATALEN),
                ("flags", SF_FLAGS),
            ] {
                if let Some(n) = u32_at(kind) {
                    sv.insert(key.into(), n.into());
                }
            }
            for (key, kind) in [("id_rem", SF_ID_REM), ("id_loc", SF_ID_LOC)] {
                if let Some(b) = find(&sf, kind).and_then(|a| a.payload().first().copied()) {
                    sv.insert(key.into(), b.into());
                }
            }
            if let Some(a) = find(&sf, SF_MAP_SEQ) {
                if let Some(b) = a.payload().get(..8) {
                    let seq = u64::from_ne_bytes(b.try_into().unwrap_or_default());
                    sv.insert("map_seq".into(), seq.into());
                }
            }
            v.insert("mptcp".into(), sv.into());
        }
        m.insert("ulp".into(), v.into());
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The members of the enum that starts with `first`, in order (each
    /// one's value is its index: these enums set none).
    fn members(header: &str, first: &str) -> Vec<String> {
        let at = header.find(first).unwrap();
        let body = &header[at..at + header[at..].find('}').unwrap()];
        body.split(',').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect()
    }

    #[test]
    fn constants_match_the_pinned_headers() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tools/uapi/linux-6.1/linux/");
        let read = |f: &str| std::fs::read_to_string(format!("{dir}{f}")).unwrap();
        let at = |h: &str, first: &str, name: &str| {
            members(h, first).iter().position(|m| m == name).unwrap() as u16
        };
        let diag = read("inet_diag.h");
        assert_eq!(at(&diag, "INET_ULP_INFO_UNSPEC", "INET_ULP_INFO_NAME"), ULP_NAME);
        assert_eq!(at(&diag, "INET_ULP_INFO_UNSPEC", "INET_ULP_INFO_TLS"), ULP_TLS);
        assert_eq!(at(&diag, "INET_ULP_INFO_UNSPEC", "INET_ULP_INFO_MPTCP"), ULP_MPTCP);
        let tls = read("tls.h");
        for (name, v) in [
            ("TLS_INFO_VERSION", TLS_VERSION),
            ("TLS_INFO_CIPHER", TLS_CIPHER),
            ("TLS_INFO_TXCONF", TLS_TXCONF),
            ("TLS_INFO_RXCONF", TLS_RXCONF),
            ("TLS_INFO_ZC_RO_TX", TLS_ZC_RO_TX),
        ] {
            assert_eq!(at(&tls, "TLS_INFO_UNSPEC", name), v, "{name}");
        }
        let mptcp = read("mptcp.h");
        for (name, v) in [
            ("TOKEN_REM", SF_TOKEN_REM),
            ("TOKEN_LOC", SF_TOKEN_LOC),
            ("MAP_SEQ", SF_MAP_SEQ),
            ("MAP_SFSEQ", SF_MAP_SFSEQ),
            ("SSN_OFFSET", SF_SSN_OFFSET),
            ("MAP_DATALEN", SF_MAP_DATALEN),
            ("FLAGS", SF_FLAGS),
            ("ID_REM", SF_ID_REM),
            ("ID_LOC", SF_ID_LOC),
        ] {
            let name = format!("MPTCP_SUBFLOW_ATTR_{name}");
            assert_eq!(at(&mptcp, "MPTCP_SUBFLOW_ATTR_UNSPEC", &name), v, "{name}");
        }
        for (i, name) in ["MCAP_REM", "MCAP_LOC", "JOIN_REM", "JOIN_LOC", "BKUP_REM", "BKUP_LOC"]
            .iter()
            .chain(&["FULLY_ESTABLISHED", "CONNECTED", "MAPVALID"])
            .enumerate()
        {
            let line = format!("MPTCP_SUBFLOW_FLAG_{name}");
            assert!(mptcp
                .lines()
                .any(|l| l.contains(&line) && l.contains(&format!("_BITUL({i})"))));
        }
        assert!(read("tcp.h").contains("#define TCP_MD5SIG_MAXKEYLEN\t80"));
        for (name, v) in [("TLS_CONF_BASE", 1), ("TLS_CONF_SW", 2), ("TLS_CONF_HW", 3)] {
            assert!(tls.contains(&format!("#define {name} {v}")), "{name}");
        }
    }

    fn attr(kind: u16, payload: &[u8]) -> Vec<u8> {
        let mut a = ((4 + payload.len()) as u16).to_ne_bytes().to_vec();
        a.extend_from_slice(&kind.to_ne_bytes());
        a.extend_from_slice(payload);
        a.resize(a.len().next_multiple_of(4), 0);
        a
    }

    #[test]
    fn ktls_reads_as_ss_prints_it() {
        let tls = [
            attr(TLS_VERSION, &0x0304u16.to_ne_bytes()),
            attr(TLS_CIPHER, &52u16.to_ne_bytes()),
            attr(TLS_TXCONF, &3u16.to_ne_bytes()),
            attr(TLS_RXCONF, &2u16.to_ne_bytes()),
            attr(TLS_ZC_RO_TX, &[]),
        ]
        .concat();
        let ulp = [attr(ULP_NAME, b"tls\0"), attr(ULP_TLS | 0x8000, &tls)].concat();
        let mut out = String::new();
        write_text(&mut out, None, Some(&ulp));
        assert_eq!(
            out,
            " tcp-ulp-tls version: 1.3 cipher: aes-gcm-256 rxconf: sw txconf: hw zc_ro_tx"
        );
        let j = json(None, Some(&ulp));
        assert_eq!(j["ulp"]["tls"]["version"], 0x0304);
        assert_eq!(j["ulp"]["name"], "tls");
    }

    #[test]
    fn keys_are_escaped_as_ss_escapes_them() {
        let mut rec = vec![libc::AF_INET as u8, 32];
        rec.extend_from_slice(&9u16.to_ne_bytes());
        rec.extend_from_slice(&[127, 0, 0, 1]);
        rec.resize(20, 0);
        rec.extend_from_slice(b"sec ret,\x01");
        rec.resize(MD5SIG_LEN, 0);
        let mut out = String::new();
        write_text(&mut out, Some(&rec), None);
        assert_eq!(out, " md5keys:127.0.0.1/32=sec\\040ret\\054\\001");
        assert_eq!(json(Some(&rec), None)["md5keys"][0]["key_hex"], "736563207265742c01");
    }
}
