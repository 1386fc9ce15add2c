"""Overview pages (issue 15): every figure recomputed here from the plan files themselves (YAML read
directly, not through plansite's loader or plansite/overview.py) and compared with the numbers in
the built page's table and in its SVG chart; a chart without its table, or a table that disagrees
with its chart, fails (check_figures, proven on deliberately broken pages)."""
from __future__ import annotations

import collections
import hashlib
import pathlib
import re

import lxml.html
import pytest
import yaml

from plansite import overview, pipeline
from plansite.config import load_config
from support import FIXTURES, REPO, make_project, seed_config

STATUSES = ("完成", "部分完成", "未完成", "持續辦理")
CJK = "一二三四五六七八九十"


# ---- the plan data, read independently ---------------------------------------------------------

def _framework_keys() -> dict[str, list[tuple[str, str]]]:
    """framework id -> [(pillar code, column header)]: 構面一 for numbered pillars, the title otherwise."""
    out = {}
    for path in (REPO / "frameworks").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        level = data["levels"][0]
        roots = [item for item in data["items"] if "." not in str(item["code"])]
        out[data["id"]] = [(str(item["code"]), f"{level['name']}{CJK[i]}" if level["numbering"] != "none" else item["title"])
                           for i, item in enumerate(roots)]
        LABELS[data["id"]] = {str(item["code"]): (f"{CJK[i]}、" if level["numbering"] == "cjk" else "") + item["title"]
                              for i, item in enumerate(roots)}
    return out


LABELS: dict[str, dict[str, str]] = {}     # framework id -> pillar code -> 一、完備基礎服務項目…
FRAMEWORKS = _framework_keys()


def _sub_item_keys() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """framework id -> pillar code -> [(sub-item code, column header)]: 三(二) for numbered levels, the title otherwise."""
    out = {}
    for path in (REPO / "frameworks").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        top, second = data["levels"][0], data["levels"][1]
        numbered = top["numbering"] != "none" and second["numbering"] != "none"
        out[data["id"]] = {str(root["code"]): [(str(child["code"]), f"{CJK[i]}({CJK[j]})" if numbered else child["title"])
                                               for j, child in enumerate(root.get("items", []))]
                           for i, root in enumerate(data["items"])}
    return out


SUB_ITEMS = _sub_item_keys()


def _due(content: dict):
    """(month label, item code, its measure's place in the item) for every measure under a pillar whose
    deadline reads 107/12/31: the place counts across the item's groups, as the plan page's anchors do."""
    for pillar in content.get("pillars", []):
        for item in pillar.get("items", []):
            groups = item.get("groups") or [{"measures": item.get("measures", [])}]
            n = 0
            for group in groups:
                for measure in group.get("measures", []):
                    n += 1
                    found = re.match(r"(\d+)/(\d+)/", str(measure.get("deadline", "")) if isinstance(measure, dict) else "")
                    if found:
                        yield f"{int(found.group(1))}年{int(found.group(2))}月", str(item["code"]), n


def _item_codes(content: dict):
    """The sub-item code of every measure under a pillar, in the order of _measures."""
    for pillar in content.get("pillars", []):
        for item in pillar.get("items", []):
            groups = item.get("groups") or [{"measures": item.get("measures", [])}]
            for group in groups:
                for _measure in group.get("measures", []):
                    yield str(item["code"])


def _measures(content: dict):
    """(pillar code, measure as a dict, its units after inheritance) for every measure under a pillar."""
    def units(node, inherited):
        return list(node["units"]) if isinstance(node, dict) and "units" in node else inherited

    top = units(content, [])
    for pillar in content.get("pillars", []):
        p_units = units(pillar, top)
        for item in pillar.get("items", []):
            i_units = units(item, p_units)
            groups = item.get("groups") or [{"measures": item.get("measures", [])}]
            for group in groups:
                g_units = units(group, i_units)
                for measure in group.get("measures", []):
                    m = measure if isinstance(measure, dict) else {"text": measure}
                    yield str(pillar["code"]), m, units(m, g_units)


def read_plans(plans_dir: pathlib.Path) -> list[dict]:
    out = []
    for agency_dir in sorted(p for p in plans_dir.iterdir() if p.is_dir()):
        agency = yaml.safe_load((agency_dir / "agency.yaml").read_text(encoding="utf-8"))
        for path in sorted(agency_dir.glob("[0-9]*.yaml")):
            plan = yaml.safe_load(path.read_text(encoding="utf-8"))
            if plan.get("draft"):
                continue
            out.append({"slug": agency_dir.name, "name": agency["name"], "full_name": agency["full_name"],
                        "government": agency["government"], "year": int(plan["year"]),
                        "framework": plan["framework"], "measures": list(_measures(plan["content"])),
                        "items": list(_item_codes(plan["content"])), "due": list(_due(plan["content"]))})
    return out


def latest_per_agency(plans: list[dict]) -> list[dict]:
    best: dict[str, dict] = {}
    for plan in plans:
        if plan["slug"] not in best or plan["year"] > best[plan["slug"]]["year"]:
            best[plan["slug"]] = plan
    return list(best.values())


def heat_expected(plans: list[dict], row_label) -> dict[str, dict[tuple[str, str], int]]:
    """figure id -> {(row header, column header): measures} for each framework the plans use."""
    out: dict[str, dict] = {}
    for plan in plans:
        counts = collections.Counter(code for code, _m, _u in plan["measures"])
        figure = out.setdefault(f"heat-{plan['framework']}", {})
        for code, key in FRAMEWORKS[plan["framework"]]:
            figure[(row_label(plan), key)] = counts.get(code, 0)
    return out


def items_expected(plans: list[dict]) -> dict[str, dict[tuple[str, str], int]]:
    """figure id (items-<framework>-<pillar>) -> {(agency, sub-item header): measures}: every plan of the
    framework is a row of every pillar's figure, also with no measure in it."""
    out: dict[str, dict] = {}
    for plan in plans:
        counts = collections.Counter(plan["items"])
        for pillar, children in SUB_ITEMS[plan["framework"]].items():
            figure = out.setdefault(f"items-{plan['framework']}-{pillar}", {})
            for code, key in children:
                figure[(plan["full_name"], key)] = counts.get(code, 0)
    return out


def units_expected(plans: list[dict]) -> dict[str, int]:
    counts: collections.Counter = collections.Counter()
    for plan in plans:
        for _code, _m, units in plan["measures"]:
            for unit in units:
                counts[plan["full_name"] if unit == plan["name"] else plan["full_name"] + unit] += 1
    return dict(counts)


def deadlines_expected(plans: list[dict]) -> dict[str, int]:
    counts: collections.Counter = collections.Counter()
    for plan in plans:
        for _code, m, _u in plan["measures"]:
            found = re.match(r"(\d+)/(\d+)/", str(m.get("deadline", "")))
            if found:
                counts[f"{int(found.group(1))}年{int(found.group(2))}月"] += 1
    return dict(counts)


def status_expected(plans: list[dict], by: str, row_label) -> dict[tuple[str, str], int]:
    """Measures per status (and 未填報) per plan (`by` = plan) or per pillar header (`by` = pillar)."""
    out: collections.Counter = collections.Counter()
    reporting = [p for p in plans if any(m.get("status") or m.get("result") for _c, m, _u in p["measures"])]
    for plan in reporting:
        keys = LABELS[plan["framework"]]
        for code, m, _u in plan["measures"]:
            row = row_label(plan) if by == "plan" else keys[code]
            out[(row, m.get("status") or "未填報")] += 1
        if by == "pillar":
            for key in keys.values():
                for status in (*STATUSES, "未填報"):
                    out[(key, status)] += 0
        else:
            for status in (*STATUSES, "未填報"):
                out[(row_label(plan), status)] += 0
    return dict(out)


def government_slug(name: str) -> str:
    known = {"高雄市政府": "kaohsiung", "澎湖縣政府": "penghu"}
    return known.get(name) or "gov-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


# ---- reading a built page ----------------------------------------------------------------------

def _int(text: str) -> int:
    return int(text.strip())


def figures(html: str) -> tuple[dict, dict, dict]:
    """(tables, charts, docs): per data-figure id, {(row header, column header): number} from the
    table and from the chart's value labels."""
    doc = lxml.html.fromstring(html)
    tables, charts = {}, {}
    for table in doc.xpath("//table[@data-figure]"):
        heads = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
        values = {}
        for tr in table.xpath("./tbody/tr"):
            row = tr.xpath("./th")[0].text_content().strip()
            for col, td in zip(heads[1:], tr.xpath("./td")):
                if col not in ("合計", "計畫與具體作法"):
                    values[(row, col)] = _int(td.text_content())
        tables[table.get("data-figure")] = values
    for svg in doc.xpath("//svg[@data-figure]"):
        charts[svg.get("data-figure")] = {(el.get("data-row"), el.get("data-col")): _int(el.text_content())
                                          for el in svg.xpath(".//*[contains(@class, 'ps-chart__value')]")}
    return tables, charts, doc


def check_figures(html: str) -> list[str]:
    """Every chart has its table with the same numbers (and the reverse), a title and a description;
    every table a caption and scoped headers."""
    tables, charts, doc = figures(html)
    problems = [f"{fid}: chart without its table" for fid in charts if fid not in tables]
    undrawn = set(doc.xpath("//table[@data-figure][@data-chart='none']/@data-figure"))   # a shaded table alone
    problems += [f"{fid}: table without its chart" for fid in tables if fid not in charts and fid not in undrawn]
    problems += [f"{fid}: chart of a table marked as not drawn" for fid in undrawn if fid in charts]
    for svg in doc.xpath("//svg[@data-figure][@data-drawn]"):     # the chart draws the busiest rows only
        fid, drawn = svg.get("data-figure"), int(svg.get("data-drawn"))
        totals: dict[str, int] = {}
        for (row, _col), n in tables.get(fid, {}).items():
            totals[row] = totals.get(row, 0) + n
        busiest = set(sorted(totals, key=lambda row: -totals[row])[:drawn])     # stable: table order on ties
        if {row for row, _col in charts[fid]} != busiest or len(totals) <= drawn:
            problems.append(f"{fid}: the chart does not draw the {drawn} rows with most measures")
        tables[fid] = {key: n for key, n in tables.get(fid, {}).items() if key[0] in busiest}
    for fid in set(tables) & set(charts):
        if tables[fid] != charts[fid]:
            diff = {k: (tables[fid].get(k), charts[fid].get(k)) for k in set(tables[fid]) | set(charts[fid])
                    if tables[fid].get(k) != charts[fid].get(k)}
            problems.append(f"{fid}: table and chart disagree (table, chart): {diff}")
        if not tables[fid]:
            problems.append(f"{fid}: no numbers")
    for svg in doc.xpath("//svg[@data-figure]"):
        ids = (svg.get("aria-labelledby") or "").split()
        named = [svg.xpath(f".//*[@id='{i}']") for i in ids]
        if svg.get("role") != "img" or len(ids) != 2 or not all(named) \
                or [n[0].tag for n in named] != ["title", "desc"] or not all(n[0].text_content().strip() for n in named):
            problems.append(f"{svg.get('data-figure')}: chart not named by its <title> and <desc>")
        if svg.xpath(".//@style") or svg.get("style"):
            problems.append(f"{svg.get('data-figure')}: style attribute (blocked by the Content-Security-Policy)")
    for table in doc.xpath("//table[@data-figure]"):
        if not table.xpath("./caption") or any(not th.get("scope") for th in table.xpath(".//th")):
            problems.append(f"{table.get('data-figure')}: table without caption or scoped headers")
    return problems


# ---- the sites ---------------------------------------------------------------------------------

def _build(config_path: pathlib.Path, out: pathlib.Path) -> pathlib.Path:
    config = load_config(config_path).with_overrides(**{"paths.output": str(out)})
    report = pipeline.build(config, qr=False, pdf=False, jobs=1)
    assert not report.problems.errors, report.problems
    return out


@pytest.fixture(scope="module")
def seed(tmp_path_factory) -> pathlib.Path:
    root = tmp_path_factory.mktemp("overview-seed")
    return _build(seed_config(root), root / "_site")


@pytest.fixture(scope="module")
def shapes(tmp_path_factory) -> pathlib.Path:
    """Plans with results, deadlines in several months and two years of one agency."""
    root = tmp_path_factory.mktemp("overview-shapes")
    project = make_project(root, plans_from=FIXTURES / "shapes" / "plans")
    return _build(project / "site.toml", root / "_site")


def page(site: pathlib.Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


SEED_PLANS = read_plans(REPO / "plans")
SHAPE_PLANS = read_plans(FIXTURES / "shapes" / "plans")


def site_label(plan: dict) -> str:
    return f"{plan['full_name']}（{plan['year']} 年）"


def gov_pages(plans: list[dict]) -> dict[str, list[dict]]:
    out = collections.defaultdict(list)
    for plan in plans:
        out[f"overview/{government_slug(plan['government'])}/{plan['year']}/"].append(plan)
    return dict(out)


# ---- the figures against the plan data ---------------------------------------------------------

@pytest.mark.parametrize("which", ["seed", "shapes"])
def test_site_overview_heat_tables_have_a_row_per_government_and_year(which, request):
    """The site overview's pillar figures sum each government's plans of each year (a row per agency
    would not fit one page at 1,000 plans); every number links to that year's page of the pillar."""
    site, plans = (request.getfixturevalue(which), SEED_PLANS if which == "seed" else SHAPE_PLANS)
    tables, charts, doc = figures(page(site, "overview"))
    expected: dict[str, dict] = {}
    for plan in plans:
        counts = collections.Counter(code for code, _m, _u in plan["measures"])
        figure = expected.setdefault(f"heat-{plan['framework']}", {})
        for code, key in FRAMEWORKS[plan["framework"]]:
            row = (f"{plan['government']} {plan['year']} 年度", key)
            figure[row] = figure.get(row, 0) + counts.get(code, 0)
    assert expected
    for fid, numbers in expected.items():
        assert tables[fid] == numbers == charts[fid], fid
        heads = [th.text_content().strip() for th in doc.xpath(f"//table[@data-figure='{fid}']/thead//th")]
        codes = {key: code for code, key in FRAMEWORKS[fid.removeprefix("heat-")]}
        for tr in doc.xpath(f"//table[@data-figure='{fid}']/tbody/tr"):
            gov, year = tr.xpath("./th")[0].text_content().strip().split()[:2]
            gov_url = f"overview/{government_slug(gov)}/{year}/"
            assert tr.xpath("./th/a/@href") == [f"{gov_url.removeprefix('overview/')}index.html"]
            for head, td in zip(heads[1:-1], tr.xpath("./td")):
                href = td.xpath("./a/@href")
                if td.text_content().strip() == "0":
                    assert href == []
                    continue
                assert href == [f"{gov_url.removeprefix('overview/')}{fid.removeprefix('heat-')}-{codes[head]}/index.html"]
                assert (site / gov_url / f"{fid.removeprefix('heat-')}-{codes[head]}" / "index.html").exists()
    assert not [f for f in tables if f.startswith("heat-") and f not in expected]   # one table per framework used


def test_past_top_drawn_agencies_the_heat_chart_draws_the_busiest_and_the_table_keeps_all(tmp_path, monkeypatch):
    monkeypatch.setattr(overview, "TOP_DRAWN", 1)
    project = make_project(tmp_path, plans_from=FIXTURES / "shapes" / "plans")
    site = _build(project / "site.toml", tmp_path / "_site")
    drawn = 0
    for url, members in gov_pages(SHAPE_PLANS).items():
        text = page(site, url)
        tables, charts, doc = figures(text)
        assert check_figures(text) == [], url
        for fid, numbers in heat_expected(members, lambda p: p["full_name"]).items():
            assert tables[fid] == numbers, (url, fid)                    # the table: every agency
            rows = {row for row, _col in numbers}
            if len(rows) > 1:
                assert len({row for row, _col in charts[fid]}) == 1, (url, fid)
                assert "圖只畫出具體作法最多的 1 個機關" in text
                drawn += 1
            else:
                assert charts[fid] == numbers
    assert drawn
    # the check fails a chart drawing other rows than the busiest
    url = next(u for u, m in gov_pages(SHAPE_PLANS).items() if len(m) > 1)
    text = page(site, url)
    svg = re.search(r'<svg [^>]*data-drawn="1".*?</svg>', text, re.S).group(0)
    first = re.search(r'data-row="([^"]+)"', svg).group(1)
    other = next(p["full_name"] for p in gov_pages(SHAPE_PLANS)[url] if f'data-row="{p["full_name"]}"' not in svg)
    broken = text.replace(svg, svg.replace(f'data-row="{first}"', f'data-row="{other}"'))
    assert any("rows with most measures" in p for p in check_figures(broken))


@pytest.mark.parametrize("which", ["seed", "shapes"])
def test_every_government_and_year_has_an_overview_with_its_own_plans(which, request):
    site, plans = (request.getfixturevalue(which), SEED_PLANS if which == "seed" else SHAPE_PLANS)
    pages = gov_pages(plans)
    built = sorted(p.parent.relative_to(site).as_posix() + "/" for p in (site / "overview").glob("*/*/index.html"))
    assert built == sorted(pages)
    for url, members in pages.items():
        tables, charts, doc = figures(page(site, url))
        expected = heat_expected(members, lambda p: p["full_name"])
        for fid, numbers in expected.items():
            assert tables[fid] == numbers == charts[fid], (url, fid)
        totals = doc.xpath(f"//table[@data-figure='{next(iter(expected))}']/tfoot//td")
        assert _int(totals[-1].text_content()) == sum(next(iter(expected.values())).values())


@pytest.mark.parametrize("which", ["seed", "shapes"])
def test_each_government_year_has_a_page_per_pillar_of_agencies_by_sub_item(which, request):
    """Sub-item heat tables: one page per pillar (linked from the government's overview), every plan of
    the framework a row, every sub-item a column, every number linking to that item's rows in the plan."""
    site, plans = (request.getfixturevalue(which), SEED_PLANS if which == "seed" else SHAPE_PLANS)
    checked = 0
    for url, members in gov_pages(plans).items():
        listed = lxml.html.fromstring(page(site, url)).xpath("//main//a/@href")
        expected = items_expected(members)
        assert expected, url
        built = sorted(p.parent.name for p in (site / url).glob("*/index.html"))
        assert built == sorted(fid.removeprefix("items-") for fid in expected), url
        for fid, numbers in expected.items():
            sub = f"{fid.removeprefix('items-')}/"
            assert f"{sub}index.html" in listed, (url, sub)
            tables, charts, doc = figures(page(site, url + sub))
            assert tables == {fid: numbers}, (url, fid)
            assert charts == {} and check_figures(page(site, url + sub)) == [], (url, fid)
            slugs = {p["full_name"]: (p["slug"], p["year"]) for p in members}
            fw, pillar = fid.removeprefix("items-").rsplit("-", 1)
            codes = {key: code for code, key in SUB_ITEMS[fw][pillar]}
            heads = [th.text_content().strip() for th in doc.xpath(f"//table[@data-figure='{fid}']/thead//th")]
            for tr in doc.xpath(f"//table[@data-figure='{fid}']/tbody/tr"):
                slug, year = slugs[tr.xpath("./th")[0].text_content().strip()]
                for head, td in zip(heads[1:], tr.xpath("./td")):
                    href = td.xpath("./a/@href")
                    if head == "合計" or td.text_content().strip() == "0":
                        assert href == [], (url, fid, head)
                        continue
                    assert href == [f"../../../../agencies/{slug}/{year}/index.html#i{codes[head].replace('.', '-')}"]
                    checked += 1
    assert checked > 5


def test_seed_urls_and_the_pillar_figure_of_each_scope():
    assert sorted(gov_pages(SEED_PLANS)) == ["overview/kaohsiung/110/", "overview/kaohsiung/113/",
                                              "overview/kaohsiung/114/", "overview/penghu/107/"]


@pytest.mark.parametrize("which", ["seed", "shapes"])
def test_busiest_units_are_the_units_with_most_measures(which, request):
    site, plans = (request.getfixturevalue(which), SEED_PLANS if which == "seed" else SHAPE_PLANS)
    for url, members in {"overview/": latest_per_agency(plans), **gov_pages(plans)}.items():
        tables, charts, _ = figures(page(site, url))
        counts = units_expected(members)
        shown = {row: n for (row, _col), n in tables["units"].items()}
        assert len(shown) == min(10, len(counts)), url
        assert all(counts[row] == n for row, n in shown.items()), url
        assert sorted(shown.values(), reverse=True) == sorted(counts.values(), reverse=True)[:10], url
        assert charts["units"] == tables["units"]


@pytest.mark.parametrize("which", ["seed", "shapes"])
def test_deadlines_by_month(which, request):
    site, plans = (request.getfixturevalue(which), SEED_PLANS if which == "seed" else SHAPE_PLANS)
    for url, members in {"overview/": latest_per_agency(plans), **gov_pages(plans)}.items():
        tables, charts, _ = figures(page(site, url))
        expected = deadlines_expected(members)
        if not expected:
            assert "deadlines" not in tables and "deadlines" not in charts, url
            continue
        assert {row: n for (row, _c), n in tables["deadlines"].items()} == expected, url
        assert charts["deadlines"] == tables["deadlines"]
    if which == "seed":
        assert deadlines_expected(SEED_PLANS) == {"107年12月": 92}


@pytest.mark.parametrize("which", ["seed", "shapes"])
def test_each_months_measures_link_to_their_own_rows_or_few_to_their_items(which, request):
    """Deadlines by month: per plan, its measures due that month, each linked to its own row (an anchor
    the plan page has); a plan with more than DUE_LINKS due in one month links each item holding them."""
    site, plans = (request.getfixturevalue(which), SEED_PLANS if which == "seed" else SHAPE_PLANS)
    kinds = collections.Counter()
    for url, members in {"overview/": latest_per_agency(plans), **gov_pages(plans)}.items():
        up = "../" * url.count("/")
        doc = lxml.html.fromstring(page(site, url))
        for tr in doc.xpath("//table[@data-figure='deadlines']/tbody/tr"):
            month = tr.xpath("./th")[0].text_content().strip()
            holders = tr.xpath("./td[2]/ul/li")
            due = {(p["slug"], p["year"]): [(code, n) for m, code, n in p["due"] if m == month] for p in members}
            due = {key: found for key, found in due.items() if found}
            assert len(holders) == len(due), (url, month)
            for li in holders:
                hrefs = li.xpath(".//a/@href")
                slug, year = re.fullmatch(rf"{re.escape(up)}agencies/([^/]+)/(\d+)/index.html", hrefs[0]).groups()
                found = due[(slug, int(year))]
                plan = f"{up}agencies/{slug}/{year}/index.html"
                if len(found) <= overview.DUE_LINKS:
                    expected = [f"{plan}#m{code.replace('.', '-')}-{n}" for code, n in found]
                    kinds["measures"] += 1
                else:
                    expected = [f"{plan}#i{code.replace('.', '-')}" for code in dict.fromkeys(c for c, _n in found)]
                    kinds["items"] += 1
                assert hrefs[1:] == expected, (url, month, slug)
                ids = set(lxml.html.fromstring(page(site, f"agencies/{slug}/{year}")).xpath("//@id"))
                assert all(href.split("#")[1] in ids for href in expected), (url, month, slug)
                assert f"（{len(found)} 項）" in li.text_content()
    assert kinds["measures" if which == "shapes" else "items"] > 0, kinds


def test_results_by_status_per_pillar_and_per_agency(shapes):
    reported = 0
    for url, members in {"overview/": latest_per_agency(SHAPE_PLANS), **gov_pages(SHAPE_PLANS)}.items():
        tables, charts, _ = figures(page(shapes, url))
        per_plan = status_expected(members, "plan", site_label if url == "overview/" else lambda p: p["full_name"])
        per_pillar = status_expected(members, "pillar", None)
        if not per_plan:
            assert "status-plans" not in tables, url
            continue
        assert tables["status-plans"] == per_plan == charts["status-plans"], url
        assert tables["status-six-pillars"] == per_pillar == charts["status-six-pillars"], url
        reported += sum(per_plan.values())
    assert reported > 0


def test_seed_plans_carry_no_results_so_no_status_figure(seed):
    tables, _, _ = figures(page(seed, "overview"))
    assert not [f for f in tables if f.startswith("status-")]


def test_agency_page_compares_its_pillars_with_last_year(shapes, seed):
    tables, charts, doc = figures(page(shapes, "agencies/three-columns"))
    plans = sorted((p for p in SHAPE_PLANS if p["slug"] == "three-columns"), key=lambda p: p["year"])
    assert [p["year"] for p in plans] == [113, 114]
    expected = {}
    for plan in plans:
        counts = collections.Counter(code for code, _m, _u in plan["measures"])
        for code, key in FRAMEWORKS[plan["framework"]]:
            label = doc.xpath(f"//table[@data-figure='agency-pillars']/tbody/tr[{int(code)}]/th")[0].text_content().strip()
            assert label.startswith(CJK[int(code) - 1] + "、")
            expected[(label, f"{plan['year']}年")] = counts.get(code, 0)
    assert tables["agency-pillars"] == expected == charts["agency-pillars"]
    heads = [th.text_content().strip() for th in doc.xpath("//table[@data-figure='agency-pillars']/thead//th")]
    assert heads == ["構面", "113年", "114年"]                       # oldest first, no sum across years
    assert "overview/gov-" in lxml.html.tostring(doc, encoding="unicode")
    # one year only: the same figure with one column, and a note saying there is nothing to compare yet
    text = page(seed, "agencies/kaohsiung-jiasian-district")
    tables, charts, _ = figures(text)
    assert set(col for _row, col in tables["agency-pillars"]) == {"114年"}
    assert "尚無前一年度可以比較" in text
    assert tables["agency-pillars"] == charts["agency-pillars"]


def test_every_figure_on_every_overview_and_agency_page_has_a_matching_table(seed, shapes):
    checked = 0
    for site in (seed, shapes):
        for path in sorted([*(site / "overview").rglob("index.html"), *(site / "agencies").glob("*/index.html")]):
            text = path.read_text(encoding="utf-8")
            assert check_figures(text) == [], path
            checked += len(figures(text)[0])
    assert checked >= 25


def test_every_number_links_to_the_measures_behind_it(seed):
    doc = lxml.html.fromstring(page(seed, "overview/kaohsiung/114"))
    cells = doc.xpath("//table[@data-figure='heat-six-pillars']/tbody//td[contains(@class, 'ps-heat')]")
    linked = [td for td in cells if td.text_content().strip() != "0"]
    assert linked and all(td.xpath("./a/@href")[0].endswith(("index.html#p1", "index.html#p2", "index.html#p3",
                                                               "index.html#p4", "index.html#p5", "index.html#p6"))
                          for td in linked)
    rows = doc.xpath("//table[@data-figure='units']/tbody/tr/th/a/@href")
    assert rows and all("/units/" in href for href in rows)
    heads = doc.xpath("//table[@data-figure='heat-six-pillars']/thead//a/@href")
    assert heads == [f"../../../frameworks/six-pillars/{n}/index.html" for n in range(1, 7)]


# ---- the check itself fails on a broken page ---------------------------------------------------

def test_a_chart_without_its_table_or_disagreeing_with_it_fails(seed):
    good = page(seed, "overview")
    assert check_figures(good) == []
    # the units table removed: its chart stands alone
    start = good.index('<table class="ps-fields ps-figure-table" data-figure="units">')
    no_table = good[:start] + good[good.index("</table>", start) + len("</table>"):]
    assert check_figures(no_table) == ["units: chart without its table"]
    # one number changed in the chart only
    chart_value = re.search(r'(data-figure="heat-six-pillars".*?class="ps-chart__value"[^>]*>)(\d+)<', good, re.S)
    wrong_chart = good[:chart_value.start(2)] + str(int(chart_value.group(2)) + 1) + good[chart_value.end(2):]
    problems = check_figures(wrong_chart)
    assert len(problems) == 1 and problems[0].startswith("heat-six-pillars: table and chart disagree")
    # one number changed in the table only
    start = good.index('<table class="ps-fields ps-figure-table" data-figure="deadlines">')
    cell = re.compile(r'<td class="ps-num">(\d+)</td>').search(good, start)
    wrong_table = good[:cell.start(1)] + "91" + good[cell.end(1):]
    assert check_figures(wrong_table)[0].startswith("deadlines: table and chart disagree")
    # a chart without its title and description
    unnamed = good.replace('aria-labelledby="units-t units-d"', "", 1)
    assert check_figures(unnamed) == ["units: chart not named by its <title> and <desc>"]
    # and the tests comparing with the plan data would catch a page whose table and chart agree but are wrong
    tables, _charts, _ = figures(good)
    assert tables["deadlines"] == {("107年12月", "具體作法項數"): 92}


# ---- smaller pieces ----------------------------------------------------------------------------

def test_government_slugs_are_ascii_and_stable():
    assert overview.government_slug("高雄市政府") == "kaohsiung"
    assert overview.government_slug("台中市政府") == overview.government_slug("臺中市政府") == "taichung"
    assert overview.government_slug("交通部") == "gov-" + hashlib.sha256("交通部".encode()).hexdigest()[:8]
    assert overview.government_slug("交通部") != overview.government_slug("內政部")
    assert overview.government_slug("高雄市議會") == "kaohsiung-council"      # never the city government's URL
    assert all(re.fullmatch(r"[a-z0-9-]+", s) for s in overview.LOCAL.values())
    assert len(set(overview.LOCAL.values())) == len(overview.LOCAL) == 22


def test_deadline_months_as_plans_write_them():
    assert overview.deadline_month("107/12/31") == (107, 12)
    assert overview.deadline_month("114.6") == (114, 6)
    assert overview.deadline_month("114年6月底") == (114, 6)
    assert overview.deadline_month("114/13/01") is None
    assert overview.deadline_month("年底前") is None


def test_overview_pages_are_linked_from_the_header_home_and_sitemap(seed):
    for url in ("", "sitemap", "agencies/kaohsiung-senior-center"):
        doc = lxml.html.fromstring(page(seed, url) if url else (seed / "index.html").read_text(encoding="utf-8"))
        assert any(href.endswith("overview/index.html") for href in doc.xpath("//header//a/@href")), url
    home = lxml.html.fromstring((seed / "index.html").read_text(encoding="utf-8"))
    assert any(href == "overview/index.html" for href in home.xpath("//main//a/@href"))
    sitemap = page(seed, "sitemap")
    for url in gov_pages(SEED_PLANS):
        assert f'href="../{url}index.html"' in sitemap
    locs = (seed / "sitemap.xml").read_text(encoding="utf-8")
    assert "overview/penghu/107/" in locs and "overview/</loc>" in locs


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_chart_colours_meet_contrast():
    """Text 4.5:1 on every fill it is drawn on; marks and outlines 3:1 against the white page."""
    from plansite import svgchart

    for fill, text in zip(svgchart.HEAT_FILL, svgchart.HEAT_TEXT):
        assert _contrast(fill, text) >= 4.5, (fill, text)
    for mark in (svgchart.BRAND, svgchart.GREY, svgchart.INK):
        assert _contrast(mark, "#ffffff") >= 3, mark
    assert _contrast(svgchart.INK, "#ffffff") >= 4.5     # labels and numbers outside the marks


def test_charts_need_no_style_attribute_so_the_policy_stays_strict(seed):
    """The charts use SVG presentation attributes only: no style="" the Content-Security-Policy would block."""
    text = page(seed, "overview")
    assert ' style="' not in text[text.index("<main"):]
    assert "unsafe-inline" not in text


def test_agency_page_says_per_pillar_what_changed_since_last_year_and_links_to_the_comparison(tmp_path):
    plan = (FIXTURES / "shapes" / "plans" / "three-columns" / "114.yaml").read_text(encoding="utf-8")
    assert "            - 設置服務台。\n" in plan
    project = make_project(tmp_path, {"plans/three-columns/114.yaml": plan.replace(
        "            - 設置服務台。\n", "            - 提供線上預約臨櫃服務時段。\n")},
        plans_from=FIXTURES / "shapes" / "plans")
    site = _build(project / "site.toml", tmp_path / "_site")
    doc = lxml.html.fromstring(page(site, "agencies/three-columns"))
    heading = doc.xpath("//h3[starts-with(normalize-space(), '與 113 年度相比')]")[0]
    lines = [li.text_content().strip() for li in heading.xpath("following-sibling::ul[1]/li")]
    assert lines == ["一、完備基礎服務項目，注重服務特性差異化：新增 1 項、刪除 1 項、修改 0 項（相同 2 項）"]
    link = heading.xpath("following-sibling::p/a[starts-with(normalize-space(), '逐項比較')]/@href")
    assert link == ["114/compare/index.html"]
    # the comparison page counts the same
    compare = page(site, "agencies/three-columns/114/compare")
    assert "具體作法新增1項、刪除1項、修改0項、相同2項" in compare


def test_open_data_holds_every_number_of_every_chart_as_csv_and_json(seed):
    import csv
    import io
    import json

    text = (seed / "open-data" / "overview.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    doc = json.loads((seed / "open-data" / "overview.json").read_text(encoding="utf-8"))
    assert [f["name"] for f in doc["fields"]] == ["頁面", "圖表代號", "圖表", "列", "欄", "數值", "連結"]
    assert len(doc["records"]) == len(rows)
    assert all(r == {**c, "數值": int(c["數值"])} for r, c in zip(doc["records"], rows))
    # the same numbers as each page's tables, and nothing else
    breakdowns = [p.parent.relative_to(seed).as_posix() + "/" for p in (seed / "overview").glob("*/*/*/index.html")]
    assert breakdowns
    pages = ["overview/", *gov_pages(SEED_PLANS), *breakdowns, *(f"agencies/{p['slug']}/" for p in SEED_PLANS)]
    expected = {}
    for url in pages:
        tables, _, _ = figures(page(seed, url))
        for fid, numbers in tables.items():
            for (row, col), n in numbers.items():
                expected[(url, fid, row, col)] = n
    assert {(r["頁面"], r["圖表代號"], r["列"], r["欄"]): int(r["數值"]) for r in rows} == expected
    # and the 開放資料 page lists the files and describes the fields
    opendata = lxml.html.fromstring(page(seed, "open-data"))
    assert {"overview.csv", "overview.json"} <= set(opendata.xpath("//a/@href"))
    caption = opendata.xpath("//table[caption='統計概覽數字的欄位']//tbody/tr/th")
    assert [th.text_content() for th in caption] == [f["name"] for f in doc["fields"]]


def test_a_tie_for_the_most_measures_names_every_unit_tied(shapes):
    text = page(shapes, "overview")
    assert "3 個單位負責的具體作法最多，各 2 項" in text


def test_no_chart_is_wider_than_a_phone_so_its_text_is_not_shrunk(seed, shapes):
    """Every chart fits a 375 px phone's content width (340 px) at its own size, where its 14-unit text is
    14 px; the browser test measures the text on the phone itself."""
    from plansite import svgchart

    widths = {}
    for site in (seed, shapes):
        for path in [*(site / "overview").rglob("index.html"), *(site / "agencies").glob("*/index.html")]:
            for svg in lxml.html.fromstring(path.read_text(encoding="utf-8")).xpath("//svg[@data-figure]"):
                widths[(path.relative_to(site).as_posix(), svg.get("data-figure"))] = int(svg.get("viewbox").split()[2])
                assert svg.get("font-size") == str(svgchart.FONT)
    assert any(fig == "heat-gsa-2" for _p, fig in widths)
    assert {key: w for key, w in widths.items() if w > 336} == {}


def test_records_json_is_what_json_dumps_writes():
    """overview.json is written out by hand (speed): its bytes are exactly json.dumps' with indent=2,
    whatever the texts hold (quotes, backslashes, line breaks, control characters, CJK, an empty link)."""
    import json
    import random

    names = [name for name, _ in overview.OPEN_DATA_FIELDS]

    def reference(rows):
        records = [{**dict(zip(names, row)), "數值": int(row[5])} for row in rows]
        doc = {"fields": [{"name": n, "description": t} for n, t in overview.OPEN_DATA_FIELDS], "records": records}
        return (json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")

    rng = random.Random(7)
    alphabet = 'ab"\\\n\t/構面長照\u2028\x01<>&'
    rows = [["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(5)]
            + [str(rng.randint(0, 999))] + [rng.choice(["", "plans/a/#i1", None])] for _ in range(300)]
    for sample in ([], rows[:1], rows):
        assert overview.records_json(sample) == reference(sample)
    assert json.loads(overview.records_json(rows))["records"][0]["數值"] == int(rows[0][5])


def test_overview_files_after_an_edit_are_those_of_the_whole_model(tmp_path):
    """`build` keeps each page's part of open-data/overview.csv and .json while the page's content is
    unchanged: after a measure is added, the files hold the new numbers and equal the ones made from
    the whole site model, and the parts of the untouched agencies' pages came from the cache."""
    from plansite import downloads, site

    root = make_project(tmp_path, plans_from=REPO / "plans")
    assert pipeline.build(load_config(root / "site.toml"), pdf=False).problems.errors == []

    def chart_parts():   # the cache entries holding one page's part of overview.csv and .json
        return {p.name for p in (root / ".cache" / "downloads").iterdir()
                if p.read_bytes().startswith(b'[[["csv"], ') and b'[["json"], ' in p.read_bytes().split(b"\n")[0]}
    cached = chart_parts()
    plan = root / "plans" / "kaohsiung-dv-prevention-center" / "114.yaml"
    line = next(t for t in plan.read_text(encoding="utf-8").splitlines(keepends=True)
                if t.lstrip().startswith("- text: 善用在地社區發展協會"))
    plan.write_text(plan.read_text(encoding="utf-8").replace(line, line + line.replace("善用", "另外善用")),
                    encoding="utf-8")
    config = load_config(root / "site.toml")
    assert pipeline.build(config, pdf=False).problems.errors == []
    now = chart_parts()
    assert len(cached) == len(now) > 10 and now & cached and now - cached   # other agencies' parts kept
    model = site.build_site(pipeline.check(config).content, config)
    names, rows = site.overview_records(model.pages)
    out = root / "_site" / "open-data"
    assert (out / "overview.csv").read_bytes() == downloads.csv_bytes(names, rows)
    assert (out / "overview.json").read_bytes() == overview.records_json(rows)
    agency = [r for r in rows if r[0] == "agencies/kaohsiung-dv-prevention-center/"]
    assert agency and sum(int(r[5]) for r in agency) == \
        sum(len(list(m for m in p.measures())) for p in model.plans if p.agency.slug == "kaohsiung-dv-prevention-center")
