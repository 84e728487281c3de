//! `nlkit taskstats`: per-task accounting from the generic netlink family
//! `TASKSTATS` (`<linux/taskstats.h>`): one task (`PID`) or thread group
//! (`--tgid`), or every task as it exits (`--listen`, on the CPUs of
//! `--cpus`). Text is a block per task in the spirit of the kernel's
//! `getdelays` (times, faults, switches, memory, I/O, delays); `-j` prints
//! every field of the structure by its C name (`-` for `_`, as the generic
//! printer spells names), from the table's metadata,
//! and keeps the fields of a kernel newer than the pinned header as
//! `unknown-tail` (hex).

use crate::cli::TaskstatsArgs;
use crate::out::generic::struct_json;
use anyhow::{bail, Result};
use nlkit::genl::taskstats::{self, Exit, Exits, Stats, Task, Taskstats};
use nlkit::proto::FixedStruct;
use nlkit::sub::{Item, Subscription};
use nlkit::{Conn, Netns, Protocol};
use serde_json::Value;
use std::io::Write;
use std::time::Instant;

pub fn run(args: &TaskstatsArgs, netns: Option<&str>, json: bool, pretty: bool) -> Result<()> {
    let mut conn = match netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::GENERIC)?,
        None => Conn::open(Protocol::GENERIC)?,
    };
    let family = conn.resolve_family(taskstats::FAMILY)?;
    if args.listen {
        return listen(args, netns, family, json);
    }
    let Some(id) = args.id else {
        bail!("which task? give a PID (or --tgid TGID), or --listen for exits")
    };
    let stats = match args.tgid {
        true => conn.run(taskstats::tgid(&family, id)),
        false => conn.run(taskstats::pid(&family, id)),
    };
    let stats = match stats {
        Err(e) if e.errno() == Some(libc::ESRCH) => bail!("no such process: {id}"),
        other => other?,
    };
    let mut out = std::io::stdout().lock();
    print(&mut out, &stats, json, pretty)?;
    Ok(())
}

fn listen(
    args: &TaskstatsArgs,
    netns: Option<&str>,
    family: nlkit::genl::Family,
    json: bool,
) -> Result<()> {
    let cpumask = args.cpus.clone().unwrap_or_else(taskstats::possible_cpus);
    let source = Exits { family, cpumask: cpumask.clone() };
    let mut sub = match netns {
        Some(name) => Subscription::open_in(Netns::Name(name), source)?,
        None => Subscription::open(source)?,
    };
    let _ = sub.socket().raise_recv_buffer(crate::report::monitor_rcvbuf());
    let deadline = crate::words::values::duration(args.timeout).map(|t| Instant::now() + t);
    crate::report::note!("listening for task exits on CPUs {cpumask}");
    let mut out = std::io::stdout().lock();
    let mut seen = 0u64;
    while args.count.is_none_or(|c| seen < c) {
        let Some(batch) = sub.recv_until(deadline)? else { break };
        for item in batch {
            match item {
                Item::Event { event: Exit::Exited(stats), .. } => {
                    if args
                        .id
                        .is_some_and(|want| !stats.pid.iter().any(|t| t.stats.ac_tgid == want))
                    {
                        continue;
                    }
                    seen += 1;
                    print(&mut out, &stats, json, false)?;
                }
                Item::Event { event: Exit::Refused(errno), .. } => {
                    let e = std::io::Error::from_raw_os_error(errno);
                    bail!("the kernel refused to register CPUs \"{cpumask}\": {e}")
                }
                Item::Event { event: Exit::Other(_), .. } => {}
                Item::Overrun => crate::report::note!("exit notices were lost (ENOBUFS)"),
                Item::Refused { sender, reason } => {
                    crate::report::note!("refused a datagram from port {}: {reason}", sender.port)
                }
                Item::Malformed(e) => crate::report::note!("an exit notice did not read: {e}"),
            }
        }
        out.flush()?;
    }
    Ok(())
}

/// One task's JSON: who, then every field of the structure.
fn task_json(kind: &str, t: &Task) -> Value {
    let mut bytes = t.stats.to_bytes().to_vec();
    bytes.extend_from_slice(&t.tail);
    let mut v = struct_json(&<Taskstats as FixedStruct>::META, &bytes);
    if let Value::Object(m) = &mut v {
        m.insert(kind.into(), t.id.into());
    }
    v
}

fn print(out: &mut impl Write, s: &Stats, json: bool, pretty: bool) -> Result<()> {
    if json {
        let mut v = serde_json::Map::new();
        if let Some(t) = &s.pid {
            v.insert("pid".into(), task_json("pid", t));
        }
        if let Some(t) = &s.tgid {
            v.insert("tgid".into(), task_json("tgid", t));
        }
        let v = Value::Object(v);
        match pretty {
            true => writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?,
            false => writeln!(out, "{v}")?,
        }
        return Ok(());
    }
    for (kind, t) in [("pid", &s.pid), ("tgid", &s.tgid)] {
        if let Some(t) = t {
            text(out, kind, t)?;
        }
    }
    Ok(())
}

fn text(out: &mut impl Write, kind: &str, t: &Task) -> Result<()> {
    let s = &t.stats;
    let comm = s.ac_comm.as_str().unwrap_or("?");
    writeln!(
        out,
        "{kind} {} comm {comm} tgid {} ppid {} uid {} gid {} (version {})",
        t.id, s.ac_tgid, s.ac_ppid, s.ac_uid, s.ac_gid, s.version
    )?;
    writeln!(
        out,
        "    exit code {} flags {:#04x} nice {} sched {} began {} elapsed {} us",
        s.ac_exitcode, s.ac_flag, s.ac_nice as i8, s.ac_sched, s.ac_btime64, s.ac_etime
    )?;
    writeln!(
        out,
        "    cpu user {} us system {} us run real {} ns virtual {} ns",
        s.ac_utime, s.ac_stime, s.cpu_run_real_total, s.cpu_run_virtual_total
    )?;
    writeln!(
        out,
        "    faults minor {} major {} switches voluntary {} involuntary {}",
        s.ac_minflt, s.ac_majflt, s.nvcsw, s.nivcsw
    )?;
    writeln!(
        out,
        "    memory hiwater rss {} KB vm {} KB coremem {} MB-us virtmem {} MB-us",
        s.hiwater_rss, s.hiwater_vm, s.coremem, s.virtmem
    )?;
    writeln!(
        out,
        "    io read {} B in {} syscalls storage {} B write {} B in {} syscalls storage {} B cancelled {} B",
        s.read_char, s.read_syscalls, s.read_bytes, s.write_char, s.write_syscalls, s.write_bytes,
        s.cancelled_write_bytes
    )?;
    writeln!(out, "    delays       count     total ns   average ns")?;
    for (name, count, total) in delays(s) {
        let avg = total.checked_div(count).unwrap_or(0);
        writeln!(out, "      {name:<9} {count:>8} {total:>12} {avg:>12}")?;
    }
    if !t.tail.is_empty() {
        writeln!(out, "    ({} more bytes of a newer structure: -j shows them)", t.tail.len())?;
    }
    Ok(())
}

fn delays(s: &Taskstats) -> [(&'static str, u64, u64); 7] {
    [
        ("cpu", s.cpu_count, s.cpu_delay_total),
        ("blkio", s.blkio_count, s.blkio_delay_total),
        ("swapin", s.swapin_count, s.swapin_delay_total),
        ("freepages", s.freepages_count, s.freepages_delay_total),
        ("thrashing", s.thrashing_count, s.thrashing_delay_total),
        ("compact", s.compact_count, s.compact_delay_total),
        ("wpcopy", s.wpcopy_count, s.wpcopy_delay_total),
    ]
}
