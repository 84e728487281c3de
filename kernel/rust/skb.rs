// SPDX-License-Identifier: GPL-2.0

//! Socket buffers for netlink, owned or lent: [`Skb`] wraps the skb API of
//! `include/net/netlink.h` and `include/net/genetlink.h` (through the
//! helpers of kernel/builtin/rust_helpers.c) so that the protocol code in
//! netlink.rs and genl.rs builds and sends messages without `unsafe`.
//!
//! An owned [`Skb`] is freed when dropped unless it was sent: sending
//! consumes it (netlink takes the buffer in every case, error or not). A
//! lent one (the datagram a dump fills) is wrapped in `ManuallyDrop`.

use crate::raw::{nlmsg_data, Static};
use core::mem::ManuallyDrop;
use core::ptr::NonNull;
use kernel::bindings;
use kernel::ffi::c_int;

/// `NLA_HDRLEN`: the aligned `struct nlattr`.
const NLA_HDRLEN: usize = crate::raw::nlmsg_align(core::mem::size_of::<bindings::nlattr>());

/// A netlink socket buffer.
pub(crate) struct Skb(NonNull<bindings::sk_buff>);

impl Skb {
    /// `nlmsg_new(payload, gfp)`: room for one message of `payload` bytes.
    pub(crate) fn nlmsg_new(payload: usize, gfp: bindings::gfp_t) -> Option<Self> {
        // SAFETY: plain allocation; null is handled.
        NonNull::new(unsafe { bindings::nlmsg_new(payload, gfp) }).map(Skb)
    }

    /// `genlmsg_new(payload, gfp)`: the same, plus the genetlink header.
    pub(crate) fn genlmsg_new(payload: usize, gfp: bindings::gfp_t) -> Option<Self> {
        // SAFETY: plain allocation; null is handled.
        NonNull::new(unsafe { bindings::genlmsg_new(payload, gfp) }).map(Skb)
    }

    /// The skb netlink lends a dump callback, to fill but not to free.
    ///
    /// # Safety
    ///
    /// `skb` is a valid socket buffer that outlives the returned value.
    pub(crate) unsafe fn lent(skb: *mut bindings::sk_buff) -> ManuallyDrop<Self> {
        // SAFETY: the caller guarantees `skb` is valid (so not null).
        ManuallyDrop::new(Skb(unsafe { NonNull::new_unchecked(skb) }))
    }

    fn as_ptr(&self) -> *mut bindings::sk_buff {
        self.0.as_ptr()
    }

    /// Bytes used so far (`skb->len`).
    pub(crate) fn len(&self) -> usize {
        // SAFETY: a valid skb.
        unsafe { (*self.as_ptr()).len as usize }
    }

    /// `nlmsg_put()`: appends a message header with `len` payload bytes
    /// (its `nlmsg_len` exactly 16 + `len`: no padding counted, since no
    /// `nlmsg_end()` follows) and returns the payload to fill; `None` when
    /// the buffer has no room.
    pub(crate) fn put(
        &mut self,
        portid: u32,
        seq: u32,
        ty: u16,
        len: usize,
        flags: u32,
    ) -> Option<&mut [u8]> {
        // SAFETY: a valid skb; nlmsg_put checks the tailroom.
        let nlh = unsafe {
            bindings::nlmsg_put(
                self.as_ptr(),
                portid,
                seq,
                ty.into(),
                len as c_int,
                flags as c_int,
            )
        };
        if nlh.is_null() {
            return None;
        }
        // SAFETY: nlmsg_put reserved `len` bytes after the header, in this
        // skb, which the returned borrow keeps alive.
        Some(unsafe { core::slice::from_raw_parts_mut(nlmsg_data(nlh), len) })
    }

    /// `nlmsg_put()` + copy: one message carrying `data`.
    pub(crate) fn put_msg(
        &mut self,
        portid: u32,
        seq: u32,
        ty: u16,
        data: &[u8],
        flags: u32,
    ) -> Option<()> {
        self.put(portid, seq, ty, data.len(), flags)?
            .copy_from_slice(data);
        Some(())
    }

    /// `netlink_unicast(sk, skb, portid, MSG_DONTWAIT)`: the bytes sent or a
    /// negative errno.
    pub(crate) fn unicast(self, sk: *mut bindings::sock, portid: u32) -> c_int {
        let skb = ManuallyDrop::new(self);
        // SAFETY: `sk` is the protocol's kernel socket (callers hold it while
        // the module is loaded); netlink_unicast takes the skb in every case.
        unsafe {
            bindings::netlink_unicast(sk, skb.as_ptr(), portid, bindings::MSG_DONTWAIT as c_int)
        }
    }

    /// `nlmsg_multicast(sk, skb, 0, group, GFP_KERNEL)`: sets the
    /// destination group (listeners see it as nl_groups and in
    /// NETLINK_PKTINFO) and broadcasts; no listener is no error.
    pub(crate) fn multicast(self, sk: *mut bindings::sock, group: u32) -> c_int {
        let skb = ManuallyDrop::new(self);
        // SAFETY: as in `unicast`; nlmsg_multicast takes the skb.
        unsafe { bindings::nlmsg_multicast(sk, skb.as_ptr(), 0, group, bindings::GFP_KERNEL) }
    }

    /// `genlmsg_put()`: the netlink and genetlink headers of a message of
    /// `family`; `None` without room.
    pub(crate) fn genl_put(
        &mut self,
        portid: u32,
        seq: u32,
        family: &Static<bindings::genl_family>,
        cmd: u8,
    ) -> Option<GenlHdr> {
        // SAFETY: a valid skb and a registered family (a static).
        let hdr =
            unsafe { bindings::genlmsg_put(self.as_ptr(), portid, seq, family.get(), 0, cmd) };
        NonNull::new(hdr).map(GenlHdr)
    }

    /// `genlmsg_put_reply()`: the same, addressed as the reply to `info`.
    ///
    /// # Safety
    ///
    /// `info` is the request a genetlink `doit` was called with.
    pub(crate) unsafe fn genl_put_reply(
        &mut self,
        info: *mut bindings::genl_info,
        family: &Static<bindings::genl_family>,
        cmd: u8,
    ) -> Option<GenlHdr> {
        // SAFETY: a valid skb, the caller's request, a registered family.
        let hdr = unsafe { bindings::genlmsg_put_reply(self.as_ptr(), info, family.get(), 0, cmd) };
        NonNull::new(hdr).map(GenlHdr)
    }

    /// `nla_reserve()`: an attribute of `len` payload bytes, to fill.
    pub(crate) fn nla_reserve(&mut self, ty: u16, len: usize) -> Option<&mut [u8]> {
        // SAFETY: a valid skb; nla_reserve checks the tailroom.
        let a = unsafe { bindings::nla_reserve(self.as_ptr(), ty.into(), len as c_int) };
        if a.is_null() {
            return None;
        }
        // SAFETY: nla_reserve reserved `len` bytes after the attribute header.
        Some(unsafe { core::slice::from_raw_parts_mut(a.cast::<u8>().add(NLA_HDRLEN), len) })
    }

    /// `genlmsg_end()`: the message's final length.
    pub(crate) fn genl_end(&mut self, hdr: GenlHdr) {
        // SAFETY: `hdr` was returned by `genl_put*` on this skb.
        unsafe { bindings::genlmsg_end(self.as_ptr(), hdr.0.as_ptr()) };
    }

    /// `genlmsg_reply()`.
    ///
    /// # Safety
    ///
    /// `info` is the request a genetlink `doit` was called with.
    pub(crate) unsafe fn genl_reply(self, info: *mut bindings::genl_info) -> c_int {
        let skb = ManuallyDrop::new(self);
        // SAFETY: the caller's request; genlmsg_reply takes the skb.
        unsafe { bindings::genlmsg_reply(skb.as_ptr(), info) }
    }

    /// `genlmsg_multicast(family, skb, 0, group, GFP_KERNEL)`.
    pub(crate) fn genl_multicast(
        self,
        family: &Static<bindings::genl_family>,
        group: u32,
    ) -> c_int {
        let skb = ManuallyDrop::new(self);
        // SAFETY: a registered family; genlmsg_multicast takes the skb.
        unsafe {
            bindings::genlmsg_multicast(family.get(), skb.as_ptr(), 0, group, bindings::GFP_KERNEL)
        }
    }
}

impl Drop for Skb {
    fn drop(&mut self) {
        // SAFETY: an owned skb that was not sent (sending forgets it).
        unsafe { bindings::nlmsg_free(self.as_ptr()) };
    }
}

/// Where a genetlink header was put (`genlmsg_put`'s return value).
pub(crate) struct GenlHdr(NonNull<kernel::ffi::c_void>);

/// `nla_total_size()`.
pub(crate) const fn nla_total_size(payload: usize) -> usize {
    crate::raw::nlmsg_align(NLA_HDRLEN + payload)
}
