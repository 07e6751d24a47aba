#!/usr/bin/env bash
# Installs Debian's Chromium for the HTML report's browser test (playwright-core drives /usr/bin/chromium).
# Runs as part of .ci/run; harmless when chromium is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then echo "install-browser: need root to apt-get install chromium" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
