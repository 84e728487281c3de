//! `nlkit monitor`: events from the real kernel, one JSON object per line.

mod common;

use common::Ns;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

/// Starts `nlkit -n NS ARGS...` (a monitor) and waits until it says it
/// has joined its groups.
fn start_monitor(ns: &Ns, args: &[&str]) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", &ns.0])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut ready).unwrap();
    assert!(ready.starts_with("monitoring"), "{ready}");
    child
}

#[test]
fn events_print_one_json_object_each_with_timestamps() {
    let ns = Ns::new("monitor");
    let mut child = start_monitor(&ns, &["-j", "monitor", "link", "neigh", "rule", "-t"]);

    ns.ip(&["link", "add", "m0", "type", "veth", "peer", "name", "m1"]);
    ns.ip(&["neigh", "add", "10.1.0.2", "lladdr", "02:00:00:00:00:01", "dev", "m0"]);
    ns.ip(&["rule", "add", "prio", "5", "table", "5"]);
    ns.ip(&["rule", "del", "prio", "5"]);
    ns.ip(&["link", "del", "m0"]);

    let mut seen = Vec::new();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while !seen.contains(&"del link m0".to_string()) {
        let v: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
        assert!(v["timestamp"].as_f64().unwrap() > 1.6e9, "{v}");
        let key = v["ifname"].as_str().or(v["dst"].as_str()).map(str::to_owned);
        let key = key.unwrap_or_else(|| v["priority"].to_string());
        seen.push(format!(
            "{} {} {key}",
            v["event"].as_str().unwrap(),
            v["object"].as_str().unwrap()
        ));
        if v["object"] == "neigh" && v["event"] == "new" {
            assert_eq!(
                (v["dev"].as_str(), v["lladdr"].as_str()),
                (Some("m0"), Some("02:00:00:00:00:01"))
            );
        }
    }
    child.kill().unwrap();
    let _ = child.wait();
    for want in [
        "new link m0",
        "new link m1",
        "new neigh 10.1.0.2",
        "new rule 5",
        "del rule 5",
        "del link m0",
    ] {
        assert!(seen.iter().any(|s| s == want), "{want} missing from {seen:?}");
    }
}

/// A child that is killed if the test fails before it is waited for.
struct Reaped(Option<std::process::Child>);

impl Drop for Reaped {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Reaped {
    /// Kills it and returns what it printed.
    fn stdout(mut self) -> String {
        let mut c = self.0.take().unwrap();
        let _ = c.kill();
        String::from_utf8(c.wait_with_output().unwrap().stdout).unwrap()
    }
}

/// What `ip OPTS monitor WORDS` and `nlkit monitor WORDS NLKIT_OPTS` print
/// for the same events, both watching from before the first one until a
/// second after the last.
fn both_monitors(
    tag: &str,
    ip_opts: &[&str],
    words: &[&str],
    nlkit_opts: &[&str],
) -> (String, String) {
    let ns = Ns::new(tag);
    let ip = Command::new("ip")
        .args(["-n", &ns.0])
        .args(ip_opts)
        .arg("monitor")
        .args(words)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let ip = Reaped(Some(ip));
    let args: Vec<&str> = ["monitor"].iter().chain(words).chain(nlkit_opts).copied().collect();
    let ours = Reaped(Some(start_monitor(&ns, &args)));
    // ip says nothing when it is ready: give it the time it needs.
    std::thread::sleep(std::time::Duration::from_millis(400));
    for c in [
        &["link", "set", "lo", "up"][..],
        &["link", "add", "v0", "type", "veth", "peer", "name", "v1"],
        &["addr", "add", "10.50.0.1/24", "dev", "v0"],
        &["link", "set", "v0", "up"],
        &["link", "set", "v1", "up"],
        &["route", "add", "10.60.0.0/16", "via", "10.50.0.2"],
        &["route", "add", "10.61.0.0/16", "via", "10.50.0.2", "table", "100", "metric", "5"],
        &["-6", "addr", "add", "2001:db8::1/64", "dev", "v0", "nodad"],
        &["neigh", "add", "10.50.0.9", "lladdr", "02:00:00:00:00:09", "dev", "v0"],
        &[
            "neigh",
            "add",
            "2001:db8::9",
            "lladdr",
            "02:00:00:00:00:0a",
            "dev",
            "v0",
            "nud",
            "reachable",
        ],
        &["rule", "add", "prio", "5", "from", "10.0.0.0/8", "table", "5"],
        &["rule", "del", "prio", "5"],
        &["link", "add", "br0", "type", "bridge"],
        &["link", "set", "v1", "master", "br0"],
        &["link", "set", "br0", "up"],
        &["neigh", "del", "10.50.0.9", "dev", "v0"],
        &["addr", "del", "10.50.0.1/24", "dev", "v0"],
        &["link", "del", "v0"],
        &["link", "del", "br0"],
    ] {
        ns.ip(c);
    }
    std::thread::sleep(std::time::Duration::from_millis(1000));
    (ip.stdout(), ours.stdout())
}

#[test]
fn text_is_ip_monitors_line_for_line() {
    let (ip, ours) = both_monitors("mon-text", &[], &[], &[]);
    assert!(ip.lines().count() > 60, "ip saw too little:\n{ip}");
    assert_eq!(ours, ip, "nlkit monitor and ip monitor differ");
    for want in ["Deleted 5:\tfrom 10.0.0.0/8 lookup 5", "broadcast 10.50.0.255 dev v0 table local"]
    {
        assert!(ours.contains(want), "{want}");
    }
    assert!(ours.contains("inet v0 forwarding off rp_filter off"), "netconf notices");
}

#[test]
fn labels_and_timestamps_as_ip_prints_them() {
    // nlkit's `all` merges the other channels too (here the veths'
    // uevents, one line each): without them, ip's lines.
    let (ip, ours) = both_monitors("mon-label", &[], &["all"], &[]);
    assert!(ours.contains("[UEVENT]KERNEL["), "{ours}");
    let rtnl: String =
        ours.lines().filter(|l| !l.starts_with("[UEVENT]")).map(|l| format!("{l}\n")).collect();
    assert_eq!(rtnl, ip);
    assert!(ours.contains("[ROUTE]Deleted broadcast 10.50.0.255"), "{ours}");
    let (ip, ours) = both_monitors("mon-obj", &[], &["route", "rule"], &[]);
    assert_eq!(ours, ip);
    assert!(!ours.contains("link/ether"), "links not asked for");
    // The times differ by microseconds: compare them masked.
    let mask_long = |s: &str| {
        s.lines()
            .map(|l| if l.starts_with("Timestamp: ") { "Timestamp" } else { l })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (ip, ours) = both_monitors("mon-t", &["-t"], &[], &["-t"]);
    assert!(ours.starts_with("Timestamp: "), "{ours}");
    assert_eq!(mask_long(&ours), mask_long(&ip));
    let mask_short = |s: &str| {
        let stamp = |l: &str| l.starts_with('[') && l.as_bytes().get(27) == Some(&b']');
        s.lines().map(|l| if stamp(l) { &l[29..] } else { l }).collect::<Vec<_>>().join("\n")
    };
    let (ip, ours) = both_monitors("mon-ts", &["-ts"], &[], &["-ts"]);
    assert_eq!(mask_short(&ours), mask_short(&ip));
}

#[test]
fn json_carries_every_field_of_ips_show() {
    let ns = Ns::new("mon-json");
    let mut child = start_monitor(&ns, &["-j", "monitor", "route", "address"]);
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    ns.ip(&["addr", "add", "10.50.0.1/24", "dev", "v0"]);
    ns.ip(&["link", "set", "v0", "up"]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    child.kill().unwrap();
    let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    let seen: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // Each object is what `ip -j route show table all` / `ip -j address`
    // gives, plus object and event.
    let local: Vec<Value> = common::json_array(&ns.ip(&["-j", "route", "show", "table", "local"]));
    let brd = seen.iter().find(|v| v["type"] == "broadcast").expect("the broadcast route");
    let ip_brd = local.iter().find(|v| v["type"] == "broadcast").unwrap();
    for (k, v) in ip_brd.as_object().unwrap() {
        assert_eq!(&brd[k], v, "{k}");
    }
    assert_eq!((brd["object"].as_str(), brd["event"].as_str()), (Some("route"), Some("new")));
    let addr = seen.iter().find(|v| v["object"] == "address").unwrap();
    assert_eq!((addr["dev"].as_str(), addr["local"].as_str()), (Some("v0"), Some("10.50.0.1")));
    assert_eq!((addr["prefixlen"].as_u64(), addr["scope"].as_str()), (Some(24), Some("global")));
    assert_eq!(addr["event"], "new");
}

/// `monitor all` merges uevents, xfrm and conntrack events with
/// rtnetlink's, each labelled; `-j` names each line's object.
#[test]
fn all_merges_every_channel() {
    let ns = Ns::new("mon-all");
    let text = Reaped(Some(start_monitor(&ns, &["monitor", "all"])));
    let json =
        Reaped(Some(start_monitor(&ns, &["-j", "monitor", "uevent", "xfrm", "conntrack", "link"])));
    ns.ip(&["link", "add", "a0", "type", "veth", "peer", "name", "a1"]);
    ns.ip(&["xfrm", "policy", "add", "src", "10.0.0.0/8", "dst", "10.1.0.0/16", "dir", "out"]);
    let made = Command::new("ip")
        .args(["netns", "exec", &ns.0, "conntrack", "-I", "-p", "tcp", "-s", "10.0.0.1"])
        .args(["-d", "10.0.0.2", "--sport", "1", "--dport", "2", "--state", "ESTABLISHED"])
        .args(["-t", "50"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    ns.ip(&["xfrm", "policy", "flush"]);
    ns.ip(&["link", "del", "a0"]);
    std::thread::sleep(std::time::Duration::from_millis(1000));
    let (text, json) = (text.stdout(), json.stdout());
    for want in [
        "[LINK]3: a0@a1: <BROADCAST,MULTICAST,M-DOWN>",
        " add      /devices/virtual/net/a0 (net)",
        " remove   /devices/virtual/net/a1 (net)",
        "[XFRM]src 10.0.0.0/8 dst 10.1.0.0/16 \n\tdir out priority 0 ptype main",
        "[CONNTRACK][NEW] tcp      6 50 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2",
        "[XFRM]Flushed policy ptype main",
        "[LINK]Deleted 3: a0@NONE:",
    ] {
        assert!(text.contains(want), "{want:?} missing from:\n{text}");
    }
    let lines: Vec<Value> = json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let seen = |object: &str, key: &str, value: &str| {
        lines.iter().any(|v| v["object"] == object && v[key] == value)
    };
    assert!(seen("uevent", "devpath", "/devices/virtual/net/a0"), "{json}");
    assert!(seen("link", "ifname", "a0"), "{json}");
    assert!(seen("xfrm", "event", "flushpolicy"), "{json}");
    assert!(seen("conntrack", "event", "new"), "{json}");
    assert!(!lines.iter().any(|v| v["object"] == "route"), "routes were not asked for");
}

/// `record FILE` writes every datagram read as a pcap capture
/// (LINKTYPE_NETLINK); `nlkit decode FILE` prints it as the monitor
/// printed it live; a damaged file is refused with the record it broke at.
#[test]
fn a_recording_decodes_as_the_monitor_printed_it() {
    let ns = Ns::new("mon-rec");
    let dir = std::env::temp_dir().join(format!("nlkit-rec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("events.pcap");
    let path = file.to_str().unwrap();
    let live =
        Reaped(Some(start_monitor(&ns, &["monitor", "link", "uevent", "xfrm", "record", path])));
    ns.ip(&["link", "add", "r0", "type", "veth", "peer", "name", "r1"]);
    ns.ip(&["xfrm", "policy", "add", "src", "10.0.0.0/8", "dst", "10.1.0.0/16", "dir", "out"]);
    ns.ip(&["link", "del", "r0"]);
    std::thread::sleep(std::time::Duration::from_millis(1000));
    let live = live.stdout();
    assert!(live.contains("[XFRM]src 10.0.0.0/8") && live.contains("[UEVENT]"), "{live}");
    let bytes = std::fs::read(&file).unwrap();
    // pcap, LINKTYPE_NETLINK; the first record is ARPHRD_NETLINK (824).
    assert_eq!(&bytes[..4], &0xa1b2_c3d4u32.to_ne_bytes());
    assert_eq!(&bytes[20..24], &253u32.to_ne_bytes());
    assert_eq!(&bytes[42..44], &824u16.to_be_bytes());
    let decoded = ns.nlkit_ok(&["decode", path]);
    assert_eq!(decoded, live);
    // Each record's datagram given in hex, with its protocol: the same
    // lines (`decode hex PROTOCOL HEX`), but for the peer's name, which a
    // datagram alone does not hold (the file's earlier link message named
    // it; ip prints the index then).
    let mut at = 24;
    let mut by_hex = String::new();
    while at + 16 <= bytes.len() {
        let len = u32::from_ne_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
        let record = &bytes[at + 16..at + 16 + len];
        // The cooked header: its last two bytes are the protocol.
        let protocol = u16::from_be_bytes([record[14], record[15]]);
        let hex: String = record[16..].iter().map(|b| format!("{b:02x}")).collect();
        by_hex += &ns.nlkit_ok(&["decode", "hex", &protocol.to_string(), &hex]);
        at += 16 + len;
    }
    assert_eq!(by_hex, live.replace("r0@r1:", "r0@if2:"));
    let stdin = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-j", "decode", "-"])
        .stdin(std::fs::File::open(&file).unwrap())
        .output()
        .unwrap();
    let objects: Vec<Value> = String::from_utf8(stdin.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for object in ["link", "uevent", "xfrm"] {
        assert!(objects.iter().any(|v| v["object"] == object), "{object}: {objects:?}");
    }
    // Cut inside the last record: what came before, then the error.
    std::fs::write(&file, &bytes[..bytes.len() - 3]).unwrap();
    let cut = ns.nlkit(&["decode", path]);
    assert!(!cut.status.success());
    assert!(String::from_utf8_lossy(&cut.stderr).contains("the file ends inside it"));
    assert!(!cut.stdout.is_empty());
    let bare = ns.nlkit(&["decode"]);
    assert!(!bare.status.success());
    assert!(String::from_utf8_lossy(&bare.stderr).contains("a capture FILE"), "{bare:?}");
    std::fs::write(&file, b"not a capture file at all").unwrap();
    let bad = ns.nlkit(&["decode", path]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a pcap file"), "{bad:?}");
    // Shorter than a pcap header, missing, an option before the file or an
    // unknown one after it, a datagram that does not read: each said, and
    // the status 1.
    std::fs::write(&file, b"short").unwrap();
    let failures: [(&[&str], &str); 4] = [
        (&["decode", path], "shorter than the 24-byte pcap file header"),
        (&["decode", "/nonexistent.pcap"], "cannot open \"/nonexistent.pcap\": No such file"),
        (&["decode", path, "-x"], "Argument \"-x\" is unknown, try \"nlkit decode help\""),
        (&["decode", "hex", "route", "0000003800"], "malformed netlink message: truncated"),
    ];
    for (args, want) in failures {
        let out = ns.nlkit(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    std::fs::write(&file, &bytes).unwrap();
    assert_eq!(ns.nlkit_ok(&["decode", "-t", path]), ns.nlkit_ok(&["decode", path, "-t"]));
    // A recording stopped (SIGTERM) before any event is an empty capture,
    // its header written at once.
    let quiet = Command::new("timeout")
        .args(["1", env!("CARGO_BIN_EXE_nlkit"), "-n", &ns.0, "monitor", "link", "record", path])
        .output()
        .unwrap();
    assert_eq!(quiet.status.code(), Some(124));
    assert_eq!(std::fs::metadata(&file).unwrap().len(), 24);
    assert_eq!(ns.nlkit_ok(&["decode", path]), "");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Lost notifications are resynced: the monitor (its receive buffer set
/// to 64 KiB with `-rcvbuf`, as ip's) is stopped (SIGSTOP) while 16,000
/// addresses are added, far more than its queue holds; when
/// it runs again it says the overrun, drops what is still queued, dumps
/// the tables and prints what changed, so every address is printed
/// exactly once, as a notification would have printed it. The same with
/// another channel merged in.
#[test]
fn an_overrun_is_followed_by_a_resync_that_prints_each_change_once() {
    resync_prints_each_change_once("mon-resync", &[]);
}

#[test]
fn the_merged_monitor_resyncs_too() {
    resync_prints_each_change_once("mon-resync-m", &["uevent"]);
}

fn resync_prints_each_change_once(tag: &str, more: &[&str]) {
    let ns = Ns::new(tag);
    ns.ip(&["link", "add", "s0", "type", "veth", "peer", "name", "s1"]);
    ns.ip(&["link", "set", "s0", "up"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", &ns.0, "-rcvbuf", "65536", "-j", "monitor", "address"])
        .args(more)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut ready = String::new();
    err.read_line(&mut ready).unwrap();
    assert!(ready.starts_with("monitoring address"), "{ready}");
    let pid = child.id().to_string();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let child = Reaped(Some(child));
    // A watchdog stops a monitor that stops short (while this test still
    // runs), so no read below waits for ever.
    struct Done(std::sync::Arc<std::sync::atomic::AtomicBool>);
    impl Drop for Done {
        fn drop(&mut self) {
            self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
    let done = Done(Default::default());
    let (flag, watched) = (done.0.clone(), pid.clone());
    std::thread::spawn(move || {
        for _ in 0..600 {
            std::thread::sleep(std::time::Duration::from_millis(100));
            if flag.load(std::sync::atomic::Ordering::SeqCst) {
                return;
            }
        }
        let _ = Command::new("kill").args(["-9", &watched]).status();
    });
    let batch: String = (0..16_000)
        .map(|i| {
            format!("address add 10.{}.{}.{}/32 dev s0\n", 90 + i / 65536, i / 256 % 256, i % 256)
        })
        .collect();
    let file = std::env::temp_dir().join(format!("nlkit-{tag}-{}.batch", std::process::id()));
    std::fs::write(&file, batch).unwrap();
    assert!(Command::new("kill").args(["-STOP", &pid]).status().unwrap().success());
    ns.ip(&["-batch", file.to_str().unwrap()]);
    assert!(Command::new("kill").args(["-CONT", &pid]).status().unwrap().success());
    let _ = std::fs::remove_file(&file);
    let mut said = String::new();
    for _ in 0..2 {
        err.read_line(&mut said).unwrap();
    }
    assert!(said.starts_with("netlink receive error No buffer space available"), "{said}");
    assert!(said.contains("resynced after lost notifications: "), "{said}");
    // Read until every address was printed, then what it had written
    // besides.
    let (mut seen, mut resyncs) = (std::collections::HashMap::new(), 0);
    let mut read = |line: &str, seen: &mut std::collections::HashMap<String, u32>| {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if v.get("resync").is_some() {
            resyncs += 1;
            return;
        }
        if v["object"] != "address" || v["family"] != "inet" {
            return;
        }
        assert_eq!(v["event"], "new", "{line}");
        *seen.entry(v["local"].as_str().unwrap().to_string()).or_insert(0) += 1;
    };
    let mut line = String::new();
    while seen.len() < 16_000 {
        line.clear();
        if stdout.read_line(&mut line).unwrap() == 0 {
            break;
        }
        read(line.trim_end(), &mut seen);
    }
    let mut child = child;
    if let Some(c) = child.0.as_mut() {
        let _ = c.kill();
    }
    let mut rest = String::new();
    let _ = std::io::Read::read_to_string(&mut stdout, &mut rest);
    drop(child);
    drop(done);
    // The last line may be cut by the kill.
    for l in rest.lines().filter(|l| l.ends_with('}')) {
        read(l, &mut seen);
    }
    let out = format!("{} addresses", seen.len());
    assert!(resyncs >= 1, "{out}");
    assert_eq!(seen.len(), 16_000);
    assert!(seen.values().all(|&n| n == 1), "an address printed twice");
}
