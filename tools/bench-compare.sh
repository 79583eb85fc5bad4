#!/usr/bin/env bash
# A/B benchmark of the working tree against another commit, on this machine:
#   tools/bench-compare.sh BASE_REF [bench args…]
# e.g. tools/bench-compare.sh origin/main --size 1280x720 --frames 120 --threads 2
# Builds BASE_REF (release) in a temporary git worktree with its own build folder under
# .build-compare/ (git-ignored, kept between runs so rebuilding the same base is quick),
# builds this tree, and runs `photophore bench --compare` of this tree's binary against the
# base's. Exit 3 when a scene is slower beyond --min-effect (see `photophore bench --help`).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  echo "usage: tools/bench-compare.sh BASE_REF [bench args…]" >&2
  exit 2
fi
base_ref="$1"; shift
base_commit="$(git rev-parse --verify --quiet "$base_ref^{commit}")" || {
  echo "bench-compare: $base_ref is not a commit; give a branch, tag or commit, e.g. origin/main" >&2
  exit 2
}
root="$(pwd)"
work="$root/.build-compare"
tree="$work/tree-$$"
mkdir -p "$work"
cleanup() { git worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"; git worktree prune; }
trap cleanup EXIT
git worktree add --detach --quiet "$tree" "$base_commit"
echo "bench-compare: building base $base_ref ($(git rev-parse --short "$base_commit"))" >&2
swift build -c release --package-path "$tree" --scratch-path "$work/build" >&2
base_bin="$(swift build -c release --package-path "$tree" --scratch-path "$work/build" --show-bin-path)/photophore"
echo "bench-compare: building this tree" >&2
swift build -c release >&2
this_bin="$(swift build -c release --show-bin-path)/photophore"
# Copy the base binary out of the worktree, which is removed on exit.
cp "$base_bin" "$work/photophore-base"
exec_status=0
"$this_bin" bench --compare "$work/photophore-base" "$@" || exec_status=$?
exit $exec_status
