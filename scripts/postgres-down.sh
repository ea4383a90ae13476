#!/usr/bin/env bash
# Stops the throw-away cluster scripts/postgres-up.sh started.
set -euo pipefail
data="${1:-/tmp/ect-postgres}"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
if [ "$(id -un)" = postgres ]; then "$bin/pg_ctl" -D "$data" -m fast stop; else runuser -u postgres -- "$bin/pg_ctl" -D "$data" -m fast stop; fi
