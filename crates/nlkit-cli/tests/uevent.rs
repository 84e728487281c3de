//! `nlkit uevent monitor` in a throwaway namespace: a veth pair's
//! devices, as text with properties and as JSON; a forged datagram is
//! said on stderr, not printed.

mod common;

use common::Ns;
use std::process::{Command, Stdio};
use std::time::Duration;

fn monitor(ns: &Ns, args: &[&str]) -> std::process::Child {
    let child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", &ns.0])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300)); // the group joined
    child
}

#[test]
fn a_veth_pair_as_text_and_json() {
    let ns = Ns::new("uevent");
    let text = monitor(
        &ns,
        &[
            "uevent",
            "monitor",
            "--subsystem",
            "net",
            "--property",
            "--count",
            "2",
            "--timeout",
            "5",
        ],
    );
    let json = monitor(
        &ns,
        &["-j", "uevent", "monitor", "--subsystem", "net", "--count", "2", "--timeout", "5"],
    );
    ns.ip(&["link", "add", "w0", "type", "veth", "peer", "name", "w1"]);
    let text = text.wait_with_output().unwrap();
    let out = String::from_utf8(text.stdout).unwrap();
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    assert!(
        out.lines()
            .any(|l| l.starts_with("KERNEL[")
                && l.ends_with("add      /devices/virtual/net/w0 (net)")),
        "{out}"
    );
    assert!(out.contains("\nINTERFACE=w0\n") && out.contains("\nSUBSYSTEM=net\n"), "{out}");
    let json = json.wait_with_output().unwrap();
    let events: Vec<serde_json::Value> = String::from_utf8(json.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events.len(), 2);
    let names: Vec<&str> =
        events.iter().map(|e| e["properties"]["INTERFACE"].as_str().unwrap()).collect();
    assert!(names.contains(&"w0") && names.contains(&"w1"), "{names:?}");
    assert!(events.iter().all(|e| e["action"] == "add" && e["seqnum"].is_u64()));
}

#[test]
fn a_forged_datagram_is_said_not_shown() {
    let ns = Ns::new("uevent-forged");
    let child = monitor(&ns, &["uevent", "monitor", "--timeout", "1"]);
    // A user process sends an "add" to the kernel's group (and to no
    // kernel socket: one sent to port 0 as well is a uevent the kernel
    // itself broadcasts again, from port 0, for a process with
    // CAP_SYS_ADMIN over the namespace; see nlkit::uevent).
    let forged = ["raw", "send", "--proto", "15", "--to-port", "4000000", "--groups", "1"];
    let sent = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", &ns.0])
        .args(forged)
        .args(["--text", "add@/devices/virtual/net/evil"])
        .output()
        .unwrap();
    assert!(sent.status.success(), "{}", String::from_utf8_lossy(&sent.stderr));
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("evil"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refused a datagram from port") && err.contains("not from the kernel"),
        "{err}"
    );
}

#[test]
fn udevs_group_as_text_and_json_filtered_by_subsystem_and_tag() {
    let ns = Ns::new("uevent-udev");
    let text = monitor(
        &ns,
        &["uevent", "monitor", "--udev", "--subsystem", "net", "--count", "1", "--timeout", "5"],
    );
    let json = monitor(
        &ns,
        &[
            "-j",
            "uevent",
            "monitor",
            "--udev",
            "--tag",
            "uaccess",
            "--count",
            "1",
            "--timeout",
            "5",
        ],
    );
    // As udevd sends them, from a root process, to group 2.
    for props in [
        &["ACTION=add", "DEVPATH=/devices/virtual/block/loop0", "SUBSYSTEM=block", "SEQNUM=2"][..],
        &[
            "ACTION=add",
            "DEVPATH=/devices/virtual/net/v0",
            "SUBSYSTEM=net",
            "SEQNUM=3",
            "TAGS=:uaccess:",
        ],
    ] {
        let hex: String =
            nlkit::uevent::udev::build(props).iter().map(|b| format!("{b:02x}")).collect();
        let sent = Command::new(env!("CARGO_BIN_EXE_nlkit"))
            .args(["-n", &ns.0, "raw", "send", "--proto", "15", "--to-port", "4000000"])
            .args(["--groups", "2", "--bare", "--hex", &hex])
            .output()
            .unwrap();
        assert!(sent.status.success(), "{}", String::from_utf8_lossy(&sent.stderr));
    }
    let text = text.wait_with_output().unwrap();
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    assert_eq!(
        String::from_utf8(text.stdout).unwrap(),
        "UDEV  [3] add      /devices/virtual/net/v0 (net)\n"
    );
    let json = json.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!((v["source"].as_str(), v["subsystem"].as_str()), (Some("udev"), Some("net")), "{v}");
    assert_eq!(
        (v["seqnum"].as_u64(), v["properties"]["TAGS"].as_str()),
        (Some(3), Some(":uaccess:"))
    );
}

/// Lost uevents are counted: the monitor (a 64 KiB receive buffer) is
/// stopped while 3,000 uevents are made in its namespace (`change`
/// written to `lo`'s uevent file), then one more after it runs again;
/// it says the overrun, and what it printed plus what it said it lost by
/// `SEQNUM` covers every number from the first it saw to the last, at
/// least the 3,001 made (more only if uevents elsewhere took numbers).
#[test]
fn lost_uevents_are_counted_by_seqnum() {
    let ns = Ns::new("uevent-lost");
    let child = monitor(
        &ns,
        &["-rcvbuf", "65536", "-j", "uevent", "monitor", "--kernel", "--timeout", "30"],
    );
    let pid = child.id().to_string();
    let change = |n: u32| {
        let script = format!(
            "i=0; while [ $i -lt {n} ]; do echo change > /sys/class/net/lo/uevent; i=$((i+1)); done"
        );
        let ok = Command::new("ip")
            .args(["netns", "exec", &ns.0, "sh", "-c", &script])
            .status()
            .unwrap()
            .success();
        assert!(ok);
    };
    assert!(Command::new("kill").args(["-STOP", &pid]).status().unwrap().success());
    change(3000);
    assert!(Command::new("kill").args(["-CONT", &pid]).status().unwrap().success());
    std::thread::sleep(Duration::from_millis(500));
    change(1);
    std::thread::sleep(Duration::from_millis(500));
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let (mut seqs, mut lost) = (Vec::new(), 0);
    for line in String::from_utf8(out.stdout).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        match v["event"].as_str() {
            Some("lost") => lost += v["count"].as_u64().unwrap(),
            _ => seqs.push(v["seqnum"].as_u64().unwrap()),
        }
    }
    assert!(err.contains("KERNEL: uevents were lost (ENOBUFS)"), "{err}");
    assert!(err.contains("uevents lost, by SEQNUM"), "{err}");
    let span = seqs.last().unwrap() - seqs[0] + 1;
    let printed = seqs.len() as u64;
    assert!(lost > 0 && printed < 3001, "{printed} printed, {lost} lost");
    assert_eq!(printed + lost, span, "every number printed or said lost");
    assert!(span >= 3001, "{span}");
    eprintln!("{printed} printed + {lost} said lost = {span}");
}
