#!/usr/bin/env bash
# Measures complete explorations end to end (wall time of 'shimscope explore', JVM start
# included) for catalog entries, with the machine they ran on. Not a test: figures for the README.
#   bench/explore.sh [ENTRY...]        default: redis nginx
#   SHIMSCOPE=/path/to/launcher        another build (default: this checkout's bin/shimscope)
#   EXPLORE_ARGS="--jobs 4"            extra options for every exploration (--no-impacts: without the
#                                      impact analysis, for its cost)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
entries=("$@")
[ ${#entries[@]} -gt 0 ] || entries=(redis nginx)
tool=${SHIMSCOPE:-$here/bin/shimscope}
"$tool" --version >/dev/null   # build first, outside the measurement
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
printf '%-18s %7s %5s %5s %4s %4s %4s %4s %5s %-12s %-9s %6s %5s %-14s %s\n' entry wall_s runs used req stub fake both flaky plan impl/st/fk rounds jobs impacts load
for e in "${entries[@]}"; do
  load0=$(cut -d' ' -f1 /proc/loadavg)
  start=$EPOCHREALTIME
  status=0
  # shellcheck disable=SC2086
  "$tool" explore "$e" --json-file "$out/$e.json" --db "$out/db" ${EXPLORE_ARGS:-} > "$out/$e.txt" 2> "$out/$e.err" || status=$?
  end=$EPOCHREALTIME
  if [ ! -s "$out/$e.json" ]; then echo "$e: FAILED (exit status $status)"; tail -3 "$out/$e.err"; continue; fi
  python3 - "$out/$e.json" "$e" "$start" "$end" "$load0 -> $(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); c = d["categories"]; p = d["plan"]
im = d.get("impacts", {})
# impacts: confirmed impacts/experiments confirmed alone/runs alone (plan cost included)/their seconds
imp = "%d/%d/%d/%.0fs" % (len(im.get("impacts", [])), im.get("confirmed", 0), im.get("aloneRuns", 0),
                         im.get("aloneMillis", 0) / 1000)
print("%-18s %7.1f %5d %5d %4d %4d %4d %4d %5d %-12s %-9s %6d %5.1f %-14s %s" % (sys.argv[2], float(sys.argv[4]) - float(sys.argv[3]),
      d["runs"], len(d["syscalls"]), len(c["required"]), len(c["stub_only"]), len(c["fake_only"]), len(c["both"]),
      len(c["flaky"]), "verified" if p["verified"] else "NOT-verified",
      "%d/%d/%d" % (len(p["implement"]), len(p["stub"]), len(p["fake"])), d["planRounds"], d["meanJobs"], imp, sys.argv[5]))
PY
done
