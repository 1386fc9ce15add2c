"""Layout in real Chromium: the content table keeps its measures column (具體作法) readable at
every width, text size and zoom; the header stays compact on phones, its 選單 (menu) button
works by keyboard and the navigation shows without JavaScript; every pillar leads back to the
table of contents."""
from __future__ import annotations

import pytest

from conftest import PAGE_KINDS

pytestmark = pytest.mark.browser

READABLE_EM = 16     # the measures column, in em of its own text, when the table is a real table
READABLE_PX = 240
SIZES = ("small", "medium", "large")
# Window widths 320…1920 px, every 64 px and the tablet widths where the table used to squeeze.
WINDOW_WIDTHS = sorted({*range(320, 1921, 64), 768, 800, 853, 1920})
ZOOMS = (1, 2, 4)    # 100 %, 200 %, 400 %: the page is laid out in width / zoom CSS px


def _context(browser, width, size=None, zoom=1, javascript=True):
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=zoom,
                                  java_script_enabled=javascript, locale="zh-TW")
    if size:
        context.add_init_script(f"try {{ localStorage.setItem('ps-font-size', {size!r}); }} catch (e) {{}}")
    return context


# The measures cells are the td whose headers name the 具體作法 column header.
MEASURES = """() => {
  const table = document.querySelector('table.ps-table');
  const head = [...table.querySelectorAll('thead th')].find(th => th.textContent.trim() === '具體作法');
  const cells = [...table.querySelectorAll('td')]
      .filter(td => (td.getAttribute('headers') || '').split(/\\s+/).includes(head.id) && td.getClientRects().length);
  const wrap = table.parentElement.getBoundingClientRect();
  return {
    count: cells.length,
    stacked: cells.map(td => getComputedStyle(td).display === 'block' &&
                            Math.abs(td.getBoundingClientRect().width - table.getBoundingClientRect().width) < 1),
    widths: cells.map(td => td.getBoundingClientRect().width),
    em: cells.map(td => parseFloat(getComputedStyle(td).fontSize)),
    label: cells.map(td => td.dataset.label),
    overflow: table.getBoundingClientRect().width - wrap.width,
    rootPx: parseFloat(getComputedStyle(document.documentElement).fontSize),
  };
}"""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("kind", ["plan", "plan-scored"])
def test_measures_column_is_stacked_or_readable_at_every_width(browser, site_url, kind, size):
    problems, seen = [], set()
    for zoom in ZOOMS:
        context = _context(browser, 1280, size, zoom)
        page = context.new_page()
        page.goto(site_url + PAGE_KINDS[kind])
        for window in WINDOW_WIDTHS:
            css = window // zoom
            if css < 320:
                continue
            page.set_viewport_size({"width": css, "height": 800})
            m = page.evaluate(MEASURES)
            where = f"{window} px window at {zoom * 100}% ({css} CSS px), {size} text"
            assert m["count"] > 0 and set(m["label"]) == {"具體作法"}, where
            if m["overflow"] > 1:
                problems.append(f"{where}: table {m['overflow']:.0f} px wider than its box")
            if all(m["stacked"]):
                seen.add("stacked")
                continue
            seen.add("table")
            narrowest = min(zip(m["widths"], m["em"]))
            if narrowest[0] < max(READABLE_EM * narrowest[1], READABLE_PX):
                problems.append(f"{where}: 具體作法 column {narrowest[0]:.0f} px wide "
                                f"({narrowest[0] / narrowest[1]:.1f}em)")
        context.close()
    assert not problems, "\n".join(problems)
    assert seen == {"stacked", "table"}, f"expected both layouts across the range, saw {seen}"


def test_a_printed_plan_is_a_real_table(browser, site_url):
    page = browser.new_page(viewport={"width": 703, "height": 1000})   # A4 less the margins, at 96 dpi
    page.emulate_media(media="print")
    page.goto(site_url + PAGE_KINDS["plan-scored"])
    displays = [page.locator(selector).first.evaluate("el => getComputedStyle(el).display")
                for selector in ("table.ps-table", "table.ps-table thead", "table.ps-table td")]
    assert displays == ["table", "table-header-group", "table-cell"]
    assert page.locator(".ps-table__back").first.is_hidden()
    page.close()


HEADER = "() => document.querySelector('header.ps-header').getBoundingClientRect().height"


@pytest.mark.parametrize("size, limit", [("small", 150), ("medium", 150), ("large", 190)])
def test_the_header_is_compact_on_a_phone(browser, site_url, size, limit):
    context = _context(browser, 375, size)
    page = context.new_page()
    page.goto(site_url + PAGE_KINDS["plan"])
    assert page.evaluate(HEADER) < limit
    # the navigation waits behind 選單; search stays in view
    assert page.get_by_role("button", name="選單").is_visible()
    assert page.get_by_role("navigation", name="主選單").is_hidden()
    assert page.locator("#q").is_visible()
    # skip link first, then the U brick; both bricks still in the header, shown when focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "ps-skip"
    for brick in ("AU", "AS"):
        page.focus(f"#{brick}")
        box = page.locator(f"#{brick}").bounding_box()
        assert page.evaluate(f"!!document.getElementById('{brick}').closest('header')")
        assert box["width"] >= 24 and box["height"] >= 24 and box["y"] >= 0
    context.close()


def test_the_menu_button_opens_and_closes_the_navigation_by_keyboard(browser, site_url):
    context = _context(browser, 320)
    page = context.new_page()
    page.goto(site_url + PAGE_KINDS["unit"])
    toggle = page.get_by_role("button", name="選單")
    nav = page.get_by_role("navigation", name="主選單")
    box = toggle.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    # Tab order: skip link, U brick, site name, 選單
    for _ in range(4):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "選單"
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.getElementById(document.activeElement.getAttribute('aria-controls'))"
                         ".contains(document.querySelector('nav[aria-label=主選單]'))")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and nav.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "機關"
    for link in nav.get_by_role("link").all():
        box = link.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and nav.is_hidden()
    assert page.evaluate("document.activeElement.textContent.trim()") == "選單"
    page.keyboard.press("Space")
    assert toggle.get_attribute("aria-expanded") == "true" and nav.is_visible()
    page.keyboard.press("Space")
    assert nav.is_hidden()
    context.close()


@pytest.mark.parametrize("width", (375, 1280))
def test_without_javascript_the_navigation_shows_and_the_buttons_do_not(browser, site_url, width):
    context = _context(browser, width, javascript=False)
    page = context.new_page()
    page.goto(site_url + PAGE_KINDS["home"])
    assert page.get_by_role("navigation", name="主選單").get_by_role("link", name="機關").is_visible()
    assert page.locator(".ps-menu-toggle").is_hidden()
    assert page.locator(".ps-fontsize").is_hidden()
    context.close()


def test_on_a_wide_screen_the_navigation_needs_no_menu_button(browser, site_url):
    context = _context(browser, 1280)
    page = context.new_page()
    page.goto(site_url + PAGE_KINDS["home"])
    assert page.get_by_role("navigation", name="主選單").is_visible()
    assert page.locator(".ps-menu-toggle").is_hidden()
    assert page.locator(".ps-fontsize").is_visible()
    assert page.evaluate(HEADER) < 120
    context.close()


@pytest.mark.parametrize("width", (375, 1280))
@pytest.mark.parametrize("kind", ["plan", "plan-scored"])
def test_every_pillar_leads_back_to_the_table_of_contents(browser, site_url, kind, width):
    context = _context(browser, width)
    page = context.new_page()
    page.goto(site_url + PAGE_KINDS[kind])
    pillars = page.locator("table.ps-table tbody:has(th[scope=rowgroup] .ps-table__xref)")
    links = page.locator("table.ps-table tbody tr:last-child a[href='#toc-title']")
    assert links.count() == pillars.count() >= 5
    for link in links.all():
        assert link.inner_text().strip().endswith("回到目錄")
        box = link.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
    links.last.click()
    assert page.evaluate("document.getElementById('toc-title').getBoundingClientRect().top") < 100
    context.close()
