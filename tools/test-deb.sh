#!/usr/bin/env bash
# Tests the .deb where there is no Swift: a clean Debian 12 root made with debootstrap
# (minbase), from the Debian mirror this machine's own apt sources name. apt installs the
# package there, resolving its Depends from that mirror; then, in the root, `photophore version`
# must say it is the self-contained build, a PNG and a short MP4 are rendered (the MP4 loads
# FFmpeg with dlopen, the libraries Depends had to name by hand from the sonames), no Swift
# toolchain or runtime library may be found, and removing the package must remove its files.
# Slow (a few minutes: the root is downloaded), so it runs from .ci/run, not from swift test.
#
#   tools/test-deb.sh [--deb FILE]    (default: build one with tools/package-deb.sh)
#
# Needs root (debootstrap, chroot). The root lives in a temporary folder and is removed, with
# /proc unmounted, however the test ends. Exit codes: 0 passed, 1 failed, 2 bad usage.
set -euo pipefail
here=$PWD
cd "$(dirname "$0")/.."
refuse() { echo "test-deb: $1" >&2; exit 2; }
fail() { echo "test-deb: FAILED: $1" >&2; exit 1; }
step() { echo "test-deb: $1 ($(($(date +%s) - start)) s)" >&2; }
start=$(date +%s)

deb=""
while (($#)); do
  case "$1" in
    --deb) (($# >= 2)) || refuse "--deb needs a file"; deb=$2; shift 2 ;;
    *) refuse "unknown argument $1; usage: tools/test-deb.sh [--deb FILE]" ;;
  esac
done
[[ "$(id -u)" = 0 ]] || refuse "debootstrap and chroot need root; run it as root"
command -v debootstrap >/dev/null || refuse "debootstrap is missing; run tools/setup.sh"
if [[ -z "$deb" ]]; then
  deb=$(tools/package-deb.sh) || fail "tools/package-deb.sh failed"
fi
[[ "$deb" = /* ]] || deb="$here/$deb"
[[ -f "$deb" ]] || refuse "$deb is not a file"
step "testing $(basename "$deb")"

# The Debian archives this machine uses, as "URI suite" pairs: one-line .list files and
# deb822 .sources files alike. The mirror of the bookworm suite itself makes the root; all
# of the bookworm suites (updates, security) go into its sources, as on this machine.
debian_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $3 ~ /^bookworm(-updates|-security)?$/ { print $2, $3 }'
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    awk 'function flush() { if (types ~ /(^| )deb( |$)/ && enabled != "no") for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) if (s[j] ~ /^bookworm(-updates|-security)?$/) print u[i], s[j]; types = ""; nu = ns = 0; enabled = "" }
         /^[ \t]*#/ { next }
         /^[ \t]*$/ { flush(); next }
         tolower($1) == "types:" { $1 = ""; types = $0 }
         tolower($1) == "uris:" { for (i = 2; i <= NF; i++) u[++nu] = $i }
         tolower($1) == "suites:" { for (i = 2; i <= NF; i++) s[++ns] = $i }
         tolower($1) == "enabled:" { enabled = tolower($2) }
         END { flush() }' "$f"
  done
}
sources=$(debian_sources | awk '!seen[$0]++')
mirror=$(awk '$2 == "bookworm" { print $1; exit }' <<<"$sources")
[[ -n "$mirror" ]] || fail "no Debian bookworm mirror in this machine's apt sources (/etc/apt/sources.list*)"

root=$(mktemp -d /var/tmp/photophore-deb-root.XXXXXX)
chmod 0755 "$root"   # a root file system: apt's _apt user must be able to enter it
cleanup() {
  local m
  # Unmount everything under the root (deepest first) before removing it, and never remove
  # it while something is still mounted there.
  for m in $(findmnt -rn -o TARGET | awk -v r="$root" 'index($0, r) == 1' | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  if findmnt -rn -o TARGET | awk -v r="$root" 'index($0, r) == 1 { found = 1 } END { exit !found }'; then
    echo "test-deb: $root still has mounts; left in place" >&2
  else
    rm -rf "$root"
  fi
}
trap cleanup EXIT

step "debootstrap --variant=minbase bookworm from $mirror"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 \
  || { tail -20 "$root.log" >&2; rm -f "$root.log"; fail "debootstrap failed"; }
rm -f "$root.log"
step "root made"
awk '{ print "deb", $1, $2, "main" }' <<<"$sources" >"$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$root/proc"
in_root() { env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"; }

# Nothing of Swift before, nor after: the package must not need it.
no_swift() {
  in_root sh -c 'command -v swift swiftc' && fail "a Swift toolchain is on PATH in the root ($1)"
  local found
  found=$(in_root find / -xdev \( -name 'libswiftCore.so*' -o -name 'libFoundation.so*' -o -name swift-frontend \) -print)
  [[ -z "$found" ]] || fail "Swift files in the root ($1): $found"
}
no_swift "before installing"

cp "$deb" "$root/tmp/"
in_root apt-get update -qq >/dev/null || fail "apt-get update failed in the root"
in_root apt-get install -y -qq --no-install-recommends "/tmp/$(basename "$deb")" >"$root/tmp/apt.log" 2>&1 \
  || { tail -20 "$root/tmp/apt.log" >&2; fail "apt-get could not install $(basename "$deb")"; }
step "installed with apt-get, Depends resolved from the mirror"
no_swift "after installing"

version=$(in_root photophore version) || fail "photophore version failed in the root"
echo "$version" | sed 's/^/  /' >&2
grep -q '^build self-contained' <<<"$version" || fail "photophore version does not say it is the self-contained build"
grep -q '^commit ' <<<"$version" || fail "photophore version names no commit"
grep -q '^libavcodec [0-9]' <<<"$version" || fail "photophore version found no libavcodec: $(grep libavcodec <<<"$version")"

in_root photophore render candlefish --frame 30 --size 160x90 -o /tmp/frame.png 2>&1 | sed 's/^/  /' >&2
[[ "$(head -c 8 "$root/tmp/frame.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]] \
  || fail "render did not write a PNG"
in_root photophore render candlefish --frames 0..29 --size 320x180 -o /tmp/clip.mp4 2>&1 | sed 's/^/  /' >&2
[[ "$(dd if="$root/tmp/clip.mp4" bs=1 skip=4 count=4 2>/dev/null)" = ftyp ]] || fail "render did not write an MP4"
[[ -f "$root/tmp/clip.mp4.manifest.json" ]] || fail "no manifest beside the MP4"
step "rendered a PNG and an MP4 ($(stat -c %s "$root/tmp/clip.mp4") bytes) in the root"

for f in /usr/bin/photophore /usr/share/applications/photophore-candlefish.desktop \
  /usr/share/applications/photophore-emergence.desktop /usr/share/icons/hicolor/256x256/apps/photophore.png \
  /usr/share/man/man1/photophore.1.gz /usr/share/bash-completion/completions/photophore; do
  [[ -f "$root$f" ]] || fail "$f is not installed"
done
files=$(in_root dpkg-query -L photophore | while read -r f; do if [[ -f "$root$f" ]]; then echo "$f"; fi; done)
in_root apt-get purge -y -qq photophore >/dev/null 2>&1 || fail "apt-get purge photophore failed"
left=$(while read -r f; do if [[ -e "$root$f" ]]; then echo "$f"; fi; done <<<"$files")
[[ -z "$left" ]] || fail "files left after purge: $left"
step "purged; none of its $(wc -l <<<"$files") files left"
echo "test-deb: passed in $(($(date +%s) - start)) s"
