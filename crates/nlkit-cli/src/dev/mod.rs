//! `nlkit dev PATH read|write|seek|ioctl|mmap`: any character device (or
//! file), for drivers nlkit knows nothing about, through
//! [`nlkit::kernel::chardev`]. Requests are numbers, names from the uapi
//! headers or C macros ([`nlkit::kernel::ioctl::parse_request`]); ioctl
//! arguments come from hex, a file, an integer or typed [`fields`], and
//! answers print as hex and as the same fields. Also the byte printers
//! `nlkit demo dev` shares.

pub mod fields;

use crate::cli::{DeviceArgs, DeviceCommand, IoctlArgArgs, Whence};
use crate::input::MAX_INPUT;
use crate::kernel::print_json;
use anyhow::{bail, Context, Result};
use nlkit::kernel::chardev::{Device, RawArg, RawIoctl};
use nlkit::kernel::ioctl::{self, Dir, Ioctl};
use serde_json::{json, Value};
use std::io::{Read, Seek, SeekFrom, Write};

/// `nlkit dev PATH ...`.
pub fn run(args: &DeviceArgs, json: bool, pretty: bool) -> Result<()> {
    let dev = open(args)?;
    match &args.command {
        DeviceCommand::Read { seek, len, hex } => {
            let mut f = dev.file();
            if let Some(at) = seek {
                f.seek(SeekFrom::Start(*at)).with_context(|| at_path("seek", &dev))?;
            }
            let mut from = f.take(*len as u64);
            if json {
                // JSON holds the bytes; the other forms stream them.
                let mut bytes = Vec::new();
                let n = (&mut from)
                    .take(MAX_INPUT + 1)
                    .read_to_end(&mut bytes)
                    .with_context(|| at_path("read", &dev))?;
                if n as u64 > MAX_INPUT {
                    bail!(
                        "{} gave more than {} MiB, which JSON output holds whole: \
                         give a smaller --len, or read without -j",
                        dev.path().display(),
                        MAX_INPUT >> 20
                    );
                }
                return show_bytes(&bytes, json, pretty, *hex);
            }
            stream(&mut from, *hex).with_context(|| at_path("read", &dev))
        }
        DeviceCommand::Write { data, seek } => {
            let bytes = data.bytes()?;
            let mut f = dev.file();
            if let Some(at) = seek {
                f.seek(SeekFrom::Start(*at)).with_context(|| at_path("seek", &dev))?;
            }
            let n = f.write(&bytes).with_context(|| at_path("write", &dev))?;
            if json {
                return print_json(&json!({"written": n, "of": bytes.len()}), pretty);
            }
            crate::report::say!("wrote {n} of {} bytes", bytes.len())?;
            Ok(())
        }
        DeviceCommand::Seek { offset, whence } => {
            let to = match whence {
                Whence::Set => match u64::try_from(*offset) {
                    Ok(o) => SeekFrom::Start(o),
                    Err(_) => bail!(
                        "offset {offset} is negative: from the start (--whence set) \
                                     it is 0 or more; use --whence cur or end"
                    ),
                },
                Whence::Cur => SeekFrom::Current(*offset),
                Whence::End => SeekFrom::End(*offset),
            };
            let pos = dev.file().seek(to).with_context(|| at_path("seek", &dev))?;
            if json {
                return print_json(&json!({"position": pos}), pretty);
            }
            crate::report::say!("position {pos}")?;
            Ok(())
        }
        DeviceCommand::Ioctl { request, arg } => ioctl_cmd(&dev, request, arg, json, pretty),
        DeviceCommand::Mmap { offset, len, hex, text, write_text, write_hex, at } => {
            let len = match len {
                Some(len) => *len,
                None => default_map_len(&dev, *offset)?,
            };
            let data = write_text.as_ref().map(|t| t.as_bytes().to_vec());
            let data = data.or_else(|| write_hex.as_ref().map(|h| h.0.clone()));
            let bytes = match data {
                Some(data) => {
                    let mut map = dev.map_mut(*offset, len)?;
                    map.write_at(*at, &data)?;
                    map.to_vec()
                }
                None => dev.map(*offset, len)?.to_vec(),
            };
            match (json, text) {
                (false, true) => write_out(&bytes),
                _ => show_bytes(&bytes, json, pretty, *hex || !json),
            }
        }
    }
}

/// Opens read-write, or read-only for commands that only read when
/// writing is refused (a device node of mode 0444).
fn open(args: &DeviceArgs) -> Result<Device> {
    let writes = match &args.command {
        DeviceCommand::Write { .. } | DeviceCommand::Ioctl { .. } => true,
        DeviceCommand::Mmap { write_text, write_hex, .. } => {
            write_text.is_some() || write_hex.is_some()
        }
        _ => false,
    };
    match Device::open(&args.path) {
        Err(e) if !writes && e.errno() == Some(libc::EACCES) => {
            Ok(Device::open_read_only(&args.path)?)
        }
        other => Ok(other?),
    }
}

/// The bytes `mmap` maps when no --len is given: a page, or a regular
/// file's bytes from `offset` when it has fewer (a mapping past a file's
/// end faults when touched).
fn default_map_len(dev: &Device, offset: u64) -> Result<usize> {
    let meta = dev.file().metadata().with_context(|| at_path("fstat", dev))?;
    if !meta.is_file() {
        return Ok(4096);
    }
    match meta.len().checked_sub(offset) {
        Some(left) if left > 0 => Ok(left.min(4096) as usize),
        _ => bail!(
            "{} has {} bytes: nothing to map at offset {offset}",
            dev.path().display(),
            meta.len()
        ),
    }
}

/// Copies `from` to stdout as it reads: the bytes as they are, or a hex
/// dump whose lines number the bytes from the first read.
fn stream(from: &mut impl Read, hex: bool) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if !hex {
        std::io::copy(from, &mut out)?;
        return Ok(out.flush()?);
    }
    // A multiple of 16, filled before printing, so every line but the
    // last holds 16 bytes whatever sizes the driver's reads return.
    let mut buf = vec![0u8; 64 * 1024];
    let mut offset = 0;
    loop {
        let mut filled = 0;
        while filled < buf.len() {
            match from.read(&mut buf[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.into()),
            }
        }
        hex_lines(&mut out, offset, &buf[..filled])?;
        offset += filled;
        if filled < buf.len() {
            return Ok(out.flush()?);
        }
    }
}

fn at_path(op: &str, dev: &Device) -> String {
    format!("{op} {}", dev.path().display())
}

/// `ioctl REQUEST [--int N | --hex H | --file F | --fields SPEC] [--size N]`.
fn ioctl_cmd(
    dev: &Device,
    request: &str,
    a: &IoctlArgArgs,
    json: bool,
    pretty: bool,
) -> Result<()> {
    let number = ioctl::parse_request(request)?;
    let d = Ioctl::decode(number);
    let fields = a.fields.as_deref().map(fields::parse).transpose()?;
    let given: Option<Vec<u8>> = match (&a.hex, &a.file, &fields) {
        (Some(h), _, _) => Some(h.0.clone()),
        (_, Some(path), _) => Some(crate::input::read(path)?),
        (_, _, Some(f)) => Some(fields::encode(f)?),
        _ => None,
    };
    let size = a.size.unwrap_or(d.size as usize);
    if size as u64 > MAX_INPUT {
        bail!("--size {size} is more than {} MiB, which no ioctl takes", MAX_INPUT >> 20);
    }
    let arg = match (d.dir, given, a.int) {
        (Dir::None, None, _) if a.size.is_none() => RawArg::Int(a.int.unwrap_or(0)),
        (_, _, Some(_)) => {
            bail!("{d} takes its argument by pointer: give --hex, --file or --fields (and --size)")
        }
        (_, given, None) => {
            let mut bytes = given.unwrap_or_default();
            if bytes.len() > size {
                let hint = if a.size.is_none() && d.size == 0 {
                    " (its number encodes no size: give --size N)"
                } else {
                    ""
                };
                bail!("{} argument bytes given, but {d} takes {size}{hint}", bytes.len());
            }
            bytes.resize(size, 0);
            RawArg::Bytes(bytes)
        }
    };
    // SAFETY: a person named this request on the command line and vouches
    // that its driver follows no address in the argument; the bytes end at
    // a guard page, so a driver that writes more than it takes faults.
    #[allow(unsafe_code)] // the CLI's one site, pinned by tools/check-unsafe.sh
    let raw = unsafe { RawIoctl::new(number) };
    let reply = dev.ioctl_raw(raw, &arg).map_err(|e| {
        let names: Vec<&str> = ioctl::names(number).map(|(n, _)| n).collect();
        let name = if names.is_empty() { String::new() } else { format!(" {}", names.join("|")) };
        anyhow::anyhow!(
            "ioctl{name} {d} ({number:#010x}: {}, type {}, nr {}, size {}) on {}: {}",
            dir_word(d.dir),
            d.ty_char().map_or_else(|| format!("{:#04x}", d.ty), |c| format!("'{c}'")),
            d.nr,
            d.size,
            dev.path().display(),
            e.errno()
                .map_or_else(|| e.to_string(), |n| format!("{} (errno {n})", nlkit::strerror(n)))
        )
    })?;
    let decoded = fields.as_ref().map(|f| fields::decode(f, &reply.bytes));
    if json {
        let mut v = json!({
            "request": format!("{number:#010x}"), "macro": d.to_string(),
            "result": reply.result, "hex": fields::hex(&reply.bytes),
        });
        if let Some(d) = decoded {
            v["fields"] = Value::Array(d);
        }
        return print_json(&v, pretty);
    }
    crate::report::say!("request {number:#010x} {d}")?;
    crate::report::say!("result  {}", reply.result)?;
    if let RawArg::Bytes(_) = arg {
        crate::report::say!("bytes   {}: {}", reply.bytes.len(), fields::hex(&reply.bytes))?;
    }
    if let Some(d) = decoded {
        crate::report::say!("fields  {}", fields::text(&d))?;
    }
    Ok(())
}

fn dir_word(d: Dir) -> &'static str {
    match d {
        Dir::None => "none",
        Dir::Read => "read",
        Dir::Write => "write",
        Dir::ReadWrite => "read|write",
        Dir::Unknown(_) => "unknown direction",
    }
}

/// Bytes as `--hex` dump, as JSON `{len, hex, text}`, or as they are.
fn show_bytes(bytes: &[u8], json: bool, pretty: bool, hex: bool) -> Result<()> {
    if json {
        let text = std::str::from_utf8(bytes).ok().map(|t| t.trim_end_matches('\0'));
        return print_json(
            &json!({"len": bytes.len(), "hex": fields::hex(bytes), "text": text}),
            pretty,
        );
    }
    if hex {
        print_hex(bytes)
    } else {
        write_out(bytes)
    }
}

/// The bytes as they are, to stdout.
pub fn write_out(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    Ok(out.flush()?)
}

/// 16 bytes a line: offset, hex, printable ASCII.
pub fn print_hex(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    hex_lines(&mut out, 0, bytes)?;
    Ok(out.flush()?)
}

/// The hex dump lines of `bytes`, numbered from `offset`.
fn hex_lines(out: &mut impl Write, offset: usize, bytes: &[u8]) -> Result<()> {
    for (i, line) in bytes.chunks(16).enumerate() {
        write!(out, "{:08x} ", offset + i * 16)?;
        for b in line {
            write!(out, " {b:02x}")?;
        }
        let text: String = line
            .iter()
            .map(|&b| if b.is_ascii_graphic() || b == b' ' { b as char } else { '.' })
            .collect();
        writeln!(out, "{:pad$}  |{text}|", "", pad = 3 * (16 - line.len()))?;
    }
    Ok(())
}
