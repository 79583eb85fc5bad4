#!/usr/bin/env bash
# Peak memory of the window: `photophore play` at 1280x720 for each scene, several runs,
# with peak RSS as GNU time reports it (KiB), and in MB of 10^6 bytes (the budget is 50 MB). Without a display it starts a
# private Xvfb. Each run uses a throwaway memory store, so the user's is never touched.
#
# --check compares the figures with the 50 MB budget: one line per scene and run over it,
# then exit 3 when any was (exit 0 when all were within it; exit 2 on a usage or run error).
#
# usage: play-memory.sh [--photophore PATH] [--runs N] [--frames N] [--size WxH] [--check]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
photophore="$here/../.build/release/photophore"
runs=3
frames=300
size=1280x720
check=0
budget_mb=50

die() { echo "play-memory.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --photophore) [ $# -ge 2 ] || die "missing value for $1"; photophore="$2"; shift 2 ;;
    --runs)       [ $# -ge 2 ] || die "missing value for $1"; runs="$2"; shift 2 ;;
    --frames)     [ $# -ge 2 ] || die "missing value for $1"; frames="$2"; shift 2 ;;
    --size)       [ $# -ge 2 ] || die "missing value for $1"; size="$2"; shift 2 ;;
    --check)      check=1; shift ;;
    -h|--help)    sed -n '2,9p' "$0"; exit 0 ;;
    *)            die "unknown argument $1" ;;
  esac
done
[ -x "$photophore" ] || die "photophore binary not found at $photophore (build it, or pass --photophore PATH)"
[ -x /usr/bin/time ] || die "GNU time is missing (tools/setup.sh installs it)"

work="$(mktemp -d)"
xvfb=""
cleanup() { [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ]; then
  command -v Xvfb >/dev/null || die "no DISPLAY and no Xvfb (tools/setup.sh installs it)"
  for n in $(seq 90 120); do
    [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] && continue
    Xvfb ":$n" -screen 0 1920x1080x24 -nolisten tcp >/dev/null 2>&1 &
    xvfb=$!
    export DISPLAY=":$n"
    for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$n" ] && break; sleep 0.1; done
    break
  done
  [ -n "$xvfb" ] || die "no free display number for Xvfb"
fi

missed=0
printf '%-11s %4s %14s %10s %7s\n' scene run "peak RSS KiB" "MB (1e6)" "CPU s"
for ((r = 1; r <= runs; r++)); do
  for scene in candlefish emergence; do
    /usr/bin/time -f '%M %U %S' -o "$work/time" \
      "$photophore" play "$scene" --size "$size" --frames "$frames" --memory "$work/$scene-$r.sqlite" >/dev/null 2>"$work/err" \
      || { cat "$work/err" >&2; die "play $scene failed"; }
    read -r kb user sys < "$work/time"
    awk -v s="$scene" -v r="$r" -v kb="$kb" -v u="$user" -v y="$sys" \
      'BEGIN { printf "%-11s %4d %14d %10.1f %7.2f\n", s, r, kb, kb * 1024 / 1e6, u + y }'
    if ((check)) && awk -v kb="$kb" -v b="$budget_mb" 'BEGIN { exit !(kb * 1024 / 1e6 > b) }'; then
      echo "play-memory.sh: run $r: $scene peaked at $(awk -v kb="$kb" 'BEGIN { printf "%.1f", kb * 1024 / 1e6 }') MB, over the $budget_mb MB budget" >&2
      missed=$((missed + 1))
    fi
  done
done
if ((check && missed > 0)); then
  echo "play-memory.sh: the memory budget is missed: $missed scene runs over $budget_mb MB (listed above)" >&2
  exit 3
fi
