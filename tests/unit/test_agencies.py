"""Agencies of central government as well as cities and counties: a chain of parents
(交通部 › 民用航空局 › 臺南航空站), grouping by 中央機關 / 縣市政府, and the counts and words on the pages."""
from __future__ import annotations

import html
import os
import re
import subprocess
import sys

import pytest

from linkcheck import broken_links
from plansite import pipeline, site as site_mod
from plansite.config import load_config
from support import PROJECT, REPO, make_project

PLAN = (PROJECT / "plans/test-agency/114.yaml").read_text(encoding="utf-8")
UNITS = "units:\n  - name: 行政課\n    slug: admin-section\n  - name: 服務課\n    slug: service-section\n"

CENTRAL = {
    # the ministry itself publishes a plan too
    "plans/motc/agency.yaml": "name: 交通部\nfull_name: 交通部\ngovernment: 交通部\n" + UNITS,
    "plans/motc/114.yaml": PLAN,
    "plans/caa/agency.yaml": "name: 民用航空局\nfull_name: 交通部民用航空局\ngovernment: 交通部\n" + UNITS,
    "plans/caa/114.yaml": PLAN,
    # three levels: the list form of parent
    "plans/tainan-airport/agency.yaml": ("name: 臺南航空站\nfull_name: 交通部民用航空局臺南航空站\n"
                                         "government: 交通部\nparent:\n  - 民用航空局\n" + UNITS),
    "plans/tainan-airport/114.yaml": PLAN,
    # four levels, and no agency of its own for the levels between
    "plans/shilin-station/agency.yaml": ("name: 士林監理站\nfull_name: 交通部公路局臺北區監理所士林監理站\n"
                                         "government: 交通部\nparent: [公路局, 臺北區監理所]\n" + UNITS),
    "plans/shilin-station/114.yaml": PLAN,
}


def _model(root):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        config = load_config(root / "site.toml")
        report = pipeline.check(config)
        assert not report.problems.errors, [str(p) for p in report.problems.errors]
        return site_mod.build_site(report.content, config), report.problems
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    # the fixture project's own agency is the city one: 測試市政府 › 社會局 › 測試中心
    return make_project(tmp_path_factory.mktemp("central"), CENTRAL)


@pytest.fixture(scope="module")
def built(project):
    out = project / "_site"
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(project / "site.toml"),
                             "build", "--out", str(out), "--quiet", "--no-pdf"],
                            cwd=project, capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return out


def _text(path) -> str:
    """The page's <main> and breadcrumbs as plain text, one line per block."""
    page = path.read_text(encoding="utf-8")
    body = page[page.index("<main"):]
    blocks = re.sub(r"</?(?:dt|dd|li|h[1-6]|p|ul|ol|section)\b[^>]*>|<span class=\"ps-cards__text\">", "\n",
                    body.split("</main>")[0])
    text = re.sub(r"<[^>]+>", "", blocks)
    return html.unescape(re.sub(r"\s*\n\s*", "\n", text))


def _crumbs(path) -> list[str]:
    page = path.read_text(encoding="utf-8")
    nav = re.search(r'<nav class="ps-crumbs" aria-label="麵包屑">(.*?)</nav>', page, re.S).group(1)
    return [html.unescape(t) for t in re.findall(r"<li>(?:<a [^>]*>|<span [^>]*>)([^<]*)<", nav)]


def test_governments_are_grouped_as_central_or_local_with_their_parent_levels(project):
    model, _ = _model(project)
    assert [(kind, [g.name for g in groups]) for kind, groups in model.org] == [
        ("中央機關", ["交通部"]), ("縣市政府", ["測試市政府"])]
    motc = model.org[0][1][0]
    assert motc.agency.slug == "motc"                  # the ministry's own page is its heading's link
    assert [c.name for c in motc.children] == ["公路局", "民用航空局"]
    highway, caa = motc.children
    assert caa.agency.slug == "caa" and [a.slug for a in caa.agencies] == ["tainan-airport"]
    assert highway.agency is None and [c.name for c in highway.children] == ["臺北區監理所"]
    assert [a.slug for a in highway.children[0].agencies] == ["shilin-station"]
    assert (motc.count, caa.count, highway.count) == (3, 1, 1)
    city = model.org[1][1][0]
    assert [c.name for c in city.children] == ["社會局"] and city.children[0].agencies[0].slug == "test-agency"
    assert model.agency_summary == "5 個機關，分屬 1 個中央機關與 1 個縣市政府"


def test_parent_chain_and_crumbs_from_the_list_and_string_forms(project):
    model, _ = _model(project)
    airport = next(a for a in model.agencies if a.slug == "tainan-airport")
    assert airport.parents == ["民用航空局"] and airport.parent == "民用航空局"
    assert airport.chain == ["交通部", "民用航空局", "臺南航空站"]
    assert airport.parent_full_name == "交通部民用航空局" and airport.is_central
    station = next(a for a in model.agencies if a.slug == "shilin-station")
    assert station.chain == ["交通部", "公路局", "臺北區監理所", "士林監理站"]
    city = next(a for a in model.agencies if a.slug == "test-agency")
    assert city.parents == ["社會局"] and not city.is_central       # the string form, as before
    pages = {p.url: p for p in model.pages}
    assert pages["agencies/tainan-airport/114/"].crumbs == [
        ("首頁", ""), ("機關列表", "agencies/"), ("交通部", "agencies/motc/"), ("民用航空局", "agencies/caa/"),
        ("臺南航空站", "agencies/tainan-airport/")]
    assert pages["agencies/shilin-station/"].crumbs[2:] == [
        ("交通部", "agencies/motc/"), ("公路局", "agencies/#org-1-1"), ("臺北區監理所", "agencies/#org-1-1-1")]
    assert pages["agencies/motc/"].crumbs == [("首頁", ""), ("機關列表", "agencies/")]
    assert pages["agencies/test-agency/"].crumbs[2:] == [("測試市政府", "agencies/#org-2"),
                                                          ("社會局", "agencies/#org-2-1")]


def test_home_page_counts_ministries_and_city_governments_apart(built):
    text = _text(built / "index.html")
    assert "依機關瀏覽\n5 個機關，分屬 1 個中央機關與 1 個縣市政府" in text
    assert "個政府、" not in text and "個縣市政府、" not in text


def test_agencies_page_lists_central_then_local_with_the_levels_between(built):
    text = _text(built / "agencies/index.html")
    assert "5 個機關，分屬 1 個中央機關與 1 個縣市政府。" in text
    expected = ["中央機關", "交通部", "公路局（1 個機關）", "臺北區監理所（1 個機關）",
                "交通部公路局臺北區監理所士林監理站（1 份計畫，最新為 114 年）",
                "交通部民用航空局（1 份計畫，最新為 114 年）",
                "交通部民用航空局臺南航空站（1 份計畫，最新為 114 年）",
                "縣市政府", "測試市政府", "社會局（1 個機關）", "測試市政府社會局測試中心（1 份計畫，最新為 114 年）"]
    lines = text.splitlines()
    assert [line for line in lines if line in expected] == expected
    page = (built / "agencies/index.html").read_text(encoding="utf-8")
    assert '<h2 id="kind-1">中央機關</h2>' in page and '<h3 id="org-1"><a href="motc/index.html">交通部</a></h3>' in page
    assert '<li id="org-1-1-1">臺北區監理所' in page     # the crumbs' fragment targets exist


def test_every_crumb_and_listing_link_resolves_including_fragments(built):
    assert broken_links(built) == []


def test_agency_and_plan_pages_show_the_chain(built):
    agency = built / "agencies/tainan-airport/index.html"
    text = _text(agency)
    assert "所屬中央機關\n交通部\n上級機關\n交通部民用航空局" in text
    assert "所屬政府" not in text
    assert _crumbs(agency) == ["首頁", "機關列表", "交通部", "民用航空局", "交通部民用航空局臺南航空站"]
    plan = built / "agencies/tainan-airport/114/index.html"
    assert _crumbs(plan)[:5] == ["首頁", "機關列表", "交通部", "民用航空局", "臺南航空站"]
    city = _text(built / "agencies/test-agency/index.html")
    assert "所屬政府\n測試市政府\n上級機關\n測試市政府社會局" in city
    description = re.search(r'<meta name="description" content="([^"]*)"', agency.read_text(encoding="utf-8"))
    assert "上級機關：交通部民用航空局。" in html.unescape(description.group(1))


def test_only_city_governments_keep_one_heading_level(tmp_path):
    root = make_project(tmp_path)
    model, _ = _model(root)
    assert [kind for kind, _ in model.org] == ["縣市政府"]
    assert model.agency_summary == "測試市政府所屬 1 個機關"


def test_a_parent_repeating_the_government_is_a_warning_and_a_number_an_error(tmp_path):
    root = make_project(tmp_path, {"plans/test-agency/agency.yaml": (
        "name: 測試中心\nfull_name: 測試市政府社會局測試中心\ngovernment: 測試市政府\nparent: [測試市政府, 社會局]\n"
        + UNITS)})
    _, problems = _model(root)
    assert any("上級機關「測試市政府」與所屬政府（government）相同" in str(p) and ":4:" in str(p)
               for p in problems.warnings), [str(p) for p in problems.warnings]
    (root / "plans/test-agency/agency.yaml").write_text(
        "name: 測試中心\nfull_name: 測試中心\ngovernment: 測試市政府\nparent: 3\n" + UNITS, encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        errors = [str(p) for p in pipeline.check(load_config(root / "site.toml")).problems.errors]
    finally:
        os.chdir(cwd)
    assert any("parent 應該是文字或清單" in e for e in errors), errors


def test_json_download_keeps_every_parent_level_as_agency_yaml_writes_it(built):
    import json

    shilin = json.loads((built / "agencies/shilin-station/114/shilin-station-114.json").read_text(encoding="utf-8"))
    assert shilin["agency"]["parent"] == ["公路局", "臺北區監理所"] and shilin["agency"]["government"] == "交通部"
    tainan = json.loads((built / "agencies/tainan-airport/114/tainan-airport-114.json").read_text(encoding="utf-8"))
    assert tainan["agency"]["parent"] == "民用航空局"
