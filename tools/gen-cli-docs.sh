#!/bin/sh
# Writes doc/completions/nlkit.{bash,zsh,fish} and doc/man/*.8 from the
# CLI's own tables (nlkit completions, nlkit man). The CLI test
# `grammar` fails when the checked-in files differ from what nlkit prints.
set -eu
cd "$(dirname "$0")/.."
cargo build -q -p nlkit-cli
nlkit=target/debug/nlkit
mkdir -p doc/completions doc/man
for shell in bash zsh fish; do "$nlkit" completions "$shell" > "doc/completions/nlkit.$shell"; done
"$nlkit" man > doc/man/nlkit.8
for o in link address route rule neigh monitor tcp-metrics; do "$nlkit" man "$o" > "doc/man/nlkit-$o.8"; done
echo "wrote doc/completions and doc/man"
