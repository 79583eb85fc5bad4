#!/usr/bin/env bash
# Does the window keep real time under load? Runs `photophore play` for a number of wall-clock
# seconds with a busy loop on every core, quits it (SIGTERM, which the window takes as a
# quit), and compares the simulation time the session ended at (the store's "session end")
# with the wall-clock seconds it ran. A world that keeps real time gives a ratio near 1.
# Give several binaries to compare them side by side, interleaved, in one run. Without a
# display it starts a private Xvfb. Each run uses a throwaway memory store.
#
# usage: play-realtime.sh [--photophore PATH]... [--runs N] [--seconds S] [--size WxH] [--scene NAME] [--no-load]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binaries=()
runs=3
seconds=10
size=1920x1080
scenes=(candlefish emergence)
load=1

die() { echo "play-realtime.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --photophore) [ $# -ge 2 ] || die "missing value for $1"; binaries+=("$2"); shift 2 ;;
    --runs)       [ $# -ge 2 ] || die "missing value for $1"; runs="$2"; shift 2 ;;
    --seconds)    [ $# -ge 2 ] || die "missing value for $1"; seconds="$2"; shift 2 ;;
    --size)       [ $# -ge 2 ] || die "missing value for $1"; size="$2"; shift 2 ;;
    --scene)      [ $# -ge 2 ] || die "missing value for $1"; scenes=("$2"); shift 2 ;;
    --no-load)    load=0; shift ;;
    -h|--help)    sed -n '2,10p' "$0"; exit 0 ;;
    *)            die "unknown argument $1" ;;
  esac
done
((${#binaries[@]})) || binaries=("$here/../.build/release/photophore")
for b in "${binaries[@]}"; do [ -x "$b" ] || die "photophore binary not found at $b (build it, or pass --photophore PATH)"; done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs $runs: use a whole number of 1 or more"
[[ "$seconds" =~ ^[1-9][0-9]*$ ]] || die "--seconds $seconds: use a whole number of seconds, 1 or more"

work="$(mktemp -d)"
xvfb=""
hogs=()
cleanup() {
  [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null
  ((${#hogs[@]})) && kill "${hogs[@]}" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "${DISPLAY:-}" ]; then
  command -v Xvfb >/dev/null || die "no DISPLAY and no Xvfb (tools/setup.sh installs it)"
  Xvfb -displayfd 3 -screen 0 1920x1080x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
  xvfb=$!
  for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
  [ -s "$work/display" ] || die "Xvfb did not start"
  export DISPLAY=":$(cat "$work/display")"
fi
if ((load)); then
  for _ in $(seq "$(nproc)"); do ( while :; do :; done ) & hogs+=($!); done
fi

echo "play for $seconds s at $size, $( ((load)) && echo "$(nproc) busy loops" || echo "no load")" >&2
printf '%-11s %-40s %4s %8s %8s %7s\n' scene binary run "wall s" "sim s" ratio
for ((r = 1; r <= runs; r++)); do
  for scene in "${scenes[@]}"; do
    for b in "${binaries[@]}"; do
      store="$work/$scene-$r-$RANDOM.sqlite"
      # Older builds have no --clock; the date does not change how time runs.
      clock=(); "$b" play --help 2>/dev/null | grep -q -- --clock && clock=(--clock 2026-11-21T10:00:00Z)
      "$b" play "$scene" --size "$size" --memory "$store" "${clock[@]}" >/dev/null 2>"$work/err" &
      pid=$!
      sleep "$seconds"
      kill -TERM "$pid" 2>/dev/null || true
      wait "$pid" || { cat "$work/err" >&2; die "play $scene ($b) failed"; }
      sim=$("$b" memory history --memory "$store" | sed -n 's/.*t=\([0-9.]*\)  session end.*/\1/p' | tail -1)
      [ -n "$sim" ] || die "no session end in the store of play $scene ($b)"
      awk -v s="$scene" -v b="$b" -v r="$r" -v w="$seconds" -v sim="$sim" \
        'BEGIN { printf "%-11s %-40s %4d %8.2f %8.2f %7.3f\n", s, substr(b, length(b) - 39), r, w, sim, sim / w }'
    done
  done
done
