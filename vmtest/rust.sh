#!/usr/bin/env bash
# The VM test on our own Rust-enabled kernel (vmtest/run.sh runs it after
# the test on Debian's kernel; it also runs alone):
#
#   bash vmtest/rust.sh
#
# Responsible for: getting the kernel (vmtest/kernel.sh: built once, then
# cached), building the Rust module kernel/rust and the C module kernel/c
# against it, and booting it in QEMU (TCG) twice with one initramfs, once
# per module, each time running the same checks (vmtest/guest-init.sh as
# /init). The command line tells the guest which module to load
# (nlkit_vm.ko=) and to run the checks only this kernel can do
# (nlkit_vm.extra=1): the boot parameters nlkit_int=, nlkit_list= and
# nlkit_str= read back from /proc/nlkit_boot (kernel/builtin), and a
# kmemleak scan after the last rmmod. Then it compares the two guests'
# transcripts (every reply's bytes and the device's answers): the modules
# must answer alike.
# Exits 0 iff every guest reports that every check passed and the
# transcripts are identical. Outputs go to
# vmtest/out/k612/ (git-ignored). Environment: VMTEST_TIMEOUT (seconds per
# boot, default 180), NLKIT_VM_CACHE (see kernel.sh).
set -euo pipefail

# shellcheck source=vmtest/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OUT=$ROOT/vmtest/out/k612
TIMEOUT=${VMTEST_TIMEOUT:-180}
BOOT_PARAMS="nlkit_int=5 nlkit_list=1,2,7-9 nlkit_str=hello"
mkdir -p "$OUT"
T0=$(now)

# --- 1. packages and the kernel -------------------------------------------------
need_packages "$OUT/apt.log" qemu-system-x86 busybox-static cpio ethtool wireguard-tools
# The real tools the guest compares nlkit with (vmtest/guest-net.sh).
GUEST_TOOLS=(/usr/sbin/ethtool /usr/bin/wg)
# (Not `tee /dev/stderr`: reopening a redirected stderr file truncates it.)
bash "$ROOT/vmtest/kernel.sh" | tee "$OUT/kernel.out"
KDIR=$(sed -n 's/^KDIR=//p' "$OUT/kernel.out")
[ -n "$KDIR" ] && [ -e "$KDIR/arch/x86/boot/bzImage" ] || { echo "no kernel" >&2; exit 2; }
T1=$(now)

# --- 2. modules, built in copies so that the source tree stays clean --------------
build_module() { # build_module NAME SRC_DIR: $OUT/NAME/nlkit_demo.ko, or 1
	rm -rf "${OUT:?}/$1"
	mkdir -p "$OUT/$1"
	cp "$2"/* "$OUT/$1/"
	make -s -C "$KDIR" M="$OUT/$1" modules >"$OUT/$1.log" 2>&1 || true
	[ -e "$OUT/$1/nlkit_demo.ko" ] && return
	echo "== the $1 module does not build against $(basename "$KDIR"):" >&2
	grep -E 'error|Error' "$OUT/$1.log" | head -20 >&2
	return 1
}
build_module rust "$ROOT/kernel/rust" || exit 2
# The C module too, for the checks only this kernel has (kmemleak). A C
# module that does not build is run.sh's failure (Debian's kernel), not ours.
MODULES=(rust)
build_module c "$ROOT/kernel/c" || exit 2
MODULES+=(c)
T2=$(now)

build_programs

# --- 3. initramfs: both modules, busybox, the programs ----------------------------
FILES=("/:$ROOT/kernel/nlkit_demo.yaml" "/:$ROOT/specs/ynl/latest/wireguard.yaml"
	"/:$ROOT/specs/ynl/6.12/handshake.yaml")
for m in "${MODULES[@]}"; do FILES+=("/$m:$OUT/$m/nlkit_demo.ko"); done
make_initramfs "$OUT/initramfs" "$OUT/initramfs.cpio.gz" "${FILES[@]}"
T3=$(now)

# --- 4. one boot per module ----------------------------------------------------------
FAILED=()
boot() { # boot NAME: runs the checks against /NAME/nlkit_demo.ko
	local name=$1 t
	t=$(now)
	echo "== booting Linux $(make -s -C "$KDIR" kernelrelease) with the $name module (timeout ${TIMEOUT}s)"
	boot_vm "$KDIR/arch/x86/boot/bzImage" "$OUT/initramfs.cpio.gz" \
		"$BOOT_PARAMS nlkit_vm.ko=/$name/nlkit_demo.ko nlkit_vm.extra=1" "$TIMEOUT" "$OUT/console-$name.log"
	report_verdict "$OUT/console-$name.log" || FAILED+=("$name")
	echo "== $name module on $(basename "$KDIR"): $VERDICT, boot+test $(secs "$t" "$(now)")s," \
		"$(grep -c '^PASS' "$OUT/console-$name.txt" || true) PASS," \
		"$(grep -c '^FAIL' "$OUT/console-$name.txt" || true) FAIL"
}
for m in "${MODULES[@]}"; do boot "$m"; done
T4=$(now)

# The two modules must answer alike: the guests' transcripts ("T| " lines:
# every reply's bytes, the device's answers) are compared whole.
grep '^T| ' "$OUT/console-rust.txt" >"$OUT/transcript-rust.txt" || true
grep '^T| ' "$OUT/console-c.txt" >"$OUT/transcript-c.txt" || true
LINES=$(wc -l <"$OUT/transcript-c.txt")
if [ "$LINES" -gt 0 ] && cmp -s "$OUT/transcript-rust.txt" "$OUT/transcript-c.txt"; then
	echo "PASS: the Rust and C modules answer alike: identical transcripts ($LINES lines, $(wc -c <"$OUT/transcript-c.txt") bytes)"
else
	echo "FAIL: the Rust and C modules' transcripts differ ($LINES lines from C):"
	diff "$OUT/transcript-c.txt" "$OUT/transcript-rust.txt" | cut -c1-200 | head -40
	FAILED+=(transcript)
fi

echo "== timings (6.12 VMs): kernel $(secs "$T0" "$T1")s, modules $(secs "$T1" "$T2")s," \
	"examples+initramfs $(secs "$T2" "$T3")s, boots+tests $(secs "$T3" "$T4")s, total $(secs "$T0" "$T4")s"
if [ ${#FAILED[@]} -gt 0 ]; then
	echo "== result (6.12 VMs): fail (${FAILED[*]})"
	exit 1
fi
echo "== result (6.12 VMs): pass"
