"""Proof that the browser test tools really work: each must catch a known fault
and pass a known-good page."""

import urllib.error
import urllib.request

import pytest

from tools import (
    axe_violations,
    format_violations,
    format_vnu_errors,
    serve_directory,
    vnu_errors,
)

pytestmark = pytest.mark.browser

GOOD_PAGE = """<!DOCTYPE html>
<html lang="zh-Hant-TW">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>國家發展計畫 — 測試頁</title>
</head>
<body>
<header><p><a href="#main">跳到主要內容</a></p></header>
<main id="main">
<h1>國家發展計畫</h1>
<h2>計畫目標</h2>
<p>本計畫旨在提升公共服務的可及性，讓每一位國民都能取得政府資訊。</p>
<img src="chart.png" alt="預算分配圓餅圖" width="10" height="10">
</main>
<footer><p>行政院</p></footer>
</body>
</html>
"""

BAD_PAGE = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><title>Bad</title></head>
<body>
<main>
<h1>Bad page</h1>
<img src="chart.png">
</main>
</body>
</html>
"""

# A strict Content-Security-Policy must not stop axe from running.
CSP_BAD_PAGE = BAD_PAGE.replace(
    '<meta charset="utf-8">',
    '<meta charset="utf-8">'
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">",
)

INVALID_HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"></head>
<body>
<div><span>unclosed</div>
<p><blink>not an element</blink></p>
</body>
</html>
"""


def _write(directory, name, text):
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_serve_directory_serves_files_and_stops(tmp_path):
    _write(tmp_path, "index.html", GOOD_PAGE)
    with serve_directory(tmp_path) as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/")
        with urllib.request.urlopen(base, timeout=5) as r:
            assert r.status == 200
            assert "國家發展計畫" in r.read().decode("utf-8")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(base + "missing.html", timeout=5)
        assert err.value.code == 404
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(base, timeout=2)


def test_axe_finds_violations_on_bad_page(tmp_path, page):
    _write(tmp_path, "bad.html", BAD_PAGE)
    with serve_directory(tmp_path) as base:
        page.goto(base + "bad.html")
        violations = axe_violations(page)
    ids = {v["id"] for v in violations}
    assert {"image-alt", "html-has-lang"} <= ids, ids
    image_alt = next(v for v in violations if v["id"] == "image-alt")
    assert image_alt["targets"] == ["img"]
    assert image_alt["html"].startswith("<img")
    report = format_violations(violations, base + "bad.html")
    assert "bad.html" in report and "image-alt" in report and "<img src=\"chart.png\">" in report


def test_axe_passes_good_zh_hant_page(tmp_path, page):
    _write(tmp_path, "index.html", GOOD_PAGE)
    with serve_directory(tmp_path) as base:
        page.goto(base)
        violations = axe_violations(page)
    assert violations == [], format_violations(violations, base)


def test_axe_runs_despite_strict_csp(tmp_path, page):
    _write(tmp_path, "csp.html", CSP_BAD_PAGE)
    with serve_directory(tmp_path) as base:
        page.goto(base + "csp.html")
        ids = {v["id"] for v in axe_violations(page)}
    assert "image-alt" in ids


def test_vnu_reports_invalid_html_and_passes_valid(tmp_path):
    good = _write(tmp_path, "good.html", GOOD_PAGE)
    # Spaces and CJK in names must survive the trip through java and back.
    bad = _write(tmp_path, "壞 頁面.html", INVALID_HTML)
    errors = vnu_errors([good, bad])
    assert list(errors) == [bad], format_vnu_errors(errors)
    messages = "\n".join(errors[bad])
    assert "title" in messages  # <head> without <title>
    assert "blink" in messages
    assert all(m.split(":")[0].isdigit() for m in errors[bad]), errors[bad]
    report = format_vnu_errors(errors, root=tmp_path)
    assert "壞 頁面.html" in report


def test_vnu_passes_valid_page_and_directories(tmp_path):
    _write(tmp_path, "index.html", GOOD_PAGE)
    (tmp_path / "sub").mkdir()
    _write(tmp_path / "sub", "index.html", GOOD_PAGE)
    assert vnu_errors([tmp_path]) == {}
    assert format_vnu_errors({}) == ""


def test_vnu_refuses_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        vnu_errors([tmp_path / "nope.html"])
