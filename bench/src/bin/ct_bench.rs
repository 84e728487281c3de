//! The conntrack benchmark's helpers (`bench/conntrack.sh`):
//! `--fill N` makes N TCP entries in `--netns` through
//! `nlkit::netfilter::conntrack::create`, pipelined (`Conn::batch`);
//! `--floor` dumps the table and counts the entries with no parsing:
//! one dump request on an `nlkit::Socket`, each datagram's messages
//! counted by type (the least a Rust program can do through a netlink
//! socket). Prints the count.

use nlkit::netfilter::conntrack::{self, NewEntry, Tuple};
use nlkit::{BatchLimits, Conn, Netns, Protocol, RecvBuf, Socket};
use nlkit_bench::die;
use nlkit_wire::{MessageType, Messages};
use std::net::{IpAddr, Ipv4Addr};
use std::ops::ControlFlow;

fn fill(netns: &str, n: u32) -> nlkit::Result<u64> {
    let mut conn = Conn::open_in(Netns::Name(netns), Protocol::NETFILTER)?;
    let entries = (0..n).map(|i| {
        let src = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + (i / 60_000)));
        let dst = IpAddr::V4(Ipv4Addr::new(10, 255, 0, 1));
        let sport = 1024 + (i % 60_000) as u16;
        let orig = Tuple {
            src: Some(src),
            dst: Some(dst),
            proto: 6,
            sport: Some(sport),
            dport: Some(80),
            ..Tuple::default()
        };
        let reply = Tuple { src: orig.dst, dst: orig.src, sport: orig.dport, dport: orig.sport, ..orig };
        let e = NewEntry { orig, reply, timeout: 3600, tcp_state: Some(3), ..NewEntry::default() };
        (i, conntrack::create(e))
    });
    let mut made = 0u64;
    conn.batch(entries, BatchLimits::default(), |i, r| {
        if let Err(e) = r {
            die(&format!("entry {i}: {e}"));
        }
        made += 1;
        ControlFlow::Continue(())
    })?;
    Ok(made)
}

fn floor(netns: &str) -> nlkit::Result<u64> {
    let socket = Socket::open_in(Netns::Name(netns), Protocol::NETFILTER)?;
    // nlmsghdr (dump of IPCTNL_MSG_CT_GET) + nfgenmsg (AF_UNSPEC).
    let mut req = Vec::with_capacity(20);
    req.extend_from_slice(&20u32.to_ne_bytes());
    req.extend_from_slice(&0x101u16.to_ne_bytes());
    req.extend_from_slice(&(0x1u16 | 0x300).to_ne_bytes());
    req.extend_from_slice(&1u32.to_ne_bytes());
    req.extend_from_slice(&0u32.to_ne_bytes());
    req.extend_from_slice(&[0, 0, 0, 0]);
    socket.send(&req)?;
    let mut buf = RecvBuf::new();
    let mut total = 0;
    loop {
        socket.recv(&mut buf)?;
        for msg in Messages::new(buf.bytes()) {
            let msg = msg.unwrap_or_else(|e| die(&format!("malformed reply: {e}")));
            match msg.message_type() {
                MessageType::Done => return Ok(total),
                MessageType::Error => die("kernel error"),
                _ => total += 1,
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let got = match words[..] {
        ["--netns", ns, "--fill", n] => fill(ns, n.parse().unwrap_or_else(|_| die("N"))),
        ["--netns", ns, "--floor"] => floor(ns),
        _ => die("usage: ct_bench --netns NS (--fill N | --floor)"),
    };
    println!("{}", got.unwrap_or_else(|e| die(&e.to_string())));
}
