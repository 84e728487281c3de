//! `ARPHRD_*` names, as `ll_type_n2a` in iproute2's `lib/ll_types.c`.

use crate::rtnl::uapi::*;
use std::borrow::Cow;

/// `ip`'s names, in its order (the first of equal values wins).
const LINK_TYPES: &[(u16, &str)] = &[
    (ARPHRD_NETROM, "netrom"),
    (ARPHRD_ETHER, "ether"),
    (ARPHRD_EETHER, "eether"),
    (ARPHRD_AX25, "ax25"),
    (ARPHRD_PRONET, "pronet"),
    (ARPHRD_CHAOS, "chaos"),
    (ARPHRD_IEEE802, "ieee802"),
    (ARPHRD_ARCNET, "arcnet"),
    (ARPHRD_APPLETLK, "atalk"),
    (ARPHRD_DLCI, "dlci"),
    (ARPHRD_ATM, "atm"),
    (ARPHRD_METRICOM, "metricom"),
    (ARPHRD_IEEE1394, "ieee1394"),
    (ARPHRD_INFINIBAND, "infiniband"),
    (ARPHRD_SLIP, "slip"),
    (ARPHRD_CSLIP, "cslip"),
    (ARPHRD_SLIP6, "slip6"),
    (ARPHRD_CSLIP6, "cslip6"),
    (ARPHRD_RSRVD, "rsrvd"),
    (ARPHRD_ADAPT, "adapt"),
    (ARPHRD_ROSE, "rose"),
    (ARPHRD_X25, "x25"),
    (ARPHRD_HWX25, "hwx25"),
    (ARPHRD_CAN, "can"),
    (ARPHRD_PPP, "ppp"),
    (ARPHRD_HDLC, "hdlc"),
    (ARPHRD_LAPB, "lapb"),
    (ARPHRD_DDCMP, "ddcmp"),
    (ARPHRD_RAWHDLC, "rawhdlc"),
    (ARPHRD_TUNNEL, "ipip"),
    (ARPHRD_TUNNEL6, "tunnel6"),
    (ARPHRD_FRAD, "frad"),
    (ARPHRD_SKIP, "skip"),
    (ARPHRD_LOOPBACK, "loopback"),
    (ARPHRD_LOCALTLK, "ltalk"),
    (ARPHRD_FDDI, "fddi"),
    (ARPHRD_BIF, "bif"),
    (ARPHRD_SIT, "sit"),
    (ARPHRD_IPDDP, "ip/ddp"),
    (ARPHRD_IPGRE, "gre"),
    (ARPHRD_PIMREG, "pimreg"),
    (ARPHRD_HIPPI, "hippi"),
    (ARPHRD_ASH, "ash"),
    (ARPHRD_ECONET, "econet"),
    (ARPHRD_IRDA, "irda"),
    (ARPHRD_FCPP, "fcpp"),
    (ARPHRD_FCAL, "fcal"),
    (ARPHRD_FCPL, "fcpl"),
    (ARPHRD_FCFABRIC, "fcfb0"),
    (ARPHRD_FCFABRIC + 1, "fcfb1"),
    (ARPHRD_FCFABRIC + 2, "fcfb2"),
    (ARPHRD_FCFABRIC + 3, "fcfb3"),
    (ARPHRD_FCFABRIC + 4, "fcfb4"),
    (ARPHRD_FCFABRIC + 5, "fcfb5"),
    (ARPHRD_FCFABRIC + 6, "fcfb6"),
    (ARPHRD_FCFABRIC + 7, "fcfb7"),
    (ARPHRD_FCFABRIC + 8, "fcfb8"),
    (ARPHRD_FCFABRIC + 9, "fcfb9"),
    (ARPHRD_FCFABRIC + 10, "fcfb10"),
    (ARPHRD_FCFABRIC + 11, "fcfb11"),
    (ARPHRD_FCFABRIC + 12, "fcfb12"),
    (ARPHRD_IEEE802_TR, "tr"),
    (ARPHRD_IEEE80211, "ieee802.11"),
    (ARPHRD_IEEE80211_PRISM, "ieee802.11/prism"),
    (ARPHRD_IEEE80211_RADIOTAP, "ieee802.11/radiotap"),
    (ARPHRD_IEEE802154, "ieee802.15.4"),
    (ARPHRD_IEEE802154_MONITOR, "ieee802.15.4/monitor"),
    (ARPHRD_PHONET, "phonet"),
    (ARPHRD_PHONET_PIPE, "phonet_pipe"),
    (ARPHRD_CAIF, "caif"),
    (ARPHRD_IP6GRE, "gre6"),
    (ARPHRD_NETLINK, "netlink"),
    (ARPHRD_6LOWPAN, "6lowpan"),
    (ARPHRD_NONE, "none"),
    (ARPHRD_VOID, "void"),
];

/// A link's `ifi_type` as `ip -j link` prints `"link_type"` (`"ether"`,
/// `"loopback"`, `"none"`, ...), or `"[N]"` for a type `ip` has no name for.
pub fn link_type(t: u16) -> Cow<'static, str> {
    match LINK_TYPES.iter().find(|(k, _)| *k == t) {
        Some((_, name)) => Cow::Borrowed(name),
        None => Cow::Owned(format!("[{t}]")),
    }
}

/// The `ARPHRD_*` type a name of [`link_type`] stands for.
pub fn parse_link_type(s: &str) -> Option<u16> {
    super::reverse(LINK_TYPES, s)
}
