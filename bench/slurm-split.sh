#!/usr/bin/env bash
# One exploration run here and split over Slurm, compared (not a test: the comparison of
# docs/scale-out.md on a real suite). Explores ENTRY locally, then as `campaign ENTRY --slurm
# --split N` on a throwaway single-node cluster (bench/lib/slurm-cluster.sh), each into its own
# store, and prints both wall times, whether every syscall has the same verdict, whether the
# plans are the same, and the tests each required syscall needs in both. Needs root.
#   bench/slurm-split.sh [ENTRY]        default: sqlite3-suite;  N=${N:-2}
#   SHIMSCOPE=/path/to/launcher         another build (default: this checkout's bin/shimscope)
#   LOCAL_JSON=FILE                     an exploration of ENTRY made already (explore --json-file):
#                                       compared with instead of exploring it here again
#   KEEP=DIR                            keep the stores, campaign directory and outputs in DIR
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
entry=${1:-sqlite3-suite}
n=${N:-2}
tool=${SHIMSCOPE:-$here/bin/shimscope}
"$tool" --version >/dev/null   # build first, outside the measurement
"$tool" run "$entry" --list-tests > /dev/null 2>&1 || true   # prepare a suite once, outside too
source "$here/bench/lib/slurm-cluster.sh"
source "$here/bench/lib/out-dir.sh"
bench_out_dir shimscope-bench-split
trap 'slurm_cluster_stop; bench_out_cleanup' EXIT
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
local_json=${LOCAL_JSON:-}
if [ -z "$local_json" ]; then
  start=$EPOCHREALTIME
  "$tool" explore "$entry" --json-file "$out/local.json" --db "$out/local-db" > "$out/local.txt" 2>&1 || true
  echo "local: $(python3 -c "print('%.1f s' % ($EPOCHREALTIME - $start))")"
  local_json=$out/local.json
fi
slurm_cluster_start
start=$EPOCHREALTIME
status=0
"$tool" campaign "$entry" --slurm --split "$n" --dir "$out/campaign" --db "$out/slurm-db" \
  > "$out/slurm.out" 2> "$out/slurm.err" || status=$?
echo "slurm --split $n: $(python3 -c "print('%.1f s' % ($EPOCHREALTIME - $start))"), exit status $status"
slurm_cluster_stop
result=$(find "$out/slurm-db" -name shimscope.json | head -1)
[ -n "$result" ] || { echo "nothing stored by the split campaign; see $out/slurm.err"; tail -5 "$out/slurm.err"; exit 1; }
python3 - "$local_json" "$result" <<'PY'
import json, sys
local = json.load(open(sys.argv[1]))
stored = json.load(open(sys.argv[2]))
lv = {s["name"]: s["verdict"] for s in local["syscalls"]}
sv = stored["verdicts"]  # the store's result (format 3): syscall -> verdict
names = sorted(set(lv) | set(sv))
same = [k for k in names if lv.get(k) == sv.get(k)]
print("verdicts: %d of %d the same" % (len(same), len(names)))
for k in names:
    if lv.get(k) != sv.get(k):
        print("  %s: local %s, slurm %s" % (k, lv.get(k), sv.get(k)))
def plan(p):
    return tuple(tuple(p.get(x, [])) for x in ("implement", "stub", "fake"))
lp, sp = plan(local["plan"]), plan(stored["plan"])
print("plan: %s (local %s, %d/%d/%d; slurm %s, %d/%d/%d)" % ("the same" if lp == sp else "DIFFERENT",
      "verified" if local["plan"]["verified"] else "NOT verified", *map(len, lp),
      "verified" if stored["plan"]["verified"] else "NOT verified", *map(len, sp)))
PY
