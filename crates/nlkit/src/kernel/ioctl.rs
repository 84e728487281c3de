//! ioctl(2) request numbers: the `_IO`/`_IOR`/`_IOW`/`_IOWR` macros of
//! `include/uapi/asm-generic/ioctl.h` as `const fn`s, and their inverse.
//!
//! A request packs, from the low bits up: the command number `nr` (8 bits),
//! the type or "magic" `ty` (8 bits), the argument size (14 bits) and the
//! direction (2 bits: none, write, read, or both, seen from user space).
//! This is the layout of x86, arm, arm64, riscv, s390 and loongarch;
//! powerpc, mips, sparc and alpha use 13 size bits and 3 direction bits,
//! which the constants below follow on those targets. Old requests such as
//! `TCGETS` (0x5401) predate the scheme and decode as `_IO`.

use std::fmt;

/// Bits of the command number.
pub const NRBITS: u32 = 8;
/// Bits of the type.
pub const TYPEBITS: u32 = 8;
#[cfg(not(any(
    target_arch = "powerpc",
    target_arch = "powerpc64",
    target_arch = "mips",
    target_arch = "mips64",
    target_arch = "sparc",
    target_arch = "sparc64"
)))]
mod arch {
    pub const SIZEBITS: u32 = 14;
    pub const DIRBITS: u32 = 2;
    pub const NONE: u32 = 0;
    pub const WRITE: u32 = 1;
    pub const READ: u32 = 2;
}
#[cfg(any(
    target_arch = "powerpc",
    target_arch = "powerpc64",
    target_arch = "mips",
    target_arch = "mips64",
    target_arch = "sparc",
    target_arch = "sparc64"
))]
mod arch {
    pub const SIZEBITS: u32 = 13;
    pub const DIRBITS: u32 = 3;
    pub const NONE: u32 = 1;
    pub const WRITE: u32 = 4;
    pub const READ: u32 = 2;
}
/// Bits of the argument size.
pub const SIZEBITS: u32 = arch::SIZEBITS;
/// Bits of the direction.
pub const DIRBITS: u32 = arch::DIRBITS;
/// Where the command number starts.
pub const NRSHIFT: u32 = 0;
/// Where the type starts.
pub const TYPESHIFT: u32 = NRSHIFT + NRBITS;
/// Where the size starts.
pub const SIZESHIFT: u32 = TYPESHIFT + TYPEBITS;
/// Where the direction starts.
pub const DIRSHIFT: u32 = SIZESHIFT + SIZEBITS;
/// The largest argument size a request can carry.
pub const SIZEMASK: u32 = (1 << SIZEBITS) - 1;
const DIRMASK: u32 = (1 << DIRBITS) - 1;

/// Which way the argument travels, seen from user space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dir {
    /// `_IOC_NONE`: no argument, or one passed by value.
    None,
    /// `_IOC_WRITE`: user space writes, the kernel reads (`_IOW`).
    Write,
    /// `_IOC_READ`: the kernel writes, user space reads (`_IOR`).
    Read,
    /// `_IOC_READ|_IOC_WRITE` (`_IOWR`).
    ReadWrite,
    /// Direction bits no macro produces (only on 3-bit targets).
    Unknown(u8),
}

impl Dir {
    /// The direction bits.
    pub const fn bits(self) -> u32 {
        match self {
            Dir::None => arch::NONE,
            Dir::Write => arch::WRITE,
            Dir::Read => arch::READ,
            Dir::ReadWrite => arch::READ | arch::WRITE,
            Dir::Unknown(b) => b as u32 & DIRMASK,
        }
    }

    /// The direction of these bits.
    pub const fn from_bits(bits: u32) -> Dir {
        let bits = bits & DIRMASK;
        if bits == arch::NONE {
            Dir::None
        } else if bits == arch::WRITE {
            Dir::Write
        } else if bits == arch::READ {
            Dir::Read
        } else if bits == arch::READ | arch::WRITE {
            Dir::ReadWrite
        } else {
            Dir::Unknown(bits as u8)
        }
    }

    /// The macro that makes requests of this direction: `_IO`, `_IOW`, ...
    pub const fn macro_name(self) -> &'static str {
        match self {
            Dir::None => "_IO",
            Dir::Write => "_IOW",
            Dir::Read => "_IOR",
            Dir::ReadWrite => "_IOWR",
            Dir::Unknown(_) => "_IOC",
        }
    }
}

/// `_IOC(dir, type, nr, size)`. Panics (at compile time in a `const`) when
/// `size` does not fit in the size bits.
pub const fn ioc(dir: Dir, ty: u8, nr: u8, size: usize) -> u32 {
    assert!(size <= SIZEMASK as usize, "ioctl argument size does not fit the size bits");
    (dir.bits() << DIRSHIFT)
        | ((ty as u32) << TYPESHIFT)
        | ((nr as u32) << NRSHIFT)
        | ((size as u32) << SIZESHIFT)
}

/// `_IO(type, nr)`: a request without an argument.
pub const fn io(ty: u8, nr: u8) -> u32 {
    ioc(Dir::None, ty, nr, 0)
}

/// `_IOR(type, nr, T)`: the kernel fills a `T`.
pub const fn ior<T>(ty: u8, nr: u8) -> u32 {
    ioc(Dir::Read, ty, nr, std::mem::size_of::<T>())
}

/// `_IOW(type, nr, T)`: the kernel reads a `T`.
pub const fn iow<T>(ty: u8, nr: u8) -> u32 {
    ioc(Dir::Write, ty, nr, std::mem::size_of::<T>())
}

/// `_IOWR(type, nr, T)`: both ways.
pub const fn iowr<T>(ty: u8, nr: u8) -> u32 {
    ioc(Dir::ReadWrite, ty, nr, std::mem::size_of::<T>())
}

/// A request number taken apart (`_IOC_DIR`, `_IOC_TYPE`, `_IOC_NR`,
/// `_IOC_SIZE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ioctl {
    /// The direction.
    pub dir: Dir,
    /// The type ("magic"), often an ASCII letter.
    pub ty: u8,
    /// The command number within the type.
    pub nr: u8,
    /// The argument size in bytes.
    pub size: u16,
}

impl Ioctl {
    /// Takes `request` apart. Every 32-bit number decodes.
    pub const fn decode(request: u32) -> Ioctl {
        Ioctl {
            dir: Dir::from_bits(request >> DIRSHIFT),
            ty: (request >> TYPESHIFT) as u8,
            nr: (request >> NRSHIFT) as u8,
            size: ((request >> SIZESHIFT) & SIZEMASK) as u16,
        }
    }

    /// Puts the request number back together.
    pub const fn encode(&self) -> u32 {
        ioc(self.dir, self.ty, self.nr, self.size as usize)
    }

    /// The type as a character when it is printable ASCII.
    pub fn ty_char(&self) -> Option<char> {
        self.ty.is_ascii_graphic().then_some(self.ty as char)
    }
}

impl fmt::Display for Ioctl {
    /// As the C macro would be written: `_IOR('T', 0x13, 4)`, `_IO(0x12,
    /// 0x5d)`; a number no shorthand makes (no direction but a size, or
    /// direction bits no macro has) as `_IOC(_IOC_NONE, 'x', 0x1, 4)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.dir {
            Dir::Unknown(b) => write!(f, "_IOC({b:#x}, ")?,
            Dir::None if self.size != 0 => f.write_str("_IOC(_IOC_NONE, ")?,
            d => write!(f, "{}(", d.macro_name())?,
        }
        match self.ty_char() {
            Some('\'') => f.write_str("'\\''")?,
            Some('\\') => f.write_str("'\\\\'")?,
            Some(c) => write!(f, "'{c}'")?,
            None => write!(f, "{:#x}", self.ty)?,
        }
        write!(f, ", {:#x}", self.nr)?;
        if self.dir != Dir::None || self.size != 0 {
            write!(f, ", {}", self.size)?;
        }
        f.write_str(")")
    }
}

/// Names the uapi headers give `request`, with the header each comes from
/// (`TUNSETIFF` from `linux/if_tun.h`). Several names can share a number;
/// the table covers x86_64 (elsewhere it is empty).
pub fn names(request: u32) -> impl Iterator<Item = (&'static str, &'static str)> {
    table().iter().filter(move |(_, r, _)| *r == request).map(|(n, _, h)| (*n, *h))
}

/// The request number the headers define as `name`.
pub fn by_name(name: &str) -> Option<u32> {
    let t = table();
    t.binary_search_by(|(n, _, _)| (*n).cmp(name)).ok().map(|i| t[i].1)
}

#[cfg(target_arch = "x86_64")]
fn table() -> &'static [(&'static str, u32, &'static str)] {
    super::ioctl_names::IOCTLS
}

#[cfg(not(target_arch = "x86_64"))]
fn table() -> &'static [(&'static str, u32, &'static str)] {
    &[]
}

/// A request that [`parse_request`] could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRequest {
    /// The text as given.
    pub input: String,
    /// What was wrong with it.
    pub why: &'static str,
}

impl fmt::Display for BadRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid ioctl request {:?}: {}", self.input, self.why)
    }
}

impl std::error::Error for BadRequest {}

/// Reads a request as a user writes one: a number (`0x400454ca`, decimal,
/// or a negative decimal with the same bits as a C `int`, as strace prints
/// some), a name the headers define (`TUNSETIFF`), or the C macro
/// (`_IO('m', 3)`, `_IOR('m', 1, 40)`, `_IOW('m', 2, int)`,
/// `_IOWR(0x12, 7, struct of 16 bytes as 16)`): the size is a number of
/// bytes or a C scalar type (`int`, `long`, `__u64`, `size_t`, `void *`, ...).
pub fn parse_request(text: &str) -> Result<u32, BadRequest> {
    let bad = |why| BadRequest { input: text.to_string(), why };
    let t = text.trim();
    if let Some(n) = number(t) {
        return u32::try_from(n)
            .or_else(|_| i32::try_from(n).map(|v| v as u32))
            .map_err(|_| bad("does not fit in 32 bits"));
    }
    if let Some(r) = by_name(t) {
        return Ok(r);
    }
    let Some((mac, rest)) = t.split_once('(') else {
        return Err(bad("not a number, a known name or _IO/_IOR/_IOW/_IOWR(...)"));
    };
    let args = rest.trim_end().strip_suffix(')').ok_or_else(|| bad("missing ')'"))?;
    let mut args: Vec<&str> = split_args(args);
    let dir = match mac.trim() {
        "_IO" => Dir::None,
        "_IOR" => Dir::Read,
        "_IOW" => Dir::Write,
        "_IOWR" => Dir::ReadWrite,
        // _IOC(DIR, TYPE, NR, SIZE): any direction, any size.
        "_IOC" if args.len() == 4 => {
            let dir = ioc_dir(args.remove(0)).ok_or_else(|| bad("_IOC's direction"))?;
            let ty =
                char_or_number(args[0]).ok_or_else(|| bad("the type is not a char or a byte"))?;
            let nr = number(args[1]).and_then(|n| u8::try_from(n).ok());
            let nr = nr.ok_or_else(|| bad("nr is not a byte"))?;
            let size = c_size(args[2])
                .ok_or_else(|| bad("size is not a byte count or a C scalar type"))?;
            if size > SIZEMASK as u64 {
                return Err(bad("size does not fit the size bits"));
            }
            return Ok(ioc(dir, ty, nr, size as usize));
        }
        "_IOC" => return Err(bad("_IOC takes (dir, type, nr, size)")),
        _ => return Err(bad("unknown name (and not _IO, _IOR, _IOW, _IOWR or _IOC)")),
    };
    let want = if dir == Dir::None { 2 } else { 3 };
    if args.len() != want {
        return Err(bad(if want == 2 { "_IO takes (type, nr)" } else { "takes (type, nr, size)" }));
    }
    let ty = char_or_number(args[0]).ok_or_else(|| bad("the type is not a char or a byte"))?;
    let nr = number(args[1])
        .and_then(|n| u8::try_from(n).ok())
        .ok_or_else(|| bad("nr is not a byte"))?;
    let size = match args.get(2) {
        None => 0,
        Some(s) => c_size(s).ok_or_else(|| bad("size is not a byte count or a C scalar type"))?,
    };
    if size > SIZEMASK as u64 {
        return Err(bad("size does not fit the size bits"));
    }
    Ok(ioc(dir, ty, nr, size as usize))
}

/// `_IOC`'s direction: `_IOC_NONE`, `_IOC_READ`, `_IOC_WRITE`,
/// `_IOC_READ|_IOC_WRITE`, or the bits as a number.
fn ioc_dir(s: &str) -> Option<Dir> {
    let words: Vec<&str> = s.split('|').map(str::trim).collect();
    let bits = match words[..] {
        ["_IOC_NONE"] => Dir::None.bits(),
        ["_IOC_READ"] => Dir::Read.bits(),
        ["_IOC_WRITE"] => Dir::Write.bits(),
        ["_IOC_READ", "_IOC_WRITE"] | ["_IOC_WRITE", "_IOC_READ"] => Dir::ReadWrite.bits(),
        _ => u32::try_from(number(s)?).ok()?,
    };
    (bits < 1 << DIRBITS).then(|| Dir::from_bits(bits))
}

/// Splits macro arguments at commas outside quotes (`','` is a type;
/// a backslash escapes the next character inside quotes: `'\''`).
fn split_args(s: &str) -> Vec<&str> {
    let (mut out, mut start, mut quoted, mut escaped) = (Vec::new(), 0, false, false);
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '\'' => quoted = !quoted,
            ',' if !quoted => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim());
    out
}

/// A decimal, `0x` hex or `0` octal number, or a negative decimal: digits
/// only after the one sign (`--9` and `+9` are no numbers).
fn number(s: &str) -> Option<i64> {
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s),
    };
    let (radix, digits) =
        if let Some(h) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
            (16, h)
        } else if digits.len() > 1 && digits.starts_with('0') {
            (8, &digits[1..])
        } else {
            (10, digits)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let v = i64::from_str_radix(digits, radix).ok()?;
    Some(if neg { -v } else { v })
}

/// `'m'` (also `'\''`, `'\\'`) or a number below 256.
fn char_or_number(s: &str) -> Option<u8> {
    match s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        Some("\\'") => Some(b'\''),
        Some("\\\\") => Some(b'\\'),
        Some(c) if c.len() == 1 && c.is_ascii() => Some(c.as_bytes()[0]),
        Some(_) => None,
        None => number(s).and_then(|n| u8::try_from(n).ok()),
    }
}

/// A size: bytes, `sizeof(T)` or a C scalar type as x86_64 and the other
/// LP64 targets size it.
fn c_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let s = s
        .strip_prefix("sizeof")
        .map_or(s, |r| r.trim().trim_start_matches('(').trim_end_matches(')').trim());
    if let Some(n) = number(s) {
        return u64::try_from(n).ok();
    }
    if s.ends_with('*') {
        return Some(std::mem::size_of::<usize>() as u64);
    }
    let words: Vec<&str> =
        s.split_whitespace().filter(|w| !matches!(*w, "unsigned" | "signed" | "const")).collect();
    let size = match words.join(" ").as_str() {
        "" => 4, // plain `unsigned`
        "char" | "__u8" | "__s8" | "u8" | "s8" | "uint8_t" | "int8_t" | "bool" => 1,
        "short" | "short int" | "__u16" | "__s16" | "u16" | "uint16_t" | "int16_t" => 2,
        "int" | "__u32" | "__s32" | "u32" | "uint32_t" | "int32_t" | "__be32" | "__le32" => 4,
        "long" | "long int" | "long long" | "__u64" | "__s64" | "u64" | "uint64_t" | "int64_t"
        | "size_t" | "ssize_t" | "off_t" | "loff_t" | "__kernel_size_t" => 8,
        _ => return None,
    };
    Some(size)
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    // Expected values printed by a C program on x86_64 (glibc, Linux uapi
    // headers) with printf("%#x", NAME):
    //   TCGETS 0x5401, FIONREAD 0x541b, TIOCGWINSZ 0x5413, FIONBIO 0x5421,
    //   BLKGETSIZE64 0x80081272, SIOCGIFFLAGS 0x8913, TUNSETIFF 0x400454ca,
    //   TUNGETIFF 0x800454d2, FS_IOC_GETFLAGS 0x80086601,
    //   RNDGETENTCNT 0x80045200, RNDADDTOENTCNT 0x40045201,
    //   RNDZAPENTCNT 0x5204, BLKROSET 0x125d, FICLONE 0x40049409.
    const TUNSETIFF: u32 = iow::<libc::c_int>(b'T', 202);
    const BLKGETSIZE64: u32 = ior::<libc::size_t>(0x12, 114);

    #[test]
    fn builders_match_the_c_macros() {
        assert_eq!(io(b'T', 0x01), 0x5401); // TCGETS
        assert_eq!(io(b'T', 0x1b), 0x541b); // FIONREAD
        assert_eq!(io(b'T', 0x13), 0x5413); // TIOCGWINSZ
        assert_eq!(io(b'T', 0x21), 0x5421); // FIONBIO
        assert_eq!(BLKGETSIZE64, 0x8008_1272);
        assert_eq!(TUNSETIFF, 0x4004_54ca);
        assert_eq!(ior::<libc::c_uint>(b'T', 210), 0x8004_54d2); // TUNGETIFF
        assert_eq!(ior::<libc::c_long>(b'f', 1), 0x8008_6601); // FS_IOC_GETFLAGS
        assert_eq!(ior::<libc::c_int>(b'R', 0x00), 0x8004_5200); // RNDGETENTCNT
        assert_eq!(iow::<libc::c_int>(b'R', 0x01), 0x4004_5201); // RNDADDTOENTCNT
        assert_eq!(io(b'R', 0x04), 0x5204); // RNDZAPENTCNT
        assert_eq!(io(0x12, 93), 0x125d); // BLKROSET
        assert_eq!(iow::<libc::c_int>(0x94, 9), 0x4004_9409); // FICLONE
        assert_eq!(iowr::<[u8; 40]>(b'T', 1), 0xc028_5401);
        assert_eq!(libc::SIOCGIFFLAGS as u32, 0x8913);
        assert_eq!(libc::TUNSETIFF as u32, TUNSETIFF);
    }

    #[test]
    fn decode_and_display() {
        let d = Ioctl::decode(0x4004_54ca);
        assert_eq!(d, Ioctl { dir: Dir::Write, ty: b'T', nr: 202, size: 4 });
        assert_eq!(d.to_string(), "_IOW('T', 0xca, 4)");
        assert_eq!(Ioctl::decode(0x8008_1272).to_string(), "_IOR(0x12, 0x72, 8)");
        assert_eq!(Ioctl::decode(0x5401).to_string(), "_IO('T', 0x1)");
        // SIOCGIFFLAGS predates the scheme: type 0x89, no direction or size.
        assert_eq!(Ioctl::decode(0x8913).to_string(), "_IO(0x89, 0x13)");
        assert_eq!(Ioctl::decode(0xc028_5401).dir, Dir::ReadWrite);
        assert_eq!(Ioctl::decode(io(b'\'', 1)).to_string(), "_IO('\\'', 0x1)");
    }

    #[test]
    fn requests_read_as_users_write_them() {
        assert_eq!(parse_request("0x400454ca"), Ok(0x4004_54ca));
        assert_eq!(parse_request("1074025674"), Ok(0x4004_54ca));
        assert_eq!(parse_request("-2147216782"), Ok(0x8004_1272));
        assert_eq!(parse_request("TUNSETIFF"), Ok(TUNSETIFF));
        assert_eq!(parse_request("_IOW('T', 202, int)"), Ok(TUNSETIFF));
        assert_eq!(parse_request("_IOW('T', 0xca, 4)"), Ok(TUNSETIFF));
        assert_eq!(parse_request("_IOR(0x12, 114, size_t)"), Ok(BLKGETSIZE64));
        assert_eq!(parse_request("_IO('m',3)"), Ok(io(b'm', 3)));
        assert_eq!(parse_request("_IOR('m', 1, 40)"), Ok(ioc(Dir::Read, b'm', 1, 40)));
        assert_eq!(
            parse_request("_IOWR(',', 1, unsigned long)"),
            Ok(ioc(Dir::ReadWrite, b',', 1, 8))
        );
        assert_eq!(parse_request("_IOW('m', 2, char *)"), Ok(ioc(Dir::Write, b'm', 2, 8)));
        assert_eq!(parse_request("_IOW('m', 2, sizeof(int))"), Ok(ioc(Dir::Write, b'm', 2, 4)));
        // No direction but a size: only _IOC says it, and it reads back.
        let odd = Ioctl::decode(77777);
        assert_eq!(odd.to_string(), "_IOC(_IOC_NONE, '/', 0xd1, 1)");
        assert_eq!(parse_request(&odd.to_string()), Ok(77777));
        assert_eq!(
            parse_request("_IOC(_IOC_READ|_IOC_WRITE, 'm', 4, int)"),
            Ok(iowr::<i32>(b'm', 4))
        );
        assert_eq!(parse_request("_IOC(2, 'm', 1, 40)"), Ok(ioc(Dir::Read, b'm', 1, 40)));
        assert_eq!(parse_request("_IO('\\'', 0xf)"), Ok(io(b'\'', 0xf)));
        assert_eq!(parse_request("_IOW('\\'', 1, int)"), Ok(iow::<i32>(b'\'', 1)));
        for not_a_number in ["--9999", "+9", "0x", "-", "0x+1", "09"] {
            assert!(parse_request(not_a_number).is_err(), "{not_a_number}");
        }
        for bad in [
            "",
            "NOPE",
            "_IOR('m', 1)",
            "_IO('m', 300)",
            "_IOW('m', 1, struct foo)",
            "_IOR('m', 1, 16384)",
            "0x1ffffffff",
            "_IOX('m', 1)",
            "_IO('m', 1",
        ] {
            assert!(parse_request(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_come_from_the_headers() {
        assert_eq!(names(0x4004_54ca).collect::<Vec<_>>(), [("TUNSETIFF", "linux/if_tun.h")]);
        assert_eq!(by_name("TCGETS"), Some(0x5401));
        assert_eq!(by_name("FIONREAD"), Some(0x541b));
        assert_eq!(by_name("SIOCGIFFLAGS"), Some(0x8913));
        assert_eq!(by_name("BLKGETSIZE64"), Some(BLKGETSIZE64));
        assert_eq!(by_name("TUNSETIF"), None);
        // The table is sorted, so by_name's binary search sees every row.
        assert!(table().windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn every_number_round_trips() {
        for n in [0, 1, 0x5401, 0x8913, 0x4004_54ca, 0xffff_ffff, 0xc000_0000, 0x3fff_0000] {
            assert_eq!(Ioctl::decode(n).encode(), n, "{n:#x}");
        }
    }

    #[test]
    #[should_panic(expected = "size does not fit")]
    fn oversized_arguments_are_refused() {
        let _ = ioc(Dir::Read, b'x', 1, 1 << 14);
    }
}
