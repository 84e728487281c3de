//! `nlkit ss`'s words, read as ss reads its own (misc/ss.c `main`): short
//! options combined (`-tan`), their long forms, `-N NS`, then the state
//! filter (`state NAME`, `exclude NAME`). Anything else is refused before
//! a socket is opened: an unknown option as ss refuses it. The words
//! after the state words are the filter, read by [`super::filter`].

use anyhow::{bail, Result};

/// ss's state masks: `SS_ALL` (bits 0 to 11) and `SS_CONN`.
const SS_ALL: u32 = (1 << 12) - 1;
const SS_CONN: u32 = SS_ALL & !((1 << 10) | (1 << 7) | (1 << 6) | (1 << 3));

pub const USAGE: &str = "\
Usage: nlkit ss [ OPTIONS ] [ state STATE | exclude STATE ]... [ FILTER ]
   -t, --tcp           TCP sockets
   -u, --udp           UDP sockets
   -w, --raw           raw sockets
   -x, --unix          unix sockets (all four kinds when none is given)
   -0, --packet        packet sockets
   -A, --query QUERY   tcp, udp, raw, inet, unix, netlink, packet, packet_raw,
                       packet_dgram (comma-separated)
   -f, --family FAMILY inet (-4), inet6 (-6), unix (-x), netlink, link (-0)
   -a, --all           sockets in every state
   -l, --listening     listening (and unconnected) sockets
   -n, --numeric       ports as numbers, not service names
   -e, --extended      uid, inode, cookie, mark, cgroup, v6only, shutdown
   -o, --options       timers (retransmit, keepalive, time-wait, persist)
   -m, --memory        socket memory (skmem: receive, send, forward, queued, ...)
   -i, --info          TCP internals (tcp_info: rtt, cwnd, rates, congestion
                       control, retransmits, ...)
   -p, --processes     the processes holding each socket (pid, fd, name)
   -K, --kill          close each TCP, UDP or raw socket listed (SOCK_DESTROY;
                       needs a state or filter)
   -E, --events        follow TCP and UDP sockets as they are destroyed
   -s, --summary       socket counts (/proc/net/sockstat, sockstat6, snmp)
   -4, --ipv4          IPv4 only
   -6, --ipv6          IPv6 only
   -H, --no-header     no header line
   -N, --net NS        in network namespace NS (as nlkit -n NS)
   -j, --json          JSON (ss has none), as nlkit -j
   -h, --help          this text
   STATE := all | connected | synchronized | bucket | big | established |
            syn-sent | syn-recv | fin-wait-1 | fin-wait-2 | time-wait |
            closed | close-wait | last-ack | listening | closing
   FILTER := [ not ] COND [ { and | or } [ not ] COND ]...  (left to right;
             ( ) group; and/or/not also & | !), run by the kernel on
             inet sockets, here on unix, packet and netlink ones
   COND := { src | dst } [ = ] HOST | { sport | dport } [ OP ] PORT |
           dev [ = | != ] IFNAME | fwmark [ = | != ] MARK[/MASK] |
           cgroup [ = | != ] PATH | autobound
   OP := = | != | < | > | <= | >=  (or eq ne lt gt le ge)
   HOST := [ inet: | inet6: ] { ADDR[/LEN] | [IPV6] | * | NAME } [ :PORT ] |
           unix:PATTERN | link:PROTO[:IFACE] | netlink:PROTO[:PORTID]
           (a unix, link or netlink host lists that family only; after
           -x, -0 or -f, a host without a tag is of that family)
-i writes MD5 keys
inside the line (ss prints them before its table). Raw sockets come from the kernel's
raw_diag, or from /proc/net/raw and raw6 where it has none (as ss falls
back; -K cannot close those), with their protocol as a number.
";

/// What the words ask for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// `IPPROTO_*` of the protocols wanted.
    pub protocols: Vec<u8>,
    /// Whether -t, -u or -w named them (rather than the default, all).
    pub named_protocols: bool,
    /// Unix sockets (-x; ss counts three tables: stream, datagram,
    /// seqpacket).
    pub unix: bool,
    /// Netlink sockets (`-A netlink`, `-f netlink`).
    pub netlink: bool,
    /// Packet sockets of type `SOCK_RAW` and `SOCK_DGRAM` (`-0`, `-A
    /// packet`, `-f link`).
    pub packet_raw: bool,
    pub packet_dgram: bool,
    /// The state mask sent to the kernel (ss's bits).
    pub states: u32,
    pub numeric: bool,
    pub extended: bool,
    /// -p: the processes holding each socket.
    pub processes: bool,
    /// -o (or -e): timers, and under -i the negotiated TCP options.
    pub timers: bool,
    /// -m: socket memory.
    pub memory: bool,
    /// -i: TCP internals (`tcp_info`).
    pub info: bool,
    /// -K: close each socket listed (SOCK_DESTROY).
    pub kill: bool,
    /// -E: follow sockets as they are destroyed.
    pub events: bool,
    /// `-s`: the summary first (alone when no table, state or filter is
    /// named, as ss).
    pub summary: bool,
    /// `-s` with nothing else to list: the summary only.
    pub summary_only: bool,
    /// `Some(AF_INET)` or `Some(AF_INET6)` for -4/-6.
    pub family: Option<u8>,
    /// The family the last of -4, -6, -x, -0 and -f named (ss's
    /// `preferred_family`): a filter's hosts without a `unix:`, `link:`
    /// or `netlink:` tag are of that family.
    pub preferred: Option<u8>,
    pub header: bool,
    pub netns: Option<String>,
    pub json: bool,
    pub help: bool,
    /// The words of the address/port filter (after the state words).
    pub filter: Vec<String>,
}

impl Options {
    /// How many of ss's tables are listed (the Netid column shows when
    /// more than one is).
    pub fn dbs(&self) -> usize {
        self.protocols.len()
            + if self.unix { 3 } else { 0 }
            + usize::from(self.netlink)
            + usize::from(self.packet_raw)
            + usize::from(self.packet_dgram)
    }

    /// The address families to dump, in ss's order.
    pub fn families(&self) -> Vec<u8> {
        match self.family {
            Some(f) => vec![f],
            None => vec![libc::AF_INET as u8, libc::AF_INET6 as u8],
        }
    }
}

/// A state name (ss's `scan_state`, case-insensitive) as a mask.
fn state(word: &str) -> Result<u32> {
    let w = word.to_ascii_lowercase();
    let names = [
        "established",
        "syn-sent",
        "syn-recv",
        "fin-wait-1",
        "fin-wait-2",
        "time-wait",
        "unconnected",
        "close-wait",
        "last-ack",
        "listening",
        "closing",
    ];
    Ok(match w.as_str() {
        "close" | "closed" => 1 << 7,
        "syn-rcv" => 1 << 3,
        "all" => SS_ALL,
        "connected" => SS_ALL & !((1 << 7) | (1 << 10)),
        "synchronized" => SS_ALL & !((1 << 7) | (1 << 10) | (1 << 2)),
        "bucket" => (1 << 3) | (1 << 6),
        "big" => SS_ALL & !((1 << 3) | (1 << 6)),
        _ => match names.iter().position(|n| *n == w) {
            Some(i) => 1 << (i + 1),
            None => bail!("ss: wrong state name: {word}"),
        },
    })
}

/// `-A QUERY[,QUERY]`: the socket tables nlkit has (ss's `filter_db_parse`
/// names; the others are not supported yet).
fn query(o: &mut Options, value: &str) -> Result<()> {
    for q in value.split(',') {
        match q {
            "tcp" => push_new(&mut o.protocols, 6),
            "udp" => push_new(&mut o.protocols, 17),
            "raw" => push_new(&mut o.protocols, 255),
            "inet" => [255, 17, 6].into_iter().for_each(|p| push_new(&mut o.protocols, p)),
            "unix" => o.unix = true,
            "netlink" => o.netlink = true,
            "packet" => (o.packet_raw, o.packet_dgram) = (true, true),
            "packet_raw" | "p_raw" => o.packet_raw = true,
            "packet_dgram" | "p_dgr" => o.packet_dgram = true,
            "all" | "mptcp" | "dccp" | "sctp" | "unix_dgram" | "unix_stream" | "unix_seqpacket"
            | "vsock_stream" | "vsock_dgram" | "tipc" | "xdp" => {
                bail!("ss -A {q} is not supported by nlkit ss yet")
            }
            _ => bail!("ss: wrong query \"{q}\"\n{USAGE}"),
        }
    }
    Ok(())
}

/// `-f FAMILY`: inet and inet6 as -4 and -6, unix as -x, netlink, link
/// as -0. Returns the family's default states (ss's `default_afs`).
fn family(o: &mut Options, value: &str) -> Result<u32> {
    Ok(match value {
        "inet" => {
            o.family = Some(libc::AF_INET as u8);
            o.preferred = o.family;
            SS_CONN
        }
        "inet6" => {
            o.family = Some(libc::AF_INET6 as u8);
            o.preferred = o.family;
            SS_CONN
        }
        "unix" => {
            o.unix = true;
            o.preferred = Some(libc::AF_UNIX as u8);
            SS_CONN
        }
        "netlink" => {
            o.netlink = true;
            o.preferred = Some(libc::AF_NETLINK as u8);
            1 << 7
        }
        "link" => {
            (o.packet_raw, o.packet_dgram) = (true, true);
            o.preferred = Some(libc::AF_PACKET as u8);
            1 << 7
        }
        "tipc" | "vsock" | "xdp" => {
            bail!("ss -f {value} is not supported by nlkit ss yet")
        }
        _ => bail!("ss: \"{value}\" is invalid family\n{USAGE}"),
    })
}

fn push_new(protocols: &mut Vec<u8>, p: u8) {
    if !protocols.contains(&p) {
        protocols.push(p);
    }
}

/// Reads the words after `ss`.
pub fn parse(words: &[String]) -> Result<Options> {
    let mut o = Options {
        protocols: Vec::new(),
        named_protocols: false,
        unix: false,
        netlink: false,
        packet_raw: false,
        packet_dgram: false,
        states: 0,
        numeric: false,
        extended: false,
        processes: false,
        timers: false,
        memory: false,
        info: false,
        kill: false,
        events: false,
        summary: false,
        summary_only: false,
        family: None,
        preferred: None,
        header: true,
        netns: None,
        json: false,
        help: false,
        filter: Vec::new(),
    };
    // ss's two state masks: the one the options name (-a, -l, state
    // words; the first -A makes it "connected" if it is still empty),
    // which wins, and the one the tables asked for add up to (each
    // table's default: TCP connected, UDP and raw established, unix
    // connected and unconnected, netlink and packet unconnected).
    let mut explicit_states = None;
    let mut table_states = 0u32;
    let mut tables_named = false;
    let want = |o: &mut Options, p: u8| {
        if !o.protocols.contains(&p) {
            o.protocols.push(p);
        }
    };
    let mut i = 0;
    while let Some(w) = words.get(i) {
        i += 1;
        let long = match w.strip_prefix("--") {
            Some(l) => Some(l),
            None if w.starts_with('-') && w.len() > 1 => None,
            None => {
                i -= 1;
                break;
            }
        };
        // `--query=Q`, `--socket Q`, `--family=F`: as -A and -f.
        let (long, attached) = match long.and_then(|l| l.split_once('=')) {
            Some((name, value)) => (Some(name), Some(value.to_string())),
            None => (long, None),
        };
        if let Some(l @ ("query" | "socket" | "family")) = long {
            let value = match attached {
                Some(v) => v,
                None => match words.get(i) {
                    Some(v) => {
                        i += 1;
                        v.clone()
                    }
                    None => bail!("ss: option '--{l}' requires an argument\n{USAGE}"),
                },
            };
            tables_named = true;
            match l {
                "family" => table_states |= family(&mut o, &value)?,
                _ => {
                    explicit_states = explicit_states.or(Some(SS_CONN));
                    query(&mut o, &value)?
                }
            }
            continue;
        }
        let shorts: Vec<char> = match long {
            Some("tcp") => vec!['t'],
            Some("udp") => vec!['u'],
            Some("raw") => vec!['w'],
            Some("unix") => vec!['x'],
            Some("all") => vec!['a'],
            Some("listening") => vec!['l'],
            Some("numeric") => vec!['n'],
            Some("extended") => vec!['e'],
            Some("processes") => vec!['p'],
            Some("options") => vec!['o'],
            Some("memory") => vec!['m'],
            Some("info") => vec!['i'],
            Some("kill") => vec!['K'],
            Some("events") => vec!['E'],
            Some("summary") => vec!['s'],
            Some("packet") => vec!['0'],
            Some("ipv4") => vec!['4'],
            Some("ipv6") => vec!['6'],
            Some("no-header") => vec!['H'],
            Some("net") => vec!['N'],
            Some("json") => vec!['j'],
            Some("help") => vec!['h'],
            Some(other) => bail!("ss: unrecognized option '--{other}'\n{USAGE}"),
            None => w[1..].chars().collect(),
        };
        for (k, c) in shorts.iter().enumerate() {
            match c {
                't' => {
                    want(&mut o, 6);
                    (tables_named, table_states) = (true, table_states | SS_CONN);
                }
                'u' | 'w' => {
                    want(&mut o, if *c == 'u' { 17 } else { 255 });
                    (tables_named, table_states) = (true, table_states | 1 << 1);
                }
                'x' => {
                    o.unix = true;
                    o.preferred = Some(libc::AF_UNIX as u8);
                    (tables_named, table_states) = (true, table_states | SS_CONN);
                }
                'a' => explicit_states = Some(SS_ALL),
                'l' => explicit_states = Some((1 << 10) | (1 << 7)),
                'n' => o.numeric = true,
                // As ss: -e also shows what -o does (its `show_options`).
                'e' => (o.extended, o.timers) = (true, true),
                '4' | '6' => {
                    let f = if *c == '4' { libc::AF_INET } else { libc::AF_INET6 };
                    o.family = Some(f as u8);
                    o.preferred = o.family;
                    (tables_named, table_states) = (true, table_states | SS_CONN);
                }
                'H' => o.header = false,
                'j' => o.json = true,
                'h' => o.help = true,
                'N' | 'A' | 'f' => {
                    // The rest of this word, or the next word, is the value.
                    let rest: String = shorts[k + 1..].iter().collect();
                    let value = match rest.is_empty() {
                        false => rest,
                        true => match words.get(i) {
                            Some(n) => {
                                i += 1;
                                n.clone()
                            }
                            None => bail!("ss: option requires an argument -- '{c}'\n{USAGE}"),
                        },
                    };
                    match c {
                        'N' => o.netns = Some(value),
                        'A' => {
                            tables_named = true;
                            explicit_states = explicit_states.or(Some(SS_CONN));
                            query(&mut o, &value)?
                        }
                        _ => {
                            tables_named = true;
                            table_states |= family(&mut o, &value)?;
                        }
                    }
                    break;
                }
                'p' => o.processes = true,
                'o' => o.timers = true,
                'm' => o.memory = true,
                'i' => o.info = true,
                'K' => o.kill = true,
                'E' => o.events = true,
                's' => o.summary = true,
                '0' => {
                    (o.packet_raw, o.packet_dgram) = (true, true);
                    o.preferred = Some(libc::AF_PACKET as u8);
                    (tables_named, table_states) = (true, table_states | 1 << 7);
                }
                'r' | 'Z' | 'z' | 'b' | 'S' | 'd' | 'M' | 'T' | 'O' | 'F' | 'D' => {
                    bail!("ss option -{c} is not supported by nlkit ss yet")
                }
                other => bail!("ss: invalid option -- '{other}'\n{USAGE}"),
            }
        }
    }
    let mut saw = false;
    while let Some(w) = words.get(i) {
        let excl = match w.as_str() {
            "state" => false,
            "exclude" | "excl" => true,
            // The filter: read by `filter::parse` once a socket is open
            // (device names are looked up in the namespace).
            _ => {
                o.filter = words[i..].to_vec();
                break;
            }
        };
        i += 1;
        let Some(name) = words.get(i) else { bail!("ss: {w} needs a state name") };
        i += 1;
        let base = explicit_states.unwrap_or(0);
        let mask = if saw {
            base
        } else if excl {
            SS_ALL
        } else {
            0
        };
        explicit_states = Some(if excl { mask & !state(name)? } else { mask | state(name)? });
        saw = true;
    }
    // -K with nothing naming the sockets would close every one listed (ss
    // does): refused, as ip refuses a flush without a selector.
    if o.kill && o.filter.is_empty() && !saw {
        bail!(
            "ss -K needs a state or a filter naming the sockets to close \
             (\"state all\" for every socket listed)"
        );
    }
    o.summary_only = o.summary && !tables_named && !saw && o.filter.is_empty();
    o.named_protocols = !o.protocols.is_empty();
    let (filtered, packet) = (!o.filter.is_empty(), o.packet_raw || o.packet_dgram);
    if o.protocols.is_empty() && !o.unix && !o.netlink && !packet {
        // With a filter, the inet tables only (a unix:, link: or netlink:
        // host in it switches to that family's).
        o.protocols = vec![255, 17, 6];
        o.unix = !filtered;
        o.netlink = o.family.is_none() && !filtered;
        o.packet_raw = o.netlink;
        o.packet_dgram = o.netlink;
    }
    o.states = match explicit_states.filter(|&s| s != 0) {
        Some(s) => s,
        None if tables_named => table_states,
        None => SS_CONN,
    };
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Options> {
        parse(&s.split_whitespace().map(String::from).collect::<Vec<_>>())
    }

    #[test]
    fn options_combine_as_ss_reads_them() {
        let o = p("-tan").unwrap();
        assert_eq!((o.protocols.clone(), o.states, o.numeric), (vec![6], SS_ALL, true));
        let o = p("-tl -4 --udp").unwrap();
        assert_eq!((o.protocols.clone(), o.states), (vec![6, 17], (1 << 10) | (1 << 7)));
        assert_eq!(o.family, Some(libc::AF_INET as u8));
        assert_eq!(p("-t").unwrap().states, SS_CONN);
        assert_eq!(p("").unwrap().protocols, [255, 17, 6]);
        assert!(p("").unwrap().unix);
        let x = p("-xa").unwrap();
        assert_eq!((x.protocols.len(), x.unix, x.dbs()), (0, true, 3));
        assert_eq!(p("-tNfoo").unwrap().netns.as_deref(), Some("foo"));
        assert_eq!(p("-t -N bar -n").unwrap().netns.as_deref(), Some("bar"));
        // -A and -f, attached or not, short or long.
        let q = p("-A netlink,tcp").unwrap();
        assert_eq!((q.netlink, q.unix, q.protocols.clone(), q.dbs()), (true, false, vec![6], 2));
        assert!(p("-Aunix").unwrap().unix);
        assert_eq!(p("--query=inet").unwrap().protocols, [255, 17, 6]);
        assert_eq!(p("--socket udp").unwrap().protocols, [17]);
        assert_eq!(p("-f inet6").unwrap().family, Some(libc::AF_INET6 as u8));
        assert!(p("--family=netlink").unwrap().netlink);
        // The default lists netlink sockets too, but not under -4/-6.
        assert!(p("-a").unwrap().netlink && !p("-a4").unwrap().netlink);
    }

    #[test]
    fn state_words_follow_ss() {
        assert_eq!(p("-t state listening").unwrap().states, 1 << 10);
        assert_eq!(p("-t state established state closed").unwrap().states, (1 << 1) | (1 << 7));
        assert_eq!(p("-t exclude listening").unwrap().states, SS_ALL & !(1 << 10));
        assert_eq!(p("-t state Connected").unwrap().states, SS_ALL & !((1 << 7) | (1 << 10)));
        assert!(p("-t state nosuch").unwrap_err().to_string().contains("wrong state name: nosuch"));
        assert!(p("-t state").is_err());
    }

    #[test]
    fn what_nlkit_lacks_is_said_and_bad_words_refused() {
        assert!(p("-tr").unwrap_err().to_string().contains("-r is not supported by nlkit ss"));
        let o = p("-tpmoi").unwrap();
        assert!(o.processes && o.memory && o.timers && o.info);
        assert!(p("--info").unwrap().info);
        assert!(p("-te").unwrap().timers, "-e shows what -o shows, as in ss");
        assert_eq!(p("-t state listening dport = :22").unwrap().filter, ["dport", "=", ":22"]);
        assert!(p("-q").unwrap_err().to_string().contains("invalid option -- 'q'"));
        assert!(p("--bogus").unwrap_err().to_string().contains("unrecognized option '--bogus'"));
        assert!(p("-tN").is_err());
        assert!(p("-A packet").unwrap().packet_raw && p("-0").unwrap().packet_dgram);
        assert!(p("-A xdp").unwrap_err().to_string().contains("-A xdp is not supported"));
        assert!(p("-A bogus").unwrap_err().to_string().contains("wrong query \"bogus\""));
        assert!(p("-f xdp").unwrap_err().to_string().contains("-f xdp is not supported"));
        assert!(p("-f bogus").unwrap_err().to_string().contains("\"bogus\" is invalid family"));
        assert!(p("-A").is_err() && p("--query").is_err());
    }
}
