#!/bin/bash
# The C compiler every recipe builds with: clang for x86_64-linux-musl against the musl of
# $SHIMSCOPE_MUSL (headers and the bitcode libc.a), with -flto so every object is LLVM bitcode.
# Compiling (-c, -S, -E) passes the build's own flags through (-g0 appended: the analysis needs
# no debug info). Linking is static against musl; an ordinary link produces a real executable
# (configure scripts run their test programs), but when the output's base name is one of
# $SHIMSCOPE_IR_TARGETS the link stops after LTO's symbol resolution and internalisation and
# writes the whole program as bitcode (lld's --plugin-opt=emit-llvm) to OUTPUT instead of an
# executable (no code generation: that is most of an LTO link's time), and the linker's --trace
# (every object and archive member linked) to OUTPUT.inputs.
# Environment: SHIMSCOPE_CLANG, SHIMSCOPE_MUSL, SHIMSCOPE_RTLIB (compiler-rt builtins archive),
# SHIMSCOPE_IR_TARGETS.
set -euo pipefail
clang=${SHIMSCOPE_CLANG:?} musl=${SHIMSCOPE_MUSL:?}
res=$("$clang" -print-resource-dir)
common=(--target=x86_64-linux-musl -flto -Wno-unused-command-line-argument -nostdinc -isystem "$musl/include" -isystem "$res/include")
link=1 out=a.out prev=
for a in "$@"; do
  case $a in
    -c|-S|-E|-M|-MM) link=0 ;;
    -shared|-r) echo "musl-clang: $a is not supported (programs are analysed as static executables)" >&2; exit 1 ;;
  esac
  [ "$prev" = -o ] && out=$a
  case $a in -o?*) out=${a#-o} ;; esac
  prev=$a
done
if [ $link = 0 ]; then
  exec "$clang" "${common[@]}" "$@" -g0
fi
# no argument at all that is an input: let clang report it
lib=(-fuse-ld=lld -nostdlib -static -L"$musl/lib" "$musl/lib/crt1.o" "$musl/lib/crti.o")
tail=(-Wl,--start-group -lc "${SHIMSCOPE_RTLIB:?}" -Wl,--end-group "$musl/lib/crtn.o")
name=$(basename "$out")
for t in ${SHIMSCOPE_IR_TARGETS:-}; do
  if [ "$name" = "$t" ]; then
    "$clang" "${common[@]}" "${lib[@]}" "$@" -g0 "${tail[@]}" -Wl,--plugin-opt=emit-llvm -Wl,--trace > "$out.inputs"
    # the trace names inputs as the link saw them: relative to this directory
    sed -i "s|^\([^/]\)|$PWD/\1|" "$out.inputs"
    exit 0
  fi
done
exec "$clang" "${common[@]}" "${lib[@]}" "$@" -g0 "${tail[@]}"
