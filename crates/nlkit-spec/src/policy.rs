//! A request checked against the kernel's own policy before it is sent:
//! the generic netlink controller tells what each operation's attributes
//! must be (`CTRL_CMD_GETPOLICY`: types, value ranges, lengths, masks,
//! nested policies), and the attributes about to be sent are read against
//! it, with the spec's names. A value out of range, a string too long or an
//! attribute the policy does not accept is a local error naming the
//! attribute path and what the kernel allows, and nothing is sent.

use crate::encode::EncodeError;
use crate::model::{AttrSet, Spec};
use nlkit::genl::ctrl::{Policy, PolicyAttr};
use nlkit::genl::nlctrl::attr_type as t;

/// `NLA_F_NESTED | NLA_F_NET_BYTEORDER`: flags, not part of the type.
const TYPE_MASK: u16 = 0x3fff;

/// Checks `attrs` (a request's attributes, of set `set`) against policy
/// number `index` of `policy`.
pub fn check(
    policy: &Policy,
    index: u32,
    spec: &Spec,
    set: &str,
    attrs: &[u8],
) -> Result<(), EncodeError> {
    check_at(policy, index, spec, spec.set(set), attrs, "", 0)
}

fn check_at(
    policy: &Policy,
    index: u32,
    spec: &Spec,
    set: Option<&AttrSet>,
    bytes: &[u8],
    path: &str,
    depth: usize,
) -> Result<(), EncodeError> {
    if depth > crate::decode::MAX_DEPTH {
        return Ok(());
    }
    let mut off = 0;
    while off + 4 <= bytes.len() {
        let len = usize::from(u16::from_ne_bytes([bytes[off], bytes[off + 1]]));
        let kind = u16::from_ne_bytes([bytes[off + 2], bytes[off + 3]]) & TYPE_MASK;
        if len < 4 || off + len > bytes.len() {
            break;
        }
        let p = &bytes[off + 4..off + len];
        let meta = set.and_then(|s| s.by_value(kind));
        let name = meta.map_or_else(|| format!("attribute {kind}"), |a| a.name.clone());
        let at = if path.is_empty() { name } else { format!("{path}.{name}") };
        let fail = |what: String| EncodeError { path: at.clone(), what };
        let Some(rule) =
            policy.attrs.iter().find(|a| u32::from(a.policy) == index && a.attr == kind)
        else {
            return Err(fail(format!(
                "the kernel's policy for this request has no attribute {kind}"
            )));
        };
        one(rule, p).map_err(fail)?;
        if let (Some(inner), t::NESTED) = (rule.nested_policy, rule.kind) {
            let nested = meta.and_then(|a| a.nested.as_deref()).and_then(|n| spec.set(n));
            check_at(policy, inner, spec, nested, p, &at, depth + 1)?;
        }
        off += len.next_multiple_of(4);
    }
    Ok(())
}

/// One attribute's payload against its rule.
fn one(rule: &PolicyAttr, p: &[u8]) -> Result<(), String> {
    let len = p.len() as u32;
    if let Some(min) = rule.min_len.filter(|&m| len < m) {
        return Err(format!("{len} bytes, the kernel wants at least {min}"));
    }
    if let Some(max) = rule.max_len.filter(|&m| len > m) {
        return Err(format!("{len} bytes, the kernel takes at most {max}"));
    }
    let width = match rule.kind {
        t::U8 | t::S8 => Some(1),
        t::U16 | t::S16 => Some(2),
        t::U32 | t::S32 => Some(4),
        t::U64 | t::S64 => Some(8),
        t::UINT | t::SINT if len == 4 || len == 8 => Some(p.len()),
        t::UINT | t::SINT => return Err(format!("{len} bytes, the kernel wants 4 or 8")),
        t::FLAG if len != 0 => return Err(format!("a flag carries nothing, not {len} bytes")),
        _ => None,
    };
    let Some(width) = width else {
        if rule.kind == t::BITFIELD32 && len == 8 {
            let value = u32::from_ne_bytes([p[0], p[1], p[2], p[3]]);
            let selector = u32::from_ne_bytes([p[4], p[5], p[6], p[7]]);
            if let Some(mask) = rule.bitfield32_mask.filter(|&m| (value | selector) & !m != 0) {
                return Err(format!(
                    "bits 0x{:x} are outside the kernel's mask 0x{mask:x}",
                    (value | selector) & !mask
                ));
            }
        }
        return Ok(());
    };
    if p.len() < width {
        return Err(format!("{len} bytes, the kernel wants {width}"));
    }
    let mut b = [0u8; 8];
    b[..width].copy_from_slice(&p[..width]);
    let raw = if cfg!(target_endian = "little") {
        u64::from_le_bytes(b)
    } else {
        u64::from_be_bytes(b) >> (64 - 8 * width)
    };
    let signed = matches!(rule.kind, t::S8 | t::S16 | t::S32 | t::S64 | t::SINT);
    if signed {
        let shift = 64 - 8 * width as u32;
        let v = ((raw << shift) as i64) >> shift;
        if let Some((min, max)) = rule.range_s.filter(|&(min, max)| v < min || v > max) {
            return Err(format!("{v} is out of the kernel's range {min}..={max}"));
        }
    } else {
        if let Some((min, max)) = rule.range_u.filter(|&(min, max)| raw < min || raw > max) {
            return Err(format!("{raw} is out of the kernel's range {min}..={max}"));
        }
        if let Some(mask) = rule.mask.filter(|&m| raw & !m != 0) {
            return Err(format!(
                "bits 0x{:x} are outside the kernel's mask 0x{mask:x}",
                raw & !mask
            ));
        }
    }
    Ok(())
}
