//! `nlkit mptcp` against `ip mptcp` on twin namespaces: the same endpoint
//! commands leave the same endpoints, printed alike in text and JSON;
//! limits alike; ip's refusals refused.

mod common;

use common::{json_array, Ns};

#[test]
fn endpoints_and_limits_match_ip() {
    let (ours, theirs) = (Ns::new("mptcp"), Ns::new("mptcpi"));
    for ns in [&ours, &theirs] {
        ns.ip(&["link", "add", "v0", "type", "veth", "peer", "name", "v1"]);
    }
    let steps: [&[&str]; 5] = [
        &["endpoint", "add", "10.0.0.1", "dev", "v0", "signal", "id", "5"],
        &["endpoint", "add", "2001:db8::1", "subflow", "backup"],
        &["endpoint", "add", "10.0.0.9", "port", "8080", "signal"],
        &["limits", "set", "subflows", "4", "add_addr_accepted", "3"],
        &["endpoint", "delete", "id", "6"],
    ];
    for step in steps {
        ours.nlkit_ok(&[&["mptcp"], step].concat());
        theirs.ip(&[&["mptcp"], step].concat());
        let show = ["mptcp", "endpoint", "show"];
        assert_eq!(ours.nlkit_ok(&show), theirs.ip(&show), "{step:?}");
        let j = ["-j", "mptcp", "endpoint", "show"];
        assert_eq!(json_array(&ours.nlkit_ok(&j)), json_array(&theirs.ip(&j)), "{step:?}");
        let limits = ["mptcp", "limits", "show"];
        assert_eq!(ours.nlkit_ok(&limits), theirs.ip(&limits), "{step:?}");
    }
    assert_eq!(
        ours.nlkit_ok(&["mptcp", "endpoint", "show", "id", "7"]),
        "10.0.0.9 port 8080 id 7 signal \n"
    );
    let fails = |args: &[&str], want: &str| {
        let out = ours.nlkit(&[&["mptcp"], args].concat());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.code() != Some(0) && err.contains(want), "{args:?}: {err}");
    };
    fails(
        &["endpoint", "add", "10.0.0.2", "signal", "fullmesh"],
        "mustn't have both signal and fullmesh",
    );
    fails(&["endpoint", "add", "10.0.0.2", "port", "80"], "flags must have signal when using port");
    fails(&["endpoint", "delete", "id", "5", "10.0.0.1"], "invalid for non-zero id address");
    fails(&["endpoint", "add", "10.0.0.1", "signal", "id", "5"], "duplicate");
    // An id there is none of: the kernel's refusal, as ip prints it.
    for words in [&["endpoint", "show", "id", "99"][..], &["endpoint", "delete", "id", "99"]] {
        let out = ours.nlkit(&[&["mptcp"], words].concat());
        let theirs = std::process::Command::new("ip")
            .args([&["-n", theirs.0.as_str(), "mptcp"][..], words].concat())
            .output()
            .unwrap();
        assert_eq!((out.status.code(), &out.stderr), (theirs.status.code(), &theirs.stderr));
        assert_eq!(String::from_utf8_lossy(&out.stderr), "Error: address not found.\n");
    }
    ours.nlkit_ok(&["mptcp", "endpoint", "flush"]);
    assert_eq!(ours.nlkit_ok(&["mptcp", "endpoint", "show"]), "");
    assert!(ours.nlkit_ok(&["mptcp", "help"]).starts_with("Usage: nlkit mptcp endpoint add"));
}
