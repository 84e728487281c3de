//! Where [`Output`](super::Output) writes: a buffer written out in 64 KiB
//! blocks, which can instead hold a whole listing until it is known to
//! be consistent, so a dump the kernel marks interrupted can be run again
//! without a torn table reaching the reader.
//!
//! Holding is bounded: past [`HOLD_MAX`] bytes the held part is written
//! out (it can no longer be taken back, and the caller is told so).

use std::io::{self, Write};

/// Bytes written out at a time.
const BLOCK: usize = 64 * 1024;

/// The most a listing holds before it is written out anyway.
pub const HOLD_MAX: usize = 8 << 20;

/// A write buffer over standard output (or a test's writer).
pub struct Sink {
    buf: Vec<u8>,
    inner: Box<dyn Write>,
    /// Where the held part starts in `buf`, while holding.
    mark: Option<usize>,
    /// Whether the held part had to be written out.
    spilled: bool,
}

impl Sink {
    pub fn new(inner: Box<dyn Write>) -> Self {
        Sink { buf: Vec::with_capacity(BLOCK), inner, mark: None, spilled: false }
    }

    /// From now on, keeps what is written (up to [`HOLD_MAX`]) until
    /// [`release`](Self::release) or [`discard`](Self::discard).
    pub fn hold(&mut self) {
        self.mark = Some(self.buf.len());
        self.spilled = false;
    }

    /// Drops what was written since [`hold`](Self::hold); false if some of
    /// it was already written out (then nothing is dropped).
    pub fn discard(&mut self) -> bool {
        match self.mark.take() {
            Some(mark) if !self.spilled => {
                self.buf.truncate(mark);
                true
            }
            _ => false,
        }
    }

    /// Ends holding: what was held is written like anything else.
    pub fn release(&mut self) -> io::Result<()> {
        self.mark = None;
        if self.buf.len() >= BLOCK {
            self.write_out()?;
        }
        Ok(())
    }

    fn write_out(&mut self) -> io::Result<()> {
        if self.mark.is_some() {
            self.spilled = true;
        }
        let written = self.inner.write_all(&self.buf);
        self.buf.clear();
        written
    }
}

/// What is buffered is written when the sink goes (as `BufWriter` does),
/// so output printed before an error still reaches the reader.
impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.inner.write_all(&self.buf);
        let _ = self.inner.flush();
    }
}

impl Write for Sink {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        let limit = if self.mark.is_some() { HOLD_MAX } else { BLOCK };
        if self.buf.len() >= limit {
            self.write_out()?;
        }
        Ok(data.len())
    }

    fn write_all(&mut self, data: &[u8]) -> io::Result<()> {
        self.write(data).map(drop)
    }

    /// Writes out what is buffered, unless it is held.
    fn flush(&mut self) -> io::Result<()> {
        if self.mark.is_some() {
            return Ok(());
        }
        if !self.buf.is_empty() {
            self.write_out()?;
        }
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);
    impl Write for Shared {
        fn write(&mut self, data: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_discarded_listing_never_reaches_the_reader() {
        let seen = Shared::default();
        let mut s = Sink::new(Box::new(seen.clone()));
        s.write_all(b"before\n").unwrap();
        s.hold();
        s.write_all(&vec![b'x'; 3 * BLOCK]).unwrap();
        s.flush().unwrap();
        assert!(seen.0.lock().unwrap().is_empty(), "held, even past a block and a flush");
        assert!(s.discard());
        s.hold();
        s.write_all(b"again\n").unwrap();
        s.release().unwrap();
        s.flush().unwrap();
        assert_eq!(&*seen.0.lock().unwrap(), b"before\nagain\n");
    }

    #[test]
    fn what_is_buffered_is_written_when_the_sink_goes() {
        let seen = Shared::default();
        let mut s = Sink::new(Box::new(seen.clone()));
        s.write_all(b"before an error\n").unwrap();
        drop(s);
        assert_eq!(&*seen.0.lock().unwrap(), b"before an error\n");
    }

    #[test]
    fn holding_is_bounded_and_says_when_it_could_not_hold() {
        let seen = Shared::default();
        let mut s = Sink::new(Box::new(seen.clone()));
        s.hold();
        s.write_all(&vec![b'x'; HOLD_MAX]).unwrap();
        assert_eq!(seen.0.lock().unwrap().len(), HOLD_MAX);
        assert!(!s.discard());
    }
}
