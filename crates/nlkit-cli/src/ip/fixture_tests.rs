//! The printers driven offline: a live exchange in a throwaway namespace
//! is recorded (every reply datagram, per request), then replayed through
//! the library's fake transport, and the output must be the same byte for
//! byte. Ctx runs on any transport, so any captured exchange can drive
//! the printers without a kernel.

use super::{Ctx, Global};
use crate::out::Output;
use crate::words::Args;
use nlkit::testing::Fake;
use nlkit::wire::{Message, MessageBuffer, Messages};
use nlkit::{Netns, Protocol, RecvBuf, Socket, SocketAddr, Transport};
use std::io::Write;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// The reply datagrams of each request, in order.
type Log = Arc<Mutex<Vec<Vec<Vec<u8>>>>>;

/// A socket that records what it receives, per request sent.
struct Recorder {
    socket: Socket,
    log: Log,
}

impl Transport for Recorder {
    fn port(&self) -> u32 {
        self.socket.port()
    }
    fn send_to(&mut self, bytes: &[u8], to: SocketAddr) -> nlkit::Result<()> {
        self.log.lock().unwrap().push(Vec::new());
        self.socket.send_to(bytes, to).map(drop)
    }
    fn recv(&mut self, buf: &mut RecvBuf) -> nlkit::Result<()> {
        self.socket.recv(buf)?;
        if let Some(last) = self.log.lock().unwrap().last_mut() {
            last.push(buf.bytes().to_vec());
        }
        Ok(())
    }
}

/// A writer into a shared buffer.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Replays `log`: the n-th request gets the n-th request's datagrams, each
/// message renumbered to the new request's sequence and port.
fn replay(log: Vec<Vec<Vec<u8>>>) -> Fake {
    let mut groups = log.into_iter();
    Fake::new(move |req: Message<'_>| {
        let group = groups.next().unwrap_or_default();
        group
            .into_iter()
            .map(|mut datagram| {
                let starts: Vec<usize> = Messages::new(&datagram)
                    .map_while(Result::ok)
                    .map(|m| m.bytes().as_ptr() as usize)
                    .collect();
                let base = datagram.as_ptr() as usize;
                for start in starts.into_iter().map(|s| s - base) {
                    let mut m = MessageBuffer::new_unchecked(&mut datagram[start..]);
                    m.set_sequence(req.sequence());
                    m.set_port(req.port());
                }
                datagram
            })
            .collect()
    })
}

fn run(g: &Global, transport: Box<dyn Transport>, object: &str, words: &[&str]) -> Vec<u8> {
    let capture = Capture::default();
    let out = Output::to(Box::new(capture.clone()), g.json, false);
    let mut ctx = Ctx::with(g, transport, out).unwrap();
    let a = Args::new(words.iter().map(|w| w.to_string()).collect());
    match object {
        "link" => super::link::run(&mut ctx, a),
        "address" => super::addr::run(&mut ctx, a),
        "route" => super::route::run(&mut ctx, a),
        _ => super::neigh::run(&mut ctx, a),
    }
    .unwrap();
    drop(ctx);
    let bytes = capture.0.lock().unwrap().clone();
    bytes
}

#[test]
fn printers_replay_captured_exchanges_byte_for_byte() {
    let ns = format!("nlkit-unit-fixture-{}", std::process::id());
    let sh = |cmd: &str| {
        let ok = Command::new("sh").args(["-c", cmd]).status().unwrap().success();
        assert!(ok, "{cmd}");
    };
    sh(&format!("ip netns add {ns}"));
    /// Deletes the namespace however the test ends.
    struct Gone(String);
    impl Drop for Gone {
        fn drop(&mut self) {
            let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
        }
    }
    let _gone = Gone(ns.clone());
    let setup = [
        "link set lo up",
        "link add v0 type veth peer name v1",
        "link add br0 type bridge",
        "link set v1 master br0",
        "link set v0 up",
        "address add 10.4.0.1/24 dev v0",
        "address add 2001:db8:4::1/64 dev v0 nodad",
        "route add 10.5.0.0/16 via 10.4.0.2",
        "neigh add 10.4.0.7 lladdr 02:00:00:00:00:07 dev v0",
    ];
    for c in setup {
        sh(&format!("ip -n {ns} {c}"));
    }
    let cases: [(&str, &[&str], bool, bool); 6] = [
        ("link", &["show"], false, false),
        ("link", &["show"], true, true),
        ("address", &["show"], false, false),
        ("address", &["show"], true, false),
        ("route", &["show", "table", "all"], false, false),
        ("neigh", &["show"], false, false),
    ];
    for (object, words, json, details) in cases {
        let g = Global { json, details, netns: Some(ns.clone()), ..Global::default() };
        let log: Log = Arc::default();
        let socket = Socket::open_in(Netns::Name(&ns), Protocol::ROUTE).unwrap();
        socket.enable_request_defaults().unwrap();
        let live = run(&g, Box::new(Recorder { socket, log: log.clone() }), object, words);
        assert!(!live.is_empty(), "{object} {words:?}");
        let captured = log.lock().unwrap().clone();
        let replayed = run(&g, Box::new(replay(captured)), object, words);
        assert_eq!(
            String::from_utf8_lossy(&replayed),
            String::from_utf8_lossy(&live),
            "{object} {words:?} json={json}"
        );
    }
}
