//! Packet sockets (`AF_PACKET`, `<linux/packet_diag.h>`): the request
//! header (`packet_diag_req`: what to show), the reply header
//! (`packet_diag_msg`: type, protocol, inode, cookie) and the attributes
//! (`PACKET_DIAG_*`: the bound interface and flags, multicast list, rings,
//! fanout, owner, memory, filter), and the dump; plus iproute2's names of
//! link-layer protocols (`ETH_P_*`), as `ss` prints them. Packet sockets
//! belong to a network namespace: a dump lists the caller's.
#![allow(missing_docs)] // the PACKET_DIAG_* kinds and struct fields: named by their C names

use crate::engine::Request;
use crate::error::Result;
use crate::proto::codec::*;

/// `pdiag_show` bits: what the kernel adds to each reply.
pub const PACKET_SHOW_INFO: u32 = 0x01;
pub const PACKET_SHOW_MCLIST: u32 = 0x02;
pub const PACKET_SHOW_RING_CFG: u32 = 0x04;
pub const PACKET_SHOW_FANOUT: u32 = 0x08;
pub const PACKET_SHOW_MEMINFO: u32 = 0x10;
pub const PACKET_SHOW_FILTER: u32 = 0x20;

/// Reply attribute kinds (`PACKET_DIAG_*`), documented on [`PacketDiag`]'s rows.
pub const PACKET_DIAG_INFO: u16 = 0;
pub const PACKET_DIAG_MCLIST: u16 = 1;
pub const PACKET_DIAG_RX_RING: u16 = 2;
pub const PACKET_DIAG_TX_RING: u16 = 3;
pub const PACKET_DIAG_FANOUT: u16 = 4;
pub const PACKET_DIAG_UID: u16 = 5;
pub const PACKET_DIAG_MEMINFO: u16 = 6;
pub const PACKET_DIAG_FILTER: u16 = 7;

/// `pdi_flags` bits.
pub const PDI_RUNNING: u32 = 0x1;
pub const PDI_AUXDATA: u32 = 0x2;
pub const PDI_ORIGDEV: u32 = 0x4;
pub const PDI_VNETHDR: u32 = 0x8;
pub const PDI_LOSS: u32 = 0x10;

crate::fixed_struct! {
    /// `struct packet_diag_req`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct PacketDiagReq as "packet_diag_req" {
        /// `AF_PACKET`.
        pub family: u8,
        /// 0.
        pub protocol: u8,
        pub pad: [u8; 2],
        /// One socket's inode (with the cookie), for a get.
        pub ino: u32,
        /// `PACKET_SHOW_*`.
        pub show: u32,
        pub cookie_lo: u32,
        pub cookie_hi: u32,
    }
}

crate::fixed_struct! {
    /// `struct packet_diag_msg`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct PacketDiagMsg as "packet_diag_msg" {
        /// `AF_PACKET`.
        pub family: u8,
        /// `SOCK_RAW` or `SOCK_DGRAM`.
        pub type_: u8,
        /// The protocol bound (`ETH_P_*`; the kernel converts it to host
        /// order, unlike the value socket(2) takes).
        pub num: u16,
        /// The socket's inode.
        pub ino: u32,
        pub cookie_lo: u32,
        pub cookie_hi: u32,
    }
}

crate::fixed_struct! {
    /// `struct packet_diag_info`: the bound interface, the ring version,
    /// copy threshold, timestamping and `PDI_*` flags.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct PacketDiagInfo as "packet_diag_info" {
        pub index: u32,
        pub version: u32,
        pub reserve: u32,
        pub copy_thresh: u32,
        pub tstamp: u32,
        pub flags: u32,
    }
}

crate::fixed_struct! {
    /// `struct packet_diag_ring`: a mapped ring's geometry.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct PacketDiagRing as "packet_diag_ring" {
        pub block_size: u32,
        pub block_nr: u32,
        pub frame_size: u32,
        pub frame_nr: u32,
        pub retire_tmo: u32,
        pub sizeof_priv: u32,
        pub features: u32,
    }
}

crate::attr_set! {
    /// One packet socket: the reply header and its attributes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct PacketDiag<'a>: PacketDiagMsg, set "packet-diag" {
        /// `PACKET_DIAG_INFO`.
        pub info: Option<PacketDiagInfo> = PACKET_DIAG_INFO as Fixed<PacketDiagInfo>,
        /// `PACKET_DIAG_MCLIST`: `struct packet_diag_mclist`s.
        pub mclist: Option<&'a [u8]> = PACKET_DIAG_MCLIST as Bin,
        /// `PACKET_DIAG_RX_RING`.
        pub rx_ring: Option<PacketDiagRing> = PACKET_DIAG_RX_RING as Fixed<PacketDiagRing>,
        /// `PACKET_DIAG_TX_RING`.
        pub tx_ring: Option<PacketDiagRing> = PACKET_DIAG_TX_RING as Fixed<PacketDiagRing>,
        /// `PACKET_DIAG_FANOUT`: group id (low 16 bits) and type (high 16).
        pub fanout: Option<u32> = PACKET_DIAG_FANOUT as U32,
        /// `PACKET_DIAG_UID`: the owner's uid.
        pub uid: Option<u32> = PACKET_DIAG_UID as U32,
        /// `PACKET_DIAG_MEMINFO`: `SK_MEMINFO_*` u32s.
        pub meminfo: Option<&'a [u8]> = PACKET_DIAG_MEMINFO as Bin,
        /// `PACKET_DIAG_FILTER`: the attached classic BPF program
        /// (`struct sock_filter`s).
        pub filter: Option<&'a [u8]> = PACKET_DIAG_FILTER as Bin,
    }
    owned
    /// A socket's reply to send (fixtures, tests).
    pub struct PacketDiagBuilder;
}

impl PacketDiagMsg {
    /// The socket's cookie.
    pub fn cookie(&self) -> u64 {
        u64::from(self.cookie_hi) << 32 | u64::from(self.cookie_lo)
    }

    /// The protocol bound (`ETH_P_ALL` is 3).
    pub fn protocol(&self) -> u16 {
        self.num
    }
}

/// Every packet socket, with what `show` (`PACKET_SHOW_*`) asks for, each
/// given to `each` as it comes.
pub fn dump<F>(show: u32, mut each: F) -> impl Request<Output = ()>
where
    F: FnMut(&PacketDiag<'_>) -> Result<()>,
{
    let req = PacketDiagReq {
        family: libc::AF_PACKET as u8,
        show,
        cookie_lo: !0,
        cookie_hi: !0,
        ..Default::default()
    };
    super::dump_by_family(req.to_bytes(), move |m| each(&PacketDiag::parse(&m)?))
}

/// iproute2 6.1's names of link-layer protocols (lib/ll_proto.c
/// `llproto_names`, in its order: the first match names a number), with
/// their `ETH_P_*` values from `<linux/if_ether.h>`.
pub const ETH_P_NAMES: &[(&str, u16, &str)] = &[
    ("ETH_P_LOOP", 0x0060, "loop"),
    ("ETH_P_PUP", 0x0200, "pup"),
    ("ETH_P_PUPAT", 0x0201, "pupat"),
    ("ETH_P_IP", 0x0800, "ip"),
    ("ETH_P_X25", 0x0805, "x25"),
    ("ETH_P_ARP", 0x0806, "arp"),
    ("ETH_P_BPQ", 0x08FF, "bpq"),
    ("ETH_P_IEEEPUP", 0x0a00, "ieeepup"),
    ("ETH_P_IEEEPUPAT", 0x0a01, "ieeepupat"),
    ("ETH_P_DEC", 0x6000, "dec"),
    ("ETH_P_DNA_DL", 0x6001, "dna_dl"),
    ("ETH_P_DNA_RC", 0x6002, "dna_rc"),
    ("ETH_P_DNA_RT", 0x6003, "dna_rt"),
    ("ETH_P_LAT", 0x6004, "lat"),
    ("ETH_P_DIAG", 0x6005, "diag"),
    ("ETH_P_CUST", 0x6006, "cust"),
    ("ETH_P_SCA", 0x6007, "sca"),
    ("ETH_P_RARP", 0x8035, "rarp"),
    ("ETH_P_ATALK", 0x809B, "atalk"),
    ("ETH_P_AARP", 0x80F3, "aarp"),
    ("ETH_P_IPX", 0x8137, "ipx"),
    ("ETH_P_IPV6", 0x86DD, "ipv6"),
    ("ETH_P_PPP_DISC", 0x8863, "ppp_disc"),
    ("ETH_P_PPP_SES", 0x8864, "ppp_ses"),
    ("ETH_P_ATMMPOA", 0x884c, "atmmpoa"),
    ("ETH_P_ATMFATE", 0x8884, "atmfate"),
    ("ETH_P_802_3", 0x0001, "802_3"),
    ("ETH_P_AX25", 0x0002, "ax25"),
    ("ETH_P_ALL", 0x0003, "all"),
    ("ETH_P_802_2", 0x0004, "802_2"),
    ("ETH_P_SNAP", 0x0005, "snap"),
    ("ETH_P_DDCMP", 0x0006, "ddcmp"),
    ("ETH_P_WAN_PPP", 0x0007, "wan_ppp"),
    ("ETH_P_PPP_MP", 0x0008, "ppp_mp"),
    ("ETH_P_LOCALTALK", 0x0009, "localtalk"),
    ("ETH_P_CAN", 0x000C, "can"),
    ("ETH_P_PPPTALK", 0x0010, "ppptalk"),
    ("ETH_P_TR_802_2", 0x0011, "tr_802_2"),
    ("ETH_P_MOBITEX", 0x0015, "mobitex"),
    ("ETH_P_CONTROL", 0x0016, "control"),
    ("ETH_P_IRDA", 0x0017, "irda"),
    ("ETH_P_ECONET", 0x0018, "econet"),
    ("ETH_P_TIPC", 0x88CA, "tipc"),
    ("ETH_P_PROFINET", 0x8892, "profinet"),
    ("ETH_P_AOE", 0x88A2, "aoe"),
    ("ETH_P_ETHERCAT", 0x88A4, "ethercat"),
    ("ETH_P_8021Q", 0x8100, "802.1Q"),
    ("ETH_P_8021AD", 0x88A8, "802.1ad"),
    ("ETH_P_MPLS_UC", 0x8847, "mpls_uc"),
    ("ETH_P_MPLS_MC", 0x8848, "mpls_mc"),
    ("ETH_P_TEB", 0x6558, "teb"),
    ("", 0x8100, "802.1Q"),
    ("", 0x88cc, "LLDP"),
    ("", 0x0800, "ipv4"),
];

/// iproute2's name for link-layer protocol `p` (host order): the first
/// in [`ETH_P_NAMES`], or `[N]` for one it does not name.
pub fn protocol_name(p: u16) -> std::borrow::Cow<'static, str> {
    match ETH_P_NAMES.iter().find(|(_, v, _)| *v == p) {
        Some((_, _, name)) => (*name).into(),
        None => format!("[{p}]").into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_and_layouts_match_the_pinned_headers() {
        let header = include_str!("../../../../tools/uapi/linux-6.1/linux/packet_diag.h");
        let mut ours: Vec<(&str, i64)> =
            PacketDiag::META.attrs.iter().map(|a| (a.c_name, i64::from(a.kind))).collect();
        ours.extend([
            ("PACKET_SHOW_INFO", PACKET_SHOW_INFO.into()),
            ("PACKET_SHOW_MCLIST", PACKET_SHOW_MCLIST.into()),
            ("PACKET_SHOW_RING_CFG", PACKET_SHOW_RING_CFG.into()),
            ("PACKET_SHOW_FANOUT", PACKET_SHOW_FANOUT.into()),
            ("PACKET_SHOW_MEMINFO", PACKET_SHOW_MEMINFO.into()),
            ("PACKET_SHOW_FILTER", PACKET_SHOW_FILTER.into()),
            ("PDI_RUNNING", PDI_RUNNING.into()),
            ("PDI_AUXDATA", PDI_AUXDATA.into()),
            ("PDI_ORIGDEV", PDI_ORIGDEV.into()),
            ("PDI_VNETHDR", PDI_VNETHDR.into()),
            ("PDI_LOSS", PDI_LOSS.into()),
        ]);
        assert_eq!(ours.len(), 19);
        crate::proto::uapi_check::check(header, &ours);
        assert_eq!((PacketDiagReq::LEN, PacketDiagMsg::LEN), (20, 16));
        assert_eq!((PacketDiagInfo::LEN, PacketDiagRing::LEN), (24, 28));
        let ether = include_str!("../../../../tools/uapi/linux-6.1/linux/if_ether.h");
        let named: Vec<(&str, i64)> = ETH_P_NAMES
            .iter()
            .filter(|(c, _, _)| !c.is_empty())
            .map(|(c, v, _)| (*c, i64::from(*v)))
            .collect();
        assert_eq!(named.len(), 51);
        crate::proto::uapi_check::check(ether, &named);
    }

    #[test]
    fn protocols_are_named_as_iproute2_names_them() {
        assert_eq!(protocol_name(0x0800), "ip");
        assert_eq!(protocol_name(0x86dd), "ipv6");
        assert_eq!(protocol_name(0x88cc), "LLDP");
        assert_eq!(protocol_name(0x1234), "[4660]");
        let m = PacketDiagMsg { num: 0x0806, ..Default::default() };
        assert_eq!(m.protocol(), 0x0806);
    }
}
