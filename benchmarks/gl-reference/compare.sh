#!/usr/bin/env bash
# Compares Photophore's benchmark workloads with the same workloads drawn by
# llvmpipe (glbench), both on 2 threads, runs interleaved A/B/A/B/A/B.
#
# usage: compare.sh [--photophore PATH] [--size WxH] [--frames N] [--samples 1|2|4|8]
#                   [--spheres-args "..."] [--glow-args "..."] [extra args for both...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
photophore="$here/../../.build/release/photophore"
size=1280x720
frames=60
samples=1
spheres_args=""
glow_args=""
extra=()
rounds=3

die() { echo "compare.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --photophore)   [ $# -ge 2 ] || die "missing value for $1"; photophore="$2"; shift 2 ;;
    --size)         [ $# -ge 2 ] || die "missing value for $1"; size="$2"; shift 2 ;;
    --frames)       [ $# -ge 2 ] || die "missing value for $1"; frames="$2"; shift 2 ;;
    --samples)      [ $# -ge 2 ] || die "missing value for $1"; samples="$2"; shift 2 ;;
    --spheres-args) [ $# -ge 2 ] || die "missing value for $1"; spheres_args="$2"; shift 2 ;;
    --glow-args)    [ $# -ge 2 ] || die "missing value for $1"; glow_args="$2"; shift 2 ;;
    -h|--help)      sed -n '2,6p' "$0"; exit 0 ;;
    *)              extra+=("$1"); shift ;;
  esac
done

case "$samples" in
  1|2|4|8) ;;
  *) die "bad value for --samples: $samples (expected 1, 2, 4 or 8)" ;;
esac
# 1 is both sides' default: photophore gets --samples only above 1, so that a binary
# without the option still compares at 1 sample.
gl_samples=(--samples "$samples")
pp_samples=()
[ "$samples" = 1 ] || pp_samples=(--samples "$samples")

make -s -C "$here" glbench
[ -x "$photophore" ] || die "photophore binary not found at $photophore (build it, or pass --photophore PATH)"

results="$(mktemp)"; errlog="$(mktemp)"
trap 'rm -f "$results" "$errlog"' EXIT

# run LABEL CMD...: runs one benchmark, appends "workload label json" to $results.
run() {
  local label="$1" workload="$2"; shift 2
  local out
  if ! out="$("$@" 2>"$errlog")"; then
    echo "compare.sh: $label $workload failed: $*" >&2; cat "$errlog" >&2; exit 1
  fi
  out="$(printf '%s\n' "$out" | grep '^{' | tail -n 1)"
  [ -n "$out" ] || { echo "compare.sh: no JSON from $label $workload" >&2; exit 1; }
  printf '%s\t%s\t%s\n' "$workload" "$label" "$out" >>"$results"
}

for w in spheres glow; do
  if [ "$w" = spheres ]; then wargs="$spheres_args"; else wargs="$glow_args"; fi
  # shellcheck disable=SC2206  # word-splitting of the workload args is intended
  args=(--size "$size" --frames "$frames" ${extra[@]+"${extra[@]}"} $wargs --json)
  for ((r = 1; r <= rounds; r++)); do
    echo "  $w round $r/$rounds" >&2
    run llvmpipe "$w" env LP_NUM_THREADS=2 "$here/glbench" "$w" "${gl_samples[@]}" "${args[@]}"
    run photophore "$w" "$photophore" bench workload "$w" --threads 2 ${pp_samples[@]+"${pp_samples[@]}"} "${args[@]}"
  done
done

# Median over rounds of each run's p50 and p95, then the table.
python3 - "$results" "$samples" <<'EOF'
import json, sys, statistics
runs = {}
asked = int(sys.argv[2])
for line in open(sys.argv[1]):
    w, label, js = line.rstrip("\n").split("\t", 2)
    report = json.loads(js)
    # A report without "samples" comes from a side that draws 1 sample per pixel.
    got = report.get("samples", 1)
    if got != asked:
        sys.exit(f"compare.sh: {label} {w} reports samples = {got}, not {asked}")
    ms = report["frame_ms"]
    runs.setdefault((w, label), []).append((ms["p50"], ms["p95"]))
med = lambda xs: statistics.median(xs)
print(f"{'workload':<10}{'samples':>8}{'llvmpipe p50':>14}{'photophore p50':>16}{'speed-up':>10}"
      f"{'llvmpipe p95':>14}{'photophore p95':>16}{'speed-up':>10}")
for w in ("spheres", "glow"):
    a, b = runs[(w, "llvmpipe")], runs[(w, "photophore")]
    a50, b50 = med([r[0] for r in a]), med([r[0] for r in b])
    a95, b95 = med([r[1] for r in a]), med([r[1] for r in b])
    sp = lambda x, y: f"{x / y:.2f}x" if y > 0 else "n/a"
    print(f"{w:<10}{asked:>8}{a50:>11.2f} ms{b50:>13.2f} ms{sp(a50, b50):>10}"
          f"{a95:>11.2f} ms{b95:>13.2f} ms{sp(a95, b95):>10}")
print(f"(median of {len(a)} interleaved runs per side; frame times in ms; speed-up = llvmpipe / photophore)")
EOF
