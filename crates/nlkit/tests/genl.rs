//! The generic netlink controller against the real kernel: families,
//! operations, groups and policies, read with the tables generated from
//! the `nlctrl` YNL spec.

use nlkit::genl::ctrl;
use nlkit::genl::nlctrl::{attr_type, op_flags, CtrlAttrs};
use nlkit::{Conn, Protocol};

#[test]
fn every_family_comes_with_its_operations_and_groups() {
    let mut conn = Conn::open(Protocol::GENERIC).unwrap();
    let families = conn.run(ctrl::families()).unwrap();
    let me = families.iter().find(|f| f.name == "nlctrl").unwrap();
    assert_eq!((me.id, me.version), (0x10, 2));
    let ops: Vec<(u16, u32)> = me.ops.iter().map(|o| (o.index, o.id)).collect();
    assert_eq!(ops, [(1, 3), (2, 10)]);
    let getfamily = me.ops[0].flags.unwrap();
    assert_eq!(getfamily & op_flags::CMD_CAP_DO, op_flags::CMD_CAP_DO);
    assert_eq!(me.ops[0].flag_names(), ["do", "dump", "has-policy"]);
    assert_eq!(me.group("notify"), Some(0x10));
    // The same family by name, as a one-reply request.
    assert_eq!(&conn.run(ctrl::family("nlctrl")).unwrap(), me);
}

#[test]
fn a_policy_names_types_lengths_and_nested_policies() {
    let mut conn = Conn::open(Protocol::GENERIC).unwrap();
    let p = conn.run(ctrl::policy("nlctrl", None)).unwrap();
    assert_eq!(p.family_id, 0x10);
    assert!(p.ops.iter().any(|o| o.op == 3 && o.do_policy == Some(0)));
    let name = p.attrs.iter().find(|a| a.policy == 0 && a.attr == 2).unwrap();
    assert_eq!(
        (name.kind, name.kind_name(), name.max_len),
        (attr_type::NUL_STRING, "NUL_STRING", Some(15))
    );
    let id = p.attrs.iter().find(|a| a.policy == 0 && a.attr == 1).unwrap();
    assert_eq!(id.range_u, Some((0, 65535)));
    // Attribute names come from the spec's table.
    assert_eq!(CtrlAttrs::META.by_kind(name.attr).unwrap().name, "family_name");
    let only = conn.run(ctrl::policy("nlctrl", Some(3))).unwrap();
    assert_eq!(only.ops.len(), 1);
}
