//! udev's group (2): the events udevd re-sends after processing them, in
//! libudev's framing (systemd's `src/libsystemd/sd-device/device-monitor.c`,
//! `struct monitor_netlink_header`): a 40-byte header (`libudev\0`, the
//! magic `0xfeedcafe` in network order, the header's size, where the
//! `KEY=VALUE\0` properties start and how long they are, hashes of the
//! subsystem and device type, a 64-bit bloom filter of the tags), then the
//! properties.
//!
//! The hashes and the bloom filter exist so a listener can have the kernel
//! drop what it does not want: [`Filter`] compiles subsystem, device type
//! and tag matches to the classic BPF program systemd attaches, and
//! [`UdevUevents`] attaches it. Datagrams on this group come from udevd (a
//! process, never the kernel): they are believed only with credentials of
//! uid 0, and from a port id that is not the kernel's.

use super::{Uevent, GROUP_UDEV};
use crate::error::{Error, Result};
use crate::socket::{Protocol, Socket};
use crate::sub::{Framing, Sender, Source, Unit};

/// `UDEV_MONITOR_MAGIC`, sent in network byte order.
pub const MAGIC: u32 = 0xfeed_cafe;
/// `sizeof(struct monitor_netlink_header)`.
pub const HEADER_LEN: usize = 40;

/// Offsets in the header of the words a filter reads.
const OFF_MAGIC: u32 = 8;
const OFF_SUBSYSTEM: u32 = 24;
const OFF_DEVTYPE: u32 = 28;
const OFF_BLOOM_HI: u32 = 32;
const OFF_BLOOM_LO: u32 = 36;

/// What the header says besides the properties: the filter words, in host
/// order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UdevHeader {
    /// `filter_subsystem_hash`: [`hash32`] of `SUBSYSTEM`.
    pub subsystem_hash: u32,
    /// `filter_devtype_hash`: [`hash32`] of `DEVTYPE` (0 when none).
    pub devtype_hash: u32,
    /// `filter_tag_bloom_hi` and `_lo`: the union of [`bloom64`] of every tag.
    pub tag_bloom: u64,
}

/// MurmurHash2 (32 bits, seed 0) of `s`: systemd's `string_hash32`.
pub fn hash32(s: &str) -> u32 {
    const M: u32 = 0x5bd1_e995;
    let data = s.as_bytes();
    let mut h = data.len() as u32;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> 24;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M) ^ k;
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate().rev() {
            h ^= u32::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^ (h >> 15)
}

/// The four bits a tag sets in the bloom filter: systemd's `string_bloom64`.
pub fn bloom64(tag: &str) -> u64 {
    let h = hash32(tag);
    [0, 6, 12, 18].iter().fold(0u64, |bits, shift| bits | 1 << ((h >> shift) & 63))
}

impl<'a> Uevent<'a> {
    /// Reads a datagram of udev's group: the header checked (prefix,
    /// magic, sizes inside the datagram), then the properties, which must
    /// hold `ACTION` and `DEVPATH`.
    pub fn parse_udev(bytes: &'a [u8]) -> Result<Uevent<'a>> {
        let bad = |why| Error::Malformed { what: "udev datagram", why };
        if bytes.len() < HEADER_LEN {
            return Err(bad("shorter than the 40-byte header"));
        }
        let word = |at: usize| [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
        if &bytes[..8] != b"libudev\0" {
            return Err(bad("no libudev prefix"));
        }
        if u32::from_be_bytes(word(8)) != MAGIC {
            return Err(bad("bad magic"));
        }
        let header_size = u32::from_ne_bytes(word(12)) as usize;
        let off = u32::from_ne_bytes(word(16)) as usize;
        let len = u32::from_ne_bytes(word(20)) as usize;
        if header_size < HEADER_LEN || off < header_size {
            return Err(bad("properties inside the header"));
        }
        let fields = off
            .checked_add(len)
            .and_then(|end| bytes.get(off..end))
            .ok_or(bad("properties past the datagram's end"))?;
        let header = UdevHeader {
            subsystem_hash: u32::from_be_bytes(word(24)),
            devtype_hash: u32::from_be_bytes(word(28)),
            tag_bloom: u64::from(u32::from_be_bytes(word(32))) << 32
                | u64::from(u32::from_be_bytes(word(36))),
        };
        let mut event = Uevent { action: "", devpath: "", fields, udev: Some(header) };
        for f in event.raw_fields() {
            let f = std::str::from_utf8(f).map_err(|_| bad("a property is not UTF-8"))?;
            match f.split_once('=') {
                Some((k, _)) if !k.is_empty() => {}
                _ => return Err(bad("a property is not KEY=VALUE")),
            }
        }
        event.action = event.get("ACTION").ok_or(bad("no ACTION"))?;
        event.devpath =
            event.get("DEVPATH").filter(|d| d.starts_with('/')).ok_or(bad("no DEVPATH"))?;
        Ok(event)
    }
}

/// Writes a udev-group datagram of `properties` (`KEY=VALUE` each) as
/// udevd does, with the hashes of `SUBSYSTEM` and `DEVTYPE` and the bloom
/// filter of the colon-separated `TAGS`. For tests and for programs that
/// stand in for udevd.
pub fn build(properties: &[&str]) -> Vec<u8> {
    let get = |key: &str| {
        properties.iter().find_map(|p| p.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
    };
    let mut body = Vec::new();
    for p in properties {
        body.extend_from_slice(p.as_bytes());
        body.push(0);
    }
    let bloom = get("TAGS")
        .map_or(0, |t| t.split(':').filter(|t| !t.is_empty()).fold(0, |b, t| b | bloom64(t)));
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(b"libudev\0");
    out.extend_from_slice(&MAGIC.to_be_bytes());
    out.extend_from_slice(&(HEADER_LEN as u32).to_ne_bytes());
    out.extend_from_slice(&(HEADER_LEN as u32).to_ne_bytes());
    out.extend_from_slice(&(body.len() as u32).to_ne_bytes());
    out.extend_from_slice(&get("SUBSYSTEM").map_or(0, hash32).to_be_bytes());
    out.extend_from_slice(&get("DEVTYPE").map_or(0, hash32).to_be_bytes());
    out.extend_from_slice(&((bloom >> 32) as u32).to_be_bytes());
    out.extend_from_slice(&(bloom as u32).to_be_bytes());
    out.extend_from_slice(&body);
    out
}

/// What a udev listener wants, matched in the kernel: any of the
/// subsystems (each with an optional device type), and any of the tags.
/// Empty lists match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// `(SUBSYSTEM, Some(DEVTYPE))` pairs.
    pub subsystems: Vec<(String, Option<String>)>,
    /// Tags (`systemd`, `uaccess`, ...).
    pub tags: Vec<String>,
}

fn stmt(code: u16, k: u32) -> libc::sock_filter {
    libc::sock_filter { code, jt: 0, jf: 0, k }
}

fn jump(code: u16, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter { code, jt, jf, k }
}

impl Filter {
    /// Whether it matches everything (no program is needed).
    pub fn is_empty(&self) -> bool {
        self.subsystems.is_empty() && self.tags.is_empty()
    }

    /// The classic BPF program systemd's device monitor attaches for the
    /// same matches: datagrams without the libudev magic pass (the parser
    /// refuses them, counted); a tag match, then a subsystem match, must
    /// hold; the bloom filter may let a few non-matching tags through,
    /// never drop a match. `None` when there are too many matches for
    /// BPF's 8-bit jumps (more than 40 tags).
    pub fn program(&self) -> Option<Vec<libc::sock_filter>> {
        use libc::{BPF_ABS, BPF_ALU, BPF_AND, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W};
        let (ld, jeq, ret, and) = (
            BPF_LD | BPF_W | BPF_ABS,
            BPF_JMP | BPF_JEQ | BPF_K,
            BPF_RET | BPF_K,
            BPF_ALU | BPF_AND | BPF_K,
        );
        let (ld, jeq, ret, and) = (ld as u16, jeq as u16, ret as u16, and as u16);
        if self.tags.len() > 40 {
            return None;
        }
        let mut p = vec![stmt(ld, OFF_MAGIC), jump(jeq, MAGIC, 1, 0), stmt(ret, !0)];
        let mut left = self.tags.len();
        for tag in &self.tags {
            let bits = bloom64(tag);
            let (hi, lo) = ((bits >> 32) as u32, bits as u32);
            left -= 1;
            p.extend([
                stmt(ld, OFF_BLOOM_HI),
                stmt(and, hi),
                jump(jeq, hi, 0, 3),
                stmt(ld, OFF_BLOOM_LO),
                stmt(and, lo),
                jump(jeq, lo, u8::try_from(1 + left * 6).ok()?, 0),
            ]);
        }
        if !self.tags.is_empty() {
            p.push(stmt(ret, 0));
        }
        for (subsystem, devtype) in &self.subsystems {
            p.push(stmt(ld, OFF_SUBSYSTEM));
            match devtype {
                None => p.push(jump(jeq, hash32(subsystem), 0, 1)),
                Some(t) => p.extend([
                    jump(jeq, hash32(subsystem), 0, 3),
                    stmt(ld, OFF_DEVTYPE),
                    jump(jeq, hash32(t), 0, 1),
                ]),
            }
            p.push(stmt(ret, !0));
        }
        if !self.subsystems.is_empty() {
            p.push(stmt(ret, 0));
        }
        p.push(stmt(ret, !0));
        Some(p)
    }
}

/// udev's group as a subscription source, with an optional kernel-side
/// [`Filter`]; see the module docs.
#[derive(Debug, Clone, Default)]
pub struct UdevUevents {
    /// What to let through (empty: everything).
    pub filter: Filter,
}

impl Source for UdevUevents {
    type Event<'a> = Uevent<'a>;

    fn protocol(&self) -> Protocol {
        Protocol::KOBJECT_UEVENT
    }

    fn groups(&self) -> Vec<u32> {
        vec![GROUP_UDEV]
    }

    fn framing(&self) -> Framing {
        Framing::Datagram
    }

    fn credentials(&self) -> bool {
        true
    }

    fn admit(&self, sender: &Sender) -> std::result::Result<(), &'static str> {
        if sender.control_truncated {
            return Err("control messages truncated (MSG_CTRUNC): credentials unknown");
        }
        if sender.port == 0 {
            return Err("from the kernel on udev's group: udevd sends there, the kernel does not");
        }
        match sender.credentials {
            Some(c) if c.uid == 0 => Ok(()),
            Some(_) => Err("not from udevd: sender uid is not 0"),
            None => Err("no credentials"),
        }
    }

    fn decode<'a>(&self, unit: Unit<'a>) -> Result<Uevent<'a>> {
        match unit {
            Unit::Datagram(bytes) => Uevent::parse_udev(bytes),
            Unit::Message(m) => Uevent::parse_udev(m.bytes()),
        }
    }

    /// Credentials and the group, then the filter program, if any.
    fn configure(&self, socket: &Socket) -> Result<()> {
        socket.set_pktinfo(true)?;
        socket.set_passcred(true)?;
        if !self.filter.is_empty() {
            let program = self
                .filter
                .program()
                .ok_or(Error::Malformed { what: "udev filter", why: "more than 40 tags" })?;
            socket.attach_filter(&program)?;
        }
        socket.add_membership(GROUP_UDEV)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// From a C MurmurHash2 (Appleby's, seed 0) and systemd's bloom bits.
    const VECTORS: [(&str, u32, u64); 8] = [
        ("", 0x0000_0000, 0x0000_0000_0000_0001),
        ("net", 0xa74d_3cc8, 0x0008_0000_0008_0100),
        ("block", 0xf003_1db7, 0x00c2_0000_0000_0001),
        ("disk", 0x7bcb_c5ee, 0x1004_4000_0080_0000),
        ("systemd", 0xa75f_972a, 0x0200_0400_1080_0000),
        ("uaccess", 0xe88e_d0cc, 0x0000_2008_0000_1008),
        ("seat", 0x435b_3e40, 0x0208_0000_0040_0001),
        ("usb", 0x0577_c5e5, 0x1000_0020_2080_0000),
    ];

    #[test]
    fn hashes_and_blooms_are_systemds() {
        for (s, h, b) in VECTORS {
            assert_eq!((hash32(s), bloom64(s)), (h, b), "{s:?}");
        }
    }

    #[test]
    fn a_built_message_reads_back() {
        let bytes = build(&[
            "ACTION=add",
            "DEVPATH=/devices/virtual/block/loop0",
            "SUBSYSTEM=block",
            "DEVTYPE=disk",
            "SEQNUM=77",
            "TAGS=:systemd:",
        ]);
        let e = Uevent::parse_udev(&bytes).unwrap();
        assert_eq!(
            (e.action, e.devpath, e.seqnum()),
            ("add", "/devices/virtual/block/loop0", Some(77))
        );
        let h = e.udev.unwrap();
        assert_eq!((h.subsystem_hash, h.devtype_hash), (hash32("block"), hash32("disk")));
        assert_eq!(h.tag_bloom, bloom64("systemd"));
    }

    #[test]
    fn bad_headers_are_errors() {
        let good = build(&["ACTION=add", "DEVPATH=/x", "SUBSYSTEM=net"]);
        let mut magic = good.clone();
        magic[8] ^= 1;
        let mut off = good.clone();
        off[16..20].copy_from_slice(&1000u32.to_ne_bytes());
        let mut len = good.clone();
        len[20..24].copy_from_slice(&u32::MAX.to_ne_bytes());
        let mut small = good.clone();
        small[12..16].copy_from_slice(&8u32.to_ne_bytes());
        for (what, bytes) in [
            ("magic", &magic[..]),
            ("offset", &off),
            ("length", &len),
            ("header size", &small),
            ("short", &good[..39]),
            ("kernel framing", b"add@/devices/x\0ACTION=add\0"),
            ("no action", &build(&["DEVPATH=/x"])),
        ] {
            assert!(Uevent::parse_udev(bytes).is_err(), "{what}");
        }
    }

    #[test]
    fn programs_have_systemds_shape() {
        assert_eq!(Filter::default().program().unwrap().len(), 4);
        let f = Filter {
            subsystems: vec![("net".into(), None), ("block".into(), Some("disk".into()))],
            tags: vec!["systemd".into()],
        };
        let p = f.program().unwrap();
        // magic 3, one tag 6 + drop, net 3, block/disk 5, drop, pass.
        assert_eq!(p.len(), 3 + 7 + 3 + 5 + 1 + 1);
        let many = Filter { tags: (0..41).map(|i| i.to_string()).collect(), ..Default::default() };
        assert!(many.program().is_none());
    }
}
