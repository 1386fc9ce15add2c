"""The accessibility mark itself: MODA's 88×31 image, unaltered, with the required alt text, linking to
the MODA record page, at the bottom of the home page only (A11Y-TW.md, 標章核發辦法)."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

import tools
from support import REPO, png, seed_config

pytestmark = pytest.mark.browser

BADGE_ID = "20261125AA01"


@pytest.fixture(scope="module")
def badge_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("badge")
    static = root / "static"
    shutil.copytree(REPO / "static", static)
    badge = png(88, 31, b"\x1f\x4e\x79")
    (static / "badge-aa.png").write_bytes(badge)
    config = seed_config(root, accessibility={"badge_id": BADGE_ID})
    config.write_text(config.read_text(encoding="utf-8").replace(f'static = "{(REPO / "static").as_posix()}"',
                                                                 f'static = "{static.as_posix()}"'), encoding="utf-8")
    out = root / "_site"
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(config), "build", "--out", str(out),
                             "--quiet", "--no-pdf", "--base-url", "https://example.gov.tw/plans/"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (out / "static/badge-aa.png").read_bytes() == badge, "the badge file is published unaltered"
    with tools.serve_directory(out) as base:
        yield base


@pytest.mark.parametrize("width", [375, 1280])
def test_badge_is_88_by_31_with_its_alt_and_moda_link_at_the_bottom_of_the_home_page(browser, badge_site, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(badge_site)
    img = page.locator('footer a[href] img[alt="通過AA無障礙網頁檢測"]')
    assert img.count() == 1
    box = img.bounding_box()
    assert (box["width"], box["height"]) == (88, 31), "shown at its own size, never resized"
    assert page.evaluate("(el) => [el.naturalWidth, el.naturalHeight, el.complete]", img.element_handle()) == [88, 31, True]
    link = page.locator('footer a:has(img[alt="通過AA無障礙網頁檢測"])')
    assert link.get_attribute("href") == f"https://accessibility.moda.gov.tw/Applications/Detail?category={BADGE_ID}"
    assert link.get_attribute("target") == "_blank" and "另開新視窗" in link.get_attribute("title")
    # at the bottom of the home page: below the main content and everything else in the footer
    lowest = page.evaluate("""(img) => Math.max(...[...document.querySelectorAll('footer *')]
        .filter(el => !img.contains(el) && !el.contains(img) && el.getClientRects().length)
        .map(el => el.getBoundingClientRect().bottom))""", img.element_handle())
    main_bottom = page.evaluate("document.querySelector('main').getBoundingClientRect().bottom")
    assert box["y"] >= main_bottom and box["y"] + box["height"] >= lowest - 1
    page.goto(badge_site + "agencies/index.html")
    assert page.locator('img[alt="通過AA無障礙網頁檢測"]').count() == 0, "the home page only"
    page.close()
