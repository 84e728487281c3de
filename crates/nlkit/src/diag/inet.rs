//! Inet sockets (`<linux/inet_diag.h>`): the request header
//! (`inet_diag_req_v2`: family, protocol, the extensions wanted, the
//! states wanted, a socket id), the reply header (`inet_diag_msg`: state,
//! timer, the socket id with both ends, queues, uid, inode) and the reply
//! attributes (`INET_DIAG_*`), and the dump.
//!
//! Ports and addresses in the socket id are in network byte order; the
//! rest in host order. [`InetDiagMsg::local`] and [`InetDiagMsg::peer`]
//! give them as socket addresses.
#![allow(missing_docs)] // the INET_DIAG_* kinds and struct fields: named by their C names

use crate::engine::Request;
use crate::error::Result;
use crate::proto::codec::*;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Request attribute: a filter program (`inet_diag_bc_op`s) run by the kernel.
pub const INET_DIAG_REQ_BYTECODE: u16 = 1;
/// Request attribute: the protocol, when it does not fit the header's byte.
pub const INET_DIAG_REQ_PROTOCOL: u16 = 3;

/// Reply attribute kinds (`INET_DIAG_*`), documented on [`InetDiag`]'s rows.
pub const INET_DIAG_MEMINFO: u16 = 1;
pub const INET_DIAG_INFO: u16 = 2;
pub const INET_DIAG_VEGASINFO: u16 = 3;
pub const INET_DIAG_CONG: u16 = 4;
pub const INET_DIAG_TOS: u16 = 5;
pub const INET_DIAG_TCLASS: u16 = 6;
pub const INET_DIAG_SKMEMINFO: u16 = 7;
pub const INET_DIAG_SHUTDOWN: u16 = 8;
pub const INET_DIAG_DCTCPINFO: u16 = 9;
pub const INET_DIAG_PROTOCOL: u16 = 10;
pub const INET_DIAG_SKV6ONLY: u16 = 11;
pub const INET_DIAG_LOCALS: u16 = 12;
pub const INET_DIAG_PEERS: u16 = 13;
pub const INET_DIAG_PAD: u16 = 14;
pub const INET_DIAG_MARK: u16 = 15;
pub const INET_DIAG_BBRINFO: u16 = 16;
pub const INET_DIAG_CLASS_ID: u16 = 17;
pub const INET_DIAG_MD5SIG: u16 = 18;
pub const INET_DIAG_ULP_INFO: u16 = 19;
pub const INET_DIAG_SK_BPF_STORAGES: u16 = 20;
pub const INET_DIAG_CGROUP_ID: u16 = 21;
pub const INET_DIAG_SOCKOPT: u16 = 22;

crate::fixed_struct! {
    /// `struct inet_diag_req_v2` with its `struct inet_diag_sockid`
    /// flattened: what to dump (or which socket to get).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct InetDiagReqV2 as "inet_diag_req_v2" {
        /// `AF_INET` or `AF_INET6`.
        pub family: u8,
        /// `IPPROTO_TCP`, `IPPROTO_UDP`, `IPPROTO_RAW`, ...
        pub protocol: u8,
        /// The extensions wanted: bit `INET_DIAG_X - 1` for each.
        pub ext: u8,
        /// Raw sockets: the protocol of the raw sockets wanted
        /// (`inet_diag_req_raw`); padding otherwise.
        pub raw_protocol: u8,
        /// The states wanted: bit `1 << state` each.
        pub states: u32,
        /// Source and destination port (network order).
        pub sport: [u8; 2],
        pub dport: [u8; 2],
        /// Source and destination address (network order; IPv4 in the
        /// first 4 bytes).
        pub src: [u8; 16],
        pub dst: [u8; 16],
        /// Interface index.
        pub ifindex: u32,
        /// The socket's cookie (`INET_DIAG_NOCOOKIE`, all ones, for none).
        pub cookie_lo: u32,
        pub cookie_hi: u32,
    }
}

crate::fixed_struct! {
    /// `struct inet_diag_msg` with its `struct inet_diag_sockid` flattened.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct InetDiagMsg as "inet_diag_msg" {
        /// `AF_INET` or `AF_INET6`.
        pub family: u8,
        /// The state (see [`State`](super::State)).
        pub state: u8,
        /// The pending timer: 0 none, 1 retransmit, 2 keepalive, 3
        /// TIME_WAIT, 4 zero-window probe.
        pub timer: u8,
        /// Retransmits (or keepalive probes) so far.
        pub retrans: u8,
        /// Local and remote port (network order).
        pub sport: [u8; 2],
        pub dport: [u8; 2],
        /// Local and remote address (network order; IPv4 in the first 4
        /// bytes).
        pub src: [u8; 16],
        pub dst: [u8; 16],
        /// The bound interface, or 0.
        pub ifindex: u32,
        /// The socket's cookie, low and high halves.
        pub cookie_lo: u32,
        pub cookie_hi: u32,
        /// Milliseconds until the timer fires.
        pub expires: u32,
        /// Receive queue: bytes unread (a listener: connections waiting
        /// to be accepted).
        pub rqueue: u32,
        /// Send queue: bytes unacknowledged (a listener: the backlog).
        pub wqueue: u32,
        /// The owner's uid.
        pub uid: u32,
        /// The socket's inode (0 for request and time-wait sockets).
        pub inode: u32,
    }
    family: family
}

crate::fixed_struct! {
    /// `struct inet_diag_meminfo` (`INET_DIAG_MEMINFO`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct InetDiagMeminfo as "inet_diag_meminfo" {
        pub rmem: u32,
        pub wmem: u32,
        pub fmem: u32,
        pub tmem: u32,
    }
}

crate::attr_set! {
    /// One inet socket: the reply header and its attributes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct InetDiag<'a>: InetDiagMsg, set "inet-diag" {
        /// `INET_DIAG_MEMINFO`.
        pub meminfo: Option<InetDiagMeminfo> = INET_DIAG_MEMINFO as Fixed<InetDiagMeminfo>,
        /// `INET_DIAG_INFO`: `struct tcp_info` for TCP (its length grows
        /// with the kernel).
        pub info: Option<&'a [u8]> = INET_DIAG_INFO as Bin,
        /// `INET_DIAG_VEGASINFO`.
        pub vegasinfo: Option<&'a [u8]> = INET_DIAG_VEGASINFO as Bin,
        /// `INET_DIAG_CONG`: the congestion control algorithm.
        pub cong: Option<&'a str> = INET_DIAG_CONG as Str,
        /// `INET_DIAG_TOS`.
        pub tos: Option<u8> = INET_DIAG_TOS as U8,
        /// `INET_DIAG_TCLASS`.
        pub tclass: Option<u8> = INET_DIAG_TCLASS as U8,
        /// `INET_DIAG_SKMEMINFO`: `SK_MEMINFO_*` u32s.
        pub skmeminfo: Option<&'a [u8]> = INET_DIAG_SKMEMINFO as Bin,
        /// `INET_DIAG_SHUTDOWN`: bit 0 receive, bit 1 send shut down.
        pub shutdown: Option<u8> = INET_DIAG_SHUTDOWN as U8,
        /// `INET_DIAG_DCTCPINFO`.
        pub dctcpinfo: Option<&'a [u8]> = INET_DIAG_DCTCPINFO as Bin,
        /// `INET_DIAG_PROTOCOL`: the protocol (raw sockets: theirs).
        pub protocol: Option<u8> = INET_DIAG_PROTOCOL as U8,
        /// `INET_DIAG_SKV6ONLY`.
        pub skv6only: Option<u8> = INET_DIAG_SKV6ONLY as U8,
        /// `INET_DIAG_LOCALS` (SCTP).
        pub locals: Option<&'a [u8]> = INET_DIAG_LOCALS as Bin,
        /// `INET_DIAG_PEERS` (SCTP).
        pub peers: Option<&'a [u8]> = INET_DIAG_PEERS as Bin,
        /// `INET_DIAG_MARK` (with `CAP_NET_ADMIN`).
        pub mark: Option<u32> = INET_DIAG_MARK as U32,
        /// `INET_DIAG_BBRINFO`.
        pub bbrinfo: Option<&'a [u8]> = INET_DIAG_BBRINFO as Bin,
        /// `INET_DIAG_CLASS_ID`.
        pub class_id: Option<u32> = INET_DIAG_CLASS_ID as U32,
        /// `INET_DIAG_MD5SIG`.
        pub md5sig: Option<&'a [u8]> = INET_DIAG_MD5SIG as Bin,
        /// `INET_DIAG_ULP_INFO`.
        pub ulp_info: Option<&'a [u8]> = INET_DIAG_ULP_INFO as Bin,
        /// `INET_DIAG_SK_BPF_STORAGES`.
        pub sk_bpf_storages: Option<&'a [u8]> = INET_DIAG_SK_BPF_STORAGES as Bin,
        /// `INET_DIAG_CGROUP_ID`: the cgroup v2 id.
        pub cgroup_id: Option<u64> = INET_DIAG_CGROUP_ID as U64,
        /// `INET_DIAG_SOCKOPT`: `struct inet_diag_sockopt` bits.
        pub sockopt: Option<&'a [u8]> = INET_DIAG_SOCKOPT as Bin,
    }
    known {
        /// `INET_DIAG_PAD` (pad).
        pad = INET_DIAG_PAD as Raw,
    }
    owned
    /// A socket's reply to send (fixtures, tests).
    pub struct InetDiagBuilder;
}

fn addr(family: u8, bytes: &[u8; 16], port: [u8; 2]) -> SocketAddr {
    let ip: IpAddr = match i32::from(family) {
        libc::AF_INET => Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).into(),
        _ => Ipv6Addr::from(*bytes).into(),
    };
    SocketAddr::new(ip, u16::from_be_bytes(port))
}

impl InetDiagMsg {
    /// The local end.
    pub fn local(&self) -> SocketAddr {
        addr(self.family, &self.src, self.sport)
    }

    /// The remote end (unspecified, port 0, when unconnected).
    pub fn peer(&self) -> SocketAddr {
        addr(self.family, &self.dst, self.dport)
    }

    /// The socket's cookie: its identity for `SOCK_DESTROY` and `get`.
    pub fn cookie(&self) -> u64 {
        u64::from(self.cookie_hi) << 32 | u64::from(self.cookie_lo)
    }
}

/// What an inet dump asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query {
    /// `AF_INET` or `AF_INET6`.
    pub family: u8,
    /// `IPPROTO_*`.
    pub protocol: u8,
    /// The states wanted (`State::bit`s; [`ALL_STATES`](super::ALL_STATES)).
    pub states: u32,
    /// The extensions wanted: bit `INET_DIAG_X - 1` for each
    /// (`INET_DIAG_MEMINFO`, `INET_DIAG_INFO`, ...).
    pub ext: u8,
}

/// Every socket `q` selects, each given to `each` as it comes (constant
/// memory: nothing is kept). Replies that do not read stop the dump with
/// their error.
pub fn dump<F>(q: Query, mut each: F) -> impl Request<Output = ()>
where
    F: FnMut(&InetDiag<'_>) -> Result<()>,
{
    let req = InetDiagReqV2 {
        family: q.family,
        protocol: q.protocol,
        ext: q.ext,
        states: q.states,
        cookie_lo: !0,
        cookie_hi: !0,
        ..Default::default()
    };
    super::dump_by_family(req.to_bytes(), move |m| each(&InetDiag::parse(&m)?))
}

/// Closes the socket `m` describes (`SOCK_DESTROY`, what `ss -K` sends;
/// needs `CAP_NET_ADMIN` and a kernel with `CONFIG_INET_DIAG_DESTROY`):
/// the request names it by its family, `protocol`, both ends, interface
/// and cookie, as the dump gave them. `raw_protocol` is a raw socket's
/// protocol (0 for others). The kernel answers `EOPNOTSUPP` for a socket
/// it cannot close and `ENOENT` for one already gone.
pub fn destroy(m: &InetDiagMsg, protocol: u8, raw_protocol: u8) -> impl Request<Output = ()> {
    let req = InetDiagReqV2 {
        family: m.family,
        protocol,
        raw_protocol,
        sport: m.sport,
        dport: m.dport,
        src: m.src,
        dst: m.dst,
        ifindex: m.ifindex,
        cookie_lo: m.cookie_lo,
        cookie_hi: m.cookie_hi,
        ..Default::default()
    };
    crate::engine::Ack {
        message_type: super::SOCK_DESTROY,
        flags: nlkit_wire::Flags::empty(),
        body: move |b: &mut nlkit_wire::MessageBuilder<'_, Vec<u8>>| b.append(&req.to_bytes()),
    }
}

/// As [`dump`], with the kernel running `program` (from
/// [`Expr::compile`](super::filter::Expr::compile)) on every socket and
/// sending only those it accepts (`INET_DIAG_REQ_BYTECODE`). A program
/// the kernel's audit refuses fails the request with `EINVAL`; a mark
/// condition without `CAP_NET_ADMIN` with `EPERM`.
pub fn dump_filtered<F>(q: Query, program: Vec<u8>, mut each: F) -> impl Request<Output = ()>
where
    F: FnMut(&InetDiag<'_>) -> Result<()>,
{
    let req = InetDiagReqV2 {
        family: q.family,
        protocol: q.protocol,
        ext: q.ext,
        states: q.states,
        cookie_lo: !0,
        cookie_hi: !0,
        ..Default::default()
    };
    let body = move |b: &mut nlkit_wire::MessageBuilder<'_, Vec<u8>>| {
        b.append(&req.to_bytes())?;
        b.attr(INET_DIAG_REQ_BYTECODE, &program)
    };
    crate::engine::Stream {
        message_type: super::SOCK_DIAG_BY_FAMILY,
        flags: nlkit_wire::Flags::DUMP,
        body,
        each: move |m: nlkit_wire::Message<'_>| each(&InetDiag::parse(&m)?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{State, ALL_STATES, SOCK_DESTROY, SOCK_DIAG_BY_FAMILY};

    #[test]
    fn constants_and_layouts_match_the_pinned_headers() {
        let inet = include_str!("../../../../tools/uapi/linux-6.1/linux/inet_diag.h");
        let sock = include_str!("../../../../tools/uapi/linux-6.1/linux/sock_diag.h");
        let ours: Vec<(&str, i64)> = InetDiag::META
            .attrs
            .iter()
            .map(|a| (a.c_name, i64::from(a.kind)))
            .chain([
                ("INET_DIAG_REQ_BYTECODE", INET_DIAG_REQ_BYTECODE.into()),
                ("INET_DIAG_REQ_PROTOCOL", INET_DIAG_REQ_PROTOCOL.into()),
            ])
            .collect();
        assert_eq!(ours.len(), 24);
        crate::proto::uapi_check::check(inet, &ours);
        crate::proto::uapi_check::check(
            sock,
            &[
                ("SOCK_DIAG_BY_FAMILY", SOCK_DIAG_BY_FAMILY.into()),
                ("SOCK_DESTROY", SOCK_DESTROY.into()),
            ],
        );
        // sizeof from the header: 8 + 48 and 4 + 48 + 20 bytes.
        assert_eq!((InetDiagReqV2::LEN, InetDiagMsg::LEN, InetDiagMeminfo::LEN), (56, 72, 16));
        assert_eq!(ALL_STATES, State::ALL.iter().fold(0, |m, s| m | s.bit()));
    }

    #[test]
    fn a_reply_reads_its_ends_and_cookie() {
        let mut m = InetDiagMsg { family: libc::AF_INET as u8, state: 10, ..Default::default() };
        m.sport = 22u16.to_be_bytes();
        m.src[..4].copy_from_slice(&[127, 0, 0, 1]);
        (m.cookie_lo, m.cookie_hi) = (0x10, 0x2);
        assert_eq!(m.local().to_string(), "127.0.0.1:22");
        assert_eq!(m.peer().to_string(), "0.0.0.0:0");
        assert_eq!(m.cookie(), 0x2_0000_0010);
        assert_eq!(State::from_u8(m.state), Some(State::Listen));
        m.family = libc::AF_INET6 as u8;
        m.src = std::net::Ipv6Addr::LOCALHOST.octets();
        assert_eq!(m.local().to_string(), "[::1]:22");
        assert_eq!(State::from_u8(0), None);
        assert_eq!(State::from_u8(13), None);
    }
}
