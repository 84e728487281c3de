//! `nlkit sysctl`: read and write `/proc/sys`, with sysctl(8)'s options
//! and output (`name = value`; `-n` values only; `-j` JSON objects).
//!
//! Its `-n` (values only) and `-p FILE` clash with nlkit's global `-n
//! NETNS` and `-p` (pretty), so `sysctl` reaches the binary as an external
//! subcommand and parses its own words; nlkit's options go before it
//! (`nlkit -p sysctl -j -a`). With `-n NETNS` there, only the keys that
//! namespace owns are read or written (most of net.*, as the kernel
//! decides: [`nlkit::kernel::sysctl_netns`]); any other key is refused
//! with an error, since its value is the host's (or another namespace's),
//! and `-a` lists the namespace's keys only. Failures are reported one by one, as
//! sysctl(8) does, and the exit status is 1 if any happened. As procps-ng:
//! `-p` expands globs (`net.ipv4.conf.*.rp_filter = 2`), leaving alone
//! what another line names and what a `-name` line excludes, and listings
//! leave out the deprecated neighbour keys unless `--deprecated`.

use super::{print_json, Reported};
use anyhow::{bail, Result};
use clap::Parser;
use nlkit::fnmatch::{fnmatch, Flags};
use nlkit::kernel::sysctl::{self, ConfLine, Entry, Sysctl};
use nlkit::kernel::sysctl_netns::owned_by_netns;
use nlkit::kernel::Error;
use serde_json::{json, Value};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// Read and write kernel parameters under /proc/sys, as sysctl(8).
///
/// NAME is dotted (net.ipv4.ip_forward) or slashed (net/ipv4/conf/eth0.1/forwarding).
/// A NAME=VALUE argument writes, with or without -w.
#[derive(Debug, Parser)]
#[command(name = "nlkit sysctl", version)]
pub struct Args {
    /// Show every readable parameter (below each NAME, if given).
    #[arg(short = 'a', long = "all", visible_short_alias = 'A')]
    pub all: bool,
    /// Print values only.
    #[arg(short = 'n', long = "values")]
    pub values: bool,
    /// Print names only.
    #[arg(short = 'N', long = "names")]
    pub names_only: bool,
    /// Arguments are NAME=VALUE settings to write.
    #[arg(short = 'w', long = "write")]
    pub write: bool,
    /// Load settings from FILE (sysctl.conf(5); default /etc/sysctl.conf; `-` for stdin).
    #[arg(short = 'p', long = "load", value_name = "FILE", num_args = 0..=1,
          default_missing_value = "/etc/sysctl.conf")]
    pub load: Option<PathBuf>,
    /// Do not echo the values set.
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
    /// Print JSON: an array of {"name", "value"} objects.
    #[arg(short = 'j', long = "json")]
    pub json: bool,
    /// List the deprecated parameters too (the neighbour tables'
    /// base_reachable_time and retrans_time, which -a leaves out).
    #[arg(long)]
    pub deprecated: bool,
    /// Parameters to read, or NAME=VALUE settings.
    #[arg(value_name = "NAME[=VALUE]")]
    pub names: Vec<String>,
}

/// Parameters procps-ng's listings leave out unless `--deprecated` (by
/// the last component of their names).
const DEPRECATED: [&str; 2] = ["base_reachable_time", "retrans_time"];

/// What was printed, and how many things failed.
struct Run {
    args: Args,
    tree: Sysctl,
    out: BufWriter<std::io::Stdout>,
    json: Vec<Value>,
    failures: usize,
    /// `-n NETNS`: only that namespace's keys are touched.
    netns: Option<String>,
}

/// Runs `nlkit sysctl WORDS...` (`words[0]` is `sysctl`).
pub fn run(words: &[String], json: bool, pretty: bool, netns: Option<&str>) -> Result<()> {
    let argv = std::iter::once("nlkit sysctl").chain(words.iter().skip(1).map(String::as_str));
    let mut args = Args::parse_from(argv);
    args.json |= json;
    match netns {
        // /proc/sys/net shows the namespace of the thread that opens it.
        Some(ns) => nlkit::Netns::Name(ns).run(|| run_args(args, pretty, netns))?,
        None => run_args(args, pretty, None),
    }
}

fn run_args(args: Args, pretty: bool, netns: Option<&str>) -> Result<()> {
    let mut run = Run {
        args,
        tree: Sysctl::new(),
        out: BufWriter::new(std::io::stdout()),
        json: Vec::new(),
        failures: 0,
        netns: netns.map(str::to_string),
    };
    run.dispatch()?;
    if run.args.json {
        print_json(&Value::Array(std::mem::take(&mut run.json)), pretty)?;
    }
    run.out.flush()?;
    match run.failures {
        0 => Ok(()),
        failures => Err(Reported { failures }.into()),
    }
}

impl Run {
    fn dispatch(&mut self) -> Result<()> {
        let names = std::mem::take(&mut self.args.names);
        if let Some(file) = self.args.load.clone() {
            return self.load(&file, &names);
        }
        if self.args.all {
            let prefixes = if names.is_empty() { vec![String::new()] } else { names };
            for p in prefixes {
                match self.listing(&p) {
                    Ok(entries) => self.show_owned(&entries)?,
                    Err(e) => self.fail(&e),
                }
            }
            return Ok(());
        }
        if names.is_empty() {
            bail!("no parameters given: NAME..., NAME=VALUE..., -a or -p FILE (see --help)");
        }
        for word in &names {
            match word.split_once('=') {
                Some((name, value)) => self.set(name.trim(), value.trim(), false)?,
                None if self.args.write => {
                    self.failures += 1;
                    crate::report::note!("Error: {word:?} must be of the form NAME=VALUE");
                }
                None => self.get(word)?,
            }
        }
        Ok(())
    }

    /// Reads one name; a directory shows everything below it, as sysctl(8).
    fn get(&mut self, name: &str) -> Result<()> {
        let is_dir = self.tree.path(name).is_ok_and(|p| p.is_dir());
        if is_dir {
            let entries = self.listing(name)?;
            return self.show_owned(&entries);
        }
        if self.refused(name, "read")? {
            return Ok(());
        }
        match self.tree.read(name) {
            Ok(value) => self.show(&Entry { name: sysctl_name(name), value }),
            Err(e) => {
                self.fail(&e);
                Ok(())
            }
        }
    }

    /// Writes one setting and echoes it; failures are reported unless `quiet_failure`.
    fn set(&mut self, name: &str, value: &str, quiet_failure: bool) -> Result<()> {
        if self.refused(name, "write")? {
            return Ok(());
        }
        match self.tree.write(name, value) {
            Ok(()) if self.args.quiet => Ok(()),
            Ok(()) => self.show(&Entry { name: sysctl_name(name), value: value.to_string() }),
            Err(_) if quiet_failure => Ok(()),
            Err(e) => {
                self.fail(&e);
                Ok(())
            }
        }
    }

    fn load(&mut self, file: &std::path::Path, names: &[String]) -> Result<()> {
        let text = crate::input::read_text(file)?;
        if !names.is_empty() {
            bail!("-p takes one FILE; extra arguments: {}", names.join(" "));
        }
        let lines = sysctl::parse_conf(&text);
        // A glob setting leaves alone what another line sets by name and
        // what a `-name` line excludes, as procps-ng does.
        let path = |name: &str| sysctl::name_to_path(name).unwrap_or_else(|_| name.to_string());
        let mut named = std::collections::HashSet::new();
        let mut excluded = Vec::new();
        for line in &lines {
            match *line {
                ConfLine::Setting { name, .. } if !sysctl::is_glob(name) => {
                    named.insert(path(name));
                }
                ConfLine::Exclude { name, .. } => excluded.push(path(name)),
                _ => {}
            }
        }
        for line in lines {
            match line {
                ConfLine::Setting { name, value, ignore_errors, .. } if sysctl::is_glob(name) => {
                    let matches = match self.tree.glob(name) {
                        Ok(matches) => matches,
                        Err(e) => {
                            self.fail(&e);
                            continue;
                        }
                    };
                    for m in matches {
                        let p = path(&m);
                        if named.contains(&p)
                            || excluded.iter().any(|x| fnmatch(x, &p, Flags::NOESCAPE))
                        {
                            continue;
                        }
                        self.set(&m, value, ignore_errors)?;
                    }
                }
                ConfLine::Setting { name, value, ignore_errors, .. } => {
                    self.set(name, value, ignore_errors)?
                }
                ConfLine::Exclude { .. } => {}
                ConfLine::Malformed { line, text } => {
                    self.failures += 1;
                    crate::report::note!("Error: {}:{line}: no '=' in {text:?}", file.display());
                }
            }
        }
        Ok(())
    }

    fn show(&mut self, e: &Entry) -> Result<()> {
        if self.args.json {
            self.json.push(json!({"name": e.name, "value": e.value}));
        } else if self.args.names_only {
            writeln!(self.out, "{}", e.name)?;
        } else if self.args.values {
            writeln!(self.out, "{}", e.value)?;
        } else if e.value.is_empty() {
            writeln!(self.out, "{} = ", e.name)?;
        } else {
            // A value of several lines prints each as `name = line`, as
            // procps does (kernel.core_modes, dev.cdrom.info).
            for line in e.value.split('\n') {
                writeln!(self.out, "{} = {line}", e.name)?;
            }
        }
        Ok(())
    }

    /// Everything at or below `prefix`: with `-N` the names alone, so a
    /// parameter whose read fails is named too, as procps-ng names it.
    fn listing(&self, prefix: &str) -> nlkit::kernel::Result<Vec<Entry>> {
        match self.args.names_only {
            true => Ok(self
                .tree
                .names(prefix)?
                .into_iter()
                .map(|name| Entry { name, value: String::new() })
                .collect()),
            false => self.tree.all(prefix),
        }
    }

    /// Shows the entries of a listing that are the namespace's own (all
    /// without `-n`), the deprecated ones only with `--deprecated`.
    fn show_owned(&mut self, entries: &[Entry]) -> Result<()> {
        let deprecated = self.args.deprecated;
        let listed: Vec<&Entry> = entries
            .iter()
            .filter(|e| {
                deprecated || !DEPRECATED.contains(&e.name.rsplit('.').next().unwrap_or(""))
            })
            .collect();
        let names: Vec<&str> = listed.iter().map(|e| e.name.as_str()).collect();
        let owned = self.owned(&names)?;
        listed.into_iter().zip(owned).filter(|(_, own)| *own).try_for_each(|(e, _)| self.show(e))
    }

    /// Under `-n`, whether each key belongs to that network namespace.
    fn owned(&self, names: &[&str]) -> Result<Vec<bool>> {
        match &self.netns {
            None => Ok(vec![true; names.len()]),
            Some(ns) => Ok(owned_by_netns(&self.tree, &nlkit::Netns::Name(ns), names)?),
        }
    }

    /// Under `-n`, refuses (and reports) a key that exists but is not the
    /// namespace's own; a missing key is left to fail as it does anyway.
    fn refused(&mut self, name: &str, op: &str) -> Result<bool> {
        let exists = self.tree.path(name).is_ok_and(|p| p.exists());
        if !exists || self.owned(&[name])?[0] {
            return Ok(false);
        }
        self.failures += 1;
        crate::report::note!(
            "Error: {} is not a key of network namespace {:?}: the kernel shares it with the \
             host (or keeps it in another kind of namespace); refusing to {op} it under -n",
            sysctl_name(name),
            self.netns.as_deref().unwrap_or_default(),
        );
        Ok(true)
    }

    fn fail(&mut self, e: &Error) {
        self.failures += 1;
        crate::report::note!("Error: {e}");
    }
}

/// The dotted spelling of a name given either way.
fn sysctl_name(name: &str) -> String {
    match sysctl::name_to_path(name) {
        Ok(path) => sysctl::path_to_name(std::path::Path::new(&path)),
        Err(_) => name.to_string(),
    }
}
