#!/usr/bin/env bash
# Lays out everything Photophore installs under DESTDIR, as it goes under a prefix:
#
#   bin/photophore
#   share/applications/photophore-candlefish.desktop, photophore-emergence.desktop
#   share/icons/hicolor/<N>x<N>/apps/photophore.png      rendered by the binary (render-icons.sh)
#   share/man/man1/photophore.1, photophore.<subcommand>.1 ...
#   share/bash-completion/completions/photophore
#   share/zsh/site-functions/_photophore
#   share/fish/vendor_completions.d/photophore.fish
#
# The man pages and completions are generated from the binary itself (ArgumentParser's
# --experimental-dump-help, read by swift-argument-parser's generate-manual tool, and
# --generate-completion-script), so they always describe the program being installed.
# tools/install.sh copies the result into the prefix; tools/package-deb.sh makes it usr/.
#
# usage: stage-install.sh --binary PATH --exec PATH DESTDIR
#   --exec is the path the desktop entries start (where bin/photophore will be installed).
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "stage-install: $1" >&2; exit "${2:-1}"; }

bin="" exec_path="" dest=""
while (($#)); do
  case "$1" in
    --binary) bin="${2:-}"; shift 2 || fail "--binary needs a path" 2 ;;
    --exec) exec_path="${2:-}"; shift 2 || fail "--exec needs a path" 2 ;;
    -*) fail "unknown option $1; usage: tools/stage-install.sh --binary PATH --exec PATH DESTDIR" 2 ;;
    *) [[ -z "$dest" ]] || fail "one DESTDIR only" 2; dest=$1; shift ;;
  esac
done
[[ -n "$bin" && -n "$exec_path" && -n "$dest" ]] || fail "usage: tools/stage-install.sh --binary PATH --exec PATH DESTDIR" 2
[[ -x "$bin" ]] || fail "$bin is not an executable" 2
bin=$(realpath "$bin")
mkdir -p "$dest"

install -D -m 0755 "$bin" "$dest/bin/photophore"

# Desktop entries. Exec and TryExec carry the full path: a menu does not see the PATH of a
# login shell, where ~/.local/bin may be missing. A path with characters the desktop entry
# spec reserves is quoted as it says (\ " ` $ escaped inside quotes, then \ doubled, % as %%).
exec_arg=$exec_path
if [[ ! "$exec_path" =~ ^[A-Za-z0-9/._+-]+$ ]]; then
  quoted=$(printf '%s' "$exec_path" | sed -e 's/[\\"`$]/\\&/g')
  exec_arg="\"$(printf '%s' "$quoted" | sed -e 's/\\/\\\\/g')\""
fi
exec_arg=${exec_arg//%/%%}
tryexec=$(printf '%s' "$exec_path" | sed -e 's/\\/\\\\/g')
desktop() { # scene name comment keywords
  cat <<EOF
[Desktop Entry]
Type=Application
Version=1.4
Name=$2
GenericName=Living Animation
Comment=$3
Icon=photophore
TryExec=$tryexec
Exec=$exec_arg play $1
Terminal=false
Categories=Graphics;3DGraphics;
Keywords=$4
EOF
}
mkdir -p "$dest/share/applications"
desktop candlefish "Photophore Candlefish" \
  "A bioluminescent fish that reacts to you, drawn by a software 3D engine" \
  "fish;candlefish;aquarium;animation;3D;" >"$dest/share/applications/photophore-candlefish.desktop"
desktop emergence "Photophore Emergence" \
  "A character emerges out of streams of data particles; answer it with Y or N" \
  "emergence;particles;character;animation;3D;" >"$dest/share/applications/photophore-emergence.desktop"

tools/render-icons.sh "$bin" "$dest/share/icons/hicolor"

# Man pages: swift-argument-parser's generate-manual, built from the checkout SwiftPM already
# has (in its own scratch folder, so the checkout is left as it is; again only when the
# checkout changed), run on the binary. Then three fixes of form, not content: empty lines
# become .Pp (mdoc warns about them); a subcommand's NAME is its page's name, photophore.render,
# since whatis (lexgrog) cannot read a name with spaces, while its SYNOPSIS keeps
# "photophore render"; and every page ends with a newline.
parser=.build/checkouts/swift-argument-parser
generate_manual=.build/generate-manual/release/generate-manual
[[ -f "$parser/Package.swift" ]] || swift package resolve >&2
if [[ ! -x "$generate_manual" || -n "$(find "$parser" -name .git -prune -o -newer "$generate_manual" -print -quit)" ]]; then
  swift build -c release --package-path "$parser" --scratch-path .build/generate-manual \
    --product generate-manual >&2
fi
# The pages carry the date of the commit built from (reproducible), else today's.
date=$("$bin" version | sed -n 's/^commit [0-9a-f]* of \([0-9-]*\),.*/\1/p')
pages=$(mktemp -d)
trap 'rm -rf "$pages"' EXIT
"$generate_manual" "$bin" --multi-page --date "${date:-$(date +%F)}" \
  --authors "Photophore maintainers" -o "$pages" >&2
mkdir -p "$dest/share/man/man1"
for page in "$pages"/*.1; do
  awk -v page="$(basename "$page" .1)" '
    $0 == "" { print ".Pp"; next }
    /^\.Nm "/ && name == "" { name = substr($0, 5); print ".Nm " page; next }
    $0 == ".Nm" && name != "" { print ".Nm " name; next }
    { print }' "$page" >"$dest/share/man/man1/$(basename "$page")"
done

install -d "$dest/share/bash-completion/completions" "$dest/share/zsh/site-functions" \
  "$dest/share/fish/vendor_completions.d"
# bash sources its completions: no #! line.
"$bin" --generate-completion-script bash | sed '1{/^#!/d}' >"$dest/share/bash-completion/completions/photophore"
"$bin" --generate-completion-script zsh >"$dest/share/zsh/site-functions/_photophore"
"$bin" --generate-completion-script fish >"$dest/share/fish/vendor_completions.d/photophore.fish"
chmod -R u=rwX,go=rX "$dest"
