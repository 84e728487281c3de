//! Requests that create and change links: what `ip link add|set` sends
//! (`RTM_NEWLINK`, rtnetlink(7); `IFLA_*` from `<linux/if_link.h>`).
//! Re-exported from [`link`](super).

use super::kind::{BondDataBuilder, BridgeSpec, MacvlanDataBuilder, VlanDataBuilder, VxlanSpec};
use super::{LinkBuilder, LinkHeader};
use crate::rtnl::uapi::*;
use nlkit_wire::{Error as WireError, MessageBuilder};
use std::os::fd::RawFd;

/// Where to move a link (`ip link set ... netns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NetnsTarget {
    /// `IFLA_NET_NS_FD`: a descriptor of the namespace (e.g. an open
    /// `/run/netns/NAME`), which must stay open until the request is sent.
    Fd(RawFd),
    /// `IFLA_NET_NS_PID`: the namespace of this process.
    Pid(u32),
}

/// The kind of link to create, with its settings (`ip link add ... type KIND`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkKind {
    /// A veth pair; `peer` names the other end (the kernel picks a name
    /// otherwise).
    Veth {
        /// `peer name NAME`.
        peer: Option<String>,
    },
    /// A bridge.
    Bridge(BridgeSpec),
    /// A macvlan on `link`, or with `tap` a macvtap (the same data, and a
    /// character device the interface's frames go through).
    Macvlan {
        /// The lower device's index (`link DEV`).
        link: u32,
        /// `MACVLAN_MODE_*` (the kernel's default is VEPA).
        mode: Option<u32>,
        /// A macvtap (`IFLA_INFO_KIND` "macvtap").
        tap: bool,
    },
    /// A VXLAN tunnel.
    Vxlan(VxlanSpec),
    /// An intermediate functional block device.
    Ifb,
    /// An 802.1Q/802.1ad VLAN on `link`.
    Vlan {
        /// The lower device's index.
        link: u32,
        /// The VLAN id.
        id: u16,
        /// `ETH_P_8021Q` (the default) or `ETH_P_8021AD`.
        protocol: Option<u16>,
    },
    /// A bond.
    Bond {
        /// `BOND_MODE_*`.
        mode: Option<u8>,
        /// `miimon` in ms.
        miimon: Option<u32>,
    },
    /// Any other kind, with its `IFLA_INFO_DATA` payload (attributes) if any.
    Other {
        /// `IFLA_INFO_KIND`.
        kind: String,
        /// The bytes to put in `IFLA_INFO_DATA`.
        data: Option<Vec<u8>>,
    },
}

impl LinkKind {
    /// The `IFLA_INFO_KIND` string.
    pub fn name(&self) -> &str {
        match self {
            LinkKind::Veth { .. } => "veth",
            LinkKind::Bridge(_) => "bridge",
            LinkKind::Macvlan { tap: false, .. } => "macvlan",
            LinkKind::Macvlan { tap: true, .. } => "macvtap",
            LinkKind::Vxlan(_) => "vxlan",
            LinkKind::Ifb => "ifb",
            LinkKind::Vlan { .. } => "vlan",
            LinkKind::Bond { .. } => "bond",
            LinkKind::Other { kind, .. } => kind,
        }
    }

    /// The lower device, sent as the top-level `IFLA_LINK`.
    fn parent(&self) -> Option<u32> {
        match *self {
            LinkKind::Macvlan { link, .. } | LinkKind::Vlan { link, .. } => Some(link),
            _ => None,
        }
    }

    /// Writes `IFLA_LINKINFO` with the kind and (unless empty)
    /// `IFLA_INFO_DATA`; the parent (`IFLA_LINK`) is the link's own row.
    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        let info = b.nest(IFLA_LINKINFO)?;
        b.attr_str(IFLA_INFO_KIND, self.name())?;
        let data = b.nest(IFLA_INFO_DATA)?;
        let empty = b.len();
        self.emit_data(b)?;
        if b.len() == empty {
            b.nest_cancel(data)?;
        } else {
            b.nest_end(data)?;
        }
        b.nest_end(info)
    }

    fn emit_data(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        match self {
            LinkKind::Veth { peer } => {
                let nest = b.nest(VETH_INFO_PEER)?;
                b.append(&LinkHeader::default().to_bytes())?;
                if let Some(name) = peer {
                    b.attr_str(IFLA_IFNAME, name)?;
                }
                b.nest_end(nest)
            }
            LinkKind::Bridge(spec) => spec.emit(b),
            LinkKind::Macvlan { mode, .. } => {
                MacvlanDataBuilder { mode: *mode, ..Default::default() }.emit(b)
            }
            LinkKind::Vxlan(spec) => spec.emit(b),
            LinkKind::Ifb => Ok(()),
            LinkKind::Vlan { id, protocol, .. } => VlanDataBuilder {
                id: Some(*id),
                protocol: Some(protocol.unwrap_or(ETH_P_8021Q)),
                ..Default::default()
            }
            .emit(b),
            LinkKind::Bond { mode, miimon } => {
                BondDataBuilder { mode: *mode, miimon: *miimon, ..Default::default() }.emit(b)
            }
            LinkKind::Other { data, .. } => data.as_deref().map_or(Ok(()), |d| b.append(d)),
        }
    }
}

/// A link to create or change: what `ip link add` and `ip link set` take.
///
/// The link is chosen by `index`, or by `name` when the index is 0; with an
/// index, `name` renames it. Creating needs `name` (or lets the kernel pick
/// one) and `kind`; changing sends only the fields that are set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinkSpec {
    /// The link to change (`ifi_index`); 0 to create, or to choose by `name`.
    pub index: u32,
    /// `IFLA_IFNAME`: the new link's name, the link to change, or (with an
    /// index) its new name.
    pub name: Option<String>,
    /// `IFLA_LINKINFO`: the kind, and its settings.
    pub kind: Option<LinkKind>,
    /// `up` / `down`: `IFF_UP` in `ifi_flags`, with `ifi_change = IFF_UP`.
    pub up: Option<bool>,
    /// `IFLA_MTU`.
    pub mtu: Option<u32>,
    /// `IFLA_ADDRESS`: the hardware address.
    pub address: Option<Vec<u8>>,
    /// `IFLA_MASTER`: the bridge or bond to join; 0 leaves it.
    pub master: Option<u32>,
    /// `IFLA_NET_NS_FD` / `IFLA_NET_NS_PID`: the namespace to move to.
    pub netns: Option<NetnsTarget>,
    /// `IFLA_TXQLEN`.
    pub txqlen: Option<u32>,
    /// `IFLA_GROUP`.
    pub group: Option<u32>,
    /// `IFLA_IFALIAS`: a description; empty removes it.
    pub alias: Option<String>,
    /// Other `ifi_flags` bits to set or clear, in order: `(IFF_*, on)`
    /// (`ip link set promisc on` is `(IFF_PROMISC, true)`, `arp on` is
    /// `(IFF_NOARP, false)`).
    pub flag_changes: Vec<(u32, bool)>,
    /// `IFLA_CARRIER`: the carrier, for devices that let it be set (veth,
    /// dummy, ...).
    pub carrier: Option<bool>,
    /// `IFLA_BROADCAST`: the hardware broadcast address.
    pub broadcast: Option<Vec<u8>>,
}

impl LinkSpec {
    /// A link named `name` of `kind`, to create.
    pub fn new(name: &str, kind: LinkKind) -> Self {
        LinkSpec { name: Some(name.into()), kind: Some(kind), ..Default::default() }
    }

    /// A change to the link with index `index`.
    pub fn by_index(index: u32) -> Self {
        LinkSpec { index, ..Default::default() }
    }

    /// A change to the link named `name`.
    pub fn by_name(name: &str) -> Self {
        LinkSpec { name: Some(name.into()), ..Default::default() }
    }

    /// The `ifinfomsg` of the request.
    pub fn header(&self) -> LinkHeader {
        let (mut flags, mut change) = match self.up {
            Some(true) => (IFF_UP, IFF_UP),
            Some(false) => (0, IFF_UP),
            None => (0, 0),
        };
        for &(bit, on) in &self.flag_changes {
            change |= bit;
            if on {
                flags |= bit;
            } else {
                flags &= !bit;
            }
        }
        LinkHeader { index: self.index as i32, flags, change, ..Default::default() }
    }

    /// Writes the header and attributes of an `RTM_NEWLINK` (or `RTM_SETLINK`).
    pub fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        let netns = match self.netns {
            Some(NetnsTarget::Fd(fd)) => Some((IFLA_NET_NS_FD, fd as u32)),
            Some(NetnsTarget::Pid(pid)) => Some((IFLA_NET_NS_PID, pid)),
            None => None,
        };
        LinkBuilder {
            header: self.header(),
            name: self.name.clone(),
            mtu: self.mtu,
            address: self.address.clone(),
            master: self.master,
            link: self.kind.as_ref().and_then(LinkKind::parent),
            txqlen: self.txqlen,
            group: self.group,
            ifalias: self.alias.clone(),
            carrier: self.carrier,
            broadcast: self.broadcast.clone(),
            extra: netns.map(|(kind, v)| (kind, v.to_ne_bytes().to_vec())).into_iter().collect(),
            ..Default::default()
        }
        .emit(b)?;
        match &self.kind {
            Some(k) => k.emit(b),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtnl::link::info::LinkData;
    use crate::rtnl::link::Link;
    use crate::rtnl::View;
    use nlkit_wire::{Header, Messages};

    fn roundtrip(spec: &LinkSpec, check: impl FnOnce(&Link<'_>)) {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWLINK)).unwrap();
        spec.emit(&mut b).unwrap();
        let _ = b.finish();
        let msg = Messages::new(&buf).next().unwrap().unwrap();
        let link = Link::parse(&msg).unwrap();
        assert_eq!(link.unknown().count(), 0);
        check(&link);
    }

    #[test]
    fn veth_peer_is_a_nested_ifinfomsg() {
        let spec = LinkSpec::new("v0", LinkKind::Veth { peer: Some("v1".into()) });
        roundtrip(&spec, |l| {
            assert_eq!((l.name, l.kind()), (Some("v0"), Some("veth")));
            let Some(LinkData::Veth(v)) = &l.linkinfo.as_ref().unwrap().data else { panic!() };
            let peer = v.peer().unwrap().unwrap();
            assert_eq!((peer.header, peer.name), (LinkHeader::default(), Some("v1")));
        });
    }

    #[test]
    fn changes_set_header_and_attributes() {
        let spec = LinkSpec {
            up: Some(true),
            mtu: Some(1400),
            address: Some(vec![2, 0, 0, 0, 0, 1]),
            master: Some(0),
            txqlen: Some(50),
            group: Some(3),
            alias: Some("uplink".into()),
            name: Some("renamed".into()),
            ..LinkSpec::by_index(7)
        };
        roundtrip(&spec, |l| {
            assert_eq!((l.index(), l.header.flags, l.header.change), (7, IFF_UP, IFF_UP));
            assert_eq!(
                (l.mtu, l.master, l.txqlen, l.group),
                (Some(1400), Some(0), Some(50), Some(3))
            );
            assert_eq!((l.name, l.ifalias), (Some("renamed"), Some("uplink")));
            assert_eq!(l.address, Some(&[2, 0, 0, 0, 0, 1][..]));
            assert!(l.linkinfo.is_none());
        });
        let down = LinkSpec { up: Some(false), ..LinkSpec::by_name("x") };
        assert_eq!(
            (down.header().flags, down.header().change, down.header().index),
            (0, IFF_UP, 0)
        );
    }

    #[test]
    fn vxlan_and_macvlan_settings() {
        let vx = VxlanSpec {
            id: 42,
            remote: Some("2001:db8::1".parse().unwrap()),
            local: Some("2001:db8::2".parse().unwrap()),
            dev: Some(3),
            port: Some(4789),
            learning: Some(false),
            ttl: Some(64),
        };
        roundtrip(&LinkSpec::new("vx", LinkKind::Vxlan(vx)), |l| {
            let Some(LinkData::Vxlan(d)) = l.linkinfo.as_ref().unwrap().data else { panic!() };
            assert_eq!((d.id, d.port, d.link, d.ttl), (Some(42), Some(4789), Some(3), Some(64)));
            assert_eq!((d.group, d.local), (vx.remote, vx.local));
            assert_eq!((d.learning, d.unknown().count()), (Some(false), 0));
        });
        let mv = LinkKind::Macvlan { link: 3, mode: Some(MACVLAN_MODE_BRIDGE), tap: false };
        roundtrip(&LinkSpec::new("mv", mv), |l| {
            assert_eq!(l.link, Some(3));
            let Some(LinkData::Macvlan(d)) = l.linkinfo.as_ref().unwrap().data else { panic!() };
            assert_eq!(d.mode, Some(MACVLAN_MODE_BRIDGE));
        });
    }

    #[test]
    fn kinds_without_settings_send_no_info_data() {
        for kind in [LinkKind::Ifb, LinkKind::Bridge(BridgeSpec::default())] {
            let mut buf = Vec::new();
            let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWLINK)).unwrap();
            LinkSpec::new("x", kind).emit(&mut b).unwrap();
            let _ = b.finish();
            let msg = Messages::new(&buf).next().unwrap().unwrap();
            let l = Link::parse(&msg).unwrap();
            let info = l.linkinfo.unwrap();
            assert_eq!(info.attrs().count(), 1, "only IFLA_INFO_KIND");
        }
    }

    #[test]
    fn netns_by_fd_or_pid() {
        for (target, kind, want) in
            [(NetnsTarget::Fd(9), IFLA_NET_NS_FD, 9), (NetnsTarget::Pid(1), IFLA_NET_NS_PID, 1)]
        {
            let spec = LinkSpec { netns: Some(target), ..LinkSpec::by_index(2) };
            let mut buf = Vec::new();
            let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWLINK)).unwrap();
            spec.emit(&mut b).unwrap();
            let _ = b.finish();
            let msg = Messages::new(&buf).next().unwrap().unwrap();
            let l = Link::parse(&msg).unwrap();
            assert_eq!(l.attr(kind).map(|a| a.u32()), Some(Ok(want)));
        }
    }

    fn payload(spec: &LinkSpec) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWLINK)).unwrap();
        spec.emit(&mut b).unwrap();
        let _ = b.finish();
        buf.split_off(16)
    }

    /// `ip link add link DEV name vl5 type vlan id 5`, as iproute2 lays it out.
    #[test]
    #[cfg(target_endian = "little")]
    fn vlan_bytes() {
        let spec = LinkSpec::new("vl5", LinkKind::Vlan { link: 2, id: 5, protocol: None });
        #[rustfmt::skip]
        let want: [u8; 68] = [
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // ifinfomsg
            8, 0, 3, 0, b'v', b'l', b'5', 0,                 // IFLA_IFNAME
            8, 0, 5, 0, 2, 0, 0, 0,                          // IFLA_LINK 2
            36, 0, 18, 0x80,                                 // IFLA_LINKINFO (nested)
            9, 0, 1, 0, b'v', b'l', b'a', b'n', 0, 0, 0, 0,  //   IFLA_INFO_KIND
            20, 0, 2, 0x80,                                  //   IFLA_INFO_DATA (nested)
            6, 0, 1, 0, 5, 0, 0, 0,                          //     IFLA_VLAN_ID 5
            6, 0, 5, 0, 0x81, 0x00, 0, 0,                    //     IFLA_VLAN_PROTOCOL 802.1Q, be16
        ];
        assert_eq!(payload(&spec), want);
        let ad = LinkKind::Vlan { link: 2, id: 5, protocol: Some(ETH_P_8021AD) };
        assert_eq!(payload(&LinkSpec::new("vl5", ad))[60..], [6, 0, 5, 0, 0x88, 0xa8, 0, 0]);
    }

    /// `ip link add bond0 type bond mode active-backup miimon 100`.
    #[test]
    #[cfg(target_endian = "little")]
    fn bond_bytes() {
        let bond = LinkKind::Bond { mode: Some(BOND_MODE_ACTIVEBACKUP), miimon: Some(100) };
        #[rustfmt::skip]
        let want: [u8; 64] = [
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            10, 0, 3, 0, b'b', b'o', b'n', b'd', b'0', 0, 0, 0,
            36, 0, 18, 0x80,
            9, 0, 1, 0, b'b', b'o', b'n', b'd', 0, 0, 0, 0,
            20, 0, 2, 0x80,
            5, 0, 1, 0, 1, 0, 0, 0,                          // IFLA_BOND_MODE u8
            8, 0, 3, 0, 100, 0, 0, 0,                        // IFLA_BOND_MIIMON u32
        ];
        assert_eq!(payload(&LinkSpec::new("bond0", bond)), want);
    }
}
