"""One row of bench/static-sources.sh compare's table.

Usage: static-sources-table.py GLIBC_SET MUSL_SET BIN_CSV SRC_CSV APP ENTRY
A *_SET file has "NUMBER NAME" lines (bench/TracedSet.java): the syscalls the app's executable
made under the catalog entry, as Debian's binary and as the musl build of the analysed IR.
"""
import sys

glibc_set, musl_set, bin_csv, src_csv, app, entry = sys.argv[1:]


def csv_set(path):
    return {int(line.split(',')[0]) for line in open(path) if line.strip().endswith(',Y')}


def traced(path):
    return {int(n): name for n, name in (line.split() for line in open(path) if line.strip())}


glibc, musl = traced(glibc_set), traced(musl_set)


def verdict(set_path):
    # "redis/benchmark-redis-benchmark run 1: PASS in 5219 ms; ..." -> "" or " (FAIL: test timed out)"
    line = open(set_path + '.status').read().strip()
    if ': PASS' in line:
        return ''
    return ' (' + line.split(': ', 1)[-1].split(';')[0] + ')'

b, s = csv_set(bin_csv), csv_set(src_csv)


def miss(t, st):
    return ', '.join(t[n] for n in sorted(set(t) - st)) or 'none'


print(f"| {app} | {entry} | {len(b)} | {len(s)} | {len(glibc)}{verdict(glibc_set)} | {len(musl)}{verdict(musl_set)} | "
      f"{miss(glibc, s)} | {miss(musl, s)} | {miss(glibc, b)} |")
