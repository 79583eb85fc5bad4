#!/usr/bin/env bash
# The SIMD fast path against the scalar ReferenceRasterizer (both on one thread), and the fast
# path on 2 threads against 1, on both workloads. Runs are interleaved, round by round, so a
# noisy machine slows every variant alike; the table gives the median over rounds of each
# run's p50 frame time.
#
# usage: fast-vs-reference.sh [--photophore PATH] [--size WxH] [--rounds N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
photophore="$here/../.build/release/photophore"
size=1280x720
rounds=3

die() { echo "fast-vs-reference.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --photophore) [ $# -ge 2 ] || die "missing value for $1"; photophore="$2"; shift 2 ;;
    --size)       [ $# -ge 2 ] || die "missing value for $1"; size="$2"; shift 2 ;;
    --rounds)     [ $# -ge 2 ] || die "missing value for $1"; rounds="$2"; shift 2 ;;
    -h|--help)    sed -n '2,7p' "$0"; exit 0 ;;
    *)            die "unknown argument $1" ;;
  esac
done
[ -x "$photophore" ] || die "photophore binary not found at $photophore (build it, or pass --photophore PATH)"

results="$(mktemp)"
trap 'rm -f "$results"' EXIT

# run LABEL WORKLOAD ARGS...: one benchmark run, its JSON appended to $results.
run() {
  local label="$1" workload="$2"; shift 2
  local out
  out="$("$photophore" bench workload "$workload" --size "$size" --json "$@")" \
    || { echo "fast-vs-reference.sh: $label $workload failed" >&2; exit 1; }
  printf '%s\t%s\t%s\n' "$workload" "$label" "$(printf '%s\n' "$out" | grep '^{' | tail -n 1)" >>"$results"
}

for w in glow spheres; do
  for ((r = 1; r <= rounds; r++)); do
    echo "  $w round $r/$rounds" >&2
    # The reference takes tenths of a second per frame: fewer frames (3 are warm-up).
    run reference "$w" --reference --frames 8
    run fast1 "$w" --threads 1 --frames 60
    run fast2 "$w" --threads 2 --frames 60
  done
done

python3 - "$results" <<'EOF'
import json, sys, statistics
runs = {}
for line in open(sys.argv[1]):
    w, label, js = line.rstrip("\n").split("\t", 2)
    runs.setdefault((w, label), []).append(json.loads(js)["frame_ms"]["p50"])
med = {k: statistics.median(v) for k, v in runs.items()}
print(f"{'workload':<10}{'reference':>12}{'fast, 1 thread':>16}{'fast, 2 threads':>17}{'SIMD speed-up':>15}{'2 vs 1 thread':>15}")
for w in ("glow", "spheres"):
    ref, f1, f2 = med[(w, "reference")], med[(w, "fast1")], med[(w, "fast2")]
    print(f"{w:<10}{ref:>9.2f} ms{f1:>13.2f} ms{f2:>14.2f} ms{ref / f1:>14.2f}x{f1 / f2:>14.2f}x")
print(f"(p50 frame times, median of {len(runs[('glow', 'reference')])} interleaved rounds)")
EOF
