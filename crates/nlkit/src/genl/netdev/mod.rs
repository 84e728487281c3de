//! `netdev` (generic netlink, `<linux/netdev.h>`, Linux 6.3 and later):
//! what each network device can do with XDP and AF_XDP. The tables,
//! commands and flag names are generated from the family's YNL spec
//! ([`tables`], `specs/ynl/latest/netdev.yaml`); this module adds the typed
//! result and the request. Adding another spec family is the same: a
//! generator target, then a small module like this one, then tests.

pub mod tables;

use super::Family;
use crate::engine::Request;
use crate::error::{Error, Result};
use crate::genl::GenlMsgHdr;
use nlkit_wire::{Error as WireError, Flags, Message, MessageBuilder};
use tables::{xdp_act, xdp_rx_metadata, xsk_flags, Dev, NETDEV_CMD_DEV_GET};

/// The family's name, to resolve it.
pub const FAMILY: &str = "netdev";

/// A device as `netdev` describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Device {
    /// The interface index.
    pub ifindex: u32,
    /// XDP features (`xdp-act` bits).
    pub xdp_features: u64,
    /// Most fragments an AF_XDP zero-copy driver takes, where it says.
    pub xdp_zc_max_segs: Option<u32>,
    /// XDP receive metadata the driver exposes (`xdp-rx-metadata` bits).
    pub xdp_rx_metadata_features: u64,
    /// AF_XDP features (`xsk-flags` bits).
    pub xsk_features: u64,
}

/// The names of the bits set in `value`, from a generated `NAMES` table;
/// bits the table does not name come as `bit N`.
pub fn flag_names(value: u64, names: &[(u32, &'static str)]) -> Vec<String> {
    let mut out = Vec::new();
    for bit in 0..64 {
        if value & (1 << bit) != 0 {
            match names.iter().find(|(v, _)| u64::from(*v) == 1 << bit) {
                Some((_, n)) => out.push((*n).to_string()),
                None => out.push(format!("bit {bit}")),
            }
        }
    }
    out
}

impl Device {
    /// Reads a `dev-get` reply.
    pub fn parse(msg: &Message<'_>) -> Result<Device> {
        let v = Dev::parse(msg)?;
        if let Some(bad) = crate::proto::View::malformed(&v).next() {
            return Err(Error::Wire(bad.error));
        }
        let ifindex =
            v.ifindex.ok_or(Error::MissingAttr { set: "dev", attr: "NETDEV_A_DEV_IFINDEX" })?;
        Ok(Device {
            ifindex,
            xdp_features: v.xdp_features.unwrap_or(0),
            xdp_zc_max_segs: v.xdp_zc_max_segs,
            xdp_rx_metadata_features: v.xdp_rx_metadata_features.unwrap_or(0),
            xsk_features: v.xsk_features.unwrap_or(0),
        })
    }

    /// The XDP features by the spec's names (`basic`, `redirect`, ...).
    pub fn xdp_feature_names(&self) -> Vec<String> {
        flag_names(self.xdp_features, xdp_act::NAMES)
    }

    /// The receive metadata by name (`timestamp`, `hash`, `vlan-tag`).
    pub fn xdp_rx_metadata_names(&self) -> Vec<String> {
        flag_names(self.xdp_rx_metadata_features, xdp_rx_metadata::NAMES)
    }

    /// The AF_XDP features by name (`tx-timestamp`, `tx-checksum`).
    pub fn xsk_feature_names(&self) -> Vec<String> {
        flag_names(self.xsk_features, xsk_flags::NAMES)
    }
}

/// Every device of the namespace (a dump of `dev-get`); `family` is the
/// resolved `netdev` family.
pub fn devices(family: &Family) -> Devices<'_> {
    Devices { family, found: Vec::new() }
}

/// The request [`devices`] makes.
#[derive(Debug)]
pub struct Devices<'a> {
    family: &'a Family,
    found: Vec<Device>,
}

impl Request for Devices<'_> {
    type Output = Vec<Device>;

    fn message_type(&self) -> u16 {
        self.family.id
    }

    fn flags(&self) -> Flags {
        Flags::DUMP
    }

    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        let version = self.family.version as u8;
        b.append(&GenlMsgHdr { cmd: NETDEV_CMD_DEV_GET, version, reserved: 0 }.to_bytes())
    }

    fn reply(&mut self, msg: Message<'_>) -> Result<()> {
        self.found.push(Device::parse(&msg)?);
        Ok(())
    }

    fn finish(self) -> Result<Vec<Device>> {
        Ok(self.found)
    }
}
