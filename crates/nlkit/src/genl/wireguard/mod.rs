//! `wireguard` (generic netlink, `<linux/wireguard.h>`): a WireGuard
//! device's keys, listen port and firewall mark, and its peers: public and
//! preshared keys, endpoint, keepalive, allowed IPs, the last handshake and
//! the bytes moved. The tables come from the family's YNL spec ([`tables`],
//! `specs/ynl/latest/wireguard.yaml`); this module adds the typed device,
//! read whole from a dump whose messages split peers and their allowed IPs
//! (coalesced here, as the spec says the reader must), and the set request.
//!
//! The kernel derives a device's public key from its private key, so a key
//! pair needs no curve arithmetic here: set 32 random bytes as the private
//! key and read the public key back.

pub mod tables;

use super::Family;
use crate::engine::{Ack, Request};
use crate::error::{Error, Result};
use crate::genl::GenlMsgHdr;
use nlkit_wire::{Error as WireError, Flags, Message, MessageBuilder};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::time::{Duration, SystemTime};
use tables::*;

/// The family's name, to resolve it.
pub const FAMILY: &str = "wireguard";

/// A key (private, public or preshared): `WG_KEY_LEN` bytes.
pub type Key = [u8; 32];

/// A WireGuard device as `get-device` reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Device {
    /// Its interface index.
    pub ifindex: u32,
    /// Its name.
    pub ifname: String,
    /// Its private key (only root reads it; absent when unset).
    pub private_key: Option<Key>,
    /// Its public key, derived by the kernel from the private key.
    pub public_key: Option<Key>,
    /// The UDP port it listens on.
    pub listen_port: u16,
    /// The firewall mark of its packets (0: none).
    pub fwmark: u32,
    /// Its peers, in the kernel's order.
    pub peers: Vec<Peer>,
}

/// A peer of a device.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Peer {
    /// The peer's public key.
    pub public_key: Key,
    /// The preshared key, if one is set.
    pub preshared_key: Option<Key>,
    /// Where the peer was last heard from, or was set to be.
    pub endpoint: Option<SocketAddr>,
    /// Seconds between keepalives (0: off).
    pub persistent_keepalive: u16,
    /// The last completed handshake (`None`: never).
    pub last_handshake: Option<SystemTime>,
    /// Bytes received from the peer.
    pub rx_bytes: u64,
    /// Bytes sent to the peer.
    pub tx_bytes: u64,
    /// The addresses the peer may send from and is sent to: address and
    /// prefix length.
    pub allowed_ips: Vec<(IpAddr, u8)>,
    /// The protocol version (1).
    pub protocol_version: u32,
}

fn key(bytes: Option<&[u8]>) -> Option<Key> {
    bytes.and_then(|b| Key::try_from(b).ok())
}

/// A `struct sockaddr_in` or `sockaddr_in6`, as the endpoint attribute
/// carries it (family in host order, port in network order).
fn sockaddr(b: &[u8]) -> Option<SocketAddr> {
    let family = i32::from(u16::from_ne_bytes(b.get(..2)?.try_into().ok()?));
    let port = u16::from_be_bytes(b.get(2..4)?.try_into().ok()?);
    match family {
        libc::AF_INET => {
            let a: [u8; 4] = b.get(4..8)?.try_into().ok()?;
            Some(SocketAddrV4::new(a.into(), port).into())
        }
        libc::AF_INET6 => {
            let flow = u32::from_be_bytes(b.get(4..8)?.try_into().ok()?);
            let a: [u8; 16] = b.get(8..24)?.try_into().ok()?;
            let scope = u32::from_ne_bytes(b.get(24..28)?.try_into().ok()?);
            Some(SocketAddrV6::new(a.into(), port, flow, scope).into())
        }
        _ => None,
    }
}

/// `a` as the endpoint attribute carries it.
fn sockaddr_bytes(a: SocketAddr) -> Vec<u8> {
    let mut out = Vec::with_capacity(28);
    match a {
        SocketAddr::V4(a) => {
            out.extend_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
            out.extend_from_slice(&a.port().to_be_bytes());
            out.extend_from_slice(&a.ip().octets());
            out.extend_from_slice(&[0; 8]);
        }
        SocketAddr::V6(a) => {
            out.extend_from_slice(&(libc::AF_INET6 as u16).to_ne_bytes());
            out.extend_from_slice(&a.port().to_be_bytes());
            out.extend_from_slice(&a.flowinfo().to_be_bytes());
            out.extend_from_slice(&a.ip().octets());
            out.extend_from_slice(&a.scope_id().to_ne_bytes());
        }
    }
    out
}

impl Device {
    /// Adds what one message of a `get-device` dump says: the device's
    /// attributes, and its peers, a peer continued from the message before
    /// (same public key first) merged into it.
    fn add(&mut self, msg: &Message<'_>) -> Result<()> {
        let v = Wgdevice::parse(msg)?;
        if let Some(bad) = crate::proto::View::malformed(&v).next() {
            return Err(Error::Wire(bad.error));
        }
        self.ifindex = v.ifindex.unwrap_or(self.ifindex);
        if let Some(name) = v.ifname {
            self.ifname = name.to_string();
        }
        self.private_key = key(v.private_key).or(self.private_key);
        self.public_key = key(v.public_key).or(self.public_key);
        self.listen_port = v.listen_port.unwrap_or(self.listen_port);
        self.fwmark = v.fwmark.unwrap_or(self.fwmark);
        for p in v.peers.iter().flat_map(|peers| peers.iter()) {
            let p = p.map_err(Error::Wire)?;
            let public_key = key(p.public_key)
                .ok_or(Error::MissingAttr { set: "wgpeer", attr: "WGPEER_A_PUBLIC_KEY" })?;
            let mut ips = Vec::new();
            for ip in p.allowedips.iter().flat_map(|a| a.iter()) {
                let ip = ip.map_err(Error::Wire)?;
                let addr = match (ip.family.map(i32::from), ip.ipaddr) {
                    (Some(libc::AF_INET), Some(a)) => {
                        <[u8; 4]>::try_from(a).ok().map(|a| IpAddr::from(Ipv4Addr::from(a)))
                    }
                    (Some(libc::AF_INET6), Some(a)) => {
                        <[u8; 16]>::try_from(a).ok().map(|a| IpAddr::from(Ipv6Addr::from(a)))
                    }
                    _ => None,
                };
                if let (Some(addr), Some(cidr)) = (addr, ip.cidr_mask) {
                    ips.push((addr, cidr));
                }
            }
            if let Some(last) = self.peers.last_mut().filter(|l| l.public_key == public_key) {
                last.allowed_ips.extend(ips);
                continue;
            }
            let last_handshake = p
                .last_handshake_time
                .and_then(|t| {
                    let sec = i64::from_ne_bytes(t.get(..8)?.try_into().ok()?);
                    let nsec = i64::from_ne_bytes(t.get(8..16)?.try_into().ok()?);
                    Some((sec, nsec))
                })
                .filter(|&(sec, nsec)| sec > 0 || nsec > 0)
                .map(|(sec, nsec)| {
                    SystemTime::UNIX_EPOCH
                        + Duration::new(sec.unsigned_abs(), nsec.clamp(0, 999_999_999) as u32)
                });
            self.peers.push(Peer {
                public_key,
                preshared_key: key(p.preshared_key).filter(|k| k.iter().any(|&b| b != 0)),
                endpoint: p.endpoint.and_then(sockaddr),
                persistent_keepalive: p.persistent_keepalive_interval.unwrap_or(0),
                last_handshake,
                rx_bytes: p.rx_bytes.unwrap_or(0),
                tx_bytes: p.tx_bytes.unwrap_or(0),
                allowed_ips: ips,
                protocol_version: p.protocol_version.unwrap_or(0),
            });
        }
        Ok(())
    }
}

fn header(family: &Family, cmd: u8) -> [u8; 4] {
    GenlMsgHdr { cmd, version: family.version as u8, reserved: 0 }.to_bytes()
}

/// The device named `dev` (a dump of `get-device`, its messages merged).
pub fn device<'a>(family: &'a Family, dev: &'a str) -> DeviceGet<'a> {
    DeviceGet { family, dev, found: Device::default() }
}

/// The request [`device`] makes.
#[derive(Debug)]
pub struct DeviceGet<'a> {
    family: &'a Family,
    dev: &'a str,
    found: Device,
}

impl Request for DeviceGet<'_> {
    type Output = Device;

    fn message_type(&self) -> u16 {
        self.family.id
    }

    fn flags(&self) -> Flags {
        Flags::DUMP
    }

    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        b.append(&header(self.family, WG_CMD_GET_DEVICE))?;
        b.attr_str(WGDEVICE_A_IFNAME, self.dev)
    }

    fn reply(&mut self, msg: Message<'_>) -> Result<()> {
        self.found.add(&msg)
    }

    fn finish(self) -> Result<Device> {
        Ok(self.found)
    }
}

/// What a `set-device` changes; `None` and empty leave things as they are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeviceSet {
    /// The private key (all zeros: remove it).
    pub private_key: Option<Key>,
    /// The port to listen on (0: one the kernel picks).
    pub listen_port: Option<u16>,
    /// The firewall mark (0: none).
    pub fwmark: Option<u32>,
    /// Remove every peer first (`WGDEVICE_F_REPLACE_PEERS`).
    pub replace_peers: bool,
    /// Peers to add, change or remove.
    pub peers: Vec<PeerSet>,
}

/// A peer in a [`DeviceSet`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PeerSet {
    /// The peer's public key.
    pub public_key: Key,
    /// Remove the peer (`WGPEER_F_REMOVE_ME`).
    pub remove: bool,
    /// Change the peer only if it exists (`WGPEER_F_UPDATE_ONLY`).
    pub update_only: bool,
    /// The preshared key (all zeros: remove it).
    pub preshared_key: Option<Key>,
    /// Where to send to.
    pub endpoint: Option<SocketAddr>,
    /// Seconds between keepalives (0: off).
    pub persistent_keepalive: Option<u16>,
    /// Remove the peer's allowed IPs first (`WGPEER_F_REPLACE_ALLOWEDIPS`).
    pub replace_allowed_ips: bool,
    /// Allowed IPs to add: address and prefix length.
    pub allowed_ips: Vec<(IpAddr, u8)>,
}

impl PeerSet {
    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>, index: u16) -> Result<(), WireError> {
        let nest = b.array_item(index)?;
        b.attr(WGPEER_A_PUBLIC_KEY, &self.public_key)?;
        let flags = [
            (self.remove, wgpeer_flags::REMOVE_ME),
            (self.update_only, wgpeer_flags::UPDATE_ONLY),
            (self.replace_allowed_ips, wgpeer_flags::REPLACE_ALLOWEDIPS),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .fold(0, |all, (_, f)| all | f);
        if flags != 0 {
            b.attr_u32(WGPEER_A_FLAGS, flags)?;
        }
        if let Some(k) = &self.preshared_key {
            b.attr(WGPEER_A_PRESHARED_KEY, k)?;
        }
        if let Some(e) = self.endpoint {
            b.attr(WGPEER_A_ENDPOINT, &sockaddr_bytes(e))?;
        }
        if let Some(k) = self.persistent_keepalive {
            b.attr_u16(WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, k)?;
        }
        if !self.allowed_ips.is_empty() {
            let ips = b.nest(WGPEER_A_ALLOWEDIPS)?;
            for (i, &(addr, cidr)) in self.allowed_ips.iter().enumerate() {
                let ip = b.array_item(i as u16)?;
                match addr {
                    IpAddr::V4(a) => {
                        b.attr_u16(WGALLOWEDIP_A_FAMILY, libc::AF_INET as u16)?;
                        b.attr(WGALLOWEDIP_A_IPADDR, &a.octets())?;
                    }
                    IpAddr::V6(a) => {
                        b.attr_u16(WGALLOWEDIP_A_FAMILY, libc::AF_INET6 as u16)?;
                        b.attr(WGALLOWEDIP_A_IPADDR, &a.octets())?;
                    }
                }
                b.attr_u8(WGALLOWEDIP_A_CIDR_MASK, cidr)?;
                b.nest_end(ip)?;
            }
            b.nest_end(ips)?;
        }
        b.nest_end(nest)
    }
}

/// Changes device `dev` as `set` says, in one message (the kernel takes
/// hundreds of peers in one; more want several, the later ones without
/// `replace_peers`).
pub fn set_device<'a>(
    family: &'a Family,
    dev: &'a str,
    set: &'a DeviceSet,
) -> impl Request<Output = ()> + 'a {
    let h = header(family, WG_CMD_SET_DEVICE);
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| {
        b.append(&h)?;
        b.attr_str(WGDEVICE_A_IFNAME, dev)?;
        if let Some(k) = &set.private_key {
            b.attr(WGDEVICE_A_PRIVATE_KEY, k)?;
        }
        if let Some(p) = set.listen_port {
            b.attr_u16(WGDEVICE_A_LISTEN_PORT, p)?;
        }
        if let Some(m) = set.fwmark {
            b.attr_u32(WGDEVICE_A_FWMARK, m)?;
        }
        if set.replace_peers {
            b.attr_u32(WGDEVICE_A_FLAGS, wgdevice_flags::REPLACE_PEERS)?;
        }
        if !set.peers.is_empty() {
            let peers = b.nest(WGDEVICE_A_PEERS)?;
            for (i, p) in set.peers.iter().enumerate() {
                p.emit(b, i as u16)?;
            }
            b.nest_end(peers)?;
        }
        Ok(())
    };
    Ack { message_type: family.id, flags: Flags::empty(), body }
}

#[cfg(test)]
mod tests;
