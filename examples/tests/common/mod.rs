//! Test fixtures for running the demo programs against each other: a
//! throwaway network namespace per test (deleted on drop), background
//! processes that are killed on drop and whose stderr is read line by line
//! (to wait for "ready" without sleeping), and one-shot runs of a program.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// How long a background program may take to say it is ready.
const READY_WITHIN: Duration = Duration::from_secs(10);

/// A unique number within this test process.
pub fn unique() -> u32 {
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// A network namespace made with `ip netns add`, removed on drop.
pub struct TestNs {
    pub name: String,
}

impl TestNs {
    pub fn new(tag: &str) -> TestNs {
        let name = format!("nlkit-ex-{tag}-{}-{}", std::process::id(), unique());
        let out = Command::new("ip").args(["netns", "add", &name]).output().expect("spawn ip");
        assert!(
            out.status.success(),
            "ip netns add {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        TestNs { name }
    }
}

impl Drop for TestNs {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["netns", "del", &self.name]).status();
    }
}

/// A program running in the background: killed and reaped on drop. Its
/// stderr is read by a thread, line by line, so the pipe never fills.
pub struct Background {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Background {
    /// Starts `bin` with `args`, stdout and stderr piped.
    pub fn start(bin: &str, args: &[&str]) -> Background {
        let mut child = Command::new(bin)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Background { child, lines, seen: Vec::new() }
    }

    /// Waits until a stderr line contains `needle`; panics with everything
    /// seen if it does not come within a few seconds.
    pub fn wait_for(&mut self, needle: &str) {
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    let found = line.contains(needle);
                    self.seen.push(line);
                    if found {
                        return;
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    panic!("no line with {needle:?} on stderr; saw {:#?}", self.seen)
                }
            }
        }
    }

    /// Every stderr line so far.
    pub fn stderr(&mut self) -> Vec<String> {
        self.seen.extend(self.lines.try_iter());
        self.seen.clone()
    }

    /// Waits for the program to exit and returns its status and stdout.
    pub fn finish(&mut self) -> (ExitStatus, String) {
        let mut stdout = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            out.read_to_string(&mut stdout).expect("read stdout");
        }
        (self.child.wait().expect("wait"), stdout)
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `bin` with `args` to completion.
pub fn run(bin: &str, args: &[&str]) -> Output {
    Command::new(bin).args(args).stdin(Stdio::null()).output().expect("spawn")
}

/// A program's stdout, after asserting it succeeded.
pub fn stdout_of(bin: &str, args: &[&str]) -> String {
    let out = run(bin, args);
    assert!(
        out.status.success(),
        "{bin} {args:?} failed with {}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// A temporary file with `content`, removed on drop.
pub struct TempFile {
    pub path: std::path::PathBuf,
}

impl TempFile {
    pub fn new(tag: &str, content: &str) -> TempFile {
        let name = format!("nlkit-ex-{tag}-{}-{}.txt", std::process::id(), unique());
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, content).expect("write temp file");
        TempFile { path }
    }

    pub fn as_str(&self) -> &str {
        self.path.to_str().expect("utf-8 temp path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
