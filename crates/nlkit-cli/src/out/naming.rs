//! How values are named in the `ip`-style output: `-N`/`-Numeric` prints
//! numbers where names would be (protocols, scopes, tables, TOS, realms,
//! device groups, link types, Ethernet protocols), as iproute2's `*_n2a`
//! functions do under `numeric`; `-r`/`-resolve` prints host names where
//! `ip` calls `format_host` (destinations and sources of full length,
//! gateways, interface addresses, neighbours), each address asked of the
//! system's resolver once and a failure remembered, as `ip` does.
//!
//! Both are settings of the whole run, as they are in `ip`: every printer
//! of every object reads them here rather than through its context.

use nlkit::rtnl::names;
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

static NUMERIC: AtomicBool = AtomicBool::new(false);
static RESOLVE: AtomicBool = AtomicBool::new(false);

/// Sets `-N` and `-r` for the run.
pub fn set(numeric: bool, resolve: bool) {
    NUMERIC.store(numeric, Relaxed);
    RESOLVE.store(resolve, Relaxed);
}

/// Whether `-N` was given.
pub fn numeric() -> bool {
    NUMERIC.load(Relaxed)
}

/// A number as `-N` prints it, or the name `named` gives.
fn or_number<'a>(n: impl ToString, named: impl FnOnce() -> Cow<'a, str>) -> Cow<'a, str> {
    if numeric() {
        n.to_string().into()
    } else {
        named()
    }
}

/// A route protocol (`rtnl_rtprot_n2a`).
pub fn protocol(p: u8) -> Cow<'static, str> {
    or_number(p, || names::route_protocol(p))
}

/// A route or address scope (`rtnl_rtscope_n2a`).
pub fn scope(s: u8) -> Cow<'static, str> {
    or_number(s, || names::route_scope(s))
}

/// A routing table (`rtnl_rttable_n2a`).
pub fn table(id: u32) -> Cow<'static, str> {
    or_number(id, || names::route_table(id))
}

/// A route type (`rtnl_rtntype_n2a`).
pub fn route_type(t: u8) -> Cow<'static, str> {
    or_number(t, || names::route_type(t))
}

/// A link type (`ll_type_n2a`): `ether`, or `[N]`.
pub fn link_type(t: u16) -> Cow<'static, str> {
    if numeric() {
        format!("[{t}]").into()
    } else {
        names::link_type(t)
    }
}

thread_local! {
    /// Addresses asked of the resolver, with what it answered.
    static HOSTS: RefCell<HashMap<IpAddr, Option<String>>> = RefCell::new(HashMap::new());
}

/// Under `-r`, the host name of `a` (`format_host`); `None` without `-r`
/// or when the resolver has no name for it. An IPv4-mapped IPv6 address is
/// asked as the IPv4 address it maps.
pub fn host(a: &IpAddr) -> Option<String> {
    if !RESOLVE.load(Relaxed) {
        return None;
    }
    let asked = match a {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(*a, |v4: Ipv4Addr| IpAddr::V4(v4)),
        IpAddr::V4(_) => *a,
    };
    HOSTS.with(|hosts| {
        let mut hosts = hosts.borrow_mut();
        hosts.entry(asked).or_insert_with(|| dns_lookup::lookup_addr(&asked).ok()).clone()
    })
}

/// `a` as `format_host` prints it: its host name under `-r` when there is
/// one, else the address.
pub fn host_or_addr(a: &IpAddr) -> String {
    host(a).unwrap_or_else(|| {
        let mut s = String::new();
        super::writer::push_ip_string(&mut s, a);
        s
    })
}
