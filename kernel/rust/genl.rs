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
unsafe extern "C" fn genl_echo(_skb: *mut bindings::sk_buff, info: *mut bindings::genl_info) -> c_int {
    // SAFETY: genetlink passes the parsed request; the policy checked MSG.
    if unsafe { bindings::genl_req_attr_check(info, A_MSG.into()) } {
        return neg(bindings::EINVAL);
    }
    // SAFETY: `attrs` has maxattr + 1 entries; MSG is present (checked).
    let msg = unsafe { *(*info).attrs.add(A_MSG.into()) };
    // SAFETY: a valid attribute; NLA_NUL_STRING guarantees a NUL inside it.
    let (len, text) = unsafe {
        (
            c_int::from((*msg).nla_len) - NLA_HDRLEN as c_int,
            CStr::from_char_ptr(msg.cast::<u8>().add(NLA_HDRLEN)),
        )
    };
    // SAFETY: plain allocation and helpers over the new skb; `text` stays
    // valid during the call (the request outlives its doit).
    unsafe {
        let out = bindings::genlmsg_new(bindings::nla_total_size(len) as usize, bindings::GFP_KERNEL);
        if out.is_null() {
            return neg(bindings::ENOMEM);
        }
        let hdr = bindings::genlmsg_put_reply(out, info, FAMILY.get(), 0, C_ECHO);
        let bytes = text.as_bytes_with_nul();
        if hdr.is_null()
            || bindings::nla_put(out, A_MSG.into(), bytes.len() as c_int, bytes.as_ptr().cast()) != 0
        {
            bindings::nlmsg_free(out);
            return neg(bindings::EMSGSIZE);
        }
        bindings::genlmsg_end(out, hdr);
        bindings::genlmsg_reply(out, info)
    }
}

/// A BROADCAST payload, as a NUL-terminated MSG, to the "events" group.
pub(crate) fn event(data: &[u8]) {
    let len = data.len() as c_int;
    // SAFETY: a new skb, filled by the genetlink and netlink helpers, each
    // checking for room; freed on failure, consumed by genlmsg_multicast.
    unsafe {
        let skb = bindings::genlmsg_new(bindings::nla_total_size(len + 1) as usize, bindings::GFP_KERNEL);
        if skb.is_null() {
            return;
        }
        let hdr = bindings::genlmsg_put(skb, 0, 0, FAMILY.get(), 0, C_EVENT);
        let a = if hdr.is_null() {
            core::ptr::null_mut()
        } else {
            bindings::nla_reserve(skb, A_MSG.into(), len + 1)
        };
        if a.is_null() {
            bindings::nlmsg_free(skb);
            return;
        }
        let p = a.cast::<u8>().add(NLA_HDRLEN);
        core::ptr::copy_nonoverlapping(data.as_ptr(), p, data.len());
        *p.add(data.len()) = 0;
        bindings::genlmsg_end(skb, hdr);
        bindings::genlmsg_multicast(FAMILY.get(), skb, 0, 0, bindings::GFP_KERNEL);
    }
}
