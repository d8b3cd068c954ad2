#!/bin/bash
# Prepares nginx-tests, nginx's own test suite, once: $SHIMSCOPE_CACHE/nginx-tests/tree is a copy
# of the suite named by SHIMSCOPE_NGINX_TESTS (a directory: a clone of
# https://github.com/nginx/nginx-tests, or a tarball of one, e.g. its `git archive`). Quick when
# that suite is already prepared; without the variable, an already prepared suite is used.
set -euo pipefail
cache=${SHIMSCOPE_CACHE:?SHIMSCOPE_CACHE is not set}
dest=$cache/nginx-tests
src=${SHIMSCOPE_NGINX_TESTS:-}
how="set SHIMSCOPE_NGINX_TESTS to a clone of nginx-tests (git clone https://github.com/nginx/nginx-tests) or a tarball of one"
if [ -z "$src" ]; then
  [ -f "$dest/prepared" ] && exit 0
  echo "nginx-suite: nginx-tests is not prepared: $how" >&2
  exit 1
fi
[ -e "$src" ] || { echo "nginx-suite: SHIMSCOPE_NGINX_TESTS=$src does not exist: $how" >&2; exit 1; }
src=$(readlink -f "$src")
# what identifies the suite: the tarball's hash, or the hash of the directory's files
if [ -d "$src" ]; then
  id="dir $(cd "$src" && find . -name .git -prune -o -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)"
else
  id="tar $(sha256sum < "$src" | cut -c1-64)"
fi
[ -f "$dest/prepared" ] && [ "$(sed -n 2p "$dest/prepared")" = "$id" ] && exit 0
echo "nginx-suite: preparing nginx-tests from $src ..." >&2
mkdir -p "$cache"
work=$(mktemp -d "$cache/.nginx-tests-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/in"
if [ -d "$src" ]; then
  (cd "$src" && tar --exclude=.git -cf - .) | tar -xf - -C "$work/in"
else
  tar -xf "$src" -C "$work/in" || { echo "nginx-suite: cannot unpack $src: $how" >&2; exit 1; }
fi
# the tree is where lib/Test/Nginx.pm is: the top of the archive or its one directory
lib=$(find "$work/in" -maxdepth 4 -path '*/lib/Test/Nginx.pm' | head -n 1)
[ -n "$lib" ] || { echo "nginx-suite: $src holds no lib/Test/Nginx.pm: $how" >&2; exit 1; }
tree=${lib%/lib/Test/Nginx.pm}
ls "$tree"/*.t > /dev/null 2>&1 || { echo "nginx-suite: $src holds no .t files: $how" >&2; exit 1; }
rm -rf "$dest"
mkdir -p "$dest"
mv "$tree" "$dest/tree"
chmod -R a+rX "$dest/tree"
printf '%s\n%s\n%s\n' "$dest/tree" "$id" "$src" > "$dest/prepared"
echo "nginx-suite: ready: $dest/tree ($(ls "$dest/tree"/*.t | wc -l) test files)" >&2
