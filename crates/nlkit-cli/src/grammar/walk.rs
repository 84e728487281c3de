//! The generic walker: reads a command's words into a plain argument
//! struct by the command's table. Each row of the table matches as `ip`
//! matches it (a name whole, or, where the name ends in `*` in the table,
//! any prefix of it; the first row in `ip`'s order wins), takes its value
//! if its syntax names one, and hands it to the row's apply function;
//! a word no row matches goes to the command's `other` function (a
//! positional word: a device, a prefix, a rule type), or is refused.
//!
//! Names are resolved after the walk, with the connection: the argument
//! structs hold words, not indexes.

use super::{Cmd, Word};
use anyhow::{bail, Result};

/// What a keyword does with its value (empty for a keyword without one).
pub type Apply<T> = fn(&mut T, &str) -> Result<()>;

/// A command's table with what each of its rows does.
pub struct Walk<T: 'static> {
    /// The command's rows: names, match rules, value syntax, help.
    pub cmd: &'static Cmd,
    /// For each row, by its canonical name: what it applies.
    pub apply: &'static [(&'static str, Apply<T>)],
    /// A word no row matches; `None`: refused.
    pub other: Option<Apply<T>>,
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
        self.word.split('|').any(|n| match n.strip_suffix('*') {
            Some(full) => !word.is_empty() && full.starts_with(word),
            None => n == word,
        })
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
                match self.other {
                    Some(other) => other(out, word)?,
                    None => bail!("\"{word}\" is not a keyword of {}", self.cmd.names[0]),
                }
                continue;
            };
            let Some(&(_, apply)) = self.apply.iter().find(|(n, _)| *n == row.name()) else {
                bail!("\"{}\" has no meaning here (a table without its apply row)", row.name());
            };
            let value = if row.value.is_empty() {
                ""
            } else {
                let Some(v) = words.get(i) else {
                    bail!("Command line is not complete. Try option \"help\"");
                };
                i += 1;
                v.as_str()
            };
            apply(out, value)?;
            if self.stop.contains(&row.name()) {
                return Ok(i);
            }
        }
        Ok(i)
    }

    /// Whether every row has an apply function and every apply function a
    /// row (the tests check each command's).
    pub fn complete(&self) -> Result<(), String> {
        for r in self.cmd.words {
            if !self.apply.iter().any(|(n, _)| *n == r.name()) {
                return Err(format!("row {} has no apply function", r.name()));
            }
        }
        for (n, _) in self.apply {
            if !self.cmd.words.iter().any(|r| r.name() == *n) {
                return Err(format!("apply function {n} has no row"));
            }
        }
        Ok(())
    }
}
