#!/bin/bash
# Prints the units of Redis's own test suite that this entry runs, one per line: runtest's own
# list (./runtest --list-tests) without the units suite-units-skip.txt leaves out.
set -euo pipefail
cache=${SHIMSCOPE_CACHE:?SHIMSCOPE_CACHE is not set}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=$(dpkg-query -W -f='${source:Version}' redis-server)
stamp=$cache/redis-suite-$(printf '%s' "$version" | tr ':~' '__')/prepared
[ -f "$stamp" ] || { echo "redis suite: not prepared for redis $version: run $here/prepare-suite.sh" >&2; exit 2; }
cd "$(<"$stamp")"
./runtest --list-tests | grep -vxF -f <(sed -e 's/[[:space:]].*//' -e '/^#/d' -e '/^$/d' "$here/suite-units-skip.txt")
