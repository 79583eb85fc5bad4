#!/usr/bin/env bash
# Installs Photophore like a desktop program: the self-contained binary, two menu entries, the
# icon (rendered by the engine), man pages and shell completions.
#
#   tools/install.sh [--prefix DIR] [--binary PATH]    install (builds tools/build-static.sh's
#                                                       binary unless --binary names one)
#   tools/install.sh --uninstall [--prefix DIR]        remove what the install put there
#
# The prefix defaults to ~/.local, or /usr/local as root. Every file installed, and every
# folder the install had to create, is listed in PREFIX/share/photophore/install-manifest.txt
# with the file's SHA-256; --uninstall removes exactly those files (a file changed since is
# kept, and named), then those folders if they are empty, then the manifest. The memory store
# ($XDG_STATE_HOME/photophore, else ~/.local/state/photophore) is never touched, even when it
# lies under the prefix. Installing again over an install replaces it (the old one is removed
# first, by its manifest). Menus and icon caches: desktops watch these folders themselves; a
# cache file that already exists there (mimeinfo.cache, icon-theme.cache) is refreshed, and
# none is created, so uninstalling leaves nothing behind.
#
# Exit codes: 0 done, 1 a step failed, 2 bad usage, a prefix that cannot be written, or no
# manifest to uninstall.
set -euo pipefail
here=$PWD   # relative --prefix and --binary are taken from where the script was started
cd "$(dirname "$0")/.."
usage_line="usage: tools/install.sh [--prefix DIR] [--binary PATH], or tools/install.sh --uninstall [--prefix DIR]"
refuse() { echo "install: $1" >&2; exit 2; }
fail() { echo "install: $1" >&2; exit 1; }

prefix="" binary="" uninstall=0
while (($#)); do
  case "$1" in
    --prefix) (($# >= 2)) && [[ -n "$2" ]] || refuse "--prefix needs a folder; $usage_line"; prefix=$2; shift 2 ;;
    --prefix=*) prefix=${1#--prefix=}; [[ -n "$prefix" ]] || refuse "--prefix needs a folder; $usage_line"; shift ;;
    --binary) (($# >= 2)) && [[ -n "$2" ]] || refuse "--binary needs a path; $usage_line"; binary=$2; shift 2 ;;
    --binary=*) binary=${1#--binary=}; [[ -n "$binary" ]] || refuse "--binary needs a path; $usage_line"; shift ;;
    --uninstall) uninstall=1; shift ;;
    -h|--help) echo "$usage_line"; exit 0 ;;
    *) refuse "unknown argument $1; $usage_line" ;;
  esac
done
((uninstall == 0)) || [[ -z "$binary" ]] || refuse "--uninstall takes no --binary; $usage_line"
if [[ -z "$prefix" ]]; then
  if [[ "$(id -u)" = 0 ]]; then prefix=/usr/local; else prefix="${HOME:?HOME is not set}/.local"; fi
fi
[[ "$prefix" = /* ]] || prefix="$here/$prefix"
prefix=$(realpath -m "$prefix")
[[ "$prefix" != / ]] || refuse "--prefix / is not a prefix to install into; use /usr/local or ~/.local"
manifest_rel=share/photophore/install-manifest.txt
manifest="$prefix/$manifest_rel"
state_dir=$(realpath -m "${XDG_STATE_HOME:-${HOME:-/nonexistent}/.local/state}/photophore")

# The nearest folder of PATH that exists.
existing_ancestor() { local p=$1; while [[ ! -e "$p" ]]; do p=$(dirname "$p"); done; echo "$p"; }
inside() { [[ "$1" = "$2" || "$1" = "$2"/* ]]; }   # is path $1 the folder $2 or inside it?

refresh_caches() {
  local apps="$prefix/share/applications" icons="$prefix/share/icons/hicolor"
  if [[ -f "$apps/mimeinfo.cache" ]] && command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$apps" || true
  fi
  if [[ -f "$icons/icon-theme.cache" ]] && command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q -f -t "$icons" || true
  fi
}

# Removes what the manifest lists. $1 = "quiet" when replacing an install.
remove_installed() {
  local mode=${1:-} kept=0 removed=0 line kind sum rel path
  local -a files=() dirs=() outer=()
  while IFS= read -r line; do
    case "$line" in
      ''|'#'*|'prefix '*) continue ;;
      'file '*) read -r kind sum rel <<<"$line"; files+=("$sum $rel") ;;
      'dir '*) dirs+=("${line#dir }") ;;
      'prefixdir '*) outer+=("${line#prefixdir }") ;;
      *) refuse "$manifest: line '$line' is not a manifest line; remove the files by hand" ;;
    esac
  done <"$manifest"
  # Refuse a manifest that names anything outside the prefix or inside the memory store,
  # before removing anything.
  for rel in "${files[@]#* }" "${dirs[@]}"; do
    [[ -n "$rel" && "$rel" != /* && "/$rel/" != */../* && "/$rel/" != */./* ]] \
      || refuse "$manifest names '$rel', which is not a path inside the prefix; remove the files by hand"
    ! inside "$(realpath -m "$prefix/$rel")" "$state_dir" \
      || refuse "$manifest names $prefix/$rel, inside the memory store $state_dir; remove the files by hand"
  done
  for line in "${files[@]}"; do
    sum=${line%% *} rel=${line#* } path="$prefix/$rel"
    if [[ -L "$path" || ! -e "$path" ]]; then
      [[ "$mode" = quiet ]] || echo "install: $path was already gone" >&2
    elif [[ "$(sha256sum <"$path" | cut -d' ' -f1)" != "$sum" ]]; then
      if [[ "$mode" = quiet ]]; then
        echo "install: $path changed since it was installed; not removed (the new install may replace it)" >&2
      else
        echo "install: kept $path: it changed since it was installed" >&2
      fi
      kept=$((kept + 1))
    else
      rm -f "$path"; removed=$((removed + 1))
    fi
  done
  rm -f "$manifest"
  # Folders deepest first; only the empty ones go (rmdir never removes anything else).
  local dir
  while IFS= read -r dir; do
    [[ -n "$dir" ]] && rmdir "$prefix/$dir" 2>/dev/null || true
  done < <(printf '%s\n' "${dirs[@]}" | awk '{ print gsub("/", "/") "\t" $0 }' | sort -rn | cut -f2-)
  # The prefix and the folders above it that the install created (only if still empty).
  for dir in "${outer[@]}"; do
    if inside "$prefix" "$dir" && ! inside "$dir" "$state_dir"; then rmdir "$dir" 2>/dev/null || true; fi
  done
  if [[ "$mode" != quiet ]]; then
    echo "install: removed $removed files from $prefix$( ((kept == 0)) || echo " ($kept changed, kept)")"
  fi
  return 0
}

if ((uninstall)); then
  [[ -f "$manifest" ]] || refuse "no install manifest at $manifest: nothing was installed there by tools/install.sh; give the --prefix DIR of the install"
  [[ -w "$(dirname "$manifest")" ]] || refuse "cannot write to $prefix; run as its owner (sudo for /usr/local)"
  remove_installed
  refresh_caches
  exit 0
fi

# Check the prefix before building anything.
! inside "$prefix" "$state_dir" || refuse "--prefix $prefix is inside the memory store $state_dir; choose another --prefix DIR"
anchor=$(existing_ancestor "$prefix")
[[ -d "$anchor" ]] || refuse "$anchor is not a folder; choose another --prefix DIR"
if [[ ! -w "$anchor" || ! -x "$anchor" ]]; then
  if [[ "$(id -u)" = 0 ]]; then refuse "cannot write to $prefix; choose another --prefix DIR"; fi
  refuse "cannot write to $prefix; choose a --prefix DIR you can write to (the default is ~/.local), or run as root"
fi

if [[ -z "$binary" ]]; then
  echo "install: building the self-contained binary (tools/build-static.sh)" >&2
  binary="$PWD/$(tools/build-static.sh)" || fail "tools/build-static.sh failed"
fi
[[ "$binary" = /* ]] || binary="$here/$binary"
[[ -f "$binary" && -x "$binary" ]] || refuse "--binary $binary is not an executable file"
binary=$(realpath "$binary")
"$binary" version >/dev/null 2>&1 || fail "$binary does not run ('$binary version' failed)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
tools/stage-install.sh --binary "$binary" --exec "$prefix/bin/photophore" "$stage" \
  || fail "could not lay out the files to install"

# Every folder a file goes to must be writable, or be creatable, before anything is changed.
while IFS= read -r rel; do
  target="$prefix/$rel" folder=$(existing_ancestor "$prefix/$(dirname "$rel")")
  [[ -d "$folder" && -w "$folder" ]] || refuse "cannot write to $folder; choose another --prefix DIR"
  [[ ! -d "$target" || -L "$target" ]] || refuse "$target is a folder; move it away, or choose another --prefix DIR"
done < <(cd "$stage" && find . -type f | sed 's|^\./||' | sort)

[[ ! -f "$manifest" ]] || remove_installed quiet   # an earlier install: replaced, by its manifest

created_dirs=() outer_dirs=()
# The prefix and any folder above it that does not exist yet.
p=$prefix
while [[ ! -e "$p" ]]; do outer_dirs+=("$p"); p=$(dirname "$p"); done
mkdir -p "$prefix"
make_dir() { # a folder relative to the prefix, made with its parents; records what it made
  local rel=$1
  [[ "$rel" != . && ! -d "$prefix/$rel" ]] || return 0
  make_dir "$(dirname "$rel")"
  mkdir "$prefix/$rel"
  created_dirs+=("$rel")
}
entries=()
while IFS= read -r rel; do
  make_dir "$(dirname "$rel")"
  mode=0644; [[ -x "$stage/$rel" ]] && mode=0755
  # An earlier install's files are gone by now, so what is left there is someone else's.
  [[ ! -e "$prefix/$rel" ]] || echo "install: replacing $prefix/$rel (not from an earlier tools/install.sh)" >&2
  install -m "$mode" "$stage/$rel" "$prefix/$rel"
  entries+=("file $(sha256sum <"$stage/$rel" | cut -d' ' -f1) $rel")
done < <(cd "$stage" && find . -type f | sed 's|^\./||' | sort)
make_dir "$(dirname "$manifest_rel")"
{
  echo "# What tools/install.sh installed under this prefix: files (with their SHA-256) and the"
  echo "# folders it created, relative to the prefix. 'tools/install.sh --uninstall --prefix DIR'"
  echo "# removes exactly these, then this file."
  echo "prefix $prefix"
  printf '%s\n' "${entries[@]}"
  for d in "${created_dirs[@]}"; do echo "dir $d"; done
  for d in "${outer_dirs[@]}"; do echo "prefixdir $d"; done
} >"$manifest.tmp"
mv -f "$manifest.tmp" "$manifest"
refresh_caches

echo "install: installed ${#entries[@]} files under $prefix ($("$prefix/bin/photophore" version | sed -n 2p))"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "install: $prefix/bin is not on PATH; add it to run photophore from a shell (the menu entries use the full path)" ;;
esac
echo "install: remove it with: tools/install.sh --uninstall --prefix $prefix"
