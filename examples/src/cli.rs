//! Command-line pieces every demo program shares: the socket options, the
//! parsers for protocol numbers and message types, opening the socket those
//! options describe (in a named network namespace if asked), and the output
//! side: lines on stdout, log lines on stderr, and the exit status.

use crate::{Result, TYPES};
use nlkit::{Kind, Netns, Protocol, Socket, SocketAddr};
use std::fmt::Display;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

/// The receive timeout of the client programs, in seconds.
pub const DEFAULT_TIMEOUT_SECS: u64 = 5;

/// The socket options of the client programs (everything but the peer).
#[derive(Debug, Clone, clap::Args)]
pub struct SocketOpts {
    /// Netlink protocol: a number 0..=31 or a name such as `usersock`.
    #[arg(long, value_name = "N", default_value = "31", value_parser = parse_protocol)]
    pub proto: Protocol,
    /// Port id to bind to; 0 lets the kernel choose one.
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    pub port: u32,
    /// Open the socket in this network namespace (as `ip netns` names it).
    #[arg(long, value_name = "NAME")]
    pub netns: Option<String>,
    /// Seconds to wait for each message before giving up; 0 waits forever.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TIMEOUT_SECS)]
    pub timeout: u64,
}

/// What the programs that send take: their socket, and where to send.
#[derive(Debug, Clone, clap::Args)]
pub struct ClientOpts {
    /// The socket to send from.
    #[command(flatten)]
    pub sock: SocketOpts,
    /// Port id to send to: 0 is the kernel (the module).
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    pub peer: u32,
}

impl SocketOpts {
    /// Opens and binds the socket (joining the groups in the `groups` mask)
    /// and sets its receive timeout.
    pub fn open(&self, groups: u32) -> Result<Socket> {
        let addr = SocketAddr { port: self.port, groups };
        let sock = open_socket(self.netns.as_deref(), self.proto, addr)?;
        sock.set_read_timeout(timeout(self.timeout))?;
        Ok(sock)
    }
}

/// Opens a socket of `proto`, in namespace `netns` if given, bound to `addr`.
pub fn open_socket(netns: Option<&str>, proto: Protocol, addr: SocketAddr) -> Result<Socket> {
    let mut sock = match netns {
        Some(name) => Socket::new_in(Netns::Name(name), proto, Kind::Raw)?,
        None => Socket::new(proto)?,
    };
    sock.bind(addr)?;
    Ok(sock)
}

/// A receive timeout of `secs` seconds, `None` (forever) for 0.
pub fn timeout(secs: u64) -> Option<Duration> {
    (secs > 0).then(|| Duration::from_secs(secs))
}

/// Parses `--proto`: a number below 32 or a `NETLINK_*` name.
pub fn parse_protocol(s: &str) -> Result<Protocol, String> {
    Protocol::parse(s).ok_or_else(|| {
        format!("not a protocol number 0..={} or NETLINK_* name: {s:?}", Protocol::MAX - 1)
    })
}

/// Parses `--type`: a demo type name (`echo`, `broadcast`, ...) or a number
/// (decimal or `0x` hex) of at least 16 (`NLMSG_MIN_TYPE`).
pub fn parse_type(s: &str) -> Result<u16, String> {
    if let Some((_, t)) = TYPES.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)) {
        return Ok(*t);
    }
    let n = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u16::from_str_radix(hex, 16),
        None => s.parse(),
    }
    .map_err(|_| format!("not a message type name or number 16..=65535: {s:?}"))?;
    if n < nlkit::wire::MessageType::MIN_TYPE {
        return Err(format!("types below 16 are netlink control messages: {n}"));
    }
    Ok(n)
}

/// Prints one line on stdout; a closed stdout is an error, not a panic.
pub fn out(line: impl Display) -> Result<()> {
    writeln!(std::io::stdout().lock(), "{line}")?;
    Ok(())
}

/// Prints one log line on stderr, prefixed with the program's name. Log
/// lines are best effort: a closed stderr is ignored.
pub fn log(program: &str, line: impl Display) {
    let _ = writeln!(std::io::stderr().lock(), "{program}: {line}");
}

/// The exit status for a program's result, printing the error if any.
pub fn exit_status(program: &str, result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            log(program, format_args!("error: {e}"));
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocols() {
        assert_eq!(parse_protocol("31"), Ok(Protocol(31)));
        assert_eq!(parse_protocol("usersock"), Ok(Protocol::USERSOCK));
        assert!(parse_protocol("32").is_err());
        assert!(parse_protocol("nope").is_err());
    }

    #[test]
    fn types() {
        assert_eq!(parse_type("echo"), Ok(crate::ECHO));
        assert_eq!(parse_type("BROADCAST"), Ok(crate::BROADCAST));
        assert_eq!(parse_type("0x30"), Ok(0x30));
        assert_eq!(parse_type("48"), Ok(48));
        assert!(parse_type("2").is_err());
        assert!(parse_type("0x10000").is_err());
        assert!(parse_type("what").is_err());
    }
}
