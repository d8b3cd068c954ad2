#!/bin/bash
# Runs a subset of Redis's own test suite against the installed redis-server, in a run's
# $SCRATCH: the prepared source tree (prepare-suite.sh) stays read-only; the suite's working
# directory is a tree of symlinks to it with a fresh, writable tests/tmp.
#   run-suite.sh [UNIT ...]    default: the units below
set -uo pipefail
cache=${SHIMSCOPE_CACHE:?SHIMSCOPE_CACHE is not set}
version=$(dpkg-query -W -f='${source:Version}' redis-server) || exit 1
stamp=$cache/redis-suite-$(printf '%s' "$version" | tr ':~' '__')/prepared
if [ ! -f "$stamp" ]; then
  echo "redis suite: not prepared for redis $version: run $SPEC_DIR/prepare-suite.sh (shimscope run/explore do it)"
  exit 2
fi
tree=$(<"$stamp")
work=$SCRATCH/redis
mkdir -p "$work/tests/tmp"
for f in "$tree"/*; do
  [ "$(basename "$f")" = tests ] || ln -s "$f" "$work/"
done
for f in "$tree"/tests/*; do
  [ "$(basename "$f")" = tmp ] || ln -s "$f" "$work/tests/"
done
# A spread of Redis in ~20 s: strings, counters, hashes, sets, keyspace, transactions, pub/sub,
# SCAN, bit operations, protocol errors, AUTH, INFO, QUIT, and RDB persistence (fork, rename).
units=(unit/type/incr unit/type/hash unit/type/set unit/keyspace unit/multi unit/pubsub unit/scan
       unit/bitops unit/protocol unit/auth unit/info-command unit/quit integration/rdb)
[ $# -gt 0 ] && units=("$@")
args=()
for u in "${units[@]}"; do args+=(--single "$u"); done
cd "$work" || exit 1
# --timeout: no test may go 20 s without progress (the default is 20 minutes);
# the skip file lists tests that Debian's security patches break.
exec ./runtest --clients 2 --timeout 20 --skipfile "$SPEC_DIR/suite-skip.txt" "${args[@]}"
