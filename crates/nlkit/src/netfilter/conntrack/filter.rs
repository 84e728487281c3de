//! Conntrack events filtered in the kernel: a classic BPF program attached
//! to the event socket (`SO_ATTACH_FILTER`), run by the kernel on each
//! event before it is queued, so an event that does not match costs no
//! copy, no wake-up and no room in the receive buffer (where floods of
//! unwanted events would otherwise cause overruns). The program finds
//! attributes with the kernel's `SKF_AD_NLATTR` extension
//! (`bpf_skb_get_nlattr`: `nla_find` from offset A for type X, the found
//! attribute's offset or 0 in A), as libnetfilter_conntrack's filters do.
//!
//! ctnetlink leaves out a mark or zone of 0, so a missing `CTA_MARK` or
//! `CTA_ZONE` reads as 0; an event without `CTA_STATUS` never matches a
//! status condition.

use super::tables::{CONNTRACK_ATTRS_MARK, CONNTRACK_ATTRS_STATUS, CONNTRACK_ATTRS_ZONE};
use super::Entry;

/// What events to let through; every condition given must hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// `(value, mask)`: the entry's mark, masked, equals the value masked.
    pub mark: Option<(u32, u32)>,
    /// The entry's zone.
    pub zone: Option<u16>,
    /// `IPS_*` bits that must all be set ([`tables::nf_ct_status`](super::tables::nf_ct_status)).
    pub status: Option<u32>,
}

/// `nlmsghdr` and `nfgenmsg`: where the attributes start.
const ATTRS_AT: u32 = 16 + 4;

fn stmt(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter { code: code as u16, jt: 0, jf: 0, k }
}

fn jump(code: u32, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter { code: code as u16, jt, jf, k }
}

/// One condition: the attribute, its width (4 or 2 bytes), the mask, the
/// value, and whether a missing attribute (0) passes.
struct Cond {
    kind: u16,
    wide: bool,
    mask: u32,
    value: u32,
    missing_passes: bool,
}

impl EventFilter {
    /// Whether it lets everything through (no program is needed).
    pub fn is_empty(&self) -> bool {
        self.mark.is_none() && self.zone.is_none() && self.status.is_none()
    }

    fn conds(&self) -> Vec<Cond> {
        let mut out = Vec::new();
        if let Some((value, mask)) = self.mark {
            let value = value & mask;
            let missing_passes = value == 0;
            out.push(Cond { kind: CONNTRACK_ATTRS_MARK, wide: true, mask, value, missing_passes });
        }
        if let Some(zone) = self.zone {
            let (value, missing_passes) = (u32::from(zone), zone == 0);
            out.push(Cond {
                kind: CONNTRACK_ATTRS_ZONE,
                wide: false,
                mask: 0xffff,
                value,
                missing_passes,
            });
        }
        if let Some(bits) = self.status.filter(|&b| b != 0) {
            out.push(Cond {
                kind: CONNTRACK_ATTRS_STATUS,
                wide: true,
                mask: bits,
                value: bits,
                missing_passes: false,
            });
        }
        out
    }

    /// The program: per condition, find the attribute, load its value
    /// (network byte order, as ctnetlink writes it), mask and compare;
    /// any failure returns 0 (drop), the end returns all ones (keep the
    /// whole datagram).
    pub fn program(&self) -> Vec<libc::sock_filter> {
        use libc::{
            BPF_ABS, BPF_ALU, BPF_AND, BPF_H, BPF_IMM, BPF_IND, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD,
            BPF_MISC, BPF_RET, BPF_TAX, BPF_W, SKF_AD_NLATTR, SKF_AD_OFF,
        };
        const BLOCK: usize = 9;
        let conds = self.conds();
        // The two returns after the blocks: keep, then drop.
        let drop_at = conds.len() * BLOCK + 1;
        let mut p = Vec::with_capacity(drop_at + 1);
        for c in &conds {
            let at = p.len();
            // Offsets from the instruction after the jump.
            let to_drop = |i: usize| (drop_at - (at + i + 1)) as u8;
            let next_block = (BLOCK - 5) as u8;
            let size = if c.wide { BPF_W } else { BPF_H };
            p.extend([
                // X: the type; A: where the attributes start.
                stmt(BPF_LD | BPF_IMM, c.kind.into()),
                stmt(BPF_MISC | BPF_TAX, 0),
                stmt(BPF_LD | BPF_IMM, ATTRS_AT),
                stmt(BPF_LD | BPF_W | BPF_ABS, (SKF_AD_OFF + SKF_AD_NLATTR) as u32),
                // 0: not there.
                jump(
                    BPF_JMP | BPF_JEQ | BPF_K,
                    0,
                    if c.missing_passes { next_block } else { to_drop(4) },
                    0,
                ),
                stmt(BPF_MISC | BPF_TAX, 0),
                stmt(BPF_LD | size | BPF_IND, 4),
                stmt(BPF_ALU | BPF_AND | BPF_K, c.mask),
                jump(BPF_JMP | BPF_JEQ | BPF_K, c.value, 0, to_drop(8)),
            ]);
        }
        p.push(stmt(BPF_RET | BPF_K, u32::MAX));
        p.push(stmt(BPF_RET | BPF_K, 0));
        p
    }

    /// The same test on a parsed entry (what the program decides, for a
    /// replayed capture or a kernel without the extension).
    pub fn matches(&self, e: &Entry) -> bool {
        self.mark.is_none_or(|(v, m)| e.mark.unwrap_or(0) & m == v & m)
            && self.zone.is_none_or(|z| e.zone.unwrap_or(0) == z)
            && self.status.is_none_or(|s| e.status.is_some_and(|x| x & s == s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A classic BPF interpreter for the instructions the program uses,
    /// with `SKF_AD_NLATTR` as the kernel's `bpf_skb_get_nlattr` (from
    /// offset A, type X): the program's verdict on a message.
    fn run(p: &[libc::sock_filter], msg: &[u8]) -> u32 {
        let (mut a, mut x, mut pc) = (0u32, 0u32, 0usize);
        let load = |at: usize, n: usize| -> Option<u32> {
            let b = msg.get(at..at + n)?;
            Some(b.iter().fold(0, |v, &b| v << 8 | u32::from(b)))
        };
        loop {
            let i = p[pc];
            pc += 1;
            let code = u32::from(i.code);
            match code {
                c if c == libc::BPF_LD | libc::BPF_IMM => a = i.k,
                c if c == libc::BPF_MISC | libc::BPF_TAX => x = a,
                c if c == libc::BPF_LD | libc::BPF_W | libc::BPF_ABS => {
                    assert_eq!(i.k, (libc::SKF_AD_OFF + libc::SKF_AD_NLATTR) as u32);
                    a = nla_find(msg, a as usize, x as u16).unwrap_or(0) as u32;
                }
                c if c == libc::BPF_LD | libc::BPF_W | libc::BPF_IND => {
                    let Some(v) = load(x as usize + i.k as usize, 4) else { return 0 };
                    a = v;
                }
                c if c == libc::BPF_LD | libc::BPF_H | libc::BPF_IND => {
                    let Some(v) = load(x as usize + i.k as usize, 2) else { return 0 };
                    a = v;
                }
                c if c == libc::BPF_ALU | libc::BPF_AND | libc::BPF_K => a &= i.k,
                c if c == libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K => {
                    pc += usize::from(if a == i.k { i.jt } else { i.jf });
                }
                c if c == libc::BPF_RET | libc::BPF_K => return i.k,
                other => panic!("unexpected instruction {other:#x}"),
            }
        }
    }

    fn nla_find(msg: &[u8], mut at: usize, kind: u16) -> Option<usize> {
        while at + 4 <= msg.len() {
            let len = usize::from(u16::from_ne_bytes([msg[at], msg[at + 1]]));
            let t = u16::from_ne_bytes([msg[at + 2], msg[at + 3]]) & 0x3fff;
            if len < 4 || at + len > msg.len() {
                return None;
            }
            if t == kind {
                return Some(at);
            }
            at += (len + 3) & !3;
        }
        None
    }

    fn event(attrs: &[(u16, &[u8])]) -> Vec<u8> {
        let mut m = vec![0u8; 20];
        for (kind, payload) in attrs {
            let len = 4 + payload.len();
            m.extend_from_slice(&(len as u16).to_ne_bytes());
            m.extend_from_slice(&kind.to_ne_bytes());
            m.extend_from_slice(payload);
            m.resize(m.len().next_multiple_of(4), 0);
        }
        m
    }

    #[test]
    fn the_program_decides_as_the_entry_test() {
        let status = |s: u32| (CONNTRACK_ATTRS_STATUS, s.to_be_bytes().to_vec());
        let mark = |s: u32| (CONNTRACK_ATTRS_MARK, s.to_be_bytes().to_vec());
        let zone = |z: u16| (CONNTRACK_ATTRS_ZONE, z.to_be_bytes().to_vec());
        let events: Vec<Vec<(u16, Vec<u8>)>> = vec![
            vec![status(0b1110)],
            vec![status(0b1010), mark(7)],
            vec![status(0b0110), mark(0x107), zone(3)],
            vec![mark(8), zone(3)],
            vec![(99, vec![1, 2, 3]), status(0b100), zone(1)],
            vec![],
        ];
        let filters = [
            EventFilter::default(),
            EventFilter { mark: Some((7, u32::MAX)), ..Default::default() },
            EventFilter { mark: Some((7, 0xff)), ..Default::default() },
            EventFilter { mark: Some((0, u32::MAX)), ..Default::default() },
            EventFilter { zone: Some(3), ..Default::default() },
            EventFilter { zone: Some(0), ..Default::default() },
            EventFilter { status: Some(0b100), ..Default::default() },
            EventFilter { status: Some(0b100), mark: Some((7, 0xff)), zone: Some(3) },
        ];
        for f in &filters {
            let p = f.program();
            for attrs in &events {
                let borrowed: Vec<(u16, &[u8])> = attrs.iter().map(|(k, v)| (*k, &v[..])).collect();
                let msg = event(&borrowed);
                let get = |k: u16, n: usize| {
                    attrs
                        .iter()
                        .find(|(x, _)| *x == k)
                        .map(|(_, v)| v[..n].iter().fold(0u32, |a, &b| a << 8 | u32::from(b)))
                };
                let e = Entry {
                    mark: get(CONNTRACK_ATTRS_MARK, 4),
                    zone: get(CONNTRACK_ATTRS_ZONE, 2).map(|z| z as u16),
                    status: get(CONNTRACK_ATTRS_STATUS, 4),
                    ..Entry::default()
                };
                let keep = run(&p, &msg) != 0;
                assert_eq!(keep, f.matches(&e), "{f:?} on {attrs:?}");
            }
        }
        assert_eq!(filters[7].program().len(), 3 * 9 + 2);
        assert!(EventFilter::default().is_empty());
    }
}
