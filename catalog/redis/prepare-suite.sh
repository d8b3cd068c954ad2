#!/bin/bash
# Prepares Redis's own test suite to run against the installed binaries, once:
#   $SHIMSCOPE_CACHE/redis-suite-VERSION/redis-UPSTREAM/  the source tree of the installed version
# (apt-get source, Debian's patches applied), with src/redis-* symlinked to /usr/bin. Quick when
# already done. Fetching needs the network, so it runs on the host before any sandboxed run
# ('prepare' in suite.yaml); the runs read the tree and write their state to $SCRATCH.
#
# apt-get runs with a private configuration in the cache (the system's sources mirrored as
# deb-src entries, its own lists): the system's apt configuration is never changed, and no root
# is needed.
set -euo pipefail
cache=${SHIMSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shimscope}
source_pkg=$(dpkg-query -W -f='${source:Package}' redis-server)
version=$(dpkg-query -W -f='${source:Version}' redis-server)
dest=$cache/redis-suite-$(printf '%s' "$version" | tr ':~' '__')
[ -f "$dest/prepared" ] && exit 0
command -v dpkg-source > /dev/null || { echo "prepare-suite: dpkg-source not found: apt-get install -y dpkg-dev" >&2; exit 1; }
command -v tclsh > /dev/null || { echo "prepare-suite: tclsh not found: apt-get install -y tcl" >&2; exit 1; }
echo "prepare-suite: fetching the source of $source_pkg $version into $dest ..." >&2
mkdir -p "$cache"
work=$(mktemp -d "$cache/.redis-suite-XXXXXX")
trap 'rm -rf "$work"' EXIT
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
mkdir "$work/src"
(cd "$work/src" && apt-get "${opts[@]}" source "$source_pkg=$version") > "$work/source.log" 2>&1 \
  || { tail -n 5 "$work/source.log" >&2; echo "prepare-suite: apt-get source $source_pkg=$version failed" >&2; exit 1; }
tree=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'redis-*' | head -n 1)
[ -n "$tree" ] && [ -x "$tree/runtest" ] || { echo "prepare-suite: no redis source tree with runtest in $work/src" >&2; exit 1; }
# the suite runs the programs in src/: the installed ones
for p in redis-server redis-cli redis-benchmark redis-check-aof redis-check-rdb; do
  ln -sfn "/usr/bin/$p" "$tree/src/$p"
done
rm -rf "$dest"
mkdir -p "$dest"
mv "$tree" "$dest/"
echo "$dest/$(basename "$tree")" > "$dest/prepared"
echo "prepare-suite: ready: $dest/$(basename "$tree")" >&2
