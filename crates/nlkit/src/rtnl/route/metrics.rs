//! Route metrics: `RTA_METRICS`, a nest of `RTAX_*` attributes
//! (`<linux/rtnetlink.h>`; see rtnetlink(7) and ip-route(8)).
//!
//! Every metric is a `u32` except `RTAX_CC_ALGO`, the congestion control
//! algorithm's name. [`Metrics::parse`] checks the sizes once; then
//! [`Metrics::iter`] yields `(RTAX_*, value)` pairs in place.

use crate::rtnl::uapi::*;
use nlkit_wire::{Attrs, Error as WireError, MessageBuilder};

crate::bytes_codec! {
    /// `RTA_METRICS` as a table row reads it: checked [`Metrics`]; written
    /// as the nest's raw payload.
    pub struct MetricsCodec for Metrics, "rtax nest",
    read |a, _cx| Metrics::parse(a.payload()),
    bytes |v| v.bytes,
}

/// `RTA_METRICS`, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metrics<'a> {
    bytes: &'a [u8],
}

impl<'a> Metrics<'a> {
    /// Checks the payload of an `RTA_METRICS` attribute: each known metric
    /// is a `u32`, `RTAX_CC_ALGO` a string; metrics from newer kernels
    /// (above `RTAX_MAX`) may have any size and are kept.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, WireError> {
        for a in Attrs::new(bytes) {
            let a = a?;
            match a.kind() {
                RTAX_CC_ALGO => drop(a.string()?),
                1..=RTAX_MAX => drop(a.u32()?),
                _ => {}
            }
        }
        Ok(Metrics { bytes })
    }

    /// The `u32` metrics as `(RTAX_*, value)`, in the order received
    /// (`RTAX_CC_ALGO` is [`cc_algo`](Self::cc_algo)).
    pub fn iter(&self) -> MetricsIter<'a> {
        MetricsIter { attrs: Attrs::new(self.bytes) }
    }

    /// The value of metric `kind` (`RTAX_*`).
    pub fn get(&self, kind: u16) -> Option<u32> {
        self.iter().find(|&(k, _)| k == kind).map(|(_, v)| v)
    }

    /// `RTAX_MTU`: the path MTU.
    pub fn mtu(&self) -> Option<u32> {
        self.get(RTAX_MTU)
    }

    /// `RTAX_ADVMSS`: the MSS advertised on TCP connections.
    pub fn advmss(&self) -> Option<u32> {
        self.get(RTAX_ADVMSS)
    }

    /// `RTAX_HOPLIMIT`: the hop limit (TTL).
    pub fn hoplimit(&self) -> Option<u32> {
        self.get(RTAX_HOPLIMIT)
    }

    /// `RTAX_LOCK`: bit `1 << RTAX_*` set for each metric locked against
    /// updates (`lock` in `ip route`).
    pub fn lock(&self) -> Option<u32> {
        self.get(RTAX_LOCK)
    }

    /// `RTAX_CC_ALGO`: the congestion control algorithm.
    pub fn cc_algo(&self) -> Option<&'a str> {
        let a = Attrs::new(self.bytes).map_while(Result::ok).find(|a| a.kind() == RTAX_CC_ALGO)?;
        a.string().ok()
    }

    /// The metrics as attributes, as received.
    pub fn attrs(&self) -> Attrs<'a> {
        Attrs::new(self.bytes)
    }

    /// The attribute's payload, as received.
    pub fn raw(&self) -> &'a [u8] {
        self.bytes
    }
}

impl<'a> IntoIterator for Metrics<'a> {
    type Item = (u16, u32);
    type IntoIter = MetricsIter<'a>;

    fn into_iter(self) -> MetricsIter<'a> {
        self.iter()
    }
}

/// Iterator over the `u32` metrics of a checked [`Metrics`].
#[derive(Debug, Clone)]
pub struct MetricsIter<'a> {
    attrs: Attrs<'a>,
}

impl Iterator for MetricsIter<'_> {
    type Item = (u16, u32);

    fn next(&mut self) -> Option<(u16, u32)> {
        for a in self.attrs.by_ref().map_while(Result::ok) {
            if a.kind() != RTAX_CC_ALGO {
                if let Ok(v) = a.u32() {
                    return Some((a.kind(), v));
                }
            }
        }
        None
    }
}

/// Writes `RTA_METRICS` with `(RTAX_*, value)` pairs.
pub(crate) fn put_metrics(
    b: &mut MessageBuilder<'_, Vec<u8>>,
    metrics: &[(u16, u32)],
) -> Result<(), WireError> {
    let nest = b.nest(RTA_METRICS)?;
    for &(kind, v) in metrics {
        b.attr_u32(kind, v)?;
    }
    b.nest_end(nest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tlv(kind: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = ((4 + payload.len()) as u16).to_ne_bytes().to_vec();
        v.extend_from_slice(&kind.to_ne_bytes());
        v.extend_from_slice(payload);
        v.resize(nlkit_wire::align::nla_align(v.len()), 0);
        v
    }

    #[test]
    fn reads_u32_metrics_and_the_algorithm() {
        let bytes = [
            tlv(RTAX_MTU, &1400u32.to_ne_bytes()),
            tlv(RTAX_CC_ALGO, b"bbr\0"),
            tlv(RTAX_ADVMSS, &1300u32.to_ne_bytes()),
            tlv(0x3f0, b"new"),
        ]
        .concat();
        let m = Metrics::parse(&bytes).unwrap();
        assert_eq!(m.iter().collect::<Vec<_>>(), [(RTAX_MTU, 1400), (RTAX_ADVMSS, 1300)]);
        assert_eq!((m.mtu(), m.advmss(), m.hoplimit()), (Some(1400), Some(1300), None));
        assert_eq!(m.cc_algo(), Some("bbr"));
        assert_eq!(m.attrs().count(), 4, "the unknown one is kept");
    }

    #[test]
    fn wrong_sizes_are_errors() {
        let bad = tlv(RTAX_MTU, &[1, 2]);
        assert_eq!(
            Metrics::parse(&bad),
            Err(WireError::AttrSize { kind: RTAX_MTU, want: 4, got: 2 })
        );
        assert!(Metrics::parse(&tlv(RTAX_CC_ALGO, b"\xff")).is_err());
        assert!(Metrics::parse(&[8, 0, 2, 0, 1]).is_err());
    }
}
