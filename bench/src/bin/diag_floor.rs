//! The floor of a socket listing: the least a Rust program can do to dump
//! every TCP socket (IPv4, then IPv6, all states) over `NETLINK_SOCK_DIAG`
//! and count them: libc directly, one `sendto` per family, one `recv` per
//! datagram into a 32 KiB buffer until `NLMSG_DONE`, counting the
//! `SOCK_DIAG_BY_FAMILY` headers. Nothing is read, printed or checked.
//! `bench/ss.sh` compares `ss -tan` and `nlkit ss -tan` with it.
//!
//! Prints the count.

use nlkit_bench::{die, Opts};
use nlkit_wire::{MessageType, Messages};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

/// `SOCK_DIAG_BY_FAMILY`.
const SOCK_DIAG_BY_FAMILY: u16 = 20;

/// `nlmsghdr` + `inet_diag_req_v2` for TCP sockets of `family` in any state.
fn request(family: u8) -> Vec<u8> {
    let mut r = Vec::with_capacity(72);
    r.extend_from_slice(&72u32.to_ne_bytes());
    r.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    r.extend_from_slice(&(0x1u16 | 0x300).to_ne_bytes()); // NLM_F_REQUEST | NLM_F_DUMP
    r.extend_from_slice(&1u32.to_ne_bytes());
    r.extend_from_slice(&0u32.to_ne_bytes());
    r.extend_from_slice(&[family, libc::IPPROTO_TCP as u8, 0, 0]);
    r.extend_from_slice(&0xfffu32.to_ne_bytes());
    r.extend_from_slice(&[0; 40]);
    r.extend_from_slice(&[0xff; 8]); // INET_DIAG_NOCOOKIE
    r
}

fn main() {
    let opts = Opts::parse(&[]);
    opts.enter_netns();
    // SAFETY: plain socket(2); the descriptor is owned right away.
    let fd = unsafe {
        libc::socket(libc::AF_NETLINK, libc::SOCK_RAW | libc::SOCK_CLOEXEC, libc::NETLINK_SOCK_DIAG)
    };
    if fd < 0 {
        die(&format!("socket: {}", std::io::Error::last_os_error()));
    }
    // SAFETY: fd is a fresh descriptor nobody else owns.
    let fd = unsafe { OwnedFd::from_raw_fd(fd) };
    let mut buf = vec![0u8; 32 * 1024];
    let mut total = 0u64;
    for family in [libc::AF_INET as u8, libc::AF_INET6 as u8] {
        let req = request(family);
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
        'dump: loop {
            // SAFETY: buf is valid for writes of its length.
            let n = unsafe { libc::recv(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len(), 0) };
            if n < 0 {
                die(&format!("recv: {}", std::io::Error::last_os_error()));
            }
            for msg in Messages::new(&buf[..n as usize]) {
                let msg = msg.unwrap_or_else(|e| die(&format!("malformed reply: {e}")));
                match msg.message_type() {
                    MessageType::Done => break 'dump,
                    MessageType::Error => die("kernel error"),
                    MessageType::Family(SOCK_DIAG_BY_FAMILY) => total += 1,
                    _ => {}
                }
            }
        }
    }
    println!("{total}");
}
