//! `nlmsg_flags`: the `NLM_F_*` bits, named by context.
//!
//! The low byte means the same in every message. The bits from 0x100 up are
//! modifiers whose meaning depends on the request: GET (ROOT, MATCH, ATOMIC),
//! NEW (REPLACE, EXCL, CREATE, APPEND), DELETE (NONREC, BULK) or an ACK
//! (CAPPED, ACK_TLVS). [`Flags`] keeps all sixteen bits, known or not;
//! [`FlagContext`] says which names to print.

use crate::MessageType;
use core::fmt;
use core::ops::{BitOr, BitOrAssign};

/// The sixteen bits of `nlmsg_flags`; unknown bits are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(u16);

impl Flags {
    /// `NLM_F_REQUEST`: a request.
    pub const REQUEST: Flags = Flags(0x01);
    /// `NLM_F_MULTI`: part of a multipart message, ended by `NLMSG_DONE`.
    pub const MULTI: Flags = Flags(0x02);
    /// `NLM_F_ACK`: reply with an acknowledgement (an errno-0 `NLMSG_ERROR`).
    pub const ACK: Flags = Flags(0x04);
    /// `NLM_F_ECHO`: echo this request back.
    pub const ECHO: Flags = Flags(0x08);
    /// `NLM_F_DUMP_INTR`: the dump was inconsistent (the data changed during it).
    pub const DUMP_INTR: Flags = Flags(0x10);
    /// `NLM_F_DUMP_FILTERED`: the dump was filtered as the request asked.
    pub const DUMP_FILTERED: Flags = Flags(0x20);
    /// `NLM_F_ROOT` (GET): return the whole table.
    pub const ROOT: Flags = Flags(0x100);
    /// `NLM_F_MATCH` (GET): return all matching entries.
    pub const MATCH: Flags = Flags(0x200);
    /// `NLM_F_ATOMIC` (GET): an atomic snapshot.
    pub const ATOMIC: Flags = Flags(0x400);
    /// `NLM_F_DUMP` (GET): `ROOT | MATCH`.
    pub const DUMP: Flags = Flags(0x300);
    /// `NLM_F_REPLACE` (NEW): replace an existing object.
    pub const REPLACE: Flags = Flags(0x100);
    /// `NLM_F_EXCL` (NEW): fail if the object exists.
    pub const EXCL: Flags = Flags(0x200);
    /// `NLM_F_CREATE` (NEW): create the object if it does not exist.
    pub const CREATE: Flags = Flags(0x400);
    /// `NLM_F_APPEND` (NEW): add to the end of a list.
    pub const APPEND: Flags = Flags(0x800);
    /// `NLM_F_NONREC` (DELETE): do not delete recursively.
    pub const NONREC: Flags = Flags(0x100);
    /// `NLM_F_BULK` (DELETE): delete several objects.
    pub const BULK: Flags = Flags(0x200);
    /// `NLM_F_CAPPED` (ACK): the echoed request was cut to its header.
    pub const CAPPED: Flags = Flags(0x100);
    /// `NLM_F_ACK_TLVS` (ACK): extended-ack TLVs follow.
    pub const ACK_TLVS: Flags = Flags(0x200);

    const COMMON: [(&'static str, u16); 6] = [
        ("REQUEST", 0x01),
        ("MULTI", 0x02),
        ("ACK", 0x04),
        ("ECHO", 0x08),
        ("DUMP_INTR", 0x10),
        ("DUMP_FILTERED", 0x20),
    ];
    const GET: [(&'static str, u16); 4] =
        [("DUMP", 0x300), ("ROOT", 0x100), ("MATCH", 0x200), ("ATOMIC", 0x400)];
    const NEW: [(&'static str, u16); 4] =
        [("REPLACE", 0x100), ("EXCL", 0x200), ("CREATE", 0x400), ("APPEND", 0x800)];
    const DELETE: [(&'static str, u16); 2] = [("NONREC", 0x100), ("BULK", 0x200)];
    const ACKS: [(&'static str, u16); 2] = [("CAPPED", 0x100), ("ACK_TLVS", 0x200)];

    /// No bits set.
    pub const fn empty() -> Flags {
        Flags(0)
    }

    /// Flags from raw bits, unknown bits included.
    pub const fn from_bits(bits: u16) -> Flags {
        Flags(bits)
    }

    /// The raw bits.
    pub const fn bits(self) -> u16 {
        self.0
    }

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any bit of `other` is set.
    pub const fn intersects(self, other: Flags) -> bool {
        self.0 & other.0 != 0
    }

    /// The flag with this name (`"ACK"`, `"NLM_F_ACK"`, `"dump"`; any case),
    /// or a number (`"0x300"`, `"5"`).
    pub fn from_name(name: &str) -> Option<Flags> {
        let name = name.trim();
        let bare = strip_prefix_ignore_case(name, "NLM_F_").unwrap_or(name);
        let tables: [&[(&str, u16)]; 5] =
            [&Self::COMMON, &Self::GET, &Self::NEW, &Self::DELETE, &Self::ACKS];
        for (n, v) in tables.into_iter().flatten() {
            if n.eq_ignore_ascii_case(bare) {
                return Some(Flags(*v));
            }
        }
        parse_u16(bare).map(Flags)
    }

    /// A displayable form naming the bits as `context` understands them,
    /// e.g. `REQUEST|ACK|DUMP`; bits without a name print as hex.
    pub fn display(self, context: FlagContext) -> FlagsDisplay {
        FlagsDisplay { flags: self, context }
    }

    /// The named bits as `context` understands them, and the bits left unnamed.
    pub fn names(self, context: FlagContext) -> (NameIter, u16) {
        let mut rest = self.0;
        let mut found = [""; 16];
        let mut n = 0;
        let modifiers: &[(&str, u16)] = match context {
            FlagContext::Get => &Self::GET,
            FlagContext::New => &Self::NEW,
            FlagContext::Delete => &Self::DELETE,
            FlagContext::Ack => &Self::ACKS,
            FlagContext::Unknown => &[],
        };
        for (name, v) in Self::COMMON.iter().chain(modifiers) {
            if rest & v == *v {
                found[n] = name;
                n += 1;
                rest &= !v;
            }
        }
        (NameIter { names: found, next: 0, len: n }, rest)
    }
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

fn parse_u16(s: &str) -> Option<u16> {
    match strip_prefix_ignore_case(s, "0x") {
        Some(hex) => u16::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// The names found by [`Flags::names`], in bit order.
#[derive(Debug, Clone)]
pub struct NameIter {
    names: [&'static str; 16],
    next: usize,
    len: usize,
}

impl Iterator for NameIter {
    type Item = &'static str;
    fn next(&mut self) -> Option<&'static str> {
        (self.next < self.len).then(|| {
            self.next += 1;
            self.names[self.next - 1]
        })
    }
}

impl BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

impl BitOrAssign for Flags {
    fn bitor_assign(&mut self, rhs: Flags) {
        self.0 |= rhs.0
    }
}

/// Which meaning to give the modifier bits (0x100 and up) when naming them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagContext {
    /// A GET request: ROOT, MATCH, ATOMIC, DUMP.
    Get,
    /// A NEW request: REPLACE, EXCL, CREATE, APPEND.
    New,
    /// A DELETE request: NONREC, BULK.
    Delete,
    /// An `NLMSG_ERROR` or `NLMSG_DONE`: CAPPED, ACK_TLVS.
    Ack,
    /// Not known: modifier bits print as hex.
    Unknown,
}

impl FlagContext {
    /// The context a message type implies on its own: `Ack` for ERROR and
    /// DONE, `Unknown` otherwise (only the family knows GET from NEW).
    pub fn for_type(t: MessageType) -> FlagContext {
        match t {
            MessageType::Error | MessageType::Done => FlagContext::Ack,
            _ => FlagContext::Unknown,
        }
    }
}

/// Displays flags by name; see [`Flags::display`].
#[derive(Debug, Clone, Copy)]
pub struct FlagsDisplay {
    flags: Flags,
    context: FlagContext,
}

impl fmt::Display for FlagsDisplay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (names, rest) = self.flags.names(self.context);
        let mut first = true;
        for name in names {
            if !first {
                f.write_str("|")?;
            }
            f.write_str(name)?;
            first = false;
        }
        if rest != 0 || first {
            if !first {
                f.write_str("|")?;
            }
            write!(f, "{rest:#x}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn values_match_uapi() {
        // From /usr/include/linux/netlink.h.
        let all = [
            (Flags::REQUEST, 0x01),
            (Flags::MULTI, 0x02),
            (Flags::ACK, 0x04),
            (Flags::ECHO, 0x08),
            (Flags::DUMP_INTR, 0x10),
            (Flags::DUMP_FILTERED, 0x20),
            (Flags::ROOT, 0x100),
            (Flags::MATCH, 0x200),
            (Flags::ATOMIC, 0x400),
            (Flags::DUMP, 0x300),
            (Flags::REPLACE, 0x100),
            (Flags::EXCL, 0x200),
            (Flags::CREATE, 0x400),
            (Flags::APPEND, 0x800),
            (Flags::NONREC, 0x100),
            (Flags::BULK, 0x200),
            (Flags::CAPPED, 0x100),
            (Flags::ACK_TLVS, 0x200),
        ];
        for (flag, bits) in all {
            assert_eq!(flag.bits(), bits);
        }
    }

    #[test]
    fn names_depend_on_context() {
        let f = Flags::REQUEST | Flags::ACK | Flags::DUMP;
        assert_eq!(f.display(FlagContext::Get).to_string(), "REQUEST|ACK|DUMP");
        assert_eq!(f.display(FlagContext::New).to_string(), "REQUEST|ACK|REPLACE|EXCL");
        assert_eq!(f.display(FlagContext::Ack).to_string(), "REQUEST|ACK|CAPPED|ACK_TLVS");
        assert_eq!(f.display(FlagContext::Unknown).to_string(), "REQUEST|ACK|0x300");
        assert_eq!(Flags::empty().display(FlagContext::Get).to_string(), "0x0");
        assert_eq!(Flags::from_bits(0x8040).display(FlagContext::Get).to_string(), "0x8040");
    }

    #[test]
    fn from_name_accepts_names_and_numbers() {
        assert_eq!(Flags::from_name("ack"), Some(Flags::ACK));
        assert_eq!(Flags::from_name("NLM_F_DUMP"), Some(Flags::DUMP));
        assert_eq!(Flags::from_name("nlm_f_create"), Some(Flags::CREATE));
        assert_eq!(Flags::from_name("0x300"), Some(Flags::DUMP));
        assert_eq!(Flags::from_name("5"), Some(Flags::REQUEST | Flags::ACK));
        assert_eq!(Flags::from_name("bogus"), None);
        assert_eq!(Flags::from_name("0x10000"), None);
        assert_eq!(Flags::from_name("é"), None);
    }
}
