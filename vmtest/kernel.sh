#!/usr/bin/env bash
# Builds, once per machine, the small Rust-enabled Linux 6.12 that the VM test
# boots for the Rust module (kernel/rust) and the boot parameters of
# kernel/builtin, and keeps it outside the clone:
#
#   bash vmtest/kernel.sh        # last line of output: KDIR=<the built tree>
#
# Responsible for: installing what is missing (apt: linux-source-6.12 and the
# build tools; bindgen-cli from crates.io; the rust-src component), unpacking
# the source into the cache, patching it (vmtest/kernel.config merged onto
# tinyconfig; kernel/builtin/bindings_helper.h appended to the Rust bindings;
# kernel/builtin/rust_helpers.c added to the Rust helpers; nlkit_boot.rs built
# in as init/nlkit_boot.o), and building bzImage plus what out-of-tree modules
# need (modules_prepare, Module.symvers).
#
# The tree is cached in $NLKIT_VM_CACHE (default /var/cache/nlkit-vm), keyed
# on a hash of the fragment, the patches, the built-in sources, this script,
# the source package's version and the toolchain (rustc, bindgen, gcc: an
# out-of-tree Rust module must be built by the rustc that built the kernel).
# A matching key skips everything; a different key rebuilds incrementally in
# the same tree (a new source version unpacks afresh). A lock file keeps
# two runs from building the same cache at once. Needs root for apt.
set -euo pipefail

# shellcheck source=vmtest/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
CACHE=${NLKIT_VM_CACHE:-/var/cache/nlkit-vm}
FRAGMENT=$ROOT/vmtest/kernel.config
BUILTIN=$ROOT/kernel/builtin
PATCHES=("$FRAGMENT" "$BUILTIN/bindings_helper.h" "$BUILTIN/rust_helpers.c" "$BUILTIN/nlkit_boot.rs"
	"${BASH_SOURCE[0]}")
SRC_PKG=linux-source-6.12
SRC_TAR=/usr/src/linux-source-6.12.tar.xz
export PATH=$HOME/.cargo/bin:$PATH

T0=$(now)
mkdir -p "$CACHE"
LOG=$CACHE/kernel-build.log
# One build at a time per cache (CI and a developer may both run the VM test).
exec 9>"$CACHE/.lock"
flock 9

# --- 1. tools -----------------------------------------------------------------
# bindgen-cli compiles for minutes: start it first, next to apt and the unpack.
BINDGEN_PID=
if ! command -v bindgen >/dev/null; then
	echo "== installing bindgen-cli (cargo install, in the background)"
	cargo install --locked bindgen-cli >"$CACHE/bindgen-install.log" 2>&1 &
	BINDGEN_PID=$!
fi
need_packages "$CACHE/apt.log" "$SRC_PKG" flex bison bc make gcc libc6-dev libelf-dev libclang1-14 \
	libclang-common-14-dev xz-utils
SYSROOT=$(rustc --print sysroot)
if [ ! -d "$SYSROOT/lib/rustlib/src/rust/library" ]; then
	echo "== rustup component add rust-src"
	rustup component add rust-src
fi
T1=$(now)

# --- 2. source (while bindgen may still compile) ----------------------------------------
# One tree, at a path without the '~' of Debian versions; .nlkit-source says
# which source package it was unpacked from.
SRC_VER=$(dpkg-query -W -f='${Version}' "$SRC_PKG")
TREE=$CACHE/linux
STAMP=$TREE/.nlkit-key
if [ ! -e "$TREE/Makefile" ] || [ "$(cat "$TREE/.nlkit-source" 2>/dev/null)" != "$SRC_VER" ]; then
	echo "== unpacking $SRC_TAR ($SRC_VER) into $TREE"
	rm -rf "$TREE" "$CACHE/unpack"
	mkdir -p "$CACHE/unpack"
	tar -xJf "$SRC_TAR" -C "$CACHE/unpack"
	mv "$CACHE/unpack"/linux-source-* "$TREE"
	rmdir "$CACHE/unpack"
	echo "$SRC_VER" >"$TREE/.nlkit-source"
fi
T2=$(now)

# --- 3. cache key ------------------------------------------------------------------------
if [ -n "$BINDGEN_PID" ]; then
	wait "$BINDGEN_PID" || { tail -30 "$CACHE/bindgen-install.log"; exit 2; }
fi
KEY=$( {
	echo "$SRC_PKG $SRC_VER"
	rustc --version; bindgen --version; gcc --version | head -1
	sha256sum "${PATCHES[@]}" | cut -d' ' -f1
} | sha256sum | cut -c1-16)
T3=$(now)
if [ -e "$STAMP" ] && [ "$(cat "$STAMP")" = "$KEY" ] && [ -e "$TREE/arch/x86/boot/bzImage" ]; then
	echo "== kernel cached ($TREE, key $KEY): total $(secs "$T0" "$T3")s"
	echo "KDIR=$TREE"
	exit 0
fi

# --- 4. patches (idempotent: each patched file starts from its pristine copy) ------
rm -f "$STAMP"
pristine() {
	[ -e "$1.nlkit-orig" ] || cp "$1" "$1.nlkit-orig"
	cp "$1.nlkit-orig" "$1"
}
pristine "$TREE/rust/bindings/bindings_helper.h"
cat "$BUILTIN/bindings_helper.h" >>"$TREE/rust/bindings/bindings_helper.h"
cp "$BUILTIN/rust_helpers.c" "$TREE/rust/helpers/nlkit.c"
pristine "$TREE/rust/helpers/helpers.c"
echo '#include "nlkit.c"' >>"$TREE/rust/helpers/helpers.c"
cp "$BUILTIN/nlkit_boot.rs" "$TREE/init/nlkit_boot.rs"
pristine "$TREE/init/Makefile"
echo 'obj-$(CONFIG_RUST) += nlkit_boot.o' >>"$TREE/init/Makefile"

# --- 5. config -------------------------------------------------------------------------
cd "$TREE"
make -s rustavailable >/dev/null || { make rustavailable; exit 2; }
make -s ARCH=x86_64 tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m -O . .config "$FRAGMENT" >/dev/null
make -s ARCH=x86_64 olddefconfig >/dev/null
bad=0
while read -r line; do
	case $line in
	CONFIG_*=*) grep -qx "$line" .config || { echo "config: $line did not take" >&2; bad=1; } ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		grep -q "^$sym=" .config && { echo "config: $sym is set" >&2; bad=1; } ;;
	esac
done <"$FRAGMENT"
[ $bad = 0 ] || exit 2
T4=$(now)

# --- 6. build ----------------------------------------------------------------------------
echo "== building bzImage and modules_prepare with -j$(nproc) (log: $LOG)"
if ! make ARCH=x86_64 -j"$(nproc)" bzImage modules_prepare >"$LOG" 2>&1; then
	grep -E 'error|Error' "$LOG" | head -40
	tail -20 "$LOG"
	exit 2
fi
# Module.symvers lists vmlinux's exports for modpost; `make modules` writes it
# (no module is configured: it builds nothing else).
[ -e Module.symvers ] || make ARCH=x86_64 -j"$(nproc)" modules >>"$LOG" 2>&1
echo "$KEY" >"$STAMP"
T5=$(now)
echo "== kernel $(make -s kernelrelease) built (key $KEY): apt+rust-src $(secs "$T0" "$T1")s," \
	"source $(secs "$T1" "$T2")s, waiting for bindgen $(secs "$T2" "$T3")s, config $(secs "$T3" "$T4")s," \
	"build $(secs "$T4" "$T5")s, total $(secs "$T0" "$T5")s"
echo "KDIR=$TREE"
