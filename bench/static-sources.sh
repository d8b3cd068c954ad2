#!/usr/bin/env bash
# Source-level static analysis of the study's five apps: timing, and the comparison table.
#   bench/static-sources.sh time [--runs N] [APP...]
#       cold = the app's cached IR removed (sources and musl stay: they are shared), so the run
#              builds the app from its Debian source and analyses it; warm = the cached IR only.
#       Each run is 'shimscope static --sources APP --csv ... --db TMP' (a throw-away store);
#       prints wall and CPU seconds (the machine may be shared: CPU time is the steadier figure).
#   bench/static-sources.sh musl
#       time of a cold musl build alone (its cached build removed first).
#   bench/static-sources.sh compare [APP...]
#       per app: binary level ('shimscope static BINARY'), source level, the traced set of the
#       installed (glibc, gcc) program under its catalog entry ('shimscope run ENTRY --trace';
#       redis also redis-suite, its own test suite), the traced set of the musl program made
#       from the very IR that was analysed (clang -O2 of program.ll, linked statically with the
#       same musl) under the same entry ('--replace BINARY=EXE' mounts it over the installed
#       one), and which traced syscalls each static set misses. Only the app's own executable
#       counts (bench/TracedSet.java reads the kept strace log).
# APP defaults to: redis nginx memcached sqlite3 haproxy.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
mode=${1:-}
[ -n "$mode" ] && shift
runs=1
apps=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) apps+=("$1"); shift ;;
  esac
done
[ ${#apps[@]} -eq 0 ] && apps=(redis nginx memcached sqlite3 haproxy)
[ -x /usr/bin/time ] || { echo "bench/static-sources.sh: needs GNU time: apt-get install -y time" >&2; exit 1; }
cache=${SHIMSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/shimscope}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$here/bin/shimscope" --version > /dev/null   # build the jar once, outside the timings
recipe_field() { sed -n "s/^# $2: //p" "$here/src/main/resources/dev/shimscope/staticsrc/recipes/$1.sh"; }

timed() { # timed LABEL CMD...: one line "LABEL wall W s, cpu C s"
  local label=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" > "$work/out" 2> "$work/err" \
    || { echo "$label: failed:"; tail -n 5 "$work/err"; return 1; }
  read -r wall user sys < "$work/time"
  printf '%-28s wall %7.1f s   cpu %7.1f s\n' "$label" "$wall" "$(echo "$user + $sys" | bc)"
}

case $mode in
  time)
    for app in "${apps[@]}"; do
      for ((i = 1; i <= runs; i++)); do
        rm -rf "$cache/sources/ir/$app"
        timed "$app cold (build + analysis)" "$here/bin/shimscope" static --sources "$app" --csv "$work/$app.csv" --db "$work/db"
        timed "$app warm (cached IR)" "$here/bin/shimscope" static --sources "$app" --csv "$work/$app.csv" --db "$work/db"
      done
      echo "$app: $(grep -c ',Y$' "$work/$app.csv") syscalls"
    done ;;
  musl)
    rm -rf "$cache/sources/musl"
    # the smallest app build still builds musl first; time only that part from the log's stamps
    rm -rf "$cache/sources/ir/sqlite3"
    start=$(date +%s.%N)
    "$here/bin/shimscope" static --sources sqlite3 --db "$work/db" > /dev/null 2> "$work/err" &
    pid=$!
    until ls "$cache"/sources/musl/*/complete > /dev/null 2>&1; do sleep 0.2; kill -0 $pid 2>/dev/null || break; done
    printf 'musl cold build: wall %.1f s\n' "$(echo "$(date +%s.%N) - $start" | bc)"
    wait $pid ;;
  compare)
    printf '| app | workload | binary level | source level | traced, Debian binary | traced, musl build of the IR | source-level misses (Debian binary) | source-level misses (musl build) | binary-level misses |\n|---|---|---|---|---|---|---|---|---|\n'
    jvm=("${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED)
    java=("${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java" -cp "$here/target/shimscope.jar")
    # traced ENTRY [--replace BINARY=EXE]: the entry's run under 'run --trace --keep'; prints the
    # kept strace log. A run that fails (a suite timing out under strace) still counts what it
    # traced, and its verdict line is kept in $work/status for the table.
    traced() {
      local out
      # HOME=/tmp: a directory the sandbox lets clients write (memcaslap writes ~/.memslap.cnf)
      out=$(HOME=/tmp SHIMSCOPE_CACHE=$cache "${jvm[@]}" -jar "$here/target/shimscope.jar" run "$@" --trace --keep 2>&1) || true
      grep -m1 ' run 1: ' <<< "$out" > "$work/status" || echo "$out" | tail -n 3 > "$work/status"
      local dir
      dir=$(sed -n 's/^runs kept in \([^ ]*\) .*/\1/p' <<< "$out")
      [ -n "$dir" ] || { cat "$work/status" >&2; return 1; }
      echo "$dir/run-1/out/strace.log"
    }
    for app in "${apps[@]}"; do
      binary=$(recipe_field "$app" binary)
      "$here/bin/shimscope" static --csv "$work/$app-bin.csv" "$binary" > /dev/null
      "$here/bin/shimscope" static --sources "$app" --json --csv "$work/$app-src.csv" --db "$work/db" > "$work/$app-src.json" 2> /dev/null
      read -r ir musl < <(python3 -c 'import json,sys; b=json.load(open(sys.argv[1]))["build"]; print(b["ir"], b["musl_prefix"])' "$work/$app-src.json")
      # the analysed program itself, as an executable: the IR compiled whole, linked with the same musl
      exe=$cache/sources/bench/$app/$(basename "$binary")
      mkdir -p "$(dirname "$exe")"
      if [ ! -x "$exe" ] || [ "$ir" -nt "$exe" ]; then
        clang-16 --target=x86_64-linux-musl -O2 -c -x ir "$ir" -o "$exe.o"
        clang-16 --target=x86_64-linux-musl -fuse-ld=lld -nostdlib -static "$exe.o" "$musl/lib/crti.o" "$musl/lib/libc.a" \
          /usr/lib/llvm-16/lib/clang/16/lib/linux/libclang_rt.builtins-x86_64.a "$musl/lib/crtn.o" -o "$exe"
        rm -f "$exe.o"
      fi
      entries=("$app")
      [ "$app" = redis ] && entries+=(redis-suite)
      for entry in "${entries[@]}"; do
        # the catalog entry as it is, then with the musl build mounted over the installed binary
        log=$(traced "$entry")
        "${java[@]}" "$here/bench/TracedSet.java" "$log" "$(basename "$binary")" > "$work/$entry.glibc"
        cp "$work/status" "$work/$entry.glibc.status"
        rm -rf "$(dirname "$(dirname "$(dirname "$log")")")"
        log=$(traced "$entry" --replace "$binary=$exe")
        "${java[@]}" "$here/bench/TracedSet.java" "$log" "$(basename "$binary")" > "$work/$entry.musl"
        cp "$work/status" "$work/$entry.musl.status"
        rm -rf "$(dirname "$(dirname "$(dirname "$log")")")"
        python3 "$here/bench/static-sources-table.py" "$work/$entry.glibc" "$work/$entry.musl" \
          "$work/$app-bin.csv" "$work/$app-src.csv" "$app" "$entry"
      done
    done ;;
  *) sed -n '2,17p' "$0"; exit 2 ;;
esac
