//! Helpers for CLI tests: a throwaway namespace per test, and running
//! `nlkit` and `ip` in it.
#![allow(dead_code)]

use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

pub struct Ns(pub String);

impl Ns {
    pub fn new(tag: &str) -> Ns {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("nlkit-cli-{tag}-{}-{n}", std::process::id());
        assert!(Command::new("ip").args(["netns", "add", &name]).status().unwrap().success());
        Ns(name)
    }

    /// Runs `ip -n NS ARGS...` and asserts success; returns stdout.
    pub fn ip(&self, args: &[&str]) -> String {
        let out = Command::new("ip").args(["-n", &self.0]).args(args).output().unwrap();
        assert!(out.status.success(), "ip {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `nlkit -n NS ARGS...`.
    pub fn nlkit(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_nlkit")).args(["-n", &self.0]).args(args).output().unwrap()
    }

    /// Runs `nlkit -n NS ARGS...`, asserts success, returns stdout.
    pub fn nlkit_ok(&self, args: &[&str]) -> String {
        let out = self.nlkit(args);
        assert!(out.status.success(), "nlkit {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }
}

impl Drop for Ns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
    }
}

/// Runs `PROGRAM -n NS WORDS...` (words split on blanks): its standard
/// error and whether it succeeded.
pub fn stderr_of(program: &str, ns: &Ns, words: &str) -> (String, bool) {
    let out =
        Command::new(program).args(["-n", &ns.0]).args(words.split_whitespace()).output().unwrap();
    (String::from_utf8_lossy(&out.stderr).into_owned(), out.status.success())
}

/// Parses a JSON array printed by `ip -j` or `nlkit -j`.
pub fn json_array(text: &str) -> Vec<serde_json::Value> {
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Array(v)) => v,
        other => panic!("not a JSON array: {other:?}\n{text}"),
    }
}

/// Prints a figure for `tools/reliability.py`, which collects these lines
/// from the tests' output into RELIABILITY.md (`FIGURE key = value`; a
/// key printed several times gives several lines, in order).
pub fn figure(key: &str, value: impl std::fmt::Display) {
    eprintln!("FIGURE {key} = {value}");
}
