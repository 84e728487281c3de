//! `nlkit raw send|listen` end to end: the real binary, the real kernel, a
//! throwaway namespace per test.

mod common;

use common::Ns;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

fn nlkit(ns: &Ns, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_nlkit")).args(args).args(["--netns", &ns.0]).output().unwrap()
}

/// Starts `nlkit -j raw listen` and waits until it says it is listening.
fn listener(ns: &Ns, args: &[&str]) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-j", "raw", "listen", "--netns", &ns.0, "--timeout", "5"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.as_mut().unwrap()).read_line(&mut line).unwrap();
    assert!(line.starts_with("listening on"), "{line}");
    child
}

fn json_lines(child: Child) -> Vec<Value> {
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn send_text_and_lines_to_a_listener() {
    let ns = Ns::new("text");
    let l = listener(&ns, &["--proto", "usersock", "--port", "700", "--count", "5"]);
    let out = nlkit(
        &ns,
        &["raw", "send", "--proto", "2", "--to-port", "700", "--text", "hello", "--seq", "9"],
    );
    assert!(out.status.success());
    let dir = std::env::temp_dir().join(format!("nlkit-lines-{}", std::process::id()));
    std::fs::write(&dir, "first\nsecond\n").unwrap();
    let path = dir.to_str().unwrap();
    let out = nlkit(
        &ns,
        &["raw", "send", "--proto", "2", "--to-port", "700", "--lines", path, "--batch"],
    );
    assert!(out.status.success());
    let keep = ["--lines", path, "--keep-newline", "--nul"];
    let out =
        nlkit(&ns, &[&["raw", "send", "--proto", "2", "--to-port", "700"][..], &keep].concat());
    assert!(out.status.success());
    let msgs = json_lines(l);
    assert_eq!(msgs.len(), 5);
    assert_eq!(msgs[0]["text"], "hello");
    assert_eq!(msgs[0]["payload"], "68656c6c6f");
    assert_eq!(msgs[0]["seq"], 9);
    assert_eq!(msgs[0]["flags"], serde_json::json!(["REQUEST"]));
    assert_eq!(msgs[0]["port"], msgs[0]["from_port"], "header carries the sender's own port");
    assert_eq!((msgs[1]["text"].as_str(), msgs[1]["seq"].as_u64()), (Some("first"), Some(1)));
    assert_eq!((msgs[2]["text"].as_str(), msgs[2]["seq"].as_u64()), (Some("second"), Some(2)));
    // --keep-newline --nul: "first\n" and a NUL, a C string as fgets() reads it.
    assert_eq!(msgs[3]["payload"], "66697273740a00");
    assert_eq!(msgs[4]["payload"], "7365636f6e640a00");
    let _ = std::fs::remove_file(dir);
}

#[test]
fn group_send_reaches_listener_and_explains_econnrefused() {
    let ns = Ns::new("group");
    let l = listener(&ns, &["--proto", "usersock", "--groups", "1", "--count", "1"]);
    let attrs = "08000100 2a000000 09000200 76657468 00000000";
    let out = nlkit(&ns, &["raw", "send", "--proto", "2", "--groups", "1", "--hex", attrs]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ECONNREFUSED"));
    let msgs = json_lines(l);
    assert_eq!(msgs[0]["group"], 1);
    assert_eq!(msgs[0]["attrs"][0]["value"], 42);
    assert_eq!(msgs[0]["attrs"][1]["value"], "veth");
}

#[test]
fn rtnetlink_getlink_with_wait_prints_reply_and_ack() {
    let ns = Ns::new("getlink");
    let ifinfomsg = "00000000 01000000 00000000 00000000";
    let out = nlkit(
        &ns,
        &[
            "-j",
            "raw",
            "send",
            "--proto",
            "route",
            "--type",
            "18",
            "--flags",
            "REQUEST,ACK",
            "--hex",
            ifinfomsg,
            "--wait",
        ],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let msgs: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(msgs.len(), 2, "RTM_NEWLINK then the ACK");
    assert_eq!(msgs[0]["type"], 16);
    assert_eq!(msgs[0]["attrs_offset"], 16, "after struct ifinfomsg");
    let name = msgs[0]["attrs"].as_array().unwrap().iter().find(|a| a["type"] == 3).unwrap();
    assert_eq!(name["value"], "lo");
    assert_eq!(msgs[1]["type_name"], "ERROR");
    assert_eq!(msgs[1]["error"]["errno"], 0);
}

#[test]
fn kernel_error_text_and_exit_status() {
    let ns = Ns::new("err");
    let req = "00000000 00000000 00000000 00000000 0c001200 08000100 78780000";
    let out = nlkit(
        &ns,
        &[
            "raw",
            "send",
            "--proto",
            "route",
            "--type",
            "16",
            "--flags",
            "REQUEST,ACK,CREATE,EXCL",
            "--hex",
            req,
            "--wait",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "a kernel refusal, as ip exits");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err, "Error: Unknown device type.\n");
}

#[test]
fn clear_errors_for_missing_protocol_and_busy_port() {
    let ns = Ns::new("errors");
    let out = nlkit(&ns, &["raw", "listen", "--proto", "29"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not supported by this kernel"));
    let l = listener(&ns, &["--proto", "usersock", "--port", "701", "--count", "1"]);
    let out = nlkit(&ns, &["raw", "listen", "--proto", "usersock", "--port", "701"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("port id 701 is already in use"));
    let out = nlkit(&ns, &["raw", "send", "--proto", "2", "--to-port", "701", "--hex", "abc"]);
    assert_eq!(out.status.code(), Some(2), "usage error");
    let out = nlkit(&ns, &["raw", "send", "--proto", "2", "--to-port", "701", "--text", "bye"]);
    assert!(out.status.success());
    assert_eq!(json_lines(l)[0]["text"], "bye");
}

#[test]
fn permission_denied_is_named() {
    // As nobody, inside a namespace: sending to an rtnetlink group needs
    // CAP_NET_ADMIN, so the kernel refuses with EPERM.
    let ns = Ns::new("perm");
    let out = Command::new("ip")
        .args([
            "netns",
            "exec",
            &ns.0,
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ])
        .args([env!("CARGO_BIN_EXE_nlkit"), "raw", "send", "--proto", "route", "--groups", "1"])
        .args(["--text", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("permission denied"));
}

#[test]
fn bad_values_are_refused_before_anything_is_sent() {
    let ns = Ns::new("values");
    let l = listener(&ns, &["--proto", "usersock", "--port", "702", "--count", "1"]);
    let send = |extra: &[&str]| {
        let base = ["raw", "send", "--proto", "usersock", "--to-port", "702"];
        nlkit(&ns, &[&base[..], extra].concat())
    };
    for bad in [
        &["--hex", "+1"][..],
        &["--text", "x", "--timeout", "NaN"],
        &["--text", "x", "--timeout", "inf"],
    ] {
        let out = send(bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: a usage error");
    }
    // The listener got nothing from those; this one is the first.
    assert!(send(&["--text", "ok"]).status.success());
    assert_eq!(json_lines(l)[0]["text"], "ok");
}

#[test]
fn a_namespace_name_that_is_a_fifo_fails_instead_of_hanging() {
    let name = format!("nlkit-fifo-{}", std::process::id());
    let path = format!("/run/netns/{name}");
    let _ = std::fs::create_dir_all("/run/netns");
    assert!(Command::new("mkfifo").arg(&path).status().unwrap().success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", &name, "link", "show"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            let _ = std::fs::remove_file(&path);
            panic!("nlkit -n FIFO hangs");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let _ = std::fs::remove_file(&path);
    assert!(!status.success());
}

/// On NETLINK_ROUTE, a message nlkit has tables for is read by them: the
/// object, each attribute named and typed, kinds the tables lack kept with
/// their bytes.
#[test]
fn route_messages_are_read_by_the_tables_metadata() {
    let ns = Ns::new("rawmeta");
    let dump = "00000000000000000000000000000000";
    let args = ["-j", "raw", "send", "--proto", "route", "--type", "18", "--flags", "request,dump"];
    let out = nlkit(&ns, &[&args[..], &["--hex", dump, "--wait"]].concat());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let lo: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(lo["object"], "link");
    assert_eq!(lo["attrs_offset"], 16);
    let attrs = lo["attrs"].as_array().unwrap();
    let by_name = |n: &str| attrs.iter().find(|a| a["name"] == n).cloned().unwrap_or(Value::Null);
    assert_eq!(by_name("name")["value"], "lo");
    assert_eq!(by_name("mtu")["value"], 65536);
    assert_eq!(by_name("qdisc")["value"], "noop");
    // A structure (rtnl_link_stats64) is kept as its bytes.
    assert_eq!(by_name("stats64")["hex"].as_str().map(str::len), Some(2 * 200));
    // Every attribute is there, named or not, with its bytes or children.
    assert!(attrs.iter().all(|a| a["type"].as_u64().is_some()));
}
