#!/usr/bin/env bash
# Runs go test on the packages given, prints go test's own output, then one
# closing line counting the tests: "N passed, N failed".
set -uo pipefail
log=$(mktemp)
trap 'rm -f "${log}"' EXIT
go vet "$@" || exit 1
go test -count=1 -timeout 30m -v "$@" 2>&1 | tee "${log}" | grep -Ev '^(=== (RUN|PAUSE|CONT|NAME)|\s+--- PASS)'
status=${PIPESTATUS[0]}
passed=$(grep -cE '^\s*--- PASS' "${log}")
failed=$(grep -cE '^\s*--- FAIL' "${log}")
echo
echo "${passed} passed, ${failed} failed"
exit "${status}"
