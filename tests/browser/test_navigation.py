"""A citizen's way through the site in real Chromium: every page kind at phone and desktop width,
links from home to a unit page and back, search."""
from __future__ import annotations

import os
import pathlib

import pytest

from conftest import PAGE_KINDS

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("PLANSITE_SCREENSHOTS")  # set to a folder to keep the screenshots for a look


@pytest.mark.parametrize("width", (375, 1280))
def test_every_page_kind_opens_cleanly(browser, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-TW")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for kind, rel in PAGE_KINDS.items():
        if kind == "404":  # served at any address, it loads its script from the production URL
            continue
        response = page.goto(site_url + rel)
        assert response.ok, (rel, response.status)
        assert page.locator("h1").count() == 1 and page.locator("h1").is_visible(), rel
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), rel
        if SHOTS:
            pathlib.Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{kind}-{width}.png")
    context.close()
    assert errors == []


def test_a_measure_on_a_phone_reads_without_sideways_scrolling(browser, site_url):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site_url + PAGE_KINDS["plan"])
    cell = page.locator("td", has_text="SOP登載於本中心網站").first
    box = cell.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 375
    # the column title is shown before the cell, so the header association stays visible
    label = cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert label.startswith('"具體作法"')   # shown; its alt text ("") keeps screen readers from hearing it twice
    context.close()


def test_from_home_to_a_unit_page_and_back(page, site_url):
    page.goto(site_url)
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="機關").click()
    assert page.locator("h1").inner_text() == "機關列表"
    page.get_by_role("link", name="高雄市甲仙區公所").click()
    assert page.locator("h1").inner_text() == "高雄市甲仙區公所"
    page.get_by_role("link", name="114年度提升服務執行計畫").click()
    assert "114年度提升服務執行計畫" in page.locator("h1").inner_text()
    page.locator("#units").locator("xpath=..").get_by_role("link", name="民政課").click()
    assert page.locator("h1").inner_text().endswith("民政課")
    assert page.get_by_text("辦理甲仙芋筍節地方特色活動", exact=False).count() >= 1
    crumbs = page.get_by_role("navigation", name="麵包屑")
    crumbs.get_by_role("link", name="甲仙區公所", exact=True).click()   # 首頁 › 機關列表 › 高雄市政府 › 甲仙區公所
    assert page.locator("h1").inner_text() == "高雄市甲仙區公所"
    page.get_by_role("navigation", name="麵包屑").get_by_role("link", name="首頁").click()
    assert page.url.rstrip("/").endswith(("index.html", site_url.rstrip("/").rsplit("/", 1)[-1]))
    assert page.locator("h1").inner_text() == "提升服務計畫公開網"


def test_search_finds_a_measure_in_chinese(page, site_url):
    page.goto(site_url)
    page.fill("#q", "芋筍節")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    status = page.inner_text("#search-status")
    assert "共找到" in status
    first = page.locator("#search-results li a").first
    assert "高雄市甲仙區公所" in first.inner_text()
    first.click()
    assert "甲仙區公所" in page.locator("h1").inner_text()


def test_plan_pages_link_to_other_years_of_the_same_agency(tmp_path, browser):
    import shutil
    import subprocess
    import sys

    import tools

    plans = tmp_path / "plans"
    shutil.copytree(tools.REPO_ROOT / "plans", plans)
    older = plans / "kaohsiung-senior-center/112.yaml"
    text = (plans / "kaohsiung-senior-center/113.yaml").read_text(encoding="utf-8")
    older.write_text(text.replace("year: 113", "year: 112").replace("113年度", "112年度"), encoding="utf-8")
    toml = (tools.REPO_ROOT / "site.toml").read_text(encoding="utf-8") + "\n[paths]\n" + "\n".join(
        f'{k} = "{(tools.REPO_ROOT / k).as_posix()}"' for k in ("frameworks", "templates", "static")) + \
        f'\nplans = "{plans.as_posix()}"\n'
    (tmp_path / "site.toml").write_text(toml, encoding="utf-8")
    out = tmp_path / "_site"
    result = subprocess.run([sys.executable, str(tools.REPO_ROOT / "build.py"), "--config", str(tmp_path / "site.toml"),
                             "build", "--out", str(out), "--quiet", "--base-url", "https://plans.example.gov.tw/", "--no-pdf"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with tools.serve_directory(out) as base:
        page = browser.new_page()
        page.goto(base + "agencies/kaohsiung-senior-center/113/")
        page.get_by_role("link", name="上一年度：112 年計畫").click()
        assert "112年度" in page.locator("h1").inner_text()
        page.get_by_role("link", name="下一年度：113 年計畫").click()
        assert "113年度" in page.locator("h1").inner_text()
        page.get_by_role("link", name="與 112 年比較：新增、刪除與修改的作法").click()
        assert page.locator("h1").inner_text().endswith("112 年與 113 年計畫比較")
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            assert tools.axe_violations(page) == []
        page.close()
    errors = tools.vnu_errors([out / "agencies/kaohsiung-senior-center/113/compare/index.html"])
    assert not errors, tools.format_vnu_errors(errors)
