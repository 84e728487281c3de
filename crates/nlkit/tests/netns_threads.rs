//! Sockets opened in other namespaces from many threads at once: each
//! socket is in the namespace named (its link dump shows that namespace's
//! own link and not the other's), and no calling thread ever leaves its
//! own namespace.

mod common;

use common::TestNs;
use nlkit::{Conn, Protocol};

#[test]
fn eight_threads_opening_in_two_namespaces_each_get_the_one_named() {
    let (a, b) = (TestNs::new("nsa"), TestNs::new("nsb"));
    a.exec(&["ip", "link", "add", "only-a", "type", "veth", "peer", "name", "only-a1"]);
    b.exec(&["ip", "link", "add", "only-b", "type", "veth", "peer", "name", "only-b1"]);
    let names = [a.name.clone(), b.name.clone()];
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let names = names.clone();
            std::thread::spawn(move || {
                let own = std::fs::read_link("/proc/thread-self/ns/net").unwrap();
                for i in 0..200 {
                    let which = (t + i) % 2;
                    let ns = nlkit::Netns::Name(&names[which]);
                    let mut conn = Conn::open_in(ns, Protocol::ROUTE).unwrap();
                    let mut seen = Vec::new();
                    conn.link_dump(&Default::default(), |l| {
                        seen.push(l.name.unwrap_or_default().to_string());
                        Ok(())
                    })
                    .unwrap();
                    let (mine, other) =
                        if which == 0 { ("only-a", "only-b") } else { ("only-b", "only-a") };
                    assert!(seen.iter().any(|n| n == mine), "{seen:?}");
                    assert!(!seen.iter().any(|n| n == other), "{seen:?}");
                    assert_eq!(std::fs::read_link("/proc/thread-self/ns/net").unwrap(), own);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
