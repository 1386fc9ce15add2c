"""Hostile text that `check` accepts (it refuses HTML, script links, bidi and zero-width characters)
is published as text: a project whose every text field carries quotes, «<», Jinja-looking braces,
entity-encoded script links, HTML in code spans, attribute breakers and very long unbroken strings
builds, and its pages open in Chromium with no script run, no dialog and no page error."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import tools
from support import REPO, make_project

pytestmark = pytest.mark.browser

MARK = "window.__pwned=1"
BREAK_ATTR = f'" onmouseover="{MARK}" x="'
BREAK_SQ = f"' onfocus='{MARK}' autofocus '"
JINJA = "{{ 7*7 }} {% for x in range(3) %}{{ x }}{% endfor %} ${7*7} #{7*7} {{ config }}"
LONG = "超長字串" * 300 + "A" * 2000

# Every hostile text the site publishes, as YAML values (json.dumps: a valid double-quoted YAML scalar).
HOSTILE = {
    "title": f"114年度計畫 {BREAK_ATTR} {JINJA} & < > ＜中心＞",
    "section": f"依據{BREAK_SQ}",
    "body": "\n\n".join([
        "程式碼：`&lt;script&gt;" + MARK + "&lt;/script&gt;` 與 `{{ config }}` 與 `\"'`",
        f"[看起來像連結](&#106;avascript:{MARK}) 與 [編碼](jav&#x09;ascript:{MARK})",
        f'[官網](https://example.gov.tw/?q=%22%3E%3Cscript%3E "標題\\" onmouseover=\\"{MARK}")',
        "比較：1 < 2 且 3 > 2；a<b; x <中心> y; &amp;lt;b&amp;gt; \\<i\\>",
        LONG,
    ]),
    "measure": f"{BREAK_ATTR}{JINJA}",
    "measure2": f"`&lt;img src=x onerror={MARK}&gt;` 與 ＜img＞ 及 {BREAK_ATTR}",
    "note": f"單位(機關)：{BREAK_SQ} </ {LONG[:200]}",
}


def _plan() -> str:
    q = json.dumps
    return f"""year: 114
title: {q(HOSTILE["title"])}
framework: six-pillars
approval:
  date: 113/03/05
  document: {q("高市" + BREAK_ATTR + "字第1號")}
sections:
  - title: {q(HOSTILE["section"])}
    body: {q(HOSTILE["body"])}
  - title: 計畫內容
    content: true
content:
  note: {q(HOSTILE["note"])}
  opening:
    title: {q("訂定「" + BREAK_SQ + "」")}
    focus: {q(JINJA)}
    measures:
      - {q(HOSTILE["measure"])}
    units: [行政課]
  pillars:
    - code: 1
      items:
        - code: "1.1"
          title: {q("項目" + BREAK_ATTR)}
          groups:
            - heading: {q("小標" + JINJA)}
              measures:
                - {q(HOSTILE["measure2"])}
                - text: {q(LONG)}
                  deadline: {q("114/12/31" + BREAK_SQ)}
          units: [{q('服務"課' + "'")}]
"""


AGENCY = f"""name: {json.dumps('測試"中心' + "'" + JINJA)}
full_name: {json.dumps("測試市政府社會局" + BREAK_ATTR)}
government: 測試市政府
parent: [{json.dumps("社會局 " + BREAK_SQ)}]
contact:
  website: {json.dumps("https://example.gov.tw/" + BREAK_ATTR)}
  address: {json.dumps("高雄市 " + JINJA)}
units:
  - name: 行政課
    slug: admin-section
    description: {json.dumps(BREAK_SQ + LONG[:300])}
  - name: {json.dumps('服務"課' + "'")}
    slug: service-section
"""

CONTACT_URL = "https://example.gov.tw/contact/?q=\"'><b>{{x}}"
SITE_TOML = f"""[site]
name = {json.dumps("測試網站</title><script>" + MARK + "</script>")}
owner = {json.dumps("測試機關" + BREAK_ATTR)}
base_url = "https://example.gov.tw/plans/"
description = {json.dumps('"><img src=x onerror=' + MARK + "> " + JINJA)}
[contact]
url = {json.dumps(CONTACT_URL)}
address = {json.dumps("</script><script>" + MARK + "</script>")}
email = {json.dumps("a@example.gov.tw" + BREAK_SQ)}
[paths]
frameworks = "{(REPO / "frameworks").as_posix()}"
templates = "{(REPO / "templates").as_posix()}"
static = "{(REPO / "static").as_posix()}"
"""

PAGES = ["index.html", "agencies/index.html", "years/index.html", "agencies/test-agency/index.html",
         "agencies/test-agency/114/index.html", "agencies/test-agency/units/admin-section/index.html",
         "agencies/test-agency/units/service-section/index.html", "frameworks/six-pillars/1/index.html",
         "frameworks/six-pillars/1-1/index.html", "search/index.html", "contact/index.html", "sitemap/index.html",
         "404.html"]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("hostile"), {"plans/test-agency/114.yaml": _plan(),
                                                             "plans/test-agency/agency.yaml": AGENCY},
                       site_toml=SITE_TOML)
    check = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "check"],
                           cwd=root, capture_output=True, text=True)
    assert check.returncode == 0, "every hostile text here must be accepted:\n" + check.stderr
    out = root / "_site"
    built = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "build",
                            "--out", str(out), "--no-pdf", "--quiet"], cwd=root, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    return out


# Markup the hostile text would have made, had any of it been parsed as HTML
INJECTED = """() => [
  ...[...document.querySelectorAll('[onmouseover], [onfocus], [onerror], [autofocus], img[src="x"]')]
      .map(e => e.outerHTML.slice(0, 80)),
  ...[...document.scripts].filter(s => !s.src).map(s => 'inline script: ' + s.textContent.slice(0, 80)),
]"""


def test_no_script_runs_and_no_dialog_opens_on_any_page(browser, hostile_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-TW")
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        with tools.serve_directory(hostile_site) as base:
            for rel in PAGES:
                page.goto(base + rel)
                page.wait_for_load_state("load")
                page.mouse.move(200, 200)
                for link in page.locator("main a").all()[:20]:   # hover and focus what could carry a handler
                    link.hover(timeout=2000, force=True)
                    link.focus()
                assert page.evaluate("typeof window.__pwned") == "undefined", f"a script ran on {rel}"
                injected = page.evaluate(INJECTED)
                assert not injected, (rel, injected)
                hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.getAttribute('href'))")
                assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))], rel
            page.goto(base + "search/index.html?q=script")
            page.wait_for_load_state("networkidle")
            assert page.evaluate("typeof window.__pwned") == "undefined", "a script ran from search results"
    finally:
        context.close()
    assert not dialogs, dialogs
    assert not errors, errors


def test_the_hostile_text_is_visible_as_written(browser, hostile_site):
    context = browser.new_context(locale="zh-TW")
    page = context.new_page()
    try:
        with tools.serve_directory(hostile_site) as base:
            page.goto(base + "agencies/test-agency/114/index.html")
            text = page.inner_text("main")
            assert "{{ 7*7 }}" in text and "{% for x in range(3) %}" in text, "Jinja-looking text is shown, not run"
            assert "1 < 2 且 3 > 2" in text and "<中心>" in text and "＜img＞" in text
            assert "&lt;script&gt;" + MARK in text, "a code span shows its text as written"
            assert BREAK_ATTR.strip() in text and LONG[-50:] in text
            assert "</title><script>" + MARK in page.title()
            width = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert width <= 0, f"a long unbroken string widens the page by {width}px"
    finally:
        context.close()
