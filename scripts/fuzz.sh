#!/usr/bin/env bash
# Fuzzes the CSV, JSON, NDJSON and XML readers with libFuzzer for SECONDS (default 300),
# starting from the sample files. Crashes are written to .build-fuzz/crashes/.
# Usage: scripts/fuzz.sh [SECONDS] [extra libFuzzer flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"; shift || true

swift build --product parsers-fuzz --scratch-path .build-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DFUZZING -Xswiftc -use-ld=lld >&2

corpus=.build-fuzz/corpus
mkdir -p "$corpus" .build-fuzz/crashes
# Seeds: every sample submission, prefixed with the byte that picks its format's name.
i=0
for f in $(find samples/inbox -type f | sort); do
  case "$f" in *.csv) p='\x00';; *.json) p='\x01';; *.ndjson) p='\x02';; *.xml) p='\x03';; *) p='\x04';; esac
  { printf "$p"; cat "$f"; } > "$corpus/seed-$i"; i=$((i + 1))
done

# Leak detection off: FoundationXML leaks about 72 bytes per XML parse error inside its own
# error reporting (_CFErrorCreateFromXMLInterface), outside this project's code.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
exec .build-fuzz/debug/parsers-fuzz "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 \
  -timeout=10 -detect_leaks=0 -artifact_prefix=.build-fuzz/crashes/ -print_final_stats=1 "$@"
