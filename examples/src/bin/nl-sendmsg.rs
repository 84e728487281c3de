//! nl-sendmsg: the classic sendmsg(2) netlink example. Sends one ECHO whose
//! header and payload are two separate buffers of one iovec (the header
//! built on its own, with `nlmsg_len` covering both), then prints the echo.

use clap::Parser;
use nlkit_examples::cli::{exit_status, out, ClientOpts};
use nlkit_examples::client::Client;
use nlkit_examples::msg::{header_bytes, initial_sequence, request};
use nlkit_examples::{Result, ECHO};
use std::io::IoSlice;
use std::process::ExitCode;

/// Send one ECHO with sendmsg(2), header and payload in two iovec entries.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    client: ClientOpts,
    /// The payload.
    #[arg(long, default_value = "Hello from user space")]
    text: String,
}

fn main() -> ExitCode {
    exit_status(env!("CARGO_BIN_NAME"), run(&Args::parse()))
}

fn run(args: &Args) -> Result<()> {
    let mut client = Client::open(&args.client.sock, args.client.peer)?;
    let seq = initial_sequence();
    let payload = args.text.as_bytes();
    let header = header_bytes(&request(ECHO, seq, client.port()), payload.len())?;
    client.send_vectored(&[IoSlice::new(&header), IoSlice::new(payload)])?;
    let answer = client.answer(ECHO, seq, &header)?;
    out(format_args!("received from port {}: {}", answer.from, answer.text))
}
