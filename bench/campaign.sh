#!/usr/bin/env bash
# Measures what going through Slurm costs on one node against running the same explorations
# here: the same campaign of a few catalog entries locally (1, then K at a time) and as a job
# array (K at a time) on a throwaway single-node cluster (bench/lib/slurm-cluster.sh), each into a
# fresh store. For each: the wall time of the campaign; the explorations' own time (each task
# from its start to its status); the time before the first task started (JVM start and planning,
# plus sbatch and scheduling on Slurm); the time after the last task ended (noticing it, the
# merge, the JVM's exit). Then the latency of a trivial Slurm job (sbatch, and until it runs).
# Not a test: figures for docs/scale-out.md. Needs root (the cluster's daemons).
#   bench/campaign.sh [ENTRY...]        default: redis sqlite3;  K=${K:-2}
#   MODES="local-K slurm-K"             only these of local-1, local-K and slurm-K (default: all three)
#   SHIMSCOPE=/path/to/launcher         another build (default: this checkout's bin/shimscope)
#   KEEP=DIR                            keep the campaign directories and stores in DIR
#   A campaign's stores can be compared with bench/compare-stores.py.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
entries=("$@")
[ ${#entries[@]} -gt 0 ] || entries=(redis sqlite3)
k=${K:-2}
modes=" ${MODES:-local-1 local-K slurm-K} "
tool=${SHIMSCOPE:-$here/bin/shimscope}
"$tool" --version >/dev/null   # build first, outside the measurement
source "$here/bench/lib/slurm-cluster.sh"
source "$here/bench/lib/out-dir.sh"
bench_out_dir shimscope-bench-campaign
trap 'slurm_cluster_stop; bench_out_cleanup' EXIT
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "entries: ${entries[*]}"
printf '%-10s %7s %10s %12s %12s %s\n' mode wall_s explore_s before_1st_s after_last_s stored

campaign() {
  local name=$1; shift
  local start end status=0
  start=$EPOCHREALTIME
  "$tool" campaign "${entries[@]}" --dir "$out/$name" --db "$out/$name-db" "$@" \
    > "$out/$name.out" 2> "$out/$name.err" || status=$?
  end=$EPOCHREALTIME
  python3 - "$out/$name" "$name" "$start" "$end" "$status" <<'PY'
import datetime, glob, os, sys
camp, name, start, end, status = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
starts, ends = [], []
for task in glob.glob(camp + "/tasks/*/*/"):
    line = open(task + "started").read()
    stamp = line.rsplit("started ", 1)[1].strip()
    starts.append(datetime.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp())
    ends.append(os.stat(task + "status").st_mtime)
work = sum(e - s for s, e in zip(starts, ends))
stored = open(camp + ".out").read().strip().splitlines()[-2 if status else -1]
print("%-10s %7.1f %10.1f %12.1f %12.1f %s" % (name, end - start, work, min(starts) - start, end - max(ends),
      "exit %d" % status if status else stored.split(" in ")[0]))
PY
}

[[ $modes == *" local-1 "* ]] && campaign local-1 --at-once 1
[[ $modes == *" local-K "* ]] && campaign "local-$k" --at-once "$k"
[[ $modes == *" slurm-K "* ]] || exit 0
slurm_cluster_start
campaign "slurm-$k" --slurm --at-once "$k"

# a trivial job: how long sbatch takes, and how long until the job runs
printf '\n%-28s %s\n' "trivial job (10 in a row)" "sbatch_ms  submit_to_running_ms"
for i in $(seq 10); do
  t0=$EPOCHREALTIME
  id=$(sbatch --parsable --output=/dev/null --wrap "date +%s.%N > $out/ran-$i")
  t1=$EPOCHREALTIME
  for _ in $(seq 600); do [ -s "$out/ran-$i" ] && break; sleep 0.05; done
  python3 -c "import sys; t0,t1,r=float(sys.argv[1]),float(sys.argv[2]),float(open(sys.argv[3]).read()); print('%-28s %9.0f  %9.0f' % ('job '+sys.argv[4], (t1-t0)*1000, (r-t0)*1000))" "$t0" "$t1" "$out/ran-$i" "$id"
done
