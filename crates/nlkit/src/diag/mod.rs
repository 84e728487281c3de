//! Socket diagnostics (`NETLINK_SOCK_DIAG`, `<linux/sock_diag.h>`; see
//! sock_diag(7)): the kernel's own list of sockets, per address family,
//! with their state, queues, owner, inode and, on request, memory and
//! protocol details. It is what `ss` reads instead of `/proc/net/*`.
//!
//! - [`inet`]: TCP, UDP, raw (and the other inet protocols the kernel has
//!   diag modules for) over IPv4 and IPv6 (`<linux/inet_diag.h>`); with
//!   [`filter`], the kernel filters them by address, port, interface,
//!   mark or cgroup; [`destroyed`] hears of sockets as they close.
//! - [`unix`]: unix-domain sockets (`<linux/unix_diag.h>`).
//! - [`netlink`]: netlink sockets (`<linux/netlink_diag.h>`).
//! - [`packet`]: packet sockets (`<linux/packet_diag.h>`).
//!
//! Every request is `SOCK_DIAG_BY_FAMILY` with a family-specific fixed
//! header; replies carry the same type. The tables are written by hand in
//! the generated format (the kernel has no spec for this family) and
//! checked against the pinned headers in `tools/uapi/`.

pub mod destroyed;
pub mod filter;
pub mod inet;
pub mod netlink;
pub mod packet;
pub mod tcp_info;
pub mod unix;

/// `SOCK_DIAG_BY_FAMILY`: the request (and reply) type of every family.
pub const SOCK_DIAG_BY_FAMILY: u16 = 20;

/// A `SOCK_DIAG_BY_FAMILY` dump: the family's request header, then every
/// reply handed to `each` (which reads it as the family's view).
fn dump_by_family<const N: usize>(
    request: [u8; N],
    each: impl FnMut(nlkit_wire::Message<'_>) -> crate::error::Result<()>,
) -> impl crate::engine::Request<Output = ()> {
    let body = move |b: &mut nlkit_wire::MessageBuilder<'_, Vec<u8>>| b.append(&request);
    crate::engine::Stream {
        message_type: SOCK_DIAG_BY_FAMILY,
        flags: nlkit_wire::Flags::DUMP,
        body,
        each,
    }
}
/// `SOCK_DESTROY`: close a socket (`ss -K`; needs `CAP_NET_ADMIN`).
pub const SOCK_DESTROY: u16 = 21;

/// The protocol's socket states as the kernel numbers them
/// (`include/net/tcp_states.h`, not in the uapi; glibc's
/// `<netinet/tcp.h>` has the same `TCP_*`), with `ss`'s names. UDP and raw
/// sockets use the same numbers: `Close` is an unconnected one, shown as
/// `UNCONN`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum State {
    /// `TCP_ESTABLISHED`.
    Established = 1,
    /// `TCP_SYN_SENT`.
    SynSent = 2,
    /// `TCP_SYN_RECV`.
    SynRecv = 3,
    /// `TCP_FIN_WAIT1`.
    FinWait1 = 4,
    /// `TCP_FIN_WAIT2`.
    FinWait2 = 5,
    /// `TCP_TIME_WAIT`.
    TimeWait = 6,
    /// `TCP_CLOSE`.
    Close = 7,
    /// `TCP_CLOSE_WAIT`.
    CloseWait = 8,
    /// `TCP_LAST_ACK`.
    LastAck = 9,
    /// `TCP_LISTEN`.
    Listen = 10,
    /// `TCP_CLOSING`.
    Closing = 11,
    /// `TCP_NEW_SYN_RECV`: a request socket (dumped as `SynRecv` by
    /// kernels since 4.4).
    NewSynRecv = 12,
}

impl State {
    /// Every state, in number order.
    pub const ALL: [State; 12] = [
        State::Established,
        State::SynSent,
        State::SynRecv,
        State::FinWait1,
        State::FinWait2,
        State::TimeWait,
        State::Close,
        State::CloseWait,
        State::LastAck,
        State::Listen,
        State::Closing,
        State::NewSynRecv,
    ];

    /// The state numbered `n`, if there is one.
    pub fn from_u8(n: u8) -> Option<State> {
        State::ALL.get(usize::from(n).wrapping_sub(1)).copied()
    }

    /// Its bit in a request's state mask (`1 << state`).
    pub fn bit(self) -> u32 {
        1 << self as u8
    }

    /// `ss`'s name for it (`ESTAB`, `LISTEN`, `UNCONN`, ...).
    pub fn ss_name(self) -> &'static str {
        match self {
            State::Established => "ESTAB",
            State::SynSent => "SYN-SENT",
            State::SynRecv | State::NewSynRecv => "SYN-RECV",
            State::FinWait1 => "FIN-WAIT-1",
            State::FinWait2 => "FIN-WAIT-2",
            State::TimeWait => "TIME-WAIT",
            State::Close => "UNCONN",
            State::CloseWait => "CLOSE-WAIT",
            State::LastAck => "LAST-ACK",
            State::Listen => "LISTEN",
            State::Closing => "CLOSING",
        }
    }
}

/// Every state's bit: a request for sockets in any state.
pub const ALL_STATES: u32 = 0x1ffe;
