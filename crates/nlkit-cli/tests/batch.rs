//! `nlkit -batch FILE [-force]`: ip's file format, route changes
//! pipelined with -force, every failure reported with its line in order,
//! nothing applied after a failure without -force, the same routes as
//! `ip -batch` leaves.

mod common;

use common::Ns;
use std::process::Command;

const BATCH: &str = "# routes, one of them twice
route add 10.2.0.0/24 via 10.1.0.2
r add 10.2.1.0/24 dev d0 \\
   metric 5
route add 10.2.0.0/24 via 10.1.0.2
route add 10.2.2.0/24 via 10.1.0.2 promisc
link set d1 up
route add 10.2.3.0/24 dev d1
route del 10.2.9.0/24
";

fn setup(tag: &str) -> Ns {
    let ns = Ns::new(tag);
    ns.ip(&["link", "add", "d0", "type", "veth", "peer", "name", "d1"]);
    ns.ip(&["link", "set", "d0", "up"]);
    ns.ip(&["address", "add", "10.1.0.1/16", "dev", "d0"]);
    ns
}

fn batch(ns: &Ns, file: &str, force: bool) -> (Option<i32>, String) {
    let mut args = vec!["-n", &ns.0, "-batch", file];
    if force {
        args.push("-force");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_nlkit")).args(&args).output().unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn failures_are_reported_by_line_in_order_and_force_goes_on() {
    let dir = std::env::temp_dir().join(format!("nlkit-batch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("b.txt");
    std::fs::write(&file, BATCH).unwrap();
    let file = file.to_str().unwrap();

    let ns = setup("batch");
    let (code, err) = batch(&ns, file, false);
    assert_eq!(code, Some(1));
    let f = format!("Command failed {file}");
    assert_eq!(err, format!("RTNETLINK answers: File exists\n{f}:5\n"));
    let routes = ns.ip(&["route", "show"]);
    assert!(routes.contains("10.2.1.0/24 dev d0 scope link metric 5"), "{routes}");
    assert!(!routes.contains("10.2.3.0"), "stopped at line 5: {routes}");

    let (code, err) = batch(&ns, file, true);
    assert_eq!(code, Some(1));
    let want = [
        "RTNETLINK answers: File exists".to_string(),
        format!("{f}:2"),
        "RTNETLINK answers: File exists".into(),
        format!("{f}:4"),
        "RTNETLINK answers: File exists".into(),
        format!("{f}:5"),
        "Error: either \"to\" is duplicate, or \"promisc\" is a garbage.".into(),
        format!("{f}:6"),
        "RTNETLINK answers: No such process".into(),
        format!("{f}:9"),
    ];
    assert_eq!(err.lines().collect::<Vec<_>>(), want);

    // The same file without its garbage line leaves what ip -batch leaves.
    let clean: String =
        BATCH.lines().filter(|l| !l.contains("promisc")).map(|l| format!("{l}\n")).collect();
    let clean_file = dir.join("clean.txt");
    std::fs::write(&clean_file, clean).unwrap();
    let (ours, theirs) = (setup("batchn"), setup("batchi"));
    batch(&ours, clean_file.to_str().unwrap(), true);
    let _ = Command::new("ip")
        .args(["-n", &theirs.0, "-force", "-batch", clean_file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(ours.ip(&["route", "show"]), theirs.ip(&["route", "show"]));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Without -force nothing after the failing line is applied, route
/// changes right behind it included (they were read before the failure
/// was known): the state left is ip -batch's, in twin namespaces.
#[test]
fn without_force_nothing_after_a_failure_is_applied() {
    let dir = std::env::temp_dir().join(format!("nlkit-batch-stop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("b.txt");
    let mut text = String::from("route add 10.20.0.0/16 dev d0\nroute add 10.20.0.0/16 dev d0\n");
    for i in 0..200 {
        text.push_str(&format!("route add 10.30.{i}.0/24 dev d0\n"));
    }
    text.push_str("route del 10.1.0.0/16 dev d0\n");
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();
    let (ours, theirs) = (setup("batchstopn"), setup("batchstopi"));
    let (code, err) = batch(&ours, file, false);
    assert_eq!(
        (code, err),
        (Some(1), format!("RTNETLINK answers: File exists\nCommand failed {file}:2\n"))
    );
    let ip = Command::new("ip").args(["-n", &theirs.0, "-batch", file]).output().unwrap();
    assert_eq!(ip.status.code(), Some(1));
    let routes = ours.ip(&["route", "show"]);
    assert!(!routes.contains("10.30.") && routes.contains("10.1.0.0/16"), "{routes}");
    assert_eq!(routes, theirs.ip(&["route", "show"]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn thousands_of_changes_are_pipelined_and_each_error_found() {
    let ns = setup("batchbig");
    let mut text = String::new();
    for i in 0..20_000u32 {
        text.push_str(&format!("route add 10.{}.{}.0/24 dev d0\n", 100 + i / 256, i % 256));
    }
    // Two duplicates far apart: their lines are named.
    text.push_str("route add 10.100.7.0/24 dev d0\n");
    for i in 0..5_000u32 {
        text.push_str(&format!("route add 10.{}.{}.0/24 dev d0\n", 200 + i / 256, i % 256));
    }
    text.push_str("route add 10.200.9.0/24 dev d0\n");
    let file = std::env::temp_dir().join(format!("nlkit-batchbig-{}.txt", std::process::id()));
    std::fs::write(&file, text).unwrap();
    let (code, err) = batch(&ns, file.to_str().unwrap(), true);
    let _ = std::fs::remove_file(&file);
    assert_eq!(code, Some(1));
    let failed: Vec<&str> = err.lines().filter(|l| l.starts_with("Command failed")).collect();
    assert_eq!(failed.len(), 2, "{err}");
    assert!(failed[0].ends_with(":20001") && failed[1].ends_with(":25002"), "{failed:?}");
    let count = ns.ip(&["route", "show"]).lines().count();
    assert_eq!(count, 1 + 25_000, "the connected route and every new one");
}
