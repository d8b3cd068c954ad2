#!/bin/sh
# memcached's client workload: load with verification (memcaslap), then every command of the
# ascii and binary protocols (memccapable). Both exit 1 on any failure, unlike memcslap.
set -e
server=127.0.0.1:11211
# 20000 operations (10 % sets, 90 % gets), 16 concurrent connections; 10 % of the gets verified
memcaslap -s "$server" -T 2 -c 16 -x 20000 -v 0.1
# memccapable -t: no operation may wait longer than 2 s
memccapable -h 127.0.0.1 -p 11211 -t 2
echo "memcached client: all checks passed"
