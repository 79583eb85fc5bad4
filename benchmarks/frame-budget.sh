#!/usr/bin/env bash
# The frame budget at the product's full size: both scenes at 1920x1080, rich, on 2 threads
# (render plus effects, no encoding), with the built-in scripts through every mood and stage.
# Runs `photophore bench` several times in a row, since a shared machine has noisy spells, and
# prints each run's table with the per-stage percentiles. The budget holds when every run
# shows p99 at or under 16.67 ms.
#
# usage: frame-budget.sh [--photophore PATH] [--runs N] [extra bench args...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
photophore="$here/../.build/release/photophore"
runs=3
extra=()

die() { echo "frame-budget.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --photophore) [ $# -ge 2 ] || die "missing value for $1"; photophore="$2"; shift 2 ;;
    --runs)       [ $# -ge 2 ] || die "missing value for $1"; runs="$2"; shift 2 ;;
    -h|--help)    sed -n '2,8p' "$0"; exit 0 ;;
    *)            extra+=("$1"); shift ;;
  esac
done
[ -x "$photophore" ] || die "photophore binary not found at $photophore (build it, or pass --photophore PATH)"

for ((r = 1; r <= runs; r++)); do
  echo "== run $r of $runs"
  "$photophore" bench --size 1920x1080 --richness rich --threads 2 --stages ${extra[@]+"${extra[@]}"}
done
