#!/bin/bash
# Runs HAProxy's regression tests against the installed haproxy, with VTest and HAProxy's own
# scripts/run-regtests.sh (which reads haproxy -vv and skips the tests whose REQUIRE_* options or
# versions it does not meet): the tests named in $SHIMSCOPE_TESTS (space-separated paths below
# reg-tests/), every test of list-tests.sh when it is empty. The prepared tree stays read-only;
# VTest's working directories are in the run's $SCRATCH.
set -uo pipefail
# The run's processes start with SIGINT and SIGQUIT ignored (the supervisor starts the command
# as a background job of a shell): the suite gets the default dispositions back, as on a
# terminal (tests stop servers with these signals and check how they exit).
cache=${SHIMSCOPE_CACHE:?SHIMSCOPE_CACHE is not set}
version=$(dpkg-query -W -f='${source:Version}' haproxy) || exit 1
stamp=$cache/haproxy-suite-$(printf '%s' "$version" | tr ':~+' '___')/prepared
if [ ! -f "$stamp" ] || [ ! -f "$cache/vtest/prepared" ]; then
  echo "haproxy suite: not prepared for haproxy $version: run $SPEC_DIR/prepare-suite.sh (shimscope run/explore do it)"
  exit 2
fi
read -r -a tests <<< "${SHIMSCOPE_TESTS:-}"
if [ ${#tests[@]} -eq 0 ]; then
  mapfile -t tests < <("$SPEC_DIR/list-tests.sh") || exit 1
fi
paths=()
for t in "${tests[@]}"; do paths+=("reg-tests/$t"); done
export HAPROXY_PROGRAM=/usr/sbin/haproxy
VTEST_PROGRAM=$(sed -n 1p "$cache/vtest/prepared")
export VTEST_PROGRAM
# VTest's working directories hold haproxy's unix sockets, whose paths may not exceed 97
# characters: a short name in the run's private /tmp leads to them in $SCRATCH
mkdir -p "$SCRATCH/tmp"
ln -sfn "$SCRATCH/tmp" /tmp/vt
export TMPDIR=/tmp/vt
cd "$(<"$stamp")" || exit 1
# --v: VTest reports every test ("#    top  TEST reg-tests/... passed (0.123)"), not only failures;
# --j 3: three tests at a time (they mostly wait on their own timers and servers);
# -t 30: a test may take 30 s, not 10 (run-regtests.sh's), before VTest kills it: on 2 busy cores
#   a test waits seconds for a CPU
exec env --default-signal sh scripts/run-regtests.sh --v --j 3 --vtestparams "-t 30" "${paths[@]}"
