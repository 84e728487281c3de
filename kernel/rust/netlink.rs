// SPDX-License-Identifier: GPL-2.0

//! The netlink protocol `proto`: its kernel socket ([`KernelSock`]), the
//! input callback that `netlink_rcv_skb` dispatches to the message types
//! (ECHO, REGISTER, BROADCAST, DUMP, BIG), the DUMP callback, and the
//! REGISTER timer that sends the NOTIFY messages. Mirrors the netlink part
//! of kernel/c/nlkit_demo.c function for function (`demo_msg`,
//! `notify_fire`, `demo_echo`, ...), with the same messages and errors.

use crate::raw::{
    self, neg, nlmsg_data, nlmsg_len, nlmsg_total_size, set_err_msg, Timer, THIS_MODULE,
};
use crate::skb::Skb;
use crate::{genl, params, state, State};
use core::fmt::Write;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::bindings;
use kernel::c_str;
use kernel::ffi::c_int;
use kernel::init::PinInit;
use kernel::prelude::*;

const ECHO: u16 = 0x20;
const REGISTER: u16 = 0x21;
pub(crate) const NOTIFY: u16 = 0x22;
const BROADCAST: u16 = 0x23;
const DUMP: u16 = 0x24;
const BIG: u16 = 0x25;
const BIG_LEN: usize = 10000;
/// The group every BROADCAST goes to.
const GROUP: c_int = 1;
/// Multicast groups of the protocol (the second one is `wide_group`).
const GROUPS: u32 = 64;

/// The protocol's kernel socket; released when dropped, after the timer
/// that sends on it is stopped.
pub(crate) struct KernelSock(*mut bindings::sock);

// SAFETY: the pointer is only used to release the socket, once, in `drop`.
unsafe impl Send for KernelSock {}
// SAFETY: `&KernelSock` gives no access to the pointer.
unsafe impl Sync for KernelSock {}

impl KernelSock {
    /// `netlink_kernel_create(&init_net, proto, &cfg)`; the socket is also
    /// stored in `slot` for the timer and the trigger.
    pub(crate) fn create(proto: c_int, slot: &AtomicPtr<bindings::sock>) -> Result<Self> {
        // SAFETY: all-zero is the C initializer `{ }` of this plain struct.
        let mut cfg: bindings::netlink_kernel_cfg = unsafe { core::mem::zeroed() };
        cfg.groups = GROUPS;
        cfg.input = Some(input);
        // SAFETY: init_net lives forever; `cfg` is read during the call only;
        // THIS_MODULE is this module (what netlink_kernel_create passes).
        let sk = unsafe {
            bindings::__netlink_kernel_create(
                core::ptr::addr_of_mut!(bindings::init_net),
                proto,
                THIS_MODULE,
                &mut cfg,
            )
        };
        if sk.is_null() {
            pr_err!("cannot create netlink protocol {} (in use?)\n", proto);
            return Err(EBUSY);
        }
        slot.store(sk, Ordering::Release);
        Ok(KernelSock(sk))
    }
}

impl Drop for KernelSock {
    fn drop(&mut self) {
        timer_stop(state());
        // SAFETY: created by `create`; no input runs any more (each user
        // socket of the protocol holds a module reference) and the timer
        // is stopped.
        unsafe { bindings::netlink_kernel_release(self.0) };
    }
}

/// `demo_msg()`: a new skb with one message of exactly `16 + data.len()`
/// bytes (no `nlmsg_end()`: it would count the alignment padding into
/// `nlmsg_len`), or `None` when out of memory.
fn demo_msg(portid: u32, ty: u16, seq: u32, data: &[u8], gfp: bindings::gfp_t) -> Option<Skb> {
    let mut skb = Skb::nlmsg_new(data.len(), gfp)?;
    skb.put_msg(portid, seq, ty, data, 0)?;
    Some(skb)
}

/// The notification timer, initialised in place inside the pinned [`State`].
pub(crate) fn timer_init() -> impl PinInit<Timer> {
    Timer::new(notify_fire)
}

/// Stops the timer for good: not re-armed, and not running when this returns.
pub(crate) fn timer_stop(st: &State) {
    st.notify.lock().stopping = true;
    // SAFETY: the timer was set up in `timer_init`.
    unsafe { bindings::timer_delete_sync(st.timer.get()) };
}

fn timer_arm(st: &State) {
    // SAFETY: the timer was set up in `timer_init` and is not being deleted
    // (callers check `stopping` under the notify lock).
    unsafe {
        bindings::mod_timer(
            st.timer.get(),
            raw::jiffies_in(params::notify_interval_ms()),
        )
    };
}

/// `notify_fire()`: the next "notification N" to the registered port.
unsafe extern "C" fn notify_fire(_t: *mut bindings::timer_list) {
    let st = state();
    let (n, portid) = {
        let mut nt = st.notify.lock();
        if nt.stopping || nt.sent >= nt.total {
            return;
        }
        nt.sent += 1;
        if nt.sent < nt.total {
            timer_arm(st);
        }
        (nt.sent, nt.portid)
    };
    let mut text = Text::default();
    let _ = write!(text, "notification {n}");
    let Some(skb) = demo_msg(portid, NOTIFY, n, text.as_bytes(), bindings::GFP_ATOMIC) else {
        return;
    };
    // Softirq context: never block (MSG_DONTWAIT).
    let err = skb.unicast(st.nlsk.load(Ordering::Acquire), portid);
    if err < 0 {
        pr_info!("notification {} to port {}: error {}\n", n, portid, err);
    }
}

/// The text of a notification (C's `char text[32]` with scnprintf).
#[derive(Default)]
struct Text {
    buf: [u8; 32],
    len: usize,
}

impl Text {
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Write for Text {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        // Truncates as scnprintf does (keeping room for C's NUL).
        let n = s.len().min(self.buf.len() - 1 - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// A request being handled: its skb, header and payload.
struct Request {
    sk: *mut bindings::sock,
    skb: *mut bindings::sk_buff,
    nlh: *mut bindings::nlmsghdr,
    portid: u32,
    /// The port id the header claims (ECHO answers `portid` regardless).
    claimed_portid: u32,
    seq: u32,
    ty: u16,
    flags: u16,
}

impl Request {
    /// The payload. Valid while the request is handled.
    fn payload(&self) -> &[u8] {
        // SAFETY: netlink_rcv_skb checked that the datagram holds the whole
        // message `nlh` describes.
        unsafe { core::slice::from_raw_parts(nlmsg_data(self.nlh), nlmsg_len(self.nlh)) }
    }
}

/// `demo_input()`: every message of the datagram, ACKs and errors included.
unsafe extern "C" fn input(skb: *mut bindings::sk_buff) {
    // SAFETY: `skb` is the datagram netlink hands to its input callback.
    unsafe { bindings::netlink_rcv_skb(skb, Some(rcv_msg)) };
}

/// `demo_rcv_msg()`: one message; the return value becomes the NLMSG_ERROR.
unsafe extern "C" fn rcv_msg(
    skb: *mut bindings::sk_buff,
    nlh: *mut bindings::nlmsghdr,
    extack: *mut bindings::netlink_ext_ack,
) -> c_int {
    // SAFETY: netlink_rcv_skb passes a valid skb and header. The skb is
    // owned by the kernel socket that received it (skb->sk), which is the
    // protocol's socket: usable even before `State::nlsk` is filled in.
    let req = unsafe {
        Request {
            sk: (*skb).sk,
            skb,
            nlh,
            portid: (*raw::netlink_cb(skb)).portid,
            claimed_portid: (*nlh).nlmsg_pid,
            seq: (*nlh).nlmsg_seq,
            ty: (*nlh).nlmsg_type,
            flags: (*nlh).nlmsg_flags,
        }
    };
    match req.ty {
        ECHO => echo(&req),
        REGISTER => register(&req),
        BROADCAST => broadcast(&req, extack),
        DUMP => dump_start(&req, extack),
        BIG => big(&req),
        _ => {
            // SAFETY: the request's extack, from netlink_rcv_skb.
            unsafe { set_err_msg(extack, c_str!("unknown message type")) };
            neg(bindings::EOPNOTSUPP)
        }
    }
}

/// ECHO: the payload back to the real sender, whatever the header claims.
fn echo(req: &Request) -> c_int {
    let Some(out) = demo_msg(
        req.portid,
        req.ty,
        req.seq,
        req.payload(),
        bindings::GFP_KERNEL,
    ) else {
        return neg(bindings::ENOMEM);
    };
    if req.claimed_portid != req.portid {
        pr_debug!(
            "echo: header claims port {}, answering port {}\n",
            req.claimed_portid,
            req.portid
        );
    }
    out.unicast(req.sk, req.portid).min(0)
}

/// REGISTER: (re)starts the notifications to the sender.
fn register(req: &Request) -> c_int {
    let st = state();
    {
        let mut nt = st.notify.lock();
        nt.portid = req.portid;
        nt.registered = true;
        nt.sent = 0;
        nt.total = params::notify_count();
        if !nt.stopping {
            timer_arm(st);
        }
    }
    pr_debug!("port {} registered\n", req.portid);
    0
}

/// `demo_multicast()`: one message to `group`; no listener is no error.
fn multicast(sk: *mut bindings::sock, group: c_int, ty: u16, seq: u32, data: &[u8]) {
    if let Some(skb) = demo_msg(0, ty, seq, data, bindings::GFP_KERNEL) {
        skb.multicast(sk, group as u32);
    }
}

/// BROADCAST: store, then multicast to group 1, `wide_group` and genl.
fn broadcast(req: &Request, extack: *mut bindings::netlink_ext_ack) -> c_int {
    let data = req.payload();
    if !state().store.lock().append(data) {
        // SAFETY: the request's extack.
        unsafe { set_err_msg(extack, c_str!("broadcast buffer is full")) };
        return neg(bindings::ENOSPC);
    }
    multicast(req.sk, GROUP, req.ty, req.seq, data);
    let wide = params::wide_group();
    if wide > GROUP && wide <= GROUPS as c_int {
        multicast(req.sk, wide, req.ty, req.seq, data);
    }
    genl::event(data);
    0
}

/// DUMP: checks the flag, then hands over to netlink_dump_start with
/// datagrams big enough for the largest entry (a dump datagram starts at
/// about a page; an entry can be up to 16 KiB).
fn dump_start(req: &Request, extack: *mut bindings::netlink_ext_ack) -> c_int {
    if u32::from(req.flags) & bindings::NLM_F_DUMP != bindings::NLM_F_DUMP {
        // SAFETY: the request's extack.
        unsafe { set_err_msg(extack, c_str!("DUMP needs NLM_F_DUMP")) };
        return neg(bindings::EINVAL);
    }
    let max_len = state()
        .store
        .lock()
        .entries()
        .iter()
        .map(|e| e.len)
        .max()
        .unwrap_or(0);
    // SAFETY: all-zero is the C initializer `{ }` of this plain struct.
    let mut c: bindings::netlink_dump_control = unsafe { core::mem::zeroed() };
    c.dump = Some(dump);
    // What netlink_dump_start() fills in: the dump holds this module.
    c.module = THIS_MODULE;
    c.min_dump_alloc = nlmsg_total_size(max_len as usize) as u32;
    // SAFETY: the request's socket, skb and header; `c` is read during the call.
    unsafe { bindings::__netlink_dump_start(req.sk, req.skb, req.nlh, &mut c) }
}

/// `demo_dump()`: as many entries as fit in this datagram, from
/// `cb->args[0]`; netlink_dump() adds NLMSG_DONE once a round adds nothing.
unsafe extern "C" fn dump(
    skb: *mut bindings::sk_buff,
    cb: *mut bindings::netlink_callback,
) -> c_int {
    // SAFETY: netlink_dump passes its callback state and the datagram to
    // fill; `cb->skb` is the request, `cb->nlh` its header.
    let (first, portid, seq, mut out) = unsafe {
        (
            (*cb).__bindgen_anon_1.args[0] as usize,
            (*raw::netlink_cb((*cb).skb)).portid,
            (*(*cb).nlh).nlmsg_seq,
            Skb::lent(skb),
        )
    };
    let mut i = first;
    let mut err = 0;
    {
        let store = state().store.lock();
        for e in &store.entries()[first..] {
            let data = &store.data()[e.off as usize..(e.off + e.len) as usize];
            // The exact length, as demo_msg(): no nlmsg_end().
            if out
                .put_msg(portid, seq, DUMP, data, bindings::NLM_F_MULTI)
                .is_none()
            {
                if i == first {
                    err = neg(bindings::EMSGSIZE); // one entry too big
                }
                break;
            }
            i += 1;
        }
    }
    // SAFETY: as above; only this dump uses its `args`.
    unsafe { (*cb).__bindgen_anon_1.args[0] = i as kernel::ffi::c_long };
    if err != 0 {
        err
    } else {
        out.len() as c_int
    }
}

/// BIG: one reply of BIG_LEN bytes, byte i being 'a' + i % 26. (C ends
/// it with nlmsg_end(), which changes nothing: 16 + 10000 is aligned.)
fn big(req: &Request) -> c_int {
    let Some(mut out) = Skb::nlmsg_new(BIG_LEN, bindings::GFP_KERNEL) else {
        return neg(bindings::ENOMEM);
    };
    let Some(p) = out.put(req.portid, req.seq, BIG, BIG_LEN, 0) else {
        return neg(bindings::EMSGSIZE);
    };
    for (i, b) in p.iter_mut().enumerate() {
        *b = b'a' + (i % 26) as u8;
    }
    out.unicast(req.sk, req.portid).min(0)
}

/// `/proc/nlkit_demo_trigger`'s send: one NOTIFY with `text` and sequence
/// number `seq` to `portid`; the unicast's result (negative errno or >= 0).
pub(crate) fn send_notify(portid: u32, seq: u32, text: &[u8]) -> c_int {
    let Some(skb) = demo_msg(portid, NOTIFY, seq, text, bindings::GFP_KERNEL) else {
        return neg(bindings::ENOMEM);
    };
    skb.unicast(state().nlsk.load(Ordering::Acquire), portid)
}
