//! Attribute value codecs: how one attribute's payload reads into a view's
//! field (borrowed where it can be) and how an owned value writes back.
//!
//! A codec is a marker type named in a table row (`U32`, `Be16`, `Str`,
//! `Ip`, `Fixed<AddrCacheInfo>`, ...). Families add their own for values
//! with a layout of their own (a port range, a multipath list) beside
//! their tables.

use super::meta::{EnumMeta, ValueType};
use super::FixedStruct;
use nlkit_wire::{Attr, Error, MessageBuilder};
use std::marker::PhantomData;
use std::net::IpAddr;

/// What a value's decoding may need from its message: the address family
/// of the fixed header, for address attributes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cx {
    /// The message's address family (`AF_*`), 0 where it has none.
    pub family: u8,
}

/// How one attribute value reads and writes.
pub trait Codec {
    /// What the value is, for metadata.
    const TYPE: ValueType;
    /// The value as a view holds it (borrowing the message where it can).
    type View<'a>;
    /// The value as a request builder holds it.
    type Owned;
    /// Reads the attribute: `Ok(None)` when the attribute is of a form
    /// nlkit leaves raw (an address of a family other than IPv4 and IPv6),
    /// an error when it does not read as its type (a wrong size).
    fn decode<'a>(a: &Attr<'a>, cx: Cx) -> Result<Option<Self::View<'a>>, Error>;
    /// Writes `v` as an attribute of type `kind`.
    fn encode(v: &Self::Owned, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>)
        -> Result<(), Error>;
    /// The owned value of a view's value.
    fn own(v: &Self::View<'_>) -> Self::Owned;
    /// Whether this codec writes `v` (where a row has two wire forms).
    fn accepts(v: &Self::Owned) -> bool {
        let _ = v;
        true
    }
}

/// The owned type of a codec, as request builders name it.
pub type Owned<C> = <C as Codec>::Owned;

macro_rules! int_codec {
    ($( $(#[$m:meta])* $name:ident: $t:ty, $get:ident, $put:ident, $ty:expr; )*) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;

        impl Codec for $name {
            const TYPE: ValueType = $ty;
            type View<'a> = $t;
            type Owned = $t;
            fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<$t>, Error> {
                a.$get().map(Some)
            }
            fn encode(v: &$t, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
                b.$put(kind, *v)
            }
            fn own(v: &$t) -> $t {
                *v
            }
        }
    )*};
}

int_codec! {
    /// A `u8`.
    U8: u8, u8, attr_u8, ValueType::Unsigned(1);
    /// A `u16` in host byte order.
    U16: u16, u16, attr_u16, ValueType::Unsigned(2);
    /// A `u32` in host byte order.
    U32: u32, u32, attr_u32, ValueType::Unsigned(4);
    /// A `u64` in host byte order.
    U64: u64, u64, attr_u64, ValueType::Unsigned(8);
    /// An `i8`.
    I8: i8, i8, attr_i8, ValueType::Signed(1);
    /// An `i16` in host byte order.
    I16: i16, i16, attr_i16, ValueType::Signed(2);
    /// An `i32` in host byte order.
    I32: i32, i32, attr_i32, ValueType::Signed(4);
    /// An `i64` in host byte order.
    I64: i64, i64, attr_i64, ValueType::Signed(8);
    /// A `u16` in network byte order (a port).
    Be16: u16, be16, attr_be16, ValueType::BigEndian(2);
    /// A `u32` in network byte order.
    Be32: u32, be32, attr_be32, ValueType::BigEndian(4);
    /// A `u64` in network byte order (a tunnel id).
    Be64: u64, be64, attr_be64, ValueType::BigEndian(8);
}

/// A `u8` read as a boolean (nonzero is true), written as 0 or 1.
#[derive(Debug, Clone, Copy)]
pub struct Bool8;

impl Codec for Bool8 {
    const TYPE: ValueType = ValueType::Unsigned(1);
    type View<'a> = bool;
    type Owned = bool;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<bool>, Error> {
        a.u8().map(|v| Some(v != 0))
    }
    fn encode(v: &bool, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        b.attr_u8(kind, u8::from(*v))
    }
    fn own(v: &bool) -> bool {
        *v
    }
}

/// A `u8` read into a type of its own (an enum with an unknown arm).
#[derive(Debug, Clone, Copy)]
pub struct U8As<T>(PhantomData<T>);

impl<T: From<u8> + Into<u8> + Copy> Codec for U8As<T> {
    const TYPE: ValueType = ValueType::Unsigned(1);
    type View<'a> = T;
    type Owned = T;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<T>, Error> {
        a.u8().map(|v| Some(T::from(v)))
    }
    fn encode(v: &T, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        b.attr_u8(kind, (*v).into())
    }
    fn own(v: &T) -> T {
        *v
    }
}

/// A flag: present (with an empty payload) or absent.
#[derive(Debug, Clone, Copy)]
pub struct Flag;

impl Codec for Flag {
    const TYPE: ValueType = ValueType::Flag;
    type View<'a> = bool;
    type Owned = bool;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<bool>, Error> {
        a.flag().map(|()| Some(true))
    }
    fn encode(v: &bool, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        if *v {
            b.attr_flag(kind)?;
        }
        Ok(())
    }
    fn own(v: &bool) -> bool {
        *v
    }
}

/// A string, read up to its first NUL (or whole), written NUL-terminated.
#[derive(Debug, Clone, Copy)]
pub struct Str;

impl Codec for Str {
    const TYPE: ValueType = ValueType::String;
    type View<'a> = &'a str;
    type Owned = String;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<&'a str>, Error> {
        a.string().map(Some)
    }
    fn encode(v: &String, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        b.attr_str(kind, v)
    }
    fn own(v: &&str) -> String {
        v.to_string()
    }
}

/// A string read up to its first NUL (or whole), written without a NUL
/// (`NLA_STRING` attributes whose length is the value, such as an
/// interface alias, where an empty payload means "none").
#[derive(Debug, Clone, Copy)]
pub struct Text;

impl Codec for Text {
    const TYPE: ValueType = ValueType::String;
    type View<'a> = &'a str;
    type Owned = String;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<&'a str>, Error> {
        a.string().map(Some)
    }
    fn encode(v: &String, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        b.attr_string(kind, v)
    }
    fn own(v: &&str) -> String {
        v.to_string()
    }
}

/// Bytes as they are.
#[derive(Debug, Clone, Copy)]
pub struct Bin;

impl Codec for Bin {
    const TYPE: ValueType = ValueType::Binary;
    type View<'a> = &'a [u8];
    type Owned = Vec<u8>;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<&'a [u8]>, Error> {
        Ok(Some(a.payload()))
    }
    fn own(v: &&[u8]) -> Vec<u8> {
        v.to_vec()
    }
    fn encode(v: &Vec<u8>, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        b.attr(kind, v)
    }
}

/// The whole attribute, kept for reading on demand (an encapsulation
/// whose layout depends on another attribute).
#[derive(Debug, Clone, Copy)]
pub struct Raw;

impl Codec for Raw {
    const TYPE: ValueType = ValueType::Binary;
    type View<'a> = Attr<'a>;
    type Owned = Vec<u8>;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<Attr<'a>>, Error> {
        Ok(Some(*a))
    }
    fn own(v: &Attr<'_>) -> Vec<u8> {
        v.payload().to_vec()
    }
    fn encode(v: &Vec<u8>, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        b.attr(kind, v)
    }
}

/// A nest of set `S` that a message may repeat (YNL `multi-attr`): kept
/// whole, like [`Raw`], for reading on demand; its metadata is the set's,
/// so printers and policies name what is inside.
#[derive(Debug, Clone, Copy)]
pub struct RawNest<S>(PhantomData<fn() -> S>);

impl<S: Codec> Codec for RawNest<S> {
    const TYPE: ValueType = S::TYPE;
    type View<'a> = Attr<'a>;
    type Owned = Vec<u8>;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<Attr<'a>>, Error> {
        Ok(Some(*a))
    }
    fn own(v: &Attr<'_>) -> Vec<u8> {
        v.payload().to_vec()
    }
    fn encode(v: &Vec<u8>, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        b.attr(kind, v)
    }
}

/// An address of the message's family: 4 bytes for `AF_INET`, 16 for
/// `AF_INET6`; other families' addresses (MPLS labels, for instance) stay
/// raw.
#[derive(Debug, Clone, Copy)]
pub struct Ip;

impl Codec for Ip {
    const TYPE: ValueType = ValueType::IpAddr;
    type View<'a> = IpAddr;
    type Owned = IpAddr;
    fn decode<'a>(a: &Attr<'a>, cx: Cx) -> Result<Option<IpAddr>, Error> {
        super::ip_attr(cx.family, a)
    }
    fn encode(v: &IpAddr, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        match v {
            IpAddr::V4(a) => b.attr(kind, &a.octets()),
            IpAddr::V6(a) => b.attr(kind, &a.octets()),
        }
    }
    fn own(v: &IpAddr) -> IpAddr {
        *v
    }
}

/// A fixed C structure (see [`fixed_struct!`](crate::fixed_struct)). A
/// longer payload reads its known prefix, as structures grow at the end; a
/// shorter one is an error.
#[derive(Debug, Clone, Copy)]
pub struct Fixed<T>(PhantomData<T>);

impl<T: FixedStruct> Codec for Fixed<T> {
    const TYPE: ValueType = ValueType::Struct(&T::META);
    type View<'a> = T;
    type Owned = T;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<T>, Error> {
        let p = a.payload();
        let size = Error::AttrSize { kind: a.kind(), want: T::LEN, got: p.len() };
        T::read(p).map(Some).map_err(|_| size)
    }
    fn encode(v: &T, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        let mut bytes = vec![0; T::LEN];
        v.write(&mut bytes);
        b.attr(kind, &bytes)
    }
    fn own(v: &T) -> T {
        *v
    }
}

/// A boolean sent as a `u8` (in dumps) or as a flag (in requests): an
/// empty payload is true, one byte is its truth; written as a `u8`.
#[derive(Debug, Clone, Copy)]
pub struct U8OrFlag;

impl Codec for U8OrFlag {
    const TYPE: ValueType = ValueType::Unsigned(1);
    type View<'a> = bool;
    type Owned = bool;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<bool>, Error> {
        match a.payload() {
            [] => Ok(Some(true)),
            [v] => Ok(Some(*v != 0)),
            p => Err(Error::AttrSize { kind: a.kind(), want: 1, got: p.len() }),
        }
    }
    fn encode(v: &bool, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        b.attr_u8(kind, u8::from(*v))
    }
    fn own(v: &bool) -> bool {
        *v
    }
}

/// An IPv4 address, whatever the message's family (4 bytes).
#[derive(Debug, Clone, Copy)]
pub struct Ip4;

impl Codec for Ip4 {
    const TYPE: ValueType = ValueType::IpAddr;
    type View<'a> = IpAddr;
    type Owned = IpAddr;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<IpAddr>, Error> {
        super::ip_attr(super::AF_INET, a)
    }
    fn encode(v: &IpAddr, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        Ip::encode(v, kind, b)
    }
    fn own(v: &IpAddr) -> IpAddr {
        *v
    }
    fn accepts(v: &IpAddr) -> bool {
        v.is_ipv4()
    }
}

/// An IPv6 address, whatever the message's family (16 bytes).
#[derive(Debug, Clone, Copy)]
pub struct Ip6;

impl Codec for Ip6 {
    const TYPE: ValueType = ValueType::IpAddr;
    type View<'a> = IpAddr;
    type Owned = IpAddr;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<IpAddr>, Error> {
        super::ip_attr(super::AF_INET6, a)
    }
    fn encode(v: &IpAddr, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        Ip::encode(v, kind, b)
    }
    fn own(v: &IpAddr) -> IpAddr {
        *v
    }
    fn accepts(v: &IpAddr) -> bool {
        v.is_ipv6()
    }
}

/// Two `u32` in host byte order (`struct ifla_vlan_flags` and the like).
#[derive(Debug, Clone, Copy)]
pub struct U32Pair;

impl Codec for U32Pair {
    const TYPE: ValueType = ValueType::Custom("u32 pair");
    type View<'a> = (u32, u32);
    type Owned = (u32, u32);
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<(u32, u32)>, Error> {
        let v = a.u64()?.to_ne_bytes();
        let first = u32::from_ne_bytes([v[0], v[1], v[2], v[3]]);
        Ok(Some((first, u32::from_ne_bytes([v[4], v[5], v[6], v[7]]))))
    }
    fn encode(v: &(u32, u32), kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        b.attr(kind, &[v.0.to_ne_bytes(), v.1.to_ne_bytes()].concat())
    }
    fn own(v: &(u32, u32)) -> (u32, u32) {
        *v
    }
}

/// Two `u16` in network byte order (a port range, low then high).
#[derive(Debug, Clone, Copy)]
pub struct Be16Pair;

impl Codec for Be16Pair {
    const TYPE: ValueType = ValueType::Custom("be16 pair");
    type View<'a> = (u16, u16);
    type Owned = (u16, u16);
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<(u16, u16)>, Error> {
        let r = a.u32()?.to_ne_bytes();
        Ok(Some((u16::from_be_bytes([r[0], r[1]]), u16::from_be_bytes([r[2], r[3]]))))
    }
    fn encode(v: &(u16, u16), kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        b.attr(kind, &[v.0.to_be_bytes(), v.1.to_be_bytes()].concat())
    }
    fn own(v: &(u16, u16)) -> (u16, u16) {
        *v
    }
}

/// A variable-width unsigned integer (`NLA_UINT`): 4 or 8 bytes read,
/// 8 written only when the value needs them.
#[derive(Debug, Clone, Copy)]
pub struct Uint;

impl Codec for Uint {
    const TYPE: ValueType = ValueType::Unsigned(8);
    type View<'a> = u64;
    type Owned = u64;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<u64>, Error> {
        a.uint().map(Some)
    }
    fn encode(v: &u64, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        match u32::try_from(*v) {
            Ok(small) => b.attr_u32(kind, small),
            Err(_) => b.attr_u64(kind, *v),
        }
    }
    fn own(v: &u64) -> u64 {
        *v
    }
}

/// The names of an integer's values, for [`Named`] rows (the generator
/// writes one per YNL `enum` or `flags` definition).
pub trait Names {
    /// The names.
    const META: &'static EnumMeta;
}

/// An unsigned integer read and written as codec `C` reads and writes it,
/// whose values (or bits) have names `E`: the view holds the number, the
/// metadata ([`ValueType::Named`]) the names, for printers of any family.
#[derive(Debug, Clone, Copy)]
pub struct Named<C, E>(PhantomData<fn() -> (C, E)>);

impl<C: Codec, E: Names> Codec for Named<C, E> {
    const TYPE: ValueType = match C::TYPE {
        ValueType::Unsigned(width) => ValueType::Named { width, big_endian: false, names: E::META },
        ValueType::BigEndian(width) => ValueType::Named { width, big_endian: true, names: E::META },
        other => other,
    };
    type View<'a> = C::View<'a>;
    type Owned = C::Owned;
    fn decode<'a>(a: &Attr<'a>, cx: Cx) -> Result<Option<C::View<'a>>, Error> {
        C::decode(a, cx)
    }
    fn encode(v: &C::Owned, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        C::encode(v, kind, b)
    }
    fn own(v: &C::View<'_>) -> C::Owned {
        C::own(v)
    }
    fn accepts(v: &C::Owned) -> bool {
        C::accepts(v)
    }
}

/// A variable-width signed integer (`NLA_SINT`): 4 or 8 bytes.
#[derive(Debug, Clone, Copy)]
pub struct Sint;

impl Codec for Sint {
    const TYPE: ValueType = ValueType::Signed(8);
    type View<'a> = i64;
    type Owned = i64;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<i64>, Error> {
        match a.payload().len() {
            4 => a.i32().map(|v| Some(v.into())),
            _ => a.i64().map(Some),
        }
    }
    fn encode(v: &i64, kind: u16, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), Error> {
        match i32::try_from(*v) {
            Ok(small) => b.attr_i32(kind, small),
            Err(_) => b.attr_i64(kind, *v),
        }
    }
    fn own(v: &i64) -> i64 {
        *v
    }
}

/// An indexed array: a nest whose attributes are the entries (types 1,
/// 2, ...), each read with codec `C` (a set, for arrays of nests).
#[derive(Debug, Clone, Copy)]
pub struct IndexedArray<C>(PhantomData<C>);

/// The entries of an indexed array, read lazily in place.
#[derive(Debug)]
pub struct Indexed<'a, C> {
    bytes: &'a [u8],
    codec: PhantomData<C>,
}

impl<C> Clone for Indexed<'_, C> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<C> Copy for Indexed<'_, C> {}

impl<C> PartialEq for Indexed<'_, C> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl<C> Eq for Indexed<'_, C> {}

impl<C> Default for Indexed<'_, C> {
    fn default() -> Self {
        Indexed { bytes: &[], codec: PhantomData }
    }
}

impl<'a, C: Codec> Indexed<'a, C> {
    /// The entries, in order; an entry that does not read is an error
    /// and the rest are still yielded (broken framing ends the list).
    pub fn iter(&self) -> impl Iterator<Item = Result<C::View<'a>, Error>> + 'a {
        nlkit_wire::Attrs::new(self.bytes).map(|entry| {
            let entry = entry?;
            C::decode(&entry, Cx::default())?.ok_or(Error::AttrSize {
                kind: entry.kind(),
                want: 0,
                got: entry.payload().len(),
            })
        })
    }

    /// The entries with their index (the attribute type), in order.
    pub fn entries(&self) -> impl Iterator<Item = (u16, Result<C::View<'a>, Error>)> + 'a {
        nlkit_wire::Attrs::new(self.bytes).map_while(Result::ok).map(|entry| {
            let size = Error::AttrSize { kind: entry.kind(), want: 0, got: entry.payload().len() };
            (entry.kind(), C::decode(&entry, Cx::default()).and_then(|v| v.ok_or(size)))
        })
    }

    /// The nest's payload as received.
    pub fn raw(&self) -> &'a [u8] {
        self.bytes
    }
}

impl<C: Codec> Codec for IndexedArray<C> {
    const TYPE: ValueType = ValueType::Custom("indexed array");
    type View<'a> = Indexed<'a, C>;
    type Owned = Vec<C::Owned>;
    fn decode<'a>(a: &Attr<'a>, _: Cx) -> Result<Option<Indexed<'a, C>>, Error> {
        nlkit_wire::Attrs::new(a.payload()).validate()?;
        Ok(Some(Indexed { bytes: a.payload(), codec: PhantomData }))
    }
    fn encode(
        v: &Vec<C::Owned>,
        kind: u16,
        b: &mut MessageBuilder<'_, Vec<u8>>,
    ) -> Result<(), Error> {
        let nest = b.nest(kind)?;
        for (i, entry) in v.iter().enumerate() {
            let index =
                u16::try_from(i + 1).map_err(|_| Error::AttrSize { kind, want: 0, got: i })?;
            C::encode(entry, index, b)?;
        }
        b.nest_end(nest)
    }
    fn own(v: &Indexed<'_, C>) -> Vec<C::Owned> {
        v.iter().filter_map(Result::ok).map(|e| C::own(&e)).collect()
    }
}
