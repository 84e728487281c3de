//! nl-group-listen: the classic netlink multicast listener. Joins one
//! multicast group (groups 1..=32 by the bind mask, higher ones with
//! `NETLINK_ADD_MEMBERSHIP`), turns on `NETLINK_PKTINFO` to learn the group
//! of each message, and prints every message received.
//!
//! Without `--count` it listens until nothing arrives for `--timeout`
//! seconds (then stops quietly) or forever with `--timeout 0`; with
//! `--count K`, fewer than K messages before a timeout is an error.

use clap::Parser;
use nlkit::{RecvBuf, Socket, SocketAddr};
use nlkit_examples::cli::{exit_status, log, out, SocketOpts};
use nlkit_examples::msg::text;
use nlkit_examples::{Result, DEMO_GROUP};
use std::process::ExitCode;

const PROGRAM: &str = env!("CARGO_BIN_NAME");

/// Listen to a netlink multicast group and print what arrives.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    sock: SocketOpts,
    /// The multicast group to join (1 and up).
    #[arg(long, value_name = "G", default_value_t = DEMO_GROUP,
          value_parser = clap::value_parser!(u32).range(1..))]
    group: u32,
    /// Stop after this many messages (default: listen on).
    #[arg(long, value_name = "K")]
    count: Option<u64>,
}

fn main() -> ExitCode {
    exit_status(PROGRAM, run(&Args::parse()))
}

fn run(args: &Args) -> Result<()> {
    let sock = join(args)?;
    log(PROGRAM, format_args!("listening on group {} as port {}", args.group, sock.port()));
    let mut buf = RecvBuf::new();
    let mut received = 0;
    let count = args.count.unwrap_or(u64::MAX);
    while received < count {
        match sock.recv(&mut buf) {
            Ok(_) => received += print_messages(&buf, args.group, count - received)?,
            Err(nlkit::Error::Timeout) => return timed_out(args, received),
            Err(nlkit::Error::Overrun) => log(PROGRAM, "receive queue overran, messages were lost"),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Opens the socket and joins the group: by the bind mask if it has a bit
/// there, else by `NETLINK_ADD_MEMBERSHIP`.
fn join(args: &Args) -> Result<Socket> {
    let mask = SocketAddr::group_mask(args.group);
    let sock = args.sock.open(mask.unwrap_or(0))?;
    if mask.is_none() {
        sock.add_membership(args.group)
            .map_err(|e| format!("cannot join group {}: {e}", args.group))?;
    }
    sock.set_pktinfo(true)?;
    Ok(sock)
}

/// Prints the messages of the datagram in `buf`, at most `limit` of them;
/// returns how many. A malformed message is reported and ends the datagram.
fn print_messages(buf: &RecvBuf, joined: u32, limit: u64) -> Result<u64> {
    let from = buf.from();
    let group = match buf.group() {
        Some(g) => format!("group {g}"),
        None if from.groups != 0 => format!("group {joined}"),
        None => "unicast".to_owned(),
    };
    let mut n = 0;
    for msg in buf.messages().take(limit.try_into().unwrap_or(usize::MAX)) {
        let msg = match msg {
            Ok(msg) => msg,
            Err(e) => {
                log(PROGRAM, format_args!("malformed message from port {}: {e}", from.port));
                break;
            }
        };
        let (seq, payload) = (msg.sequence(), text(msg.payload()));
        out(format_args!("{group} from port {} seq {seq}: {payload}", from.port))?;
        n += 1;
    }
    Ok(n)
}

/// The end of listening on a timeout: quiet without `--count`, an error if
/// fewer than `--count` messages arrived.
fn timed_out(args: &Args, received: u64) -> Result<()> {
    let secs = args.sock.timeout;
    match args.count {
        None => {
            log(PROGRAM, format_args!("nothing for {secs} s, stopping"));
            Ok(())
        }
        Some(k) => {
            Err(format!("received {received} of {k} messages, then nothing for {secs} s").into())
        }
    }
}
