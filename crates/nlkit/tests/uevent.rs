//! Kernel uevents from the real kernel, in a throwaway namespace: a veth
//! pair's devices are announced; a datagram a user process sends to the
//! kernel's group is refused and counted, never read.

mod common;

use common::TestNs;
use nlkit::sub::{Item, Subscription};
use nlkit::uevent::KernelUevents;
use nlkit::{Kind, Protocol, Socket, SocketAddr};
use std::time::Duration;

#[test]
fn a_veth_pair_is_announced_and_a_spoofer_is_refused() {
    let ns = TestNs::new("uevent");
    let mut sub = Subscription::open_in(ns.netns(), KernelUevents).unwrap();
    sub.socket().set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // A root process in the namespace sends a forged "add" to group 1.
    let mut spoofer = Socket::new_in(ns.netns(), Protocol::KOBJECT_UEVENT, Kind::Raw).unwrap();
    spoofer.bind(SocketAddr::port(0)).unwrap();
    let forged = b"add@/devices/virtual/net/evil\0ACTION=add\0SUBSYSTEM=net\0INTERFACE=evil\0";
    spoofer.send_to(forged, SocketAddr { port: 0, groups: 1 }).unwrap();
    ns.exec(&["ip", "link", "add", "u0", "type", "veth", "peer", "name", "u1"]);
    let mut added = Vec::new();
    let mut refused = 0;
    while !(added.contains(&"u0".to_string()) && added.contains(&"u1".to_string())) {
        for item in sub.recv().unwrap() {
            match item {
                Item::Event { event, .. } => {
                    assert_ne!(event.get("INTERFACE"), Some("evil"));
                    if event.action == "add" && event.subsystem() == Some("net") {
                        assert!(event.seqnum().is_some());
                        assert!(event.devpath.ends_with(event.get("INTERFACE").unwrap()));
                        added.push(event.get("INTERFACE").unwrap().to_string());
                    }
                }
                Item::Refused { sender, .. } => {
                    assert_eq!(sender.port, spoofer.port());
                    refused += 1;
                }
                other => panic!("{other:?}"),
            }
        }
    }
    assert_eq!(refused, 1, "the forged datagram");
    assert_eq!(sub.counts().refused, 1);
}
