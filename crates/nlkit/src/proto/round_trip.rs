//! The round trips every attribute set keeps, checked on any bytes: what
//! a view reads it writes back byte for byte (unknown attributes, odd
//! ones and pad bytes included), and what its builder writes reads back
//! as the same value. [`attr_set!`](crate::attr_set) generates each set's
//! `SELF_CHECK` from these; [`registry::SETS`](super::registry::SETS)
//! lists every set with it, for the `sets` fuzz target and the tests.

use super::meta::{SetMeta, StructMeta};
use super::view::View;
use nlkit_wire::{Header, MessageBuilder, Messages};
use std::fmt::Debug;

/// One attribute set in the registry.
#[derive(Debug, Clone, Copy)]
pub struct Registered {
    /// The view's path under `nlkit::`, e.g. `rtnl::link::Link`.
    pub path: &'static str,
    /// The fixed header before the attributes.
    pub header: &'static StructMeta,
    /// The set's metadata.
    pub meta: &'static SetMeta,
    /// Checks the round trips on a payload (fixed header, then
    /// attributes): `Err` says which broke; `Ok(false)` when the bytes do
    /// not parse or the builder refuses the value (only the first trip
    /// was checked), `Ok(true)` when both were.
    pub check: fn(&[u8]) -> Result<bool, String>,
}

/// A set's key in fuzzing inputs: a 16-bit hash of its path, so that
/// an input keeps naming the same set when sets are added.
pub fn key_of(path: &str) -> u16 {
    let h = path.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    (h ^ (h >> 16)) as u16
}

/// The set a fuzzing input's first two bytes name: the one whose
/// [`key_of`] they are, or else the one at that index (modulo the count).
pub fn pick(selector: u16) -> &'static Registered {
    let sets = super::registry::SETS;
    sets.iter()
        .find(|s| key_of(s.path) == selector)
        .unwrap_or(&sets[usize::from(selector) % sets.len()])
}

/// A view keeps every byte it was read from, walks what it passed over
/// without a panic, and writes itself back as it came.
pub fn same_bytes<'a, V: View<'a>>(view: &V, payload: &[u8]) -> Result<(), String> {
    let _ = (view.unknown().count(), view.malformed().count());
    let header = view.header_bytes();
    let header = header.as_ref();
    if [header, view.raw_attrs()].concat() != payload {
        return Err("the view does not keep the bytes it was read from".into());
    }
    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, Header::new(0x10u16)).map_err(|e| e.to_string())?;
    view.emit(&mut b).map_err(|e| format!("emit: {e}"))?;
    b.finish();
    // The builder aligns the attributes after the header to 4 bytes, as
    // the kernel lays them out; compare where that changes nothing.
    if header.len() % 4 == 0 && out.get(16..16 + payload.len()) != Some(payload) {
        return Err("parse then emit does not give back the bytes".into());
    }
    Ok(())
}

/// The payload `emit` writes into one message, or `None` if it refuses
/// (a builder is strict: a value it cannot write is not a broken trip).
pub fn emitted(
    emit: impl FnOnce(&mut MessageBuilder<'_, Vec<u8>>) -> Result<(), nlkit_wire::Error>,
) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut b = MessageBuilder::new(&mut out, Header::new(0x10u16)).ok()?;
    emit(&mut b).ok()?;
    b.finish();
    let msg = Messages::new(&out).next()?.ok()?;
    Some(msg.payload().to_vec())
}

/// A builder's value read back from what it wrote is the same value.
pub fn same_value<T: PartialEq + Debug>(written: &T, reread: &T) -> Result<(), String> {
    if written != reread {
        return Err(format!("emit then parse changes the value:\n{written:?}\nbecame\n{reread:?}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::meta::ValueType;
    use super::super::registry::SETS;

    /// A payload that reads as `value`, where one can be made without
    /// knowing more than the row says.
    fn sample(value: ValueType) -> Option<Vec<u8>> {
        Some(match value {
            ValueType::Unsigned(n) | ValueType::Signed(n) | ValueType::BigEndian(n) => {
                vec![1; usize::from(n)]
            }
            ValueType::Named { width, .. } => vec![1; usize::from(width)],
            ValueType::Flag | ValueType::Nest(_) => Vec::new(),
            ValueType::String => b"nlkit\0".to_vec(),
            ValueType::Binary => vec![1, 2, 3],
            ValueType::IpAddr => vec![10, 0, 0, 1],
            ValueType::Struct(s) => vec![0x5a; s.len],
            ValueType::Custom(_) => return None,
        })
    }

    fn push(out: &mut Vec<u8>, kind: u16, payload: &[u8]) {
        out.extend_from_slice(&(4 + payload.len() as u16).to_ne_bytes());
        out.extend_from_slice(&kind.to_ne_bytes());
        out.extend_from_slice(payload);
        out.resize(out.len().next_multiple_of(4), 0);
    }

    /// Every set in the registry, given each of its rows with a value of
    /// the row's type, an attribute it does not know and one of a known
    /// kind with a wrong size: each keeps its bytes, and what its builder
    /// writes reads back the same.
    #[test]
    fn every_registered_set_keeps_its_round_trips() {
        // Every family's sets are there with the default features (none
        // without them).
        let all = cfg!(all(feature = "rtnl", feature = "genl", feature = "diag"))
            && cfg!(all(feature = "netfilter", feature = "xfrm"));
        assert!(SETS.len() >= 100 || !all, "{} sets", SETS.len());
        let keys: std::collections::HashSet<u16> =
            SETS.iter().map(|s| super::key_of(s.path)).collect();
        assert_eq!(keys.len(), SETS.len(), "two sets share a fuzzing key");
        assert!(SETS.iter().all(|s| std::ptr::eq(super::pick(super::key_of(s.path)), s)));
        let (mut rows, mut both) = (0, 0);
        for set in SETS {
            let mut payload = vec![0u8; set.header.len];
            for a in set.meta.attrs {
                if let Some(p) = sample(a.value) {
                    push(&mut payload, a.kind, &p);
                    rows += 1;
                }
            }
            let unknown = (1..0x3fff).find(|k| set.meta.by_kind(*k).is_none()).unwrap();
            push(&mut payload, unknown, b"new kernel");
            if let Some(a) = set.meta.attrs.iter().find(|a| a.value == ValueType::Unsigned(4)) {
                push(&mut payload, a.kind, &[1, 2, 3]);
            }
            match (set.check)(&payload) {
                Ok(true) => both += 1,
                Ok(false) => eprintln!("{}: the builder refused the value", set.path),
                Err(e) => panic!("{}: {e}", set.path),
            }
        }
        // For tools/reliability.py.
        eprintln!("FIGURE registry.sets = {}", SETS.len());
        eprintln!("FIGURE registry.rows = {rows}");
        assert!(rows > 800 || !all, "{rows} rows");
        assert!(both * 10 >= SETS.len() * 9, "{both} of {} sets checked both ways", SETS.len());
    }
}
