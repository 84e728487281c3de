//! `nlkit ioctl decode NUMBER...`: take ioctl(2) request numbers apart.

use super::print_json;
use anyhow::{bail, Result};
use nlkit::kernel::ioctl::{Dir, Ioctl};
use serde_json::{json, Value};
use std::io::{BufWriter, Write};

pub fn decode(numbers: &[String], json: bool, pretty: bool) -> Result<()> {
    let requests = numbers.iter().map(|n| parse(n)).collect::<Result<Vec<u32>>>()?;
    if json {
        let v: Vec<Value> = requests.iter().map(|&r| to_json(r)).collect();
        return print_json(&Value::Array(v), pretty);
    }
    let mut out = BufWriter::new(std::io::stdout());
    for (i, &r) in requests.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let d = Ioctl::decode(r);
        writeln!(out, "request {r:#010x}\nmacro   {d}\ndir     {}", dir_name(d.dir))?;
        match d.ty_char() {
            Some(c) => writeln!(out, "type    '{c}' ({:#04x})", d.ty)?,
            None => writeln!(out, "type    {:#04x}", d.ty)?,
        }
        writeln!(out, "nr      {} ({:#04x})\nsize    {}", d.nr, d.nr, d.size)?;
    }
    Ok(out.flush()?)
}

fn to_json(r: u32) -> Value {
    let d = Ioctl::decode(r);
    json!({
        "request": format!("{r:#010x}"),
        "macro": d.to_string(),
        "dir": dir_name(d.dir),
        "type": d.ty,
        "type_char": d.ty_char().map(String::from),
        "nr": d.nr,
        "size": d.size,
    })
}

fn dir_name(d: Dir) -> String {
    match d {
        Dir::None => "none".into(),
        Dir::Write => "write".into(),
        Dir::Read => "read".into(),
        Dir::ReadWrite => "read|write".into(),
        Dir::Unknown(b) => format!("{b:#x}"),
    }
}

/// A request number: hex with `0x`, or decimal; a negative decimal is the
/// same bits as a C `int` (as strace sometimes prints them).
fn parse(s: &str) -> Result<u32> {
    let t = s.trim();
    let parsed = if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if let Some(n) = t.strip_prefix('-') {
        n.parse::<u64>()
            .ok()
            .filter(|&v| v <= 1 << 31)
            .map(|v| (v as i64).wrapping_neg() as u32 as u64)
    } else {
        t.parse::<u64>().ok()
    };
    match parsed {
        Some(v) if v <= u64::from(u32::MAX) => Ok(v as u32),
        Some(_) => bail!("request number {s} does not fit in 32 bits"),
        None => bail!("bad request number {s:?}: give hex (0x5401) or decimal (21505)"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_in_hex_decimal_and_negative() {
        assert_eq!(super::parse("0x400454ca").unwrap(), 0x4004_54ca);
        assert_eq!(super::parse("21505").unwrap(), 0x5401);
        assert_eq!(super::parse("-2147216782").unwrap(), 0x8004_1272);
        assert!(super::parse("0x100000000").is_err());
        assert!(super::parse("T").is_err());
    }
}
