//! A spec made from what the kernel says about a generic netlink family,
//! for families no spec describes: the controller gives its operations and
//! groups, and its policies give each attribute's type (`CTRL_CMD_GETPOLICY`).
//! The names are numbers (`attr-3` of set `policy-1`, operation `op-5`), the
//! types the kernel's own; decoding, JSON, requests and their checks then
//! work as for a written spec. Replies are read by the policy of the
//! operation's requests (families answer in their request attribute space,
//! mostly); what it does not cover shows as `unknown-N`.

use crate::model::{Attr, Mode, Op, Spec, Type};
use nlkit::genl::ctrl::{Policy, PolicyAttr};
use nlkit::genl::nlctrl::{attr_type as t, op_flags};
use nlkit::genl::Family;

/// The name of policy `index`'s attribute set.
pub fn set_name(index: u32) -> String {
    format!("policy-{index}")
}

/// The name of operation `cmd`.
pub fn op_name(cmd: u32) -> String {
    format!("op-{cmd}")
}

impl Spec {
    /// A spec for `family` from its policies (`policy` of all its
    /// operations).
    pub fn from_policy(family: &Family, policy: &Policy) -> Spec {
        let mut indexes: Vec<u32> = policy.attrs.iter().map(|a| u32::from(a.policy)).collect();
        indexes.sort_unstable();
        indexes.dedup();
        let sets = indexes
            .iter()
            .map(|&i| {
                let attrs =
                    policy.attrs.iter().filter(|a| u32::from(a.policy) == i).map(attr).collect();
                (set_name(i), attrs)
            })
            .collect();
        let ops = family
            .ops
            .iter()
            .map(|o| {
                let pol = policy.ops.iter().find(|p| u32::from(p.op) == o.id);
                let index = pol.and_then(|p| p.do_policy.or(p.dump_policy));
                let flags = o.flags.unwrap_or(op_flags::CMD_CAP_DO | op_flags::CMD_CAP_DUMP);
                let mode = || Some(Mode { request: Vec::new(), reply: Some(Vec::new()) });
                Op {
                    name: op_name(o.id),
                    doc: String::new(),
                    request_value: o.id,
                    reply_value: o.id,
                    set: index.filter(|i| indexes.contains(i)).map(set_name),
                    fixed_header: None,
                    do_: if flags & op_flags::CMD_CAP_DO != 0 { mode() } else { None },
                    dump: if flags & op_flags::CMD_CAP_DUMP != 0 { mode() } else { None },
                    event: None,
                    group: None,
                    shadowed: Vec::new(),
                }
            })
            .collect();
        let groups = family.mcast_groups.iter().map(|g| (g.name.clone(), None)).collect();
        Spec::assemble(family.name.clone(), family.version as u8, sets, ops, groups)
    }
}

/// One policy attribute as a spec attribute: the kernel's type, a nest's
/// policy as its set, the checks the policy makes.
fn attr(a: &PolicyAttr) -> Attr {
    let (kind, sub_type) = match a.kind {
        t::FLAG => (Type::Flag, None),
        t::U8 => (Type::U8, None),
        t::U16 => (Type::U16, None),
        t::U32 => (Type::U32, None),
        t::U64 => (Type::U64, None),
        t::S8 => (Type::S8, None),
        t::S16 => (Type::S16, None),
        t::S32 => (Type::S32, None),
        t::S64 => (Type::S64, None),
        t::STRING | t::NUL_STRING => (Type::String, None),
        t::NESTED => (Type::Nest, None),
        t::NESTED_ARRAY => (Type::IndexedArray, Some(Type::Nest)),
        t::BITFIELD32 => (Type::Bitfield32, None),
        t::SINT => (Type::Sint, None),
        t::UINT => (Type::Uint, None),
        _ => (Type::Binary, None),
    };
    let nested =
        a.nested_policy.map(set_name).filter(|_| matches!(kind, Type::Nest | Type::IndexedArray));
    Attr {
        name: format!("attr-{}", a.attr),
        value: a.attr,
        kind,
        nested,
        multi: false,
        enumeration: None,
        enum_as_flags: false,
        big_endian: false,
        hint: None,
        sub_type,
        layout: None,
        doc: String::new(),
        checks: None,
        selector: None,
        type_value: Vec::new(),
    }
}
