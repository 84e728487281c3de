//! The fixed C structures of `<linux/xfrm.h>`, field for field in memory
//! order with the compiler's padding named (`pad*`), as x86-64 and the
//! other 64-bit ABIs lay them out (`xfrm_usersa_info` is 224 bytes there;
//! its `u64` lifetimes align it to 8). Nested structures (`xfrm_selector`
//! inside `xfrm_usersa_info`, ...) are fields of their own type: each
//! nested structure is a [`Prim`] too. Fields the kernel keeps in network
//! byte order (ports, the SPI) are byte arrays; the accessors say which.
#![allow(missing_docs)] // fields are named by their C names

use crate::proto::{FixedStruct, Prim, ValueType};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A structure nested in another: read and written in place.
macro_rules! nested {
    ($($t:ty),*) => {$(
        impl Prim for $t {
            const SIZE: usize = <$t>::LEN;
            const TYPE: ValueType = ValueType::Struct(&<$t as FixedStruct>::META);
            fn get(bytes: &[u8], at: &mut usize) -> Self {
                let v = bytes.get(*at..).and_then(|b| <$t>::parse(b).ok()).unwrap_or_default();
                *at += <$t>::LEN;
                v
            }
            fn put(self, out: &mut [u8], at: &mut usize) {
                if let Some(dst) = out.get_mut(*at..*at + <$t>::LEN) {
                    FixedStruct::write(&self, dst);
                }
                *at += <$t>::LEN;
            }
        }
    )*};
}

crate::fixed_struct! {
    /// `struct xfrm_selector`: which traffic a policy (or an SA) covers.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Selector as "xfrm_selector" {
        /// `xfrm_address_t` (IPv4 in the first 4 bytes).
        pub daddr: [u8; 16],
        pub saddr: [u8; 16],
        /// Network byte order.
        pub dport: [u8; 2],
        pub dport_mask: [u8; 2],
        pub sport: [u8; 2],
        pub sport_mask: [u8; 2],
        pub family: u16,
        pub prefixlen_d: u8,
        pub prefixlen_s: u8,
        pub proto: u8,
        pub pad: [u8; 3],
        pub ifindex: i32,
        pub user: u32,
    }
}

crate::fixed_struct! {
    /// `struct xfrm_id`: destination, SPI (network order), protocol.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Id as "xfrm_id" {
        pub daddr: [u8; 16],
        pub spi: [u8; 4],
        pub proto: u8,
        pub pad: [u8; 3],
    }
}

crate::fixed_struct! {
    /// `struct xfrm_lifetime_cfg`: limits ([`XFRM_INF`]: none).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct LifetimeCfg as "xfrm_lifetime_cfg" {
        pub soft_byte_limit: u64,
        pub hard_byte_limit: u64,
        pub soft_packet_limit: u64,
        pub hard_packet_limit: u64,
        pub soft_add_expires_seconds: u64,
        pub hard_add_expires_seconds: u64,
        pub soft_use_expires_seconds: u64,
        pub hard_use_expires_seconds: u64,
    }
}

/// `XFRM_INF`: no limit.
pub const XFRM_INF: u64 = !0;

impl LifetimeCfg {
    /// No limits (what `ip xfrm` sends unless told).
    pub const INFINITE: LifetimeCfg = LifetimeCfg {
        soft_byte_limit: XFRM_INF,
        hard_byte_limit: XFRM_INF,
        soft_packet_limit: XFRM_INF,
        hard_packet_limit: XFRM_INF,
        soft_add_expires_seconds: 0,
        hard_add_expires_seconds: 0,
        soft_use_expires_seconds: 0,
        hard_use_expires_seconds: 0,
    };
}

crate::fixed_struct! {
    /// `struct xfrm_lifetime_cur`: use so far.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct LifetimeCur as "xfrm_lifetime_cur" {
        pub bytes: u64,
        pub packets: u64,
        pub add_time: u64,
        pub use_time: u64,
    }
}

crate::fixed_struct! {
    /// `struct xfrm_stats`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Stats as "xfrm_stats" {
        pub replay_window: u32,
        pub replay: u32,
        pub integrity_failed: u32,
    }
}

nested!(Selector, Id, LifetimeCfg, LifetimeCur, Stats);

crate::fixed_struct! {
    /// `struct xfrm_usersa_info`: an SA's fixed part.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UsersaInfo as "xfrm_usersa_info" {
        pub sel: Selector,
        pub id: Id,
        pub saddr: [u8; 16],
        pub lft: LifetimeCfg,
        pub curlft: LifetimeCur,
        pub stats: Stats,
        pub seq: u32,
        pub reqid: u32,
        pub family: u16,
        pub mode: u8,
        pub replay_window: u8,
        pub flags: u8,
        pub pad: [u8; 7],
    }
}

crate::fixed_struct! {
    /// `struct xfrm_usersa_id`: what names an SA (get, delete).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UsersaId as "xfrm_usersa_id" {
        pub daddr: [u8; 16],
        /// Network byte order.
        pub spi: [u8; 4],
        pub family: u16,
        pub proto: u8,
        pub pad: u8,
    }
}

crate::fixed_struct! {
    /// `struct xfrm_usersa_flush`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UsersaFlush as "xfrm_usersa_flush" {
        pub proto: u8,
    }
}

crate::fixed_struct! {
    /// `struct xfrm_userpolicy_info`: a policy's fixed part.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UserpolicyInfo as "xfrm_userpolicy_info" {
        pub sel: Selector,
        pub lft: LifetimeCfg,
        pub curlft: LifetimeCur,
        pub priority: u32,
        pub index: u32,
        pub dir: u8,
        pub action: u8,
        pub flags: u8,
        pub share: u8,
        pub pad: [u8; 4],
    }
}

crate::fixed_struct! {
    /// `struct xfrm_userpolicy_id`: what names a policy (get, delete).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UserpolicyId as "xfrm_userpolicy_id" {
        pub sel: Selector,
        pub index: u32,
        pub dir: u8,
        pub pad: [u8; 3],
    }
}

crate::fixed_struct! {
    /// `struct xfrm_user_tmpl`: one template of a policy (`XFRMA_TMPL`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UserTmpl as "xfrm_user_tmpl" {
        pub id: Id,
        pub family: u16,
        pub pad: [u8; 2],
        pub saddr: [u8; 16],
        pub reqid: u32,
        pub mode: u8,
        pub share: u8,
        pub optional: u8,
        pub pad2: u8,
        pub aalgos: u32,
        pub ealgos: u32,
        pub calgos: u32,
    }
}

crate::fixed_struct! {
    /// `struct xfrm_user_expire`: an SA that expired, and whether hard.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UserExpire as "xfrm_user_expire" {
        pub state: UsersaInfo,
        pub hard: u8,
        pub pad: [u8; 7],
    }
}

crate::fixed_struct! {
    /// `struct xfrm_user_polexpire`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UserPolexpire as "xfrm_user_polexpire" {
        pub pol: UserpolicyInfo,
        pub hard: u8,
        pub pad: [u8; 7],
    }
}

nested!(UsersaInfo, UserpolicyInfo);

crate::fixed_struct! {
    /// `struct xfrm_mark` (`XFRMA_MARK`): value and mask.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Mark as "xfrm_mark" {
        pub v: u32,
        pub m: u32,
    }
}

crate::fixed_struct! {
    /// `struct xfrm_encap_tmpl` (`XFRMA_ENCAP`): UDP or TCP encapsulation.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct EncapTmpl as "xfrm_encap_tmpl" {
        pub encap_type: u16,
        /// Network byte order.
        pub encap_sport: [u8; 2],
        pub encap_dport: [u8; 2],
        pub pad: [u8; 2],
        pub encap_oa: [u8; 16],
    }
}

crate::fixed_struct! {
    /// `struct xfrm_replay_state` (`XFRMA_REPLAY_VAL`): windows up to 32.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct ReplayState as "xfrm_replay_state" {
        pub oseq: u32,
        pub seq: u32,
        pub bitmap: u32,
    }
}

crate::fixed_struct! {
    /// `struct xfrm_userpolicy_type` (`XFRMA_POLICY_TYPE`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UserpolicyType as "xfrm_userpolicy_type" {
        pub ptype: u8,
        pub pad: u8,
        pub reserved1: u16,
        pub reserved2: u8,
        pub pad2: u8,
    }
}

/// An `xfrm_address_t` of `family` as an address (`None` for other families).
pub fn address(family: u16, a: &[u8; 16]) -> Option<IpAddr> {
    match i32::from(family) {
        libc::AF_INET => Some(IpAddr::V4(Ipv4Addr::new(a[0], a[1], a[2], a[3]))),
        libc::AF_INET6 => Some(IpAddr::V6(Ipv6Addr::from(*a))),
        _ => None,
    }
}

/// An address as `xfrm_address_t` bytes, and its family.
pub fn xfrm_address(a: &IpAddr) -> ([u8; 16], u16) {
    let mut out = [0u8; 16];
    match a {
        IpAddr::V4(v4) => {
            out[..4].copy_from_slice(&v4.octets());
            (out, libc::AF_INET as u16)
        }
        IpAddr::V6(v6) => (v6.octets(), libc::AF_INET6 as u16),
    }
}

impl Selector {
    /// Whether every byte is zero (ip prints no `sel` line then).
    pub fn is_zero(&self) -> bool {
        *self == Selector::default()
    }
}
