//! The `nlkit` binary: parses the command line and hands off to a command
//! module. Errors are printed as `Error: ...` on stderr with exit status 1.

mod cli;
mod ip;
mod parse;
mod raw;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Die of SIGPIPE when the reader goes away (`nlkit route | head`), as
    // `ip` and other filters do, rather than report a broken pipe.
    // SAFETY: setting a signal's disposition to the default, before any
    // other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = cli::Cli::parse();
    let netns = cli.netns.as_deref();
    let result = match &cli.command {
        cli::Command::Raw(cli::RawCommand::Send(args)) => raw::send(args, netns, cli.json),
        cli::Command::Raw(cli::RawCommand::Listen(args)) => raw::listen(args, netns, cli.json),
        cli::Command::Address(w) => ip::address(&cli.global(), w.words.clone()),
        cli::Command::Route(w) => ip::route(&cli.global(), w.words.clone()),
        cli::Command::Rule(w) => ip::rule(&cli.global(), w.words.clone()),
        cli::Command::Link(w) => ip::link(&cli.global(), w.words.clone()),
        cli::Command::Neigh(w) => ip::neigh(&cli.global(), w.words.clone()),
        cli::Command::Monitor(w) => ip::monitor(&cli.global(), w.words.clone()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
