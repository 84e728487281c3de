//! Capture files: netlink datagrams in the pcap format the kernel's
//! `nlmon` device gives `tcpdump` (link type `LINKTYPE_NETLINK`, 253).
//!
//! Each record is a 16-byte pseudo-header, then the datagram as it was
//! received. The pseudo-header is Linux's cooked header (`sll_header`)
//! with the netlink meaning of its fields: the packet type (unused here:
//! 0, `PACKET_HOST`), the hardware type `ARPHRD_NETLINK` (824), an
//! unused address length and address, and the netlink protocol
//! (`NETLINK_ROUTE`, ...); the two-byte fields are big-endian. The file
//! header and record headers are written in this machine's byte order,
//! with microsecond time stamps, as libpcap writes them; the reader takes
//! either byte order and microsecond or nanosecond files.
//!
//! [`Reader`] never trusts a length: a record longer than the file's
//! snapshot length or than [`MAX_RECORD`] is an error, as is a file that
//! ends inside a record, so a hostile file costs bounded memory.

use std::io::{self, Read, Write};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// `LINKTYPE_NETLINK`.
pub const LINKTYPE_NETLINK: u32 = 253;
/// `ARPHRD_NETLINK` (`<linux/if_arp.h>`).
pub const ARPHRD_NETLINK: u16 = 824;
/// The largest record [`Reader`] accepts, pseudo-header included.
pub const MAX_RECORD: u32 = 1 << 20;
/// The snapshot length [`Writer`] declares (larger datagrams are cut).
pub const SNAPLEN: u32 = 1 << 18;

const MAGIC_USEC: u32 = 0xa1b2_c3d4;
const MAGIC_NSEC: u32 = 0xa1b2_3c4d;
const PSEUDO: usize = 16;

/// One recorded datagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// When it was received.
    pub time: SystemTime,
    /// The netlink protocol of the socket it came from.
    pub protocol: u16,
    /// The datagram (cut at the snapshot length if it was longer: see
    /// [`Record::original_len`]).
    pub data: Vec<u8>,
    /// Its length when received.
    pub original_len: u32,
}

/// Writes a capture file.
#[derive(Debug)]
pub struct Writer<W: Write> {
    out: W,
}

impl<W: Write> Writer<W> {
    /// Writes the file header to `out`.
    pub fn new(mut out: W) -> io::Result<Self> {
        let mut h = Vec::with_capacity(24);
        h.extend_from_slice(&MAGIC_USEC.to_ne_bytes());
        h.extend_from_slice(&2u16.to_ne_bytes());
        h.extend_from_slice(&4u16.to_ne_bytes());
        h.extend_from_slice(&0i32.to_ne_bytes());
        h.extend_from_slice(&0u32.to_ne_bytes());
        h.extend_from_slice(&SNAPLEN.to_ne_bytes());
        h.extend_from_slice(&LINKTYPE_NETLINK.to_ne_bytes());
        out.write_all(&h)?;
        Ok(Writer { out })
    }

    /// Writes one datagram received at `time` on a socket of `protocol`:
    /// its two headers from the stack, then the datagram as it is.
    pub fn write(&mut self, time: SystemTime, protocol: u16, datagram: &[u8]) -> io::Result<()> {
        let since = time.duration_since(UNIX_EPOCH).unwrap_or_default();
        let original = PSEUDO + datagram.len();
        let kept = original.min(SNAPLEN as usize);
        let mut h = [0u8; 16 + PSEUDO];
        h[0..4].copy_from_slice(&(since.as_secs() as u32).to_ne_bytes());
        h[4..8].copy_from_slice(&since.subsec_micros().to_ne_bytes());
        h[8..12].copy_from_slice(&(kept as u32).to_ne_bytes());
        h[12..16].copy_from_slice(&u32::try_from(original).unwrap_or(u32::MAX).to_ne_bytes());
        // The pseudo-header: packet type 0, ARPHRD_NETLINK, the protocol.
        h[18..20].copy_from_slice(&ARPHRD_NETLINK.to_be_bytes());
        h[30..32].copy_from_slice(&protocol.to_be_bytes());
        self.out.write_all(&h)?;
        self.out.write_all(&datagram[..kept - PSEUDO])
    }

    /// Flushes what was written.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// What a capture file could not give.
#[derive(Debug)]
pub enum CaptureError {
    /// Reading failed.
    Io(io::Error),
    /// The file does not start with a pcap header.
    Magic(u32),
    /// The file ends before its 24-byte header does.
    ShortHeader,
    /// A pcap file of another link type.
    LinkType(u32),
    /// A record longer than the file allows, or than [`MAX_RECORD`].
    TooLong {
        /// The record's position, from 0.
        index: u64,
        /// Its length.
        len: u32,
        /// The limit.
        max: u32,
    },
    /// A record shorter than the pseudo-header, or not `ARPHRD_NETLINK`.
    Record {
        /// The record's position, from 0.
        index: u64,
        /// What is wrong.
        why: &'static str,
    },
    /// The file ends inside a record.
    Truncated(u64),
}

impl std::fmt::Display for CaptureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CaptureError::Io(e) => write!(f, "reading the capture: {e}"),
            CaptureError::Magic(m) => write!(f, "not a pcap file (magic 0x{m:08x})"),
            CaptureError::ShortHeader => {
                write!(f, "not a pcap file: shorter than the 24-byte pcap file header")
            }
            CaptureError::LinkType(t) => write!(f, "link type {t} is not LINKTYPE_NETLINK (253)"),
            CaptureError::TooLong { index, len, max } => {
                write!(f, "record {index}: {len} bytes (at most {max})")
            }
            CaptureError::Record { index, why } => write!(f, "record {index}: {why}"),
            CaptureError::Truncated(index) => write!(f, "record {index}: the file ends inside it"),
        }
    }
}

impl std::error::Error for CaptureError {}

impl From<io::Error> for CaptureError {
    fn from(e: io::Error) -> Self {
        CaptureError::Io(e)
    }
}

/// Reads a capture file, record by record.
#[derive(Debug)]
pub struct Reader<R: Read> {
    input: R,
    swapped: bool,
    nanos: bool,
    snaplen: u32,
    index: u64,
}

impl<R: Read> Reader<R> {
    /// Reads and checks the file header.
    pub fn new(mut input: R) -> Result<Self, CaptureError> {
        let mut h = [0u8; 24];
        input.read_exact(&mut h).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => CaptureError::ShortHeader,
            _ => CaptureError::Io(e),
        })?;
        let magic = u32::from_ne_bytes([h[0], h[1], h[2], h[3]]);
        let (swapped, nanos) = match magic {
            MAGIC_USEC => (false, false),
            MAGIC_NSEC => (false, true),
            m if m.swap_bytes() == MAGIC_USEC => (true, false),
            m if m.swap_bytes() == MAGIC_NSEC => (true, true),
            m => return Err(CaptureError::Magic(m)),
        };
        let mut r = Reader { input, swapped, nanos, snaplen: 0, index: 0 };
        r.snaplen = r.u32_at(&h, 16);
        let linktype = r.u32_at(&h, 20) & 0x0fff_ffff;
        if linktype != LINKTYPE_NETLINK {
            return Err(CaptureError::LinkType(linktype));
        }
        Ok(r)
    }

    /// Whether the file was written in the other byte order than this
    /// machine's: by libpcap on a machine of that order, whose netlink
    /// messages (in host order, like every netlink message) are in that
    /// order too, and so do not read here (text ones, uevents, do).
    pub fn foreign_order(&self) -> bool {
        self.swapped
    }

    fn u32_at(&self, b: &[u8], at: usize) -> u32 {
        let v = u32::from_ne_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
        if self.swapped {
            v.swap_bytes()
        } else {
            v
        }
    }

    /// The next record; `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<Record>, CaptureError> {
        let index = self.index;
        let mut h = [0u8; 16];
        // The end of the file between records is the end; inside a
        // record header, a truncation.
        let mut got = 0;
        while got < h.len() {
            match self.input.read(&mut h[got..]) {
                Ok(0) if got == 0 => return Ok(None),
                Ok(0) => return Err(CaptureError::Truncated(index)),
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        let (secs, frac) = (self.u32_at(&h, 0), self.u32_at(&h, 4));
        let (incl, orig) = (self.u32_at(&h, 8), self.u32_at(&h, 12));
        let max = MAX_RECORD.min(self.snaplen.max(PSEUDO as u32));
        if incl > max {
            return Err(CaptureError::TooLong { index, len: incl, max });
        }
        let mut data = vec![0u8; incl as usize];
        self.input.read_exact(&mut data).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => CaptureError::Truncated(index),
            _ => e.into(),
        })?;
        self.index += 1;
        if data.len() < PSEUDO {
            return Err(CaptureError::Record { index, why: "shorter than its 16-byte header" });
        }
        if u16::from_be_bytes([data[2], data[3]]) != ARPHRD_NETLINK {
            return Err(CaptureError::Record { index, why: "not ARPHRD_NETLINK" });
        }
        let protocol = u16::from_be_bytes([data[14], data[15]]);
        let frac = match self.nanos {
            true => Duration::from_nanos(u64::from(frac.min(999_999_999))),
            false => Duration::from_micros(u64::from(frac.min(999_999))),
        };
        let time = UNIX_EPOCH + Duration::from_secs(u64::from(secs)) + frac;
        data.drain(..PSEUDO);
        let original_len = orig.saturating_sub(PSEUDO as u32).max(data.len() as u32);
        Ok(Some(Record { time, protocol, data, original_len }))
    }
}

impl<R: Read> Iterator for Reader<R> {
    type Item = Result<Record, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back() {
        let mut file = Vec::new();
        let mut w = Writer::new(&mut file).unwrap();
        let t = UNIX_EPOCH + Duration::from_micros(1_733_356_800_123_456);
        w.write(t, 0, &[0x14, 0, 0, 0, 0x10, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]).unwrap();
        w.write(t, 15, b"add@/devices/x\0ACTION=add\0").unwrap();
        // The file header: magic, version 2.4, snaplen, LINKTYPE_NETLINK.
        assert_eq!(&file[..4], &MAGIC_USEC.to_ne_bytes());
        assert_eq!(&file[20..24], &253u32.to_ne_bytes());
        // The first record's pseudo-header: ARPHRD_NETLINK, NETLINK_ROUTE.
        assert_eq!(&file[40..56], &[0, 0, 3, 0x38, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        assert!(!Reader::new(&file[..]).unwrap().foreign_order());
        let got: Vec<Record> = Reader::new(&file[..]).unwrap().map(Result::unwrap).collect();
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].time, got[0].protocol, got[0].data.len()), (t, 0, 20));
        assert_eq!((got[1].protocol, &got[1].data[..4]), (15, &b"add@"[..]));
    }

    #[test]
    fn the_other_byte_order_and_nanoseconds_read() {
        let mut file = Vec::new();
        file.extend_from_slice(&MAGIC_NSEC.swap_bytes().to_ne_bytes());
        file.extend_from_slice(&2u16.swap_bytes().to_ne_bytes());
        file.extend_from_slice(&4u16.swap_bytes().to_ne_bytes());
        file.extend_from_slice(&[0; 8]);
        file.extend_from_slice(&65535u32.swap_bytes().to_ne_bytes());
        file.extend_from_slice(&253u32.swap_bytes().to_ne_bytes());
        for v in [7u32, 5, 20, 20] {
            file.extend_from_slice(&v.swap_bytes().to_ne_bytes());
        }
        file.extend_from_slice(&[0, 4, 3, 0x38, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
        file.extend_from_slice(b"abcd");
        let mut reader = Reader::new(&file[..]).unwrap();
        assert!(reader.foreign_order());
        let r = reader.next().unwrap().unwrap();
        assert_eq!(r.time, UNIX_EPOCH + Duration::new(7, 5));
        assert_eq!((r.protocol, r.data, r.original_len), (9, b"abcd".to_vec(), 4));
    }

    #[test]
    fn hostile_files_are_refused_in_bounded_memory() {
        let mut file = Vec::new();
        Writer::new(&mut file).unwrap();
        assert!(matches!(Reader::new(&file[..4]), Err(CaptureError::ShortHeader)));
        let mut other = file.clone();
        other[20] = 1;
        assert!(matches!(Reader::new(&other[..]), Err(CaptureError::LinkType(1))));
        assert!(matches!(Reader::new(&[0u8; 24][..]), Err(CaptureError::Magic(0))));
        // A record claiming 4 GiB: refused before anything is allocated.
        let mut huge = file.clone();
        for v in [0u32, 0, u32::MAX, u32::MAX] {
            huge.extend_from_slice(&v.to_ne_bytes());
        }
        let mut r = Reader::new(&huge[..]).unwrap();
        assert!(matches!(r.next_record(), Err(CaptureError::TooLong { index: 0, .. })));
        // Cut inside a record header, and inside a record.
        let mut w = Writer::new(Vec::new()).unwrap();
        w.write(UNIX_EPOCH, 0, &[1; 40]).unwrap();
        let whole = w.out;
        for cut in [whole.len() - 1, 24 + 8] {
            let mut r = Reader::new(&whole[..cut]).unwrap();
            assert!(matches!(r.next_record(), Err(CaptureError::Truncated(0))), "{cut}");
        }
        // Shorter than the pseudo-header, and the wrong hardware type.
        let mut short = file.clone();
        for v in [0u32, 0, 4, 4] {
            short.extend_from_slice(&v.to_ne_bytes());
        }
        short.extend_from_slice(&[0; 4]);
        let mut r = Reader::new(&short[..]).unwrap();
        assert!(matches!(r.next_record(), Err(CaptureError::Record { .. })));
        let mut eth = file.clone();
        for v in [0u32, 0, 16, 16] {
            eth.extend_from_slice(&v.to_ne_bytes());
        }
        eth.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let mut r = Reader::new(&eth[..]).unwrap();
        assert!(matches!(
            r.next_record(),
            Err(CaptureError::Record { why: "not ARPHRD_NETLINK", .. })
        ));
    }
}
