"""Nothing moves once shown: cumulative layout shift on every page kind, measured by Chromium's
Layout Instability API, at phone and desktop widths, also with a saved 大 text size; and every
page carries a meta description.

The shift is the sum of every layout-shift entry without recent input from navigation start
until after load (buffered), so a script that reveals or resizes something late (the 字級
buttons, a saved text size applied after first paint) is caught. Lighthouse's figures for the
same pages: benchmarks/lighthouse.py.
"""
from __future__ import annotations

import html.parser

import pytest

from conftest import PAGE_KINDS

pytestmark = pytest.mark.browser

MAX_CLS = 0.05          # "good" is 0.1 (web.dev); we keep half of that as our bar
WIDTHS = {"phone": (375, 667), "desktop": (1280, 800)}

# Collects the shifts recorded since navigation start. Buffered entries reach the observer
# asynchronously, so it answers after two frames and a macrotask.
_MEASURE = """
() => new Promise(resolve => {
  const shifts = [];
  const describe = node => !node ? '' : node.nodeType !== 1 ? node.nodeName :
    node.nodeName.toLowerCase() + (node.id ? '#' + node.id : '') +
    (node.className && typeof node.className === 'string' ? '.' + node.className.trim().split(/\\s+/).join('.') : '');
  const observer = new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      shifts.push({value: entry.value, at: Math.round(entry.startTime),
                   sources: (entry.sources || []).map(s => describe(s.node))});
    }
  });
  observer.observe({type: 'layout-shift', buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
    shifts.push(...observer.takeRecords().filter(e => !e.hadRecentInput)
      .map(e => ({value: e.value, at: Math.round(e.startTime), sources: []})));
    observer.disconnect();
    resolve(shifts);
  }, 50)));
})
"""

_SETTLE = """
async () => {
  await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}
"""


def layout_shifts(browser, url: str, width: int, height: int, saved_size: str | None) -> list[dict]:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-TW")
    if saved_size:
        # as if chosen on an earlier visit: in storage before any of the page's scripts run
        context.add_init_script(f"try {{ localStorage.setItem('ps-font-size', '{saved_size}'); }} catch (e) {{}}")
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        page.evaluate(_SETTLE)
        page.wait_for_timeout(300)   # a short settle for late work; not a timing assertion
        if saved_size:
            assert page.evaluate("document.documentElement.classList.contains('ps-size-large')"), \
                "the saved text size was not applied"
        return page.evaluate(_MEASURE)
    finally:
        context.close()


@pytest.mark.parametrize("saved_size", [None, "large"], ids=["default-size", "saved-large"])
@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
def test_page_does_not_shift_while_loading(browser, site_url, kind, width, saved_size):
    shifts = layout_shifts(browser, site_url + PAGE_KINDS[kind], *WIDTHS[width], saved_size)
    total = sum(s["value"] for s in shifts)
    assert total <= MAX_CLS, f"{kind} at {WIDTHS[width][0]} px: cumulative layout shift {total:.4f} > {MAX_CLS}: {shifts}"


class _Meta(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.descriptions: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "description":
            self.descriptions.append(attrs.get("content") or "")


def test_every_page_has_a_meta_description(seed_site, site_pages):
    found = {}
    for rel in site_pages:
        parser = _Meta()
        parser.feed((seed_site / rel).read_text(encoding="utf-8"))
        found[rel] = parser.descriptions
    assert [rel for rel, d in found.items() if len(d) != 1 or not d[0].strip()] == []
    plans = [d[0] for rel, d in found.items()
             if rel.startswith("agencies/") and rel.count("/") == 3 and rel.split("/")[2].isdigit()]
    assert len(plans) == 5 and len(set(plans)) == 5   # each plan page describes its own plan
