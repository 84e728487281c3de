//! The kernel's refusal in the request's own terms: the extended ACK
//! points at the bad attribute by its byte offset in the request
//! (`NLMSGERR_ATTR_OFFS`), or names a missing attribute by type and the
//! nest that lacks it (`NLMSGERR_ATTR_MISS_TYPE`, `_MISS_NEST`). Walking
//! the request that was sent with its spec turns those into attribute
//! paths: `linkinfo.kind`, `ifa-local`, `ops[2].id`.

use crate::model::{AttrSet, Spec, Type};

/// `NLA_F_NESTED | NLA_F_NET_BYTEORDER`: flags, not part of the type.
const TYPE_MASK: u16 = 0x3fff;

/// Where an extended ACK points, as attribute paths.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Located {
    /// The attribute at the offset the kernel gave.
    pub at: Option<String>,
    /// The attribute the kernel says is missing (with the nest's path).
    pub missing: Option<String>,
}

impl std::fmt::Display for Located {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.at, &self.missing) {
            (Some(at), Some(m)) => write!(f, "at {at}; missing {m}"),
            (Some(at), None) => write!(f, "at {at}"),
            (None, Some(m)) => write!(f, "missing {m}"),
            (None, None) => Ok(()),
        }
    }
}

/// Locates `k`'s offsets in `attrs`, the attributes of a request of set
/// `set`, which start at byte `start` of the request message.
pub fn locate(
    spec: &Spec,
    set: &str,
    attrs: &[u8],
    start: usize,
    k: &nlkit::KernelError,
) -> Located {
    let set = spec.set(set);
    let at = k
        .offset
        .and_then(|o| (o as usize).checked_sub(start))
        .and_then(|o| path_at(spec, set, attrs, o, 0))
        .map(|(path, _)| path);
    let missing = k.missing_type.map(|t| {
        let (nest_path, nest_set) =
            match k.missing_nest.and_then(|o| (o as usize).checked_sub(start)) {
                Some(o) => match path_at(spec, set, attrs, o, 0) {
                    Some((p, s)) => (format!("{p}."), s),
                    None => (String::new(), None),
                },
                None => (String::new(), set),
            };
        let name = u16::try_from(t)
            .ok()
            .and_then(|t| nest_set?.by_value(t))
            .map_or_else(|| format!("attribute {t}"), |a| a.name.clone());
        format!("{nest_path}{name}")
    });
    Located { at, missing }
}

/// The path of the attribute starting at (or containing) byte `target`
/// of `bytes`, and the set its payload is read by (a nest's).
fn path_at<'s>(
    spec: &'s Spec,
    set: Option<&'s AttrSet>,
    bytes: &[u8],
    target: usize,
    depth: usize,
) -> Option<(String, Option<&'s AttrSet>)> {
    if depth > crate::decode::MAX_DEPTH {
        return None;
    }
    let mut off = 0;
    while off + 4 <= bytes.len() {
        let len = usize::from(u16::from_ne_bytes([bytes[off], bytes[off + 1]]));
        let kind = u16::from_ne_bytes([bytes[off + 2], bytes[off + 3]]) & TYPE_MASK;
        if len < 4 || off + len > bytes.len() {
            return None;
        }
        let meta = set.and_then(|s| s.by_value(kind));
        let name = meta.map_or_else(|| format!("attribute {kind}"), |a| a.name.clone());
        let inner = meta.and_then(|a| a.nested.as_deref()).and_then(|n| spec.set(n));
        // At the attribute, or inside its header.
        if target >= off && target < off + 4 {
            return Some((name, inner));
        }
        if target > off && target < off + len {
            let payload = &bytes[off + 4..off + len];
            let within = target - off - 4;
            return match meta.map(|a| a.kind) {
                Some(Type::Nest) => match path_at(spec, inner, payload, within, depth + 1) {
                    Some((p, s)) => Some((format!("{name}.{p}"), s)),
                    None => Some((name, inner)),
                },
                Some(Type::IndexedArray) => {
                    // Elements are nests whose type is their index.
                    match path_at(spec, None, payload, within, depth + 1) {
                        Some((elem, _)) => {
                            let index = elem.trim_start_matches("attribute ");
                            let rest = element(spec, inner, payload, within, depth);
                            Some((format!("{name}[{index}]{rest}"), inner))
                        }
                        None => Some((name, inner)),
                    }
                }
                _ => Some((name, inner)),
            };
        }
        off += len.next_multiple_of(4);
    }
    None
}

/// Inside an indexed array's element: `.attr` of the element's set.
fn element(
    spec: &Spec,
    set: Option<&AttrSet>,
    payload: &[u8],
    within: usize,
    depth: usize,
) -> String {
    let mut off = 0;
    while off + 4 <= payload.len() {
        let len = usize::from(u16::from_ne_bytes([payload[off], payload[off + 1]]));
        if len < 4 || off + len > payload.len() {
            break;
        }
        if within >= off + 4 && within < off + len {
            return match path_at(
                spec,
                set,
                &payload[off + 4..off + len],
                within - off - 4,
                depth + 1,
            ) {
                Some((p, _)) => format!(".{p}"),
                None => String::new(),
            };
        }
        off += len.next_multiple_of(4);
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "name: t\ndoc: d\nattribute-sets:\n  - name: top\n    attributes:\n      - name: a\n        type: u32\n      - name: n\n        type: nest\n        nested-attributes: inner\n  - name: inner\n    attributes:\n      - name: x\n        type: u8\noperations:\n  list: []\n";

    /// `a` (u32), then `n` holding `x`.
    fn request() -> Vec<u8> {
        let mut b = vec![8, 0, 1, 0, 7, 0, 0, 0];
        b.extend([12, 0, 2, 0x80, 5, 0, 1, 0, 9, 0, 0, 0]);
        b
    }

    #[test]
    fn offsets_become_paths_and_missing_types_names() {
        let spec = Spec::parse(SPEC, "t.yaml").unwrap();
        let at = |offset: u32| {
            let k =
                nlkit::KernelError { offset: Some(offset), ..nlkit::KernelError::from_errno(22) };
            locate(&spec, "top", &request(), 100, &k).at
        };
        assert_eq!(at(100).as_deref(), Some("a"));
        assert_eq!(at(112).as_deref(), Some("n.x"));
        assert_eq!(at(108).as_deref(), Some("n"));
        // Inside a header (the fuzzer's find: this underflowed).
        assert_eq!(at(102).as_deref(), Some("a"));
        assert_eq!(at(110).as_deref(), Some("n"));
        assert_eq!(at(99), None);
        assert_eq!(at(500), None);
        let k = nlkit::KernelError {
            missing_type: Some(1),
            missing_nest: Some(108),
            ..nlkit::KernelError::from_errno(22)
        };
        assert_eq!(locate(&spec, "top", &request(), 100, &k).missing.as_deref(), Some("n.x"));
        let k = nlkit::KernelError { missing_type: Some(9), ..nlkit::KernelError::from_errno(22) };
        assert_eq!(
            locate(&spec, "top", &request(), 100, &k).missing.as_deref(),
            Some("attribute 9")
        );
    }
}
