//! The netlink wire format, as zero-copy views and plain structs.
//!
//! This crate knows bytes, not sockets: it reads and writes `struct nlmsghdr`
//! messages, `struct nlattr` attributes, ACK/ERROR and DONE messages with
//! their extended-ack TLVs, and the generic netlink header, exactly as
//! `<linux/netlink.h>` and `<linux/genetlink.h>` lay them out. It is
//! `#![no_std]` and has no dependencies; the `alloc` feature (on by default)
//! lets the builder grow a `Vec<u8>`.
//!
//! Each format follows one pattern:
//! - a private `field` module naming every byte range, so offsets live in one place;
//! - a view over borrowed bytes (`MessageBuffer`, `GenlBuffer`, [`Attr`]) whose
//!   `new_checked` validates lengths once;
//! - a plain struct (`Header`, `GenlHeader`, `Ack`) that parses from the view and emits.
//!
//! # Panic contract
//! No function in this crate panics on any input bytes. Views built with
//! `new_checked` have every accessor in bounds; views built with
//! `new_unchecked` document which accessors may then panic. Builders return
//! [`Error::BufferFull`] instead of writing past the end of a buffer.
//!
//! Unknown message types, flag bits and attributes are kept (as `Unknown(n)`,
//! raw bits or raw attributes) so that a parse followed by an emit gives back
//! the same bytes.
#![no_std]
#![deny(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod ack;
pub mod align;
pub mod attr;
pub mod builder;
mod error;
pub mod flags;
pub mod genl;
pub mod header;
pub mod messages;

pub use ack::{emit_error, Ack, Done, ExtAck, ACK_HEADER_LEN};
pub use attr::{Attr, Attrs};
pub use builder::{Buffer, FixedBuf, MessageBuilder, Nest};
pub use error::Error;
pub use flags::{FlagContext, Flags};
pub use genl::{GenlBuffer, GenlHeader};
pub use header::{Header, MessageBuffer, MessageType};
pub use messages::{Message, Messages};
