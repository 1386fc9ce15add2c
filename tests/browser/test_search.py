"""The search page as a citizen uses it, in real Chromium over the built seed site: counts equal what the
plan data says, matches are marked, filters narrow and live in the URL, a result lands on its measure,
synonyms widen a query, and a query that finds nothing suggests related words."""
from __future__ import annotations

import re
import urllib.parse

import pytest

from plansite import config as config_mod, markdown, pipeline, search, site as site_mod
from plansite.errors import Problems
from plansite.synonyms import load_synonyms
from support import REPO, seed_config

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """(documents as (plan, pillar key or "", plain text), synonym groups), straight from the plan data."""
    config = config_mod.load_config(seed_config(tmp_path_factory.mktemp("search-data")))
    model = site_mod.build_site(pipeline.check(config).content, config)
    docs = []
    for plan in model.plans:
        for placed in site_mod.placed_measures(plan):
            key = site_mod.pillar_key(plan.framework, placed.node) if placed.node else ""
            docs.append((plan, key, markdown.plain_text(placed.measure.text)))
        docs += [(plan, "", markdown.plain_text(s.body)) for s in plan.sections if s.body]
    return docs, load_synonyms(REPO / "synonyms.yaml", Problems())


def expected(data, term: str, **only) -> int:
    docs, groups = data
    words = search.expand(search.norm(term), groups)
    return sum(1 for plan, key, text in docs
               if any(w in search.norm(text) for w in words)
               and only.get("agency", plan.agency.slug) == plan.agency.slug
               and only.get("year", plan.year) == plan.year and only.get("pillar", key) == key)


def ask(page, site_url: str, query: str) -> str:
    """Type the query into the search page's field as a user would and wait for the announced count."""
    page.goto(site_url + "search/index.html")
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    page.wait_for_function("() => /筆結果|沒有找到/.test(document.getElementById('search-status').textContent)")
    return page.inner_text("#search-status")


def count(status: str) -> int:
    return int(re.search(r"共找到 (\d+) 筆結果", status).group(1))


@pytest.mark.parametrize("term", ["網", "社", "長照", "社工", "滿意度", "單一窗口", "LINE", "芋筍節"])
def test_counts_equal_the_plan_data(page, site_url, data, term):
    status = ask(page, site_url, term)
    want = expected(data, term)
    assert want > 0
    assert count(status) == want, status
    assert page.get_attribute("#search-status", "role") == "status"
    assert status.startswith(f"「{term}」")
    shown = page.locator("#search-results li").count()
    assert shown == min(want, search.PAGE_SIZE)
    assert page.locator("#search-results li mark").count() >= 1
    if want > search.PAGE_SIZE:
        assert f"目前顯示前 {search.PAGE_SIZE} 筆" in status


def test_highlight_marks_the_term(page, site_url):
    ask(page, site_url, "長照")
    marks = page.locator("#search-results li .ps-result__text mark").all_inner_texts()
    assert marks and all(search.norm(m) in ("長照", "長期照顧") for m in marks)
    first = page.locator("#search-results li").first
    assert re.search(r"\d+ 年：", first.locator("a").inner_text())


def test_filters_narrow_and_live_in_the_url(page, site_url, data):
    total = count(ask(page, site_url, "民眾"))
    page.select_option("#search-year", "113")
    page.wait_for_function("() => /篩選/.test(document.getElementById('search-status').textContent)")
    narrowed = count(page.inner_text("#search-status"))
    assert narrowed == expected(data, "民眾", year=113) < total
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query == {"q": ["民眾"], "year": ["113"]}
    page.select_option("#search-pillar", "six-pillars-3")
    page.wait_for_function("(n) => !document.getElementById('search-status').textContent.includes('共找到 ' + n + ' ')",
                           arg=narrowed)
    assert count(page.inner_text("#search-status")) == expected(data, "民眾", year=113, pillar="six-pillars-3")
    assert "pillar=six-pillars-3" in page.url
    # the URL alone reproduces the filtered search (a shared link)
    shared = page.url
    page.goto(site_url)
    page.goto(shared)
    page.wait_for_function("() => /筆結果|沒有找到/.test(document.getElementById('search-status').textContent)")
    assert page.input_value("#search-year") == "113" and page.input_value("#search-pillar") == "six-pillars-3"
    assert count(page.inner_text("#search-status")) == expected(data, "民眾", year=113, pillar="six-pillars-3")
    agency = "kaohsiung-jiasian-district"
    page.goto(site_url + f"search/index.html?q=%E6%B0%91%E7%9C%BE&agency={agency}")
    page.wait_for_function("() => /筆結果|沒有找到/.test(document.getElementById('search-status').textContent)")
    assert count(page.inner_text("#search-status")) == expected(data, "民眾", agency=agency)
    assert all("甲仙區公所" in t for t in page.locator("#search-results li a").all_inner_texts())


def test_more_results_keep_focus_sensible(page, site_url, data):
    status = ask(page, site_url, "服務")
    assert count(status) > search.PAGE_SIZE
    page.click("#search-more")
    page.wait_for_function(f"() => document.querySelectorAll('#search-results li').length > {search.PAGE_SIZE}")
    focused = page.evaluate("() => document.activeElement.closest('li') && "
                            "[...document.querySelectorAll('#search-results li')].indexOf(document.activeElement.closest('li'))")
    assert focused == search.PAGE_SIZE       # the first of the newly shown results


def test_a_result_lands_on_its_measure_in_view_and_marked(page, site_url):
    ask(page, site_url, "芋筍節")
    link = page.locator("#search-results li a").first
    href = link.get_attribute("href")
    assert re.search(r"#m[0-9-]+$", href)
    link.click()
    page.wait_for_load_state()
    anchor = href.split("#")[1]
    target = page.locator(f"#{anchor}")
    assert "芋筍節" in target.inner_text()
    assert page.evaluate("(id) => document.querySelector(':target') && document.querySelector(':target').id", anchor) == anchor
    box = target.bounding_box()
    viewport = page.viewport_size
    assert box and 0 <= box["y"] < viewport["height"]
    background = page.evaluate("(id) => getComputedStyle(document.getElementById(id)).backgroundColor", anchor)
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def test_synonyms_widen_a_query_and_say_so(page, site_url, data):
    docs, groups = data
    status = ask(page, site_url, "高齡")
    direct = sum(1 for _, _, t in docs if "高齡" in search.norm(t))
    assert count(status) == expected(data, "高齡") > direct
    assert "同義詞" in status
    labels = page.locator("#search-results li .ps-result__meta").all_inner_texts()
    assert any("同義詞" in label for label in labels)
    marks = set(page.locator("#search-results li mark").all_inner_texts())
    assert marks & {"老人", "長輩", "長者"}


def test_a_query_that_finds_nothing_suggests_related_words(page, site_url, data):
    groups = data[1]
    for query in ("偏僻", "網咖"):
        assert "沒有找到結果" in ask(page, site_url, query)
        assert page.locator("#search-suggest a").all_inner_texts() == search.related([search.norm(query)], groups) != []
    status = ask(page, site_url, "老年")
    assert "沒有找到結果" in status
    suggestions = page.locator("#search-suggest a").all_inner_texts()
    assert "老人" in suggestions and suggestions == search.related(["老年"], groups)
    page.click("#search-suggest a >> text=老人")
    page.wait_for_function("() => /筆結果/.test(document.getElementById('search-status').textContent)")
    assert count(page.inner_text("#search-status")) > 0


@pytest.mark.parametrize("width", (375, 1280))
@pytest.mark.parametrize("query", ["長照", "老年", "服務"])
def test_results_pass_axe_and_fit_the_screen(browser, site_url, width, query):
    import tools

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-TW")
    page = context.new_page()
    try:
        ask(page, site_url, query)
        if query == "服務":
            page.click("#search-more")
            page.wait_for_function(f"() => document.querySelectorAll('#search-results li').length > {search.PAGE_SIZE}")
        violations = tools.axe_violations(page)
        assert not violations, tools.format_violations(violations, query)
        assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/search-{query}-{width}.png", full_page=True)
    finally:
        context.close()


def test_filters_work_from_the_keyboard(page, site_url):
    ask(page, site_url, "民眾")
    page.focus("#search-year")
    page.keyboard.press("ArrowDown")          # Chromium changes a closed select's value with the arrow keys
    page.wait_for_function("() => /篩選/.test(document.getElementById('search-status').textContent)")
    assert "year=" in page.url
    assert page.evaluate("() => document.activeElement.id") == "search-year"   # focus stays on the control


SHOTS = __import__("os").environ.get("PLANSITE_SCREENSHOTS")
