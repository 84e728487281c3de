//! `bridge`: `IFLA_BR_*` (`<linux/if_link.h>`; ip-link(8), "BRIDGE Type
//! Support"): the data table and the settings `ip link add type bridge` takes.

use crate::proto::codec::*;
use crate::proto::NoHeader;
use crate::rtnl::uapi::*;
use nlkit_wire::{Error as WireError, MessageBuilder};

crate::attr_set! {
    /// `bridge`: `IFLA_BR_*`. Times are in hundredths of a second (clock_t
    /// `USER_HZ`), as `ip -d link` prints them.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct BridgeData<'a>: NoHeader, set "linkinfo-bridge-attrs" {
        /// `IFLA_BR_FORWARD_DELAY`.
        pub forward_delay: Option<u32> = IFLA_BR_FORWARD_DELAY as U32,
        /// `IFLA_BR_HELLO_TIME`.
        pub hello_time: Option<u32> = IFLA_BR_HELLO_TIME as U32,
        /// `IFLA_BR_MAX_AGE`.
        pub max_age: Option<u32> = IFLA_BR_MAX_AGE as U32,
        /// `IFLA_BR_AGEING_TIME`.
        pub ageing_time: Option<u32> = IFLA_BR_AGEING_TIME as U32,
        /// `IFLA_BR_STP_STATE`: 0 off, 1 kernel STP, 2 user-space STP.
        pub stp_state: Option<u32> = IFLA_BR_STP_STATE as U32,
        /// `IFLA_BR_PRIORITY`.
        pub priority: Option<u16> = IFLA_BR_PRIORITY as U16,
        /// `IFLA_BR_VLAN_FILTERING`.
        pub vlan_filtering: Option<bool> = IFLA_BR_VLAN_FILTERING as U8OrFlag,
        /// `IFLA_BR_VLAN_PROTOCOL` (`ETH_P_8021Q` or `ETH_P_8021AD`).
        pub vlan_protocol: Option<u16> = IFLA_BR_VLAN_PROTOCOL as Be16,
        /// `IFLA_BR_VLAN_DEFAULT_PVID`.
        pub vlan_default_pvid: Option<u16> = IFLA_BR_VLAN_DEFAULT_PVID as U16,
        /// `IFLA_BR_GROUP_FWD_MASK`.
        pub group_fwd_mask: Option<u16> = IFLA_BR_GROUP_FWD_MASK as U16,
        /// `IFLA_BR_GROUP_ADDR`: the STP group address.
        pub group_addr: Option<&'a [u8]> = IFLA_BR_GROUP_ADDR as Bin,
        /// `IFLA_BR_BRIDGE_ID` (`struct ifla_bridge_id`: priority, then address).
        pub bridge_id: Option<&'a [u8]> = IFLA_BR_BRIDGE_ID as Bin,
        /// `IFLA_BR_ROOT_ID`.
        pub root_id: Option<&'a [u8]> = IFLA_BR_ROOT_ID as Bin,
        /// `IFLA_BR_ROOT_PORT`.
        pub root_port: Option<u16> = IFLA_BR_ROOT_PORT as U16,
        /// `IFLA_BR_ROOT_PATH_COST`.
        pub root_path_cost: Option<u32> = IFLA_BR_ROOT_PATH_COST as U32,
        /// `IFLA_BR_MCAST_SNOOPING`.
        pub mcast_snooping: Option<bool> = IFLA_BR_MCAST_SNOOPING as U8OrFlag,
        /// `IFLA_BR_MCAST_ROUTER`.
        pub mcast_router: Option<u8> = IFLA_BR_MCAST_ROUTER as U8,
        /// `IFLA_BR_MCAST_QUERIER`.
        pub mcast_querier: Option<bool> = IFLA_BR_MCAST_QUERIER as U8OrFlag,
    }
    owned
    /// `bridge` data to send.
    pub struct BridgeDataBuilder;
}

/// Bridge settings (`IFLA_BR_*`); times in hundredths of a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BridgeSpec {
    /// `stp_state`: 0 off, 1 on.
    pub stp_state: Option<u32>,
    /// `forward_delay`.
    pub forward_delay: Option<u32>,
    /// `hello_time`.
    pub hello_time: Option<u32>,
    /// `max_age`.
    pub max_age: Option<u32>,
    /// `ageing_time`.
    pub ageing_time: Option<u32>,
    /// `priority`.
    pub priority: Option<u16>,
    /// `vlan_filtering`.
    pub vlan_filtering: Option<bool>,
}

impl BridgeSpec {
    pub(crate) fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        BridgeDataBuilder {
            stp_state: self.stp_state,
            forward_delay: self.forward_delay,
            hello_time: self.hello_time,
            max_age: self.max_age,
            ageing_time: self.ageing_time,
            priority: self.priority,
            vlan_filtering: self.vlan_filtering,
            ..Default::default()
        }
        .emit(b)
    }
}
