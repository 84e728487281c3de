//! The command model as a user meets it: help at any position, ip
//! keywords nlkit lacks refused by name (and nothing changed), shell
//! completions and man pages generated from the same tables and checked
//! in under `doc/`.

mod common;

use common::Ns;
use std::path::Path;
use std::process::Command;

fn nlkit(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_nlkit")).args(args).output().unwrap()
}

fn stdout(args: &[&str]) -> String {
    let out = nlkit(args);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_at_any_position_prints_the_objects_keywords() {
    let cases: [(&[&str], &str); 8] = [
        (&["link", "help"], "nlkit link"),
        (&["link", "--help"], "nlkit link"),
        (&["link", "show", "--help"], "nlkit link"),
        (&["link", "set", "dev", "lo", "-h"], "nlkit link"),
        (&["route", "add", "-h"], "nlkit route"),
        (&["addr", "help"], "nlkit address"),
        (&["neigh", "show", "help"], "nlkit neigh"),
        (&["rule", "help"], "nlkit rule"),
    ];
    for (args, head) in cases {
        let out = stdout(args);
        assert!(out.starts_with(&format!("Usage: {head} {{")), "{args:?}: {out}");
    }
    let link = stdout(&["link", "help"]);
    for want in [
        "txqueuelen|qlen|txqlen PACKETS",
        "promisc { on | off }",
        "not supported by nlkit yet: index",
    ] {
        assert!(link.contains(want), "{want}: {link}");
    }
    assert!(stdout(&["--help"]).contains("\n  sysctl "), "sysctl is listed");
}

/// ip's one-letter objects (`ip r`, `ip n`, `ip a`, `ip l`, `ip r g ADDR`)
/// mean what they mean to ip, though `r` also begins raw and rule here;
/// a word ip gives to an object nlkit lacks (`m`: maddress) stays
/// ambiguous.
#[test]
fn ip_abbreviations_mean_what_they_mean_to_ip() {
    let ns = Ns::new("abbrev");
    ns.ip(&["link", "add", "ab0", "type", "veth", "peer", "name", "ab1"]);
    ns.ip(&["link", "set", "ab0", "up"]);
    ns.ip(&["addr", "add", "10.7.0.1/24", "dev", "ab0"]);
    ns.ip(&["neigh", "add", "10.7.0.2", "lladdr", "02:00:00:00:00:02", "dev", "ab0"]);
    for words in
        [&["r"][..], &["n"], &["a"], &["l"], &["ru"], &["r", "g", "10.7.0.9"], &["-4", "a"]]
    {
        assert_eq!(ns.nlkit_ok(words), ns.ip(words), "{words:?}");
    }
    let out = nlkit(&["m"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it could be monitor"));
}

/// ip's family options before the command: `-f`/`-family inet|inet6`
/// (`-f` is -family in ip, not -force), several of them with the last
/// counting; a family nlkit lacks is refused by name.
#[test]
fn ip_family_options_select_as_in_ip() {
    let ns = Ns::new("famopt");
    ns.ip(&["link", "set", "lo", "up"]);
    let cases: [&[&str]; 5] = [
        &["-f", "inet6", "addr"],
        &["-family", "inet", "addr"],
        &["-fam", "inet6", "route", "show", "table", "local"],
        &["-4", "-6", "addr"],
        &["-6", "-f", "inet", "addr"],
    ];
    for words in cases {
        assert_eq!(ns.nlkit_ok(words), ns.ip(words), "{words:?}");
    }
    let out = ns.nlkit(&["-f", "mpls", "route"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("family \"mpls\" is not supported"));
}

#[test]
fn ip_keywords_nlkit_lacks_are_refused_by_name_and_change_nothing() {
    let ns = Ns::new("grammar");
    ns.ip(&["link", "add", "g0", "type", "veth", "peer", "name", "g1"]);
    let before = ns.ip(&["-d", "link", "show", "g0"]);
    let cases: [(&[&str], &str); 4] = [
        (&["link", "set", "g0", "xdp", "off", "up"], "\"xdp\" is not supported by nlkit link set"),
        (
            &["link", "set", "g0", "up", "addrgenmode", "none"],
            "\"addrgenmode\" is not supported by nlkit link set",
        ),
        (&["route", "showdump"], "\"showdump\" is not supported by nlkit route"),
        (&["addr", "show", "vrf", "x"], "\"vrf\" is not supported by nlkit address show"),
    ];
    for (args, want) in cases {
        let out = ns.nlkit(args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    assert_eq!(ns.ip(&["-d", "link", "show", "g0"]), before, "g0 unchanged (still down)");
}

/// `doc/NAME` holds what `nlkit ARGS` prints (regenerate with
/// `tools/gen-cli-docs.sh`).
fn checked_in(name: &str, args: &[&str]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../doc").join(name);
    let file = std::fs::read_to_string(&path).unwrap_or_default();
    let now = stdout(args);
    assert_eq!(file, now, "{} is stale: run tools/gen-cli-docs.sh", path.display());
    now
}

#[test]
fn completions_are_generated_checked_in_and_complete() {
    for shell in ["bash", "zsh", "fish"] {
        checked_in(&format!("completions/nlkit.{shell}"), &["completions", shell]);
    }
    let script = stdout(&["completions", "bash"]);
    let complete = |line: &str| {
        let words: Vec<&str> = line.split(' ').collect();
        let cmd = format!(
            "{script}\nCOMP_WORDS=({}); COMP_CWORD={}; _nlkit; echo \"${{COMPREPLY[*]}}\"",
            words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" "),
            words.len() - 1
        );
        let out = Command::new("bash").args(["-c", &cmd]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    assert_eq!(complete("nlkit li"), "link");
    assert_eq!(complete("nlkit link s"), "show set");
    assert_eq!(complete("nlkit -n x link set g0 txq"), "txqueuelen txqlen");
    assert_eq!(complete("nlkit genl pol"), "policy");
    assert!(complete("nlkit link set dev l").split(' ').any(|w| w == "lo"));
    assert!(nlkit(&["completions", "tcsh"]).status.code() == Some(1));
}

#[test]
fn man_pages_are_generated_checked_in_and_render() {
    checked_in("man/nlkit.8", &["man"]);
    for o in ["link", "address", "route", "rule", "neigh", "monitor", "tcp-metrics"] {
        let page = checked_in(&format!("man/nlkit-{o}.8"), &["man", o]);
        let out = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-z"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(page.as_bytes())?;
                child.wait_with_output()
            });
        match out {
            Ok(out) => {
                assert!(out.stderr.is_empty(), "{o}: {}", String::from_utf8_lossy(&out.stderr))
            }
            Err(e) => eprintln!("groff not run ({e}): page checked as text only"),
        }
        assert!(page.contains(&format!(".TH NLKIT\\-{}", o.to_uppercase())), "{page}");
    }
}
