//! Security policies (the SPD): [`Policy`], read from `XFRM_MSG_NEWPOLICY`
//! replies and events (and `DELPOLICY`, `POLEXPIRE` events), written for
//! `NEWPOLICY`/`UPDPOLICY`; the requests that dump, get, add, update,
//! delete and flush them.

use super::attrs::*;
use super::structs::*;
use super::*;
use crate::engine::{Ack, Get, Request, Stream};
use crate::error::{Error, Result};
use crate::proto::View as _;
use nlkit_wire::{Error as WireError, Flags, Message, MessageBuilder};

/// A policy: its fixed part and each attribute, typed; others kept raw.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Policy {
    /// `xfrm_userpolicy_info`.
    pub info: UserpolicyInfo,
    /// `XFRMA_TMPL`, in order.
    pub tmpls: Vec<UserTmpl>,
    /// `XFRMA_MARK`.
    pub mark: Option<Mark>,
    /// `XFRMA_IF_ID`.
    pub if_id: Option<u32>,
    /// `XFRMA_POLICY_TYPE`.
    pub ptype: Option<UserpolicyType>,
    /// `XFRMA_SEC_CTX`, raw.
    pub sec_ctx: Option<Vec<u8>>,
    /// `XFRMA_LASTUSED`.
    pub lastused: Option<u64>,
    /// Attributes of other kinds: `(kind, payload)`.
    pub other: Vec<(u16, Vec<u8>)>,
}

impl Policy {
    /// Reads `xfrm_userpolicy_info` and its attributes; a known attribute
    /// that does not read as its type is an error.
    pub fn parse_payload(payload: &[u8]) -> Result<Policy> {
        let v = PolicyAttrs::parse_payload(payload)?;
        if let Some(bad) = v.malformed().next() {
            return Err(Error::Wire(bad.error));
        }
        Ok(Policy {
            info: v.header,
            tmpls: v.tmpl.map(tmpls).transpose()?.unwrap_or_default(),
            mark: v.mark,
            if_id: v.if_id,
            ptype: v.policy_type,
            sec_ctx: v.sec_ctx.map(<[u8]>::to_vec),
            lastused: v.lastused,
            other: v.unknown().map(|a| (a.raw_type(), a.payload().to_vec())).collect(),
        })
    }

    /// Reads a `NEWPOLICY`/`UPDPOLICY` message.
    pub fn parse(msg: &Message<'_>) -> Result<Policy> {
        Policy::parse_payload(msg.payload())
    }

    /// Reads a `DELPOLICY` event: `xfrm_userpolicy_id`, the policy in
    /// `XFRMA_POLICY`, its attributes after it.
    pub fn parse_deleted(payload: &[u8]) -> Result<Policy> {
        let attrs = after(payload, UserpolicyId::LEN)?;
        let Some(p) = nlkit_wire::Attrs::new(attrs).find(XFRMA_POLICY)? else {
            return Err(Error::MissingAttr { set: "xfrm-policy-id", attr: "XFRMA_POLICY" });
        };
        let info = UserpolicyInfo::parse(p.payload())?;
        let mut joined = info.to_bytes().to_vec();
        joined.extend_from_slice(attrs);
        let mut out = Policy::parse_payload(&joined)?;
        out.other.retain(|(k, _)| *k != XFRMA_POLICY);
        Ok(out)
    }

    /// Reads a `POLEXPIRE` event: the policy and whether hard.
    pub fn parse_expired(payload: &[u8]) -> Result<(Policy, bool)> {
        let exp = UserPolexpire::parse(payload)?;
        let mut joined = exp.pol.to_bytes().to_vec();
        joined.extend_from_slice(after(payload, UserPolexpire::LEN)?);
        Ok((Policy::parse_payload(&joined)?, exp.hard != 0))
    }

    /// The policy type (`main` unless `XFRMA_POLICY_TYPE` says).
    pub fn policy_type(&self) -> u8 {
        self.ptype.map_or(XFRM_POLICY_TYPE_MAIN, |t| t.ptype)
    }

    /// Writes the policy: `xfrm_userpolicy_info`, then its attributes.
    pub fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        b.append(&self.info.to_bytes())?;
        if let Some(t) = &self.ptype {
            put(b, XFRMA_POLICY_TYPE, &t.to_bytes())?;
        }
        if !self.tmpls.is_empty() {
            let bytes: Vec<u8> = self.tmpls.iter().flat_map(|t| t.to_bytes()).collect();
            put(b, XFRMA_TMPL, &bytes)?;
        }
        if let Some(m) = &self.mark {
            put(b, XFRMA_MARK, &m.to_bytes())?;
        }
        if let Some(id) = self.if_id {
            b.attr_u32(XFRMA_IF_ID, id)?;
        }
        if let Some(c) = &self.sec_ctx {
            put(b, XFRMA_SEC_CTX, c)?;
        }
        if let Some(t) = self.lastused {
            put(b, XFRMA_LASTUSED, &t.to_ne_bytes())?;
        }
        for (kind, p) in &self.other {
            put(b, *kind, p)?;
        }
        Ok(())
    }
}

/// What names a policy: the selector and direction, or the index; the
/// mark, interface id and type narrow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PolicyKey {
    pub sel: Selector,
    pub index: u32,
    pub dir: u8,
    pub mark: Option<Mark>,
    pub if_id: Option<u32>,
    pub ptype: Option<u8>,
}

impl PolicyKey {
    fn emit(&self, b: &mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> {
        let id = UserpolicyId { sel: self.sel, index: self.index, dir: self.dir, pad: [0; 3] };
        b.append(&id.to_bytes())?;
        if let Some(t) = self.ptype {
            put(
                b,
                XFRMA_POLICY_TYPE,
                &UserpolicyType { ptype: t, ..Default::default() }.to_bytes(),
            )?;
        }
        if let Some(m) = &self.mark {
            put(b, XFRMA_MARK, &m.to_bytes())?;
        }
        if let Some(id) = self.if_id {
            b.attr_u32(XFRMA_IF_ID, id)?;
        }
        Ok(())
    }
}

/// Every policy, to `each` as the dump delivers them (no payload).
pub fn dump<'a>(mut each: impl FnMut(Policy) -> Result<()> + 'a) -> impl Request<Output = ()> + 'a {
    Stream {
        message_type: XFRM_MSG_GETPOLICY,
        flags: Flags::DUMP,
        body: |_: &mut MessageBuilder<'_, Vec<u8>>| Ok(()),
        each: move |m: Message<'_>| each(Policy::parse(&m)?),
    }
}

/// The policy `key` names (`ENOENT` when there is none).
pub fn get(key: PolicyKey) -> impl Request<Output = Policy> {
    Get::new(
        XFRM_MSG_GETPOLICY,
        move |b: &mut MessageBuilder<'_, Vec<u8>>| key.emit(b),
        |m: Message<'_>| Policy::parse(&m),
    )
}

/// Makes a policy (`XFRM_MSG_NEWPOLICY`; an existing one is `EEXIST`).
pub fn add(p: Policy) -> impl Request<Output = ()> {
    Ack {
        message_type: XFRM_MSG_NEWPOLICY,
        flags: Flags::empty(),
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| p.emit(b),
    }
}

/// Makes or replaces a policy (`XFRM_MSG_UPDPOLICY`).
pub fn update(p: Policy) -> impl Request<Output = ()> {
    Ack {
        message_type: XFRM_MSG_UPDPOLICY,
        flags: Flags::empty(),
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| p.emit(b),
    }
}

/// Deletes the policy `key` names.
pub fn delete(key: PolicyKey) -> impl Request<Output = ()> {
    Ack {
        message_type: XFRM_MSG_DELPOLICY,
        flags: Flags::empty(),
        body: move |b: &mut MessageBuilder<'_, Vec<u8>>| key.emit(b),
    }
}

/// Deletes every policy (of type `ptype` when given; the kernel's default
/// is `main`).
pub fn flush(ptype: Option<u8>) -> impl Request<Output = ()> {
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| match ptype {
        Some(t) => {
            put(b, XFRMA_POLICY_TYPE, &UserpolicyType { ptype: t, ..Default::default() }.to_bytes())
        }
        None => Ok(()),
    };
    Ack { message_type: XFRM_MSG_FLUSHPOLICY, flags: Flags::empty(), body }
}
