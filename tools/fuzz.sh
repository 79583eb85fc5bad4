#!/usr/bin/env bash
# Fuzzing of every file reader (README, "Fuzzing"): the stimulus script reader, the memory
# store opener on damaged files and the PNG reader, each on mutated inputs, with no crash
# and no hang. Builds in release and runs photophore-fuzz; 1000000 inputs per target by
# default, on as many processes as there are CPUs.
#
#   tools/fuzz.sh [--inputs N] [--target script|store|png|all] [--seed S] [--jobs J]
#
# Exit status 0: no crash, no hang. Otherwise the fuzzer's last message names the target,
# the seed and the input, with the command that reproduces it alone (--only I) and writes
# it to a file (--write-input FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
swift build -c release --product photophore-fuzz
jobs=()
[[ " $* " == *" --jobs "* ]] || jobs=(--jobs "$(nproc)")
exec .build/release/photophore-fuzz "${jobs[@]}" "$@"
