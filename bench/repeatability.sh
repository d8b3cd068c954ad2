#!/usr/bin/env bash
# Repeatability of explorations (not a test): each entry is explored N times, quiet and then with
# a CPU hog on every core (started and stopped by this script, by PID), and the script prints the
# share of identical verdicts between every pair of explorations and whether the plans are
# identical; then K explorations of one entry at once (default 4 x sqlite3), all into one store.
#   bench/repeatability.sh [ENTRY...]    default: redis sqlite3 nginx
#   RUNS=3 CONCURRENT=4 CONCURRENT_ENTRY=sqlite3 HOG=1 QUIET=1
#   SHIMSCOPE=/path/to/launcher         another build (default: this checkout's bin/shimscope)
#   KEEP=DIR                            keep every exploration's JSON, output and store in DIR
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
entries=("$@")
[ ${#entries[@]} -gt 0 ] || entries=(redis sqlite3 nginx)
runs=${RUNS:-3}
tool=${SHIMSCOPE:-$here/bin/shimscope}
"$tool" --version >/dev/null
hogs=()
stop_hogs() { for p in "${hogs[@]}"; do kill "$p" 2>/dev/null || true; done; hogs=(); }
source "$here/bench/lib/out-dir.sh"
bench_out_dir shimscope-bench-repeatability
trap 'stop_hogs; bench_out_cleanup' EXIT
start_hogs() { for _ in $(seq 1 "$(nproc)"); do (while :; do :; done) & hogs+=($!); done; }
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"

compare() { # compare DIR ENTRY: pairwise identical verdicts and plans of DIR/ENTRY-*.json
  python3 - "$1" "$2" <<'PY'
import itertools, json, glob, sys
files = sorted(glob.glob(sys.argv[1] + "/" + sys.argv[2] + "-*.json"))
ds = [json.load(open(f)) for f in files]
verdicts = [{s["name"]: s["verdict"] for s in d["syscalls"]} for d in ds]
plans = [(tuple(d["plan"]["implement"]), tuple(d["plan"]["stub"]), tuple(d["plan"]["fake"])) for d in ds]
shares = []
for a, b in itertools.combinations(range(len(ds)), 2):
    keys = set(verdicts[a]) | set(verdicts[b])
    same = sum(1 for k in keys if verdicts[a].get(k) == verdicts[b].get(k))
    shares.append(100.0 * same / len(keys))
walls = ", ".join("%.0f" % (d["wallMillis"] / 1000) for d in ds)
print("  %-10s explorations %d, identical verdicts %s%% (pairs: %s), plans identical %d of %d, verified %d of %d, wall s: %s" % (
    sys.argv[2], len(ds), "%.1f" % min(shares) if shares else "-", ", ".join("%.1f" % s for s in shares),
    max(plans.count(p) for p in plans), len(plans), sum(1 for d in ds if d["plan"]["verified"]), len(ds), walls))
for k in sorted(set().union(*verdicts)):
    vs = [v.get(k) for v in verdicts]
    if len(set(vs)) > 1:
        print("    %s: %s" % (k, " ".join(str(v) for v in vs)))
PY
}

explore_n() { # explore_n LABEL ENTRY
  for i in $(seq 1 "$runs"); do
    "$tool" explore "$2" --json-file "$out/$1/$2-$i.json" --db "$out/$1/db" > "$out/$1/$2-$i.txt" 2>&1 || true
  done
  compare "$out/$1" "$2"
}

for mode in quiet hog; do
  [ "$mode" = quiet ] && [ "${QUIET:-1}" = 0 ] && continue
  [ "$mode" = hog ] && [ "${HOG:-1}" = 0 ] && continue
  mkdir -p "$out/$mode"
  echo "$mode$([ "$mode" = hog ] && echo " (a busy loop on each of the $(nproc) CPUs)"):"
  [ "$mode" = hog ] && start_hogs
  for e in "${entries[@]}"; do explore_n "$mode" "$e"; done
  stop_hogs
done

k=${CONCURRENT:-4}; ce=${CONCURRENT_ENTRY:-sqlite3}
if [ "$k" -gt 0 ]; then
  mkdir -p "$out/concurrent"
  echo "$k explorations of $ce at once, one store:"
  pids=()
  for i in $(seq 1 "$k"); do
    "$tool" explore "$ce" --json-file "$out/concurrent/$ce-$i.json" --db "$out/concurrent/db" > "$out/concurrent/$ce-$i.txt" 2>&1 &
    pids+=($!)
  done
  statuses=()
  for p in "${pids[@]}"; do s=0; wait "$p" || s=$?; statuses+=("$s"); done
  echo "  exit statuses: ${statuses[*]}"
  compare "$out/concurrent" "$ce"
  echo "  stored: $(find "$out/concurrent/db/$ce" -name shimscope.json 2>/dev/null | wc -l) results; git fsck: $(git -C "$out/concurrent/db" fsck --no-progress 2>&1 | grep -c . || true) lines"
fi
