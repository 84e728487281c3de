//! The error of a collecting dump, which can carry what was collected.

use crate::error::Error;
use std::fmt;

/// Why [`Conn::dump_collect`](super::Conn::dump_collect) did not return a
/// consistent result.
#[derive(Debug)]
pub enum DumpError<R> {
    /// The kernel flagged the dump `NLM_F_DUMP_INTR`: the data changed while
    /// it was read. Everything received is here; it may hold duplicates or
    /// miss entries.
    Interrupted {
        /// The items parsed from the whole (inconsistent) dump.
        partial: Vec<R>,
    },
    /// The dump failed.
    Failed(Error),
}

impl<R> DumpError<R> {
    /// The items of an interrupted dump, if it was one.
    pub fn into_partial(self) -> Option<Vec<R>> {
        match self {
            DumpError::Interrupted { partial } => Some(partial),
            DumpError::Failed(_) => None,
        }
    }
}

impl<R> fmt::Display for DumpError<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DumpError::Interrupted { partial } => {
                Error::DumpInterrupted { messages: partial.len() }.fmt(f)
            }
            DumpError::Failed(e) => e.fmt(f),
        }
    }
}

impl<R: fmt::Debug> std::error::Error for DumpError<R> {}

impl<R> From<DumpError<R>> for Error {
    fn from(e: DumpError<R>) -> Error {
        match e {
            DumpError::Interrupted { partial } => {
                Error::DumpInterrupted { messages: partial.len() }
            }
            DumpError::Failed(e) => e,
        }
    }
}
