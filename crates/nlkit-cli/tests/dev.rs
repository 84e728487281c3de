//! `nlkit dev PATH ...` on devices every machine has (/dev/ptmx, /dev/null)
//! and on a scratch file: read, write, seek, ioctl by name, number and
//! macro with typed fields, mmap read-only and written, and the errors.

use std::process::{Command, Output};

fn nlkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nlkit")).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = nlkit(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn fails(args: &[&str], text: &str) {
    let out = nlkit(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert!(err.contains(text), "expected {text:?} in: {err}");
}

#[test]
fn ioctl_by_name_number_and_macro_with_fields() {
    // TIOCGPTN three ways: the pty number, as a u32 field.
    let by_name = ok(&["-j", "dev", "/dev/ptmx", "ioctl", "TIOCGPTN", "--fields", "u32"]);
    let v: serde_json::Value = serde_json::from_str(&by_name).unwrap();
    assert_eq!((v["request"].as_str(), v["result"].as_u64()), (Some("0x80045430"), Some(0)));
    assert_eq!(v["fields"][0]["type"], "u32");
    assert!(v["fields"][0]["value"].as_u64().is_some());
    for req in ["0x80045430", "_IOR('T', 0x30, unsigned int)"] {
        let text = ok(&["dev", "/dev/ptmx", "ioctl", req, "--fields", "u32"]);
        assert!(text.starts_with("request 0x80045430 _IOR('T', 0x30, 4)\nresult  0\nbytes   4: "));
        assert!(text.contains("\nfields  u32 "), "{text}");
    }
    // A legacy number with a struct: --size, answered in four u16 fields.
    let ws = ok(&[
        "dev",
        "/dev/ptmx",
        "ioctl",
        "TIOCGWINSZ",
        "--size",
        "8",
        "--fields",
        "u16,u16,u16,u16",
    ]);
    assert!(ws.contains("bytes   8: "), "{ws}");
    // Too small: the driver's copy runs into the guard page, and says so.
    fails(
        &["dev", "/dev/ptmx", "ioctl", "TIOCGWINSZ", "--size", "4"],
        "ioctl TIOCGWINSZ _IO('T', 0x13) (0x00005413: none, type 'T', nr 19, size 0) on /dev/ptmx: \
         Bad address (errno 14)",
    );
    fails(
        &["dev", "/dev/null", "ioctl", "_IOR('m', 1, 40)"],
        "ioctl _IOR('m', 0x1, 40) (0x80286d01: read, type 'm', nr 1, size 40) on /dev/null: \
         Inappropriate ioctl for device (errno 25)",
    );
    fails(&["dev", "/dev/null", "ioctl", "_IOW('m', 2, 4)", "--hex", "0102030405"], "takes 4");
    fails(&["dev", "/dev/null", "ioctl", "_IOW('m', 2, 4)", "--int", "5"], "by pointer");
    fails(&["dev", "/dev/null", "ioctl", "_IOR('m', 1, struct x)"], "C scalar type");
}

#[test]
fn read_write_seek_and_mmap_a_file() {
    let path = std::env::temp_dir().join(format!("nlkit-dev-cli-{}", std::process::id()));
    let mut content = b"hello, device".to_vec();
    content.resize(8192, 0);
    std::fs::write(&path, &content).unwrap();
    let p = path.to_str().unwrap();
    assert_eq!(ok(&["dev", p, "read", "--len", "5"]), "hello");
    assert_eq!(ok(&["dev", p, "read", "--seek", "7", "--len", "6"]), "device");
    assert_eq!(ok(&["dev", p, "seek", "-1", "--whence", "end"]), "position 8191\n");
    assert_eq!(ok(&["dev", p, "write", "--text", "HELLO", "--seek", "0"]), "wrote 5 of 5 bytes\n");
    let dump = ok(&["dev", p, "mmap", "--len", "4096"]);
    assert!(dump.starts_with("00000000  48 45 4c 4c 4f 2c"), "{dump}");
    let v: serde_json::Value =
        serde_json::from_str(&ok(&["-j", "dev", p, "read", "--len", "2"])).unwrap();
    assert_eq!((v["hex"].as_str(), v["text"].as_str()), (Some("4845"), Some("HE")));
    // A written mapping writes through to the file; a read-only one cannot.
    ok(&["dev", p, "mmap", "--write-hex", "2a2a", "--at", "1", "--text"]);
    assert_eq!(&std::fs::read(&path).unwrap()[..4], b"H**L");
    let out = nlkit(&["dev", p, "mmap", "--offset", "8192"]);
    assert_eq!(out.status.code(), Some(1), "past the end of a regular file");
    std::fs::remove_file(&path).unwrap();
    fails(&["dev", "/nonexistent/dev", "read"], "No such file or directory");
}

/// Sizes nobody could mean are bounded: `read` streams what it reads (a
/// reader that stops after 10 bytes of an endless device ends it, the
/// memory never filled), `-j`, which holds the bytes, stops at 64 MiB,
/// and an ioctl `--size` or a `raw send --pad-to` past 64 MiB is refused
/// before anything is allocated. A small file maps whole by default.
#[test]
fn huge_sizes_are_streamed_or_refused() {
    use std::io::Read;
    let mut child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["dev", "/dev/zero", "read", "--len", "18446744073709551615"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut ten = [1u8; 10];
    child.stdout.as_mut().unwrap().read_exact(&mut ten).unwrap();
    assert_eq!(ten, [0; 10]);
    drop(child.stdout.take());
    assert!(child.wait().unwrap().success(), "a closed pipe ends the read quietly");
    fails(&["-j", "dev", "/dev/zero", "read", "--len", "99999999999"], "more than 64 MiB");
    fails(
        &["dev", "/dev/null", "ioctl", "FIONREAD", "--size", "99999999999"],
        "--size 99999999999",
    );
    fails(
        &["raw", "send", "--proto", "route", "--pad-to", "18446744073709551615", "--text", "x"],
        "--pad-to 18446744073709551615 is more than 64 MiB",
    );
    let file = std::env::temp_dir().join(format!("nlkit-dev-small-{}", std::process::id()));
    std::fs::write(&file, b"hello").unwrap();
    let map = ok(&["dev", file.to_str().unwrap(), "mmap"]);
    assert!(map.contains("68 65 6c 6c 6f") && map.contains("|hello|"), "{map}");
    std::fs::remove_file(&file).unwrap();
}
