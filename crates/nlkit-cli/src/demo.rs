//! `nlkit demo`: the demo kernel module (`kernel/c/nlkit_demo.c`) through
//! [`nlkit::demo`]: its own protocol (31 by default) and its generic
//! netlink family `nlkit_demo`.

use crate::cli::{DemoArgs, DemoCommand};
use anyhow::{bail, Result};
use nlkit::demo::{big_byte, DemoClient, GenlDemo, BIG_LEN};
use std::time::Duration;

fn timeout(args: &DemoArgs) -> Option<Duration> {
    (args.timeout > 0.0).then(|| Duration::from_secs_f64(args.timeout))
}

fn client(args: &DemoArgs) -> Result<DemoClient> {
    let mut c = DemoClient::open(args.proto)?;
    c.conn().transport().set_read_timeout(timeout(args))?;
    Ok(c)
}

fn genl(args: &DemoArgs) -> Result<GenlDemo> {
    let mut g = GenlDemo::open()?;
    g.conn().transport().set_read_timeout(timeout(args))?;
    Ok(g)
}

/// `nlkit demo ...`.
pub fn run(args: &DemoArgs) -> Result<()> {
    match &args.command {
        DemoCommand::Echo { text } => {
            let reply = client(args)?.echo(text.as_bytes())?;
            println!("{}", String::from_utf8_lossy(&reply));
        }
        DemoCommand::Register { count } => {
            let mut c = client(args)?;
            c.register()?;
            for (seq, text) in c.notifications(*count)? {
                println!("seq {seq}: {}", String::from_utf8_lossy(&text));
            }
        }
        DemoCommand::Broadcast { text, count } => {
            let mut c = client(args)?;
            for _ in 0..*count {
                c.broadcast(text.as_bytes())?;
            }
            println!("{count} broadcast{} sent", if *count == 1 { "" } else { "s" });
        }
        DemoCommand::Dump => {
            let mut c = DemoClient::open_counted(args.proto)?;
            c.conn().transport().inner().set_read_timeout(timeout(args))?;
            let entries = c.dump()?;
            for e in &entries {
                println!("{}", String::from_utf8_lossy(e));
            }
            let datagrams = c.conn().transport().received();
            println!(
                "{} entries in {datagrams} datagrams (the last one with NLMSG_DONE)",
                entries.len()
            );
        }
        DemoCommand::Big => {
            let payload = client(args)?.big()?;
            let bad = payload.iter().enumerate().position(|(i, b)| *b != big_byte(i));
            if let Some(i) = bad {
                bail!("BIG reply of {} bytes differs from the pattern at byte {i}", payload.len());
            }
            println!(
                "{} bytes, pattern ok (a..z repeated{})",
                payload.len(),
                if payload.len() == BIG_LEN { "" } else { "; expected 10000 bytes" }
            );
        }
        DemoCommand::GenlEcho { text } => println!("{}", genl(args)?.echo(text)?),
        DemoCommand::GenlGroup => println!("{}", genl(args)?.events_group()?),
        DemoCommand::GenlBad => {
            genl(args)?.echo_wrong_type()?;
            bail!("the kernel accepted a u32 as MSG");
        }
    }
    Ok(())
}
