//! Link messages captured from a Linux 6.18 kernel (x86_64, so host byte
//! order is little-endian), for the unit tests: `tests/fixtures/link/*.hex`,
//! one `RTM_NEWLINK` each, as an `RTM_GETLINK` dump returned them.

use nlkit_wire::Messages;

/// `lo`, up, after three UDP datagrams to 127.0.0.1.
pub const LO: &str = include_str!("../../tests/fixtures/link/lo.hex");
/// `veth1`, up, a port of bridge `br0`.
pub const VETH1: &str = include_str!("../../tests/fixtures/link/veth1.hex");
/// `veth0`, up, alias "uplink", lower device of `mv0` and `vx0`.
pub const VETH0: &str = include_str!("../../tests/fixtures/link/veth0.hex");
/// `br0`, a bridge.
pub const BR0: &str = include_str!("../../tests/fixtures/link/br0.hex");
/// `mv0`, macvlan mode bridge on `veth0`.
pub const MV0: &str = include_str!("../../tests/fixtures/link/mv0.hex");
/// `vx0`, vxlan id 42 dstport 4789 dev veth0 local 192.0.2.1 remote 198.51.100.7.
pub const VX0: &str = include_str!("../../tests/fixtures/link/vx0.hex");
/// `ifb0`.
pub const IFB0: &str = include_str!("../../tests/fixtures/link/ifb0.hex");
/// `tap0`, from `ip tuntap add mode tap`.
pub const TAP0: &str = include_str!("../../tests/fixtures/link/tap0.hex");

/// Every fixture with the kind it carries.
pub const ALL: [(&str, Option<&str>); 8] = [
    (LO, None),
    (VETH1, Some("veth")),
    (VETH0, Some("veth")),
    (BR0, Some("bridge")),
    (MV0, Some("macvlan")),
    (VX0, Some("vxlan")),
    (IFB0, Some("ifb")),
    (TAP0, Some("tun")),
];

/// The bytes of a fixture: hex digits, `#` lines are comments.
pub fn bytes(fixture: &str) -> Vec<u8> {
    let digits: Vec<u8> = fixture
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| l.bytes().filter(u8::is_ascii_hexdigit))
        .collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// The one message of a fixture's bytes.
pub fn message(bytes: &[u8]) -> nlkit_wire::Message<'_> {
    Messages::new(bytes).next().unwrap().unwrap()
}
