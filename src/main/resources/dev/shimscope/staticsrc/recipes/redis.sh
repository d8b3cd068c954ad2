#!/bin/bash
# app: redis
# source: redis
# version-of: redis-server
# program: src/redis-server
# binary: /usr/bin/redis-server
#
# redis-server with the allocator and libraries Redis bundles in deps/ (jemalloc, Lua, hiredis,
# hdr_histogram), all built with the same compiler into the one program. Left out, unlike
# Debian's package: TLS (BUILD_TLS, OpenSSL would have to be built from source too) and systemd
# notification (USE_SYSTEMD). Debian links its jemalloc package, whose functions have no prefix
# (malloc, free, nallocx ...), and its patches to Redis expect that: the bundled jemalloc is
# configured the same way (an empty --with-jemalloc-prefix), so it replaces musl's malloc as the
# system jemalloc replaces glibc's.
set -euo pipefail
make -C src -j"$JOBS" V=1 CC=cc AR=ar RANLIB=ranlib OPTIMIZATION=-O2 \
  MALLOC=jemalloc BUILD_TLS=no USE_SYSTEMD=no USE_SYSTEM_JEMALLOC=no \
  JEMALLOC_CONFIGURE_OPTS=--with-jemalloc-prefix= redis-server
