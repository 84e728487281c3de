//! Any netlink family by its YNL spec, at run time.
//!
//! The kernel describes its families in YAML specs
//! (`Documentation/netlink/specs`, four schemas: genetlink, genetlink-c,
//! genetlink-legacy, netlink-raw). This crate loads one, validates it
//! against its schema ([`schema`], the kernel's own schemas built in),
//! resolves its numbers ([`model`]), builds requests from JSON ([`encode`]),
//! walks replies and notifications by the spec's names and types without
//! allocating ([`decode`]) and turns them into JSON values or text
//! ([`json`]); [`client`] runs a generic netlink family's `do` and `dump`
//! operations and follows its multicast groups over an nlkit connection.
//! The JSON is the kernel YNL CLI's (`tools/net/ynl/cli.py --json`), so a
//! request copies between the two tools.
//!
//! nlkit's typed families are generated from the same specs ahead of time
//! (`tools/gen-ynl.py`); this is the path for every other family, and for
//! specs nlkit has never seen.
//!
//! ```no_run
//! let spec = nlkit_spec::Spec::load("specs/ynl/6.12/netdev.yaml")?;
//! let mut client = nlkit_spec::client::Client::open(&spec)?;
//! for dev in client.dump("dev-get", &serde_json::Map::new())? {
//!     println!("{dev}");
//! }
//! # Ok::<(), nlkit_spec::Error>(())
//! ```

#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod client;
pub mod decode;
pub mod encode;
pub mod explain;
pub mod from_policy;
pub mod json;
pub mod model;
pub mod policy;
pub mod schema;
pub mod transaction;

pub use model::Spec;

use std::io::Read as _;
use std::path::Path;

/// What can go wrong with a spec or an operation.
#[derive(Debug)]
pub enum Error {
    /// The file could not be read.
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not YAML (with the line and column the parser stopped at).
    Yaml {
        /// The file.
        file: String,
        /// The parser's message (with line and column).
        what: String,
    },
    /// The spec breaks its schema: every place, by path.
    Invalid {
        /// The file.
        file: String,
        /// Each place, with what is wrong there.
        violations: Vec<schema::Violation>,
    },
    /// The spec names something it does not define.
    Unresolved {
        /// The file.
        file: String,
        /// What is missing, and where it is named.
        what: String,
    },
    /// No operation, group or attribute set of that name.
    Unknown {
        /// What was asked for, and what there is.
        what: String,
    },
    /// A request value the spec does not allow (checked before sending).
    Request(encode::EncodeError),
    /// The operation is not one the spec's protocol allows here.
    Unsupported(String),
    /// From the connection: the kernel's refusal, a timeout, ...
    Netlink(nlkit::Error),
    /// The kernel refused the request, and its extended ACK points into
    /// it: where, as attribute paths.
    Rejected {
        /// The refusal.
        error: nlkit::Error,
        /// The attribute it points at, or says is missing.
        located: Box<explain::Located>,
    },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{path}: {source}"),
            Error::Yaml { file, what } => write!(f, "{file}: {what}"),
            Error::Invalid { file, violations } => {
                write!(f, "{file} does not fit its schema:")?;
                for v in violations.iter().take(20) {
                    write!(f, "\n  {}: {}", v.path, v.what)?;
                }
                if violations.len() > 20 {
                    write!(f, "\n  ... and {} more", violations.len() - 20)?;
                }
                Ok(())
            }
            Error::Unresolved { file, what } => write!(f, "{file}: {what}"),
            Error::Unknown { what } => f.write_str(what),
            Error::Request(e) => write!(f, "request: {e}"),
            Error::Unsupported(what) => f.write_str(what),
            Error::Netlink(e) => write!(f, "{e}"),
            Error::Rejected { error, located } => write!(f, "{error} ({located})"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Netlink(e) | Error::Rejected { error: e, .. } => Some(e),
            _ => None,
        }
    }
}

impl From<nlkit::Error> for Error {
    fn from(e: nlkit::Error) -> Self {
        Error::Netlink(e)
    }
}

impl From<encode::EncodeError> for Error {
    fn from(e: encode::EncodeError) -> Self {
        Error::Request(e)
    }
}

/// The largest spec read (the kernel's biggest, devlink, is 53 KB).
const MAX_SPEC_BYTES: u64 = 4 << 20;

/// The deepest `[`/`{` nesting read. The YAML parser refuses more than
/// 128 levels, but only after its scanner has read the whole text: a
/// 4 MiB run of `[` took 8.6 s and 500 MiB before it said so. Specs nest
/// flow collections a level or two.
const MAX_FLOW_DEPTH: usize = 1000;

/// Where brackets first nest deeper than [`MAX_FLOW_DEPTH`], if they do.
/// Every bracket counts, in quotes and comments too (an apostrophe in a
/// plain scalar would otherwise hide what follows): only a text far past
/// any spec trips it.
fn flow_too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, b) in text.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(at);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

impl Spec {
    /// Reads, validates and resolves the spec in `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Spec, Error> {
        Spec::load_with(path, true)
    }

    /// [`load`](Self::load), validating or not (see [`parse_with`](Self::parse_with)).
    pub fn load_with(path: impl AsRef<Path>, validate: bool) -> Result<Spec, Error> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let io = |source| Error::Io { path: shown.clone(), source };
        // Read at most one byte past the bound, whatever the file claims
        // (`/dev/zero` says it is empty and never ends).
        let mut text = String::new();
        let file = std::fs::File::open(path).map_err(io)?;
        std::io::Read::take(file, MAX_SPEC_BYTES + 1).read_to_string(&mut text).map_err(io)?;
        if text.len() as u64 > MAX_SPEC_BYTES {
            return Err(Error::Yaml {
                file: shown,
                what: format!("larger than a spec can be ({MAX_SPEC_BYTES} bytes)"),
            });
        }
        Spec::parse_with(&text, &shown, validate)
    }

    /// Validates and resolves a spec's text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Spec, Error> {
        Spec::parse_with(text, file, true)
    }

    /// [`parse`](Self::parse), validating against the schemas or not (the
    /// kernel CLI's `--no-schema`: for a spec newer than the schemas
    /// nlkit has). A spec that is not validated is still resolved, and
    /// what it names must exist.
    pub fn parse_with(text: &str, file: &str, validate: bool) -> Result<Spec, Error> {
        if let Some(at) = flow_too_deep(text) {
            return Err(Error::Yaml {
                file: file.into(),
                what: format!("brackets nested more than {MAX_FLOW_DEPTH} deep at byte {at}"),
            });
        }
        let yaml: serde_json::Value = serde_yaml_ng::from_str(text)
            .map_err(|e| Error::Yaml { file: file.into(), what: e.to_string() })?;
        let protocol = yaml.get("protocol").and_then(|p| p.as_str()).unwrap_or("genetlink");
        let schemas = schema::for_protocol(protocol);
        if schemas.is_empty() {
            return Err(Error::Invalid {
                file: file.into(),
                violations: vec![schema::Violation {
                    path: "protocol".into(),
                    what: format!("\"{protocol}\" is none of genetlink, genetlink-c, genetlink-legacy, netlink-raw"),
                }],
            });
        }
        if validate {
            // Valid under either generation; the newest one's complaints otherwise.
            let mut first = None;
            for s in schemas {
                let violations = s.validate(&yaml);
                if violations.is_empty() {
                    first = None;
                    break;
                }
                first.get_or_insert(violations);
            }
            if let Some(violations) = first {
                return Err(Error::Invalid { file: file.into(), violations });
            }
        }
        Spec::resolve(&yaml).map_err(|e| Error::Unresolved { file: file.into(), what: e.0 })
    }

    /// Finds `family`'s spec: `NAME.yaml` (or with `_` and `-` swapped, as
    /// the kernel renamed `rt_link` to `rt-link`) in each directory of
    /// `dirs`, in order.
    pub fn find(family: &str, dirs: &[&Path]) -> Option<std::path::PathBuf> {
        let names = [family.to_string(), family.replace('_', "-"), family.replace('-', "_")];
        dirs.iter()
            .flat_map(|d| names.iter().map(move |n| d.join(format!("{n}.yaml"))))
            .find(|p| p.is_file())
    }
}
