//! `ss -s`: socket counts of the namespace, as ss's `print_summary` reads
//! them: `/proc/net/sockstat` and `sockstat6` (sockets in use, TCP's
//! hashed, orphaned, time-wait and allocated sockets, UDP, raw and
//! fragments) and `/proc/net/snmp` (`Tcp: CurrEstab`). With `-n NS` they
//! are read from a thread inside that namespace (`/proc/thread-self/net`:
//! `/proc/net` follows the process's first thread).

use anyhow::Result;
use nlkit::Netns;
use serde_json::json;
use std::collections::HashMap;

/// What the files say: each `ID:` line's `key value` pairs, keyed
/// `ID.key` (`TCP:.inuse`), and snmp's `Tcp:` values by name.
#[derive(Debug, Default)]
pub struct Counts {
    stat: HashMap<String, i64>,
    tcp_estab: i64,
}

impl Counts {
    fn get(&self, id: &str, key: &str) -> i64 {
        self.stat.get(&format!("{id}.{key}")).copied().unwrap_or(0)
    }

    fn add_sockstat(&mut self, text: &str) {
        for line in text.lines() {
            let mut w = line.split_whitespace();
            let Some(id) = w.next() else { continue };
            let rest: Vec<&str> = w.collect();
            for pair in rest.chunks(2) {
                if let [k, v] = pair {
                    if let Ok(v) = v.parse() {
                        self.stat.insert(format!("{id}.{k}"), v);
                    }
                }
            }
        }
    }

    /// `get_snmp_int("Tcp:", "CurrEstab")`: the value under the name in
    /// the line after the names.
    fn add_snmp(&mut self, text: &str) {
        let mut lines = text.lines().filter(|l| l.starts_with("Tcp:"));
        if let (Some(names), Some(values)) = (lines.next(), lines.next()) {
            let at = names.split_whitespace().position(|n| n == "CurrEstab");
            let v = at.and_then(|i| values.split_whitespace().nth(i));
            self.tcp_estab = v.and_then(|v| v.parse().ok()).unwrap_or(0);
        }
    }
}

/// Reads the counts of `netns` (or this process's namespace).
pub fn read(netns: Option<&str>) -> Result<Counts> {
    let read = || -> std::io::Result<Counts> {
        let file = |name: &str| std::fs::read_to_string(format!("/proc/thread-self/net/{name}"));
        let mut c = Counts::default();
        c.add_sockstat(&file("sockstat")?);
        // A kernel without IPv6 has no sockstat6: zeros, as ss.
        c.add_sockstat(&file("sockstat6").unwrap_or_default());
        c.add_snmp(&file("snmp")?);
        Ok(c)
    };
    Ok(match netns {
        Some(ns) => Netns::Name(ns).run(read)??,
        None => read()?,
    })
}

/// ss's text.
pub fn text(c: &Counts) -> String {
    let g = |id: &str, key: &str| c.get(id, key);
    let (tcp4, tcp6) = (g("TCP:", "inuse"), g("TCP6:", "inuse"));
    let (udp4, udp6, raw4, raw6) =
        (g("UDP:", "inuse"), g("UDP6:", "inuse"), g("RAW:", "inuse"), g("RAW6:", "inuse"));
    let (frag4, frag6) = (g("FRAG:", "inuse"), g("FRAG6:", "inuse"));
    let (total, tws, orphans) = (g("TCP:", "alloc"), g("TCP:", "tw"), g("TCP:", "orphan"));
    let row = |name: &str, a: i64, b: i64| format!("{name}\t  {:<9} {a:<9} {b:<9}\n", a + b);
    let mut s = format!("Total: {}\n", g("sockets:", "used"));
    s.push_str(&format!(
        "TCP:   {} (estab {}, closed {}, orphaned {orphans}, timewait {tws})\n",
        total + tws,
        c.tcp_estab,
        total - (tcp4 + tcp6 - tws),
    ));
    s.push_str("\nTransport Total     IP        IPv6\n");
    s.push_str(&row("RAW", raw4, raw6));
    s.push_str(&row("UDP", udp4, udp6));
    s.push_str(&row("TCP", tcp4, tcp6));
    s.push_str(&row("INET", raw4 + udp4 + tcp4, raw6 + udp6 + tcp6));
    s.push_str(&row("FRAG", frag4, frag6));
    s.push('\n');
    s
}

/// The same as JSON (ss has none): the counts by name.
pub fn json(c: &Counts) -> serde_json::Value {
    let g = |id: &str, key: &str| c.get(id, key);
    let pair =
        |id4: &str, id6: &str| json!({"ipv4": c.get(id4, "inuse"), "ipv6": c.get(id6, "inuse")});
    json!({
        "total": g("sockets:", "used"),
        "tcp": {
            "allocated": g("TCP:", "alloc"), "established": c.tcp_estab,
            "orphaned": g("TCP:", "orphan"), "timewait": g("TCP:", "tw"),
            "hashed": pair("TCP:", "TCP6:"), "memory_pages": g("TCP:", "mem"),
        },
        "udp": pair("UDP:", "UDP6:"),
        "raw": pair("RAW:", "RAW6:"),
        "frag": pair("FRAG:", "FRAG6:"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_print_as_ss_prints_them() {
        let mut c = Counts::default();
        c.add_sockstat(
            "sockets: used 8\nTCP: inuse 3 orphan 1 tw 2 alloc 6 mem 78\nUDP: inuse 1 mem 0\n\
             RAW: inuse 0\nFRAG: inuse 0 memory 0\n",
        );
        c.add_sockstat("TCP6: inuse 2\nUDP6: inuse 1\nRAW6: inuse 0\nFRAG6: inuse 0 memory 0\n");
        c.add_snmp("Tcp: RtoAlgorithm CurrEstab InSegs\nTcp: 1 4 100\n");
        let want = "Total: 8\nTCP:   8 (estab 4, closed 3, orphaned 1, timewait 2)\n\n\
                    Transport Total     IP        IPv6\n\
                    RAW\t  0         0         0        \n\
                    UDP\t  2         1         1        \n\
                    TCP\t  5         3         2        \n\
                    INET\t  7         4         3        \n\
                    FRAG\t  0         0         0        \n\n";
        assert_eq!(text(&c), want);
        assert_eq!(json(&c)["tcp"]["established"], 4);
    }
}
