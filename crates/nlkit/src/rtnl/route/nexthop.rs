//! The next hops of a route: `RTA_MULTIPATH` (an array of `struct
//! rtnexthop`, each followed by its own attributes), `RTA_VIA` (`struct
//! rtvia`, a gateway of another family), and writing them into requests
//! (`<linux/rtnetlink.h>`; see rtnetlink(7)).
//!
//! [`Multipath::parse`] checks every entry and its attributes once; after
//! that, iterating with [`Multipath::iter`] reads the entries lazily in
//! place and cannot fail.

use crate::rtnl::uapi::*;
use crate::rtnl::{ip_attr, put_ip};
use nlkit_wire::align::{nla_align, NLMSG_HDRLEN};
use nlkit_wire::{Attr, Attrs, Error as WireError, MessageBuilder};
use std::net::IpAddr;

crate::bytes_codec! {
    /// `RTA_VIA` as a table row reads it: a [`Via`]; written as its raw bytes.
    pub struct ViaCodec for Via, "rtvia",
    read |a, _cx| Via::parse(a),
    bytes |v| [&v.family.to_ne_bytes()[..], v.addr].concat(),
}

crate::bytes_codec! {
    /// `RTA_MULTIPATH` as a table row reads it: a checked [`Multipath`] of
    /// the message's family; written as its raw bytes.
    pub struct MultipathCodec for Multipath, "rtnexthop array",
    read |a, cx| Multipath::parse(cx.family, a.payload()),
    bytes |v| v.bytes,
}

/// Bytes of `struct rtnexthop`.
pub const RTNH_LEN: usize = 8;

mod field {
    use core::ops::Range;
    /// `struct rtnexthop`.
    pub const LEN: Range<usize> = 0..2;
    pub const FLAGS: usize = 2;
    pub const HOPS: usize = 3;
    pub const IFINDEX: Range<usize> = 4..8;
    /// `struct rtvia`: the family, then the address.
    pub const VIA_FAMILY: Range<usize> = 0..2;
}

/// `RTA_VIA`: a gateway whose family may differ from the route's (an IPv6
/// gateway for an IPv4 route, or a link-layer next hop for MPLS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Via<'a> {
    /// `rtvia_family` (`AF_INET`, `AF_INET6`, `AF_PACKET`...).
    pub family: u16,
    /// `rtvia_addr`, raw.
    pub addr: &'a [u8],
}

impl<'a> Via<'a> {
    /// Reads an `RTA_VIA` attribute (at least the 2-byte family).
    pub fn parse(a: &Attr<'a>) -> Result<Self, WireError> {
        let p = a.payload();
        let f = p.get(field::VIA_FAMILY).ok_or(WireError::AttrSize {
            kind: a.kind(),
            want: field::VIA_FAMILY.end,
            got: p.len(),
        })?;
        let family = u16::from_ne_bytes([f[0], f[1]]);
        Ok(Via { family, addr: &p[field::VIA_FAMILY.end..] })
    }

    /// The address, if it is an IPv4 or IPv6 one of the right size.
    pub fn ip(&self) -> Option<IpAddr> {
        u8::try_from(self.family).ok().and_then(|f| crate::rtnl::ip_addr(f, self.addr))
    }
}

/// Writes `RTA_GATEWAY` when `gw` has the route's `family`, `RTA_VIA` otherwise.
pub(crate) fn put_gateway(
    b: &mut MessageBuilder<'_, Vec<u8>>,
    family: u8,
    gw: &IpAddr,
) -> Result<(), WireError> {
    if super::family_of(gw) == family {
        return put_ip(b, RTA_GATEWAY, gw);
    }
    let (octets, n) = match gw {
        IpAddr::V4(a) => {
            let mut o = [0u8; 16];
            o[..4].copy_from_slice(&a.octets());
            (o, 4)
        }
        IpAddr::V6(a) => (a.octets(), 16),
    };
    let start = field::VIA_FAMILY.end;
    let mut via = [0u8; field::VIA_FAMILY.end + 16];
    via[field::VIA_FAMILY].copy_from_slice(&(super::family_of(gw) as u16).to_ne_bytes());
    via[start..start + n].copy_from_slice(&octets[..n]);
    b.attr(RTA_VIA, &via[..start + n])
}

/// One entry of `RTA_MULTIPATH`: a `struct rtnexthop` and its attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nexthop<'a> {
    /// `rtnh_flags`: `RTNH_F_*` (`RTNH_F_ONLINK`, `RTNH_F_DEAD`, `RTNH_F_LINKDOWN`...).
    pub flags: u8,
    /// `rtnh_hops`: the weight minus one.
    pub hops: u8,
    /// `rtnh_ifindex`: the output interface.
    pub ifindex: i32,
    /// `RTA_GATEWAY`.
    pub gateway: Option<IpAddr>,
    /// `RTA_VIA`: a gateway of another family.
    pub via: Option<Via<'a>>,
    /// `RTA_FLOW`: the realm.
    pub flow: Option<u32>,
    /// `RTA_ENCAP_TYPE` (`LWTUNNEL_ENCAP_*`).
    pub encap_type: Option<u16>,
    /// `RTA_ENCAP`, raw (its attributes depend on the encap type).
    pub encap: Option<Attr<'a>>,
    attrs: &'a [u8],
}

impl<'a> Nexthop<'a> {
    /// The weight (`weight N` in `ip route`): `hops + 1`.
    pub fn weight(&self) -> u16 {
        self.hops as u16 + 1
    }

    /// The gateway: `RTA_GATEWAY`, or an IP address in `RTA_VIA`.
    pub fn gateway_or_via(&self) -> Option<IpAddr> {
        self.gateway.or_else(|| self.via.and_then(|v| v.ip()))
    }

    /// Whether all bits of `flag` (`RTNH_F_*`) are set.
    pub fn has_flag(&self, flag: u32) -> bool {
        self.flags as u32 & flag == flag
    }

    /// The entry's attributes as received.
    pub fn attrs(&self) -> Attrs<'a> {
        Attrs::new(self.attrs)
    }

    /// Reads the entry at the start of `bytes`; returns it and the bytes after it.
    fn parse(family: u8, bytes: &'a [u8]) -> Result<(Self, &'a [u8]), WireError> {
        let have = bytes.len();
        let head = bytes.get(..RTNH_LEN).ok_or(WireError::Truncated { need: RTNH_LEN, have })?;
        let len = u16::from_ne_bytes([head[field::LEN.start], head[field::LEN.start + 1]]) as usize;
        if len < RTNH_LEN {
            return Err(WireError::BadLength { len, min: RTNH_LEN });
        }
        let entry = bytes.get(..len).ok_or(WireError::Truncated { need: len, have })?;
        let i = &head[field::IFINDEX];
        let mut nh = Nexthop {
            flags: head[field::FLAGS],
            hops: head[field::HOPS],
            ifindex: i32::from_ne_bytes([i[0], i[1], i[2], i[3]]),
            gateway: None,
            via: None,
            flow: None,
            encap_type: None,
            encap: None,
            attrs: &entry[RTNH_LEN..],
        };
        for a in Attrs::new(nh.attrs) {
            let a = a?;
            match a.kind() {
                RTA_GATEWAY => nh.gateway = ip_attr(family, &a)?,
                RTA_VIA => nh.via = Some(Via::parse(&a)?),
                RTA_FLOW => nh.flow = Some(a.u32()?),
                RTA_ENCAP_TYPE => nh.encap_type = Some(a.u16()?),
                RTA_ENCAP => nh.encap = Some(a),
                _ => {}
            }
        }
        Ok((nh, &bytes[nla_align(len).min(have)..]))
    }
}

/// `RTA_MULTIPATH`, checked: see [`Multipath::iter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Multipath<'a> {
    family: u8,
    bytes: &'a [u8],
}

impl<'a> Multipath<'a> {
    /// Checks the payload of an `RTA_MULTIPATH` attribute of a route of
    /// `family`: every entry's length and every attribute in it.
    pub fn parse(family: u8, bytes: &'a [u8]) -> Result<Self, WireError> {
        let mut rest = bytes;
        while !rest.is_empty() {
            rest = Nexthop::parse(family, rest)?.1;
        }
        Ok(Multipath { family, bytes })
    }

    /// The entries, read lazily in place.
    pub fn iter(&self) -> Nexthops<'a> {
        Nexthops { family: self.family, rest: self.bytes }
    }

    /// The attribute's payload, as received.
    pub fn raw(&self) -> &'a [u8] {
        self.bytes
    }
}

impl<'a> IntoIterator for Multipath<'a> {
    type Item = Nexthop<'a>;
    type IntoIter = Nexthops<'a>;

    fn into_iter(self) -> Nexthops<'a> {
        self.iter()
    }
}

/// Iterator over the entries of a checked [`Multipath`].
#[derive(Debug, Clone)]
pub struct Nexthops<'a> {
    family: u8,
    rest: &'a [u8],
}

impl<'a> Iterator for Nexthops<'a> {
    type Item = Nexthop<'a>;

    fn next(&mut self) -> Option<Nexthop<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        // Checked by Multipath::parse; should the bytes be bad anyway, stop.
        let (nh, rest) = Nexthop::parse(self.family, self.rest).ok()?;
        self.rest = rest;
        Some(nh)
    }
}

impl core::iter::FusedIterator for Nexthops<'_> {}

/// One path of a multipath route to add: `nexthop via GW dev IF weight N [onlink]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NexthopSpec {
    /// `via GW`: `RTA_GATEWAY`, or `RTA_VIA` when its family differs from the route's.
    pub gateway: Option<IpAddr>,
    /// `dev IF`: interface index.
    pub oif: Option<u32>,
    /// `weight N`, 1 to 256.
    pub weight: u16,
    /// `onlink`: use the gateway even if no route says it is on the link.
    pub onlink: bool,
}

impl Default for NexthopSpec {
    fn default() -> Self {
        NexthopSpec { gateway: None, oif: None, weight: 1, onlink: false }
    }
}

impl NexthopSpec {
    /// Writes one `struct rtnexthop` and its attributes, then patches `rtnh_len`.
    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>, family: u8) -> Result<(), WireError> {
        let mut head = [0u8; RTNH_LEN];
        head[field::FLAGS] = if self.onlink { RTNH_F_ONLINK as u8 } else { 0 };
        head[field::HOPS] = self.weight.clamp(1, 256).wrapping_sub(1) as u8;
        let ifindex = self.oif.unwrap_or(0) as i32;
        head[field::IFINDEX].copy_from_slice(&ifindex.to_ne_bytes());
        b.append(&head)?;
        let start = b.len() - RTNH_LEN;
        if let Some(gw) = &self.gateway {
            put_gateway(b, family, gw)?;
        }
        let len = b.len() - start;
        let len16 = u16::try_from(len).map_err(|_| WireError::TooLong { len })?;
        let at = start - NLMSG_HDRLEN + field::LEN.start;
        b.message().payload_mut()[at..at + 2].copy_from_slice(&len16.to_ne_bytes());
        Ok(())
    }
}

/// Writes `RTA_MULTIPATH` with `hops` for a route of `family` (without
/// `NLA_F_NESTED`, as `ip` sends it: the payload is not a run of attributes).
pub(crate) fn put_multipath(
    b: &mut MessageBuilder<'_, Vec<u8>>,
    family: u8,
    hops: &[NexthopSpec],
) -> Result<(), WireError> {
    let nest = b.nest_raw(RTA_MULTIPATH)?;
    for h in hops {
        h.emit(b, family)?;
    }
    b.nest_end(nest)
}

/// The family a gateway-only spec implies: IPv4 unless a gateway says otherwise.
pub(crate) fn family_of_hops(hops: &[NexthopSpec]) -> Option<u8> {
    hops.iter().find_map(|h| h.gateway.as_ref()).map(super::family_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtnl::{AF_INET, AF_INET6};
    use nlkit_wire::{Header, Messages};

    fn built(family: u8, hops: &[NexthopSpec]) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWROUTE)).unwrap();
        put_multipath(&mut b, family, hops).unwrap();
        let _ = b.finish();
        buf
    }

    #[test]
    fn emitted_multipath_reads_back() {
        let hops = [
            NexthopSpec {
                gateway: Some("10.0.0.1".parse().unwrap()),
                oif: Some(3),
                weight: 1,
                onlink: true,
            },
            NexthopSpec {
                gateway: Some("fe80::1".parse().unwrap()),
                oif: Some(4),
                weight: 256,
                onlink: false,
            },
            NexthopSpec { gateway: None, oif: Some(5), weight: 0, onlink: false },
        ];
        let buf = built(AF_INET, &hops);
        let msg = Messages::new(&buf).next().unwrap().unwrap();
        let a = Attrs::new(msg.payload()).next().unwrap().unwrap();
        assert_eq!(a.raw_type(), RTA_MULTIPATH, "no NLA_F_NESTED");
        let mp = Multipath::parse(AF_INET, a.payload()).unwrap();
        let got: Vec<_> = mp
            .iter()
            .map(|n| (n.ifindex, n.weight(), n.gateway_or_via(), n.has_flag(RTNH_F_ONLINK)))
            .collect();
        assert_eq!(
            got,
            [(3, 1, hops[0].gateway, true), (4, 256, hops[1].gateway, false), (5, 1, None, false),]
        );
        let second = mp.iter().nth(1).unwrap();
        assert_eq!((second.gateway, second.via.map(|v| v.family)), (None, Some(AF_INET6 as u16)));
        assert_eq!(mp.raw(), a.payload());
    }

    #[test]
    fn malformed_entries_are_errors() {
        // Too short for a struct rtnexthop.
        assert_eq!(
            Multipath::parse(AF_INET, &[8, 0, 0]),
            Err(WireError::Truncated { need: 8, have: 3 })
        );
        // rtnh_len below 8, and past the end.
        let mut e = [0u8; 8];
        e[0] = 4;
        assert_eq!(Multipath::parse(AF_INET, &e), Err(WireError::BadLength { len: 4, min: 8 }));
        e[0] = 16;
        assert_eq!(Multipath::parse(AF_INET, &e), Err(WireError::Truncated { need: 16, have: 8 }));
        // A 3-byte IPv4 gateway inside an entry.
        let mut e = vec![16, 0, 0, 0, 1, 0, 0, 0, 7, 0, 5, 0, 10, 0, 0, 0];
        assert_eq!(
            Multipath::parse(AF_INET, &e),
            Err(WireError::AttrSize { kind: RTA_GATEWAY, want: 4, got: 3 })
        );
        e[8] = 8;
        assert_eq!(Multipath::parse(AF_INET, &e).unwrap().iter().count(), 1);
        // RTA_VIA too short for its family field.
        let via = [13, 0, 0, 0, 1, 0, 0, 0, 5, 0, 18, 0, 2];
        assert!(matches!(
            Multipath::parse(AF_INET, &via),
            Err(WireError::AttrSize { kind: RTA_VIA, .. })
        ));
    }
}
