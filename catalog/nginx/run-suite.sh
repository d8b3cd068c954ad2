#!/bin/bash
# Runs tests of nginx-tests against the installed nginx with prove: the .t files named in
# $SHIMSCOPE_TESTS (space-separated), every test of list-tests.sh when it is empty. The prepared
# suite stays read-only: the tests write their configurations, logs and files to $TMPDIR, in the
# run's $SCRATCH. TEST_NGINX_* come from suite.yaml.
set -uo pipefail
# The run's processes start with SIGINT and SIGQUIT ignored (the supervisor starts the command
# as a background job of a shell): the suite gets the default dispositions back, as on a
# terminal (tests stop servers with these signals and check how they exit).
cache=${SHIMSCOPE_CACHE:?SHIMSCOPE_CACHE is not set}
if [ ! -f "$cache/nginx-tests/prepared" ]; then
  echo "nginx-suite: not prepared: run $SPEC_DIR/prepare-suite.sh (shimscope run/explore do it)"
  exit 2
fi
tree=$(sed -n 1p "$cache/nginx-tests/prepared")
read -r -a tests <<< "${SHIMSCOPE_TESTS:-}"
if [ ${#tests[@]} -eq 0 ]; then
  mapfile -t tests < <("$SPEC_DIR/list-tests.sh") || exit 1
fi
# the tests' directories hold unix sockets, whose paths may not exceed 107 characters: a short
# name in the run's private /tmp leads to them in $SCRATCH
mkdir -p "$SCRATCH/tmp"
ln -sfn "$SCRATCH/tmp" /tmp/nt
export TMPDIR=/tmp/nt
cd "$tree" || exit 1
# prove prints one line per test file on stdout ("access.t .. ok"); the tests' own diagnostics
# go to stderr, kept apart so that they cannot break those lines, and shown after the summary
env --default-signal prove --norc -j 4 "${tests[@]}" 2> "$SCRATCH/stderr.log"
status=$?
if [ -s "$SCRATCH/stderr.log" ]; then
  echo "---- what the tests wrote to stderr:"
  cat "$SCRATCH/stderr.log"
fi
exit $status
