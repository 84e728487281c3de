//! `address save` and `address restore`, in iproute2's address dump format
//! (the magic `0x47361222`, then each `RTM_NEWADDR` message as the kernel
//! sent it): dumps from `ip address save` restore here and the other way
//! round. As ip's, `save` takes the family (`-4`, `-6`) and a device and
//! nothing else; `restore` adds every address back, an existing one
//! counting as restored, through the batch pipeline.

use super::route_bulk::{messages, payload, read_dump, send_all};
use super::Ctx;
use crate::words::Args;
use anyhow::{bail, Result};
use nlkit::rtnl::uapi::*;
use nlkit::wire::Flags;
use std::io::{IsTerminal, Write};

/// iproute2's address dump magic (`ipadd_dump_magic`), host byte order.
const MAGIC: u32 = 0x4736_1222;

/// `address save [dev] IFNAME > FILE`.
pub(super) fn save(ctx: &mut Ctx, a: Args) -> Result<()> {
    let dev = super::DevWord::read(&super::DEV_ONLY[1], a)?.dev;
    let mut out = std::io::stdout().lock();
    if out.is_terminal() {
        bail!("Not sending a binary stream to stdout");
    }
    let index = match dev {
        Some(d) => {
            let index = ctx.ifnames()?.index(&d);
            index.ok_or_else(|| crate::report::plain(format!("Device \"{d}\" does not exist.")))?
        }
        None => 0,
    };
    let saved = super::addr::dump_addrs(&mut ctx.conn, ctx.family, index)?;
    out.write_all(&MAGIC.to_ne_bytes())?;
    for m in saved.messages() {
        let m = m?.into_inner();
        // The kernel filters by index under strict checking; so does this.
        let keep = index == 0
            || m.get(20..24).map(|i| u32::from_ne_bytes([i[0], i[1], i[2], i[3]])) == Some(index);
        if keep {
            out.write_all(m)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `address restore < FILE`.
pub(super) fn restore(ctx: &mut Ctx, a: Args) -> Result<()> {
    if !a.at_end() {
        bail!("\"address restore\" takes no arguments: it reads a dump from standard input");
    }
    let dump = read_dump("address", MAGIC)?;
    let payloads = messages(&dump, RTM_NEWADDR)?.into_iter().map(|(_, b)| payload(b)).collect();
    match send_all(ctx, payloads, RTM_NEWADDR, Flags::CREATE, libc::EEXIST) {
        0 => Ok(()),
        failures => Err(crate::kernel::Reported { failures }.into()),
    }
}
