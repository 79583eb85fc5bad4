#!/usr/bin/env bash
# The main job: installs what is missing, builds, and renders both scenes to ./out (a
# 5-second video and a poster each) and the two synthetic rasterizer workloads.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
# The self-contained build: the program tools/install.sh installs, so the main job runs the
# binary users get (README, "A self-contained build").
bin="$(tools/build-static.sh)"
mkdir -p out
for scene in candlefish emergence; do
  "$bin" render "$scene" --frames 0..299 --size 1280x720 --richness rich -o "out/$scene.mp4"
done
# The posters of assets/posters/, as tools/render-posters.sh renders them.
"$bin" render candlefish --frame 200 --size 1920x1080 --seed 3 --richness rich \
  --script assets/posters/candlefish-excited.json -o out/candlefish-poster.png
"$bin" render emergence --frame 540 --size 1920x1080 --seed 3 --richness rich \
  --script assets/posters/emergence-stage5.json -o out/emergence-poster.png
for w in spheres glow; do
  "$bin" bench workload "$w" --size 1280x720 --frames 60 --output "out/$w.png"
done
echo "run: wrote out/candlefish.mp4, out/emergence.mp4, two posters, out/spheres.png and out/glow.png"
