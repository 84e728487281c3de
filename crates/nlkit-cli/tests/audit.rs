//! `nlkit audit` against the real kernel: the status and rules as a raw
//! `AUDIT_GET`/`AUDIT_LIST_RULES` decoded by python reads them (read-only:
//! the audit state is the machine's), a `USER_AVC` record (which the
//! kernel logs even with auditing disabled, changing no state) seen by the
//! monitor with its text, and a datagram multicast by a user process
//! refused.

mod common;

use common::Ns;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Runs python `code` in `ns`; returns its stdout.
fn python(ns: &Ns, code: &str) -> String {
    let out =
        Command::new("ip").args(["netns", "exec", &ns.0, "python3", "-c", code]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

const RAW_STATUS: &str = r#"
import socket, struct
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9); s.bind((0, 0))
s.send(struct.pack("=IHHII", 16, 1000, 1, 1, 0))
d = s.recv(65536)
print(" ".join(str(v) for v in struct.unpack("=11I", d[16:60])))
s.send(struct.pack("=IHHII", 16, 1013, 0x301, 2, 0))
n = 0
while True:
    d = s.recv(65536)
    t = struct.unpack("=H", d[4:6])[0]
    if t in (2, 3): break
    n += 1
print(n)
"#;

#[test]
fn status_and_rules_are_the_kernels() {
    let ns = Ns::new("audit");
    let raw = python(&ns, RAW_STATUS);
    let mut lines = raw.lines();
    let words: Vec<u64> = lines.next().unwrap().split(' ').map(|w| w.parse().unwrap()).collect();
    let rules: usize = lines.next().unwrap().parse().unwrap();
    let v: Value = serde_json::from_str(&ns.nlkit_ok(&["-j", "audit", "status"])).unwrap();
    let names = ["enabled", "failure", "pid", "rate_limit", "backlog_limit"];
    for (i, name) in names.iter().enumerate() {
        assert_eq!(v[name], words[i + 1], "{name}: {v}");
    }
    assert_eq!(v["feature_bitmap"], words[8]);
    assert_eq!(v["backlog_wait_time"], words[9]);
    let text = ns.nlkit_ok(&["audit", "status"]);
    assert!(text.starts_with(&format!("enabled {}\nfailure {}\n", words[1], words[2])), "{text}");
    let listed: Vec<Value> = serde_json::from_str(&ns.nlkit_ok(&["-j", "audit", "rules"])).unwrap();
    assert_eq!(listed.len(), rules);
    if rules == 0 {
        assert_eq!(ns.nlkit_ok(&["audit", "rules"]), "No rules\n");
    }
}

/// A record the kernel logs with auditing off (`AUDIT_USER_AVC`), seen
/// by the monitor in the initial namespace (where the kernel multicasts).
#[test]
fn the_monitor_sees_a_user_avc_record() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-j", "audit", "monitor", "--timeout", "10"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut ready).unwrap();
    assert!(ready.starts_with("monitoring"), "{ready}");
    // The same record through `nlkit monitor audit` (the merged monitor).
    let mut merged = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["monitor", "audit", "link"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(merged.stderr.take().unwrap()).read_line(&mut ready).unwrap();
    assert!(ready.starts_with("monitoring link, audit"), "{ready}");
    let tag = format!("nlkit-test-{}", std::process::id());
    let ns = Ns::new("audit-avc");
    python(
        &ns,
        &format!(
            "import socket, struct\n\
             s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9); s.bind((0, 0))\n\
             t = b'{tag}\\0'\n\
             s.send(struct.pack('=IHHII', 16 + len(t), 1107, 5, 1, 0) + t)\n\
             d = s.recv(65536); assert struct.unpack('=i', d[16:20])[0] == 0"
        ),
    );
    let mut found = None;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
        if v["records"][0]["text"].as_str().is_some_and(|t| t.contains(&tag)) {
            found = Some(v);
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut line = None;
    for l in BufReader::new(merged.stdout.take().unwrap()).lines() {
        let l = l.unwrap();
        if l.contains(&tag) {
            line = Some(l);
            break;
        }
    }
    let _ = merged.kill();
    let _ = merged.wait();
    let line = line.expect("the merged monitor printed no record with the tag");
    assert!(line.starts_with("[AUDIT]type=USER_AVC msg=audit("), "{line}");
    let v = found.expect("no USER_AVC record with the tag");
    assert_eq!(v["records"][0]["type"], "USER_AVC");
    assert_eq!(v["records"][0]["type_id"], 1107);
    assert!(v["serial"].as_u64().unwrap() > 0);
    assert!(v["records"][0]["text"].as_str().unwrap().contains("uid=0"), "{v}");
}

/// A user process multicasting to the audit group is not the kernel:
/// refused and said, never printed as a record.
#[test]
fn a_spoofed_record_is_refused() {
    let ns = Ns::new("audit-spoof");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", &ns.0, "audit", "monitor", "--timeout", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut ready = String::new();
    err.read_line(&mut ready).unwrap();
    assert!(ready.starts_with("monitoring"), "{ready}");
    python(
        &ns,
        "import socket, struct\n\
         s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9); s.bind((0, 0))\n\
         t = b'audit(1.000:7): fake\\0'\n\
         s.sendto(struct.pack('=IHHII', 16 + len(t), 1107, 0, 0, 0) + t, (0, 1))",
    );
    let out = child.wait_with_output().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(rest.contains("initial network namespace only"), "{rest}");
    assert!(rest.contains("refused a datagram from port"), "{rest}");
}
