#!/usr/bin/env bash
# Renders a report HTML page (a run's report/report.html or a model's eval/NAME/report.html) to PNG
# with headless Chromium, to check by eye how the page lays out. Not part of the build: the tests
# check the page's structure (ReportWriterTest, RunReportPageTest) without a browser.
#   tools/report-screenshot.sh RUN_DIR/report/report.html OUT.png [WIDTH [HEIGHT]]
# WIDTH defaults to 1280 (a laptop window) and HEIGHT to the page's full height, measured by
# Chromium (--dump-dom of a page that reports document height) or 4000 when that fails.
# Needs: chromium (Debian: apt-get install -y chromium) or CHROMIUM=/path/to/chrome.
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 REPORT.html OUT.png [WIDTH [HEIGHT]]" >&2
  exit 2
fi
html="$1"
out="$2"
width="${3:-1280}"
height="${4:-}"
if [[ ! -f "$html" ]]; then
  echo "report-screenshot: no such file: $html (give a report.html written by 'unlearn run' or 'unlearn demo')" >&2
  exit 2
fi
browser="${CHROMIUM:-}"
if [[ -z "$browser" ]]; then
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser="$b"; break; fi
  done
fi
if [[ -z "$browser" ]]; then
  echo "report-screenshot: no Chromium found; install it (apt-get install -y chromium) or set CHROMIUM" >&2
  exit 2
fi
url="file://$(cd "$(dirname "$html")" && pwd)/$(basename "$html")"
flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --disable-extensions
  --user-data-dir="$(mktemp -d)" --virtual-time-budget=2000)
if [[ -z "$height" ]]; then
  # Full-page height: a copy of the page (beside copies of its sibling files, so relative images
  # resolve) writes its scroll height into its title; Chromium dumps the DOM and we read it back.
  # The report's own folder is left untouched.
  probe_dir="$(mktemp -d)"
  find "$(dirname "$html")" -maxdepth 1 -type f -exec cp {} "$probe_dir"/ \;
  probe="$probe_dir/.screenshot-probe.html"
  { cat "$html"; echo '<script>document.title="H="+Math.ceil(document.documentElement.scrollHeight)</script>'; } > "$probe"
  height="$("$browser" "${flags[@]}" --window-size="$width,800" --dump-dom "file://$probe" 2>/dev/null \
    | grep -o '<title>H=[0-9]*' | grep -o '[0-9]*$' || true)"
  rm -rf "$probe_dir"
  height="${height:-4000}"
  height=$((height + 20))
fi
tmp="$out.tmp.png"
"$browser" "${flags[@]}" --window-size="$width,$height" --screenshot="$tmp" "$url" >/dev/null 2>&1
mv -f "$tmp" "$out"
echo "report-screenshot: $out (${width}x${height}) from $html"
