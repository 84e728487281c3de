//! Unix-domain sockets (`<linux/unix_diag.h>`): the request header
//! (`unix_diag_req`: the states wanted and what to show), the reply header
//! (`unix_diag_msg`: type, state, inode, cookie) and the attributes
//! (`UNIX_DIAG_*`: the bound name, the VFS inode of a path, the peer's
//! inode, pending connections, queue lengths, memory, shutdown, uid), and
//! the dump. Unix sockets belong to a network namespace: a dump lists the
//! caller's (or the one its socket was opened in).
#![allow(missing_docs)] // the UNIX_DIAG_* kinds and struct fields: named by their C names

use crate::engine::Request;
use crate::error::Result;
use crate::proto::codec::*;

/// `udiag_show` bits: what the kernel adds to each reply.
pub const UDIAG_SHOW_NAME: u32 = 0x01;
pub const UDIAG_SHOW_VFS: u32 = 0x02;
pub const UDIAG_SHOW_PEER: u32 = 0x04;
pub const UDIAG_SHOW_ICONS: u32 = 0x08;
pub const UDIAG_SHOW_RQLEN: u32 = 0x10;
pub const UDIAG_SHOW_MEMINFO: u32 = 0x20;
pub const UDIAG_SHOW_UID: u32 = 0x40;

/// Reply attribute kinds (`UNIX_DIAG_*`), documented on [`UnixDiag`]'s rows.
pub const UNIX_DIAG_NAME: u16 = 0;
pub const UNIX_DIAG_VFS: u16 = 1;
pub const UNIX_DIAG_PEER: u16 = 2;
pub const UNIX_DIAG_ICONS: u16 = 3;
pub const UNIX_DIAG_RQLEN: u16 = 4;
pub const UNIX_DIAG_MEMINFO: u16 = 5;
pub const UNIX_DIAG_SHUTDOWN: u16 = 6;
pub const UNIX_DIAG_UID: u16 = 7;

crate::fixed_struct! {
    /// `struct unix_diag_req`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UnixDiagReq as "unix_diag_req" {
        /// `AF_UNIX`.
        pub family: u8,
        /// 0.
        pub protocol: u8,
        pub pad: [u8; 2],
        /// The states wanted: bit `1 << state` each.
        pub states: u32,
        /// One socket's inode (with the cookie), for a get.
        pub ino: u32,
        /// `UDIAG_SHOW_*`.
        pub show: u32,
        pub cookie_lo: u32,
        pub cookie_hi: u32,
    }
}

crate::fixed_struct! {
    /// `struct unix_diag_msg`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UnixDiagMsg as "unix_diag_msg" {
        /// `AF_UNIX`.
        pub family: u8,
        /// `SOCK_STREAM`, `SOCK_DGRAM` or `SOCK_SEQPACKET`.
        pub type_: u8,
        /// The state (TCP's numbers: established, listen, close).
        pub state: u8,
        pub pad: u8,
        /// The socket's inode.
        pub ino: u32,
        pub cookie_lo: u32,
        pub cookie_hi: u32,
    }
}

crate::fixed_struct! {
    /// `struct unix_diag_vfs`: the inode and device of a bound path.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UnixDiagVfs as "unix_diag_vfs" {
        pub vfs_ino: u32,
        pub vfs_dev: u32,
    }
}

crate::fixed_struct! {
    /// `struct unix_diag_rqlen`: the receive queue (a listener: pending
    /// connections) and the send queue (a listener: the backlog).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UnixDiagRqlen as "unix_diag_rqlen" {
        pub rqueue: u32,
        pub wqueue: u32,
    }
}

crate::attr_set! {
    /// One unix socket: the reply header and its attributes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct UnixDiag<'a>: UnixDiagMsg, set "unix-diag" {
        /// `UNIX_DIAG_NAME`: the bound name, a path or (first byte NUL)
        /// an abstract name.
        pub name: Option<&'a [u8]> = UNIX_DIAG_NAME as Bin,
        /// `UNIX_DIAG_VFS`.
        pub vfs: Option<UnixDiagVfs> = UNIX_DIAG_VFS as Fixed<UnixDiagVfs>,
        /// `UNIX_DIAG_PEER`: the peer's inode.
        pub peer: Option<u32> = UNIX_DIAG_PEER as U32,
        /// `UNIX_DIAG_ICONS`: the inodes of connections waiting to be
        /// accepted (u32s).
        pub icons: Option<&'a [u8]> = UNIX_DIAG_ICONS as Bin,
        /// `UNIX_DIAG_RQLEN`.
        pub rqlen: Option<UnixDiagRqlen> = UNIX_DIAG_RQLEN as Fixed<UnixDiagRqlen>,
        /// `UNIX_DIAG_MEMINFO`: `SK_MEMINFO_*` u32s.
        pub meminfo: Option<&'a [u8]> = UNIX_DIAG_MEMINFO as Bin,
        /// `UNIX_DIAG_SHUTDOWN`: bit 0 receive, bit 1 send shut down.
        pub shutdown: Option<u8> = UNIX_DIAG_SHUTDOWN as U8,
        /// `UNIX_DIAG_UID`: the owner's uid (Linux 5.3).
        pub uid: Option<u32> = UNIX_DIAG_UID as U32,
    }
    owned
    /// A socket's reply to send (fixtures, tests).
    pub struct UnixDiagBuilder;
}

impl UnixDiagMsg {
    /// The socket's cookie.
    pub fn cookie(&self) -> u64 {
        u64::from(self.cookie_hi) << 32 | u64::from(self.cookie_lo)
    }
}

/// Every unix socket in `states` (`State::bit`s), with what `show`
/// (`UDIAG_SHOW_*`) asks for, each given to `each` as it comes.
pub fn dump<F>(states: u32, show: u32, mut each: F) -> impl Request<Output = ()>
where
    F: FnMut(&UnixDiag<'_>) -> Result<()>,
{
    let req = UnixDiagReq {
        family: libc::AF_UNIX as u8,
        states,
        show,
        cookie_lo: !0,
        cookie_hi: !0,
        ..Default::default()
    };
    super::dump_by_family(req.to_bytes(), move |m| each(&UnixDiag::parse(&m)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::View;
    use nlkit_wire::MessageBuilder;

    #[test]
    fn constants_and_layouts_match_the_pinned_header() {
        let header = include_str!("../../../../tools/uapi/linux-6.1/linux/unix_diag.h");
        let mut ours: Vec<(&str, i64)> =
            UnixDiag::META.attrs.iter().map(|a| (a.c_name, i64::from(a.kind))).collect();
        ours.extend([
            ("UDIAG_SHOW_NAME", UDIAG_SHOW_NAME.into()),
            ("UDIAG_SHOW_VFS", UDIAG_SHOW_VFS.into()),
            ("UDIAG_SHOW_PEER", UDIAG_SHOW_PEER.into()),
            ("UDIAG_SHOW_ICONS", UDIAG_SHOW_ICONS.into()),
            ("UDIAG_SHOW_RQLEN", UDIAG_SHOW_RQLEN.into()),
            ("UDIAG_SHOW_MEMINFO", UDIAG_SHOW_MEMINFO.into()),
            ("UDIAG_SHOW_UID", UDIAG_SHOW_UID.into()),
        ]);
        assert_eq!(ours.len(), 15);
        crate::proto::uapi_check::check(header, &ours);
        assert_eq!((UnixDiagReq::LEN, UnixDiagMsg::LEN), (24, 16));
    }

    #[test]
    fn a_reply_with_kind_zero_reads_and_reemits() {
        let mut buf = Vec::new();
        let b = UnixDiagBuilder {
            header: UnixDiagMsg { family: 1, type_: 1, state: 10, ino: 77, ..Default::default() },
            name: Some(b"\0abstract".to_vec()),
            peer: Some(78),
            ..Default::default()
        };
        let mut w = MessageBuilder::new(&mut buf, nlkit_wire::Header::new(20)).unwrap();
        b.emit(&mut w).unwrap();
        w.finish();
        let msg = nlkit_wire::Messages::new(&buf).next().unwrap().unwrap();
        let v = UnixDiag::parse(&msg).unwrap();
        assert_eq!((v.header.ino, v.name, v.peer), (77, Some(&b"\0abstract"[..]), Some(78)));
        assert_eq!(v.unknown().count(), 0);
    }
}
