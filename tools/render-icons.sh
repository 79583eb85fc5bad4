#!/usr/bin/env bash
# Renders the desktop icon with the engine itself: the candlefish, just fed and excited, at
# frame 120 of assets/icon/candlefish-icon.json (a click at the centre brings it there), drawn
# once at 1024x1024 and then cropped square around the fish and scaled down to each size with
# rounded corners. The crop is found in the picture (the bright fish and its glow), so it
# follows the fish if the scene changes.
#
# usage: render-icons.sh PHOTOPHORE OUTDIR   → OUTDIR/<N>x<N>/apps/photophore.png for
#        N = 16 32 48 64 128 256 (the hicolor layout); needs Debian's python3-pil (tools/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
(($# == 2)) || { echo "render-icons: usage: tools/render-icons.sh PHOTOPHORE OUTDIR" >&2; exit 2; }
bin=$1 out=$2
python=/usr/bin/python3   # Debian's, with python3-pil; not whatever python3 comes first on PATH
"$python" -c "import PIL" 2>/dev/null || { echo "render-icons: $python cannot import PIL; run tools/setup.sh (python3-pil)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bin" render candlefish --frame 120 --size 1024x1024 --seed 3 --richness rich \
  --script assets/icon/candlefish-icon.json -o "$work/source.png" >"$work/log" 2>&1 \
  || { cat "$work/log" >&2; echo "render-icons: $bin could not render the icon" >&2; exit 1; }
"$python" - "$work/source.png" "$out" 16 32 48 64 128 256 <<'PY'
import os, sys
from PIL import Image, ImageChops, ImageDraw, ImageFilter

source, out, sizes = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3:]]
picture = Image.open(source).convert("RGB")
w, h = picture.size

# Where the fish is: the bounding box of 32-pixel blocks whose mean brightness stands well
# above the sea (single bright specks and bubbles vanish in a block's mean).
block = 32
small = picture.convert("L").resize((w // block, h // block), Image.BOX)
peak = max(small.getdata())
bright = small.point(lambda v: 255 if v > peak * 0.45 else 0)
left, top, right, bottom = bright.getbbox()
cx, cy = (left + right) / 2 * block, (top + bottom) / 2 * block
side = min(w, h, max(right - left, bottom - top) * block * 1.4)
x0 = min(max(cx - side / 2, 0), w - side)
y0 = min(max(cy - side / 2, 0), h - side)
crop = picture.crop((round(x0), round(y0), round(x0 + side), round(y0 + side)))

for size in sizes:
    icon = crop.resize((size, size), Image.LANCZOS)
    if size <= 48:  # a little sharpening keeps the fish's outline at the smallest sizes
        icon = icon.filter(ImageFilter.UnsharpMask(radius=1, percent=80, threshold=2))
    icon = icon.convert("RGBA")
    # Rounded corners, antialiased: the mask is drawn 8 times larger and scaled down.
    scale = 8
    mask = Image.new("L", (size * scale, size * scale), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, size * scale - 1, size * scale - 1),
                                           radius=size * scale * 0.18, fill=255)
    icon.putalpha(mask.resize((size, size), Image.LANCZOS))
    folder = os.path.join(out, f"{size}x{size}", "apps")
    os.makedirs(folder, exist_ok=True)
    icon.save(os.path.join(folder, "photophore.png"), optimize=True)
PY
