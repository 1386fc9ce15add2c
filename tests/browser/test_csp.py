"""Every page carries a strict Content-Security-Policy, and nothing the site does breaks it: each page
kind loads in Chromium with no policy violation and no console error, search still fetches its index,
and the 404 page's inline stylesheet (allowed by its hash) still applies."""
from __future__ import annotations

import re

import pytest

from conftest import PAGE_KINDS

pytestmark = pytest.mark.browser

WATCH = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
  e => window.__violations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-TW")
    context.add_init_script(WATCH)
    page = context.new_page()
    console = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    yield page, console
    context.close()


def test_every_page_has_the_policy(seed_site, site_pages):
    missing = []
    for rel in site_pages:
        head = (seed_site / rel).read_text(encoding="utf-8").split("</head>")[0]
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', head)
        text = policy.group(1).replace("&#39;", "'") if policy else ""
        if not all(d in text for d in ("default-src 'none'", "script-src 'self'", "object-src 'none'", "base-uri 'none'")) \
                or "unsafe-inline" in text or "http" in text or head.index("Content-Security-Policy") > head.index("<script"):
            missing.append(rel)
    assert not missing, "pages without the strict policy before their first script: " + ", ".join(missing)


def test_every_page_kind_loads_without_violation_or_console_error(watched, site_url):
    page, console = watched
    report = []
    for kind, rel in PAGE_KINDS.items():
        console.clear()
        page.goto(site_url + rel)
        page.wait_for_load_state("load")
        violations = page.evaluate("window.__violations")
        if violations or console:
            report.append(f"{kind} ({rel}): {violations} {console}")
    assert not report, "\n".join(report)


def test_search_and_font_size_still_work_under_the_policy(watched, site_url):
    page, console = watched
    page.goto(site_url)
    page.get_by_role("button", name="大").click()
    page.fill("#q", "芋筍節")
    page.keyboard.press("Enter")
    page.wait_for_selector("#search-results li")
    assert "共找到" in page.inner_text("#search-status")
    assert page.evaluate("window.__violations") == [] and console == []


def test_the_404_page_keeps_its_inline_styles(watched, site_url):
    page, console = watched
    page.goto(site_url + "404.html")
    header = page.evaluate("getComputedStyle(document.querySelector('.ps-header')).backgroundColor")
    assert header == "rgb(11, 79, 108)"   # --ps-brand from the inline site.css
    assert page.evaluate("window.__violations") == [] and console == []
