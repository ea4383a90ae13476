#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 cluster on loopback for the tests and benchmarks:
# Debian's postgresql package (installed if missing), a fresh data folder, the `postgres`
# user, trust authentication on 127.0.0.1 only. Prints the URL to give the tests:
#   export ECT_TEST_POSTGRES="$(scripts/postgres-up.sh)"
# Usage: scripts/postgres-up.sh [PORT] [DATA_DIR]    (defaults: 54329, /tmp/ect-postgres)
# scripts/postgres-down.sh stops it.
set -euo pipefail
port="${1:-54329}"
data="${2:-/tmp/ect-postgres}"

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql libpq-dev >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}
if [ -f "$data/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  echo "postgresql://postgres@127.0.0.1:$port/postgres"
  exit 0
fi
rm -rf "$data"
mkdir -p "$data"
chown postgres:postgres "$data" 2>/dev/null || true
as_postgres "$bin/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
# The server must not keep the caller's descriptors (a test's pipe or socket would never
# see its end): only stdin, stdout and stderr go on.
for fd in /proc/$$/fd/*; do
  n=${fd##*/}
  if [ "$n" -gt 2 ] 2>/dev/null; then eval "exec $n>&-" 2>/dev/null || true; fi
done
# Loopback only; a throw-away cluster does not need to survive a power cut.
as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
echo "postgresql://postgres@127.0.0.1:$port/postgres"
