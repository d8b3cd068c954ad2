#!/bin/bash
# fetch-source.sh SOURCE_PACKAGE VERSION PARENT
# Fetches and unpacks a Debian source package (Debian's patches applied) into
# PARENT/PACKAGE-VERSION/ (':' and '~' of the version written '_'), once, with a private apt
# configuration kept in $SHIMSCOPE_SOURCES/apt (the system's sources mirrored as deb-src
# entries, its own package lists): the system's apt configuration is never changed and no root
# is needed. VERSION may be empty (the newest the lists know). When the mirror cannot deliver
# VERSION (a security update whose files are gone from it), the newest other version the lists
# know is used, with a note on stderr. Prints "VERSION<TAB>TREE" as the last line of stdout.
# Exit 3 when apt knows no such source package. With SHIMSCOPE_LOOKUP_ONLY=1 nothing is fetched.
set -euo pipefail
pkg=$1 version=$2 parent=$3
base=${SHIMSCOPE_SOURCES:?}
apt=$base/apt
mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial"
opts=(-q -o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/sources.list.d"
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
# as root apt downloads as _apt, which cannot write into this private directory
[ "$(id -u)" = 0 ] && opts+=(-o "APT::Sandbox::User=root")
safe() { printf '%s' "$1" | tr ':~' '__'; }
# already unpacked: no network needed
if [ -n "$version" ] && [ -f "$parent/$pkg-$(safe "$version")/.fetched" ]; then
  printf '%s\t%s\n' "$version" "$parent/$pkg-$(safe "$version")"
  exit 0
fi
# the lists are refreshed when missing or older than a day (a new stable point release)
if [ -z "$(find "$apt/lists" -maxdepth 1 -name '*Sources*' -mtime -1 -print -quit 2>/dev/null)" ]; then
  : > "$apt/sources.list"
  rm -f "$apt/sources.list.d/"*
  # deb822 files: every stanza of Types deb becomes deb-src; one-line files: deb -> deb-src
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -e "$f" ] && sed -E 's/^Types:.*\bdeb\b.*$/Types: deb-src/' "$f" > "$apt/sources.list.d/$(basename "$f")"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -e "$f" ] && sed -nE 's/^[[:space:]]*deb([[:space:]])/deb-src\1/p' "$f" >> "$apt/sources.list"
  done
  if ! apt-get "${opts[@]}" update > "$apt/update.log" 2>&1; then
    # offline with lists from an earlier day: go on with those (what they name may be fetched already)
    if [ -z "$(find "$apt/lists" -maxdepth 1 -name '*Sources*' -print -quit 2>/dev/null)" ]; then
      tail -n 5 "$apt/update.log" >&2; echo "fetch-source: apt-get update failed (log: $apt/update.log)" >&2; exit 1
    fi
    echo "fetch-source: apt-get update failed; using the package lists of an earlier day" >&2
  fi
fi
known=$(apt-cache "${opts[@]}" showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' || true)
if [ -z "$known" ]; then
  echo "fetch-source: Debian has no source package '$pkg' (apt-cache showsrc found nothing)" >&2
  exit 3
fi
# SHIMSCOPE_LOOKUP_ONLY=1: only say whether the package exists
[ "${SHIMSCOPE_LOOKUP_ONLY:-}" = 1 ] && { printf '%s\n' "$known" | head -n 1; exit 0; }
# the requested version first, then the others, newest first (dpkg's version order)
sorted=()
while read -r v; do
  i=${#sorted[@]}
  sorted+=("$v")
  while ((i > 0)) && dpkg --compare-versions "${sorted[$i]}" gt "${sorted[$((i-1))]}"; do
    t=${sorted[$i]}; sorted[$i]=${sorted[$((i-1))]}; sorted[$((i-1))]=$t; i=$((i-1))
  done
done < <(printf '%s\n' "$known" | sort -u)
candidates=()
[ -n "$version" ] && candidates+=("$version")
for v in "${sorted[@]}"; do [ "$v" = "$version" ] || candidates+=("$v"); done
for v in "${candidates[@]}"; do
  if [ -f "$parent/$pkg-$(safe "$v")/.fetched" ]; then
    [ -n "$version" ] && [ "$v" != "$version" ] && echo "fetch-source: using $pkg $v (fetched before; $version was not available)" >&2
    printf '%s\t%s\n' "$v" "$parent/$pkg-$(safe "$v")"
    exit 0
  fi
done
# unpacking needs dpkg-source; looking a package up does not
command -v dpkg-source > /dev/null || { echo "fetch-source: dpkg-source not found: apt-get install -y dpkg-dev" >&2; exit 1; }
mkdir -p "$parent"
work=$(mktemp -d "$parent/.fetch-XXXXXX")
trap 'rm -rf "$work"' EXIT
for v in "${candidates[@]}"; do
  mkdir "$work/src"
  if (cd "$work/src" && apt-get "${opts[@]}" source "$pkg=$v") > "$work/source.log" 2>&1; then
    [ -n "$version" ] && [ "$v" != "$version" ] \
      && echo "fetch-source: the mirror has no files for $pkg $version; using $pkg $v" >&2
    tree=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
    [ -n "$tree" ] || { echo "fetch-source: apt-get source $pkg=$v unpacked nothing" >&2; exit 1; }
    dest=$parent/$pkg-$(safe "$v")
    rm -rf "$dest"
    mv "$tree" "$dest"
    touch "$dest/.fetched"
    printf '%s\t%s\n' "$v" "$dest"
    exit 0
  fi
  grep '^E:' "$work/source.log" | head -n 2 >&2 || true
  rm -rf "$work/src"
done
echo "fetch-source: apt-get source $pkg failed for every version the lists know: $(printf '%s ' $known)" >&2
exit 1
