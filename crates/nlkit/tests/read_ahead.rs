//! Dumps with read-ahead (`Conn::set_read_ahead`: a second thread
//! receives while the handler decodes) against the same dumps without it,
//! on a namespace holding 20,000 routes: the same messages in the same
//! order, a failing handler's error with the socket left in step, and a
//! deadline that ends the dump and the receiving thread promptly.

mod common;

use common::TestNs;
use nlkit::rtnl::uapi::RTM_GETROUTE;
use nlkit::{Conn, Error, Protocol};
use std::time::{Duration, Instant};

const ROUTES: usize = 20_000;

/// A namespace with a veth pair and `ROUTES` /32 routes over it.
fn routes() -> TestNs {
    let ns = TestNs::new("readahead");
    ns.exec(&["ip", "link", "add", "r0", "type", "veth", "peer", "name", "r1"]);
    ns.exec(&["ip", "link", "set", "r0", "up"]);
    let batch: String = (0..ROUTES)
        .map(|i| format!("route add 10.{}.{}.1/32 dev r0\n", i / 250, i % 250))
        .collect();
    let path = std::env::temp_dir().join(format!("{}.batch", ns.name));
    std::fs::write(&path, batch).unwrap();
    ns.exec(&["ip", "-batch", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(path);
    ns
}

/// Every message of an IPv4 route dump, as bytes, without the sequence
/// number (each dump has its own).
fn dump(conn: &mut Conn) -> nlkit::Result<Vec<Vec<u8>>> {
    let mut all = Vec::new();
    conn.dump(
        RTM_GETROUTE,
        |b| b.append(&[2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        |m| {
            let mut bytes = m.bytes().to_vec();
            bytes[8..12].fill(0);
            all.push(bytes);
            Ok(())
        },
    )?;
    Ok(all)
}

#[test]
fn read_ahead_delivers_what_a_plain_dump_does() {
    let ns = routes();
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    let plain = dump(&mut conn).unwrap();
    assert_eq!(plain.len(), ROUTES);
    conn.set_read_ahead(4);
    for _ in 0..3 {
        let ahead = dump(&mut conn).unwrap();
        assert!(ahead == plain, "{} messages, {} different", ahead.len(), {
            ahead.iter().zip(&plain).filter(|(a, p)| a != p).count()
        });
    }
    // Exchanges that are not dumps run as before on the same connection.
    let mut names = 0;
    conn.link_get_by_name("r0", |_| {
        names += 1;
        Ok(())
    })
    .unwrap();
    assert_eq!(names, 1);
    assert_eq!((conn.stale_discarded(), conn.unsolicited_dropped()), (0, 0));
    assert!(conn.take_unsolicited().is_none());
}

#[test]
fn a_failing_handler_leaves_the_socket_in_step() {
    let ns = routes();
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    conn.set_read_ahead(2);
    let mut seen = 0;
    let r = conn.dump(
        RTM_GETROUTE,
        |b| b.append(&[2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        |_| {
            seen += 1;
            match seen {
                100 => Err(Error::NoReply { message_type: 7 }),
                _ => Ok(()),
            }
        },
    );
    assert!(matches!(r, Err(Error::NoReply { message_type: 7 })), "{r:?}");
    assert_eq!(seen, 100, "no message after the handler failed");
    // The rest of that dump was read and dropped: the next one is whole.
    assert_eq!(dump(&mut conn).unwrap().len(), ROUTES);
    assert_eq!(conn.stale_discarded(), 0);
}

/// A dump abandoned at its deadline, with read-ahead or without: the next
/// dump on the same connection first reads the old one to its end (the
/// kernel refuses a second dump with EBUSY while one runs), counting each
/// of its messages once as stale.
#[test]
fn a_deadline_ends_the_dump_and_the_receiver() {
    let ns = routes();
    for depth in [8, 0] {
        let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
        conn.set_read_ahead(depth);
        conn.set_timeout(Some(Duration::from_millis(1))).unwrap();
        let mut seen = 0;
        let start = Instant::now();
        let r = conn.dump(
            RTM_GETROUTE,
            |b| b.append(&[2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            |_| {
                seen += 1;
                std::thread::sleep(Duration::from_micros(50));
                Ok(())
            },
        );
        assert!(matches!(r, Err(Error::Timeout)), "{depth}: {r:?}");
        assert!(seen < ROUTES, "{depth}: the deadline came before the end ({seen})");
        assert!(start.elapsed() < Duration::from_secs(2), "{depth}: {:?}", start.elapsed());
        let read_ahead_stale = conn.stale_discarded();
        conn.set_timeout(Some(Duration::from_secs(10))).unwrap();
        let next = dump(&mut conn).unwrap();
        assert_eq!(next.len(), ROUTES, "{depth}");
        // Every message of the abandoned dump and its DONE, counted once.
        assert_eq!(seen as u64 + conn.stale_discarded(), ROUTES as u64 + 1, "{depth}");
        assert!(read_ahead_stale <= conn.stale_discarded());
    }
}

/// A handler that panics mid-dump unwinds out of the call (the receiving
/// thread told to stop, not left blocked on a full queue).
#[test]
fn a_panicking_handler_does_not_hang_the_receiver() {
    let ns = routes();
    let mut conn = Conn::open_in(ns.netns(), Protocol::ROUTE).unwrap();
    conn.set_read_ahead(1);
    let start = Instant::now();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let mut seen = 0;
        let _ = conn.dump(
            RTM_GETROUTE,
            |b| b.append(&[2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            |_| {
                seen += 1;
                assert!(seen < 50, "the handler gives up");
                Ok(())
            },
        );
    }));
    assert!(r.is_err(), "the panic came through");
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
}
