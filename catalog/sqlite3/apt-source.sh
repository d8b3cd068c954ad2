#!/bin/bash
# Fetches and unpacks the Debian source package of an installed binary package, in the version
# that is installed (Debian's patches applied), with a private apt configuration: the system's
# sources mirrored as deb-src entries, its own lists and cache under WORK. The system's apt
# configuration is never changed and root is not needed.
#   apt-source.sh BINARY_PACKAGE WORK    prints the path of the unpacked tree (under WORK/src)
# The same file is in every catalog directory whose prepare step needs a Debian source package
# (CatalogTest keeps the copies identical).
set -euo pipefail
pkg=${1:?usage: apt-source.sh BINARY_PACKAGE WORK}
work=${2:?usage: apt-source.sh BINARY_PACKAGE WORK}
command -v dpkg-source > /dev/null || { echo "apt-source: dpkg-source not found: apt-get install -y dpkg-dev" >&2; exit 1; }
source_pkg=$(dpkg-query -W -f='${source:Package}' "$pkg") || { echo "apt-source: $pkg is not installed" >&2; exit 1; }
version=$(dpkg-query -W -f='${source:Version}' "$pkg")
apt=$work/apt
mkdir -p "$apt/sources.list.d" "$apt/lists/partial" "$apt/cache/archives/partial"
: > "$apt/sources.list"
# deb822 files: every stanza of Types deb becomes deb-src; one-line files: deb -> deb-src
for f in /etc/apt/sources.list.d/*.sources; do
  [ -e "$f" ] && sed -E 's/^Types:.*\bdeb\b.*$/Types: deb-src/' "$f" > "$apt/sources.list.d/$(basename "$f")"
done
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [ -e "$f" ] && sed -nE 's/^[[:space:]]*deb([[:space:]])/deb-src\1/p' "$f" >> "$apt/sources.list"
done
opts=(-q -o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/sources.list.d"
      -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
# as root apt downloads as _apt, which cannot write into this private directory
[ "$(id -u)" = 0 ] && opts+=(-o "APT::Sandbox::User=root")
apt-get "${opts[@]}" update > "$work/update.log" 2>&1 || { tail -n 5 "$work/update.log" >&2; exit 1; }
mkdir -p "$work/src"
fetch() { rm -rf "$work/src" && mkdir -p "$work/src" && (cd "$work/src" && apt-get "${opts[@]}" source "$source_pkg=$1") > "$work/source.log" 2>&1; }
if ! fetch "$version"; then
  # A mirror may list a source it does not hold (a security update whose source is missing):
  # then the newest other Debian revision of the same upstream release, said on stderr.
  upstream=${version#*:}; upstream=${upstream%-*}
  fetched=
  for v in $(apt-cache "${opts[@]}" showsrc "$source_pkg" 2>/dev/null | sed -n 's/^Version: //p' | sort -u -r -V); do
    u=${v#*:}; u=${u%-*}
    [ "$v" != "$version" ] && [ "$u" = "$upstream" ] || continue
    if fetch "$v"; then fetched=$v; break; fi
  done
  if [ -z "$fetched" ]; then
    tail -n 5 "$work/source.log" >&2
    echo "apt-source: apt-get source $source_pkg=$version failed (and no other revision of $upstream could be fetched)" >&2
    exit 1
  fi
  echo "apt-source: the source of $source_pkg $version cannot be fetched; using $fetched (same upstream release)" >&2
fi
tree=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d | head -n 1)
[ -n "$tree" ] || { echo "apt-source: apt-get source $source_pkg=$version unpacked nothing in $work/src" >&2; exit 1; }
printf '%s\n' "$tree"
