"""PDF printing is incremental: only plans whose printed page changed are printed again; the
others come from .cache/pdf with the very bytes Chromium gave last time."""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys

from support import REPO, seed_config

BASE_URL = "https://plans.example.gov.tw/sub/"


def _build(config, out):
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(config), "build", "--out", str(out),
                             "--base-url", BASE_URL], cwd=config.parent, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return re.search(r"PDF：(\d+) 份重新列印（每份 ([\d.]+) 秒），(\d+) 份內容未變", result.stdout)


def _pdfs(out):
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*.pdf"))}


def test_only_the_edited_plan_is_printed_again(tmp_path):
    plans = tmp_path / "plans"
    shutil.copytree(REPO / "plans", plans)
    config = seed_config(tmp_path, paths={"plans": plans.as_posix()})
    first = _build(config, tmp_path / "one")
    assert first and (int(first[1]), int(first[3])) == (5, 0) and float(first[2]) > 0
    before = _pdfs(tmp_path / "one")
    assert len(before) == 5
    plan = plans / "kaohsiung-senior-center" / "113.yaml"
    text = plan.read_text(encoding="utf-8")
    assert "辦理" in text
    plan.write_text(text.replace("辦理", "舉辦", 1), encoding="utf-8")
    second = _build(config, tmp_path / "two")
    assert (int(second[1]), int(second[3])) == (1, 4)
    after = _pdfs(tmp_path / "two")
    changed = sorted(path for path in after if after[path] != before[path])
    assert changed == ["agencies/kaohsiung-senior-center/113/kaohsiung-senior-center-113.pdf"]
    printed = subprocess.run(["pdftotext", str(tmp_path / "two" / changed[0]), "-"], capture_output=True, text=True).stdout
    assert "舉辦" in printed
    assert len(list((tmp_path / ".cache" / "pdf").glob("*.pdf"))) == 5   # the cache holds one site's PDFs
