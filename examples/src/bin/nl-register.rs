//! nl-register: the classic "kernel notifies a registered process" demo.
//! Sends a REGISTER message so the peer remembers this socket's port id,
//! then prints the NOTIFY messages the peer sends on its own initiative.

use clap::Parser;
use nlkit::wire::{Ack, Message, MessageType};
use nlkit_examples::cli::{exit_status, log, out, ClientOpts};
use nlkit_examples::client::Client;
use nlkit_examples::msg::{error_of, initial_sequence, message, request, text};
use nlkit_examples::{Result, NOTIFY, REGISTER};
use std::process::ExitCode;

const PROGRAM: &str = env!("CARGO_BIN_NAME");

/// Register with a netlink peer and print the notifications it sends.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    client: ClientOpts,
    /// Stop after this many notifications.
    #[arg(long, value_name = "K", default_value_t = 3)]
    count: u64,
}

fn main() -> ExitCode {
    exit_status(PROGRAM, run(&Args::parse()))
}

fn run(args: &Args) -> Result<()> {
    let mut client = Client::open(&args.client.sock, args.client.peer)?;
    let seq = initial_sequence();
    let bytes = message(request(REGISTER, seq, client.port()), &[])?;
    client.send(&bytes)?;
    log(PROGRAM, format_args!("registered port {} with port {}", client.port(), args.client.peer));
    let mut received = 0;
    while received < args.count {
        let buf = client.recv()?;
        let from = buf.from().port;
        for msg in buf.messages() {
            if is_notification(&msg?, from, &bytes)? {
                received += 1;
            }
        }
    }
    Ok(())
}

/// Prints a notification and says it was one; an error from the peer ends
/// the program; anything else (an ACK too) is reported and skipped.
fn is_notification(msg: &Message<'_>, from: u32, request: &[u8]) -> Result<bool> {
    match msg.message_type() {
        MessageType::Family(NOTIFY) => {
            let (seq, payload) = (msg.sequence(), text(msg.payload()));
            out(format_args!("notification from port {from} seq {seq}: {payload}"))?;
            Ok(true)
        }
        MessageType::Error if !is_ack(msg) => Err(error_of(msg, request)),
        other => {
            log(PROGRAM, format_args!("skipping a message of type {other} from port {from}"));
            Ok(false)
        }
    }
}

fn is_ack(msg: &Message<'_>) -> bool {
    Ack::parse(msg).is_ok_and(|a| a.is_ack())
}
