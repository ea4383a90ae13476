#!/usr/bin/env bash
# One benchmark sitting, as README "Benchmark" quotes it: the store-write floors, the
# claims file and the realistic night at 100k and 1M rows on SQLite and PostgreSQL, the
# night through the fake TRS API, and DuckDB beside. Release build; inboxes generated once
# under /tmp/ect-sitting/, each run on a fresh copy 35 s after the copy (ext4's inode reuse,
# see "File creation"), each PostgreSQL run into a new database of the cluster
# scripts/postgres-up.sh starts. Takes ~12 minutes. Needs `pip install duckdb` for the last lines.
set -u
cd "$(dirname "$0")/.."
swift build -c release --product ect-bench >&2 && swift build -c release --product ect-batch >&2
B=$(swift build -c release --show-bin-path)/ect-bench
PG="$(scripts/postgres-up.sh)"; PG="${PG%/*}"
W=/tmp/ect-sitting
fresh() { psql -q "$PG/postgres" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" 2>/dev/null; }
mkdir -p $W
[ -d $W/c100k ] || $B --rows 100000 --root $W/c100k --generate-only
[ -d $W/r100k ] || $B --rows 100000 --shape realistic --root $W/r100k --generate-only
[ -d $W/c1m ] || $B --rows 1000000 --root $W/c1m --generate-only
[ -d $W/r1m ] || $B --rows 1000000 --shape realistic --root $W/r1m --generate-only
echo "=== $(date -u) sitting at $(git log --oneline | head -1)"
for rows in 100000 1000000; do
  echo "--- floors $rows"
  $B --floor sqlite --rows $rows
  fresh floor; $B --floor postgres --rows $rows --store "$PG/floor"
done
for shape in c100k r100k c1m r1m; do
  rm -rf $W/run-s $W/run-p; cp -a $W/$shape $W/run-s; cp -a $W/$shape $W/run-p; fresh runpg; sleep 35
  echo "--- $shape sqlite"; $B --run-only --root $W/run-s | grep -v "^(the"
  echo "--- $shape postgres"; $B --run-only --root $W/run-p --store "$PG/runpg" | grep -v "^(the"
done
rm -rf $W/run-a; cp -a $W/r100k $W/run-a; sleep 35
echo "--- r100k sqlite, TRS through the fake API"; $B --run-only --root $W/run-a --trs-api | grep -v "^(the"
echo "--- duckdb"
python3 scripts/duckdb-baseline.py $W/c100k/inbox | tail -1
python3 scripts/duckdb-baseline.py $W/c1m/inbox | tail -1
python3 scripts/duckdb-baseline.py --glob $W/r100k/inbox | tail -1
python3 scripts/duckdb-baseline.py --glob $W/r1m/inbox | tail -1
rm -rf $W/run-s $W/run-p $W/run-a
echo "=== $(date -u) done"
