//! The `nlkit` binary: parses the command line and hands off to a command
//! module; [`report`] prints what failed, in `ip`'s words and statuses.

#![deny(unsafe_code)]

mod cli;
mod demo;
mod dev;
mod genl;
mod input;
mod ip;
mod kernel;
mod netdev;
mod parse;
mod raw;
mod report;
mod uevent;

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
        cli::Command::Ioctl(cli::IoctlCommand::Decode { requests }) => {
            kernel::ioctl::decode(requests, cli.json, cli.pretty)
        }
        cli::Command::Ioctl(cli::IoctlCommand::Encode { words }) => {
            kernel::ioctl::encode(words, cli.json, cli.pretty)
        }
        cli::Command::Dev(a) => dev::run(a, cli.json, cli.pretty),
        cli::Command::Demo(a) => demo::run(a, cli.json, cli.pretty),
        cli::Command::Genl(c) => genl::run(c, netns, cli.json, cli.pretty),
        cli::Command::Netdev(cli::NetdevCommand::Show) => netdev::show(netns, cli.json, cli.pretty),
        cli::Command::Uevent(cli::UeventCommand::Monitor(a)) => uevent::monitor(a, netns, cli.json),
        cli::Command::External(words) => external(words, &cli),
    };
    let rtnetlink = matches!(
        cli.command,
        cli::Command::Address(_)
            | cli::Command::Route(_)
            | cli::Command::Rule(_)
            | cli::Command::Link(_)
            | cli::Command::Neigh(_)
            | cli::Command::Monitor(_)
    );
    report::finish(result, rtnetlink)
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
