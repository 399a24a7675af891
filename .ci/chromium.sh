#!/usr/bin/env bash
# The browser test's browser: Debian's chromium and its driver (and CJK fonts for readable
# screenshots), installed only when missing and only as root; otherwise the test skips and
# says why.
set -euo pipefail
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "chromium missing and cannot be installed here: the browser test will skip" >&2
    exit 0
fi
# A failed install is not a failed test run: the browser test then skips and says why.
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        chromium chromium-driver fonts-noto-cjk; }; then
    echo "chromium could not be installed: the browser test will skip" >&2
fi
