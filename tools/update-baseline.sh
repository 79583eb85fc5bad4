#!/usr/bin/env bash
# Records benchmarks/baseline.json: the scene benchmark at the size, frame count and threads
# CI gates with (the same as tools/gate-selftest.sh and .ci/run), as the median of 5 attempts
# (the gate judges a run by the median of 3). The file records the machine too (CPU model,
# the build's CPU level, core count): the gate compares times only on the same machine kind.
# Run it on a quiet machine of the CI kind after a change that moves the numbers on purpose,
# and commit the file with that change.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release
.build/release/photophore bench --size 640x360 --frames 300 --richness rich --threads 2 \
  --attempts 5 --median --json benchmarks/baseline.json "$@"
echo "update-baseline: wrote benchmarks/baseline.json"
