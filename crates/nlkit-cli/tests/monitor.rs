//! `nlkit monitor`: events from the real kernel, one JSON object per line.

mod common;

use common::Ns;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn events_print_one_json_object_each_with_timestamps() {
    let ns = Ns::new("monitor");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nlkit"))
        .args(["-n", &ns.0, "-j", "monitor", "link", "neigh", "rule", "-t"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut ready = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut ready).unwrap();
    assert!(ready.starts_with("monitoring"), "{ready}");

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
