#!/bin/bash
# Prepares Redis's own test suite to run against the installed binaries, once:
#   $SHIMSCOPE_CACHE/redis-suite-VERSION/redis-UPSTREAM/  the source tree of the installed version
# (apt-get source, Debian's patches applied), with src/redis-* symlinked to /usr/bin. Quick when
# already done. Fetching needs the network, so it runs on the host before any sandboxed run
# ('prepare' in suite.yaml); the runs read the tree and write their state to $SCRATCH.
#
# apt-get runs with a private configuration in the cache (apt-source.sh): the system's apt
# configuration is never changed, and no root is needed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${SHIMSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shimscope}
source_pkg=$(dpkg-query -W -f='${source:Package}' redis-server)
version=$(dpkg-query -W -f='${source:Version}' redis-server)
dest=$cache/redis-suite-$(printf '%s' "$version" | tr ':~' '__')
# one change to the harness, applied once (suite-harness.patch): a server that exits at its
# start is reported at once, in its unit's name, instead of after runtest's two-minute wait for
# its PID; with a syscall stubbed that breaks the start, every unit would wait that long per server
apply_harness_patch() {
  grep -q suite-harness.patch "$1/tests/support/server.tcl" && return 0
  patch -s -p1 --forward -d "$1" < "$here/suite-harness.patch"
}
if [ -f "$dest/prepared" ]; then
  exec 9> "$dest/.lock"
  flock 9
  apply_harness_patch "$(<"$dest/prepared")"
  exit 0
fi
command -v tclsh > /dev/null || { echo "prepare-suite: tclsh not found: apt-get install -y tcl" >&2; exit 1; }
echo "prepare-suite: fetching the source of $source_pkg $version into $dest ..." >&2
mkdir -p "$cache"
work=$(mktemp -d "$cache/.redis-suite-XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$("$here/apt-source.sh" redis-server "$work")
[ -n "$tree" ] && [ -x "$tree/runtest" ] || { echo "prepare-suite: no redis source tree with runtest in $work/src" >&2; exit 1; }
# the suite runs the programs in src/: the installed ones
for p in redis-server redis-cli redis-benchmark redis-check-aof redis-check-rdb; do
  ln -sfn "/usr/bin/$p" "$tree/src/$p"
done
apply_harness_patch "$tree"
rm -rf "$dest"
mkdir -p "$dest"
mv "$tree" "$dest/"
echo "$dest/$(basename "$tree")" > "$dest/prepared"
echo "prepare-suite: ready: $dest/$(basename "$tree")" >&2
