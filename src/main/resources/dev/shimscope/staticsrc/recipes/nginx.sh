#!/bin/bash
# app: nginx
# source: nginx
# version-of: nginx
# needs-source: pcre2 zlib
# program: objs/nginx
# binary: /usr/sbin/nginx
#
# nginx with Debian's configure arguments (debian/rules, the 'core' flavour) where they need no
# library outside the program; PCRE2 and zlib are built from Debian's sources by nginx's own
# build (--with-pcre=DIR, --with-zlib=DIR) with the same compiler. Left out, unlike Debian's
# package: the SSL modules (OpenSSL), and the dynamic modules (geoip, image_filter, perl, xslt,
# mail, stream), which nginx would dlopen.
set -euo pipefail
# -Wno-error: nginx adds -Werror for clang, and musl's CMSG_NXTHDR trips -Wsign-compare
./configure --with-cc=cc --with-cc-opt='-O2 -Wno-error' \
  --prefix=/usr/share/nginx --conf-path=/etc/nginx/nginx.conf --http-log-path=/var/log/nginx/access.log \
  --error-log-path=stderr --lock-path=/var/lock/nginx.lock --pid-path=/run/nginx.pid \
  --modules-path=/usr/lib/nginx/modules --http-client-body-temp-path=/var/lib/nginx/body \
  --http-fastcgi-temp-path=/var/lib/nginx/fastcgi --http-proxy-temp-path=/var/lib/nginx/proxy \
  --http-scgi-temp-path=/var/lib/nginx/scgi --http-uwsgi-temp-path=/var/lib/nginx/uwsgi \
  --with-compat --with-debug --with-pcre="$SRC_PCRE2" --with-pcre-jit --with-zlib="$SRC_ZLIB" \
  --with-http_stub_status_module --with-http_realip_module --with-http_auth_request_module \
  --with-http_v2_module --with-http_dav_module --with-http_slice_module --with-threads \
  --with-http_addition_module --with-http_flv_module --with-http_gunzip_module \
  --with-http_gzip_static_module --with-http_mp4_module --with-http_random_index_module \
  --with-http_secure_link_module --with-http_sub_module
make -j"$JOBS"
