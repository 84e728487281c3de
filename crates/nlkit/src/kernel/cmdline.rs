//! The kernel command line (`/proc/cmdline`), split as the kernel splits it:
//! `next_arg()` in lib/cmdline.c and `parse_args()` in kernel/params.c
//! (Documentation/admin-guide/kernel-parameters.rst, bootparam(7)).
//!
//! - Words are separated by spaces; a double quote turns spaces off until
//!   the next one, so `foo="bar baz"` and `"foo=bar baz"` are one word.
//!   Quotes around the value, or around the whole word, are removed; others
//!   stay.
//! - `name=value` splits at the first `=` (not at position 0); a word
//!   without one is a flag. `x=` has an empty value.
//! - `module.param=value` names a module's parameter: the module is what
//!   comes before the first dot of the name.
//! - `-` and `_` are the same in parameter names ([`parameq`]).
//! - A bare `--` ends the kernel's arguments; the rest go to init.
//!
//! [`get_options`] reads integer lists with ranges, as lib/cmdline.c's
//! `get_options()` does.

use std::fmt;

/// Where the kernel shows the command line it booted with.
pub const PROC_CMDLINE: &str = "/proc/cmdline";

/// One `[module.]param[=value]` word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param<'a> {
    /// The module, for `module.param` names.
    pub module: Option<&'a str>,
    /// The parameter name (after the module's dot, if any).
    pub param: &'a str,
    /// The value; `None` for a flag, `Some("")` for `x=`.
    pub value: Option<&'a str>,
}

/// A command line split into kernel parameters and init's arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cmdline<'a> {
    /// The parameters before `--`.
    pub params: Vec<Param<'a>>,
    /// The words after `--`, for init (quotes removed as for parameters;
    /// never split into module and parameter).
    pub init_args: Vec<Param<'a>>,
}

impl<'a> Cmdline<'a> {
    /// Splits `text` with the kernel's rules. This never fails: the kernel
    /// accepts any text.
    pub fn parse(text: &'a str) -> Cmdline<'a> {
        let mut out = Cmdline::default();
        let mut rest = text.trim_start_matches(is_space);
        let mut init = false;
        while !rest.is_empty() {
            let (name, value, next) = next_arg(rest);
            rest = next;
            if init {
                out.init_args.push(Param { module: None, param: name, value });
            } else if value.is_none() && name == "--" {
                init = true;
            } else {
                out.params.push(Param::split(name, value));
            }
        }
        out
    }

    /// The last value given for `[module.]param` (the kernel applies words
    /// in order, so the last one wins); `Some(None)` for a flag.
    pub fn get(&self, name: &str) -> Option<Option<&'a str>> {
        self.params.iter().rev().find(|p| p.matches(name)).map(|p| p.value)
    }
}

/// Reads `/proc/cmdline` (as text; invalid UTF-8 is replaced).
pub fn read() -> std::io::Result<String> {
    let bytes = std::fs::read(PROC_CMDLINE)?;
    Ok(String::from_utf8_lossy(&bytes).trim_end_matches('\n').to_string())
}

impl<'a> Param<'a> {
    fn split(name: &'a str, value: Option<&'a str>) -> Param<'a> {
        match name.split_once('.') {
            Some((module, param)) if !module.is_empty() => {
                Param { module: Some(module), param, value }
            }
            _ => Param { module: None, param: name, value },
        }
    }

    /// Whether this is `[module.]param`, with `-` and `_` the same.
    pub fn matches(&self, name: &str) -> bool {
        match (self.module, name.split_once('.')) {
            (Some(m), Some((wm, wp))) => parameq(m, wm) && parameq(self.param, wp),
            (None, _) => parameq(self.param, name),
            (Some(_), None) => false,
        }
    }
}

impl fmt::Display for Param<'_> {
    /// `module.param = value`, or the bare name for a flag.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(m) = self.module {
            write!(f, "{m}.")?;
        }
        f.write_str(self.param)?;
        match self.value {
            Some(v) => write!(f, " = {v}"),
            None => Ok(()),
        }
    }
}

/// The kernel's `parameq()`: names are equal when they differ only in `-`
/// versus `_`.
pub fn parameq(a: &str, b: &str) -> bool {
    let dash = |c: u8| if c == b'-' { b'_' } else { c };
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| dash(x) == dash(y))
}

/// `isspace()` in the kernel's ctype: space, \t \n \v \f \r.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// lib/cmdline.c `next_arg()`: one word of `args` (which starts at a
/// non-space), as (name, value, rest after trailing spaces).
fn next_arg(args: &str) -> (&str, Option<&str>, &str) {
    let (quoted, args) = match args.strip_prefix('"') {
        Some(a) => (true, a),
        None => (false, args),
    };
    let mut in_quote = quoted;
    let mut equals = 0;
    let mut end = args.len();
    for (i, c) in args.char_indices() {
        if is_space(c) && !in_quote {
            end = i;
            break;
        }
        if equals == 0 && c == '=' {
            equals = i;
        }
        if c == '"' {
            in_quote = !in_quote;
        }
    }
    let word = &args[..end];
    let rest = args[end..].trim_start_matches(is_space);
    // A closing quote at the end of the word goes when the value or the
    // whole word was quoted.
    let (name, value) = if equals == 0 {
        (word, None)
    } else {
        let value = &word[equals + 1..];
        let value = match value.strip_prefix('"') {
            Some(v) => Some(v.strip_suffix('"').unwrap_or(v)),
            None if quoted => Some(value.strip_suffix('"').unwrap_or(value)),
            None => Some(value),
        };
        (&word[..equals], value)
    };
    let name =
        if quoted && value.is_none() { name.strip_suffix('"').unwrap_or(name) } else { name };
    (name, value, rest)
}

/// lib/cmdline.c `get_options()`: integers separated by commas, with
/// inclusive ranges `a-b`, at most `max` of them. Numbers take C prefixes
/// (`0x` hex, `0` octal) and may be negative. Reading stops at the first
/// text that is not part of a list, which is returned with the values
/// (`"1,2-4,7"` gives `[1, 2, 3, 4, 7]` and `""`). A range whose end is
/// below its start stops the list there.
pub fn get_options(text: &str, max: usize) -> (Vec<i64>, &str) {
    let mut out = Vec::new();
    let mut s = text;
    while out.len() < max {
        let Some((a, after)) = number(s) else { break };
        if let Some(r) = after.strip_prefix('-') {
            let Some((b, after_b)) = number(r) else { break };
            if b < a {
                break;
            }
            let mut v = a;
            while v <= b && out.len() < max {
                out.push(v);
                v += 1;
            }
            s = after_b;
        } else {
            out.push(a);
            s = after;
        }
        match s.strip_prefix(',') {
            Some(r) => s = r,
            None => break,
        }
    }
    (out, s)
}

/// `simple_strtoull(s, &end, 0)` with an optional leading `-`; `None` when
/// no digit was read.
fn number(s: &str) -> Option<(i64, &str)> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (radix, digits) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        if h.starts_with(|c: char| c.is_ascii_hexdigit()) {
            (16, h)
        } else {
            (10, s)
        }
    } else if s.starts_with('0') {
        (8, s)
    } else {
        (10, s)
    };
    let len = digits.find(|c: char| !c.is_digit(radix)).unwrap_or(digits.len());
    if len == 0 {
        return None;
    }
    let v = u64::from_str_radix(&digits[..len], radix).ok()? as i64;
    Some((if neg { v.wrapping_neg() } else { v }, &digits[len..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p<'a>(module: Option<&'a str>, param: &'a str, value: Option<&'a str>) -> Param<'a> {
        Param { module, param, value }
    }

    #[test]
    fn quotes_around_the_value_or_the_word() {
        let c = Cmdline::parse(r#"foo="bar baz" "qux=a b"  "flag word" x="a"b"#);
        assert_eq!(
            c.params,
            [
                p(None, "foo", Some("bar baz")),
                p(None, "qux", Some("a b")),
                p(None, "flag word", None),
                p(None, "x", Some("a\"b")),
            ]
        );
    }

    #[test]
    fn modules_flags_and_empty_values() {
        let c = Cmdline::parse("  a.b-c=1 quiet x= =odd nvme_core.io_timeout=30 a.b.c=d\n");
        assert_eq!(
            c.params,
            [
                p(Some("a"), "b-c", Some("1")),
                p(None, "quiet", None),
                p(None, "x", Some("")),
                p(None, "=odd", None),
                p(Some("nvme_core"), "io_timeout", Some("30")),
                p(Some("a"), "b.c", Some("d")),
            ]
        );
        assert_eq!(c.get("a.b_c"), Some(Some("1")));
        assert_eq!(c.get("nvme-core.io-timeout"), Some(Some("30")));
        assert_eq!(c.get("quiet"), Some(None));
        assert_eq!(c.get("loud"), None);
        assert!(c.init_args.is_empty());
    }

    #[test]
    fn double_dash_ends_the_kernel_args() {
        let c = Cmdline::parse("ro -- --init-flag a=b \"c d\" -- e");
        assert_eq!(c.params, [p(None, "ro", None)]);
        assert_eq!(
            c.init_args,
            [
                p(None, "--init-flag", None),
                p(None, "a", Some("b")),
                p(None, "c d", None),
                p(None, "--", None),
                p(None, "e", None),
            ]
        );
        // `--=x` has a value, so it is a parameter, not the separator.
        assert_eq!(Cmdline::parse("--=x").params, [p(None, "--", Some("x"))]);
    }

    #[test]
    fn last_value_wins_and_display() {
        let c = Cmdline::parse("loglevel=3 loglevel=7 mod.p=v");
        assert_eq!(c.get("loglevel"), Some(Some("7")));
        assert_eq!(c.params[2].to_string(), "mod.p = v");
        assert_eq!(Cmdline::parse("").params, []);
        assert_eq!(Cmdline::parse("   ").params, []);
    }

    #[test]
    fn parameq_treats_dash_and_underscore_alike() {
        assert!(parameq("a-b_c", "a_b-c"));
        assert!(!parameq("ab", "a-b"));
    }

    #[test]
    fn integer_lists() {
        assert_eq!(get_options("1,2-5,7", 32), (vec![1, 2, 3, 4, 5, 7], ""));
        assert_eq!(get_options("0x10,010,-3", 32), (vec![16, 8, -3], ""));
        assert_eq!(get_options("1,2,3,4", 2), (vec![1, 2], "3,4"));
        assert_eq!(get_options("1-3x", 32), (vec![1, 2, 3], "x"));
        assert_eq!(get_options("5-2,9", 32), (vec![], "5-2,9"));
        assert_eq!(get_options("abc", 32), (vec![], "abc"));
        assert_eq!(get_options("", 32), (vec![], ""));
    }

    #[test]
    fn the_real_command_line_parses() {
        let text = read().unwrap();
        let c = Cmdline::parse(&text);
        assert!(!c.params.is_empty() || text.trim().is_empty());
    }
}
