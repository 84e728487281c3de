#!/bin/bash
# Lists N TCP sockets (default 100,000: N/2 loopback connections, both
# ends) in a throwaway namespace with `ss -tan`, `nlkit ss -tan`,
# `nlkit -j ss -tan`, both tools with a filter the kernel runs
# (`sport = :20000 or dport = :20001`), and the Rust floor
# (bench/src/bin/diag_floor.rs: dump and count, nothing printed), interleaved (bench/interleave.py), all
# through `ip netns exec` and with stdout to /dev/null; prints the medians
# and the ratios. Then `ss -tanp` and `nlkit ss -tanp` (the holders'
# processes named), RUNS_P times (default 3: ss takes seconds).
# Usage: bench/ss.sh [N]   (RUNS, default 10; RUNS_P, default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
RUNS=${RUNS:-10}
RUNS_P=${RUNS_P:-3}
cargo build -q --release -p nlkit-cli
(cd bench && cargo build -q --release --bin diag_floor)
NLKIT=$PWD/target/release/nlkit
FLOOR=$PWD/bench/target/release/diag_floor
NS=nlkit-bench-ss-$$
OUT=$(mktemp -d /tmp/nlkit-bench-ss-XXXXXX)
holder=
cleanup() {
    # shellcheck disable=SC2086 # one pid per word
    [ -n "$holder" ] && kill $holder 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$OUT"
}
trap cleanup EXIT
ip netns add "$NS"
ip -n "$NS" link set lo up
ip netns exec "$NS" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
# One holder per 18,000 sockets: a process may keep 20,000 descriptors here.
per=18000
holders=()
for ((i = 0; i * per < N; i++)); do
    share=$(( N - i * per < per ? N - i * per : per ))
    ip netns exec "$NS" python3 - "$share" "$((20000 + i * 100))" >"$OUT/ready.$i" <<'PY' &
import resource, socket, sys, time
n, base = int(sys.argv[1]) // 2, int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
listeners = []
for port in range(base, base + n // 20000 + 1):
    l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind(("127.0.0.1", port)); l.listen(4096); listeners.append(l)
keep = []
for i in range(n - len(listeners) // 2):
    l = listeners[i % len(listeners)]
    c = socket.create_connection(l.getsockname()); a, _ = l.accept()
    keep += [c, a]
print("ready", flush=True)
time.sleep(3600)
PY
    holders+=($!)
done
holder="${holders[*]}"
for ((i = 0; i < ${#holders[@]}; i++)); do
    while ! grep -q ready "$OUT/ready.$i" 2>/dev/null; do
        kill -0 "${holders[i]}" 2>/dev/null || { echo "socket holder $i failed" >&2; exit 1; }
        sleep 0.2
    done
done
count=$(ip netns exec "$NS" "$FLOOR")
echo "sockets: $count TCP"
python3 bench/interleave.py "$OUT/h.json" "$RUNS" 2 \
    "floor=ip netns exec $NS $FLOOR" \
    "ss -tan=ip netns exec $NS ss -tan" \
    "nlkit ss -tan=ip netns exec $NS $NLKIT ss -tan" \
    "nlkit -j ss -tan=ip netns exec $NS $NLKIT -j ss -tan" \
    "ss -tan FILTER=ip netns exec $NS ss -tan sport = :20000 or dport = :20001" \
    "nlkit ss -tan FILTER=ip netns exec $NS $NLKIT ss -tan sport = :20000 or dport = :20001"
python3 bench/interleave.py "$OUT/p.json" "$RUNS_P" 1 \
    "ss -tanp=ip netns exec $NS ss -tanp" \
    "nlkit ss -tanp=ip netns exec $NS $NLKIT ss -tanp"
python3 - "$OUT/h.json" "$OUT/p.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for f in sys.argv[1:] for x in json.load(open(f))["results"]}
for k, v in r.items():
    print(f"{k:18} {v * 1000:8.1f} ms")
print(f"nlkit/floor     {r['nlkit ss -tan'] / r['floor']:.2f}")
print(f"ss/nlkit        {r['ss -tan'] / r['nlkit ss -tan']:.2f}")
print(f"ss/nlkit -j     {r['ss -tan'] / r['nlkit -j ss -tan']:.2f}")
print(f"ss/nlkit FILTER {r['ss -tan FILTER'] / r['nlkit ss -tan FILTER']:.2f}")
print(f"ss/nlkit -tanp  {r['ss -tanp'] / r['nlkit ss -tanp']:.2f}")
PY
