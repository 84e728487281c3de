//! The command model of the `ip`-style objects: one static table per
//! object ([`tables`]) lists its commands, each command's keywords (with
//! aliases, value syntax and a help line) and the `ip` keywords nlkit does
//! not implement. From the tables come `nlkit OBJECT help` (and `-h`,
//! `--help`, `help` at any position), the refusal of unimplemented
//! keywords as "not supported by nlkit" instead of as garbage, shell
//! completions ([`complete`]) and man pages ([`man`]).
//!
//! The walk here is a preflight: it finds the command as `ip` does (a word
//! or an unambiguous prefix), steps over each keyword's value, and stops
//! at a help word or an unsupported keyword; the object's own parser then
//! reads the words into its request.

pub mod complete;
pub mod kinds;
pub mod man;
pub mod tables;
pub mod walk;
pub mod xfrm;

use std::fmt::Write as _;

/// An object (`link`, `address`, ...) and its commands.
#[derive(Debug)]
pub struct Object {
    /// The name, then the aliases nlkit accepts for it.
    pub names: &'static [&'static str],
    /// One line: what the object is.
    pub about: &'static str,
    /// Its commands; the first is what the object alone runs.
    pub commands: &'static [Cmd],
    /// Commands `ip` has that nlkit does not implement.
    pub unsupported: &'static [&'static str],
    /// Definitions of the value syntaxes the keywords name (`TYPE := ...`).
    pub defs: &'static [&'static str],
    /// Sub-grammars a command hands its last words to (`link add ... type
    /// KIND ARGS`): one table per kind.
    pub kinds: &'static [&'static Cmd],
}

/// A command (`show`, `add`, ...).
#[derive(Debug)]
pub struct Cmd {
    /// The name, then its aliases.
    pub names: &'static [&'static str],
    /// What follows the command, as a synopsis (`{ DEVICE | dev DEVICE }`).
    pub synopsis: &'static str,
    /// One line: what the command does.
    pub about: &'static str,
    /// Its keywords, in the order `ip` matches them.
    pub words: &'static [Word],
    /// `ip` keywords of this command that nlkit does not implement.
    pub unsupported: &'static [&'static str],
}

/// A keyword: `word` (with `|`-separated aliases), the syntax of the value
/// it takes (empty: none) and a help line.
#[derive(Debug)]
pub struct Word {
    pub word: &'static str,
    pub value: &'static str,
    pub help: &'static str,
    /// An `ip` keyword nlkit does not implement, kept at its place in
    /// `ip`'s order (`ds` is `dsfield` before `dstport` matches it):
    /// refused by name, never read as another keyword or a value.
    pub refused: bool,
    /// The first bytes of its names, one bit each (made with the row): a
    /// word starting with any other byte is not this row's, found without
    /// reading the names.
    first: [u64; 4],
}

/// A row for an `ip` keyword nlkit does not implement (see
/// [`Word::refused`]); whole-word ones whose place does not matter go in
/// [`Cmd::unsupported`] instead.
pub const fn refused(word: &'static str) -> Word {
    Word { refused: true, ..w(word, "", "") }
}

/// A keyword row.
pub const fn w(word: &'static str, value: &'static str, help: &'static str) -> Word {
    let bytes = word.as_bytes();
    let mut first = [0u64; 4];
    let mut i = 0;
    while i < bytes.len() {
        if i == 0 || bytes[i - 1] == b'|' {
            first[(bytes[i] >> 6) as usize] |= 1 << (bytes[i] & 63);
        }
        i += 1;
    }
    Word { word, value, help, refused: false, first }
}

impl Word {
    /// Whether a name of this row starts with `b`.
    fn may_start(&self, b: u8) -> bool {
        self.first[(b >> 6) as usize] & (1 << (b & 63)) != 0
    }
}

impl Cmd {
    /// The `ip` keywords not supported (refused rows, then the list),
    /// without their match marks.
    pub fn unsupported_names(&self) -> String {
        let rows = self.words.iter().filter(|k| k.refused).flat_map(|k| k.names());
        let listed = self.unsupported.iter().map(|n| n.trim_end_matches('*'));
        rows.chain(listed).collect::<Vec<_>>().join(", ")
    }

    /// Whether any `ip` keyword is not supported.
    pub fn has_unsupported(&self) -> bool {
        !self.unsupported.is_empty() || self.words.iter().any(|k| k.refused)
    }

    /// The rows nlkit implements.
    pub fn keywords(&self) -> impl Iterator<Item = &Word> {
        self.words.iter().filter(|k| !k.refused)
    }
}

/// What the preflight decided.
#[derive(Debug, PartialEq, Eq)]
pub enum Preflight {
    /// Hand the words to the object's parser.
    Run,
    /// Print this usage and stop (status 0).
    Help(String),
    /// Refuse with this message (status 1), before anything is sent.
    Refuse(String),
}

/// Whether `word` asks for help.
pub fn is_help(word: &str) -> bool {
    matches!(word, "help" | "-h" | "--help" | "-help")
}

impl Object {
    /// The object's name.
    pub fn name(&self) -> &'static str {
        self.names[0]
    }

    /// The command `word` names: itself, an alias, or an unambiguous
    /// prefix of one command's names. `None` for no match or an ambiguous
    /// prefix (the object's parser says which).
    pub fn command(&self, word: &str) -> Option<&Cmd> {
        if let Some(c) = self.commands.iter().find(|c| c.names.contains(&word)) {
            return Some(c);
        }
        let mut hits = self
            .commands
            .iter()
            .filter(|c| !word.is_empty() && c.names.iter().any(|n| n.starts_with(word)));
        match (hits.next(), hits.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }

    /// Walks `words` (what follows `nlkit OBJECT`).
    pub fn preflight(&self, words: &[String]) -> Preflight {
        let Some(first) = words.first() else { return Preflight::Run };
        if is_help(first) {
            return Preflight::Help(self.usage());
        }
        if self.unsupported.contains(&first.as_str()) {
            return Preflight::Refuse(format!(
                "\"{first}\" is not supported by nlkit {}; nlkit {} has: {}",
                self.name(),
                self.name(),
                self.commands.iter().map(|c| c.names[0]).collect::<Vec<_>>().join(", ")
            ));
        }
        let Some(cmd) = self.command(first) else {
            // A word that names no command (a device for `link`, a prefix
            // for `route`): the first command reads it, as in `ip`.
            return self.walk(&self.commands[0], words);
        };
        self.walk(cmd, &words[1..])
    }

    fn walk(&self, cmd: &Cmd, words: &[String]) -> Preflight {
        let mut i = 0;
        while let Some(word) = words.get(i) {
            if is_help(word) {
                return Preflight::Help(self.usage());
            }
            // Whole words only, rows first: the walker, which knows where
            // each value ends, refuses abbreviations (`vrf*`) too.
            let row = cmd.words.iter().find(|k| k.matches(word));
            let refused = row.is_some_and(|k| k.refused);
            if refused
                || row.is_none() && cmd.unsupported.iter().any(|n| n.trim_end_matches('*') == word)
            {
                return Preflight::Refuse(format!(
                    "\"{word}\" is not supported by nlkit {} {} (see nlkit {} help)",
                    self.name(),
                    cmd.names[0],
                    self.name()
                ));
            }
            i += 1 + usize::from(row.is_some_and(|k| !k.value.is_empty()));
        }
        Preflight::Run
    }

    /// The object's usage, as `ip OBJECT help` prints it, with a line of
    /// help per keyword.
    pub fn usage(&self) -> String {
        let mut s = String::new();
        let names: Vec<&str> = self.commands.iter().map(|c| c.names[0]).collect();
        let _ = writeln!(s, "Usage: nlkit {} {{ {} }} ...", self.name(), names.join(" | "));
        let _ = writeln!(s, "{}.", self.about);
        for c in self.commands {
            let _ = writeln!(s, "\nnlkit {} {} {}", self.name(), c.names.join("|"), c.synopsis);
            let _ = writeln!(s, "    {}.", c.about);
            for k in c.keywords() {
                let names = k.names().collect::<Vec<_>>().join("|");
                let head = if k.value.is_empty() { names } else { format!("{names} {}", k.value) };
                let _ = writeln!(s, "    {head:<28} {}", k.help);
            }
            if c.has_unsupported() {
                let _ = writeln!(s, "    not supported by nlkit yet: {}", c.unsupported_names());
            }
        }
        for k in self.kinds {
            let _ = writeln!(s, "\ntype {} {}", k.names[0], k.synopsis);
            let _ = writeln!(s, "    {}.", k.about);
            for w in k.keywords() {
                let names = w.names().collect::<Vec<_>>().join("|");
                let head = if w.value.is_empty() { names } else { format!("{names} {}", w.value) };
                let _ = writeln!(s, "    {head:<28} {}", w.help);
            }
            if k.has_unsupported() {
                let _ = writeln!(s, "    not supported by nlkit yet: {}", k.unsupported_names());
            }
        }
        if !self.defs.is_empty() {
            s.push('\n');
            for d in self.defs {
                let _ = writeln!(s, "{d}");
            }
        }
        if !self.unsupported.is_empty() {
            let _ = writeln!(
                s,
                "\nip {} commands not supported by nlkit yet: {}",
                self.name(),
                self.unsupported.join(", ")
            );
        }
        s
    }
}

/// ip's objects in the order ip matches a prefix against them (`cmds[]`
/// in iproute2's ip/ip.c, 6.1): the first that `word` begins wins, so `r`
/// is route, `n` neighbour, `a` address and `l` link.
const IP_OBJECTS: [&str; 33] = [
    "address",
    "addrlabel",
    "maddress",
    "route",
    "rule",
    "neighbor",
    "neighbour",
    "ntable",
    "ntbl",
    "link",
    "l2tp",
    "fou",
    "ila",
    "macsec",
    "tunnel",
    "tuntap",
    "tap",
    "token",
    "tcpmetrics",
    "tcp_metrics",
    "monitor",
    "xfrm",
    "mroute",
    "mrule",
    "netns",
    "netconf",
    "vrf",
    "sr",
    "nexthop",
    "mptcp",
    "ioam",
    "stats",
    "help",
];

/// The ip object `word` names as ip matches it (a prefix of the first it
/// begins in ip's order), by nlkit's name for it; `None` when that object
/// is one nlkit does not have (`m` is ip's maddress).
pub fn ip_object(word: &str) -> Option<&'static str> {
    let name = IP_OBJECTS.into_iter().find(|o| !word.is_empty() && o.starts_with(word))?;
    match name {
        "neighbor" | "neighbour" => Some("neigh"),
        "tcpmetrics" | "tcp_metrics" => Some("tcp-metrics"),
        "address" | "route" | "rule" | "link" | "monitor" | "xfrm" | "mptcp" => Some(name),
        _ => None,
    }
}

/// The object named `word` (a name, an alias or an unambiguous prefix).
pub fn object(word: &str) -> Option<&'static Object> {
    let all = tables::OBJECTS;
    if let Some(o) = all.iter().find(|o| o.names.contains(&word)) {
        return Some(o);
    }
    let mut hits = all.iter().filter(|o| o.names.iter().any(|n| n.starts_with(word)));
    match (hits.next(), hits.next()) {
        (Some(o), None) if !word.is_empty() => Some(o),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
