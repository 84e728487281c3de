//! `nlkit cmdline`: the boot command line split as the kernel splits it,
//! one parameter per line (`module.param = value`, or a bare flag), then
//! init's arguments after `--`. With `-j`, a value that is wholly an
//! integer list as `get_options` reads it (`1,2,7-9`) also comes as `ints`.

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
            .map(|p| {
                let mut v = json!({"module": p.module, "param": p.param, "value": p.value});
                if let Some(ints) = p.value.and_then(int_list) {
                    v["ints"] = json!(ints);
                }
                v
            })
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

/// Most integers shown for one value (`get_options` takes a maximum too).
const INTS_MAX: usize = 64;

/// `value` as an integer list, if `get_options` reads all of it.
fn int_list(value: &str) -> Option<Vec<i64>> {
    match cmdline::get_options(value, INTS_MAX) {
        (ints, "") if !ints.is_empty() => Some(ints),
        _ => None,
    }
}

/// An argument for init as init receives it: `name` or `name=value`.
fn init_word(p: &Param<'_>) -> String {
    match p.value {
        Some(v) => format!("{}={v}", p.param),
        None => p.param.to_string(),
    }
}
