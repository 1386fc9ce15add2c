#!/usr/bin/env bash
# 整個測試套件的唯一指令 / The whole test suite's one command.
#
#   scripts/test.sh                               # whole suite (tests/)
#   scripts/test.sh tests/browser/test_tools.py   # any pytest arguments
#
# Installs what is missing (Debian packages, the pinned npm tools, the Python
# venv), then runs pytest. Every install step is skipped when already done.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/lib.sh
. scripts/lib.sh

# --- Debian packages -------------------------------------------------------
# chromium(+driver): browser tests; fonts-noto-cjk: Traditional Chinese glyphs;
# zbar-tools: QR code decoding; poppler-utils: PDF text/images;
# libreoffice-writer-nogui: converts the ODT downloads to prove they open;
# rsync: scripts/publish.sh's upload, tested against a local folder.
# apt_install (scripts/lib.sh) waits up to 10 minutes for another installer's dpkg lock.
apt_packages=(chromium chromium-driver fonts-noto-cjk zbar-tools poppler-utils libreoffice-writer-nogui rsync)
# vnu.jar needs Java 17 or later; the machine image normally has it.
if ! command -v java >/dev/null 2>&1; then
    apt_packages+=(openjdk-17-jre-headless)
fi
apt_install "scripts/test.sh" "${apt_packages[@]}"

# --- npm tools (axe-core, vnu-jar; lighthouse for benchmarks/), pinned by package-lock.json
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
npm_stamp=node_modules/.package-lock.sha256
if [ ! -d node_modules ] || [ ! -f "$npm_stamp" ] || [ "$(cat "$npm_stamp")" != "$lock_hash" ]; then
    say "安裝 npm 套件 / Installing npm packages (npm ci)"
    start=$SECONDS
    # --ignore-scripts: vnu-jar's postinstall would try to download a Java
    # runtime when none is on PATH; the system Java is used instead.
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error ||
        step_failed "npm ci（axe-core、vnu-jar、lighthouse）" "scripts/test.sh"
    printf '%s\n' "$lock_hash" > "$npm_stamp"
    say "npm 套件完成 / npm packages done ($((SECONDS - start))s)"
else
    say "npm 套件已是最新 / npm packages up to date"
fi

# --- Python venv with the test requirements --------------------------------
./scripts/setup.sh --test

# --- Run ----------------------------------------------------------------------
# No arguments means the whole suite under tests/.
[ $# -gt 0 ] || set -- tests
say "執行測試 / Running: pytest $*"
exec .venv/bin/python -m pytest "$@"
