#!/bin/bash
# app: sqlite3
# source: sqlite3
# version-of: sqlite3
# needs-source: zlib
# packages: tcl
# program: sqlite3
# binary: /usr/bin/sqlite3
#
# The sqlite3 shell with the library built in, with Debian's CFLAGS (debian/rules: FTS3/4/5,
# RTREE, JSON, sessions, load_extension, threadsafe ...), and zlib (Debian's source, static: the
# shell's zipfile/sqlar support) as Debian links it. Left out, unlike Debian's package: readline
# (the shell's line editor; the benchmark reads its script from stdin). The build generates
# sources with tclsh, as Debian's does.
set -euo pipefail
export CFLAGS="-O2 -fno-strict-aliasing -DSQLITE_SECURE_DELETE -DSQLITE_ENABLE_COLUMN_METADATA \
 -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_RTREE=1 -DSQLITE_SOUNDEX=1 \
 -DSQLITE_ENABLE_UNLOCK_NOTIFY -DSQLITE_OMIT_LOOKASIDE=1 -DSQLITE_ENABLE_DBSTAT_VTAB \
 -DSQLITE_ALLOW_ROWID_IN_VIEW -DSQLITE_ENABLE_UPDATE_DELETE_LIMIT=1 -DSQLITE_ENABLE_LOAD_EXTENSION \
 -DSQLITE_ENABLE_JSON1 -DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_THREADSAFE=1 \
 -DSQLITE_ENABLE_FTS3_TOKENIZER=1 -DSQLITE_USE_URI=1 -DSQLITE_MAX_SCHEMA_RETRY=25 \
 -DSQLITE_ENABLE_PREUPDATE_HOOK -DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_STMTVTAB \
 -DSQLITE_MAX_VARIABLE_NUMBER=250000"
deps=$PWD/.deps
(cd "$SRC_ZLIB" && CC=cc AR=ar CFLAGS=-O2 ./configure --static --prefix="$deps" && make -j"$JOBS" libz.a && make install)
export CPPFLAGS="-I$deps/include" LDFLAGS="-L$deps/lib"
./configure --disable-shared --enable-static --enable-threadsafe --enable-load-extension --enable-json \
  --enable-fts4 --enable-fts5 --disable-readline --disable-editline --disable-tcl --disable-amalgamation \
  CC=cc AR=ar RANLIB=ranlib BCC=cc TCLSH_CMD=tclsh
# the generated headers first: some rules (ext/misc/stmt.c) do not depend on them
make sqlite3.h opcodes.h parse.h keywordhash.h
make -j"$JOBS" sqlite3
