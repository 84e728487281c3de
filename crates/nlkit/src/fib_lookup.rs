//! IPv4 FIB lookups (`NETLINK_FIB_LOOKUP`, `net/ipv4/fib_frontend.c`
//! `nl_fib_input`): the kernel reads a `struct fib_result_nl` (address,
//! mark, TOS, scope, table), looks the address up in that one table
//! (rules are not consulted) and sends the same message back with the
//! result filled in: the matching route's prefix length, type, scope and
//! next-hop index, the table it searched, and an error (`-ENOENT`: no
//! route; `-EAGAIN`, `-ENETUNREACH`, ...: what the route's type says).
//!
//! `struct fib_result_nl` is not in the uapi: it is in the kernel's
//! `include/net/ip_fib.h` (unchanged since 2.6.13), and its layout is
//! checked here by what the kernel answers (`tests/fib_lookup.rs`). The
//! table id is one byte: tables above 255 cannot be asked for.

use crate::engine::{Get, Request};
use crate::error::Error;
use nlkit_wire::{Message, MessageBuilder};
use std::net::Ipv4Addr;

/// The message type the request is sent with: the kernel does not read
/// it, and echoes it back.
pub const MESSAGE_TYPE: u16 = 0x10;

crate::fixed_struct! {
    /// `struct fib_result_nl` (`include/net/ip_fib.h`): the request's
    /// first four fields, the answer in the rest.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct FibResultNl as "fib_result_nl" {
        /// The address looked up (network order).
        pub fl_addr: [u8; 4],
        /// The mark of the flow.
        pub fl_mark: u32,
        /// Its TOS.
        pub fl_tos: u8,
        /// Its scope (`RT_SCOPE_*`; 0 universe).
        pub fl_scope: u8,
        /// The table to look in (0: main).
        pub tb_id_in: u8,
        /// Answer: the table searched.
        pub tb_id: u8,
        /// Answer: the matching route's prefix length.
        pub prefixlen: u8,
        /// Answer: the index of the chosen next hop.
        pub nh_sel: u8,
        /// Answer: the route's type (`RTN_*`).
        pub type_: u8,
        /// Answer: the route's scope (`RT_SCOPE_*`).
        pub scope: u8,
        /// Answer: 0, or a negative errno.
        pub err: i32,
    }
}

/// What to look up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lookup {
    /// The address.
    pub addr: Ipv4Addr,
    /// The table (0 or 254: main; at most 255).
    pub table: u8,
    /// The flow's mark.
    pub mark: u32,
    /// The flow's TOS.
    pub tos: u8,
    /// The flow's scope (0: universe).
    pub scope: u8,
}

impl Lookup {
    /// A lookup of `addr` in the main table.
    pub fn new(addr: Ipv4Addr) -> Lookup {
        Lookup { addr, table: 0, mark: 0, tos: 0, scope: 0 }
    }
}

/// What the kernel found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    /// The table searched.
    pub table: u8,
    /// The matching route's prefix length.
    pub prefix_len: u8,
    /// Its type (`RTN_UNICAST`, `RTN_LOCAL`, ...).
    pub route_type: u8,
    /// Its scope.
    pub scope: u8,
    /// The next hop chosen (an index into the route's next hops).
    pub nexthop: u8,
}

/// Looks `q` up. No route is [`Error::Kernel`] with `ENOENT`; a route
/// whose type refuses (unreachable, prohibit, blackhole) gives that type's
/// errno, as the kernel reports it.
pub fn lookup(q: Lookup) -> impl Request<Output = Found> {
    let req = FibResultNl {
        fl_addr: q.addr.octets(),
        fl_mark: q.mark,
        fl_tos: q.tos,
        fl_scope: q.scope,
        tb_id_in: q.table,
        ..Default::default()
    };
    let body = move |b: &mut MessageBuilder<'_, Vec<u8>>| b.append(&req.to_bytes());
    Get::new(MESSAGE_TYPE, body, |m: Message<'_>| {
        let r = FibResultNl::parse(m.payload())?;
        if r.err < 0 {
            return Err(Error::Kernel(crate::KernelError::from_errno(-r.err)));
        }
        Ok(Found {
            table: r.tb_id,
            prefix_len: r.prefixlen,
            route_type: r.type_,
            scope: r.scope,
            nexthop: r.nh_sel,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_structure_is_twenty_bytes_in_the_kernels_order() {
        assert_eq!(FibResultNl::LEN, 20);
        let r = FibResultNl { fl_addr: [10, 0, 0, 1], tb_id_in: 7, err: -2, ..Default::default() };
        let b = r.to_bytes();
        assert_eq!(
            (b[..4].to_vec(), b[10], &b[16..]),
            (vec![10, 0, 0, 1], 7, &(-2i32).to_ne_bytes()[..])
        );
    }
}
