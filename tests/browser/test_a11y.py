"""Accessibility of every page in real headless Chromium: axe-core at phone and desktop widths,
the Nu HTML Checker, reflow at 320 px and 200%/400% zoom, text spacing, keyboard use."""
from __future__ import annotations

import pytest

import tools
from conftest import PAGE_KINDS
from plansite import wcag22
from plansite.a11y_report import CLIPPED, OVERFLOW, TEXT_SPACING  # one definition for the tests and check --a11y

pytestmark = pytest.mark.browser

WIDTHS = (375, 1280)


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_on_any_page(browser, site_url, site_pages, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-TW")
    page = context.new_page()
    report = {}
    for rel in site_pages:
        page.goto(site_url + rel)
        violations = tools.axe_violations(page)
        if violations:
            report[f"{rel} @ {width}px"] = violations
    context.close()
    assert not report, tools.format_axe_report(report)


def test_nu_html_checker_finds_no_error_on_any_page(seed_site, site_pages):
    assert len(site_pages) >= 80
    errors = tools.vnu_errors(seed_site)
    assert not errors, tools.format_vnu_errors(errors, root=seed_site)


@pytest.mark.parametrize("css_width, label", [(320, "320 px"), (640, "1280 px at 200%"), (320, "1280 px at 400%")])
def test_no_horizontal_scrolling(browser, site_url, site_pages, css_width, label):
    # Zooming a 1280 px window to 200% (400%) lays the page out in 640 (320) CSS px.
    context = browser.new_context(viewport={"width": css_width, "height": 800},
                                  device_scale_factor=1280 / css_width if "at" in label else 1)
    page = context.new_page()
    wide = []
    for rel in site_pages:
        page.goto(site_url + rel)
        extra = page.evaluate(OVERFLOW)
        if extra > 0:
            wide.append(f"{rel}: {extra}px wider than the window")
    context.close()
    assert not wide, f"horizontal scrolling at {label}:\n" + "\n".join(wide)


@pytest.mark.parametrize("width", WIDTHS)
def test_text_spacing_override_loses_nothing(browser, site_url, width):
    # the override is a user stylesheet (a reader's extension), outside the page's Content-Security-Policy
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    problems = []
    for kind, rel in PAGE_KINDS.items():
        page.goto(site_url + rel)
        page.add_style_tag(content=TEXT_SPACING)
        if page.evaluate(OVERFLOW) > 0:
            problems.append(f"{rel}: horizontal scrolling")
        clipped = page.evaluate(CLIPPED)
        if clipped:
            problems.append(f"{rel}: clipped {clipped}")
    context.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width, scale", [(375, 1), (1280, 1), (320, 4)], ids=["375px", "1280px", "400%"])
@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
def test_keyboard_walk_reaches_everything_in_order_with_visible_focus(browser, site_url, kind, width, scale):
    """2.1.1, 2.4.3, 2.4.7 and 115.11's 2.4.11: every stop in page order, with an indicator, in view
    and covered by nothing (probed with elementFromPoint at its corners and centre)."""
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=scale)
    page = context.new_page()
    page.goto(site_url + PAGE_KINDS[kind])
    expected = wcag22.focusable_count(page)
    stops = wcag22.tab_walk(page, limit=expected + 1)
    context.close()
    assert stops and stops[0].text == "跳到主要內容", "the skip link must be the first stop"
    assert len(stops) == expected, f"{len(stops)} of {expected} focusable elements reached"
    assert [s.index for s in stops] == sorted(s.index for s in stops), "focus order must follow the page"
    hidden = wcag22.obscured(stops)
    assert not hidden, "focused but hidden (2.4.11):\n" + "\n".join(hidden[:5])
    invisible = [s.describe() for s in stops if not s.indicator]
    assert not invisible, f"no visible focus indicator: {invisible[:3]}"


def test_skip_link_moves_focus_to_the_main_content(page, site_url):
    page.goto(site_url + PAGE_KINDS["plan"])
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_font_size_buttons_work_by_keyboard_and_are_remembered(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site_url + PAGE_KINDS["plan"])
    before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.focus(".ps-fontsize button[data-size=large]")
    page.keyboard.press("Enter")
    after = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert after > before
    assert page.get_attribute(".ps-fontsize button[data-size=large]", "aria-pressed") == "true"
    page.goto(site_url + PAGE_KINDS["unit"])
    assert page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == after
    assert page.evaluate(OVERFLOW) <= 0
    context.close()


def test_without_javascript_every_page_reads_and_controls_stay_hidden(browser, site_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site_url + PAGE_KINDS["plan"])
    assert not page.is_visible(".ps-fontsize")
    assert page.is_visible("noscript p, .ps-noscript")
    assert "訂定機關年度提升服務計畫" in page.inner_text("main")
    context.close()


def test_keyboard_only_walk_from_home_to_a_unit_page_and_back(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(site_url)

    def tab_to(text: str, limit: int = 400) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == text:
                return
        raise AssertionError(f"Tab never reached a link named {text!r}")

    def follow(text: str) -> None:
        tab_to(text)
        with page.expect_navigation():
            page.keyboard.press("Enter")

    follow("機關")
    follow("高雄市甲仙區公所")
    follow("民政課")
    assert page.locator("h1").inner_text().endswith("民政課")
    follow("首頁")
    assert page.locator("h1").inner_text() == "提升服務計畫公開網"
    context.close()


CONTRAST = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
      .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const low = [];
  for (const el of document.querySelectorAll('main p, main li, main td, main th, main dd, main dt, main h1, main h2, main h3')) {
    if (!el.textContent.trim() || !el.getClientRects().length) continue;
    const fg = lum(rgb(getComputedStyle(el).color).slice(0, 3)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    if (ratio < 7) low.push(`${el.tagName.toLowerCase()} ${ratio.toFixed(2)}: ${el.textContent.trim().slice(0, 30)}`);
  }
  return low;
}"""


@pytest.mark.parametrize("kind", ["plan", "plan-scored", "unit", "sub-item", "home"])
def test_body_text_contrast_is_at_least_7_to_1(browser, site_url, kind):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(site_url + PAGE_KINDS[kind])
    low = page.evaluate(CONTRAST)
    page.close()
    assert low == [], low[:5]


@pytest.mark.parametrize("kind", ["plan", "plan-scored"])
def test_plan_table_keeps_its_header_semantics_on_phones(browser, site_url, kind):
    """Chromium's accessibility tree, not the markup: stacking the cells on a phone must not
    turn the table into plain text for screen readers."""
    trees = {}
    for width in (375, 1280):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.goto(site_url + PAGE_KINDS[kind])
        cdp = page.context.new_cdp_session(page)
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
        counts = {}
        for node in nodes:
            role = node.get("role", {}).get("value")
            if role in ("table", "columnheader", "rowheader", "cell", "LayoutTable", "LayoutTableCell"):
                counts[role] = counts.get(role, 0) + 1
        trees[width] = counts
        snapshot = page.locator("table.ps-table").aria_snapshot()
        page.close()
        assert snapshot.startswith("- table ")
    assert trees[375].get("table") == 1 and "LayoutTable" not in trees[375]
    assert trees[375]["columnheader"] == trees[1280]["columnheader"] >= 4
    assert trees[375]["rowheader"] == trees[1280]["rowheader"] > 0
    assert trees[375]["cell"] > 0


# ---- overview pages (issue 15): charts and their tables -----------------------------------------

def _overview_pages(seed_site) -> list[str]:
    """Every overview page and every agency page (each carries its own small chart)."""
    pages = [p.relative_to(seed_site).as_posix() for p in sorted((seed_site / "overview").rglob("index.html"))]
    pages += [p.relative_to(seed_site).as_posix() for p in sorted((seed_site / "agencies").glob("*/index.html"))]
    return pages


@pytest.mark.parametrize("width", WIDTHS)
def test_overview_pages_axe_finds_no_violation(browser, site_url, seed_site, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-TW")
    page = context.new_page()
    report = {}
    pages = _overview_pages(seed_site)
    assert len(pages) >= 10
    for rel in pages:
        page.goto(site_url + rel)
        assert page.locator("svg[role=img][data-figure], table[data-figure][data-chart=none]").count() >= 1, rel
        violations = tools.axe_violations(page)
        if violations:
            report[f"{rel} @ {width}px"] = violations
    context.close()
    assert not report, tools.format_axe_report(report)


def test_overview_pages_pass_the_nu_checker_and_the_mark_markup_checks(seed_site):
    from plansite import a11y

    pages = _overview_pages(seed_site)
    errors = tools.vnu_errors([seed_site / rel for rel in pages])
    assert not errors, tools.format_vnu_errors(errors, root=seed_site)
    findings = [f for rel in pages for f in a11y.check_page(rel, (seed_site / rel).read_text(encoding="utf-8"))]
    assert not findings, "\n".join(findings)


@pytest.mark.parametrize("css_width, scale", [(320, 1), (375, 1), (640, 2), (320, 4)],
                         ids=["320px", "375px", "1280px-200%", "1280px-400%"])
def test_overview_charts_reflow_without_scrolling_and_keep_targets_large(browser, site_url, seed_site, css_width, scale):
    context = browser.new_context(viewport={"width": css_width, "height": 800}, device_scale_factor=scale)
    page = context.new_page()
    problems = []
    for rel in _overview_pages(seed_site):
        page.goto(site_url + rel)
        extra = page.evaluate(OVERFLOW)
        if extra > 0:
            problems.append(f"{rel}: {extra}px wider than the window")
        wide = page.evaluate("""() => [...document.querySelectorAll('svg[data-figure]')]
            .filter(svg => svg.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
            .map(svg => svg.dataset.figure)""")
        problems += [f"{rel}: chart {fig} wider than the window" for fig in wide]
        _count, small = wcag22.small_targets(page)
        problems += [f"{rel}: {s}" for s in small]
    context.close()
    assert not problems, "\n".join(problems)


def test_overview_chart_text_is_not_shrunk_on_a_phone(browser, site_url, seed_site):
    """At 375 px every chart shows its text at 14 px or more (drawn at FONT user units, scaled to the
    width it gets): as large as the page's small text, not the 10 px a wide chart shrank to."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    small = []
    for rel in _overview_pages(seed_site):
        page.goto(site_url + rel)
        small += [f"{rel}: {fig} text {px:.1f}px" for fig, px in page.evaluate("""() =>
            [...document.querySelectorAll('svg[data-figure]')].map(svg => [svg.dataset.figure,
              Number(svg.getAttribute('font-size')) * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width])""")
                  if px < 14]
    context.close()
    assert not small, "\n".join(small)


def test_overview_charts_print_on_a4_with_their_tables(browser, site_url):
    """Printed: every chart and table shows, within the A4 text width (about 186 mm at 96 dpi),
    and the page keeps the colours of the charts (print-color-adjust: exact)."""
    page = browser.new_page(viewport={"width": 700, "height": 1000})
    page.emulate_media(media="print")
    page.goto(site_url + PAGE_KINDS["overview"])
    state = page.evaluate("""() => [...document.querySelectorAll('svg[data-figure]')].map(svg => ({
        fig: svg.dataset.figure, width: svg.getBoundingClientRect().width,
        shown: getComputedStyle(svg).display !== 'none' && svg.getBoundingClientRect().height > 0,
        colours: getComputedStyle(svg).printColorAdjust,
        table: !!document.querySelector(`table[data-figure="${svg.dataset.figure}"]`)}))""")
    page.close()
    assert state and all(s["shown"] and s["table"] and s["colours"] == "exact" for s in state), state
    assert all(s["width"] <= 703 for s in state), state
