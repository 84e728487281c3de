//! The device read from dump messages as the kernel splits them, and the
//! set request's bytes read back through the generated view.

use super::*;
use nlkit_wire::{Header, MessageType, Messages};

const A: Key = [0xaa; 32];
const B: Key = [0xbb; 32];

/// One `get-device` reply: `fill` writes its attributes.
fn reply(fill: impl Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError>) -> Vec<u8> {
    let mut out = Vec::new();
    let header =
        Header { message_type: MessageType::from(0x20), flags: Flags::MULTI, sequence: 1, port: 0 };
    let mut b = MessageBuilder::new(&mut out, header).unwrap();
    b.append(&[WG_CMD_GET_DEVICE, 1, 0, 0]).unwrap();
    fill(&mut b).unwrap();
    let _ = b.finish();
    out
}

fn allowed(b: &mut MessageBuilder<'_, Vec<u8>>, ip: IpAddr, cidr: u8) -> Result<(), WireError> {
    let ips = b.nest(WGPEER_A_ALLOWEDIPS)?;
    let one = b.array_item(0)?;
    let (family, bytes) = match ip {
        IpAddr::V4(a) => (libc::AF_INET, a.octets().to_vec()),
        IpAddr::V6(a) => (libc::AF_INET6, a.octets().to_vec()),
    };
    b.attr_u16(WGALLOWEDIP_A_FAMILY, family as u16)?;
    b.attr(WGALLOWEDIP_A_IPADDR, &bytes)?;
    b.attr_u8(WGALLOWEDIP_A_CIDR_MASK, cidr)?;
    b.nest_end(one)?;
    b.nest_end(ips)
}

#[test]
fn a_peer_split_across_messages_is_merged() {
    let first = reply(|b| {
        b.attr_u32(WGDEVICE_A_IFINDEX, 7)?;
        b.attr_str(WGDEVICE_A_IFNAME, "wg0")?;
        b.attr(WGDEVICE_A_PUBLIC_KEY, &B)?;
        b.attr_u16(WGDEVICE_A_LISTEN_PORT, 51820)?;
        let peers = b.nest(WGDEVICE_A_PEERS)?;
        let p = b.array_item(0)?;
        b.attr(WGPEER_A_PUBLIC_KEY, &A)?;
        b.attr(WGPEER_A_PRESHARED_KEY, &[0; 32])?;
        b.attr(WGPEER_A_ENDPOINT, &sockaddr_bytes("192.0.2.1:51820".parse().unwrap()))?;
        let t: Vec<u8> = [1_700_000_000i64, 5].iter().flat_map(|v| v.to_ne_bytes()).collect();
        b.attr(WGPEER_A_LAST_HANDSHAKE_TIME, &t)?;
        b.attr_u64(WGPEER_A_RX_BYTES, 92)?;
        allowed(b, "10.9.0.0".parse().unwrap(), 24)?;
        b.nest_end(p)?;
        b.nest_end(peers)
    });
    // The next message: the name, the same peer's key and more of its IPs,
    // then a second peer.
    let second = reply(|b| {
        b.attr_str(WGDEVICE_A_IFNAME, "wg0")?;
        let peers = b.nest(WGDEVICE_A_PEERS)?;
        let p = b.array_item(0)?;
        b.attr(WGPEER_A_PUBLIC_KEY, &A)?;
        allowed(b, "fd00::".parse().unwrap(), 64)?;
        b.nest_end(p)?;
        let p = b.array_item(1)?;
        b.attr(WGPEER_A_PUBLIC_KEY, &B)?;
        b.attr(WGPEER_A_ENDPOINT, &sockaddr_bytes("[fd00::2]:4500".parse().unwrap()))?;
        b.nest_end(p)?;
        b.nest_end(peers)
    });
    let mut d = Device::default();
    for bytes in [&first, &second] {
        d.add(&Messages::new(bytes).next().unwrap().unwrap()).unwrap();
    }
    assert_eq!((d.ifindex, d.ifname.as_str(), d.listen_port), (7, "wg0", 51820));
    assert_eq!((d.public_key, d.private_key), (Some(B), None));
    assert_eq!(d.peers.len(), 2);
    let a = &d.peers[0];
    assert_eq!(a.allowed_ips, [("10.9.0.0".parse().unwrap(), 24), ("fd00::".parse().unwrap(), 64)]);
    assert_eq!(a.preshared_key, None, "all zeros is no key");
    assert_eq!(a.endpoint, Some("192.0.2.1:51820".parse().unwrap()));
    let t = a.last_handshake.unwrap().duration_since(SystemTime::UNIX_EPOCH).unwrap();
    assert_eq!((t.as_secs(), t.subsec_nanos(), a.rx_bytes), (1_700_000_000, 5, 92));
    assert_eq!(d.peers[1].endpoint, Some("[fd00::2]:4500".parse().unwrap()));
    assert_eq!(d.peers[1].last_handshake, None);
}

#[test]
fn set_device_reads_back_through_the_view() {
    let family = Family { id: 0x20, version: 1, ..Family::default() };
    let set = DeviceSet {
        private_key: Some(A),
        listen_port: Some(51820),
        replace_peers: true,
        peers: vec![PeerSet {
            public_key: B,
            endpoint: Some("192.0.2.2:51820".parse().unwrap()),
            persistent_keepalive: Some(25),
            allowed_ips: vec![("10.9.0.2".parse().unwrap(), 32)],
            ..PeerSet::default()
        }],
        ..DeviceSet::default()
    };
    let req = set_device(&family, "wg0", &set);
    let header = Header {
        message_type: MessageType::from(0x20),
        flags: Flags::REQUEST,
        sequence: 1,
        port: 0,
    };
    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, header).unwrap();
    req.emit(&mut b).unwrap();
    let _ = b.finish();
    let msg = Messages::new(&out).next().unwrap().unwrap();
    let v = Wgdevice::parse(&msg).unwrap();
    assert_eq!((v.ifname, v.private_key, v.listen_port), (Some("wg0"), Some(&A[..]), Some(51820)));
    assert_eq!(v.flags, Some(wgdevice_flags::REPLACE_PEERS));
    let peer = v.peers.unwrap().iter().next().unwrap().unwrap();
    assert_eq!(peer.public_key, Some(&B[..]));
    assert_eq!(peer.endpoint.and_then(sockaddr), Some("192.0.2.2:51820".parse().unwrap()));
    assert_eq!(peer.persistent_keepalive_interval, Some(25));
    let ip = peer.allowedips.unwrap().iter().next().unwrap().unwrap();
    assert_eq!((ip.ipaddr, ip.cidr_mask), (Some(&[10, 9, 0, 2][..]), Some(32)));
}
