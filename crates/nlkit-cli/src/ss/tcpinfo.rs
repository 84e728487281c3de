//! `ss -i`: a TCP socket's `tcp_info` and congestion-control records as
//! ss 6.1 prints them (misc/ss.c `tcp_show_info` and `tcp_stats_print`:
//! the same fields, in the same order, under the same conditions, numbers
//! through C's `%g`, rates through its `sprint_bw`), and as JSON (every
//! field of the struct, by its name without `tcpi_`).
//! MD5 keys and the upper-layer protocol, which end the line, are
//! `ulp`'s.

use nlkit::diag::tcp_info::*;
use nlkit::proto::FixedStruct;
use serde_json::{json, Map, Value};
use std::fmt::Write as _;

/// The attributes `-i` reads, as the dump gave them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Info<'a> {
    /// `INET_DIAG_INFO`.
    pub info: Option<&'a [u8]>,
    /// `INET_DIAG_CONG`.
    pub cong: Option<&'a str>,
    /// `INET_DIAG_VEGASINFO`, `INET_DIAG_DCTCPINFO`, `INET_DIAG_BBRINFO`.
    pub vegas: Option<&'a [u8]>,
    pub dctcp: Option<&'a [u8]>,
    pub bbr: Option<&'a [u8]>,
    /// `INET_DIAG_MD5SIG` and `INET_DIAG_ULP_INFO` (see `ulp`).
    pub md5sig: Option<&'a [u8]>,
    pub ulp: Option<&'a [u8]>,
}

/// A fixed struct from an attribute's payload, zero-filled when short (as
/// ss copies it).
fn padded<T: FixedStruct + Default>(p: &[u8]) -> T {
    let mut b = vec![0u8; T::LEN];
    let n = p.len().min(T::LEN);
    b[..n].copy_from_slice(&p[..n]);
    T::read(&b).unwrap_or_default()
}

/// C's `%.<prec>g`: `prec` significant digits, trailing zeros dropped,
/// the exponent form below 1e-4 and from 10^prec.
pub fn g(x: f64, prec: usize) -> String {
    let prec = prec.max(1);
    if x == 0.0 || !x.is_finite() {
        return if x == 0.0 { "0".into() } else { format!("{x}") };
    }
    let sci = format!("{:.*e}", prec - 1, x);
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if exp < -4 || exp >= prec as i32 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim(mant), exp.unsigned_abs())
    } else {
        trim(&format!("{:.*}", (prec as i32 - 1 - exp) as usize, x))
    }
}

/// ss's `sprint_bw`: bits per second, with a unit unless `numeric`.
fn bw(x: f64, numeric: bool) -> String {
    if numeric {
        return format!("{x:.0}");
    }
    for (scale, unit) in [(1e12, 'T'), (1e9, 'G'), (1e6, 'M'), (1e3, 'k')] {
        if x >= scale {
            return format!("{}{unit}", g(x / scale, 3));
        }
    }
    g(x, 6)
}

/// Appends ss's `tcp_stats_print` for a socket's `-i` attributes:
/// `listen` for a listener (ss leaves its `sacked`, the backlog, out),
/// `options` for -o (the negotiated options first), `numeric` for -n.
pub fn write_text(out: &mut String, x: &Info<'_>, listen: bool, options: bool, numeric: bool) {
    let Some(raw) = x.info else { return };
    let t = TcpInfo::read_padded(raw);
    let ms = |us: u32| f64::from(us) / 1000.0;
    if options {
        for (opt, name) in [
            (TCPI_OPT_TIMESTAMPS, " ts"),
            (TCPI_OPT_SACK, " sack"),
            (TCPI_OPT_ECN, " ecn"),
            (TCPI_OPT_ECN_SEEN, " ecnseen"),
            (TCPI_OPT_SYN_DATA, " fastopen"),
        ] {
            if t.has(opt) {
                out.push_str(name);
            }
        }
    }
    // ss copies the name into 16 bytes.
    if let Some(c) = x.cong.filter(|c| !c.is_empty()) {
        let end = (0..=c.len().min(15)).rev().find(|&i| c.is_char_boundary(i)).unwrap_or(0);
        let _ = write!(out, " {}", &c[..end]);
    }
    if t.has(TCPI_OPT_WSCALE) {
        let _ = write!(out, " wscale:{},{}", t.snd_wscale(), t.rcv_wscale());
    }
    if t.rto != 0 && t.rto != 3_000_000 {
        let _ = write!(out, " rto:{}", g(ms(t.rto), 6));
    }
    if t.backoff != 0 {
        let _ = write!(out, " backoff:{}", t.backoff);
    }
    if t.rtt != 0 {
        let _ = write!(out, " rtt:{}/{}", g(ms(t.rtt), 6), g(ms(t.rttvar), 6));
    }
    if t.ato != 0 {
        let _ = write!(out, " ato:{}", g(ms(t.ato), 6));
    }
    // ss prints these as C ints.
    let int = |v: u32| v as i32;
    for (v, name, signed) in [
        (t.snd_mss, "mss", true),
        (t.pmtu, "pmtu", false),
        (t.rcv_mss, "rcvmss", true),
        (t.advmss, "advmss", true),
        (t.snd_cwnd, "cwnd", false),
    ] {
        if v != 0 {
            match signed {
                true => write!(out, " {name}:{}", int(v)),
                false => write!(out, " {name}:{v}"),
            }
            .unwrap_or(());
        }
    }
    if t.snd_ssthresh < 0xffff && t.snd_ssthresh != 0 {
        let _ = write!(out, " ssthresh:{}", t.snd_ssthresh);
    }
    for (v, name) in [
        (t.bytes_sent, "bytes_sent"),
        (t.bytes_retrans, "bytes_retrans"),
        (t.bytes_acked, "bytes_acked"),
        (t.bytes_received, "bytes_received"),
        (t.segs_out.into(), "segs_out"),
        (t.segs_in.into(), "segs_in"),
        (t.data_segs_out.into(), "data_segs_out"),
        (t.data_segs_in.into(), "data_segs_in"),
    ] {
        if v != 0 {
            let _ = write!(out, " {name}:{v}");
        }
    }
    if let Some(d) = x.dctcp.map(padded::<DctcpInfo>) {
        if d.enabled != 0 {
            let _ = write!(
                out,
                " dctcp:(ce_state:{},alpha:{},ab_ecn:{},ab_tot:{})",
                d.ce_state, d.alpha, d.ab_ecn, d.ab_tot
            );
        } else {
            out.push_str(" dctcp:fallback_mode");
        }
    }
    if let Some(b) = x.bbr.map(padded::<BbrInfo>) {
        let _ = write!(
            out,
            " bbr:(bw:{}bps,mrtt:{}",
            bw(b.bw() as f64 * 8.0, numeric),
            g(f64::from(b.min_rtt) / 1000.0, 6)
        );
        if b.pacing_gain != 0 {
            let _ = write!(out, ",pacing_gain:{}", g(f64::from(b.pacing_gain) / 256.0, 6));
        }
        if b.cwnd_gain != 0 {
            let _ = write!(out, ",cwnd_gain:{}", g(f64::from(b.cwnd_gain) / 256.0, 6));
        }
        out.push(')');
    }
    // The send rate: cwnd * mss over the RTT (Vegas's own where it has one).
    let mut rtt = f64::from(t.rtt);
    if let Some(v) = x.vegas.map(padded::<VegasInfo>) {
        if v.enabled != 0 && v.rtt != 0 && v.rtt != 0x7fff_ffff {
            rtt = f64::from(v.rtt);
        }
    }
    if rtt > 0.0 && t.snd_mss != 0 && t.snd_cwnd != 0 {
        let send = f64::from(t.snd_cwnd) * f64::from(t.snd_mss) * 8_000_000.0 / rtt;
        let _ = write!(out, " send {}bps", bw(send, numeric));
    }
    for (v, name) in
        [(t.last_data_sent, "lastsnd"), (t.last_data_recv, "lastrcv"), (t.last_ack_recv, "lastack")]
    {
        if v != 0 {
            let _ = write!(out, " {name}:{v}");
        }
    }
    if t.pacing_rate != 0 && t.pacing_rate != u64::MAX {
        let _ = write!(out, " pacing_rate {}bps", bw(t.pacing_rate as f64 * 8.0, numeric));
        if t.max_pacing_rate != 0 && t.max_pacing_rate != u64::MAX {
            let _ = write!(out, "/{}bps", bw(t.max_pacing_rate as f64 * 8.0, numeric));
        }
    }
    if t.delivery_rate != 0 {
        let _ = write!(out, " delivery_rate {}bps", bw(t.delivery_rate as f64 * 8.0, numeric));
    }
    if t.delivered != 0 {
        let _ = write!(out, " delivered:{}", t.delivered);
    }
    if t.delivered_ce != 0 {
        let _ = write!(out, " delivered_ce:{}", t.delivered_ce);
    }
    if t.delivery_rate_app_limited() {
        out.push_str(" app_limited");
    }
    if t.busy_time != 0 {
        let _ = write!(out, " busy:{}ms", t.busy_time / 1000);
        for (v, name) in [(t.rwnd_limited, "rwnd_limited"), (t.sndbuf_limited, "sndbuf_limited")] {
            if v != 0 {
                let share = 100.0 * v as f64 / t.busy_time as f64;
                let _ = write!(out, " {name}:{}ms({share:.1}%)", v / 1000);
            }
        }
    }
    if t.unacked != 0 {
        let _ = write!(out, " unacked:{}", t.unacked);
    }
    if t.retrans != 0 || t.total_retrans != 0 {
        let _ = write!(out, " retrans:{}/{}", t.retrans, t.total_retrans);
    }
    if t.lost != 0 {
        let _ = write!(out, " lost:{}", t.lost);
    }
    if t.sacked != 0 && !listen {
        let _ = write!(out, " sacked:{}", t.sacked);
    }
    if t.dsack_dups != 0 {
        let _ = write!(out, " dsack_dups:{}", t.dsack_dups);
    }
    if t.fackets != 0 {
        let _ = write!(out, " fackets:{}", t.fackets);
    }
    if t.reordering != 3 {
        let _ = write!(out, " reordering:{}", int(t.reordering));
    }
    if t.reord_seen != 0 {
        let _ = write!(out, " reord_seen:{}", int(t.reord_seen));
    }
    if t.rcv_rtt != 0 {
        let _ = write!(out, " rcv_rtt:{}", g(ms(t.rcv_rtt), 6));
    }
    if t.rcv_space != 0 {
        let _ = write!(out, " rcv_space:{}", int(t.rcv_space));
    }
    if t.rcv_ssthresh != 0 {
        let _ = write!(out, " rcv_ssthresh:{}", t.rcv_ssthresh);
    }
    if t.notsent_bytes != 0 {
        let _ = write!(out, " notsent:{}", t.notsent_bytes);
    }
    if t.min_rtt != 0 && t.min_rtt != u32::MAX {
        let _ = write!(out, " minrtt:{}", g(ms(t.min_rtt), 6));
    }
    if t.rcv_ooopack != 0 {
        let _ = write!(out, " rcv_ooopack:{}", t.rcv_ooopack);
    }
    if t.snd_wnd != 0 {
        let _ = write!(out, " snd_wnd:{}", t.snd_wnd);
    }
}

/// The same as JSON members: `tcp-info` (every field of the struct, by its
/// name without `tcpi_`, the bit fields split), `congestion`, and the
/// `vegas`, `dctcp` and `bbr` records where the kernel sent them.
pub fn json(x: &Info<'_>) -> Map<String, Value> {
    let mut m = Map::new();
    if let Some(raw) = x.info {
        let t = TcpInfo::read_padded(raw);
        let mut o = Map::new();
        let bytes = t.to_bytes();
        let mut at = 0;
        for f in TcpInfo::META.fields {
            let Some(b) = bytes.get(at..at + f.size) else { break };
            at += f.size;
            let v = match f.size {
                1 => u64::from(b[0]),
                2 => u64::from(u16::from_ne_bytes([b[0], b[1]])),
                4 => u64::from(u32::from_ne_bytes([b[0], b[1], b[2], b[3]])),
                _ => u64::from_ne_bytes(b.try_into().unwrap_or([0; 8])),
            };
            match f.name {
                "wscale" => {
                    o.insert("snd_wscale".into(), t.snd_wscale().into());
                    o.insert("rcv_wscale".into(), t.rcv_wscale().into());
                }
                "rate_bits" => {
                    o.insert(
                        "delivery_rate_app_limited".into(),
                        t.delivery_rate_app_limited().into(),
                    );
                    o.insert("fastopen_client_fail".into(), t.fastopen_client_fail().into());
                }
                name => {
                    o.insert(name.into(), v.into());
                }
            }
        }
        m.insert("tcp-info".into(), Value::Object(o));
    }
    if let Some(c) = x.cong {
        m.insert("congestion".into(), c.into());
    }
    if let Some(v) = x.vegas.map(padded::<VegasInfo>) {
        m.insert(
            "vegas".into(),
            json!({"enabled": v.enabled, "rttcnt": v.rttcnt, "rtt": v.rtt, "minrtt": v.minrtt}),
        );
    }
    if let Some(d) = x.dctcp.map(padded::<DctcpInfo>) {
        m.insert(
            "dctcp".into(),
            json!({"enabled": d.enabled, "ce_state": d.ce_state, "alpha": d.alpha,
                   "ab_ecn": d.ab_ecn, "ab_tot": d.ab_tot}),
        );
    }
    if let Some(b) = x.bbr.map(padded::<BbrInfo>) {
        m.insert(
            "bbr".into(),
            json!({"bw": b.bw(), "min_rtt": b.min_rtt, "pacing_gain": b.pacing_gain,
                   "cwnd_gain": b.cwnd_gain}),
        );
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g_is_c_percent_g() {
        for (x, p, want) in [
            (0.036, 6, "0.036"),
            (204.0, 6, "204"),
            (2.88671875, 6, "2.88672"),
            (30.474_233_64, 3, "30.5"),
            (137.557_333_333, 3, "138"),
            (0.0, 6, "0"),
            (1e-5, 6, "1e-05"),
            (1_234_567.0, 6, "1.23457e+06"),
            (999_999.5, 6, "1e+06"),
            (0.0001, 6, "0.0001"),
            (100.0, 3, "100"),
            (999.6, 3, "1e+03"),
        ] {
            assert_eq!(g(x, p), want, "{x} {p}");
        }
        assert_eq!(bw(30_474_233_640.0, false), "30.5G");
        assert_eq!(bw(30_474_233_640.0, true), "30474233640");
        assert_eq!(bw(800.0, false), "800");
        assert_eq!(bw(1500.0, false), "1.5k");
    }

    #[test]
    fn fields_print_in_ss_order_under_ss_conditions() {
        let mut t = TcpInfo {
            options: TCPI_OPT_WSCALE | TCPI_OPT_SACK | TCPI_OPT_TIMESTAMPS,
            rto: 204_000,
            rtt: 36,
            rttvar: 18,
            snd_mss: 47616,
            snd_cwnd: 13,
            snd_ssthresh: 0x7fff_ffff,
            reordering: 3,
            min_rtt: u32::MAX,
            sacked: 5,
            ..TcpInfo::default()
        };
        t.wscale = if cfg!(target_endian = "little") { 0xa7 } else { 0x7a };
        let raw = t.to_bytes();
        let x = Info { info: Some(&raw), cong: Some("cubic"), ..Info::default() };
        let mut s = String::new();
        write_text(&mut s, &x, false, true, false);
        assert_eq!(
            s,
            " ts sack cubic wscale:7,10 rto:204 rtt:0.036/0.018 mss:47616 cwnd:13 \
             send 138Gbps sacked:5"
        );
        let mut s = String::new();
        write_text(&mut s, &x, true, false, true);
        assert_eq!(
            s,
            " cubic wscale:7,10 rto:204 rtt:0.036/0.018 mss:47616 cwnd:13 send 137557333333bps"
        );
        let j = json(&x);
        assert_eq!(j["tcp-info"]["snd_wscale"], 7);
        assert_eq!(j["tcp-info"]["rto"], 204_000);
        assert_eq!(j["congestion"], "cubic");
        // A kernel's shorter struct and a truncated BBR record read as far
        // as they go (here: the options and half of rto, 204,000 cut to
        // its low 16 bits), the rest as zero.
        let x = Info { info: Some(&raw[..10]), bbr: Some(&[1, 0, 0]), ..Info::default() };
        let mut s = String::new();
        write_text(&mut s, &x, false, false, false);
        let rto = g(f64::from(204_000u32 & 0xffff) / 1000.0, 6);
        assert_eq!(s, format!(" wscale:7,10 rto:{rto} bbr:(bw:8bps,mrtt:0) reordering:0"));
    }
}
