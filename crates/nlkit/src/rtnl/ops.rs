//! rtnetlink operations as values ([`Request`](crate::engine::Request)s),
//! all in one place: each object's live in its folder (`link/ops.rs`,
//! `route/ops.rs`, ...) and are re-exported here. Each `Conn` method of
//! the object modules runs one of these, and the same values run on
//! `AsyncConn` (feature `tokio`), so every operation is there sync and
//! async alike:
//!
//! ```no_run
//! use nlkit::rtnl::{link::LinkFilter, ops};
//! use nlkit::{Conn, Protocol};
//!
//! let mut conn = Conn::open(Protocol::ROUTE)?;
//! let filter = LinkFilter::default();
//! conn.run(ops::link_dump(&filter, |l| {
//!     println!("{:?}", l.name);
//!     Ok(())
//! }))?;
//! # Ok::<(), nlkit::Error>(())
//! ```

use crate::engine::Ack;
use crate::error::Result;
use nlkit_wire::{Error as WireError, Flags, MessageBuilder};

pub use super::addr::ops::*;
pub use super::link::ops::*;
pub use super::neigh::ops::*;
pub use super::route::ops::*;
pub use super::rule::ops::*;

/// What writes a request's body.
pub(crate) type Body<'a> =
    Box<dyn Fn(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), WireError> + 'a>;

pub(crate) fn ack<'a>(message_type: u16, flags: Flags, body: Body<'a>) -> Ack<Body<'a>> {
    Ack { message_type, flags, body }
}
