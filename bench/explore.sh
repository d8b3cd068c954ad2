#!/usr/bin/env bash
# Measures complete explorations end to end (wall time of 'shimscope explore', JVM start
# included) for catalog entries, with the machine they ran on. Not a test: figures for the README.
#   bench/explore.sh [ENTRY...]        default: redis nginx
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
entries=("$@")
[ ${#entries[@]} -gt 0 ] || entries=(redis nginx)
"$here/bin/shimscope" --version >/dev/null   # build first, outside the measurement
out=$(mktemp -d)
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-12s %8s %6s %5s %9s %5s %5s %5s %5s %s\n' entry wall_s runs used required stub fake both flaky plan
for e in "${entries[@]}"; do
  start=$EPOCHREALTIME
  "$here/bin/shimscope" explore "$e" --json "$out/$e.json" > "$out/$e.txt" 2> "$out/$e.err" || { echo "$e: FAILED"; tail -3 "$out/$e.err"; continue; }
  end=$EPOCHREALTIME
  python3 - "$out/$e.json" "$e" "$start" "$end" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); c = d["categories"]; p = d["plan"]
print("%-12s %8.1f %6d %5d %9d %5d %5d %5d %5d %s" % (sys.argv[2], float(sys.argv[4]) - float(sys.argv[3]), d["runs"], len(d["syscalls"]),
      len(c["required"]), len(c["stub_only"]), len(c["fake_only"]), len(c["both"]), len(c["flaky"]),
      "verified" if p["verified"] else "NOT verified"))
PY
done
rm -rf "$out"
