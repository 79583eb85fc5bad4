#!/usr/bin/env bash
# The main job: installs what is missing, builds, and renders the synthetic rasterizer
# workloads to ./out with their frame-time figures.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
swift build -c release
bin=.build/release/photophore
mkdir -p out
for w in spheres glow; do
  "$bin" bench workload "$w" --size 1280x720 --frames 60 --output "out/$w.png"
done
echo "run: wrote out/spheres.png and out/glow.png"
