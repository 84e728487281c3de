//! `macvlan` and `macvtap`: `IFLA_MACVLAN_*` (`<linux/if_link.h>`).

use crate::proto::codec::*;
use crate::proto::NoHeader;
use crate::rtnl::uapi::*;

crate::attr_set! {
    /// `macvlan`/`macvtap`: `IFLA_MACVLAN_*`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct MacvlanData<'a>: NoHeader, set "linkinfo-macvlan-attrs" {
        /// `IFLA_MACVLAN_MODE`: `MACVLAN_MODE_*`.
        pub mode: Option<u32> = IFLA_MACVLAN_MODE as U32,
        /// `IFLA_MACVLAN_FLAGS`: `MACVLAN_FLAG_*`.
        pub flags: Option<u16> = IFLA_MACVLAN_FLAGS as U16,
        /// `IFLA_MACVLAN_MACADDR_COUNT` (source mode).
        pub macaddr_count: Option<u32> = IFLA_MACVLAN_MACADDR_COUNT as U32,
        /// `IFLA_MACVLAN_BC_QUEUE_LEN`.
        pub bc_queue_len: Option<u32> = IFLA_MACVLAN_BC_QUEUE_LEN as U32,
        /// `IFLA_MACVLAN_BC_QUEUE_LEN_USED`.
        pub bc_queue_len_used: Option<u32> = IFLA_MACVLAN_BC_QUEUE_LEN_USED as U32,
    }
    owned
    /// `macvlan` data to send.
    pub struct MacvlanDataBuilder;
}
