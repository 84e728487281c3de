//! Static descriptions of attribute sets and fixed structures: what each
//! attribute kind is called and what its value is. Tables generate them
//! (see [`attr_set!`](crate::attr_set) and
//! [`fixed_struct!`](crate::fixed_struct)); printers of any family,
//! extended-ack name paths and spec-driven clients read them.

/// How an attribute's payload reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    /// An unsigned integer of 1, 2, 4 or 8 bytes in host byte order.
    Unsigned(u8),
    /// A signed integer of 1, 2, 4 or 8 bytes in host byte order.
    Signed(u8),
    /// An unsigned integer of 2, 4 or 8 bytes in network byte order.
    BigEndian(u8),
    /// A flag: present or absent, no payload.
    Flag,
    /// A string, with or without a terminating NUL.
    String,
    /// Bytes with no structure nlkit reads (a link-layer address, a blob).
    Binary,
    /// An IPv4 or IPv6 address, by the message's address family.
    IpAddr,
    /// A fixed C structure.
    Struct(&'static StructMeta),
    /// A nest of attributes of another set.
    Nest(&'static SetMeta),
    /// A value with its own layout, read by hand-written code (named here).
    Custom(&'static str),
    /// An unsigned integer whose values (or bits) have names: a YNL
    /// `enum` or `flags` definition.
    Named {
        /// Its size in bytes (8 also reads a 4-byte `uint`).
        width: u8,
        /// In network byte order.
        big_endian: bool,
        /// The names.
        names: &'static EnumMeta,
    },
}

/// Names for an integer's values: a YNL `enum` (one value, one name) or
/// `flags` (each name one bit) definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumMeta {
    /// The definition's name, e.g. `queue-type`.
    pub name: &'static str,
    /// Bit flags: a value is a set of names.
    pub flags: bool,
    /// Each value (for flags, each bit) with its name.
    pub values: &'static [(u32, &'static str)],
}

impl EnumMeta {
    /// The name of `value` (of an enum), if it has one.
    pub fn name_of(&self, value: u64) -> Option<&'static str> {
        self.values.iter().find(|(v, _)| u64::from(*v) == value).map(|(_, n)| *n)
    }

    /// The names of the bits set in `value` (of flags), in table order,
    /// and the bits that have no name.
    pub fn flag_names(&self, value: u64) -> (Vec<&'static str>, u64) {
        let mut rest = value;
        let mut names = Vec::new();
        for &(bit, name) in self.values {
            let bit = u64::from(bit);
            if bit != 0 && value & bit == bit {
                names.push(name);
                rest &= !bit;
            }
        }
        (names, rest)
    }
}

/// One attribute of a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttrMeta {
    /// The attribute type (`nla_type` without the nested/byte-order bits).
    pub kind: u16,
    /// The uapi constant's name, e.g. `IFA_RT_PRIORITY`.
    pub c_name: &'static str,
    /// nlkit's name for it (the view's field), e.g. `rt_priority`.
    pub name: &'static str,
    /// How the payload reads.
    pub value: ValueType,
}

/// An attribute set: every kind a view knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SetMeta {
    /// The set's name (as the YNL specs name it where they do).
    pub name: &'static str,
    /// Its attributes, in table order.
    pub attrs: &'static [AttrMeta],
}

impl SetMeta {
    /// The attribute of type `kind`, if the set knows it.
    pub fn by_kind(&self, kind: u16) -> Option<&'static AttrMeta> {
        self.attrs.iter().find(|a| a.kind == kind)
    }

    /// The attribute called `name`: nlkit's name, with `-` or `_`, or the
    /// uapi constant's.
    pub fn by_name(&self, name: &str) -> Option<&'static AttrMeta> {
        let same = |a: &str| {
            a.len() == name.len()
                && a.bytes().zip(name.bytes()).all(|(x, y)| x == y || (x == b'_' && y == b'-'))
        };
        self.attrs.iter().find(|a| same(a.name) || a.c_name == name)
    }
}

/// A fixed C structure's fields, in order, without implicit padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StructMeta {
    /// The C structure's name, e.g. `ifaddrmsg`.
    pub name: &'static str,
    /// Its size in bytes.
    pub len: usize,
    /// Each field, in memory order.
    pub fields: &'static [FieldMeta],
}

/// One field of a fixed structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldMeta {
    /// The field's name (the C name; `pad*` for padding nlkit names).
    pub name: &'static str,
    /// How it reads.
    pub value: ValueType,
    /// Its size in bytes.
    pub size: usize,
}

/// What a message type carries: its fixed header and its attribute set,
/// for reading a message of any family by metadata
/// ([`dynamic`](super::dynamic)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageMeta {
    /// The object, e.g. `link`.
    pub object: &'static str,
    /// The fixed header after `nlmsghdr`.
    pub header: &'static StructMeta,
    /// The attributes after it.
    pub set: &'static SetMeta,
}
