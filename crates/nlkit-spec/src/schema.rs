//! Validating a spec against the schema its `protocol` names: the four
//! JSON schemas of the kernel tree (genetlink, genetlink-c,
//! genetlink-legacy, netlink-raw), built in from two pinned generations:
//! `specs/ynl/schemas-latest` (newer kernels), then `specs/ynl/schemas`
//! (6.12). A spec is valid when it fits either (newer schemas allow more,
//! but also tightened attribute names that older specs break).
//!
//! This is the subset of JSON Schema (draft-07) those four files use:
//! `type`, `properties`, `additionalProperties: false`, `required`,
//! `items`, `enum`, `const`, `minimum`, `pattern`, `oneOf`, `not`,
//! `if`/`then`, `dependencies` and local `$ref`s (`#/$defs/NAME`). A
//! keyword outside it is an error of the schema, not ignored. Errors name
//! the place in the spec as a path (`attribute-sets[2].attributes[5].type`).

use regex::Regex;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The schemas, by the `protocol` value that selects each, newest first.
const SCHEMAS: [(&str, &str); 8] = [
    ("genetlink", include_str!("../../../specs/ynl/schemas-latest/genetlink.yaml")),
    ("genetlink-c", include_str!("../../../specs/ynl/schemas-latest/genetlink-c.yaml")),
    ("genetlink-legacy", include_str!("../../../specs/ynl/schemas-latest/genetlink-legacy.yaml")),
    ("netlink-raw", include_str!("../../../specs/ynl/schemas-latest/netlink-raw.yaml")),
    ("genetlink", include_str!("../../../specs/ynl/schemas/genetlink.yaml")),
    ("genetlink-c", include_str!("../../../specs/ynl/schemas/genetlink-c.yaml")),
    ("genetlink-legacy", include_str!("../../../specs/ynl/schemas/genetlink-legacy.yaml")),
    ("netlink-raw", include_str!("../../../specs/ynl/schemas/netlink-raw.yaml")),
];

/// How deep a schema may nest while a value is checked (specs are shallow;
/// this bounds a broken schema's recursion).
const MAX_DEPTH: usize = 64;

/// One schema, parsed.
pub struct Schema {
    root: Value,
    patterns: HashMap<String, Regex>,
}

/// The schemas for `protocol` (`genetlink` when a spec sets none), newest
/// first; empty for an unknown protocol.
pub fn for_protocol(protocol: &str) -> Vec<&'static Schema> {
    static PARSED: OnceLock<Vec<(&'static str, Schema)>> = OnceLock::new();
    let all = PARSED.get_or_init(|| {
        SCHEMAS
            .iter()
            .map(|(name, text)| {
                let root: Value = serde_yaml_ng::from_str(text).expect("a pinned schema parses");
                let mut patterns = HashMap::new();
                collect_patterns(&root, &mut patterns);
                (*name, Schema { root, patterns })
            })
            .collect()
    });
    all.iter().filter(|(n, _)| *n == protocol).map(|(_, s)| s).collect()
}

fn collect_patterns(v: &Value, out: &mut HashMap<String, Regex>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(p)) = m.get("pattern") {
                if let Ok(re) = Regex::new(p) {
                    out.insert(p.clone(), re);
                }
            }
            m.values().for_each(|v| collect_patterns(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| collect_patterns(v, out)),
        _ => {}
    }
}

/// Where in the spec, and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Where: a path into the spec (`attribute-sets[2].attributes[5].type`).
    pub path: String,
    /// What is wrong there.
    pub what: String,
}

impl Schema {
    /// Every place `spec` breaks the schema (empty: valid). The first of
    /// a `oneOf`'s failures is reported when no branch fits.
    pub fn validate(&self, spec: &Value) -> Vec<Violation> {
        let mut out = Vec::new();
        self.check(&self.root, spec, &mut String::new(), &mut out, 0);
        out
    }

    fn resolve<'s>(&'s self, node: &'s Value) -> &'s Value {
        let mut node = node;
        for _ in 0..8 {
            let Some(Value::String(r)) = node.get("$ref") else { break };
            let Some(name) = r.strip_prefix("#/$defs/") else { break };
            match self.root.get("$defs").and_then(|d| d.get(name)) {
                Some(target) => node = target,
                None => break,
            }
        }
        node
    }

    fn check(
        &self,
        node: &Value,
        v: &Value,
        path: &mut String,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        let mut fail = |what: String| out.push(Violation { path: shown(path), what });
        if depth > MAX_DEPTH {
            return fail("the schema nests too deep".into());
        }
        let node = self.resolve(node);
        let Value::Object(rules) = node else { return };
        if let Some(t) = rules.get("type") {
            let types: Vec<&str> = match t {
                Value::String(s) => vec![s.as_str()],
                Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                _ => vec![],
            };
            if !types.iter().any(|t| has_type(v, t)) {
                return fail(format!("expected {}, found {}", types.join(" or "), kind(v)));
            }
        }
        if let Some(Value::Array(allowed)) = rules.get("enum") {
            if !allowed.contains(v) {
                let names: Vec<String> = allowed.iter().map(short).collect();
                fail(format!("{} is not one of {}", short(v), names.join(", ")));
            }
        }
        if let Some(c) = rules.get("const") {
            if c != v {
                fail(format!("{} is not {}", short(v), short(c)));
            }
        }
        if let (Some(min), Some(n)) = (rules.get("minimum").and_then(Value::as_f64), v.as_f64()) {
            if n < min {
                fail(format!("{n} is below the minimum {min}"));
            }
        }
        if let (Some(Value::String(p)), Value::String(s)) = (rules.get("pattern"), v) {
            if self.patterns.get(p).is_some_and(|re| !re.is_match(s)) {
                fail(format!("\"{s}\" does not match {p}"));
            }
        }
        if let Some(not) = rules.get("not") {
            if self.fits(not, v, depth) {
                fail(format!("{} is not allowed here", short(v)));
            }
        }
        if let Some(Value::Array(branches)) = rules.get("oneOf") {
            let fitting = branches.iter().filter(|b| self.fits(b, v, depth)).count();
            if fitting != 1 {
                match branches.first() {
                    Some(first) if fitting == 0 => self.check(first, v, path, out, depth + 1),
                    _ => out.push(Violation {
                        path: shown(path),
                        what: "fits more than one form".into(),
                    }),
                }
            }
        }
        if let (Some(cond), Some(then)) = (rules.get("if"), rules.get("then")) {
            if self.fits(cond, v, depth) {
                self.check(then, v, path, out, depth + 1);
            }
        }
        match v {
            Value::Object(m) => self.object(rules, m, path, out, depth),
            Value::Array(items) => {
                if let Some(item) = rules.get("items") {
                    for (i, x) in items.iter().enumerate() {
                        let len = path.len();
                        path.push_str(&format!("[{i}]"));
                        self.check(item, x, path, out, depth + 1);
                        path.truncate(len);
                    }
                }
            }
            _ => {}
        }
    }

    fn object(
        &self,
        rules: &serde_json::Map<String, Value>,
        m: &serde_json::Map<String, Value>,
        path: &mut String,
        out: &mut Vec<Violation>,
        depth: usize,
    ) {
        let props = rules.get("properties").and_then(Value::as_object);
        if let Some(Value::Array(required)) = rules.get("required") {
            for r in required.iter().filter_map(Value::as_str) {
                if !m.contains_key(r) {
                    out.push(Violation { path: shown(path), what: format!("\"{r}\" is missing") });
                }
            }
        }
        if let Some(Value::Object(deps)) = rules.get("dependencies") {
            for (key, needs) in deps {
                let Some(needs) = needs.as_array().filter(|_| m.contains_key(key)) else {
                    continue;
                };
                for n in needs.iter().filter_map(Value::as_str) {
                    if !m.contains_key(n) {
                        out.push(Violation {
                            path: shown(path),
                            what: format!("\"{key}\" needs \"{n}\""),
                        });
                    }
                }
            }
        }
        let closed = rules.get("additionalProperties") == Some(&Value::Bool(false));
        for (key, x) in m {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
            match props.and_then(|p| p.get(key)) {
                Some(rule) => self.check(rule, x, path, out, depth + 1),
                None if closed => {
                    out.push(Violation { path: shown(path), what: "unknown key".into() })
                }
                None => {}
            }
            path.truncate(len);
        }
    }

    /// Whether `v` fits `node` (no violation).
    fn fits(&self, node: &Value, v: &Value, depth: usize) -> bool {
        let mut out = Vec::new();
        self.check(node, v, &mut String::new(), &mut out, depth + 1);
        out.is_empty()
    }
}

fn shown(path: &str) -> String {
    if path.is_empty() {
        "(top)".into()
    } else {
        path.to_string()
    }
}

fn has_type(v: &Value, t: &str) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        _ => false,
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 40 {
        format!("{}...", &s[..s.floor_char_boundary_compat(40)])
    } else {
        s
    }
}

trait FloorBoundary {
    fn floor_char_boundary_compat(&self, at: usize) -> usize;
}

impl FloorBoundary for String {
    fn floor_char_boundary_compat(&self, at: usize) -> usize {
        (0..=at.min(self.len())).rev().find(|&i| self.is_char_boundary(i)).unwrap_or(0)
    }
}
