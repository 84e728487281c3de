#!/bin/bash
# Lists N veth pairs (default 10,000: 20,001 links with lo) in a throwaway
# namespace with `ip -br link show`, `nlkit -br link show`, the same two
# for `addr`, and the Rust floor (bench/src/bin/raw_floor.rs --links: dump
# and count, nothing printed), interleaved (bench/interleave.py), stdout to
# /dev/null; prints the medians and the ratios.
# Usage: bench/brief.sh [N]   (RUNS, default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
RUNS=${RUNS:-10}
cargo build -q --release -p nlkit-cli
(cd bench && cargo build -q --release --bin raw_floor)
NLKIT=$PWD/target/release/nlkit
FLOOR=$PWD/bench/target/release/raw_floor
NS=nlkit-bench-brief-$$
OUT=$(mktemp -d /tmp/nlkit-bench-brief-XXXXXX)
cleanup() {
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$OUT"
}
trap cleanup EXIT
ip netns add "$NS"
for ((i = 0; i < N; i++)); do echo "link add v$i type veth peer name p$i"; done >"$OUT/batch"
ip -n "$NS" -batch "$OUT/batch"
echo "links: $(ip -n "$NS" -o link show | wc -l)"
python3 bench/interleave.py "$OUT/h.json" "$RUNS" 2 \
    "floor=$FLOOR --links --netns $NS" \
    "ip -br link=ip -n $NS -br link show" \
    "nlkit -br link=$NLKIT -n $NS -br link show" \
    "ip -br addr=ip -n $NS -br addr show" \
    "nlkit -br addr=$NLKIT -n $NS -br addr show"
python3 - "$OUT/h.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for k, x in r.items():
    print(f"{k:16} {x['median'] * 1000:8.1f} ms  (user {x['user'] * 1000:5.1f}, "
          f"system {x['system'] * 1000:5.1f})")
m = {k: x["median"] for k, x in r.items()}
print(f"ip/nlkit -br link  {m['ip -br link'] / m['nlkit -br link']:.2f}")
print(f"ip/nlkit -br addr  {m['ip -br addr'] / m['nlkit -br addr']:.2f}")
print(f"nlkit link/floor   {m['nlkit -br link'] / m['floor']:.2f}")
PY
