//! nlkit-examples: the user-space halves of the classic Linux netlink demo
//! programs, rewritten with nlkit, and the small protocol they speak.
//!
//! # The demo protocol
//!
//! It runs on a custom netlink protocol, [`DEMO_PROTOCOL`] (31), whose kernel
//! side is a module; until that module exists, `nl-usersock-peer` plays its
//! part on `NETLINK_USERSOCK` (2). A message is a bare `struct nlmsghdr`
//! followed by an opaque payload, usually text; there are no attributes.
//! Requests carry `NLM_F_REQUEST` and the sender's own port id in
//! `nlmsg_pid`; the peer replies to the sender's real port id (the one the
//! kernel reports), never to the one the header claims.
//!
//! | type          | value  | meaning |
//! |---------------|--------|---------|
//! | [`ECHO`]      | `0x20` | the peer answers with the same type, sequence number and payload |
//! | [`REGISTER`]  | `0x21` | the sender registers its port id to receive notifications |
//! | [`NOTIFY`]    | `0x22` | a notification the peer sends on its own, e.g. `notification 1` |
//! | [`BROADCAST`] | `0x23` | the payload is added to the peer's buffer and multicast to [`DEMO_GROUP`] |
//!
//! The kernel module also serves [`DUMP`] (`0x24`, a multipart dump of the
//! stored broadcasts) and [`BIG`] (`0x25`, one reply above a page); see
//! [`nlkit::demo`], where these constants are defined and re-exported from.
//! Any other type is refused with an `NLMSG_ERROR` carrying `EOPNOTSUPP`.
//!
//! The pieces the programs share live in [`cli`] (options, opening the
//! socket, output and exit status), [`msg`] (building and checking messages)
//! and [`client`] (the sending side of an exchange).
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod client;
pub mod msg;

// The protocol's constants live in the library, next to its typed clients.
pub use nlkit::demo::{
    type_name, BIG, BROADCAST, DEMO_GROUP, DEMO_GROUP_MASK, DEMO_PROTOCOL, DUMP, ECHO, NOTIFY,
    REGISTER, TYPES,
};

/// The programs' result: errors are only ever printed, so any error will do.
pub type Result<T, E = Box<dyn std::error::Error + Send + Sync>> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names() {
        assert_eq!(type_name(ECHO), Some("echo"));
        assert_eq!(type_name(BROADCAST), Some("broadcast"));
        assert_eq!(type_name(0x30), None);
        assert_eq!(DEMO_GROUP_MASK, 1);
    }
}
