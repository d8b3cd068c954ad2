#!/bin/bash
# Prints the tests this entry runs, one test file per line (e.g. shell1.test): the files of the
# suite's test/ that drive the sqlite3 command-line program (they find it with test_find_cli or
# test_cli_invocation), except those tests-skip.txt leaves out.
set -euo pipefail
cache=${SHIMSCOPE_CACHE:?SHIMSCOPE_CACHE is not set}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
version=$(dpkg-query -W -f='${source:Version}' sqlite3)
stamp=$cache/sqlite3-suite-$(printf '%s' "$version" | tr ':~+' '___')/prepared
[ -f "$stamp" ] || { echo "sqlite3 suite: not prepared for sqlite3 $version: run $here/prepare-suite.sh" >&2; exit 2; }
cd "$(<"$stamp")/test"
grep -lE '\[(test_find_cli|test_cli_invocation)\]' -- *.test | LC_ALL=C sort \
  | grep -vxF -f <(sed -e 's/[[:space:]].*//' -e '/^#/d' -e '/^$/d' "$here/tests-skip.txt")
