#!/usr/bin/env bash
# The PostgreSQL floor under xAPI ingestion: on a copy of a database `cargo bench --bench xapi
# -- --database-url ...` left behind (lw_bench_<uuid>), 4 sessions store batches of statements
# (benches/floor/postgres.sql) while one projects them, as the server's senders and projector
# do. Prints the rate at which the batches were stored and the rate to the end of the projection.
#
#   bash benches/floor/postgres.sh lw_bench_<uuid> [BATCH] [COUNT] [postgres://postgres@127.0.0.1:5432]
set -euo pipefail
source_db=$1
batch=${2:-100}
count=${3:-40000}
server=${4:-postgres://postgres@127.0.0.1:5432}
senders=4
projectors=${FLOOR_PROJECTORS:-1}
here=$(cd "$(dirname "$0")" && pwd)
copy="${source_db}_floor"
work=$(mktemp -d)
export PGOPTIONS="-c client_min_messages=warning ${PGOPTIONS:-}"
trap 'psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $copy" >/dev/null; rm -rf "$work"' EXIT
psql -q "$server/postgres" -c "DROP DATABASE IF EXISTS $copy" -c "CREATE DATABASE $copy TEMPLATE $source_db"
psql -q -v ON_ERROR_STOP=1 "$server/$copy" -f "$here/postgres.sql"
per_sender=$((count / senders))
for s in $(seq 0 $((senders - 1))); do
    for first in $(seq $((10000000 + s * per_sender)) "$batch" $((10000000 + (s + 1) * per_sender - 1))); do
        echo "CALL floor_store($first, $batch);"
    done > "$work/sender-$s.sql"
done
now() { date +%s.%N; }
started=$(now)
projector_pids=()
for _ in $(seq "$projectors"); do
    psql -q "$server/$copy" -c "CALL floor_project()" &
    projector_pids+=($!)
done
senders_pids=()
for s in $(seq 0 $((senders - 1))); do
    psql -q -v ON_ERROR_STOP=1 "$server/$copy" -f "$work/sender-$s.sql" >/dev/null &
    senders_pids+=($!)
done
wait "${senders_pids[@]}"
stored=$(now)
psql -q "$server/$copy" -c "INSERT INTO floor_done VALUES (true)"
wait "${projector_pids[@]}"
projected=$(now)
records=$(psql -At "$server/$copy" -c "SELECT count(*) FROM learning_records WHERE source_id LIKE 'floor-%'")
[[ $records == "$count" ]] || { echo "expected $count records, found $records" >&2; exit 1; }
awk -v n="$count" -v a="$started" -v b="$stored" -v c="$projected" \
    "BEGIN { printf \"PostgreSQL, $senders sessions, $projectors projector(s), batches of $batch: stored %.0f statements/s, projected %.0f statements/s\\n\", n / (b - a), n / (c - a) }"
