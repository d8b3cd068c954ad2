#!/bin/bash
# Prints the tests of memcached's suite that this entry runs, one per line (t/NAME.t): every
# t/*.t of the prepared tree except those tests-skip.txt leaves out.
set -euo pipefail
cache=${SHIMSCOPE_CACHE:?SHIMSCOPE_CACHE is not set}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=$(dpkg-query -W -f='${source:Version}' memcached)
stamp=$cache/memcached-suite-$(printf '%s' "$version" | tr ':~+' '___')/prepared
[ -f "$stamp" ] || { echo "memcached suite: not prepared for memcached $version: run $here/prepare-suite.sh" >&2; exit 2; }
cd "$(<"$stamp")"
ls t/*.t | grep -vxF -f <(sed -e 's/[[:space:]].*//' -e '/^#/d' -e '/^$/d' "$here/tests-skip.txt")
