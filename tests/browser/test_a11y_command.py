"""`python build.py check --a11y` gives an agency the suite's checks as a zh-Hant report and the
115.11 self-assessment it attaches to its mark application (Markdown and ODS), and feeds the
無障礙聲明 page the same numbers."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

import tools
from plansite import a11y_report

pytestmark = pytest.mark.browser

CONTACT = '[contact]\nemail = "service@example.gov.tw"\n'


def _small_site(tmp_path, contact: bool = True):
    sys.path.insert(0, str(tools.REPO_ROOT / "tests"))
    from support import make_project

    root = make_project(tmp_path)
    if contact:
        toml = root / "site.toml"
        toml.write_text(toml.read_text(encoding="utf-8") + CONTACT, encoding="utf-8")
    out = root / "_site"
    _build(root, out)
    # the command's plumbing is what is tested here (the seed site's pages are checked in test_a11y.py and
    # test_wcag22.py): keep one page per framework level, not all 30, so each run takes seconds
    for page in out.glob("frameworks/six-pillars/*/"):
        if page.name not in ("1", "1-1"):
            shutil.rmtree(page)
    return root, out


def _build(root, out):
    result = subprocess.run([sys.executable, str(tools.REPO_ROOT / "build.py"), "--config", str(root / "site.toml"),
                             "build", "--out", str(out), "--quiet", "--no-pdf"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result


def _check(root, out, *extra):
    return subprocess.run([sys.executable, str(tools.REPO_ROOT / "build.py"), "--config", str(root / "site.toml"),
                           "check", "--a11y", "--site", str(out), *extra], capture_output=True, text=True)


def _row(report: str, criterion: str) -> list[str]:
    line = next(l for l in report.splitlines() if l.startswith(f"| {criterion} "))
    return [c.strip() for c in line.strip("|").split("|")]


def test_a_clean_site_passes_and_the_self_assessment_covers_every_115_11_criterion(tmp_path):
    root, out = _small_site(tmp_path)
    result = _check(root, out, "--report", str(tmp_path / "自評表"))
    assert result.returncode == 0, result.stdout + result.stderr
    pages = len(list(out.rglob("*.html")))
    report = result.stdout
    assert f"HTML 語法（Nu HTML Checker）：通過（檢查 {pages} 項）" in report
    assert f"axe-core（WCAG 2.0/2.1/2.2 A、AA 與最佳實務）：通過（檢查 {pages * 2} 項）" in report
    assert f"鍵盤操作：依序到達每個元素，焦點可見且不被遮蔽：通過（檢查 {pages * 2} 項）" in report
    assert f"「聯絡我們」在每頁相同的相對位置：通過（檢查 {pages} 項）" in report
    assert "自評表 55 項中未通過 0 項" in report
    # a new 115.11 item proven by the browser check, with its manual code and count
    focus = _row(report, "2.4.11")
    assert focus[1:5] == ["AA", "—", "FA2241100E", "通過"] and f"鍵盤與焦點 {pages * 2} 頁次" in focus[5]
    targets = _row(report, "2.5.8")
    assert targets[3:5] == ["CS2250800E", "通過"] and f"目標尺寸 {pages * 2} 頁次" in targets[5]
    assert _row(report, "2.5.7")[4] == "不適用" and _row(report, "3.2.6")[4] == "通過"
    assert _row(report, "1.1.1")[2].startswith("HM1110100C")          # machine (Freego) codes too
    assert "| 4.1.1 " not in report                                      # removed in 115.11
    assert (tmp_path / "自評表.md").read_text(encoding="utf-8").strip() == report.strip()

    # the spreadsheet opens with the library that reads ODF, and holds the same rows
    from odf import opendocument, table as odftable, teletype

    doc = opendocument.load(str(tmp_path / "自評表.ods"))
    sheets = doc.spreadsheet.getElementsByType(odftable.Table)
    assert [s.getAttribute("name") for s in sheets] == ["自評表", "自動檢查"]
    rows = sheets[0].getElementsByType(odftable.TableRow)
    assert len(rows) == 56
    ids = [c["id"] for c in a11y_report.load_spec("115.11")["criteria"]]
    cells = [teletype.extractText(c) for c in rows[1 + ids.index("2.4.11")].getElementsByType(odftable.TableCell)]
    assert cells[:6] == ["2.4.11", "焦點不遮蔽(最小)", "AA", "", "FA2241100E", "通過"]

    # the 無障礙聲明 page, rebuilt, shows the check's date and the same numbers
    _build(root, out)
    statement = (out / "accessibility/index.html").read_text(encoding="utf-8")
    date = re.search(r"檢查日期：(\d{4}-\d\d-\d\d)", report).group(1)
    assert f'最近一次檢查於 <time datetime="{date}">{date}</time>，依「網站無障礙規範」115.11 版檢查全站 {pages} 頁，共發現 0 個問題' in statement
    assert f'<td class="ps-num">{pages * 2} 頁次</td><td class="ps-num">0</td>' in statement
    assert "service@example.gov.tw" in statement
    assert tools.vnu_errors(out / "accessibility/index.html") == {}


def test_the_statement_with_a_check_record_passes_axe_at_phone_width(browser, tmp_path):
    root, out = _small_site(tmp_path)
    (root / "a11y-check.json").write_text(a11y_report.record_json(a11y_report.record(
        [a11y_report.Section("markup", "無障礙標章標記檢查", 44), a11y_report.Section("axe", "axe-core", 88)],
        a11y_report.assess([]), "115.11", "2026-11-25")), encoding="utf-8")
    _build(root, out)
    page = browser.new_page(viewport={"width": 320, "height": 800})
    with tools.serve_directory(out) as base:
        page.goto(base + "accessibility/index.html")
        assert page.locator("caption", has_text="最近一次無障礙檢查（2026-11-25）").is_visible()
        assert tools.axe_violations(page) == []
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.close()


def test_faults_are_named_with_page_rule_element_and_charged_to_their_criterion(tmp_path):
    root, out = _small_site(tmp_path, contact=False)
    page = out / "privacy/index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</h1>", '</h1><img src="x.png">'), encoding="utf-8")
    result = _check(root, out)
    assert result.returncode == 1
    assert "privacy/index.html: HM1110100C 圖片缺少 alt" in result.stdout
    assert "privacy/index.html（375 px）: image-alt" in result.stdout
    assert _row(result.stdout, "1.1.1")[4].startswith("未通過")
    assert _row(result.stdout, "2.4.11")[4] == "通過"       # a fault is charged to its own criterion only
    # no contact configured: 3.2.6 fails, site-wide and per page
    assert "GN1320600E 網站沒有「聯絡我們」連結" in result.stdout
    assert "index.html: 頁首或頁尾沒有唯一的「聯絡我們」連結" in result.stdout
    assert _row(result.stdout, "3.2.6")[4].startswith("未通過")
