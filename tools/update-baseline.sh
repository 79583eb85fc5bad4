#!/usr/bin/env bash
# Records benchmarks/baseline.json: the scene benchmark at the size and frame count CI gates
# with, as the median of 5 attempts (the gate then judges a run by its best of 3). Run it on a quiet machine of the CI kind after a change that moves the numbers on
# purpose, and commit the file with that change.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release
.build/release/photophore bench --size 1280x720 --frames 300 --richness rich --threads 2 \
  --attempts 5 --median --json benchmarks/baseline.json "$@"
echo "update-baseline: wrote benchmarks/baseline.json"
