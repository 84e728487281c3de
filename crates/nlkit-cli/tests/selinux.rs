//! `nlkit selinux monitor`: where SELinux is not enabled (this machine)
//! it says the kernel sends nothing and stops at its deadline; a notice
//! multicast by a user process is refused, never printed.

mod common;

use common::Ns;
use std::process::{Command, Stdio};

#[test]
fn without_selinux_the_monitor_says_so() {
    let out = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["selinux", "monitor", "--timeout", "0.3"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    if !std::path::Path::new("/sys/fs/selinux/enforce").exists() {
        assert!(err.contains("SELinux is not enabled here"), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_spoofed_notice_is_refused() {
    let ns = Ns::new("selinux");
    let child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", &ns.0, "-j", "selinux", "monitor", "--timeout", "1.5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    // SELNL_MSG_SETENFORCE, val 1, to group 1 from a user process. The
    // kernel multicasts it, then refuses the copy to port 0 (its SELinux
    // socket lives in the initial namespace only): ECONNREFUSED, after.
    let sent = Command::new("ip")
        .args(["netns", "exec", &ns.0, "python3", "-c"])
        .arg(
            "import socket, struct\n\
             s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 7); s.bind((0, 0))\n\
             try:\n    s.sendto(struct.pack('=IHHIIi', 20, 0x10, 0, 0, 0, 1), (0, 1))\n\
             except ConnectionRefusedError:\n    pass",
        )
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(err.contains("refused a datagram from port"), "{err}");
}
