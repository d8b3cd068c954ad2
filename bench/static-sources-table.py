"""One row of bench/static-sources.sh compare's table, from two traces and two static CSVs.

Usage: static-sources-table.py GLIBC_TRACE MUSL_TRACE BINARY EXE BIN_CSV SRC_CSV APP WORKLOAD
A trace is 'shimscope trace --json' output; only the syscalls the app's own executable made
count (BINARY in the Debian run, EXE in the musl run). MUSL_TRACE equal to GLIBC_TRACE means the
workload ran the Debian binary only.
"""
import filecmp
import json
import sys

glibc_trace, musl_trace, binary, exe, bin_csv, src_csv, app, workload = sys.argv[1:]


def csv_set(path):
    return {int(line.split(',')[0]) for line in open(path) if line.strip().endswith(',Y')}


def traced(path, program):
    d = json.load(open(path))
    if d['run'].get('exitCode') != 0:
        sys.exit(f"{workload}: the traced run failed: {d['run'].get('stderrTail', '')[-300:]}")
    return {s['number']: s['name'] for s in d['syscalls'] if program in s['executables']}


glibc = traced(glibc_trace, binary)
musl = None if filecmp.cmp(glibc_trace, musl_trace, shallow=False) else traced(musl_trace, exe)
b, s = csv_set(bin_csv), csv_set(src_csv)


def miss(t, st):
    return ', '.join(t[n] for n in sorted(set(t) - st)) or 'none'


print(f"| {app} | {workload} | {len(b)} | {len(s)} | {len(glibc)} | {len(musl) if musl is not None else '-'} | "
      f"{miss(glibc, s)} | {miss(musl, s) if musl is not None else '-'} | {miss(glibc, b)} |")
