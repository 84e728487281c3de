//! The `nlkit` binary: parses the command line and hands off to a command
//! module. Errors are printed as `Error: ...` on stderr with exit status 1
//! (a kernel refusal as its extended-ack text); a closed output pipe ends
//! the program quietly.

mod cli;
mod demo;
mod ip;
mod kernel;
mod parse;
mod raw;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
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
        cli::Command::Modparam(a) => kernel::modparam::run(a, cli.json, cli.pretty),
        cli::Command::Cmdline(a) => kernel::cmdline::run(a, cli.json, cli.pretty),
        cli::Command::Ioctl(cli::IoctlCommand::Decode { numbers }) => {
            kernel::ioctl::decode(numbers, cli.json, cli.pretty)
        }
        cli::Command::Demo(a) => demo::run(a, cli.json, cli.pretty),
        cli::Command::External(words) => external(words, &cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`nlkit route | head`): stop quietly, as a
        // filter should, without touching signal dispositions.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        // Each failure was printed where it happened.
        Err(e) if e.downcast_ref::<kernel::Reported>().is_some() => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("Error: {}", message(&e));
            ExitCode::FAILURE
        }
    }
}

/// Commands clap does not parse itself: `sysctl` (or a prefix only it
/// has), whose `-n` and `-p` mean what sysctl(8) means by them. Any other
/// word is a usage error, as clap reports it (status 2).
fn external(words: &[String], cli: &cli::Cli) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let word = words.first().map(String::as_str).unwrap_or_default();
    let mut command = cli::Cli::command();
    let known: Vec<String> = command
        .get_subcommands()
        .flat_map(|c| std::iter::once(c.get_name()).chain(c.get_all_aliases()))
        .map(str::to_string)
        .chain(["sysctl".to_string()])
        .collect();
    let matching: Vec<&String> = known.iter().filter(|k| k.starts_with(word)).collect();
    if !word.is_empty() && (word == "sysctl" || matching == ["sysctl"]) {
        return kernel::sysctl::run(words, cli.json, cli.pretty, cli.netns.as_deref());
    }
    let hint = match matching.as_slice() {
        [] => String::new(),
        m => format!(
            " (it could be {})",
            m.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        ),
    };
    command
        .error(
            clap::error::ErrorKind::InvalidSubcommand,
            format!("unrecognized command {word:?}{hint}"),
        )
        .exit()
}

/// Whether `e` is, at any depth, a write to a closed pipe.
fn broken_pipe(e: &anyhow::Error) -> bool {
    let pipe = |io: &std::io::Error| io.kind() == std::io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(pipe)
            || matches!(c.downcast_ref::<nlkit::Error>(), Some(nlkit::Error::Io { source, .. }) if pipe(source))
    })
}

/// The text after `Error: `. A kernel refusal with an extended-ack message
/// reads as `ip` prints it: the message, ending in a period.
fn message(e: &anyhow::Error) -> String {
    let kernel = e.chain().find_map(|c| match c.downcast_ref::<nlkit::Error>() {
        Some(nlkit::Error::Kernel(k)) => k.message.clone(),
        _ => None,
    });
    match kernel {
        Some(m) if m.ends_with('.') => m,
        Some(m) => format!("{m}."),
        None => format!("{e:#}"),
    }
}
