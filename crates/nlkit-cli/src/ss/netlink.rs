//! `nlkit ss -A netlink` (`-f netlink`, and with no protocol named):
//! netlink sockets ([`nlkit::diag::netlink`]) as ss 6.1's
//! `netlink_show_one` prints them: `nl`, always `UNCONN` (ss's state for
//! them), the queues from the socket's memory, `PROTOCOL:PROCESS` (the
//! kernel's own socket as `kernel`, a port id that is a process's pid as
//! `COMM/PID` from `/proc`, any other port id as a number; with `-n` both
//! as numbers), the connected peer as `GROUP:PORT` or `*`; with `-e` the
//! groups joined (`sk=0 cb=0`: the kernel no longer gives addresses).

use super::render::Table;
use super::words::Options;
use crate::out::writer::push_u64;
use nlkit::diag::filter::OtherFacts;
use nlkit::diag::netlink::{NetlinkDiag, NETLINK_CONNECTED};
use serde_json::json;
use std::fmt::Write as _;

/// ss's (iproute2's `nl_proto_n2a`) names of the netlink protocols, by
/// number (17 has none).
const PROTOCOLS: [&str; 22] = [
    "rtnl",
    "unused",
    "usersock",
    "fw",
    "tcpdiag",
    "nflog",
    "xfrm",
    "selinux",
    "iscsi",
    "audit",
    "fiblookup",
    "connector",
    "nft",
    "ip6fw",
    "dec-rt",
    "uevent",
    "genl",
    "",
    "scsi-trans",
    "ecryptfs",
    "rdma",
    "crypto",
];

/// A protocol by ss's name or number (C's bases), as `nl_proto_a2n`.
pub fn protocol_number(word: &str) -> Option<u32> {
    match PROTOCOLS.iter().position(|n| !n.is_empty() && *n == word) {
        Some(i) => u32::try_from(i).ok(),
        None => super::filter::parse_c_uint(word),
    }
}

/// The protocol as ss names it: its name, or its number (`-n`, or none).
fn protocol(p: u8, numeric: bool) -> String {
    match PROTOCOLS.get(usize::from(p)) {
        Some(n) if !numeric && !n.is_empty() => (*n).to_string(),
        _ => p.to_string(),
    }
}

/// The port id as ss names it: `kernel`, `COMM/PID` when a process has
/// that pid, else the number (port ids are printed signed, as ss does:
/// the kernel's automatic ones are negative).
fn process(portid: u32, numeric: bool) -> String {
    let pid = portid as i32;
    if numeric {
        return pid.to_string();
    }
    if pid == 0 {
        return "kernel".into();
    }
    if pid > 0 {
        // `%*d (%[^)])`: the command up to the first ')'.
        if let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            if let Some(comm) = stat.split_once(" (").and_then(|(_, r)| r.split(')').next()) {
                if !comm.is_empty() {
                    return format!("{comm}/{pid}");
                }
            }
        }
    }
    pid.to_string()
}

/// What ss's filter reads of a netlink socket: its protocol and port id
/// (signed, as ss reads it), no peer (-1).
pub fn facts(v: &NetlinkDiag<'_>) -> OtherFacts<'static> {
    OtherFacts {
        family: libc::AF_NETLINK as u8,
        name: None,
        protocol: v.header.protocol.into(),
        local: (v.header.portid as i32).into(),
        remote: -1,
        ifindex: 0,
    }
}

fn queues(v: &NetlinkDiag<'_>) -> (u32, u32) {
    (v.meminfo_at(0).unwrap_or(0), v.meminfo_at(2).unwrap_or(0))
}

/// The first word of the groups bit map, as ss prints it with `-e`.
fn groups_word(v: &NetlinkDiag<'_>) -> u32 {
    v.group_ids().filter(|g| *g <= 32).fold(0, |m, g| m | 1 << (g - 1))
}

/// One socket's cells.
pub fn push_row(t: &mut Table, o: &Options, v: &NetlinkDiag<'_>) {
    let h = &v.header;
    if o.dbs() > 1 {
        t.cell("nl");
    }
    if o.states.count_ones() > 1 {
        t.cell("UNCONN");
    }
    let (rq, wq) = queues(v);
    for q in [rq, wq] {
        let b = t.buf();
        let start = b.len();
        push_u64(b, q.into());
        let pad = 6usize.saturating_sub(b.len() - start);
        b.resize(b.len() + pad, b' ');
        t.end_cell();
    }
    t.cell(&format!("{}:", protocol(h.protocol, o.numeric)));
    t.cell(&process(h.portid, o.numeric));
    if h.state == NETLINK_CONNECTED {
        t.cell(&format!("{}:", h.dst_group));
        t.cell(&(h.dst_portid as i32).to_string());
    } else {
        t.cell("*");
        t.cell("");
    }
    let mut ext = String::new();
    if o.extended {
        let _ = write!(ext, " sk=0 cb=0 groups=0x{:08x}", groups_word(v));
    }
    t.cell(&ext);
    t.cell("");
}

/// One socket as a JSON object.
pub fn push_json(b: &mut Vec<u8>, v: &NetlinkDiag<'_>) {
    let h = &v.header;
    let (rq, wq) = queues(v);
    let mut m = json!({
        "netid": "nl",
        "state": "UNCONN",
        "recv-q": rq,
        "send-q": wq,
        "protocol": protocol(h.protocol, false),
        "protocol-number": h.protocol,
        "port": h.portid as i32,
        "process": process(h.portid, false),
        "groups": v.group_ids().collect::<Vec<_>>(),
        "inode": h.ino,
        "cookie": h.cookie(),
    });
    if h.state == NETLINK_CONNECTED {
        m["peer-group"] = h.dst_group.into();
        m["peer-port"] = (h.dst_portid as i32).into();
    }
    // Writing into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *b, &m);
}
