//! The `nlkit` binary: parses the command line and hands off to a command
//! module of the `nlkit_cli` library; `report` prints what failed, in
//! `ip`'s words and statuses.

#![deny(unsafe_code)]

use nlkit_cli::{
    audit, cli, connector, conntrack, demo, dev, ethtool, fib_lookup, genl, grammar, handshake, ip,
    kernel, mptcp, netdev, raw, report, selinux, spec, ss, taskstats, tcp_metrics, uevent, wg,
    xfrm,
};

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    // sysctl and ss read their own options (sysctl(8)'s -n and -p; ss's
    // -n, -p, -4, -6, -d...): the global options before the command are
    // clap's, the words from it on the command's own.
    if let Some((at, command)) = cli::argv::own_options_at(&argv) {
        let globals = argv[..at].iter().cloned().chain([command.to_string()]);
        let cli = cli::Cli::parse_from(globals);
        if let Some(bytes) = cli.rcvbuf {
            report::set_monitor_rcvbuf(bytes);
        }
        let netns = cli.netns.as_deref();
        let r = match command {
            "ss" => ss::run(&argv[at + 1..], netns, cli.json, cli.pretty),
            _ => kernel::sysctl::run(&argv[at..], cli.json, cli.pretty, netns),
        };
        return report::finish(r, false);
    }
    let argv = match cli::argv::rewrite(argv) {
        Ok(argv) => argv,
        Err(e) => return report::finish(Err(e), false),
    };
    let cli = cli::Cli::parse_from(&argv);
    nlkit_cli::out::naming::set(cli.numeric, cli.resolve);
    if let Some(bytes) = cli.rcvbuf {
        report::set_monitor_rcvbuf(bytes);
    }
    let netns = cli.netns.as_deref();
    if let Some(file) = &cli.batch {
        return report::finish(ip::batch::run(&cli.global(), file, cli.force), true);
    }
    let Some(command) = &cli.command else {
        use clap::CommandFactory;
        cli::Cli::command()
            .error(clap::error::ErrorKind::MissingSubcommand, "a command or --batch FILE is needed")
            .exit()
    };
    let object = |name: &str, words: &[String]| -> Option<anyhow::Result<()>> {
        let o = grammar::object(name)?;
        match o.preflight(words) {
            grammar::Preflight::Run => None,
            grammar::Preflight::Help(usage) => Some(report::print(&usage).map_err(Into::into)),
            grammar::Preflight::Refuse(why) => Some(Err(anyhow::anyhow!(why))),
        }
    };
    let result = match command {
        cli::Command::Raw(cli::RawCommand::Send(args)) => raw::send(args, netns, cli.json),
        cli::Command::Raw(cli::RawCommand::Listen(args)) => raw::listen(args, netns, cli.json),
        cli::Command::Address(w) => object("address", &w.words)
            .unwrap_or_else(|| ip::address(&cli.global(), w.words.clone())),
        cli::Command::Route(w) => {
            object("route", &w.words).unwrap_or_else(|| ip::route(&cli.global(), w.words.clone()))
        }
        cli::Command::Rule(w) => {
            object("rule", &w.words).unwrap_or_else(|| ip::rule(&cli.global(), w.words.clone()))
        }
        cli::Command::Link(w) => {
            object("link", &w.words).unwrap_or_else(|| ip::link(&cli.global(), w.words.clone()))
        }
        cli::Command::Neigh(w) => {
            object("neigh", &w.words).unwrap_or_else(|| ip::neigh(&cli.global(), w.words.clone()))
        }
        cli::Command::Monitor(w) => object("monitor", &w.words)
            .unwrap_or_else(|| ip::monitor(&cli.global(), w.words.clone())),
        cli::Command::Decode(w) => match w.words.split_first() {
            Some((hex, rest)) if hex == "hex" => decode_hex(&cli.global(), rest),
            Some((first, _)) if !grammar::is_help(first) => {
                // The file, with its options before or after it.
                let at = w.words.iter().position(|x| x == "-" || !x.starts_with('-'));
                let Some(at) = at else {
                    return report::finish(
                        Err(anyhow::anyhow!("decode: a capture FILE (or - for stdin) is needed")),
                        false,
                    );
                };
                let bad = w
                    .words
                    .iter()
                    .enumerate()
                    .find(|(i, x)| *i != at && !matches!(x.as_str(), "-t" | "-ts"));
                if let Some((_, x)) = bad {
                    let text = format!("Argument \"{x}\" is unknown, try \"nlkit decode help\".");
                    return report::finish(Err(report::plain(text)), false);
                }
                let mut words = vec!["replay".to_string(), w.words[at].clone()];
                words.extend(
                    w.words.iter().enumerate().filter(|(i, _)| *i != at).map(|(_, x)| x.clone()),
                );
                ip::monitor(&cli.global(), words)
            }
            // `help`: the usage; no file: an error saying what is needed.
            Some(_) => {
                use std::io::Write as _;
                let usage = b"Usage: nlkit [-j] decode FILE|- [-t|-ts]\n       \
                              nlkit [-j] decode hex PROTOCOL [HEX...] [-t|-ts]\n";
                std::io::stdout().lock().write_all(usage).map_err(Into::into)
            }
            None => Err(anyhow::anyhow!("decode: a capture FILE (or - for stdin) is needed")),
        },
        cli::Command::Sysctl(w) => {
            let words: Vec<String> =
                std::iter::once("sysctl".to_string()).chain(w.words.clone()).collect();
            kernel::sysctl::run(&words, cli.json, cli.pretty, netns)
        }
        cli::Command::Completions { shell } => completions(shell),
        cli::Command::Man { object } => man(object.as_deref()),
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
        cli::Command::Netdev(c) => netdev::dump(c, netns, cli.json, cli.pretty),
        cli::Command::Ethtool(a) => ethtool::run(a, netns, cli.json, cli.pretty),
        cli::Command::Uevent(cli::UeventCommand::Monitor(a)) => uevent::monitor(a, netns, cli.json),
        cli::Command::ProcEvents(a) => connector::run(a, netns, cli.json),
        cli::Command::Audit(c) => audit::run(c, netns, cli.json, cli.pretty),
        cli::Command::Selinux(cli::SelinuxCommand::Monitor(a)) => {
            selinux::monitor(a, netns, cli.json)
        }
        cli::Command::FibLookup(w) => fib_lookup::run(&w.words, netns, cli.json),
        cli::Command::Ss(w) => ss::run(&w.words, netns, cli.json, cli.pretty),
        cli::Command::Taskstats(a) => taskstats::run(a, netns, cli.json, cli.pretty),
        cli::Command::Spec(a) => spec::run(a, netns, cli.json, cli.pretty),
        cli::Command::Mptcp(w) if w.words.iter().any(|w| grammar::is_help(w)) => {
            report::print(mptcp::USAGE).map_err(Into::into)
        }
        cli::Command::Mptcp(w) => mptcp::run(&w.words, netns, cli.json),
        cli::Command::Handshake(c) => handshake::run(c, netns, cli.json),
        cli::Command::Wg(w) if w.words.iter().any(|w| grammar::is_help(w)) => {
            report::print(wg::USAGE).map_err(Into::into)
        }
        cli::Command::Wg(w) => wg::run(&w.words, netns, cli.json),
        cli::Command::TcpMetrics(w) => object("tcp-metrics", &w.words)
            .unwrap_or_else(|| tcp_metrics::run(&w.words, netns, cli.json, cli.global_family())),
        cli::Command::Conntrack(w) => object("conntrack", &w.words).unwrap_or_else(|| {
            let family = cli.global_family();
            conntrack::run(&w.words, netns, cli.json, cli.pretty, family)
        }),
        cli::Command::Xfrm(w) => {
            object("xfrm", &w.words[..w.words.len().min(1)]).unwrap_or_else(|| {
                let o = xfrm::Opts {
                    netns,
                    json: cli.json,
                    pretty: cli.pretty,
                    stats: cli.stats > 0,
                    oneline: cli.oneline,
                };
                xfrm::run(&w.words, &o)
            })
        }
        cli::Command::External(words) => external(words),
    };
    let rtnetlink = matches!(
        command,
        cli::Command::Address(_)
            | cli::Command::Route(_)
            | cli::Command::Rule(_)
            | cli::Command::Link(_)
            | cli::Command::Neigh(_)
            | cli::Command::Monitor(_)
            | cli::Command::Decode(_)
            | cli::Command::Xfrm(_)
            | cli::Command::TcpMetrics(_)
            | cli::Command::Mptcp(_)
    );
    report::finish(result, rtnetlink)
}

/// `nlkit decode hex PROTOCOL [HEX...] [-t|-ts]`: the hex words up to the
/// first option (standard input when there are none), one datagram of
/// `PROTOCOL` (a number or a name such as route, netfilter, audit).
fn decode_hex(g: &ip::Global, words: &[String]) -> anyhow::Result<()> {
    use nlkit_cli::words::values;
    let Some((protocol, rest)) = words.split_first() else {
        anyhow::bail!("decode hex: a PROTOCOL is needed (a number 0..31 or a name such as route)");
    };
    let protocol = values::protocol(protocol).map_err(|e| anyhow::anyhow!("decode hex: {e}"))?;
    let split = rest.iter().position(|w| w.starts_with('-')).unwrap_or(rest.len());
    let (hex, options) = rest.split_at(split);
    let text = match hex.is_empty() {
        true => nlkit_cli::input::read_text(std::path::Path::new("-"))?,
        false => hex.join(""),
    };
    let data = values::hex(&text).map_err(|e| anyhow::anyhow!("decode hex: {e}"))?;
    if data.0.is_empty() {
        anyhow::bail!("decode hex: no bytes given");
    }
    ip::decode_hex(g, protocol.0 as u16, data.0, options.to_vec())
}

/// `nlkit completions SHELL`.
fn completions(shell: &str) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let tree = grammar::complete::Tree::new(&cli::Cli::command());
    let script = grammar::complete::script(shell, &tree)
        .ok_or_else(|| anyhow::anyhow!("no completions for \"{shell}\": bash, zsh or fish"))?;
    Ok(report::print(&script)?)
}

/// `nlkit man [OBJECT]`.
fn man(object: Option<&str>) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let page = match object {
        None => grammar::man::index(&cli::Cli::command().render_long_help().to_string()),
        Some(name) => {
            let o = grammar::object(name).ok_or_else(|| {
                let names: Vec<&str> =
                    grammar::tables::OBJECTS.iter().map(|o| o.names[0]).collect();
                anyhow::anyhow!("no man page for \"{name}\": {}", names.join(", "))
            })?;
            grammar::man::page(o)
        }
    };
    Ok(report::print(&page)?)
}

/// A word that names no command: a usage error, as clap reports it
/// (status 2), with the commands it is a prefix of.
fn external(words: &[String]) -> anyhow::Result<()> {
    use clap::CommandFactory;
    let word = words.first().map(String::as_str).unwrap_or_default();
    let matching: Vec<String> =
        cli::argv::known_commands().into_iter().filter(|k| k.starts_with(word)).collect();
    let hint = match matching.as_slice() {
        [] => String::new(),
        m => format!(" (it could be {})", m.join(", ")),
    };
    cli::Cli::command()
        .error(
            clap::error::ErrorKind::InvalidSubcommand,
            format!("unrecognized command {word:?}{hint}"),
        )
        .exit()
}
