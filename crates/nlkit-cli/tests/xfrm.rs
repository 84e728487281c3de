//! `nlkit xfrm` against iproute2 6.1's `ip xfrm` in throwaway namespaces:
//! SAs and policies made by either tool, `state show` and `policy show`
//! byte for byte, deletes and flushes, the monitor, refusals. A kernel
//! without the ESP/AH types (this 6.18 build has XFRM but no esp4) refuses
//! SAs with algorithms to both tools alike: then the refusals are compared,
//! and SAs made by `allocspi` (larval, no type needed) are listed.

mod common;

use common::Ns;
use std::process::Command;

const KEY16: &str = "0x0102030405060708090a0b0c0d0e0f10";
const KEY32: &str = "0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20";

fn sas() -> Vec<String> {
    vec![
        format!("src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x1000 reqid 1 mode tunnel auth-trunc hmac(sha256) {KEY32} 128 enc cbc(aes) {KEY16}"),
        "src 10.0.0.1 dst 10.0.0.3 proto esp spi 0x2000 reqid 2 mode transport aead rfc4106(gcm(aes)) 0x0102030405060708090a0b0c0d0e0f1011121314 128".into(),
        format!("src 10.0.0.1 dst 10.0.0.4 proto esp spi 0x3000 reqid 3 mode tunnel replay-window 128 flag esn enc cbc(aes) {KEY16} auth hmac(sha1) {KEY16}"),
        format!("src 10.0.0.1 dst 10.0.0.5 proto esp spi 0x4000 reqid 4 mode tunnel mark 7 mask 0xff enc cbc(aes) {KEY16}"),
    ]
}

fn run(program: &str, ns: &Ns, words: &str) -> (String, String, bool) {
    let out =
        Command::new(program).args(["-n", &ns.0]).args(words.split_whitespace()).output().unwrap();
    let text = |b: Vec<u8>| String::from_utf8_lossy(&b).into_owned();
    (text(out.stdout), text(out.stderr), out.status.success())
}

fn nlkit() -> &'static str {
    env!("CARGO_BIN_EXE_nlkit")
}

/// Both listings, plain, with `-s` (lifetimes, statistics, every field),
/// `-o` (one line each) and both, as ip prints them.
fn same_show(ns: &Ns) {
    for object in ["state", "policy"] {
        for opts in [&[][..], &["-s"], &["-o"], &["-s", "-o"]] {
            let args: Vec<&str> = opts.iter().copied().chain(["xfrm", object, "show"]).collect();
            assert_eq!(ns.nlkit_ok(&args), ns.ip(&args), "{args:?}");
        }
    }
}

#[test]
fn sas_made_by_either_tool_list_as_ip_lists_them() {
    let (a, b) = (Ns::new("xfrma"), Ns::new("xfrmb"));
    for sa in sas() {
        let (_, ip_err, ip_ok) = run("ip", &a, &format!("xfrm state add {sa}"));
        let (_, our_err, our_ok) = run(nlkit(), &b, &format!("xfrm state add {sa}"));
        assert_eq!((ip_ok, ip_err.clone()), (our_ok, our_err.clone()), "{sa}");
    }
    // Larval SAs need no type: one IPv4 with a mark, one IPv6.
    a.ip(&[
        "xfrm", "state", "allocspi", "src", "10.0.0.1", "dst", "10.0.0.9", "proto", "esp", "reqid",
        "5", "mode", "tunnel", "mark", "3",
    ]);
    a.ip(&["xfrm", "state", "allocspi", "src", "2001:db8::1", "dst", "2001:db8::2", "proto", "ah"]);
    same_show(&a);
    same_show(&b);
    let text = a.ip(&["xfrm", "state", "show"]);
    assert!(text.contains("mark 0x3/0xffffffff"), "{text}");
    let j = common::json_array(&a.nlkit_ok(&["-j", "xfrm", "state", "show"]));
    assert!(j.iter().any(|s| s["mark"]["value"] == 3 && s["proto"] == "esp"), "{j:?}");
    // Delete by ID (with its mark), then flush: ip shows nothing.
    let spi = text
        .lines()
        .find_map(|l| l.split("spi ").nth(1))
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    let first = text.lines().next().unwrap().to_string();
    let (src, dst) = (first.split(' ').nth(1).unwrap(), first.split(' ').nth(3).unwrap());
    let proto = if src.contains(':') { "ah" } else { "esp" };
    let mut del =
        vec!["xfrm", "state", "delete", "src", src, "dst", dst, "proto", proto, "spi", &spi];
    if proto == "esp" {
        del.extend(["mark", "3"]);
    }
    a.nlkit_ok(&del);
    assert_eq!(
        a.ip(&["xfrm", "state", "show"]).matches("src ").count(),
        2 - 1 + 1,
        "sel lines count too"
    );
    a.nlkit_ok(&["xfrm", "state", "flush"]);
    assert_eq!(a.ip(&["xfrm", "state", "show"]), "");
}

const POLICIES: [&str; 3] = [
    "src 10.1.0.0/16 dst 10.2.0.0/16 dir out priority 100 tmpl src 10.0.0.1 dst 10.0.0.2 proto esp reqid 1 mode tunnel",
    "src 10.2.0.0/16 dst 10.1.0.0/16 dir in tmpl src 10.0.0.2 dst 10.0.0.1 proto esp reqid 1 mode tunnel level use",
    "src 10.2.0.0/16 dst 10.1.0.0/16 proto tcp dport 443 dir fwd mark 5 mask 0xf action block tmpl src 10.0.0.2 dst 10.0.0.1 proto esp mode tunnel",
];

#[test]
fn policies_made_by_either_tool_list_as_ip_lists_them() {
    let (a, b) = (Ns::new("xfrmpa"), Ns::new("xfrmpb"));
    for p in POLICIES {
        let words: Vec<&str> =
            ["xfrm", "policy", "add"].into_iter().chain(p.split_whitespace()).collect();
        a.ip(&words);
        b.nlkit_ok(&words);
    }
    same_show(&a);
    same_show(&b);
    assert_eq!(a.ip(&["xfrm", "policy", "show"]), b.ip(&["xfrm", "policy", "show"]));
    let j = common::json_array(&b.nlkit_ok(&["-j", "xfrm", "policy", "show", "dir", "fwd"]));
    assert_eq!(
        (j.len(), j[0]["action"].as_str(), j[0]["tmpls"][0]["proto"].as_str()),
        (1, Some("block"), Some("esp"))
    );
    let got = b.nlkit_ok(&[
        "xfrm",
        "policy",
        "get",
        "src",
        "10.1.0.0/16",
        "dst",
        "10.2.0.0/16",
        "dir",
        "out",
    ]);
    assert_eq!(
        got,
        a.ip(&["xfrm", "policy", "get", "src", "10.1.0.0/16", "dst", "10.2.0.0/16", "dir", "out"])
    );
    b.nlkit_ok(&[
        "xfrm",
        "policy",
        "delete",
        "src",
        "10.1.0.0/16",
        "dst",
        "10.2.0.0/16",
        "dir",
        "out",
    ]);
    assert!(!b.ip(&["xfrm", "policy", "show"]).contains("dir out"));
    b.nlkit_ok(&["xfrm", "policy", "flush"]);
    assert_eq!(b.ip(&["xfrm", "policy", "show"]), "");
}

#[test]
fn monitor_prints_an_add_and_a_delete_made_by_ip() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::Stdio;
    let ns = Ns::new("xfrmmon");
    let mut child = Command::new(nlkit())
        .args(["-n", &ns.0, "xfrm", "monitor", "count", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut ready = String::new();
    err.read_line(&mut ready).unwrap();
    assert_eq!(ready, "monitoring xfrm events\n");
    let p = "src 10.5.0.0/16 dst 10.6.0.0/16 dir out priority 3 tmpl src 10.0.0.1 dst 10.0.0.2 proto esp mode tunnel";
    let words: Vec<&str> =
        ["xfrm", "policy", "add"].into_iter().chain(p.split_whitespace()).collect();
    ns.ip(&words);
    let listed = ns.ip(&["xfrm", "policy", "show"]);
    ns.ip(&["xfrm", "policy", "delete", "src", "10.5.0.0/16", "dst", "10.6.0.0/16", "dir", "out"]);
    // Bounded: the child is killed after 10 s if the events never come.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    assert_eq!(out, format!("{listed}Deleted {listed}"));
}

#[test]
fn bad_input_is_refused_clearly() {
    let ns = Ns::new("xfrmbad");
    for (words, want) in [
        ("xfrm state allocspi src 1.2.3.4", "not supported by nlkit"),
        (
            "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 ctx foo",
            "not supported by nlkit",
        ),
        ("xfrm policy add dir out ctx x", "not supported by nlkit"),
        ("xfrm state add src 1.2.3.4 dst 1.2.3.5", "XFRM-PROTO"),
        (
            "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 mode bogus",
            "MODE value is invalid",
        ),
        (
            "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 flag esn enc cbc(aes) 0x00",
            "esn flag set without replay-window",
        ),
        ("xfrm policy add src 10.0.0.0/8", "DIR is required"),
        ("xfrm policy delete dir out", "either SELECTOR or INDEX"),
        // ip sends it; the kernel refuses an SA id without a protocol.
        ("xfrm state delete", "Invalid argument"),
        ("xfrm bogus", "unknown"),
    ] {
        let (_, err, ok) = run(nlkit(), &ns, words);
        assert!(!ok && err.contains(want), "{words}: {err}");
    }
    assert_eq!(ns.ip(&["xfrm", "state", "show"]), "");
    assert_eq!(ns.ip(&["xfrm", "policy", "show"]), "");
}

/// Bad words, each refused by ip 6.1 before anything is sent (or by the
/// kernel, alike): nlkit says what ip says. ip exits 255 for its own
/// refusals, nlkit 1 (its rule for every refusal not the kernel's).
const REFUSED: &[&str] = &[
    // ID and algorithms: whole words (`strcmp`); the ID once.
    "xfrm state add foo",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 bogus",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 mod tunnel",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 en x 0x00",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 enc",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 enc cbc(aes)",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 enc a 0x00 aead b 0x00 64",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 aead x 0x00",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 auth-trunc x 0x00 zz",
    "xfrm state add src 1.2.3.4 dst ::1 proto esp",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto bogus",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto route2 spi 1",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto comp spi 0x10000",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto hao",
    // Missing and bad values; a mode by prefix (`matches`).
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 mark",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 mark x",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 mode tu enc a",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 mode x",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 replay-window",
    // A flag list stops at a word not its own, which the walk reads next.
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 flag bogus",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 flag 0x1ff",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 sel bogus",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 sel src 1.1.1.1 dst ::1",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 limit bogus 1",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 limit time-soft x",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 encap bogus",
    "xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp spi 1 encap espinudp 1 2 bogus",
    "xfrm state get",
    "xfrm state get bogus",
    "xfrm state get src 1.1.1.1 proto esp bogus",
    "xfrm state show bogus",
    "xfrm state show src 1.1.1.1 bogus",
    "xfrm state show mode",
    "xfrm state flush bogus",
    "xfrm state flush proto esp proto ah",
    "xfrm state flush proto",
    // Policies: the selector once (a second: duparg in add, invarg else).
    "xfrm policy add bogus dir out",
    "xfrm policy add src 10.0.0.0/8 bogus dir out",
    "xfrm policy add src 10.0.0.0/8 di out",
    "xfrm policy add src 10.0.0.0/8 dir out dir in",
    "xfrm policy add src 10.0.0.0/8 dir bogus",
    "xfrm policy add src 10.0.0.0/8 dir out tmpl",
    "xfrm policy add src 10.0.0.0/8 dir out tmpl mode tunnel",
    "xfrm policy add src 10.0.0.0/8 dir out tmpl src 1.1.1.1 dst 2.2.2.2 proto esp level x",
    "xfrm policy add src 10.0.0.0/8 dir out action bogus",
    "xfrm policy add src 10.0.0.0/8 dir out ptype main ptype sub",
    "xfrm policy add src 10.0.0.0/8 proto tcp type 3 dir out",
    "xfrm policy add src 10.0.0.0/8 proto icmp type 300 dir out",
    "xfrm policy add src 10.0.0.0/8 proto tcp key 5 dir out",
    "xfrm policy add src 10.0.0.0/8 dev nosuch dir out",
    "xfrm policy add src 10.0.0.0/8 dir out flag bogus",
    "xfrm policy add src 10.0.0.0/8",
    "xfrm policy delete dir out",
    "xfrm policy delete src 10.0.0.0/8 dir out index 3",
    "xfrm policy delete index 3 index 4 dir out",
    "xfrm policy get bogus dir out",
    "xfrm policy show bogus",
    "xfrm policy show src 10.0.0.0/8 bogus",
    "xfrm policy flush bogus",
    "xfrm policy flush ptype main ptype sub",
    "xfrm policy flush ptype bogus",
];

#[test]
fn bad_words_are_refused_with_ips_message() {
    let ns = Ns::new("xfrmwords");
    for words in REFUSED {
        let (ip, ip_ok) = common::stderr_of("ip", &ns, words);
        let (ours, ok) = common::stderr_of(nlkit(), &ns, words);
        assert!(!ip_ok && !ok, "{words}: both must refuse (ip: {ip})");
        assert_eq!(ours.trim_end(), ip.trim_end(), "{words}");
    }
    assert_eq!(ns.ip(&["xfrm", "state", "show"]), "");
    assert_eq!(ns.ip(&["xfrm", "policy", "show"]), "");
}

#[test]
fn keywords_ip_has_and_nlkit_lacks_are_refused_by_name() {
    let ns = Ns::new("xfrmlack");
    for (words, want) in [
        ("xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp coa ::1", "\"coa\" is not supported"),
        ("xfrm state add src 1.2.3.4 dst 1.2.3.5 proto esp offload dev x dir in", "offload"),
        ("xfrm policy delete dir out ctx x", "\"ctx\" is not supported"),
        // `a` is all-nsid to ip (`matches`, before acquire); `f` is file.
        ("xfrm monitor a", "\"a\" (all-nsid) is not supported"),
        ("xfrm monitor SA f x", "\"f\" is not supported"),
        ("xfrm monitor report", "\"report\" is not supported"),
    ] {
        let (err, ok) = common::stderr_of(nlkit(), &ns, words);
        assert!(!ok && err.contains(want), "{words}: {err}");
    }
}

#[test]
fn selectors_name_devices_as_ip_does() {
    let ns = Ns::new("xfrmdev");
    ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    let p = "src 10.9.0.0/16 dev v1 proto tcp dport 80 dir in flag localok icmp";
    let words: Vec<&str> =
        ["xfrm", "policy", "add"].into_iter().chain(p.split_whitespace()).collect();
    ns.nlkit_ok(&words);
    ns.ip(&["xfrm", "policy", "add", "src", "10.8.0.0/16", "dev", "v0", "dir", "out"]);
    let shown = ns.ip(&["xfrm", "policy", "show"]);
    assert!(shown.contains("dev v1 \n") && shown.contains("dev v0 \n"), "{shown}");
    assert_eq!(ns.nlkit_ok(&["xfrm", "policy", "show"]), shown);
    let only = ["xfrm", "policy", "show", "dev", "v1"];
    assert_eq!(ns.nlkit_ok(&only), ns.ip(&only));
    // get and delete by the same selector, device included.
    let get = ["xfrm", "policy", "get", "src", "10.9.0.0/16", "dev", "v1", "proto", "tcp"];
    let get: Vec<&str> = get.into_iter().chain(["dport", "80", "dir", "in"]).collect();
    assert_eq!(ns.nlkit_ok(&get), ns.ip(&get));
    let del: Vec<&str> = get.iter().map(|w| if *w == "get" { "delete" } else { w }).collect();
    ns.nlkit_ok(&del);
    assert!(!ns.ip(&["xfrm", "policy", "show"]).contains("v1"));
}
