#!/bin/bash
# Prints the tests of nginx-tests that this entry runs, one .t file per line: every .t of the
# prepared suite except those tests-skip.txt leaves out.
set -euo pipefail
cache=${SHIMSCOPE_CACHE:?SHIMSCOPE_CACHE is not set}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -f "$cache/nginx-tests/prepared" ] || { echo "nginx-suite: not prepared: run $here/prepare-suite.sh" >&2; exit 2; }
cd "$(sed -n 1p "$cache/nginx-tests/prepared")"
ls *.t | grep -vxF -f <(sed -e 's/[[:space:]].*//' -e '/^#/d' -e '/^$/d' "$here/tests-skip.txt")
