"""What 115.11 (WCAG 2.2) added, proven in Chromium on every page kind: focus never hidden (2.4.11),
targets of at least 24 px (2.5.8), 聯絡我們 in the same place on every page (3.2.6), and no drag,
login or multi-step form (2.5.7, 3.3.7, 3.3.8). Each check is also shown to catch a broken page."""
from __future__ import annotations

import pytest

from conftest import PAGE_KINDS
from plansite import wcag22

pytestmark = pytest.mark.browser

# (CSS width, device scale): phone, desktop, and a 1280 px window at 400% zoom
LAYOUTS = {"375px": (375, 1), "1280px": (1280, 1), "400%": (320, 4)}


def _page(browser, layout: str, js: bool = True):
    width, scale = LAYOUTS[layout]
    context = browser.new_context(viewport={"width": width, "height": 800}, device_scale_factor=scale,
                                  java_script_enabled=js, locale="zh-TW")
    context.add_init_script(wcag22.INIT_SCRIPT)
    return context, context.new_page()


@pytest.mark.parametrize("layout", ["375px", "1280px"])
@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
def test_in_page_links_and_the_skip_link_land_in_view_uncovered(browser, site_url, kind, layout):
    context, page = _page(browser, layout)
    page.goto(site_url + PAGE_KINDS[kind])
    findings = wcag22.fragment_targets(page)
    context.close()
    assert not findings, "\n".join(findings)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
def test_every_pointer_target_is_at_least_24px_or_spaced(browser, site_url, kind, layout):
    context, page = _page(browser, layout)
    page.goto(site_url + PAGE_KINDS[kind])
    count, small = wcag22.small_targets(page)
    context.close()
    assert count >= 10, "the header, footer and content links are measured"
    assert not small, "\n".join(small)


@pytest.mark.parametrize("layout", ["375px", "1280px"])
def test_targets_stay_24px_with_the_small_text_size(browser, site_url, layout):
    """The header's 小 text size shrinks everything sized in rem: the likeliest way under 24 px."""
    context, page = _page(browser, layout)
    context.add_init_script("localStorage.setItem('ps-font-size', 'small')")
    findings = []
    for kind, rel in sorted(PAGE_KINDS.items()):
        page.goto(site_url + rel)
        assert page.evaluate("document.documentElement.classList.contains('ps-size-small')")
        findings += [f"{kind}: {s}" for s in wcag22.small_targets(page)[1]]
    context.close()
    assert not findings, "\n".join(findings)


@pytest.mark.parametrize("layout", ["375px", "400%"])
def test_the_open_phone_menu_keeps_targets_large_and_focus_uncovered(browser, site_url, layout):
    context, page = _page(browser, layout)
    page.goto(site_url + PAGE_KINDS["plan"])
    toggle = page.locator(".ps-menu-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and page.locator(".ps-nav").is_visible()
    _, small = wcag22.small_targets(page)
    stops = wcag22.tab_walk(page, limit=40)
    context.close()
    assert not small, "\n".join(small)
    assert any(s.text == "年度" for s in stops), "the open menu's links are in the Tab order"
    hidden = wcag22.obscured(stops)
    assert not hidden, "\n".join(hidden)


def test_contact_link_keeps_its_place_among_header_and_footer_links_on_every_page(browser, site_url, site_pages):
    context, page = _page(browser, "1280px")
    positions = {}
    for rel in site_pages:
        page.goto(site_url + rel)
        positions[rel] = wcag22.help_position(wcag22.help_links(page))
    context.close()
    missing = [rel for rel, pos in positions.items() if pos is None]
    assert not missing, f"no single 聯絡我們 link on: {missing[:5]}"
    # counted from the end too: the home page's badge or a page's own links may not shift it
    assert len({pos[1] for pos in positions.values()}) == 1, positions


@pytest.mark.parametrize("layout", ["375px", "1280px"])
def test_contact_link_is_in_the_footer_on_phones_too(browser, site_url, layout):
    context, page = _page(browser, layout)
    page.goto(site_url + PAGE_KINDS["plan"])
    link = page.locator("footer a", has_text="聯絡我們")
    assert link.is_visible()
    with page.expect_navigation():
        link.click()
    assert page.locator("h1").inner_text() == "聯絡我們"
    assert "plans@example.gov.tw" in page.inner_text("main")
    context.close()


def test_no_page_has_drag_handlers_password_fields_or_forms_beyond_search(browser, site_url, site_pages):
    context, page = _page(browser, "1280px")
    findings = []
    for rel in site_pages:
        page.goto(site_url + rel)
        findings += [f"{rel}: {f}" for f in wcag22.interaction_findings(page)]
    context.close()
    assert not findings, "\n".join(findings)


# ---- each check catches the fault it is for ----

BROKEN = """<!DOCTYPE html><html lang="zh-Hant-TW"><head><meta charset="utf-8"><title>t</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{css}</style></head>
<body><header><a href="#main">跳到主要內容</a></header><main id="main">{body}</main>
<footer><a href="/sitemap/">網站導覽</a>{footer}</footer></body></html>"""
LINKS = "".join(f'<p><a href="/p{i}/">計畫連結 {i}</a></p>' for i in range(40))


def _broken(page, css="", body=LINKS, footer='<a href="/contact/">聯絡我們</a>'):
    page.set_content(BROKEN.format(css=css, body=body, footer=footer))


def test_a_sticky_footer_covering_focus_is_caught(browser):
    context, page = _page(browser, "1280px")
    _broken(page, css="footer { position: fixed; bottom: 0; left: 0; right: 0; height: 6rem; background: #eee; }"
                      "p { margin: 0; line-height: 2; }")
    stops = wcag22.tab_walk(page)
    hidden = wcag22.obscured(stops)
    context.close()
    assert len(stops) == 43
    assert any(" covered：" in h and "footer" in h for h in hidden), hidden


def test_a_sticky_header_covering_an_in_page_target_is_caught(browser):
    context, page = _page(browser, "1280px")
    _broken(page, css="header { position: sticky; top: 0; height: 5rem; background: #eee; }",
            body='<p><a href="#far">到下方</a></p><div style="height: 3000px"></div><h2 id="far">下方</h2>'
                 '<div style="height: 3000px"></div>')
    findings = wcag22.fragment_targets(page)
    context.close()
    assert any("#far: covered" in f and "header" in f for f in findings), findings


def test_a_16px_button_beside_another_is_caught_but_a_link_in_a_sentence_is_not(browser):
    context, page = _page(browser, "1280px")
    _broken(page, body='<p><button style="width: 1rem; height: 1rem; padding: 0">小</button>'
                       '<button style="width: 1rem; height: 1rem; padding: 0">中</button></p>'
                       '<p style="font-size: 0.75rem">詳見<a href="/x/">說明</a>與附件。</p>')
    count, small = wcag22.small_targets(page)
    context.close()
    assert count == 6
    assert len(small) == 2 and all("16×16 px" in s for s in small), small


def test_a_page_missing_the_contact_link_is_caught(browser):
    context, page = _page(browser, "1280px")
    _broken(page, footer="")
    assert wcag22.help_position(wcag22.help_links(page)) is None
    _broken(page, footer='<a href="/contact/">聯絡我們</a><a href="/privacy/">隱私權</a>')
    moved = wcag22.help_position(wcag22.help_links(page))
    _broken(page)
    assert wcag22.help_position(wcag22.help_links(page)) != moved
    context.close()


def test_a_drag_handler_a_password_field_and_a_second_form_are_caught(browser):
    context, page = _page(browser, "1280px")
    page.goto("about:blank")
    _broken(page, body='<div id="d" draggable="true">拖曳</div><form><label>密碼<input type="password"></label></form>'
                       '<form role="search"><label>搜尋<input type="search"></label><label>第二步<input></label></form>'
                       '<script>document.addEventListener("pointermove", () => {});</script>')
    findings = wcag22.interaction_findings(page)
    context.close()
    codes = [f.split()[0] for f in findings]
    assert codes.count("FA2250700E") == 2 and "HM2330800E" in codes and codes.count("GN1330700E") == 2, findings
