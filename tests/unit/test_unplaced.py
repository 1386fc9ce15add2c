"""unplaced: the text an import could not place. It loads with its positions, `check` and `build` warn once
per entry at its line and column (never an error), the preview's draft banner counts the entries, and no
published file carries the text."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import zipfile

import pytest

from plansite import pipeline
from plansite.config import load_config
from support import FIXTURES, REPO, make_project

PLAN = (FIXTURES / "project/plans/test-agency/114.yaml").read_text(encoding="utf-8")
LONG = "本計畫經費由各單位年度預算支應，如有未盡事宜得隨時修正補充之並另行公告周知。"
# the fixture plan has 24 lines: unplaced: is line 25, the entries start on lines 26, 28 and 29, column 5
UNPLACED = f"""unplaced:
  - text: {LONG}
    source: 第 48 行
  - text: 附件一
  - text: |
      三、預期效益
      提升民眾滿意度。
    source: 第 3 頁
"""
HINT = "建議：請把這段文字移到計畫的正確位置（章節、構面、項目或作法），確認後刪除這一筆 unplaced。"


def _run(root: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), *args],
                          cwd=root, capture_output=True, text=True, encoding="utf-8")


def _project(tmp_path: pathlib.Path, plan: str = PLAN + UNPLACED) -> pathlib.Path:
    return make_project(tmp_path, {"plans/test-agency/114.yaml": plan})


def _report(root: pathlib.Path) -> pipeline.Report:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return pipeline.check(load_config(root / "site.toml"))
    finally:
        os.chdir(cwd)


def test_a_plan_with_unplaced_text_loads_with_each_entry_and_its_place(tmp_path):
    report = _report(_project(tmp_path))
    assert not report.problems.errors, [str(p) for p in report.problems.errors]
    (plan,) = report.content.plans
    assert [(u.text, u.source, u.pos.line, u.pos.col) for u in plan.unplaced] == [
        (LONG, "第 48 行", 26, 5), ("附件一", "", 28, 5), ("三、預期效益\n提升民眾滿意度。\n", "第 3 頁", 29, 5)]
    assert "unplaced" not in plan.raw, "raw is the JSON download: unplaced text is not content"


def test_a_plan_without_unplaced_has_none(tmp_path):
    (plan,) = _report(_project(tmp_path, PLAN)).content.plans
    assert plan.unplaced == []


def test_check_warns_once_per_entry_at_its_line_and_column_and_strict_fails(tmp_path):
    root = _project(tmp_path)
    result = _run(root, "check")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("匯入時未歸位的文字") == 3
    assert ("plans/test-agency/114.yaml:26:5: 警告：匯入時未歸位的文字（來源：第 48 行）："
            f"『{LONG[:30]}…』\n    {HINT}") in result.stderr
    assert f"plans/test-agency/114.yaml:28:5: 警告：匯入時未歸位的文字：『附件一』\n    {HINT}" in result.stderr
    assert "114.yaml:29:5: 警告：匯入時未歸位的文字（來源：第 3 頁）：『三、預期效益 提升民眾滿意度。』" in result.stderr
    assert "錯誤：" not in result.stderr
    strict = _run(root, "check", "--strict")
    assert strict.returncode == 1
    assert "檢查未通過" in strict.stderr


def test_a_draft_with_unplaced_text_is_warned_too(tmp_path):
    draft = PLAN.replace("year: 114\n", "year: 114\ndraft: true\n") + UNPLACED
    result = _run(_project(tmp_path, draft), "check")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("匯入時未歸位的文字") == 3
    assert "114.yaml:27:5: 警告：匯入時未歸位的文字（來源：第 48 行）" in result.stderr


@pytest.mark.parametrize("entries, where, gist", [
    ("  - source: 第 3 行\n", "26:5", "unplaced[1] 缺少必填欄位「text」"),
    ('  - text: ""\n', "26:11", "unplaced[1].text 不能是空的文字"),
    ("  - text: [附件一]\n", "26:11", "unplaced[1].text 應該是文字，但寫成了清單"),
    ("  - 附件一\n", "26:5", "unplaced[1] 應該是欄位集合"),
    ("  - text: 附件一\n    page: 3\n", "27:5", "不認得的欄位「page」（在 unplaced[1]）"),
])
def test_a_wrong_entry_is_a_located_error_in_chinese(tmp_path, entries, where, gist):
    result = _run(_project(tmp_path, PLAN + "unplaced:\n" + entries), "check")
    assert result.returncode == 1
    assert f"plans/test-agency/114.yaml:{where}: 錯誤：{gist}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_build_warns_and_publishes_the_text_nowhere(tmp_path):
    root = _project(tmp_path)
    out = root / "_site"
    result = _run(root, "build", "--out", str(out), "--no-pdf", "--quiet")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("警告：匯入時未歸位的文字") == 3
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.suffix == ".json" for p in files) and any(p.suffix == ".odt" for p in files)
    for path in files:
        data = path.read_bytes()
        if path.suffix in (".odt", ".ods"):   # zipped: the text is in content.xml
            with zipfile.ZipFile(path) as odf:
                data = odf.read("content.xml")
        for text in ("附件一", "預算支應") + (("未歸位",) if path.suffix == ".html" else ()):   # the schema names it
            assert text.encode() not in data, f"{text} in {path.relative_to(out)}"
    assert _run(root, "build", "--out", str(out), "--no-pdf", "--quiet", "--strict").returncode == 1


def test_the_preview_banner_of_a_draft_counts_the_unplaced_entries(tmp_path):
    draft = PLAN.replace("year: 114\n", "year: 114\ndraft: true\n")
    root = _project(tmp_path, draft + UNPLACED)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        pipeline.build(load_config(root / "site.toml"), qr=False, pdf=False, downloads=False, drafts=True)
        page = (root / "_site/agencies/test-agency/114/index.html").read_text(encoding="utf-8")
        banner = page.split('<p class="ps-draft">', 1)[1].split("</p>", 1)[0]
        assert "<br>尚有 3 段匯入時未歸位的文字，請見 check 的警告。" in banner
        assert "附件一" not in page and "預算支應" not in page
        (root / "plans/test-agency/114.yaml").write_text(draft, encoding="utf-8")
        pipeline.build(load_config(root / "site.toml"), qr=False, pdf=False, downloads=False, drafts=True)
        page = (root / "_site/agencies/test-agency/114/index.html").read_text(encoding="utf-8")
        assert '<p class="ps-draft">' in page and "未歸位" not in page
    finally:
        os.chdir(cwd)
