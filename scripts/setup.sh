#!/usr/bin/env bash
# 建立／更新 Python 虛擬環境 .venv，只在需求檔改變時才重新安裝。
# Create/update the Python virtualenv .venv; reinstall only when requirements changed.
#
#   scripts/setup.sh          # runtime: requirements.txt
#   scripts/setup.sh --test   # tests:   requirements-test.txt (includes requirements.txt)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '==> %s\n' "$*" >&2; }

req=requirements.txt
stamp_name=requirements
while [ $# -gt 0 ]; do
    case "$1" in
        --test) req=requirements-test.txt; stamp_name=requirements-test ;;
        -h|--help)
            echo "usage: scripts/setup.sh [--test]"
            echo "  建立 .venv 並安裝 requirements.txt（--test：requirements-test.txt）"
            echo "  Create .venv and install requirements.txt (--test: requirements-test.txt)"
            exit 0 ;;
        *) echo "setup.sh: 未知的參數 / unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
done

python=${PYTHON:-python3}
venv=.venv

# A venv whose interpreter no longer runs (e.g. the base Python moved) is rebuilt.
if [ -e "$venv" ] && ! "$venv/bin/python" -c 'import sys' >/dev/null 2>&1; then
    say "虛擬環境損壞，重新建立 / .venv is broken, recreating it"
    rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
    say "建立虛擬環境 / Creating virtualenv: $venv ($("$python" --version 2>&1))"
    "$python" -m venv "$venv"
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
PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
    "$venv/bin/python" -m pip install --quiet -r "$req"
printf '%s\n' "$hash" > "$stamp"
# requirements-test.txt includes requirements.txt, so the runtime set is current too.
if [ "$req" != requirements.txt ]; then
    sha256sum requirements.txt | cut -d' ' -f1 > "$venv/.requirements.sha256"
fi
say "完成 / Done: $req"
