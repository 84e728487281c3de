//! `nlkit ioctl decode REQUEST...` and `nlkit ioctl encode ...`: take
//! ioctl(2) request numbers apart and put them together, with the names the
//! uapi headers give them ([`nlkit::kernel::ioctl`]).

use super::print_json;
use anyhow::{bail, Result};
use nlkit::kernel::ioctl::{self, Dir, Ioctl};
use serde_json::{json, Value};
use std::io::{BufWriter, Write};

pub fn decode(requests: &[String], json: bool, pretty: bool) -> Result<()> {
    let requests =
        requests.iter().map(|n| ioctl::parse_request(n)).collect::<Result<Vec<u32>, _>>()?;
    print(&requests, json, pretty)
}

/// `encode MACRO|NAME` or `encode DIR TYPE NR [SIZE]`.
pub fn encode(words: &[String], json: bool, pretty: bool) -> Result<()> {
    let request = match words {
        [one] => ioctl::parse_request(one)?,
        [dir, ty, nr, size @ ..] => {
            let mac = match dir.as_str() {
                "none" | "n" => "_IO",
                "r" | "read" => "_IOR",
                "w" | "write" => "_IOW",
                "rw" | "wr" | "read|write" => "_IOWR",
                _ => bail!("direction {dir:?}: none, r, w or rw"),
            };
            let ty = if ty.chars().count() == 1 { format!("'{ty}'") } else { ty.clone() };
            let text = match size {
                [] if mac == "_IO" => format!("_IO({ty}, {nr})"),
                [] => bail!("{mac} needs a SIZE"),
                [size] if mac == "_IO" && size != "0" => bail!("_IO takes no SIZE"),
                [_] if mac == "_IO" => format!("_IO({ty}, {nr})"),
                [size] => format!("{mac}({ty}, {nr}, {size})"),
                _ => bail!("encode takes DIR TYPE NR [SIZE]"),
            };
            ioctl::parse_request(&text)?
        }
        _ => bail!("encode takes a macro, a name, or DIR TYPE NR [SIZE]"),
    };
    print(&[request], json, pretty)
}

fn print(requests: &[u32], json: bool, pretty: bool) -> Result<()> {
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
        writeln!(out, "request {r:#010x}")?;
        for (name, header) in ioctl::names(r) {
            writeln!(out, "name    {name} (<{header}>)")?;
        }
        writeln!(out, "macro   {d}\ndir     {}", dir_name(d.dir))?;
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
    let names: Vec<Value> = ioctl::names(r).map(|(n, h)| json!({"name": n, "header": h})).collect();
    json!({
        "request": format!("{r:#010x}"),
        "names": names,
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
