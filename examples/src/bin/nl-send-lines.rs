//! nl-send-lines: sends each line of a text file as one ECHO message
//! (sequence number = line number, from 1) and prints the echoes.
//!
//! By default it waits for each echo before sending the next line. With
//! `--batch` it sends the lines as back-to-back messages in one datagram
//! (one sendmsg(2), one iovec entry per message, each padded to 4 bytes),
//! then reads echoes until every line has come back, in order. A datagram
//! holds at most [`MAX_IOV`] messages; longer files take several rounds.

use clap::Parser;
use nlkit_examples::cli::{exit_status, out, ClientOpts};
use nlkit_examples::client::{Answer, Client};
use nlkit_examples::msg::{check_answer, message, request, text};
use nlkit_examples::{Result, ECHO};
use std::io::IoSlice;
use std::path::PathBuf;
use std::process::ExitCode;

/// `UIO_MAXIOV`: the most iovec entries one sendmsg(2) takes.
const MAX_IOV: usize = 1024;

/// Send each line of a file as one ECHO message and print the echoes.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    #[command(flatten)]
    client: ClientOpts,
    /// Send all lines in one datagram, then read the echoes.
    #[arg(long)]
    batch: bool,
    /// The text file to send, one message per line.
    file: PathBuf,
}

fn main() -> ExitCode {
    exit_status(env!("CARGO_BIN_NAME"), run(&Args::parse()))
}

fn run(args: &Args) -> Result<()> {
    let content = std::fs::read_to_string(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let lines: Vec<&str> = content.lines().collect();
    let mut client = Client::open(&args.client.sock, args.client.peer)?;
    let echoed = if args.batch {
        send_batched(&mut client, &lines)?
    } else {
        send_one_by_one(&mut client, &lines)?
    };
    out(format_args!("{} lines sent, {echoed} echoed", lines.len()))
}

fn print(answer: &Answer) -> Result<()> {
    out(format_args!("received from port {} seq {}: {}", answer.from, answer.sequence, answer.text))
}

/// Sends each line and waits for its echo; returns the number echoed.
fn send_one_by_one(client: &mut Client, lines: &[&str]) -> Result<usize> {
    for (seq, line) in (1..).zip(lines) {
        let bytes = message(request(ECHO, seq, client.port()), line.as_bytes())?;
        client.send(&bytes)?;
        print(&client.answer(ECHO, seq, &bytes)?)?;
    }
    Ok(lines.len())
}

/// Sends the lines as batches of messages, one datagram per batch, reading
/// each batch's echoes before sending the next; returns the number echoed.
fn send_batched(client: &mut Client, lines: &[&str]) -> Result<usize> {
    let port = client.port();
    let messages = (1..)
        .zip(lines)
        .map(|(seq, line)| message(request(ECHO, seq, port), line.as_bytes()))
        .collect::<Result<Vec<_>>>()?;
    let mut next = 1;
    for batch in messages.chunks(MAX_IOV) {
        let slices: Vec<IoSlice<'_>> = batch.iter().map(|m| IoSlice::new(m)).collect();
        client.send_vectored(&slices)?;
        next = read_echoes(client, next, batch.len())?;
    }
    Ok(next as usize - 1)
}

/// Reads echoes of sequence numbers `first..first + count`, in order, and
/// returns the sequence number after the last.
fn read_echoes(client: &mut Client, first: u32, count: usize) -> Result<u32> {
    let port = client.port();
    let end = first + count as u32;
    let mut next = first;
    while next < end {
        let buf = client.recv()?;
        for msg in buf.messages() {
            let payload = check_answer(&msg?, ECHO, next, port, &[])?;
            print(&Answer {
                from: buf.from().port,
                sequence: next,
                text: text(payload).into_owned(),
            })?;
            next += 1;
        }
    }
    Ok(next)
}
