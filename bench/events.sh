#!/bin/bash
# Event monitors under a burst, with their default settings: N conntrack
# entries made as fast as one pipelined socket makes them (bench/src/bin/
# ct_bench.rs --fill, in a throwaway namespace) while `nlkit conntrack
# monitor new` and conntrack-tools' `conntrack -E -e NEW` listen; then a
# fork storm of F short processes while `nlkit proc-events -e fork` listens
# (the proc connector is the machine's: other processes' forks count
# too, so only nlkit's losses are reported, from its own words on
# stderr: the per-CPU sequence numbers' gaps). This machine forks about
# 3,500 a second from two loops, below the 18k/s the issue measured. Prints the rates, what each received and what each said it
# lost. Usage: bench/events.sh [N] [F]   (defaults 100,000 and 20,000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
F=${2:-20000}
cargo build -q --release -p nlkit-cli
(cd bench && cargo build -q --release --bin ct_bench)
NLKIT=$PWD/target/release/nlkit
CT=$PWD/bench/target/release/ct_bench
NS=nlkit-bench-ev-$$
OUT=$(mktemp -d /tmp/nlkit-bench-ev-XXXXXX)
cleanup() {
    kill "${PIDS[@]}" 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$OUT"
}
PIDS=()
trap cleanup EXIT
ip netns add "$NS"

# --- conntrack NEW events ---------------------------------------------------
"$NLKIT" -n "$NS" conntrack monitor new count "$N" >"$OUT/nlkit.ct" 2>"$OUT/nlkit.ct.err" &
PIDS+=($!)
NL=$!
ip netns exec "$NS" conntrack -E -e NEW >"$OUT/ct.ct" 2>"$OUT/ct.ct.err" &
PIDS+=($!)
CTE=$!
sleep 1
s=$(date +%s.%N)
made=$("$CT" --netns "$NS" --fill "$N")
e=$(date +%s.%N)
# The listeners drain their queues: nlkit stops at N, conntrack -E after
# a quiet second.
for _ in $(seq 1 100); do
    [ "$(wc -l <"$OUT/nlkit.ct")" -ge "$N" ] && break
    sleep 0.1
done
sleep 1
kill "$NL" "$CTE" 2>/dev/null || true
wait "$NL" "$CTE" 2>/dev/null || true
rate=$(echo "$made / ($e - $s)" | bc)
echo "conntrack: $made entries made in $(printf '%.2f' "$(echo "$e - $s" | bc)") s ($rate NEW events/s)"
printf '  nlkit conntrack monitor: %d of %d NEW events; said: %s\n' \
    "$(wc -l <"$OUT/nlkit.ct")" "$N" "$(grep -c 'events lost' "$OUT/nlkit.ct.err" || true) overruns"
printf '  conntrack -E:            %d of %d NEW events; said: %s\n' \
    "$(grep -c NEW "$OUT/ct.ct" || true)" "$N" "$(head -c 200 "$OUT/ct.ct.err" | tr '\n' ' ')"

# --- process events (the machine's) ------------------------------------------
"$NLKIT" proc-events -e fork >"$OUT/nlkit.pe" 2>"$OUT/nlkit.pe.err" &
PIDS+=($!)
PE=$!
sleep 1
s=$(date +%s.%N)
# Two forking loops, one a core (perl forks faster than a shell).
for _ in 1 2; do
    perl -e 'for (1..$ARGV[0]) { my $p = fork; if (!$p) { exit 0 } waitpid($p, 0) }' "$((F / 2))" &
done
wait $(jobs -p | grep -v "$PE")
e=$(date +%s.%N)
sleep 1
kill "$PE" 2>/dev/null || true
wait "$PE" 2>/dev/null || true
rate=$(echo "$F / ($e - $s)" | bc)
echo "proc connector: $F forks in $(printf '%.2f' "$(echo "$e - $s" | bc)") s ($rate fork events/s, and the machine's own)"
printf '  nlkit proc-events: %d fork events; said lost: %d (sequence gaps), %d overruns\n' \
    "$(wc -l <"$OUT/nlkit.pe")" \
    "$(awk '/process events lost/ { s += $1 } END { print s + 0 }' "$OUT/nlkit.pe.err")" \
    "$(grep -c 'ENOBUFS' "$OUT/nlkit.pe.err" || true)"
