#!/bin/sh
# Regenerates the golden images in assets/golden/ from the current build.
#
# Each golden is one frame at 320x180, standard richness, seed 7, driven by the script next
# to it (assets/golden/<scene>.json). The ScenesTests "Golden images" suite renders the same
# frames and compares them with these files within the tolerance it states.
#
# Run after an intended change to how the scenes look (or to the effect chain), look at the
# new images, and commit them with the change.
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product photophore
bin=.build/release/photophore
for scene in candlefish emergence; do
    for frame in 150 420; do
        "$bin" render "$scene" --frame "$frame" --size 320x180 --seed 7 --richness standard \
            --threads 2 --png-compression small --script "assets/golden/$scene.json" -o "assets/golden/$scene-$frame.png"
        echo "assets/golden/$scene-$frame.png"
    done
done
