//! `nlkit modparam`: list modules with parameters, show a module's
//! parameters, read or write one (`/sys/module/MODULE/parameters`).

use super::print_json;
use crate::cli::ModparamArgs;
use anyhow::Result;
use nlkit::kernel::modparam::ModParams;
use serde_json::{json, Value};
use std::io::{BufWriter, Write};

pub fn run(args: &ModparamArgs, json: bool, pretty: bool) -> Result<()> {
    let tree = match &args.root {
        Some(root) => ModParams::with_root(root),
        None => ModParams::new(),
    };
    let mut out = BufWriter::new(std::io::stdout());
    let Some(module) = &args.module else {
        let modules = tree.modules()?;
        if json {
            return print_json(&json!(modules), pretty);
        }
        modules.iter().try_for_each(|m| writeln!(out, "{m}"))?;
        return Ok(out.flush()?);
    };
    match args.param.as_deref().map(|p| (p, p.split_once('='))) {
        None => list(&tree, module, json, pretty, &mut out)?,
        Some((_, Some((param, value)))) => tree.write(module, param, value)?,
        Some((param, None)) => {
            let value = tree.read(module, param)?;
            if json {
                return print_json(
                    &json!({"module": module, "param": param, "value": value}),
                    pretty,
                );
            }
            writeln!(out, "{value}")?;
        }
    }
    Ok(out.flush()?)
}

/// Every parameter of `module`: `name = value`, `(unreadable)` for
/// write-only ones.
fn list(
    tree: &ModParams,
    module: &str,
    json: bool,
    pretty: bool,
    out: &mut impl Write,
) -> Result<()> {
    let params = tree.params(module)?;
    if json {
        let v: Vec<Value> = params
            .iter()
            .map(|p| json!({"param": p.name, "value": p.value, "writable": p.writable}))
            .collect();
        return print_json(&Value::Array(v), pretty);
    }
    for p in &params {
        match &p.value {
            Some(v) => writeln!(out, "{} = {v}", p.name)?,
            None => writeln!(out, "{} (unreadable)", p.name)?,
        }
    }
    Ok(())
}
