#!/usr/bin/env bash
# Checks the web assets of `render` in a real browser, Debian's chromium, headless:
#
#  1. an opaque clip (VP9 and H.264, with its poster) on a page made of the manifest's
#     <video> element: the screenshot shows frame 0 of the scene, as rendered; the same with
#     the H.264 source alone;
#  2. a transparent clip (--background transparent, VP9 with alpha) over a green page, its
#     element without the poster: the screenshot shows the green page around the fish and the
#     fish over it, as the rendered frame composited over that green.
#
# Each page waits for the video to play, then pauses it on frame 0 and turns a bar under it
# blue; a screenshot whose bar is not blue means the video never played. The screenshots and
# pages are kept in the output directory for a look.
#
# usage: tools/check-browser.sh [BINARY] [OUTPUT_DIR]     (defaults: .build/release/photophore, out/browser)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/photophore}
out=${2:-out/browser}
browser=$(command -v chromium || true)
if [ -z "$browser" ]; then
  echo "check-browser: chromium is not installed; install it with tools/setup.sh (or apt-get install chromium)" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out"
size=640x360
"$bin" render candlefish --size $size --frames 0..59 -o "$out/clip.webm" -o "$out/clip.mp4" -o "$out/clip-frames/" > /dev/null
"$bin" render candlefish --size $size --frames 0..59 --background transparent -o "$out/fish.webm" -o "$out/fish-frames/" > /dev/null

# A page: the manifest's <video> element at the top left, a bar under it, the page colour.
page() { # manifest page.html background [no-poster]
  python3 - "$1" "$2" "$3" "${4:-}" <<'EOF'
import json, re, sys
manifest, page, background, poster = sys.argv[1:5]
html = json.load(open(manifest))["html"]
if poster == "no-poster":
    html = re.sub(r' poster="[^"]*"', "", html)
if poster == "h264-only":
    html = "\n".join(line for line in html.split("\n") if "<source" not in line or "avc1" in line)
open(page, "w").write(f"""<!doctype html>
<html><head><meta charset="utf-8"><style>
  html, body {{ margin: 0; padding: 0; background: {background}; overflow: hidden; }}
  video {{ display: block; }}
  #bar {{ width: 640px; height: 20px; background: rgb(255, 0, 0); }}
</style></head><body>
{html}
<div id="bar"></div>
<script>
  const video = document.querySelector("video");
  video.addEventListener("playing", () => {{
    video.pause();
    // Seeking clears the poster for good: from "seeked" on, the frame shown is the video's.
    video.addEventListener("seeked", () => {{ document.getElementById("bar").style.background = "rgb(0, 0, 255)"; }}, {{ once: true }});
    video.currentTime = 0;
  }}, {{ once: true }});
  video.play();
</script>
</body></html>
""")
EOF
}
page "$out/clip.webm.manifest.json" "$out/opaque.html" "rgb(32, 32, 32)"
# The H.264 source alone (the one Safari would take): the same frame.
page "$out/clip.webm.manifest.json" "$out/h264.html" "rgb(32, 32, 32)" h264-only
# Without its poster (a WebP with alpha too), so that what shows can only be the video.
page "$out/fish.webm.manifest.json" "$out/transparent.html" "rgb(40, 160, 60)" no-poster

# The bar's colour in a screenshot, as "R G B".
bar() { ffmpeg -v error -i "$1" -vf "crop=1:1:320:370" -f rawvideo -pix_fmt rgb24 - | od -An -tu1 | xargs; }
shoot() { # page.html screenshot.png
  rm -f "$2"
  # The screenshot is taken when the virtual time budget runs out, and the media pipeline keeps
  # real time: on a busy machine the video may not have played yet. Up to five tries.
  for try in 1 2 3 4 5; do
    # --no-sandbox: the browser's sandbox needs user namespaces, which a CI container (or
    # root) may not have; the page is a local file this script wrote.
    # Headless chromium can wait forever for virtual time that a media pipeline holds back: a
    # try that runs past two minutes is stopped and counts as a try that did not play.
    code=0
    timeout --kill-after=10 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --mute-audio \
      --autoplay-policy=no-user-gesture-required --window-size=640,380 --virtual-time-budget=20000 \
      --screenshot="$2" "file://$(realpath "$1")" > "$out/chromium.log" 2>&1 || code=$?
    if [ "$code" = 124 ] || [ "$code" = 137 ]; then
      echo "check-browser: $(basename "$1"): chromium ran past 120 s and was stopped (try $try of 5)" >&2
      continue
    elif [ "$code" != 0 ]; then
      cat "$out/chromium.log" >&2
      exit 1
    fi
    [[ "$(bar "$2")" == "0 0 255" ]] && return 0
    echo "check-browser: $(basename "$1"): the video had not played yet (try $try of 5)" >&2
  done
  [ -f "$2" ] || { echo "check-browser: $(basename "$1"): chromium never finished a screenshot in 5 tries" >&2; exit 1; }
}
shoot "$out/opaque.html" "$out/opaque.png"
shoot "$out/h264.html" "$out/h264.png"
shoot "$out/transparent.html" "$out/transparent.png"

raw() { ffmpeg -v error -i "$1" -f rawvideo -pix_fmt "$2" -; }
raw "$out/opaque.png" rgb24 > "$out/opaque.rgb"
raw "$out/h264.png" rgb24 > "$out/h264.rgb"
raw "$out/transparent.png" rgb24 > "$out/transparent.rgb"
raw "$out/clip-frames/00000.png" rgb24 > "$out/frame0.rgb"
raw "$out/fish-frames/00000.png" rgba > "$out/fish0.rgba"
python3 - "$out" <<'EOF'
import sys
out = sys.argv[1]
W, H, SH = 640, 360, 380
shot = open(f"{out}/opaque.rgb", "rb").read()
h264 = open(f"{out}/h264.rgb", "rb").read()
glass = open(f"{out}/transparent.rgb", "rb").read()
frame = open(f"{out}/frame0.rgb", "rb").read()
fish = open(f"{out}/fish0.rgba", "rb").read()
assert len(shot) == W * SH * 3 and len(glass) == W * SH * 3, "check-browser: the screenshots are not 640x380"
failures = []
def px(buf, x, y, n=3): return buf[(y * W + x) * n:(y * W + x) * n + n]
for name, buf in (("opaque", shot), ("h264", h264), ("transparent", glass)):
    r, g, b = px(buf, 320, 370)
    if not (b > 200 and r < 60 and g < 60):
        failures.append(f"{name}: the video did not play and seek to frame 0 in chromium (the bar is {r},{g},{b}, not blue)")
# 1. The opaque pages show frame 0 as rendered (after VP9 or H.264 and the browser's YUV to RGB).
for name, buf in (("opaque", shot), ("h264", h264)):
    diff = sum(abs(buf[(y * W + x) * 3 + c] - frame[(y * W + x) * 3 + c]) for y in range(H) for x in range(W) for c in range(3)) / (W * H * 3)
    print(f"check-browser: {name} page vs rendered frame 0: mean difference {diff:.2f} (8-bit steps)")
    if diff > 6: failures.append(f"{name}: the screenshot differs from frame 0 by {diff:.2f} on average")
# 2. The transparent page: the rendered frame over the green page, by its alpha.
page = (40, 160, 60)
total = 0; clear = clearGreen = covered = coveredFish = 0
for y in range(H):
    for x in range(W):
        r, g, b, a = px(fish, x, y, 4)
        want = [(s * a + p * (255 - a)) / 255 for s, p in zip((r, g, b), page)]
        got = px(glass, x, y)
        total += sum(abs(w - v) for w, v in zip(want, got))
        if a == 0:
            clear += 1
            clearGreen += all(abs(v - p) <= 12 for v, p in zip(got, page))
        if a == 255:
            covered += 1
            coveredFish += abs(got[1] - page[1]) > 40 or abs(got[0] - page[0]) > 40
mean = total / (W * H * 3)
print(f"check-browser: transparent page vs rendered frame 0 over the page colour: mean difference {mean:.2f}; "
      f"page colour on {clearGreen} of {clear} clear pixels, the fish (not the page) on {coveredFish} of {covered} covered ones")
if mean > 6: failures.append(f"transparent: the screenshot differs from the frame over the page by {mean:.2f} on average")
if clear == 0 or clearGreen < 0.95 * clear: failures.append("transparent: the page colour does not show around the fish")
if covered == 0 or coveredFish < 0.9 * covered: failures.append("transparent: the fish does not hide the page colour")
for f in failures: print("check-browser: " + f, file=sys.stderr)
sys.exit(1 if failures else 0)
EOF
echo "check-browser: pass (screenshots in $out/opaque.png and $out/transparent.png)"
