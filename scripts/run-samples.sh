#!/usr/bin/env bash
# Runs ect-batch on the bundled samples/ world in a fresh data root (./ect-data by default).
# Usage: scripts/run-samples.sh [ROOT]
set -euo pipefail
cd "$(dirname "$0")/.."
root="${1:-./ect-data}"
as_of="2026-11-20"

swift build --product ect-batch >&2
bin="$(swift build --show-bin-path)/ect-batch"

rm -rf "$root"
mkdir -p "$root/trs"
cp -R samples/inbox "$root/inbox"
cp samples/trs/*.csv "$root/trs/"
# Arrival order is the files' modification time; give every sample the same one so
# that, as the run's ordering rule says, the file names decide.
find "$root/inbox" -type f -exec touch -d "$as_of 18:00:00" {} +

"$bin" load-reference --root "$root" \
  --schools samples/reference/schools.csv --trusts samples/reference/trusts.csv \
  --appropriate-bodies samples/reference/appropriate-bodies.csv \
  --lead-providers samples/reference/lead-providers.csv \
  --local-authorities samples/reference/local-authorities.csv
"$bin" run --root "$root" --as-of "$as_of"
