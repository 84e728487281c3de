//! `nlkit taskstats` against the real kernel: one task's statistics agree
//! with what /proc says of it, a thread group's are summed, exits are
//! heard with their status, and bad requests are refused clearly. This
//! reads accounting; it changes nothing (the family also answers inside
//! a throwaway network namespace, tested with -n).

mod common;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

fn nlkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nlkit")).args(args).output().unwrap()
}

fn json(out: Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Field `n` (1-based, as proc(5) counts) of /proc/PID/stat.
fn stat_field(pid: u32, n: usize) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_comm = &stat[stat.rfind(')').unwrap() + 2..];
    after_comm.split(' ').nth(n - 3).unwrap().parse().unwrap()
}

fn status_field(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(key)).unwrap();
    line[key.len()..].split_whitespace().next().unwrap().parse().unwrap()
}

#[test]
fn a_sleeping_child_agrees_with_proc() {
    let mut child = Command::new("sleep").arg("30").spawn().unwrap();
    let pid = child.id();
    // Wait until it sleeps, so its counters stand still.
    for _ in 0..200 {
        let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        if s.contains(") S ") && s.contains("(sleep)") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let ns = common::Ns::new("taskstats");
    let v = json(ns.nlkit(&["-j", "taskstats", &pid.to_string()]));
    let t = &v["pid"];
    assert_eq!(t["pid"], pid, "{v}");
    assert_eq!(t["ac-pid"], pid);
    assert_eq!(t["ac-tgid"], pid);
    assert_eq!(t["ac-ppid"], std::process::id());
    assert_eq!(t["ac-comm"], "sleep");
    assert_eq!(t["ac-uid"], status_field(pid, "Uid:"));
    assert_eq!(t["ac-minflt"], stat_field(pid, 10), "minflt");
    assert_eq!(t["ac-majflt"], stat_field(pid, 12), "majflt");
    assert_eq!(t["nvcsw"], status_field(pid, "voluntary_ctxt_switches:"));
    assert!(t["version"].as_u64().unwrap() >= 13);
    assert!(v.get("tgid").is_none());
    // Text: the same task, its name and pids on the first line.
    let text = String::from_utf8(nlkit(&["taskstats", &pid.to_string()]).stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("pid {pid} comm sleep tgid {pid} ppid {}", std::process::id()))
    );
    assert!(text.contains("\n    delays       count     total ns   average ns\n"), "{text}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn a_thread_group_is_summed() {
    // This test process has several threads (the harness's).
    let me = std::process::id();
    let v = json(nlkit(&["-j", "taskstats", "--tgid", &me.to_string()]));
    let t = &v["tgid"];
    assert_eq!(t["tgid"], me, "{v}");
    let threads = std::fs::read_dir(format!("/proc/{me}/task")).unwrap().count();
    assert!(threads >= 1);
    assert!(t["nvcsw"].as_u64().unwrap() >= 1, "{v}");
}

#[test]
fn exits_are_heard_with_their_status() {
    let mut listener = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-j", "taskstats", "--listen", "--timeout", "3", "--count", "1000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(listener.stderr.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert!(line.starts_with("listening for task exits on CPUs"), "{line}");
    let shell = Command::new("sh").args(["-c", "exit 3"]).spawn().unwrap();
    let pid = shell.id();
    assert_eq!(shell.wait_with_output().unwrap().status.code(), Some(3));
    let out = listener.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let exits: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ours = exits.iter().find(|e| e["pid"]["ac-pid"] == pid).expect("our child's exit");
    // ac_exitcode is the wait status: exit code 3 is 3 << 8.
    assert_eq!(ours["pid"]["ac-exitcode"], 3 << 8, "{ours}");
    assert_eq!(ours["pid"]["ac-comm"], "sh");
    assert_eq!(ours["pid"]["ac-ppid"], std::process::id());
    // The child was single-threaded: the kernel sends a group's totals
    // only for groups that had more than one thread.
    assert!(ours.get("tgid").is_none(), "{ours}");
}

#[test]
fn bad_requests_are_refused_clearly() {
    let out = nlkit(&["taskstats", "4194305"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), "Error: no such process: 4194305");
    let out = nlkit(&["taskstats"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("which task?"));
    let out = nlkit(&["taskstats", "--listen", "--cpus", "0-99999", "--timeout", "2"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the kernel refused to register CPUs \"0-99999\""), "{err}");
    let out = nlkit(&["taskstats", "--cpus", "0", "1"]);
    assert_eq!(out.status.code(), Some(2), "--cpus without --listen");
}
