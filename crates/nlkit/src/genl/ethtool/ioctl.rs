//! The ethtool commands the netlink family has no message for, through
//! the legacy ioctl (`SIOCETHTOOL`, `<linux/ethtool.h>`): driver info
//! (`ETHTOOL_GDRVINFO`) and the driver's statistics (`ETHTOOL_GSSET_INFO`
//! for the count, `ETHTOOL_GSTRINGS` of `ETH_SS_STATS` for the names,
//! `ETHTOOL_GSTATS` for the values), as ethtool 6.1 reads them for `-i`
//! and `-S`. The calls go through an `AF_INET` datagram socket of the
//! device's namespace ([`EthtoolIoctl::open_in`]).

use crate::error::{Error, Result};
use crate::socket::Netns;
use crate::sys;
use std::io;
use std::os::fd::{AsFd, OwnedFd};

/// `ETHTOOL_GDRVINFO` (`<linux/ethtool.h>`).
pub const ETHTOOL_GDRVINFO: u32 = 0x03;
/// `ETHTOOL_GSTRINGS`.
pub const ETHTOOL_GSTRINGS: u32 = 0x1b;
/// `ETHTOOL_GSTATS`.
pub const ETHTOOL_GSTATS: u32 = 0x1d;
/// `ETHTOOL_GSSET_INFO`.
pub const ETHTOOL_GSSET_INFO: u32 = 0x37;
/// `ETH_SS_STATS` (`enum ethtool_stringset`): the statistics' names.
pub const ETH_SS_STATS: u32 = 1;
/// `ETH_GSTRING_LEN`: each string's bytes, NUL padded.
pub const ETH_GSTRING_LEN: usize = 32;

/// Byte ranges of the commands' structures (`<linux/ethtool.h>`).
mod field {
    use std::ops::Range;
    /// Every command's first field.
    pub const CMD: Range<usize> = 0..4;
    /// `struct ethtool_drvinfo` (196 bytes).
    pub mod drvinfo {
        use std::ops::Range;
        pub const LEN: usize = 196;
        pub const DRIVER: Range<usize> = 4..36;
        pub const VERSION: Range<usize> = 36..68;
        pub const FW_VERSION: Range<usize> = 68..100;
        pub const BUS_INFO: Range<usize> = 100..132;
        pub const EROM_VERSION: Range<usize> = 132..164;
        pub const N_PRIV_FLAGS: Range<usize> = 176..180;
        pub const N_STATS: Range<usize> = 180..184;
        pub const TESTINFO_LEN: Range<usize> = 184..188;
        pub const EEDUMP_LEN: Range<usize> = 188..192;
        pub const REGDUMP_LEN: Range<usize> = 192..196;
    }
    /// `struct ethtool_sset_info` with one `data` entry.
    pub mod sset_info {
        use std::ops::Range;
        pub const LEN: usize = 20;
        pub const SSET_MASK: Range<usize> = 8..16;
        pub const DATA0: Range<usize> = 16..20;
    }
    /// `struct ethtool_gstrings`: header, then `len` strings.
    pub mod gstrings {
        use std::ops::Range;
        pub const STRING_SET: Range<usize> = 4..8;
        pub const LEN: Range<usize> = 8..12;
        pub const DATA: usize = 12;
    }
    /// `struct ethtool_stats`: header, then `n_stats` `u64`s.
    pub mod stats {
        use std::ops::Range;
        pub const N_STATS: Range<usize> = 4..8;
        pub const DATA: usize = 8;
    }
}

/// Most statistics read (a count from the kernel does not size memory
/// beyond this: 64 Ki names are 2 MiB).
const MAX_STATS: usize = 1 << 16;

/// A device's driver, as `ETHTOOL_GDRVINFO` tells it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DriverInfo {
    /// The driver's name.
    pub driver: String,
    /// The driver's version.
    pub version: String,
    /// The firmware's version.
    pub fw_version: String,
    /// The expansion ROM's version.
    pub erom_version: String,
    /// Where the device sits on its bus (e.g. a PCI address).
    pub bus_info: String,
    /// How many private flags (`ETH_SS_PRIV_FLAGS`).
    pub n_priv_flags: u32,
    /// How many statistics (`ETH_SS_STATS`).
    pub n_stats: u32,
    /// How many self-test results.
    pub testinfo_len: u32,
    /// The EEPROM dump's length.
    pub eedump_len: u32,
    /// The register dump's length.
    pub regdump_len: u32,
}

impl DriverInfo {
    /// Reads the structure's bytes (as the kernel filled them in).
    pub fn parse(b: &[u8]) -> Option<DriverInfo> {
        use field::drvinfo::*;
        if b.len() < LEN {
            return None;
        }
        let text = |r: std::ops::Range<usize>| c_string(&b[r]);
        Some(DriverInfo {
            driver: text(DRIVER),
            version: text(VERSION),
            fw_version: text(FW_VERSION),
            erom_version: text(EROM_VERSION),
            bus_info: text(BUS_INFO),
            n_priv_flags: u32_at(b, N_PRIV_FLAGS)?,
            n_stats: u32_at(b, N_STATS)?,
            testinfo_len: u32_at(b, TESTINFO_LEN)?,
            eedump_len: u32_at(b, EEDUMP_LEN)?,
            regdump_len: u32_at(b, REGDUMP_LEN)?,
        })
    }
}

/// One statistic: its name and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    /// The driver's name for it (at most [`ETH_GSTRING_LEN`] bytes).
    pub name: String,
    /// Its value.
    pub value: u64,
}

/// Which step of reading statistics failed, as ethtool tells them apart.
#[derive(Debug)]
pub enum StatsError {
    /// Counting or naming them (`ETHTOOL_GSSET_INFO`, `ETHTOOL_GSTRINGS`).
    Strings(io::Error),
    /// Reading the values (`ETHTOOL_GSTATS`).
    Values(io::Error),
}

impl std::fmt::Display for StatsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatsError::Strings(e) => write!(f, "stats strings: {e}"),
            StatsError::Values(e) => write!(f, "stats values: {e}"),
        }
    }
}

impl std::error::Error for StatsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StatsError::Strings(e) | StatsError::Values(e) => Some(e),
        }
    }
}

/// The bytes up to the first NUL, as text (lossy).
fn c_string(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

fn u32_at(b: &[u8], r: std::ops::Range<usize>) -> Option<u32> {
    Some(u32::from_ne_bytes(b.get(r)?.try_into().ok()?))
}

/// A device name as `ifr_name` holds it; `ENODEV` when it does not fit
/// (or holds a NUL), as no device can have such a name.
fn ifname(dev: &str) -> io::Result<[u8; sys::ethtool::IFNAMSIZ]> {
    let mut name = [0u8; sys::ethtool::IFNAMSIZ];
    if dev.len() >= name.len() || dev.as_bytes().contains(&0) {
        return Err(io::Error::from_raw_os_error(libc::ENODEV));
    }
    name[..dev.len()].copy_from_slice(dev.as_bytes());
    Ok(name)
}

/// A socket for the ethtool ioctls, in one network namespace.
#[derive(Debug)]
pub struct EthtoolIoctl {
    fd: OwnedFd,
}

impl EthtoolIoctl {
    /// Opens the socket in the caller's namespace.
    pub fn open() -> Result<EthtoolIoctl> {
        let fd = sys::ethtool::inet_dgram_socket()
            .map_err(|source| Error::Io { op: "socket", source })?;
        Ok(EthtoolIoctl { fd })
    }

    /// Opens the socket inside `netns` (the calling thread stays where it is).
    pub fn open_in(netns: Netns<'_>) -> Result<EthtoolIoctl> {
        netns.run(EthtoolIoctl::open)?
    }

    /// Runs command `bytes` on `dev`; the bytes as the kernel left them.
    fn call(&self, dev: &str, bytes: &[u8]) -> io::Result<Vec<u8>> {
        let name = ifname(dev)?;
        let mut arg = sys::GuardedArg::new(bytes)?;
        sys::ethtool::siocethtool(self.fd.as_fd(), &name, &mut arg)?;
        Ok(arg.bytes())
    }

    /// `ETHTOOL_GDRVINFO` of `dev`.
    pub fn driver_info(&self, dev: &str) -> io::Result<DriverInfo> {
        let mut req = vec![0u8; field::drvinfo::LEN];
        req[field::CMD].copy_from_slice(&ETHTOOL_GDRVINFO.to_ne_bytes());
        let reply = self.call(dev, &req)?;
        DriverInfo::parse(&reply).ok_or_else(|| io::Error::from_raw_os_error(libc::EIO))
    }

    /// How many strings set `set` has (`ETHTOOL_GSSET_INFO`; 0 when the
    /// kernel clears the set's bit: the driver has none).
    pub fn string_count(&self, dev: &str, set: u32) -> io::Result<usize> {
        use field::sset_info::*;
        let mut req = vec![0u8; LEN];
        req[field::CMD].copy_from_slice(&ETHTOOL_GSSET_INFO.to_ne_bytes());
        let mask = 1u64.checked_shl(set).unwrap_or(0);
        req[SSET_MASK].copy_from_slice(&mask.to_ne_bytes());
        let reply = self.call(dev, &req)?;
        let mask = reply.get(SSET_MASK).and_then(|b| b.try_into().ok()).map(u64::from_ne_bytes);
        Ok(match mask {
            Some(0) | None => 0,
            _ => u32_at(&reply, DATA0).unwrap_or(0) as usize,
        })
    }

    /// The `count` strings of set `set` (`ETHTOOL_GSTRINGS`).
    pub fn strings(&self, dev: &str, set: u32, count: usize) -> io::Result<Vec<String>> {
        use field::gstrings::*;
        let count = count.min(MAX_STATS);
        if count == 0 {
            return Ok(Vec::new());
        }
        let mut req = vec![0u8; DATA + count * ETH_GSTRING_LEN];
        req[field::CMD].copy_from_slice(&ETHTOOL_GSTRINGS.to_ne_bytes());
        req[STRING_SET].copy_from_slice(&set.to_ne_bytes());
        req[LEN].copy_from_slice(&(count as u32).to_ne_bytes());
        let reply = self.call(dev, &req)?;
        // The kernel says how many it wrote; never more than there is room for.
        let got = (u32_at(&reply, LEN).unwrap_or(0) as usize).min(count);
        let data = reply.get(DATA..).unwrap_or(&[]);
        Ok(data.chunks_exact(ETH_GSTRING_LEN).take(got).map(c_string).collect())
    }

    /// `count` values of `ETHTOOL_GSTATS`.
    pub fn stat_values(&self, dev: &str, count: usize) -> io::Result<Vec<u64>> {
        use field::stats::*;
        let count = count.min(MAX_STATS);
        let mut req = vec![0u8; DATA + count * 8];
        req[field::CMD].copy_from_slice(&ETHTOOL_GSTATS.to_ne_bytes());
        req[N_STATS].copy_from_slice(&(count as u32).to_ne_bytes());
        let reply = self.call(dev, &req)?;
        let got = (u32_at(&reply, N_STATS).unwrap_or(0) as usize).min(count);
        let data = reply.get(DATA..).unwrap_or(&[]);
        Ok(data
            .chunks_exact(8)
            .take(got)
            .map(|c| u64::from_ne_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect())
    }

    /// The driver's statistics by name, as ethtool's `-S` reads them:
    /// the count, the names, then the values.
    pub fn stats(&self, dev: &str) -> std::result::Result<Vec<Stat>, StatsError> {
        let count = self.string_count(dev, ETH_SS_STATS).map_err(StatsError::Strings)?;
        let names = self.strings(dev, ETH_SS_STATS, count).map_err(StatsError::Strings)?;
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let values = self.stat_values(dev, names.len()).map_err(StatsError::Values)?;
        Ok(names.into_iter().zip(values).map(|(name, value)| Stat { name, value }).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pinned header's structures, field by field in order, with the
    /// sizes the ranges above assume.
    #[test]
    fn drvinfo_layout_is_the_headers() {
        let header = include_str!("../../../../../tools/uapi/linux-6.1/linux/ethtool.h");
        let body = header.split("struct ethtool_drvinfo {").nth(1).unwrap();
        let fields: Vec<&str> = body
            .lines()
            .map(str::trim)
            .take_while(|l| !l.starts_with('}'))
            .filter(|l| l.starts_with("__u32") || l.starts_with("char"))
            .collect();
        let want = [
            "__u32\tcmd;",
            "char\tdriver[32];",
            "char\tversion[32];",
            "char\tfw_version[ETHTOOL_FWVERS_LEN];",
            "char\tbus_info[ETHTOOL_BUSINFO_LEN];",
            "char\terom_version[ETHTOOL_EROMVERS_LEN];",
            "char\treserved2[12];",
            "__u32\tn_priv_flags;",
            "__u32\tn_stats;",
            "__u32\ttestinfo_len;",
            "__u32\teedump_len;",
            "__u32\tregdump_len;",
        ];
        assert_eq!(fields, want);
        for (name, v) in [
            ("ETHTOOL_GDRVINFO", ETHTOOL_GDRVINFO),
            ("ETHTOOL_GSTRINGS", ETHTOOL_GSTRINGS),
            ("ETHTOOL_GSTATS", ETHTOOL_GSTATS),
            ("ETHTOOL_GSSET_INFO", ETHTOOL_GSSET_INFO),
        ] {
            let line =
                header.lines().find(|l| l.starts_with(&format!("#define {name}\t"))).unwrap();
            let hex = line.split_whitespace().nth(2).unwrap().trim_start_matches("0x");
            assert_eq!(u32::from_str_radix(hex, 16).unwrap(), v, "{name}");
        }
        assert!(header.contains("#define ETH_GSTRING_LEN\t\t32"));
        assert!(header.contains("#define ETHTOOL_FWVERS_LEN\t32"));
    }

    #[test]
    fn drvinfo_parsed_from_bytes_and_short_refused() {
        let mut b = vec![0u8; field::drvinfo::LEN];
        b[4..8].copy_from_slice(b"veth");
        b[36..39].copy_from_slice(b"1.0");
        b[180..184].copy_from_slice(&9u32.to_ne_bytes());
        // A name filling its field has no NUL: read to the field's end.
        b[100..132].fill(b'x');
        let d = DriverInfo::parse(&b).unwrap();
        assert_eq!((d.driver.as_str(), d.version.as_str(), d.n_stats), ("veth", "1.0", 9));
        assert_eq!(d.bus_info.len(), 32);
        assert!(DriverInfo::parse(&b[..195]).is_none());
    }

    #[test]
    fn names_that_cannot_be_devices_are_enodev() {
        assert_eq!(ifname("v0").unwrap()[..3], *b"v0\0");
        assert_eq!(ifname("0123456789abcdef").unwrap_err().raw_os_error(), Some(libc::ENODEV));
        assert_eq!(ifname("a\0b").unwrap_err().raw_os_error(), Some(libc::ENODEV));
    }
}
