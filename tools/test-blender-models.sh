#!/usr/bin/env bash
# The GLTF tests on files written by Blender's own glTF exporter: installs Debian's blender
# and python3-numpy when they are missing (they are large, so tools/setup.sh leaves them out),
# exports the test models (tools/make-blender-models.sh) into a scratch folder, and runs the
# tests that read them, on the release build tools/test.sh made. CI runs it.
#
# usage: tools/test-blender-models.sh
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in blender python3-numpy; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then SUDO=(); elif command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
    echo "test-blender-models: missing Debian packages: ${missing[*]}; run as root or install them with apt-get" >&2
    exit 1
  fi
  echo "test-blender-models: installing ${missing[*]}" >&2
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
models=$(mktemp -d)
trap 'rm -rf "$models"' EXIT
tools/make-blender-models.sh "$models"
PHOTOPHORE_BLENDER_MODELS="$models" swift test -c release --skip-build --filter BlenderModelTests 2>&1 | tee "$models/test.log" | grep -E "✘|✔ Suite|Test run" >&2
grep -q "Test run with .* passed" "$models/test.log"
# Every Blender model also renders in the model scene.
for f in "$models"/*.glb; do
  .build/release/photophore render model --model "$f" --frame 60 --size 320x180 -o "$models/$(basename "$f" .glb).png" > /dev/null
done
echo "test-blender-models: the Blender exports load, pass their tests and render" >&2
