//! nlkit: netlink from Rust, from the socket up.
//!
//! - [`socket`]: netlink sockets of any protocol, bound to a chosen or
//!   kernel-picked port id, with multicast groups and every `SOL_NETLINK`
//!   option; datagrams are received whole, never truncated.
//! - [`engine`]: requests, ACKs and dumps with sequence/port validation,
//!   extended-ack errors, `NLM_F_DUMP_INTR` and overrun handling, over any
//!   [`Transport`].
//! - [`rtnl`]: rtnetlink (`NETLINK_ROUTE`): links, addresses, routes,
//!   neighbours, rules, netconf; views, builders, operations, events.
//! - [`genl`]: generic netlink family lookup, and the resolved family as
//!   the handle its requests are made from.
//! - [`demo`]: clients of the demo kernel module (`kernel/c`, `kernel/rust`),
//!   its device `/dev/nlkit_demo` included.
//! - [`kernel`]: the other channels: sysctl, module parameters, the boot
//!   command line, ioctl request numbers, character devices (typed ioctl
//!   calls, mmap).
//! - [`proto`]: the family toolkit: attribute-set and fixed-structure
//!   tables, value codecs, views; every family is written with it.
//! - [`sub`]: subscriptions to any family's events (multicast groups),
//!   blocking or async, and waiting on several at once.
//! - [`connector`]: the proc connector's process events.
//! - [`uevent`]: kernel uevents (`NETLINK_KOBJECT_UEVENT`), with the
//!   kernel's own sender checks.
//! - [`xfrm`]: IPsec (`NETLINK_XFRM`): SAs and policies, their events.
//! - [`testing`]: an in-memory transport for tests without a kernel.
//! - `tokio` (feature `tokio`): the async adapter over the same engine.
//!
//! The wire format lives in the [`nlkit_wire`] crate, re-exported as [`wire`].
//!
//! ```no_run
//! use nlkit::wire::{Attrs, Flags};
//! use nlkit::{Conn, Protocol};
//!
//! // RTM_GETLINK for ifindex 1, with an ACK; print the name.
//! let mut conn = Conn::open(Protocol::ROUTE)?;
//! let ifinfomsg = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
//! conn.request(18, Flags::ACK, |b| b.append(&ifinfomsg), |msg| {
//!     let name = Attrs::new(&msg.payload()[16..]).find(3)?.map(|a| a.str()).transpose()?;
//!     println!("{name:?}");
//!     Ok(())
//! })?;
//! # Ok::<(), nlkit::Error>(())
//! ```
#![deny(unsafe_code)]
#![deny(missing_docs)]

#[cfg(feature = "audit")]
pub mod audit;
pub mod capture;
#[cfg(feature = "connector")]
pub mod connector;
#[cfg(feature = "tokio")]
mod deadline;
#[cfg(feature = "demo")]
pub mod demo;
#[cfg(feature = "diag")]
pub mod diag;
pub mod engine;
mod error;
#[cfg(feature = "rtnl")]
pub mod fib_lookup;
pub mod fnmatch;
#[cfg(feature = "genl")]
pub mod genl;
pub mod kernel;
#[cfg(feature = "netfilter")]
pub mod netfilter;
pub mod proto;
#[cfg(feature = "rtnl")]
pub mod rtnl;
#[cfg(feature = "selinux")]
pub mod selinux;
pub mod socket;
pub mod sub;
mod sys;
pub mod testing;
#[cfg(feature = "tokio")]
pub mod tokio;
#[cfg(feature = "uevent")]
pub mod uevent;
#[cfg(feature = "xfrm")]
pub mod xfrm;

pub use engine::{Answer, Answered, BatchLimits, Conn, DumpError, Transport};
pub use error::{os_text, strerror, Error, KernelError, Result};
pub use nlkit_wire as wire;
pub use socket::{Credentials, Kind, Netns, Protocol, RecvBuf, Socket, SocketAddr};
