#!/usr/bin/env bash
# Render plus encode at the product's full size: both scenes to 1080p60 H.264 (libx264,
# preset veryfast, the default CRF) for 600 frames, rich, several runs. Prints the fps from
# the summary line and the CPU time per frame (user + system, all threads), which shows how
# far two cores are from 60 fps independently of noise (2 cores give 33.3 ms of CPU per
# frame at 60 fps).
#
# With --x264-alone it also times libx264 by itself (through the ffmpeg tool) on the same
# frames rendered losslessly first, to split the CPU between rendering and encoding, with
# the bitrate it reaches. --x264-presets LIST (comma-separated x264 presets, default
# veryfast; implies --x264-alone) times each of them on those frames: how far a faster preset
# goes towards 60 fps, and what it costs in bitrate.
#
# With --quality it also gives each scene's bitrate (Mbit/s) and SSIM against the same frames
# coded losslessly (--crf 0), by ffmpeg's ssim filter, from the last run's files.
#
# --check compares the render-plus-encode fps with the video target, 60 fps: one line per
# scene and run under it, then exit 3 when any was (exit 0 when all reached it; exit 2 on a
# usage or run error).
#
# usage: encode-1080p.sh [--photophore PATH] [--runs N] [--frames N] [--x264-alone]
#                        [--x264-presets LIST] [--quality] [--crf N] [--check]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
photophore="$here/../.build/release/photophore"
runs=3
frames=600
alone=0
quality=0
presets=veryfast
crf=()
check=0
target_fps=60
missed=0

die() { echo "encode-1080p.sh: $*" >&2; exit 2; }
needFFmpeg() { command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || die "ffmpeg is missing (tools/setup.sh installs it)"; }
# A file's overall bitrate in bits per second.
bitrate() { ffprobe -v error -show_entries format=bit_rate -of csv=p=0 "$1"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --photophore) [ $# -ge 2 ] || die "missing value for $1"; photophore="$2"; shift 2 ;;
    --runs)       [ $# -ge 2 ] || die "missing value for $1"; runs="$2"; shift 2 ;;
    --frames)     [ $# -ge 2 ] || die "missing value for $1"; frames="$2"; shift 2 ;;
    --crf)        [ $# -ge 2 ] || die "missing value for $1"; crf=(--crf "$2"); shift 2 ;;
    --x264-alone) alone=1; shift ;;
    --x264-presets) [ $# -ge 2 ] || die "missing value for $1"; presets="$2"; alone=1; shift 2 ;;
    --quality)    quality=1; shift ;;
    --check)      check=1; shift ;;
    -h|--help)    sed -n '2,22p' "$0"; exit 0 ;;
    *)            die "unknown argument $1" ;;
  esac
done
((quality == 0 || runs >= 1)) || die "--quality measures the last run's files: give --runs 1 or more"
((check == 0 || runs >= 1)) || die "--check compares the runs' fps with the target: give --runs 1 or more"
IFS=, read -r -a presetList <<< "$presets"
[ ${#presetList[@]} -gt 0 ] || die "--x264-presets needs at least one preset, e.g. veryfast,superfast"
for p in "${presetList[@]}"; do
  case "$p" in
    ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow|placebo) ;;
    *) die "unknown x264 preset '$p' in --x264-presets (one of ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow, placebo)" ;;
  esac
done
[ -x "$photophore" ] || die "photophore binary not found at $photophore (build it, or pass --photophore PATH)"
[ -x /usr/bin/time ] || die "GNU time is missing (tools/setup.sh installs it)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

printf '%-11s %4s %8s %12s\n' scene run fps "CPU ms/frame"
for ((r = 1; r <= runs; r++)); do
  for scene in candlefish emergence; do
    /usr/bin/time -f '%U %S' -o "$work/time" "$photophore" render "$scene" --size 1920x1080 --richness rich \
      --frames "0..$((frames - 1))" --preset veryfast ${crf[@]+"${crf[@]}"} -o "$work/$scene.mp4" >"$work/out" 2>&1 \
      || { cat "$work/out" >&2; die "render $scene failed"; }
    fps="$(grep -o '([0-9.]* fps)' "$work/out" | tr -d '(' | cut -d' ' -f1)"
    read -r user sys < "$work/time"
    awk -v s="$scene" -v r="$r" -v f="$fps" -v u="$user" -v y="$sys" -v n="$frames" \
      'BEGIN { printf "%-11s %4d %8s %12.1f\n", s, r, f, (u + y) * 1000 / n }'
    [ -n "$fps" ] || die "render $scene printed no fps"
    if ((check)) && awk -v f="$fps" -v t="$target_fps" 'BEGIN { exit !(f < t) }'; then
      echo "encode-1080p.sh: run $r: $scene rendered and encoded at $fps fps, under the $target_fps fps target" >&2
      missed=$((missed + 1))
    fi
  done
done

if ((quality)); then
  needFFmpeg
  echo
  echo "bitrate and SSIM against the same frames coded losslessly (--crf 0):"
  printf '%-11s %10s %8s\n' scene "Mbit/s" SSIM
  for scene in candlefish emergence; do
    "$photophore" render "$scene" --size 1920x1080 --richness rich --frames "0..$((frames - 1))" --crf 0 \
      -o "$work/$scene-lossless.mp4" >/dev/null 2>&1 || die "the lossless render of $scene failed"
    rate=$(bitrate "$work/$scene.mp4")
    ssim=$(ffmpeg -i "$work/$scene.mp4" -i "$work/$scene-lossless.mp4" -lavfi "[0][1]ssim" -f null - 2>&1 \
      | grep -o 'All:[0-9.]*' | cut -d: -f2)
    awk -v s="$scene" -v b="$rate" -v q="$ssim" 'BEGIN { printf "%-11s %10.2f %8s\n", s, b / 1e6, q }'
    rm -f "$work/$scene-lossless.mp4"
  done
fi

if ((alone)); then
  needFFmpeg
  echo
  echo "libx264 alone (ffmpeg, yuv420p input, 2 sliced threads, lookahead 2 and 1 B-frame as the sinks use):"
  printf '%-11s %-10s %8s %12s %8s\n' scene preset fps "CPU ms/frame" "Mbit/s"
  n=$((frames < 240 ? frames : 240))
  for scene in candlefish emergence; do
    mkdir -p "$work/$scene"
    "$photophore" render "$scene" --size 1920x1080 --richness rich --frames "0..$((n - 1))" -o "$work/$scene/" >/dev/null 2>&1 \
      || die "render $scene to PNG failed"
    ffmpeg -v error -framerate 60 -i "$work/$scene/%05d.png" -pix_fmt yuv420p -f rawvideo -y "$work/$scene.yuv"
    rm -rf "${work:?}/$scene"
    for preset in "${presetList[@]}"; do
      start=$(date +%s.%N)
      /usr/bin/time -f '%U %S' -o "$work/time" ffmpeg -v error -f rawvideo -pix_fmt yuv420p -s 1920x1080 -r 60 \
        -i "$work/$scene.yuv" -c:v libx264 -preset "$preset" -crf "${crf[1]:-26}" -threads 2 \
        -x264-params sliced-threads=1:rc-lookahead=2:bframes=1 -f mp4 -y "$work/alone.mp4"
      end=$(date +%s.%N)
      read -r user sys < "$work/time"
      rate=$(bitrate "$work/alone.mp4")
      awk -v s="$scene" -v p="$preset" -v a="$start" -v b="$end" -v u="$user" -v y="$sys" -v n="$n" -v r="$rate" \
        'BEGIN { printf "%-11s %-10s %8.1f %12.1f %8.2f\n", s, p, n / (b - a), (u + y) * 1000 / n, r / 1e6 }'
    done
    rm -f "$work/$scene.yuv"
  done
fi

if ((check && missed > 0)); then
  echo "encode-1080p.sh: the video target is missed: $missed scene runs under $target_fps fps (listed above)" >&2
  exit 3
fi
