#!/usr/bin/env bash
# Installs the Debian packages shimscope needs: as root it runs apt-get; otherwise it prints
# the exact command and fails if something is missing.
#   tools/install-deps.sh run     what 'shimscope' itself needs (sandbox, tracer, catalog apps)
#   tools/install-deps.sh test    the above plus compilers and browsers used by the tests
set -euo pipefail
what=${1:-run}
run_pkgs="bubblewrap strace perl-base time binutils maven libcapstone4
  redis-server redis-tools nginx memcached libmemcached-tools haproxy wrk sqlite3 python3 iperf3"
test_pkgs="perl gcc libc6-dev musl-tools chromium dpkg-dev tcl libcap2-bin libpython3.11-testsuite golang-go gcc-aarch64-linux-gnu libc6-dev-arm64-cross clang-16 lld-16 llvm-16 libclang-rt-16-dev make tcl-dev zlib1g-dev libpcre2-dev socat openssl sasl2-bin libsasl2-modules libio-socket-ssl-perl libnet-ssleay-perl libfcgi-perl libscgi-perl libprotocol-websocket-perl libgd-perl libnginx-mod-http-geoip libnginx-mod-http-image-filter libnginx-mod-http-perl libnginx-mod-http-xslt-filter libnginx-mod-mail libnginx-mod-stream libnginx-mod-stream-geoip slurm-wlm munge"
pkgs=$run_pkgs
[ "$what" = test ] && pkgs="$run_pkgs $test_pkgs"
missing=()
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "shimscope: missing Debian packages; run: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "shimscope: installing ${missing[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
# apt starts no services on this kind of machine; policy-rc.d keeps it that way elsewhere too
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
  trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
