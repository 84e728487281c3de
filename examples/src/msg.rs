//! Demo-protocol messages: building them (one message padded to 4 bytes, or
//! a lone header for gather sends), reading their payload as text, and
//! checking that a message is the answer to a request.

use crate::Result;
use nlkit::wire::ack::Ack;
use nlkit::wire::align::{nlmsg_align, NLMSG_HDRLEN};
use nlkit::wire::{Flags, Header, Message, MessageBuilder, MessageType};
use std::borrow::Cow;
use std::time::{SystemTime, UNIX_EPOCH};

/// A request header: `NLM_F_REQUEST`, and `port` (the sender's own port id)
/// in `nlmsg_pid`.
pub fn request(message_type: u16, sequence: u32, port: u32) -> Header {
    Header { message_type: MessageType::from(message_type), flags: Flags::REQUEST, sequence, port }
}

/// An answer or notification header (no flags) for the socket at `port`.
pub fn answer(message_type: u16, sequence: u32, port: u32) -> Header {
    Header { flags: Flags::empty(), ..request(message_type, sequence, port) }
}

/// One message: `header`, then `payload`, padded to 4 bytes so that
/// messages can be sent back to back in one datagram.
pub fn message(header: Header, payload: &[u8]) -> Result<Vec<u8>> {
    let mut buf = Vec::with_capacity(nlmsg_align(NLMSG_HDRLEN + payload.len()));
    let mut b = MessageBuilder::new(&mut buf, header)?;
    b.append(payload)?;
    let _ = b.finish();
    buf.resize(nlmsg_align(buf.len()), 0);
    Ok(buf)
}

/// The 16 header bytes of a message whose `payload_len` bytes are sent from
/// another buffer: `nlmsg_len` covers the header and the payload.
pub fn header_bytes(header: &Header, payload_len: usize) -> Result<[u8; NLMSG_HDRLEN]> {
    Ok(header.to_bytes(payload_len)?)
}

/// A payload as text: invalid UTF-8 replaced, trailing NULs (as C senders
/// add them) dropped.
pub fn text(payload: &[u8]) -> Cow<'_, str> {
    let end = payload.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    String::from_utf8_lossy(&payload[..end])
}

/// A first sequence number that differs from run to run (seconds since the
/// epoch, as libmnl's examples use).
pub fn initial_sequence() -> u32 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_secs() as u32)
}

/// Checks that `msg` answers `request` (type `expected`, sequence `seq`,
/// sent to `port`) and returns its payload. An `NLMSG_ERROR` with an errno
/// becomes [`nlkit::Error::Kernel`], with the peer's explanation.
pub fn check_answer<'a>(
    msg: &Message<'a>,
    expected: u16,
    seq: u32,
    port: u32,
    request: &[u8],
) -> Result<&'a [u8]> {
    nlkit::engine::validate(msg, seq, port)?;
    if msg.message_type() == MessageType::Error {
        return Err(error_of(msg, request));
    }
    let got = u16::from(msg.message_type());
    if got != expected {
        return Err(format!("expected an answer of type {expected:#x}, got {got:#x}").into());
    }
    Ok(msg.payload())
}

/// The error an `NLMSG_ERROR` message carries (an ACK is unexpected here).
pub fn error_of(msg: &Message<'_>, request: &[u8]) -> Box<dyn std::error::Error + Send + Sync> {
    match Ack::parse(msg) {
        Ok(ack) if ack.is_ack() => "the peer acknowledged instead of answering".into(),
        Ok(ack) => nlkit::Error::Kernel(nlkit::KernelError::from_ack(&ack, request)).into(),
        Err(e) => nlkit::Error::Wire(e).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ECHO;
    use nlkit::wire::Messages;

    #[test]
    fn messages_are_padded_and_parse_back() {
        let bytes = message(request(ECHO, 7, 42), b"hello").unwrap();
        assert_eq!(bytes.len(), 24);
        let msg = Messages::new(&bytes).next().unwrap().unwrap();
        assert_eq!(msg.length(), 21);
        assert_eq!(check_answer(&msg, ECHO, 7, 42, &bytes).unwrap(), b"hello");
        assert!(check_answer(&msg, ECHO, 8, 42, &bytes).is_err());
        assert!(check_answer(&msg, ECHO + 1, 7, 42, &bytes).is_err());
    }

    #[test]
    fn header_bytes_cover_the_payload() {
        let head = header_bytes(&request(ECHO, 1, 9), 5).unwrap();
        let mut whole = head.to_vec();
        whole.extend_from_slice(b"abcde");
        assert_eq!(whole, message(request(ECHO, 1, 9), b"abcde").unwrap()[..21]);
    }

    #[test]
    fn error_answers_carry_errno_and_text() {
        let req = message(request(0x30, 3, 42), b"?").unwrap();
        let msg = Messages::new(&req).next().unwrap().unwrap();
        let err = nlkit::testing::ack(&msg, 95, Some("unknown message type"), None);
        let reply = Messages::new(&err).next().unwrap().unwrap();
        let e = check_answer(&reply, 0x30, 3, 42, &req).unwrap_err();
        assert!(e.to_string().contains("unknown message type"), "{e}");
    }

    #[test]
    fn text_drops_trailing_nuls() {
        assert_eq!(text(b"hi\0\0"), "hi");
        assert_eq!(text(b""), "");
        assert_eq!(text(b"\xffok"), "\u{fffd}ok");
    }
}
