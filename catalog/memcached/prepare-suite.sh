#!/bin/bash
# Prepares the t/ tests of memcached's Debian source package to run against the installed
# memcached, once: $SHIMSCOPE_CACHE/memcached-suite-VERSION/memcached-UPSTREAM/ is the source
# tree of the installed version (apt-get source, Debian's patches applied), where the binary the
# suite starts, memcached-debug, is a link to /usr/bin/memcached and timedrun is this
# directory's launcher. Quick when already done.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${SHIMSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shimscope}
version=$(dpkg-query -W -f='${source:Version}' memcached)
dest=$cache/memcached-suite-$(printf '%s' "$version" | tr ':~+' '___')
[ -f "$dest/prepared" ] && exit 0
echo "prepare-suite: fetching the source of memcached $version into $dest ..." >&2
mkdir -p "$cache"
work=$(mktemp -d "$cache/.memcached-suite-XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$("$here/apt-source.sh" memcached "$work")
[ -f "$tree/t/lib/MemcachedTest.pm" ] || { echo "prepare-suite: no t/lib/MemcachedTest.pm in $tree" >&2; exit 1; }
ln -sfn /usr/bin/memcached "$tree/memcached-debug"
rm -f "$tree/timedrun"
cp "$here/timedrun" "$tree/timedrun"
chmod -R a+rX "$tree"
rm -rf "$dest"
mkdir -p "$dest"
mv "$tree" "$dest/"
echo "$dest/$(basename "$tree")" > "$dest/prepared"
echo "prepare-suite: ready: $dest/$(basename "$tree")" >&2
