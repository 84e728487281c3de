//! Reading words: the words after `nlkit OBJECT` ([`Args`]), the command
//! word as `ip` reads it (the first command in `ip`'s order the word is a
//! prefix of), and, in [`values`], one parser per kind of value (numbers,
//! prefixes, link-layer addresses, durations, protocols, flags, hex). The
//! keywords after the command are the tables' (`grammar::walk`).

pub mod values;

use anyhow::{anyhow, Result};

/// The words after `nlkit OBJECT`, read left to right.
#[derive(Debug, Clone)]
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

/// The command word as ip's `matches()` chains read it: the first choice
/// (in the order given, ip's) one of whose names the word is a prefix of;
/// `alone` when there is no word (what `ip OBJECT` alone runs).
pub fn command_first<'c>(
    args: &mut Args,
    object: &str,
    alone: &'c str,
    choices: &[&'c str],
) -> Result<&'c str> {
    let canonical = |c: &'c str| c.split('|').next().unwrap_or(c);
    let Some(w) = args.next() else { return Ok(alone) };
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
    fn commands_are_read_in_ips_order() {
        let choices = ["add", "set|change", "delete", "show|lst|list"];
        let mut none = Args::new(vec![]);
        assert_eq!(command_first(&mut none, "link", "show", &choices).unwrap(), "show");
        for (word, cmd) in [("s", "set"), ("sh", "show"), ("l", "show"), ("d", "delete")] {
            let mut a = Args::new(vec![word.into()]);
            assert_eq!(command_first(&mut a, "link", "show", &choices).unwrap(), cmd, "{word}");
        }
        let mut bad = Args::new(vec!["x".into()]);
        let e = command_first(&mut bad, "link", "show", &choices).unwrap_err();
        assert_eq!(e.to_string(), "Command \"x\" is unknown, try \"nlkit link help\".");
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
