//! For tests of hand-written tables: the constants of a pinned uapi
//! header (`tools/uapi/`), read the way tools/gen-uapi.py reads them
//! (enums counted in order, `#define NAME NUMBER`), so a table typed by
//! hand is checked against the kernel's own words.

/// Every enum member and numeric `#define` of `text`, in order.
pub(crate) fn constants(text: &str) -> Vec<(String, i64)> {
    let mut text = text.to_string();
    while let Some(a) = text.find("/*") {
        let b = text[a..].find("*/").map_or(text.len(), |b| a + b + 2);
        text.replace_range(a..b, " ");
    }
    let number = |v: &str| match v.strip_prefix("0x") {
        Some(hex) => i64::from_str_radix(hex, 16).ok(),
        None => v.parse().ok(),
    };
    let mut out = Vec::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        if let ["#define", name, value, ..] = w[..] {
            if let Some(v) = number(value) {
                out.push((name.to_string(), v));
            }
        }
    }
    for body in text.split("enum").skip(1) {
        let (Some(open), Some(close)) = (body.find('{'), body.find('}')) else { continue };
        let mut next = 0i64;
        for item in body[open + 1..close].split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let item =
                item.lines().filter(|l| !l.trim_start().starts_with('#')).collect::<String>();
            let (name, value) = match item.split_once('=') {
                Some((n, v)) => {
                    // A number, or an earlier member's name (an alias, as
                    // `CTA_NAT_SEQ_ADJ_REPLY = CTA_SEQ_ADJ_REPLY`).
                    let earlier = || out.iter().rev().find(|(k, _)| k == v.trim()).map(|(_, v)| *v);
                    match number(v.trim()).or_else(earlier) {
                        Some(v) => (n.trim().to_string(), v),
                        None => break, // an expression: stop this enum
                    }
                }
                None => (item.trim().to_string(), next),
            };
            out.push((name, value));
            next = value + 1;
        }
    }
    out
}

/// Asserts that each `(NAME, value)` is what the header says.
pub(crate) fn check(header: &str, ours: &[(&str, i64)]) {
    let all = constants(header);
    for (name, value) in ours {
        let got = all.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
        assert_eq!(got, Some(*value), "{name}");
    }
}
