//! The XFRM attribute sets (`XFRMA_*`, `enum xfrm_attr_type_t`) as
//! tables: an SA's (after `xfrm_usersa_info`) and a policy's (after
//! `xfrm_userpolicy_info`), and the values with a layout of their own:
//! the algorithms (`xfrm_algo`, `xfrm_algo_auth`, `xfrm_algo_aead`: a
//! 64-byte name, the key length in bits, a truncation or ICV length, the
//! key) and the ESN replay state with its bitmap. Every integer is in host
//! byte order.

use super::structs::*;
use super::*;
use crate::proto::codec::*;
use nlkit_wire::{Error as WireError, MessageBuilder};

crate::attr_set! {
    /// An SA: `xfrm_usersa_info` and its attributes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct SaAttrs<'a>: UsersaInfo, set "xfrm-sa" {
        /// `XFRMA_ALG_AUTH` (`xfrm_algo`).
        pub alg_auth: Option<&'a [u8]> = XFRMA_ALG_AUTH as Bin,
        /// `XFRMA_ALG_CRYPT` (`xfrm_algo`).
        pub alg_crypt: Option<&'a [u8]> = XFRMA_ALG_CRYPT as Bin,
        /// `XFRMA_ALG_COMP` (`xfrm_algo`).
        pub alg_comp: Option<&'a [u8]> = XFRMA_ALG_COMP as Bin,
        /// `XFRMA_ENCAP`.
        pub encap: Option<EncapTmpl> = XFRMA_ENCAP as Fixed<EncapTmpl>,
        /// `XFRMA_SEC_CTX` (`xfrm_user_sec_ctx` and the context).
        pub sec_ctx: Option<&'a [u8]> = XFRMA_SEC_CTX as Bin,
        /// `XFRMA_REPLAY_VAL`.
        pub replay_val: Option<ReplayState> = XFRMA_REPLAY_VAL as Fixed<ReplayState>,
        /// `XFRMA_SRCADDR` (`xfrm_address_t`).
        pub srcaddr: Option<&'a [u8]> = XFRMA_SRCADDR as Bin,
        /// `XFRMA_COADDR` (`xfrm_address_t`).
        pub coaddr: Option<&'a [u8]> = XFRMA_COADDR as Bin,
        /// `XFRMA_LASTUSED` (seconds since the epoch).
        pub lastused: Option<u64> = XFRMA_LASTUSED as U64,
        /// `XFRMA_ALG_AEAD` (`xfrm_algo_aead`).
        pub alg_aead: Option<&'a [u8]> = XFRMA_ALG_AEAD as Bin,
        /// `XFRMA_ALG_AUTH_TRUNC` (`xfrm_algo_auth`).
        pub alg_auth_trunc: Option<&'a [u8]> = XFRMA_ALG_AUTH_TRUNC as Bin,
        /// `XFRMA_MARK`.
        pub mark: Option<Mark> = XFRMA_MARK as Fixed<Mark>,
        /// `XFRMA_TFCPAD`.
        pub tfcpad: Option<u32> = XFRMA_TFCPAD as U32,
        /// `XFRMA_REPLAY_ESN_VAL` (`xfrm_replay_state_esn` and its bitmap).
        pub replay_esn_val: Option<&'a [u8]> = XFRMA_REPLAY_ESN_VAL as Bin,
        /// `XFRMA_SA_EXTRA_FLAGS` (`XFRM_SA_XFLAG_*`).
        pub sa_extra_flags: Option<u32> = XFRMA_SA_EXTRA_FLAGS as U32,
        /// `XFRMA_OFFLOAD_DEV` (`xfrm_user_offload`).
        pub offload_dev: Option<&'a [u8]> = XFRMA_OFFLOAD_DEV as Bin,
        /// `XFRMA_SET_MARK` (`XFRMA_OUTPUT_MARK`).
        pub set_mark: Option<u32> = XFRMA_SET_MARK as U32,
        /// `XFRMA_SET_MARK_MASK`.
        pub set_mark_mask: Option<u32> = XFRMA_SET_MARK_MASK as U32,
        /// `XFRMA_IF_ID`.
        pub if_id: Option<u32> = XFRMA_IF_ID as U32,
    }
    owned
    /// An SA's attributes to send, as the table writes them.
    pub struct SaAttrsBuilder;
}

crate::attr_set! {
    /// A policy: `xfrm_userpolicy_info` and its attributes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct PolicyAttrs<'a>: UserpolicyInfo, set "xfrm-policy" {
        /// `XFRMA_TMPL`: `xfrm_user_tmpl`s, one after another.
        pub tmpl: Option<&'a [u8]> = XFRMA_TMPL as Bin,
        /// `XFRMA_SEC_CTX`.
        pub sec_ctx: Option<&'a [u8]> = XFRMA_SEC_CTX as Bin,
        /// `XFRMA_LASTUSED`.
        pub lastused: Option<u64> = XFRMA_LASTUSED as U64,
        /// `XFRMA_POLICY_TYPE`.
        pub policy_type: Option<UserpolicyType> = XFRMA_POLICY_TYPE as Fixed<UserpolicyType>,
        /// `XFRMA_MARK`.
        pub mark: Option<Mark> = XFRMA_MARK as Fixed<Mark>,
        /// `XFRMA_IF_ID`.
        pub if_id: Option<u32> = XFRMA_IF_ID as U32,
    }
    owned
    /// A policy's attributes to send, as the table writes them.
    pub struct PolicyAttrsBuilder;
}

/// `alg_name[64]` and `alg_key_len`: where the key or the third field starts.
const ALGO_NAME: usize = 64;
const ALGO_HEAD: usize = ALGO_NAME + 4;

/// An algorithm: `xfrm_algo`, or with `extra` the truncation length
/// (`xfrm_algo_auth`) or the ICV length (`xfrm_algo_aead`), in bits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Algo {
    /// `alg_name` (the crypto API's: `cbc(aes)`, `hmac(sha256)`, ...).
    pub name: String,
    /// `alg_key_len`, in bits.
    pub key_bits: u32,
    /// `alg_trunc_len` or `alg_icv_len`, in bits.
    pub extra: Option<u32>,
    /// The key: `key_bits` rounded up to whole bytes (`xfrm_alg_len`).
    pub key: Vec<u8>,
}

impl Algo {
    /// Reads an algorithm attribute's payload; `extra` for the auth-trunc
    /// and AEAD forms. A payload shorter than its header or its key is an
    /// error.
    pub fn parse(p: &[u8], kind: u16, extra: bool) -> Result<Algo, WireError> {
        let head = ALGO_HEAD + if extra { 4 } else { 0 };
        let short = |want| WireError::AttrSize { kind, want, got: p.len() };
        if p.len() < head {
            return Err(short(head));
        }
        let name = &p[..ALGO_NAME];
        let end = name.iter().position(|&b| b == 0).unwrap_or(ALGO_NAME);
        let word = |at: usize| u32::from_ne_bytes([p[at], p[at + 1], p[at + 2], p[at + 3]]);
        let key_bits = word(ALGO_NAME);
        // As the kernel's xfrm_alg_len: a key of 5 bits takes a byte.
        let key_len = key_bits.div_ceil(8) as usize;
        let Some(key) = p.get(head..head + key_len) else { return Err(short(head + key_len)) };
        Ok(Algo {
            name: String::from_utf8_lossy(&name[..end]).into_owned(),
            key_bits,
            extra: extra.then(|| word(ALGO_HEAD)),
            key: key.to_vec(),
        })
    }

    /// The attribute's payload: the name (cut at 63 bytes), the key's
    /// length in bits (`key_bits` when the key is that many bits rounded
    /// up to bytes, else the key's whole bytes), `extra` if any, the key.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![0u8; ALGO_NAME];
        let n = self.name.len().min(ALGO_NAME - 1);
        out[..n].copy_from_slice(&self.name.as_bytes()[..n]);
        let bits = match self.key_bits.div_ceil(8) as usize == self.key.len() {
            true => self.key_bits,
            false => (self.key.len() * 8) as u32,
        };
        out.extend_from_slice(&bits.to_ne_bytes());
        if let Some(e) = self.extra {
            out.extend_from_slice(&e.to_ne_bytes());
        }
        out.extend_from_slice(&self.key);
        out
    }
}

/// `struct xfrm_replay_state_esn` with its bitmap (`bmp_len` words):
/// replay windows over 32 packets, and 64-bit sequence numbers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplayEsn {
    /// `oseq`, `seq`, `oseq_hi`, `seq_hi`.
    pub oseq: u32,
    pub seq: u32,
    pub oseq_hi: u32,
    pub seq_hi: u32,
    /// `replay_window`, in packets.
    pub replay_window: u32,
    /// `bmp[]`: `bmp_len` words.
    pub bmp: Vec<u32>,
}

const ESN_HEAD: usize = 24;

impl ReplayEsn {
    /// An empty state for a window of `window` packets: the bitmap as
    /// long as the window needs (`ip xfrm state add ... replay-window N`).
    pub fn with_window(window: u32) -> ReplayEsn {
        ReplayEsn {
            replay_window: window,
            bmp: vec![0; window.div_ceil(32) as usize],
            ..Default::default()
        }
    }

    /// Reads the attribute's payload: a bitmap longer than the payload is
    /// an error.
    pub fn parse(p: &[u8]) -> Result<ReplayEsn, WireError> {
        let kind = XFRMA_REPLAY_ESN_VAL;
        if p.len() < ESN_HEAD {
            return Err(WireError::AttrSize { kind, want: ESN_HEAD, got: p.len() });
        }
        let word =
            |i: usize| u32::from_ne_bytes([p[i * 4], p[i * 4 + 1], p[i * 4 + 2], p[i * 4 + 3]]);
        let bmp_len = word(0) as usize;
        let want = bmp_len.checked_mul(4).and_then(|b| b.checked_add(ESN_HEAD));
        if want.is_none_or(|w| p.len() < w) {
            return Err(WireError::AttrSize {
                kind,
                want: want.unwrap_or(usize::MAX),
                got: p.len(),
            });
        }
        Ok(ReplayEsn {
            oseq: word(1),
            seq: word(2),
            oseq_hi: word(3),
            seq_hi: word(4),
            replay_window: word(5),
            bmp: (0..bmp_len).map(|i| word(6 + i)).collect(),
        })
    }

    /// The attribute's payload (`bmp_len` from the bitmap).
    pub fn to_bytes(&self) -> Vec<u8> {
        let head = [
            self.bmp.len() as u32,
            self.oseq,
            self.seq,
            self.oseq_hi,
            self.seq_hi,
            self.replay_window,
        ];
        head.iter().chain(&self.bmp).flat_map(|w| w.to_ne_bytes()).collect()
    }
}

/// The templates of an `XFRMA_TMPL` payload; a payload that is not a whole
/// number of templates is an error.
pub fn tmpls(p: &[u8]) -> Result<Vec<UserTmpl>, WireError> {
    if p.len() % UserTmpl::LEN != 0 {
        let want = (p.len() / UserTmpl::LEN + 1) * UserTmpl::LEN;
        return Err(WireError::AttrSize { kind: XFRMA_TMPL, want, got: p.len() });
    }
    p.chunks_exact(UserTmpl::LEN).map(UserTmpl::parse).collect()
}

/// Writes `(kind, payload)` pairs.
pub(crate) fn put(
    b: &mut MessageBuilder<'_, Vec<u8>>,
    kind: u16,
    p: &[u8],
) -> Result<(), WireError> {
    b.attr(kind, p)
}
