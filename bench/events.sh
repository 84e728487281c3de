#!/bin/bash
# Event monitors under bursts, with their default settings:
# - N conntrack entries made as fast as one pipelined socket makes them
#   (bench/src/bin/ct_bench.rs --fill, in a throwaway namespace) while
#   `nlkit conntrack monitor new` and conntrack-tools' `conntrack -E -e
#   NEW` listen;
# - E process events: E/2 threads made and joined as fast as two loops go
#   (bench/src/bin/event_storm.rs; each thread a fork and an exit) while
#   `nlkit proc-events` listens, then the same with the monitor stopped
#   (SIGSTOP) for two seconds in the middle and a 1 MiB buffer, to push
#   it past what it can hold (the proc connector is the machine's: its own processes' events
#   count too; losses are nlkit's own words on stderr, from the per-CPU
#   sequence numbers);
# - E uevents (`change` written to a namespace's `lo` uevent file) at
#   18,600/s, the rate the issue saw, then as fast as one loop writes
#   (then that again with nlkit's buffer at 1 MiB, to push it past), while `nlkit uevent monitor --kernel` and `udevadm monitor --kernel`
#   listen in the namespace (then one more event after a pause, so losses
#   at the end of the burst show in the SEQNUM).
# Prints the rates, what each received and what each said it lost.
# Usage: bench/events.sh [N] [E]   (defaults 100,000 and 160,000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
E=${2:-160000}
cargo build -q --release -p nlkit-cli
(cd bench && cargo build -q --release --bin ct_bench --bin event_storm)
NLKIT=$PWD/target/release/nlkit
CT=$PWD/bench/target/release/ct_bench
STORM=$PWD/bench/target/release/event_storm
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
said_lost() { awk '/process events lost/ { s += $1 } END { print s + 0 }' "$1"; }
for stop in 0 2; do
    # Pushed past: a 1 MiB buffer, and stopped mid-burst.
    if [ "$stop" -gt 0 ]; then small=(-rcvbuf 1048576); else small=(); fi
    "$NLKIT" "${small[@]}" proc-events >"$OUT/nlkit.pe" 2>"$OUT/nlkit.pe.err" &
    PIDS+=($!)
    PE=$!
    sleep 1
    "$STORM" threads "$((E / 2))" >"$OUT/storm" &
    ST=$!
    if [ "$stop" -gt 0 ]; then
        sleep 1
        kill -STOP "$PE"
        sleep "$stop"
        kill -CONT "$PE"
    fi
    wait "$ST"
    sleep 2
    kill "$PE" 2>/dev/null || true
    wait "$PE" 2>/dev/null || true
    got=$(wc -l <"$OUT/nlkit.pe")
    lost=$(said_lost "$OUT/nlkit.pe.err")
    if [ "$stop" -gt 0 ]; then what="-rcvbuf 1 MiB, stopped ${stop} s mid-burst"; else what="default settings"; fi
    echo "proc connector ($what): $(cat "$OUT/storm") = $E events from them, and the machine's"
    printf '  nlkit proc-events: %d events printed + %d said lost (sequence gaps) = %d; %d overruns said\n' \
        "$got" "$lost" "$((got + lost))" "$(grep -c 'ENOBUFS' "$OUT/nlkit.pe.err" || true)"
done

# --- uevents (the namespace's lo) ---------------------------------------------
for run in 18600 0 small; do
    # Pushed past: a 1 MiB buffer.
    if [ "$run" = small ]; then rate=0 small=(-rcvbuf 1048576); else rate=$run small=(); fi
    "$NLKIT" "${small[@]}" -n "$NS" uevent monitor --kernel >"$OUT/nlkit.ue" 2>"$OUT/nlkit.ue.err" &
    PIDS+=($!)
    UE=$!
    ip netns exec "$NS" udevadm monitor --kernel >"$OUT/udevadm.ue" 2>&1 &
    PIDS+=($!)
    UD=$!
    sleep 1
    if [ "$rate" -gt 0 ]; then pace=(--rate "$rate"); else pace=(); fi
    made=$(ip netns exec "$NS" "$STORM" uevent "$E" /sys/class/net/lo/uevent "${pace[@]}")
    sleep 2
    ip netns exec "$NS" "$STORM" uevent 1 /sys/class/net/lo/uevent >/dev/null
    sleep 1
    kill "$UE" "$UD" 2>/dev/null || true
    wait "$UE" "$UD" 2>/dev/null || true
    got=$(grep -c ' change ' "$OUT/nlkit.ue" || true)
    lost=$(awk '/uevents lost, by SEQNUM/ { s += $2 } END { print s + 0 }' "$OUT/nlkit.ue.err")
    echo "uevents: $made, then 1 more${small:+ (nlkit with -rcvbuf 1 MiB)}"
    printf '  nlkit uevent monitor: %d printed + %d said lost (SEQNUM) = %d; %d overruns said\n' \
        "$got" "$lost" "$((got + lost))" "$(grep -c 'ENOBUFS' "$OUT/nlkit.ue.err" || true)"
    printf '  udevadm monitor:      %d printed; said: %s\n' \
        "$(grep -c ' change ' "$OUT/udevadm.ue" || true)" \
        "$(grep -iv 'KERNEL\|^$\|monitor will print\|^UEVENT' "$OUT/udevadm.ue" | head -c 200 | tr '\n' ' ')"
done
