//! What the benchmark binaries share: the command line, entering a network
//! namespace, and the rtnetlink numbers they send.
//!
//! Every binary takes `--netns NAME` (dump inside `/run/netns/NAME`) and
//! `--links` (dump links, `RTM_GETLINK` for every family, instead of IPv4
//! routes), and prints one number: how many `RTM_NEWROUTE` (or
//! `RTM_NEWLINK`) messages it saw. `bench/run.sh` checks that they agree.

use std::fs::File;
use std::os::fd::AsRawFd;

/// `RTM_NEWLINK`.
pub const RTM_NEWLINK: u16 = 16;
/// `RTM_GETLINK`.
pub const RTM_GETLINK: u16 = 18;
/// `RTM_NEWROUTE`.
pub const RTM_NEWROUTE: u16 = 24;
/// `RTM_GETROUTE`.
pub const RTM_GETROUTE: u16 = 26;
/// `sizeof(struct rtmsg)`.
pub const RTMSG_LEN: usize = 12;
/// `sizeof(struct ifinfomsg)`.
pub const IFINFOMSG_LEN: usize = 16;

/// The dump request's family header: `struct rtmsg` for `AF_INET`, or an
/// all-zero `struct ifinfomsg` (`AF_UNSPEC`) for links.
pub fn family_header(links: bool) -> &'static [u8] {
    const RTMSG_INET: [u8; RTMSG_LEN] = [libc::AF_INET as u8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const IFINFOMSG_UNSPEC: [u8; IFINFOMSG_LEN] = [0; IFINFOMSG_LEN];
    if links {
        &IFINFOMSG_UNSPEC
    } else {
        &RTMSG_INET
    }
}

/// The command line of every benchmark binary.
#[derive(Debug, Default, Clone)]
pub struct Opts {
    /// `--netns NAME`.
    pub netns: Option<String>,
    /// `--links`: dump links instead of IPv4 routes.
    pub links: bool,
    /// Flags this binary defines itself (e.g. `--nlkit-socket`).
    pub extra: Vec<String>,
}

impl Opts {
    /// Parses `std::env::args`; exits with a usage message on anything else
    /// than `--netns NAME`, `--links` and the `extra` flags this binary knows.
    pub fn parse(known_extra: &[&str]) -> Opts {
        let mut opts = Opts::default();
        let mut args = std::env::args().skip(1);
        let prog = std::env::args().next().unwrap_or_default();
        while let Some(a) = args.next() {
            match a.as_str() {
                "--netns" => match args.next() {
                    Some(n) => opts.netns = Some(n),
                    None => usage(&prog, known_extra),
                },
                "--links" => opts.links = true,
                other if known_extra.contains(&other) => opts.extra.push(a),
                _ => usage(&prog, known_extra),
            }
        }
        opts
    }

    /// Whether the extra flag `flag` was given.
    pub fn has(&self, flag: &str) -> bool {
        self.extra.iter().any(|f| f == flag)
    }

    /// Moves the calling thread into `--netns`, if given. Sockets opened
    /// afterwards on this thread (and threads it starts) belong there: for
    /// libraries that cannot be told which namespace to open their socket in.
    pub fn enter_netns(&self) {
        let Some(name) = &self.netns else { return };
        let path = format!("/run/netns/{name}");
        let file = File::open(&path).unwrap_or_else(|e| die(&format!("{path}: {e}")));
        // SAFETY: setns(2) on a valid, open namespace file descriptor; it only
        // changes this thread's network namespace.
        let rc = unsafe { libc::setns(file.as_raw_fd(), libc::CLONE_NEWNET) };
        if rc != 0 {
            die(&format!("setns {path}: {}", std::io::Error::last_os_error()));
        }
    }
}

fn usage(prog: &str, extra: &[&str]) -> ! {
    let extra: String = extra.iter().map(|f| format!(" [{f}]")).collect();
    die(&format!("usage: {prog} [--netns NAME] [--links]{extra}"))
}

/// Prints `msg` to stderr and exits with status 1.
pub fn die(msg: &str) -> ! {
    eprintln!("{msg}");
    std::process::exit(1)
}
