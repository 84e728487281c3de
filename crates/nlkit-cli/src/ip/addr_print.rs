//! One address as iproute2 6.1's `print_addrinfo` prints it, for any
//! command that shows addresses: `    inet 10.0.0.1/24 brd 10.0.0.255 scope
//! global v0` and, when the kernel sent lifetimes, a second line
//! `       valid_lft forever preferred_lft forever`; or, with the same calls
//! (see [`Printer`]), one object of `ip -j`'s `addr_info`.

use crate::out::naming;
use crate::out::printer::{Paint, Printer};
use nlkit::rtnl::addr::{Address, LIFETIME_FOREVER};
use nlkit::rtnl::names;
use nlkit::rtnl::uapi::*;
use serde_json::{Map, Value};

/// Prints `a` into `p` (text without the final newline).
pub(super) fn addr(p: &mut Printer, a: &Address<'_>) {
    match family_name(a.family()) {
        Some(name) => p.any("family", || name.into(), format_args!("    {name} ")),
        None => {
            let f = a.family();
            p.any("family_index", || f.into(), format_args!("    family {f} "));
        }
    }
    local_and_peer(p, a);
    let paint = Paint::family(a.family());
    if let Some(b) = a.broadcast {
        p.fp_str("brd ");
        let b = host(&b);
        p.paint(paint, "broadcast", || b.as_str().into(), format_args!("{b} "));
    }
    if let Some(any) = a.anycast {
        p.fp_str("any ");
        let any = host(&any);
        p.paint(paint, "anycast", || any.as_str().into(), format_args!("{any} "));
    }
    p.string("scope", "scope", &naming::scope(a.scope()));
    flags(p, a);
    if let Some(label) = a.label {
        p.any("label", || label.into(), format_args!("{label}"));
    }
    lifetimes(p, a);
}

/// One address as `ip -br address` prints it: `LOCAL[ peer PEER]/LEN
/// [metric N] ` (`print_addrinfo` up to its `brief` exit).
pub(super) fn brief(p: &mut Printer, a: &Address<'_>) {
    local_and_peer(p, a);
}

/// An address as `format_host` prints it: the host name under `-r`.
fn host(a: &std::net::IpAddr) -> String {
    naming::host(a).unwrap_or_else(|| a.to_string())
}

/// `LOCAL[ peer PEER]/LEN [metric N] `, the addresses in their family's
/// color.
fn local_and_peer(p: &mut Printer, a: &Address<'_>) {
    let paint = Paint::family(a.family());
    if let Some(local) = a.local_address() {
        let local = host(&local);
        p.paint(paint, "local", || local.as_str().into(), format_args!("{local}"));
        if let Some(peer) = a.peer() {
            p.fp_str(" peer ");
            let peer = host(&peer);
            p.paint(paint, "address", || peer.as_str().into(), format_args!("{peer}"));
        }
        let len = a.prefixlen();
        p.any("prefixlen", || len.into(), format_args!("/{len} "));
        if let Some(m) = a.rt_priority {
            p.uint("metric", "metric", m.into());
        }
    }
}

/// One address as an object of `ip -br -j address show`'s `addr_info`.
pub(super) fn brief_json(a: &Address<'_>) -> Map<String, Value> {
    let mut p = Printer::new(true);
    brief(&mut p, a);
    p.take()
}

/// One address as an object of `ip -j address show`'s `addr_info`.
pub(super) fn addr_json(a: &Address<'_>) -> Map<String, Value> {
    let mut p = Printer::new(true);
    addr(&mut p, a);
    p.take()
}

/// `family_name`: the family's word, `None` for one `ip` has no word for.
fn family_name(family: u8) -> Option<&'static str> {
    Some(match family as i32 {
        libc::AF_INET => "inet",
        libc::AF_INET6 => "inet6",
        libc::AF_PACKET => "link",
        libc::AF_MPLS => "mpls",
        libc::AF_BRIDGE => "bridge",
        libc::AF_IPX => "ipx",
        libc::AF_DECnet => "dnet",
        _ => return None,
    })
}

/// `print_ifa_flags`: each named flag (a word, or `true` in JSON), then
/// the unnamed bits in hex.
fn flags(p: &mut Printer, a: &Address<'_>) {
    let flags = names::addr_flags(a.family(), a.flags);
    let rest = flags.unnamed();
    for name in flags {
        p.any(name, || true.into(), format_args!("{name} "));
    }
    if rest != 0 {
        let hex = format!("{rest:02x}");
        p.any("ifa_flags", || hex.as_str().into(), format_args!("flags {hex} "));
    }
}

/// `valid_lft` and `preferred_lft`: `forever` or seconds in text, the
/// number in JSON; a deprecated address's preferred lifetime is signed.
fn lifetimes(p: &mut Printer, a: &Address<'_>) {
    let Some(ci) = a.cacheinfo else { return };
    p.nl();
    p.fp_str("       valid_lft ");
    match ci.valid {
        LIFETIME_FOREVER => lifetime(p, "valid_life_time", ci.valid.into(), "forever"),
        v => lifetime(p, "valid_life_time", v.into(), &format!("{v}sec")),
    }
    p.fp_str(" preferred_lft ");
    let key = "preferred_life_time";
    match ci.preferred {
        LIFETIME_FOREVER => lifetime(p, key, ci.preferred.into(), "forever"),
        v if a.has_flag(IFA_F_DEPRECATED) => {
            lifetime(p, key, (v as i32).into(), &format!("{}sec", v as i32))
        }
        v => lifetime(p, key, v.into(), &format!("{v}sec")),
    }
}

fn lifetime(p: &mut Printer, key: &str, v: Value, text: &str) {
    p.any(key, || v, format_args!("{text}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use nlkit::rtnl::addr::{AddrSpec, Lifetimes};
    use nlkit::wire::{Header, MessageBuffer, MessageBuilder};
    use serde_json::json;

    fn addr_text(a: &Address<'_>) -> String {
        let mut p = Printer::new(false);
        addr(&mut p, a);
        p.text().to_owned()
    }

    /// The `RTM_NEWADDR` request `spec` makes, read back as a dump reply:
    /// the attributes a reply for it carries, in another order.
    fn reply(spec: &AddrSpec, extra: impl FnOnce(&mut MessageBuilder<'_, Vec<u8>>)) -> Vec<u8> {
        let mut buf = Vec::new();
        let mut b = MessageBuilder::new(&mut buf, Header::new(RTM_NEWADDR)).unwrap();
        spec.emit(&mut b).unwrap();
        extra(&mut b);
        b.finish();
        buf
    }

    fn parsed(bytes: &[u8]) -> Address<'_> {
        Address::parse(&MessageBuffer::new_checked(bytes).unwrap()).unwrap()
    }

    #[test]
    fn a_peer_a_metric_and_lifetimes_print_as_ip_prints_them() {
        let mut spec = AddrSpec::new(2, "10.9.0.1".parse().unwrap(), 32);
        spec.peer = Some("10.9.0.2".parse().unwrap());
        spec.metric = Some(7);
        spec.label = Some("v1:p".into());
        spec.lifetimes = Some(Lifetimes { valid: 100, preferred: 50 });
        let bytes = reply(&spec, |_| {});
        let a = parsed(&bytes);
        assert_eq!(
            addr_text(&a),
            "    inet 10.9.0.1 peer 10.9.0.2/32 metric 7 scope global dynamic v1:p\n       \
             valid_lft 100sec preferred_lft 50sec"
        );
        let keys: Vec<_> = addr_json(&a).keys().cloned().collect();
        let want = ["family", "local", "address", "prefixlen", "metric", "scope", "dynamic"];
        assert_eq!(keys[..7], want);
        assert_eq!(keys[7..], ["label", "valid_life_time", "preferred_life_time"]);
    }

    #[test]
    fn unnamed_flags_are_hex_and_a_deprecated_lifetime_is_signed() {
        let mut spec = AddrSpec::new(3, "2001:db8::1".parse().unwrap(), 64);
        spec.flags = IFA_F_DEPRECATED | IFA_F_PERMANENT | 0x10000;
        spec.lifetimes = Some(Lifetimes { valid: 10, preferred: u32::MAX - 1 });
        let bytes = reply(&spec, |b| b.attr(IFA_ANYCAST, &[0; 16]).unwrap());
        let a = parsed(&bytes);
        assert_eq!(
            addr_text(&a),
            "    inet6 2001:db8::1/64 any :: scope global deprecated flags 10000 \n       \
             valid_lft 10sec preferred_lft -2sec"
        );
        let j = addr_json(&a);
        assert_eq!(j["ifa_flags"], json!("10000"));
        assert_eq!(j["preferred_life_time"], json!(-2));
        assert_eq!(j["anycast"], json!("::"));
    }

    #[test]
    fn forever_is_a_word_in_text_and_the_number_in_json() {
        let mut spec = AddrSpec::new(3, "2001:db8::2".parse().unwrap(), 64);
        spec.flags = IFA_F_DEPRECATED;
        spec.lifetimes = Some(Lifetimes { valid: LIFETIME_FOREVER, preferred: LIFETIME_FOREVER });
        let bytes = reply(&spec, |_| {});
        let a = parsed(&bytes);
        assert!(addr_text(&a).ends_with("valid_lft forever preferred_lft forever"));
        let j = addr_json(&a);
        assert_eq!(j["valid_life_time"], json!(LIFETIME_FOREVER));
        assert_eq!(j["preferred_life_time"], json!(LIFETIME_FOREVER));
    }
}
