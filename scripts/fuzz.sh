#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME (default 5s) each.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v go >/dev/null || export PATH=$PATH:/usr/local/go/bin
fuzztime=${FUZZTIME:-5s}
status=0
while IFS= read -r file; do
  dir=./$(dirname "$file")
  for target in $(grep -oE '^func (Fuzz[A-Za-z0-9_]+)\(' "$file" | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/'); do
    echo "== $dir $target"
    go test -run='^$' -fuzz="^${target}\$" -fuzztime="$fuzztime" -fuzzminimizetime=2s "$dir" || status=1
  done
done < <(grep -rlE '^func Fuzz' --include='*_test.go' . | sort)
exit $status
