#!/bin/sh
# The HTML reports (profiler/html.c, check --html), opened in a real browser: Debian's
# chromium, headless, parses each page (its DOM must hold the charts as SVG) and renders it to
# a PNG that a reviewer can look at (kept in build/host/test-artifacts/, beside the binary
# tested; never deleted by the test).
# Also, without a browser: the page is self-contained (no script, no link to anything outside
# it), holds a row per layer and the figures of the run's report, escapes what the firmware
# names, and a refused check still writes its page saying why.
# Skips the browser with a message when chromium is not installed (install-deps has it).
#
# usage: tests/sim/html.sh TINYSIM FIRMWARE_DIR
set -u
BIN=${1:?usage: html.sh TINYSIM FIRMWARE_DIR}
FW=${2:?usage: html.sh TINYSIM FIRMWARE_DIR}
SHARED=${TINYSIM_SHARED:-../shared}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/tinysim-html.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
. "$(dirname "$0")/../lib.sh"
L4=$FW/nucleo-l4r5zi
ART=$(dirname "$BIN")/test-artifacts # per build: the two passes of make test run side by side
mkdir -p "$ART"

expect 1 "^over: " "run --html with a budget (over: exit 1)" -- \
    "$BIN" run "$L4/infer.elf" -q --html "$TMP/run.html" --json "$TMP/run.json" --max-ms 50
python3 - "$TMP/run.html" "$TMP/run.json" <<'PY' >"$TMP/py.out" 2>&1 && ok || bad "run.html: $(cat "$TMP/py.out")"
import json, re, sys
h = open(sys.argv[1]).read()
r = json.load(open(sys.argv[2]))
for id in ("summary", "layer-chart", "layer-table", "flash-bar", "ram-bar", "arena-chart", "arena-tensors",
           "stack-chart", "flame-graph", "function-table", "mix-chart"):
    assert 'id="%s"' % id in h, "no " + id
assert not re.search(r"<script|<link|src=|href=|url\(|@import|https?:", h), "not self-contained"
assert 'class="verdict over"' in h and "8.4x the 50.0 ms budget" in h, "the verdict"
rows = re.findall(r"<tr><td>(\d+)</td>", h.split('id="layer-table"')[1].split("</table>")[0])
assert rows == [str(i) for i in range(13)], "a row per layer"
for l in r["layers"]:
    assert "{:,}".format(l["cycles"]) in h, "layer %d's cycles" % l["index"]
assert h.count("<rect") > 150, "the charts draw"
PY

# a deeper model, when ../shared has it: VWW's 31 layers, a row each
if [ -f "$SHARED/models/vww_96_int8.tflite" ]; then
    "$BIN" run "$L4/infer.elf" -q --model "$SHARED/models/vww_96_int8.tflite" \
        --html "$TMP/vww.html" >/dev/null 2>&1
    n=$(sed -n '/id="layer-table"/,/<\/table>/p' "$TMP/vww.html" | grep -c '^<tr><td>')
    [ "$n" -eq 31 ] && ok || bad "vww.html: $n layer rows, want 31"
fi

# check --html: the baseline beside this run, what moved highlighted; a refused check's page
"$BIN" run "$L4/infer.elf" -q --json "$TMP/base.json" >/dev/null 2>&1
expect 1 "check: FAIL" "check --html against the -O0 build" -- \
    "$BIN" check build/firmware-O0/nucleo-l4r5zi/infer.elf --baseline "$TMP/base.json" \
    --html "$TMP/check.html" -q
grep -q 'id="check-chart"' "$TMP/check.html" && grep -q '<tr class="worse"><td class="l">total cycles' \
    "$TMP/check.html" && ok || bad "check.html: the chart and the regressed total"
expect 0 "check: OK" "check --html, nothing moved" -- \
    "$BIN" check "$L4/infer.elf" --baseline "$TMP/base.json" --html "$TMP/same.html" -q
grep -q '<tr class="same"><td class="l">total cycles' "$TMP/same.html" && ok ||
    bad "same.html: an unchanged total"
printf '{"schema": "other"}\n' >"$TMP/bad.json"
expect 3 "cannot" "check --html with a foreign baseline" -- \
    "$BIN" check "$L4/infer.elf" --baseline "$TMP/bad.json" --html "$TMP/refused.html" -q
grep -q "<b>REFUSED</b>" "$TMP/refused.html" && ok || bad "refused.html: a refused check says why"

# escaping: a firmware's hostile names (the hostile sample's symbols) stay text
"$BIN" run "$FW/nucleo-l4r5zi/cxx.elf" -q --html "$TMP/cxx.html" >/dev/null 2>&1
grep -q "pipeline::Scale::run(unsigned long)" "$TMP/cxx.html" && ok || bad "cxx.html: C++ names"
python3 -c '
import html.parser, sys
class P(html.parser.HTMLParser):
    pass
P().feed(open(sys.argv[1]).read())
' "$TMP/cxx.html" && ok || bad "cxx.html does not parse"

# the browser
BROWSER=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$BROWSER" ]; then
    echo "SKIP: chromium not found (scripts/install-deps.sh installs it): the pages are not rendered"
else
    for page in run check; do
        rm -f "$ART/$page.png"
        timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --hide-scrollbars \
            --user-data-dir="$TMP/profile" --window-size=1450,2600 \
            --screenshot="$ART/$page.png" "file://$TMP/$page.html" >"$TMP/chrome.log" 2>&1
        s=$(wc -c <"$ART/$page.png" 2>/dev/null || echo 0)
        [ "$s" -gt 20000 ] && ok || { bad "chromium: $page.html rendered no PNG ($s bytes)"; tail -n 5 "$TMP/chrome.log"; }
        timeout 120 "$BROWSER" --headless --no-sandbox --disable-gpu --user-data-dir="$TMP/profile" \
            --dump-dom "file://$TMP/$page.html" >"$TMP/$page.dom" 2>/dev/null
    done
    n=$(grep -o '<svg id="[a-z-]*"' "$TMP/run.dom" | sort -u | wc -l)
    [ "$n" -eq 8 ] && ok || bad "chromium: the report's DOM holds $n of its 8 charts"
    grep -q '<svg id="check-chart"' "$TMP/check.dom" && ok || bad "chromium: the check page's chart"
    echo "  rendered: $ART/run.png, $ART/check.png"
fi

printf 'html: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
