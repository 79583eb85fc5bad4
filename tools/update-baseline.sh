#!/usr/bin/env bash
# Records benchmarks/baseline.json: the scene benchmark at the size, frame count and threads
# CI checks the work counters with (the same as tools/gate-selftest.sh and .ci/run), as the
# median of 5 attempts (the gate judges a run by the median of 3). The file records the machine too (CPU model,
# the build's CPU level, core count): the gate compares times only on the same machine kind,
# and refuses another kind with exit 5. The times are for local use on the machine that
# recorded them: CI compares frame times A/B against the base commit (bench --compare) and
# only the work counters against this file. Run it on a quiet machine after a change that
# moves the numbers on purpose, and commit the file with that change.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release
.build/release/photophore bench --size 640x360 --frames 300 --richness rich --threads 2 \
  --attempts 5 --median --json benchmarks/baseline.json "$@"
echo "update-baseline: wrote benchmarks/baseline.json"
