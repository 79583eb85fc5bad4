#!/usr/bin/env bash
# Shows that the benchmark gate passes on the unchanged tree and trips (exit code 3) on a
# planted regression of work and of time.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=.build/release/photophore
# The settings of tools/update-baseline.sh, threads included.
args=(--size 640x360 --frames 300 --richness rich --threads 2 --baseline benchmarks/baseline.json)
status=0
"$bin" bench "${args[@]}" > /dev/null; code=$?
echo "unchanged tree: exit $code (expect 0)"; [ "$code" = 0 ] || status=1
for plant in work time; do
  "$bin" bench "${args[@]}" --plant-regression "$plant" > /dev/null 2> "/tmp/gate-$plant.log"; code=$?
  echo "planted $plant regression: exit $code (expect 3)"; grep "regression:" "/tmp/gate-$plant.log" | head -3
  [ "$code" = 3 ] || status=1
done
exit $status
