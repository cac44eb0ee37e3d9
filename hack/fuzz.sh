#!/usr/bin/env bash
# Runs every fuzz target for a bounded time each: FUZZTIME (default 30s).
# A crasher is written to <package>/testdata/fuzz/<target>/ by go test; commit
# it, and it runs as a regression test in every `go test` from then on.
set -euo pipefail
fuzztime=${FUZZTIME:-30s}
targets=(
  "./lockfile FuzzDecode"
  "./plugin FuzzNormalizeImageID"
  "./plugin FuzzReadManifests"
  "./diff FuzzUnified"
)
for t in "${targets[@]}"; do
  read -r pkg name <<<"${t}"
  echo "fuzz: ${pkg} ${name} for ${fuzztime}"
  go test "${pkg}" -run '^$' -fuzz "^${name}\$" -fuzztime "${fuzztime}"
done
