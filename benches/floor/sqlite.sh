#!/usr/bin/env bash
# The SQLite floor under xAPI ingestion: builds benches/floor/sqlite_floor.c against the SQLite
# amalgamation the server bundles (libsqlite3-sys, from the cargo registry) and runs it on a copy
# of a database `cargo bench --bench xapi` left behind.
#
#   bash benches/floor/sqlite.sh $TMPDIR/learnwell-bench-<uuid>.db [BATCH] [COUNT] [statements|full|projected]
set -euo pipefail
source_db=$1
batch=${2:-100}
count=${3:-20000}
mode=${4:-projected}
here=$(cd "$(dirname "$0")" && pwd)
version=$(grep -A1 '^name = "libsqlite3-sys"' "$here/../../Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')
amalgamation=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/"libsqlite3-sys-$version"/sqlite3 | head -1)
work=${TMPDIR:-/tmp}/learnwell-sqlite-floor
mkdir -p "$work"
if [[ ! -x "$work/floor-$version" ]]; then
    gcc -O2 -w -I"$amalgamation" "$here/sqlite_floor.c" "$amalgamation/sqlite3.c" -lpthread -lm -ldl \
        -o "$work/floor-$version"
fi
rm -f "$work/copy.db" "$work/copy.db-wal" "$work/copy.db-shm"
"$work/floor-$version" "$source_db" "$work/copy.db" "$batch" "$count" "$mode"
rm -f "$work/copy.db" "$work/copy.db-wal" "$work/copy.db-shm"
