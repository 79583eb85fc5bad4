#!/usr/bin/env bash
# Installs what Photophore needs on Debian 12, once: only packages that are missing are
# installed, so running it again is quick. Works as root or through sudo.
set -euo pipefail

PACKAGES=(
  pkg-config
  libpng-dev                                              # PNG reading and small PNGs (libpng)
  libjpeg62-turbo-dev                                      # JPEG textures of glTF models (libjpeg-turbo)
  libdeflate-dev                                          # fast PNGs (render --png-compression fast)
  libwebp-dev                                             # libwebp's animation decoder: the tests read back animated WebPs
  libsdl2-dev                                             # the window
  libavcodec-dev libavformat-dev libavutil-dev  # MP4 / WebM output (headers; the libraries load at run time)
  ffmpeg                                                  # ffprobe, for the video tests
  chromium                                                # headless browser for the web-asset check (tools/check-browser.sh)
  xvfb xauth xdotool                                      # window tests without a desktop, with injected input
  libosmesa6-dev                                          # the llvmpipe reference in benchmarks/
  libsqlite3-dev                                          # the memory store (GRDB links the system SQLite)
  python3                                                 # the store test that holds a lock from another process
  time                                                    # GNU time: peak memory in benchmarks/
  make gcc binutils                                       # binutils: objcopy, for the instruction gate (tools/gate-instructions.sh)
  git                                                     # `photophore version` names the commit built from
  python3-pil                                             # the icon: cropped and scaled (tools/render-icons.sh)
  desktop-file-utils                                      # desktop-file-validate, for the install tests
  groff-base man-db                                       # checking the generated man pages
  dpkg-dev                                                # dpkg-shlibdeps: the .deb's Depends (tools/package-deb.sh)
  lintian                                                 # checking the .deb
  debootstrap                                             # a clean Debian 12 root for tools/test-deb.sh
  valgrind                                                # callgrind: the gate's instruction counts (and its headers)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "setup: missing Debian packages: ${missing[*]}. Run this script as root, or install them with apt-get." >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}" >&2
  "${SUDO[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "setup: swift is not on PATH. Install Swift 6.1 or newer (https://swift.org/install) and try again." >&2
  exit 1
fi
