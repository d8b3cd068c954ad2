#!/bin/bash
# Runs tests of memcached's own suite (t/*.t, Perl, with prove) against the installed memcached:
# those named in $SHIMSCOPE_TESTS (space-separated, e.g. "t/getset.t t/udp.t"), every test of
# list-tests.sh when it is empty. The suite runs in the prepared source tree (it finds
# memcached-debug and its t/ files from the working directory), read-only; memcached and the
# tests write their sockets and files to /tmp, the run's own.
set -uo pipefail
# The run's processes start with SIGINT and SIGQUIT ignored (the supervisor starts the command
# as a background job of a shell): the suite gets the default dispositions back, as on a
# terminal (tests stop servers with these signals and check how they exit).
cache=${SHIMSCOPE_CACHE:?SHIMSCOPE_CACHE is not set}
version=$(dpkg-query -W -f='${source:Version}' memcached) || exit 1
stamp=$cache/memcached-suite-$(printf '%s' "$version" | tr ':~+' '___')/prepared
if [ ! -f "$stamp" ]; then
  echo "memcached suite: not prepared for memcached $version: run $SPEC_DIR/prepare-suite.sh (shimscope run/explore do it)"
  exit 2
fi
read -r -a tests <<< "${SHIMSCOPE_TESTS:-}"
if [ ${#tests[@]} -eq 0 ]; then
  mapfile -t tests < <("$SPEC_DIR/list-tests.sh") || exit 1
fi
cd "$(<"$stamp")" || exit 1
# The TLS tests run with SSL_TEST=1 (then every memcached of the test listens with TLS, as in
# the suite's own `make test_tls`); the others without.
tls=() plain=()
for t in "${tests[@]}"; do
  case $t in t/ssl_*) tls+=("$t") ;; *) plain+=("$t") ;; esac
done
status=0
# prove prints one line per test on stdout ("t/getset.t .. ok"); the tests' diagnostics go to
# stderr, kept apart so that they cannot break those lines, and shown after the summary
if [ ${#plain[@]} -gt 0 ]; then
  env --default-signal prove --norc -j 4 "${plain[@]}" 2> "$SCRATCH/stderr.log" || status=1
fi
if [ ${#tls[@]} -gt 0 ]; then
  SSL_TEST=1 env --default-signal prove --norc -j 4 "${tls[@]}" 2>> "$SCRATCH/stderr.log" || status=1
fi
if [ -s "$SCRATCH/stderr.log" ]; then
  echo "---- what the tests wrote to stderr:"
  cat "$SCRATCH/stderr.log"
fi
exit $status
