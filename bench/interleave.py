#!/usr/bin/env python3
"""Times commands interleaved: each round runs every command once, in a
fresh random order, so load that comes and goes (other builds on a shared
machine) hits every command alike. hyperfine runs all of one command's
runs before the next command's, so such load can skew its ratios.

Usage: interleave.py OUT.json ROUNDS WARMUP NAME=COMMAND...

COMMAND is split on spaces. OUT.json has hyperfine's shape (results with
command, median, mean, stddev, min, max, user, system, times), in seconds;
the time of each run includes the fork and exec from Python, the same for
every command.
"""

import json
import random
import resource
import statistics
import subprocess
import sys
import time


def main():
    out, rounds, warmup = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    cmds = dict(arg.split("=", 1) for arg in sys.argv[4:])
    times = {name: [] for name in cmds}
    cpu = {name: [] for name in cmds}
    for i in range(warmup + rounds):
        order = list(cmds)
        random.shuffle(order)
        for name in order:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            subprocess.run(cmds[name].split(), stdout=subprocess.DEVNULL, check=True)
            elapsed = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if i >= warmup:
                times[name].append(elapsed)
                cpu[name].append(
                    (after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime)
                )
    results = []
    for name in cmds:
        t = times[name]
        results.append(
            {
                "command": name,
                "median": statistics.median(t),
                "mean": statistics.mean(t),
                "stddev": statistics.stdev(t) if len(t) > 1 else 0.0,
                "min": min(t),
                "max": max(t),
                "user": statistics.mean(c[0] for c in cpu[name]),
                "system": statistics.mean(c[1] for c in cpu[name]),
                "times": t,
            }
        )
    with open(out, "w") as f:
        json.dump({"results": results}, f, indent=1)


if __name__ == "__main__":
    main()
