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
        /// `IFLA_BR_TOPOLOGY_CHANGE`.
        pub topology_change: Option<u8> = IFLA_BR_TOPOLOGY_CHANGE as U8,
        /// `IFLA_BR_TOPOLOGY_CHANGE_DETECTED`.
        pub topology_change_detected: Option<u8> = IFLA_BR_TOPOLOGY_CHANGE_DETECTED as U8,
        /// `IFLA_BR_HELLO_TIMER`: hundredths of a second left.
        pub hello_timer: Option<u64> = IFLA_BR_HELLO_TIMER as U64,
        /// `IFLA_BR_TCN_TIMER`.
        pub tcn_timer: Option<u64> = IFLA_BR_TCN_TIMER as U64,
        /// `IFLA_BR_TOPOLOGY_CHANGE_TIMER`.
        pub topology_change_timer: Option<u64> = IFLA_BR_TOPOLOGY_CHANGE_TIMER as U64,
        /// `IFLA_BR_GC_TIMER`.
        pub gc_timer: Option<u64> = IFLA_BR_GC_TIMER as U64,
        /// `IFLA_BR_VLAN_STATS_ENABLED`.
        pub vlan_stats_enabled: Option<u8> = IFLA_BR_VLAN_STATS_ENABLED as U8,
        /// `IFLA_BR_VLAN_STATS_PER_PORT`.
        pub vlan_stats_per_port: Option<u8> = IFLA_BR_VLAN_STATS_PER_PORT as U8,
        /// `IFLA_BR_MULTI_BOOLOPT` (`struct br_boolopt_multi`): values and mask
        /// of `BR_BOOLOPT_*` bits.
        pub multi_boolopt: Option<(u32, u32)> = IFLA_BR_MULTI_BOOLOPT as U32Pair,
        /// `IFLA_BR_MCAST_QUERY_USE_IFADDR`.
        pub mcast_query_use_ifaddr: Option<u8> = IFLA_BR_MCAST_QUERY_USE_IFADDR as U8,
        /// `IFLA_BR_MCAST_HASH_ELASTICITY`.
        pub mcast_hash_elasticity: Option<u32> = IFLA_BR_MCAST_HASH_ELASTICITY as U32,
        /// `IFLA_BR_MCAST_HASH_MAX`.
        pub mcast_hash_max: Option<u32> = IFLA_BR_MCAST_HASH_MAX as U32,
        /// `IFLA_BR_MCAST_LAST_MEMBER_CNT`.
        pub mcast_last_member_cnt: Option<u32> = IFLA_BR_MCAST_LAST_MEMBER_CNT as U32,
        /// `IFLA_BR_MCAST_STARTUP_QUERY_CNT`.
        pub mcast_startup_query_cnt: Option<u32> = IFLA_BR_MCAST_STARTUP_QUERY_CNT as U32,
        /// `IFLA_BR_MCAST_LAST_MEMBER_INTVL` (hundredths of a second).
        pub mcast_last_member_intvl: Option<u64> = IFLA_BR_MCAST_LAST_MEMBER_INTVL as U64,
        /// `IFLA_BR_MCAST_MEMBERSHIP_INTVL`.
        pub mcast_membership_intvl: Option<u64> = IFLA_BR_MCAST_MEMBERSHIP_INTVL as U64,
        /// `IFLA_BR_MCAST_QUERIER_INTVL`.
        pub mcast_querier_intvl: Option<u64> = IFLA_BR_MCAST_QUERIER_INTVL as U64,
        /// `IFLA_BR_MCAST_QUERY_INTVL`.
        pub mcast_query_intvl: Option<u64> = IFLA_BR_MCAST_QUERY_INTVL as U64,
        /// `IFLA_BR_MCAST_QUERY_RESPONSE_INTVL`.
        pub mcast_query_response_intvl: Option<u64> = IFLA_BR_MCAST_QUERY_RESPONSE_INTVL as U64,
        /// `IFLA_BR_MCAST_STARTUP_QUERY_INTVL`.
        pub mcast_startup_query_intvl: Option<u64> = IFLA_BR_MCAST_STARTUP_QUERY_INTVL as U64,
        /// `IFLA_BR_MCAST_STATS_ENABLED`.
        pub mcast_stats_enabled: Option<u8> = IFLA_BR_MCAST_STATS_ENABLED as U8,
        /// `IFLA_BR_MCAST_IGMP_VERSION`.
        pub mcast_igmp_version: Option<u8> = IFLA_BR_MCAST_IGMP_VERSION as U8,
        /// `IFLA_BR_MCAST_MLD_VERSION`.
        pub mcast_mld_version: Option<u8> = IFLA_BR_MCAST_MLD_VERSION as U8,
        /// `IFLA_BR_NF_CALL_IPTABLES`.
        pub nf_call_iptables: Option<u8> = IFLA_BR_NF_CALL_IPTABLES as U8,
        /// `IFLA_BR_NF_CALL_IP6TABLES`.
        pub nf_call_ip6tables: Option<u8> = IFLA_BR_NF_CALL_IP6TABLES as U8,
        /// `IFLA_BR_NF_CALL_ARPTABLES`.
        pub nf_call_arptables: Option<u8> = IFLA_BR_NF_CALL_ARPTABLES as U8,
    }
    known {
        /// `IFLA_BR_MCAST_QUERIER_STATE`: a nest of the querier's state.
        mcast_querier_state = IFLA_BR_MCAST_QUERIER_STATE as Bin,
        /// `IFLA_BR_PAD`: alignment padding for 64-bit values.
        pad = IFLA_BR_PAD as Bin,
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

crate::attr_set! {
    /// A bridge port's data (`IFLA_INFO_SLAVE_DATA` when the master is a
    /// bridge): `IFLA_BRPORT_*`. On/off settings are `u8`s (0 off).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct BridgePortData<'a>: NoHeader, set "linkinfo-brport-attrs" {
        /// `IFLA_BRPORT_STATE`: `BR_STATE_*` (disabled, listening, learning,
        /// forwarding, blocking).
        pub state: Option<u8> = IFLA_BRPORT_STATE as U8,
        /// `IFLA_BRPORT_PRIORITY`.
        pub priority: Option<u16> = IFLA_BRPORT_PRIORITY as U16,
        /// `IFLA_BRPORT_COST`.
        pub cost: Option<u32> = IFLA_BRPORT_COST as U32,
        /// `IFLA_BRPORT_MODE`: hairpin.
        pub mode: Option<u8> = IFLA_BRPORT_MODE as U8,
        /// `IFLA_BRPORT_GUARD`: BPDU guard.
        pub guard: Option<u8> = IFLA_BRPORT_GUARD as U8,
        /// `IFLA_BRPORT_PROTECT`: root block.
        pub protect: Option<u8> = IFLA_BRPORT_PROTECT as U8,
        /// `IFLA_BRPORT_FAST_LEAVE`.
        pub fast_leave: Option<u8> = IFLA_BRPORT_FAST_LEAVE as U8,
        /// `IFLA_BRPORT_LEARNING`.
        pub learning: Option<u8> = IFLA_BRPORT_LEARNING as U8,
        /// `IFLA_BRPORT_UNICAST_FLOOD`.
        pub unicast_flood: Option<u8> = IFLA_BRPORT_UNICAST_FLOOD as U8,
        /// `IFLA_BRPORT_PROXYARP`.
        pub proxyarp: Option<u8> = IFLA_BRPORT_PROXYARP as U8,
        /// `IFLA_BRPORT_LEARNING_SYNC`.
        pub learning_sync: Option<u8> = IFLA_BRPORT_LEARNING_SYNC as U8,
        /// `IFLA_BRPORT_PROXYARP_WIFI`.
        pub proxyarp_wifi: Option<u8> = IFLA_BRPORT_PROXYARP_WIFI as U8,
        /// `IFLA_BRPORT_ROOT_ID` (`struct ifla_bridge_id`).
        pub root_id: Option<&'a [u8]> = IFLA_BRPORT_ROOT_ID as Bin,
        /// `IFLA_BRPORT_BRIDGE_ID` (`struct ifla_bridge_id`).
        pub bridge_id: Option<&'a [u8]> = IFLA_BRPORT_BRIDGE_ID as Bin,
        /// `IFLA_BRPORT_DESIGNATED_PORT`.
        pub designated_port: Option<u16> = IFLA_BRPORT_DESIGNATED_PORT as U16,
        /// `IFLA_BRPORT_DESIGNATED_COST`.
        pub designated_cost: Option<u16> = IFLA_BRPORT_DESIGNATED_COST as U16,
        /// `IFLA_BRPORT_ID`.
        pub id: Option<u16> = IFLA_BRPORT_ID as U16,
        /// `IFLA_BRPORT_NO`.
        pub no: Option<u16> = IFLA_BRPORT_NO as U16,
        /// `IFLA_BRPORT_TOPOLOGY_CHANGE_ACK`.
        pub topology_change_ack: Option<u8> = IFLA_BRPORT_TOPOLOGY_CHANGE_ACK as U8,
        /// `IFLA_BRPORT_CONFIG_PENDING`.
        pub config_pending: Option<u8> = IFLA_BRPORT_CONFIG_PENDING as U8,
        /// `IFLA_BRPORT_MESSAGE_AGE_TIMER` (hundredths of a second).
        pub message_age_timer: Option<u64> = IFLA_BRPORT_MESSAGE_AGE_TIMER as U64,
        /// `IFLA_BRPORT_FORWARD_DELAY_TIMER`.
        pub forward_delay_timer: Option<u64> = IFLA_BRPORT_FORWARD_DELAY_TIMER as U64,
        /// `IFLA_BRPORT_HOLD_TIMER`.
        pub hold_timer: Option<u64> = IFLA_BRPORT_HOLD_TIMER as U64,
        /// `IFLA_BRPORT_FLUSH`: flush the port's FDB entries (sent, never received).
        pub flush: Option<bool> = IFLA_BRPORT_FLUSH as Flag,
        /// `IFLA_BRPORT_MULTICAST_ROUTER`.
        pub multicast_router: Option<u8> = IFLA_BRPORT_MULTICAST_ROUTER as U8,
        /// `IFLA_BRPORT_MCAST_FLOOD`.
        pub mcast_flood: Option<u8> = IFLA_BRPORT_MCAST_FLOOD as U8,
        /// `IFLA_BRPORT_MCAST_TO_UCAST`.
        pub mcast_to_ucast: Option<u8> = IFLA_BRPORT_MCAST_TO_UCAST as U8,
        /// `IFLA_BRPORT_VLAN_TUNNEL`.
        pub vlan_tunnel: Option<u8> = IFLA_BRPORT_VLAN_TUNNEL as U8,
        /// `IFLA_BRPORT_BCAST_FLOOD`.
        pub bcast_flood: Option<u8> = IFLA_BRPORT_BCAST_FLOOD as U8,
        /// `IFLA_BRPORT_GROUP_FWD_MASK`.
        pub group_fwd_mask: Option<u16> = IFLA_BRPORT_GROUP_FWD_MASK as U16,
        /// `IFLA_BRPORT_NEIGH_SUPPRESS`.
        pub neigh_suppress: Option<u8> = IFLA_BRPORT_NEIGH_SUPPRESS as U8,
        /// `IFLA_BRPORT_ISOLATED`.
        pub isolated: Option<u8> = IFLA_BRPORT_ISOLATED as U8,
        /// `IFLA_BRPORT_BACKUP_PORT`: the backup port's index.
        pub backup_port: Option<u32> = IFLA_BRPORT_BACKUP_PORT as U32,
        /// `IFLA_BRPORT_MRP_RING_OPEN`.
        pub mrp_ring_open: Option<u8> = IFLA_BRPORT_MRP_RING_OPEN as U8,
        /// `IFLA_BRPORT_MRP_IN_OPEN`.
        pub mrp_in_open: Option<u8> = IFLA_BRPORT_MRP_IN_OPEN as U8,
        /// `IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT`.
        pub mcast_eht_hosts_limit: Option<u32> = IFLA_BRPORT_MCAST_EHT_HOSTS_LIMIT as U32,
        /// `IFLA_BRPORT_MCAST_EHT_HOSTS_CNT`.
        pub mcast_eht_hosts_cnt: Option<u32> = IFLA_BRPORT_MCAST_EHT_HOSTS_CNT as U32,
        /// `IFLA_BRPORT_LOCKED`.
        pub locked: Option<u8> = IFLA_BRPORT_LOCKED as U8,
    }
    known {
        /// `IFLA_BRPORT_PAD`: alignment padding for 64-bit values.
        pad = IFLA_BRPORT_PAD as Bin,
    }
    owned
    /// Bridge port data to send (`ip link set DEV type bridge_slave ...`).
    pub struct BridgePortDataBuilder;
}
