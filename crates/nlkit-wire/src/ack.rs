//! `NLMSG_ERROR` and `NLMSG_DONE` payloads: errno, the echoed request, and
//! extended-ack TLVs.
//!
//! An `NLMSG_ERROR` payload is `struct nlmsgerr`: a negative errno (0 for an
//! ACK) and the request's header, followed by the request's payload unless
//! the kernel capped it (`NLM_F_CAPPED`, set for every ACK and for errors when
//! the socket has `NETLINK_CAP_ACK`), then, when `NLM_F_ACK_TLVS` is set,
//! `NLMSGERR_ATTR_*` attributes. An `NLMSG_DONE` payload is an `int` error,
//! followed by the same TLVs when `NLM_F_ACK_TLVS` is set.
//!
//! [`Ack`] and [`Done`] keep the TLVs as raw bytes and [`ExtAck`] reads them,
//! so unknown TLVs survive a parse and re-emit byte for byte.

use crate::align::{nla_align, nlmsg_align, NLMSG_HDRLEN};
use crate::attr::{Attr, Attrs};
use crate::builder::{Buffer, MessageBuilder};
use crate::{Error, Flags, Header, Message, MessageBuffer, MessageType};

/// `NLMSGERR_ATTR_MSG`: error text (string).
pub const NLMSGERR_ATTR_MSG: u16 = 1;
/// `NLMSGERR_ATTR_OFFS`: offset of the bad attribute in the request, from
/// the start of its header (u32).
pub const NLMSGERR_ATTR_OFFS: u16 = 2;
/// `NLMSGERR_ATTR_COOKIE`: subsystem cookie, e.g. the id of a created object (binary).
pub const NLMSGERR_ATTR_COOKIE: u16 = 3;
/// `NLMSGERR_ATTR_POLICY`: the policy of the rejected attribute (nested).
pub const NLMSGERR_ATTR_POLICY: u16 = 4;
/// `NLMSGERR_ATTR_MISS_TYPE`: type of a missing required attribute (u32).
pub const NLMSGERR_ATTR_MISS_TYPE: u16 = 5;
/// `NLMSGERR_ATTR_MISS_NEST`: offset of the nest missing it (u32).
pub const NLMSGERR_ATTR_MISS_NEST: u16 = 6;

/// Bytes of `struct nlmsgerr`: the error and the echoed header.
pub const ACK_HEADER_LEN: usize = 4 + NLMSG_HDRLEN;

/// The extended-ack TLVs of an ERROR or DONE message, read once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExtAck<'a> {
    /// `NLMSGERR_ATTR_MSG`.
    pub message: Option<&'a str>,
    /// `NLMSGERR_ATTR_OFFS`.
    pub offset: Option<u32>,
    /// `NLMSGERR_ATTR_COOKIE`.
    pub cookie: Option<&'a [u8]>,
    /// `NLMSGERR_ATTR_POLICY`, as the raw nested payload.
    pub policy: Option<&'a [u8]>,
    /// `NLMSGERR_ATTR_MISS_TYPE`.
    pub missing_type: Option<u32>,
    /// `NLMSGERR_ATTR_MISS_NEST`.
    pub missing_nest: Option<u32>,
    /// Broken TLV framing after the TLVs read (if any): reported beside
    /// the errno, which it never hides.
    pub malformed: Option<Error>,
    raw: &'a [u8],
}

impl<'a> ExtAck<'a> {
    /// Reads the TLVs in `raw`. A known TLV that does not read as its kind
    /// (wrong size, text that is not UTF-8) is left for
    /// [`unknown`](Self::unknown) with the TLVs of unknown kinds, so a bad
    /// TLV never costs the errno. Broken TLV framing ends the reading: what
    /// came before it is kept and the problem is in [`malformed`](Self::malformed).
    /// It never fails; the `Result` is kept for callers written against it.
    pub fn parse(raw: &'a [u8]) -> Result<Self, Error> {
        let mut ext = ExtAck { raw, ..ExtAck::default() };
        for attr in Attrs::new(raw) {
            match attr {
                Ok(a) => _ = ext.take(&a),
                Err(e) => ext.malformed = Some(e),
            }
        }
        Ok(ext)
    }

    /// Fills the field `attr` is for; false if `attr` is not a well-formed
    /// TLV of a known kind.
    fn take(&mut self, attr: &Attr<'a>) -> bool {
        match attr.kind() {
            NLMSGERR_ATTR_MSG => attr.string().map(|m| self.message = Some(m)).is_ok(),
            NLMSGERR_ATTR_OFFS => attr.u32().map(|o| self.offset = Some(o)).is_ok(),
            NLMSGERR_ATTR_COOKIE => {
                self.cookie = Some(attr.payload());
                true
            }
            NLMSGERR_ATTR_POLICY => {
                self.policy = Some(attr.payload());
                true
            }
            NLMSGERR_ATTR_MISS_TYPE => attr.u32().map(|t| self.missing_type = Some(t)).is_ok(),
            NLMSGERR_ATTR_MISS_NEST => attr.u32().map(|n| self.missing_nest = Some(n)).is_ok(),
            _ => false,
        }
    }

    /// The TLV bytes as received.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// Whether no TLV was present.
    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// TLVs of kinds this crate does not know (from newer kernels), and
    /// known kinds that did not read as such.
    pub fn unknown(&self) -> impl Iterator<Item = Attr<'a>> {
        Attrs::new(self.raw).map_while(Result::ok).filter(|a| !ExtAck::default().take(a))
    }

    /// The policy TLV's nested attributes (`NL_POLICY_TYPE_ATTR_*`).
    pub fn policy_attrs(&self) -> Option<Attrs<'a>> {
        self.policy.map(Attrs::new)
    }
}

/// The payload of an `NLMSG_ERROR` message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ack<'a> {
    /// 0 for an acknowledgement, otherwise a negative errno.
    pub error: i32,
    /// The header of the request being answered.
    pub request: Header,
    /// The request's `nlmsg_len`, as echoed (the original length even when capped).
    pub request_len: u32,
    /// The request's payload, or `None` when the kernel capped the echo.
    pub request_payload: Option<&'a [u8]>,
    /// The extended-ack TLVs.
    pub ext: ExtAck<'a>,
}

impl<'a> Ack<'a> {
    /// Reads the payload of an `NLMSG_ERROR` message.
    pub fn parse(msg: &Message<'a>) -> Result<Self, Error> {
        let flags = msg.flags();
        let payload = msg.payload();
        if payload.len() < ACK_HEADER_LEN {
            return Err(Error::Truncated { need: ACK_HEADER_LEN, have: payload.len() });
        }
        let error = i32::from_ne_bytes([payload[0], payload[1], payload[2], payload[3]]);
        let echoed = MessageBuffer::new_unchecked(&payload[4..ACK_HEADER_LEN]);
        let request_len = echoed.length();
        let (echo_len, capped) = echo_len(flags, error, request_len, payload.len())?;
        let echo_end = 4 + echo_len;
        let request_payload = (!capped).then(|| &payload[ACK_HEADER_LEN..echo_end]);
        let tlvs = if flags.contains(Flags::ACK_TLVS) {
            payload.get(nlmsg_align(echo_end)..).unwrap_or(&[])
        } else {
            &[]
        };
        Ok(Ack {
            error,
            request: Header::parse(&echoed),
            request_len,
            request_payload,
            ext: ExtAck::parse(tlvs)?,
        })
    }

    /// Whether this is a success acknowledgement.
    pub fn is_ack(&self) -> bool {
        self.error == 0
    }

    /// The errno as a positive number, or 0 for an ACK. The kernel sends
    /// negative errnos; a positive one (from a careless user-space peer) is
    /// taken as it is.
    pub fn errno(&self) -> i32 {
        i32::try_from(self.error.unsigned_abs()).unwrap_or(i32::MAX)
    }

    /// Writes an `NLMSG_ERROR` message with this payload; `NLM_F_CAPPED` and
    /// `NLM_F_ACK_TLVS` are set from the content. The echoed request is
    /// padded to 4 bytes, as the kernel pads it. On error nothing is written.
    pub fn emit<B: Buffer + ?Sized>(
        &self,
        buf: &mut B,
        sequence: u32,
        port: u32,
    ) -> Result<(), Error> {
        let mut flags = Flags::empty();
        if self.request_payload.is_none() {
            flags |= Flags::CAPPED;
        }
        if !self.ext.raw.is_empty() {
            flags |= Flags::ACK_TLVS;
        }
        let header = Header { message_type: MessageType::Error, flags, sequence, port };
        MessageBuilder::new(buf, header)?.finish_with(|b| self.emit_payload(b)).map(drop)
    }

    fn emit_payload<B: Buffer + ?Sized>(&self, b: &mut MessageBuilder<'_, B>) -> Result<(), Error> {
        b.append(&self.error.to_ne_bytes())?;
        let echoed = b.append_zeroed(NLMSG_HDRLEN)?;
        self.request.emit(&mut MessageBuffer::new_unchecked(echoed), self.request_len);
        if let Some(p) = self.request_payload {
            b.append_zeroed(p.len())?.copy_from_slice(p);
        }
        b.append(self.ext.raw)
    }

    /// The attribute of the echoed request that `NLMSGERR_ATTR_OFFS` points at.
    /// `request` is the whole request message, header included (the one sent,
    /// when the echo was capped).
    pub fn invalid_attr<'r>(&self, request: &'r [u8]) -> Option<Attr<'r>> {
        attr_at(request, self.ext.offset?)
    }
}

/// Writes the `NLMSG_ERROR` a server sends to refuse `request` with `errno`
/// (positive; 0 for an ACK), capped like the kernel's, with an
/// extended-ack message and offset when given. `port` is the `nlmsg_pid` of
/// the reply: the requester's real port id, as the receive address tells.
pub fn emit_error<B: Buffer + ?Sized>(
    buf: &mut B,
    request: &Message<'_>,
    errno: i32,
    message: Option<&str>,
    offset: Option<u32>,
    port: u32,
) -> Result<(), Error> {
    let mut flags = Flags::CAPPED;
    if message.is_some() || offset.is_some() {
        flags |= Flags::ACK_TLVS;
    }
    let header =
        Header { message_type: MessageType::Error, flags, sequence: request.sequence(), port };
    MessageBuilder::new(buf, header)?
        .finish_with(|b| {
            b.append(&errno.wrapping_neg().to_ne_bytes())?;
            let echoed = b.append_zeroed(NLMSG_HDRLEN)?;
            request.header().emit(&mut MessageBuffer::new_unchecked(echoed), request.length());
            if let Some(m) = message {
                b.attr_str(NLMSGERR_ATTR_MSG, m)?;
            }
            match offset {
                Some(o) => b.attr_u32(NLMSGERR_ATTR_OFFS, o),
                None => Ok(()),
            }
        })
        .map(drop)
}

/// How many bytes of the request an `NLMSG_ERROR` payload of `have` bytes
/// echoes, and whether that is the header alone (capped).
///
/// Success ACKs never echo the request (kernels before 4.12 did not set
/// `NLM_F_CAPPED`), and kernels 4.3 to 4.11 capped errors for
/// `NETLINK_CAP_ACK` sockets without saying so: a payload just the size of
/// `struct nlmsgerr`, without TLVs, is read as capped.
fn echo_len(
    flags: Flags,
    error: i32,
    request_len: u32,
    have: usize,
) -> Result<(usize, bool), Error> {
    if flags.contains(Flags::CAPPED) || error == 0 {
        return Ok((NLMSG_HDRLEN, true));
    }
    let len = request_len as usize;
    if len < NLMSG_HDRLEN {
        return Err(Error::BadLength { len, min: NLMSG_HDRLEN });
    }
    match len.checked_add(4) {
        Some(end) if end <= have => Ok((len, false)),
        _ if !flags.contains(Flags::ACK_TLVS) && have == ACK_HEADER_LEN => Ok((NLMSG_HDRLEN, true)),
        need => Err(Error::Truncated { need: need.unwrap_or(usize::MAX), have }),
    }
}

/// The attribute whose header starts `offset` bytes into `message` (as
/// counted by `NLMSGERR_ATTR_OFFS`), if one lies there whole.
pub fn attr_at(message: &[u8], offset: u32) -> Option<Attr<'_>> {
    let at = message.get(offset as usize..)?;
    Attrs::new(at).next()?.ok()
}

/// The payload of an `NLMSG_DONE` message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Done<'a> {
    /// The dump's final status: 0, or a negative errno.
    pub error: i32,
    /// The extended-ack TLVs.
    pub ext: ExtAck<'a>,
}

impl<'a> Done<'a> {
    /// Reads the payload of an `NLMSG_DONE` message. An empty payload (sent by
    /// some user-space peers) reads as success.
    pub fn parse(msg: &Message<'a>) -> Result<Self, Error> {
        let payload = msg.payload();
        if payload.is_empty() {
            return Ok(Done { error: 0, ext: ExtAck::default() });
        }
        let Some(bytes) = payload.get(..4) else {
            return Err(Error::Truncated { need: 4, have: payload.len() });
        };
        let error = i32::from_ne_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        let tlvs = if msg.flags().contains(Flags::ACK_TLVS) {
            payload.get(nla_align(4)..).unwrap_or(&[])
        } else {
            &[]
        };
        Ok(Done { error, ext: ExtAck::parse(tlvs)? })
    }

    /// The errno as a positive number, or 0: the same rule as
    /// [`Ack::errno`] (the kernel sends negative errnos; a positive one
    /// from a careless peer is taken as it is).
    pub fn errno(&self) -> i32 {
        i32::try_from(self.error.unsigned_abs()).unwrap_or(i32::MAX)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::Messages;
    use std::vec::Vec;

    /// An `ip link add` refused by a 6.x kernel, captured with its ext ack:
    /// error -EOPNOTSUPP, capped echo, MSG "Unknown device type".
    fn captured_error() -> Vec<u8> {
        let mut b = Vec::new();
        let text = b"Unknown device type\0";
        let tlv_len = 4 + text.len();
        let len = 16 + 20 + nla_align(tlv_len);
        b.extend_from_slice(&(len as u32).to_ne_bytes());
        b.extend_from_slice(&2u16.to_ne_bytes());
        b.extend_from_slice(&0x300u16.to_ne_bytes());
        b.extend_from_slice(&9u32.to_ne_bytes());
        b.extend_from_slice(&1234u32.to_ne_bytes());
        b.extend_from_slice(&(-95i32).to_ne_bytes());
        b.extend_from_slice(&64u32.to_ne_bytes()); // original request length
        b.extend_from_slice(&16u16.to_ne_bytes()); // RTM_NEWLINK
        b.extend_from_slice(&0x605u16.to_ne_bytes());
        b.extend_from_slice(&9u32.to_ne_bytes());
        b.extend_from_slice(&1234u32.to_ne_bytes());
        b.extend_from_slice(&(tlv_len as u16).to_ne_bytes());
        b.extend_from_slice(&NLMSGERR_ATTR_MSG.to_ne_bytes());
        b.extend_from_slice(text);
        b.resize(len, 0);
        b
    }

    #[test]
    fn parses_capped_error_with_message() {
        let bytes = captured_error();
        let msg = Messages::new(&bytes).next().unwrap().unwrap();
        let ack = Ack::parse(&msg).unwrap();
        assert_eq!(ack.error, -95);
        assert_eq!(ack.errno(), 95);
        assert!(!ack.is_ack());
        assert_eq!(ack.request.message_type, MessageType::Family(16));
        assert_eq!(ack.request.sequence, 9);
        assert_eq!(ack.request_len, 64);
        assert_eq!(ack.request_payload, None);
        assert_eq!(ack.ext.message, Some("Unknown device type"));
        assert_eq!(ack.ext.offset, None);
    }

    #[test]
    fn reemits_byte_for_byte() {
        let bytes = captured_error();
        let msg = Messages::new(&bytes).next().unwrap().unwrap();
        let ack = Ack::parse(&msg).unwrap();
        let mut out = Vec::new();
        ack.emit(&mut out, 9, 1234).unwrap();
        assert_eq!(out, bytes);
    }

    #[test]
    fn uncapped_error_echoes_request_and_points_at_attribute() {
        // A request with one attribute at offset 16.
        let request: Vec<u8> = [
            &24u32.to_ne_bytes()[..],
            &[16, 0, 5, 0],
            &[1, 0, 0, 0, 0, 0, 0, 0],
            &[8, 0, 3, 0, 1, 0, 0, 0],
        ]
        .concat();
        let mut ext = Vec::new();
        ext.extend_from_slice(&8u16.to_ne_bytes());
        ext.extend_from_slice(&NLMSGERR_ATTR_OFFS.to_ne_bytes());
        ext.extend_from_slice(&16u32.to_ne_bytes());
        let ack = Ack {
            error: -22,
            request: Header::parse(&MessageBuffer::new_unchecked(&request[..])),
            request_len: 24,
            request_payload: Some(&request[16..]),
            ext: ExtAck::parse(&ext).unwrap(),
        };
        let mut out = Vec::new();
        ack.emit(&mut out, 1, 0).unwrap();
        let msg = Messages::new(&out).next().unwrap().unwrap();
        assert_eq!(msg.flags(), Flags::ACK_TLVS);
        let back = Ack::parse(&msg).unwrap();
        assert_eq!(back, ack);
        let bad = back.invalid_attr(&request).unwrap();
        assert_eq!((bad.kind(), bad.u32()), (3, Ok(1)));
    }

    #[test]
    fn emit_error_builds_what_parse_reads() {
        let bytes = captured_error();
        let request = Messages::new(&bytes).next().unwrap().unwrap();
        let mut out = Vec::new();
        emit_error(&mut out, &request, 22, Some("nope"), Some(20), 77).unwrap();
        let msg = Messages::new(&out).next().unwrap().unwrap();
        assert_eq!((msg.port(), msg.sequence()), (77, 9));
        assert_eq!(msg.flags(), Flags::CAPPED | Flags::ACK_TLVS);
        let ack = Ack::parse(&msg).unwrap();
        assert_eq!((ack.errno(), ack.ext.message, ack.ext.offset), (22, Some("nope"), Some(20)));
        assert_eq!(ack.request_len, request.length());
        out.clear();
        emit_error(&mut out, &request, 0, None, None, 1).unwrap();
        let msg = Messages::new(&out).next().unwrap().unwrap();
        assert!(Ack::parse(&msg).unwrap().is_ack());
        assert_eq!(msg.length(), 36);
    }

    #[test]
    fn success_ack_from_old_kernel_without_capped_flag() {
        let mut b = Vec::new();
        b.extend_from_slice(&36u32.to_ne_bytes());
        b.extend_from_slice(&[2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
        b.extend_from_slice(&0i32.to_ne_bytes());
        b.extend_from_slice(&40u32.to_ne_bytes());
        b.extend_from_slice(&[0; 12]);
        let msg = Messages::new(&b).next().unwrap().unwrap();
        let ack = Ack::parse(&msg).unwrap();
        assert!(ack.is_ack());
        assert_eq!(ack.request_payload, None);
    }

    /// Captured from Linux 6.18: RTM_NEWLINK with a 5-byte payload, refused
    /// without NETLINK_CAP_ACK. The 21-byte echo is padded to 24 before the TLV.
    #[rustfmt::skip]
    const UNCAPPED: [u8; 72] = [
        72, 0, 0, 0, 2, 0, 0, 2, 1, 0, 0, 0, 0x84, 0x61, 0, 0,
        0xea, 0xff, 0xff, 0xff,
        21, 0, 0, 0, 16, 0, 5, 0, 1, 0, 0, 0, 0x84, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        26, 0, 1, 0, b'I', b'n', b'v', b'a', b'l', b'i', b'd', b' ', b'h', b'e', b'a', b'd',
        b'e', b'r', b' ', b'l', b'e', b'n', b'g', b't', b'h', 0, 0, 0,
    ];

    #[test]
    fn uncapped_kernel_error_round_trips() {
        let msg = Messages::new(&UNCAPPED).next().unwrap().unwrap();
        let ack = Ack::parse(&msg).unwrap();
        assert_eq!(ack.errno(), 22);
        assert_eq!(ack.request_len, 21);
        assert_eq!(ack.request_payload, Some(&[0u8; 5][..]));
        assert_eq!(ack.ext.message, Some("Invalid header length"));
        let mut out = Vec::new();
        ack.emit(&mut out, 1, 0x6184).unwrap();
        assert_eq!(out, UNCAPPED);
    }

    #[test]
    fn capped_echo_without_the_flag_from_4_x_kernels() {
        // Linux 4.3-4.11 with NETLINK_CAP_ACK: header only, no CAPPED flag.
        let mut b = captured_error();
        b.truncate(36);
        b[0] = 36;
        b[6] = 0;
        b[7] = 0;
        let msg = Messages::new(&b).next().unwrap().unwrap();
        let ack = Ack::parse(&msg).unwrap();
        assert_eq!((ack.errno(), ack.request_payload), (95, None));
    }

    #[test]
    fn positive_errno_from_a_user_space_peer() {
        let mut b = captured_error();
        b[16..20].copy_from_slice(&22i32.to_ne_bytes());
        let msg = Messages::new(&b).next().unwrap().unwrap();
        assert_eq!(Ack::parse(&msg).unwrap().errno(), 22);
    }

    #[test]
    fn emit_is_all_or_nothing() {
        let bytes = captured_error();
        let msg = Messages::new(&bytes).next().unwrap().unwrap();
        let ack = Ack::parse(&msg).unwrap();
        let mut storage = [0u8; 40];
        let mut fixed = crate::FixedBuf::new(&mut storage);
        assert!(matches!(ack.emit(&mut fixed, 1, 1), Err(Error::BufferFull { .. })));
        assert!(fixed.is_empty());
        assert!(emit_error(&mut fixed, &msg, 1, Some("a long message here"), None, 1).is_err());
        assert!(fixed.is_empty());
    }

    #[test]
    fn impossible_error_lengths() {
        let mut b = captured_error();
        b[0] = 30;
        let msg = Messages::new(&b[..30]).next().unwrap().unwrap();
        assert_eq!(Ack::parse(&msg), Err(Error::Truncated { need: 20, have: 14 }));
        // Uncapped error claiming a 64-byte request that is not there.
        let mut b = captured_error();
        b[6] = 0;
        b[7] = 0;
        let msg = Messages::new(&b).next().unwrap().unwrap();
        assert!(matches!(Ack::parse(&msg), Err(Error::Truncated { need: 68, .. })));
        // Echoed length below a header.
        b[20] = 8;
        let msg = Messages::new(&b).next().unwrap().unwrap();
        assert_eq!(Ack::parse(&msg), Err(Error::BadLength { len: 8, min: 16 }));
    }

    #[test]
    fn all_ext_ack_tlvs_and_unknown_ones() {
        let mut tlvs = Vec::new();
        let mut put = |ty: u16, p: &[u8]| {
            tlvs.extend_from_slice(&((4 + p.len()) as u16).to_ne_bytes());
            tlvs.extend_from_slice(&ty.to_ne_bytes());
            tlvs.extend_from_slice(p);
            tlvs.resize(nla_align(tlvs.len()), 0);
        };
        put(NLMSGERR_ATTR_MSG, b"bad\0");
        put(NLMSGERR_ATTR_OFFS, &20u32.to_ne_bytes());
        put(NLMSGERR_ATTR_COOKIE, &[1, 2, 3]);
        put(NLMSGERR_ATTR_POLICY | 0x8000, &[8, 0, 1, 0, 3, 0, 0, 0]);
        put(NLMSGERR_ATTR_MISS_TYPE, &4u32.to_ne_bytes());
        put(NLMSGERR_ATTR_MISS_NEST, &24u32.to_ne_bytes());
        put(42, b"future");
        let ext = ExtAck::parse(&tlvs).unwrap();
        assert_eq!(ext.message, Some("bad"));
        assert_eq!(ext.offset, Some(20));
        assert_eq!(ext.cookie, Some(&[1u8, 2, 3][..]));
        assert_eq!(ext.policy_attrs().unwrap().next().unwrap().unwrap().u32(), Ok(3));
        assert_eq!(ext.missing_type, Some(4));
        assert_eq!(ext.missing_nest, Some(24));
        let unknown: Vec<_> = ext.unknown().map(|a| a.kind()).collect();
        assert_eq!(unknown, [42]);
        assert_eq!(ext.raw(), &tlvs[..]);
        let cut = ExtAck::parse(&[8, 0, 2, 0, 1, 0]).unwrap();
        assert!(cut.malformed.is_some(), "cut TLV: said, not fatal");
        // What came before broken framing is kept.
        let mut half = tlvs.clone();
        half.extend_from_slice(&[8, 0, 2, 0]);
        let ext = ExtAck::parse(&half).unwrap();
        assert_eq!((ext.message, ext.offset), (Some("bad"), Some(20)));
        assert!(ext.malformed.is_some());
        let odd = ExtAck::parse(&[6, 0, 2, 0, 1, 0, 0, 0]).unwrap();
        assert_eq!(odd.offset, None, "OFFS of 2 bytes is not an offset");
        assert_eq!(odd.unknown().map(|a| a.kind()).collect::<Vec<_>>(), [2], "but it is kept");
    }

    #[test]
    fn done_with_and_without_error() {
        let mut b = Vec::new();
        b.extend_from_slice(&28u32.to_ne_bytes());
        b.extend_from_slice(&3u16.to_ne_bytes());
        b.extend_from_slice(&0x202u16.to_ne_bytes()); // MULTI | ACK_TLVS
        b.extend_from_slice(&[0; 8]);
        b.extend_from_slice(&(-16i32).to_ne_bytes());
        b.extend_from_slice(&[8, 0, 1, 0, b'b', b'u', b's', 0]);
        let msg = Messages::new(&b).next().unwrap().unwrap();
        let done = Done::parse(&msg).unwrap();
        assert_eq!(done.error, -16);
        assert_eq!(done.ext.message, Some("bus"));
        b[0] = 16;
        let msg = Messages::new(&b[..16]).next().unwrap().unwrap();
        assert_eq!(Done::parse(&msg).unwrap().error, 0);
        b[0] = 18;
        let msg = Messages::new(&b[..18]).next().unwrap().unwrap();
        assert_eq!(Done::parse(&msg), Err(Error::Truncated { need: 4, have: 2 }));
    }
}
