//! nl-sendto: the classic netlink "hello" program. Sends one message with
//! sendto(2) to the peer (by default the kernel module of the demo protocol)
//! and prints the answer.
//!
//! An ECHO (the default) is answered with the same type, sequence number and
//! payload, which this program checks; other types are expected to be
//! answered the same way or refused with an error. A BROADCAST or REGISTER
//! gets no direct answer, so for those it only reports what it sent.

use clap::Parser;
use nlkit_examples::cli::{exit_status, out, parse_type, ClientOpts};
use nlkit_examples::client::Client;
use nlkit_examples::msg::{initial_sequence, message, request};
use nlkit_examples::{type_name, Result, BROADCAST, REGISTER};
use std::process::ExitCode;

/// Send one message to a netlink peer and print its answer.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    client: ClientOpts,
    /// The payload.
    #[arg(long, default_value = "Hello from user space")]
    text: String,
    /// Message type: echo, register, notify, broadcast, or a number >= 16.
    #[arg(long = "type", value_name = "TYPE", default_value = "echo", value_parser = parse_type)]
    message_type: u16,
}

fn main() -> ExitCode {
    exit_status(env!("CARGO_BIN_NAME"), run(&Args::parse()))
}

fn run(args: &Args) -> Result<()> {
    let mut client = Client::open(&args.client.sock, args.client.peer)?;
    let seq = initial_sequence();
    let header = request(args.message_type, seq, client.port());
    let bytes = message(header, args.text.as_bytes())?;
    client.send(&bytes)?;
    if matches!(args.message_type, BROADCAST | REGISTER) {
        let name = type_name(args.message_type).unwrap_or_default();
        return out(format_args!(
            "sent {name} seq {seq} to port {} (no answer expected)",
            args.client.peer
        ));
    }
    let answer = client.answer(args.message_type, seq, &bytes)?;
    out(format_args!("received from port {}: {}", answer.from, answer.text))
}
