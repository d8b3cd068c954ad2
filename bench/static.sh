#!/usr/bin/env bash
# Times 'shimscope static --csv out.csv BINARY' (default /usr/bin/redis-server with its libraries):
#   cold  = empty analysis cache (a fresh $SHIMSCOPE_CACHE per run); with --drop-caches (root)
#           the kernel page cache is dropped before each cold run too, so every file is read from disk
#   warm  = every library already in the cache
# Prints each run (wall and CPU seconds: the machine may be shared, CPU time is the steadier figure)
# and min / median / max of the wall times. Usage:
#   bench/static.sh [--runs N] [--drop-caches] [BINARY]
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
runs=5
drop=0
binary=/usr/bin/redis-server
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --drop-caches) drop=1; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) binary=$1; shift ;;
  esac
done
[ -e "$binary" ] || { echo "bench/static.sh: no such file: $binary" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/static.sh: needs GNU time: apt-get install -y time" >&2; exit 1; }
if [ "$drop" = 1 ] && [ ! -w /proc/sys/vm/drop_caches ]; then
  echo "bench/static.sh: --drop-caches needs root (writes /proc/sys/vm/drop_caches)" >&2; exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/bin/shimscope" --version >/dev/null   # build the jar once, outside the timings

now() { date +%s%N; }
# runs shimscope under GNU time; prints "user+sys" CPU seconds
cpu_of() { /usr/bin/time -f '%U %S' -o "$work/time" "$@" >/dev/null && awk '{print $1 + $2}' "$work/time"; }
stats() { sort -n | awk '{a[NR]=$1} END {printf "min %.2f s  median %.2f s  max %.2f s  (%d runs)\n", a[1]/1e9, a[int((NR+1)/2)]/1e9, a[NR]/1e9, NR}'; }

echo "binary: $binary ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
cold=()
for i in $(seq "$runs"); do
  export SHIMSCOPE_CACHE=$work/cold-$i
  if [ "$drop" = 1 ]; then sync; echo 3 > /proc/sys/vm/drop_caches; fi
  t0=$(now); cpu=$(cpu_of "$here/bin/shimscope" static --csv "$work/out.csv" "$binary"); t1=$(now)
  cold+=($((t1 - t0)))
  printf 'cold run %d: %.2f s wall, %.2f s CPU\n' "$i" "$(awk "BEGIN {print $((t1 - t0)) / 1e9}")" "$cpu"
done
export SHIMSCOPE_CACHE=$work/warm
"$here/bin/shimscope" static --csv "$work/out.csv" "$binary" >/dev/null
warm=()
for i in $(seq "$runs"); do
  t0=$(now); cpu=$(cpu_of "$here/bin/shimscope" static --csv "$work/out.csv" "$binary"); t1=$(now)
  warm+=($((t1 - t0)))
  printf 'warm run %d: %.2f s wall, %.2f s CPU\n' "$i" "$(awk "BEGIN {print $((t1 - t0)) / 1e9}")" "$cpu"
done
printf 'cold: '; printf '%s\n' "${cold[@]}" | stats
printf 'warm: '; printf '%s\n' "${warm[@]}" | stats
echo "syscalls in $binary's set: $(grep -c ',Y$' "$work/out.csv")"
