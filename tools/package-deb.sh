#!/usr/bin/env bash
# Builds the Debian package: out/photophore_<version>_amd64.deb, and checks it with lintian.
#
#   tools/package-deb.sh [--binary PATH] [--output DIR] [--no-lintian]
#
# The binary is the self-contained one (tools/build-static.sh builds it unless --binary names
# one; a binary that needs the Swift toolchain's libraries is refused). It is laid out by
# tools/stage-install.sh (the same files tools/install.sh installs) under usr/, with the man
# pages gzipped and zsh's completion in Debian's vendor-completions.
#
# Depends is computed, never written by hand: dpkg-shlibdeps reads the binary's NEEDED
# libraries, and the FFmpeg libraries the program loads itself with dlopen (their sonames are
# in the binary, see Sources/FFmpegLoader) are mapped the same way: the file ldconfig finds,
# the package dpkg -S says owns it, and the version that package's shlibs file asks for.
# Every name must be a package apt knows from a Debian archive.
#
# The version is the program's own (photophore version), then the commit's date, the number of
# commits and the short hash: 0.1.0+git20261201.157.f9a0d58-1 (".modified" before "-1" when the
# binary was built with changes not committed). Prints the path of the .deb.
# Exit codes: 0 built (and lintian found no errors), 1 a step failed, 2 bad usage.
set -euo pipefail
here=$PWD
cd "$(dirname "$0")/.."
usage_line="usage: tools/package-deb.sh [--binary PATH] [--output DIR] [--no-lintian]"
refuse() { echo "package-deb: $1" >&2; exit 2; }
fail() { echo "package-deb: $1" >&2; exit 1; }

binary="" output=out lintian=1
while (($#)); do
  case "$1" in
    --binary) (($# >= 2)) || refuse "--binary needs a path; $usage_line"; binary=$2; shift 2 ;;
    --output) (($# >= 2)) || refuse "--output needs a folder; $usage_line"; output=$2; shift 2 ;;
    --no-lintian) lintian=0; shift ;;
    *) refuse "unknown argument $1; $usage_line" ;;
  esac
done
[[ "$output" = /* ]] || [[ "$output" = out ]] || output="$here/$output"
for tool in dpkg-deb dpkg-shlibdeps dpkg-query ldconfig strip; do
  command -v "$tool" >/dev/null || fail "$tool is missing; run tools/setup.sh"
done

if [[ -z "$binary" ]]; then
  binary="$PWD/$(tools/build-static.sh)" || fail "tools/build-static.sh failed"
fi
[[ "$binary" = /* ]] || binary="$here/$binary"
[[ -f "$binary" && -x "$binary" ]] || refuse "--binary $binary is not an executable file"
info=$("$binary" version) || fail "$binary does not run ('$binary version' failed)"
grep -q "^build self-contained" <<<"$info" \
  || refuse "$binary needs the Swift toolchain's libraries; package the self-contained one (tools/build-static.sh)"

# The version, from the program and the commit it says it was built from.
program_version=$(sed -n '1s/^photophore //p' <<<"$info")
commit=$(sed -n 's/^commit \([0-9a-f]\{40\}\) .*/\1/p' <<<"$info")
if [[ -n "$commit" ]] && git cat-file -e "$commit^{commit}" 2>/dev/null; then
  epoch=$(git show -s --format=%ct "$commit")
  upstream="$program_version+git$(date -u -d "@$epoch" +%Y%m%d).$(git rev-list --count "$commit").${commit:0:7}"
  grep -q "^commit .*with changes to its sources not committed" <<<"$info" && upstream+=".modified"
  author=$(git show -s --format='%an <%ae>' "$commit")
else
  epoch=$(date +%s)
  upstream="$program_version+unknown"
  author="Photophore maintainers <photophore@localhost>"
fi
version="$upstream-1"
maintainer=${DEBFULLNAME:+$DEBFULLNAME <${DEBEMAIL:-}>}
maintainer=${maintainer:-$author}
dpkg --validate-version "$version" || fail "$version is not a valid Debian version"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
tools/stage-install.sh --binary "$binary" --exec /usr/bin/photophore "$root/usr" \
  || fail "could not lay out the files"
# Debian's places and forms: stripped (as dh_strip does), zsh's vendor folder, gzipped pages.
strip --remove-section=.comment --remove-section=.note "$root/usr/bin/photophore"
mkdir -p "$root/usr/share/zsh/vendor-completions"
mv "$root/usr/share/zsh/site-functions/_photophore" "$root/usr/share/zsh/vendor-completions/"
rmdir "$root/usr/share/zsh/site-functions"
gzip -9n "$root"/usr/share/man/man1/*.1

doc="$root/usr/share/doc/photophore"
mkdir -p "$doc" "$root/usr/share/lintian/overrides"
# The licences of what is linked into the binary, from the checkouts it was built from.
indent() { sed -e 's/^[[:space:]]*$/./' -e 's/^/ /' "$1"; }
checkouts=.build/checkouts
{
  cat <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: photophore
Upstream-Contact: $maintainer
Comment: Photophore's repository states no licence: it has no licence file and its
 sources carry no licence notice, so none is claimed here.
 The binary is self-contained: the Swift runtime, Foundation and the Swift
 packages below are linked into it, each under its own licence.

Files: *
Copyright: $(date -u -d "@$epoch" +%Y) Photophore maintainers
License: none
 No licence has been stated. All rights are reserved by the authors.

Files: swift-runtime/* swift-foundation/* swift-argument-parser/* swift-numerics/*
Copyright: Apple Inc. and the Swift project authors
License: Apache-2.0 with Runtime Library Exception
 Licensed under the Apache License, Version 2.0; on Debian systems the full text
 is in /usr/share/common-licenses/Apache-2.0. The Runtime Library Exception:
 .
 As an exception, if you use this Software to compile your source code and
 portions of this Software are embedded into the binary product as a result,
 you may redistribute such product without providing attribution as would
 otherwise be required by Sections 4(a), 4(b) and 4(d) of the License.

Files: swift-foundation-icu/*
Copyright: Unicode, Inc. and others
License: Unicode-3.0
 The ICU code and data that Foundation's internationalization links in are under
 the Unicode License v3, whose text is at https://www.unicode.org/license.txt.

Files: GRDB.swift/*
Copyright: $(sed -n 's/^Copyright (C) //p' "$checkouts/GRDB.swift/LICENSE" | head -1)
License: Expat
EOF
  indent "$checkouts/GRDB.swift/LICENSE" | sed '/^ Copyright (C)/d' | sed '1{/^ \.$/d}'
} >"$doc/copyright"
{
  echo "photophore ($version) unstable; urgency=medium"
  echo
  echo "  * Built from commit ${commit:-unknown}."
  echo
  echo " -- $maintainer  $(date -u -R -d "@$epoch")"
} | gzip -9n >"$doc/changelog.Debian.gz"
# What lintian cannot know about this package, with the reason.
cat >"$root/usr/share/lintian/overrides/photophore" <<'EOF'
# Built by the project for its own machines, not uploaded to Debian: there is no ITP bug.
photophore: initial-upload-closes-no-bugs
# The words are in the Swift runtime's and ICU's strings linked into the binary, not ours.
photophore: spelling-error-in-binary *
EOF

# Depends: dpkg-shlibdeps on the binary (it needs a debian/control to name the package)...
mkdir -p "$work/shlibs/debian"
printf 'Source: photophore\n\nPackage: photophore\nArchitecture: amd64\n' >"$work/shlibs/debian/control"
needed=$(cd "$work/shlibs" && dpkg-shlibdeps -O -e"$root/usr/bin/photophore" 2>"$work/shlibdeps.log") \
  || { cat "$work/shlibdeps.log" >&2; fail "dpkg-shlibdeps failed"; }
needed=${needed#shlibs:Depends=}
# ...and the libraries loaded with dlopen, by the sonames the binary carries.
loaded=()
for soname in $(strings -n 8 "$root/usr/bin/photophore" | grep -E '^libav(util|codec|format)\.so\.[0-9]+$' | sort -u); do
  # awk reads to the end: stopping at the first match would let ldconfig die of SIGPIPE on a
  # busy machine, and pipefail would then end this script without a word.
  file=$(ldconfig -p | awk -v s="$soname" '$1 == s && /x86-64/ && !found { print $NF; found = 1 }')
  [[ -n "$file" ]] || fail "$soname (loaded at run time) is not installed; run tools/setup.sh"
  package=""
  for candidate in "$file" "$(realpath "$file")" "/usr$file" "${file#/usr}"; do
    package=$(dpkg -S "$candidate" 2>/dev/null | sed -n '1s/:.*//p') && [[ -n "$package" ]] && break
  done
  [[ -n "$package" ]] || fail "no package owns $file ($soname)"
  name=${soname%.so.*} major=${soname##*.so.}
  shlibs=$(dpkg-query --control-path "$package" shlibs 2>/dev/null || true)
  dep=""
  [[ -n "$shlibs" && -f "$shlibs" ]] && dep=$(awk -v n="$name" -v m="$major" '$1 == n && $2 == m { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }' "$shlibs")
  [[ -n "$dep" ]] || dep="$package (>= $(dpkg-query -W -f='${Version}' "$package"))"
  loaded+=("$dep")
done
((${#loaded[@]} == 3)) || fail "expected the three FFmpeg sonames in the binary, found ${#loaded[@]}"
depends=$(printf '%s\n' "$needed" | tr ',' '\n' | sed 's/^ *//' | cat - <(printf '%s\n' "${loaded[@]}") \
  | awk 'NF && !seen[$1]++' | sort | paste -sd, - | sed 's/,/, /g')
for package in $(sed 's/([^)]*)//g; s/[,|]/ /g' <<<"$depends"); do
  known=$(apt-cache show --no-all-versions "$package" 2>/dev/null || true)
  grep -q "^Package: $package\$" <<<"$known" || fail "Depends names $package, which apt does not know"
done

mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<EOF
Package: photophore
Version: $version
Architecture: amd64
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Section: graphics
Priority: optional
Description: software-rendered 3D animation engine with two living scenes
 Photophore draws two scenes on the CPU with a SIMD, tiled, multithreaded
 rasterizer: a bioluminescent candlefish that reacts to the person watching
 it, and a character that emerges out of streams of data particles. An
 emotional state machine drives both, and its trust memory persists between
 runs. It shows them in a window, or renders them headless to PNG frames and
 MP4 or WebM video.
EOF
(cd "$root" && find usr -type f -print0 | sort -z | xargs -0 md5sum) >"$root/DEBIAN/md5sums"
find "$root" -type d -exec chmod 0755 {} + && find "$root" -type f -exec chmod 0644 {} +
chmod 0755 "$root/usr/bin/photophore"
find "$root" -exec touch -h -d "@$epoch" {} +

mkdir -p "$output"
deb="$output/photophore_${version}_amd64.deb"
# xz -1: nearly all of the package is the binary, and -6 saves 15% of it for 4 times the time.
SOURCE_DATE_EPOCH=$epoch dpkg-deb --build --root-owner-group -Zxz -z1 "$root" "$deb" >/dev/null \
  || fail "dpkg-deb could not build $deb"
echo "package-deb: Depends: $depends" >&2
if ((lintian)); then
  command -v lintian >/dev/null || fail "lintian is missing; run tools/setup.sh"
  lintian --display-info --tag-display-limit 0 "$deb" 2>&1 | grep -v 'running with root privileges' >"$work/lintian.log" || true
  echo "package-deb: lintian: $(grep -c '^E:' "$work/lintian.log" || true) errors, $(grep -c '^W:' "$work/lintian.log" || true) warnings, $(grep -c '^I:' "$work/lintian.log" || true) notes" >&2
  sed 's/^/  /' "$work/lintian.log" >&2
  ! grep -q '^E:' "$work/lintian.log" || fail "lintian found errors in $deb"
fi
echo "$deb"
