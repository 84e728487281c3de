//! Subscriptions against the real kernel, in throwaway namespaces: any
//! family as a source, several waited on at once without one holding up
//! another, overruns as items.

mod common;

use common::TestNs;
use nlkit::sub::{wait_any, Item, Source, Subscription, Unit};
use nlkit::{Kind, Protocol, Result, Socket, SocketAddr};
use std::time::Duration;

/// Datagrams sent by user processes to a `NETLINK_USERSOCK` group: each
/// message's payload is the event.
struct UserGroup(u32);

impl Source for UserGroup {
    type Event<'a> = &'a [u8];
    fn protocol(&self) -> Protocol {
        Protocol::USERSOCK
    }
    fn groups(&self) -> Vec<u32> {
        vec![self.0]
    }
    fn decode<'a>(&self, unit: Unit<'a>) -> Result<&'a [u8]> {
        match unit {
            Unit::Message(m) => Ok(m.payload()),
            Unit::Datagram(b) => Ok(b),
        }
    }
}

fn message(payload: &[u8]) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut b = nlkit::wire::MessageBuilder::new(&mut buf, nlkit::wire::Header::new(0x30)).unwrap();
    b.append(payload).unwrap();
    let _ = b.finish();
    buf
}

fn sender(ns: &TestNs) -> Socket {
    let mut s = Socket::new_in(ns.netns(), Protocol::USERSOCK, Kind::Raw).unwrap();
    s.bind(SocketAddr::port(0)).unwrap();
    s
}

#[test]
fn a_flooded_source_does_not_keep_a_quiet_one_waiting() {
    let ns = TestNs::new("sub-mux");
    let mut busy = Subscription::open_in(ns.netns(), UserGroup(3)).unwrap();
    let mut quiet = Subscription::open_in(ns.netns(), UserGroup(7)).unwrap();
    busy.socket().set_recv_buffer_size(1 << 20).unwrap();
    let tx = sender(&ns);
    for i in 0..500u32 {
        tx.send_to_group(&message(&i.to_ne_bytes()), 1 << (3 - 1)).unwrap();
    }
    tx.send_to_group(&message(b"hello"), 1 << (7 - 1)).unwrap();
    let ready = wait_any(&[&busy, &quiet], Some(Duration::from_secs(5))).unwrap();
    assert_eq!(ready, [0, 1], "both have something");
    // The quiet one's event is read at once, whatever waits on the other.
    let got: Vec<Vec<u8>> = quiet
        .try_recv()
        .unwrap()
        .unwrap()
        .map(|i| match i {
            Item::Event { event, group } => {
                assert_eq!(group, Some(7));
                event.to_vec()
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(got, [b"hello".to_vec()]);
    assert!(quiet.try_recv().unwrap().is_none());
    let mut n = 0u32;
    while let Some(batch) = busy.try_recv().unwrap() {
        for item in batch {
            let Item::Event { event, .. } = item else { panic!("{item:?}") };
            assert_eq!(event, n.to_ne_bytes());
            n += 1;
        }
    }
    assert_eq!(n, 500);
    assert_eq!(busy.counts().events, 500);
    // Nothing more: a wait with a timeout says so instead of blocking.
    let ready = wait_any(&[&busy, &quiet], Some(Duration::from_millis(50))).unwrap();
    assert!(ready.is_empty());
}

#[test]
fn a_full_queue_is_an_overrun_item_and_the_stream_goes_on() {
    let ns = TestNs::new("sub-over");
    let mut sub = Subscription::open_in(ns.netns(), UserGroup(2)).unwrap();
    sub.socket().set_recv_buffer_size(4096).unwrap();
    sub.socket().set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let tx = sender(&ns);
    for _ in 0..200 {
        tx.send_to_group(&message(&[0; 512]), 1 << 1).unwrap();
    }
    let mut items = Vec::new();
    while items.last() != Some(&"overrun") {
        for item in sub.recv().unwrap() {
            items.push(match item {
                Item::Overrun => "overrun",
                Item::Event { .. } => "event",
                other => panic!("{other:?}"),
            });
        }
    }
    assert_eq!(sub.counts().overruns, 1);
    while sub.try_recv().unwrap().is_some() {}
    tx.send_to_group(&message(b"after"), 1 << 1).unwrap();
    let after: Vec<String> = sub
        .recv()
        .unwrap()
        .map(|i| match i {
            Item::Event { event, .. } => String::from_utf8_lossy(event).into_owned(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(after, ["after"]);
}

/// `recv_until` gives up at its deadline (a silent group), reads what
/// comes before it, and returns at once for a deadline already past.
#[test]
fn recv_until_stops_at_the_deadline() {
    let ns = TestNs::new("subuntil");
    let mut sub = Subscription::open_in(ns.netns(), UserGroup(4)).unwrap();
    let start = std::time::Instant::now();
    let got = sub.recv_until(Some(start + Duration::from_millis(100))).unwrap().is_some();
    let waited = start.elapsed();
    assert!(
        !got && waited >= Duration::from_millis(90) && waited < Duration::from_secs(2),
        "{waited:?}"
    );
    sender(&ns).send_to_group(&message(b"hi"), 1 << (4 - 1)).unwrap();
    let later = std::time::Instant::now() + Duration::from_secs(5);
    let n = sub.recv_until(Some(later)).unwrap().expect("the datagram").count();
    assert_eq!(n, 1);
    let past = std::time::Instant::now() - Duration::from_millis(1);
    assert!(sub.recv_until(Some(past)).unwrap().is_none());
}
