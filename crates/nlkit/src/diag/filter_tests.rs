//! The compiler checked against a model of the kernel: `audit` and `run`
//! below follow `inet_diag_bc_audit` and `inet_diag_bc_run`
//! (net/ipv4/inet_diag.c), and random expressions must compile to
//! programs the audit accepts and that decide every random socket as
//! [`Expr::matches`] does. The real kernel runs the same programs in
//! nlkit-cli's `tests/ss.rs`.

use super::*;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

fn u16_at(bc: &[u8], at: usize) -> usize {
    usize::from(u16::from_ne_bytes([bc[at], bc[at + 1]]))
}

/// `valid_cc`: a jump target is the start of an operation or the end.
fn valid_cc(bc: &[u8], cc: isize) -> bool {
    let (mut len, mut at) = (bc.len() as isize, 0usize);
    while len >= 0 {
        if cc > len {
            return false;
        }
        if cc == len {
            return true;
        }
        let yes = bc[at + 1] as isize;
        if yes < 4 || yes & 3 != 0 {
            return false;
        }
        len -= yes;
        at += yes as usize;
    }
    false
}

/// `inet_diag_bc_audit` (with `CAP_NET_ADMIN`).
fn audit(bc: &[u8]) -> bool {
    let (mut at, mut len) = (0usize, bc.len() as isize);
    while len > 0 {
        if len < 4 {
            return false;
        }
        let (code, yes, no) = (bc[at], bc[at + 1] as isize, u16_at(bc, at + 2) as isize);
        let min = match code {
            INET_DIAG_BC_S_COND | INET_DIAG_BC_D_COND => {
                if len < 12 {
                    return false;
                }
                let (family, plen) = (bc[at + 4], bc[at + 5]);
                let alen = match i32::from(family) {
                    libc::AF_UNSPEC => 0,
                    libc::AF_INET => 4,
                    libc::AF_INET6 => 16,
                    _ => return false,
                };
                if len < 12 + alen || isize::from(plen) > alen * 8 {
                    return false;
                }
                12 + alen
            }
            INET_DIAG_BC_DEV_COND => 8,
            INET_DIAG_BC_S_EQ..=INET_DIAG_BC_D_EQ | INET_DIAG_BC_S_GE..=INET_DIAG_BC_D_LE => 8,
            INET_DIAG_BC_MARK_COND => 12,
            INET_DIAG_BC_CGROUP_COND => 12,
            INET_DIAG_BC_AUTO | INET_DIAG_BC_JMP | INET_DIAG_BC_NOP => 4,
            _ => return false,
        };
        if code != INET_DIAG_BC_NOP {
            if no < min || no > len + 4 || no & 3 != 0 {
                return false;
            }
            if no < len && !valid_cc(bc, len - no) {
                return false;
            }
        }
        if yes < min || yes > len + 4 || yes & 3 != 0 {
            return false;
        }
        at += yes as usize;
        len -= yes;
    }
    len == 0
}

/// `inet_diag_bc_run`.
fn run(bc: &[u8], s: &Facts) -> bool {
    let (mut at, mut len) = (0usize, bc.len() as isize);
    while len > 0 {
        let code = bc[at];
        let arg = at + 4;
        let yes = match code {
            INET_DIAG_BC_NOP => true,
            INET_DIAG_BC_JMP => false,
            INET_DIAG_BC_S_GE => s.local.port() as usize >= u16_at(bc, arg + 2),
            INET_DIAG_BC_S_LE => s.local.port() as usize <= u16_at(bc, arg + 2),
            INET_DIAG_BC_D_GE => s.peer.port() as usize >= u16_at(bc, arg + 2),
            INET_DIAG_BC_D_LE => s.peer.port() as usize <= u16_at(bc, arg + 2),
            INET_DIAG_BC_AUTO => s.autobound,
            INET_DIAG_BC_S_COND | INET_DIAG_BC_D_COND => {
                let end = if code == INET_DIAG_BC_S_COND { s.local } else { s.peer };
                let (family, plen) = (i32::from(bc[arg]), bc[arg + 1]);
                let port = i32::from_ne_bytes(bc[arg + 4..arg + 8].try_into().unwrap());
                let addr = &bc[arg + 8..];
                // As the kernel: the port, then the family (an IPv4
                // condition also takes a v4-mapped IPv6 address), then the
                // prefix.
                (port == -1 || port == i32::from(end.port()))
                    && match (family, end.ip()) {
                        (libc::AF_UNSPEC, _) => true,
                        (libc::AF_INET, IpAddr::V4(a)) => {
                            plen == 0 || prefix_match(&addr[..4], &a.octets(), plen)
                        }
                        (libc::AF_INET6, IpAddr::V6(a)) => {
                            plen == 0 || prefix_match(&addr[..16], &a.octets(), plen)
                        }
                        (libc::AF_INET, IpAddr::V6(a)) => a
                            .to_ipv4_mapped()
                            .is_some_and(|m| prefix_match(&addr[..4], &m.octets(), plen)),
                        _ => false,
                    }
            }
            INET_DIAG_BC_DEV_COND => {
                s.ifindex == u32::from_ne_bytes(bc[arg..arg + 4].try_into().unwrap())
            }
            INET_DIAG_BC_MARK_COND => {
                let mark = u32::from_ne_bytes(bc[arg..arg + 4].try_into().unwrap());
                let mask = u32::from_ne_bytes(bc[arg + 4..arg + 8].try_into().unwrap());
                s.mark & mask == mark
            }
            INET_DIAG_BC_CGROUP_COND => {
                s.cgroup_id == u64::from_ne_bytes(bc[arg..arg + 8].try_into().unwrap())
            }
            _ => unreachable!("audited"),
        };
        let step = if yes { bc[at + 1] as isize } else { u16_at(bc, at + 2) as isize };
        len -= step;
        at = at.wrapping_add(step as usize);
    }
    len == 0
}

/// xorshift64*: deterministic randomness without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Small values, so that random sockets often meet random conditions.
fn port(r: &mut Rng) -> u16 {
    [0, 22, 80, 1000, 5000, 65535][r.below(6) as usize]
}

fn ip(r: &mut Rng) -> IpAddr {
    match r.below(4) {
        0 => IpAddr::V4(Ipv4Addr::new(10, 0, 0, r.below(3) as u8)),
        1 => IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)),
        2 => IpAddr::V6(Ipv4Addr::new(10, 0, 0, r.below(3) as u8).to_ipv6_mapped()),
        _ => IpAddr::V6(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, r.below(3) as u16)),
    }
}

fn host(r: &mut Rng) -> HostCond {
    let prefix = (r.below(4) != 0).then(|| {
        let a = ip(r);
        let max = if a.is_ipv4() { 32 } else { 128 };
        (a, [0, 8, max - 1, max][r.below(4) as usize])
    });
    HostCond { prefix, port: (r.below(2) == 0).then(|| port(r)) }
}

fn expr(r: &mut Rng, depth: usize) -> Expr {
    let leaf = depth == 0 || r.below(3) == 0;
    match if leaf { 3 + r.below(10) } else { r.below(3) } {
        0 => Expr::and(expr(r, depth - 1), expr(r, depth - 1)),
        1 => Expr::or(expr(r, depth - 1), expr(r, depth - 1)),
        2 => Expr::not(expr(r, depth - 1)),
        3 => Expr::Src(host(r)),
        4 => Expr::Dst(host(r)),
        5 => Expr::SportGe(port(r)),
        6 => Expr::SportLe(port(r)),
        7 => Expr::DportGe(port(r)),
        8 => Expr::DportLe(port(r)),
        9 => Expr::Autobound,
        10 => Expr::Dev(r.below(3) as u32),
        11 => Expr::Mark { mark: r.below(4) as u32, mask: [0, 1, 3, !0][r.below(4) as usize] },
        _ => Expr::Cgroup(r.below(3)),
    }
}

fn facts(r: &mut Rng) -> Facts {
    // Both ends of one family, as a real socket's.
    let (mut l, mut p) = (ip(r), ip(r));
    while l.is_ipv4() != p.is_ipv4() {
        p = ip(r);
    }
    if r.below(8) == 0 {
        l = if l.is_ipv4() { Ipv4Addr::UNSPECIFIED.into() } else { Ipv6Addr::UNSPECIFIED.into() };
    }
    Facts {
        local: SocketAddr::new(l, port(r)),
        peer: SocketAddr::new(p, port(r)),
        ifindex: r.below(3) as u32,
        mark: r.below(4) as u32,
        cgroup_id: r.below(3),
        autobound: r.below(2) == 0,
    }
}

#[test]
fn random_programs_pass_the_audit_and_decide_as_the_expression() {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let e = expr(&mut r, 5);
        let bc = e.compile().unwrap();
        assert!(audit(&bc), "audit refuses {e:?}: {bc:?}");
        for _ in 0..20 {
            let s = facts(&mut r);
            assert_eq!(run(&bc, &s), e.matches(&s), "{e:?} on {s:?}");
        }
    }
}

#[test]
fn programs_are_ss_bytes() {
    // `ss 'sport = :22'`: S_COND {20, 24}, AF_UNSPEC, no prefix, port 22.
    let bc = Expr::Src(HostCond { prefix: None, port: Some(22) }).compile().unwrap();
    let mut want = vec![INET_DIAG_BC_S_COND, 16, 20, 0, 0, 0, 0, 0];
    want.extend_from_slice(&22i32.to_ne_bytes());
    want.extend_from_slice(&[0; 4]);
    assert_eq!(bc, want);
    // `ss autobound`: as strace shows ss sending it.
    assert_eq!(Expr::Autobound.compile().unwrap(), [6, 4, 8, 0]);
    // `not`: the piece, then JMP {4, 8}.
    let bc = Expr::not(Expr::SportGe(5000)).compile().unwrap();
    let (ge, nop) = ([2, 8, 12, 0], [0, 0, 0x88, 0x13]);
    assert_eq!(bc, [&ge[..], &nop, &[1, 4, 8, 0]].concat());
    // `or`: a JMP over the second piece.
    let bc = Expr::or(Expr::Autobound, Expr::Autobound).compile().unwrap();
    assert_eq!(bc, [6, 4, 8, 0, 1, 4, 8, 0, 6, 4, 8, 0]);
    // `and`: the first piece's reject moved past the second.
    let bc = Expr::and(Expr::Autobound, Expr::Autobound).compile().unwrap();
    assert_eq!(bc, [6, 4, 12, 0, 6, 4, 8, 0]);
}

#[test]
fn depth_and_size_are_bounded() {
    let mut e = Expr::Autobound;
    for _ in 0..MAX_DEPTH + 1 {
        e = Expr::not(e);
    }
    assert_eq!(e.compile(), Err(FilterError::TooDeep));
    // 2,000 conditions of 32 bytes: 64,000 bytes plus the jumps.
    let six = Expr::Src(HostCond { prefix: Some((Ipv6Addr::LOCALHOST.into(), 128)), port: None });
    let mut wide = six.clone();
    for _ in 0..12 {
        wide = Expr::or(wide.clone(), wide);
    }
    assert_eq!(wide.compile(), Err(FilterError::TooLong));
    // What fits is audited as valid.
    let mut ok = six.clone();
    for _ in 0..10 {
        ok = Expr::or(ok.clone(), ok);
    }
    assert!(audit(&ok.compile().unwrap()));
}

#[test]
fn constants_match_the_pinned_header() {
    let inet = include_str!("../../../../tools/uapi/linux-6.1/linux/inet_diag.h");
    crate::proto::uapi_check::check(
        inet,
        &[
            ("INET_DIAG_BC_NOP", INET_DIAG_BC_NOP.into()),
            ("INET_DIAG_BC_JMP", INET_DIAG_BC_JMP.into()),
            ("INET_DIAG_BC_S_GE", INET_DIAG_BC_S_GE.into()),
            ("INET_DIAG_BC_S_LE", INET_DIAG_BC_S_LE.into()),
            ("INET_DIAG_BC_D_GE", INET_DIAG_BC_D_GE.into()),
            ("INET_DIAG_BC_D_LE", INET_DIAG_BC_D_LE.into()),
            ("INET_DIAG_BC_AUTO", INET_DIAG_BC_AUTO.into()),
            ("INET_DIAG_BC_S_COND", INET_DIAG_BC_S_COND.into()),
            ("INET_DIAG_BC_D_COND", INET_DIAG_BC_D_COND.into()),
            ("INET_DIAG_BC_DEV_COND", INET_DIAG_BC_DEV_COND.into()),
            ("INET_DIAG_BC_MARK_COND", INET_DIAG_BC_MARK_COND.into()),
            ("INET_DIAG_BC_S_EQ", INET_DIAG_BC_S_EQ.into()),
            ("INET_DIAG_BC_D_EQ", INET_DIAG_BC_D_EQ.into()),
            ("INET_DIAG_BC_CGROUP_COND", INET_DIAG_BC_CGROUP_COND.into()),
        ],
    );
}
