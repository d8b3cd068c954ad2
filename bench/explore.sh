#!/usr/bin/env bash
# Measures complete explorations end to end (wall time of 'shimscope explore', JVM start
# included) for catalog entries, with the machine they ran on. Not a test: figures for the README.
#   bench/explore.sh [ENTRY...]        default: redis nginx
#   SHIMSCOPE=/path/to/launcher        another build (default: this checkout's bin/shimscope)
#   EXPLORE_ARGS="--jobs 4"            extra options for every exploration (--no-impacts: without the
#                                      impact analysis, for its cost)
#   FEATURES_COST=1                    each entry twice, without sub-features (--no-features) and
#                                      with, and the ratio of the two wall times
#   KEEP=DIR                           keep every exploration's JSON, summary, CSV and store in DIR
#   An entry with a prepare step (the suites) is prepared first, outside the measurement.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
entries=("$@")
[ ${#entries[@]} -gt 0 ] || entries=(redis nginx)
tool=${SHIMSCOPE:-$here/bin/shimscope}
"$tool" --version >/dev/null   # build first, outside the measurement
source "$here/bench/lib/out-dir.sh"
bench_out_dir shimscope-bench-explore
trap bench_out_cleanup EXIT
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
# run_cpu_s: the CPU time of all the exploration's runs (their cgroups), floor_s that divided by the
# CPUs (no schedule can end sooner on this machine), busy: the machine's CPUs in use meanwhile
printf '%-24s %7s %5s %5s %4s %4s %4s %4s %5s %6s %5s %-12s %-9s %6s %5s %-14s %9s %7s %5s %s\n' entry wall_s runs used req stub fake both flaky values files plan impl/st/fk rounds jobs impacts run_cpu_s floor_s busy load
# one exploration: prints its row, and its wall time in $out/LABEL.wall
explore() {
  local e=$1 label=$2; shift 2
  local load0 start end status=0
  load0=$(cut -d' ' -f1 /proc/loadavg)
  head -1 /proc/stat > "$out/$label.stat0"
  start=$EPOCHREALTIME
  # shellcheck disable=SC2086
  "$tool" explore "$e" --json-file "$out/$label.json" --csv "$out/$label.csv" --db "$out/db" ${EXPLORE_ARGS:-} "$@" > "$out/$label.txt" 2> "$out/$label.err" || status=$?
  end=$EPOCHREALTIME
  head -1 /proc/stat > "$out/$label.stat1"
  if [ ! -s "$out/$label.json" ]; then echo "$label: FAILED (exit status $status)"; tail -3 "$out/$label.err"; return; fi
  python3 - "$out/$label.json" "$label" "$start" "$end" "$load0 -> $(cut -d' ' -f1 /proc/loadavg)" "$out/$label.wall" "$out/$label.stat0" "$out/$label.stat1" <<'PY'
import json, os, sys
d = json.load(open(sys.argv[1])); c = d["categories"]; p = d["plan"]
def run_cpu(o):
    # every run record of the result (baseline, trace, experiments, confirmations, plan, costs)
    if isinstance(o, dict):
        if "passed" in o and "cpuMillis" in o:
            return max(0, o["cpuMillis"])
        return sum(run_cpu(v) for v in o.values())
    if isinstance(o, list):
        return sum(run_cpu(v) for v in o)
    return 0
cpu_s = run_cpu(d) / 1000
t0, t1 = ([int(x) for x in open(f).read().split()[1:9]] for f in (sys.argv[7], sys.argv[8]))
delta = [b - a for a, b in zip(t0, t1)]
busy = 1 - (delta[3] + delta[4]) / max(1, sum(delta))  # idle and iowait are not busy
wall = float(sys.argv[4]) - float(sys.argv[3])
open(sys.argv[6], "w").write("%.1f" % wall)
im = d.get("impacts", {})
# impacts: confirmed impacts/experiments confirmed alone/runs alone (plan cost included)/their seconds
imp = "%d/%d/%d/%.0fs" % (len(im.get("impacts", [])), im.get("confirmed", 0), im.get("aloneRuns", 0),
                         im.get("aloneMillis", 0) / 1000)
print("%-24s %7.1f %5d %5d %4d %4d %4d %4d %5d %6d %5d %-12s %-9s %6d %5.1f %-14s %9.1f %7.1f %4.0f%% %s" % (sys.argv[2], wall,
      d["runs"], len(d["syscalls"]), len(c["required"]), len(c["stub_only"]), len(c["fake_only"]), len(c["both"]),
      len(c["flaky"]), len(d.get("values", [])), len(d.get("files", [])), "verified" if p["verified"] else "NOT-verified",
      "%d/%d/%d" % (len(p["implement"]), len(p["stub"]), len(p["fake"])), d["planRounds"], d["meanJobs"], imp,
      cpu_s, cpu_s / os.cpu_count(), 100 * busy, sys.argv[5]))
PY
}
for e in "${entries[@]}"; do
  # the prepare step (fetching and building a suite) is not part of the exploration's time
  "$tool" run "$e" --list-tests > /dev/null 2>&1 || true
  if [ -n "${FEATURES_COST:-}" ]; then
    explore "$e" "$e --no-features" --no-features
    explore "$e" "$e" 
    if [ -s "$out/$e --no-features.wall" ] && [ -s "$out/$e.wall" ]; then
      python3 -c 'import sys; print("%s: with sub-features %.2fx the time without" % (sys.argv[1], float(sys.argv[3]) / float(sys.argv[2])))' \
        "$e" "$(cat "$out/$e --no-features.wall")" "$(cat "$out/$e.wall")"
    fi
  else
    explore "$e" "$e"
  fi
done
