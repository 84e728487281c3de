//! A spec resolved for use: every attribute, operation and enum entry with
//! its number (the spec may leave numbers implicit), subsets joined to the
//! sets they draw from, names looked up by one map each. Numbering follows
//! the kernel's own YNL library (`tools/net/ynl/lib/nlspec.py`): attributes
//! count from 1 (or the last explicit `value`), enum entries from
//! `value-start` (flags: the bit of that position), operations from 1 in
//! the `unified` model and per direction in the `directional` one.

use serde_json::Value;
use std::collections::HashMap;

/// A type of a spec (an attribute's or struct member's `type`, an indexed
/// array's `sub-type`), resolved once when the spec loads so nothing
/// compares strings per attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    /// A number reserved in the set, never sent.
    Unused,
    /// Padding (for 64-bit alignment), skipped.
    Pad,
    /// Present or absent, no payload.
    Flag,
    /// Bytes (a struct's, or shown by a display hint).
    Binary,
    /// `struct nla_bitfield32`: value and selector.
    Bitfield32,
    /// An unsigned integer of 4 or 8 bytes.
    Uint,
    /// A signed integer of 4 or 8 bytes.
    Sint,
    /// An unsigned byte.
    U8,
    /// An unsigned 16-bit integer.
    U16,
    /// An unsigned 32-bit integer.
    U32,
    /// An unsigned 64-bit integer.
    U64,
    /// A signed byte.
    S8,
    /// A signed 16-bit integer.
    S16,
    /// A signed 32-bit integer.
    S32,
    /// A signed 64-bit integer.
    S64,
    /// A NUL-terminated string.
    String,
    /// Attributes of another set.
    Nest,
    /// Elements whose attribute types are their indexes.
    IndexedArray,
    /// Nests whose attribute types are values (an index each).
    NestTypeValue,
    /// A layout chosen by a sibling's value (netlink-raw).
    SubMessage,
}

/// Each type with the spec's word for it.
const TYPE_NAMES: [(Type, &str); 20] = [
    (Type::Unused, "unused"),
    (Type::Pad, "pad"),
    (Type::Flag, "flag"),
    (Type::Binary, "binary"),
    (Type::Bitfield32, "bitfield32"),
    (Type::Uint, "uint"),
    (Type::Sint, "sint"),
    (Type::U8, "u8"),
    (Type::U16, "u16"),
    (Type::U32, "u32"),
    (Type::U64, "u64"),
    (Type::S8, "s8"),
    (Type::S16, "s16"),
    (Type::S32, "s32"),
    (Type::S64, "s64"),
    (Type::String, "string"),
    (Type::Nest, "nest"),
    (Type::IndexedArray, "indexed-array"),
    (Type::NestTypeValue, "nest-type-value"),
    (Type::SubMessage, "sub-message"),
];

impl Type {
    /// The type a spec's word names.
    pub fn parse(word: &str) -> Option<Type> {
        TYPE_NAMES.iter().find(|(_, w)| *w == word).map(|(t, _)| *t)
    }

    /// The spec's word for the type.
    pub fn name(self) -> &'static str {
        TYPE_NAMES.iter().find(|(t, _)| *t == self).map_or("?", |(_, w)| w)
    }

    /// The width of a fixed-width integer type.
    pub fn width(self) -> Option<usize> {
        match self {
            Type::U8 | Type::S8 => Some(1),
            Type::U16 | Type::S16 => Some(2),
            Type::U32 | Type::S32 => Some(4),
            Type::U64 | Type::S64 => Some(8),
            _ => None,
        }
    }

    /// Whether the type is an integer (of fixed width, or `uint`/`sint`).
    pub fn is_integer(self) -> bool {
        self.width().is_some() || matches!(self, Type::Uint | Type::Sint)
    }

    /// Whether the type is a signed integer.
    pub fn signed(self) -> bool {
        matches!(self, Type::S8 | Type::S16 | Type::S32 | Type::S64 | Type::Sint)
    }
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A loaded spec.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The family name (`name:`).
    pub name: String,
    /// The spec's `doc`.
    pub doc: String,
    /// The schema: `genetlink`, `genetlink-c`, `genetlink-legacy` or
    /// `netlink-raw`.
    pub protocol: String,
    /// `NETLINK_*` protocol number of a `netlink-raw` family (`protonum`).
    pub protonum: Option<u8>,
    /// The family's interface version (`genlmsghdr.version`).
    pub version: u8,
    /// Its `enum` and `flags` definitions.
    pub enums: Vec<EnumDef>,
    /// Its `struct` definitions.
    pub structs: Vec<StructDef>,
    /// Its attribute sets.
    pub sets: Vec<AttrSet>,
    /// Its operations, in the spec's order.
    pub ops: Vec<Op>,
    /// Multicast groups: name, and the number a `netlink-raw` family gives.
    pub groups: Vec<(String, Option<u32>)>,
    /// Its sub-message definitions (netlink-raw).
    pub sub_messages: Vec<SubMessage>,
    enum_at: HashMap<String, usize>,
    struct_at: HashMap<String, usize>,
    set_at: HashMap<String, usize>,
    op_at: HashMap<String, usize>,
}

/// An `enum` or `flags` definition.
#[derive(Debug, Clone)]
pub struct EnumDef {
    /// The definition's name.
    pub name: String,
    /// A `flags` definition (values are bits).
    pub flags: bool,
    /// Name and value: a flag's value is its bit mask.
    pub entries: Vec<(String, u64)>,
}

impl EnumDef {
    /// The name of `value` (an enum's entry).
    pub fn name_of(&self, value: u64) -> Option<&str> {
        self.entries.iter().find(|(_, v)| *v == value).map(|(n, _)| n.as_str())
    }

    /// The value named `name`.
    pub fn value_of(&self, name: &str) -> Option<u64> {
        self.entries.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }
}

/// A `struct` definition: fixed headers, binary attributes of fixed layout.
#[derive(Debug, Clone)]
pub struct StructDef {
    /// The struct's name.
    pub name: String,
    /// Its members, in order.
    pub members: Vec<Member>,
}

impl StructDef {
    /// The bytes the struct takes.
    pub fn size(&self) -> usize {
        self.members.iter().map(Member::size).sum()
    }
}

/// A member of a struct.
#[derive(Debug, Clone)]
pub struct Member {
    /// The member's name.
    pub name: String,
    /// `u8`..`s64`, `binary`, `string` or `pad`.
    pub kind: Type,
    /// The length of a `binary`, `string` or `pad` member.
    pub len: usize,
    /// Stored big-endian (`byte-order: big-endian`).
    pub big_endian: bool,
    /// The enum naming its values.
    pub enumeration: Option<String>,
    /// The enum names bits (`enum-as-flags`).
    pub enum_as_flags: bool,
    /// How to show it (`display-hint`).
    pub hint: Option<String>,
}

impl Member {
    /// The bytes the member takes.
    pub fn size(&self) -> usize {
        self.kind.width().unwrap_or(self.len)
    }
}

/// A `sub-message` definition (netlink-raw): the layout of an attribute
/// chosen by the value of a sibling (`linkinfo`'s `data` by its `kind`).
#[derive(Debug, Clone)]
pub struct SubMessage {
    /// The definition's name.
    pub name: String,
    /// For each selector value: the fixed header and the attribute set.
    pub formats: Vec<(String, Option<String>, Option<String>)>,
}

/// An attribute set.
#[derive(Debug, Clone)]
pub struct AttrSet {
    /// The set's name.
    pub name: String,
    /// Its attributes, in the spec's order.
    pub attrs: Vec<Attr>,
    /// Whether an attribute may repeat (multi-attr).
    pub has_multi: bool,
    by_name: HashMap<String, usize>,
    /// Index into `attrs` by attribute value (`u16::MAX`: none); values
    /// are small, so a table beats hashing on every attribute read.
    by_value: Vec<u16>,
}

impl AttrSet {
    /// The attribute called `name`.
    pub fn by_name(&self, name: &str) -> Option<&Attr> {
        self.by_name.get(name).map(|&i| &self.attrs[i])
    }

    /// The attribute whose type number is `value`.
    pub fn by_value(&self, value: u16) -> Option<&Attr> {
        match self.by_value.get(usize::from(value)) {
            Some(&i) if i != u16::MAX => self.attrs.get(usize::from(i)),
            _ => None,
        }
    }
}

/// An attribute.
#[derive(Debug, Clone)]
pub struct Attr {
    /// The attribute's name.
    pub name: String,
    /// Its type number.
    pub value: u16,
    /// The spec's type: `u8`..`s64`, `uint`, `sint`, `flag`, `string`,
    /// `binary`, `nest`, `indexed-array`, `nest-type-value`, `bitfield32`,
    /// `sub-message`, `pad`, `unused`.
    pub kind: Type,
    /// The set inside a nest (or the sub-message definition).
    pub nested: Option<String>,
    /// It may repeat (`multi-attr`).
    pub multi: bool,
    /// The enum naming its values.
    pub enumeration: Option<String>,
    /// The enum names bits (`enum-as-flags`).
    pub enum_as_flags: bool,
    /// Stored big-endian.
    pub big_endian: bool,
    /// How to show it (`display-hint`).
    pub hint: Option<String>,
    /// `indexed-array`'s element type.
    pub sub_type: Option<Type>,
    /// A `binary` attribute laid out as this struct.
    pub layout: Option<String>,
    /// The spec's `doc`.
    pub doc: String,
    /// `checks`: the limits the kernel's policy enforces (as written).
    pub checks: Option<Value>,
    /// A sub-message's selector: the sibling attribute whose value picks
    /// the layout.
    pub selector: Option<String>,
    /// A `nest-type-value` attribute's levels: the names of the numbers
    /// carried as the types of its nests, outermost first (nlctrl's
    /// `policy` is `[policy-id, attr-id]`); none given reads as one level.
    pub type_value: Vec<String>,
}

/// An operation.
#[derive(Debug, Clone)]
pub struct Op {
    /// The operation's name.
    pub name: String,
    /// The spec's `doc`.
    pub doc: String,
    /// The command (message type of a `netlink-raw` family) of requests.
    pub request_value: u32,
    /// The command replies and notifications carry.
    pub reply_value: u32,
    /// The attribute set of its messages.
    pub set: Option<String>,
    /// The fixed header after the generic netlink header (a struct name).
    pub fixed_header: Option<String>,
    /// Its `do`.
    pub do_: Option<Mode>,
    /// Its `dump`.
    pub dump: Option<Mode>,
    /// A notification (`notify`/`event`), with the attributes it carries.
    pub event: Option<Vec<String>>,
    /// The multicast group its notifications go to.
    pub group: Option<String>,
    /// Members of its fixed header that share a name with an attribute of
    /// its set (rt-addr's `ifa-flags`: the header's 8 bits, which the
    /// 32-bit attribute widens), with that attribute's type: a message
    /// holding the attribute gives the name once, the attribute's value
    /// (as the kernel's YNL CLI, whose reply is one dict).
    pub shadowed: Vec<(String, u16)>,
}

/// What a `do` or `dump` sends and gets back.
#[derive(Debug, Clone, Default)]
pub struct Mode {
    /// The attributes a request carries.
    pub request: Vec<String>,
    /// The attributes a reply carries (none: only an ACK).
    pub reply: Option<Vec<String>>,
}

/// A spec that does not resolve (an attribute naming a set that is not
/// there, a subset of nothing, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved(pub String);

fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn names(v: Option<&Value>) -> Vec<String> {
    list(v.and_then(|x| x.get("attributes")))
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

impl Spec {
    /// Resolves a spec that validated against its schema.
    pub fn resolve(y: &Value) -> Result<Spec, Unresolved> {
        let protocol = s(y, "protocol").unwrap_or_else(|| "genetlink".into());
        let mut spec = Spec {
            name: s(y, "name").unwrap_or_default(),
            doc: s(y, "doc").unwrap_or_default(),
            protonum: y.get("protonum").and_then(Value::as_u64).map(|n| n as u8),
            version: y.get("version").and_then(Value::as_u64).unwrap_or(1) as u8,
            protocol,
            enums: Vec::new(),
            structs: Vec::new(),
            sets: Vec::new(),
            ops: Vec::new(),
            groups: Vec::new(),
            sub_messages: Vec::new(),
            enum_at: HashMap::new(),
            struct_at: HashMap::new(),
            set_at: HashMap::new(),
            op_at: HashMap::new(),
        };
        for d in list(y.get("definitions")) {
            let name = s(d, "name").unwrap_or_default();
            match d.get("type").and_then(Value::as_str) {
                Some(t @ ("enum" | "flags")) => {
                    let flags = t == "flags";
                    let mut next = d.get("value-start").and_then(Value::as_u64).unwrap_or(0);
                    let mut entries = Vec::new();
                    for e in list(d.get("entries")) {
                        let (n, v) = match e {
                            Value::String(n) => (n.clone(), next),
                            e => (
                                s(e, "name").unwrap_or_default(),
                                e.get("value").and_then(Value::as_u64).unwrap_or(next),
                            ),
                        };
                        next = v + 1;
                        let user = if flags { 1u64.checked_shl(v as u32).unwrap_or(0) } else { v };
                        entries.push((n, user));
                    }
                    spec.enum_at.insert(name.clone(), spec.enums.len());
                    spec.enums.push(EnumDef { name, flags, entries });
                }
                Some("struct") => {
                    let members =
                        list(d.get("members")).iter().map(member).collect::<Result<_, _>>()?;
                    spec.struct_at.insert(name.clone(), spec.structs.len());
                    spec.structs.push(StructDef { name, members });
                }
                _ => {}
            }
        }
        spec.sets_from(list(y.get("attribute-sets")))?;
        spec.ops_from(y.get("operations"))?;
        for g in list(y.get("mcast-groups").and_then(|m| m.get("list"))) {
            let value = g.get("value").and_then(Value::as_u64).map(|v| v as u32);
            spec.groups.push((s(g, "name").unwrap_or_default(), value));
        }
        for m in list(y.get("sub-messages")) {
            let formats = list(m.get("formats"))
                .iter()
                .map(|f| {
                    (s(f, "value").unwrap_or_default(), s(f, "fixed-header"), s(f, "attribute-set"))
                })
                .collect();
            spec.sub_messages.push(SubMessage { name: s(m, "name").unwrap_or_default(), formats });
        }
        spec.check_references()?;
        Ok(spec)
    }

    fn sets_from(&mut self, sets: &[Value]) -> Result<(), Unresolved> {
        // Full sets first: subsets take their numbers from them.
        let (subsets, full): (Vec<&Value>, Vec<&Value>) =
            sets.iter().partition(|set| set.get("subset-of").is_some());
        for set in full {
            let mut next = 1u64;
            let mut attrs = Vec::new();
            for a in list(set.get("attributes")) {
                let v = a.get("value").and_then(Value::as_u64).unwrap_or(next);
                next = v + 1;
                attrs.push(attr(a, v as u16)?);
            }
            self.push_set(s(set, "name").unwrap_or_default(), attrs);
        }
        for set in subsets {
            let name = s(set, "name").unwrap_or_default();
            let of = s(set, "subset-of").unwrap_or_default();
            let parent = self
                .set(&of)
                .ok_or_else(|| {
                    Unresolved(format!("attribute set {name}: subset of {of}, which is not a set"))
                })?
                .clone();
            let mut attrs = Vec::new();
            for a in list(set.get("attributes")) {
                let n = s(a, "name").unwrap_or_default();
                let base = parent.by_name(&n).ok_or_else(|| {
                    Unresolved(format!("attribute set {name}: {of} has no attribute {n}"))
                })?;
                let mut own = attr(a, base.value)?;
                // What the subset leaves out comes from the full set.
                if a.get("type").is_none() {
                    own = Attr { name: n, ..base.clone() };
                }
                attrs.push(own);
            }
            self.push_set(name, attrs);
        }
        Ok(())
    }

    /// A genetlink spec from parts (names resolved, numbers given).
    pub(crate) fn assemble(
        name: String,
        version: u8,
        sets: Vec<(String, Vec<Attr>)>,
        ops: Vec<Op>,
        groups: Vec<(String, Option<u32>)>,
    ) -> Spec {
        let mut spec = Spec {
            name,
            doc: String::new(),
            protocol: "genetlink".into(),
            protonum: None,
            version,
            enums: Vec::new(),
            structs: Vec::new(),
            sets: Vec::new(),
            ops: Vec::new(),
            groups,
            sub_messages: Vec::new(),
            enum_at: HashMap::new(),
            struct_at: HashMap::new(),
            set_at: HashMap::new(),
            op_at: HashMap::new(),
        };
        for (name, attrs) in sets {
            spec.push_set(name, attrs);
        }
        for op in ops {
            spec.op_at.insert(op.name.clone(), spec.ops.len());
            spec.ops.push(op);
        }
        spec
    }

    fn push_set(&mut self, name: String, attrs: Vec<Attr>) {
        let by_name = attrs.iter().enumerate().map(|(i, a)| (a.name.clone(), i)).collect();
        // The first attribute of a value wins, as a map built in reverse did.
        let top = attrs.iter().map(|a| usize::from(a.value)).max().map_or(0, |m| m + 1);
        let mut by_value = vec![u16::MAX; top];
        for (i, a) in attrs.iter().enumerate().rev() {
            by_value[usize::from(a.value)] = u16::try_from(i).unwrap_or(u16::MAX);
        }
        self.set_at.insert(name.clone(), self.sets.len());
        let has_multi = attrs.iter().any(|a| a.multi);
        self.sets.push(AttrSet { name, attrs, has_multi, by_name, by_value });
    }

    fn ops_from(&mut self, ops: Option<&Value>) -> Result<(), Unresolved> {
        let Some(ops) = ops else { return Ok(()) };
        let directional = ops.get("enum-model").and_then(Value::as_str) == Some("directional");
        let default_header = s(ops, "fixed-header");
        let (mut req, mut rsp) = (1u64, 1u64);
        let mut unified = 1u64;
        for o in list(ops.get("list")) {
            let mode = |key: &str| {
                o.get(key).map(|m| Mode {
                    request: names(m.get("request")),
                    reply: m.get("reply").map(|r| names(Some(r))),
                })
            };
            let (do_, dump) = (mode("do"), mode("dump"));
            let event = o
                .get("event")
                .map(|e| names(Some(e)))
                .or_else(|| o.get("notify").map(|_| Vec::new()));
            let (request_value, reply_value) = if directional {
                if do_.is_some() || dump.is_some() {
                    let m = o.get("do").or_else(|| o.get("dump")).unwrap_or(&Value::Null);
                    if let Some(v) =
                        m.get("request").and_then(|r| r.get("value")).and_then(Value::as_u64)
                    {
                        req = v;
                    }
                    let reply = m.get("reply");
                    if let Some(v) = reply.and_then(|r| r.get("value")).and_then(Value::as_u64) {
                        rsp = v;
                    }
                    let vals = (req, rsp);
                    req += 1;
                    rsp += u64::from(reply.is_some());
                    vals
                } else {
                    if let Some(v) = o.get("value").and_then(Value::as_u64) {
                        rsp = v;
                    }
                    let vals = (0, rsp);
                    rsp += 1;
                    vals
                }
            } else {
                if let Some(v) = o.get("value").and_then(Value::as_u64) {
                    unified = v;
                }
                let v = unified;
                unified += 1;
                (v, v)
            };
            let op = Op {
                name: s(o, "name").unwrap_or_default(),
                doc: s(o, "doc").unwrap_or_default(),
                request_value: request_value as u32,
                reply_value: reply_value as u32,
                set: s(o, "attribute-set"),
                fixed_header: s(o, "fixed-header").or_else(|| default_header.clone()),
                do_,
                dump,
                event,
                group: s(o, "mcgrp"),
                shadowed: Vec::new(),
            };
            self.op_at.insert(op.name.clone(), self.ops.len());
            self.ops.push(op);
        }
        // A notification with `notify: OP` carries OP's reply attributes.
        for i in 0..self.ops.len() {
            let o = &list(ops.get("list"))[i];
            if let Some(of) = o.get("notify").and_then(Value::as_str) {
                let base = self.op(of).ok_or_else(|| {
                    Unresolved(format!(
                        "operation {}: notifies for {of}, which is not an operation",
                        self.ops[i].name
                    ))
                })?;
                let attrs = base.do_.as_ref().and_then(|m| m.reply.clone()).unwrap_or_default();
                let set = base.set.clone();
                let op = &mut self.ops[i];
                op.event = Some(attrs);
                op.set = op.set.take().or(set);
            }
        }
        for i in 0..self.ops.len() {
            let op = &self.ops[i];
            let header = op.fixed_header.as_deref().and_then(|h| self.structure(h));
            let set = op.set.as_deref().and_then(|n| self.set(n));
            let (Some(header), Some(set)) = (header, set) else { continue };
            let shadowed = header
                .members
                .iter()
                .filter_map(|m| Some((m.name.clone(), set.by_name(&m.name)?.value)))
                .collect();
            self.ops[i].shadowed = shadowed;
        }
        Ok(())
    }

    /// Every name a spec refers to exists: nested sets, enums, structs,
    /// the sets of operations.
    fn check_references(&self) -> Result<(), Unresolved> {
        for set in &self.sets {
            for a in &set.attrs {
                let at =
                    |what: &str| Unresolved(format!("attribute {}.{}: {what}", set.name, a.name));
                if let Some(n) = &a.nested {
                    if a.kind != Type::SubMessage && self.set(n).is_none() {
                        return Err(at(&format!("nested set {n} is not defined")));
                    }
                }
                if let Some(e) = &a.enumeration {
                    if self.enumeration(e).is_none() {
                        return Err(at(&format!("enum {e} is not defined")));
                    }
                }
                if let Some(l) = &a.layout {
                    if self.structure(l).is_none() {
                        return Err(at(&format!("struct {l} is not defined")));
                    }
                }
            }
        }
        // The attribute lists of operations are documentation to the
        // kernel's own tools (nftables' name attributes its set lacks, and
        // netlink-raw lists fixed-header fields there): only their set must
        // exist.
        for op in &self.ops {
            if let Some(set) = op.set.as_deref().filter(|s| self.set(s).is_none()) {
                return Err(Unresolved(format!(
                    "operation {}: attribute set {set} is not defined",
                    op.name
                )));
            }
        }
        Ok(())
    }

    /// The attribute set called `name`.
    pub fn set(&self, name: &str) -> Option<&AttrSet> {
        self.set_at.get(name).map(|&i| &self.sets[i])
    }

    /// The operation called `name`.
    pub fn op(&self, name: &str) -> Option<&Op> {
        self.op_at.get(name).map(|&i| &self.ops[i])
    }

    /// The `enum` or `flags` definition called `name`.
    pub fn enumeration(&self, name: &str) -> Option<&EnumDef> {
        self.enum_at.get(name).map(|&i| &self.enums[i])
    }

    /// The struct called `name`.
    pub fn structure(&self, name: &str) -> Option<&StructDef> {
        self.struct_at.get(name).map(|&i| &self.structs[i])
    }

    /// The sub-message definition called `name`.
    pub fn sub_message(&self, name: &str) -> Option<&SubMessage> {
        self.sub_messages.iter().find(|m| m.name == name)
    }

    /// The operation whose replies or notifications carry command `cmd`.
    pub fn op_by_reply(&self, cmd: u32) -> Option<&Op> {
        self.ops.iter().find(|o| {
            o.reply_value == cmd && (o.event.is_some() || o.do_.is_some() || o.dump.is_some())
        })
    }
}

/// The type a definition names (`Unused` when it names none: a subset's
/// attribute takes its full set's).
fn ty(v: &Value, key: &str, whose: &str) -> Result<Type, Unresolved> {
    match v.get(key).and_then(Value::as_str) {
        None => Ok(Type::Unused),
        Some(word) => {
            Type::parse(word).ok_or_else(|| Unresolved(format!("{whose}: unknown type {word}")))
        }
    }
}

fn member(m: &Value) -> Result<Member, Unresolved> {
    let name = s(m, "name").unwrap_or_default();
    Ok(Member {
        kind: ty(m, "type", &format!("struct member {name}"))?,
        name,
        len: m.get("len").and_then(Value::as_u64).unwrap_or(0) as usize,
        big_endian: m.get("byte-order").and_then(Value::as_str) == Some("big-endian"),
        enumeration: s(m, "enum"),
        enum_as_flags: m.get("enum-as-flags").and_then(Value::as_bool).unwrap_or(false),
        hint: s(m, "display-hint"),
    })
}

fn attr(a: &Value, value: u16) -> Result<Attr, Unresolved> {
    let name = s(a, "name").unwrap_or_default();
    let sub_type = match a.get("sub-type") {
        Some(_) => Some(ty(a, "sub-type", &format!("attribute {name}"))?),
        None => None,
    };
    Ok(Attr {
        kind: ty(a, "type", &format!("attribute {name}"))?,
        name,
        value,
        nested: s(a, "nested-attributes").or_else(|| s(a, "sub-message")),
        selector: s(a, "selector"),
        type_value: a
            .get("type-value")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(|x| x.as_str().map(String::from)).collect())
            .unwrap_or_default(),
        multi: a.get("multi-attr").and_then(Value::as_bool).unwrap_or(false),
        enumeration: s(a, "enum"),
        enum_as_flags: a.get("enum-as-flags").and_then(Value::as_bool).unwrap_or(false),
        big_endian: a.get("byte-order").and_then(Value::as_str) == Some("big-endian"),
        hint: s(a, "display-hint"),
        sub_type,
        layout: s(a, "struct"),
        doc: s(a, "doc").unwrap_or_default(),
        checks: a.get("checks").cloned(),
    })
}
