#!/usr/bin/env bash
# Fails when a generated file in the tree is not what its generator writes
# now: someone edited it by hand, or changed the generator or its pinned
# input without regenerating.
#
# - crates/nlkit/src/rtnl/uapi.rs from tools/gen-uapi.py and the header
#   snapshot in tools/uapi/ (always checked: the input is in the repo).
# - every tools/gen-ynl.py target (family tables) from the YNL specs in
#   specs/ynl/6.12/ and the same header snapshot (always checked).
# - crates/nlkit/src/audit/syscalls.rs from tools/gen-syscalls.py and the
#   pinned asm-x86/unistd_{64,32}.h, linux/audit.h, linux/elf-em.h.
# - crates/nlkit/src/proto/registry.rs from tools/gen-registry.py and the
#   attr_set! tables in the source (always checked: a new table must be
#   registered, so the fuzzer and the round-trip tests reach it).
# - crates/nlkit/src/kernel/ioctl_names.rs from tools/gen-ioctl-names.py,
#   which needs the C compiler and the machine's linux-libc-dev: checked
#   when the installed package is the version the file names, skipped
#   (and said) otherwise.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

check() { # FILE GENERATED
    if ! diff -u "$root/$1" "$2" >"$tmp/diff"; then
        echo "check-generated: $1 differs from what its generator writes:" >&2
        head -40 "$tmp/diff" >&2
        status=1
        return 1
    else
        echo "check-generated: $1 is up to date"
    fi
}

python3 "$root/tools/gen-uapi.py" >"$tmp/uapi.rs"
check crates/nlkit/src/rtnl/uapi.rs "$tmp/uapi.rs" || true

python3 "$root/tools/gen-syscalls.py" >"$tmp/syscalls.rs"
check crates/nlkit/src/audit/syscalls.rs "$tmp/syscalls.rs" || true

python3 "$root/tools/gen-registry.py" >"$tmp/registry.rs"
check crates/nlkit/src/proto/registry.rs "$tmp/registry.rs" || true

# Family tables from the YNL specs pinned in specs/ynl/6.12/.
python3 "$root/tools/gen-ynl.py" --targets | while read -r target out; do
    python3 "$root/tools/gen-ynl.py" "$target" >"$tmp/ynl.rs"
    check "$out" "$tmp/ynl.rs" || exit 1
done || status=1

ioctl=crates/nlkit/src/kernel/ioctl_names.rs
want=$(sed -n 's/.*linux-libc-dev \([^ ]*\) .*/\1/p' "$root/$ioctl" | head -1)
have=$(dpkg-query -W -f '${Version}' linux-libc-dev 2>/dev/null || true)
if [ -n "$want" ] && [ "$want" = "$have" ] && command -v cc >/dev/null; then
    python3 "$root/tools/gen-ioctl-names.py" >"$tmp/ioctl_names.rs"
    check "$ioctl" "$tmp/ioctl_names.rs" || true
else
    echo "check-generated: $ioctl not checked (made from linux-libc-dev ${want:-?}, this machine has ${have:-none})"
fi
exit $status
