//! How the binary reports: failures in `ip`'s words and with its exit
//! statuses, and notes on stderr that never fail the command.
//!
//! A kernel refusal prints its extended-ack text as `Error: TEXT.`; without
//! one, the rtnetlink commands say `RTNETLINK answers: STRERROR` as `ip`
//! does and the others `Error: STRERROR.`. Kernel refusals exit with 2, as
//! `ip` does; every other failure with 1 (clap's usage errors with 2). A
//! closed stdout or stderr is no failure: a filter that lost its reader
//! stops quietly (`nlkit monitor | head`).

use std::io::Write;
use std::process::ExitCode;

/// Writes one line to stderr; a closed or full stderr is ignored, never a
/// panic (`eprintln!` panics when the write fails).
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}
pub(crate) use note;

/// Writes one line to stdout, as `println!` but returning the write's
/// error (a closed pipe) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)
    }};
}
pub(crate) use say;

/// `text` to standard output as it is, flushed. A closed pipe comes back as
/// an error that [`finish`] lets pass quietly, where `print!` panics.
pub fn print(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Exit status of a kernel refusal, as `ip` uses it.
const KERNEL_STATUS: u8 = 2;

/// A kernel refusal already worded in full (e.g. `ip route show`'s
/// `RTNETLINK answers: ...` and `Dump terminated`): printed as it is.
#[derive(Debug)]
pub struct KernelVerbatim(pub String);

impl std::fmt::Display for KernelVerbatim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KernelVerbatim {}

/// A refusal already worded in full, as `ip` prints it without `Error: `
/// (`Command line is not complete. ...`, `Cannot find device "x"`):
/// printed as it is, status 1.
#[derive(Debug)]
pub struct Verbatim(pub String);

impl std::fmt::Display for Verbatim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Verbatim {}

/// A refusal worded in full with its own exit status (ethtool's: 71 for
/// `-i`, 75 for no data, 76 for `-A`, ...): the text (if any) printed as
/// it is.
#[derive(Debug)]
pub struct Status {
    /// The text, without its newline; empty: nothing more to print.
    pub text: String,
    /// The exit status.
    pub code: u8,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Status {}

/// `ip`'s `invarg`: `argument "ARG" is wrong: WHAT`.
pub fn invarg(what: &str, arg: &str) -> anyhow::Error {
    anyhow::anyhow!("argument \"{arg}\" is wrong: {what}")
}

/// `ip`'s `NEXT_ARG` failure: a keyword's value is missing.
pub fn incomplete() -> anyhow::Error {
    plain("Command line is not complete. Try option \"help\"")
}

/// A message `ip` prints as it is (no `Error: `).
pub fn plain(text: impl Into<String>) -> anyhow::Error {
    Verbatim(text.into()).into()
}

/// Reports `result` and gives the exit status. `rtnetlink` selects `ip`'s
/// `RTNETLINK answers:` wording for kernel errors without extended-ack text.
pub fn finish(result: anyhow::Result<()>, rtnetlink: bool) -> ExitCode {
    let Err(e) = result else { return ExitCode::SUCCESS };
    if broken_pipe(&e) {
        return ExitCode::SUCCESS;
    }
    // Each failure was printed where it happened.
    if e.downcast_ref::<crate::kernel::Reported>().is_some() {
        return ExitCode::FAILURE;
    }
    if let Some(Status { text, code }) = e.downcast_ref() {
        if !text.is_empty() {
            let _ = writeln!(std::io::stderr().lock(), "{text}");
        }
        return ExitCode::from(*code);
    }
    if let Some(KernelVerbatim(text)) = e.downcast_ref() {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
        return ExitCode::from(KERNEL_STATUS);
    }
    let line = message(&e, rtnetlink);
    let _ = writeln!(std::io::stderr().lock(), "{line}");
    match kernel_error(&e) {
        Some(_) => ExitCode::from(KERNEL_STATUS),
        None => ExitCode::FAILURE,
    }
}

/// The kernel's refusal inside `e`, at any depth.
fn kernel_error(e: &anyhow::Error) -> Option<&nlkit::KernelError> {
    e.chain().find_map(|c| match c.downcast_ref::<nlkit::Error>() {
        Some(nlkit::Error::Kernel(k)) => Some(k),
        _ => None,
    })
}

/// The whole line printed for `e`.
pub fn message(e: &anyhow::Error, rtnetlink: bool) -> String {
    if let Some(Verbatim(text)) = e.downcast_ref() {
        return text.clone();
    }
    let Some(k) = kernel_error(e) else { return format!("Error: {}", chain_text(e)) };
    // Context the command added above the kernel's answer comes first.
    let context: Vec<String> = e
        .chain()
        .take_while(|c| !matches!(c.downcast_ref::<nlkit::Error>(), Some(nlkit::Error::Kernel(_))))
        .map(|c| c.to_string())
        .collect();
    let text = kernel_text(k, rtnetlink && context.is_empty());
    match context.is_empty() {
        true => text,
        false => format!("Error: {}: {}", context.join(": "), text.trim_start_matches("Error: ")),
    }
}

/// `e` and its causes, `: ` between them, as anyhow's `{:#}` writes them but
/// with an OS error as strerror(3) says it (no ` (os error N)`).
fn chain_text(e: &anyhow::Error) -> String {
    let text = |c: &(dyn std::error::Error + 'static)| match c.downcast_ref::<std::io::Error>() {
        Some(io) => nlkit::os_text(io),
        None => c.to_string(),
    };
    e.chain().map(text).collect::<Vec<_>>().join(": ")
}

/// A kernel refusal as `ip` prints it: `Error: TEXT.` from the extended
/// ack, else `RTNETLINK answers: STRERROR` (`rtnetlink`) or `Error: STRERROR.`.
pub fn kernel_text(k: &nlkit::KernelError, rtnetlink: bool) -> String {
    match (&k.message, rtnetlink) {
        (Some(m), _) if m.ends_with('.') => format!("Error: {m}"),
        (Some(m), _) => format!("Error: {m}."),
        (None, true) => format!("RTNETLINK answers: {}", nlkit::strerror(k.errno)),
        (None, false) => format!("Error: {}.", nlkit::strerror(k.errno)),
    }
}

/// Whether `e` is, at any depth, a write to a closed pipe.
fn broken_pipe(e: &anyhow::Error) -> bool {
    io_kind(e) == Some(std::io::ErrorKind::BrokenPipe)
}

/// The kind of the first I/O error in `e`'s chain, also one inside a JSON
/// serializer's error or an [`nlkit::Error::Io`].
pub fn io_kind(e: &anyhow::Error) -> Option<std::io::ErrorKind> {
    e.chain().find_map(|c| {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        if let Some(json) = c.downcast_ref::<serde_json::Error>() {
            return json.io_error_kind();
        }
        match c.downcast_ref::<nlkit::Error>() {
            Some(nlkit::Error::Io { source, .. }) => Some(source.kind()),
            _ => None,
        }
    })
}

/// The receive buffer every monitor asks for unless `-rcvbuf` says
/// otherwise: 128 MiB, what systemd's device monitor (and so `udevadm
/// monitor`) and networkd ask for, forced past `net.core.rmem_max` when
/// the process may (`Socket::raise_recv_buffer`), so a burst of events
/// waits in the kernel instead of being lost. It is a limit, not an
/// allocation: the kernel holds only what is queued.
pub const MONITOR_RCVBUF: usize = 128 << 20;

static RCVBUF: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(MONITOR_RCVBUF);

/// Sets what [`monitor_rcvbuf`] gives (`-rcvbuf`).
pub fn set_monitor_rcvbuf(bytes: usize) {
    RCVBUF.store(bytes, std::sync::atomic::Ordering::Relaxed);
}

/// The receive buffer monitors ask for: `-rcvbuf`, or [`MONITOR_RCVBUF`].
pub fn monitor_rcvbuf() -> usize {
    RCVBUF.load(std::sync::atomic::Ordering::Relaxed)
}
