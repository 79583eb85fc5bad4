#!/bin/sh
# Renders the 1920x1080 posters in assets/posters/ (rich effects, seed 3) from the scripts
# beside them, as listed in assets/posters/posters.txt: candlefish in two moods, emergence at
# two stages. Written with --png-compression small (libpng's defaults), the smaller files.
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product photophore
bin=.build/release/photophore
grep -v '^#' assets/posters/posters.txt | while read -r name scene frame model clip; do
    "$bin" render "$scene" --frame "$frame" --size 1920x1080 --seed 3 --richness rich \
        --png-compression small --script "assets/posters/$name.json" ${model:+--model "$model"} ${clip:+--clip "$clip" --orbit 0} -o "assets/posters/$name.png"
    echo "assets/posters/$name.png"
done
