#!/bin/sh
# Renders the 1920x1080 posters in assets/posters/ (rich effects, seed 3) from the scripts
# beside them. Candlefish in two moods, emergence at two stages.
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product photophore
bin=.build/release/photophore
poster() { # name scene frame
    "$bin" render "$2" --frame "$3" --size 1920x1080 --seed 3 --richness rich \
        --script "assets/posters/$1.json" -o "assets/posters/$1.png"
    echo "assets/posters/$1.png"
}
poster candlefish-excited candlefish 200
poster candlefish-shy candlefish 300
poster emergence-stage5 emergence 540
poster emergence-stage1 emergence 420
