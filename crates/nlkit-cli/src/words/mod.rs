//! Reading words: the argument grammar `ip` users know (keywords that may
//! be shortened to any unambiguous prefix, each followed by its value, in
//! any order) and, in [`values`], one parser per kind of value (numbers,
//! prefixes, link-layer addresses, durations, protocols, flags, hex).

pub mod values;

use anyhow::{anyhow, bail, Result};

/// The words after `nlkit OBJECT`, read left to right.
#[derive(Debug)]
pub struct Args {
    words: Vec<String>,
    at: usize,
}

impl Args {
    pub fn new(words: Vec<String>) -> Self {
        Args { words, at: 0 }
    }

    /// Whether every word has been taken.
    pub fn at_end(&self) -> bool {
        self.at >= self.words.len()
    }

    /// The next word, left in place.
    pub fn peek(&self) -> Option<&str> {
        self.words.get(self.at).map(String::as_str)
    }

    /// Takes the value after a keyword, or fails naming the keyword.
    pub fn value(&mut self, keyword: &str) -> Result<String> {
        self.next().ok_or_else(|| anyhow!("argument \"{keyword}\" is missing a value"))
    }

    /// Takes the value after `keyword` and parses it with `parse`.
    pub fn parsed<T>(&mut self, keyword: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T> {
        let v = self.value(keyword)?;
        parse(&v).ok_or_else(|| anyhow!("invalid value \"{v}\" for \"{keyword}\""))
    }
}

/// Takes the words one by one.
impl Iterator for Args {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        let w = self.words.get(self.at).cloned();
        self.at += w.is_some() as usize;
        w
    }
}

/// An interface name the kernel would accept (`dev_valid_name`): 1 to 15
/// bytes (`IFNAMSIZ` less the NUL), not `.` or `..`, no `/`, `:` or white
/// space. Checked before anything is sent, so the error says why.
pub fn ifname(name: String) -> Result<String> {
    let bad_char = name.chars().any(|c| c == '/' || c == ':' || c.is_whitespace());
    if name.is_empty() || name.len() > 15 || name == "." || name == ".." || bad_char {
        anyhow::bail!(
            "\"{name}\" is not a valid interface name: at most 15 bytes, not \".\" or \"..\", \
             no '/', ':' or white space"
        );
    }
    Ok(name)
}

/// The keyword of `choices` that `word` names: the word itself, or a prefix
/// of exactly one choice. `choices` may list aliases as "name|alias".
pub fn keyword<'c>(word: &str, choices: &[&'c str]) -> Result<&'c str> {
    keyword_or_none(word, choices)?
        .ok_or_else(|| anyhow!("unknown keyword \"{word}\"; expected one of: {}", names(choices)))
}

/// Like [`keyword`], but a word that names no keyword is `None` (for
/// grammars where such a word is a value, such as a device name); an
/// ambiguous prefix is still an error.
pub fn keyword_or_none<'c>(word: &str, choices: &[&'c str]) -> Result<Option<&'c str>> {
    let mut found = None;
    for &choice in choices {
        let canonical = choice.split('|').next().unwrap_or(choice);
        for name in choice.split('|') {
            if name == word {
                return Ok(Some(canonical));
            }
            if name.starts_with(word) && !word.is_empty() && found != Some(canonical) {
                if found.is_some() {
                    bail!(
                        "\"{word}\" is ambiguous: it could be {} or {canonical}",
                        found.unwrap_or("")
                    );
                }
                found = Some(canonical);
            }
        }
    }
    Ok(found)
}

fn names(choices: &[&str]) -> String {
    choices.iter().map(|c| c.split('|').next().unwrap_or(c)).collect::<Vec<_>>().join(", ")
}

/// The command word (`show`, `add`, ...); the first choice (canonical
/// name) when absent, as `ip OBJECT` alone shows.
pub fn command<'c>(args: &mut Args, choices: &[&'c str]) -> Result<&'c str> {
    match args.next() {
        None => Ok(choices.first().and_then(|c| c.split('|').next()).unwrap_or("")),
        Some(w) => keyword(&w, choices),
    }
}

/// The command word as ip's `matches()` chains read it: the first choice
/// (in the order given, ip's) one of whose names the word is a prefix of;
/// the first choice's name when there is no word.
pub fn command_first<'c>(args: &mut Args, object: &str, choices: &[&'c str]) -> Result<&'c str> {
    let canonical = |c: &'c str| c.split('|').next().unwrap_or(c);
    let Some(w) = args.next() else {
        return Ok(choices.first().map(|c| canonical(c)).unwrap_or(""));
    };
    choices
        .iter()
        .find(|c| c.split('|').any(|n| !w.is_empty() && n.starts_with(w.as_str())))
        .map(|c| canonical(c))
        .ok_or_else(|| anyhow!("Command \"{w}\" is unknown, try \"nlkit {object} help\"."))
}

/// A prefix `ADDR[/LEN]`; a bare address gets the full length.
pub fn prefix(s: &str) -> Option<(std::net::IpAddr, u8)> {
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a.parse().ok()?, Some(l.parse::<u8>().ok()?)),
        None => (s.parse().ok()?, None),
    };
    let max = if matches!(addr, std::net::IpAddr::V4(_)) { 32 } else { 128 };
    let len = len.unwrap_or(max);
    (len <= max).then_some((addr, len))
}

/// A number in decimal or `0x` hex.
pub fn number<T: TryFrom<u64>>(s: &str) -> Option<T> {
    let v = match s.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16).ok()?,
        None => s.parse().ok()?,
    };
    T::try_from(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_take_unambiguous_prefixes_and_aliases() {
        let choices = ["show|list", "add", "delete|del", "flush"];
        assert_eq!(keyword("sh", &choices).unwrap(), "show");
        assert_eq!(keyword("list", &choices).unwrap(), "show");
        assert_eq!(keyword("del", &choices).unwrap(), "delete");
        assert_eq!(keyword("a", &choices).unwrap(), "add");
        assert!(keyword("x", &choices).unwrap_err().to_string().contains("expected one of: show"));
        let amb = ["priority", "protocol"];
        assert!(keyword("pr", &amb).unwrap_err().to_string().contains("ambiguous"));
        assert_eq!(keyword("pri", &amb).unwrap(), "priority");
        assert_eq!(keyword_or_none("eth0", &choices).unwrap(), None);
        assert!(keyword_or_none("pr", &amb).is_err());
    }

    #[test]
    fn a_missing_command_is_the_first_choice_by_its_name() {
        let mut none = Args::new(vec![]);
        assert_eq!(command(&mut none, &["show|list", "add"]).unwrap(), "show");
    }

    #[test]
    fn a_missing_command_is_the_first_choice_by_its_canonical_name() {
        let mut none = Args::new(Vec::new());
        assert_eq!(command(&mut none, &["show|list", "add"]).unwrap(), "show");
        let mut some = Args::new(vec!["lst".into()]);
        assert_eq!(command(&mut some, &["show|list|lst", "add"]).unwrap(), "show");
    }

    #[test]
    fn prefixes_and_numbers() {
        assert_eq!(prefix("10.0.0.0/8"), Some(("10.0.0.0".parse().unwrap(), 8)));
        assert_eq!(prefix("2001:db8::1"), Some(("2001:db8::1".parse().unwrap(), 128)));
        assert_eq!(prefix("10.0.0.0/33"), None);
        assert_eq!(number::<u32>("0x10"), Some(16));
        assert_eq!(number::<u8>("300"), None);
    }
}
