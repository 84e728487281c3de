//! Regression tests for commands that once destroyed or changed state the
//! user did not name, and for output to closed pipes. Each runs in its own
//! throwaway namespace; the host is only read, to check it is unchanged.

mod common;

use common::Ns;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `rule del` needs a selector (with none the kernel would take `lookup
/// local`); one that several rules match deletes the first, as ip does, so
/// `while nlkit rule del table N` removes them all; a rule of any action
/// (prohibit, blackhole, goto) is deleted by its selectors alone.
#[test]
fn rule_delete_needs_a_selector_and_takes_what_ip_takes() {
    let ns = Ns::new("rule-del");
    let before = ns.ip(&["rule", "show"]);
    for words in [&["rule", "del"][..], &["rule", "del", "from", "all"], &["rule", "delete", "not"]]
    {
        let out = ns.nlkit(words);
        assert_eq!(out.status.code(), Some(1), "{words:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("requires a selector"), "{}", stderr(&out));
    }
    assert_eq!(ns.ip(&["rule", "show"]), before, "an empty selector deleted a rule");

    let twin = Ns::new("rule-del-ip");
    for ns in [&ns, &twin] {
        ns.ip(&["rule", "add", "from", "10.0.0.0/8", "table", "100", "prio", "100"]);
        ns.ip(&["rule", "add", "from", "10.1.0.0/16", "table", "100", "prio", "200"]);
        ns.ip(&["rule", "add", "prio", "2003", "prohibit"]);
        ns.ip(&["rule", "add", "prio", "2004", "from", "10.2.0.0/16", "blackhole"]);
        ns.ip(&["rule", "add", "prio", "2002", "goto", "2003"]);
    }
    let steps: [&[&str]; 5] = [
        &["rule", "del", "table", "100"],
        &["rule", "del", "pref", "2002"],
        &["rule", "del", "pref", "2003"],
        &["rule", "del", "from", "10.2.0.0/16"],
        &["rule", "del", "table", "100"],
    ];
    for words in steps {
        ns.nlkit_ok(words);
        twin.ip(words);
        assert_eq!(ns.ip(&["rule", "show"]), twin.ip(&["rule", "show"]), "after {words:?}");
    }
    assert_eq!(ns.ip(&["rule", "show"]), before, "every added rule deleted");
    // Nothing matching is the kernel's refusal, in ip's words and status.
    let out = ns.nlkit(&["rule", "del", "table", "55"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "RTNETLINK answers: No such file or directory\n");
}

#[test]
fn address_flush_refuses_to_take_every_address() {
    let ns = Ns::new("addr-flush");
    ns.ip(&["link", "add", "d0", "type", "veth", "peer", "name", "d1"]);
    ns.ip(&["addr", "add", "10.9.0.1/24", "dev", "d0"]);
    ns.ip(&["link", "set", "lo", "up"]);
    for words in
        [&["addr", "flush"][..], &["addr", "flush", "scope", "all"], &["-4", "addr", "flush"]]
    {
        let out = ns.nlkit(words);
        assert_eq!(out.status.code(), Some(1), "{words:?}: {}", stderr(&out));
    }
    let all = ns.ip(&["-4", "addr", "show"]);
    assert!(all.contains("127.0.0.1/8") && all.contains("10.9.0.1/24"), "{all}");
    // The explicit form takes only what it names.
    ns.nlkit_ok(&["addr", "flush", "dev", "d0"]);
    let all = ns.ip(&["-4", "addr", "show"]);
    assert!(all.contains("127.0.0.1/8") && !all.contains("10.9.0.1"), "{all}");
}

#[test]
fn sysctl_under_netns_touches_only_the_namespace_s_keys() {
    let ns = Ns::new("sysctl-own");
    let host_name = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    let out = ns.nlkit(&["sysctl", "-w", "kernel.hostname=nlkit-must-not-set-this"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not a key of network namespace"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap(), host_name);
    // Reads of global keys are refused too, not shown as the namespace's.
    let out = ns.nlkit(&["sysctl", "kernel.ostype"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    // -a lists the namespace's keys only; its own keys read and write.
    let all = ns.nlkit_ok(&["sysctl", "-N", "-a"]);
    assert!(all.lines().any(|l| l == "net.ipv4.ip_forward"), "{all}");
    assert!(all.lines().all(|l| !l.starts_with("kernel.") && !l.starts_with("vm.")), "{all}");
    ns.nlkit_ok(&["sysctl", "-w", "net.ipv4.conf.all.forwarding=1"]);
    assert_eq!(ns.nlkit_ok(&["sysctl", "-n", "net.ipv4.conf.all.forwarding"]), "1\n");
}

/// Runs `nlkit ARGS` with stdout (and stderr, if `close_stderr`) read by
/// nobody, and returns its exit status within `deadline`.
fn with_closed_pipes(
    args: &[&str],
    close_stderr: bool,
    poke: impl FnOnce(),
) -> std::process::ExitStatus {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_nlkit"));
    cmd.args(args).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    drop(child.stdout.take());
    if close_stderr {
        drop(child.stderr.take());
    }
    poke();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            if let Some(mut e) = child.stderr.take() {
                let mut text = String::new();
                e.read_to_string(&mut text).unwrap();
                assert_eq!(text, "", "{args:?} wrote to stderr");
            }
            return status;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("{args:?} did not stop after its reader went away");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn closed_pipes_end_every_output_mode_quietly() {
    let ns = Ns::new("pipe");
    let routes: String =
        (0..2000).map(|i| format!("route add 10.{}.{}.0/24 dev lo\n", i / 250, i % 250)).collect();
    ns.ip(&["link", "set", "lo", "up"]);
    let path = std::env::temp_dir().join(format!("{}.batch", ns.0));
    std::fs::write(&path, routes).unwrap();
    ns.ip(&["-batch", path.to_str().unwrap()]);
    std::fs::remove_file(&path).unwrap();
    for mode in [&[][..], &["-j"], &["-j", "-p"]] {
        for object in [&["route", "show", "table", "all"][..], &["addr"], &["link"]] {
            let args: Vec<&str> = ["-n", &ns.0].iter().chain(mode).chain(object).copied().collect();
            let status = with_closed_pipes(&args, false, || {});
            assert!(status.success(), "{args:?}: {status}");
        }
    }
    // The other commands and their JSON forms.
    let getlink = "00000000 01000000 00000000 00000000";
    let raw_wait = ["-n", &ns.0, "-j", "raw", "send", "--proto", "route", "--type", "18"];
    let raw_wait: Vec<&str> = raw_wait
        .iter()
        .copied()
        .chain(["--flags", "REQUEST,ACK", "--hex", getlink, "--wait"])
        .collect();
    for args in [
        &raw_wait[..],
        &["ioctl", "decode", "0x5401", "TUNSETIFF"],
        &["-j", "ioctl", "encode", "TCGETS"],
        &["cmdline"],
        &["-j", "cmdline"],
        &["modparam"],
        &["dev", "/dev/ptmx", "ioctl", "TIOCGPTN", "--fields", "u32"],
        &["-n", &ns.0, "-j", "-p", "neigh", "show"],
        &["-n", &ns.0, "rule", "show"],
    ] {
        let status = with_closed_pipes(args, false, || {});
        assert!(status.success(), "{args:?}: {status}");
    }
    let all = with_closed_pipes(&["sysctl", "-a"], false, || {});
    assert!(all.success(), "{all}");
    let json = with_closed_pipes(&["-p", "sysctl", "-j", "-a"], false, || {});
    assert!(json.success(), "{json}");
    // monitor: its banner goes to a closed stderr, its events to a closed stdout.
    let status = with_closed_pipes(&["-n", &ns.0, "monitor"], true, || {
        std::thread::sleep(Duration::from_millis(300));
        ns.ip(&["link", "add", "p0", "type", "veth", "peer", "name", "p1"]);
    });
    assert!(status.success(), "monitor: {status}");
}
