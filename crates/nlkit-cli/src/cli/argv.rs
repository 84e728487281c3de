//! The command line as ip users type it, rewritten for clap before it
//! parses: ip's one-dash long options (`-netns`, `-json`, `-br`, ...), its
//! family options (`-f inet6`, `-4 -6`), its timestamps before `monitor`,
//! its object abbreviations (`r` is route), and `--json` after `spec` (the
//! request, as in the kernel's YNL CLI). Where the command word is (past
//! the options and their values) is decided in one place, [`command_at`].

use super::Cli;
use crate::grammar;
use clap::CommandFactory;

/// ip's one-dash long options nlkit has, by clap's long name.
const LONG: [&str; 12] = [
    "batch", "force", "netns", "json", "details", "stats", "pretty", "brief", "oneline", "resolve",
    "Numeric", "rcvbuf",
];

/// The options that take a value, by clap's long name.
const VALUED: [&str; 3] = ["netns", "batch", "rcvbuf"];

/// The clap long name of `w` if it is one of ip's one-dash long options:
/// three letters at least, as ip tells them apart, or `-rc` (-rcvbuf: `-r`
/// is -resolve). `-br` is ip's short form of -brief.
fn long_name(w: &str) -> Option<&'static str> {
    if w == "-br" {
        return Some("brief");
    }
    let l = w.strip_prefix('-').filter(|l| !l.starts_with('-') && l.len() > 1)?;
    LONG.into_iter().find(|o| o.starts_with(l) && (l.len() >= 3 || l == "rc"))
}

/// Whether the option `w` takes the next word as its value, in any form
/// (`-n`, `--netns`, `-net`, `-b`, `-batch`, `-rc`, ...).
fn takes_value(w: &str) -> bool {
    match w {
        "-n" | "-b" => true,
        _ => match w.strip_prefix("--") {
            Some(long) => VALUED.contains(&long),
            None => long_name(w).is_some_and(|l| VALUED.contains(&l)),
        },
    }
}

/// Whether `w` is ip's `-family` (`-f` to `-family`: ip matches `-f` to it
/// before `-force`), which takes a value.
fn is_family(w: &str) -> bool {
    w.len() > 1 && "-family".starts_with(w)
}

/// The index of the command word: the first word past the options and
/// their values (`-` is stdin, a word).
pub fn command_at(argv: &[String]) -> Option<usize> {
    let mut i = 1;
    while let Some(w) = argv.get(i) {
        match w.as_str() {
            w if takes_value(w) || is_family(w) => i += 2,
            w if w.starts_with('-') && w != "-" => i += 1,
            _ => return Some(i),
        }
    }
    None
}

/// Every rewriting below, in order.
pub fn rewrite(argv: Vec<String>) -> anyhow::Result<Vec<String>> {
    Ok(spec_request(ip_long_options(ip_family_options(argv)?)))
}

/// `-f`/`-family inet|inet6` is `-4`/`-6`, of several family options the
/// last counts, and `-t`/`-ts` (`-timestamp`, `-tshort`) go after the words
/// of `monitor`, where nlkit reads them (other commands ignore them, as
/// ip's); all before the command word.
fn ip_family_options(argv: Vec<String>) -> anyhow::Result<Vec<String>> {
    let at = command_at(&argv).unwrap_or(argv.len());
    let mut out = Vec::with_capacity(argv.len());
    let mut family = None;
    let mut stamps = Vec::new();
    let mut words = argv.into_iter();
    out.extend(words.next());
    let mut i = 1;
    while i < at {
        let w = words.next().unwrap_or_default();
        i += 1;
        match w.as_str() {
            "-4" | "-6" => family = Some(w),
            w if is_family(w) => {
                i += 1;
                family = Some(match words.next().as_deref() {
                    Some("inet") => "-4".to_string(),
                    Some("inet6") => "-6".to_string(),
                    Some(other) => anyhow::bail!(
                        "family \"{other}\" is not supported by nlkit: inet or inet6 (or -4, -6)"
                    ),
                    None => anyhow::bail!("-family needs a value: inet or inet6"),
                });
            }
            "-fo" => out.push("--force".into()),
            "-t" | "-timestamp" => stamps.push("-t".to_string()),
            "-ts" | "-tshort" => stamps.push("-ts".to_string()),
            w if takes_value(w) => {
                out.push(w.to_string());
                out.extend(words.next());
                i += 1;
            }
            _ => out.push(w),
        }
    }
    out.extend(family);
    let command = words.next();
    let monitor = command.as_deref().is_some_and(|c| !c.is_empty() && "monitor".starts_with(c));
    out.extend(command);
    out.extend(words);
    if monitor {
        out.append(&mut stamps);
    }
    Ok(out)
}

/// ip's one-dash long options before the command word as clap's `--`
/// forms (`-c=WHEN` and `-color=WHEN` are `--color`), and the command word
/// as [`ip_abbreviation`] reads it.
fn ip_long_options(argv: Vec<String>) -> Vec<String> {
    let at = command_at(&argv);
    argv.into_iter()
        .enumerate()
        .map(|(i, w)| match (i, at) {
            (0, _) => w,
            (i, Some(at)) if i == at => ip_abbreviation(w),
            (i, Some(at)) if i > at => w,
            _ => match w.split_once('=') {
                Some((o, when)) if o.len() > 1 && "-color".starts_with(o) => {
                    format!("--color={when}")
                }
                _ if w.len() > 2 && "-color".starts_with(&w) => "--color".into(),
                _ => long_name(&w).map_or(w, |o| format!("--{o}")),
            },
        })
        .collect()
}

/// A command word that begins several commands (`r`: raw, route, rule)
/// but an ip object nlkit has, as ip matches it (`r` is route, `n` neigh,
/// `a` address), becomes that object's name; any other word is left to
/// clap.
fn ip_abbreviation(word: String) -> String {
    if known_commands().iter().filter(|c| c.starts_with(&word)).count() < 2 {
        return word;
    }
    match grammar::ip_object(&word) {
        Some(object) => object.to_string(),
        None => word,
    }
}

/// After `spec`, `--json JSON` is the request (as in the kernel's ynl CLI),
/// not the global `-j`: it becomes `--request`.
fn spec_request(mut argv: Vec<String>) -> Vec<String> {
    let Some(at) = command_at(&argv).filter(|&at| argv[at] == "spec") else { return argv };
    for w in argv.iter_mut().skip(at + 1) {
        if w == "--json" {
            *w = "--request".into();
        } else if let Some(v) = w.strip_prefix("--json=") {
            *w = format!("--request={v}");
        }
    }
    argv
}

/// Where `sysctl` or `ss` (or a prefix only it has) is the command: the
/// index of that word in `argv` and the command's name. Both read their
/// own options, which clash with nlkit's (`-n`, `-p`, `-4`...).
pub fn own_options_at(argv: &[String]) -> Option<(usize, &'static str)> {
    let at = command_at(argv)?;
    let w = argv[at].as_str();
    let others: Vec<_> = known_commands().into_iter().filter(|c| c.starts_with(w)).collect();
    ["sysctl", "ss"].into_iter().find(|c| w == *c || others == [*c]).map(|c| (at, c))
}

/// Every command name and alias clap knows (sysctl among them).
pub fn known_commands() -> Vec<String> {
    Cli::command()
        .get_subcommands()
        .flat_map(|c| std::iter::once(c.get_name()).chain(c.get_all_aliases()))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        std::iter::once("nlkit").chain(line.split_whitespace()).map(str::to_string).collect()
    }

    #[test]
    fn options_and_their_values_are_passed_in_every_form() {
        for (line, want) in [
            ("-4 -net ns1 route", "--netns ns1 -4 route"),
            ("-t -net ns1 monitor link", "--netns ns1 monitor link -t"),
            ("-f inet6 -json addr", "--json -6 address"),
            ("-6 -family inet -rc 4096 r g 10.0.0.1", "--rcvbuf 4096 -4 route g 10.0.0.1"),
            ("-n x -batch f -fo", "-n x --batch f --force"),
            ("-br -c=never link", "--brief --color=never link"),
            ("spec --family x --do y --json {}", "spec --family x --do y --request {}"),
            ("-j route show -4", "-j route show -4"),
        ] {
            assert_eq!(rewrite(words(line)).unwrap()[1..].join(" "), want, "{line}");
        }
        assert!(rewrite(words("-f mpls route")).is_err());
        assert_eq!(own_options_at(&words("-net x sysctl -n a")), Some((3, "sysctl")));
        assert_eq!(command_at(&words("-4 -b - -j")), None);
    }
}
