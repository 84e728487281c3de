//! `ethtool` (generic netlink, `<linux/ethtool_netlink.h>`): a device's
//! features, channels and rings, read and changed; its link settings
//! ([`settings`]), pause and coalescing parameters ([`params`]); and,
//! through the legacy ioctl, what netlink has no message for ([`ioctl`]:
//! driver info, statistics). The tables and message
//! numbers are generated from the family's YNL spec ([`tables`],
//! `specs/ynl/6.12/ethtool.yaml`, checked against the pinned uapi header);
//! this module adds the typed results and the requests.
//!
//! Every request names its device in the set's `header` nest
//! (`dev-name`); feature bits come as compact bitsets (one `u32` word per
//! 32 features) and their names from the device's `features` string set.

pub mod ioctl;
pub mod params;
pub mod settings;
pub mod tables;

pub use params::{coalesce, pause, set_coalesce, set_pause, Coalesce, Pause, PauseStats};
pub use settings::{
    debug, link_info, link_modes, link_state, wol, Bit, Bits, LinkInfo, LinkModes, LinkState, Wol,
};

use super::Family;
use crate::engine::{Ack, Get, Request};
use crate::error::{Error, Result};
use crate::genl::GenlMsgHdr;
use crate::proto::View as _;
use nlkit_wire::{Attrs, Error as WireError, Flags, Message, MessageBuilder};
use std::string::String as Text;
use tables::*;

/// The family's name, to resolve it.
pub const FAMILY: &str = "ethtool";

/// `ETH_SS_FEATURES` (`enum ethtool_stringset`, `<linux/ethtool.h>`): the
/// string set naming the feature bits.
pub const ETH_SS_FEATURES: u32 = 4;

/// The request header flag asking for compact bitsets (value and mask
/// words, no names).
const COMPACT: u32 = header_flags::COMPACT_BITSETS;

/// Writes the family header and the set's `header` nest naming `dev`.
fn start(
    b: &mut MessageBuilder<'_, Vec<u8>>,
    family: &Family,
    cmd: u8,
    header_attr: u16,
    dev: &str,
    flags: u32,
) -> Result<(), WireError> {
    b.append(&GenlMsgHdr { cmd, version: family.version as u8, reserved: 0 }.to_bytes())?;
    let nest = b.nest(header_attr)?;
    b.attr_str(ETHTOOL_A_HEADER_DEV_NAME, dev)?;
    if flags != 0 {
        b.attr_u32(ETHTOOL_A_HEADER_FLAGS, flags)?;
    }
    b.nest_end(nest)
}

/// A view's first malformed attribute, as an error.
fn well_formed<'a, V: crate::proto::View<'a>>(v: &V) -> Result<()> {
    match v.malformed().next() {
        Some(bad) => Err(Error::Wire(bad.error)),
        None => Ok(()),
    }
}

/// A device's channels (`channels-get`): each count and its maximum,
/// `None` where the driver has no such channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Channels {
    /// Most receive-only channels.
    pub rx_max: Option<u32>,
    /// Most transmit-only channels.
    pub tx_max: Option<u32>,
    /// Most other channels (link interrupts, SR-IOV).
    pub other_max: Option<u32>,
    /// Most combined channels.
    pub combined_max: Option<u32>,
    /// Receive-only channels.
    pub rx: Option<u32>,
    /// Transmit-only channels.
    pub tx: Option<u32>,
    /// Other channels.
    pub other: Option<u32>,
    /// Combined channels.
    pub combined: Option<u32>,
}

/// Reads the channels of `dev`.
pub fn channels<'a>(family: &'a Family, dev: &'a str) -> impl Request<Output = Channels> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_CHANNELS_GET, ETHTOOL_A_CHANNELS_HEADER, dev, 0)
    };
    Get::new(family.id, body, |m: Message<'_>| {
        let v = tables::Channels::parse(&m)?;
        well_formed(&v)?;
        Ok(Channels {
            rx_max: v.rx_max,
            tx_max: v.tx_max,
            other_max: v.other_max,
            combined_max: v.combined_max,
            rx: v.rx_count,
            tx: v.tx_count,
            other: v.other_count,
            combined: v.combined_count,
        })
    })
}

/// Sets the channel counts given (`channels-set`; `None`: unchanged).
pub fn set_channels<'a>(
    family: &'a Family,
    dev: &'a str,
    want: Channels,
) -> impl Request<Output = ()> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_CHANNELS_SET, ETHTOOL_A_CHANNELS_HEADER, dev, 0)?;
        for (kind, v) in [
            (ETHTOOL_A_CHANNELS_RX_COUNT, want.rx),
            (ETHTOOL_A_CHANNELS_TX_COUNT, want.tx),
            (ETHTOOL_A_CHANNELS_OTHER_COUNT, want.other),
            (ETHTOOL_A_CHANNELS_COMBINED_COUNT, want.combined),
        ] {
            if let Some(v) = v {
                b.attr_u32(kind, v)?;
            }
        }
        Ok(())
    };
    Ack { message_type: family.id, flags: Flags::empty(), body }
}

/// A device's ring sizes (`rings-get`): each size and its maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rings {
    /// Largest receive ring.
    pub rx_max: Option<u32>,
    /// Largest mini receive ring.
    pub rx_mini_max: Option<u32>,
    /// Largest jumbo receive ring.
    pub rx_jumbo_max: Option<u32>,
    /// Largest transmit ring.
    pub tx_max: Option<u32>,
    /// Receive ring size.
    pub rx: Option<u32>,
    /// Mini receive ring size.
    pub rx_mini: Option<u32>,
    /// Jumbo receive ring size.
    pub rx_jumbo: Option<u32>,
    /// Transmit ring size.
    pub tx: Option<u32>,
    /// Receive buffer length.
    pub rx_buf_len: Option<u32>,
    /// Completion queue entry size.
    pub cqe_size: Option<u32>,
    /// Whether transmit push is on (`ETHTOOL_A_RINGS_TX_PUSH`; read only
    /// here).
    pub tx_push: Option<bool>,
    /// TCP header/data split (`ETHTOOL_A_RINGS_TCP_DATA_SPLIT`: 0 unknown,
    /// 1 off, 2 on; read only here).
    pub tcp_data_split: Option<u8>,
}

/// Reads the ring sizes of `dev`.
pub fn rings<'a>(family: &'a Family, dev: &'a str) -> impl Request<Output = Rings> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_RINGS_GET, ETHTOOL_A_RINGS_HEADER, dev, 0)
    };
    Get::new(family.id, body, |m: Message<'_>| {
        let v = tables::Rings::parse(&m)?;
        well_formed(&v)?;
        Ok(Rings {
            rx_max: v.rx_max,
            rx_mini_max: v.rx_mini_max,
            rx_jumbo_max: v.rx_jumbo_max,
            tx_max: v.tx_max,
            rx: v.rx,
            rx_mini: v.rx_mini,
            rx_jumbo: v.rx_jumbo,
            tx: v.tx,
            rx_buf_len: v.rx_buf_len,
            cqe_size: v.cqe_size,
            tx_push: v.tx_push.map(|p| p != 0),
            tcp_data_split: v.tcp_data_split,
        })
    })
}

/// Sets the ring sizes given (`rings-set`; `None`: unchanged).
pub fn set_rings<'a>(
    family: &'a Family,
    dev: &'a str,
    want: Rings,
) -> impl Request<Output = ()> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_RINGS_SET, ETHTOOL_A_RINGS_HEADER, dev, 0)?;
        for (kind, v) in [
            (ETHTOOL_A_RINGS_RX, want.rx),
            (ETHTOOL_A_RINGS_RX_MINI, want.rx_mini),
            (ETHTOOL_A_RINGS_RX_JUMBO, want.rx_jumbo),
            (ETHTOOL_A_RINGS_TX, want.tx),
            (ETHTOOL_A_RINGS_RX_BUF_LEN, want.rx_buf_len),
            (ETHTOOL_A_RINGS_CQE_SIZE, want.cqe_size),
        ] {
            if let Some(v) = v {
                b.attr_u32(kind, v)?;
            }
        }
        Ok(())
    };
    Ack { message_type: family.id, flags: Flags::empty(), body }
}

/// The names of a device's feature bits, by bit (`strset-get` of
/// [`ETH_SS_FEATURES`]); a bit the kernel leaves unnamed is empty.
pub fn feature_names<'a>(
    family: &'a Family,
    dev: &'a str,
) -> impl Request<Output = Vec<Text>> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_STRSET_GET, ETHTOOL_A_STRSET_HEADER, dev, 0)?;
        let sets = b.nest(ETHTOOL_A_STRSET_STRINGSETS)?;
        let set = b.nest(ETHTOOL_A_STRINGSETS_STRINGSET)?;
        b.attr_u32(ETHTOOL_A_STRINGSET_ID, ETH_SS_FEATURES)?;
        b.nest_end(set)?;
        b.nest_end(sets)
    };
    Get::new(family.id, body, |m: Message<'_>| {
        let v = Strset::parse(&m)?;
        well_formed(&v)?;
        let sets = v
            .stringsets
            .ok_or(Error::MissingAttr { set: "strset", attr: "ETHTOOL_A_STRSET_STRINGSETS" })?;
        strings_of(sets.attrs(), ETH_SS_FEATURES)
    })
}

/// The strings of set `id` in a `stringsets` nest, by index.
fn strings_of(sets: Attrs<'_>, id: u32) -> Result<Vec<Text>> {
    for set in sets {
        let set = set?;
        if set.kind() != ETHTOOL_A_STRINGSETS_STRINGSET {
            continue;
        }
        let (mut this, mut count, mut names) = (None, 0usize, Vec::new());
        for a in set.nested() {
            let a = a?;
            match a.kind() {
                ETHTOOL_A_STRINGSET_ID => this = Some(a.u32()?),
                // Bounded: a count is at most what 64 KiB of strings hold.
                ETHTOOL_A_STRINGSET_COUNT => count = (a.u32()? as usize).min(1 << 16),
                ETHTOOL_A_STRINGSET_STRINGS => {
                    for s in a.nested() {
                        let s = s?;
                        let (mut index, mut value) = (None, None);
                        for f in s.nested() {
                            let f = f?;
                            match f.kind() {
                                ETHTOOL_A_STRING_INDEX => index = Some(f.u32()? as usize),
                                ETHTOOL_A_STRING_VALUE => value = Some(f.string()?),
                                _ => {}
                            }
                        }
                        if let (Some(i), Some(v)) = (index, value) {
                            names.push((i, v.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
        if this == Some(id) {
            let len = names.iter().map(|(i, _)| i + 1).max().unwrap_or(0).max(count).min(1 << 16);
            let mut out = vec![Text::new(); len];
            for (i, v) in names {
                if let Some(slot) = out.get_mut(i) {
                    *slot = v;
                }
            }
            return Ok(out);
        }
    }
    Err(Error::MissingAttr { set: "stringsets", attr: "ETHTOOL_A_STRINGSETS_STRINGSET" })
}

/// A device's features (`features-get`), as bits: what the hardware can
/// change (`hw`), what was asked for (`wanted`), what is on (`active`) and
/// what can never change (`nochange`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Features {
    /// How many feature bits there are.
    pub count: usize,
    /// Features the driver lets the user change.
    pub hw: Vec<u32>,
    /// Features asked for.
    pub wanted: Vec<u32>,
    /// Features on.
    pub active: Vec<u32>,
    /// Features that never change.
    pub nochange: Vec<u32>,
}

impl Features {
    /// Whether bit `i` of `words` is set.
    pub fn on(words: &[u32], i: usize) -> bool {
        words.get(i / 32).is_some_and(|w| w & (1 << (i % 32)) != 0)
    }
}

/// A compact bitset's value words.
fn words(set: Option<Bitset<'_>>, name: &'static str) -> Result<(usize, Vec<u32>)> {
    let set = set.ok_or(Error::MissingAttr { set: "features", attr: name })?;
    let size = set.size.unwrap_or(0) as usize;
    let value = set.value.unwrap_or_default();
    let words: Vec<u32> =
        value.chunks_exact(4).map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]])).collect();
    Ok((size, words))
}

/// Reads the features of `dev`.
pub fn features<'a>(family: &'a Family, dev: &'a str) -> impl Request<Output = Features> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_FEATURES_GET, ETHTOOL_A_FEATURES_HEADER, dev, COMPACT)
    };
    Get::new(family.id, body, |m: Message<'_>| {
        let v = tables::Features::parse(&m)?;
        well_formed(&v)?;
        let (count, hw) = words(v.hw, "ETHTOOL_A_FEATURES_HW")?;
        Ok(Features {
            count,
            hw,
            wanted: words(v.wanted, "ETHTOOL_A_FEATURES_WANTED")?.1,
            active: words(v.active, "ETHTOOL_A_FEATURES_ACTIVE")?.1,
            nochange: words(v.nochange, "ETHTOOL_A_FEATURES_NOCHANGE")?.1,
        })
    })
}

/// What a `features-set` came to, from the kernel's reply (compact bitsets
/// of `count` bits): the requested features whose result differs from the
/// request (`wanted_mask`, with the values asked for in `wanted`), and the
/// features whose state changed, requested or not (`active_mask`, with
/// their new values in `active`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeatureChanges {
    /// How many feature bits there are.
    pub count: usize,
    /// The values asked for, of the features in `wanted_mask`.
    pub wanted: Vec<u32>,
    /// Requested features left otherwise than asked.
    pub wanted_mask: Vec<u32>,
    /// The new values, of the features in `active_mask`.
    pub active: Vec<u32>,
    /// Features that changed.
    pub active_mask: Vec<u32>,
}

/// A compact bitset's value and mask words, and its size.
fn value_and_mask(
    set: Option<Bitset<'_>>,
    name: &'static str,
) -> Result<(usize, Vec<u32>, Vec<u32>)> {
    let (size, value) = words(set, name)?;
    let mask = set.and_then(|s| s.mask).unwrap_or_default();
    let mask = mask.chunks_exact(4).map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]])).collect();
    Ok((size, value, mask))
}

/// `features-set` with the kernel's reply asked for: `None` when only the
/// ACK came (kernels before 5.9 left the reply out when nothing changed).
struct SetFeatures<B> {
    family: u16,
    body: B,
    changes: Option<Result<FeatureChanges>>,
}

impl<B> Request for SetFeatures<B>
where
    B: Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>,
{
    type Output = Option<FeatureChanges>;

    fn message_type(&self) -> u16 {
        self.family
    }

    fn flags(&self) -> Flags {
        Flags::ACK
    }

    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        (self.body)(b)
    }

    fn reply(&mut self, m: Message<'_>) -> Result<()> {
        let read = || {
            let v = tables::Features::parse(&m)?;
            well_formed(&v)?;
            let (count, wanted, wanted_mask) =
                value_and_mask(v.wanted, "ETHTOOL_A_FEATURES_WANTED")?;
            let (_, active, active_mask) = value_and_mask(v.active, "ETHTOOL_A_FEATURES_ACTIVE")?;
            Ok(FeatureChanges { count, wanted, wanted_mask, active, active_mask })
        };
        self.changes.get_or_insert_with(read);
        Ok(())
    }

    fn finish(self) -> Result<Option<FeatureChanges>> {
        self.changes.transpose()
    }
}

/// Turns the features named on or off (`features-set`, the wanted bits
/// by name), and gives what the kernel's reply says came of it.
pub fn set_features<'a>(
    family: &'a Family,
    dev: &'a str,
    want: &'a [(Text, bool)],
) -> impl Request<Output = Option<FeatureChanges>> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_FEATURES_SET, ETHTOOL_A_FEATURES_HEADER, dev, COMPACT)?;
        let wanted = b.nest(ETHTOOL_A_FEATURES_WANTED)?;
        let bits = b.nest(ETHTOOL_A_BITSET_BITS)?;
        for (name, on) in want {
            let bit = b.nest(ETHTOOL_A_BITSET_BITS_BIT)?;
            b.attr_str(ETHTOOL_A_BITSET_BIT_NAME, name)?;
            if *on {
                b.attr_flag(ETHTOOL_A_BITSET_BIT_VALUE)?;
            }
            b.nest_end(bit)?;
        }
        b.nest_end(bits)?;
        b.nest_end(wanted)
    };
    SetFeatures { family: family.id, body, changes: None }
}

#[cfg(test)]
mod tests;
