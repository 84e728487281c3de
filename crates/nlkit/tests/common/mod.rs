//! Throwaway network namespaces for real-kernel tests: each test gets its
//! own, uniquely named, deleted when the test ends (even if it fails).
// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A network namespace made with `ip netns add`, removed on drop.
pub struct TestNs {
    pub name: String,
}

impl TestNs {
    pub fn new(tag: &str) -> TestNs {
        let name =
            format!("nlkit-{tag}-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        run(&["ip", "netns", "add", &name]);
        TestNs { name }
    }

    /// Runs a command inside the namespace and asserts it succeeded.
    pub fn exec(&self, cmd: &[&str]) {
        let mut args = vec!["ip", "netns", "exec", &self.name];
        args.extend_from_slice(cmd);
        run(&args);
    }

    pub fn netns(&self) -> nlkit::Netns<'_> {
        nlkit::Netns::Name(&self.name)
    }
}

impl Drop for TestNs {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.name]).status();
    }
}

pub fn run(args: &[&str]) {
    let out = Command::new(args[0]).args(&args[1..]).output().expect("spawn");
    assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// Output of a command, as text.
pub fn output(args: &[&str]) -> String {
    let out = Command::new(args[0]).args(&args[1..]).output().expect("spawn");
    assert!(out.status.success(), "{args:?} failed");
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Prints a figure for `tools/reliability.py`, which collects these lines
/// from the tests' output into RELIABILITY.md (`FIGURE key = value`; a
/// key printed several times gives several lines, in order).
pub fn figure(key: &str, value: impl std::fmt::Display) {
    eprintln!("FIGURE {key} = {value}");
}
