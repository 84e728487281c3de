#!/bin/bash
# Installs N routes (default 1,000,000) from one batch file with `ip -batch`,
# `nlkit -batch` (one change in flight, so a failure stops it with nothing
# after applied, as ip) and `nlkit -batch -force` (pipelined: every line is
# tried anyway), each in a fresh namespace, RUNS times (default 3)
# interleaved, and prints each run's times, routes/s and the ratios of the
# best runs. Usage: bench/batch.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
RUNS=${RUNS:-3}
cargo build -q --release -p nlkit-cli
NLKIT=$PWD/target/release/nlkit
FILE=$(mktemp /tmp/nlkit-batch-XXXXXX)
NS=nlkit-bench-batch-$$
trap 'rm -f "$FILE"; ip netns del "$NS" 2>/dev/null || true' EXIT
python3 - "$N" > "$FILE" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    a = 0x0b000000 + i * 256
    print(f"route add {a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.0/24 dev d0")
PY
run() { # tool -> seconds
    ip netns add "$NS"
    ip -n "$NS" link add d0 type veth peer name d1
    ip -n "$NS" link set d0 up
    local s e
    s=$(date +%s.%N)
    case $1 in
    nlkit) "$NLKIT" -n "$NS" -batch "$FILE" ;;
    nlkit-force) "$NLKIT" -n "$NS" -batch "$FILE" -force ;;
    *) ip -n "$NS" -batch "$FILE" ;;
    esac
    e=$(date +%s.%N)
    local got
    got=$(ip -n "$NS" route show | wc -l)
    [ "$got" -eq "$N" ] || { echo "$1 installed $got of $N routes" >&2; exit 1; }
    ip netns del "$NS"
    echo "$e - $s" | bc
}
best_ip=999999; best_nl=999999; best_nf=999999
rate() { echo "$N / $1" | bc -l; }
for r in $(seq "$RUNS"); do
    t_ip=$(run ip); t_nl=$(run nlkit); t_nf=$(run nlkit-force)
    printf 'run %d: ip -batch %.2f s (%.0f routes/s), nlkit -batch %.2f s (%.0f/s), nlkit -batch -force %.2f s (%.0f/s)\n' \
        "$r" "$t_ip" "$(rate "$t_ip")" "$t_nl" "$(rate "$t_nl")" "$t_nf" "$(rate "$t_nf")"
    best_ip=$(echo "if ($t_ip < $best_ip) $t_ip else $best_ip" | bc -l)
    best_nl=$(echo "if ($t_nl < $best_nl) $t_nl else $best_nl" | bc -l)
    best_nf=$(echo "if ($t_nf < $best_nf) $t_nf else $best_nf" | bc -l)
done
printf 'best of %d, %d routes: ip/nlkit = %.2f, ip/nlkit-force = %.2f\n' "$RUNS" "$N" \
    "$(echo "$best_ip / $best_nl" | bc -l)" "$(echo "$best_ip / $best_nf" | bc -l)"
