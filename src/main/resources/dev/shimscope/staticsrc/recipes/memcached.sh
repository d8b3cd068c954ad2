#!/bin/bash
# app: memcached
# source: memcached
# version-of: memcached
# needs-source: libevent
# packages: autoconf automake libtool
# program: memcached
# binary: /usr/bin/memcached
#
# memcached with libevent (Debian's libevent source, static, the same compiler) in the one
# program. Left out, unlike Debian's package: SASL (--enable-sasl) and TLS (--enable-tls), which
# need libsasl2 and OpenSSL built from source too. Both trees are autoreconf'd first, as Debian's
# dh does (Debian's patches touch configure.ac and Makefile.am).
set -euo pipefail
deps=$PWD/.deps
(cd "$SRC_LIBEVENT" && autoreconf -fi && ./configure --prefix="$deps" --disable-shared --enable-static --disable-openssl \
   --disable-samples --disable-libevent-regress --disable-debug-mode CC=cc AR=ar RANLIB=ranlib \
 && make -j"$JOBS" && make install)
autoreconf -fi
./configure --with-libevent="$deps" --disable-sasl --disable-tls --disable-docs CC=cc AR=ar RANLIB=ranlib \
  CFLAGS="-O2"
make -j"$JOBS" memcached
