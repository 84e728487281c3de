#!/usr/bin/env bash
# Builds kernel/c/nlkit_demo.ko against Debian's kernel, boots that kernel in
# QEMU (TCG) with an initramfs holding the module, busybox and the nlkit
# example programs, and runs vmtest/guest-init.sh there as /init.
# Then runs vmtest/rust.sh: the same checks on a Rust-enabled 6.12 kernel
# built once and cached (vmtest/kernel.sh), with the Rust module kernel/rust.
# Exits 0 iff every guest reports that every check passed.
#
#   bash vmtest/run.sh
#
# Needs root for apt-get when a package is missing. Build outputs go to
# vmtest/out/ (git-ignored). Environment: KVER to pick a kernel version,
# VMTEST_TIMEOUT (seconds, default 120) for the boot.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/vmtest/out
TIMEOUT=${VMTEST_TIMEOUT:-120}
mkdir -p "$OUT"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
T0=$(now)

# --- 1. packages ----------------------------------------------------------------
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
ls /boot/vmlinuz-* >/dev/null 2>&1 || need+=(linux-image-amd64)
dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' || need+=(busybox-static)
command -v cpio >/dev/null || need+=(cpio)
command -v make >/dev/null || need+=(make)
command -v gcc >/dev/null || need+=(gcc)
# The headers must match a kernel in /boot.
kver_with_headers() {
	local k v
	for k in $(ls /boot/vmlinuz-* 2>/dev/null | sort -V -r); do
		v=${k#/boot/vmlinuz-}
		[ -e "/usr/src/linux-headers-$v/Makefile" ] && { echo "$v"; return; }
	done
}
if [ -z "${KVER:-}" ] && [ -z "$(kver_with_headers)" ]; then need+=(linux-image-amd64 linux-headers-amd64); fi
if [ ${#need[@]} -gt 0 ]; then
	echo "== installing: ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends qemu-system-x86 linux-image-amd64 \
		linux-headers-amd64 busybox-static cpio make gcc >"$OUT/apt.log" 2>&1 \
		|| { tail -30 "$OUT/apt.log"; exit 2; }
fi
T1=$(now)

KVER=${KVER:-$(kver_with_headers)}
if [ -z "$KVER" ] || [ ! -e "/boot/vmlinuz-$KVER" ]; then
	echo "no kernel with matching headers in /boot (KVER='$KVER')" >&2
	exit 2
fi
echo "== kernel $KVER"

# --- 2. builds ----------------------------------------------------------------------
# The module, in a copy of kernel/c so the source tree stays clean.
mkdir -p "$OUT/module"
cp "$ROOT/kernel/c/nlkit_demo.c" "$ROOT/kernel/c/nlkit_demo.h" "$ROOT/kernel/c/Makefile" "$OUT/module/"
make -s -C "/usr/src/linux-headers-$KVER" M="$OUT/module" modules 2>&1 \
	| grep -v 'Skipping BTF generation' || true
[ -e "$OUT/module/nlkit_demo.ko" ] || { echo "module build failed" >&2; exit 2; }
T2=$(now)

(cd "$ROOT" && cargo build --release -q -p nlkit-examples -p nlkit-cli)
BINDIR=${CARGO_TARGET_DIR:-$ROOT/target}/release
BINS=(nl-sendto nl-sendmsg nl-send-lines nl-group-listen nl-register nlkit)
T3=$(now)

# --- 3. initramfs ------------------------------------------------------------------
IRD=$OUT/initramfs
rm -rf "$IRD"
mkdir -p "$IRD"/{bin,dev,proc,sys,tmp}
cp /bin/busybox "$IRD/bin/busybox"
cp "$ROOT/vmtest/guest-init.sh" "$IRD/init"
chmod 755 "$IRD/init"
cp "$OUT/module/nlkit_demo.ko" "$IRD/"
copy_libs() {
	# Each library ldd names (glibc, libgcc_s, ld-linux), at the same path.
	ldd "$1" | grep -oE '/[^ ]+' | while read -r lib; do
		[ -e "$IRD$lib" ] && continue
		mkdir -p "$IRD$(dirname "$lib")"
		cp -L "$lib" "$IRD$lib"
	done
}
for b in "${BINS[@]}"; do
	cp "$BINDIR/$b" "$IRD/bin/"
	copy_libs "$BINDIR/$b"
done
mknod -m 600 "$IRD/dev/console" c 5 1 2>/dev/null || true
(cd "$IRD" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT/initramfs.cpio.gz"
T4=$(now)

# --- 4. boot --------------------------------------------------------------------------
echo "== booting (timeout ${TIMEOUT}s)"
set +e
timeout "$TIMEOUT" qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
	-kernel "/boot/vmlinuz-$KVER" -initrd "$OUT/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 quiet" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$OUT/console.log" 2>&1
QEMU_RC=$?
set -e
T5=$(now)

# The guest writes 0 (pass) or 1 (fail); QEMU exits with (byte << 1) | 1.
case $QEMU_RC in
1) RESULT=pass ;;
3) RESULT="fail (guest reported failed checks)" ;;
124) RESULT="fail (timed out after ${TIMEOUT}s)" ;;
0) RESULT="fail (no verdict: guest powered off or panicked)" ;;
*) RESULT="fail (qemu exit status $QEMU_RC)" ;;
esac

tr -d '\r' <"$OUT/console.log" >"$OUT/console.txt"
if [ "$RESULT" = pass ]; then
	grep -E '^(PASS|FAIL):|GUEST RESULT' "$OUT/console.txt" || true
else
	echo "== guest console ($OUT/console.log)"
	cat "$OUT/console.txt"
fi
echo "== timings: install $(secs "$T0" "$T1")s, module $(secs "$T1" "$T2")s," \
	"examples $(secs "$T2" "$T3")s, initramfs $(secs "$T3" "$T4")s, boot+test $(secs "$T4" "$T5")s," \
	"total $(secs "$T0" "$T5")s"
echo "== result: $RESULT"

# --- 5. the same checks on our Rust-enabled kernel: the Rust module (and the C
# one), plus boot parameters and kmemleak (vmtest/rust.sh, vmtest/kernel.sh).
RUST_RC=0
bash "$ROOT/vmtest/rust.sh" || RUST_RC=$?
[ "$RESULT" = pass ] && [ "$RUST_RC" = 0 ]
