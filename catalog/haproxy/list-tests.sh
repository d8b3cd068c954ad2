#!/bin/bash
# Prints the regression tests of HAProxy that this entry runs, one per line, as paths below
# reg-tests/ (e.g. http-rules/map_redirect.vtc): every .vtc of the prepared tree except those
# tests-skip.txt leaves out.
set -euo pipefail
cache=${SHIMSCOPE_CACHE:?SHIMSCOPE_CACHE is not set}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=$(dpkg-query -W -f='${source:Version}' haproxy)
stamp=$cache/haproxy-suite-$(printf '%s' "$version" | tr ':~+' '___')/prepared
[ -f "$stamp" ] || { echo "haproxy suite: not prepared for haproxy $version: run $here/prepare-suite.sh" >&2; exit 2; }
cd "$(<"$stamp")/reg-tests"
find . -name '*.vtc' | sed 's|^\./||' | LC_ALL=C sort \
  | grep -vxF -f <(sed -e 's/[[:space:]].*//' -e '/^#/d' -e '/^$/d' "$here/tests-skip.txt")
