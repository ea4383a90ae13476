#!/usr/bin/env python3
"""The yardstick for ect-bench: how long DuckDB takes merely to load the same inputs.

    pip install duckdb
    python3 scripts/duckdb-baseline.py ROOT/inbox          # every CSV, JSON and NDJSON file
    python3 scripts/duckdb-baseline.py ROOT/inbox/.../x.csv  # one file
    python3 scripts/duckdb-baseline.py --glob ROOT/inbox   # all CSV files in one read

Each file becomes one table (all columns as text) in a new file database; XML files are
skipped (DuckDB has no XML reader), so the inbox figure slightly flatters DuckDB. With
--glob, the CSV files alone are read into one table by a single glob (columns matched by
name); the JSON files are left out, as reading them by glob ran out of memory here. The
time printed is the whole process, import included, as `time` would measure it.
"""
import time

STARTED = time.perf_counter()

import os  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402

import duckdb  # noqa: E402


def inputs(path):
    if os.path.isfile(path):
        yield path
        return
    for folder, _, names in sorted(os.walk(path)):
        for name in sorted(names):
            yield os.path.join(folder, name)


def glob(root):
    folder = tempfile.mkdtemp(prefix="duckdb-baseline-")
    connection = duckdb.connect(os.path.join(folder, "load.duckdb"))
    pattern = os.path.join(root, "**", "*.csv").replace("'", "''")
    connection.execute(f"CREATE TABLE csv AS SELECT * FROM read_csv('{pattern}', union_by_name=true, "
                       "all_varchar=true, header=true)")
    rows = connection.execute("SELECT count(*) FROM csv").fetchone()[0]
    files = sum(1 for path in inputs(root) if path.endswith(".csv"))
    connection.close()
    seconds = time.perf_counter() - STARTED
    print(f"duckdb {duckdb.__version__}, one glob: {files} CSV files, {rows} rows loaded "
          f"in {seconds:.2f} s, {rows / seconds:,.0f} rows/s")
    shutil.rmtree(folder)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--glob":
        return glob(sys.argv[2])
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    folder = tempfile.mkdtemp(prefix="duckdb-baseline-")
    database = os.path.join(folder, "load.duckdb")
    connection = duckdb.connect(database)
    files = rows = skipped = 0
    for path in inputs(sys.argv[1]):
        quoted = path.replace("'", "''")
        if path.endswith(".csv"):
            source = f"read_csv('{quoted}', header=true, all_varchar=true)"
        elif path.endswith(".json"):
            source = f"(SELECT unnest(records, recursive := true) FROM read_json('{quoted}', format='auto'))"
        elif path.endswith(".ndjson") or path.endswith(".jsonl"):
            source = f"read_json('{quoted}', format='newline_delimited')"
        else:
            skipped += 1
            continue
        files += 1
        connection.execute(f"CREATE TABLE t{files} AS SELECT * FROM {source}")
        rows += connection.execute(f"SELECT count(*) FROM t{files}").fetchone()[0]
    connection.close()
    seconds = time.perf_counter() - STARTED
    print(f"duckdb {duckdb.__version__}: {files} files, {rows} rows loaded ({skipped} XML skipped) "
          f"in {seconds:.2f} s, {rows / seconds:,.0f} rows/s")
    shutil.rmtree(folder)  # after the figure: removing the database is not loading it


main()
