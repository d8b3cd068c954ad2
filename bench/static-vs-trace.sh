#!/usr/bin/env bash
# The soundness table of docs/static-analysis.md: for each binary, 'shimscope static' (the
# function-level set, with the presets) against what strace sees while the binary runs a small
# real workload. The traced set counts only processes running the binary itself (a child that
# execs something else stops counting). Prints one markdown row per binary:
#   | binary | kind | static | traced | misses |
# where a miss is a traced syscall missing from the static set; the launch's execve (made by
# strace before the program runs) and restart_syscall (made by the kernel) are shown apart.
# Usage: bench/static-vs-trace.sh [NAME...]   (default: every row; names as in the first column)
#   SHIMSCOPE=/path/to/bin/shimscope bench/static-vs-trace.sh   compares another build (e.g. an older one)
# Needs: strace, gcc, g++, musl-gcc, and the Debian packages of the binaries:
#   apt-get install -y shfmt age fzf nodejs curl git openssl ripgrep fd-find busybox-static g++
#   (tools/install-deps.sh test installs the compilers, not these: the tests do not need them).
# aarch64 rows follow when qemu-user is installed and apt can download arm64 packages
# (dpkg --add-architecture arm64 && apt-get update): Debian's arm64 shfmt, age, coreutils and busybox-static
# unpacked into a sysroot, and the arm64_sites.c fixture built with gcc-aarch64-linux-gnu; those
# are traced with qemu-aarch64 -strace (the guest's syscalls, not qemu's own).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SHIMSCOPE_CACHE=$work/cache
shimscope=${SHIMSCOPE:-$here/bin/shimscope}
"$shimscope" --version >/dev/null
src=$here/src/test/c
cd "$work"

# fixtures and inputs
gcc -O1 -static -o static_sites-static "$src/static_sites.c"
gcc -O1 -static-pie -o static_sites-static-pie "$src/static_sites.c"
musl-gcc -O1 -static -o static_sites-musl-static "$src/static_sites.c"
musl-gcc -O1 -o static_sites-musl-dynamic "$src/static_sites.c"
g++ -O1 -pthread -o threads "$src/threads.cpp"
printf 'a=1;  b=2\nif true; then echo x; fi\n' > in.sh
seq 1 2000 > lines.txt
echo hello > plain.txt
mkdir -p tree/a/b && touch tree/a/x.txt tree/a/b/y.rs
age-keygen -o key.txt 2>/dev/null
age-keygen -y key.txt > recipient.txt

# name | binary | static options | workload commands (';;' between runs, run without a shell)
rows=$(cat <<'ROWS'
shfmt (Go)|/usr/bin/shfmt||/usr/bin/shfmt -d in.sh;;/usr/bin/shfmt -l -w in.sh;;/usr/bin/shfmt --version
age-keygen (Go)|/usr/bin/age-keygen||/usr/bin/age-keygen -o key2.txt;;/usr/bin/age-keygen -y key.txt
age (Go, cgo)|/usr/bin/age||/usr/bin/age -R recipient.txt -o enc.age plain.txt;;/usr/bin/age -d -i key.txt -o dec.txt enc.age
fzf (Go, cgo)|/usr/bin/fzf||/usr/bin/fzf --filter 12 <lines.txt;;/usr/bin/fzf --version
musl dynamic (fixture)|./static_sites-musl-dynamic||./static_sites-musl-dynamic;;./static_sites-musl-dynamic x
node|/usr/bin/node||/usr/bin/node -e require("fs").writeFileSync("n.txt","x");console.log(require("os").cpus().length,require("crypto").randomBytes(4).toString("hex"))
python3 (lib-dynload preset)|/usr/bin/python3.11||/usr/bin/python3.11 -c import mmap,tempfile,json,hashlib;f=tempfile.TemporaryFile();f.write(b"x"*4096);f.flush();m=mmap.mmap(f.fileno(),4096);m[0:1]=b"y";m.flush();print(json.dumps([hashlib.sha256(b"x").hexdigest()]))
python3 (--no-presets)|/usr/bin/python3.11|--no-presets|/usr/bin/python3.11 -c import mmap,tempfile,json,hashlib;f=tempfile.TemporaryFile();f.write(b"x"*4096);f.flush();m=mmap.mmap(f.fileno(),4096);m[0:1]=b"y";m.flush();print(json.dumps([hashlib.sha256(b"x").hexdigest()]))
curl|/usr/bin/curl||/usr/bin/curl -s -o out.txt file:///etc/hostname;;/usr/bin/curl --version
git|/usr/bin/git||/usr/bin/git init -q repo;;/usr/bin/git -C repo status --short;;/usr/bin/git --version
bash|/usr/bin/bash||/usr/bin/bash -c for i in 1 2 3; do echo $i; done > b.txt; read l < b.txt; echo $l
coreutils ls|/usr/bin/ls||/usr/bin/ls -la /etc;;/usr/bin/ls -R tree
coreutils sort|/usr/bin/sort||/usr/bin/sort -r -o sorted.txt lines.txt
openssl|/usr/bin/openssl||/usr/bin/openssl sha256 plain.txt;;/usr/bin/openssl rand -hex 8;;/usr/bin/openssl version
ripgrep (Rust)|/usr/bin/rg||/usr/bin/rg -n root /etc/passwd;;/usr/bin/rg --files tree
fd-find (Rust)|/usr/bin/fdfind||/usr/bin/fdfind -t f . tree
busybox-static|/bin/busybox||/bin/busybox ls -l /etc;;/bin/busybox sh -c echo hi > bb.txt;;/bin/busybox sha256sum plain.txt
gcc -static (fixture)|./static_sites-static||./static_sites-static
gcc -static-pie (fixture)|./static_sites-static-pie||./static_sites-static-pie
musl -static (fixture)|./static_sites-musl-static||./static_sites-musl-static
C++ with threads (fixture)|./threads||./threads cpp.txt
ROWS
)

# traced syscalls of the processes running BINARY (by the execve each process made last)
traced() {
  python3 - "$1" "$2" <<'PY'
import re, sys, os
log, binary = sys.argv[1], os.path.realpath(sys.argv[2])
exe = {}          # pid -> binary it runs
first = None
names = set()
call = re.compile(r'^(\d+)\s+(?:<\.\.\. )?([a-z0-9_]+)[( ]')
for line in open(log, errors='replace'):
    m = call.match(line)
    if not m:
        continue
    pid, name = m.group(1), m.group(2)
    if first is None:
        first = pid
        exe[pid] = binary
    if name == 'execve' and line.rstrip().endswith('= 0'):
        path = re.match(r'^\d+\s+execve\("([^"]*)"', line)
        if path:
            exe[pid] = os.path.realpath(path.group(1))
    if name in ('clone', 'clone3', 'fork', 'vfork'):
        r = re.search(r'= (\d+)$', line.rstrip())
        if r:
            exe[r.group(1)] = exe.get(pid)
    if exe.get(pid, binary if pid == first else None) == binary:
        names.add(name)
print(' '.join(sorted(names)))
PY
}

# the python cell: misses, with the launch's execve and restart_syscall shown apart
row() {
  python3 - "$1" static.json all.traced <<'PY'
import json, sys
name, sj, tr = sys.argv[1:]
d = json.load(open(sj))
static = set(d['syscallNames'])
traced = set(x for x in open(tr).read().split() if x)
b = d['result']['binary']
kind = b['kind'] + (', ' + b['go'] + (' cgo' if b['cgo'] else '') if b.get('go') else '')
if b['arch'] != 'x86_64':
    kind = b['arch'] + ' ' + kind
miss = sorted(traced - static)
aside = [m for m in miss if m in ('execve', 'restart_syscall')]
real = [m for m in miss if m not in aside]
cell = (', '.join(real) if real else '0') + (' (and execve: the launch)' if 'execve' in aside else '') \
    + (' (restart_syscall: kernel-only)' if 'restart_syscall' in aside else '')
print(f"| {name} | {kind} | {len(static)} | {len(traced)} | {cell} |")
PY
}

echo "| binary | kind | static | traced | misses |"
echo "|---|---|---|---|---|"
while IFS='|' read -r name binary opts cmds; do
  if [ $# -gt 0 ]; then
    keep=0; for want in "$@"; do [ "$name" = "$want" ] && keep=1; done
    [ $keep = 1 ] || continue
  fi
  # shellcheck disable=SC2086
  if ! "$shimscope" static --json $opts "$binary" > static.json 2> static.err; then
    echo "| $name | - | error: $(head -c 120 static.err) | | |"
    continue
  fi
  : > all.traced
  IFS=$'\n' read -r -d '' -a runs < <(printf '%s' "$cmds" | sed 's/;;/\n/g'; printf '\0') || true
  for run in "${runs[@]}"; do
    input=/dev/null
    if [[ "$run" =~ \ \<([^\ ]+)$ ]]; then input=${BASH_REMATCH[1]}; run=${run% <*}; fi
    # the first word is the program; for -c/-e the rest of the line is one argument
    prog=${run%% *}; rest=${run#* }
    if [[ "$rest" == "-c "* || "$rest" == "-e "* ]]; then args=("${rest%% *}" "${rest#* }"); else read -r -a args <<<"$rest"; fi
    [ "$rest" = "$run" ] && args=()
    strace -f -qq -o trace.log "$prog" "${args[@]}" <"$input" >/dev/null 2>&1 || true
    traced trace.log "$binary" | tr ' ' '\n' >> all.traced
  done
  row "$name"
done <<<"$rows"

# aarch64: Debian arm64 packages in a sysroot, traced with qemu-aarch64
if command -v qemu-aarch64 >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null && mkdir -p arm64/debs \
    && (cd arm64/debs && apt-get download -qq busybox-static:arm64 libc6:arm64 coreutils:arm64 libselinux1:arm64 \
        libpcre2-8-0:arm64 libacl1:arm64 libattr1:arm64 libgmp10:arm64 libssl3:arm64 libcap2:arm64 shfmt:arm64 \
        age:arm64 >/dev/null 2>&1); then
  for d in arm64/debs/*.deb; do dpkg -x "$d" arm64/root; done
  aarch64-linux-gnu-gcc -O1 -static -o arm64_sites-static "$src/arm64_sites.c"
  aarch64-linux-gnu-gcc -O1 -o arm64_sites "$src/arm64_sites.c"
  arows=$(cat <<'ROWS'
shfmt (Debian arm64, Go)|arm64/root/usr/bin/shfmt||arm64/root/usr/bin/shfmt -d in.sh;;arm64/root/usr/bin/shfmt -l -w in.sh
age-keygen (Debian arm64, Go)|arm64/root/usr/bin/age-keygen|--sysroot arm64/root|arm64/root/usr/bin/age-keygen -o key64.txt
ls (Debian arm64 coreutils)|arm64/root/bin/ls|--sysroot arm64/root|arm64/root/bin/ls -la tree/a;;arm64/root/bin/ls -R tree
sort (Debian arm64 coreutils)|arm64/root/usr/bin/sort|--sysroot arm64/root|arm64/root/usr/bin/sort -r -o sorted64.txt lines.txt
busybox-static (Debian arm64)|arm64/root/bin/busybox||arm64/root/bin/busybox ls -l /etc;;arm64/root/bin/busybox sha256sum plain.txt
arm64_sites.c, -static (cross gcc)|./arm64_sites-static||./arm64_sites-static
arm64_sites.c, dynamic (cross gcc, cross libc as sysroot)|./arm64_sites|--sysroot /usr/aarch64-linux-gnu|./arm64_sites
ROWS
)
  while IFS='|' read -r name binary opts cmds; do
    if [ $# -gt 0 ]; then
      keep=0; for want in "$@"; do [ "$name" = "$want" ] && keep=1; done
      [ $keep = 1 ] || continue
    fi
    # shellcheck disable=SC2086
    "$shimscope" static --json $opts "$binary" > static.json 2> static.err || { echo "| $name | - | error: $(head -c 120 static.err) | | |"; continue; }
    root=arm64/root
    [[ "$opts" == *aarch64-linux-gnu* ]] && root=/usr/aarch64-linux-gnu
    : > all.traced
    IFS=$'\n' read -r -d '' -a runs < <(printf '%s' "$cmds" | sed 's/;;/\n/g'; printf '\0') || true
    for run in "${runs[@]}"; do
      read -r -a words <<<"$run"
      qemu-aarch64 -L "$root" -strace -D qemu.log "${words[@]}" </dev/null >/dev/null 2>&1 || true
      grep -oE '^[0-9]+ [a-z_0-9]+\(' qemu.log | sed -E 's/^[0-9]+ //; s/\($//' | sort -u >> all.traced
    done
    row "$name"
  done <<<"$arows"
else
  echo "| aarch64 rows | skipped: need qemu-user, gcc-aarch64-linux-gnu and arm64 packages (dpkg --add-architecture arm64 && apt-get update) | | | |"
fi
