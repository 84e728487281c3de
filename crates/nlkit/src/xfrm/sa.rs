//! Security associations (the SAD): [`Sa`], read from `XFRM_MSG_NEWSA`
//! replies and events (and from `DELSA` and `EXPIRE` events, whose fixed
//! parts differ), written for `NEWSA`/`UPDSA`; the requests that dump,
//! get, add, update, delete and flush them.

use super::attrs::*;
use super::structs::*;
use super::*;
use crate::engine::{Ack, Get, Request, Stream};
use crate::error::{Error, Result};
use crate::proto::View as _;
use nlkit_wire::{Error as WireError, Flags, Message, MessageBuilder};

/// An SA: its fixed part and each attribute, typed; attributes nlkit does
/// not read kept raw in `other`, in order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sa {
    /// `xfrm_usersa_info`.
    pub info: UsersaInfo,
    /// `XFRMA_ALG_AUTH`.
    pub auth: Option<Algo>,
    /// `XFRMA_ALG_AUTH_TRUNC` (`extra`: the truncation length).
    pub auth_trunc: Option<Algo>,
    /// `XFRMA_ALG_CRYPT`.
    pub crypt: Option<Algo>,
    /// `XFRMA_ALG_AEAD` (`extra`: the ICV length).
    pub aead: Option<Algo>,
    /// `XFRMA_ALG_COMP`.
    pub comp: Option<Algo>,
    /// `XFRMA_ENCAP`.
    pub encap: Option<EncapTmpl>,
    /// `XFRMA_MARK`.
    pub mark: Option<Mark>,
    /// `XFRMA_IF_ID`.
    pub if_id: Option<u32>,
    /// `XFRMA_REPLAY_VAL` (windows up to 32).
    pub replay: Option<ReplayState>,
    /// `XFRMA_REPLAY_ESN_VAL` (ESN, or windows over 32).
    pub replay_esn: Option<ReplayEsn>,
    /// `XFRMA_SRCADDR`.
    pub srcaddr: Option<[u8; 16]>,
    /// `XFRMA_COADDR`.
    pub coaddr: Option<[u8; 16]>,
    /// `XFRMA_LASTUSED`.
    pub lastused: Option<u64>,
    /// `XFRMA_SET_MARK` and `XFRMA_SET_MARK_MASK`.
    pub output_mark: Option<u32>,
    /// See `output_mark`.
    pub output_mark_mask: Option<u32>,
    /// `XFRMA_TFCPAD`.
    pub tfcpad: Option<u32>,
    /// `XFRMA_SA_EXTRA_FLAGS`.
    pub extra_flags: Option<u32>,
    /// `XFRMA_SEC_CTX`, raw.
    pub sec_ctx: Option<Vec<u8>>,
    /// `XFRMA_OFFLOAD_DEV`, raw.
    pub offload_dev: Option<Vec<u8>>,
    /// Attributes of other kinds: `(kind, payload)`.
    pub other: Vec<(u16, Vec<u8>)>,
}

fn addr16(kind: u16, p: &[u8]) -> Result<[u8; 16]> {
    <[u8; 16]>::try_from(p)
        .map_err(|_| Error::Wire(WireError::AttrSize { kind, want: 16, got: p.len() }))
}

impl Sa {
    /// Reads an SA from `xfrm_usersa_info` and its attributes. A known
    /// attribute that does not read as its type is an error.
    pub fn parse_payload(payload: &[u8]) -> Result<Sa> {
        let v = SaAttrs::parse_payload(payload)?;
        if let Some(bad) = v.malformed().next() {
            return Err(Error::Wire(bad.error));
        }
        let algo =
            |p: Option<&[u8]>, kind, extra| p.map(|p| Algo::parse(p, kind, extra)).transpose();
        Ok(Sa {
            info: v.header,
            auth: algo(v.alg_auth, XFRMA_ALG_AUTH, false)?,
            auth_trunc: algo(v.alg_auth_trunc, XFRMA_ALG_AUTH_TRUNC, true)?,
            crypt: algo(v.alg_crypt, XFRMA_ALG_CRYPT, false)?,
            aead: algo(v.alg_aead, XFRMA_ALG_AEAD, true)?,
            comp: algo(v.alg_comp, XFRMA_ALG_COMP, false)?,
            encap: v.encap,
            mark: v.mark,
            if_id: v.if_id,
            replay: v.replay_val,
            replay_esn: v.replay_esn_val.map(ReplayEsn::parse).transpose()?,
            srcaddr: v.srcaddr.map(|p| addr16(XFRMA_SRCADDR, p)).transpose()?,
            coaddr: v.coaddr.map(|p| addr16(XFRMA_COADDR, p)).transpose()?,
            lastused: v.lastused,
            output_mark: v.set_mark,
            output_mark_mask: v.set_mark_mask,
            tfcpad: v.tfcpad,
            extra_flags: v.sa_extra_flags,
            sec_ctx: v.sec_ctx.map(<[u8]>::to_vec),
            offload_dev: v.offload_dev.map(<[u8]>::to_vec),
            other: v.unknown().map(|a| (a.raw_type(), a.payload().to_vec())).collect(),
        })
    }

    /// Reads a `NEWSA`/`UPDSA` message (a dump's or a get's reply, or an event).
    pub fn parse(msg: &Message<'_>) -> Result<Sa> {
        Sa::parse_payload(msg.payload())
    }

    /// Reads a `DELSA` event: `xfrm_usersa_id`, the SA in `XFRMA_SA`, and
    /// the SA's attributes after it.
    pub fn parse_deleted(payload: &[u8]) -> Result<Sa> {
        let attrs = after(payload, UsersaId::LEN)?;
        let sa = nlkit_wire::Attrs::new(attrs).find(XFRMA_SA)?;
        let Some(sa) = sa else {
            return Err(Error::MissingAttr { set: "xfrm-sa-id", attr: "XFRMA_SA" });
        };
        let info = UsersaInfo::parse(sa.payload())?;
        let mut joined = info.to_bytes().to_vec();
        joined.extend_from_slice(attrs);
        let mut out = Sa::parse_payload(&joined)?;
        out.other.retain(|(k, _)| *k != XFRMA_SA);
        Ok(out)
    }

    /// Reads an `EXPIRE` event: the SA and whether the hard limit was hit.
    pub fn parse_expired(payload: &[u8]) -> Result<(Sa, bool)> {
        let exp = UserExpire::parse(payload)?;
        let mut joined = exp.state.to_bytes().to_vec();
        joined.extend_from_slice(after(payload, UserExpire::LEN)?);
        Ok((Sa::parse_payload(&joined)?, exp.hard != 0))
    }

    /// Writes the SA: `xfrm_usersa_info`, then each attribute set.
    pub fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        b.append(&self.info.to_bytes())?;
        let algos = [
            (XFRMA_ALG_AUTH, &self.auth),
            (XFRMA_ALG_AUTH_TRUNC, &self.auth_trunc),
            (XFRMA_ALG_AEAD, &self.aead),
            (XFRMA_ALG_CRYPT, &self.crypt),
            (XFRMA_ALG_COMP, &self.comp),
        ];
        for (kind, a) in algos {
            if let Some(a) = a {
                put(b, kind, &a.to_bytes())?;
            }
        }
        if let Some(e) = &self.encap {
            put(b, XFRMA_ENCAP, &e.to_bytes())?;
        }
        if let Some(r) = &self.replay_esn {
            put(b, XFRMA_REPLAY_ESN_VAL, &r.to_bytes())?;
        }
        if let Some(r) = &self.replay {
            put(b, XFRMA_REPLAY_VAL, &r.to_bytes())?;
        }
        if let Some(x) = self.extra_flags {
            b.attr_u32(XFRMA_SA_EXTRA_FLAGS, x)?;
        }
        if let Some(m) = &self.mark {
            put(b, XFRMA_MARK, &m.to_bytes())?;
        }
        if let Some(a) = &self.srcaddr {
            put(b, XFRMA_SRCADDR, a)?;
        }
        if let Some(a) = &self.coaddr {
            put(b, XFRMA_COADDR, a)?;
        }
        if let Some(t) = self.lastused {
            put(b, XFRMA_LASTUSED, &t.to_ne_bytes())?;
        }
        if let Some(c) = &self.sec_ctx {
            put(b, XFRMA_SEC_CTX, c)?;
        }
        if let Some(d) = &self.offload_dev {
            put(b, XFRMA_OFFLOAD_DEV, d)?;
        }
        let words = [
            (XFRMA_IF_ID, self.if_id),
            (XFRMA_TFCPAD, self.tfcpad),
            (XFRMA_SET_MARK, self.output_mark),
            (XFRMA_SET_MARK_MASK, self.output_mark_mask),
        ];
        for (kind, v) in words {
            if let Some(v) = v {
                b.attr_u32(kind, v)?;
            }
        }
        for (kind, p) in &self.other {
            put(b, *kind, p)?;
        }
        Ok(())
    }

    /// The key that names this SA (for a get or a delete).
    pub fn key(&self) -> SaKey {
        SaKey {
            daddr: self.info.id.daddr,
            spi: self.info.id.spi,
            family: self.info.family,
            proto: self.info.id.proto,
            saddr: Some(self.info.saddr),
            mark: self.mark,
        }
    }
}

/// What names an SA: destination, SPI (network order), protocol, family;
/// the source (`XFRMA_SRCADDR`) and mark (`XFRMA_MARK`) narrow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SaKey {
    pub daddr: [u8; 16],
    pub spi: [u8; 4],
    pub family: u16,
    pub proto: u8,
    pub saddr: Option<[u8; 16]>,
    pub mark: Option<Mark>,
}

impl SaKey {
    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        let id = UsersaId {
            daddr: self.daddr,
            spi: self.spi,
            family: self.family,
            proto: self.proto,
            pad: 0,
        };
        b.append(&id.to_bytes())?;
        if let Some(s) = &self.saddr {
            put(b, XFRMA_SRCADDR, s)?;
        }
        if let Some(m) = &self.mark {
            put(b, XFRMA_MARK, &m.to_bytes())?;
        }
        Ok(())
    }
}

/// Every SA, to `each` as the dump delivers them (the request has no
/// payload: the kernel filters nothing).
pub fn dump<'a>(mut each: impl FnMut(Sa) -> Result<()> + 'a) -> impl Request<Output = ()> + 'a {
    Stream {
        message_type: XFRM_MSG_GETSA,
        flags: Flags::DUMP,
        body: |_: &mut MessageBuilder<'_, Vec<u8>>| Ok(()),
        each: move |m: Message<'_>| each(Sa::parse(&m)?),
    }
}

/// The SA `key` names (`ESRCH` when there is none).
pub fn get(key: SaKey) -> impl Request<Output = Sa> {
    Get::new(
        XFRM_MSG_GETSA,
        move |b: &mut MessageBuilder<'_, Vec<u8>>| key.emit(b),
        |m: Message<'_>| Sa::parse(&m),
    )
}

/// Makes an SA (`XFRM_MSG_NEWSA`; an existing one is `EEXIST`).
pub fn add(sa: Sa) -> impl Request<Output = ()> {
    Ack {
        message_type: XFRM_MSG_NEWSA,
        flags: Flags::empty(),
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| sa.emit(b),
    }
}

/// Replaces an SA (`XFRM_MSG_UPDSA`; a missing one is `ESRCH`).
pub fn update(sa: Sa) -> impl Request<Output = ()> {
    Ack {
        message_type: XFRM_MSG_UPDSA,
        flags: Flags::empty(),
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| sa.emit(b),
    }
}

/// Deletes the SA `key` names.
pub fn delete(key: SaKey) -> impl Request<Output = ()> {
    Ack {
        message_type: XFRM_MSG_DELSA,
        flags: Flags::empty(),
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| key.emit(b),
    }
}

/// Deletes every SA of `proto` (`IPSEC_PROTO_ANY`, 255, or 0: all).
pub fn flush(proto: u8) -> impl Request<Output = ()> {
    Ack {
        message_type: XFRM_MSG_FLUSHSA,
        flags: Flags::empty(),
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| {
            b.append(&UsersaFlush { proto }.to_bytes())
        },
    }
}
