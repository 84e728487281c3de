#!/usr/bin/env bash
# Issue 3: dump IPv4 routes (and links) with nlkit, the C floor (libmnl),
# a Rust floor, iproute2, rtnetlink and neli, side by side in one run, and
# report medians and ratios as Markdown (printed, and written to
# bench/results/latest.md; hyperfine's JSON goes to bench/results/raw/).
# The commands behind the target ratios are then timed once more,
# interleaved (bench/interleave.py), since hyperfine's one-command-at-a-time
# runs let load from other work skew ratios on a shared machine.
#
# Usage (as root): bash bench/run.sh [SIZES...]     default: 10000 100000 1000000
# Environment:     RUNS=10 WARMUP=2 LINK_PAIRS=10000 (0 skips the links run)
#
# For each size it makes a network namespace with a veth pair (this kernel
# has no dummy driver) and N /32 routes over it, installed with one
# `ip -batch`, then runs hyperfine *inside* the namespace
# (`ip netns exec NS hyperfine ...`), so every command runs there and none
# pays for `ip netns exec` itself. Every program's count is checked first.
# Not part of the test suite: it needs root, minutes, and a quiet machine.
set -euo pipefail

bench=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$bench")
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
LINK_PAIRS=${LINK_PAIRS:-10000}
results=$bench/results
raw=$results/raw
ns=nlkit-bench-$$
lns=nlkit-bench-$$-links
tmp=$(mktemp -d)

log() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'run.sh: %s\n' "$*" >&2; exit 1; }

cleanup() {
    ip netns del "$ns" 2>/dev/null || true
    ip netns del "$lns" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"

# --- tools -------------------------------------------------------------------
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -e /usr/include/libmnl/libmnl.h ] || need+=(libmnl-dev)
[ -x /usr/bin/time ] || need+=(time)
command -v ip >/dev/null || need+=(iproute2)
command -v cc >/dev/null || need+=(gcc)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "${need[@]}" || { apt-get update && apt-get install -y "${need[@]}"; }
fi

# --- builds (one cargo at a time, before any measurement) --------------------
log "building nlkit-cli, the bench binaries and mnl_dump"
(cd "$root" && cargo build --release -p nlkit-cli)
(cd "$bench" && cargo build --release)
root_target=${CARGO_TARGET_DIR:-$root/target}
bench_target=${CARGO_TARGET_DIR:-$bench/target}
B=$bench_target/release
NL=$root_target/release/nlkit
MNL=$bench_target/mnl_dump
mkdir -p "$bench_target"
cc -O2 -Wall -Wextra -o "$MNL" "$bench/c/mnl_dump.c" -lmnl

# Whether the CLI has an object at all: clap says "unrecognized subcommand".
cli_has() {
    local out
    out=$("$NL" "$1" show --help 2>&1 || true)
    [[ $out != *"unrecognized subcommand"* ]]
}
have_route=0; cli_has route && have_route=1
have_link=0; cli_has link && have_link=1

rm -rf "$raw"
mkdir -p "$raw"
notes=$raw/notes.txt
: >"$notes"
printf 'load\t%s\ndate\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" "$(date -u '+%Y-%m-%d %H:%M UTC')" >"$raw/run.meta"
note() { printf '%s\n' "$*" | tee -a "$notes" >&2; }
[ $have_route = 1 ] || note "- \`nlkit route show\` is not in this build of the CLI yet: it and \`nlkit -j route show\` are skipped."
[ $have_link = 1 ] || note "- \`nlkit link show\` is not in this build of the CLI yet: it and \`nlkit -j link show\` are skipped."

in_ns() { local n=$1; shift; ip netns exec "$n" "$@"; }
now() { date +%s.%N; }
elapsed() { python3 -c "print(f'{$2 - $1:.2f}')"; }
json_len() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# check NAME WANT GOT: a program's count must be WANT.
check() {
    [ "$3" = "$2" ] || die "$1 counted $3, expected $2"
    printf '  %-28s %s\n' "$1" "$3" >&2
}

# An optional CLI command: runs it once; on failure or a wrong count, drops it
# (with a note) instead of failing the run. Sets ok=1 when it can be timed.
try_cli() {
    local nsname=$1 label=$2 want=$3 count=$4; shift 4
    ok=0
    local got
    if ! got=$(in_ns "$nsname" "$@" 2>"$tmp/err" | eval "$count" 2>/dev/null); then
        note "- \`$label\` failed ($(head -c 200 "$tmp/err")): skipped."
        return
    fi
    if [ "$got" != "$want" ]; then
        note "- \`$label\` printed $got objects, expected $want: timed anyway, check its output."
    else
        printf '  %-28s %s\n' "$label" "$got" >&2
    fi
    ok=1
}

# rss FILE NAME NS CMD...: appends NAME<TAB>max RSS in KiB (nothing if it failed).
rss() {
    local file=$1 name=$2 nsname=$3; shift 3
    local kib
    kib=$(in_ns "$nsname" /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1) || return 0
    [[ $kib =~ ^[0-9]+$ ]] && printf '%s\t%s\n' "$name" "$kib" >>"$file"
    return 0
}

hyper() {
    local nsname=$1 json=$2; shift 2
    in_ns "$nsname" hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
        --export-json "$json" "$@" >&2
}

# interleaved NS JSON: the commands in cmds (bar the C floor and the
# socket-only variant) once more, interleaved round by round (interleave.py).
interleaved() {
    local nsname=$1 json=$2 args=() i
    for ((i = 0; i < ${#cmds[@]}; i += 3)); do
        case ${cmds[i + 1]} in mnl_dump | "raw_floor --nlkit-socket") continue ;; esac
        args+=("${cmds[i + 1]}=${cmds[i + 2]}")
    done
    log "interleaved: $WARMUP warmup + $RUNS rounds of ${#args[@]} commands"
    in_ns "$nsname" python3 "$bench/interleave.py" "$json" "$RUNS" "$WARMUP" "${args[@]}"
}

# --- routes ----------------------------------------------------------------
for n in "${sizes[@]}"; do
    [[ $n =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le 16777216 ] || die "bad size $n"
    log "routes: $n"
    ip netns del "$ns" 2>/dev/null || true
    ip netns add "$ns"
    ip -n "$ns" link add b0 type veth peer name b1
    ip -n "$ns" link set b0 up
    ip -n "$ns" link set b1 up
    awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
        printf "route add 10.%d.%d.%d/32 dev b0\n", int(i / 65536) % 256, int(i / 256) % 256, i % 256 }' \
        >"$tmp/routes.batch"
    t0=$(now)
    ip -n "$ns" -batch "$tmp/routes.batch"
    t1=$(now)
    install_s=$(elapsed "$t0" "$t1")
    echo "  installed $n routes with one ip -batch in ${install_s}s" >&2
    check "ip route show (lines)" "$n" "$(in_ns "$ns" ip route show | wc -l)"

    cmds=(-n mnl_dump "$MNL"
        -n raw_floor "$B/raw_floor"
        -n "raw_floor --nlkit-socket" "$B/raw_floor --nlkit-socket"
        -n "nlkit_walk --engine-only" "$B/nlkit_walk --engine-only"
        -n nlkit_walk "$B/nlkit_walk"
        -n "nlkit_walk --async" "$B/nlkit_walk --async"
        -n "nlkit_walk --read-ahead" "$B/nlkit_walk --read-ahead")
    for c in mnl_dump raw_floor "raw_floor --nlkit-socket" "nlkit_walk --engine-only" nlkit_walk "nlkit_walk --async" "nlkit_walk --read-ahead" rtnetlink_dump neli_dump; do
        case $c in mnl_dump) bin=$MNL ;; *) bin="$B/$c" ;; esac
        # shellcheck disable=SC2086 # "raw_floor --nlkit-socket" is meant to split
        check "$c" "$n" "$(in_ns "$ns" $bin)"
    done
    cli_ok=0
    if [ $have_route = 1 ]; then
        try_cli "$ns" "nlkit route show" "$n" "wc -l" "$NL" route show
        cli_ok=$ok
        if [ $ok = 1 ]; then cmds+=(-n "nlkit route show" "$NL route show"); fi
        try_cli "$ns" "nlkit -j route show" "$n" json_len "$NL" -j route show
        if [ $ok = 1 ]; then cmds+=(-n "nlkit -j route show" "$NL -j route show"); fi
    fi
    check "ip -j route show (objects)" "$n" "$(in_ns "$ns" ip -j route show | json_len)"
    cmds+=(-n "ip route show" "ip route show"
        -n "ip -j route show" "ip -j route show"
        -n rtnetlink_dump "$B/rtnetlink_dump"
        -n neli_dump "$B/neli_dump")

    log "routes: $n: hyperfine, $WARMUP warmups + $RUNS runs each"
    hyper "$ns" "$raw/routes-$n.json" "${cmds[@]}"
    interleaved "$ns" "$raw/routes-$n.inter.json"

    rssf=$raw/routes-$n.rss
    : >"$rssf"
    [ $cli_ok = 0 ] || rss "$rssf" "nlkit route show" "$ns" "$NL" route show
    rss "$rssf" "ip route show" "$ns" ip route show
    rss "$rssf" nlkit_walk "$ns" "$B/nlkit_walk"
    rss "$rssf" raw_floor "$ns" "$B/raw_floor"
    rss "$rssf" mnl_dump "$ns" "$MNL"
    rss "$rssf" rtnetlink_dump "$ns" "$B/rtnetlink_dump"
    rss "$rssf" neli_dump "$ns" "$B/neli_dump"
    printf 'install_s\t%s\n' "$install_s" >"$raw/routes-$n.meta"
    ip netns del "$ns"
done

# --- links -----------------------------------------------------------------
if [ "$LINK_PAIRS" -gt 0 ]; then
    nl=$((2 * LINK_PAIRS + 1)) # the pairs and lo
    log "links: $LINK_PAIRS veth pairs ($nl links with lo)"
    ip netns add "$lns"
    awk -v n="$LINK_PAIRS" 'BEGIN { for (i = 0; i < n; i++) printf "link add v%d type veth peer name w%d\n", i, i }' \
        >"$tmp/links.batch"
    t0=$(now)
    ip -n "$lns" -batch "$tmp/links.batch"
    t1=$(now)
    install_s=$(elapsed "$t0" "$t1")
    echo "  created $LINK_PAIRS veth pairs with one ip -batch in ${install_s}s" >&2
    check "ip -o link show (lines)" "$nl" "$(in_ns "$lns" ip -o link show | wc -l)"
    check "ip -j link show (objects)" "$nl" "$(in_ns "$lns" ip -j link show | json_len)"
    for c in mnl_dump raw_floor "raw_floor --nlkit-socket" "nlkit_walk --engine-only" nlkit_walk "nlkit_walk --async" "nlkit_walk --read-ahead" rtnetlink_dump neli_dump; do
        case $c in mnl_dump) bin=$MNL ;; *) bin="$B/$c" ;; esac
        # shellcheck disable=SC2086
        check "$c --links" "$nl" "$(in_ns "$lns" $bin --links)"
    done
    cmds=(-n mnl_dump "$MNL --links"
        -n raw_floor "$B/raw_floor --links"
        -n "raw_floor --nlkit-socket" "$B/raw_floor --nlkit-socket --links"
        -n "nlkit_walk --engine-only" "$B/nlkit_walk --engine-only --links"
        -n nlkit_walk "$B/nlkit_walk --links"
        -n "nlkit_walk --async" "$B/nlkit_walk --async --links"
        -n "nlkit_walk --read-ahead" "$B/nlkit_walk --read-ahead --links")
    cli_ok=0
    if [ $have_link = 1 ]; then
        try_cli "$lns" "nlkit link show" "$nl" "grep -c '^[0-9]*:'" "$NL" link show
        cli_ok=$ok
        if [ $ok = 1 ]; then cmds+=(-n "nlkit link show" "$NL link show"); fi
        try_cli "$lns" "nlkit -j link show" "$nl" json_len "$NL" -j link show
        if [ $ok = 1 ]; then cmds+=(-n "nlkit -j link show" "$NL -j link show"); fi
    fi
    cmds+=(-n "ip link show" "ip link show"
        -n "ip -j link show" "ip -j link show"
        -n rtnetlink_dump "$B/rtnetlink_dump --links"
        -n neli_dump "$B/neli_dump --links")
    log "links: hyperfine, $WARMUP warmups + $RUNS runs each"
    hyper "$lns" "$raw/links.json" "${cmds[@]}"
    interleaved "$lns" "$raw/links.inter.json"
    rssf=$raw/links.rss
    : >"$rssf"
    [ $cli_ok = 0 ] || rss "$rssf" "nlkit link show" "$lns" "$NL" link show
    rss "$rssf" "ip link show" "$lns" ip link show
    rss "$rssf" nlkit_walk "$lns" "$B/nlkit_walk" --links
    rss "$rssf" raw_floor "$lns" "$B/raw_floor" --links
    printf 'install_s\t%s\npairs\t%s\n' "$install_s" "$LINK_PAIRS" >"$raw/links.meta"
    ip netns del "$lns"
fi

# --- report ----------------------------------------------------------------
printf 'end_load\t%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$raw/run.meta"
python3 "$bench/report.py" "$raw" "$bench/Cargo.lock" "${sizes[@]}" >"$results/latest.md"
echo >&2
cat "$results/latest.md"
echo >&2
echo "written to ${results#"$root"/}/latest.md" >&2
