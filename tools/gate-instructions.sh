#!/usr/bin/env bash
# The instruction leg of the frame-budget gate: the instructions of each stage (scene,
# raster, effects) of single-threaded frames of both scenes, counted by Valgrind's callgrind
# (`photophore bench instructions`), compared with benchmarks/instructions.json. A stage that
# grew by more than 1% fails with exit 3. The counts repeat exactly whatever else the machine
# is doing, so this leg holds on a loaded CI runner, where frame times cannot be trusted.
#
# The counts belong to one build (toolchain, CPU level, configuration) and compare on any
# CPU model. A baseline counted with another build is refused with exit 5 (nothing was
# compared), and `.ci/run` logs this comparison as not made; a baseline that cannot be read,
# or lacks a scene, is exit 2 and fails.
#
# Callgrind cannot run AVX-512 code, so the counts come from an x86-64-v3 build, made here in
# .build-v3 (on an AVX2 machine it is the same build as the default one).
#
# usage: gate-instructions.sh [--record] [--print-binary] [bench instructions options...]
#   --record        write benchmarks/instructions.json instead of comparing with it; commit it
#                   with a change that moves the counts on purpose
#   --print-binary  only build, and print the path of the binary callgrind runs
set -euo pipefail
cd "$(dirname "$0")/.."
record=0 print=0
args=()
for a in "$@"; do
  case "$a" in
    --record) record=1 ;;
    --print-binary) print=1 ;;
    *) args+=("$a") ;;
  esac
done
tools/setup.sh >&2
PHOTOPHORE_TARGET=x86-64-v3 swift build -c release --scratch-path .build-v3 --product photophore >&2
bin=.build-v3/release/photophore
if [ "$print" = 1 ]; then echo "$bin"; exit 0; fi
# The settings the baseline is counted with: the gate's size and richness, 3 frames per scene
# (timeline frames 0, 3200 and 6400: the quiet start, the middle and the late moods and stages).
settings=(--size 640x360 --richness rich --frames 3)
if [ "$record" = 1 ]; then
  "$bin" bench instructions "${settings[@]}" --json benchmarks/instructions.json "${args[@]}"
  echo "gate-instructions: wrote benchmarks/instructions.json"
else
  "$bin" bench instructions "${settings[@]}" --baseline benchmarks/instructions.json "${args[@]}"
fi
