#!/bin/bash
# Lists N conntrack entries (default 50,000, made with nlkit's pipelined
# create in a throwaway namespace) with `conntrack -L`, `nlkit conntrack
# show` and the floor (bench/src/bin/ct_bench.rs --floor: dump and count,
# nothing printed), interleaved (bench/interleave.py), stdout to
# /dev/null; prints the medians and the ratios. Needs conntrack-tools.
# Usage: bench/conntrack.sh [N]   (RUNS, default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-50000}
RUNS=${RUNS:-10}
cargo build -q --release -p nlkit-cli
(cd bench && cargo build -q --release --bin ct_bench)
NLKIT=$PWD/target/release/nlkit
CT=$PWD/bench/target/release/ct_bench
NS=nlkit-bench-ct-$$
OUT=$(mktemp -d /tmp/nlkit-bench-ct-XXXXXX)
cleanup() {
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$OUT"
}
trap cleanup EXIT
ip netns add "$NS"
# (nf_conntrack_max, 262,144 here, is the host's: not touched.)
s=$(date +%s.%N)
made=$("$CT" --netns "$NS" --fill "$N")
e=$(date +%s.%N)
printf 'made %d entries in %.2f s\n' "$made" "$(echo "$e - $s" | bc)"
[ "$("$CT" --netns "$NS" --floor)" -eq "$N" ] || { echo "floor counted a different number" >&2; exit 1; }
[ "$("$NLKIT" -n "$NS" conntrack show | wc -l)" -eq "$N" ] || { echo "nlkit listed a different number" >&2; exit 1; }
python3 bench/interleave.py "$OUT/h.json" "$RUNS" 2 \
    "floor=$CT --netns $NS --floor" \
    "conntrack -L=ip netns exec $NS conntrack -L" \
    "nlkit conntrack show=$NLKIT -n $NS conntrack show"
python3 - "$OUT/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for k, x in r.items():
    print(f"{k:22} {x['median'] * 1000:8.1f} ms  (user {x['user'] * 1000:6.1f}, "
          f"system {x['system'] * 1000:6.1f})")
m = {k: x["median"] for k, x in r.items()}
print(f"conntrack/nlkit       {m['conntrack -L'] / m['nlkit conntrack show']:.2f}")
print(f"nlkit/floor           {m['nlkit conntrack show'] / m['floor']:.2f}")
PY
