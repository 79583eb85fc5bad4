#!/usr/bin/env bash
# The web-asset figures of a render farm, at 1920x1080 rich on this machine's cores:
#
#   memory      peak RSS (GNU time) of `render emergence` to one PNG, a PNG sequence, MP4
#               (H.264) and WebM (VP9), and what the encoder alone takes (the ffmpeg tool
#               encoding the same frames, minus the same tool only decoding them);
#   renditions  CPU time (user + system) and wall time of one render with
#               --renditions 1080,720,480 against three separate renders at those sizes;
#   av1         AV1 (SVT-AV1) against H.264 at equal quality: the H.264 default (CRF 26) is
#               measured with ffmpeg's ssim filter against the same frames coded losslessly
#               (--crf 0), then AV1's CRF is searched for the same SSIM; size and render + encode
#               fps of both. The CRF is searched without film grain (the grain coded as pixels,
#               as H.264 codes it); at that CRF the default film-grain synthesis is measured
#               too, its SSIM taken before the decoder adds the grain back and after.
#
# Runs are interleaved (variant A, B, A, B…) so that a noisy machine slows all alike; the
# medians are printed.
#
# usage: web-assets.sh [--photophore PATH] [--runs N] [--frames N] [memory] [renditions] [av1]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
photophore="$here/../.build/release/photophore"
runs=3
frames=300
parts=()

die() { echo "web-assets.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --photophore) [ $# -ge 2 ] || die "missing value for $1"; photophore="$2"; shift 2 ;;
    --runs)       [ $# -ge 2 ] || die "missing value for $1"; runs="$2"; shift 2 ;;
    --frames)     [ $# -ge 2 ] || die "missing value for $1"; frames="$2"; shift 2 ;;
    memory|renditions|av1) parts+=("$1"); shift ;;
    -h|--help)    sed -n '2,19p' "$0"; exit 0 ;;
    *)            die "unknown argument $1 (parts: memory, renditions, av1)" ;;
  esac
done
((${#parts[@]})) || parts=(memory renditions av1)
[ -x "$photophore" ] || die "photophore binary not found at $photophore (build it, or pass --photophore PATH)"
[ -x /usr/bin/time ] || die "GNU time is missing (tools/setup.sh installs it)"
command -v ffmpeg >/dev/null || die "ffmpeg is missing (tools/setup.sh installs it)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
last=$((frames - 1))
render=("$photophore" render emergence --richness rich)

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Runs a command under GNU time; prints "peakKiB cpuSeconds wallSeconds" (GNU time counts
# kibibytes; the figures printed are MB of 10^6 bytes).
measure() {
  /usr/bin/time -f '%M %U %S %e' -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out" >&2; die "failed: $*"; }
  awk '{ printf "%d %.2f %.2f\n", $1, $2 + $3, $4 }' "$work/time"
}

for part in "${parts[@]}"; do
  case "$part" in
  memory)
    echo "== peak RSS, render emergence 1920x1080 rich, $frames frames (MB, median of $runs)"
    for ((r = 1; r <= runs; r++)); do
      for v in png sequence mp4 webm; do
        rm -rf "$work/o"; mkdir -p "$work/o"
        case "$v" in
          png)      args=(--frame 0 -o "$work/o/one.png") ;;
          sequence) args=(--frames "0..$last" -o "$work/o/seq/") ;;
          mp4)      args=(--frames "0..$last" -o "$work/o/a.mp4") ;;
          webm)     args=(--frames "0..$last" -o "$work/o/a.webm") ;;
        esac
        measure "${render[@]}" "${args[@]}" | awk '{ print $1 }' >>"$work/mem-$v"
      done
    done
    for v in png sequence mp4 webm; do
      printf '  %-9s %6.1f MB\n' "$v" "$(median <"$work/mem-$v" | awk '{ print $1 * 1024 / 1e6 }')"
    done
    # The encoders by themselves: the ffmpeg tool on the same frames (raw yuv420p in), minus
    # the tool decoding them to nothing.
    n=$((frames < 120 ? frames : 120))
    "${render[@]}" --frames "0..$((n - 1))" -o "$work/ref.mp4" --crf 0 >/dev/null 2>&1 || die "the lossless render failed"
    ffmpeg -v error -i "$work/ref.mp4" -f yuv4mpegpipe -y "$work/ref.y4m"
    base=$(measure ffmpeg -v error -i "$work/ref.y4m" -f null - | awk '{ print $1 }')
    x264=$(measure ffmpeg -v error -i "$work/ref.y4m" -c:v libx264 -preset veryfast -crf 26 -threads 2 \
      -x264-params sliced-threads=1:rc-lookahead=2:bframes=1 -y "$work/x.mp4" | awk '{ print $1 }')
    x264five=$(measure ffmpeg -v error -i "$work/ref.y4m" -c:v libx264 -preset veryfast -crf 26 -threads 2 \
      -x264-params sliced-threads=1:rc-lookahead=5 -y "$work/x.mp4" | awk '{ print $1 }')
    x264frames=$(measure ffmpeg -v error -i "$work/ref.y4m" -c:v libx264 -preset veryfast -crf 26 -threads 4 -y "$work/x.mp4" | awk '{ print $1 }')
    vp9=$(measure ffmpeg -v error -i "$work/ref.y4m" -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -row-mt 1 -crf 32 -b:v 0 \
      -tile-columns 2 -threads 2 -lag-in-frames 0 -y "$work/x.webm" | awk '{ print $1 }')
    vp9lag=$(measure ffmpeg -v error -i "$work/ref.y4m" -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -row-mt 1 -crf 32 -b:v 0 \
      -tile-columns 2 -threads 2 -y "$work/x.webm" | awk '{ print $1 }')
    awk -v b="$base" -v x="$x264" -v x5="$x264five" -v xf="$x264frames" -v v="$vp9" -v vl="$vp9lag" 'BEGIN {
      printf "  encoder alone (ffmpeg tool minus its decode-only run of %.1f MB):\n", b * 1024 / 1e6
      printf "    x264, 2 sliced threads, lookahead 2, 1 B-frame (as render uses it) %6.1f MB\n", (x - b) * 1024 / 1e6
      printf "    x264, 2 sliced threads, lookahead 5, the preset B-frames (before)  %6.1f MB\n", (x5 - b) * 1024 / 1e6
      printf "    x264, 4 frame threads, the preset lookahead                        %6.1f MB\n", (xf - b) * 1024 / 1e6
      printf "    libvpx VP9 real time, no frame lag (as render uses it)             %6.1f MB\n", (v - b) * 1024 / 1e6
      printf "    libvpx VP9 real time, its default lag of 25                        %6.1f MB\n", (vl - b) * 1024 / 1e6
    }'
    rm -f "$work/ref.y4m"
    ;;
  renditions)
    echo "== renditions 1080,720,480 to H.264, emergence rich, $frames frames (median of $runs)"
    for ((r = 1; r <= runs; r++)); do
      rm -rf "$work/o"; mkdir -p "$work/o"
      measure "${render[@]}" --frames "0..$last" --renditions 1080,720,480 -o "$work/o/one.mp4" >>"$work/one"
      cpu=0; wall=0
      for size in 1920x1080 1280x720 854x480; do
        read -r _ c w < <(measure "${render[@]}" --size "$size" --frames "0..$last" -o "$work/o/sep-$size.mp4")
        cpu=$(awk -v a="$cpu" -v b="$c" 'BEGIN { print a + b }'); wall=$(awk -v a="$wall" -v b="$w" 'BEGIN { print a + b }')
      done
      echo "0 $cpu $wall" >>"$work/separate"
    done
    one_cpu=$(awk '{ print $2 }' "$work/one" | median); one_wall=$(awk '{ print $3 }' "$work/one" | median)
    one_mem=$(awk '{ print $1 }' "$work/one" | median)
    sep_cpu=$(awk '{ print $2 }' "$work/separate" | median); sep_wall=$(awk '{ print $3 }' "$work/separate" | median)
    awk -v oc="$one_cpu" -v ow="$one_wall" -v sc="$sep_cpu" -v sw="$sep_wall" -v m="$one_mem" -v n="$frames" 'BEGIN {
      printf "  one render, 3 renditions:  CPU %6.1f s, wall %6.1f s (%.1f fps), peak RSS %.0f MB\n", oc, ow, n / ow, m * 1024 / 1e6
      printf "  three separate renders:    CPU %6.1f s, wall %6.1f s\n", sc, sw
      printf "  the renditions take %.0f%% of the CPU of separate renders (%.0f%% less)\n", 100 * oc / sc, 100 - 100 * oc / sc
    }'
    ;;
  av1)
    echo "== AV1 against H.264 at equal SSIM, 1920x1080 rich, 60 fps, $frames frames"
    ssim() {  # ssim FILE REFERENCE [decoder options…]: the mean SSIM (All) of FILE against REFERENCE
      local file="$1" ref="$2"; shift 2
      ffmpeg -v info "$@" -i "$file" -i "$ref" -lavfi "[0:v][1:v]ssim" -f null - 2>&1 | grep -o 'All:[0-9.]*' | tail -1 | cut -d: -f2
    }
    for scene in candlefish emergence; do
      sr=("$photophore" render "$scene" --richness rich --frames "0..$last")
      "${sr[@]}" --crf 0 -o "$work/ref.mp4" >/dev/null 2>&1 || die "the lossless render of $scene failed"
      read -r _ _ h_wall < <(measure "${sr[@]}" -o "$work/h.mp4")
      h_ssim=$(ssim "$work/h.mp4" "$work/ref.mp4"); h_size=$(stat -c %s "$work/h.mp4")
      printf '  %-10s H.264 CRF 26 (default): SSIM %s, %7.0f kB, %.1f fps\n' "$scene" "$h_ssim" "$(awk -v s="$h_size" 'BEGIN { print s / 1000 }')" \
        "$(awk -v n="$frames" -v w="$h_wall" 'BEGIN { print n / w }')"
      # The CRF search, without film grain (grain coded as pixels, as H.264 codes it): AV1's
      # SSIM falls as CRF rises; find the highest CRF still at H.264's SSIM.
      lo=10; hi=55; best=""
      while ((lo <= hi)); do
        mid=$(((lo + hi) / 2))
        "${sr[@]}" --codec av1 --crf "$mid" --film-grain 0 -o "$work/a.mp4" >/dev/null 2>&1 || die "the AV1 render failed"
        s=$(ssim "$work/a.mp4" "$work/ref.mp4")
        if awk -v a="$s" -v b="$h_ssim" 'BEGIN { exit !(a >= b) }'; then best=$mid; lo=$((mid + 1)); else hi=$((mid - 1)); fi
      done
      [ -n "$best" ] || { echo "  $scene: AV1 does not reach H.264's SSIM at CRF 10 or above"; continue; }
      # Then at that CRF with the default film-grain synthesis: the encoder takes the grain out
      # and sends its model. SSIM is taken without the grain added back (what was coded) and
      # with it (what a viewer sees; random grain never matches pixel for pixel).
      for grain in 0 8; do
        read -r _ _ a_wall < <(measure "${sr[@]}" --codec av1 --crf "$best" --film-grain "$grain" -o "$work/a.mp4")
        a_size=$(stat -c %s "$work/a.mp4")
        coded=$(ssim "$work/a.mp4" "$work/ref.mp4" -c:v libdav1d -filmgrain 0)
        shown=$(ssim "$work/a.mp4" "$work/ref.mp4" -c:v libdav1d -filmgrain 1)
        printf '  %-10s AV1 CRF %d, film grain %d: SSIM %s coded, %s shown, %7.0f kB (%.0f%% of H.264), %.1f fps\n' "$scene" "$best" "$grain" \
          "$coded" "$shown" "$(awk -v s="$a_size" 'BEGIN { print s / 1000 }')" "$(awk -v a="$a_size" -v h="$h_size" 'BEGIN { print 100 * a / h }')" \
          "$(awk -v n="$frames" -v w="$a_wall" 'BEGIN { print n / w }')"
      done
    done
    ;;
  esac
done
