#!/usr/bin/env bash
# The test command: installs what is missing, builds in release mode (the SIMD code is ~100x
# slower in debug), and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
swift build -c release
swift test -c release
