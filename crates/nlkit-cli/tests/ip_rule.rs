//! `nlkit rule` against `ip rule`: the same rules, the same text and JSON.

mod common;

use common::{json_array, Ns};

fn populate(ns: &Ns) {
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    let rules: [&[&str]; 8] = [
        &["from", "10.0.0.0/8", "table", "100", "prio", "100"],
        // A protocol of its own is shown without -d too.
        &["from", "10.9.0.0/16", "table", "9", "prio", "600", "proto", "static"],
        &[
            "to",
            "192.168.1.0/24",
            "iif",
            "v0",
            "oif",
            "v1",
            "fwmark",
            "0x10/0xff",
            "lookup",
            "200",
            "prio",
            "200",
        ],
        &[
            "not",
            "from",
            "all",
            "uidrange",
            "1000-2000",
            "ipproto",
            "tcp",
            "sport",
            "80",
            "dport",
            "1000-2000",
            "prohibit",
            "prio",
            "300",
        ],
        &["from", "all", "goto", "100", "prio", "50"],
        &["table", "main", "suppress_prefixlength", "0", "prio", "400"],
        &["from", "1.2.3.4", "tos", "0x10", "unreachable"],
        &["from", "172.16.0.0/12", "blackhole", "prio", "500"],
    ];
    for r in rules {
        ns.ip(&[&["rule", "add"][..], r].concat());
    }
    ns.ip(&["-6", "rule", "add", "from", "2001:db8::/32", "table", "300"]);
}

#[test]
fn show_matches_ip_in_text_and_json() {
    let ns = Ns::new("rule");
    populate(&ns);
    for family in [&[][..], &["-4"], &["-6"]] {
        for detail in [&[][..], &["-d"]] {
            let args = [family, detail, &["rule", "show"]].concat();
            assert_eq!(ns.nlkit_ok(&args), ns.ip(&args), "{args:?}");
            let args = [family, detail, &["-j", "rule", "show"]].concat();
            let ours = json_array(&ns.nlkit_ok(&args));
            let theirs = json_array(&ns.ip(&args));
            assert_eq!(ours.len(), theirs.len());
            for (o, t) in ours.iter().zip(&theirs) {
                assert_eq!(o, t, "object by object");
            }
        }
    }
}

#[test]
fn add_and_delete_with_abbreviations() {
    let ns = Ns::new("ruleadd");
    ns.nlkit_ok(&["ru", "a", "from", "10.1.0.0/16", "lookup", "7", "pri", "77"]);
    ns.nlkit_ok(&["rule", "add", "fwmark", "0x1", "table", "8", "pref", "78"]);
    ns.nlkit_ok(&["-6", "rule", "add", "to", "2001:db8::/48", "prohibit", "order", "79"]);
    let text = ns.ip(&["rule", "show"]);
    assert!(text.contains("77:\tfrom 10.1.0.0/16 lookup 7"), "{text}");
    assert!(text.contains("78:\tfrom all fwmark 0x1 lookup 8"), "{text}");
    assert!(ns.ip(&["-6", "rule", "show"]).contains("79:\tfrom all to 2001:db8::/48 prohibit"));
    ns.nlkit_ok(&["rule", "del", "priority", "77"]);
    assert!(!ns.ip(&["rule", "show"]).contains("77:"));
}

#[test]
fn errors_are_clear_and_nonzero() {
    let ns = Ns::new("ruleerr");
    let out = ns.nlkit(&["rule", "del", "priority", "12345"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err, "RTNETLINK answers: No such file or directory\n");
    let out = ns.nlkit(&["rule", "add", "from", "10.0.0.0/99"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid prefix \"10.0.0.0/99\""));
    // Prefixes match as ip matches them: the first keyword in ip's order
    // (`p` is `preference`); a word that is no keyword is the rule's type.
    ns.nlkit_ok(&["rule", "add", "p", "5", "lookup", "5"]);
    assert!(ns.ip(&["rule", "show"]).contains("5:\tfrom all lookup 5"));
    let out = ns.nlkit(&["rule", "add", "bogus"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("argument \"bogus\" is wrong: Failed to parse rule type"), "{err}");
    let out = ns.nlkit(&["rule", "add", "priority"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Command line is not complete"), "{err}");
    // "ru" is rule ("r" is route, as in ip).
    assert_eq!(ns.nlkit_ok(&["ru", "show"]), ns.ip(&["ru", "show"]));
}

#[test]
fn selectors_and_flush_match_ip() {
    let (ours, theirs) = (Ns::new("rulesel"), Ns::new("ruleseli"));
    populate(&ours);
    populate(&theirs);
    let selectors: [&[&str]; 14] = [
        &["pref", "100"],
        &["priority", "300"],
        &["from", "10.0.0.0/8"],
        &["to", "192.168.1.0/24"],
        &["192.168.0.0/16"],
        &["table", "main"],
        &["lookup", "200"],
        &["not"],
        &["fwmark", "0x10/0xff"],
        &["iif", "v0"],
        &["oif", "v1"],
        &["uidrange", "1000-2000", "ipproto", "tcp"],
        &["sport", "80", "dport", "1000-2000"],
        &["tos", "0x10"],
    ];
    for s in selectors {
        let args = [&["rule", "show"][..], s].concat();
        assert_eq!(ours.nlkit_ok(&args), ours.ip(&args), "{args:?}");
        let json = [&["-j"][..], &args].concat();
        assert_eq!(json_array(&ours.nlkit_ok(&json)), json_array(&ours.ip(&json)), "{json:?}");
    }
    let six = ["-6", "rule", "show", "from", "2001:db8::/32"];
    assert_eq!(ours.nlkit_ok(&six), ours.ip(&six));
    // flush: the same rules left on both sides, rule 0 (local) never.
    let refused = ours.nlkit(&["rule", "flush"]);
    assert_eq!(refused.status.code(), Some(1), "an empty selector would flush main and default");
    for f in [
        &["rule", "flush", "table", "100"][..],
        &["rule", "flush", "not"],
        &["rule", "flush", "pref", "400"],
    ] {
        ours.nlkit_ok(f);
        theirs.ip(f);
        for family in ["-4", "-6"] {
            let show = [family, "rule", "show"];
            assert_eq!(ours.ip(&show), theirs.ip(&show), "{f:?} {family}");
        }
    }
    assert!(ours.ip(&["rule", "show"]).starts_with("0:\tfrom all lookup local"));
}
