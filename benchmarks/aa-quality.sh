#!/usr/bin/env bash
# Edge quality: how far one frame at 480x270 is from a 16-sample reference of the same
# renderer. The frame is rendered at 480x270 (with --samples N when given) and at 1920x1080
# with one sample per pixel, with the posters' seed (3) and richness (rich) and the same
# script and model; `photophore image compare --downsample 4` box-filters the large one by 4
# in linear light and compares, the reference unrounded (docs/cli.md, "image compare").
#
# It prints one line: scene, frame, samples, PSNR over RGB in dB (higher is closer, inf is
# identical), the share of pixels whose largest channel is off by more than 16 levels of 255,
# and the worst difference in levels. Jagged edges and thin parts that break up lower the
# PSNR and raise the share; anti-aliasing should do the opposite. The worst difference is
# one pixel, often a sub-pixel detail the small frame misses or hits whole. Compare figures
# of the same scene and frame only. At one sample: model 150 (RobotExpressive, Wave) 33.5 dB,
# 1.29%; candlefish 200 (the poster script) 40.6 dB, 0.51%; at 4: 42.9 dB, 0.42% and 42.9 dB,
# 0.43% (docs/scenes-and-engine.md, "Anti-aliasing").
#
# usage: aa-quality.sh SCENE FRAME [--samples N] [--model FILE] [--clip NAME] [--script FILE]
#                      [--binary PATH] [--keep DIR] [--check MIN_PSNR]
#   --samples N       samples per pixel of the 480x270 frame, 1, 2, 4 or 8 (default: the
#                     binary's; a binary without --samples draws one, and it says so)
#   --model, --clip, --script   given to both renders
#   --keep DIR        keep the two PNGs in DIR and write a crop sheet beside them: the 96x54
#                     region that differs most, 3 times enlarged, test | reference | difference x4
#   --check MIN_PSNR  exit 3 when PSNR is below MIN_PSNR dB (exit 2 on a usage or run error)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$here/../.build/release/photophore"
samples="" keep="" check="" extra=()

die() { echo "aa-quality.sh: $*" >&2; exit 2; }
case "${1:-}" in -h|--help) sed -n '2,24p' "$0"; exit 0 ;; esac
[ $# -ge 2 ] || die "give SCENE FRAME (see --help)"
scene="$1" frame="$2"
shift 2
[[ "$frame" =~ ^[0-9]+$ ]] || die "FRAME $frame: give a whole number of at least 0"
while [ $# -gt 0 ]; do
  case "$1" in
    --samples) [ $# -ge 2 ] || die "missing value for $1"; samples="$2"; shift 2 ;;
    --model|--clip|--script)
               [ $# -ge 2 ] || die "missing value for $1"; extra+=("$1" "$2"); shift 2 ;;
    --binary)  [ $# -ge 2 ] || die "missing value for $1"; binary="$2"; shift 2 ;;
    --keep)    [ $# -ge 2 ] || die "missing value for $1"; keep="$2"; shift 2 ;;
    --check)   [ $# -ge 2 ] || die "missing value for $1"; check="$2"; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *)         die "unknown argument $1" ;;
  esac
done
[ -z "$samples" ] || [[ "$samples" =~ ^(1|2|4|8)$ ]] || die "--samples $samples: use 1, 2, 4 or 8"
[ -z "$check" ] || [[ "$check" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--check $check: give a PSNR in dB, e.g. 35"
[ -x "$binary" ] || die "photophore binary not found at $binary (build it, or pass --binary PATH)"
command -v python3 >/dev/null || die "python3 is missing (tools/setup.sh installs it)"

# A binary from before multisampling has no --samples: it draws one sample per pixel.
test_samples=() ref_samples=() label="$samples"
# (grep reads all of the help: grep -q would stop early and fail the pipe under pipefail)
if "$binary" render --help | grep -c -- --samples > /dev/null; then
  [ -z "$samples" ] || test_samples=(--samples "$samples")
  ref_samples=(--samples 1)
  [ -n "$label" ] || label=default
else
  echo "aa-quality.sh: the binary has no --samples option (it is from before multisampling): it draws one sample per pixel" >&2
  label=1
fi

if [ -n "$keep" ]; then
  mkdir -p "$keep" || die "cannot create $keep"
  dir="$keep"
else
  dir="$(mktemp -d)"
  trap 'rm -rf "$dir"' EXIT
fi
name="$scene-$frame"
testpng="$dir/$name-s$label.png" refpng="$dir/$name-reference.png"
render() {  # render SIZE OUT [options...]
  local size=$1 out=$2
  shift 2
  local err
  err=$("$binary" render "$scene" --frame "$frame" --size "$size" --seed 3 --richness rich ${extra[@]+"${extra[@]}"} "$@" \
    -o "$out" 2>&1 > /dev/null) || die "the $size render failed: $err"
}
render 480x270 "$testpng" ${test_samples[@]+"${test_samples[@]}"}
render 1920x1080 "$refpng" ${ref_samples[@]+"${ref_samples[@]}"}

sheet=()
[ -z "$keep" ] || sheet=(--crop-sheet "$dir/$name-s$label-crop.png")
report=$("$binary" image compare "$testpng" "$refpng" --downsample 4 --threshold 16 --json ${sheet[@]+"${sheet[@]}"}) \
  || die "image compare failed (its message is above)"
# scene, frame, samples, PSNR (dB), share over 16 (%), worst (levels)
read -r exact psnr share worst < <(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
p = r["psnr_db"]
print("inf inf" if p is None else "%r %.2f" % (p, p), "%.3f" % (100 * r["over_threshold_share"]), "%.1f" % r["worst"])' "$report")
echo "$scene frame $frame samples $label: PSNR $psnr dB, $share% of pixels off by more than 16, worst $worst"
if [ -n "$keep" ]; then
  echo "aa-quality.sh: kept $testpng, $refpng and the crop sheet ${sheet[1]}"
fi
if [ -n "$check" ] && [ "$exact" != inf ] && awk -v p="$exact" -v m="$check" 'BEGIN { exit !(p < m) }'; then
  echo "aa-quality.sh: PSNR $psnr dB is below --check $check" >&2
  exit 3
fi
