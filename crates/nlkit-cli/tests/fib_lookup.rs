//! `nlkit fib-lookup` against the real kernel's IPv4 FIB in a throwaway
//! namespace: routes of each kind and table, by prefix length, type and
//! scope; the kernel's refusals said clearly. Each answer is checked
//! against the route `ip` installed.

mod common;

use common::Ns;

#[test]
fn lookups_find_the_routes_ip_installed() {
    let ns = Ns::new("fib");
    ns.ip(&["link", "add", "d0", "type", "veth", "peer", "name", "d1"]);
    ns.ip(&["link", "set", "d0", "up"]);
    ns.ip(&["addr", "add", "10.1.0.1/16", "dev", "d0"]);
    ns.ip(&["route", "add", "192.0.2.0/24", "via", "10.1.0.2"]);
    ns.ip(&["route", "add", "192.0.2.128/25", "via", "10.1.0.3"]);
    ns.ip(&["route", "add", "unreachable", "198.51.100.0/24"]);
    ns.ip(&["route", "add", "prohibit", "198.51.101.0/24"]);
    ns.ip(&["route", "add", "203.0.113.0/24", "dev", "d0", "table", "100"]);
    for (args, want) in [
        (&["192.0.2.7"][..], "192.0.2.0/24 table main type unicast scope global nexthop 0\n"),
        (&["192.0.2.200"], "192.0.2.128/25 table main type unicast scope global nexthop 0\n"),
        (&["10.1.2.3"], "10.1.0.0/16 table main type unicast scope link nexthop 0\n"),
        (
            &["10.1.0.1", "table", "local"],
            "10.1.0.1/32 table local type local scope host nexthop 0\n",
        ),
        (
            &["10.1.255.255", "table", "255"],
            "10.1.255.255/32 table local type broadcast scope link nexthop 0\n",
        ),
        (
            &["203.0.113.9", "table", "100"],
            "203.0.113.0/24 table 100 type unicast scope link nexthop 0\n",
        ),
        (
            &["192.0.2.7", "mark", "5", "tos", "0"],
            "192.0.2.0/24 table main type unicast scope global nexthop 0\n",
        ),
    ] {
        let out = ns.nlkit_ok(&[&["fib-lookup"], args].concat());
        assert_eq!(out, want, "{args:?}");
    }
    let v: serde_json::Value =
        serde_json::from_str(&ns.nlkit_ok(&["-j", "fib-lookup", "192.0.2.200"])).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"address": "192.0.2.200", "table": "main", "prefixlen": 25,
            "type": "unicast", "scope": "global", "nexthop": 0})
    );
    for (args, code, said) in [
        (&["8.8.8.8"][..], 1, "Error: no route to 8.8.8.8 in table main"),
        (&["203.0.113.9"], 1, "Error: no route to 203.0.113.9 in table main"),
        (&["1.2.3.4", "table", "99"], 1, "Error: table 99 does not exist"),
        (
            &["198.51.100.1"],
            2,
            "Error: 198.51.100.1 matches an unreachable route in table main: No route to host.",
        ),
        (
            &["198.51.101.1"],
            2,
            "Error: 198.51.101.1 matches a prohibit route in table main: Permission denied.",
        ),
        (&["1.2.3.4", "foo"], 1, "\"foo\" is not a keyword of fib-lookup"),
        (&["1.2.3.4", "table", "300"], 1, "Error: table 300: FIB lookups name tables in one byte"),
        (&["::1"], 1, "\"::1\" is not an IPv4 address"),
        (&["1.2.3.4", "via", "x"], 1, "\"via\" is not a keyword of fib-lookup"),
        (&["1.2.3.4", "mark"], 1, "\"mark\" needs a value"),
    ] {
        let out = ns.nlkit(&[&["fib-lookup"], args].concat());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.starts_with(said) || err.contains(said), "{args:?}: {err}");
    }
}
