//! Files (and stdin) the commands read whole: `--lines`, `sysctl -p`,
//! `--file`. Each read stops at a size limit, so `/dev/zero` or an endless
//! pipe is an error, not memory running out; and it never blocks opening a
//! FIFO nobody writes to without saying what it reads.

use anyhow::{bail, Context, Result};
use std::io::Read;
use std::path::Path;

/// The most bytes one input may hold (64 MiB).
pub const MAX_INPUT: u64 = 64 << 20;

/// The bytes of `path` (`-`: stdin), at most [`MAX_INPUT`].
pub fn read(path: &Path) -> Result<Vec<u8>> {
    let what = if path == Path::new("-") { "stdin".into() } else { path.display().to_string() };
    let mut bytes = Vec::new();
    let n = if path == Path::new("-") {
        std::io::stdin().lock().take(MAX_INPUT + 1).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path)
            .with_context(|| format!("cannot open {what}"))?
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
    }
    .with_context(|| format!("reading {what}"))?;
    if n as u64 > MAX_INPUT {
        bail!("{what} is larger than {} MiB; nlkit reads at most that", MAX_INPUT >> 20);
    }
    Ok(bytes)
}

/// The text of `path`: bytes that are not UTF-8 are replaced (a Latin-1
/// comment in a sysctl.conf does not make the whole file unreadable).
pub fn read_text(path: &Path) -> Result<String> {
    Ok(String::from_utf8_lossy(&read(path)?).into_owned())
}

/// The lines of `bytes` as bytes, each with its `\n` when `keep_newline`
/// (the last line may have none); no UTF-8 needed.
pub fn lines(bytes: &[u8], keep_newline: bool) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    if !keep_newline {
        for l in &mut out {
            *l = l.strip_suffix(b"\n").unwrap_or(l);
            *l = l.strip_suffix(b"\r").unwrap_or(l);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn lines_as_bytes() {
        let text = b"one\r\ntwo\n\xffthree";
        assert_eq!(super::lines(text, false), [&b"one"[..], b"two", b"\xffthree"]);
        assert_eq!(super::lines(text, true), [&b"one\r\n"[..], b"two\n", b"\xffthree"]);
        assert!(super::lines(b"", false).is_empty());
    }

    #[test]
    fn dev_zero_is_refused_not_read_for_ever() {
        let err = super::read(std::path::Path::new("/dev/zero")).unwrap_err();
        assert!(err.to_string().contains("larger than 64 MiB"), "{err}");
    }
}
