#!/usr/bin/env python3
"""Generates nlkit's family tables from YNL specs (pinned in specs/ynl/: 6.12/,
and latest/ for families 6.12 has no spec of, see its SOURCES.md):
for each attribute set an `attr_set!` table (view, builder, metadata) with
one row per attribute, the attribute-type constants, and the spec's enums
and flags as constants. Hand-written code (derived values, printing) goes
beside the generated file, never in it.

Usage: tools/gen-ynl.py NAME > FILE, NAME one of the targets below;
tools/gen-ynl.py --targets lists them with their files (tools/check-generated.sh
runs every target and compares).
"""
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPECS = os.path.join(ROOT, "specs", "ynl")

# name: (spec file, output path, fixed header of the sets operations use,
#        uapi headers (in the pinned snapshot) to check the constants against)
TARGETS = {
    "nlctrl": ("6.12/nlctrl.yaml", "crates/nlkit/src/genl/nlctrl.rs", "crate::genl::GenlMsgHdr",
               ["genetlink.h", "netlink.h"]),
    # netdev.h is newer than the 6.1 snapshot (6.3): nothing to check against.
    "netdev": ("latest/netdev.yaml", "crates/nlkit/src/genl/netdev/tables.rs", "crate::genl::GenlMsgHdr", []),
    "tcp_metrics": ("6.12/tcp_metrics.yaml", "crates/nlkit/src/genl/tcp_metrics/tables.rs",
                    "crate::genl::GenlMsgHdr", ["tcp_metrics.h"]),
    "mptcp_pm": ("6.12/mptcp_pm.yaml", "crates/nlkit/src/genl/mptcp_pm/tables.rs",
                 "crate::genl::GenlMsgHdr", ["mptcp.h"]),
    "ethtool": ("6.12/ethtool.yaml", "crates/nlkit/src/genl/ethtool/tables.rs",
                "crate::genl::GenlMsgHdr", ["ethtool_netlink.h"]),
    # handshake.h is newer than the 6.1 snapshot (6.4): nothing to check against.
    "handshake": ("6.12/handshake.yaml", "crates/nlkit/src/genl/handshake/tables.rs",
                  "crate::genl::GenlMsgHdr", []),
    # wireguard has no spec in 6.12 (latest/'s is mainline's, SOURCES.md), and
    # wireguard.h is not in the 6.1 snapshot: nothing to check against.
    "wireguard": ("latest/wireguard.yaml", "crates/nlkit/src/genl/wireguard/tables.rs",
                  "crate::genl::GenlMsgHdr", []),
    # conntrack has no spec in 6.12; latest/'s matches mainline (SOURCES.md).
    "conntrack": ("latest/conntrack.yaml", "crates/nlkit/src/netfilter/conntrack/tables.rs",
                  "crate::netfilter::NfGenMsg", ["netfilter/nfnetlink_conntrack.h"]),
}
UAPI = os.path.join(ROOT, "tools", "uapi", "linux-6.1", "linux")


def header_constants(headers):
    """The enum and #define values of the pinned headers (gen-uapi's reader)."""
    import importlib.util
    path = os.path.join(ROOT, "tools", "gen-uapi.py")
    loader = importlib.util.spec_from_file_location("gen_uapi", path)
    mod = importlib.util.module_from_spec(loader)
    argv, sys.argv = sys.argv, [path]
    try:
        src = open(path).read().replace("\nmain()\n", "\n")
        exec(compile(src, path, "exec"), mod.__dict__)
    finally:
        sys.argv = argv
    known = {}
    for h in headers:
        mod.parse(os.path.join(UAPI, h), known)
    return known

KEYWORDS = {"type", "do", "match", "ref", "mod", "fn", "in", "loop", "move", "self", "use", "where",
            "struct", "enum", "impl", "trait", "const", "static", "let", "if", "else", "for",
            "while", "return", "break", "continue", "as", "crate", "super", "true", "false", "dyn",
            "pub", "priv", "box", "async", "await", "yield", "unsafe", "extern", "macro"}

INT = {"u8": ("U8", "u8"), "u16": ("U16", "u16"), "u32": ("U32", "u32"), "u64": ("U64", "u64"),
       "s8": ("I8", "i8"), "s16": ("I16", "i16"), "s32": ("I32", "i32"), "s64": ("I64", "i64"),
       "uint": ("Uint", "u64"), "sint": ("Sint", "i64")}
BE = {"u16": ("Be16", "u16"), "u32": ("Be32", "u32"), "u64": ("Be64", "u64")}


def camel(name):
    return "".join(p.capitalize() for p in re.split(r"[-_]", name))


def snake(name):
    # conntrack's spec spells one attribute `labels mask`.
    s = name.replace("-", "_").replace(" ", "_")
    return s + "_" if s in KEYWORDS else s


def c_ident(name):
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def doc_lines(text, indent):
    if not text:
        return []
    words = " ".join(text.split())
    out, line = [], ""
    for w in words.split(" "):
        if len(line) + len(w) + 1 > 88 - indent - 4 and line:
            out.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    if line:
        out.append(line)
    return [" " * indent + "/// " + l.replace("[", "\\[").replace("]", "\\]") for l in out]


def is_genetlink(spec):
    return spec.get("protocol", "genetlink").startswith("genetlink")


def rows(spec, aset, sets):
    """(field, c_name, value, codec, view type) or (None, ...) for known-only rows."""
    if "subset-of" in aset:
        # A subset: the parent's attributes (type, number, name), some of them.
        parent = {r[5]["name"]: r for r in rows(spec, sets[aset["subset-of"]], sets)}
        return [parent[a["name"]] for a in aset["attributes"]]
    default = f"{spec['name']}-a-{aset['name']}-" if is_genetlink(spec) else f"{aset['name']}-"
    prefix = aset.get("name-prefix", default)
    value = 0
    out = []
    for a in aset["attributes"]:
        value = a.get("value", value + 1)
        c_name = c_ident(prefix + a["name"])
        t = a["type"]
        codec, vty = None, None
        if a.get("multi-attr"):
            pass  # repeated: read on demand from the raw attributes
        elif t in INT:
            codec, vty = (BE if a.get("byte-order") == "big-endian" and t in BE else INT)[t]
            names = enum_module(spec, a)
            if names and not t.startswith("s"):
                codec = f"Named<{codec}, {names}::Values>"
        elif t == "flag":
            codec, vty = "Flag", "bool"
        elif t == "string":
            codec, vty = "Str", "&'a str"
        elif t == "binary":
            codec, vty = "Bin", "&'a [u8]"
        elif t == "nest" and a.get("nested-attributes") in sets:
            n = camel(a["nested-attributes"])
            codec, vty = f"{n}<'static>", f"{n}<'a>"
        elif t == "indexed-array" and a.get("sub-type") == "nest":
            n = camel(a["nested-attributes"])
            codec, vty = f"IndexedArray<{n}<'static>>", f"Indexed<'a, {n}<'static>>"
        # `header` is the view's fixed header (ethtool calls its device
        # nest `header`).
        field = "header_nest" if snake(a["name"]) == "header" else snake(a["name"])
        out.append((field, c_name, value, codec, vty, a))
    return out


def enum_module(spec, a):
    """The module of the definition whose names an integer attribute's
    values have, or None (no definition, or an enum read as flags, whose
    names are bit numbers)."""
    d = next((d for d in spec.get("definitions", []) if d["name"] == a.get("enum")), None)
    if d is None or d["type"] not in ("enum", "flags"):
        return None
    if a.get("enum-as-flags") and d["type"] != "flags":
        return None
    return mod_name(d["name"])


def mod_name(name):
    return snake(name).rstrip("_") + "_" if snake(name) in KEYWORDS else snake(name)


def attr_doc(a, c_name):
    kind = a["type"]
    extra = []
    if a.get("enum"):
        extra.append(f"values from `{a['enum']}`" + (" (flags)" if a.get("enum-as-flags") else ""))
    if a.get("nested-attributes"):
        extra.append(f"nest of `{a['nested-attributes']}`")
    if a.get("multi-attr"):
        extra.append("repeated; read from the raw attributes")
    head = f"`{c_name}` ({kind}{', ' + ', '.join(extra) if extra else ''})."
    return head + (" " + a["doc"] if a.get("doc") else "")


def main():
    if sys.argv[1] == "--targets":
        for name, t in TARGETS.items():
            print(name, t[1])
        return
    target = sys.argv[1]
    spec_file, out_path, header, headers = TARGETS[target]
    spec = yaml.safe_load(open(os.path.join(SPECS, spec_file)))
    uapi = header_constants(headers)
    sets = {s["name"]: s for s in spec["attribute-sets"]}
    top = {op.get("attribute-set") for op in spec.get("operations", {}).get("list", [])}
    lines = []
    p = lambda text="": lines.append(text)
    p(f"//! The `{spec['name']}` family's tables, generated by tools/gen-ynl.py from")
    p(f"//! `specs/ynl/{spec_file}` (pinned; see specs/ynl/README.md). Do not edit by hand: CI")
    p("//! regenerates this file and fails on any difference.")
    for l in doc_lines(spec.get("doc"), 0):
        p("//!" + l[3:])
    p("#![allow(missing_docs)]")
    p("")
    p("use crate::proto::codec::*;")
    p("use crate::proto::NoHeader;")
    p("")
    # definitions: enums and flags as constants
    for d in spec.get("definitions", []):
        if d["type"] not in ("enum", "flags"):
            continue
        p(f"/// `{d['name']}` ({d['type']}).")
        p(f"pub mod {mod_name(d['name'])} {{")
        start = d.get("value-start", 0)
        names = []
        for i, e in enumerate(d["entries"]):
            name = e if isinstance(e, str) else e["name"]
            names.append((c_ident(name), name))
            if d["type"] == "flags":
                p(f"    pub const {c_ident(name)}: u32 = 1 << {start + i};")
            else:
                p(f"    pub const {c_ident(name)}: u32 = {start + i};")
        p("    /// Each value with the spec's name for it.")
        p("    pub const NAMES: &[(u32, &str)] = &[")
        for c, n in names:
            p(f"        ({c}, \"{n}\"),")
        p("    ];")
        p("    /// The names, for the rows whose values they are.")
        p("    #[derive(Debug, Clone, Copy)]")
        p("    pub struct Values;")
        p("    impl crate::proto::codec::Names for Values {")
        p("        const META: &'static crate::proto::EnumMeta = &crate::proto::EnumMeta {")
        p(f"            name: \"{d['name']}\",")
        p(f"            flags: {'true' if d['type'] == 'flags' else 'false'},")
        p("            values: NAMES,")
        p("        };")
        p("    }")
        p("}")
        p("")
    # command numbers (the unified model: one sequence from 1, replies and
    # notifications sharing the request's number space)
    ops = spec.get("operations", {})
    if ops.get("enum-model", "unified") == "unified" and ops.get("list"):
        prefix = ops.get("name-prefix", f"{spec['name']}-cmd-")
        value = 0
        for op in ops["list"]:
            value = op.get("value", value + 1)
            c_name = c_ident(prefix + op["name"])
            if c_name in uapi and uapi[c_name] != value:
                value = uapi[c_name]
            for l in doc_lines(op.get("doc"), 0):
                p(l)
            p(f"pub const {c_name}: u8 = {value};")
        p("")
        groups = spec.get("mcast-groups", {}).get("list", [])
        for g in groups:
            p(f"/// The multicast group `{g['name']}`.")
            p(f"pub const MCGRP_{c_ident(g['name'])}: &str = \"{g['name']}\";")
        if groups:
            p("")
    # command numbers (the directional model: requests numbered in one
    # sequence, replies and notifications in another, as the kernel's
    # YNL library numbers them; `_REPLY` names a reply, as the uapi does)
    # genetlink commands are the genlmsghdr's u8; a raw family's are the
    # nlmsg_type itself (nfnetlink: subsystem << 8 | message).
    cmd_type = "u8" if is_genetlink(spec) else "u16"
    if ops.get("enum-model") == "directional" and ops.get("list"):
        prefix = ops.get("name-prefix", f"{spec['name']}-msg-")
        start = ops.get("values-start", 1)
        req_val = req_next = rsp_val = rsp_next = start
        for op in ops["list"]:
            ntf = "notify" in op or "event" in op
            if ntf:
                rsp_val = op.get("value", rsp_val)
                req_next, rsp_next, req_val = req_val, rsp_val + 1, None
            else:
                mode = op.get("do") or op.get("dump") or {}
                req_val = (mode.get("request") or {}).get("value", req_val)
                rsp_val = (mode.get("reply") or {}).get("value", rsp_val)
                req_next = req_val + 1
                rsp_next = rsp_val + (1 if "reply" in mode else 0)
            if req_val == req_next:
                req_val = None
            if rsp_val == rsp_next:
                rsp_val = None
            c_name = c_ident(prefix + op["name"])
            for name, value in ((c_name, req_val),
                                (c_name if ntf else c_name + "_REPLY", rsp_val)):
                if value is None:
                    continue
                if name in uapi and uapi[name] != value:
                    p(f"/// The spec's order gives {value}; the uapi header says {uapi[name]}.")
                    value = uapi[name]
                p(f"pub const {name}: {cmd_type} = {value};")
            req_val, rsp_val = req_next, rsp_next
        p("")
    # which attribute set each command's requests use, for naming what the
    # controller's policy dumps describe
    op_sets = []
    value = 0
    for op in ops.get("list", []):
        value = op.get("value", value + 1)
        aset = op.get("attribute-set")
        if not aset or aset not in sets:
            continue
        if ops.get("enum-model", "unified") == "unified":
            op_sets.append((value, aset))
        else:
            for mode in ("do", "dump"):
                req = (op.get(mode) or {}).get("request") or {}
                if "value" in req and (req["value"], aset) not in op_sets:
                    op_sets.append((req["value"], aset))
    if op_sets and is_genetlink(spec):
        p("/// Each command with the attribute set its requests use.")
        p("pub const OP_SETS: &[(u8, &crate::proto::SetMeta)] = &[")
        for v, aset in op_sets:
            p(f"    ({v}, &{camel(aset)}::<'static>::META),")
        p("];")
        p("")
    # attribute-type constants; where the pinned uapi header has the name,
    # its value wins (and the disagreement is written down)
    printed = set()
    for s in spec["attribute-sets"]:
        for field, c_name, value, codec, vty, a in rows(spec, s, sets):
            if c_name in printed:
                continue  # a subset's rows are its parent's
            printed.add(c_name)
            if c_name in uapi and uapi[c_name] != value:
                p(f"/// The spec's order gives {value}; `<linux/{'>/<linux/'.join(headers)}>` says")
                p(f"/// {uapi[c_name]}, which is what the kernel uses.")
                value = uapi[c_name]
            p(f"pub const {c_name}: u16 = {value};")
    p("")
    for s in spec["attribute-sets"]:
        name = camel(s["name"])
        hdr = header if s["name"] in top else "NoHeader"
        p("crate::attr_set! {")
        for l in doc_lines(s.get("doc") or f"The `{s['name']}` attribute set.", 4):
            p(l)
        p("    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]")
        p(f"    pub struct {name}<'a>: {hdr}, set \"{s['name']}\" {{")
        known = []
        for field, c_name, value, codec, vty, a in rows(spec, s, sets):
            if codec is None:
                known.append((field, c_name, a))
                continue
            for l in doc_lines(attr_doc(a, c_name), 8):
                p(l)
            p(f"        pub {field}: Option<{vty}> = {c_name} as {codec},")
        p("    }")
        if known:
            p("    known {")
            for field, c_name, a in known:
                for l in doc_lines(attr_doc(a, c_name), 8):
                    p(l)
                nest = a.get("nested-attributes")
                codec = f"RawNest<{camel(nest)}<'static>>" if a["type"] == "nest" and nest in sets else "Raw"
                p(f"        {field} = {c_name} as {codec},")
            p("    }")
        p("    owned")
        p(f"    /// A `{s['name']}` set to send.")
        p(f"    pub struct {name}Builder;")
        p("}")
        p("")
    # As `cargo fmt` leaves it (the repository's rustfmt settings), so the
    # checked-in file and a fresh run compare equal.
    import subprocess
    text = "\n".join(lines).rstrip("\n") + "\n"
    fmt = subprocess.run(["rustfmt", "--edition", "2021", "--emit", "stdout",
                          "--config-path", ROOT], input=text, capture_output=True, text=True)
    if fmt.returncode != 0:
        sys.exit(f"gen-ynl: rustfmt failed: {fmt.stderr}")
    sys.stdout.write(fmt.stdout)


main()
