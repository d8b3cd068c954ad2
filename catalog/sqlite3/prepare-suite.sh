#!/bin/bash
# Prepares SQLite's own TCL test suite (test/ of the Debian source package, the installed version
# with Debian's patches) and its test driver, testfixture, built from that source, once:
#   $SHIMSCOPE_CACHE/sqlite3-suite-VERSION/sqlite3-UPSTREAM/  the tree, testfixture at its top
# Quick when already done. Building takes a minute or two (make -j2).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${SHIMSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shimscope}
version=$(dpkg-query -W -f='${source:Version}' sqlite3)
dest=$cache/sqlite3-suite-$(printf '%s' "$version" | tr ':~+' '___')
[ -f "$dest/prepared" ] && exit 0
for c in gcc make tclsh; do
  command -v $c > /dev/null || { echo "prepare-suite: $c not found: apt-get install -y gcc make tcl tcl-dev zlib1g-dev" >&2; exit 1; }
done
tcl=$(dirname "$(ls /usr/lib/*/tcl8.6/tclConfig.sh /usr/lib/tcl8.6/tclConfig.sh 2>/dev/null | head -n 1)")
[ -f "$tcl/tclConfig.sh" ] || { echo "prepare-suite: no tclConfig.sh: apt-get install -y tcl-dev" >&2; exit 1; }
echo "prepare-suite: fetching the source of sqlite3 $version and building testfixture into $dest ..." >&2
mkdir -p "$cache"
work=$(mktemp -d "$cache/.sqlite3-suite-XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$("$here/apt-source.sh" sqlite3 "$work")
[ -f "$tree/test/tester.tcl" ] || { echo "prepare-suite: no test/tester.tcl in $tree" >&2; exit 1; }
(cd "$tree" && ./configure --with-tcl="$tcl" --disable-shared && make -j2 testfixture) > "$work/build.log" 2>&1 || {
  tail -n 5 "$work/build.log" >&2
  echo "prepare-suite: building testfixture failed (log above)" >&2
  exit 1
}
[ -x "$tree/testfixture" ] || { echo "prepare-suite: make built no testfixture in $tree" >&2; exit 1; }
chmod -R a+rX "$tree"
rm -rf "$dest"
mkdir -p "$dest"
mv "$tree" "$dest/"
echo "$dest/$(basename "$tree")" > "$dest/prepared"
echo "prepare-suite: ready: $dest/$(basename "$tree")" >&2
