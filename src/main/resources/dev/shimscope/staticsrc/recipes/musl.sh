#!/bin/bash
# source: musl
# version-of: musl
# packages: linux-libc-dev
#
# musl, built as the C library every application is linked against.
# Input: SRC (Debian's musl source tree, a private copy), PREFIX (where to install), JOBS,
# CLANG, LLVM_AR, LLVM_RANLIB. Result: PREFIX/{include,lib} with lib/libc.a whose C members are
# LLVM bitcode (-flto) and whose assembler members (x86_64 *.s: syscall_cp, clone, vfork,
# __restore_rt, __set_thread_area, __unmapself, string and math routines) are native objects,
# as in any musl build; crt1.o (C) is bitcode, crti.o/crtn.o native.
# Debian's patches are applied by apt-get source; musl's own configure and Makefile are used
# as they are, static only (an application is analysed as one static program).
set -euo pipefail
cd "$SRC"
./configure --prefix="$PREFIX" --target=x86_64-linux-musl --disable-shared \
  CC="$CLANG --target=x86_64-linux-musl" CFLAGS="-flto -g0" AR="$LLVM_AR" RANLIB="$LLVM_RANLIB"
make -j"$JOBS"
make install
# the kernel's UAPI headers (Debian's linux-libc-dev) beside musl's, as Debian's musl-dev links
# them: programs include <linux/...> and <asm/...>, which no C library ships
for d in linux asm-generic mtd rdma sound video xen drm misc scsi; do
  [ -d "/usr/include/$d" ] && ln -sfn "/usr/include/$d" "$PREFIX/include/$d"
done
ln -sfn /usr/include/x86_64-linux-gnu/asm "$PREFIX/include/asm"
