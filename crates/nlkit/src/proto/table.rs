//! The table macros: one row per attribute or field, and everything a
//! family needs generated from it.

/// Declares a fixed C structure, one row per field in memory order (no
/// implicit padding: name the pad bytes), and generates `parse`,
/// `to_bytes`, `LEN` and [`FixedStruct`](crate::proto::FixedStruct) with
/// its [`StructMeta`](crate::proto::StructMeta). Fields are integers in
/// host byte order or byte arrays.
///
/// ```
/// nlkit::fixed_struct! {
///     /// `struct ifa_cacheinfo`.
///     #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
///     pub struct CacheInfo as "ifa_cacheinfo" {
///         /// Seconds left as preferred.
///         pub preferred: u32,
///         /// Seconds left as valid.
///         pub valid: u32,
///     }
/// }
/// let ci = CacheInfo::parse(&[1, 0, 0, 0, 2, 0, 0, 0])?;
/// assert_eq!((ci.preferred, ci.valid, CacheInfo::LEN), (1u32.to_le(), 2u32.to_le(), 8));
/// # Ok::<(), nlkit::wire::Error>(())
/// ```
///
/// After the fields, `family: FIELD` names the field holding the address
/// family the message's address attributes are read by.
#[macro_export]
macro_rules! fixed_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident as $c_name:literal {
            $( $(#[$fmeta:meta])* $fvis:vis $field:ident: $fty:ty ),* $(,)?
        }
        $(family: $family:ident)?
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$fmeta])* $fvis $field: $fty, )*
        }

        impl $name {
            /// The structure's size in bytes.
            pub const LEN: usize = 0 $( + <$fty as $crate::proto::Prim>::SIZE )*;

            /// Reads the structure at the start of `payload` (which may be longer).
            #[allow(unused_mut)]
            pub fn parse(payload: &[u8]) -> ::core::result::Result<Self, $crate::wire::Error> {
                if payload.len() < Self::LEN {
                    return Err($crate::wire::Error::Truncated { need: Self::LEN, have: payload.len() });
                }
                let mut at = 0usize;
                $( let $field = <$fty as $crate::proto::Prim>::get(payload, &mut at); )*
                let _ = at;
                Ok($name { $($field),* })
            }

            /// The structure's bytes.
            #[allow(clippy::wrong_self_convention)]
            pub fn to_bytes(&self) -> [u8; Self::LEN] {
                let mut b = [0u8; Self::LEN];
                $crate::proto::FixedStruct::write(self, &mut b);
                b
            }
        }

        impl $crate::proto::FixedStruct for $name {
            const LEN: usize = $name::LEN;
            const META: $crate::proto::StructMeta = $crate::proto::StructMeta {
                name: $c_name,
                len: $name::LEN,
                fields: &[ $( $crate::proto::FieldMeta {
                    name: stringify!($field),
                    value: <$fty as $crate::proto::Prim>::TYPE,
                    size: <$fty as $crate::proto::Prim>::SIZE,
                } ),* ],
            };
            fn read(bytes: &[u8]) -> ::core::result::Result<Self, $crate::wire::Error> {
                $name::parse(bytes)
            }
            #[allow(unused_mut, unused_variables)]
            fn write(&self, out: &mut [u8]) {
                let mut at = 0usize;
                $( $crate::proto::Prim::put(self.$field, out, &mut at); )*
                let _ = at;
            }
            $(
                fn cx(&self) -> $crate::proto::Cx {
                    $crate::proto::Cx { family: self.$family }
                }
            )?
        }
    };
}

/// Declares an attribute set, one row per attribute, and generates from
/// the rows:
///
/// - the view: a struct with the fixed header, one field per row and the
///   raw attribute bytes; `parse` reads a message in one pass, leniently
///   (see [`read_leniently`](crate::proto::read_leniently)), and
///   [`View`](crate::proto::View) gives `unknown()`, `malformed()` and
///   byte-exact `emit`;
/// - `META`, the set's [`SetMeta`](crate::proto::SetMeta);
/// - an owned builder with an `Option` per row, whose `emit`
///   writes the header and the rows that are set, in row order, strictly.
///
/// A row is `FIELD: TYPE = KIND as CODEC`, where `TYPE` is `Option<...>`
/// of the codec's view type; `=> |header| EXPR` makes the field a plain
/// value defaulting to `EXPR` when the attribute is absent; `| KIND2 as
/// CODEC2` gives a second wire form of the same field (an IPv6 twin of an
/// IPv4 attribute: the builder writes the first form for values its codec
/// [`accepts`](crate::proto::Codec::accepts), the second otherwise). A set
/// is a codec itself (`Set<'static>`), so a row can hold a nest of another
/// set; sets without a fixed header use [`NoHeader`](crate::proto::NoHeader). Rows under
/// `known { NAME = KIND as CODEC, ... }` are kinds the view knows but
/// reads on demand (no field).
///
/// ```
/// use nlkit::proto::codec::{Str, U32};
///
/// nlkit::fixed_struct! {
///     /// A family header of one byte and three of padding.
///     #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
///     pub struct Hdr as "hdr" { pub family: u8, pub pad: [u8; 3] }
///     family: family
/// }
/// nlkit::attr_set! {
///     /// An object.
///     #[derive(Debug, Clone, PartialEq, Eq)]
///     pub struct Obj<'a>: Hdr, set "obj-attrs" {
///         /// Attribute 1: a name.
///         pub name: Option<&'a str> = 1 as Str,
///         /// Attribute 2: a number, 7 when absent.
///         pub number: u32 = 2 as U32 => |_| 7,
///     }
///     owned
///     /// An object to send.
///     pub struct ObjBuilder;
/// }
/// ```
#[macro_export]
macro_rules! attr_set {
    (
        $(#[$vmeta:meta])*
        $vis:vis struct $view:ident<$lt:lifetime>: $header:ty, set $set:literal {
            $(
                $(#[$fmeta:meta])*
                $fvis:vis $field:ident: $fty:ty = $kind:tt as $codec:ty
                    $(| $akind:tt as $acodec:ty)? $(=> $default:expr)?
            ),* $(,)?
        }
        $(known {
            $( $(#[$xmeta:meta])* $xname:ident = $xkind:tt as $xcodec:ty ),* $(,)?
        })?
        owned $(#[$ometa:meta])* $ovis:vis struct $owned:ident;
    ) => {
        $(#[$vmeta])*
        $vis struct $view<$lt> {
            /// The fixed header.
            pub header: $header,
            $( $(#[$fmeta])* $fvis $field: $fty, )*
            attrs: &$lt [u8],
        }

        impl<$lt> $view<$lt> {
            /// The set's attributes: kinds, names and value types.
            pub const META: $crate::proto::SetMeta = $crate::proto::SetMeta {
                name: $set,
                attrs: &[
                    $( $crate::proto::AttrMeta {
                        kind: $kind,
                        c_name: stringify!($kind),
                        name: stringify!($field),
                        value: <$codec as $crate::proto::Codec>::TYPE,
                    },
                    $( $crate::proto::AttrMeta {
                        kind: $akind,
                        c_name: stringify!($akind),
                        name: stringify!($field),
                        value: <$acodec as $crate::proto::Codec>::TYPE,
                    }, )? )*
                    $($( $crate::proto::AttrMeta {
                        kind: $xkind,
                        c_name: stringify!($xkind),
                        name: stringify!($xname),
                        value: <$xcodec as $crate::proto::Codec>::TYPE,
                    }, )*)?
                ],
            };

            /// Reads a message: its fixed header, then its attributes in one
            /// pass. Only a header too short to read fails.
            pub fn parse(msg: &$crate::wire::Message<$lt>) -> ::core::result::Result<Self, $crate::wire::Error> {
                Self::parse_payload(msg.payload())
            }

            /// Reads a message's payload (the bytes after `nlmsghdr`).
            pub fn parse_payload(payload: &$lt [u8]) -> ::core::result::Result<Self, $crate::wire::Error> {
                let header = <$header as $crate::proto::FixedStruct>::read(payload)?;
                let attrs = payload.get(<$header as $crate::proto::FixedStruct>::LEN..).unwrap_or(&[]);
                let mut view = $view {
                    $( $field: $crate::attr_set!(@init header $(, $default)?), )*
                    header,
                    attrs,
                };
                $crate::proto::read_leniently(attrs, |a| view.take(a));
                Ok(view)
            }

            /// Reads a message strictly, as nlkit checks what it builds
            /// and what its tests expect: an attribute of a known kind that
            /// does not read as such, or broken framing, is an error
            /// instead of being kept raw.
            pub fn parse_strict(msg: &$crate::wire::Message<$lt>) -> ::core::result::Result<Self, $crate::wire::Error> {
                let view = Self::parse(msg)?;
                let bad = $crate::proto::View::malformed(&view).next();
                match bad {
                    Some(bad) => Err(bad.error),
                    None => Ok(view),
                }
            }

            /// Reads a message and hands the view to `f` by reference, so
            /// a dump never moves a large view.
            #[inline]
            pub fn parse_with<R>(
                msg: &$crate::wire::Message<$lt>,
                f: impl FnOnce(&Self) -> R,
            ) -> ::core::result::Result<R, $crate::wire::Error> {
                let payload = msg.payload();
                let header = <$header as $crate::proto::FixedStruct>::read(payload)?;
                let attrs = payload.get(<$header as $crate::proto::FixedStruct>::LEN..).unwrap_or(&[]);
                let mut view = $view {
                    $( $field: $crate::attr_set!(@init header $(, $default)?), )*
                    header,
                    attrs,
                };
                $crate::proto::read_leniently(attrs, |a| view.take(a));
                Ok(f(&view))
            }

            #[inline]
            // A set with no attributes of its own (netdev's
            // io-uring-provider-info, xsk-info) has only the `_` arm.
            #[allow(unreachable_code, unused_variables)]
            fn take(&mut self, a: &$crate::wire::Attr<$lt>) -> ::core::result::Result<bool, $crate::wire::Error> {
                let cx = $crate::proto::FixedStruct::cx(&self.header);
                #[allow(unreachable_patterns)]
                match a.kind() {
                    $( $kind => $crate::attr_set!(@take self.$field,
                        <$codec as $crate::proto::Codec>::decode(a, cx)? $(, $default)?),
                    $( $akind => self.$field = <$acodec as $crate::proto::Codec>::decode(a, cx)?, )? )*
                    $($( $xkind => {
                        <$xcodec as $crate::proto::Codec>::decode(a, cx)?;
                    } )*)?
                    _ => return Ok(false),
                }
                Ok(true)
            }
        }

        impl<$lt> $crate::proto::ReadAttr<$lt> for $view<$lt> {
            fn read_attr(&mut self, a: &$crate::wire::Attr<$lt>) -> ::core::result::Result<bool, $crate::wire::Error> {
                self.take(a)
            }
            fn knows(&self, kind: u16) -> bool {
                #[allow(unreachable_patterns)]
                match kind {
                    $( $kind => true, $( $akind => true, )? )*
                    $($( $xkind => true, )*)?
                    _ => false,
                }
            }
        }

        /// The set as a row of another set: a nest read into this view,
        /// written from its builder.
        impl $crate::proto::Codec for $view<'static> {
            const TYPE: $crate::proto::ValueType = $crate::proto::ValueType::Nest(&<$view<'static>>::META);
            type View<'v> = $view<'v>;
            type Owned = $owned;
            fn decode<'v>(a: &$crate::wire::Attr<'v>, _: $crate::proto::Cx) -> ::core::result::Result<Option<$view<'v>>, $crate::wire::Error> {
                $view::parse_payload(a.payload()).map(Some)
            }
            fn encode(v: &$owned, kind: u16, b: &mut $crate::wire::MessageBuilder<'_, Vec<u8>>) -> ::core::result::Result<(), $crate::wire::Error> {
                let nest = b.nest(kind)?;
                v.emit(b)?;
                b.nest_end(nest)
            }
            fn own(v: &$view<'_>) -> $owned {
                v.to_builder()
            }
        }

        impl<$lt> $crate::proto::View<$lt> for $view<$lt> {
            type HeaderBytes = [u8; <$header as $crate::proto::FixedStruct>::LEN];

            fn header_bytes(&self) -> Self::HeaderBytes {
                let mut b = [0u8; <$header as $crate::proto::FixedStruct>::LEN];
                $crate::proto::FixedStruct::write(&self.header, &mut b);
                b
            }

            fn raw_attrs(&self) -> &$lt [u8] {
                self.attrs
            }
        }

            $(#[$ometa])*
            #[derive(Debug, Clone, Default, PartialEq)]
            $ovis struct $owned {
                /// The fixed header.
                pub header: $header,
                $( $(#[$fmeta])* pub $field: Option<$crate::proto::codec::Owned<$codec>>, )*
                /// Attributes written after the rows, as they are: `(kind, payload)`.
                pub extra: Vec<(u16, Vec<u8>)>,
            }

            impl $owned {
                /// Writes the header, then each row that is set, in row
                /// order, then `extra`.
                pub fn emit(&self, b: &mut $crate::wire::MessageBuilder<'_, Vec<u8>>) -> ::core::result::Result<(), $crate::wire::Error> {
                    let mut head = [0u8; <$header as $crate::proto::FixedStruct>::LEN];
                    $crate::proto::FixedStruct::write(&self.header, &mut head);
                    b.append(&head)?;
                    $( if let Some(v) = &self.$field {
                        $crate::attr_set!(@emit v, b, $kind, $codec $(, $akind, $acodec)?);
                    } )*
                    for (kind, payload) in &self.extra {
                        b.attr(*kind, payload)?;
                    }
                    Ok(())
                }
            }

            impl<$lt> $view<$lt> {
                /// Checks the set's round trips on any payload (see
                /// [`round_trip`](crate::proto::round_trip)): for the
                /// registry, the fuzzer and the tests.
                #[doc(hidden)]
                pub const HEADER_META: &'static $crate::proto::StructMeta =
                    &<$header as $crate::proto::FixedStruct>::META;

                #[doc(hidden)]
                pub const SELF_CHECK: fn(&[u8]) -> ::core::result::Result<bool, ::std::string::String> =
                    |payload| {
                        let Ok(view) = $view::parse_payload(payload) else { return Ok(false) };
                        $crate::proto::round_trip::same_bytes(&view, payload)?;
                        let owned = view.to_builder();
                        let Some(again) = $crate::proto::round_trip::emitted(|b| owned.emit(b)) else {
                            return Ok(false);
                        };
                        let reread = $view::parse_payload(&again)
                            .map_err(|e| format!("what the builder wrote does not parse: {e}"))?;
                        $crate::proto::round_trip::same_value(&owned, &reread.to_builder()).map(|()| true)
                    };

                /// The object as a builder: every field read, and every
                /// other attribute (unknown, read on demand, or not
                /// readable as its type) in `extra`, so emitting it sends
                /// what was received.
                pub fn to_builder(&self) -> $owned {
                    let mut probe = self.clone();
                    #[allow(unreachable_patterns)]
                    let in_a_field = |kind: u16| match kind {
                        $( $kind => true, $( $akind => true, )? )*
                        _ => false,
                    };
                    let extra = $crate::proto::View::attrs(self)
                        .map_while(Result::ok)
                        .filter(|a| {
                            !in_a_field(a.kind())
                                || !matches!($crate::proto::ReadAttr::read_attr(&mut probe, a), Ok(true))
                        })
                        .map(|a| (a.raw_type(), a.payload().to_vec()))
                        .collect();
                    $owned {
                        header: self.header,
                        $( $field: $crate::attr_set!(@own $codec, self.$field $(, $default)?), )*
                        extra,
                    }
                }
            }
    };

    (@init $h:ident) => { None };
    (@init $h:ident, $default:expr) => { ($default)(&$h) };
    (@take $place:expr, $value:expr) => { $place = $value };
    (@take $place:expr, $value:expr, $default:expr) => {
        if let Some(v) = $value { $place = v }
    };
    (@emit $v:ident, $b:ident, $kind:tt, $codec:ty) => {
        <$codec as $crate::proto::Codec>::encode($v, $kind, $b)?
    };
    (@emit $v:ident, $b:ident, $kind:tt, $codec:ty, $akind:tt, $acodec:ty) => {
        if <$codec as $crate::proto::Codec>::accepts($v) {
            <$codec as $crate::proto::Codec>::encode($v, $kind, $b)?
        } else {
            <$acodec as $crate::proto::Codec>::encode($v, $akind, $b)?
        }
    };
    (@own $codec:ty, $value:expr) => {
        $value.as_ref().map(<$codec as $crate::proto::Codec>::own)
    };
    (@own $codec:ty, $value:expr, $default:expr) => {
        Some(<$codec as $crate::proto::Codec>::own(&$value))
    };
}

/// Declares a codec for a value with a layout of its own (a statistics
/// block, a list of next hops): read by a hand-written parser, owned and
/// written back as the bytes it was read from.
///
/// ```ignore
/// nlkit::bytes_codec! {
///     /// `RTA_METRICS` as a row reads it.
///     pub struct MetricsCodec for Metrics, "rtax nest",
///     read |a, _cx| Metrics::parse(a.payload()),
///     bytes |v| v.bytes,
/// }
/// ```
#[macro_export]
macro_rules! bytes_codec {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident for $view:ident, $what:literal,
        read |$a:ident, $cx:ident| $decode:expr,
        bytes |$v:ident| $bytes:expr $(,)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy)]
        $vis struct $name;

        impl $crate::proto::Codec for $name {
            const TYPE: $crate::proto::ValueType = $crate::proto::ValueType::Custom($what);
            type View<'a> = $view<'a>;
            type Owned = Vec<u8>;
            fn decode<'a>(
                $a: &$crate::wire::Attr<'a>,
                $cx: $crate::proto::Cx,
            ) -> ::core::result::Result<Option<$view<'a>>, $crate::wire::Error> {
                $decode.map(Some)
            }
            fn encode(
                v: &Vec<u8>,
                kind: u16,
                b: &mut $crate::wire::MessageBuilder<'_, Vec<u8>>,
            ) -> ::core::result::Result<(), $crate::wire::Error> {
                b.attr(kind, v)
            }
            fn own($v: &$view<'_>) -> Vec<u8> {
                $bytes.to_vec()
            }
        }
    };
}
