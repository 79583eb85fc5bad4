#!/usr/bin/env bash
# Fuzzing of every file reader (README, "Fuzzing"): the stimulus script reader, the memory
# store opener on damaged files, the PNG reader and the glTF loader, each on mutated inputs, with no crash
# and no hang. Builds in release and runs photophore-fuzz; 1000000 inputs per target by
# default, on as many processes as there are CPUs.
#
#   tools/fuzz.sh [--inputs N] [--target script|store|png|gltf|all] [--seed S] [--jobs J] [--no-build]
#
# --no-build runs the photophore-fuzz that `swift build -c release` (tools/test.sh) just
# built: `swift test` compiles the modules with other flags, so building after it would
# compile them all again. Exit status 0: no crash, no hang, and every input asked for ran
# (the jobs' counts add up to --inputs; a job without a tally fails the run). --inputs 0 is
# refused (exit 2): a run of nothing would pass. Otherwise the fuzzer's last message names
# the target, the seed and the input, with the command that reproduces it alone (--only I)
# and writes it to a file (--write-input FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
args=()
build=1
previous=
for a in "$@"; do
  if [ "$a" = --no-build ]; then build=0; else args+=("$a"); fi
  # Refused before the build, as the fuzzer refuses it: a run of no inputs would pass.
  if [ "$previous" = --inputs ] && ! [[ "$a" =~ ^[0-9]+$ && "$a" =~ [1-9] ]]; then
    echo "fuzz: --inputs $a: give a count of 1 or more, such as 1000000" >&2
    exit 2
  fi
  previous=$a
done
if [ "$build" = 1 ]; then
  tools/setup.sh
  swift build -c release --product photophore-fuzz
fi
bin=.build/release/photophore-fuzz
if [ ! -x "$bin" ]; then
  echo "fuzz: $bin is not built; run tools/fuzz.sh without --no-build" >&2
  exit 2
fi
[[ " ${args[*]-} " == *" --jobs "* ]] || args+=(--jobs "$(nproc)")
exec "$bin" "${args[@]}"
