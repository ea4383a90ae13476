#!/usr/bin/env bash
# Fuzzes the CSV, JSON, NDJSON, XML and workbook readers with libFuzzer for SECONDS (default 300),
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

# Workbook seeds: a small .xlsx with shared strings, numbers and a date, and one with a DTD.
python3 - "$corpus" <<'PY'
import sys, zipfile, io
def book(sheet):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", '<workbook xmlns:r="r"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/sharedStrings.xml", '<sst><si><t>TRN</t></si><si><t>Induction period start date</t></si></sst>')
        z.writestr("xl/styles.xml", '<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return b"" + out.getvalue()
rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2"><v>1234567</v></c><c r="B2" s="1"><v>46266</v></c></row>'
open(sys.argv[1] + "/seed-xlsx-0", "wb").write(book('<worksheet><sheetData>' + rows + '</sheetData></worksheet>'))
open(sys.argv[1] + "/seed-xlsx-1", "wb").write(book('<!DOCTYPE x><worksheet><sheetData>' + rows + '</sheetData></worksheet>'))
PY

# Leak detection off: FoundationXML leaks about 72 bytes per XML parse error inside its own
# error reporting (_CFErrorCreateFromXMLInterface), outside this project's code.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
exec .build-fuzz/debug/parsers-fuzz "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 \
  -timeout=10 -detect_leaks=0 -artifact_prefix=.build-fuzz/crashes/ -print_final_stats=1 "$@"
