//! `-s`: a link's counters as iproute2 6.1's `print_stats64` prints them
//! (`stats64` in JSON; `RX:`/`TX:` tables with columns sized to the
//! numbers in text), with the error counters too for `-s -s`. `ip link`
//! prints them in the link; `ip address` after the link's addresses.

use crate::out::printer::Printer;
use nlkit::rtnl::link::Link;
use nlkit::rtnl::uapi::*;

/// `struct rtnl_link_stats64`'s fields, by position.
mod c {
    pub const RX_PACKETS: usize = 0;
    pub const TX_PACKETS: usize = 1;
    pub const RX_BYTES: usize = 2;
    pub const TX_BYTES: usize = 3;
    pub const RX_ERRORS: usize = 4;
    pub const TX_ERRORS: usize = 5;
    pub const RX_DROPPED: usize = 6;
    pub const TX_DROPPED: usize = 7;
    pub const MULTICAST: usize = 8;
    pub const COLLISIONS: usize = 9;
    pub const RX_LENGTH: usize = 10;
    pub const RX_OVER: usize = 11;
    pub const RX_CRC: usize = 12;
    pub const RX_FRAME: usize = 13;
    pub const RX_FIFO: usize = 14;
    pub const RX_MISSED: usize = 15;
    pub const TX_ABORTED: usize = 16;
    pub const TX_CARRIER: usize = 17;
    pub const TX_FIFO: usize = 18;
    pub const TX_HEARTBEAT: usize = 19;
    pub const TX_WINDOW: usize = 20;
    pub const RX_COMPRESSED: usize = 21;
    pub const TX_COMPRESSED: usize = 22;
    pub const RX_NOHANDLER: usize = 23;
    pub const RX_OTHERHOST: usize = 24;
    pub const COUNT: usize = 25;
}

/// The counters `ip` reads (`get_rtnl_link_stats_rta`): `IFLA_STATS64`
/// (named `stats64`), else the 32-bit `IFLA_STATS` (named `stats`; missing
/// tail fields are zero), else the IPv6 counters of `IFLA_PROTINFO` (the
/// IPv6 view of a link, as `ip -6 address` dumps it; named `stats64`).
fn counters(l: &Link<'_>) -> Option<([u64; c::COUNT], &'static str)> {
    let mut s = [0u64; c::COUNT];
    if let Some(st) = &l.stats64 {
        for (i, v) in s.iter_mut().enumerate() {
            *v = st.counter(i).unwrap_or(0);
        }
        return Some((s, "stats64"));
    }
    if let Some(raw) = l.attr(IFLA_STATS).map(|a| a.payload()) {
        for (v, w) in s.iter_mut().zip(raw.chunks_exact(4).take(24)) {
            *v = u32::from_ne_bytes([w[0], w[1], w[2], w[3]]).into();
        }
        return Some((s, "stats"));
    }
    let protinfo = l.attr(IFLA_PROTINFO)?;
    if let Ok(Some(mib)) = protinfo.nested().find(IFLA_INET6_STATS) {
        s = inet6_counters(mib.payload());
    }
    Some((s, "stats64"))
}

/// `IPSTATS_MIB_*` (iproute2 6.1's `<linux/snmp.h>`), the positions of the
/// 64-bit counters in `IFLA_INET6_STATS` that `ip` reads.
mod mib {
    pub const INPKTS: usize = 1;
    pub const INOCTETS: usize = 2;
    pub const OUTPKTS: usize = 5;
    pub const OUTOCTETS: usize = 6;
    pub const INDISCARDS: usize = 13;
    pub const OUTDISCARDS: usize = 14;
    pub const INMCASTPKTS: usize = 23;
    pub const CSUMERRORS: usize = 31;
}

/// `get_snmp_counters`: the link counters `ip` makes of IPv6's.
fn inet6_counters(raw: &[u8]) -> [u64; c::COUNT] {
    let at = |i: usize| {
        let b = raw.get(i * 8..i * 8 + 8).and_then(|b| <[u8; 8]>::try_from(b).ok());
        b.map_or(0, u64::from_ne_bytes)
    };
    let mut s = [0u64; c::COUNT];
    let pairs = [
        (c::RX_PACKETS, mib::INPKTS),
        (c::RX_BYTES, mib::INOCTETS),
        (c::TX_PACKETS, mib::OUTPKTS),
        (c::TX_BYTES, mib::OUTOCTETS),
        (c::RX_ERRORS, mib::INDISCARDS),
        (c::TX_ERRORS, mib::OUTDISCARDS),
        (c::MULTICAST, mib::INMCASTPKTS),
        (c::RX_FRAME, mib::CSUMERRORS),
    ];
    for (to, from) in pairs {
        s[to] = at(from);
    }
    s
}

pub fn print(p: &mut Printer, l: &Link<'_>, level: u8) {
    let Some((s, key)) = counters(l) else { return };
    if p.is_json() {
        json(p, key, &s, level, l.carrier_changes);
    } else {
        text(p, &s, level, l.carrier_changes);
    }
}

use c::*;

/// JSON keys of `rx`, the extended (`-s -s`) ones, then `tx`'s.
const RX: [(&str, usize); 6] = [
    ("bytes", RX_BYTES),
    ("packets", RX_PACKETS),
    ("errors", RX_ERRORS),
    ("dropped", RX_DROPPED),
    ("over_errors", RX_OVER),
    ("multicast", MULTICAST),
];
const RX_MORE: [(&str, usize); 5] = [
    ("length_errors", RX_LENGTH),
    ("crc_errors", RX_CRC),
    ("frame_errors", RX_FRAME),
    ("fifo_errors", RX_FIFO),
    ("missed_errors", RX_MISSED),
];
const TX: [(&str, usize); 6] = [
    ("bytes", TX_BYTES),
    ("packets", TX_PACKETS),
    ("errors", TX_ERRORS),
    ("dropped", TX_DROPPED),
    ("carrier_errors", TX_CARRIER),
    ("collisions", COLLISIONS),
];
const TX_MORE: [(&str, usize); 4] = [
    ("aborted_errors", TX_ABORTED),
    ("fifo_errors", TX_FIFO),
    ("window_errors", TX_WINDOW),
    ("heartbeat_errors", TX_HEARTBEAT),
];

fn json(p: &mut Printer, key: &'static str, s: &[u64; COUNT], level: u8, cc: Option<u32>) {
    let put = |p: &mut Printer, keys: &[(&str, usize)]| {
        keys.iter().for_each(|&(k, i)| p.js(k, || s[i].into()));
    };
    let nonzero = |p: &mut Printer, k: &str, i: usize| {
        if s[i] != 0 {
            p.js(k, || s[i].into());
        }
    };
    p.open(key);
    p.open("rx");
    put(p, &RX);
    nonzero(p, "compressed", RX_COMPRESSED);
    if level > 1 {
        put(p, &RX_MORE);
        nonzero(p, "nohandler", RX_NOHANDLER);
        nonzero(p, "otherhost", RX_OTHERHOST);
    }
    p.close();
    p.open("tx");
    put(p, &TX);
    nonzero(p, "compressed", TX_COMPRESSED);
    if level > 1 {
        put(p, &TX_MORE);
        if let Some(cc) = cc {
            p.js("carrier_changes", || cc.into());
        }
    }
    p.close();
    p.close();
}

/// A zero in a row of [`columns`]; [`CC`] is the carrier changes.
const Z: usize = COUNT + 1;
const CC: usize = COUNT;

/// The counters under each of the 8 columns, per table (`size_columns`).
const SIZE_RX: [usize; 8] =
    [RX_BYTES, RX_PACKETS, RX_ERRORS, RX_DROPPED, RX_MISSED, MULTICAST, RX_COMPRESSED, Z];
const SIZE_RX_MORE: [usize; 8] =
    [Z, RX_LENGTH, RX_CRC, RX_FRAME, RX_FIFO, RX_OVER, RX_NOHANDLER, RX_OTHERHOST];
const SIZE_TX: [usize; 8] =
    [TX_BYTES, TX_PACKETS, TX_ERRORS, TX_DROPPED, TX_CARRIER, COLLISIONS, TX_COMPRESSED, Z];
const SIZE_TX_MORE: [usize; 8] = [Z, Z, TX_ABORTED, TX_FIFO, TX_WINDOW, TX_HEARTBEAT, CC, Z];

/// Column widths: the headers', widened to the longest number below them.
fn columns(v: &[u64; COUNT + 2], level: u8) -> [usize; 8] {
    let mut cols = [10, 7, 6, 7, 7, 7, 10, 9];
    let rows: &[[usize; 8]] = if level > 1 {
        &[SIZE_RX, SIZE_RX_MORE, SIZE_TX, SIZE_TX_MORE]
    } else {
        &[SIZE_RX, SIZE_TX]
    };
    for row in rows {
        for (w, &i) in cols.iter_mut().zip(row) {
            *w = (*w).max(v[i].to_string().len());
        }
    }
    cols
}

/// `print_num`: right-aligned in its column, then a space; `(column, value)`.
fn nums(p: &mut Printer, cols: &[usize; 8], vals: &[(usize, u64)]) {
    for &(col, v) in vals {
        p.fp(format_args!("{v:>w$} ", w = cols[col]));
    }
}

/// A table's header: `    RX: bytes packets ...` right-aligned over the columns.
fn header(p: &mut Printer, cols: &[usize; 8], title: &str, words: [&str; 7]) {
    p.fp(format_args!("    {title}: {:>w$}", words[0], w = cols[0] - 4));
    for (i, word) in words.iter().enumerate().skip(1) {
        p.fp(format_args!(" {word:>w$}", w = cols[i]));
    }
    p.fp_str("\n    ");
}

fn text(p: &mut Printer, s: &[u64; COUNT], level: u8, cc: Option<u32>) {
    let mut v = [0u64; COUNT + 2];
    v[..COUNT].copy_from_slice(s);
    v[CC] = cc.unwrap_or(0).into();
    let cols = columns(&v, level);
    let comp = |i| if s[i] != 0 { "compressed" } else { "" };
    let rx = ["bytes", "packets", "errors", "dropped", "missed", "mcast", comp(RX_COMPRESSED)];
    header(p, &cols, "RX", rx);
    // The first six columns; the compressed counter only when not zero.
    let six = |row: [usize; 8]| -> Vec<(usize, u64)> { (0..6).map(|c| (c, v[row[c]])).collect() };
    nums(p, &cols, &six(SIZE_RX));
    if s[RX_COMPRESSED] != 0 {
        nums(p, &cols, &[(6, s[RX_COMPRESSED])]);
    }
    if level > 1 {
        rx_errors(p, s, &cols);
    }
    p.nl();
    let tx = ["bytes", "packets", "errors", "dropped", "carrier", "collsns", comp(TX_COMPRESSED)];
    header(p, &cols, "TX", tx);
    nums(p, &cols, &six(SIZE_TX));
    if s[TX_COMPRESSED] != 0 {
        nums(p, &cols, &[(6, s[TX_COMPRESSED])]);
    }
    if level > 1 {
        tx_errors(p, s, &cols, cc);
    }
}

/// The header of `-s -s`'s error table: five words over columns 1 to 5,
/// then `extra` (width, word) pairs.
fn error_header(
    p: &mut Printer,
    cols: &[usize; 8],
    title: &str,
    words: [&str; 5],
    extra: &[(usize, &str)],
) {
    p.fp(format_args!("\n    {title} errors:{:>w$}", "", w = cols[0] - 10));
    for (i, word) in words.iter().enumerate() {
        p.fp(format_args!(" {word:>w$}", w = cols[i + 1]));
    }
    for &(w, word) in extra {
        p.fp(format_args!("{word:>w$}"));
    }
    p.fp(format_args!("\n{:w$}", "", w = cols[0] + 5));
}

fn rx_errors(p: &mut Printer, s: &[u64; COUNT], cols: &[usize; 8]) {
    let (nh, oh) = (s[RX_NOHANDLER] != 0, s[RX_OTHERHOST] != 0);
    let extra = [
        if nh { (cols[6] + 1, " nohandler") } else { (0, "") },
        if oh { (cols[7] + 1, " otherhost") } else { (0, "") },
    ];
    error_header(p, cols, "RX", ["length", "crc", "frame", "fifo", "overrun"], &extra);
    let errs =
        [(1, s[RX_LENGTH]), (2, s[RX_CRC]), (3, s[RX_FRAME]), (4, s[RX_FIFO]), (5, s[RX_OVER])];
    nums(p, cols, &errs);
    if nh {
        nums(p, cols, &[(6, s[RX_NOHANDLER])]);
    }
    if oh {
        nums(p, cols, &[(7, s[RX_OTHERHOST])]);
    }
}

fn tx_errors(p: &mut Printer, s: &[u64; COUNT], cols: &[usize; 8], cc: Option<u32>) {
    let transns = if cc.is_some() { "transns" } else { "" };
    error_header(p, cols, "TX", ["aborted", "fifo", "window", "heartbt", transns], &[]);
    let errs = [(1, s[TX_ABORTED]), (2, s[TX_FIFO]), (3, s[TX_WINDOW]), (4, s[TX_HEARTBEAT])];
    nums(p, cols, &errs);
    if let Some(cc) = cc {
        nums(p, cols, &[(5, cc.into())]);
    }
}
