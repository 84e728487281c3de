//! `nlkit ss`: sockets from the kernel's socket diagnostics
//! (`NETLINK_SOCK_DIAG`, [`nlkit::diag`]), with ss's options and table.
//!
//! Words are ss's: `-t` `-u` `-w` `-x` (TCP, UDP, raw, unix), `-A QUERY`
//! and `-f FAMILY` (those and netlink; all when none is given), `-a` (all
//! states), `-l` (listening and unconnected), `-n` (no
//! service names), `-e` (uid, inode, cookie, mark, cgroup, v6only,
//! shutdown), `-4`/`-6`, `-H` (no header), `-N NS` (another network
//! namespace, as nlkit's own `-n`), `-j` (JSON, which ss does not have),
//! combined as ss combines them (`-tan`), and the state filter (`state
//! NAME`, `exclude NAME`, with ss's names and groups). Text is what
//! iproute2 6.1's `ss` prints, column for column ([`render`]); the tests
//! compare it with `ss` in throwaway namespaces.
//!
//! The address and port filter ([`filter`]: `src`, `dst`, `sport`,
//! `dport`, `dev`, `fwmark`, `cgroup`, `autobound`, and/or/not) is
//! compiled into the kernel's filter program and sent with each inet
//! dump, so the kernel sends only the sockets that pass.
//!
//! The rest of the columns come from their own modules: `-p` and `-o`
//! ([`details`]), `-m` ([`details`]), `-i` ([`tcpinfo`]), `-s`
//! ([`summary`]), `-E` ([`events`]), unix, netlink and packet tables;
//! `-K` closes what is listed through a second socket. Options nlkit
//! lacks are refused as not supported, before anything is sent.

mod details;
mod events;
mod filter;
mod names;
mod netlink;
mod packet;
mod procnet;
mod render;
mod summary;
mod tcpinfo;
mod ulp;
mod unix;
mod words;

use crate::out::writer::{push_ip, push_u64};
use anyhow::Result;
use names::{IfNames, Lookup, Services};
use nlkit::diag::filter::Facts;
use nlkit::diag::inet::{
    self, InetDiag, Query, INET_DIAG_CONG, INET_DIAG_INFO, INET_DIAG_MEMINFO, INET_DIAG_SKMEMINFO,
    INET_DIAG_VEGASINFO,
};
use nlkit::diag::State;
use nlkit::{Conn, Netns, Protocol};
use render::{Align, Column, Table};
use serde_json::Value;
use std::collections::HashMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
pub use words::Options;

/// `IPPROTO_*` of the protocols `nlkit ss` lists, in ss's order, with
/// ss's names for them.
const PROTOCOLS: [(u8, &str); 3] = [(255, "raw"), (17, "udp"), (6, "tcp")];

/// One socket, as read: what both the table and JSON print.
struct Row<'a> {
    netid: &'static str,
    state: Option<State>,
    rq: u32,
    wq: u32,
    local: SocketAddr,
    peer: SocketAddr,
    ifindex: u32,
    v6only: Option<u8>,
    uid: u32,
    inode: u32,
    cookie: u64,
    mark: Option<u32>,
    cgroup_id: Option<u64>,
    shutdown: Option<u8>,
    protocol: u8,
    timer: u8,
    expires: u32,
    retrans: u8,
    /// `INET_DIAG_SKMEMINFO` (asked for under -m).
    skmem: Option<&'a [u8]>,
    /// What -i asks for (`INET_DIAG_INFO` and the congestion records).
    tcp: tcpinfo::Info<'a>,
    /// Read from /proc (a raw socket without raw_diag): ss prints no -e
    /// details for such a socket.
    from_proc: bool,
}

fn read<'a>(netid: &'static str, v: &InetDiag<'a>) -> Row<'a> {
    let h = &v.header;
    Row {
        netid,
        state: State::from_u8(h.state),
        rq: h.rqueue,
        wq: h.wqueue,
        local: h.local(),
        peer: h.peer(),
        ifindex: h.ifindex,
        v6only: v.skv6only,
        uid: h.uid,
        inode: h.inode,
        cookie: h.cookie(),
        mark: v.mark,
        cgroup_id: v.cgroup_id,
        shutdown: v.shutdown,
        protocol: v.protocol.unwrap_or(0),
        timer: h.timer,
        expires: h.expires,
        retrans: h.retrans,
        skmem: v.skmeminfo,
        tcp: tcpinfo::Info {
            info: v.info,
            cong: v.cong,
            vegas: v.vegasinfo,
            dctcp: v.dctcpinfo,
            bbr: v.bbrinfo,
            md5sig: v.md5sig,
            ulp: v.ulp_info,
        },
        from_proc: false,
    }
}

/// A raw socket read from /proc (see [`procnet`]): what the file has, the
/// protocol (its port there) included.
fn from_proc(netid: &'static str, p: &procnet::Socket) -> Row<'static> {
    Row {
        netid,
        state: State::from_u8(p.state),
        rq: p.rx_queue,
        wq: p.tx_queue,
        local: p.local,
        peer: p.peer,
        ifindex: 0,
        v6only: None,
        uid: p.uid,
        inode: p.inode,
        cookie: 0,
        mark: None,
        cgroup_id: None,
        shutdown: None,
        protocol: u8::try_from(p.local.port()).unwrap_or(0),
        timer: 0,
        expires: 0,
        retrans: 0,
        skmem: None,
        tcp: tcpinfo::Info::default(),
        from_proc: true,
    }
}

/// `nlkit ss WORDS`; `netns` and `json` are nlkit's global `-n` and `-j`.
pub fn run(words: &[String], netns: Option<&str>, json: bool, pretty: bool) -> Result<()> {
    let mut o = words::parse(words)?;
    if o.help {
        let _ = std::io::stdout().lock().write_all(words::USAGE.as_bytes());
        return Ok(());
    }
    let netns_named = o.netns.clone().or(netns.map(str::to_string));
    let netns = netns_named.as_deref();
    if o.summary {
        let counts = summary::read(netns)?;
        let mut out = std::io::stdout().lock();
        match json || o.json {
            true => {
                let v = summary::json(&counts);
                let text = if pretty { serde_json::to_string_pretty(&v)? } else { v.to_string() };
                writeln!(out, "{text}")?;
            }
            false => out.write_all(summary::text(&counts).as_bytes())?,
        }
        if o.summary_only {
            return Ok(());
        }
    }
    let mut conn = match netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::SOCK_DIAG)?,
        None => Conn::open(Protocol::SOCK_DIAG)?,
    };
    // A second thread receives while this one formats (the kernel builds
    // each datagram in the recvmsg of the one before): 100,000 sockets
    // take the longer of the two, not their sum.
    conn.set_read_ahead(8);
    let json = json || o.json;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    // JSON goes out as the sockets come; text is measured whole, then
    // printed.
    let services = (!o.numeric && !json).then(Services::load);
    let mut cgroups = o.extended.then(Cgroups::default);
    // -K: a second socket sends SOCK_DESTROY while the first dumps.
    let mut killer = match (o.kill, netns) {
        (false, _) => None,
        (true, Some(name)) => Some(Conn::open_in(Netns::Name(name), Protocol::SOCK_DIAG)?),
        (true, None) => Some(Conn::open(Protocol::SOCK_DIAG)?),
    };
    // -p: every process's sockets, read once before the dump.
    let mut users = o.processes.then(details::Users::scan);
    let mut ifnames = IfNames::new(netns);
    let filter = match o.filter.is_empty() {
        true => None,
        false => {
            let mut lookup = Lookup { o: &o, services: services.as_ref(), ifnames: &mut ifnames };
            let f = filter::parse(&o.filter, &mut lookup)?;
            Some(filter::Ready::new(f, &mut o, ephemeral_ports(netns))?)
        }
    };
    let o = o;
    let listed = |family: i32| filter::listed(filter.as_ref(), &o, family);
    if o.events {
        return events::follow(&o, netns, json || o.json, filter.as_ref());
    }
    let mut table = Table::new(columns(&o), o.header);
    let mut jbuf = Vec::with_capacity(1 << 16);
    let mut first = true;
    if json {
        jbuf.push(b'[');
    }
    // ss's order: netlink sockets (unconnected ones: only when that state
    // is asked for), unix sockets (neither with -4 or -6), raw, UDP, TCP.
    if o.netlink && o.states & (1 << 7) != 0 && listed(libc::AF_NETLINK) {
        use nlkit::diag::netlink::*;
        conn.run(dump(NDIAG_PROTO_ALL, NDIAG_SHOW_GROUPS | NDIAG_SHOW_MEMINFO, |v| {
            if !filter::passes(filter.as_ref(), &netlink::facts(v)) {
                return Ok(());
            }
            if !json {
                netlink::push_row(&mut table, &o, v);
                return Ok(());
            }
            if !first {
                jbuf.push(b',');
            }
            first = false;
            netlink::push_json(&mut jbuf, v);
            Ok(())
        }))?;
    }
    if (o.packet_raw || o.packet_dgram) && o.states & (1 << 7) != 0 && listed(libc::AF_PACKET) {
        use nlkit::diag::packet::*;
        let show = PACKET_SHOW_INFO
            | PACKET_SHOW_MEMINFO
            | PACKET_SHOW_FILTER
            | PACKET_SHOW_RING_CFG
            | PACKET_SHOW_FANOUT;
        conn.run(dump(show, |v| {
            if !packet::listed(&o, v) || !filter::passes(filter.as_ref(), &packet::facts(v)) {
                return Ok(());
            }
            if !json {
                packet::push_row(&mut table, &o, v, &mut ifnames, users.as_mut());
                return Ok(());
            }
            if !first {
                jbuf.push(b',');
            }
            first = false;
            packet::push_json(&mut jbuf, v);
            Ok(())
        }))?;
    }
    if o.unix && listed(libc::AF_UNIX) {
        use nlkit::diag::unix::*;
        let mut show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER | UDIAG_SHOW_RQLEN;
        if o.memory {
            show |= UDIAG_SHOW_MEMINFO;
        }
        if o.extended {
            show |= UDIAG_SHOW_VFS | UDIAG_SHOW_ICONS;
        }
        conn.run(dump(o.states, show, |v| {
            // The name is built only when a filter reads it.
            if let Some(f) = &filter {
                if !f.expr.matches_other(&unix::facts(v, &unix::name(v))) {
                    return Ok(());
                }
            }
            if !json {
                unix::push_row(&mut table, &o, v, users.as_mut());
                return Ok(());
            }
            if !first {
                jbuf.push(b',');
            }
            first = false;
            unix::push_json(&mut jbuf, v);
            Ok(())
        }))?;
    }
    let only_inet = filter.as_ref().is_none_or(|f| f.only.is_none());
    let inet = PROTOCOLS.iter().filter(|(p, _)| o.protocols.contains(p) && only_inet);
    for (protocol, netid) in inet {
        for family in o.families() {
            // -m: INET_DIAG_MEMINFO and INET_DIAG_SKMEMINFO; -i:
            // INET_DIAG_INFO, VEGASINFO and CONG (the kernel adds DCTCP's
            // and BBR's records with INFO), as ss asks.
            let mut ext = 0u8;
            if o.memory {
                ext |= (1 << (INET_DIAG_MEMINFO - 1)) | (1 << (INET_DIAG_SKMEMINFO - 1));
            }
            if o.info {
                ext |= (1 << (INET_DIAG_INFO - 1))
                    | (1 << (INET_DIAG_VEGASINFO - 1))
                    | (1 << (INET_DIAG_CONG - 1));
            }
            let q = Query { family, protocol: *protocol, states: o.states, ext };
            // Each socket, read from the dump or from /proc: filtered,
            // closed under -K, then printed.
            let mut emit = |r: Row<'_>, header: Option<&inet::InetDiagMsg>| {
                // The kernel ran the program; ss also runs the filter on
                // what comes back, with "autobound" meaning a local port
                // in the ephemeral range: the same here.
                if let Some(f) = &filter {
                    if !f.expr.matches(&facts(&r, &f.ephemeral)) {
                        return Ok(());
                    }
                }
                // -K: closed first, listed if the kernel closed it (one it
                // cannot close, or that is gone, is left out, as ss does).
                if let (Some(killer), Some(header)) = (killer.as_mut(), header) {
                    let raw = if *protocol == 255 { r.protocol } else { 0 };
                    match killer.run(inet::destroy(header, *protocol, raw)) {
                        Ok(()) => {}
                        Err(e) if matches!(e.errno(), Some(libc::EOPNOTSUPP | libc::ENOENT)) => {
                            return Ok(())
                        }
                        Err(e) => return Err(e),
                    }
                }
                if !json {
                    let users = users.as_mut();
                    push_row(
                        &mut table,
                        &o,
                        &r,
                        &mut ifnames,
                        services.as_ref(),
                        cgroups.as_mut(),
                        users,
                    );
                    return Ok(());
                }
                if !first {
                    jbuf.push(b',');
                }
                first = false;
                push_json(&mut jbuf, &r, users.as_mut());
                // Pretty output is made from the whole array at the end.
                if !pretty && jbuf.len() >= 1 << 16 {
                    out.write_all(&jbuf)
                        .map_err(|source| nlkit::Error::Io { op: "write", source })?;
                    jbuf.clear();
                }
                Ok(())
            };
            let mut each = |v: &InetDiag<'_>| {
                // A socket of the other family (a UDP dump for AF_INET
                // sends IPv6 sockets too): skipped, as ss skips it.
                if v.header.family != family {
                    return Ok(());
                }
                emit(read(netid, v), Some(&v.header))
            };
            let got = match filter.as_ref().and_then(|f| f.program.clone()) {
                Some(p) => conn.run(inet::dump_filtered(q, p, &mut each)),
                None => conn.run(inet::dump(q, &mut each)),
            };
            match got {
                // A kernel without raw_diag (a module, often missing): raw
                // sockets from /proc/net/raw{,6}, as ss falls back to them
                // (-K cannot close them there). Another protocol's diag
                // missing is said when it was asked for by name.
                Err(e) if e.errno() == Some(libc::ENOENT) && *protocol == 255 && o.kill => {
                    crate::report::note!(
                        "raw sockets: this kernel has no raw_diag, which -K closes them through"
                    );
                }
                Err(e) if e.errno() == Some(libc::ENOENT) && *protocol == 255 => {
                    let rows = procnet::raw(family, netns)
                        .map_err(|source| nlkit::Error::Io { op: "read /proc/net/raw", source })?;
                    let wanted = |p: &&procnet::Socket| {
                        1u32.checked_shl(p.state.into()).is_some_and(|bit| o.states & bit != 0)
                    };
                    for p in rows.iter().filter(wanted) {
                        emit(from_proc(netid, p), None)?;
                    }
                }
                Err(e) if e.errno() == Some(libc::ENOENT) => {
                    if o.named_protocols && family == o.families()[0] {
                        crate::report::note!(
                            "{netid} sockets: this kernel has no {netid}_diag \
                             (NETLINK_SOCK_DIAG answers ENOENT)"
                        );
                    }
                }
                Err(e) if o.kill && e.errno().is_some() => {
                    anyhow::bail!(
                        "SOCK_DESTROY answers: {}",
                        std::io::Error::from_raw_os_error(e.errno().unwrap_or(0))
                    )
                }
                other => other?,
            }
        }
    }
    if json {
        jbuf.extend_from_slice(b"]");
        if pretty {
            let all: Value = serde_json::from_slice(&jbuf)?;
            writeln!(out, "{}", serde_json::to_string_pretty(&all)?)?;
        } else {
            jbuf.push(b'\n');
            out.write_all(&jbuf)?;
        }
        return Ok(out.flush()?);
    }
    let screen = nlkit::kernel::chardev::terminal_columns(std::io::stdout()).map(usize::from);
    table.print(&mut out, screen)?;
    Ok(out.flush()?)
}

/// What the filter reads of `r`, ss's way: autobound is a local port in
/// `ephemeral`.
fn facts(r: &Row<'_>, ephemeral: &std::ops::RangeInclusive<u16>) -> Facts {
    Facts {
        local: r.local,
        peer: r.peer,
        ifindex: r.ifindex,
        mark: r.mark.unwrap_or(0),
        cgroup_id: r.cgroup_id.unwrap_or(0),
        autobound: ephemeral.contains(&r.local.port()),
    }
}

/// The namespace's `net.ipv4.ip_local_port_range` (ss's `is_ephemeral`:
/// 1024 to 4999 when it cannot be read).
fn ephemeral_ports(netns: Option<&str>) -> std::ops::RangeInclusive<u16> {
    let read = || std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range").ok();
    let text = match netns {
        Some(ns) => Netns::Name(ns).run(read).ok().flatten(),
        None => read(),
    };
    let mut n = text.iter().flat_map(|t| t.split_whitespace()).map(str::parse::<u16>);
    match (n.next(), n.next()) {
        (Some(Ok(lo)), Some(Ok(hi))) => lo..=hi,
        _ => 1024..=4999,
    }
}

/// ss's columns, with Netid only when more than one protocol is listed and
/// State only when more than one state is.
fn columns(o: &Options) -> Vec<Column> {
    let (l, r) = (Align::Left, Align::Right);
    let mut c = Vec::with_capacity(10);
    if o.dbs() > 1 {
        c.push(Column { align: l, header: "Netid", ldelim: "" });
    }
    if o.states.count_ones() > 1 {
        c.push(Column { align: l, header: "State", ldelim: " " });
    }
    c.extend([
        Column { align: l, header: "Recv-Q", ldelim: " " },
        Column { align: l, header: "Send-Q", ldelim: " " },
        Column { align: r, header: "Local Address:", ldelim: " " },
        Column { align: l, header: "Port", ldelim: "" },
        Column { align: r, header: "Peer Address:", ldelim: " " },
        Column { align: l, header: "Port", ldelim: "" },
        // ss's COL_EXT (headed "Process": -e and -p details go there)
        // and COL_PROC (always empty).
        Column { align: l, header: "Process", ldelim: "" },
        Column { align: l, header: "", ldelim: "" },
    ]);
    c
}

/// One socket's cells, as ss's `inet_stats_print` and `inet_show_sock`.
fn push_row(
    t: &mut Table,
    o: &Options,
    r: &Row<'_>,
    ifnames: &mut IfNames<'_>,
    services: Option<&Services>,
    cgroups: Option<&mut Cgroups>,
    users: Option<&mut details::Users>,
) {
    if o.dbs() > 1 {
        t.cell(r.netid);
    }
    if o.states.count_ones() > 1 {
        t.cell(r.state.map_or("UNKNOWN", State::ss_name));
    }
    for q in [r.rq, r.wq] {
        // "%-6d": signed (a destroyed UDP socket's send queue is -1).
        let b = t.buf();
        let start = b.len();
        if (q as i32) < 0 {
            b.push(b'-');
        }
        push_u64(b, u64::from((q as i32).unsigned_abs()));
        let pad = 6usize.saturating_sub(b.len() - start);
        b.resize(b.len() + pad, b' ');
        t.end_cell();
    }
    let v6only = r.v6only.unwrap_or(0) != 0;
    let local_if = (r.ifindex != 0).then_some(r.ifindex);
    for (a, ifindex) in [(r.local, local_if), (r.peer, None)] {
        let b = t.buf();
        match a.ip() {
            IpAddr::V6(ip) if !v6only && ip.is_unspecified() => b.push(b'*'),
            ip @ IpAddr::V6(_) => {
                b.push(b'[');
                push_ip(b, &ip);
                b.push(b']');
            }
            ip => push_ip(b, &ip),
        }
        if let Some(i) = ifindex {
            b.push(b'%');
            match ifnames.name(i) {
                Some(name) => b.extend_from_slice(name.as_bytes()),
                None => {
                    b.extend_from_slice(b"if");
                    push_u64(b, i.into());
                }
            }
        }
        b.push(b':');
        t.end_cell();
        let b = t.buf();
        match (a.port(), services) {
            (0, _) => b.push(b'*'),
            // Raw sockets' "port" is their protocol, printed as a number.
            (p, Some(s)) if r.netid != "raw" => match s.name(p, r.netid) {
                Some(name) => b.extend_from_slice(name.as_bytes()),
                None => push_u64(b, p.into()),
            },
            (p, _) => push_u64(b, p.into()),
        }
        t.end_cell();
    }
    // The last cell, in ss's order: -p, -o, -e, -m.
    let mut ext = String::new();
    if let Some(users) = users {
        users.write(&mut ext, r.inode);
    }
    if o.timers {
        details::write_timer(&mut ext, r.timer, r.expires, r.retrans);
    }
    if let Some(cgroups) = cgroups.filter(|_| !r.from_proc) {
        use std::fmt::Write as _;
        if r.uid != 0 {
            let _ = write!(ext, " uid:{}", r.uid);
        }
        let _ = write!(ext, " ino:{} sk:{:x}", r.inode, r.cookie);
        if let Some(m) = r.mark.filter(|&m| m != 0) {
            let _ = write!(ext, " fwmark:{m:#x}");
        }
        if let Some(id) = r.cgroup_id.filter(|&id| id != 0) {
            let _ = write!(ext, " cgroup:{}", cgroups.path(id));
        }
        if let (IpAddr::V6(_), Some(v)) = (r.local.ip(), r.v6only) {
            let _ = write!(ext, " v6only:{v}");
        }
        if let Some(m) = r.shutdown {
            let recv = if m & 1 != 0 { '-' } else { '<' };
            let send = if m & 2 != 0 { '-' } else { '>' };
            let _ = write!(ext, " {recv}-{send}");
        }
    }
    // -m and -i share a line of their own (ss's `tcp_show_info`; UDP
    // sockets have none under -i alone, nor a socket read from /proc).
    if (o.memory || (o.info && r.netid != "udp")) && !r.from_proc {
        ext.push_str("\n\t");
        if let Some(skmem) = r.skmem.filter(|_| o.memory) {
            details::write_skmem(&mut ext, "", skmem);
        }
        if o.info {
            let listen = r.state == Some(State::Listen);
            tcpinfo::write_text(&mut ext, &r.tcp, listen, o.timers, o.numeric);
            ulp::write_text(&mut ext, r.tcp.md5sig, r.tcp.ulp);
        }
    }
    t.cell(&ext);
    t.cell("");
}

/// One socket as a JSON object, written straight into `b` (keys fixed,
/// values numbers, addresses and ss's state names: nothing to escape).
fn push_json(b: &mut Vec<u8>, r: &Row<'_>, users: Option<&mut details::Users>) {
    let num = |b: &mut Vec<u8>, key: &str, v: u64| {
        b.extend_from_slice(b",\"");
        b.extend_from_slice(key.as_bytes());
        b.extend_from_slice(b"\":");
        push_u64(b, v);
    };
    b.extend_from_slice(b"{\"netid\":\"");
    b.extend_from_slice(r.netid.as_bytes());
    b.extend_from_slice(b"\",\"state\":\"");
    b.extend_from_slice(r.state.map_or("UNKNOWN", State::ss_name).as_bytes());
    b.push(b'"');
    num(b, "recv-q", r.rq.into());
    num(b, "send-q", r.wq.into());
    for (key, a) in [("local", r.local), ("peer", r.peer)] {
        b.extend_from_slice(b",\"");
        b.extend_from_slice(key.as_bytes());
        b.extend_from_slice(b"\":{\"address\":\"");
        push_ip(b, &a.ip());
        b.extend_from_slice(b"\",\"port\":");
        push_u64(b, a.port().into());
        b.push(b'}');
    }
    num(b, "uid", r.uid.into());
    num(b, "inode", r.inode.into());
    num(b, "cookie", r.cookie);
    if r.ifindex != 0 {
        num(b, "ifindex", r.ifindex.into());
    }
    if r.netid == "raw" {
        num(b, "protocol", r.protocol.into());
    }
    if let Some(m) = r.mark {
        num(b, "mark", m.into());
    }
    if let Some(c) = r.cgroup_id {
        num(b, "cgroup-id", c);
    }
    let yes = |v: bool| if v { &b"true"[..] } else { &b"false"[..] };
    if let Some(v) = r.v6only {
        b.extend_from_slice(b",\"v6only\":");
        b.extend_from_slice(yes(v != 0));
    }
    if r.timer != 0 {
        const NAMES: [&str; 6] = ["off", "on", "keepalive", "timewait", "persist", "unknown"];
        b.extend_from_slice(b",\"timer\":{\"name\":\"");
        b.extend_from_slice(NAMES[usize::from(r.timer.min(5))].as_bytes());
        b.push(b'"');
        num(b, "expires-ms", r.expires.into());
        num(b, "retransmits", r.retrans.into());
        b.push(b'}');
    }
    if let Some(skmem) = r.skmem {
        b.extend_from_slice(b",\"skmem\":");
        b.extend_from_slice(Value::Object(details::skmem_json(skmem)).to_string().as_bytes());
    }
    for (key, v) in tcpinfo::json(&r.tcp).into_iter().chain(ulp::json(r.tcp.md5sig, r.tcp.ulp)) {
        b.extend_from_slice(b",\"");
        b.extend_from_slice(key.as_bytes());
        b.extend_from_slice(b"\":");
        b.extend_from_slice(v.to_string().as_bytes());
    }
    if let Some(users) = users {
        let holders: Vec<Value> = users
            .of(r.inode)
            .into_iter()
            .map(|(name, pid, fd)| serde_json::json!({"name": name, "pid": pid, "fd": fd}))
            .collect();
        b.extend_from_slice(b",\"users\":");
        b.extend_from_slice(Value::Array(holders).to_string().as_bytes());
    }
    if let Some(x) = r.shutdown {
        b.extend_from_slice(b",\"shutdown\":{\"receive\":");
        b.extend_from_slice(yes(x & 1 != 0));
        b.extend_from_slice(b",\"send\":");
        b.extend_from_slice(yes(x & 2 != 0));
        b.push(b'}');
    }
    b.push(b'}');
}

/// cgroup v2 paths by id, as ss's `cg_id_to_path`: the id is the inode
/// number of the cgroup's directory under the cgroup2 mount.
#[derive(Default)]
struct Cgroups {
    by_id: Option<HashMap<u64, String>>,
}

impl Cgroups {
    fn path(&mut self, id: u64) -> String {
        let map = self.by_id.get_or_insert_with(|| {
            let mut map = HashMap::new();
            match cgroup2_mount() {
                Some(root) => walk_cgroups(&root, "", &mut map, 0),
                None => crate::report::note!("Failed to find cgroup2 mount"),
            }
            map
        });
        map.get(&id).cloned().unwrap_or_else(|| format!("unreachable:{id:x}"))
    }
}

fn cgroup2_mount() -> Option<std::path::PathBuf> {
    let mounts = std::fs::read_to_string("/proc/self/mounts").ok()?;
    mounts.lines().find_map(|l| {
        let w: Vec<&str> = l.split(' ').collect();
        (w.get(2) == Some(&"cgroup2")).then(|| w[1].into())
    })
}

/// Records every cgroup directory under `dir` by inode (depth at most 64).
fn walk_cgroups(dir: &std::path::Path, rel: &str, map: &mut HashMap<u64, String>, depth: usize) {
    use std::os::unix::fs::MetadataExt;
    if let Ok(m) = std::fs::metadata(dir) {
        map.insert(m.ino(), if rel.is_empty() { "/".into() } else { rel.into() });
    }
    if depth >= 64 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            let name = e.file_name().to_string_lossy().into_owned();
            walk_cgroups(&e.path(), &format!("{rel}/{name}"), map, depth + 1);
        }
    }
}
