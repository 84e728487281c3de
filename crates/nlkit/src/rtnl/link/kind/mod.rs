//! One file per link kind nlkit reads and makes: its `IFLA_INFO_DATA`
//! table (a view, a builder, metadata), its settings for `ip link add`
//! where nlkit makes it, and its helpers. [`LinkData`](super::info::LinkData)
//! dispatches on the kind's name.

pub mod bond;
pub mod bridge;
pub mod macvlan;
pub mod tun;
pub mod veth;
pub mod vlan;
pub mod vxlan;

pub use bond::{BondData, BondDataBuilder};
pub use bridge::{
    BridgeData, BridgeDataBuilder, BridgePortData, BridgePortDataBuilder, BridgeSpec,
};
pub use macvlan::{MacvlanData, MacvlanDataBuilder};
pub use tun::{TunData, TunDataBuilder};
pub use veth::{LinkPeer, VethData, VethDataBuilder};
pub use vlan::{VlanData, VlanDataBuilder};
pub use vxlan::{VxlanData, VxlanDataBuilder, VxlanSpec};
