#!/usr/bin/env bash
# 建立／更新 Python 虛擬環境 .venv，只在需求檔改變時才重新安裝。
# Create/update the Python virtualenv .venv; reinstall only when requirements changed.
#
#   scripts/setup.sh          # runtime: requirements.txt
#   scripts/setup.sh --test   # tests:   requirements-test.txt (includes requirements.txt)
#   scripts/setup.sh --pdf    # also Debian's chromium and fonts-noto-cjk (apt), for the PDF downloads (CI)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/lib.sh
. scripts/lib.sh

req=requirements.txt
stamp_name=requirements
pdf=
while [ $# -gt 0 ]; do
    case "$1" in
        --test) req=requirements-test.txt; stamp_name=requirements-test ;;
        --pdf) pdf=1 ;;
        -h|--help)
            echo "usage: scripts/setup.sh [--test] [--pdf]"
            echo "  建立 .venv 並安裝 requirements.txt（--test：requirements-test.txt；"
            echo "  --pdf：另以 apt 安裝產生 PDF 所需的 chromium 與 fonts-noto-cjk）"
            echo "  Create .venv and install requirements.txt (--test: requirements-test.txt;"
            echo "  --pdf: also apt-install chromium and fonts-noto-cjk for the PDF downloads)"
            exit 0 ;;
        *) echo "setup.sh: 未知的參數 / unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

# PDFs are printed by Debian's Chromium; fonts-noto-cjk gives them Traditional Chinese glyphs.
if [ -n "$pdf" ]; then
    apt_install "scripts/setup.sh --pdf" chromium fonts-noto-cjk
fi

python=${PYTHON:-python3}
venv=.venv

# A venv whose interpreter no longer runs (e.g. the base Python moved) is rebuilt.
if [ -e "$venv" ] && ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    say "虛擬環境損壞，重新建立 / .venv is broken, recreating it"
    rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
    say "建立虛擬環境 / Creating virtualenv: $venv ($("$python" --version 2>&1))"
    "$python" -m venv "$venv" ||
        die "無法建立虛擬環境，請確認已安裝 Python 3.11 與 venv 模組（Debian：apt install python3-venv）/ could not create $venv"
fi

# The hash covers the requirements file and the runtime file it includes (-r).
files=("$req")
[ "$req" = requirements.txt ] || files+=(requirements.txt)
hash=$(cat "${files[@]}" | sha256sum | cut -d' ' -f1)
stamp="$venv/.$stamp_name.sha256"

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$hash" ]; then
    say "Python 套件已是最新 / Python packages up to date ($req)"
    exit 0
fi

say "安裝 Python 套件 / Installing Python packages: $req"
retry="scripts/setup.sh"
[ "$req" = requirements.txt ] || retry="scripts/setup.sh --test"
PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
    "$venv/bin/python" -m pip install --quiet -r "$req" ||
    step_failed "pip install -r $req（Python 套件 / Python packages）" "$retry"
printf '%s\n' "$hash" > "$stamp"
# requirements-test.txt includes requirements.txt, so the runtime set is current too.
if [ "$req" != requirements.txt ]; then
    sha256sum requirements.txt | cut -d' ' -f1 > "$venv/.requirements.sha256"
fi
say "完成 / Done: $req"
