//! Pause frames (`pause-get`, `pause-set`) and interrupt coalescing
//! (`coalesce-get`, `coalesce-set`) of a device; a field left `None` in a
//! set request is left unchanged.

use super::tables::{self, *};
use super::{start, well_formed};
use crate::engine::{Ack, Get, Request};
use crate::genl::Family;
use nlkit_wire::{Flags, Message, MessageBuilder};

/// A device's pause settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pause {
    /// Pause autonegotiation.
    pub autoneg: Option<bool>,
    /// Receive pause frames.
    pub rx: Option<bool>,
    /// Send pause frames.
    pub tx: Option<bool>,
    /// The pause frame counters, when asked for and the driver keeps them
    /// (`ETHTOOL_A_PAUSE_STATS`; a set request ignores them).
    pub stats: Option<PauseStats>,
}

/// Pause frames counted by the device (`ETHTOOL_A_PAUSE_STAT_*`): each
/// `None` where the driver does not count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PauseStats {
    /// Pause frames sent.
    pub tx_frames: Option<u64>,
    /// Pause frames received.
    pub rx_frames: Option<u64>,
}

/// Reads the pause settings of `dev`, and with `stats` its pause frame
/// counters (`ETHTOOL_FLAG_STATS`, as `ethtool -I -a`).
pub fn pause<'a>(
    family: &'a Family,
    dev: &'a str,
    stats: bool,
) -> impl Request<Output = Pause> + 'a {
    let flags = if stats { header_flags::STATS } else { 0 };
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_PAUSE_GET, ETHTOOL_A_PAUSE_HEADER, dev, flags)
    };
    Get::new(family.id, body, |m: Message<'_>| {
        let v = tables::Pause::parse(&m)?;
        well_formed(&v)?;
        let on = |x: Option<u8>| x.map(|x| x != 0);
        let stats = v.stats.map(|s| PauseStats { tx_frames: s.tx_frames, rx_frames: s.rx_frames });
        Ok(Pause { autoneg: on(v.autoneg), rx: on(v.rx), tx: on(v.tx), stats })
    })
}

/// Sets the pause settings given.
pub fn set_pause<'a>(
    family: &'a Family,
    dev: &'a str,
    want: Pause,
) -> impl Request<Output = ()> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_PAUSE_SET, ETHTOOL_A_PAUSE_HEADER, dev, 0)?;
        for (kind, v) in [
            (ETHTOOL_A_PAUSE_AUTONEG, want.autoneg),
            (ETHTOOL_A_PAUSE_RX, want.rx),
            (ETHTOOL_A_PAUSE_TX, want.tx),
        ] {
            if let Some(v) = v {
                b.attr_u8(kind, v as u8)?;
            }
        }
        Ok(())
    };
    Ack { message_type: family.id, flags: Flags::empty(), body }
}

/// A device's interrupt coalescing parameters (`ETHTOOL_A_COALESCE_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(missing_docs)] // Each field is the attribute of its name.
pub struct Coalesce {
    pub rx_usecs: Option<u32>,
    pub rx_max_frames: Option<u32>,
    pub rx_usecs_irq: Option<u32>,
    pub rx_max_frames_irq: Option<u32>,
    pub tx_usecs: Option<u32>,
    pub tx_max_frames: Option<u32>,
    pub tx_usecs_irq: Option<u32>,
    pub tx_max_frames_irq: Option<u32>,
    pub stats_block_usecs: Option<u32>,
    pub use_adaptive_rx: Option<bool>,
    pub use_adaptive_tx: Option<bool>,
    pub pkt_rate_low: Option<u32>,
    pub rx_usecs_low: Option<u32>,
    pub rx_max_frames_low: Option<u32>,
    pub tx_usecs_low: Option<u32>,
    pub tx_max_frames_low: Option<u32>,
    pub pkt_rate_high: Option<u32>,
    pub rx_usecs_high: Option<u32>,
    pub rx_max_frames_high: Option<u32>,
    pub tx_usecs_high: Option<u32>,
    pub tx_max_frames_high: Option<u32>,
    pub rate_sample_interval: Option<u32>,
    pub use_cqe_mode_tx: Option<bool>,
    pub use_cqe_mode_rx: Option<bool>,
}

impl Coalesce {
    /// The numeric fields with their attribute kinds.
    fn numbers(&self) -> [(u16, Option<u32>); 20] {
        [
            (ETHTOOL_A_COALESCE_RX_USECS, self.rx_usecs),
            (ETHTOOL_A_COALESCE_RX_MAX_FRAMES, self.rx_max_frames),
            (ETHTOOL_A_COALESCE_RX_USECS_IRQ, self.rx_usecs_irq),
            (ETHTOOL_A_COALESCE_RX_MAX_FRAMES_IRQ, self.rx_max_frames_irq),
            (ETHTOOL_A_COALESCE_TX_USECS, self.tx_usecs),
            (ETHTOOL_A_COALESCE_TX_MAX_FRAMES, self.tx_max_frames),
            (ETHTOOL_A_COALESCE_TX_USECS_IRQ, self.tx_usecs_irq),
            (ETHTOOL_A_COALESCE_TX_MAX_FRAMES_IRQ, self.tx_max_frames_irq),
            (ETHTOOL_A_COALESCE_STATS_BLOCK_USECS, self.stats_block_usecs),
            (ETHTOOL_A_COALESCE_PKT_RATE_LOW, self.pkt_rate_low),
            (ETHTOOL_A_COALESCE_RX_USECS_LOW, self.rx_usecs_low),
            (ETHTOOL_A_COALESCE_RX_MAX_FRAMES_LOW, self.rx_max_frames_low),
            (ETHTOOL_A_COALESCE_TX_USECS_LOW, self.tx_usecs_low),
            (ETHTOOL_A_COALESCE_TX_MAX_FRAMES_LOW, self.tx_max_frames_low),
            (ETHTOOL_A_COALESCE_PKT_RATE_HIGH, self.pkt_rate_high),
            (ETHTOOL_A_COALESCE_RX_USECS_HIGH, self.rx_usecs_high),
            (ETHTOOL_A_COALESCE_RX_MAX_FRAMES_HIGH, self.rx_max_frames_high),
            (ETHTOOL_A_COALESCE_TX_USECS_HIGH, self.tx_usecs_high),
            (ETHTOOL_A_COALESCE_TX_MAX_FRAMES_HIGH, self.tx_max_frames_high),
            (ETHTOOL_A_COALESCE_RATE_SAMPLE_INTERVAL, self.rate_sample_interval),
        ]
    }

    /// The on/off fields with their attribute kinds.
    fn switches(&self) -> [(u16, Option<bool>); 4] {
        [
            (ETHTOOL_A_COALESCE_USE_ADAPTIVE_RX, self.use_adaptive_rx),
            (ETHTOOL_A_COALESCE_USE_ADAPTIVE_TX, self.use_adaptive_tx),
            (ETHTOOL_A_COALESCE_USE_CQE_MODE_TX, self.use_cqe_mode_tx),
            (ETHTOOL_A_COALESCE_USE_CQE_MODE_RX, self.use_cqe_mode_rx),
        ]
    }
}

/// Reads the coalescing parameters of `dev`.
pub fn coalesce<'a>(family: &'a Family, dev: &'a str) -> impl Request<Output = Coalesce> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_COALESCE_GET, ETHTOOL_A_COALESCE_HEADER, dev, 0)
    };
    Get::new(family.id, body, |m: Message<'_>| {
        let v = tables::Coalesce::parse(&m)?;
        well_formed(&v)?;
        let on = |x: Option<u8>| x.map(|x| x != 0);
        Ok(Coalesce {
            rx_usecs: v.rx_usecs,
            rx_max_frames: v.rx_max_frames,
            rx_usecs_irq: v.rx_usecs_irq,
            rx_max_frames_irq: v.rx_max_frames_irq,
            tx_usecs: v.tx_usecs,
            tx_max_frames: v.tx_max_frames,
            tx_usecs_irq: v.tx_usecs_irq,
            tx_max_frames_irq: v.tx_max_frames_irq,
            stats_block_usecs: v.stats_block_usecs,
            use_adaptive_rx: on(v.use_adaptive_rx),
            use_adaptive_tx: on(v.use_adaptive_tx),
            pkt_rate_low: v.pkt_rate_low,
            rx_usecs_low: v.rx_usecs_low,
            rx_max_frames_low: v.rx_max_frames_low,
            tx_usecs_low: v.tx_usecs_low,
            tx_max_frames_low: v.tx_max_frames_low,
            pkt_rate_high: v.pkt_rate_high,
            rx_usecs_high: v.rx_usecs_high,
            rx_max_frames_high: v.rx_max_frames_high,
            tx_usecs_high: v.tx_usecs_high,
            tx_max_frames_high: v.tx_max_frames_high,
            rate_sample_interval: v.rate_sample_interval,
            use_cqe_mode_tx: on(v.use_cqe_mode_tx),
            use_cqe_mode_rx: on(v.use_cqe_mode_rx),
        })
    })
}

/// Sets the coalescing parameters given.
pub fn set_coalesce<'a>(
    family: &'a Family,
    dev: &'a str,
    want: Coalesce,
) -> impl Request<Output = ()> + 'a {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        start(b, family, ETHTOOL_MSG_COALESCE_SET, ETHTOOL_A_COALESCE_HEADER, dev, 0)?;
        for (kind, v) in want.numbers() {
            if let Some(v) = v {
                b.attr_u32(kind, v)?;
            }
        }
        for (kind, v) in want.switches() {
            if let Some(v) = v {
                b.attr_u8(kind, v as u8)?;
            }
        }
        Ok(())
    };
    Ack { message_type: family.id, flags: Flags::empty(), body }
}
