//! Sockets as the kernel destroys them: the `SKNLGRP_*_DESTROY` multicast
//! groups of `NETLINK_SOCK_DIAG` (`<linux/sock_diag.h>`), one group per
//! address family and protocol, each message an inet socket's last state
//! in the dump's format (`ss -E`). Joining needs `CAP_NET_ADMIN`.

use super::inet::InetDiag;
use super::SOCK_DIAG_BY_FAMILY;
use crate::error::Result;
use crate::sub::{Sender, Source, Unit};

/// `SKNLGRP_INET_TCP_DESTROY` (`enum`, `<linux/sock_diag.h>`).
pub const SKNLGRP_INET_TCP_DESTROY: u32 = 1;
/// `SKNLGRP_INET_UDP_DESTROY`.
pub const SKNLGRP_INET_UDP_DESTROY: u32 = 2;
/// `SKNLGRP_INET6_TCP_DESTROY`.
pub const SKNLGRP_INET6_TCP_DESTROY: u32 = 3;
/// `SKNLGRP_INET6_UDP_DESTROY`.
pub const SKNLGRP_INET6_UDP_DESTROY: u32 = 4;

/// Which destroyed sockets to hear of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Destroyed {
    /// TCP over IPv4.
    pub tcp4: bool,
    /// UDP over IPv4.
    pub udp4: bool,
    /// TCP over IPv6.
    pub tcp6: bool,
    /// UDP over IPv6.
    pub udp6: bool,
}

/// One destroyed socket, or a message of another type (kept by its type).
// Yielded one at a time, borrowing the datagram: boxing the view would
// allocate per socket for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The socket as it was when destroyed.
    Socket(InetDiag<'a>),
    /// A message that is not `SOCK_DIAG_BY_FAMILY`.
    Other(u16),
}

impl Source for Destroyed {
    type Event<'a> = Event<'a>;

    fn protocol(&self) -> crate::Protocol {
        crate::Protocol::SOCK_DIAG
    }

    fn groups(&self) -> Vec<u32> {
        [
            (self.tcp4, SKNLGRP_INET_TCP_DESTROY),
            (self.udp4, SKNLGRP_INET_UDP_DESTROY),
            (self.tcp6, SKNLGRP_INET6_TCP_DESTROY),
            (self.udp6, SKNLGRP_INET6_UDP_DESTROY),
        ]
        .into_iter()
        .filter_map(|(on, g)| on.then_some(g))
        .collect()
    }

    /// The kernel only: any process may send to a group.
    fn admit(&self, sender: &Sender) -> std::result::Result<(), &'static str> {
        match sender.port {
            0 => Ok(()),
            _ => Err("not from the kernel (port id is not 0)"),
        }
    }

    fn decode<'a>(&self, unit: Unit<'a>) -> Result<Event<'a>> {
        let Unit::Message(m) = unit else { return Ok(Event::Other(0)) };
        match u16::from(m.message_type()) {
            SOCK_DIAG_BY_FAMILY => Ok(Event::Socket(InetDiag::parse(&m)?)),
            other => Ok(Event::Other(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_match_the_pinned_header() {
        let sock = include_str!("../../../../tools/uapi/linux-6.1/linux/sock_diag.h");
        crate::proto::uapi_check::check(
            sock,
            &[
                ("SKNLGRP_INET_TCP_DESTROY", SKNLGRP_INET_TCP_DESTROY.into()),
                ("SKNLGRP_INET_UDP_DESTROY", SKNLGRP_INET_UDP_DESTROY.into()),
                ("SKNLGRP_INET6_TCP_DESTROY", SKNLGRP_INET6_TCP_DESTROY.into()),
                ("SKNLGRP_INET6_UDP_DESTROY", SKNLGRP_INET6_UDP_DESTROY.into()),
            ],
        );
        let all = Destroyed { tcp4: true, udp4: true, tcp6: true, udp6: true };
        assert_eq!(all.groups(), [1, 2, 3, 4]);
        assert_eq!(Destroyed { udp6: true, ..Default::default() }.groups(), [4]);
    }
}
