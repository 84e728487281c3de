#!/bin/bash
# The run-time spec path against the typed one: N IPv4 routes (default
# 100,000) in a throwaway namespace, dumped by the typed walk
# (nlkit_walk: every field of each route's view), by nlkit-spec
# (spec_dump: the 6.12 rt_route spec loaded and validated, every reply
# walked by its names and types; with --json, built into JSON values), by
# `nlkit spec --dump getroute`
# (the same, printed as JSON lines), and by the kernel's own Python YNL CLI
# with the same spec when bench/ynl-py holds it (see its SOURCE.md);
# interleaved (bench/interleave.py), stdout to /dev/null; prints the
# medians and the ratios. Usage: bench/spec.sh [N]   (RUNS, default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
RUNS=${RUNS:-10}
cargo build -q --release -p nlkit-cli
(cd bench && cargo build -q --release --bin nlkit_walk --bin spec_dump)
NLKIT=$PWD/target/release/nlkit
B=$PWD/bench/target/release
SPEC=$PWD/specs/ynl/6.12/rt_route.yaml
NS=nlkit-bench-spec-$$
OUT=$(mktemp -d /tmp/nlkit-bench-spec-XXXXXX)
cleanup() {
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$OUT"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
ip -n "$NS" link add b0 type veth peer name b1
ip -n "$NS" link set b0 up
ip -n "$NS" link set b1 up
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
    printf "route add 10.%d.%d.%d/32 dev b0\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256 }' \
    >"$OUT/routes.batch"
ip -n "$NS" -batch "$OUT/routes.batch"
echo "routes: typed $("$B/nlkit_walk" --netns "$NS"), spec $("$B/spec_dump" --netns "$NS") (all tables)"
cmds=(
    "typed walk=$B/nlkit_walk --netns $NS"
    "spec decode=$B/spec_dump --netns $NS"
    "spec to JSON=$B/spec_dump --json --netns $NS"
    "nlkit spec --dump=$NLKIT -n $NS spec --spec $SPEC --dump getroute"
)
YNL=$PWD/bench/ynl-py/cli.py
if [ -f "$YNL" ]; then
    cmds+=("python ynl=ip netns exec $NS python3 $YNL --spec $SPEC --schema $PWD/specs/ynl/schemas/netlink-raw.yaml --output-json --dump getroute")
    echo "python YNL: $YNL"
else
    echo "python YNL: not in bench/ynl-py, left out"
fi
python3 bench/interleave.py "$OUT/h.json" "$RUNS" 1 "${cmds[@]}"
python3 - "$OUT/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for k, x in r.items():
    print(f"{k:20} {x['median'] * 1000:9.1f} ms  (user {x['user'] * 1000:7.1f}, system {x['system'] * 1000:6.1f})")
m = {k: x["median"] for k, x in r.items()}
print(f"spec decode / typed walk   {m['spec decode'] / m['typed walk']:.2f}")
print(f"spec to JSON / typed walk  {m['spec to JSON'] / m['typed walk']:.2f}")
print(f"nlkit spec / typed walk    {m['nlkit spec --dump'] / m['typed walk']:.2f}")
if "python ynl" in m:
    print(f"python ynl / nlkit spec    {m['python ynl'] / m['nlkit spec --dump']:.1f}")
PY
