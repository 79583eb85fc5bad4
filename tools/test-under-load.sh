#!/usr/bin/env bash
# The test command under load: a busy loop on every core while the whole suite runs, several
# times in a row. The suite must pass each time: no test may depend on how fast the machine is.
#
#   tools/test-under-load.sh [--runs N]     (default 3)
#
# Prints one line per run and a last "N passed, N failed" line; exits 1 if any run failed.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=3
while (($#)); do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    *) echo "test-under-load: unknown argument $1; use --runs N" >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "test-under-load: --runs $runs: use a whole number of 1 or more" >&2; exit 2; }

tools/setup.sh
swift build -c release
swift build -c release --build-tests

hogs=()
stop_hogs() { ((${#hogs[@]})) && kill "${hogs[@]}" 2>/dev/null; wait 2>/dev/null || true; }
trap stop_hogs EXIT
for _ in $(seq "$(nproc)"); do
  ( while :; do :; done ) &
  hogs+=($!)
done
echo "test-under-load: ${#hogs[@]} busy loops running" >&2

passed=0 failed=0
mkdir -p out
for i in $(seq "$runs"); do
  start=$(date +%s)
  if swift test -c release --skip-build > "out/test-under-load-$i.log" 2>&1; then
    passed=$((passed + 1)); verdict=passed
  else
    failed=$((failed + 1)); verdict="FAILED (see out/test-under-load-$i.log)"
  fi
  echo "run $i: $verdict in $(( $(date +%s) - start )) s" >&2
done
echo "under load: $passed passed, $failed failed"
((failed == 0))
