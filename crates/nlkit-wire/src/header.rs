//! `struct nlmsghdr`: the 16-byte header in front of every netlink message.
//!
//! [`MessageBuffer`] is a view over one message's bytes; [`Header`] is the
//! plain-data form of its five fields. Fields are in host byte order, as the
//! kernel writes them.

use crate::align::NLMSG_HDRLEN;
use crate::{Error, Flags};
use core::fmt;

mod field {
    use core::ops::{Range, RangeFrom};
    pub const LEN: Range<usize> = 0..4;
    pub const TYPE: Range<usize> = 4..6;
    pub const FLAGS: Range<usize> = 6..8;
    pub const SEQ: Range<usize> = 8..12;
    pub const PORT: Range<usize> = 12..16;
    pub const PAYLOAD: RangeFrom<usize> = 16..;
}

/// `nlmsg_type`: a control message below `NLMSG_MIN_TYPE`, or a family's own type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageType {
    /// `NLMSG_NOOP` (1): nothing; to be ignored.
    Noop,
    /// `NLMSG_ERROR` (2): an error, or with errno 0 an acknowledgement.
    Error,
    /// `NLMSG_DONE` (3): the end of a multipart dump.
    Done,
    /// `NLMSG_OVERRUN` (4): data was lost.
    Overrun,
    /// 0 or 5..=15: reserved for control messages, not defined.
    Reserved(u16),
    /// `NLMSG_MIN_TYPE` (16) and above: the protocol family's own messages.
    Family(u16),
}

impl MessageType {
    /// `NLMSG_NOOP`.
    pub const NOOP: u16 = 0x1;
    /// `NLMSG_ERROR`.
    pub const ERROR: u16 = 0x2;
    /// `NLMSG_DONE`.
    pub const DONE: u16 = 0x3;
    /// `NLMSG_OVERRUN`.
    pub const OVERRUN: u16 = 0x4;
    /// `NLMSG_MIN_TYPE`: types below this are reserved for control messages.
    pub const MIN_TYPE: u16 = 0x10;

    /// Whether this is one of the control types (below `NLMSG_MIN_TYPE`).
    pub fn is_control(self) -> bool {
        !matches!(self, MessageType::Family(_))
    }
}

impl From<u16> for MessageType {
    fn from(v: u16) -> Self {
        match v {
            Self::NOOP => MessageType::Noop,
            Self::ERROR => MessageType::Error,
            Self::DONE => MessageType::Done,
            Self::OVERRUN => MessageType::Overrun,
            v if v < Self::MIN_TYPE => MessageType::Reserved(v),
            v => MessageType::Family(v),
        }
    }
}

impl From<MessageType> for u16 {
    fn from(t: MessageType) -> u16 {
        match t {
            MessageType::Noop => MessageType::NOOP,
            MessageType::Error => MessageType::ERROR,
            MessageType::Done => MessageType::DONE,
            MessageType::Overrun => MessageType::OVERRUN,
            MessageType::Reserved(v) | MessageType::Family(v) => v,
        }
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            MessageType::Noop => f.write_str("NOOP"),
            MessageType::Error => f.write_str("ERROR"),
            MessageType::Done => f.write_str("DONE"),
            MessageType::Overrun => f.write_str("OVERRUN"),
            MessageType::Reserved(v) | MessageType::Family(v) => write!(f, "{v}"),
        }
    }
}

/// A view over the bytes of one netlink message: header and payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageBuffer<T> {
    buffer: T,
}

impl<T: AsRef<[u8]>> MessageBuffer<T> {
    /// Wraps bytes without checking them. Accessors panic if the buffer is
    /// shorter than 16 bytes; [`payload`](Self::payload) also panics if
    /// `nlmsg_len` is below 16 or past the end.
    pub const fn new_unchecked(buffer: T) -> Self {
        MessageBuffer { buffer }
    }

    /// Wraps bytes after [`check_len`](Self::check_len) succeeds; no accessor
    /// of the result panics.
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let msg = Self::new_unchecked(buffer);
        msg.check_len()?;
        Ok(msg)
    }

    /// Checks that the buffer holds a header and that `nlmsg_len` is at least
    /// 16 and no more than the buffer's length.
    pub fn check_len(&self) -> Result<(), Error> {
        let have = self.buffer.as_ref().len();
        if have < NLMSG_HDRLEN {
            return Err(Error::Truncated { need: NLMSG_HDRLEN, have });
        }
        let len = self.length() as usize;
        if len < NLMSG_HDRLEN {
            return Err(Error::BadLength { len, min: NLMSG_HDRLEN });
        }
        if len > have {
            return Err(Error::Truncated { need: len, have });
        }
        Ok(())
    }

    /// Returns the wrapped bytes.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn u16_at(&self, r: core::ops::Range<usize>) -> u16 {
        let b = &self.buffer.as_ref()[r];
        u16::from_ne_bytes([b[0], b[1]])
    }

    fn u32_at(&self, r: core::ops::Range<usize>) -> u32 {
        let b = &self.buffer.as_ref()[r];
        u32::from_ne_bytes([b[0], b[1], b[2], b[3]])
    }

    /// `nlmsg_len`: the message length, header included, padding excluded.
    pub fn length(&self) -> u32 {
        self.u32_at(field::LEN)
    }

    /// `nlmsg_type`.
    pub fn message_type(&self) -> MessageType {
        MessageType::from(self.u16_at(field::TYPE))
    }

    /// `nlmsg_flags`.
    pub fn flags(&self) -> Flags {
        Flags::from_bits(self.u16_at(field::FLAGS))
    }

    /// `nlmsg_seq`.
    pub fn sequence(&self) -> u32 {
        self.u32_at(field::SEQ)
    }

    /// `nlmsg_pid`: the port id of the sending socket (0 for the kernel).
    pub fn port(&self) -> u32 {
        self.u32_at(field::PORT)
    }

    /// The header as plain data.
    pub fn header(&self) -> Header {
        Header::parse(self)
    }
}

impl<'a, T: AsRef<[u8]> + ?Sized> MessageBuffer<&'a T> {
    /// The bytes after the header, up to `nlmsg_len`.
    pub fn payload(&self) -> &'a [u8] {
        let len = self.length() as usize;
        &self.buffer.as_ref()[NLMSG_HDRLEN..len]
    }

    /// The message's own bytes, header included, up to `nlmsg_len`.
    pub fn bytes(&self) -> &'a [u8] {
        &self.buffer.as_ref()[..self.length() as usize]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> MessageBuffer<T> {
    fn set_u16(&mut self, r: core::ops::Range<usize>, v: u16) {
        self.buffer.as_mut()[r].copy_from_slice(&v.to_ne_bytes());
    }

    fn set_u32(&mut self, r: core::ops::Range<usize>, v: u32) {
        self.buffer.as_mut()[r].copy_from_slice(&v.to_ne_bytes());
    }

    /// Sets `nlmsg_len`.
    pub fn set_length(&mut self, v: u32) {
        self.set_u32(field::LEN, v)
    }

    /// Sets `nlmsg_type`.
    pub fn set_message_type(&mut self, v: MessageType) {
        self.set_u16(field::TYPE, v.into())
    }

    /// Sets `nlmsg_flags`.
    pub fn set_flags(&mut self, v: Flags) {
        self.set_u16(field::FLAGS, v.bits())
    }

    /// Sets `nlmsg_seq`.
    pub fn set_sequence(&mut self, v: u32) {
        self.set_u32(field::SEQ, v)
    }

    /// Sets `nlmsg_pid`.
    pub fn set_port(&mut self, v: u32) {
        self.set_u32(field::PORT, v)
    }

    /// The payload bytes, mutable (everything after the header).
    pub fn payload_mut(&mut self) -> &mut [u8] {
        &mut self.buffer.as_mut()[field::PAYLOAD]
    }
}

/// The fields of `struct nlmsghdr` other than its length, which an emitter
/// computes from the payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// `nlmsg_type`.
    pub message_type: MessageType,
    /// `nlmsg_flags`.
    pub flags: Flags,
    /// `nlmsg_seq`.
    pub sequence: u32,
    /// `nlmsg_pid`.
    pub port: u32,
}

impl Header {
    /// A header of the given type with no flags, sequence 0 and port 0.
    pub fn new(message_type: impl Into<MessageType>) -> Self {
        Header { message_type: message_type.into(), flags: Flags::empty(), sequence: 0, port: 0 }
    }

    /// Reads the header fields of a message.
    pub fn parse<T: AsRef<[u8]>>(msg: &MessageBuffer<T>) -> Header {
        Header {
            message_type: msg.message_type(),
            flags: msg.flags(),
            sequence: msg.sequence(),
            port: msg.port(),
        }
    }

    /// Writes the header fields, with `nlmsg_len` set to `length`.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, msg: &mut MessageBuffer<T>, length: u32) {
        msg.set_length(length);
        msg.set_message_type(self.message_type);
        msg.set_flags(self.flags);
        msg.set_sequence(self.sequence);
        msg.set_port(self.port);
    }

    /// The 16 header bytes of a message with `payload_len` bytes after the
    /// header, for sending header and payload from separate buffers.
    pub fn to_bytes(&self, payload_len: usize) -> Result<[u8; NLMSG_HDRLEN], Error> {
        let len = NLMSG_HDRLEN.saturating_add(payload_len);
        let len32 = u32::try_from(len).map_err(|_| Error::TooLong { len })?;
        let mut bytes = [0u8; NLMSG_HDRLEN];
        self.emit(&mut MessageBuffer::new_unchecked(&mut bytes[..]), len32);
        Ok(bytes)
    }

    /// The bytes [`emit`](Self::emit) writes: always 16.
    pub const fn buffer_len(&self) -> usize {
        NLMSG_HDRLEN
    }
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "type {} flags {} seq {} port {}",
            self.message_type,
            self.flags.display(crate::FlagContext::for_type(self.message_type)),
            self.sequence,
            self.port
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RTM_GETLINK dump request for all links: len 32, type 18,
    /// flags REQUEST|DUMP, seq 1, port 0, then an 16-byte ifinfomsg.
    const GETLINK: [u8; 32] = [
        0x20, 0, 0, 0, 0x12, 0, 0x01, 0x03, 1, 0, 0, 0, 0, 0, 0, 0, //
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    #[test]
    fn parse_fixture() {
        let msg = MessageBuffer::new_checked(&GETLINK[..]).unwrap();
        assert_eq!(msg.length(), 32);
        assert_eq!(msg.message_type(), MessageType::Family(18));
        assert_eq!(msg.flags(), Flags::REQUEST | Flags::DUMP);
        assert_eq!(msg.sequence(), 1);
        assert_eq!(msg.port(), 0);
        assert_eq!(msg.payload().len(), 16);
    }

    #[test]
    fn emit_round_trips() {
        let mut buf = [0u8; 32];
        let header = MessageBuffer::new_checked(&GETLINK[..]).unwrap().header();
        header.emit(&mut MessageBuffer::new_unchecked(&mut buf[..]), 32);
        assert_eq!(buf, GETLINK);
    }

    #[test]
    fn to_bytes_covers_the_payload() {
        let header = MessageBuffer::new_checked(&GETLINK[..]).unwrap().header();
        assert_eq!(header.to_bytes(16).unwrap(), GETLINK[..16]);
        assert_eq!(header.to_bytes(usize::MAX), Err(Error::TooLong { len: usize::MAX }));
    }

    #[test]
    fn impossible_lengths_are_errors() {
        assert_eq!(
            MessageBuffer::new_checked(&GETLINK[..15]).unwrap_err(),
            Error::Truncated { need: 16, have: 15 }
        );
        assert_eq!(
            MessageBuffer::new_checked(&GETLINK[..31]).unwrap_err(),
            Error::Truncated { need: 32, have: 31 }
        );
        let mut short = GETLINK;
        short[0] = 15;
        assert_eq!(
            MessageBuffer::new_checked(&short[..]).unwrap_err(),
            Error::BadLength { len: 15, min: 16 }
        );
    }

    #[test]
    fn message_types_round_trip() {
        for v in 0..=40u16 {
            assert_eq!(u16::from(MessageType::from(v)), v);
        }
        assert_eq!(MessageType::from(2), MessageType::Error);
        assert_eq!(MessageType::from(7), MessageType::Reserved(7));
        assert!(MessageType::from(15).is_control());
        assert!(!MessageType::from(16).is_control());
        assert_eq!(u16::from(MessageType::from(u16::MAX)), u16::MAX);
    }
}
