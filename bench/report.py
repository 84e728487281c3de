#!/usr/bin/env python3
"""Turns bench/run.sh's raw results into Markdown (on stdout).

Usage: report.py RAWDIR CARGO_LOCK SIZE...

RAWDIR holds, per route count N, routes-N.json (hyperfine), routes-N.rss
(name<TAB>max RSS KiB) and routes-N.meta (key<TAB>value), the same for
links (links.*), and notes.txt.
"""

import datetime
import json
import os
import platform
import re
import subprocess
import sys

FLOOR = "raw_floor"

# (numerator, denominator, "≤" or "≥", target, what the issues ask; the
# CLI's 3x at 1M routes and the link walk's 2x against neli are issue 8's)
ROUTE_TARGETS = [
    ("nlkit_walk", "raw_floor", "≤", 1.3, "nlkit's walk costs at most 30% over the raw floor"),
    ("nlkit_walk --async", "raw_floor", "≤", 1.3, "and the same walk through AsyncConn"),
    ("nlkit_walk --read-ahead", "raw_floor", "≤", 1.3, "and with read-ahead (two threads)"),
    ("ip route show", "nlkit route show", "≥", 3.0, "the CLI at least 3x as fast as iproute2"),
    ("ip -j route show", "nlkit -j route show", "≥", 3.0, "and in JSON"),
    ("rtnetlink_dump", "nlkit_walk", "≥", 3.0, "at least 3x faster than rtnetlink"),
    ("neli_dump", "nlkit_walk", "≥", 3.0, "at least 3x faster than neli"),
]
LINK_TARGETS = [
    ("nlkit_walk", "raw_floor", "≤", 1.3, "nlkit's walk over the raw floor"),
    ("nlkit_walk --async", "raw_floor", "≤", 1.3, "and through AsyncConn"),
    ("ip link show", "nlkit link show", "≥", 2.0, "the CLI against iproute2"),
    ("ip -j link show", "nlkit -j link show", "≥", 2.0, "and in JSON"),
    ("rtnetlink_dump", "nlkit_walk", "≥", 3.0, "against rtnetlink"),
    ("neli_dump", "nlkit_walk", "≥", 2.0, "against neli"),
    ("neli_dump", "raw_floor", "≥", 2.0, "what any client could reach: neli against the raw floor"),
]
RSS_LIMIT_KIB = 32 * 1024
RSS_AT = 1_000_000

WHAT = {
    "mnl_dump": "C, libmnl: count only",
    "raw_floor": "Rust, libc: count only",
    "raw_floor --nlkit-socket": "count only, via nlkit::Socket + RecvBuf",
    "nlkit_walk --engine-only": "nlkit: the same Conn::dump, handler only counts",
    "nlkit_walk": "nlkit: Conn::route_dump, typed Route view, every field, metric and next hop",
    "nlkit_walk --async": "nlkit: the same request value through AsyncConn (tokio, current thread)",
    "nlkit_walk --read-ahead": "nlkit: the same walk, a second thread receiving (Conn::set_read_ahead)",
    "nlkit route show": "nlkit CLI",
    "nlkit -j route show": "nlkit CLI, JSON",
    "nlkit link show": "nlkit CLI",
    "nlkit -j link show": "nlkit CLI, JSON",
    "ip route show": "iproute2",
    "ip -j route show": "iproute2, JSON",
    "ip link show": "iproute2",
    "ip -j link show": "iproute2, JSON",
    "rtnetlink_dump": "rtnetlink crate (tokio)",
    "neli_dump": "neli crate",
}


# The links run's nlkit_walk uses the typed link API.
LINK_WHAT = dict(WHAT, nlkit_walk="nlkit: Conn::link_dump, typed Link view, every field")
LINK_WHAT["nlkit_walk --async"] = "nlkit: the same link walk through AsyncConn"
LINK_WHAT["nlkit_walk --read-ahead"] = "nlkit: the same link walk with read-ahead"


def read_tsv(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            if "\t" in line:
                k, v = line.rstrip("\n").split("\t", 1)
                out[k] = v
    return out


def sh(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return "?"


def machine(lock, meta):
    model = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    versions = {}
    text = open(lock).read()
    for name in ("rtnetlink", "neli", "netlink-packet-route", "tokio"):
        m = re.search(r'name = "%s"\nversion = "([^"]+)"' % re.escape(name), text)
        versions[name] = m.group(1) if m else "?"
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    end_load = meta.get("end_load") or " ".join(open("/proc/loadavg").read().split()[:3])
    return [
        f"- machine: {os.cpu_count()} CPUs (`nproc` {sh(['nproc'])}), {model}",
        f"- kernel: {platform.release()}",
        f"- date: {meta.get('date', now)}",
        f"- load average at the start: {meta.get('load', '?')}; at the end: {end_load} (other builds may share this machine)",
        f"- {sh(['ip', '-V'])}; {sh(['hyperfine', '--version'])}; {sh(['rustc', '--version'])}",
        "- crates: " + ", ".join(f"{k} {v}" for k, v in versions.items()),
    ]


def results(path):
    data = json.load(open(path))
    return {r["command"]: r for r in data["results"]}


def table(res, rss, what=WHAT):
    floor = res[FLOOR]["median"] if FLOOR in res else None
    lines = [
        "| command | what | median (ms) | ± stddev (ms) | min (ms) | × raw floor | user (ms) | sys (ms) | max RSS (MiB) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, r in res.items():
        ratio = f"{r['median'] / floor:.2f}" if floor else "-"
        kib = rss.get(name)
        mib = f"{int(kib) / 1024:.1f}" if kib and kib.isdigit() else ""
        lines.append(
            f"| `{name}` | {what.get(name, '')} | {r['median'] * 1e3:.2f} "
            f"| {r['stddev'] * 1e3:.2f} | {r['min'] * 1e3:.2f} | {ratio} | {r['user'] * 1e3:.1f} | {r['system'] * 1e3:.1f} | {mib} |"
        )
    return lines


def targets(res, inter, spec):
    """The target ratios, from hyperfine's medians and, when there, from the
    interleaved run's; met or missed is judged on the interleaved one."""
    lines = [
        "| ratio of medians | hyperfine | interleaved | target | |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for num, den, op, want, why in spec:
        label = f"`{num}` / `{den}`"
        if num not in res or den not in res:
            missing = den if den not in res else num
            lines.append(f"| {label} | n/a | n/a | {op} {want} | `{missing}` not measured |")
            continue
        v = res[num]["median"] / res[den]["median"]
        judged, iv = v, "-"
        if inter and num in inter and den in inter:
            judged = inter[num]["median"] / inter[den]["median"]
            iv = f"{judged:.2f}"
        ok = judged <= want if op == "≤" else judged >= want
        mark = "met" if ok else "**missed**"
        lines.append(f"| {label} | {v:.2f} | {iv} | {op} {want} | {mark}: {why} |")
    return lines


# The libraries' walks, compared by the CPU time they spend above the raw
# floor's: what the client itself costs. The kernel builds the same messages
# for each of them, and its time bounds every wall-clock ratio.
CPU_CLIENTS = ["nlkit_walk", "nlkit_walk --async", "neli_dump", "rtnetlink_dump"]


def cpu_table(res):
    """CPU time (user + sys, hyperfine's means) above the raw floor's, and how
    many times nlkit's walk that is for each other client. Informational: the
    issues' targets are wall-clock ratios."""
    if FLOOR not in res or "nlkit_walk" not in res:
        return []
    cpu = {name: (r["user"] + r["system"]) * 1e3 for name, r in res.items()}
    ours = cpu["nlkit_walk"] - cpu[FLOOR]
    lines = [
        "",
        "CPU time above the raw floor's, which is what each client itself costs (the",
        "kernel builds the same messages for all; a background thread, as neli's,",
        "overlaps its cost with the kernel's and so hides it from the wall clock):",
        "",
        "| client | user + sys (ms) | above the floor (ms) | × nlkit_walk's |",
        "| --- | ---: | ---: | ---: |",
        f"| `{FLOOR}` | {cpu[FLOOR]:.1f} | 0.0 | |",
    ]
    for name in CPU_CLIENTS:
        if name not in res:
            continue
        above = cpu[name] - cpu[FLOOR]
        times = f"{above / ours:.1f}" if ours > 0 and name != "nlkit_walk" else ""
        lines.append(f"| `{name}` | {cpu[name]:.1f} | {above:.1f} | {times} |")
    return lines


def maybe_results(path):
    return results(path) if os.path.exists(path) else None


def main():
    raw, lock, sizes = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]]
    out = ["# nlkit dump benchmark (issue 3)", ""]
    out += machine(lock, read_tsv(os.path.join(raw, "run.meta")))
    out += [
        "",
        "Each command dumps from a network namespace holding one veth pair and N",
        "IPv4 /32 routes (or, for links, veth pairs); hyperfine runs inside the",
        "namespace, stdout to /dev/null. Ratios are of medians. user and sys are",
        "hyperfine's mean CPU times. The target ratios are also measured with the",
        "commands interleaved round by round (`bench/interleave.py`, same rounds),",
        "which load from other work on a shared machine skews less; the verdict",
        "uses that column. Made by `bash bench/run.sh`.",
    ]
    notes = open(os.path.join(raw, "notes.txt")).read().strip() if os.path.exists(os.path.join(raw, "notes.txt")) else ""
    if notes:
        out += ["", "Notes:", "", notes]
    rss_checked = False
    for n in sizes:
        path = os.path.join(raw, f"routes-{n}.json")
        if not os.path.exists(path):
            continue
        res = results(path)
        rss = read_tsv(os.path.join(raw, f"routes-{n}.rss"))
        meta = read_tsv(os.path.join(raw, f"routes-{n}.meta"))
        out += ["", f"## {n:,} IPv4 routes", ""]
        out += [f"Installed with one `ip -batch` in {meta.get('install_s', '?')} s.", ""]
        out += table(res, rss)
        out += [""]
        out += targets(res, maybe_results(os.path.join(raw, f"routes-{n}.inter.json")), ROUTE_TARGETS)
        out += cpu_table(res)
        if n == RSS_AT:
            rss_checked = True
            kib = rss.get("nlkit route show")
            if kib and kib.isdigit():
                ok = int(kib) < RSS_LIMIT_KIB
                out.append(
                    f"| peak RSS of `nlkit route show` | {int(kib) / 1024:.1f} MiB | | < 32 MiB "
                    f"| {'met' if ok else '**missed**'}: the CLI streams |"
                )
            else:
                out.append(
                    "| peak RSS of `nlkit route show` | n/a | | < 32 MiB | `nlkit route show` not measured |"
                )
    if not rss_checked:
        out += ["", f"(The peak-RSS target is checked at {RSS_AT:,} routes, which this run did not include.)"]
    path = os.path.join(raw, "links.json")
    if os.path.exists(path):
        meta = read_tsv(os.path.join(raw, "links.meta"))
        pairs = int(meta.get("pairs", "0"))
        out += ["", f"## links: {pairs:,} veth pairs ({2 * pairs + 1:,} links with lo)", ""]
        out += [f"Created with one `ip -batch` in {meta.get('install_s', '?')} s.", ""]
        res = results(path)
        out += table(res, read_tsv(os.path.join(raw, "links.rss")), LINK_WHAT)
        out += [""]
        out += targets(res, maybe_results(os.path.join(raw, "links.inter.json")), LINK_TARGETS)
        out += cpu_table(res)
    print("\n".join(out))


if __name__ == "__main__":
    main()
