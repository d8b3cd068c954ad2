#!/bin/bash
# Runs units of Redis's own test suite against the installed redis-server, in a run's $SCRATCH:
# the units named in $SHIMSCOPE_TESTS (space-separated, e.g. "unit/type/incr integration/rdb"),
# every unit of list-tests.sh when it is empty. The prepared source tree (prepare-suite.sh)
# stays read-only; the suite's working directory is a tree of symlinks to it with a fresh,
# writable tests/tmp and a copy of tests/assets (60 kB).
set -uo pipefail
# The run's processes start with SIGINT and SIGQUIT ignored (the supervisor starts the command
# as a background job of a shell): the suite gets the default dispositions back, as on a
# terminal (tests stop servers with these signals and check how they exit).
cache=${SHIMSCOPE_CACHE:?SHIMSCOPE_CACHE is not set}
version=$(dpkg-query -W -f='${source:Version}' redis-server) || exit 1
stamp=$cache/redis-suite-$(printf '%s' "$version" | tr ':~' '__')/prepared
if [ ! -f "$stamp" ]; then
  echo "redis suite: not prepared for redis $version: run $SPEC_DIR/prepare-suite.sh (shimscope run/explore do it)"
  exit 2
fi
tree=$(<"$stamp")
if ! grep -q suite-harness.patch "$tree/tests/support/server.tcl"; then
  echo "redis suite: prepared by an older catalog (no suite-harness.patch): run $SPEC_DIR/prepare-suite.sh again"
  exit 2
fi
read -r -a units <<< "${SHIMSCOPE_TESTS:-}"
if [ ${#units[@]} -eq 0 ]; then
  mapfile -t units < <("$SPEC_DIR/list-tests.sh") || exit 1
fi
work=$SCRATCH/redis
mkdir -p "$work/tests/tmp"
for f in "$tree"/*; do
  [ "$(basename "$f")" = tests ] || ln -s "$f" "$work/"
done
for f in "$tree"/tests/*; do
  case $(basename "$f") in
    tmp) ;;
    assets) cp -r "$f" "$work/tests/" ;;  # redis-check-aof opens its input files for writing
    *) ln -s "$f" "$work/tests/" ;;
  esac
done
args=()
for u in "${units[@]}"; do args+=(--single "$u"); done
cd "$work" || exit 1
# plain lines, no colours (runtest colours its output on an xterm)
unset TERM
# --clients: units run two at a time, each starting its own servers on its own ports;
# --timeout: no test may go a minute without progress (the default is 20 minutes; a server that
#   dies at its start is noticed after 2 minutes, or this timeout);
# the skip file lists the single tests skipped (the reason above each).
exec env --default-signal ./runtest --clients 2 --timeout 60 --skipfile "$SPEC_DIR/suite-skip.txt" "${args[@]}"
