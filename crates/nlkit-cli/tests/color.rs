//! `-c`/`-color[=always|auto|never]`: the same escape codes in the same
//! places as `ip -c` 6.1, for links, addresses, routes and neighbours;
//! none with `-j`, `never`, or `auto` into a pipe; the dark palette from
//! `COLORFGBG`.

mod common;

use common::Ns;
use std::process::Command;

fn both(ns: &Ns, args: &[&str], env: Option<(&str, &str)>) -> (String, String) {
    let run = |program: &str| {
        let mut c = Command::new(program);
        c.args(["-n", &ns.0]).args(args);
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    (run(env!("CARGO_BIN_EXE_nlkit")), run("ip"))
}

#[test]
fn colors_match_ip() {
    let ns = Ns::new("color");
    ns.ip(&["link", "set", "lo", "up"]);
    ns.ip(&["link", "add", "c0", "type", "veth", "peer", "name", "c1"]);
    ns.ip(&["link", "set", "c0", "up"]);
    ns.ip(&["address", "add", "10.9.0.1/24", "brd", "+", "dev", "c0"]);
    ns.ip(&["address", "add", "10.9.0.9", "peer", "10.9.0.10/32", "dev", "c0"]);
    ns.ip(&["address", "add", "2001:db8::1/64", "dev", "c0", "nodad"]);
    ns.ip(&["route", "add", "10.10.0.0/16", "via", "10.9.0.2"]);
    ns.ip(&["-6", "route", "add", "2001:db8:5::/64", "via", "2001:db8::2"]);
    ns.ip(&["neigh", "add", "10.9.0.5", "lladdr", "02:00:00:00:00:05", "dev", "c0"]);
    let cases: [&[&str]; 12] = [
        &["-c", "link", "show"],
        &["-c", "-d", "link", "show", "c0"],
        &["-c", "address", "show"],
        &["-color=always", "-br", "link", "show"],
        &["-c", "-br", "address", "show"],
        &["-c", "-o", "address", "show"],
        &["-c", "route", "show", "table", "all"],
        &["-c", "-6", "route", "show"],
        &["-c", "route", "get", "10.10.1.1"],
        &["-c", "neigh", "show"],
        &["-c=auto", "link", "show"],
        &["-c=never", "address", "show"],
    ];
    for args in cases {
        let (ours, theirs) = both(&ns, args, None);
        assert_eq!(ours, theirs, "{args:?}");
    }
    assert!(both(&ns, &["-c", "link", "show"], None).0.contains("\x1b[36m"), "colors on");
    assert!(!both(&ns, &["-c=auto", "link", "show"], None).0.contains('\x1b'), "a pipe: none");
    assert!(!both(&ns, &["-c", "-j", "link", "show"], None).0.contains('\x1b'), "JSON: none");
    let (dark, ip_dark) = both(&ns, &["-c", "address", "show"], Some(("COLORFGBG", "15;0")));
    assert_eq!(dark, ip_dark);
    assert!(dark.contains("\x1b[1;35m"), "{dark}");
}
