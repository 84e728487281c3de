//! `IFLA_LINKINFO`: a link's kind (`IFLA_INFO_KIND`), its port kind
//! (`IFLA_INFO_SLAVE_KIND`) and their data (`IFLA_INFO_DATA`,
//! `IFLA_INFO_SLAVE_DATA`), from `<linux/if_link.h>` (`IFLA_BR_*`,
//! `IFLA_MACVLAN_*`, `IFLA_VXLAN_*`, `IFLA_TUN_*`, `IFLA_VLAN_*`,
//! `IFLA_BOND_*`) and `<linux/veth.h>`; see rtnetlink(7) and ip-link(8).
//!
//! [`LinkData`] holds the data of the kinds nlkit reads, each a view that
//! keeps its raw bytes (with `unknown()` for attributes it does not read),
//! and any other kind's data raw.

use super::kind::*;
use crate::rtnl::uapi::*;
use nlkit_wire::{Attr, Attrs, Error as WireError};

/// `IFLA_LINKINFO`, read in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LinkInfo<'a> {
    /// `IFLA_INFO_KIND`: `veth`, `bridge`, `vxlan`, ... (absent for a
    /// physical device that only carries port data).
    pub kind: Option<&'a str>,
    /// `IFLA_INFO_SLAVE_KIND`: the master's kind when this link is a port
    /// (`bridge`, `bond`).
    pub slave_kind: Option<&'a str>,
    /// The kind's data: `Some` for every kind nlkit reads (even when the
    /// kernel sent no `IFLA_INFO_DATA`, as for veth and ifb dumps), and for
    /// any other kind that sent data.
    pub data: Option<LinkData<'a>>,
    /// `IFLA_INFO_SLAVE_DATA`, raw: port attributes (`IFLA_BRPORT_*`,
    /// `IFLA_BOND_SLAVE_*`); read with [`Attrs::new`].
    pub slave_data: Option<&'a [u8]>,
    /// `IFLA_INFO_SLAVE_DATA` read by the master's kind, where nlkit has
    /// its table (bridge ports); any other kind's port data raw.
    pub port: Option<PortData<'a>>,
    /// `IFLA_INFO_XSTATS`, raw: kind-specific statistics.
    pub xstats: Option<&'a [u8]>,
    data_raw: Option<&'a [u8]>,
    raw: &'a [u8],
}

impl<'a> LinkInfo<'a> {
    /// Reads the payload of an `IFLA_LINKINFO` attribute.
    pub fn parse(raw: &'a [u8]) -> Result<Self, WireError> {
        let mut info = LinkInfo { raw, ..LinkInfo::default() };
        crate::proto::read_leniently(raw, |a| info.take(a));
        info.data = LinkData::parse(info.kind, info.data_raw)?;
        info.port = PortData::parse(info.slave_kind, info.slave_data)?;
        Ok(info)
    }

    fn take(&mut self, a: &Attr<'a>) -> Result<bool, WireError> {
        match a.kind() {
            IFLA_INFO_KIND => self.kind = Some(a.string()?),
            IFLA_INFO_DATA => self.data_raw = Some(a.payload()),
            IFLA_INFO_XSTATS => self.xstats = Some(a.payload()),
            IFLA_INFO_SLAVE_KIND => self.slave_kind = Some(a.string()?),
            IFLA_INFO_SLAVE_DATA => self.slave_data = Some(a.payload()),
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// What reading passed over in the nest itself (the kind's data view
    /// has its own `malformed`).
    pub fn malformed(&self) -> impl Iterator<Item = crate::proto::BadAttr> + '_ {
        let mut probe = *self;
        crate::proto::malformed_in(self.raw, move |a| probe.take(a))
    }

    /// `IFLA_INFO_SLAVE_DATA`'s attributes (empty if absent).
    pub fn slave_attrs(&self) -> Attrs<'a> {
        Attrs::new(self.slave_data.unwrap_or(&[]))
    }

    /// All attributes of the nest as received.
    pub fn attrs(&self) -> Attrs<'a> {
        Attrs::new(self.raw)
    }

    /// Attributes of the nest this view does not read, kept raw.
    pub fn unknown(&self) -> impl Iterator<Item = Attr<'a>> + '_ {
        let mut probe = *self;
        self.attrs().map_while(Result::ok).filter(move |a| !probe.take(a).unwrap_or(false))
    }
}

/// `IFLA_INFO_DATA` by kind.
// The bridge's view is the largest; boxing it would allocate per link in a
// dump, which the views exist to avoid.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkData<'a> {
    /// `veth`.
    Veth(VethData<'a>),
    /// `bridge`.
    Bridge(BridgeData<'a>),
    /// `macvlan` and `macvtap`.
    Macvlan(MacvlanData<'a>),
    /// `vxlan`.
    Vxlan(VxlanData<'a>),
    /// `tun` (tun and tap devices).
    Tun(TunData<'a>),
    /// `ifb`: no data.
    Ifb,
    /// `vlan` (802.1Q/802.1ad).
    Vlan(VlanData<'a>),
    /// `bond`.
    Bond(BondData<'a>),
    /// Any other kind, or a kind's data that does not fit its variant:
    /// the `IFLA_INFO_DATA` payload as received.
    Other {
        /// `IFLA_INFO_KIND` (empty if absent).
        kind: &'a str,
        /// The payload of `IFLA_INFO_DATA`.
        raw: &'a [u8],
    },
}

impl<'a> LinkData<'a> {
    /// Reads `IFLA_INFO_DATA` (`data`) as the data of `kind`; see
    /// [`LinkInfo::data`] for when there is none.
    pub fn parse(kind: Option<&'a str>, data: Option<&'a [u8]>) -> Result<Option<Self>, WireError> {
        let raw = data.unwrap_or(&[]);
        let parsed = match kind.unwrap_or("") {
            "veth" => LinkData::Veth(VethData::parse_payload(raw)?),
            "bridge" => LinkData::Bridge(BridgeData::parse_payload(raw)?),
            "macvlan" | "macvtap" => LinkData::Macvlan(MacvlanData::parse_payload(raw)?),
            "vxlan" => LinkData::Vxlan(VxlanData::parse_payload(raw)?),
            "tun" => LinkData::Tun(TunData::parse_payload(raw)?),
            "ifb" if data.is_none() => LinkData::Ifb,
            "vlan" => LinkData::Vlan(VlanData::parse_payload(raw)?),
            "bond" => LinkData::Bond(BondData::parse_payload(raw)?),
            kind => return Ok(data.map(|raw| LinkData::Other { kind, raw })),
        };
        Ok(Some(parsed))
    }
}

/// `IFLA_INFO_SLAVE_DATA` by the master's kind (`IFLA_INFO_SLAVE_KIND`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortData<'a> {
    /// A bridge's port: `IFLA_BRPORT_*`.
    Bridge(BridgePortData<'a>),
    /// Any other master's port data, as received.
    Other {
        /// `IFLA_INFO_SLAVE_KIND` (empty if absent).
        kind: &'a str,
        /// The payload of `IFLA_INFO_SLAVE_DATA`.
        raw: &'a [u8],
    },
}

impl<'a> PortData<'a> {
    /// Reads `IFLA_INFO_SLAVE_DATA` (`data`) as a port of a `kind` master.
    pub fn parse(kind: Option<&'a str>, data: Option<&'a [u8]>) -> Result<Option<Self>, WireError> {
        let Some(raw) = data else { return Ok(None) };
        Ok(Some(match kind.unwrap_or("") {
            "bridge" => PortData::Bridge(BridgePortData::parse_payload(raw)?),
            kind => PortData::Other { kind, raw },
        }))
    }
}

#[cfg(test)]
#[path = "info_tests.rs"]
mod tests;
