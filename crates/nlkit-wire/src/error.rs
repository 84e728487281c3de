//! The one error type of the wire layer: small, closed, with the numbers in it.

use core::fmt;

/// Why some bytes could not be read, or a message could not be written.
///
/// Variants carry the numbers needed to understand the failure; no text is
/// built until the error is displayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// Fewer bytes are present than a header or a length field requires.
    Truncated {
        /// Bytes required.
        need: usize,
        /// Bytes present.
        have: usize,
    },
    /// A length field holds a value below the smallest legal one
    /// (16 for `nlmsg_len`, 4 for `nla_len`).
    BadLength {
        /// The length found.
        len: usize,
        /// The smallest legal length.
        min: usize,
    },
    /// A builder ran out of room in a caller-owned buffer.
    BufferFull {
        /// Bytes the write needed.
        need: usize,
        /// Bytes still free.
        have: usize,
    },
    /// A message or attribute would not fit its length field
    /// (`u32` for messages, `u16` for attributes).
    TooLong {
        /// The length that did not fit.
        len: usize,
    },
    /// A typed getter found a payload of the wrong size.
    AttrSize {
        /// The attribute type (flags masked off).
        kind: u16,
        /// The payload size the getter reads.
        want: usize,
        /// The payload size found.
        got: usize,
    },
    /// A string attribute lacks its terminating NUL.
    NotNulTerminated {
        /// The attribute type.
        kind: u16,
    },
    /// A string attribute is not valid UTF-8.
    NotUtf8 {
        /// The attribute type.
        kind: u16,
    },
    /// A nest was closed out of order, or outside its message.
    BadNest {
        /// Offset of the nest in the buffer.
        offset: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::Truncated { need, have } => {
                write!(f, "truncated: need {need} bytes, have {have}")
            }
            Error::BadLength { len, min } => write!(f, "length field {len} is below {min}"),
            Error::BufferFull { need, have } => {
                write!(f, "buffer full: need {need} bytes, {have} free")
            }
            Error::TooLong { len } => write!(f, "length {len} does not fit its length field"),
            Error::AttrSize { kind, want, got } => {
                write!(f, "attribute {kind}: payload is {got} bytes, expected {want}")
            }
            Error::NotNulTerminated { kind } => {
                write!(f, "attribute {kind}: string is not NUL-terminated")
            }
            Error::NotUtf8 { kind } => write!(f, "attribute {kind}: string is not UTF-8"),
            Error::BadNest { offset } => write!(f, "nest at offset {offset} closed out of order"),
        }
    }
}

impl core::error::Error for Error {}
