//! `nlkit spec`: any family by its YNL spec, at run time (`nlkit-spec`):
//! `--list-ops`, `--list-attrs OP`, `--validate`, `--do OP` and `--dump OP`
//! with `--json '{...}'` (the kernel's `tools/net/ynl/cli.py` input), and
//! `--subscribe GROUP`. Replies print as JSON, one object per line (`-p`:
//! indented); lists print as text, or JSON with `-j`.

use crate::cli::SpecArgs;
use anyhow::{anyhow, bail, Context, Result};
use nlkit::wire::Flags;
use nlkit::Answer;
use nlkit_spec::client::Client;
use nlkit_spec::model::Mode;
use nlkit_spec::Spec;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where `--family` looks: `$NLKIT_SPEC_PATH`, the system's YNL specs,
/// then nlkit's own (newer first).
fn search_path() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("NLKIT_SPEC_PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.push("/usr/share/ynl/specs".into());
    let tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/ynl");
    dirs.push(tree.join("latest"));
    dirs.push(tree.join("6.12"));
    dirs
}

fn load(args: &SpecArgs) -> Result<Spec> {
    let path = match (&args.spec, &args.family) {
        (Some(p), _) => p.clone(),
        (None, Some(f)) => {
            let dirs = search_path();
            let refs: Vec<&Path> = dirs.iter().map(PathBuf::as_path).collect();
            Spec::find(f, &refs).ok_or_else(|| {
                let shown: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
                anyhow!("no spec for family {f} in {}", shown.join(", "))
            })?
        }
        (None, None) => bail!("which spec? --spec FILE or --family NAME"),
    };
    Ok(Spec::load_with(path, !args.no_schema)?)
}

pub fn run(args: &SpecArgs, netns: Option<&str>, json: bool, pretty: bool) -> Result<()> {
    run_spec(args, netns, json, pretty).map_err(|e| match e.downcast::<nlkit_spec::Error>() {
        Ok(e) => error(e),
        Err(e) => e,
    })
}

/// A spec client's error as the CLI reports errors: the kernel's refusal
/// as every command reports it, with where its extended ACK points (by the
/// request's attribute names) before it.
pub(crate) fn error(e: nlkit_spec::Error) -> anyhow::Error {
    match e {
        nlkit_spec::Error::Netlink(n) => n.into(),
        nlkit_spec::Error::Rejected { error, located } => {
            anyhow::Error::from(error).context(located.to_string())
        }
        other => other.into(),
    }
}

fn run_spec(args: &SpecArgs, netns: Option<&str>, json: bool, pretty: bool) -> Result<()> {
    let spec = load(args)?;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    let print = |out: &mut dyn Write, v: &Value| print_value(out, v, pretty);
    if args.validate {
        writeln!(
            out,
            "{}: valid {} spec, {} operations, {} attribute sets",
            spec.name,
            spec.protocol,
            spec.ops.len(),
            spec.sets.len()
        )?;
        return Ok(out.flush()?);
    }
    if args.list_ops {
        list_ops(&spec, &mut out, json, pretty)?;
        return Ok(out.flush()?);
    }
    if let Some(op) = &args.list_attrs {
        list_attrs(&spec, op, &mut out, json, pretty)?;
        return Ok(out.flush()?);
    }
    let request = match &args.request {
        Some(text) => object(text, "--json")?,
        None => Map::new(),
    };
    let mut client = Client::open_in(&spec, netns)?;
    client.set_check_policy(!args.no_policy_check);
    if let Some(op) = &args.do_ {
        for reply in client.do_with(op, &request, change_flags(args))? {
            print(&mut out, &reply)?;
        }
        return Ok(out.flush()?);
    }
    if !args.multi.is_empty() {
        multi(&mut client, args, &mut out, json, pretty)?;
        return Ok(out.flush()?);
    }
    if let Some(op) = &args.dump {
        // Written straight from each reply's walk, with no value between.
        let mut failed = None;
        client.dump_replies(op, &request, |r| {
            if failed.is_none() {
                failed = match pretty {
                    true => print(&mut out, &r.to_json()).err(),
                    false => writeln!(out, "{}", r.to_text()).err().map(Into::into),
                };
            }
        })?;
        return failed.map_or(Ok(out.flush()?), Err);
    }
    if let Some(group) = &args.subscribe {
        let until =
            (args.timeout > 0.0).then(|| Instant::now() + Duration::from_secs_f64(args.timeout));
        let mut failed = None;
        client.subscribe(group, args.count, until, |m| {
            let v = json!({"name": m.op, "msg": m.value});
            // Each notification is written out as it comes.
            failed = print(&mut out, &v).and_then(|()| Ok(out.flush()?)).err();
            failed.is_none()
        })?;
        return failed.map_or(Ok(()), Err);
    }
    bail!("nothing to do: --list-ops, --list-attrs OP, --validate, --do OP, --dump OP, --multi OP JSON or --subscribe GROUP")
}

/// A JSON object given on the command line (`what`: the option).
fn object(text: &str, what: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str(text).with_context(|| what.to_string())? {
        Value::Object(m) => Ok(m),
        other => bail!("{what}: expected an object, found {other}"),
    }
}

/// The request flags `--create`, `--excl`, `--replace` and `--append` ask for.
fn change_flags(args: &SpecArgs) -> Flags {
    let mut flags = Flags::empty();
    for (on, f) in [
        (args.create, Flags::CREATE),
        (args.excl, Flags::EXCL),
        (args.replace, Flags::REPLACE),
        (args.append, Flags::APPEND),
    ] {
        if on {
            flags |= f;
        }
    }
    flags
}

/// `--multi OP JSON ...`: the operations as one datagram (a batch where the
/// family has them). Prints the replies of operations that answer with
/// data, as `--do` does, and is otherwise silent when all went well (as
/// `nft`); with `-j`, each outcome, its replies included; an error naming
/// every refused operation (numbered as given) when any was refused.
fn multi(
    client: &mut Client<'_>,
    args: &SpecArgs,
    out: &mut dyn Write,
    json: bool,
    pretty: bool,
) -> Result<()> {
    let mut ops = Vec::with_capacity(args.multi.len() / 2);
    for pair in args.multi.chunks(2) {
        let [op, text] = pair else { bail!("--multi takes OP and JSON") };
        ops.push((op.clone(), object(text, &format!("--multi {op}"))?));
    }
    let outcomes = client.transaction(&ops, change_flags(args)).map_err(error)?;
    if json {
        let list: Vec<Value> = outcomes
            .iter()
            .map(|o| {
                let mut v = json!({"op": o.op, "added": o.added});
                let m = v.as_object_mut().expect("an object");
                match &o.answer {
                    Answer::Acked => m.insert("answer".into(), "ack".into()),
                    Answer::None => m.insert("answer".into(), "none".into()),
                    Answer::Refused(k) => {
                        m.insert("answer".into(), "error".into());
                        m.insert("errno".into(), k.errno.into());
                        m.insert("error".into(), k.to_string().into())
                    }
                };
                if let Some(l) = &o.located {
                    m.insert("at".into(), l.to_string().into());
                }
                if !o.replies.is_empty() {
                    m.insert("replies".into(), o.replies.clone().into());
                }
                v
            })
            .collect();
        print_value(out, &Value::Array(list), pretty)?;
    } else {
        for reply in outcomes.iter().flat_map(|o| &o.replies) {
            print_value(out, reply, pretty)?;
        }
    }
    let mut given = 0;
    let mut refused = Vec::new();
    for o in &outcomes {
        given += usize::from(!o.added);
        if let Answer::Refused(k) = &o.answer {
            let which =
                if o.added { o.op.clone() } else { format!("{} (operation {given})", o.op) };
            let at = o.located.as_ref().map(|l| format!(" ({l})")).unwrap_or_default();
            refused.push(format!("{which}: {k}{at}"));
        }
    }
    if refused.is_empty() {
        return Ok(());
    }
    out.flush()?;
    let batch = outcomes.first().is_some_and(|o| o.op == "batch-begin");
    match batch {
        true => bail!("the batch was not applied: {}", refused.join("; ")),
        false => bail!("{} of {} refused: {}", refused.len(), ops.len(), refused.join("; ")),
    }
}

/// One JSON value on a line (`-p`: indented).
fn print_value(out: &mut dyn Write, v: &Value, pretty: bool) -> Result<()> {
    let text = if pretty { serde_json::to_string_pretty(v)? } else { v.to_string() };
    writeln!(out, "{text}")?;
    Ok(())
}

fn list_ops(spec: &Spec, out: &mut dyn Write, json: bool, pretty: bool) -> Result<()> {
    let kinds = |o: &nlkit_spec::model::Op| {
        let mut k = Vec::new();
        if o.do_.is_some() {
            k.push("do");
        }
        if o.dump.is_some() {
            k.push("dump");
        }
        if o.event.is_some() {
            k.push("event");
        }
        k
    };
    if json {
        let ops: Vec<Value> = spec
            .ops
            .iter()
            .map(|o| json!({"name": o.name, "value": o.request_value, "reply-value": o.reply_value,
                            "kinds": kinds(o), "attribute-set": o.set, "mcgrp": o.group, "doc": o.doc.trim()}))
            .collect();
        let v = json!({"name": spec.name, "protocol": spec.protocol, "operations": ops,
                       "mcast-groups": spec.groups.iter().map(|(n, _)| n).collect::<Vec<_>>()});
        return print_value(out, &v, pretty);
    }
    writeln!(out, "{} ({}): {} operations", spec.name, spec.protocol, spec.ops.len())?;
    for o in &spec.ops {
        let set = o.set.as_deref().unwrap_or("-");
        writeln!(out, "  {:<28} {:>5}  {:<14} {set}", o.name, o.request_value, kinds(o).join(","))?;
    }
    if !spec.groups.is_empty() {
        let g: Vec<&str> = spec.groups.iter().map(|(n, _)| n.as_str()).collect();
        writeln!(out, "multicast groups: {}", g.join(", "))?;
    }
    Ok(())
}

fn list_attrs(spec: &Spec, op: &str, out: &mut dyn Write, json: bool, pretty: bool) -> Result<()> {
    let o = spec.op(op).ok_or_else(|| anyhow!("{} has no operation {op}", spec.name))?;
    let set = o.set.as_deref().and_then(|s| spec.set(s));
    let describe = |name: &str| -> Value {
        match set.and_then(|s| s.by_name(name)) {
            Some(a) => {
                let mut v = json!({"name": a.name, "type": a.kind.name(), "value": a.value});
                let m = v.as_object_mut().expect("an object");
                for (k, x) in [
                    ("nested-attributes", &a.nested),
                    ("enum", &a.enumeration),
                    ("display-hint", &a.hint),
                    ("struct", &a.layout),
                ] {
                    if let Some(x) = x {
                        m.insert(k.into(), x.clone().into());
                    }
                }
                if let Some(e) = a.enumeration.as_deref().and_then(|e| spec.enumeration(e)) {
                    m.insert("values".into(), e.entries.iter().map(|(n, _)| n.clone()).collect());
                }
                if a.multi {
                    m.insert("multi-attr".into(), true.into());
                }
                if let Some(c) = &a.checks {
                    m.insert("checks".into(), c.clone());
                }
                if !a.doc.is_empty() {
                    m.insert("doc".into(), a.doc.trim().into());
                }
                v
            }
            // A fixed-header field, or a name the set lacks.
            None => json!({"name": name}),
        }
    };
    let mode = |m: &Option<Mode>| -> Value {
        m.as_ref().map_or(Value::Null, |m| {
            json!({"request": m.request.iter().map(|n| describe(n)).collect::<Vec<_>>(),
                   "reply": m.reply.as_ref().map(|r| r.iter().map(|n| describe(n)).collect::<Vec<_>>())})
        })
    };
    let v = json!({"name": o.name, "attribute-set": o.set, "fixed-header": o.fixed_header,
                   "do": mode(&o.do_), "dump": mode(&o.dump),
                   "event": o.event.as_ref().map(|e| e.iter().map(|n| describe(n)).collect::<Vec<_>>())});
    if json {
        return print_value(out, &v, pretty);
    }
    writeln!(out, "{} (attribute set {})", o.name, o.set.as_deref().unwrap_or("-"))?;
    for (kind, part) in [("do", &v["do"]), ("dump", &v["dump"])] {
        for dir in ["request", "reply"] {
            let Some(attrs) = part[dir].as_array() else { continue };
            writeln!(out, "  {kind} {dir}:")?;
            for a in attrs {
                let extra = ["enum", "nested-attributes", "display-hint", "struct"]
                    .iter()
                    .filter_map(|k| a[*k].as_str().map(|x| format!(" {k} {x}")))
                    .collect::<String>();
                let ty = a["type"].as_str().unwrap_or("(fixed header)");
                writeln!(out, "    {:<24} {ty}{extra}", a["name"].as_str().unwrap_or(""))?;
            }
        }
    }
    Ok(())
}
