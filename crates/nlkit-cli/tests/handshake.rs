//! `nlkit handshake` on this machine's kernel: bad words refused before
//! anything is sent; where the kernel has the upcall, a monitor that ends
//! at its timeout, else the clear refusal. A real request (an NVMe/TCP
//! target's, accepted and refused) runs in the VM (vmtest/guest-net.sh).

mod common;

use common::Ns;
use std::time::{Duration, Instant};

#[test]
fn words_are_checked_and_a_missing_family_is_said() {
    let ns = Ns::new("hshake");
    let out = ns.nlkit(&["handshake", "accept", "--status", "EFOO"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--status EFOO: a number or one of"));
    let out = ns.nlkit(&["handshake", "monitor", "--class", "none"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("the kernel's classes are tlshd"));
    let t = Instant::now();
    let out = ns.nlkit(&["handshake", "accept", "--count", "1", "--timeout", "0.3"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no handshake request came")
            || err.contains("this kernel has no handshake upcall"),
        "{err}"
    );
    assert!(t.elapsed() < Duration::from_secs(5));
}
