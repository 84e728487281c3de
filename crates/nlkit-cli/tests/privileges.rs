//! Without privileges: reads work, changes are refused in ip's words with
//! ip's status, and nothing is half-done. Each command runs as `nobody`
//! (setpriv) inside a throwaway namespace (`ip netns exec`), so even a
//! mistake could touch nothing of the host.

mod common;

use common::Ns;
use std::process::{Command, Output};

fn as_nobody(ns: &Ns, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut c = Command::new("ip");
    c.args(["netns", "exec", &ns.0, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]);
    c.arg(env!("CARGO_BIN_EXE_nlkit")).args(args);
    let mut child =
        c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

#[test]
fn unprivileged_changes_are_refused_cleanly_and_reads_work() {
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("setpriv is not installed: skipped");
        return;
    }
    let ns = Ns::new("priv");
    ns.ip(&["link", "add", "p0", "type", "veth", "peer", "name", "p1"]);
    let before = ns.ip(&["-d", "link", "show"]);
    // Reading needs no privilege.
    let out = as_nobody(&ns, &["-j", "link", "show", "p0"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"ifname\":\"p0\""));
    // Changes: the kernel's refusal, in ip's words and status.
    let denied = "RTNETLINK answers: Operation not permitted\n";
    for args in
        [&["link", "set", "p0", "mtu", "1400"][..], &["route", "add", "10.0.0.0/8", "dev", "p0"]]
    {
        let out = as_nobody(&ns, args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), denied, "{args:?}");
    }
    // A batch says which line, and goes no further.
    let out =
        as_nobody(&ns, &["-batch", "-"], Some("route add 10.0.0.0/8 dev p0\nlink set p0 up\n"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), format!("{denied}Command failed -:1\n"));
    // The machine's audit state: refused without CAP_AUDIT_CONTROL, and
    // nothing changed (read as root before and after).
    let limit = || {
        let v: serde_json::Value =
            serde_json::from_str(&ns.nlkit_ok(&["-j", "audit", "status"])).unwrap();
        v["backlog_limit"].clone()
    };
    let (limit_before, rules_before) = (limit(), ns.nlkit_ok(&["audit", "rules"]));
    for args in [
        &["audit", "set", "--backlog-limit", "64"][..],
        &["audit", "rule", "add", "always,exit", "-S", "2", "-F", "key=nlkit-priv"],
    ] {
        let out = as_nobody(&ns, args, None);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("Operation not permitted"), "{args:?}: {err}");
    }
    assert_eq!(ns.nlkit_ok(&["audit", "rules"]), rules_before);
    assert_eq!(limit(), limit_before);
    // -n names a network namespace; the audit state is the machine's: a
    // change with -n is refused before anything is sent, even as root
    // (asked to set the limit it has, so a broken refusal changes nothing).
    let same = limit_before.to_string();
    let out = ns.nlkit(&["audit", "set", "--backlog-limit", &same]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("-n cannot confine them"));
    assert_eq!(limit(), limit_before);
    // So is registering as the audit daemon: its stream is the machine's.
    let daemon = || {
        let v: serde_json::Value =
            serde_json::from_str(&ns.nlkit_ok(&["-j", "audit", "status"])).unwrap();
        v["pid"].clone()
    };
    let daemon_before = daemon();
    let out = ns.nlkit(&["audit", "monitor", "--daemon", "--timeout", "1"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("-n cannot confine it"));
    assert_eq!(daemon(), daemon_before);
    // Entering a namespace needs CAP_SYS_ADMIN: said, not a panic.
    let out = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .args([env!("CARGO_BIN_EXE_nlkit"), "-n", &ns.0, "link", "show"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Operation not permitted"));
    assert_eq!(ns.ip(&["-d", "link", "show"]), before, "nothing changed");
}
