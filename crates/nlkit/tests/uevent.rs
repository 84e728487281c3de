//! Kernel uevents from the real kernel, in a throwaway namespace: a veth
//! pair's devices are announced; a datagram a user process sends to the
//! kernel's group is refused and counted, never read.

mod common;

use common::TestNs;
use nlkit::sub::{Item, Subscription};
use nlkit::uevent::{udev, Filter, KernelUevents, UdevUevents};
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

/// What a subscription has queued now, as (events' SUBSYSTEMs, malformed).
fn drain(sub: &mut Subscription<UdevUevents>) -> (Vec<String>, usize) {
    let (mut subsystems, mut malformed) = (Vec::new(), 0);
    while let Some(batch) = sub.try_recv().unwrap() {
        for item in batch {
            match item {
                Item::Event { event, .. } => {
                    assert!(event.udev.is_some());
                    subsystems.push(event.subsystem().unwrap_or("").to_string());
                }
                Item::Malformed(_) => malformed += 1,
                other => panic!("{other:?}"),
            }
        }
    }
    (subsystems, malformed)
}

#[test]
fn udevs_group_is_read_and_filtered_in_the_kernel() {
    let ns = TestNs::new("udev");
    let open = |filter: Filter| {
        let sub = Subscription::open_in(ns.netns(), UdevUevents { filter }).unwrap();
        sub.socket().set_nonblocking(true).unwrap();
        sub
    };
    let mut all = open(Filter::default());
    let mut net = open(Filter { subsystems: vec![("net".into(), None)], tags: vec![] });
    let mut disks =
        open(Filter { subsystems: vec![("block".into(), Some("disk".into()))], tags: vec![] });
    let mut tagged = open(Filter { subsystems: vec![], tags: vec!["uaccess".into()] });
    // A root process in the namespace stands in for udevd.
    let mut udevd = Socket::new_in(ns.netns(), Protocol::KOBJECT_UEVENT, Kind::Raw).unwrap();
    udevd.bind(SocketAddr::port(0)).unwrap();
    let mut bad_magic = udev::build(&["ACTION=add", "DEVPATH=/devices/x", "SUBSYSTEM=net"]);
    bad_magic[8] ^= 0xff;
    for datagram in [
        udev::build(&[
            "ACTION=add",
            "DEVPATH=/devices/virtual/block/loop0",
            "SUBSYSTEM=block",
            "DEVTYPE=disk",
            "SEQNUM=1",
            "TAGS=:systemd:",
        ]),
        udev::build(&[
            "ACTION=add",
            "DEVPATH=/devices/virtual/block/loop0/p1",
            "SUBSYSTEM=block",
            "DEVTYPE=partition",
            "SEQNUM=2",
        ]),
        udev::build(&[
            "ACTION=add",
            "DEVPATH=/devices/virtual/net/v0",
            "SUBSYSTEM=net",
            "SEQNUM=3",
            "TAGS=:uaccess:systemd:",
        ]),
        bad_magic,
    ] {
        // To group 2 (mask bit 1).
        udevd.send_to(&datagram, SocketAddr { port: 0, groups: 2 }).unwrap();
    }
    // Unfiltered: all four datagrams; the bad magic read as malformed.
    assert_eq!(drain(&mut all), (vec!["block".into(), "block".into(), "net".into()], 1));
    // Filtered by the kernel: a datagram without the magic passes the
    // program (as systemd's does) and is refused by the parser.
    assert_eq!(drain(&mut net), (vec!["net".into()], 1));
    assert_eq!(drain(&mut disks), (vec!["block".into()], 1));
    assert_eq!(drain(&mut tagged), (vec!["net".into()], 1));
}
