#!/bin/bash
# Runs test files of SQLite's TCL suite that drive the installed sqlite3 command-line program:
# those named in $SHIMSCOPE_TESTS (space-separated, e.g. "shell1.test shell5.test"), every test
# of list-tests.sh when it is empty. Each runs under testfixture (the suite's TCL interpreter,
# built by prepare-suite.sh) in a fresh directory of the run's $SCRATCH, where the suite finds
# the program it tests: ./sqlite3, a link to /usr/bin/sqlite3. After each file one line says
# how it went: "shell1.test: ok (0 errors out of 181 tests)" or "shell1.test: FAILED (...)".
set -uo pipefail
# The run's processes start with SIGINT and SIGQUIT ignored (the supervisor starts the command
# as a background job of a shell): the suite gets the default dispositions back, as on a
# terminal (tests stop servers with these signals and check how they exit).
cache=${SHIMSCOPE_CACHE:?SHIMSCOPE_CACHE is not set}
version=$(dpkg-query -W -f='${source:Version}' sqlite3) || exit 1
stamp=$cache/sqlite3-suite-$(printf '%s' "$version" | tr ':~+' '___')/prepared
if [ ! -f "$stamp" ]; then
  echo "sqlite3 suite: not prepared for sqlite3 $version: run $SPEC_DIR/prepare-suite.sh (shimscope run/explore do it)"
  exit 2
fi
tree=$(<"$stamp")
read -r -a tests <<< "${SHIMSCOPE_TESTS:-}"
if [ ${#tests[@]} -eq 0 ]; then
  mapfile -t tests < <("$SPEC_DIR/list-tests.sh") || exit 1
fi
status=0 failed=0
for t in "${tests[@]}"; do
  dir=$SCRATCH/${t%.test}
  mkdir -p "$dir"
  ln -s /usr/bin/sqlite3 "$dir/sqlite3"
  echo "==== $t"
  (cd "$dir" && env --default-signal "$tree/testfixture" "$tree/test/$t") > "$dir/out.log" 2>&1
  st=$?
  cat "$dir/out.log"
  # testfixture ends a file with "N errors out of M tests on ..."; it exits 1 on any error
  summary=$(grep -aoE '^[0-9]+ errors out of [0-9]+ tests' "$dir/out.log" | tail -n 1)
  if [ $st = 0 ] && [ "${summary%% *}" = 0 ]; then
    echo "$t: ok ($summary)"
  else
    echo "$t: FAILED (exit status $st${summary:+, $summary})"
    status=1 failed=$((failed + 1))
  fi
done
echo "${#tests[@]} test files, $failed failed"
exit $status
