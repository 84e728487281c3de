#!/usr/bin/env python3
"""Regenerates RELIABILITY.md from the runs that check its promises.

Runs the tests that measure something (each prints `FIGURE key = value`
lines: see `figure` in the tests' common modules), every fuzz target
plainly and under AddressSanitizer, Miri on the wire crate and the engine,
and counts the seeds and the pinned unsafe sites; then fills the template
tools/reliability.md.in, where `{{key}}` is a figure's value and
`{{key*}}` all of a key's values, one per line. A figure the template
names that no run printed is an error (nothing is written), so a renamed
or deleted measurement cannot leave a stale number behind.

Usage (from anywhere; about 15 minutes with the defaults, as root):
    python3 tools/reliability.py [--fuzz-seconds 20] [--asan-seconds 5] [--no-miri]
        [--no-vm] [--check]
--no-miri and --no-vm fill those figures with "not run" (the VM run is
`bash vmtest/run.sh`, whose console gives the broken module's table);
--check writes nothing
and fails if the file would change in anything but the figures' values
(the template and the file out of step).
"""
import argparse
import datetime
import os
import re
import subprocess
import sys
import tarfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEMPLATE = os.path.join(ROOT, "tools", "reliability.md.in")
OUT = os.path.join(ROOT, "RELIABILITY.md")
TARGETS = ["messages", "attrs", "builder", "route", "kernel_text", "genl", "sets",
           "cli_words", "cli_values", "spec"]

# The tests whose output carries figures.
TESTS = [
    ["cargo", "test", "-p", "nlkit", "--lib", "proto::round_trip"],
    ["cargo", "test", "-p", "nlkit", "--test", "leak"],
    ["cargo", "test", "-p", "nlkit", "--test", "hostile_peer", "--test", "dump_intr",
     "--test", "mirror", "--test", "seeds"],
    ["cargo", "test", "-p", "nlkit-cli", "--test", "dump_intr"],
]
MIRI = {
    "wire": (["cargo", "+nightly", "miri", "test", "-p", "nlkit-wire"],
             {"PROPTEST_CASES": "4", "MIRIFLAGS": "-Zmiri-disable-isolation"}),
    "engine": (["cargo", "+nightly", "miri", "test", "-p", "nlkit", "--lib", "--", "engine::",
                "capture::", "audit::rules", "audit::events::tests::records"],
               {"MIRIFLAGS": "-Zmiri-disable-isolation"}),
}


def run(cmd, env=None):
    """Runs `cmd` in the repository; its output (stdout and stderr)."""
    print("reliability: " + " ".join(cmd), file=sys.stderr)
    full = dict(os.environ, **(env or {}))
    p = subprocess.run(cmd, cwd=ROOT, env=full, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-4000:])
        raise SystemExit(f"reliability: {' '.join(cmd)} failed ({p.returncode})")
    return p.stdout


def number(n):
    """An integer as the file writes it: 3,284."""
    return f"{n:,}"


def runs(n):
    """A count of fuzzing runs: 1.93M, 183k."""
    return f"{n / 1e6:.2f}M" if n >= 1_000_000 else f"{n / 1e3:.0f}k"


def collect(figures, text):
    for m in re.finditer(r"^FIGURE (\S+) = (.*)$", text, re.M):
        key, value = m.group(1), m.group(2)
        if re.fullmatch(r"\d+", value):
            value = number(int(value))
        figures.setdefault(key, []).append(value)


def fuzz(figures, prefix, seconds, env=None):
    out = run(["bash", "fuzz/run.sh", str(seconds)], env)
    target = None
    for line in out.splitlines():
        m = re.match(r"fuzzing (\S+) for", line)
        if m:
            target = m.group(1)
        m = re.match(r"stat::number_of_executed_units: (\d+)", line)
        if m and target:
            figures[f"{prefix}.{target}"] = [runs(int(m.group(1)))]
    figures[f"{prefix}.seconds"] = [str(seconds)]


def miri(figures, enabled):
    for name, (cmd, env) in MIRI.items():
        if not enabled:
            figures[f"miri.{name}.passed"] = ["not run"]
            figures[f"miri.{name}.seconds"] = ["not run"]
            continue
        t0 = time.monotonic()
        out = run(cmd, env)
        passed = sum(int(m) for m in re.findall(r"^test result: ok\. (\d+) passed", out, re.M))
        figures[f"miri.{name}.passed"] = [str(passed)]
        figures[f"miri.{name}.seconds"] = [str(round(time.monotonic() - t0))]


def vm(figures, enabled):
    """The hostile module's table, from the VM's console (`H| ` lines)."""
    if not enabled:
        figures["vm_hostile.row"] = ["| (not run: --no-vm) | | | |"]
        return
    run(["bash", "vmtest/run.sh"])
    console = open(os.path.join(ROOT, "vmtest", "out", "console.log"), errors="replace").read()
    rows = [line[3:] for line in console.splitlines()
            if line.startswith("H| | ") and not line.startswith(("H| | case", "H| | ---"))]
    figures["vm_hostile.row"] = rows


def seeds(figures):
    for t in TARGETS:
        for kind, path in (("seeds", f"fuzz/seeds/{t}.tar.gz"),
                           ("kernel_seeds", f"fuzz/seeds/kernel/{t}.tar.gz")):
            full = os.path.join(ROOT, path)
            n = 0
            if os.path.exists(full):
                with tarfile.open(full) as tar:
                    n = sum(1 for m in tar.getmembers() if m.isfile())
            figures[f"{kind}.{t}"] = [number(n)]


def unsafe_sites(figures):
    rows = []
    for line in open(os.path.join(ROOT, "tools", "unsafe-sites.txt")):
        line = line.strip()
        if line and not line.startswith("#"):
            path, count = line.split()
            rows.append(f"| `{path}` | {count} |")
    figures["unsafe.rows"] = rows
    figures["unsafe.files"] = [str(len(rows))]


def render(template, figures):
    missing = []

    def fill(m):
        key, every = m.group(1), m.group(2) == "*"
        values = figures.get(key)
        if not values:
            missing.append(key)
            return m.group(0)
        return "\n".join(values) if every else values[-1]

    text = re.sub(r"\{\{([\w.]+)(\*?)\}\}", fill, template)
    if missing:
        raise SystemExit("reliability: no run printed " + ", ".join(sorted(set(missing))))
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fuzz-seconds", type=int, default=20)
    ap.add_argument("--asan-seconds", type=int, default=5)
    ap.add_argument("--no-miri", action="store_true")
    ap.add_argument("--no-vm", action="store_true")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    template = open(TEMPLATE).read()
    if args.check:
        # The file must be the template with values where the figures go.
        parts = re.split(r"\{\{[\w.]+(\*?)\}\}", template)
        pattern = ""
        for i, part in enumerate(parts):
            if i % 2 == 0:
                pattern += re.escape(part)
            else:
                pattern += r"(?:.|\n)*?" if part == "*" else r".*?"
        if not re.fullmatch(pattern, open(OUT).read()):
            raise SystemExit("reliability: RELIABILITY.md is not tools/reliability.md.in "
                             "filled in: run python3 tools/reliability.py")
        print("reliability: RELIABILITY.md follows its template")
        return

    figures = {}
    uname = os.uname()
    figures["run.date"] = [datetime.date.today().isoformat()]
    figures["run.machine"] = [f"{os.cpu_count()} CPUs, kernel {uname.release}"]
    for cmd in TESTS:
        collect(figures, run(cmd + ["--", "--nocapture"]))
    fuzz(figures, "fuzz", args.fuzz_seconds)
    fuzz(figures, "asan", args.asan_seconds, {"SANITIZER": "address"})
    miri(figures, not args.no_miri)
    vm(figures, not args.no_vm)
    seeds(figures)
    unsafe_sites(figures)
    text = render(template, figures)
    with open(OUT, "w") as f:
        f.write(text)
    print(f"reliability: wrote RELIABILITY.md ({len(figures)} figures)")


if __name__ == "__main__":
    main()
