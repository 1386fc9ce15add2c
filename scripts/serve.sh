#!/usr/bin/env bash
# 準備環境後啟動本機預覽伺服器 / Set up, then serve the site locally.
#   scripts/serve.sh [build.py serve options...]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

./scripts/setup.sh
exec .venv/bin/python build.py serve "$@"
