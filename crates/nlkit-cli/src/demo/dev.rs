//! `nlkit demo dev ...`: the demo module's device `/dev/nlkit_demo` through
//! [`nlkit::demo::dev`] (itself on [`nlkit::kernel::chardev`], as `nlkit
//! dev` is): INFO, TRUNCATE, read, write and mmap, printed by `nlkit dev`'s
//! printers.

use crate::cli::{DevArgs, DevCommand};
use crate::dev::{print_hex, write_out};
use crate::kernel::print_json;
use anyhow::{bail, Result};
use nlkit::demo::dev::{DemoDevice, DemoInfo};
use nlkit::kernel::chardev::NoArgIoctl;
use serde_json::json;

/// `nlkit demo dev ...`.
pub fn run(args: &DevArgs, json: bool, pretty: bool) -> Result<()> {
    let dev = DemoDevice::open_path(&args.device)?;
    match &args.command {
        DevCommand::Info => print_info(&dev.info()?, json, pretty)?,
        DevCommand::Read => write_out(&dev.read()?)?,
        DevCommand::Write { text } => {
            dev.append(text.as_bytes())?;
            crate::report::say!("appended {} bytes", text.len())?;
        }
        DevCommand::Truncate { offset, length } => {
            dev.truncate(*offset, *length)?;
            let info = dev.info()?;
            crate::report::say!("kept {} bytes in {} entries", info.data_len, info.entries)?;
        }
        DevCommand::Map { len, hex } => {
            let map = dev.map(*len)?;
            let stored = (dev.info()?.data_len as usize).min(map.len());
            let bytes = map.copy_range(0..stored)?;
            if *hex {
                print_hex(&bytes)?;
            } else {
                write_out(&bytes)?;
            }
        }
        DevCommand::UnknownIoctl => {
            dev.device().ioctl_none(NoArgIoctl::new(b'N', 99))?;
            bail!("the device accepted the unknown ioctl _IO('N', 99)");
        }
    }
    Ok(())
}

/// INFO, and this process's pid: the device was opened by it, so the owner
/// should be this process.
fn print_info(info: &DemoInfo, json: bool, pretty: bool) -> Result<()> {
    let me = std::process::id();
    if json {
        let v = json!({
            "owner_pid": info.owner_pid, "owner_comm": info.comm(), "data_len": info.data_len,
            "free_space": info.free_space, "entries": info.entries, "self_pid": me,
        });
        return print_json(&v, pretty);
    }
    crate::report::say!("owner_pid {}", info.owner_pid)?;
    crate::report::say!("owner_comm {}", info.comm())?;
    crate::report::say!("data_len {}", info.data_len)?;
    crate::report::say!("free_space {}", info.free_space)?;
    crate::report::say!("entries {}", info.entries)?;
    crate::report::say!("self_pid {me}")?;
    Ok(())
}
