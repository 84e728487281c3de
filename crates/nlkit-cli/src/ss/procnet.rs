//! Raw sockets from `/proc/net/raw` and `/proc/net/raw6`, for a kernel
//! without `raw_diag` (a module, often not loaded): what ss falls back to.
//! The files give the addresses (the protocol number as the port), the
//! state, both queues, the owner's uid and the inode; the rest (cookie,
//! interface, memory) only the diag answer has. The file read is the
//! reading thread's network namespace's (`/proc/thread-self/net`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// One line of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Socket {
    pub local: SocketAddr,
    pub peer: SocketAddr,
    /// The TCP-numbered state (`TCP_CLOSE`, 7, for an unconnected one).
    pub state: u8,
    pub tx_queue: u32,
    pub rx_queue: u32,
    pub uid: u32,
    pub inode: u32,
}

/// The raw sockets of `family` (`AF_INET` or `AF_INET6`) in the network
/// namespace `netns` (this one when `None`); lines that do not read are
/// skipped.
pub fn raw(family: u8, netns: Option<&str>) -> std::io::Result<Vec<Socket>> {
    // thread-self: /proc/net is the main thread's namespace's, and under
    // -n this thread is in another.
    let path = match i32::from(family) {
        libc::AF_INET6 => "/proc/thread-self/net/raw6",
        _ => "/proc/thread-self/net/raw",
    };
    let read = || crate::input::read(std::path::Path::new(path));
    let bytes = match netns {
        Some(ns) => nlkit::Netns::Name(ns).run(read).map_err(std::io::Error::other)?,
        None => read(),
    }
    .map_err(std::io::Error::other)?;
    Ok(String::from_utf8_lossy(&bytes).lines().skip(1).filter_map(line).collect())
}

/// `sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...`.
fn line(text: &str) -> Option<Socket> {
    let f: Vec<&str> = text.split_whitespace().collect();
    let (tx, rx) = f.get(4)?.split_once(':')?;
    Some(Socket {
        local: address(f.get(1)?)?,
        peer: address(f.get(2)?)?,
        state: u8::from_str_radix(f.get(3)?, 16).ok()?,
        tx_queue: u32::from_str_radix(tx, 16).ok()?,
        rx_queue: u32::from_str_radix(rx, 16).ok()?,
        uid: f.get(7)?.parse().ok()?,
        inode: f.get(9)?.parse().ok()?,
    })
}

/// `ADDR:PORT` in hex: the address as the kernel stores it, printed one
/// 32-bit word at a time in host order (so each word's bytes in memory
/// are the address's), the port as a host number.
fn address(text: &str) -> Option<SocketAddr> {
    let (addr, port) = text.split_once(':')?;
    let port = u16::from_str_radix(port, 16).ok()?;
    let mut bytes = Vec::with_capacity(16);
    for word in addr.as_bytes().chunks(8) {
        let word = u32::from_str_radix(std::str::from_utf8(word).ok()?, 16).ok()?;
        bytes.extend_from_slice(&word.to_ne_bytes());
    }
    let ip = match bytes.len() {
        4 => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        16 => IpAddr::V6(Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => return None,
    };
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines as a little-endian kernel writes them.
    #[test]
    #[cfg(target_endian = "little")]
    fn lines_read_as_the_kernel_writes_them() {
        let v4 = " 142: 0100007F:00FF 00000000:0000 07 00000002:00000010 00:00000000 00000000  1000        0 1740773 2 00000000167c05e1 0";
        let s = line(v4).unwrap();
        assert_eq!(s.local, "127.0.0.1:255".parse().unwrap());
        assert_eq!(s.peer, "0.0.0.0:0".parse().unwrap());
        assert_eq!((s.state, s.tx_queue, s.rx_queue, s.uid, s.inode), (7, 2, 16, 1000, 1740773));
        let v6 = "   33: 0000000000000000FFFF00000100007F:003A 00000000000000000000000001000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1740772 2 000000007f1a0e03 0";
        let s = line(v6).unwrap();
        assert_eq!(s.local, "[::ffff:127.0.0.1]:58".parse().unwrap());
        assert_eq!(s.peer, "[::1]:0".parse().unwrap());
        assert_eq!(line("  sl  local_address rem_address"), None);
        assert_eq!(line(""), None);
    }
}
