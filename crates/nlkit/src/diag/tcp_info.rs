//! What a TCP socket's dump carries about the connection itself: `struct
//! tcp_info` (`<linux/tcp.h>`, the payload of `INET_DIAG_INFO`, asked for
//! with bit `INET_DIAG_INFO - 1` of the request's extensions) and the
//! congestion-control records beside it (`<linux/inet_diag.h>`:
//! `INET_DIAG_VEGASINFO`, `INET_DIAG_DCTCPINFO`, `INET_DIAG_BBRINFO`).
//!
//! The kernel's `tcp_info` grows at its end with each release, and the
//! kernel sends as much of it as it has. [`TcpInfo::read_padded`] reads the
//! fields of the pinned 6.1 header: a shorter payload (an older kernel)
//! reads with the missing fields zero, as ss reads it; fields a newer
//! kernel adds after them are left in the attribute's bytes.
#![allow(missing_docs)] // the struct fields: named by their C names without `tcpi_`

/// `tcpi_options` bits (`TCPI_OPT_*`).
pub const TCPI_OPT_TIMESTAMPS: u8 = 1;
pub const TCPI_OPT_SACK: u8 = 2;
pub const TCPI_OPT_WSCALE: u8 = 4;
pub const TCPI_OPT_ECN: u8 = 8;
pub const TCPI_OPT_ECN_SEEN: u8 = 16;
pub const TCPI_OPT_SYN_DATA: u8 = 32;

crate::fixed_struct! {
    /// `struct tcp_info` as of Linux 6.1 (232 bytes), field by field; the
    /// two bytes of bit fields are [`wscale`](Self::wscale) and
    /// [`rate_bits`](Self::rate_bits), read by the methods below.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct TcpInfo as "tcp_info" {
        /// The TCP state (`TCP_ESTABLISHED` ...).
        pub state: u8,
        /// The congestion-avoidance state (`TCP_CA_Open` ...).
        pub ca_state: u8,
        pub retransmits: u8,
        pub probes: u8,
        pub backoff: u8,
        /// `TCPI_OPT_*` bits.
        pub options: u8,
        /// `tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4`.
        pub wscale: u8,
        /// `tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2`.
        pub rate_bits: u8,
        /// Microseconds (`rto`, `ato`).
        pub rto: u32,
        pub ato: u32,
        pub snd_mss: u32,
        pub rcv_mss: u32,
        pub unacked: u32,
        pub sacked: u32,
        pub lost: u32,
        pub retrans: u32,
        pub fackets: u32,
        /// Milliseconds since (`last_ack_sent` is always 0).
        pub last_data_sent: u32,
        pub last_ack_sent: u32,
        pub last_data_recv: u32,
        pub last_ack_recv: u32,
        pub pmtu: u32,
        pub rcv_ssthresh: u32,
        /// Smoothed round-trip time and its variance, in microseconds.
        pub rtt: u32,
        pub rttvar: u32,
        pub snd_ssthresh: u32,
        pub snd_cwnd: u32,
        pub advmss: u32,
        pub reordering: u32,
        pub rcv_rtt: u32,
        pub rcv_space: u32,
        pub total_retrans: u32,
        /// Bytes per second (all ones: unlimited).
        pub pacing_rate: u64,
        pub max_pacing_rate: u64,
        pub bytes_acked: u64,
        pub bytes_received: u64,
        pub segs_out: u32,
        pub segs_in: u32,
        pub notsent_bytes: u32,
        /// Microseconds (all ones: not measured yet).
        pub min_rtt: u32,
        pub data_segs_in: u32,
        pub data_segs_out: u32,
        /// Bytes per second.
        pub delivery_rate: u64,
        /// Microseconds busy sending, and limited by the receive window
        /// and by the send buffer.
        pub busy_time: u64,
        pub rwnd_limited: u64,
        pub sndbuf_limited: u64,
        pub delivered: u32,
        pub delivered_ce: u32,
        pub bytes_sent: u64,
        pub bytes_retrans: u64,
        pub dsack_dups: u32,
        pub reord_seen: u32,
        pub rcv_ooopack: u32,
        pub snd_wnd: u32,
    }
}

/// The first bit field of a byte is its low bits on a little-endian ABI,
/// its high bits on a big-endian one.
fn bits(byte: u8, first: u32, width: u32) -> u8 {
    let shift = if cfg!(target_endian = "little") { first } else { 8 - first - width };
    (byte >> shift) & ((1 << width) - 1) as u8
}

impl TcpInfo {
    /// Reads `INET_DIAG_INFO`'s payload: a short one (an older kernel)
    /// with the missing fields zero, a longer one's tail left unread.
    pub fn read_padded(payload: &[u8]) -> TcpInfo {
        let mut b = [0u8; Self::LEN];
        let n = payload.len().min(Self::LEN);
        b[..n].copy_from_slice(&payload[..n]);
        <Self as crate::proto::FixedStruct>::read(&b).unwrap_or_default()
    }

    /// The window scale the peer applies to what this end sends.
    pub fn snd_wscale(&self) -> u8 {
        bits(self.wscale, 0, 4)
    }

    /// The window scale this end applies to what it receives.
    pub fn rcv_wscale(&self) -> u8 {
        bits(self.wscale, 4, 4)
    }

    /// Whether the last delivery-rate sample was limited by the
    /// application (not the network).
    pub fn delivery_rate_app_limited(&self) -> bool {
        bits(self.rate_bits, 0, 1) != 0
    }

    /// Why a TCP Fast Open client fell back (0: it did not).
    pub fn fastopen_client_fail(&self) -> u8 {
        bits(self.rate_bits, 1, 2)
    }

    /// Whether option `TCPI_OPT_*` was negotiated.
    pub fn has(&self, opt: u8) -> bool {
        self.options & opt != 0
    }
}

crate::fixed_struct! {
    /// `struct tcpvegas_info` (`INET_DIAG_VEGASINFO`; also what Vegas-like
    /// algorithms send).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct VegasInfo as "tcpvegas_info" {
        pub enabled: u32,
        pub rttcnt: u32,
        /// Microseconds.
        pub rtt: u32,
        pub minrtt: u32,
    }
}

crate::fixed_struct! {
    /// `struct tcp_dctcp_info` (`INET_DIAG_DCTCPINFO`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct DctcpInfo as "tcp_dctcp_info" {
        pub enabled: u16,
        pub ce_state: u16,
        pub alpha: u32,
        pub ab_ecn: u32,
        pub ab_tot: u32,
    }
}

crate::fixed_struct! {
    /// `struct tcp_bbr_info` (`INET_DIAG_BBRINFO`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct BbrInfo as "tcp_bbr_info" {
        /// The bandwidth estimate in bytes per second, low and high halves
        /// ([`BbrInfo::bw`]).
        pub bw_lo: u32,
        pub bw_hi: u32,
        /// Microseconds.
        pub min_rtt: u32,
        /// Gains shifted left 8 bits (256 is 1.0).
        pub pacing_gain: u32,
        pub cwnd_gain: u32,
    }
}

impl BbrInfo {
    /// The bandwidth estimate, bytes per second.
    pub fn bw(&self) -> u64 {
        u64::from(self.bw_hi) << 32 | u64::from(self.bw_lo)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::FixedStruct;

    /// The C declaration's fields, in order, with their sizes (bit-field
    /// bytes as one `u8` each).
    fn fields_of(header: &str, name: &str) -> Vec<(String, usize)> {
        let start = header.find(&format!("struct {name} {{")).expect(name);
        let body = &header[start..];
        let mut body = &body[body.find('{').unwrap() + 1..body.find("};").unwrap()];
        // Comments out (they may span lines).
        let mut code = String::new();
        while let Some(at) = body.find("/*") {
            code.push_str(&body[..at]);
            body = &body[at + body[at..].find("*/").unwrap() + 2..];
        }
        code.push_str(body);
        let mut out = Vec::new();
        for decl in code.split(';') {
            let words: Vec<&str> = decl.split_whitespace().collect();
            let Some(ty) = words.first() else { continue };
            let size = match *ty {
                "__u8" => 1,
                "__u16" => 2,
                "__u32" => 4,
                "__u64" => 8,
                other => panic!("{other} in {name}"),
            };
            let field = words[1].trim_end_matches(':').trim_end_matches(',');
            out.push((field.to_string(), size));
        }
        out
    }

    #[test]
    fn layouts_match_the_pinned_headers() {
        let tcp = include_str!("../../../../tools/uapi/linux-6.1/linux/tcp.h");
        let inet = include_str!("../../../../tools/uapi/linux-6.1/linux/inet_diag.h");
        let c = fields_of(tcp, "tcp_info");
        let ours: Vec<&str> = TcpInfo::META.fields.iter().map(|f| f.name).collect();
        let theirs: Vec<String> =
            c.iter().map(|(n, _)| n.trim_start_matches("tcpi_").to_string()).collect();
        // The two bit-field bytes are named for what they hold.
        let mut expect = theirs.clone();
        expect[6] = "wscale".into();
        expect[7] = "rate_bits".into();
        assert_eq!(ours, expect);
        assert_eq!(TcpInfo::LEN, c.iter().map(|(_, s)| s).sum::<usize>());
        assert_eq!(TcpInfo::LEN, 232);
        for (name, len) in [
            ("tcpvegas_info", VegasInfo::LEN),
            ("tcp_dctcp_info", DctcpInfo::LEN),
            ("tcp_bbr_info", BbrInfo::LEN),
        ] {
            assert_eq!(fields_of(inet, name).iter().map(|(_, s)| s).sum::<usize>(), len, "{name}");
        }
        crate::proto::uapi_check::check(
            tcp,
            &[
                ("TCPI_OPT_TIMESTAMPS", TCPI_OPT_TIMESTAMPS.into()),
                ("TCPI_OPT_SACK", TCPI_OPT_SACK.into()),
                ("TCPI_OPT_WSCALE", TCPI_OPT_WSCALE.into()),
                ("TCPI_OPT_ECN", TCPI_OPT_ECN.into()),
                ("TCPI_OPT_ECN_SEEN", TCPI_OPT_ECN_SEEN.into()),
                ("TCPI_OPT_SYN_DATA", TCPI_OPT_SYN_DATA.into()),
            ],
        );
    }

    #[test]
    fn short_long_and_bit_fields() {
        let mut raw = vec![0u8; 240];
        raw[6] = if cfg!(target_endian = "little") { 0x7a } else { 0xa7 };
        raw[7] = if cfg!(target_endian = "little") { 0b101 } else { 0b1010_0000 };
        raw[68..72].copy_from_slice(&36u32.to_ne_bytes());
        raw[228..232].copy_from_slice(&28672u32.to_ne_bytes());
        let t = TcpInfo::read_padded(&raw);
        assert_eq!((t.snd_wscale(), t.rcv_wscale()), (10, 7));
        assert!(t.delivery_rate_app_limited());
        assert_eq!(t.fastopen_client_fail(), 2);
        assert_eq!((t.rtt, t.snd_wnd), (36, 28672));
        // An older kernel's shorter struct: the rest reads as zero.
        let t = TcpInfo::read_padded(&raw[..104]);
        assert_eq!((t.rtt, t.snd_wnd, t.pacing_rate), (36, 0, 0));
        assert_eq!(TcpInfo::read_padded(&[]), TcpInfo::default());
    }
}
