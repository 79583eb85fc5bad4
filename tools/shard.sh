#!/usr/bin/env bash
# Renders a frame range as N shards in parallel and joins them into one output.
#
#   tools/shard.sh --shards N --frames A..B -o OUTPUT [--jobs J] [--only I | --join-only] -- PHOTOPHORE render SCENE [ARGS...]
#
# Each shard runs `PHOTOPHORE render SCENE ARGS... --frames a..b -o SHARD_OUTPUT`. Frame k of a
# shard equals frame k of a full render, so the joined result is the full render.
#   OUTPUT out.mp4 / out.webm: shards are written beside it as out.shard-000.mp4 ... and joined
#     without re-encoding (FFmpeg's concat demuxer; MP4 with faststart), then removed.
#   OUTPUT dir/ or frames/%05d.png: every shard fills the same directory (file names carry the
#     absolute frame index); the shards' manifests are merged into one manifest.json.
# --only I renders shard I alone and does not join (one machine per shard, e.g. a Kubernetes
# Indexed Job with I = JOB_COMPLETION_INDEX); --join-only joins shards rendered that way.
# Exit codes: 0 success, 1 a shard or the join failed, 2 bad usage.
set -euo pipefail

usage() { echo "shard: $1" >&2; echo "usage: tools/shard.sh --shards N --frames A..B -o OUTPUT [--jobs J] [--only I | --join-only] -- PHOTOPHORE render SCENE [ARGS...]" >&2; exit 2; }
fail() { echo "shard: $1" >&2; exit 1; }

shards="" frames="" output="" jobs="" only="" join_only=0
while (($#)); do
  case "$1" in
    --shards) shards="${2:-}"; shift 2 ;;
    --frames) frames="${2:-}"; shift 2 ;;
    -o|--output) output="${2:-}"; shift 2 ;;
    --jobs) jobs="${2:-}"; shift 2 ;;
    --only) only="${2:-}"; shift 2 ;;
    --join-only) join_only=1; shift ;;
    --) shift; break ;;
    *) usage "unknown option $1" ;;
  esac
done
render=("$@")
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || usage "--shards needs a positive number"
[[ "$frames" =~ ^([0-9]+)\.\.([0-9]+)$ ]] || usage "--frames needs a range A..B, like 0..599"
first=${BASH_REMATCH[1]} last=${BASH_REMATCH[2]}
((first <= last)) || usage "--frames $frames is empty: A must not be after B"
[[ -n "$output" ]] || usage "-o OUTPUT is required"
[[ -z "$only" || "$only" =~ ^[0-9]+$ ]] || usage "--only needs a shard index"
((join_only)) || ((${#render[@]} >= 2)) || usage "give the render command after --, like -- ./photophore render candlefish --size 1920x1080"
jobs=${jobs:-$shards}
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || usage "--jobs needs a positive number"

count=$((last - first + 1))
((shards <= count)) || shards=$count
[[ -z "$only" ]] || ((only < shards)) || usage "--only $only: there are $shards shards (0..$((shards - 1)))"

# Shard i covers [first + i*count/N, first + (i+1)*count/N - 1].
shard_first() { echo $((first + $1 * count / shards)); }
shard_last() { echo $((first + ($1 + 1) * count / shards - 1)); }

case "$output" in
  *.mp4|*.MP4|*.webm|*.WEBM) kind=video ;;
  */|*%*d*.png) kind=sequence ;;
  *) if [[ -d "$output" ]]; then kind=sequence; else usage "$output: shard outputs are out.mp4, out.webm, a directory out/ or frames/%05d.png"; fi ;;
esac

# Where shard i writes.
shard_output() {
  local i; i=$(printf '%03d' "$1")
  if [[ $kind == video ]]; then
    echo "${output%.*}.shard-$i.${output##*.}"
  elif [[ "$output" == *%* ]]; then
    echo "$(dirname "$output")/.shard-$i/$(basename "$output")"
  else
    echo "${output%/}/.shard-$i/"
  fi
}
sequence_dir() { if [[ "$output" == *%* ]]; then dirname "$output"; else echo "${output%/}"; fi; }

render_shard() {
  local i=$1 out; out=$(shard_output "$i")
  [[ $kind == video ]] || mkdir -p "$(dirname "$out/x")"
  if ! "${render[@]}" --frames "$(shard_first "$i")..$(shard_last "$i")" -o "$out"; then
    echo "shard: shard $i (frames $(shard_first "$i")..$(shard_last "$i")) failed" >&2
    return 1
  fi
}

if [[ -n "$only" ]]; then
  render_shard "$only" || exit 1
  exit 0
fi

if ((!join_only)); then
  pids=() failed=0
  for ((i = 0; i < shards; i++)); do
    while (($(jobs -rp | wc -l) >= jobs)); do wait -n || failed=1; done
    render_shard "$i" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  ((failed == 0)) || fail "a shard failed; its output is kept beside $output for a look, nothing was joined"
fi

if [[ $kind == video ]]; then
  command -v ffmpeg >/dev/null || fail "ffmpeg is needed to join video shards; run tools/setup.sh"
  dir=$(dirname "$output")
  list=$(mktemp "$dir/.shard-list.XXXXXX")
  tmp="${output%.*}.joining.${output##*.}"
  trap 'rm -f "$list" "$tmp"' EXIT
  for ((i = 0; i < shards; i++)); do
    s=$(shard_output "$i")
    [[ -s "$s" ]] || fail "shard $i is missing: $s; render it (--only $i) and join again"
    # The concat list quotes paths: a ' becomes '\''.
    printf "file '%s'\n" "$(realpath "$s" | sed "s/'/'\\\\''/g")" >>"$list"
  done
  flags=()
  [[ $kind == video && "${output,,}" == *.mp4 ]] && flags=(-movflags +faststart)
  ffmpeg -nostdin -v error -y -f concat -safe 0 -i "$list" -c copy "${flags[@]}" "$tmp" \
    || fail "ffmpeg could not join the shards into $output"
  mv -f "$tmp" "$output"
  fps=60 width=0 height=0
  m0="$(shard_output 0).manifest.json"
  if [[ -f "$m0" ]]; then
    fps=$(sed -n 's/.*"fps" *: *\([0-9]*\).*/\1/p' "$m0" | head -1)
    width=$(sed -n 's/.*"width" *: *\([0-9]*\).*/\1/p' "$m0" | head -1)
    height=$(sed -n 's/.*"height" *: *\([0-9]*\).*/\1/p' "$m0" | head -1)
  fi
  bytes=$(stat -c %s "$output")
  sha=$(sha256sum "$output" | cut -d' ' -f1)
  format=${output##*.}
  # The poster is the first shard's (frame $first, the video's first); the others go.
  s0=$(shard_output 0)
  poster="${output%.*}.poster.webp"
  [[ -s "${s0%.*}.poster.webp" ]] || fail "shard 0 has no poster ${s0%.*}.poster.webp; render it (--only 0) and join again"
  mv -f "${s0%.*}.poster.webp" "$poster"
  poster_bytes=$(stat -c %s "$poster")
  poster_sha=$(sha256sum "$poster" | cut -d' ' -f1)
  codec=$(sed -n 's/.*"codec" *: *"\([^"]*\)".*/\1/p' "$m0" | head -1)
  codecs=$(sed -n 's/.*"codecs" *: *"\([^"]*\)".*/\1/p' "$m0" | head -1)
  mime=video/webm
  [[ "${format,,}" == mp4 ]] && mime=video/mp4
  # The <video> element of render's manifests (docs/cli.md), as a JSON string.
  html="<video width=\\\"${width:-0}\\\" height=\\\"${height:-0}\\\" poster=\\\"$(basename "$poster")\\\" autoplay muted playsinline loop>\\n"
  html+="  <source src=\\\"$(basename "$output")\\\" type='$mime; codecs=\\\"$codecs\\\"'>\\n</video>"
  cat >"$output.manifest.json.tmp" <<JSON
{
  "codec" : "$codec",
  "codecs" : "$codecs",
  "files" : [
    {
      "bytes" : $bytes,
      "path" : "$(basename "$output")",
      "sha256" : "$sha"
    }
  ],
  "first_frame" : $first,
  "format" : "${format,,}",
  "fps" : ${fps:-60},
  "height" : ${height:-0},
  "html" : "$html",
  "last_frame" : $last,
  "poster" : {
    "bytes" : $poster_bytes,
    "path" : "$(basename "$poster")",
    "sha256" : "$poster_sha"
  },
  "width" : ${width:-0}
}
JSON
  mv -f "$output.manifest.json.tmp" "$output.manifest.json"
  for ((i = 0; i < shards; i++)); do s=$(shard_output "$i"); rm -f "$s" "$s.manifest.json" "${s%.*}.poster.webp"; done
  echo "shard: joined $shards shards (frames $first..$last) into $output"
else
  dir=$(sequence_dir)
  manifests=()
  for ((i = 0; i < shards; i++)); do
    s=$(dirname "$(shard_output "$i")/x")
    [[ -f "$s/manifest.json" ]] || fail "shard $i is missing or incomplete: no $s/manifest.json; render it (--only $i) and join again"
    manifests+=("$s/manifest.json")
  done
  command -v python3 >/dev/null || fail "python3 is needed to merge the manifests; run tools/setup.sh"
  python3 - "$dir" "$first" "$last" "${manifests[@]}" <<'PY' || fail "cannot merge the shard manifests into $(sequence_dir)/manifest.json"
import json, os, sys
directory, first, last, paths = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
shards = [json.load(open(p)) for p in paths]
files = sorted((f for s in shards for f in s["files"]), key=lambda f: f["frame"])
frames = [f["frame"] for f in files]
if frames != list(range(first, last + 1)):
    sys.exit(f"shard: the shards hold frames {frames[:3]}...{frames[-3:]}, not exactly {first}..{last}")
for s in shards:
    for f in s["files"]:
        os.replace(os.path.join(os.path.dirname(paths[shards.index(s)]), f["path"]), os.path.join(directory, f["path"]))
merged = dict(shards[0], files=files, first_frame=first, last_frame=last)
with open(os.path.join(directory, "manifest.json.tmp"), "w") as out:
    json.dump(merged, out, indent=2, sort_keys=True)
    out.write("\n")
os.replace(os.path.join(directory, "manifest.json.tmp"), os.path.join(directory, "manifest.json"))
for p in paths:
    os.remove(p)
    os.rmdir(os.path.dirname(p))
PY
  echo "shard: joined $shards shards (frames $first..$last) into $dir"
fi
