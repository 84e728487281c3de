//! Walking the messages of one datagram.
//!
//! A netlink datagram holds one or more messages back to back, each padded to
//! 4 bytes (the last one's padding may be missing). [`Messages`] yields each
//! as a checked [`Message`] and stops at the first malformed one, after
//! reporting it once: a length below 16, a length past the end, or stray
//! bytes too few for a header.

use crate::align::nlmsg_align;
use crate::{Error, MessageBuffer};

/// One checked message borrowed from a datagram: its slice ends at `nlmsg_len`.
pub type Message<'a> = MessageBuffer<&'a [u8]>;

/// Iterator over the messages of one datagram; see the module docs.
#[derive(Debug, Clone)]
pub struct Messages<'a> {
    rest: &'a [u8],
    offset: usize,
    failed: bool,
}

impl<'a> Messages<'a> {
    /// Iterates over the messages in `datagram`.
    pub fn new(datagram: &'a [u8]) -> Self {
        Messages { rest: datagram, offset: 0, failed: false }
    }

    /// Byte offset of the next message within the datagram.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Message<'a>, Error>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let msg = match MessageBuffer::new_checked(self.rest) {
            Ok(msg) => msg,
            Err(e) => {
                self.failed = true;
                return Some(Err(e));
            }
        };
        let len = msg.length() as usize;
        let (this, _) = self.rest.split_at(len);
        let advance = nlmsg_align(len).min(self.rest.len());
        self.rest = &self.rest[advance..];
        self.offset += advance;
        Some(Ok(MessageBuffer::new_unchecked(this)))
    }
}

impl core::iter::FusedIterator for Messages<'_> {}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::MessageType;
    use std::vec::Vec;

    fn msg(len: u32, ty: u16, pad_to: usize) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend_from_slice(&len.to_ne_bytes());
        v.extend_from_slice(&ty.to_ne_bytes());
        v.extend_from_slice(&[0; 10]);
        v.resize(pad_to, 0xaa);
        v
    }

    #[test]
    fn walks_padded_messages() {
        let mut d = msg(17, 16, 20);
        d.extend(msg(16, 3, 16));
        let all: Vec<_> = Messages::new(&d).collect::<Result<_, _>>().unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].payload(), &[0xaa]);
        assert_eq!(all[1].message_type(), MessageType::Done);
    }

    #[test]
    fn last_message_may_lack_padding() {
        let d = msg(17, 16, 17);
        let all: Vec<_> = Messages::new(&d).collect::<Result<_, _>>().unwrap();
        assert_eq!(all.len(), 1);
    }

    #[test]
    fn stops_at_first_malformed() {
        let mut d = msg(16, 16, 16);
        d.extend(msg(8, 16, 16)); // length below the header
        d.extend(msg(16, 16, 16));
        let mut it = Messages::new(&d);
        assert!(it.next().unwrap().is_ok());
        assert_eq!(it.next().unwrap().unwrap_err(), Error::BadLength { len: 8, min: 16 });
        assert!(it.next().is_none(), "fused after an error");
    }

    #[test]
    fn length_past_end_and_stray_bytes() {
        let d = msg(64, 16, 32);
        let mut it = Messages::new(&d);
        assert_eq!(it.next().unwrap().unwrap_err(), Error::Truncated { need: 64, have: 32 });
        let mut d = msg(16, 16, 16);
        d.extend_from_slice(&[1, 2, 3]);
        let mut it = Messages::new(&d);
        assert!(it.next().unwrap().is_ok());
        assert_eq!(it.next().unwrap().unwrap_err(), Error::Truncated { need: 16, have: 3 });
    }

    #[test]
    fn empty_datagram_has_no_messages() {
        assert!(Messages::new(&[]).next().is_none());
    }
}
