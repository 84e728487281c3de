//! `nlkit tcp-metrics` against `ip tcp_metrics`: entries made by real TCP
//! connections (IPv4 and IPv6, over a veth pair) in a throwaway namespace,
//! shown alike in text and JSON (ages masked: they move), filtered,
//! deleted and flushed alike.

mod common;

use common::{json_array, Ns};
use serde_json::Value;
use std::process::Command;

const TRAFFIC: &str = r#"
import socket, threading
def once(fam, srv, cli):
    s = socket.socket(fam); s.bind((srv, 0)); s.listen(); port = s.getsockname()[1]
    def run():
        c, _ = s.accept(); c.sendall(b'x' * 200000); c.close()
    t = threading.Thread(target=run); t.start()
    c = socket.socket(fam); c.bind((cli, 0)); c.connect((srv, port))
    while c.recv(65536): pass
    c.close(); t.join(); s.close()
once(socket.AF_INET, '10.7.0.1', '10.7.0.2')
once(socket.AF_INET6, '2001:db8:7::1', '2001:db8:7::2')
"#;

fn with_entries(tag: &str) -> Ns {
    let ns = Ns::new(tag);
    ns.ip(&["link", "set", "lo", "up"]);
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    for (dev, v4, v6) in
        [("v0", "10.7.0.1/24", "2001:db8:7::1/64"), ("v1", "10.7.0.2/24", "2001:db8:7::2/64")]
    {
        ns.ip(&["address", "add", v4, "dev", dev]);
        ns.ip(&["address", "add", v6, "dev", dev, "nodad"]);
        ns.ip(&["link", "set", dev, "up"]);
    }
    let ok = Command::new("ip")
        .args(["netns", "exec", &ns.0, "python3", "-c", TRAFFIC])
        .status()
        .unwrap()
        .success();
    assert!(ok, "traffic");
    ns
}

fn masked(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            if w.ends_with("sec") && w.starts_with(|c: char| c.is_ascii_digit()) {
                "Nsec"
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn without_age(text: &str) -> Vec<Value> {
    let mut all = json_array(text);
    for o in &mut all {
        o.as_object_mut().unwrap().remove("age");
    }
    all
}

#[test]
fn show_matches_ip_and_delete_and_flush_do_what_ips_do() {
    let ns = with_entries("tcpm");
    let shows: [&[&str]; 5] = [
        &["show"],
        &["show", "10.7.0.0/24"],
        &["show", "address", "10.7.0.2"],
        &["show", "src", "2001:db8:7::2"],
        &["-6", "show"],
    ];
    for s in shows {
        let (fam, words) = if s[0] == "-6" { (&s[..1], &s[1..]) } else { (&s[..0], s) };
        let ours = [fam, &["tcp-metrics"], words].concat();
        let theirs = [fam, &["tcp_metrics"], words].concat();
        assert_eq!(masked(&ns.nlkit_ok(&ours)), masked(&ns.ip(&theirs)), "{s:?}");
        // ip 6.1 answers one exact address with a get and prints it as
        // text even under -j; nlkit keeps to JSON.
        if words.contains(&"address") {
            continue;
        }
        let (ours_j, theirs_j) = ([&["-j"], &ours[..]].concat(), [&["-j"], &theirs[..]].concat());
        assert_eq!(without_age(&ns.nlkit_ok(&ours_j)), without_age(&ns.ip(&theirs_j)), "{s:?}");
    }
    assert_eq!(json_array(&ns.nlkit_ok(&["-j", "tcp-metrics"])).len(), 4);
    // An address of the other family than -6 says is refused, as ip does,
    // before anything is deleted.
    let before = ns.ip(&["tcp_metrics", "show"]);
    let out = ns.nlkit(&["-6", "tcp-metrics", "flush", "10.7.0.1"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "Error: inet6 prefix is expected rather than \"10.7.0.1\".\n"
    );
    assert_eq!(masked(&ns.ip(&["tcp_metrics", "show"])), masked(&before));
    assert!(before.contains("10.7.0.1 "), "{before}");
    ns.nlkit_ok(&["tcp-metrics", "delete", "10.7.0.2"]);
    assert!(!ns.ip(&["tcp_metrics", "show"]).contains("10.7.0.2 "));
    ns.nlkit_ok(&["tcp-metrics", "flush", "2001:db8:7::/64"]);
    assert_eq!(ns.ip(&["tcp_metrics", "show"]).lines().count(), 1, "10.7.0.1 is left");
    ns.nlkit_ok(&["tcpmetrics", "flush"]);
    assert_eq!(ns.ip(&["tcp_metrics", "show"]), "");
    let out = ns.nlkit(&["tcp-metrics", "delete", "10.7.0.0/24"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("a specific IP address is expected"));
    // One address the kernel has no entry for is its refusal, in ip's
    // words and status, for show, flush and delete alike.
    for cmd in ["show", "flush", "delete"] {
        let (ours, theirs) = (ns.nlkit(&["tcp-metrics", cmd, "10.9.9.9"]), ip(&ns, cmd));
        assert_eq!(ours.status.code(), theirs.status.code(), "{cmd}");
        assert_eq!(ours.stderr, theirs.stderr, "{cmd}");
        assert_eq!(String::from_utf8_lossy(&ours.stderr), "RTNETLINK answers: No such process\n");
    }
}

fn ip(ns: &Ns, cmd: &str) -> std::process::Output {
    std::process::Command::new("ip")
        .args(["-n", &ns.0, "tcp_metrics", cmd, "10.9.9.9"])
        .output()
        .unwrap()
}
