//! IPsec over netlink (`NETLINK_XFRM`, `<linux/xfrm.h>`, ip-xfrm(8)):
//! security associations ([`sa`]) and security policies ([`policy`]) as
//! typed values, dumped, read, made, changed, deleted and flushed, and
//! their events ([`events`]). There is no YNL spec: the fixed structures
//! ([`structs`]) and the attribute tables ([`attrs`]) are written by hand
//! from the pinned `tools/uapi/linux-6.1/linux/xfrm.h`, and a test checks
//! every constant here against it.
//!
//! Messages start with a fixed structure that depends on the type
//! (`xfrm_usersa_info`, `xfrm_usersa_id`, `xfrm_userpolicy_info`, ...);
//! attributes follow, in host byte order. Dump requests carry no payload.
#![allow(missing_docs)] // the XFRM_* and XFRMA_* constants: named by their C names

pub mod attrs;
pub mod events;
pub mod policy;
pub mod sa;
pub mod structs;

pub use attrs::{Algo, ReplayEsn};
pub use events::{Event, Events};
pub use policy::Policy;
pub use sa::{Sa, SaKey};

/// Message types (`XFRM_MSG_*`).
pub const XFRM_MSG_NEWSA: u16 = 0x10;
pub const XFRM_MSG_DELSA: u16 = 0x11;
pub const XFRM_MSG_GETSA: u16 = 0x12;
pub const XFRM_MSG_NEWPOLICY: u16 = 0x13;
pub const XFRM_MSG_DELPOLICY: u16 = 0x14;
pub const XFRM_MSG_GETPOLICY: u16 = 0x15;
pub const XFRM_MSG_ALLOCSPI: u16 = 0x16;
pub const XFRM_MSG_ACQUIRE: u16 = 0x17;
pub const XFRM_MSG_EXPIRE: u16 = 0x18;
pub const XFRM_MSG_UPDPOLICY: u16 = 0x19;
pub const XFRM_MSG_UPDSA: u16 = 0x1a;
pub const XFRM_MSG_POLEXPIRE: u16 = 0x1b;
pub const XFRM_MSG_FLUSHSA: u16 = 0x1c;
pub const XFRM_MSG_FLUSHPOLICY: u16 = 0x1d;
pub const XFRM_MSG_NEWAE: u16 = 0x1e;
pub const XFRM_MSG_GETAE: u16 = 0x1f;
pub const XFRM_MSG_REPORT: u16 = 0x20;
pub const XFRM_MSG_MAPPING: u16 = 0x26;

/// Attribute kinds (`enum xfrm_attr_type_t`).
pub const XFRMA_ALG_AUTH: u16 = 1;
pub const XFRMA_ALG_CRYPT: u16 = 2;
pub const XFRMA_ALG_COMP: u16 = 3;
pub const XFRMA_ENCAP: u16 = 4;
pub const XFRMA_TMPL: u16 = 5;
pub const XFRMA_SA: u16 = 6;
pub const XFRMA_POLICY: u16 = 7;
pub const XFRMA_SEC_CTX: u16 = 8;
pub const XFRMA_LTIME_VAL: u16 = 9;
pub const XFRMA_REPLAY_VAL: u16 = 10;
pub const XFRMA_REPLAY_THRESH: u16 = 11;
pub const XFRMA_ETIMER_THRESH: u16 = 12;
pub const XFRMA_SRCADDR: u16 = 13;
pub const XFRMA_COADDR: u16 = 14;
pub const XFRMA_LASTUSED: u16 = 15;
pub const XFRMA_POLICY_TYPE: u16 = 16;
pub const XFRMA_MIGRATE: u16 = 17;
pub const XFRMA_ALG_AEAD: u16 = 18;
pub const XFRMA_KMADDRESS: u16 = 19;
pub const XFRMA_ALG_AUTH_TRUNC: u16 = 20;
pub const XFRMA_MARK: u16 = 21;
pub const XFRMA_TFCPAD: u16 = 22;
pub const XFRMA_REPLAY_ESN_VAL: u16 = 23;
pub const XFRMA_SA_EXTRA_FLAGS: u16 = 24;
pub const XFRMA_PROTO: u16 = 25;
pub const XFRMA_ADDRESS_FILTER: u16 = 26;
pub const XFRMA_PAD: u16 = 27;
pub const XFRMA_OFFLOAD_DEV: u16 = 28;
pub const XFRMA_SET_MARK: u16 = 29;
pub const XFRMA_SET_MARK_MASK: u16 = 30;
pub const XFRMA_IF_ID: u16 = 31;

/// `XFRMA_REPLAY_ESN_MAX`: the largest replay window, in packets.
pub const XFRMA_REPLAY_ESN_MAX: u32 = 4096;

/// Multicast groups (`enum xfrm_nlgroups`).
pub const XFRMNLGRP_ACQUIRE: u32 = 1;
pub const XFRMNLGRP_EXPIRE: u32 = 2;
pub const XFRMNLGRP_SA: u32 = 3;
pub const XFRMNLGRP_POLICY: u32 = 4;
pub const XFRMNLGRP_AEVENTS: u32 = 5;
pub const XFRMNLGRP_REPORT: u32 = 6;
pub const XFRMNLGRP_MIGRATE: u32 = 7;
pub const XFRMNLGRP_MAPPING: u32 = 8;

/// `xfrm_usersa_info.mode` (`XFRM_MODE_*`).
pub const XFRM_MODE_TRANSPORT: u8 = 0;
pub const XFRM_MODE_TUNNEL: u8 = 1;
pub const XFRM_MODE_ROUTEOPTIMIZATION: u8 = 2;
pub const XFRM_MODE_IN_TRIGGER: u8 = 3;
pub const XFRM_MODE_BEET: u8 = 4;

/// `xfrm_usersa_info.flags` (`XFRM_STATE_*`).
pub const XFRM_STATE_NOECN: u8 = 1;
pub const XFRM_STATE_DECAP_DSCP: u8 = 2;
pub const XFRM_STATE_NOPMTUDISC: u8 = 4;
pub const XFRM_STATE_WILDRECV: u8 = 8;
pub const XFRM_STATE_ICMP: u8 = 16;
pub const XFRM_STATE_AF_UNSPEC: u8 = 32;
pub const XFRM_STATE_ALIGN4: u8 = 64;
pub const XFRM_STATE_ESN: u8 = 128;

/// `XFRMA_SA_EXTRA_FLAGS` bits.
pub const XFRM_SA_XFLAG_DONT_ENCAP_DSCP: u32 = 1;
pub const XFRM_SA_XFLAG_OSEQ_MAY_WRAP: u32 = 2;

/// `xfrm_userpolicy_info.dir` (`XFRM_POLICY_IN`, ...; `XFRM_POLICY_MAX`
/// and above: a socket's policy).
pub const XFRM_POLICY_IN: u8 = 0;
pub const XFRM_POLICY_OUT: u8 = 1;
pub const XFRM_POLICY_FWD: u8 = 2;
pub const XFRM_POLICY_MAX: u8 = 3;
/// `xfrm_userpolicy_info.action`.
pub const XFRM_POLICY_ALLOW: u8 = 0;
pub const XFRM_POLICY_BLOCK: u8 = 1;
/// `xfrm_userpolicy_info.flags`.
pub const XFRM_POLICY_LOCALOK: u8 = 1;
pub const XFRM_POLICY_ICMP: u8 = 2;
/// `xfrm_userpolicy_type.type`.
pub const XFRM_POLICY_TYPE_MAIN: u8 = 0;
pub const XFRM_POLICY_TYPE_SUB: u8 = 1;
pub const XFRM_POLICY_TYPE_ANY: u8 = 255;
/// `share` (`XFRM_SHARE_*`).
pub const XFRM_SHARE_ANY: u8 = 0;
pub const XFRM_SHARE_SESSION: u8 = 1;
pub const XFRM_SHARE_USER: u8 = 2;
pub const XFRM_SHARE_UNIQUE: u8 = 3;

/// The payload after a fixed structure of `len` bytes, as a message of
/// that structure and its attributes; too short is an error.
pub(crate) fn after(payload: &[u8], len: usize) -> crate::Result<&[u8]> {
    match payload.get(len..) {
        Some(rest) => Ok(rest),
        None => {
            Err(crate::Error::Wire(nlkit_wire::Error::Truncated { need: len, have: payload.len() }))
        }
    }
}

#[cfg(test)]
mod tests;
