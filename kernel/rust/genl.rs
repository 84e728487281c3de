// SPDX-License-Identifier: GPL-2.0

//! The generic netlink family "nlkit_demo", version 1, as in the C module:
//! attribute MSG (1, `NLA_NUL_STRING` of at most 256 bytes; maxattr 1),
//! command ECHO (1) answered with the same MSG, and the multicast group
//! "events", which gets every BROADCAST as command EVENT (2) + MSG.
//!
//! The family, its policy, ops and groups are C structures in statics,
//! built at compile time and registered with `genl_register_family`
//! ([`Family`]), which fills in the family's id and group offset.

use crate::raw::{c_name, neg, Static, THIS_MODULE};
use crate::skb::{nla_total_size, Skb};
use kernel::bindings;
use kernel::ffi::c_int;
use kernel::prelude::*;

const A_MSG: u16 = 1;
const A_MAX: usize = 1;
const C_ECHO: u8 = 1;
const C_EVENT: u8 = 2;
/// `NLA_HDRLEN`: the aligned `struct nlattr`.
const NLA_HDRLEN: usize = crate::raw::nlmsg_align(core::mem::size_of::<bindings::nlattr>());

/// `zeroed()` in a constant: the C initializer `{ }`.
const fn zeroed<T>() -> T {
    // SAFETY: only used for bindgen structs of integers, raw pointers and
    // `Option`s of function pointers, for which all-zero is valid.
    unsafe { core::mem::zeroed() }
}

static POLICY: Static<[bindings::nla_policy; A_MAX + 1]> = Static::new([
    zeroed(),
    bindings::nla_policy {
        type_: bindings::NLA_NUL_STRING as u8,
        len: 256,
        ..zeroed()
    },
]);

static OPS: Static<[bindings::genl_small_ops; 1]> = Static::new([bindings::genl_small_ops {
    cmd: C_ECHO,
    doit: Some(genl_echo),
    ..zeroed()
}]);

static MCGRPS: Static<[bindings::genl_multicast_group; 1]> =
    Static::new([bindings::genl_multicast_group {
        name: c_name("events"),
        ..zeroed()
    }]);

static FAMILY: Static<bindings::genl_family> = Static::new(bindings::genl_family {
    name: c_name("nlkit_demo"),
    version: 1,
    maxattr: A_MAX as u32,
    policy: POLICY.get().cast(),
    module: THIS_MODULE,
    small_ops: OPS.get().cast(),
    n_small_ops: 1,
    mcgrps: MCGRPS.get().cast(),
    n_mcgrps: 1,
    ..zeroed()
});

/// The registered family; unregistered when dropped.
pub(crate) struct Family(());

impl Family {
    pub(crate) fn register() -> Result<Self> {
        // SAFETY: FAMILY and what it points to are statics of this module;
        // the kernel owns the family until genl_unregister_family.
        kernel::error::to_result(unsafe { bindings::genl_register_family(FAMILY.get()) })?;
        Ok(Family(()))
    }
}

impl Drop for Family {
    fn drop(&mut self) {
        // SAFETY: registered in `register`.
        unsafe { bindings::genl_unregister_family(FAMILY.get()) };
    }
}

/// ECHO: the MSG attribute back, as a reply to the request.
unsafe extern "C" fn genl_echo(
    _skb: *mut bindings::sk_buff,
    info: *mut bindings::genl_info,
) -> c_int {
    // SAFETY: genetlink passes the parsed request, whose attribute table has
    // maxattr + 1 entries; the policy guarantees a present MSG holds a NUL.
    let (text, len) = unsafe {
        if bindings::genl_req_attr_check(info, A_MSG.into()) {
            return neg(bindings::EINVAL);
        }
        let msg = *(*info).attrs.add(A_MSG.into());
        let len = usize::from((*msg).nla_len) - NLA_HDRLEN;
        (CStr::from_char_ptr(msg.cast::<u8>().add(NLA_HDRLEN)), len)
    };
    // Sized by the attribute, written as the string (nla_put_string), as C.
    let bytes = text.as_bytes_with_nul();
    let Some(mut out) = Skb::genlmsg_new(nla_total_size(len), bindings::GFP_KERNEL) else {
        return neg(bindings::ENOMEM);
    };
    // SAFETY: `info` is this doit's request.
    let Some(hdr) = (unsafe { out.genl_put_reply(info, &FAMILY, C_ECHO) }) else {
        return neg(bindings::EMSGSIZE);
    };
    let Some(a) = out.nla_reserve(A_MSG, bytes.len()) else {
        return neg(bindings::EMSGSIZE);
    };
    a.copy_from_slice(bytes);
    out.genl_end(hdr);
    // SAFETY: as above.
    unsafe { out.genl_reply(info) }
}

/// A BROADCAST payload, as a NUL-terminated MSG, to the "events" group.
pub(crate) fn event(data: &[u8]) {
    let Some(mut skb) = Skb::genlmsg_new(nla_total_size(data.len() + 1), bindings::GFP_KERNEL)
    else {
        return;
    };
    let Some(hdr) = skb.genl_put(0, 0, &FAMILY, C_EVENT) else {
        return;
    };
    let Some(a) = skb.nla_reserve(A_MSG, data.len() + 1) else {
        return;
    };
    a[..data.len()].copy_from_slice(data);
    a[data.len()] = 0;
    skb.genl_end(hdr);
    skb.genl_multicast(&FAMILY, 0);
}
