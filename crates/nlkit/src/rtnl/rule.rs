//! Policy routing rules: `RTM_NEWRULE`/`RTM_DELRULE`/`RTM_GETRULE`, a
//! `struct fib_rule_hdr` and `FRA_*` attributes (`<linux/fib_rules.h>`).

pub mod ops;

use super::family_of;
use super::uapi::*;
use crate::engine::{Conn, Transport};
use crate::error::Result;
use crate::proto::codec::{Be64, Codec, Cx, Ip, Str, U32, U8};
use crate::proto::ValueType;
use nlkit_wire::{Attr, Error as WireError, MessageBuilder};
use std::net::IpAddr;

/// Bytes of `struct fib_rule_hdr`.
pub const RULE_HEADER_LEN: usize = RuleHeader::LEN;

crate::fixed_struct! {
    /// `struct fib_rule_hdr`.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct RuleHeader as "fib_rule_hdr" {
        /// Address family (`AF_INET`, `AF_INET6`).
        pub family: u8,
        /// Destination prefix length.
        pub dst_len: u8,
        /// Source prefix length.
        pub src_len: u8,
        /// TOS to match.
        pub tos: u8,
        /// Table id if below 256 (`FRA_TABLE` carries the full id).
        pub table: u8,
        /// `res1` and `res2`, kept so a re-emit gives the same bytes.
        pub reserved: [u8; 2],
        /// `FR_ACT_*`.
        pub action: u8,
        /// `FIB_RULE_*` flags (e.g. `FIB_RULE_INVERT`).
        pub flags: u32,
    }
    family: family
}

/// A port range (`struct fib_rule_port_range`) or uid range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Range<T> {
    /// First value.
    pub start: T,
    /// Last value, inclusive.
    pub end: T,
}

/// `struct fib_rule_uid_range`: two `u32`, exactly 8 bytes.
#[derive(Debug, Clone, Copy)]
pub struct UidRange;

impl Codec for UidRange {
    const TYPE: ValueType = ValueType::Custom("fib_rule_uid_range");
    type View<'a> = Range<u32>;
    type Owned = Range<u32>;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<Range<u32>>, WireError> {
        let p = a.payload();
        let size = WireError::AttrSize { kind: a.kind(), want: 8, got: p.len() };
        let p: [u8; 8] = p.try_into().map_err(|_| size)?;
        let start = u32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
        Ok(Some(Range { start, end: u32::from_ne_bytes([p[4], p[5], p[6], p[7]]) }))
    }
    fn encode(
        v: &Range<u32>,
        kind: u16,
        b: &mut MessageBuilder<'_, Vec<u8>>,
    ) -> Result<(), WireError> {
        b.attr(kind, &[v.start.to_ne_bytes(), v.end.to_ne_bytes()].concat())
    }
    fn own(v: &Range<u32>) -> Range<u32> {
        *v
    }
}

/// `struct fib_rule_port_range`: two `u16`, exactly 4 bytes.
#[derive(Debug, Clone, Copy)]
pub struct PortRange;

impl Codec for PortRange {
    const TYPE: ValueType = ValueType::Custom("fib_rule_port_range");
    type View<'a> = Range<u16>;
    type Owned = Range<u16>;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<Range<u16>>, WireError> {
        let v = a.u32()?.to_ne_bytes();
        let (start, end) = (u16::from_ne_bytes([v[0], v[1]]), u16::from_ne_bytes([v[2], v[3]]));
        Ok(Some(Range { start, end }))
    }
    fn encode(
        v: &Range<u16>,
        kind: u16,
        b: &mut MessageBuilder<'_, Vec<u8>>,
    ) -> Result<(), WireError> {
        b.attr(kind, &[v.start.to_ne_bytes(), v.end.to_ne_bytes()].concat())
    }
    fn own(v: &Range<u16>) -> Range<u16> {
        *v
    }
}

crate::attr_set! {
    /// A rule, read from an `RTM_NEWRULE` message without copying.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Rule<'a>: RuleHeader, set "fib-rule-attrs" {
        /// `FRA_PRIORITY`.
        pub priority: Option<u32> = FRA_PRIORITY as U32,
        /// `FRA_TABLE`, or the header's table.
        pub table: u32 = FRA_TABLE as U32 => |h: &RuleHeader| h.table as u32,
        /// `FRA_SRC`.
        pub src: Option<IpAddr> = FRA_SRC as Ip,
        /// `FRA_DST`.
        pub dst: Option<IpAddr> = FRA_DST as Ip,
        /// `FRA_IIFNAME`.
        pub iifname: Option<&'a str> = FRA_IIFNAME as Str,
        /// `FRA_OIFNAME`.
        pub oifname: Option<&'a str> = FRA_OIFNAME as Str,
        /// `FRA_FWMARK`.
        pub fwmark: Option<u32> = FRA_FWMARK as U32,
        /// `FRA_FWMASK`.
        pub fwmask: Option<u32> = FRA_FWMASK as U32,
        /// `FRA_GOTO`: the priority to jump to.
        pub goto: Option<u32> = FRA_GOTO as U32,
        /// `FRA_SUPPRESS_PREFIXLEN`.
        pub suppress_prefixlen: Option<u32> = FRA_SUPPRESS_PREFIXLEN as U32,
        /// `FRA_UID_RANGE`.
        pub uid_range: Option<Range<u32>> = FRA_UID_RANGE as UidRange,
        /// `FRA_IP_PROTO`.
        pub ip_proto: Option<u8> = FRA_IP_PROTO as U8,
        /// `FRA_SPORT_RANGE`.
        pub sport: Option<Range<u16>> = FRA_SPORT_RANGE as PortRange,
        /// `FRA_DPORT_RANGE`.
        pub dport: Option<Range<u16>> = FRA_DPORT_RANGE as PortRange,
        /// `FRA_PROTOCOL`: who installed the rule (`RTPROT_*`).
        pub protocol: Option<u8> = FRA_PROTOCOL as U8,
        /// `FRA_FLOW`: realm.
        pub flow: Option<u32> = FRA_FLOW as U32,
        /// `FRA_TUN_ID`.
        pub tun_id: Option<u64> = FRA_TUN_ID as Be64,
        /// `FRA_SUPPRESS_IFGROUP`.
        pub suppress_ifgroup: Option<u32> = FRA_SUPPRESS_IFGROUP as U32,
        /// `FRA_L3MDEV`.
        pub l3mdev: Option<u8> = FRA_L3MDEV as U8,
    }
    owned
    /// Any rule message to send, attribute by attribute (what [`RuleSpec`]
    /// fills in; `Rule::to_builder` gives one from a view).
    pub struct RuleBuilder;
}

impl<'a> Rule<'a> {
    /// Whether the rule matches the opposite of its selectors (`not`).
    pub fn inverted(&self) -> bool {
        self.header.flags & FIB_RULE_INVERT != 0
    }
}

/// A rule to add or delete: what `ip rule add|del` takes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSpec {
    /// `AF_INET` or `AF_INET6` (taken from `src`/`dst` when 0).
    pub family: u8,
    /// `priority`/`pref`.
    pub priority: Option<u32>,
    /// `from PREFIX`.
    pub src: Option<(IpAddr, u8)>,
    /// `to PREFIX`.
    pub dst: Option<(IpAddr, u8)>,
    /// `iif NAME`.
    pub iifname: Option<String>,
    /// `oif NAME`.
    pub oifname: Option<String>,
    /// `fwmark MARK[/MASK]`.
    pub fwmark: Option<(u32, Option<u32>)>,
    /// `tos TOS`.
    pub tos: u8,
    /// `not`.
    pub invert: bool,
    /// `lookup TABLE` (the action is then `FR_ACT_TO_TBL`).
    pub table: Option<u32>,
    /// `goto PRIORITY`.
    pub goto: Option<u32>,
    /// Another action (`FR_ACT_BLACKHOLE`, `FR_ACT_UNREACHABLE`,
    /// `FR_ACT_PROHIBIT`, `FR_ACT_NOP`); default `FR_ACT_TO_TBL`.
    pub action: Option<u8>,
    /// `suppress_prefixlength N`.
    pub suppress_prefixlen: Option<u32>,
    /// `uidrange A-B`.
    pub uid_range: Option<Range<u32>>,
    /// `ipproto N`.
    pub ip_proto: Option<u8>,
    /// `sport A[-B]`.
    pub sport: Option<Range<u16>>,
    /// `dport A[-B]`.
    pub dport: Option<Range<u16>>,
    /// `protocol N`.
    pub protocol: Option<u8>,
}

impl RuleSpec {
    fn family(&self) -> u8 {
        match (self.family, self.src.or(self.dst)) {
            (0, Some((a, _))) => family_of(&a),
            (f, _) => f,
        }
    }

    /// The action asked for: the type given, `goto` with a target, else
    /// nothing (`FR_ACT_UNSPEC`: a delete of any action, as `rule_find`
    /// reads it). An add with nothing is a table lookup ([`Self::emit`]).
    fn action(&self) -> u8 {
        match (self.action, self.goto) {
            (Some(a), _) => a,
            (None, Some(_)) => FR_ACT_GOTO,
            (None, None) => FR_ACT_UNSPEC,
        }
    }

    /// Whether the spec names no rule at all: every selector left out, so
    /// an `RTM_DELRULE` for it would take the first rule of the family
    /// whose action is the default (`lookup local`, priority 0).
    pub fn selects_nothing(&self) -> bool {
        *self == RuleSpec { family: self.family, invert: self.invert, ..Default::default() }
    }

    /// Whether an `RTM_DELRULE` for this spec could take `r`: each selector
    /// the spec gives must match and the ones it leaves out match anything,
    /// as `rule_find` in net/core/fib_rules.c and the families' `compare`
    /// (fib4_rule_compare, fib6_rule_compare) decide.
    pub fn selects(&self, r: &Rule<'_>) -> bool {
        let h = &r.header;
        let table = self.table.unwrap_or(0);
        let same_prefix = |want: Option<(IpAddr, u8)>, have: Option<IpAddr>, len: u8| match want {
            Some((a, l)) if l != 0 => l == len && have == Some(a),
            _ => true,
        };
        let mask =
            |mark: u32, mask: Option<u32>| mask.unwrap_or(if mark != 0 { u32::MAX } else { 0 });
        h.family == self.family()
            && (self.action() == FR_ACT_UNSPEC || h.action == self.action())
            && (table == 0 || r.table == table)
            && self.priority.is_none_or(|p| r.priority.unwrap_or(0) == p)
            && self.iifname.as_deref().is_none_or(|n| r.iifname == Some(n))
            && self.oifname.as_deref().is_none_or(|n| r.oifname == Some(n))
            && self.fwmark.is_none_or(|(m, k)| {
                let have = r.fwmark.unwrap_or(0);
                (m == 0 || have == m) && (mask(m, k) == 0 || mask(have, r.fwmask) == mask(m, k))
            })
            && self.suppress_prefixlen.is_none_or(|n| r.suppress_prefixlen.unwrap_or(u32::MAX) == n)
            && self.uid_range.is_none_or(|u| r.uid_range == Some(u))
            && self.ip_proto.is_none_or(|p| p == 0 || r.ip_proto == Some(p))
            && self.protocol.is_none_or(|p| p == 0 || r.protocol == Some(p))
            && self.sport.is_none_or(|p| r.sport == Some(p))
            && self.dport.is_none_or(|p| r.dport == Some(p))
            && same_prefix(self.src, r.src, h.src_len)
            && same_prefix(self.dst, r.dst, h.dst_len)
            && (self.tos == 0 || h.tos == self.tos)
    }

    /// Writes the header and attributes of an `RTM_NEWRULE`: a rule given
    /// no type, `goto` or action looks up its table (`FR_ACT_TO_TBL`).
    pub fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        match self.action() {
            FR_ACT_UNSPEC => self.emit_with(b, FR_ACT_TO_TBL),
            action => self.emit_with(b, action),
        }
    }

    /// Writes the header and attributes of an `RTM_DELRULE`: with no type,
    /// `goto` or action given, the action is left out (`FR_ACT_UNSPEC`),
    /// so the kernel matches a rule of any action, as `ip rule del` asks.
    pub fn emit_delete(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        self.emit_with(b, self.action())
    }

    fn emit_with(&self, b: &mut MessageBuilder<'_, Vec<u8>>, action: u8) -> Result<(), WireError> {
        let table = self.table.unwrap_or(0);
        let header = RuleHeader {
            family: self.family(),
            dst_len: self.dst.map_or(0, |d| d.1),
            src_len: self.src.map_or(0, |s| s.1),
            tos: self.tos,
            table: if table < 256 { table as u8 } else { RT_TABLE_UNSPEC as u8 },
            action,
            flags: if self.invert { FIB_RULE_INVERT } else { 0 },
            reserved: [0; 2],
        };
        RuleBuilder {
            header,
            priority: self.priority,
            table: self.table,
            src: self.src.map(|s| s.0),
            dst: self.dst.map(|d| d.0),
            iifname: self.iifname.clone(),
            oifname: self.oifname.clone(),
            fwmark: self.fwmark.map(|f| f.0),
            fwmask: self.fwmark.and_then(|f| f.1),
            goto: self.goto,
            suppress_prefixlen: self.suppress_prefixlen,
            uid_range: self.uid_range,
            ip_proto: self.ip_proto,
            sport: self.sport,
            dport: self.dport,
            protocol: self.protocol,
            ..Default::default()
        }
        .emit(b)
    }
}

impl<T: Transport> Conn<T> {
    /// Dumps the rules of `family` (`AF_UNSPEC` for all), calling `f` with each.
    pub fn rule_dump(&mut self, family: u8, f: impl FnMut(&Rule<'_>) -> Result<()>) -> Result<()> {
        self.run(super::ops::rule_dump(family, f))
    }

    /// Adds a rule (`NLM_F_CREATE | NLM_F_EXCL`).
    pub fn rule_add(&mut self, spec: &RuleSpec) -> Result<()> {
        self.run(super::ops::rule_add(spec))
    }

    /// Deletes the first rule matching `spec`.
    pub fn rule_del(&mut self, spec: &RuleSpec) -> Result<()> {
        self.run(super::ops::rule_del(spec))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rtnl::View;
    use nlkit_wire::{Header, Messages};

    /// `ip rule add from 10.0.0.0/8 table 100 prio 100` as a 6.18 kernel
    /// dumps it, plus an attribute type (0x3f) no kernel has yet.
    fn captured() -> Vec<u8> {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWRULE)).unwrap();
        let h = RuleHeader { family: 2, src_len: 8, table: 100, action: 1, ..Default::default() };
        b.append(&h.to_bytes()).unwrap();
        b.attr_u32(FRA_TABLE, 100).unwrap();
        b.attr_u8(FRA_PROTOCOL, 0).unwrap();
        b.attr_u32(FRA_PRIORITY, 100).unwrap();
        b.attr(FRA_SRC, &[10, 0, 0, 0]).unwrap();
        b.attr(0x3f, b"future").unwrap();
        let _ = b.finish();
        buf
    }

    #[test]
    fn parses_and_keeps_unknown_attributes() {
        let bytes = captured();
        let msg = Messages::new(&bytes).next().unwrap().unwrap();
        let rule = Rule::parse(&msg).unwrap();
        assert_eq!(rule.priority, Some(100));
        assert_eq!(rule.table, 100);
        assert_eq!(rule.src, Some("10.0.0.0".parse().unwrap()));
        assert_eq!(rule.header.src_len, 8);
        assert_eq!(rule.protocol, Some(0));
        let unknown: Vec<_> = rule.unknown().map(|a| (a.kind(), a.payload())).collect();
        assert_eq!(unknown, [(0x3f, &b"future"[..])]);
        let mut again = Vec::new();
        let mut b = MessageBuilder::new(&mut again, msg.header()).unwrap();
        rule.emit(&mut b).unwrap();
        let _ = b.finish();
        assert_eq!(again, bytes, "parse then emit gives back the bytes");
    }

    #[test]
    fn spec_emits_what_parse_reads() {
        let spec = RuleSpec {
            priority: Some(300),
            src: Some(("2001:db8::".parse().unwrap(), 32)),
            table: Some(1000),
            fwmark: Some((0x10, Some(0xff))),
            invert: true,
            uid_range: Some(Range { start: 1000, end: 2000 }),
            sport: Some(Range { start: 80, end: 80 }),
            ..Default::default()
        };
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWRULE)).unwrap();
        spec.emit(&mut b).unwrap();
        let _ = b.finish();
        let msg = Messages::new(&buf).next().unwrap().unwrap();
        let rule = Rule::parse(&msg).unwrap();
        assert_eq!(rule.header.family, super::super::AF_INET6);
        assert_eq!(rule.header.table, 0, "tables above 255 only in FRA_TABLE");
        assert_eq!((rule.table, rule.priority, rule.fwmask), (1000, Some(300), Some(0xff)));
        assert!(rule.inverted());
        assert_eq!(rule.uid_range, Some(Range { start: 1000, end: 2000 }));
        assert_eq!(rule.sport, Some(Range { start: 80, end: 80 }));
        assert_eq!(rule.unknown().count(), 0);
    }

    #[test]
    fn a_short_header_is_an_error_and_a_bad_size_is_kept_raw() {
        let mut bytes = captured();
        bytes[0] = 16 + 8;
        let msg = Messages::new(&bytes[..24]).next().unwrap().unwrap();
        assert!(matches!(Rule::parse(&msg), Err(WireError::Truncated { need: 12, have: 8 })));
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWRULE)).unwrap();
        b.append(&RuleHeader::default().to_bytes()).unwrap();
        b.attr_u16(FRA_PRIORITY, 1).unwrap();
        let _ = b.finish();
        let msg = Messages::new(&buf).next().unwrap().unwrap();
        let rule = Rule::parse(&msg).expect("one odd attribute does not cost the rule");
        assert_eq!(rule.priority, None);
        let bad: Vec<_> = rule.malformed().collect();
        assert!(matches!(bad[..], [crate::rtnl::BadAttr { kind: Some(FRA_PRIORITY), .. }]));
    }
}
