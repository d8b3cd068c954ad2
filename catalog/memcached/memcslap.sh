#!/bin/bash
# memcslap: load 5000 keys, then 20000 gets from 4 connections against the 2-thread server.
# memcslap exits 0 even when the server is gone, so the server's own counters are checked after
# it: every key must be stored and every get must have hit.
set -u
memcslap --servers=127.0.0.1:11211 --concurrency=4 --execute-number=5000 --initial-load=5000 --test=get || exit 1
exec 3<>/dev/tcp/127.0.0.1/11211 || { echo "stats: cannot connect"; exit 1; }
printf 'stats\r\nquit\r\n' >&3
stats=$(tr -d '\r' <&3)
items=$(sed -n 's/^STAT curr_items //p' <<< "$stats")
hits=$(sed -n 's/^STAT get_hits //p' <<< "$stats")
echo "server: curr_items $items get_hits $hits"
[ "${items:-0}" = 5000 ] && [ "${hits:-0}" -ge 20000 ] && echo "all checks passed"
