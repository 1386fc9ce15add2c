"""Every page's meta description comes from its own data: present, plain, short, and telling pages apart."""
from __future__ import annotations

import collections

import pytest

from plansite import descriptions, pipeline, site as site_mod
from plansite.config import load_config
from support import REPO


@pytest.fixture(scope="module")
def model():
    config = load_config(REPO / "site.toml")
    return site_mod.build_site(pipeline.check(config).content, config)


def test_every_page_has_a_short_plain_description(model):
    kinds = {page.kind for page in model.pages}
    assert kinds >= {"home", "agencies", "years", "frameworks", "framework", "search", "sitemap", "accessibility",
                     "privacy", "opendata", "notfound", "agency", "plan", "unit", "pillar", "overview"}
    for page in model.pages:
        text = page.description
        assert text, page.url
        assert len(text) <= descriptions.LIMIT, (page.url, len(text))
        assert not any(c in text for c in "<>\n*#"), (page.url, text)   # no HTML, no Markdown, one line


def test_no_two_pages_share_a_description(model):
    counts = collections.Counter(page.description for page in model.pages)
    assert [text for text, n in counts.items() if n > 1] == []


def test_plan_description_names_agency_year_title_counts_and_goal(model):
    page = next(p for p in model.pages if p.url == "agencies/kaohsiung-jiasian-district/114/")
    assert page.description.startswith("高雄市甲仙區公所114年度提升服務執行計畫：6個構面、")
    assert "項具體作法" in page.description
    assert "計畫目標：便捷服務遞送，確保效能與公平並重，發展適性的正確服務。" in page.description
    scored = next(p for p in model.pages if p.url == "agencies/penghu-social-affairs/107/")
    assert scored.description.startswith("澎湖縣政府社會處107年度提升服務品質執行計畫：6個執行策略、")


def test_other_page_kinds_say_what_the_page_holds(model):
    by_url = {p.url: p.description for p in model.pages}
    assert by_url["agencies/kaohsiung-senior-center/"].startswith("高雄市政府社會局長青綜合服務中心的提升服務計畫：113年度")
    assert "民政課在提升服務計畫中負責的具體作法：114年度" in by_url["agencies/kaohsiung-jiasian-district/units/civil-affairs-section/"]
    assert by_url["frameworks/six-pillars/3-2/"].startswith("服務項目「(二)衡酌實際需求，開發線上申辦及跨平台通用服務")
    assert "屬構面「三、便捷服務遞送過程與方式" in by_url["frameworks/six-pillars/3-2/"]
    assert by_url["frameworks/gsa-2/1/"].startswith("執行策略「基礎服務」（20分，")


def test_fit_keeps_whole_sentences_and_cuts_only_a_first_one_that_is_too_long():
    assert descriptions.fit("甲。", "乙乙。", limit=4) == "甲。"
    assert descriptions.fit("", "甲甲甲甲甲甲。", limit=4) == "甲甲甲…"
    assert descriptions.fit("甲\n  乙。") == "甲 乙。"
