//! Kernel parameters under `/proc/sys`, with sysctl(8)'s names and
//! sysctl.conf(5)'s file format (procps-ng's `sysctl`).
//!
//! A name is written with dots (`net.ipv4.ip_forward`) or with slashes
//! (`net/ipv4/conf/eth0.1/forwarding`); whichever separator comes first
//! decides. In the dotted form a `/` stands for a literal dot inside a
//! component (`net.ipv4.conf.eth0/1.forwarding`), as sysctl(8) swaps them.
//! Values are the file's text without its trailing newline; vectors keep
//! the kernel's tabs.
//!
//! Reading everything ([`Sysctl::all`]) skips entries that cannot be read
//! (write-only ones such as `vm.compact_memory`, or ones that refuse reads),
//! as `sysctl -a` does. A sysctl.conf(5) line may name parameters by glob
//! ([`Sysctl::glob`], [`crate::fnmatch`]) and exclude some with `-name`
//! ([`ConfLine::Exclude`]), as procps-ng reads them. The net.* entries
//! belong to the network namespace of the thread that opens them.

use super::{check_component, read_value, write_value, Error, Result};
use crate::fnmatch::{fnmatch, Flags};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Where the kernel mounts the sysctl tree.
pub const PROC_SYS: &str = "/proc/sys";

/// A sysctl tree: `/proc/sys`, or a stand-in directory for tests.
#[derive(Debug, Clone)]
pub struct Sysctl {
    root: PathBuf,
}

/// One parameter and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The dotted name, e.g. `net.ipv4.ip_forward`.
    pub name: String,
    /// The value, without the trailing newline.
    pub value: String,
}

/// One meaningful line of a sysctl.conf(5) file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfLine<'a> {
    /// `name = value`, or `-name = value` to ignore a failure.
    Setting {
        /// The line number, from 1.
        line: usize,
        /// The name, trimmed.
        name: &'a str,
        /// The value, trimmed.
        value: &'a str,
        /// The line began with `-`: a failure to set it is not an error.
        ignore_errors: bool,
    },
    /// `-name` with no `=`: parameters a glob setting must leave alone
    /// (`name` may be a glob itself), as procps-ng reads it.
    Exclude {
        /// The line number, from 1.
        line: usize,
        /// The name or glob, trimmed.
        name: &'a str,
    },
    /// A line that is neither a setting nor a comment (no `=`).
    Malformed {
        /// The line number, from 1.
        line: usize,
        /// The line, trimmed.
        text: &'a str,
    },
}

impl Default for Sysctl {
    fn default() -> Self {
        Sysctl::new()
    }
}

impl Sysctl {
    /// The kernel's tree, `/proc/sys`.
    pub fn new() -> Sysctl {
        Sysctl::with_root(PROC_SYS)
    }

    /// A tree rooted elsewhere (for tests).
    pub fn with_root(root: impl Into<PathBuf>) -> Sysctl {
        Sysctl { root: root.into() }
    }

    /// The file behind `name`.
    pub fn path(&self, name: &str) -> Result<PathBuf> {
        Ok(self.root.join(name_to_path(name)?))
    }

    /// Reads one parameter.
    pub fn read(&self, name: &str) -> Result<String> {
        let path = self.path(name)?;
        if path.is_dir() {
            return Err(Error::Io {
                op: "read",
                path,
                source: std::io::Error::from_raw_os_error(libc::EISDIR),
            });
        }
        read_value(&path)
    }

    /// Writes one parameter (the value and a newline, in one write).
    pub fn write(&self, name: &str, value: &str) -> Result<()> {
        write_value(&self.path(name)?, value, true)
    }

    /// Every readable parameter at or below `prefix` (`""` for all), sorted
    /// by path. Unreadable entries are skipped, as `sysctl -a` does.
    pub fn all(&self, prefix: &str) -> Result<Vec<Entry>> {
        self.collect(prefix, true)
    }

    /// The names of the parameters at or below `prefix` whose owner may
    /// read them, values unread (`sysctl -N -a`: one whose read fails, as
    /// ipv6's `stable_secret` before it is set, is named too).
    pub fn names(&self, prefix: &str) -> Result<Vec<String>> {
        Ok(self.collect(prefix, false)?.into_iter().map(|e| e.name).collect())
    }

    /// [`all`](Self::all), or with `read` false the names only (values
    /// empty), of the files whose owner may read them.
    fn collect(&self, prefix: &str, read: bool) -> Result<Vec<Entry>> {
        let start = if prefix.is_empty() { self.root.clone() } else { self.path(prefix)? };
        let mut out = Vec::new();
        if start.is_file() {
            self.take(&start, read, &mut out);
            return Ok(out);
        }
        self.walk(&start, read, &mut out)?;
        Ok(out)
    }

    fn walk(&self, dir: &Path, read: bool, out: &mut Vec<Entry>) -> Result<()> {
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read_dir", dir, e))?;
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            if meta.is_dir() {
                // A directory that vanished or refuses listing is skipped too.
                let _ = self.walk(&path, read, out);
            } else if meta.permissions().mode() & 0o400 != 0 {
                self.take(&path, read, out);
            }
        }
        Ok(())
    }

    /// One file: its value read (skipped when that fails), or its name.
    fn take(&self, path: &Path, read: bool, out: &mut Vec<Entry>) {
        let value = match read {
            true => match read_value(path) {
                Ok(value) => value,
                Err(_) => return,
            },
            false => String::new(),
        };
        out.push(Entry { name: self.name_of(path), value });
    }

    fn name_of(&self, path: &Path) -> String {
        path_to_name(path.strip_prefix(&self.root).unwrap_or(path))
    }

    /// The parameters a glob names (`net.ipv4.conf.*.rp_filter`: `*`, `?`
    /// and `[...]` in its components, as sysctl.conf(5) takes them),
    /// matched component by component as glob(3) matches paths, sorted.
    /// Names starting with `.` match only a pattern that does.
    pub fn glob(&self, pattern: &str) -> Result<Vec<String>> {
        let path = name_to_path(pattern)?;
        let mut found = vec![self.root.clone()];
        for component in path.split('/') {
            let mut next = Vec::new();
            for dir in &found {
                if !is_glob(component) {
                    let p = dir.join(component);
                    if std::fs::symlink_metadata(&p).is_ok() {
                        next.push(p);
                    }
                    continue;
                }
                let Ok(entries) = std::fs::read_dir(dir) else { continue };
                for e in entries.flatten() {
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    let hidden = name.starts_with('.') && !component.starts_with('.');
                    if !hidden && fnmatch(component, &name, Flags::NOESCAPE) {
                        next.push(e.path());
                    }
                }
            }
            next.sort();
            found = next;
        }
        Ok(found.iter().filter(|p| p.is_file()).map(|p| self.name_of(p)).collect())
    }
}

/// Whether a name holds glob characters (`*`, `?`, `[`), as procps-ng
/// decides.
pub fn is_glob(name: &str) -> bool {
    name.contains(['*', '?', '['])
}

/// The path under `/proc/sys` that `name` stands for, as sysctl(8) maps it.
///
/// ```
/// use nlkit::kernel::sysctl::name_to_path;
/// assert_eq!(name_to_path("net.ipv4.ip_forward").unwrap(), "net/ipv4/ip_forward");
/// assert_eq!(name_to_path("net.ipv4.conf.eth0/1.rp_filter").unwrap(), "net/ipv4/conf/eth0.1/rp_filter");
/// assert_eq!(name_to_path("net/ipv4/conf/eth0.1/rp_filter").unwrap(), "net/ipv4/conf/eth0.1/rp_filter");
/// ```
pub fn name_to_path(name: &str) -> Result<String> {
    let slashed = name.find(['.', '/']).is_some_and(|i| name.as_bytes()[i] == b'/');
    let path: String = if slashed {
        name.to_string()
    } else {
        name.chars()
            .map(|c| match c {
                '.' => '/',
                '/' => '.',
                c => c,
            })
            .collect()
    };
    for component in path.split('/') {
        check_component(component, name)?;
    }
    Ok(path)
}

/// The dotted name of a path relative to `/proc/sys`: slashes become dots
/// and dots inside components become slashes.
pub fn path_to_name(rel: &Path) -> String {
    rel.to_string_lossy()
        .chars()
        .map(|c| match c {
            '/' => '.',
            '.' => '/',
            c => c,
        })
        .collect()
}

/// The settings of a sysctl.conf(5) file: `name = value` lines; blank lines
/// and lines starting with `#` or `;` are skipped; a leading `-` means a
/// failure to set that line is ignored.
pub fn parse_conf(text: &str) -> Vec<ConfLine<'_>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        let (ignore_errors, t) = match t.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, t),
        };
        match t.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => out.push(ConfLine::Setting {
                line,
                name: name.trim(),
                value: value.trim(),
                ignore_errors,
            }),
            None if ignore_errors && !t.is_empty() => out.push(ConfLine::Exclude { line, name: t }),
            _ => out.push(ConfLine::Malformed { line, text: t }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions_are_read_from_dash_lines_without_a_value() {
        let lines = parse_conf("-net.ipv4.conf.lo.rp_filter\nnet.ipv4.conf.*.rp_filter = 1\n");
        assert_eq!(lines[0], ConfLine::Exclude { line: 1, name: "net.ipv4.conf.lo.rp_filter" });
        assert!(matches!(lines[1], ConfLine::Setting { name: "net.ipv4.conf.*.rp_filter", .. }));
    }

    #[test]
    fn names_map_both_ways() {
        assert_eq!(name_to_path("kernel.ostype").unwrap(), "kernel/ostype");
        assert_eq!(name_to_path("kernel/ostype").unwrap(), "kernel/ostype");
        assert_eq!(
            name_to_path("net.ipv4.conf.eth0/1.forwarding").unwrap(),
            "net/ipv4/conf/eth0.1/forwarding"
        );
        assert_eq!(
            path_to_name(Path::new("net/ipv4/conf/eth0.1/forwarding")),
            "net.ipv4.conf.eth0/1.forwarding"
        );
        assert_eq!(name_to_path("single").unwrap(), "single");
    }

    #[test]
    fn names_cannot_escape_the_tree() {
        for bad in ["", "net..ipv4", "net/../../etc/passwd", ".net", "net.", "/etc/passwd", "a/./b"]
        {
            assert!(matches!(name_to_path(bad), Err(Error::InvalidName { .. })), "{bad:?}");
        }
    }

    #[test]
    fn conf_lines() {
        let text = "# comment\n; another\n\n net.ipv4.ip_forward = 1 \n-net.bogus=2\nkernel.x=a b\tc\njunk\n=3\n";
        let lines = parse_conf(text);
        assert_eq!(
            lines,
            [
                ConfLine::Setting {
                    line: 4,
                    name: "net.ipv4.ip_forward",
                    value: "1",
                    ignore_errors: false
                },
                ConfLine::Setting { line: 5, name: "net.bogus", value: "2", ignore_errors: true },
                ConfLine::Setting {
                    line: 6,
                    name: "kernel.x",
                    value: "a b\tc",
                    ignore_errors: false
                },
                ConfLine::Malformed { line: 7, text: "junk" },
                ConfLine::Malformed { line: 8, text: "=3" },
            ]
        );
    }

    fn tree() -> (PathBuf, Sysctl) {
        let root = std::env::temp_dir().join(format!(
            "nlkit-sysctl-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("net/ipv4/conf/eth0.1")).unwrap();
        std::fs::write(root.join("net/ipv4/ip_forward"), "0\n").unwrap();
        std::fs::write(root.join("net/ipv4/tcp_rmem"), "4096\t131072\t6291456\n").unwrap();
        std::fs::write(root.join("net/ipv4/conf/eth0.1/forwarding"), "1\n").unwrap();
        let wo = root.join("net/ipv4/flush");
        std::fs::write(&wo, "").unwrap();
        std::fs::set_permissions(&wo, std::fs::Permissions::from_mode(0o200)).unwrap();
        let s = Sysctl::with_root(&root);
        (root, s)
    }

    #[test]
    fn read_write_and_walk_a_tree() {
        let (root, s) = tree();
        assert_eq!(s.read("net.ipv4.tcp_rmem").unwrap(), "4096\t131072\t6291456");
        s.write("net.ipv4.ip_forward", "1").unwrap();
        assert_eq!(std::fs::read_to_string(root.join("net/ipv4/ip_forward")).unwrap(), "1\n");
        let names: Vec<_> = s.all("").unwrap().into_iter().map(|e| e.name).collect();
        assert_eq!(
            names,
            ["net.ipv4.conf.eth0/1.forwarding", "net.ipv4.ip_forward", "net.ipv4.tcp_rmem"]
        );
        assert_eq!(s.all("net.ipv4.conf").unwrap().len(), 1);
        assert!(matches!(s.read("net.ipv4.nope"), Err(Error::NotFound { .. })));
        let e = s.read("net.ipv4.nope").unwrap_err().to_string();
        assert!(e.contains("net/ipv4/nope: No such file or directory"), "{e}");
        std::fs::remove_dir_all(root).unwrap();
    }
}
