#!/bin/bash
# app: haproxy
# source: haproxy
# version-of: haproxy
# program: haproxy
# binary: /usr/sbin/haproxy
#
# haproxy with its own Makefile's musl target and the features Debian enables that need no
# library outside the program (epoll, accept4, splice, TPROXY, namespaces, thread support, CPU
# affinity, the bundled libslz, the Prometheus exporter). Left out, unlike Debian's package:
# OpenSSL, Lua, PCRE2, systemd and libcrypt.
set -euo pipefail
make -j"$JOBS" V=1 TARGET=linux-musl CC=cc AR=ar CPU_CFLAGS= OPT_CFLAGS=-O2 DEBUG_CFLAGS= \
  USE_OPENSSL= USE_LUA= USE_PCRE2= USE_PCRE2_JIT= USE_SYSTEMD= USE_LIBCRYPT= USE_CRYPT_H= \
  USE_SLZ=1 USE_NS=1 USE_PROMEX=1 USE_TFO=1 USE_LINUX_TPROXY=1 USE_LINUX_SPLICE=1 USE_ACCEPT4=1 \
  USE_CPU_AFFINITY=1 USE_THREAD=1 USE_PRCTL=1 USE_POLL=1 USE_EPOLL=1 USE_BACKTRACE= USE_DL=
