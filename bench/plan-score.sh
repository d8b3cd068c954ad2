#!/usr/bin/env bash
# Times 'db import' of the Loupe data set, then 'plan' and 'score' over all its apps.
# Reports JVM start-up separately from the commands' own work.
#   bench/plan-score.sh [LOUPE_DB]      (default: the copy in src/test/data/loupedb)
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
loupe=${1:-$here/src/test/data/loupedb}
source "$here/bin/lib/jdk.sh"
"$here/bin/shimscope" --version >/dev/null          # builds the jar if needed
jar=$here/target/shimscope.jar
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
rmdir "$db"

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
wall() {  # "wall cpu": medians in ms of 5 runs of: java -jar shimscope.jar ARGS (cpu = user + sys, all threads)
  local t; t=$(mktemp)
  for _ in 1 2 3 4 5; do
    /usr/bin/time -o "$t" -f '%e %U %S' "${java[@]}" -jar "$jar" "$@" >/dev/null
    awk '{printf "%.0f %.0f\n", $1 * 1000, ($2 + $3) * 1000}' "$t"
  done > "$t.all"
  echo "$(cut -d' ' -f1 "$t.all" | median) $(cut -d' ' -f2 "$t.all" | median)"
  rm -f "$t" "$t.all"
}
row() { local label=$1; shift; read -r w c < <(wall "$@"); printf '%-52s %8s %8s\n' "$label" "$w" "$c"; }

echo "machine: $(nproc) cores, $(uname -sr), $("${java[@]}" -version 2>&1 | head -1)"
s=$(now); "${java[@]}" -jar "$jar" db import "$loupe" --db "$db" | head -1; e=$(now)
printf 'db import (whole process): %.0f ms\n' "$(echo "($e - $s) * 1000" | bc -l)"
"${java[@]}" -jar "$jar" db list --db "$db" 2>&1 >/dev/null
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (timings are wall clock; cpu is immune to other load)"
printf '%-52s %8s %8s\n' "whole process, median of 5 (JVM start included)" "wall ms" "cpu ms"
row "shimscope --version (JVM start + CLI set-up)" --version
row "shimscope plan --apps '*' --workload bench" plan --db "$db" --apps '*' --workload bench
row "shimscope plan --apps '*' --workload both" plan --db "$db" --apps '*' --workload both
row "shimscope score --workload bench (11 OS lists)" score --db "$db" --workload bench
echo
printf '%-52s %8s %8s %8s %8s\n' "the command's own work (one fresh JVM each)" "cold ms" "cold cpu" "warm ms" "warm cpu"
inproc() { local label=$1; shift; printf '%-52s %s\n' "$label" "$("${java[@]}" -cp "$jar" "$here/bench/PlanScoreTiming.java" "$@")"; }
inproc "plan --apps '*' --workload bench" plan --db "$db" --apps '*' --workload bench
inproc "plan --apps '*' --workload suite" plan --db "$db" --apps '*' --workload suite
inproc "plan --apps '*' --workload both" plan --db "$db" --apps '*' --workload both
inproc "plan --apps '*' --workload bench --os unikraft" plan --db "$db" --apps '*' --workload bench --os unikraft
inproc "score --workload bench (11 OS lists)" score --db "$db" --apps '*' --workload bench
inproc "score --workload both (11 OS lists)" score --db "$db" --apps '*' --workload both
echo "cold: first call in a fresh JVM (class loading, no JIT yet); warm: median of 9 more; cpu: the calling thread's CPU time"
