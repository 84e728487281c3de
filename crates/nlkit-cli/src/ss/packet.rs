//! Packet sockets in `nlkit ss` (`-0`, `-A packet|packet_raw|packet_dgram`,
//! `-f link`), as ss 6.1's `packet_show_sock` prints them: `p_raw` or
//! `p_dgr`, always `UNCONN`, the receive queue from the socket's memory,
//! the protocol bound (`*` for all, else iproute2's name) and the
//! interface as the local end, `*` as the peer; `-e` adds the owner,
//! inode, cookie, ring version, flags, rings and fanout; `-m` the memory.

use super::details::{write_skmem, Users};
use super::render::Table;
use super::{IfNames, Options};
use crate::out::writer::push_u64;
use nlkit::diag::filter::OtherFacts;
use nlkit::diag::packet::{protocol_name, PacketDiag, PacketDiagRing, PDI_AUXDATA, PDI_LOSS};
use nlkit::diag::packet::{PDI_ORIGDEV, PDI_RUNNING, PDI_VNETHDR};
use std::fmt::Write as _;

/// `SOCK_RAW`.
const SOCK_RAW: u8 = 3;

/// ss's netid for a packet socket of `type_`.
pub fn netid(type_: u8) -> &'static str {
    if type_ == SOCK_RAW {
        "p_raw"
    } else {
        "p_dgr"
    }
}

/// Whether the tables asked for list this socket (`-A packet_raw` lists
/// raw ones only).
pub fn listed(o: &Options, v: &PacketDiag<'_>) -> bool {
    if v.header.type_ == SOCK_RAW {
        o.packet_raw
    } else {
        o.packet_dgram
    }
}

/// What ss's filter reads of a packet socket: its protocol and
/// interface (its "port").
pub fn facts(v: &PacketDiag<'_>) -> OtherFacts<'static> {
    let index = v.info.map_or(0, |i| i.index);
    OtherFacts {
        family: libc::AF_PACKET as u8,
        name: None,
        protocol: v.header.num.into(),
        local: index.into(),
        remote: 0,
        ifindex: index,
    }
}

/// The receive queue: `SK_MEMINFO_RMEM_ALLOC`, the first of the memory words.
fn rqueue(v: &PacketDiag<'_>) -> u32 {
    v.meminfo.and_then(|m| m.get(..4)).map_or(0, |w| u32::from_ne_bytes([w[0], w[1], w[2], w[3]]))
}

/// The protocol's cell: `*` for every protocol (`ETH_P_ALL`), else its
/// name (`[N]` under -n, as iproute2 prints it when numeric).
fn protocol(o: &Options, p: u16) -> String {
    match p {
        3 => "*".into(),
        p if o.numeric => format!("[{p}]"),
        p => protocol_name(p).into_owned(),
    }
}

/// One socket's cells.
pub fn push_row(
    t: &mut Table,
    o: &Options,
    v: &PacketDiag<'_>,
    ifnames: &mut IfNames<'_>,
    users: Option<&mut Users>,
) {
    let h = &v.header;
    if o.dbs() > 1 {
        t.cell(netid(h.type_));
    }
    if o.states.count_ones() > 1 {
        t.cell("UNCONN");
    }
    for q in [rqueue(v), 0] {
        let b = t.buf();
        let start = b.len();
        push_u64(b, q.into());
        let pad = 6usize.saturating_sub(b.len() - start);
        b.resize(b.len() + pad, b' ');
        t.end_cell();
    }
    t.cell(&format!("{}:", protocol(o, h.protocol())));
    let index = v.info.map_or(0, |i| i.index);
    match index {
        0 => t.cell("*"),
        i => {
            let name = ifnames.name(i).map_or_else(|| format!("if{i}"), str::to_string);
            t.cell(&name);
        }
    }
    t.cell("*");
    t.cell("");
    // In ss's order: -p, -e, -m.
    let mut ext = String::new();
    if let Some(users) = users {
        users.write(&mut ext, h.ino);
    }
    if o.extended {
        details(&mut ext, v);
    }
    if let Some(mem) = v.meminfo.filter(|_| o.memory) {
        write_skmem(&mut ext, "", mem);
    }
    t.cell(&ext);
    t.cell("");
}

/// `-e`: ss's `sock_details_print`, then the ring version, flags, rings
/// and fanout, each on a line of its own.
fn details(ext: &mut String, v: &PacketDiag<'_>) {
    let h = &v.header;
    if let Some(uid) = v.uid.filter(|&u| u != 0) {
        let _ = write!(ext, " uid:{uid}");
    }
    let _ = write!(ext, " ino:{} sk:{:x}", h.ino, h.cookie());
    if let Some(i) = v.info {
        let _ =
            write!(ext, "\n\tver:{} cpy_thresh:{} flags( ", i.version as i32, i.copy_thresh as i32);
        for (bit, name) in [
            (PDI_RUNNING, "running"),
            (PDI_AUXDATA, " auxdata"),
            (PDI_ORIGDEV, " origdev"),
            (PDI_VNETHDR, " vnethdr"),
            (PDI_LOSS, " loss"),
        ] {
            if i.flags & bit != 0 {
                ext.push_str(name);
            }
        }
        if i.flags == 0 {
            ext.push('0');
        }
        ext.push_str(" )");
    }
    for (name, ring) in [("ring_rx", v.rx_ring), ("ring_tx", v.tx_ring)] {
        if let Some(r) = ring {
            let _ = write!(ext, "\n\t{name}(");
            ring_text(ext, &r);
            ext.push(')');
        }
    }
    if let Some(f) = v.fanout {
        let kind = match f >> 16 {
            0 => "hash".to_string(),
            1 => "lb".into(),
            2 => "cpu".into(),
            3 => "roll".into(),
            4 => "random".into(),
            5 => "qm".into(),
            t => format!("0x{t:x}"),
        };
        let _ = write!(ext, "\n\tfanout(id:{},type:{kind})", f & 0xffff);
    }
}

fn ring_text(ext: &mut String, r: &PacketDiagRing) {
    let _ = write!(
        ext,
        "blk_size:{},blk_nr:{},frm_size:{},frm_nr:{},tmo:{},features:0x{:x}",
        r.block_size as i32,
        r.block_nr as i32,
        r.frame_size as i32,
        r.frame_nr as i32,
        r.retire_tmo as i32,
        r.features
    );
}

/// One socket as a JSON object.
pub fn push_json(b: &mut Vec<u8>, v: &PacketDiag<'_>) {
    let h = &v.header;
    let mut o = serde_json::json!({
        "netid": netid(h.type_),
        "state": "UNCONN",
        "recv-q": rqueue(v),
        "send-q": 0,
        "protocol": h.protocol(),
        "inode": h.ino,
        "cookie": h.cookie(),
    });
    if let Some(i) = v.info {
        o["ifindex"] = i.index.into();
        o["version"] = i.version.into();
        o["flags"] = i.flags.into();
    }
    if let Some(uid) = v.uid {
        o["uid"] = uid.into();
    }
    if let Some(f) = v.fanout {
        o["fanout"] = serde_json::json!({"id": f & 0xffff, "type": f >> 16});
    }
    b.extend_from_slice(o.to_string().as_bytes());
}
