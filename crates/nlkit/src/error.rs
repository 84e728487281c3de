//! nlkit's error type: a small closed enum with the numbers in it.
//!
//! Kernel refusals become [`KernelError`], carrying the errno and the
//! extended-ack details (message, offset and the request attribute it points
//! at). Text is only built on the error path.

use std::fmt;
use std::io;

/// An error from a socket operation or a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A system call failed.
    Io {
        /// The call, e.g. `"bind"` or `"recvmsg"`.
        op: &'static str,
        /// The OS error.
        source: io::Error,
    },
    /// The kernel has no such netlink protocol (`EPROTONOSUPPORT`): for a
    /// custom protocol, its kernel module is not loaded.
    ProtocolNotSupported {
        /// The protocol number asked for.
        protocol: u32,
    },
    /// The port id is bound by another socket (`EADDRINUSE`).
    AddrInUse {
        /// The port id asked for.
        port: u32,
    },
    /// The operation needs a privilege the process lacks (`EPERM`/`EACCES`).
    PermissionDenied {
        /// The call refused.
        op: &'static str,
    },
    /// A network namespace could not be opened or entered.
    Netns {
        /// The namespace file (`/run/netns/NAME`), or `None` for a descriptor.
        path: Option<std::path::PathBuf>,
        /// The OS error.
        source: io::Error,
    },
    /// Bytes from the kernel or a peer did not parse.
    Wire(nlkit_wire::Error),
    /// The peer answered with an error (`NLMSG_ERROR` with errno, or a
    /// `NLMSG_DONE` carrying one).
    Kernel(KernelError),
    /// The socket's receive queue overflowed (`ENOBUFS`): messages were
    /// lost. Event listeners should resynchronise with a fresh dump.
    Overrun,
    /// A dump ended with `NLM_F_DUMP_INTR`: the data changed while it was
    /// read. Every message was still delivered; see [`crate::DumpError`].
    DumpInterrupted {
        /// Messages delivered before the end of the dump.
        messages: usize,
    },
    /// A reply carried another sequence number than the request's.
    Sequence {
        /// The request's sequence number.
        expected: u32,
        /// The reply's.
        got: u32,
    },
    /// A reply carried another port id than this socket's.
    Port {
        /// This socket's port id.
        expected: u32,
        /// The reply's `nlmsg_pid`.
        got: u32,
    },
    /// A datagram was larger than the buffer it was read into (only possible
    /// when another thread reads the same socket between peek and read).
    Truncated {
        /// The datagram's size.
        size: usize,
    },
    /// A wait reached its deadline: nothing arrived, or not what would end
    /// the exchange (a dump without its end, replies that were not this
    /// request's).
    Timeout,
    /// A dump the kernel was sending on this socket was abandoned (its
    /// exchange reached its deadline) and did not end by the next dump's
    /// deadline either: the kernel refuses a new dump on the socket while
    /// one runs. Requests that are not dumps still work on it; for dumps,
    /// open another socket.
    DumpStillRunning,
    /// No generic netlink family of this name is registered (the
    /// controller answered `ENOENT`): its module is not loaded.
    FamilyNotFound {
        /// The name looked up.
        name: String,
    },
    /// A generic netlink family that was resolved went away (its module
    /// was unloaded) and has not come back.
    FamilyGone {
        /// The family's name.
        name: String,
    },
    /// The exchange ended well but without the reply the operation needs
    /// (a get answered by a bare ACK, for instance).
    NoReply {
        /// The request's `nlmsg_type`.
        message_type: u16,
    },
    /// A reply lacked an attribute the operation needs.
    MissingAttr {
        /// The attribute set (as its table's metadata names it).
        set: &'static str,
        /// The attribute (its uapi name).
        attr: &'static str,
    },
    /// A datagram in a framing of its own (a uevent, a udev message)
    /// that does not read: what it is, and what is wrong with it.
    Malformed {
        /// What was being read, e.g. `"udev datagram"`.
        what: &'static str,
        /// What is wrong, e.g. `"bad magic"`.
        why: &'static str,
    },
    /// A reply of another message type than the operation expects.
    UnexpectedType {
        /// The type expected.
        expected: u16,
        /// The type that came.
        got: u16,
    },
    /// A handler (a dump callback, a request's reply reader) failed with
    /// an error of its own; see [`Error::handler`].
    Handler(Box<dyn std::error::Error + Send + Sync>),
}

/// The details of a refusal: `NLMSG_ERROR` with a negative errno, plus what
/// the extended ACK said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelError {
    /// The positive errno, e.g. 22 for `EINVAL`.
    pub errno: i32,
    /// `NLMSGERR_ATTR_MSG`: the kernel's explanation.
    pub message: Option<String>,
    /// `NLMSGERR_ATTR_OFFS`: offset of the bad attribute in the request.
    pub offset: Option<u32>,
    /// The type of the attribute at `offset` in the request, when found.
    pub attr: Option<u16>,
    /// `NLMSGERR_ATTR_MISS_TYPE`: a required attribute that was missing.
    pub missing_type: Option<u32>,
    /// `NLMSGERR_ATTR_MISS_NEST`: offset of the nest that missed it.
    pub missing_nest: Option<u32>,
    /// The extended-ack TLVs were broken after the ones read: said beside
    /// the errno, which it never hides.
    pub malformed_ext_ack: Option<nlkit_wire::Error>,
}

impl KernelError {
    /// A bare errno with no extended ack.
    pub fn from_errno(errno: i32) -> Self {
        KernelError {
            errno,
            message: None,
            offset: None,
            attr: None,
            missing_type: None,
            missing_nest: None,
            malformed_ext_ack: None,
        }
    }

    /// The error an `NLMSG_ERROR` carries; `request` is the request as sent,
    /// to name the attribute the extended ack's offset points at.
    pub fn from_ack(ack: &nlkit_wire::Ack<'_>, request: &[u8]) -> Self {
        Self::from_ext_ack(ack.errno(), &ack.ext, request)
    }

    /// An errno and the extended ack that came with it (of an ERROR or a
    /// DONE), finding the attribute the offset points at in `request` (the
    /// request as sent; empty when unknown).
    pub fn from_ext_ack(errno: i32, ext: &nlkit_wire::ack::ExtAck<'_>, request: &[u8]) -> Self {
        KernelError {
            errno,
            message: ext.message.map(str::to_owned),
            offset: ext.offset,
            attr: ext.offset.and_then(|o| nlkit_wire::ack::attr_at(request, o)).map(|a| a.kind()),
            missing_type: ext.missing_type,
            missing_nest: ext.missing_nest,
            malformed_ext_ack: ext.malformed,
        }
    }

    /// The errno as an `io::Error` (with the OS's text for it).
    pub fn io_error(&self) -> io::Error {
        io::Error::from_raw_os_error(self.errno)
    }
}

impl fmt::Display for KernelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(m) => write!(f, "{m} ({}, errno {})", strerror(self.errno), self.errno)?,
            None => write!(f, "{} (errno {})", strerror(self.errno), self.errno)?,
        }
        if let Some(off) = self.offset {
            write!(f, ", at offset {off}")?;
            if let Some(t) = self.attr {
                write!(f, " (attribute type {t})")?;
            }
        }
        if let Some(t) = self.missing_type {
            write!(f, ", missing attribute type {t}")?;
        }
        if let Some(e) = self.malformed_ext_ack {
            write!(f, "; the extended ack was malformed: {e}")?;
        }
        Ok(())
    }
}

impl Error {
    /// Wraps an OS error from `op`, naming the common cases.
    pub(crate) fn io(op: &'static str, source: io::Error) -> Error {
        match source.raw_os_error() {
            Some(libc::ENOBUFS) if op == "recvmsg" => Error::Overrun,
            Some(libc::EPERM | libc::EACCES) => Error::PermissionDenied { op },
            _ => Error::Io { op, source },
        }
    }

    /// The errno behind this error, if there is one.
    pub fn errno(&self) -> Option<i32> {
        match self {
            Error::Io { source, .. } | Error::Netns { source, .. } => source.raw_os_error(),
            Error::Kernel(k) => Some(k.errno),
            Error::ProtocolNotSupported { .. } => Some(libc::EPROTONOSUPPORT),
            Error::AddrInUse { .. } => Some(libc::EADDRINUSE),
            Error::PermissionDenied { .. } => Some(libc::EPERM),
            Error::Overrun => Some(libc::ENOBUFS),
            Error::FamilyNotFound { .. } | Error::FamilyGone { .. } => Some(libc::ENOENT),
            _ => None,
        }
    }

    /// Wraps an error of the caller's own type, returned from a handler
    /// (a dump callback), so it comes back out of the exchange unchanged;
    /// get it back with [`Error::into_handler`].
    pub fn handler(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
        Error::Handler(e.into())
    }

    /// The handler's own error, if this is one, as its type `E`.
    pub fn into_handler<E: std::error::Error + 'static>(self) -> std::result::Result<E, Error> {
        match self {
            Error::Handler(e) => match e.downcast::<E>() {
                Ok(e) => Ok(*e),
                Err(e) => Err(Error::Handler(e)),
            },
            other => Err(other),
        }
    }

    /// Whether the call would block (non-blocking sockets only).
    pub fn is_would_block(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == io::ErrorKind::WouldBlock)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { op, source } => write!(f, "{op}: {}", os_text(source)),
            Error::ProtocolNotSupported { protocol } => write!(
                f,
                "netlink protocol {protocol} is not supported by this kernel \
                 (is the module that provides it loaded?)"
            ),
            Error::AddrInUse { port } => write!(f, "netlink port id {port} is already in use"),
            Error::PermissionDenied { op } => {
                write!(f, "{op}: permission denied (needs CAP_NET_ADMIN or root?)")
            }
            Error::Netns { path: Some(p), source } => {
                write!(f, "network namespace {}: {}", p.display(), os_text(source))
            }
            Error::Netns { path: None, source } => {
                write!(f, "network namespace: {}", os_text(source))
            }
            Error::Wire(e) => write!(f, "malformed netlink message: {e}"),
            Error::Kernel(k) => k.fmt(f),
            Error::Overrun => f.write_str("receive buffer overrun (ENOBUFS): messages were lost"),
            Error::DumpInterrupted { messages } => write!(
                f,
                "dump interrupted (NLM_F_DUMP_INTR) after {messages} messages: data changed during the dump"
            ),
            Error::Sequence { expected, got } => {
                write!(f, "reply has sequence number {got}, expected {expected}")
            }
            Error::Port { expected, got } => {
                write!(f, "reply is addressed to port id {got}, this socket is {expected}")
            }
            Error::Truncated { size } => write!(f, "datagram of {size} bytes was truncated"),
            Error::Timeout => f.write_str("timed out: the deadline passed before the reply was complete"),
            Error::DumpStillRunning => f.write_str(
                "an earlier dump on this socket, abandoned at its deadline, has still not ended: \
                 the kernel refuses another dump on the socket while it runs",
            ),
            Error::FamilyNotFound { name } => write!(
                f,
                "generic netlink family {name:?} is not registered (is the module that \
                 provides it loaded?)"
            ),
            Error::FamilyGone { name } => write!(
                f,
                "generic netlink family {name:?} went away (unregistered) and has not come back"
            ),
            Error::NoReply { message_type } => {
                write!(f, "no reply to request of type {message_type}")
            }
            Error::MissingAttr { set, attr } => write!(f, "reply lacks {attr} ({set})"),
            Error::Malformed { what, why } => write!(f, "malformed {what}: {why}"),
            Error::UnexpectedType { expected, got } => {
                write!(f, "reply of message type {got}, expected {expected}")
            }
            Error::Handler(e) => e.fmt(f),
        }
    }
}

/// Every variant's `Display` already says its cause (the OS error, the wire
/// error), so `source()` returns none: an error chain printed with `{:#}`
/// says each thing once. The causes stay reachable by matching the variant.
impl std::error::Error for Error {}

impl From<nlkit_wire::Error> for Error {
    fn from(e: nlkit_wire::Error) -> Self {
        Error::Wire(e)
    }
}

impl From<KernelError> for Error {
    fn from(e: KernelError) -> Self {
        Error::Kernel(e)
    }
}

/// Result with nlkit's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl std::error::Error for KernelError {}

/// The C library's text for `errno` (`strerror(3)`), without the
/// ` (os error N)` that `io::Error`'s `Display` adds.
pub fn strerror(errno: i32) -> String {
    os_text(&io::Error::from_raw_os_error(errno))
}

/// An OS error as `strerror(3)` says it; any other I/O error as it is.
pub fn os_text(e: &io::Error) -> String {
    let text = e.to_string();
    match (e.raw_os_error(), text.rfind(" (os error ")) {
        (Some(_), Some(at)) => text[..at].to_string(),
        _ => text,
    }
}
