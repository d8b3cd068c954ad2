#!/bin/sh
# Runs workload.sql in a fresh database in $SCRATCH and compares everything sqlite3 printed
# (stdout and stderr) with expected.txt, line for line.
cd "$SCRATCH" || exit 1
/usr/bin/sqlite3 -batch -init /dev/null workload.db < "$SPEC_DIR/workload.sql" > output.txt 2>&1
status=$?
if [ "$status" != 0 ]; then
  tail -n 5 output.txt
  echo "sqlite3 exited with status $status"
  exit 1
fi
if ! diff -u "$SPEC_DIR/expected.txt" output.txt; then
  echo "sqlite3 printed something else than expected.txt (diff above)"
  exit 1
fi
echo "sqlite3 workload: output as expected ($(wc -l < output.txt) lines)"
