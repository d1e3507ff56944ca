#!/usr/bin/env bash
# What the browser tests need beyond `make install` and Chromium (which .ci/run installs):
# Xvfb and xdotool (the Chromium shortcut test presses the key through an X server),
# Debian's firefox-esr (with its German language pack, for the card-in-German test), and
# puppeteer-core (from tests/tools/package-lock.json) to drive it over WebDriver BiDi.
# No browser download: puppeteer-core uses /usr/bin/firefox-esr.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v firefox-esr >/dev/null 2>&1 || missing+=(firefox-esr)
ls /usr/lib/firefox-esr/browser/extensions/langpack-de@* >/dev/null 2>&1 || missing+=(firefox-esr-l10n-de)
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
command -v xdotool >/dev/null 2>&1 || missing+=(xdotool)
# Node.js only when there is none: the machine's own node/npm are not to be shadowed by Debian's.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# PUPPETEER_SKIP_DOWNLOAD: puppeteer-core never downloads a browser, but say so anyway.
PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
