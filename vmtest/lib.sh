# shellcheck shell=bash
# Shared steps of the VM test scripts (vmtest/run.sh, vmtest/rust.sh,
# vmtest/kernel.sh), sourced by each after its `set -euo pipefail`:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Defines ROOT (the repository) and functions only; running it does nothing
# else. The functions leave errexit alone (no `set +e`): a failing step fails
# the caller, and a function that reports through its status says so.
# (kernel.sh's cache key does not hash this file: nothing here changes what
# the kernel build produces.)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# The nlkit programs the guest runs (cargo build_programs; make_initramfs).
NLKIT_BINS=(nl-sendto nl-sendmsg nl-send-lines nl-group-listen nl-register nl-hostile-genl nlkit)
GUEST_TOOLS=()

# now: the time in seconds, for secs.
now() { date +%s.%N; }

# secs T0 T1: T1 - T0 with one decimal, for the timing lines.
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# need_packages LOG PKG...: apt-get installs those of PKG that dpkg does not
# list as installed, output to LOG; on failure shows LOG's tail and exits 2.
need_packages() {
	local log=$1 p
	shift
	local missing=()
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -gt 0 ] || return 0
	echo "== installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >"$log" 2>&1 || { tail -30 "$log"; exit 2; }
	apt-get install -y -q --no-install-recommends "${missing[@]}" >>"$log" 2>&1 \
		|| { tail -30 "$log"; exit 2; }
}

# build_programs: cargo builds the nlkit programs (NLKIT_BINS) in release
# mode; sets BINDIR to where they are.
build_programs() {
	(cd "$ROOT" && cargo build --release -q -p nlkit-examples -p nlkit-cli)
	BINDIR=${CARGO_TARGET_DIR:-$ROOT/target}/release
}

# make_initramfs DIR OUT [DEST:FILE]...: builds in DIR (emptied first) the
# guest's root: busybox, vmtest/guest-init.sh as /init (and guest-net.sh
# beside it), the programs of build_programs and the host's programs named
# in GUEST_TOOLS (paths; none by default) with the libraries they load, and
# each FILE copied into the directory DEST (e.g. /rust); packs DIR into the
# gzipped cpio archive OUT.
make_initramfs() {
	local ird=$1 out=$2 f b lib
	shift 2
	rm -rf "$ird"
	mkdir -p "$ird"/{bin,dev,proc,sys,tmp}
	cp /bin/busybox "$ird/bin/busybox"
	cp "$ROOT/vmtest/guest-init.sh" "$ird/init"
	chmod 755 "$ird/init"
	for f in "$@"; do
		mkdir -p "$ird/${f%%:*}"
		cp "${f#*:}" "$ird/${f%%:*}/"
	done
	cp "$ROOT/vmtest/guest-net.sh" "$ird/guest-net.sh"
	local bins=()
	for b in "${NLKIT_BINS[@]}"; do bins+=("$BINDIR/$b"); done
	for b in "${bins[@]}" "${GUEST_TOOLS[@]}"; do
		cp "$b" "$ird/bin/"
		# Each library ldd names (glibc, libgcc_s, ld-linux), at the same path.
		ldd "$b" | grep -oE '/[^ ]+' | while read -r lib; do
			[ -e "$ird$lib" ] && continue
			mkdir -p "$ird$(dirname "$lib")"
			cp -L "$lib" "$ird$lib"
		done
	done
	# The console /init starts on, before it mounts devtmpfs (needs root).
	mknod -m 600 "$ird/dev/console" c 5 1 2>/dev/null || true
	(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
}

# boot_vm KERNEL INITRD APPEND TIMEOUT LOG: boots KERNEL with INITRD in QEMU
# (TCG, 512 MiB, serial console, the isa-debug-exit device the guest writes
# its verdict to), kernel command line "console=ttyS0 panic=-1 quiet APPEND",
# for at most TIMEOUT seconds. The console goes to LOG, and without the
# carriage returns to LOG with .txt for .log. Sets VERDICT to "pass" or
# "fail (why)"; returns 0 either way.
boot_vm() {
	local kernel=$1 initrd=$2 append=$3 timeout=$4 log=$5 rc=0
	timeout "$timeout" qemu-system-x86_64 -accel tcg -m 512 -nographic -no-reboot \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 quiet${append:+ $append}" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$log" 2>&1 || rc=$?
	# The guest writes 0 (pass) or 1 (fail); QEMU exits with (byte << 1) | 1.
	case $rc in
	1) VERDICT=pass ;;
	3) VERDICT="fail (guest reported failed checks)" ;;
	124) VERDICT="fail (timed out after ${timeout}s)" ;;
	0) VERDICT="fail (no verdict: guest powered off or panicked)" ;;
	*) VERDICT="fail (qemu exit status $rc)" ;;
	esac
	tr -d '\r' <"$log" >"${log%.log}.txt"
}

# report_verdict LOG: after boot_vm ... LOG, prints the guest's PASS/FAIL and
# GUEST RESULT lines if VERDICT is pass (returns 0), else the whole console
# (returns 1).
report_verdict() {
	local log=$1
	if [ "$VERDICT" = pass ]; then
		grep -E '^(PASS|FAIL):|GUEST RESULT' "${log%.log}.txt" || true
		return 0
	fi
	echo "== guest console ($log)"
	cat "${log%.log}.txt"
	return 1
}
