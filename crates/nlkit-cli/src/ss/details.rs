//! What `-p`, `-o` and `-m` add to a socket's last cell, as ss 6.1
//! prints it: the processes holding it (`users:((NAME,pid=P,fd=F),...)`),
//! its pending timer (`timer:(keepalive,1min59sec,0)`) and its memory
//! (`skmem:(r0,rb131072,...)` on a line of its own).
//!
//! Processes come from one pass over `/proc/*/fd` indexed by socket inode
//! in a hash map: ss keeps them in 256 hash chains, so a lookup walks
//! about n/256 entries and 100,000 sockets cost seconds. A process's name
//! (`/proc/PID/stat`) is read only for a socket that is shown.

use std::collections::HashMap;
use std::fmt::Write as _;

/// `SK_MEMINFO_*` (`<linux/sock_diag.h>`): the order of the `u32`s in
/// `INET_DIAG_SKMEMINFO`, with ss's letter for each.
const SKMEM: [&str; 9] = ["r", "rb", "t", "tb", "f", "w", "o", "bl", "d"];

/// The holders of every socket of every process, by socket inode.
#[derive(Debug, Default)]
pub struct Users {
    /// (pid, fd) in the order found (`/proc` order, then fd order).
    by_inode: HashMap<u32, Vec<(u32, u32)>>,
    names: HashMap<u32, String>,
}

impl Users {
    /// Reads `/proc/*/fd` once (processes that go away meanwhile, or that
    /// cannot be read, are skipped, as ss skips them).
    pub fn scan() -> Users {
        let mut by_inode: HashMap<u32, Vec<(u32, u32)>> = HashMap::new();
        let Ok(procs) = std::fs::read_dir("/proc") else { return Users::default() };
        let mut pids: Vec<u32> =
            procs.flatten().filter_map(|e| e.file_name().to_str()?.parse().ok()).collect();
        pids.sort_unstable();
        for pid in pids {
            let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { continue };
            let mut fds: Vec<u32> =
                fds.flatten().filter_map(|e| e.file_name().to_str()?.parse().ok()).collect();
            fds.sort_unstable();
            for fd in fds {
                let Ok(link) = std::fs::read_link(format!("/proc/{pid}/fd/{fd}")) else { continue };
                let link = link.as_os_str().as_encoded_bytes();
                let Some(ino) = link.strip_prefix(b"socket:[").and_then(|r| r.strip_suffix(b"]"))
                else {
                    continue;
                };
                if let Some(ino) = std::str::from_utf8(ino).ok().and_then(|i| i.parse().ok()) {
                    by_inode.entry(ino).or_default().push((pid, fd));
                }
            }
        }
        Users { by_inode, names: HashMap::new() }
    }

    /// The holders of socket `ino`, last found first (ss's chains push
    /// at the head); empty for none.
    pub fn of(&mut self, ino: u32) -> Vec<(String, u32, u32)> {
        let Some(holders) = self.by_inode.get(&ino) else { return Vec::new() };
        let mut out = Vec::with_capacity(holders.len());
        for &(pid, fd) in holders.iter().rev() {
            let name = self.names.entry(pid).or_insert_with(|| comm(pid)).clone();
            out.push((name, pid, fd));
        }
        out
    }

    /// ` users:(("NAME",pid=P,fd=F),...)`, or nothing.
    pub fn write(&mut self, out: &mut String, ino: u32) {
        if ino == 0 {
            return;
        }
        let holders = self.of(ino);
        if holders.is_empty() {
            return;
        }
        out.push_str(" users:(");
        for (i, (name, pid, fd)) in holders.iter().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            let _ = write!(out, "{comma}(\"{name}\",pid={pid},fd={fd})");
        }
        out.push(')');
    }
}

/// A process's name: what `/proc/PID/stat` has between the parentheses
/// (up to 15 bytes, as ss's `%[^)]` into 16); empty if unreadable.
fn comm(pid: u32) -> String {
    let stat = std::fs::read(format!("/proc/{pid}/stat")).unwrap_or_default();
    let Some(open) = stat.iter().position(|&b| b == b'(') else { return String::new() };
    let name: Vec<u8> =
        stat[open + 1..].iter().take_while(|&&b| b != b')').take(15).copied().collect();
    String::from_utf8_lossy(&name).into_owned()
}

/// ` timer:(NAME,TIME,RETRANS)` for a pending timer (ss's
/// `tcp_timer_print`).
pub fn write_timer(out: &mut String, timer: u8, expires: u32, retrans: u8) {
    const NAMES: [&str; 6] = ["off", "on", "keepalive", "timewait", "persist", "unknown"];
    if timer == 0 {
        return;
    }
    let name = NAMES[usize::from(timer.min(5))];
    let _ = write!(out, " timer:({name},{},{retrans})", ms_timer(expires));
}

/// ss's `print_ms_timer`: minutes, seconds and milliseconds, coarser as
/// the time grows (`1min59sec`, `12min`, `5.120ms`, `200ms`).
pub fn ms_timer(timeout: u32) -> String {
    let (mut secs, minutes, mut msecs) = ((timeout / 1000) % 60, timeout / 60_000, timeout % 1000);
    let mut out = String::new();
    if minutes > 0 {
        msecs = 0;
        let _ = write!(out, "{minutes}min");
        if minutes > 9 {
            secs = 0;
        }
    }
    if secs > 0 {
        if secs > 9 {
            msecs = 0;
        }
        let _ = write!(out, "{secs}{}", if msecs > 0 { "." } else { "sec" });
    }
    if msecs > 0 {
        let _ = write!(out, "{msecs:03}ms");
    }
    out
}

/// ` skmem:(rN,rbN,tN,tbN,fN,wN,oN[,blN][,dN])` from the `SK_MEMINFO_*`
/// `u32`s (ss's `print_skmeminfo`: the first seven always, backlog and
/// drops when the kernel sent them), after `before` (inet sockets put it
/// on a line of its own: `"\n\t"`); nothing when the kernel sent fewer
/// than seven.
pub fn write_skmem(out: &mut String, before: &str, skmem: &[u8]) {
    let words: Vec<u32> = skmem
        .chunks_exact(4)
        .map(|w| u32::from_ne_bytes([w[0], w[1], w[2], w[3]]))
        .take(SKMEM.len())
        .collect();
    if words.len() < 7 {
        return;
    }
    out.push_str(before);
    out.push_str(" skmem:(");
    for (i, (letter, v)) in SKMEM.iter().zip(&words).enumerate() {
        let comma = if i == 0 { "" } else { "," };
        let _ = write!(out, "{comma}{letter}{v}");
    }
    out.push(')');
}

/// The same as JSON members: `{"r": N, "rb": N, ...}`.
pub fn skmem_json(skmem: &[u8]) -> serde_json::Map<String, serde_json::Value> {
    let words = skmem.chunks_exact(4).map(|w| u32::from_ne_bytes([w[0], w[1], w[2], w[3]]));
    SKMEM.iter().zip(words).map(|(k, v)| (k.to_string(), v.into())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_read_as_ss_prints_them() {
        assert_eq!(ms_timer(119_500), "1min59sec");
        assert_eq!(ms_timer(720_000), "12min");
        assert_eq!(ms_timer(5_120), "5.120ms");
        assert_eq!(ms_timer(15_120), "15sec");
        assert_eq!(ms_timer(200), "200ms");
        assert_eq!(ms_timer(0), "");
        let mut s = String::new();
        write_timer(&mut s, 2, 7_200_000, 0);
        assert_eq!(s, " timer:(keepalive,120min,0)");
        s.clear();
        write_timer(&mut s, 9, 1, 3);
        assert_eq!(s, " timer:(unknown,001ms,3)");
    }

    #[test]
    fn memory_reads_seven_to_nine_words() {
        let words = |n: u32| (1..=n).flat_map(|v| v.to_ne_bytes()).collect::<Vec<u8>>();
        let mut s = String::new();
        write_skmem(&mut s, "\n\t", &words(9));
        assert_eq!(s, "\n\t skmem:(r1,rb2,t3,tb4,f5,w6,o7,bl8,d9)");
        s.clear();
        write_skmem(&mut s, "", &words(7));
        assert_eq!(s, " skmem:(r1,rb2,t3,tb4,f5,w6,o7)");
        s.clear();
        write_skmem(&mut s, "", &words(6)[..22]);
        assert_eq!(s, "");
        assert_eq!(skmem_json(&words(9))["bl"], 8);
    }
}
