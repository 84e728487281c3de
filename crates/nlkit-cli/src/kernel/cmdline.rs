//! `nlkit cmdline`: the boot command line split as the kernel splits it,
//! one parameter per line (`module.param = value`, or a bare flag), then
//! init's arguments after `--`.

use super::print_json;
use crate::cli::CmdlineArgs;
use anyhow::{Context, Result};
use nlkit::kernel::cmdline::{self, Cmdline, Param};
use serde_json::{json, Value};
use std::io::{BufWriter, Write};

pub fn run(args: &CmdlineArgs, json: bool, pretty: bool) -> Result<()> {
    let text = match &args.text {
        Some(t) => t.clone(),
        None => cmdline::read().with_context(|| format!("reading {}", cmdline::PROC_CMDLINE))?,
    };
    let c = Cmdline::parse(&text);
    if json {
        let params: Vec<Value> = c
            .params
            .iter()
            .map(|p| json!({"module": p.module, "param": p.param, "value": p.value}))
            .collect();
        let init: Vec<String> = c.init_args.iter().map(init_word).collect();
        return print_json(&json!({"params": params, "init_args": init}), pretty);
    }
    let mut out = BufWriter::new(std::io::stdout());
    for p in &c.params {
        writeln!(out, "{p}")?;
    }
    if !c.init_args.is_empty() {
        let words: Vec<String> = c.init_args.iter().map(init_word).collect();
        writeln!(out, "-- {}", words.join(" "))?;
    }
    Ok(out.flush()?)
}

/// An argument for init as init receives it: `name` or `name=value`.
fn init_word(p: &Param<'_>) -> String {
    match p.value {
        Some(v) => format!("{}={v}", p.param),
        None => p.param.to_string(),
    }
}
