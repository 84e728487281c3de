//! `nlkit proc-events` against the real kernel: a child's fork, exec and
//! exit with the right pids and status; event filters; bad input refused.
//! The proc connector lives in the initial namespaces only: this reads
//! events, it changes nothing.

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn a_childs_fork_exec_and_exit_in_text_and_json() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-j", "proc-events", "-e", "fork,exec,exit", "--timeout", "3"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert!(line.starts_with("listening"), "{line}");
    let me = std::process::id() as i64;
    let shell = Command::new("sh").args(["-c", "exit 3"]).spawn().unwrap();
    let pid = shell.id() as i64;
    let status = shell.wait_with_output().unwrap().status;
    assert_eq!(status.code(), Some(3));
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let events: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let find = |name: &str| {
        events.iter().find(|e| e["event"] == name && e["pid"] == pid).cloned().unwrap_or_default()
    };
    assert_eq!(find("fork")["parent_pid"], me, "{events:?}");
    assert_eq!(find("exec")["tid"], pid);
    let exit = find("exit");
    assert_eq!((exit["status"].as_i64(), exit["parent_pid"].as_i64()), (Some(3), Some(me)));
    assert!(events
        .iter()
        .all(|e| ["fork", "exec", "exit"].contains(&e["event"].as_str().unwrap())));
}

#[test]
fn bad_event_names_and_namespaces_are_refused() {
    let out = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["proc-events", "-e", "fork,spawn", "--timeout", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown event \"spawn\""));
    let out = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", "x", "proc-events", "--timeout", "1"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("only in the initial network namespace"));
    // From a child pid namespace the kernel would say nothing: said here.
    let out = Command::new("unshare")
        .args(["-p", "-f", env!("CARGO_BIN_EXE_nlkit"), "proc-events", "--timeout", "1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("outside the initial pid and user namespaces"), "{err}");
    // Run inside another network namespace (unshare -n, as ip netns exec),
    // where the kernel has no connector socket: said so, and `monitor all`
    // goes on without the channel.
    let unshared = |args: &[&str]| {
        let mut all = vec!["-n", "--", env!("CARGO_BIN_EXE_nlkit")];
        all.extend_from_slice(args);
        Command::new("unshare").args(&all).output().unwrap()
    };
    let out = unshared(&["proc-events", "--timeout", "1"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains(
            "exists only in the initial network namespace, and this process runs in another"
        ),
        "{err}"
    );
    let out = Command::new("timeout")
        .args(["2", "unshare", "-n", "--", env!("CARGO_BIN_EXE_nlkit"), "monitor", "all"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(124), "still monitoring when stopped: {err}");
    assert!(err.contains("proc: left out"), "{err}");
}
