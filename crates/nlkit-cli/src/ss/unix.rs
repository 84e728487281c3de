//! `nlkit ss -x`: unix sockets ([`nlkit::diag::unix`]) as ss 6.1's
//! `unix_show_sock` prints them (netid by type, the bound name or `*`,
//! the inode, `*` and the peer's inode; with `-e` the shutdown arrows, the
//! VFS inode and device of a path, and pending connections), or as JSON.

use super::render::Table;
use super::words::Options;
use crate::out::writer::{escape, push_u64};
use nlkit::diag::filter::OtherFacts;
use nlkit::diag::unix::UnixDiag;
use nlkit::diag::State;
use std::fmt::Write as _;

/// ss's name for a socket type.
fn netid(type_: u8) -> &'static str {
    match i32::from(type_) {
        libc::SOCK_STREAM => "u_str",
        libc::SOCK_SEQPACKET => "u_seq",
        _ => "u_dgr",
    }
}

/// What ss's filter reads of a unix socket: its name (`name`, as
/// [`name`] gives it), its inode and its peer's.
pub fn facts<'a>(v: &UnixDiag<'_>, name: &'a str) -> OtherFacts<'a> {
    OtherFacts {
        family: libc::AF_UNIX as u8,
        name: v.name.is_some().then_some(name),
        protocol: 0,
        local: v.header.ino.into(),
        remote: v.peer.unwrap_or(0).into(),
        ifindex: 0,
    }
}

/// The bound name as ss prints it: a path as is, an abstract name with its
/// NULs (the first one included) as `@`; `*` when unbound.
pub fn name(v: &UnixDiag<'_>) -> String {
    match v.name {
        Some(n) if n.first() == Some(&0) => String::from_utf8_lossy(n).replace('\0', "@"),
        // A path ends at its NUL, as the C string ss makes of it.
        Some(n) => {
            let end = n.iter().position(|&b| b == 0).unwrap_or(n.len());
            String::from_utf8_lossy(&n[..end]).into_owned()
        }
        None => "*".into(),
    }
}

/// One socket's cells.
pub fn push_row(
    t: &mut Table,
    o: &Options,
    v: &UnixDiag<'_>,
    users: Option<&mut super::details::Users>,
) {
    let h = &v.header;
    if o.dbs() > 1 {
        t.cell(netid(h.type_));
    }
    if o.states.count_ones() > 1 {
        t.cell(State::from_u8(h.state).map_or("UNKNOWN", State::ss_name));
    }
    let (rq, wq) = v.rqlen.map_or((0, 0), |q| (q.rqueue, q.wqueue));
    for q in [rq, wq] {
        let b = t.buf();
        let start = b.len();
        push_u64(b, q.into());
        let pad = 6usize.saturating_sub(b.len() - start);
        b.resize(b.len() + pad, b' ');
        t.end_cell();
    }
    t.cell(&format!("{} ", name(v)));
    push_u64(t.buf(), h.ino.into());
    t.end_cell();
    t.cell("* ");
    push_u64(t.buf(), v.peer.unwrap_or(0).into());
    t.end_cell();
    // In ss's order: -p, -m, -e.
    let mut ext = String::new();
    if let Some(users) = users {
        users.write(&mut ext, h.ino);
    }
    if let Some(mem) = v.meminfo.filter(|_| o.memory) {
        super::details::write_skmem(&mut ext, "", mem);
    }
    if o.extended {
        if let Some(m) = v.shutdown {
            let recv = if m & 1 != 0 { '-' } else { '<' };
            let send = if m & 2 != 0 { '-' } else { '>' };
            let _ = write!(ext, " {recv}-{send}");
        }
        if let Some(vfs) = v.vfs {
            let dev = u64::from(vfs.vfs_dev);
            let _ =
                write!(ext, " ino:{} dev:{}/{}", vfs.vfs_ino, libc::major(dev), libc::minor(dev));
        }
        if let Some(icons) = v.icons {
            ext.push_str(" peers:");
            for c in icons.chunks_exact(4) {
                let _ = write!(ext, " {}", u32::from_ne_bytes([c[0], c[1], c[2], c[3]]));
            }
        }
    }
    t.cell(&ext);
    t.cell("");
}

/// One socket as a JSON object.
pub fn push_json(b: &mut Vec<u8>, v: &UnixDiag<'_>) {
    let h = &v.header;
    let (rq, wq) = v.rqlen.map_or((0, 0), |q| (q.rqueue, q.wqueue));
    b.extend_from_slice(b"{\"netid\":\"");
    b.extend_from_slice(netid(h.type_).as_bytes());
    b.extend_from_slice(b"\",\"state\":\"");
    b.extend_from_slice(State::from_u8(h.state).map_or("UNKNOWN", State::ss_name).as_bytes());
    b.extend_from_slice(b"\",\"recv-q\":");
    push_u64(b, rq.into());
    b.extend_from_slice(b",\"send-q\":");
    push_u64(b, wq.into());
    if v.name.is_some() {
        b.extend_from_slice(b",\"name\":\"");
        escape(b, &name(v));
        b.push(b'"');
    }
    b.extend_from_slice(b",\"inode\":");
    push_u64(b, h.ino.into());
    if let Some(p) = v.peer {
        b.extend_from_slice(b",\"peer-inode\":");
        push_u64(b, p.into());
    }
    b.extend_from_slice(b",\"cookie\":");
    push_u64(b, h.cookie());
    b.push(b'}');
}
