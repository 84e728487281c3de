//! Unit tests of the table macros on a family of their own (no kernel
//! family's quirks): one-pass reading, defaults, unknown and malformed
//! attributes, byte-exact re-emit, strict building and metadata.

#![allow(dead_code)] // the test family has items only some tests use
use super::codec::{Be16, Bin, Fixed, Flag, Ip, Str, U32, U64, U8};
use super::{FixedStruct, StructMeta, ValueType, View, AF_INET};
use nlkit_wire::{Error, Header, MessageBuilder, Messages};
use std::net::IpAddr;

crate::fixed_struct! {
    /// A header: family, pad, a number.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Hdr as "hdr" {
        pub family: u8,
        pub pad: [u8; 3],
        pub number: u32,
    }
    family: family
}

crate::fixed_struct! {
    /// A pair of counters.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct Pair as "pair" {
        pub a: u32,
        pub b: u64,
    }
}

crate::attr_set! {
    /// A test object.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Obj<'a>: Hdr, set "obj-attrs" {
        /// 1.
        pub name: Option<&'a str> = 1 as Str,
        /// 2, the header's number when absent.
        pub number: u32 = 2 as U32 => |h: &Hdr| h.number,
        /// 3.
        pub addr: Option<IpAddr> = 3 as Ip,
        /// 4.
        pub port: Option<u16> = 4 as Be16,
        /// 5.
        pub on: Option<bool> = 5 as Flag,
        /// 6.
        pub pair: Option<Pair> = 6 as Fixed<Pair>,
        /// 7.
        pub blob: Option<&'a [u8]> = 7 as Bin,
        /// 8.
        pub big: Option<u64> = 8 as U64,
        /// 9.
        pub small: Option<u8> = 9 as U8,
    }
    known {
        /// 10: read on demand.
        later = 10 as Bin,
    }
    owned
    /// A test object to send.
    pub struct ObjBuilder;
}

fn message(build: impl FnOnce(&mut MessageBuilder<'_, Vec<u8>>)) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut b = MessageBuilder::new(&mut buf, Header::new(100)).unwrap();
    build(&mut b);
    let _ = b.finish();
    buf
}

fn built(o: &ObjBuilder) -> Vec<u8> {
    message(|b| o.emit(b).unwrap())
}

fn full() -> ObjBuilder {
    ObjBuilder {
        header: Hdr { family: AF_INET, pad: [1, 2, 3], number: 9 },
        name: Some("eth0".into()),
        number: Some(7),
        addr: Some("192.0.2.1".parse().unwrap()),
        port: Some(4789),
        on: Some(true),
        pair: Some(Pair { a: 1, b: 2 }),
        blob: Some(vec![1, 2, 3]),
        big: Some(u64::MAX - 1),
        small: Some(200),
        extra: vec![(60, vec![9, 9])],
    }
}

#[test]
fn fixed_structs_read_write_and_describe_themselves() {
    assert_eq!(Hdr::LEN, 8);
    assert_eq!(Pair::LEN, 12);
    let h = Hdr { family: 2, pad: [0, 0, 7], number: 0x0102_0304 };
    let bytes = h.to_bytes();
    assert_eq!(bytes[..4], [2, 0, 0, 7]);
    assert_eq!(Hdr::parse(&bytes).unwrap(), h);
    assert_eq!(Hdr::parse(&[bytes.as_slice(), &[0xff; 4]].concat()).unwrap(), h, "longer is fine");
    assert_eq!(Hdr::parse(&bytes[..7]), Err(Error::Truncated { need: 8, have: 7 }));
    let meta: StructMeta = <Pair as FixedStruct>::META;
    assert_eq!(meta.len, 12);
    let fields: Vec<_> = meta.fields.iter().map(|f| (f.name, f.value, f.size)).collect();
    assert_eq!(fields, [("a", ValueType::Unsigned(4), 4), ("b", ValueType::Unsigned(8), 8)]);
    assert_eq!(h.cx().family, 2);
}

#[test]
fn the_builder_writes_rows_in_order_and_the_view_reads_them_back() {
    let buf = built(&full());
    let msg = Messages::new(&buf).next().unwrap().unwrap();
    let o = Obj::parse(&msg).unwrap();
    assert_eq!(o.name, Some("eth0"));
    assert_eq!(o.number, 7);
    assert_eq!(o.addr, Some("192.0.2.1".parse().unwrap()));
    assert_eq!(o.port, Some(4789));
    let port = o.attrs().map(Result::unwrap).find(|a| a.kind() == 4).unwrap();
    assert_eq!(port.payload(), &4789u16.to_be_bytes()[..], "network byte order on the wire");
    assert_eq!(o.on, Some(true));
    assert_eq!(o.pair, Some(Pair { a: 1, b: 2 }));
    assert_eq!(o.blob, Some(&[1u8, 2, 3][..]));
    assert_eq!((o.big, o.small), (Some(u64::MAX - 1), Some(200)));
    let kinds: Vec<u16> = o.attrs().map(|a| a.unwrap().kind()).collect();
    assert_eq!(kinds, [1, 2, 3, 4, 5, 6, 7, 8, 9, 60]);
    assert_eq!(o.unknown().map(|a| a.kind()).collect::<Vec<_>>(), [60]);
    assert_eq!(o.malformed().count(), 0);
    assert_eq!(Obj::parse_strict(&msg).unwrap(), o, "well formed: strict reads it the same");
    // Back to a builder and out again: the same bytes.
    assert_eq!(o.to_builder(), full());
    assert_eq!(built(&o.to_builder()), buf);
    let mut again = Vec::new();
    let mut b = MessageBuilder::new(&mut again, msg.header()).unwrap();
    o.emit(&mut b).unwrap();
    let _ = b.finish();
    assert_eq!(again, buf, "the view re-emits byte for byte");
}

#[test]
fn absent_attributes_take_their_defaults() {
    let o = ObjBuilder { header: Hdr { number: 42, ..Hdr::default() }, ..Default::default() };
    let buf = built(&o);
    let msg = Messages::new(&buf).next().unwrap().unwrap();
    let v = Obj::parse(&msg).unwrap();
    assert_eq!((v.number, v.name, v.on), (42, None, None));
}

#[test]
fn a_known_attribute_of_the_wrong_size_is_kept_raw_and_the_rest_read() {
    let buf = message(|b| {
        b.append(&Hdr { family: AF_INET, ..Hdr::default() }.to_bytes()).unwrap();
        b.attr(3, &[192, 0, 2]).unwrap(); // an IPv4 address of 3 bytes
        b.attr(2, &[1, 2]).unwrap(); // a u32 of 2
        b.attr(6, &[0; 4]).unwrap(); // a Pair of 4
        b.attr(5, &[1]).unwrap(); // a flag with a payload
        b.attr_str(1, "after").unwrap();
        b.attr(10, &[0xaa]).unwrap();
    });
    let msg = Messages::new(&buf).next().unwrap().unwrap();
    let o = Obj::parse(&msg).unwrap();
    assert_eq!(o.name, Some("after"), "reading went on");
    assert_eq!((o.addr, o.number, o.pair, o.on), (None, 0, None, None));
    let bad: Vec<_> = o.malformed().map(|b| (b.kind, b.error)).collect();
    assert_eq!(
        bad,
        [
            (Some(3), Error::AttrSize { kind: 3, want: 4, got: 3 }),
            (Some(2), Error::AttrSize { kind: 2, want: 4, got: 2 }),
            (Some(6), Error::AttrSize { kind: 6, want: 12, got: 4 }),
            (Some(5), Error::AttrSize { kind: 5, want: 0, got: 1 }),
        ]
    );
    assert_eq!(o.unknown().count(), 0, "10 is known (read on demand)");
    assert_eq!(Obj::parse_strict(&msg), Err(Error::AttrSize { kind: 3, want: 4, got: 3 }));
    // The malformed ones go to the builder's extras, so nothing is lost.
    let extra: Vec<u16> = o.to_builder().extra.iter().map(|e| e.0).collect();
    assert_eq!(extra, [3, 2, 6, 5, 10]);
    let mut again = Vec::new();
    let mut b = MessageBuilder::new(&mut again, msg.header()).unwrap();
    o.emit(&mut b).unwrap();
    let _ = b.finish();
    assert_eq!(again, buf);
}

#[test]
fn broken_framing_keeps_what_came_before() {
    let mut buf = message(|b| {
        b.append(&Hdr::default().to_bytes()).unwrap();
        b.attr_str(1, "x").unwrap();
        b.append(&[200, 0, 2, 0]).unwrap(); // claims 200 bytes
    });
    buf.truncate(buf.len());
    let msg = Messages::new(&buf).next().unwrap().unwrap();
    let o = Obj::parse(&msg).unwrap();
    assert_eq!(o.name, Some("x"));
    let bad: Vec<_> = o.malformed().collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].kind, None);
    assert!(Obj::parse_payload(&[1, 2]).is_err(), "a short header fails the message");
}

#[test]
fn metadata_names_every_row() {
    let m = Obj::META;
    assert_eq!(m.name, "obj-attrs");
    assert_eq!(m.attrs.len(), 10);
    let port = m.by_kind(4).unwrap();
    assert_eq!((port.name, port.c_name, port.value), ("port", "4", ValueType::BigEndian(2)));
    assert_eq!(m.by_name("pair").unwrap().value, ValueType::Struct(&<Pair as FixedStruct>::META));
    assert_eq!(m.by_name("later").unwrap().kind, 10);
    assert!(m.by_kind(60).is_none());
}

#[cfg(feature = "rtnl")]
#[test]
fn a_family_table_answers_by_either_name() {
    let addr = crate::rtnl::addr::Address::META;
    assert_eq!(addr.by_name("rt-priority").unwrap().c_name, "IFA_RT_PRIORITY");
    assert_eq!(addr.by_name("IFA_CACHEINFO").unwrap().name, "cacheinfo");
}
