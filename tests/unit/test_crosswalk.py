"""Correspondences between framework editions (frameworks/crosswalks/*.yaml): the six-pillar 三(二)
線上申辦 page shows the scored framework's 服務便捷 answers and the other way round, only as the file
says, and a wrong file gets a located message in Chinese."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from support import REPO, seed_config

CROSSWALK = REPO / "frameworks" / "crosswalks" / "gsa-2--six-pillars.yaml"


def _seed_project(tmp_path, crosswalk: str | None = None):
    """The seed plans with a copy of frameworks/ whose crosswalk is `crosswalk` (None: the shipped one,
    "": none at all)."""
    frameworks = tmp_path / "frameworks"
    shutil.copytree(REPO / "frameworks", frameworks)
    target = frameworks / "crosswalks" / CROSSWALK.name
    if crosswalk == "":
        target.unlink()
    elif crosswalk is not None:
        target.write_text(crosswalk, encoding="utf-8")
    toml = seed_config(tmp_path)
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace(f'frameworks = "{(REPO / "frameworks").as_posix()}"',
                                 f'frameworks = "{frameworks.as_posix()}"'), encoding="utf-8")
    return toml, target


def _run(toml, *args):
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(toml), *args],
                          capture_output=True, text=True)


def _measures_under(plan_file, code: str) -> int:
    """Measures of the plan's item `code`, counted from the YAML itself."""
    data = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
    found = 0
    for pillar in data["content"]["pillars"]:
        for item in pillar["items"]:
            if item["code"] == code:
                for group in item.get("groups", [{"measures": item.get("measures", [])}]):
                    found += len(group.get("measures", []))
    return found


def _section(page: str) -> str:
    """The page's 其他架構版本的對應項目 section, tags stripped, spaces collapsed."""
    start = page.find("<h2>其他架構版本的對應項目</h2>")
    if start < 0:
        return ""
    end = page.index("<h2>各機關的做法</h2>", start)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page[start:end])))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("crosswalk")
    toml, _ = _seed_project(root)
    result = _run(toml, "build", "--no-pdf", "--no-qr", "--quiet", "--out", str(root / "_site"))
    assert result.returncode == 0, result.stderr
    return root / "_site"


def test_a_six_pillar_item_shows_the_scored_framework_items_the_crosswalk_pairs_with_it(built):
    page = (built / "frameworks/six-pillars/3-2/index.html").read_text(encoding="utf-8")
    section = _section(page)
    penghu = _measures_under(REPO / "plans/penghu-social-affairs/107.yaml", "2.1")
    assert penghu > 0
    assert "第2屆政府服務獎評獎架構" in section                      # labelled with its framework
    assert "對應依據：" in section and "並非國家發展委員會公布的對照表" in section
    assert f"執行指標 服務便捷 澎湖縣政府社會處 107 年度 ：{penghu} 項具體作法" in section
    assert 'href="../../gsa-2/2-1/index.html"' in page                  # the item's own page
    assert 'href="../../../agencies/penghu-social-affairs/107/index.html#i2-1"' in page   # its measures


def test_the_scored_framework_item_shows_every_six_pillar_plan_answering_its_counterparts(built):
    page = (built / "frameworks/gsa-2/2-1/index.html").read_text(encoding="utf-8")
    section = _section(page)
    assert "政府服務獎六大構面" in section
    for plan_file in sorted((REPO / "plans").glob("kaohsiung-*/1*.yaml")):
        data = yaml.safe_load(plan_file.read_text(encoding="utf-8"))
        for code in ("3.1", "3.2"):
            count = _measures_under(plan_file, code)
            if count:
                anchor = f"agencies/{plan_file.parent.name}/{plan_file.stem}/index.html#i{code.replace('.', '-')}"
                assert anchor in page, anchor
                assert f"{data['year']} 年度 ：{count} 項具體作法" in section
    assert section.index("三(一)") < section.index("三(二)")             # in the file's order


def test_pillars_correspond_and_unpaired_items_show_nothing(built):
    pillar = _section((built / "frameworks/six-pillars/3/index.html").read_text(encoding="utf-8"))
    assert "執行策略 服務遞送" in pillar
    # gsa-2's 執行計畫訂定核備情形 is paired with nothing: no section, nothing guessed from titles
    assert _section((built / "frameworks/gsa-2/6/index.html").read_text(encoding="utf-8")) == ""
    assert _section((built / "frameworks/six-pillars/6-1/index.html").read_text(encoding="utf-8")) == ""


def test_without_a_crosswalk_file_no_correspondence_is_shown(tmp_path):
    toml, _ = _seed_project(tmp_path, crosswalk="")
    result = _run(toml, "build", "--no-pdf", "--no-qr", "--quiet", "--out", str(tmp_path / "_site"))
    assert result.returncode == 0, result.stderr
    for page in (tmp_path / "_site" / "frameworks").rglob("index.html"):
        assert "其他架構版本" not in page.read_text(encoding="utf-8"), page


GOOD = CROSSWALK.read_text(encoding="utf-8")


@pytest.mark.parametrize("old, new, where, message", [
    ("to: six-pillars", "to: seven-pillars", "to: seven", "對應表寫的架構「seven-pillars」不存在"),
    ("to: six-pillars", "to: gsa-2", "to: gsa-2", "對應表的 from 與 to 都是「gsa-2」"),
    ('- from: "2.1"', '- from: "2.9"', '"2.9"', "架構「第2屆政府服務獎評獎架構」沒有代碼「2.9」"),
    ('to: ["3.1", "3.2"]', 'to: ["3.1", "3.7"]', '"3.7"', "架構「政府服務獎六大構面」沒有代碼「3.7」"),
    ('- from: "2.1"', '- from: "2.1.3"', '"2.1.3"', "代碼「2.1.3」是次執行指標，沒有自己的頁面"),
    ('to: ["3.1", "3.2"]', 'to: ["3"]', '["3"]  # 單一窗口', "兩者不在同一層"),
    ('- from: "2.2"', '- from: "2.1"', '# 服務可近性', "代碼「2.1」在第 8 筆已列出"),
    ('to: ["3.1", "3.2"]', 'to: ["3.1", "3.1"]', '"3.1", "3.1"', "代碼「3.1」在這一筆的 to 重複"),
    ("from: gsa-2\n", "from: gsa-2\nextra: 1\n", "extra", "不認得的欄位「extra」"),
    ("basis: ", "basis: <script>alert(1)</script>", "basis", "script"),
])
def test_a_wrong_crosswalk_is_located_and_explained(tmp_path, old, new, where, message):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    toml, target = _seed_project(tmp_path, crosswalk=text)
    result = _run(toml, "check")
    assert result.returncode != 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = text.splitlines()
    line = next(n for n, t in enumerate(lines, 1) if where in t)
    assert f"{target.name}:{line}:" in result.stderr, result.stderr
    assert message in result.stderr, result.stderr


def test_a_second_file_for_the_same_pair_of_editions_is_refused(tmp_path):
    toml, target = _seed_project(tmp_path)
    reverse = GOOD.replace("from: gsa-2\nto: six-pillars", "from: six-pillars\nto: gsa-2")
    (target.parent / "six-pillars--gsa-2.yaml").write_text(reverse, encoding="utf-8")
    result = _run(toml, "check")
    assert result.returncode != 0
    assert f"已寫在 {target.name}" in result.stderr, result.stderr


def _table_rows(page: str) -> dict[str, list[str]]:
    """The framework page's crosswalk table: row href -> the hrefs in its cell."""
    body = page[page.index('<table class="ps-fields ps-crosswalk">'):]
    body = body[:body.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", body, re.S):
        hrefs = re.findall(r'href="([^"]+)"', row)
        rows[hrefs[0]] = hrefs[1:]
    return rows


def test_each_framework_page_tables_the_whole_crosswalk_as_the_file_states_it(built):
    pairs = yaml.safe_load(GOOD)["pairs"]

    def href(fw, code):
        return f"../{fw}/{code.replace('.', '-')}/index.html"

    gsa = _table_rows((built / "frameworks/gsa-2/index.html").read_text(encoding="utf-8"))
    assert gsa == {href("gsa-2", p["from"]).replace("../gsa-2/", ""): [href("six-pillars", c) for c in p["to"]]
                   for p in pairs}
    six = _table_rows((built / "frameworks/six-pillars/index.html").read_text(encoding="utf-8"))
    expected: dict[str, list[str]] = {}
    for p in pairs:
        for code in p["to"]:
            expected.setdefault(href("six-pillars", code).replace("../six-pillars/", ""), []).append(href("gsa-2", p["from"]))
    assert six == expected


def test_many_answering_plans_are_summed_up_per_year_linking_to_that_year(tmp_path, monkeypatch):
    """A city's portal: past COUNTERPART_PLANS answering plans, one line per year, not per plan."""
    from linkcheck import broken_links  # noqa: PLC0415
    from plansite import pipeline, site  # noqa: PLC0415
    from plansite.config import load_config  # noqa: PLC0415

    monkeypatch.setattr(site, "COUNTERPART_PLANS", 1)
    toml, _ = _seed_project(tmp_path)
    out = tmp_path / "_site"
    config = load_config(toml).with_overrides(**{"paths.output": str(out)})
    pipeline.build(config, qr=False, pdf=False, downloads=False)
    section = _section((out / "frameworks/gsa-2/2-1/index.html").read_text(encoding="utf-8"))
    kaohsiung = sorted((REPO / "plans").glob("kaohsiung-*/1*.yaml"))
    for year in sorted({int(p.stem) for p in kaohsiung}, reverse=True):
        files = [p for p in kaohsiung if int(p.stem) == year]
        measures = sum(_measures_under(p, "3.1") for p in files)
        plans = sum(1 for p in files if _measures_under(p, "3.1"))
        assert f"{year} 年度 {plans} 份計畫 ：{measures} 項具體作法" in section, section
    page = (out / "frameworks/gsa-2/2-1/index.html").read_text(encoding="utf-8")
    assert 'href="../../six-pillars/3-1/index.html#y114"' in page
    assert "高雄市甲仙區公所 114 年度" not in section        # no line per plan
    assert broken_links(out) == []                              # every year link lands on its section
