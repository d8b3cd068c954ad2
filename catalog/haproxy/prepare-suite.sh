#!/bin/bash
# Prepares HAProxy's regression tests to run against the installed haproxy, once:
#   $SHIMSCOPE_CACHE/haproxy-suite-VERSION/haproxy-UPSTREAM/  the source tree of the installed
#       version (apt-get source, Debian's patches applied): reg-tests/ and scripts/run-regtests.sh
#   $SHIMSCOPE_CACHE/vtest/tree/vtest  VTest, the program that runs them, built from the source
#       named by SHIMSCOPE_VTEST (a clone of https://github.com/vtest/VTest2 or a tarball of one)
# Quick when both are done; without SHIMSCOPE_VTEST, an already built VTest is used.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${SHIMSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shimscope}
mkdir -p "$cache"

# --- VTest
how="set SHIMSCOPE_VTEST to a clone of VTest (git clone https://github.com/vtest/VTest2) or a tarball of one"
vt=$cache/vtest
src=${SHIMSCOPE_VTEST:-}
if [ -z "$src" ]; then
  [ -f "$vt/prepared" ] || { echo "haproxy-suite: VTest is not built: $how" >&2; exit 1; }
else
  [ -e "$src" ] || { echo "haproxy-suite: SHIMSCOPE_VTEST=$src does not exist: $how" >&2; exit 1; }
  src=$(readlink -f "$src")
  if [ -d "$src" ]; then
    id="dir $(cd "$src" && find . -name .git -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)"
  else
    id="tar $(sha256sum < "$src" | cut -c1-64)"
  fi
  if ! { [ -f "$vt/prepared" ] && [ "$(sed -n 2p "$vt/prepared")" = "$id" ]; }; then
    echo "haproxy-suite: building VTest from $src ..." >&2
    work=$(mktemp -d "$cache/.vtest-XXXXXX")
    trap 'rm -rf "$work"' EXIT
    mkdir "$work/in"
    if [ -d "$src" ]; then
      (cd "$src" && tar --exclude=.git -cf - .) | tar -xf - -C "$work/in"
    else
      tar -xf "$src" -C "$work/in" || { echo "haproxy-suite: cannot unpack $src: $how" >&2; exit 1; }
    fi
    mk=$(find "$work/in" -maxdepth 3 -name Makefile -path '*/Makefile' -exec grep -l vtest {} + | head -n 1)
    [ -n "$mk" ] || { echo "haproxy-suite: $src holds no VTest Makefile: $how" >&2; exit 1; }
    tree=$(dirname "$mk")
    make -C "$tree" > "$work/make.log" 2>&1 || {
      tail -n 5 "$work/make.log" >&2
      echo "haproxy-suite: building VTest failed (it needs gcc, make, libpcre2-dev, zlib1g-dev)" >&2
      exit 1
    }
    [ -x "$tree/vtest" ] || { echo "haproxy-suite: make built no vtest in $tree" >&2; exit 1; }
    rm -rf "$vt"
    mkdir -p "$vt"
    mv "$tree" "$vt/tree"
    printf '%s\n%s\n%s\n' "$vt/tree/vtest" "$id" "$src" > "$vt/prepared"
    rm -rf "$work"
    trap - EXIT
    echo "haproxy-suite: VTest ready: $vt/tree/vtest" >&2
  fi
fi

# --- the regression tests of the installed haproxy
version=$(dpkg-query -W -f='${source:Version}' haproxy)
dest=$cache/haproxy-suite-$(printf '%s' "$version" | tr ':~+' '___')
[ -f "$dest/prepared" ] && exit 0
echo "haproxy-suite: fetching the source of haproxy $version into $dest ..." >&2
work=$(mktemp -d "$cache/.haproxy-suite-XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$("$here/apt-source.sh" haproxy "$work")
[ -d "$tree/reg-tests" ] && [ -f "$tree/scripts/run-regtests.sh" ] \
  || { echo "haproxy-suite: no reg-tests/ and scripts/run-regtests.sh in $tree" >&2; exit 1; }
chmod -R a+rX "$tree"
rm -rf "$dest"
mkdir -p "$dest"
mv "$tree" "$dest/"
echo "$dest/$(basename "$tree")" > "$dest/prepared"
echo "haproxy-suite: ready: $dest/$(basename "$tree")" >&2
