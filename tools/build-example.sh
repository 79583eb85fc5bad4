#!/bin/sh
# Builds and runs Examples/CustomScene: a separate package that uses Photophore's library
# products by path to define a scene of its own and render it to out/example/pulse.png and
# pulse.mp4. Fails if either is missing or empty.
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
example="$root/Examples/CustomScene"
# The build plan is made again each time: a file added to Photophore (a dependency by path)
# would otherwise go unseen by a cached one.
swift build -c release --package-path "$example" --disable-build-manifest-caching
mkdir -p "$root/out/example"
cd "$root/out/example"
rm -f pulse.png pulse.mp4
"$example/.build/release/CustomScene"
test -s pulse.png && test -s pulse.mp4
echo "out/example/pulse.png, out/example/pulse.mp4"
