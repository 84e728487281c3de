//! The floor: the least a Rust program can do to dump IPv4 routes (or links
//! with `--links`) and count them.
//!
//! By default it uses libc directly: one `NETLINK_ROUTE` socket, one
//! `sendto` of the dump request, then one `recv` per datagram into a 32 KiB
//! buffer (the kernel's dump datagram size) until `NLMSG_DONE`, counting the
//! `RTM_NEWROUTE` (`RTM_NEWLINK`) headers with `nlkit_wire::Messages`. No
//! attribute is read, no sequence checked, no socket option set.
//!
//! `--nlkit-socket` does the same through `nlkit::Socket` and
//! `nlkit::RecvBuf` (which peek at each datagram's size before reading it,
//! and take control messages): the difference between the two is the cost
//! of nlkit's socket layer alone, before its engine and any parsing.
//!
//! Prints the count.

use nlkit_bench::{die, family_header, Opts, RTM_GETLINK, RTM_GETROUTE, RTM_NEWLINK, RTM_NEWROUTE};
use nlkit_wire::{MessageType, Messages};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

const NLM_F_REQUEST: u16 = 0x1;
const NLM_F_DUMP: u16 = 0x300;
const SEQ: u32 = 1;

fn request(links: bool) -> Vec<u8> {
    let body = family_header(links);
    let len = 16 + body.len();
    let mut r = Vec::with_capacity(len);
    r.extend_from_slice(&(len as u32).to_ne_bytes());
    r.extend_from_slice(&(if links { RTM_GETLINK } else { RTM_GETROUTE }).to_ne_bytes());
    r.extend_from_slice(&(NLM_F_REQUEST | NLM_F_DUMP).to_ne_bytes());
    r.extend_from_slice(&SEQ.to_ne_bytes());
    r.extend_from_slice(&0u32.to_ne_bytes());
    r.extend_from_slice(body);
    r
}

/// Adds the messages of type `want` in one datagram to `total`; returns
/// whether the datagram ended the dump (`NLMSG_DONE`).
fn count(datagram: &[u8], want: u16, total: &mut u64) -> bool {
    for msg in Messages::new(datagram) {
        let msg = msg.unwrap_or_else(|e| die(&format!("malformed reply: {e}")));
        match msg.message_type() {
            MessageType::Done => return true,
            MessageType::Error => {
                let p = msg.payload();
                let errno = i32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
                if errno != 0 {
                    die(&format!("kernel error: {}", std::io::Error::from_raw_os_error(-errno)));
                }
            }
            MessageType::Family(t) if t == want => *total += 1,
            _ => {}
        }
    }
    false
}

fn with_libc(opts: &Opts) -> u64 {
    opts.enter_netns();
    // SAFETY: plain socket(2); the descriptor is owned right away.
    let fd = unsafe {
        libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, libc::NETLINK_ROUTE)
    };
    if fd < 0 {
        die(&format!("socket: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: fd is a fresh descriptor nobody else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let req = request(opts.links);
    // SAFETY: an all-zero sockaddr_nl is the kernel's address.
    let mut kernel: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    // SAFETY: req and kernel are valid for the lengths given.
    let sent = unsafe {
        libc::sendto(
            fd.as_raw_fd(),
            req.as_ptr().cast(),
            req.len(),
            0,
            (&kernel as *const libc::sockaddr_nl).cast(),
            std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
        )
    };
    if sent < 0 {
        die(&format!("sendto: {}", std::io::Error::last_os_error()));
    }
    let want = if opts.links { RTM_NEWLINK } else { RTM_NEWROUTE };
    let mut buf = vec![0u8; 32 * 1024];
    let mut total = 0;
    loop {
        // SAFETY: buf is valid for writes of buf.len() bytes.
        let n = unsafe { libc::recv(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
        if n < 0 {
            die(&format!("recv: {}", std::io::Error::last_os_error()));
        }
        if count(&buf[..n as usize], want, &mut total) {
            return total;
        }
    }
}

fn with_nlkit_socket(opts: &Opts) -> nlkit::Result<u64> {
    use nlkit::{Netns, Protocol, RecvBuf, Socket};
    let socket = match &opts.netns {
        Some(name) => Socket::open_in(Netns::Name(name), Protocol::ROUTE)?,
        None => Socket::open(Protocol::ROUTE)?,
    };
    socket.send(&request(opts.links))?;
    let want = if opts.links { RTM_NEWLINK } else { RTM_NEWROUTE };
    let mut buf = RecvBuf::new();
    let mut total = 0;
    loop {
        socket.recv(&mut buf)?;
        if count(buf.bytes(), want, &mut total) {
            return Ok(total);
        }
    }
}

fn main() {
    let opts = Opts::parse(&["--nlkit-socket"]);
    let n = if opts.has("--nlkit-socket") {
        with_nlkit_socket(&opts).unwrap_or_else(|e| die(&e.to_string()))
    } else {
        with_libc(&opts)
    };
    println!("{n}");
}
