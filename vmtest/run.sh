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
# VMTEST_TIMEOUT (seconds, default 120) for the boot, VMTEST_RUST=0 to skip
# the 6.12 guests.
set -euo pipefail

# shellcheck source=vmtest/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OUT=$ROOT/vmtest/out
TIMEOUT=${VMTEST_TIMEOUT:-120}
mkdir -p "$OUT"
T0=$(now)

# --- 1. packages ----------------------------------------------------------------
# The headers must match a kernel in /boot.
kver_with_headers() {
	local k v
	for k in $(ls /boot/vmlinuz-* 2>/dev/null | sort -V -r); do
		v=${k#/boot/vmlinuz-}
		[ -e "/usr/src/linux-headers-$v/Makefile" ] && { echo "$v"; return; }
	done
}
pkgs=(qemu-system-x86 busybox-static cpio make gcc)
ls /boot/vmlinuz-* >/dev/null 2>&1 || pkgs+=(linux-image-amd64)
if [ -z "${KVER:-}" ] && [ -z "$(kver_with_headers)" ]; then pkgs+=(linux-image-amd64 linux-headers-amd64); fi
need_packages "$OUT/apt.log" "${pkgs[@]}"
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
cp "$ROOT/kernel/c/nlkit_demo.c" "$ROOT/kernel/c/nlkit_demo.h" "$ROOT/kernel/c/nlkit_hostile.c" \
	"$ROOT/kernel/c/Makefile" "$OUT/module/"
make -s -C "/usr/src/linux-headers-$KVER" M="$OUT/module" modules 2>&1 \
	| grep -v 'Skipping BTF generation' || true
for m in nlkit_demo nlkit_hostile; do
	[ -e "$OUT/module/$m.ko" ] || { echo "$m build failed" >&2; exit 2; }
done
# The tutorial-style modules (kernel/tutorial), driven by guest-tutorial.sh.
mkdir -p "$OUT/tutorial"
cp "$ROOT"/kernel/tutorial/*.c "$ROOT/kernel/tutorial/Makefile" "$OUT/tutorial/"
make -s -C "/usr/src/linux-headers-$KVER" M="$OUT/tutorial" modules 2>&1 \
	| grep -v 'Skipping BTF generation' || true
for m in tut_netlink tut_chardev; do
	[ -e "$OUT/tutorial/$m.ko" ] || { echo "$m build failed" >&2; exit 2; }
done
T2=$(now)

build_programs
T3=$(now)

# --- 3. initramfs ------------------------------------------------------------------
make_initramfs "$OUT/initramfs" "$OUT/initramfs.cpio.gz" "/:$OUT/module/nlkit_demo.ko" \
	"/:$OUT/module/nlkit_hostile.ko" \
	"/:$OUT/tutorial/tut_netlink.ko" "/:$OUT/tutorial/tut_chardev.ko" "/:$ROOT/vmtest/guest-tutorial.sh" \
	"/:$ROOT/kernel/nlkit_demo.yaml"
T4=$(now)

# --- 4. boot --------------------------------------------------------------------------
echo "== booting (timeout ${TIMEOUT}s)"
boot_vm "/boot/vmlinuz-$KVER" "$OUT/initramfs.cpio.gz" "" "$TIMEOUT" "$OUT/console.log"
RESULT=$VERDICT
T5=$(now)
report_verdict "$OUT/console.log" || true
# The same kernel with SELinux on (no policy loaded): its notices only.
echo "== booting with SELinux (timeout ${TIMEOUT}s)"
boot_vm "/boot/vmlinuz-$KVER" "$OUT/initramfs.cpio.gz" "security=selinux selinux=1 nlkit_selinux" \
	"$TIMEOUT" "$OUT/console-selinux.log"
report_verdict "$OUT/console-selinux.log" || true
[ "$VERDICT" = pass ] || RESULT="$RESULT; selinux boot: $VERDICT"
echo "== timings: install $(secs "$T0" "$T1")s, module $(secs "$T1" "$T2")s," \
	"examples $(secs "$T2" "$T3")s, initramfs $(secs "$T3" "$T4")s, boot+test $(secs "$T4" "$T5")s," \
	"total $(secs "$T0" "$T5")s"
echo "== result: $RESULT"

# --- 5. the same checks on our Rust-enabled kernel: the Rust module (and the C
# one), plus boot parameters and kmemleak (vmtest/rust.sh, vmtest/kernel.sh).
# VMTEST_RUST=0 skips them (a quicker loop while working on the Debian guest;
# CI runs everything).
RUST_RC=0
if [ "${VMTEST_RUST:-1}" != 0 ]; then bash "$ROOT/vmtest/rust.sh" || RUST_RC=$?; fi
[ "$RESULT" = pass ] && [ "$RUST_RC" = 0 ]
