//! `nlkit genl`: the generic netlink controller. `list` and `show NAME`
//! print what `genl ctrl list` / `genl ctrl get name NAME` print (iproute2
//! 6.1's `print_ctrl`, quirks included: a family's operation flags are
//! shown only when the family's own version is 2 or more); `policy NAME
//! [op OP]` prints what `genl ctrl policy name NAME` prints, one line per
//! controller message. `-j` gives the same as JSON (genl has none).

use crate::cli::GenlCommand;
use crate::kernel::print_json;
use anyhow::Result;
use nlkit::genl::ctrl::{self, CtrlChange, CtrlEvent, CtrlNotify, Family, Op, Policy, PolicyAttr};
use nlkit::sub::{Item, Subscription};
use nlkit::{Conn, Netns, Protocol};
use serde_json::{json, Value};
use std::io::{BufWriter, Write};

pub fn run(cmd: &GenlCommand, netns: Option<&str>, json: bool, pretty: bool) -> Result<()> {
    let mut conn = match netns {
        Some(name) => Conn::open_in(Netns::Name(name), Protocol::GENERIC)?,
        None => Conn::open(Protocol::GENERIC)?,
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    match cmd {
        GenlCommand::List => {
            let families = conn.run(ctrl::families())?;
            if json {
                return print_json(
                    &Value::Array(families.iter().map(family_json).collect()),
                    pretty,
                );
            }
            for f in &families {
                print_family(&mut out, f)?;
            }
        }
        GenlCommand::Show { name } => {
            let f = conn.resolve_family(name)?;
            if json {
                return print_json(&family_json(&f), pretty);
            }
            print_family(&mut out, &f)?;
        }
        GenlCommand::Do { name, op, attrs } | GenlCommand::Dump { name, op, attrs } => {
            let dump = matches!(cmd, GenlCommand::Dump { .. });
            return by_policy(&mut conn, netns, name, *op, attrs.as_deref(), dump, &mut out);
        }
        GenlCommand::Monitor { count, timeout } => {
            return monitor(netns, *count, crate::words::values::duration(*timeout), json);
        }
        GenlCommand::Policy { name, op } => {
            let policy = match conn.run(ctrl::policy(name, *op)) {
                // ENOENT: no such family, or (with --op) no such operation.
                Err(e) if e.errno() == Some(libc::ENOENT) => {
                    conn.resolve_family(name)?;
                    anyhow::bail!(
                        "generic netlink family {name:?} has no operation {}",
                        op.unwrap_or_default()
                    );
                }
                other => other?,
            };
            if json {
                return print_json(&policy_json(&policy, nlkit::genl::known_ops(name)), pretty);
            }
            print_policy(&mut out, &policy)?;
        }
    }
    Ok(out.flush()?)
}

/// Runs operation `op` of family `name` by a spec made from the kernel's
/// policy (`nlkit_spec::from_policy`): the request checked against the
/// policy, the replies decoded by it.
fn by_policy(
    conn: &mut nlkit::Conn,
    netns: Option<&str>,
    name: &str,
    op: u32,
    attrs: Option<&str>,
    dump: bool,
    out: &mut impl Write,
) -> Result<()> {
    let family = conn.resolve_family(name)?;
    let policy = conn.run(ctrl::policy(name, None)).unwrap_or_default();
    let spec = nlkit_spec::Spec::from_policy(&family, &policy);
    let request: serde_json::Map<String, Value> = match attrs {
        Some(text) => match serde_json::from_str(text)? {
            Value::Object(m) => m,
            other => anyhow::bail!("--attrs: expected an object, found {other}"),
        },
        None => serde_json::Map::new(),
    };
    let op = nlkit_spec::from_policy::op_name(op);
    let mut client =
        nlkit_spec::client::Client::open_in(&spec, netns).map_err(crate::spec::error)?;
    client.set_check_policy(true);
    if dump {
        let mut failed = None;
        client
            .dump_replies(&op, &request, |r| {
                if failed.is_none() {
                    failed = writeln!(out, "{}", r.to_text()).err();
                }
            })
            .map_err(crate::spec::error)?;
        if let Some(e) = failed {
            return Err(e.into());
        }
    } else {
        for reply in client.do_(&op, &request).map_err(crate::spec::error)? {
            writeln!(out, "{reply}")?;
        }
    }
    Ok(out.flush()?)
}

/// Prints controller notifications as they come, until `count` or the
/// deadline; lost notifications are said on stderr (and in the JSON
/// stream), as `ip monitor` says them.
fn monitor(
    netns: Option<&str>,
    count: Option<u64>,
    timeout: Option<std::time::Duration>,
    json: bool,
) -> Result<()> {
    let mut sub = match netns {
        Some(name) => Subscription::open_in(Netns::Name(name), CtrlNotify)?,
        None => Subscription::open(CtrlNotify)?,
    };
    let deadline = timeout.map(|t| std::time::Instant::now() + t);
    let mut out = std::io::stdout().lock();
    let mut seen = 0;
    crate::report::note!("monitoring generic netlink families");
    while count.is_none_or(|c| seen < c) {
        let Some(batch) = sub.recv_until(deadline)? else { break };
        for item in batch {
            match item {
                Item::Event { event, .. } => {
                    seen += 1;
                    match json {
                        true => writeln!(out, "{}", ctrl_event_json(&event))?,
                        false => writeln!(out, "{}", ctrl_event_text(&event))?,
                    }
                }
                Item::Overrun => crate::report::note!("notifications were lost (ENOBUFS)"),
                Item::Refused { .. } => {}
                Item::Malformed(e) => crate::report::note!("a notification did not read: {e}"),
            }
        }
        out.flush()?;
    }
    Ok(())
}

fn ctrl_change_name(change: CtrlChange) -> String {
    match change {
        CtrlChange::NewFamily => "newfamily".to_string(),
        CtrlChange::DelFamily => "delfamily".to_string(),
        CtrlChange::NewGroup => "newgroup".to_string(),
        CtrlChange::DelGroup => "delgroup".to_string(),
        CtrlChange::Other(c) => format!("cmd {c}"),
    }
}

/// A controller notification on one line: `newfamily NAME id 0xID`, then
/// each group as ` group NAME 0xID`.
pub(crate) fn ctrl_event_text(event: &CtrlEvent) -> String {
    let f = &event.family;
    let mut s = format!("{} {} id 0x{:x}", ctrl_change_name(event.change), f.name, f.id);
    for g in &f.mcast_groups {
        s.push_str(&format!(" group {} 0x{:x}", g.name, g.id));
    }
    s
}

/// A controller notification as JSON: the family's keys and `event`.
pub(crate) fn ctrl_event_json(event: &CtrlEvent) -> Value {
    let mut v = family_json(&event.family);
    v["event"] = json!(ctrl_change_name(event.change));
    v
}

/// `print_ctrl` for a family message.
fn print_family(out: &mut impl Write, f: &Family) -> Result<()> {
    write!(out, "\nName: {}\n", f.name)?;
    write!(out, "\tID: 0x{:x} ", f.id)?;
    write!(out, " Version: 0x{:x} ", f.version)?;
    write!(out, " header size: {} ", f.hdrsize)?;
    write!(out, " max attribs: {} ", f.maxattr)?;
    writeln!(out)?;
    // ip keeps ops and groups by index in tables of 256 (0..=255).
    let ops: Vec<&Op> = f.ops.iter().filter(|o| o.index < 256).collect();
    if !f.ops.is_empty() {
        writeln!(out, "\tcommands supported: ")?;
        for op in ops {
            write!(out, "\t\t#{}: ", op.index)?;
            write!(out, " ID-0x{:x} ", op.id)?;
            if let (Some(fl), true) = (op.flags, f.version >= 2) {
                print_op_flags(out, fl)?;
            }
            writeln!(out)?;
        }
        writeln!(out)?;
    }
    if !f.mcast_groups.is_empty() {
        writeln!(out, "\tmulticast groups:")?;
        for (i, g) in f.mcast_groups.iter().enumerate().take(256) {
            write!(out, "\t\t#{}: ", i + 1)?;
            write!(out, " ID-0x{:x} ", g.id)?;
            write!(out, " name: {} ", g.name)?;
            writeln!(out)?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// `print_ctrl_cmd_flags`.
fn print_op_flags(out: &mut impl Write, fl: u32) -> Result<()> {
    use nlkit::genl::nlctrl::op_flags::*;
    write!(out, "\n\t\tCapabilities (0x{fl:x}):\n ")?;
    if fl == 0 {
        writeln!(out)?;
        return Ok(());
    }
    write!(out, "\t\t ")?;
    for (bit, words) in [
        (ADMIN_PERM, " requires admin permission;"),
        (CMD_CAP_DO, " can doit;"),
        (CMD_CAP_DUMP, " can dumpit;"),
        (CMD_CAP_HASPOL, " has policy"),
    ] {
        if fl & bit != 0 {
            write!(out, "{words}")?;
        }
    }
    writeln!(out)?;
    Ok(())
}

/// `print_ctrl` for each `CTRL_CMD_GETPOLICY` message: the kernel sends
/// one per operation, then one per attribute of each policy.
fn print_policy(out: &mut impl Write, p: &Policy) -> Result<()> {
    for op in &p.ops {
        write!(out, "\tID: 0x{:x} ", p.family_id)?;
        write!(out, " op {} policies:", op.op)?;
        if let Some(d) = op.do_policy {
            write!(out, " do={d}")?;
        }
        if let Some(d) = op.dump_policy {
            write!(out, " dump={d}")?;
        }
        writeln!(out)?;
    }
    for a in &p.attrs {
        write!(out, "\tID: 0x{:x} ", p.family_id)?;
        write!(out, " policy[{}]:", a.policy)?;
        write!(out, "attr[{}]: type={}", a.attr, ip_type_name(a))?;
        if let Some(v) = a.nested_policy {
            write!(out, " policy:{v}")?;
        }
        if let Some(v) = a.nested_maxtype {
            write!(out, " maxattr:{v}")?;
        }
        if let Some((lo, hi)) = a.range_s {
            write!(out, " range:[{lo},{hi}]")?;
        }
        if let Some((lo, hi)) = a.range_u {
            write!(out, " range:[{lo},{hi}]")?;
        }
        if let Some(v) = a.min_len {
            write!(out, " min len:{v}")?;
        }
        if let Some(v) = a.max_len {
            write!(out, " max len:{v}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// iproute2 6.1 names the types up to `BITFIELD32`; newer ones (`SINT`,
/// `UINT`, 6.7) are "unknown" to it.
fn ip_type_name(a: &PolicyAttr) -> &'static str {
    match a.kind_name() {
        "SINT" | "UINT" => "unknown",
        name => name,
    }
}

fn family_json(f: &Family) -> Value {
    let ops: Vec<Value> = f
        .ops
        .iter()
        .map(|o| json!({"index": o.index, "id": o.id, "flags": o.flag_names()}))
        .collect();
    let groups: Vec<Value> =
        f.mcast_groups.iter().map(|g| json!({"name": g.name, "id": g.id})).collect();
    json!({
        "name": f.name, "id": f.id, "version": f.version, "hdrsize": f.hdrsize,
        "maxattr": f.maxattr, "ops": ops, "mcast_groups": groups,
    })
}

/// The policy as JSON; with the family's tables, each attribute
/// of a policy an operation uses also gets the spec's `name`.
fn policy_json(p: &Policy, tables: Option<&[(u8, &'static nlkit::proto::SetMeta)]>) -> Value {
    let ops: Vec<Value> = p
        .ops
        .iter()
        .map(|o| json!({"op": o.op, "do": o.do_policy, "dump": o.dump_policy}))
        .collect();
    let attrs: Vec<Value> = p
        .attrs
        .iter()
        .map(|a| {
            let mut v =
                json!({"policy": a.policy, "attr": a.attr, "type": a.kind_name().to_lowercase()});
            let m = v.as_object_mut().expect("an object");
            let mut put = |k: &str, x: Option<Value>| {
                if let Some(x) = x {
                    m.insert(k.into(), x);
                }
            };
            put("nested_policy", a.nested_policy.map(Value::from));
            put("nested_maxattr", a.nested_maxtype.map(Value::from));
            put(
                "range",
                a.range_s.map(|(l, h)| json!([l, h])).or(a.range_u.map(|(l, h)| json!([l, h]))),
            );
            put("min_len", a.min_len.map(Value::from));
            put("max_len", a.max_len.map(Value::from));
            put("bitfield32_mask", a.bitfield32_mask.map(Value::from));
            put("mask", a.mask.map(Value::from));
            // As the spec writes it: `family-name`, `type`.
            let spec_name = |n: &str| n.trim_end_matches('_').replace('_', "-");
            put("name", tables.and_then(|t| p.attr_name(t, a)).map(|n| spec_name(n).into()));
            v
        })
        .collect();
    json!({"family_id": p.family_id, "ops": ops, "attrs": attrs})
}
