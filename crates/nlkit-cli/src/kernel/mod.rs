//! The commands for the kernel's other channels: `sysctl`, `modparam`,
//! `cmdline` and `ioctl`, over `nlkit::kernel`. Each prints text, or JSON
//! with `-j`.

pub mod cmdline;
pub mod ioctl;
pub mod modparam;
pub mod sysctl;

use anyhow::Result;
use serde_json::Value;
use std::fmt;
use std::io::Write;

/// An error whose details are already on stderr: `main` exits with status
/// 1 without printing it again.
#[derive(Debug)]
pub struct Reported {
    /// How many operations failed.
    pub failures: usize,
}

impl fmt::Display for Reported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} operation(s) failed", self.failures)
    }
}

impl std::error::Error for Reported {}

/// Prints a JSON value, compact or pretty, and a newline.
pub fn print_json(value: &Value, pretty: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if pretty {
        serde_json::to_writer_pretty(&mut out, value)?;
    } else {
        serde_json::to_writer(&mut out, value)?;
    }
    writeln!(out)?;
    Ok(())
}
