#!/usr/bin/env bash
# Builds the self-contained program: the Swift runtime and Foundation linked in, so it runs
# on a Debian 12 machine (glibc 2.36 or newer) without a Swift toolchain, needing only the
# Debian libraries tools/setup.sh installs (SDL2, libpng, SQLite; FFmpeg for video). Use it
# for container images (the shards of README's "Sharding") and for installing. It also
# starts with less memory: no Swift libraries to load and relocate. Prints the path.
#
# usage: build-static.sh   → .build/static/release/photophore
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
# --disable-local-rpath: no $ORIGIN run path, as nothing is loaded from beside the program.
PHOTOPHORE_STATIC=1 swift build -c release --static-swift-stdlib --disable-local-rpath --build-path .build/static >&2
echo ".build/static/release/photophore"
