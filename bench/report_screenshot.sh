#!/usr/bin/env bash
# Opens a study report's index.html in headless Chromium (Debian's `chromium`) as a new user
# would, from disk with no server, and checks that it renders: every inline figure decoded
# (the page records "images decoded/total, tables N" on <body data-rendered> once loaded),
# the expected number of tables, and a full-page screenshot that is not blank.
#
#   bench/report_screenshot.sh [REPORT_DIR] [MIN_TABLES]     # default reports/demo, 17
#
# Installs chromium with apt-get when it is missing (root). Writes REPORT_DIR/screenshot.png.
# Exits 1 when any check fails.
set -euo pipefail
report=${1:-reports/demo}
min_tables=${2:-17}
index="$(cd "$report" && pwd)/index.html"
[ -f "$index" ] || { echo "no $index: run make demo (or sinorad study) first" >&2; exit 1; }
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium fonts-dejavu-core >&2
    browser=$(command -v chromium)
fi
profile=$(mktemp -d); trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$profile" --virtual-time-budget=20000)
echo "$("$browser" --version)"
dom=$("$browser" "${flags[@]}" --dump-dom "file://$index" 2>/dev/null)
rendered=$(printf '%s' "$dom" | grep -o 'data-rendered="[^"]*"' | head -1 | sed 's/data-rendered="\(.*\)"/\1/')
[ -n "$rendered" ] || { echo "FAIL: the page's load check did not run (no data-rendered on <body>)"; exit 1; }
echo "rendered: $rendered"
decoded=$(echo "$rendered" | sed -E 's/images ([0-9]+)\/([0-9]+), tables ([0-9]+)/\1/')
total=$(echo "$rendered" | sed -E 's/images ([0-9]+)\/([0-9]+), tables ([0-9]+)/\2/')
tables=$(echo "$rendered" | sed -E 's/images ([0-9]+)\/([0-9]+), tables ([0-9]+)/\3/')
status=0
[ "$total" -gt 0 ] && [ "$decoded" -eq "$total" ] || { echo "FAIL: $decoded of $total figures decoded"; status=1; }
[ "$tables" -ge "$min_tables" ] || { echo "FAIL: $tables tables, expected at least $min_tables"; status=1; }
# A full-page screenshot: the page height from the DOM is not known here, so take a tall window.
shot="$report/screenshot.png"
"$browser" "${flags[@]}" --window-size=1400,12000 --screenshot="$shot.tmp.png" "file://$index" >/dev/null 2>&1
mv "$shot.tmp.png" "$shot"
python3 - "$shot" <<'PY' || status=1
import sys, zlib, struct
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width, height, colour = 8, b"", 0, 0, 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8]); body = data[pos + 8:pos + 8 + n]; pos += 12 + n
    if kind == b"IHDR": width, height, depth, colour = struct.unpack(">IIBB", body[:10])
    if kind == b"IDAT": idat += body
raw = zlib.decompress(idat)
channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
stride = width * channels
previous = bytearray(stride)
colours, nonwhite, samples = set(), 0, 0
for r in range(height):  # undo the PNG row filters (None, Sub, Up, Average, Paeth)
    kind, row = raw[r * (stride + 1)], bytearray(raw[r * (stride + 1) + 1:(r + 1) * (stride + 1)])
    for x in range(stride):
        a = row[x - channels] if x >= channels else 0
        b = previous[x]; c = previous[x - channels] if x >= channels else 0
        if kind == 1: row[x] = (row[x] + a) & 255
        elif kind == 2: row[x] = (row[x] + b) & 255
        elif kind == 3: row[x] = (row[x] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    previous = row
    if r % 40 == 0:
        for x in range(0, stride, channels * 5):
            pixel = bytes(row[x:x + min(3, channels)]); colours.add(pixel); samples += 1
            nonwhite += pixel != b"\xff" * len(pixel)
print(f"screenshot {sys.argv[1]}: {width} x {height}, {len(colours)} distinct colours and {nonwhite} non-white pixels among {samples} samples")
if len(colours) < 50 or nonwhite < 0.02 * samples:
    print("FAIL: the screenshot looks blank"); sys.exit(1)
PY
[ $status -eq 0 ] && echo "OK: $index renders every table and figure"
exit $status
