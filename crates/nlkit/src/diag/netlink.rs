//! Netlink sockets (`<linux/netlink_diag.h>`): the request header
//! (`netlink_diag_req`: a protocol or all, what to show), the reply header
//! (`netlink_diag_msg`: protocol, state, port id, the connected peer's
//! port and group, inode, cookie), the attributes (`NETLINK_DIAG_*`:
//! memory, the groups joined, flags) and the dump. Like unix sockets,
//! netlink sockets belong to a network namespace: a dump lists the
//! caller's.
#![allow(missing_docs)] // the NETLINK_DIAG_* kinds and struct fields: named by their C names

use crate::engine::Request;
use crate::error::Result;
use crate::proto::codec::*;

/// `sdiag_protocol` for every protocol.
pub const NDIAG_PROTO_ALL: u8 = 0xff;

/// `ndiag_show` bits: what the kernel adds to each reply.
pub const NDIAG_SHOW_MEMINFO: u32 = 0x1;
pub const NDIAG_SHOW_GROUPS: u32 = 0x2;
/// Deprecated since Linux 4.6 (mmap rings are gone).
pub const NDIAG_SHOW_RING_CFG: u32 = 0x4;
pub const NDIAG_SHOW_FLAGS: u32 = 0x8;

/// `NETLINK_DIAG_FLAGS` bits.
pub const NDIAG_FLAG_CB_RUNNING: u32 = 0x1;
pub const NDIAG_FLAG_PKTINFO: u32 = 0x2;
pub const NDIAG_FLAG_BROADCAST_ERROR: u32 = 0x4;
pub const NDIAG_FLAG_NO_ENOBUFS: u32 = 0x8;
pub const NDIAG_FLAG_LISTEN_ALL_NSID: u32 = 0x10;
pub const NDIAG_FLAG_CAP_ACK: u32 = 0x20;

/// Reply attribute kinds (`NETLINK_DIAG_*`), documented on [`NetlinkDiag`]'s rows.
pub const NETLINK_DIAG_MEMINFO: u16 = 0;
pub const NETLINK_DIAG_GROUPS: u16 = 1;
pub const NETLINK_DIAG_RX_RING: u16 = 2;
pub const NETLINK_DIAG_TX_RING: u16 = 3;
pub const NETLINK_DIAG_FLAGS: u16 = 4;

/// `ndiag_state` of a socket connected to a peer (`connect(2)`).
pub const NETLINK_CONNECTED: u8 = 1;

crate::fixed_struct! {
    /// `struct netlink_diag_req`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct NetlinkDiagReq as "netlink_diag_req" {
        /// `AF_NETLINK`.
        pub family: u8,
        /// A `NETLINK_*` protocol, or [`NDIAG_PROTO_ALL`].
        pub protocol: u8,
        pub pad: u16,
        /// One socket's inode (with the cookie), for a get.
        pub ino: u32,
        /// `NDIAG_SHOW_*`.
        pub show: u32,
        pub cookie_lo: u32,
        pub cookie_hi: u32,
    }
}

crate::fixed_struct! {
    /// `struct netlink_diag_msg`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct NetlinkDiagMsg as "netlink_diag_msg" {
        /// `AF_NETLINK`.
        pub family: u8,
        /// `SOCK_RAW` or `SOCK_DGRAM`.
        pub type_: u8,
        /// The `NETLINK_*` protocol.
        pub protocol: u8,
        /// 0, or [`NETLINK_CONNECTED`].
        pub state: u8,
        /// The socket's port id (0: the kernel's own socket).
        pub portid: u32,
        /// The connected peer's port id.
        pub dst_portid: u32,
        /// The connected peer's group.
        pub dst_group: u32,
        /// The socket's inode.
        pub ino: u32,
        pub cookie_lo: u32,
        pub cookie_hi: u32,
    }
}

crate::fixed_struct! {
    /// `struct netlink_diag_ring` (mmap rings, gone since Linux 4.6).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct NetlinkDiagRing as "netlink_diag_ring" {
        pub block_size: u32,
        pub block_nr: u32,
        pub frame_size: u32,
        pub frame_nr: u32,
    }
}

crate::attr_set! {
    /// One netlink socket: the reply header and its attributes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct NetlinkDiag<'a>: NetlinkDiagMsg, set "netlink-diag" {
        /// `NETLINK_DIAG_MEMINFO`: `SK_MEMINFO_*` u32s.
        pub meminfo: Option<&'a [u8]> = NETLINK_DIAG_MEMINFO as Bin,
        /// `NETLINK_DIAG_GROUPS`: the groups joined, a bit map in
        /// `unsigned long`s (bit `g - 1` for group `g`).
        pub groups: Option<&'a [u8]> = NETLINK_DIAG_GROUPS as Bin,
        /// `NETLINK_DIAG_RX_RING`.
        pub rx_ring: Option<NetlinkDiagRing> = NETLINK_DIAG_RX_RING as Fixed<NetlinkDiagRing>,
        /// `NETLINK_DIAG_TX_RING`.
        pub tx_ring: Option<NetlinkDiagRing> = NETLINK_DIAG_TX_RING as Fixed<NetlinkDiagRing>,
        /// `NETLINK_DIAG_FLAGS`: `NDIAG_FLAG_*`.
        pub flags: Option<u32> = NETLINK_DIAG_FLAGS as U32,
    }
    owned
    /// A socket's reply to send (fixtures, tests).
    pub struct NetlinkDiagBuilder;
}

impl NetlinkDiagMsg {
    /// The socket's cookie.
    pub fn cookie(&self) -> u64 {
        u64::from(self.cookie_hi) << 32 | u64::from(self.cookie_lo)
    }
}

impl NetlinkDiag<'_> {
    /// `SK_MEMINFO_*` value `index` (`<linux/sock_diag.h>`: 0 is the
    /// receive queue's bytes, 2 the send queue's), if sent.
    pub fn meminfo_at(&self, index: usize) -> Option<u32> {
        let b = self.meminfo?.get(index * 4..index * 4 + 4)?;
        Some(u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The groups joined (1-based), from `NETLINK_DIAG_GROUPS`.
    pub fn group_ids(&self) -> impl Iterator<Item = u32> + '_ {
        let bytes = self.groups.unwrap_or(&[]);
        // Native unsigned longs: bit g - 1 of the map is group g.
        let word = std::mem::size_of::<libc::c_ulong>();
        bytes.chunks_exact(word).enumerate().flat_map(move |(i, c)| {
            let mut b = [0u8; 8];
            b[..word].copy_from_slice(c);
            let bits = u64::from_ne_bytes(b);
            (0..word as u32 * 8)
                .filter(move |bit| bits >> bit & 1 == 1)
                .map(move |bit| i as u32 * word as u32 * 8 + bit + 1)
        })
    }
}

/// Every netlink socket of `protocol` (or [`NDIAG_PROTO_ALL`]), with what
/// `show` (`NDIAG_SHOW_*`) asks for, each given to `each` as it comes.
pub fn dump<F>(protocol: u8, show: u32, mut each: F) -> impl Request<Output = ()>
where
    F: FnMut(&NetlinkDiag<'_>) -> Result<()>,
{
    let req = NetlinkDiagReq {
        family: libc::AF_NETLINK as u8,
        protocol,
        show,
        cookie_lo: !0,
        cookie_hi: !0,
        ..Default::default()
    };
    super::dump_by_family(req.to_bytes(), move |m| each(&NetlinkDiag::parse(&m)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::View;
    use nlkit_wire::MessageBuilder;

    #[test]
    fn constants_and_layouts_match_the_pinned_header() {
        let header = include_str!("../../../../tools/uapi/linux-6.1/linux/netlink_diag.h");
        let mut ours: Vec<(&str, i64)> =
            NetlinkDiag::META.attrs.iter().map(|a| (a.c_name, i64::from(a.kind))).collect();
        ours.extend([
            ("NDIAG_SHOW_MEMINFO", NDIAG_SHOW_MEMINFO.into()),
            ("NDIAG_SHOW_GROUPS", NDIAG_SHOW_GROUPS.into()),
            ("NDIAG_SHOW_RING_CFG", NDIAG_SHOW_RING_CFG.into()),
            ("NDIAG_SHOW_FLAGS", NDIAG_SHOW_FLAGS.into()),
            ("NDIAG_FLAG_CB_RUNNING", NDIAG_FLAG_CB_RUNNING.into()),
            ("NDIAG_FLAG_PKTINFO", NDIAG_FLAG_PKTINFO.into()),
            ("NDIAG_FLAG_BROADCAST_ERROR", NDIAG_FLAG_BROADCAST_ERROR.into()),
            ("NDIAG_FLAG_NO_ENOBUFS", NDIAG_FLAG_NO_ENOBUFS.into()),
            ("NDIAG_FLAG_LISTEN_ALL_NSID", NDIAG_FLAG_LISTEN_ALL_NSID.into()),
            ("NDIAG_FLAG_CAP_ACK", NDIAG_FLAG_CAP_ACK.into()),
        ]);
        assert_eq!(ours.len(), 15);
        crate::proto::uapi_check::check(header, &ours);
        // `((__u8) ~0)`, which the checker does not evaluate.
        assert!(header.contains("#define NDIAG_PROTO_ALL\t\t((__u8) ~0)"));
        assert_eq!(NDIAG_PROTO_ALL, !0u8);
        assert_eq!((NetlinkDiagReq::LEN, NetlinkDiagMsg::LEN, NetlinkDiagRing::LEN), (20, 28, 16));
    }

    #[test]
    fn a_reply_reads_its_queues_and_groups_and_reemits() {
        let mut buf = Vec::new();
        let mut meminfo = Vec::new();
        for v in [832u32, 212992, 16, 212992] {
            meminfo.extend_from_slice(&v.to_ne_bytes());
        }
        // Groups 1 and 3, and 66 in the second unsigned long on 64-bit.
        let word = std::mem::size_of::<libc::c_ulong>();
        let mut groups = vec![0u8; 2 * word];
        groups[0] = 0b101;
        groups[word] = 0b10;
        let b = NetlinkDiagBuilder {
            header: NetlinkDiagMsg { family: 16, type_: 3, portid: 77, ..Default::default() },
            meminfo: Some(meminfo),
            groups: Some(groups),
            flags: Some(NDIAG_FLAG_CAP_ACK),
            ..Default::default()
        };
        let mut w = MessageBuilder::new(&mut buf, nlkit_wire::Header::new(20)).unwrap();
        b.emit(&mut w).unwrap();
        w.finish();
        let msg = nlkit_wire::Messages::new(&buf).next().unwrap().unwrap();
        let v = NetlinkDiag::parse(&msg).unwrap();
        assert_eq!((v.header.portid, v.meminfo_at(0), v.meminfo_at(2)), (77, Some(832), Some(16)));
        let second = word as u32 * 8 + 2;
        assert_eq!(v.group_ids().collect::<Vec<_>>(), [1, 3, second]);
        assert_eq!((v.flags, v.unknown().count()), (Some(NDIAG_FLAG_CAP_ACK), 0));
        let mut again = Vec::new();
        let mut w = MessageBuilder::new(&mut again, msg.header()).unwrap();
        v.emit(&mut w).unwrap();
        w.finish();
        assert_eq!(again, buf);
    }
}
