//! `tun`: `IFLA_TUN_*` (`<linux/if_link.h>`, `<linux/if_tun.h>`): tun and
//! tap devices, made with `TUNSETIFF`, described over netlink.

use crate::proto::codec::*;
use crate::proto::NoHeader;
use crate::rtnl::uapi::*;

crate::attr_set! {
    /// `tun`: `IFLA_TUN_*` (tun and tap devices; made with `TUNSETIFF`, not
    /// over netlink).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct TunData<'a>: NoHeader, set "linkinfo-tun-attrs" {
        /// `IFLA_TUN_TYPE`: `IFF_TUN` or `IFF_TAP`.
        pub tun_type: Option<u8> = IFLA_TUN_TYPE as U8,
        /// `IFLA_TUN_PI`: packets carry `struct tun_pi`.
        pub pi: Option<bool> = IFLA_TUN_PI as U8OrFlag,
        /// `IFLA_TUN_VNET_HDR`: packets carry `struct virtio_net_hdr`.
        pub vnet_hdr: Option<bool> = IFLA_TUN_VNET_HDR as U8OrFlag,
        /// `IFLA_TUN_PERSIST`: the device outlives its file descriptors.
        pub persist: Option<bool> = IFLA_TUN_PERSIST as U8OrFlag,
        /// `IFLA_TUN_MULTI_QUEUE`.
        pub multi_queue: Option<bool> = IFLA_TUN_MULTI_QUEUE as U8OrFlag,
        /// `IFLA_TUN_OWNER`: the uid allowed to attach (absent: any).
        pub owner: Option<u32> = IFLA_TUN_OWNER as U32,
        /// `IFLA_TUN_GROUP`: the gid allowed to attach (absent: any).
        pub group: Option<u32> = IFLA_TUN_GROUP as U32,
        /// `IFLA_TUN_NUM_QUEUES` (multi-queue devices).
        pub num_queues: Option<u32> = IFLA_TUN_NUM_QUEUES as U32,
        /// `IFLA_TUN_NUM_DISABLED_QUEUES`.
        pub num_disabled_queues: Option<u32> = IFLA_TUN_NUM_DISABLED_QUEUES as U32,
    }
    owned
    /// `tun` data (the kernel sends it; tun devices are not made over netlink).
    pub struct TunDataBuilder;
}

impl TunData<'_> {
    /// Whether this is a tap (Ethernet frames) rather than a tun (IP packets).
    pub fn is_tap(&self) -> bool {
        self.tun_type.is_some_and(|t| u32::from(t) == IFF_TAP)
    }
}
