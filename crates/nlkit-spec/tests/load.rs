//! Every spec pinned in `specs/ynl` (the 6.12 set and the newer ones)
//! loads, validates against its schema and resolves; broken specs are
//! refused with the place named.

use nlkit_spec::{Error, Spec};
use std::path::PathBuf;

fn dir(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../specs/ynl").join(sub)
}

fn all() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sub in ["6.12", "latest"] {
        for e in std::fs::read_dir(dir(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "yaml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The pinned spec using the newest schema feature: the `ipv4-or-v6`
/// display hint, which mainline added to genetlink-legacy in Sep 2025 (our
/// schemas-latest copy carries that hunk: specs/ynl/schemas-latest/
/// SOURCES.md). A hint no schema knows must fail validation saying so, and
/// load without it.
const NEWEST: &str = "latest/wireguard.yaml";

#[test]
fn every_pinned_spec_loads() {
    let specs = all();
    assert!(specs.len() >= 50, "{} specs", specs.len());
    let mut failed = Vec::new();
    for p in &specs {
        if p.ends_with(NEWEST) {
            let wg = Spec::load(p).unwrap();
            let hint =
                |wg: &Spec| wg.set("wgallowedip").unwrap().by_name("ipaddr").unwrap().hint.clone();
            assert_eq!(hint(&wg).as_deref(), Some("ipv4-or-v6"));
            let text = std::fs::read_to_string(p).unwrap().replace("ipv4-or-v6", "ipv5");
            let odd =
                std::env::temp_dir().join(format!("nlkit-wg-ipv5-{}.yaml", std::process::id()));
            std::fs::write(&odd, text).unwrap();
            let e = Spec::load(&odd).unwrap_err().to_string();
            assert!(e.contains("display-hint: \"ipv5\" is not one of"), "{e}");
            assert_eq!(hint(&Spec::load_with(&odd, false).unwrap()).as_deref(), Some("ipv5"));
            std::fs::remove_file(&odd).unwrap();
            continue;
        }
        match Spec::load(p) {
            Ok(s) => {
                assert!(!s.name.is_empty(), "{}", p.display());
                assert!(!s.sets.is_empty() || !s.ops.is_empty(), "{}", p.display());
            }
            Err(e) => failed.push(e.to_string()),
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} failed:\n{}",
        failed.len(),
        specs.len(),
        failed.join("\n")
    );
}

#[test]
fn numbers_resolve_as_the_kernel_numbers_them() {
    let netdev = Spec::load(dir("6.12/netdev.yaml")).unwrap();
    // NETDEV_CMD_DEV_GET = 1, NETDEV_CMD_PAGE_POOL_GET = 5, QSTATS_GET = 12
    // (include/uapi/linux/netdev.h).
    assert_eq!(netdev.op("dev-get").unwrap().request_value, 1);
    assert_eq!(netdev.op("page-pool-get").unwrap().request_value, 5);
    assert_eq!(netdev.op("qstats-get").unwrap().request_value, 12);
    let dev = netdev.set("dev").unwrap();
    assert_eq!(dev.by_name("ifindex").unwrap().value, 1);
    assert_eq!(dev.by_name("xdp-features").unwrap().value, 3);
    let xdp = netdev.enumeration("xdp-act").unwrap();
    assert_eq!(xdp.value_of("redirect"), Some(2));
    assert_eq!(xdp.value_of("rx-sg"), Some(32));
    // nlctrl: directional? no: unified from 1, with CTRL_CMD_GETPOLICY = 10.
    let ctrl = Spec::load(dir("6.12/nlctrl.yaml")).unwrap();
    assert_eq!(ctrl.op("getfamily").unwrap().request_value, 3);
    assert_eq!(ctrl.op("getpolicy").unwrap().request_value, 10);
    // rt-link (netlink-raw, directional): RTM_NEWLINK 16, RTM_GETLINK 18.
    let link = Spec::load(dir("latest/rt-link.yaml")).unwrap();
    assert_eq!(link.protonum, Some(0));
    assert_eq!(link.op("getlink").unwrap().request_value, 18);
    assert_eq!(link.op("getlink").unwrap().reply_value, 16);
    assert_eq!(link.set("link-attrs").unwrap().by_name("ifname").unwrap().value, 3);
}

/// The demo module's spec (kernel/nlkit_demo.yaml): valid, and numbered
/// as the module's C enums (`NLKIT_DEMO_C_ECHO` 1, `_EVENT` 2,
/// `NLKIT_DEMO_A_MSG` 1). The VM test drives the module through it.
#[test]
fn the_demo_modules_spec_loads() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../kernel/nlkit_demo.yaml");
    let s = Spec::load(p).unwrap();
    assert_eq!((s.op("echo").unwrap().request_value, s.op("event").unwrap().reply_value), (1, 2));
    assert_eq!(s.set("demo").unwrap().by_name("msg").unwrap().value, 1);
    assert_eq!(s.groups, [("events".to_string(), None)]);
}

fn broken(text: &str) -> String {
    match Spec::parse(text, "broken.yaml") {
        Err(e) => e.to_string(),
        Ok(_) => panic!("accepted:\n{text}"),
    }
}

#[test]
fn broken_specs_are_refused_with_the_place_named() {
    let e = broken("name: x\nattribute-sets:\n  - name: a\n    attributes:\n      - name: b\n        type: u33\n");
    assert!(e.contains("attribute-sets[0].attributes[0].type"), "{e}");
    let e = broken("name: x\ndoc: d\nattribute-sets: []\noperations:\n  list: []\nbogus: 1\n");
    assert!(e.contains("bogus: unknown key"), "{e}");
    let e = broken("name: x\n  - :\n");
    assert!(e.contains("broken.yaml") && e.contains("line"), "{e}");
    let e = broken("name: x\nprotocol: carrier-pigeon\n");
    assert!(e.contains("carrier-pigeon"), "{e}");
    let nested = "name: x\ndoc: d\nattribute-sets:\n  - name: a\n    attributes:\n      - name: b\n        type: nest\n        nested-attributes: nowhere\noperations:\n  list: []\n";
    let e = broken(nested);
    assert!(e.contains("a.b") && e.contains("nowhere"), "{e}");
    assert!(matches!(Spec::load("/nonexistent.yaml"), Err(Error::Io { .. })));
    // A file that never ends is read to the bound, not forever.
    let e = Spec::load("/dev/zero").unwrap_err().to_string();
    assert!(e.contains("larger than a spec can be"), "{e}");
    // Brackets nested a million deep are refused before the YAML parser
    // reads them (it took seconds and hundreds of MiB to say so); an
    // apostrophe before them does not hide them.
    let deep = format!(
        "name: x\ndoc: it's\ndefinitions: {}{}\n",
        "[".repeat(1 << 20),
        "]".repeat(1 << 20)
    );
    let e = broken(&deep);
    assert!(e.contains("brackets nested more than 1000 deep"), "{e}");
}
