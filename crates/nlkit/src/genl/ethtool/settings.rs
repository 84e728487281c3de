//! The messages behind `ethtool DEV` (its default view): link modes
//! (`linkmodes-get`), link info (`linkinfo-get`), link state
//! (`linkstate-get`), Wake-on-LAN (`wol-get`) and the driver's message
//! level (`debug-get`). Bitsets are asked for in their verbose form (each
//! bit with its index and name), as ethtool 6.1 asks for them.

use super::tables::{self, *};
use super::{start, well_formed};
use crate::engine::{Get, Request};
use crate::error::Result;
use crate::genl::Family;
use nlkit_wire::{Message, MessageBuilder};
use std::string::String as Text;

/// `ETHTOOL_LINK_MODE_Pause_BIT` (`<linux/ethtool.h>`).
pub const LINK_MODE_PAUSE: u32 = 13;
/// `ETHTOOL_LINK_MODE_Asym_Pause_BIT`.
pub const LINK_MODE_ASYM_PAUSE: u32 = 14;
/// `ETHTOOL_LINK_MODE_Autoneg_BIT`.
pub const LINK_MODE_AUTONEG: u32 = 6;

/// One bit of a bitset: its index, the kernel's name for it, and whether
/// it is set (in a set with a mask, every listed bit is in the mask).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bit {
    /// The bit's index.
    pub index: u32,
    /// Its name (empty when the kernel sent none: a compact bitset).
    pub name: Text,
    /// Whether the bit is set in the value.
    pub value: bool,
}

/// A bitset as a list of bits (`ETHTOOL_A_BITSET_*`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bits {
    /// A list without a mask: every listed bit is set.
    pub nomask: bool,
    /// The bits listed (with a mask: the mask's bits).
    pub bits: Vec<Bit>,
}

impl Bits {
    /// Whether bit `index` is in the mask (`mask`) or set in the value.
    pub fn get(&self, index: u32, mask: bool) -> bool {
        self.bits.iter().any(|b| b.index == index && (b.value || (mask && !self.nomask)))
    }

    /// The bits set in the value, or (`mask`) in the mask.
    pub fn listed(&self, mask: bool) -> impl Iterator<Item = &Bit> {
        self.bits.iter().filter(move |b| mask || b.value)
    }

    /// Reads a bitset nest: the verbose bit list, or the compact words
    /// (bits without names).
    pub fn parse(set: &Bitset<'_>) -> Result<Bits> {
        let nomask = set.nomask.unwrap_or(false);
        let mut bits = Vec::new();
        if let Some(list) = set.bits {
            use crate::proto::View as _;
            for a in list.attrs() {
                let a = a?;
                if a.kind() != ETHTOOL_A_BITSET_BITS_BIT {
                    continue;
                }
                let b = BitsetBit::parse_payload(a.payload())?;
                let (Some(index), Some(name)) = (b.index, b.name) else { continue };
                let value = nomask || b.value.unwrap_or(false);
                bits.push(Bit { index, name: name.to_string(), value });
            }
            return Ok(Bits { nomask, bits });
        }
        let word = |b: Option<&[u8]>, i: usize| {
            b.and_then(|b| b.get(i / 32 * 4..i / 32 * 4 + 4)).is_some_and(|w| {
                u32::from_ne_bytes([w[0], w[1], w[2], w[3]]) & (1 << (i % 32)) != 0
            })
        };
        // Bounded: a size is at most what the words hold.
        let held = set.value.map_or(0, |v| v.len() * 8);
        let size = (set.size.unwrap_or(0) as usize).min(held);
        for i in 0..size {
            let value = word(set.value, i);
            let listed = if nomask { value } else { word(set.mask, i) };
            if listed {
                bits.push(Bit { index: i as u32, name: Text::new(), value });
            }
        }
        Ok(Bits { nomask, bits })
    }
}

fn bits(set: Option<Bitset<'_>>) -> Result<Option<Bits>> {
    set.as_ref().map(Bits::parse).transpose()
}

/// A device's link modes (`linkmodes-get`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkModes {
    /// Supported (mask) and advertised (value) modes.
    pub ours: Option<Bits>,
    /// The link partner's advertised modes.
    pub peer: Option<Bits>,
    /// Speed in Mb/s.
    pub speed: Option<u32>,
    /// Lanes.
    pub lanes: Option<u32>,
    /// `DUPLEX_*`.
    pub duplex: Option<u8>,
    /// `AUTONEG_*`.
    pub autoneg: Option<u8>,
    /// `MASTER_SLAVE_CFG_*`.
    pub master_slave_cfg: Option<u8>,
    /// `MASTER_SLAVE_STATE_*`.
    pub master_slave_state: Option<u8>,
}

/// Reads the link modes of `dev` (`flags`: the request header's, e.g.
/// compact bitsets).
pub fn link_modes<'a>(
    family: &'a Family,
    dev: &'a str,
    flags: u32,
) -> impl Request<Output = LinkModes> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_LINKMODES_GET, ETHTOOL_A_LINKMODES_HEADER, dev, flags)
    };
    Get::new(family.id, body, |m: Message<'_>| {
        let v = Linkmodes::parse(&m)?;
        well_formed(&v)?;
        Ok(LinkModes {
            ours: bits(v.ours)?,
            peer: bits(v.peer)?,
            speed: v.speed,
            lanes: v.lanes,
            duplex: v.duplex,
            autoneg: v.autoneg,
            master_slave_cfg: v.master_slave_cfg,
            master_slave_state: v.master_slave_state,
        })
    })
}

/// A device's port and PHY (`linkinfo-get`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkInfo {
    /// `PORT_*`.
    pub port: Option<u8>,
    /// The PHY's address.
    pub phyaddr: Option<u8>,
    /// `ETH_TP_MDI*` status.
    pub tp_mdix: Option<u8>,
    /// `ETH_TP_MDI*` control.
    pub tp_mdix_ctrl: Option<u8>,
    /// `XCVR_*`.
    pub transceiver: Option<u8>,
}

/// Reads the link info of `dev`.
pub fn link_info<'a>(family: &'a Family, dev: &'a str) -> impl Request<Output = LinkInfo> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_LINKINFO_GET, ETHTOOL_A_LINKINFO_HEADER, dev, 0)
    };
    Get::new(family.id, body, |m: Message<'_>| {
        let v = Linkinfo::parse(&m)?;
        well_formed(&v)?;
        Ok(LinkInfo {
            port: v.port,
            phyaddr: v.phyaddr,
            tp_mdix: v.tp_mdix,
            tp_mdix_ctrl: v.tp_mdix_ctrl,
            transceiver: v.transceiver,
        })
    })
}

/// A device's link state (`linkstate-get`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkState {
    /// Whether the link is up.
    pub link: Option<bool>,
    /// Signal quality index.
    pub sqi: Option<u32>,
    /// Its maximum.
    pub sqi_max: Option<u32>,
    /// `ETHTOOL_LINK_EXT_STATE_*`: why the link is down.
    pub ext_state: Option<u8>,
    /// The state's substate.
    pub ext_substate: Option<u8>,
}

/// Reads the link state of `dev`.
pub fn link_state<'a>(family: &'a Family, dev: &'a str) -> impl Request<Output = LinkState> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_LINKSTATE_GET, ETHTOOL_A_LINKSTATE_HEADER, dev, 0)
    };
    Get::new(family.id, body, |m: Message<'_>| {
        let v = Linkstate::parse(&m)?;
        well_formed(&v)?;
        Ok(LinkState {
            link: v.link.map(|l| l != 0),
            sqi: v.sqi,
            sqi_max: v.sqi_max,
            ext_state: v.ext_state,
            ext_substate: v.ext_substate,
        })
    })
}

/// Wake-on-LAN (`wol-get`): supported modes (mask) and enabled (value),
/// bit `i` being `WAKE_*` `1 << i`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Wol {
    /// The modes.
    pub modes: Bits,
    /// The SecureOn password, when the kernel sent one.
    pub sopass: Option<Vec<u8>>,
}

/// Reads the Wake-on-LAN settings of `dev`.
pub fn wol<'a>(family: &'a Family, dev: &'a str) -> impl Request<Output = Wol> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_WOL_GET, ETHTOOL_A_WOL_HEADER, dev, 0)
    };
    Get::new(family.id, body, |m: Message<'_>| {
        let v = tables::Wol::parse(&m)?;
        well_formed(&v)?;
        Ok(Wol { modes: bits(v.modes)?.unwrap_or_default(), sopass: v.sopass.map(<[u8]>::to_vec) })
    })
}

/// Reads the driver's message level of `dev` (`debug-get`): its bits
/// with the kernel's names.
pub fn debug<'a>(family: &'a Family, dev: &'a str) -> impl Request<Output = Option<Bits>> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_DEBUG_GET, ETHTOOL_A_DEBUG_HEADER, dev, 0)
    };
    Get::new(family.id, body, |m: Message<'_>| {
        let v = tables::Debug::parse(&m)?;
        well_formed(&v)?;
        bits(v.msgmask)
    })
}
