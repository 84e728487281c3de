//! Shell patterns, matched as fnmatch(3) matches them: `*` (any run,
//! `/` included: no `FNM_PATHNAME`), `?`, bracket expressions (`[abc]`,
//! `[a-z]`, `[!x]` or `[^x]`, a `]` first taken as itself; a `[` without
//! its `]` is itself), and `\` quoting the next character unless
//! `FNM_NOESCAPE`. `ss` matches unix socket names this way case folded;
//! sysctl.conf(5) globs match parameter paths with no escapes. At most
//! `pattern.len() * text.len()` steps: one `*` backtracks at a time.

/// fnmatch(3)'s flags nlkit uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags {
    /// `FNM_CASEFOLD`: letters match either case.
    pub casefold: bool,
    /// `FNM_NOESCAPE`: a `\` is itself.
    pub noescape: bool,
}

impl Flags {
    /// No flag.
    pub const NONE: Flags = Flags { casefold: false, noescape: false };
    /// `FNM_CASEFOLD` (ss's unix names).
    pub const CASEFOLD: Flags = Flags { casefold: true, noescape: false };
    /// `FNM_NOESCAPE` (sysctl.conf globs).
    pub const NOESCAPE: Flags = Flags { casefold: false, noescape: true };
}

/// Whether `text` matches the shell pattern `pattern` under `flags`. ASCII
/// text is matched in place; other text as characters (lowercased under
/// `casefold`).
pub fn fnmatch(pattern: &str, text: &str, flags: Flags) -> bool {
    let escape = !flags.noescape;
    match (flags.casefold, pattern.is_ascii() && text.is_ascii()) {
        (true, true) => {
            glob(pattern.as_bytes(), text.as_bytes(), |b| b.to_ascii_lowercase(), escape)
        }
        (false, true) => glob(pattern.as_bytes(), text.as_bytes(), |b| b, escape),
        (true, false) => {
            let lower = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<Vec<char>>();
            glob(&lower(pattern), &lower(text), |c| c, escape)
        }
        (false, false) => {
            let chars = |s: &str| s.chars().collect::<Vec<char>>();
            glob(&chars(pattern), &chars(text), |c| c, escape)
        }
    }
}

/// [`fnmatch`] over units of `T` (bytes or characters), each compared
/// through `fold`; `escape`: a `\` quotes the next unit.
fn glob<T: Copy + Ord + From<u8>>(p: &[T], t: &[T], fold: fn(T) -> T, escape: bool) -> bool {
    let c = |b: u8| T::from(b);
    let (mut pi, mut ti) = (0, 0);
    // The last `*` seen and the text position it was tried at.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let here = fold(t[ti]);
        let step = match p.get(pi).copied() {
            Some(x) if x == c(b'*') => {
                star = Some((pi, ti));
                pi += 1;
                continue;
            }
            Some(x) if x == c(b'?') => Some(1),
            Some(x) if x == c(b'[') => bracket(&p[pi..], here, fold, escape),
            Some(x) if escape && x == c(b'\\') && pi + 1 < p.len() => {
                (fold(p[pi + 1]) == here).then_some(2)
            }
            Some(x) => (fold(x) == here).then_some(1),
            None => None,
        };
        match (step, star) {
            (Some(n), _) => {
                pi += n;
                ti += 1;
            }
            (None, Some((sp, st))) => {
                // The `*` takes one more unit.
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            (None, None) => return false,
        }
    }
    p[pi..].iter().all(|&x| x == c(b'*'))
}

/// A bracket expression at the start of `p` against `ch` (folded):
/// `Some(its length)` when `ch` is in it, `None` when not; a `[` without
/// its `]` is a literal `[`.
fn bracket<T: Copy + Ord + From<u8>>(
    p: &[T],
    ch: T,
    fold: fn(T) -> T,
    escape: bool,
) -> Option<usize> {
    match bracket_set(p, ch, fold, escape) {
        Some(matched) => matched,
        None => (ch == T::from(b'[')).then_some(1),
    }
}

/// The bracket expression's verdict, `None` when it has no end.
fn bracket_set<T: Copy + Ord + From<u8>>(
    p: &[T],
    ch: T,
    fold: fn(T) -> T,
    escape: bool,
) -> Option<Option<usize>> {
    let c = |b: u8| T::from(b);
    let mut i = 1;
    let negate = p.get(i).is_some_and(|&x| x == c(b'!') || x == c(b'^'));
    if negate {
        i += 1;
    }
    let (mut found, mut first) = (false, true);
    loop {
        let here = *p.get(i)?;
        if here == c(b']') && !first {
            break;
        }
        first = false;
        let lo = if escape && here == c(b'\\') {
            i += 1;
            *p.get(i)?
        } else {
            here
        };
        if p.get(i + 1) == Some(&c(b'-')) && p.get(i + 2).is_some_and(|&h| h != c(b']')) {
            found |= fold(lo) <= ch && ch <= fold(p[i + 2]);
            i += 3;
        } else {
            found |= fold(lo) == ch;
            i += 1;
        }
    }
    Some((found != negate).then_some(i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fnmatch_casefold(pattern: &str, text: &str) -> bool {
        fnmatch(pattern, text, Flags::CASEFOLD)
    }

    #[test]
    fn patterns_match_as_fnmatch_does() {
        for (pattern, text, want) in [
            ("/run/*", "/run/systemd/notify", true),
            ("/run/*", "/var/run/x", false),
            ("*", "", true),
            ("", "", true),
            ("", "x", false),
            ("/tmp/s?ck", "/tmp/sock", true),
            ("/tmp/s?ck", "/tmp/sck", false),
            ("@*", "@/tmp/.X11-unix/X0", true),
            ("/TMP/X", "/tmp/x", true),
            ("[a-c]x", "bx", true),
            ("[!a-c]x", "bx", false),
            ("[^a-c]x", "dx", true),
            ("[]]", "]", true),
            ("[", "[", true),
            ("a[b", "a[b", true),
            ("\\*", "*", true),
            ("\\*", "x", false),
            ("*.sock", "a.b.sock", true),
            ("*a*b*c", "xaybzc", true),
            ("*a*b*c", "xaybz", false),
            ("/tmp/É*", "/tmp/été", true),
            ("[à-ê]x", "Éx", true),
        ] {
            assert_eq!(fnmatch_casefold(pattern, text), want, "{pattern:?} {text:?}");
        }
        // Bounded: many stars against a long text that does not match.
        let text = "a".repeat(2000);
        assert!(!fnmatch_casefold(&format!("{}*b", "*a".repeat(50)), &text));
    }

    #[test]
    fn without_flags_case_counts_and_with_noescape_a_backslash_is_itself() {
        for (p, t, flags, want) in [
            ("eth*", "eth0", Flags::NONE, true),
            ("ETH*", "eth0", Flags::NONE, false),
            ("[a-f]th[0-9]", "eth0", Flags::NOESCAPE, true),
            ("net/*/rp_filter", "net/ipv4/conf/rp_filter", Flags::NOESCAPE, true),
            ("a\\*", "a\\b", Flags::NOESCAPE, true),
            ("a\\*", "a*", Flags::NONE, true),
            ("a\\*", "ab", Flags::NONE, false),
            ("été", "été", Flags::NONE, true),
            ("?", "", Flags::NONE, false),
        ] {
            assert_eq!(fnmatch(p, t, flags), want, "{p} {t} {flags:?}");
        }
    }
}
