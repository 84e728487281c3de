//! The generic walker: reads a command's words into a plain argument
//! struct by the command's table. Each row of the table matches as `ip`
//! matches it (a name whole, or, where the name ends in `*` in the table,
//! any prefix of it; the first row in `ip`'s order wins), takes its value
//! if its syntax names one, and hands it to the row's apply function;
//! a row whose value is several words (`via [ FAMILY ] ADDRESS`,
//! `mtu [ lock ] N`, `nexthop NH...`) reads them itself from the words
//! that follow ([`Rest`]). A word no row matches is an `ip` keyword nlkit
//! does not implement (refused as such), or goes to the command's `other`
//! function (a positional word: a device, a prefix, a rule type), or is
//! refused.
//!
//! Names are resolved after the walk, with the connection: the argument
//! structs hold words, not indexes.

use super::{Cmd, Word};
use anyhow::{bail, Result};

/// What a keyword does with its value (empty for a keyword without one).
pub type Apply<T> = fn(&mut T, &str) -> Result<()>;

/// What a keyword whose value is several words does: it reads them from
/// the words that follow it.
pub type More<T> = fn(&mut T, &mut Rest<'_>) -> Result<()>;

/// The words after a keyword (or, for `other`, from the word no row
/// matched), for a row that reads more than one.
pub struct Rest<'w> {
    words: &'w [String],
    /// The keyword (or the unmatched word).
    word: &'w str,
    next: usize,
}

impl<'w> Rest<'w> {
    /// The keyword this row matched (or the word no row matched).
    pub fn word(&self) -> &'w str {
        self.word
    }

    /// The next word, taken.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<&'w str> {
        let w = self.words.get(self.next)?;
        self.next += 1;
        Some(w)
    }

    /// The next word, left in place.
    pub fn peek(&self) -> Option<&'w str> {
        self.words.get(self.next).map(String::as_str)
    }

    /// The next word, which must be there: `ip`'s message when it is not.
    pub fn value(&mut self) -> Result<&'w str> {
        match self.next() {
            Some(w) => Ok(w),
            None => Err(crate::report::incomplete()),
        }
    }
}

/// A command's table with what each of its rows does.
pub struct Walk<T: 'static> {
    /// The command as messages name it (`route add`, `monitor`).
    pub name: &'static str,
    /// The command's rows: names, match rules, value syntax, help.
    pub cmd: &'static Cmd,
    /// For each row whose value is one word (or none), by its canonical
    /// name: what it applies.
    pub apply: &'static [(&'static str, Apply<T>)],
    /// For each row whose value is several words: what reads them.
    pub more: &'static [(&'static str, More<T>)],
    /// A word no row matches (handed over with the words after it);
    /// `None`: refused.
    pub other: Option<More<T>>,
    /// Rows after which the walk stops (`type KIND`: the kind's own words
    /// follow).
    pub stop: &'static [&'static str],
}

impl Word {
    /// The row's names, without the `*` that marks a prefix rule.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        self.word.split('|').map(|n| n.trim_end_matches('*'))
    }

    /// The canonical name (the first).
    pub fn name(&self) -> &'static str {
        self.names().next().unwrap_or("")
    }

    /// Whether `word` names this row: a name whole, or a prefix of a name
    /// marked `*`.
    pub fn matches(&self, word: &str) -> bool {
        word.as_bytes().first().is_some_and(|&b| self.may_start(b))
            && matches_names(self.word, word)
    }
}

/// Whether `word` is one of `names` (`|`-separated, a `*` after a name:
/// any non-empty prefix of it).
pub fn matches_names(names: &str, word: &str) -> bool {
    // Bytes, and a name's first byte before anything else: `-batch` walks
    // every line of a million-line file through these rows.
    let (names, word) = (names.as_bytes(), word.as_bytes());
    let Some(&first) = word.first() else { return false };
    let mut rest = names;
    loop {
        let end = rest.iter().position(|&b| b == b'|').unwrap_or(rest.len());
        let name = &rest[..end];
        if name.first() == Some(&first) {
            let hit = match name.strip_suffix(b"*") {
                Some(full) => full.starts_with(word),
                None => name == word,
            };
            if hit {
                return true;
            }
        }
        match rest.get(end + 1..) {
            Some(more) => rest = more,
            None => return false,
        }
    }
}

impl<T> Walk<T> {
    /// Reads `words` into `out`; returns how many it took (all of them
    /// unless a stop row ended the walk).
    pub fn run(&self, words: &[String], out: &mut T) -> Result<usize> {
        let mut i = 0;
        while let Some(word) = words.get(i) {
            i += 1;
            let Some(row) = self.cmd.words.iter().find(|r| r.matches(word)) else {
                if let Some(n) = self.cmd.unsupported.iter().find(|n| matches_names(n, word)) {
                    let n = n.trim_end_matches('*');
                    let cmd = self.name;
                    if n == word {
                        bail!("\"{word}\" is not supported by nlkit {cmd}");
                    }
                    bail!("\"{word}\" ({n}) is not supported by nlkit {cmd}");
                }
                let Some(other) = self.other else {
                    bail!("\"{word}\" is not a keyword of nlkit {}", self.name);
                };
                let mut rest = Rest { words, word, next: i };
                other(out, &mut rest)?;
                i = rest.next;
                continue;
            };
            let name = row.name();
            if row.refused {
                // The name the word abbreviates (`ds` is dsfield, not tos).
                let full = row.word.split('|').find(|n| matches_names(n, word));
                let full = full.map_or(name, |n| n.trim_end_matches('*'));
                if full == word {
                    bail!("\"{word}\" is not supported by nlkit {}", self.name);
                }
                bail!("\"{word}\" ({full}) is not supported by nlkit {}", self.name);
            }
            if let Some(&(_, more)) = self.more.iter().find(|(n, _)| *n == name) {
                let mut rest = Rest { words, word, next: i };
                more(out, &mut rest)?;
                i = rest.next;
            } else {
                let Some(&(_, apply)) = self.apply.iter().find(|(n, _)| *n == name) else {
                    bail!("\"{name}\" has no meaning here (a table without its apply row)");
                };
                let value = if row.value.is_empty() {
                    ""
                } else {
                    let Some(v) = words.get(i) else {
                        return Err(crate::report::incomplete());
                    };
                    i += 1;
                    v.as_str()
                };
                apply(out, value)?;
            }
            if self.stop.contains(&name) {
                return Ok(i);
            }
        }
        Ok(i)
    }

    /// Whether every row has one apply function and every apply function
    /// a row (the tests check each command's).
    pub fn complete(&self) -> Result<(), String> {
        let applies = self.apply.iter().map(|(n, _)| *n).chain(self.more.iter().map(|(n, _)| *n));
        for r in self.cmd.keywords() {
            match applies.clone().filter(|n| *n == r.name()).count() {
                1 => {}
                0 => return Err(format!("row {} has no apply function", r.name())),
                _ => return Err(format!("row {} has two apply functions", r.name())),
            }
        }
        for n in applies {
            if !self.cmd.keywords().any(|r| r.name() == n) {
                return Err(format!("apply function {n} has no row"));
            }
        }
        Ok(())
    }
}
