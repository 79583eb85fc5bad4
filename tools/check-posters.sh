#!/bin/sh
# Checks that a photophore binary draws the committed posters byte for byte: the same frames
# on every build and CPU level (x86-64-v3 and v4 alike). CI runs it on the x86-64-v3 build and
# on the self-contained one; the default build is checked by the tests (PosterTests).
#
# usage: check-posters.sh BINARY
set -eu
cd "$(dirname "$0")/.."
bin=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
grep -v '^#' assets/posters/posters.txt | {
    while read -r name scene frame model clip; do
        "$bin" render "$scene" --frame "$frame" --size 1920x1080 --seed 3 --richness rich \
            --png-compression small --script "assets/posters/$name.json" ${model:+--model "$model"} ${clip:+--clip "$clip" --orbit 0} -o "$out/$name.png" > /dev/null 2> "$out/log" \
            || { cat "$out/log" >&2; status=1; continue; }
        if cmp -s "$out/$name.png" "assets/posters/$name.png"; then
            echo "check-posters: $name: the same bytes"
        else
            echo "check-posters: $name: $bin draws it differently from assets/posters/$name.png" >&2
            status=1
        fi
    done
    exit $status
}
