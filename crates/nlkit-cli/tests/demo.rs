//! `nlkit demo` without the demo module: the device commands against a
//! stand-in file (read works; the ioctls are ENOTTY, said once), and the
//! errors of the commands that need the module or a file.

use std::process::{Command, Output};

fn nlkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nlkit")).args(args).output().unwrap()
}

/// Asserts exit status `code` and that stderr contains `text`.
fn fails_with(out: Output, code: i32, text: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    assert!(err.contains(text), "expected {text:?} in: {err}");
}

#[test]
fn dev_commands_on_a_stand_in_file() {
    let path = std::env::temp_dir().join(format!("nlkit-cli-demo-dev-{}", std::process::id()));
    std::fs::write(&path, b"stored bytes").unwrap();
    let dev = path.to_str().unwrap();
    let out = nlkit(&["demo", "dev", "--device", dev, "read"]);
    assert!(out.status.success());
    assert_eq!(out.stdout, b"stored bytes");
    let out = nlkit(&["demo", "dev", "--device", dev, "info"]);
    fails_with(out, 1, "Inappropriate ioctl for device");
    let out = nlkit(&["demo", "dev", "--device", dev, "info"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.matches("Inappropriate").count(), 1, "said once: {err}");
    fails_with(nlkit(&["demo", "dev", "--device", dev, "truncate", "1", "2"]), 1, "ioctl");
    fails_with(nlkit(&["demo", "dev", "--device", dev, "truncate", "-1", "2"]), 2, "-1");
    std::fs::remove_file(&path).unwrap();
    fails_with(nlkit(&["demo", "dev", "--device", dev, "read"]), 1, "No such file");
}

#[test]
fn usage_and_file_errors() {
    fails_with(nlkit(&["demo", "listen", "--group", "0"]), 2, "0");
    fails_with(
        nlkit(&["demo", "send-lines", "/nonexistent/lines"]),
        1,
        "cannot open /nonexistent/lines: No such file or directory\n",
    );
    fails_with(nlkit(&["demo", "dev", "map", "--len", "x"]), 2, "--len");
}

#[test]
fn genl_without_the_module_names_the_module() {
    // The host cannot load modules, so the family is never there.
    fails_with(
        nlkit(&["demo", "genl-echo", "hi"]),
        1,
        "generic netlink family \"nlkit_demo\" is not registered: the nlkit_demo module \
         provides it",
    );
}
