//! `bond`: the common `IFLA_BOND_*` settings (`<linux/if_link.h>`).

use crate::proto::codec::*;
use crate::proto::NoHeader;
use crate::rtnl::uapi::*;

crate::attr_set! {
    /// `bond`: the common `IFLA_BOND_*` settings.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct BondData<'a>: NoHeader, set "linkinfo-bond-attrs" {
        /// `IFLA_BOND_MODE`: `BOND_MODE_*`.
        pub mode: Option<u8> = IFLA_BOND_MODE as U8,
        /// `IFLA_BOND_ACTIVE_SLAVE`: the active port's index.
        pub active_slave: Option<u32> = IFLA_BOND_ACTIVE_SLAVE as U32,
        /// `IFLA_BOND_MIIMON`: link monitoring interval, in ms.
        pub miimon: Option<u32> = IFLA_BOND_MIIMON as U32,
        /// `IFLA_BOND_UPDELAY`, in ms.
        pub updelay: Option<u32> = IFLA_BOND_UPDELAY as U32,
        /// `IFLA_BOND_DOWNDELAY`, in ms.
        pub downdelay: Option<u32> = IFLA_BOND_DOWNDELAY as U32,
        /// `IFLA_BOND_USE_CARRIER`.
        pub use_carrier: Option<bool> = IFLA_BOND_USE_CARRIER as U8OrFlag,
        /// `IFLA_BOND_ARP_INTERVAL`, in ms.
        pub arp_interval: Option<u32> = IFLA_BOND_ARP_INTERVAL as U32,
        /// `IFLA_BOND_PRIMARY`: the primary port's index.
        pub primary: Option<u32> = IFLA_BOND_PRIMARY as U32,
        /// `IFLA_BOND_XMIT_HASH_POLICY`.
        pub xmit_hash_policy: Option<u8> = IFLA_BOND_XMIT_HASH_POLICY as U8,
        /// `IFLA_BOND_MIN_LINKS`.
        pub min_links: Option<u32> = IFLA_BOND_MIN_LINKS as U32,
        /// `IFLA_BOND_AD_LACP_RATE`: 0 slow, 1 fast.
        pub ad_lacp_rate: Option<u8> = IFLA_BOND_AD_LACP_RATE as U8,
    }
    owned
    /// `bond` data to send.
    pub struct BondDataBuilder;
}
