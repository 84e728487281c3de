#!/usr/bin/env bash
# Builds the libFuzzer targets with coverage instrumentation on stable Rust
# and runs each for a while. Usage: fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
# Crashes land in fuzz/artifacts/TARGET/; the corpus grows in
# fuzz/corpus/TARGET/, and each run adds the checked-in seeds to it:
# fuzz/seeds/TARGET.tar.gz (a libFuzzer merge of grown corpora, renewed by
# fuzz/run.sh --seeds) and fuzz/seeds/kernel/TARGET.tar.gz (the kernel's own
# messages from every channel, captured in a throwaway namespace by
# crates/nlkit/tests/seeds.rs, renewed by fuzz/run.sh --capture).
# SANITIZER=address builds with AddressSanitizer instead (nightly Rust, as
# cargo-fuzz does; its own target directory), for the unsafe code the
# targets reach and any out-of-bounds access the checks would miss.
set -euo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = --capture ]; then
    tmp=$(mktemp -d)
    NLKIT_SEEDS_OUT="$tmp" cargo test --quiet --manifest-path ../Cargo.toml -p nlkit --test seeds
    mkdir -p seeds/kernel
    for dir in "$tmp"/*/; do
        t=$(basename "$dir")
        tar -C "$dir" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -czf "seeds/kernel/$t.tar.gz" .
        echo "seeds/kernel/$t.tar.gz: $(ls "$dir" | wc -l) inputs"
    done
    rm -rf "$tmp"
    exit 0
fi
if [ "${1:-}" = --seeds ]; then
    # The smallest set of the corpus that reaches the same coverage, one
    # archive per target (the bins must be built: run.sh once first).
    triple=$(rustc -vV | sed -n 's/^host: //p')
    for t in messages attrs builder route kernel_text genl sets cli_words cli_values spec; do
        tmp=$(mktemp -d)
        "target/$triple/release/$t" -merge=1 -max_len=1024 "$tmp" "corpus/$t" >/dev/null 2>&1
        tar -C "$tmp" -czf "seeds/$t.tar.gz" . && rm -rf "$tmp"
        echo "seeds/$t.tar.gz: $(tar -tzf "seeds/$t.tar.gz" | grep -c -v '/$') inputs"
    done
    exit 0
fi
secs=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(messages attrs builder route kernel_text genl sets cli_words cli_values spec)

# The flags cargo-fuzz passes, minus the sanitizer (which needs nightly).
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
toolchain=()
if [ "${SANITIZER:-}" = address ]; then
    toolchain=(+nightly)
    export RUSTFLAGS="$RUSTFLAGS -Zsanitizer=address"
    export CARGO_TARGET_DIR=target/asan
fi
# An explicit --target keeps RUSTFLAGS off build scripts.
triple=$(rustc -vV | sed -n 's/^host: //p')
cargo "${toolchain[@]}" build --release --quiet --bins --target "$triple"
out=${CARGO_TARGET_DIR:-target}

for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    # Every run starts from the checked-in seeds too (see the top).
    for seeds in "seeds/$t.tar.gz" "seeds/kernel/$t.tar.gz"; do
        [ ! -f "$seeds" ] || tar -C "corpus/$t" -xzf "$seeds"
    done
    echo "fuzzing $t for ${secs}s"
    "$out/$triple/release/$t" "corpus/$t" -max_total_time="$secs" -max_len=4096 \
        -artifact_prefix="artifacts/$t/" -print_final_stats=1 2>&1 | grep -E "^(stat::number_of_executed_units|stat::new_units_added|.*ERROR|.*panicked|SUMMARY)" || true
    if ls "artifacts/$t"/crash-* >/dev/null 2>&1; then
        echo "fuzz target $t crashed: see fuzz/artifacts/$t" >&2
        exit 1
    fi
done
