#!/usr/bin/env bash
# Pins where the user-space code may use `unsafe` (CI runs this). Every
# crate root denies unsafe_code; each place that allows it again is a site
# (a module's `#![allow]` in its mod.rs covers the files of its folder),
# and tools/unsafe-sites.txt lists them as "PATH COUNT" (the count of
# `allow(unsafe_code)` in the file). A new site, or one gone, fails until
# the list is updated on purpose, in review. Files that spell `unsafe` in
# code but are not listed fail too (a crate root without the deny).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(find crates examples -name '*.rs' -not -path '*/target/*' | sort)
actual=$(for f in $files; do
	n=$(grep -c 'allow(unsafe_code)' "$f" || true)
	[ "$n" = 0 ] || echo "$f $n"
done)
expected=$(grep -v '^#' tools/unsafe-sites.txt | sed '/^$/d' | sort)
status=0
if [ "$actual" != "$expected" ]; then
	echo "unsafe sites differ from tools/unsafe-sites.txt (< pinned, > now):" >&2
	diff <(echo "$expected") <(echo "$actual") >&2 || true
	status=1
fi
listed=$(echo "$expected" | cut -d' ' -f1)
for f in $(grep -lE '\bunsafe (\{|fn|impl|extern|trait)' $files || true); do
	# A module's files are covered by its mod.rs's inner allow.
	echo "$listed" | grep -qx -e "$f" -e "$(dirname "$f")/mod.rs" ||
		{ echo "$f uses unsafe but is not a pinned site" >&2; status=1; }
done
for root in crates/nlkit-wire/src/lib.rs crates/nlkit/src/lib.rs crates/nlkit-cli/src/main.rs examples/src/lib.rs; do
	grep -q '^#!\[deny(unsafe_code)\]' "$root" || { echo "$root does not deny unsafe_code" >&2; status=1; }
done
[ "$status" = 0 ] && echo "unsafe sites: as pinned ($(echo "$expected" | wc -l) files)"
exit "$status"
