//! Buffered output for the `ip`-style commands: text lines, or one JSON
//! array streamed object by object (as `ip -j` prints it), never a write
//! system call per object.

pub mod generic;
pub mod naming;
pub mod printer;
mod sink;
pub mod writer;

use anyhow::Result;
use serde_json::{Map, Value};
use sink::Sink;
use std::io::Write;

pub struct Output {
    out: Sink,
    json: bool,
    pretty: bool,
    objects: usize,
    /// `objects` when holding began.
    held_objects: usize,
}

/// Standard output as a plain file: the [`Sink`] above already writes
/// it in 64 KiB blocks, and `Stdout`'s own line buffering would search
/// every block for its last newline and copy the tail (JSON has none).
/// Falls back to `Stdout` if the descriptor cannot be duplicated.
fn stdout_unbuffered() -> Box<dyn Write> {
    use std::os::fd::AsFd;
    match std::io::stdout().as_fd().try_clone_to_owned() {
        Ok(fd) => Box::new(std::fs::File::from(fd)),
        Err(_) => Box::new(std::io::stdout()),
    }
}

impl Output {
    pub fn new(json: bool, pretty: bool) -> Self {
        Self::to(stdout_unbuffered(), json, pretty)
    }

    /// Output into `w` instead of standard output (tests capture it).
    pub fn to(w: Box<dyn Write>, json: bool, pretty: bool) -> Self {
        Output { out: Sink::new(w), json, pretty, objects: 0, held_objects: 0 }
    }

    pub fn json(&self) -> bool {
        self.json
    }

    pub fn pretty(&self) -> bool {
        self.pretty
    }

    /// Starts a listing: `[` in JSON mode.
    pub fn begin(&mut self) -> Result<()> {
        if self.json {
            self.out.write_all(b"[")?;
        }
        Ok(())
    }

    /// One object of a JSON listing.
    pub fn object(&mut self, obj: Map<String, Value>) -> Result<()> {
        if self.objects > 0 {
            self.out.write_all(b",")?;
        }
        self.objects += 1;
        let v = Value::Object(obj);
        if self.pretty {
            serde_json::to_writer_pretty(&mut self.out, &v)?;
        } else {
            serde_json::to_writer(&mut self.out, &v)?;
        }
        Ok(())
    }

    /// One JSON object of a listing, already written compactly (pretty
    /// printing re-reads it).
    pub fn raw_object(&mut self, json: &[u8]) -> Result<()> {
        if self.objects > 0 {
            self.out.write_all(b",")?;
        }
        self.objects += 1;
        if self.pretty {
            let v: Value = serde_json::from_slice(json)?;
            serde_json::to_writer_pretty(&mut self.out, &v)?;
        } else {
            self.out.write_all(json)?;
        }
        Ok(())
    }

    /// Text already formatted, newlines included.
    pub fn raw_text(&mut self, text: &[u8]) -> Result<()> {
        self.out.write_all(text)?;
        Ok(())
    }

    /// One line of text.
    pub fn line(&mut self, text: std::fmt::Arguments<'_>) -> Result<()> {
        self.out.write_fmt(text)?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    /// One JSON object on a line of its own (for event streams).
    pub fn json_line(&mut self, obj: Map<String, Value>) -> Result<()> {
        serde_json::to_writer(&mut self.out, &Value::Object(obj))?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    /// Writes out what is buffered (after each datagram of events).
    pub fn flush(&mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }

    /// Holds what is printed from now on (up to [`sink::HOLD_MAX`]
    /// bytes), flushes included, until [`release`](Self::release) or
    /// [`discard`](Self::discard): a listing whose dump may be retried.
    pub fn hold(&mut self) {
        self.out.hold();
        self.held_objects = self.objects;
    }

    /// Forgets what was printed since [`hold`](Self::hold), as if it never
    /// was; false if it was too much to hold and was written out already.
    pub fn discard(&mut self) -> bool {
        let discarded = self.out.discard();
        if discarded {
            self.objects = self.held_objects;
        }
        discarded
    }

    /// Ends holding and writes out what was held.
    pub fn release(&mut self) -> Result<()> {
        self.out.release()?;
        self.out.flush()?;
        Ok(())
    }

    /// Ends a listing and flushes.
    pub fn end(&mut self) -> Result<()> {
        if self.json {
            self.out.write_all(b"]\n")?;
        }
        self.out.flush()?;
        Ok(())
    }
}

/// A write failure inside a dump callback, as the engine's error type, with
/// the I/O error's kind kept (so a closed pipe can end the program quietly).
pub fn write_error(e: anyhow::Error) -> nlkit::Error {
    let kind = crate::report::io_kind(&e).unwrap_or(std::io::ErrorKind::Other);
    nlkit::Error::Io { op: "write", source: std::io::Error::new(kind, format!("{e:#}")) }
}
