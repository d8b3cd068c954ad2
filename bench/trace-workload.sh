#!/usr/bin/env bash
# Runs one app's benchmark workload inside 'shimscope trace' (its sandbox: own loopback network,
# private /tmp), as the catalog's entry does (same configuration files and clients), so that
# bench/static-sources.sh can compare the traced set with the static ones:
#   shimscope trace --json -- bench/trace-workload.sh APP
# APP: redis, nginx, memcached, haproxy, sqlite3; redis-suite runs Redis's own test suite
# (catalog/redis/run-suite.sh; prepare it first with catalog/redis/prepare-suite.sh).
# PROGRAM=PATH runs that program instead of the installed one (e.g. the musl build of the IR
# that 'static --sources' analysed, made by bench/static-sources.sh compare).
set -uo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cat=$here/catalog
app=${1:?usage: trace-workload.sh APP}
# the sandbox gives a writable $SCRATCH (its /tmp may be read-only)
work=${SCRATCH:-$(mktemp -d)}
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; return 1; }
case $app in
  redis)
    "${PROGRAM:-redis-server}" --bind 127.0.0.1 --port 6379 --dir "$work" --save '' --appendonly no --daemonize no --logfile "$work/redis.log" &
    pid=$!; wait_port 6379 && redis-benchmark -h 127.0.0.1 -p 6379 -n 100 -c 30 -q
    kill -TERM $pid; wait $pid ;;
  redis-suite)
    SPEC_DIR=$cat/redis SCRATCH=$work bash "$cat/redis/run-suite.sh" | tail -n 3 ;;
  nginx)
    mkdir -p "$work/ng"
    "${PROGRAM:-nginx}" -p "$work/ng/" -c "$cat/nginx/nginx.conf" -e "$work/ng/error.log" &
    pid=$!; wait_port 8080 && (cd "$cat/nginx" && wrk -t 1 -c 2 -d 3s --timeout 10s -s paced.lua http://127.0.0.1:8080/)
    kill -QUIT $pid; wait $pid ;;
  haproxy)
    "${PROGRAM:-haproxy}" -db -f "$cat/haproxy/haproxy.cfg" &
    pid=$!; wait_port 8080 && (cd "$cat/haproxy" && wrk -t 1 -c 2 -d 3s --timeout 10s -s paced.lua http://127.0.0.1:8080/)
    kill -TERM $pid; wait $pid ;;
  memcached)
    "${PROGRAM:-memcached}" -l 127.0.0.1 -p 11211 -U 0 -m 64 -t 2 -u nobody &
    pid=$!; wait_port 11211 && bash "$cat/memcached/client.sh"
    kill -TERM $pid; wait $pid ;;
  sqlite3)
    cd "$work" && "${PROGRAM:-/usr/bin/sqlite3}" -batch -init /dev/null workload.db < "$cat/sqlite3/workload.sql" | tail -n 2 ;;
  *) echo "trace-workload.sh: no workload for '$app'" >&2; exit 2 ;;
esac
