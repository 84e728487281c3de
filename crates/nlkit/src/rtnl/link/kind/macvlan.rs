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
        /// `IFLA_MACVLAN_MACADDR_DATA`: source mode's addresses, a nest of
        /// `IFLA_MACVLAN_MACADDR` (see [`MacvlanData::source_macs`]).
        pub macaddr_data: Option<&'a [u8]> = IFLA_MACVLAN_MACADDR_DATA as Bin,
        /// `IFLA_MACVLAN_MACADDR_MODE`: `MACVLAN_MACADDR_*` (sent to change
        /// the source list).
        pub macaddr_mode: Option<u32> = IFLA_MACVLAN_MACADDR_MODE as U32,
        /// `IFLA_MACVLAN_MACADDR`: one source address (sent).
        pub macaddr: Option<&'a [u8]> = IFLA_MACVLAN_MACADDR as Bin,
    }
    owned
    /// `macvlan` data to send.
    pub struct MacvlanDataBuilder;
}

impl<'a> MacvlanData<'a> {
    /// Source mode's addresses: each `IFLA_MACVLAN_MACADDR` in
    /// `IFLA_MACVLAN_MACADDR_DATA` of at least 6 bytes, its first 6.
    pub fn source_macs(&self) -> impl Iterator<Item = &'a [u8]> + 'a {
        nlkit_wire::Attrs::new(self.macaddr_data.unwrap_or(&[]))
            .map_while(Result::ok)
            .filter(|a| a.kind() == IFLA_MACVLAN_MACADDR)
            .filter_map(|a| a.payload().get(..6))
    }
}
