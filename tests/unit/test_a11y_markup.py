"""The Taiwan mark's markup checks (plansite/a11y.py) on every page of the seed site, and proof
that each check catches what it is for."""
from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

from plansite import a11y
from support import REPO, seed_config


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> pathlib.Path:
    root = tmp_path_factory.mktemp("a11y")
    out = root / "_site"
    result = subprocess.run([sys.executable, "build.py", "--config", str(seed_config(root)), "build", "--out", str(out),
                             "--quiet",
                             "--base-url", "https://plans.example.gov.tw/", "--no-pdf"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


def test_every_page_passes_the_taiwan_markup_checks(site):
    pages, findings = a11y.check_site(site)
    assert pages >= 80
    assert findings == [], "\n".join(findings)


GOOD = (REPO / "tests/fixtures/a11y/good.html").read_text(encoding="utf-8")


def test_the_good_fixture_passes():
    assert a11y.check_page("good.html", GOOD) == []


@pytest.mark.parametrize("old, new, code", [
    ('lang="zh-Hant-TW"', 'lang="en"', "HM1310100C"),
    ('<a class="ps-skip" href="#main">跳到主要內容</a>', "", "GN1240100E"),
    ('accesskey="C"', 'accesskey="U"', "導盲磚"),
    ('<a id="AZ" class="ps-brick" href="#AZ" accesskey="Z" title="下方功能區塊">:::</a>', "", "導盲磚"),
    ('title="網站搜尋"', 'title="搜尋"', "導盲磚"),
    ('<noscript>', '<div>', "noscript"),
    ('<a href="../sitemap/index.html">網站導覽</a>', "", "網站導覽"),
    ('<th scope="col" id="c1">構面</th>', '<th>構面</th>', "HM1130101C"),
    ('headers="c1 p1"', 'headers="c1 p9"', "HM1130110E"),
    ('<caption>測試中心114年提升服務計畫：計畫內容</caption>', "", "HM1130108E"),
    ('<a href="x.odt">下載計畫（ODT，12 KB）</a>', '<a href="x.docx">下載計畫</a>', "ME1320200C"),
    ('<a href="x.odt">下載計畫（ODT，12 KB）</a>', '<a href="x.odt"></a>', "HM1240401C"),
    ('<a href="https://example.org/" title="範例（另開新視窗）" target="_blank" rel="noopener">範例</a>',
     '<a href="https://example.org/" target="_blank" rel="noopener">範例</a>', "另開新視窗"),
    ('<img src="x.png" alt="">', '<img src="x.png" alt="" title="裝飾">', "HM1110106C"),
    ('<img src="x.png" alt="">', '<img src="x.png">', "HM1110100C"),
    ('<h2>計畫內容</h2>', '<h3>計畫內容</h3>', "HM1130100C"),
    ('</main>', '<iframe src="x.html" title="x"></iframe></main>', "HM1410201C"),
    ('<meta charset="utf-8">', '<meta charset="utf-8"><meta http-equiv="refresh" content="5">', "FA1220102E"),
    ('<th scope="col" id="c1">構面</th>', '<th scope="col" id="c2">構面</th>', "id 重複"),
])
def test_each_check_catches_its_fault(old, new, code):
    assert old in GOOD
    findings = a11y.check_page("bad.html", GOOD.replace(old, new, 1))
    assert any(f"bad.html: {code} " in f for f in findings), findings


def test_css_font_sizes_must_be_relative_and_focus_visible():
    assert a11y.check_css("ok.css", "p { font-size: 1.125rem } h1 { font-size: 150% } :focus-visible { outline: 0.2rem solid }") == []
    assert "CS2140401C" in a11y.check_css("bad.css", "p {\n  font-size: 14px;\n}")[0]
    assert "第 2 行" in a11y.check_css("bad.css", "p {\n  font-size: 10pt;\n}")[0]
    assert "FA2240701E" in a11y.check_css("bad.css", "a:focus { outline: none }")[0]


def test_sitemap_page_must_explain_each_access_key():
    assert a11y.check_sitemap_page("s.html", "<kbd>U</kbd>上方功能區塊") != []
