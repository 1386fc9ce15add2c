"""The built seed site: every page kind, links, byte-identical rebuilds, sub-path hosting, atomic writes."""
from __future__ import annotations

import hashlib
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from linkcheck import broken_links
from support import PAGE_KINDS as SEED_PAGES, REPO, make_project, png, seed_config

SEEDS = REPO / "tests" / "seeds"   # copies of ../shared/seeds and its seed_fidelity.py


def build(out: pathlib.Path, *args: str, cwd: pathlib.Path = REPO, env: dict | None = None,
          config: pathlib.Path | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(REPO / "build.py")]
    if config:
        cmd += ["--config", str(config)]
    if config is None and "--base-url" not in args:
        args = ("--base-url", "https://plans.example.gov.tw/", *args)
    # PDFs (Chromium) are checked in the browser suite; the unit tests stay fast
    cmd += ["build", "--out", str(out), "--quiet", "--no-pdf", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> pathlib.Path:
    root = tmp_path_factory.mktemp("site")
    out = root / "_site"
    result = build(out, "--base-url", "https://plans.example.gov.tw/", config=seed_config(root))
    assert result.returncode == 0, result.stderr
    return out


def digest(directory: pathlib.Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


PAGE_KINDS = {**SEED_PAGES, "sitemap.xml": "sitemap.xml", "feed": "feed.xml", "robots": "robots.txt"}
PLAN_PAGE = "agencies/kaohsiung-senior-center/113/index.html"
UNIT_PAGE = "agencies/kaohsiung-senior-center/units/service-section/index.html"


@pytest.mark.parametrize("kind", sorted(PAGE_KINDS))
def test_every_page_kind_is_built(site, kind):
    assert (site / PAGE_KINDS[kind]).is_file()


def test_no_broken_internal_link_or_anchor(site):
    assert broken_links(site) == []


def test_sub_item_page_shows_every_agency_in_its_own_wording(site):
    page = (site / "frameworks/six-pillars/3-2/index.html").read_text(encoding="utf-8")
    assert "衡酌實際需求，開發線上申辦及跨平台通用服務，增加民眾使用意願。" in page
    for agency in ("家庭暴力及性侵害防治中心", "兒童福利服務中心", "長青綜合服務中心", "甲仙區公所"):
        assert agency in page


def test_plan_links_to_agency_units_and_pillars(site):
    page = (site / PLAN_PAGE).read_text(encoding="utf-8")
    assert 'href="../index.html"' in page                       # agency
    assert 'href="../units/service-section/index.html"' in page  # unit
    assert 'href="../../../frameworks/six-pillars/3-2/index.html"' in page  # sub-item


def test_unit_page_lists_its_measures_by_year_and_pillar(site):
    page = (site / UNIT_PAGE).read_text(encoding="utf-8")
    assert "113年度提升服務工作計畫" in page
    assert "於1樓入口處設置服務台，指派專人輪值，提供長輩各項業務諮詢及服務。" in page
    assert "設置3樓服務櫃台" in page


def test_seed_fidelity_is_at_least_97_percent(site):
    result = subprocess.run([sys.executable, str(SEEDS / "seed_fidelity.py"), str(site), "--seeds", str(SEEDS)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
    assert result.stdout.count("fragments' text found") == 5


def test_identical_input_gives_byte_identical_output(tmp_path, site):
    out = tmp_path / "again"
    result = build(out, "--base-url", "https://plans.example.gov.tw/", env={"PYTHONHASHSEED": "12345"},
                   config=seed_config(tmp_path))
    assert result.returncode == 0, result.stderr
    assert digest(out) == digest(site)


def test_output_does_not_depend_on_file_creation_order_or_time_zone(tmp_path, site):
    # the plans copied in reverse order (directory entries created last-first), another hash seed and a
    # time zone 14 hours from Taiwan's: the same bytes
    plans = tmp_path / "plans"
    for agency in sorted((REPO / "plans").iterdir(), reverse=True):
        (plans / agency.name).mkdir(parents=True)
        for file in sorted(agency.iterdir(), reverse=True):
            shutil.copy2(file, plans / agency.name / file.name)
    out = tmp_path / "reordered"
    result = build(out, "--base-url", "https://plans.example.gov.tw/",
                   env={"PYTHONHASHSEED": "987", "TZ": "Pacific/Kiritimati"},
                   config=seed_config(tmp_path, paths={"plans": plans.as_posix()}))
    assert result.returncode == 0, result.stderr
    assert digest(out) == digest(site)


def test_sub_path_hosting(tmp_path):
    out = tmp_path / "sub"
    result = build(out, "--base-url", "https://example.gov.tw/plans/")
    assert result.returncode == 0, result.stderr
    assert broken_links(out) == []
    plan = (out / PLAN_PAGE).read_text(encoding="utf-8")
    assert '<link rel="canonical" href="https://example.gov.tw/plans/agencies/kaohsiung-senior-center/113/">' in plan
    locs = re.findall(r"<loc>([^<]+)</loc>", (out / "sitemap.xml").read_text(encoding="utf-8"))
    assert locs and all(loc.startswith("https://example.gov.tw/plans/") for loc in locs)
    assert "https://example.gov.tw/plans/sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")
    not_found = (out / "404.html").read_text(encoding="utf-8")
    assert 'href="https://example.gov.tw/plans/agencies/"' in not_found
    assert "<style>" in not_found  # the stylesheet is inlined: it loads at any address
    # every internal link stays relative, so the same output works under any path and from disk
    for page in out.rglob("*.html"):
        if page.name != "404.html":
            text = re.sub(r'<link rel="canonical"[^>]*>', "", page.read_text(encoding="utf-8"))
            assert not re.search(r'(href|src)="https://example\.gov\.tw/', text), page


def test_a_failed_build_leaves_the_previous_output_untouched(tmp_path):
    root = make_project(tmp_path)
    out = root / "_site"
    assert build(out, config=root / "site.toml", cwd=root).returncode == 0
    before = digest(out)
    plan = root / "plans/test-agency/114.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("units: [服務課]", "units: [不存在的課]"), encoding="utf-8")
    result = build(out, config=root / "site.toml", cwd=root)
    assert result.returncode == 1
    assert "plans/test-agency/114.yaml:24:19: 錯誤：不認得的單位「不存在的課」" in result.stderr
    assert "建置失敗，保留上一次的輸出" in result.stderr
    assert digest(out) == before
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == [".cache"]   # no staging left


def test_a_template_error_also_leaves_the_previous_output_untouched(tmp_path):
    root = make_project(tmp_path)
    templates = root / "templates"
    shutil.copytree(REPO / "templates", templates)
    toml = (root / "site.toml").read_text(encoding="utf-8")
    toml = re.sub(r'templates = "[^"]*"', f'templates = "{templates.as_posix()}"', toml)
    (root / "site.toml").write_text(toml, encoding="utf-8")
    out = root / "_site"
    assert build(out, config=root / "site.toml", cwd=root).returncode == 0
    before = digest(out)
    (templates / "pages/unit.html").write_text("{% extends 'base.html' %}{% block content %}{{ nope.nothing }}{% endblock %}",
                                              encoding="utf-8")
    result = build(out, config=root / "site.toml", cwd=root)
    assert result.returncode == 1
    assert "pages/unit.html" in result.stderr and "Traceback" not in result.stderr
    assert digest(out) == before
    # the pages rendered before the failing one went to a staging folder, which is gone
    assert sorted(p.name for p in root.iterdir() if p.name.startswith(".")) in ([], [".cache"])


def test_accessibility_badge_appears_on_the_home_page_only_when_configured(tmp_path):
    root = make_project(tmp_path)
    toml = (root / "site.toml").read_text(encoding="utf-8") + '[accessibility]\nbadge_id = "12345"\n'
    (root / "site.toml").write_text(toml, encoding="utf-8")
    out = root / "_site"
    missing = build(out, config=root / "site.toml", cwd=root)
    assert missing.returncode == 1 and "找不到標章圖檔 badge-aa.png" in missing.stderr
    static = root / "static"
    shutil.copytree(REPO / "static", static)
    (static / "badge-aa.png").write_bytes(png(88, 31))
    (root / "site.toml").write_text(re.sub(r'static = "[^"]*"', f'static = "{static.as_posix()}"', toml), encoding="utf-8")
    assert build(out, config=root / "site.toml", cwd=root).returncode == 0
    home = (out / "index.html").read_text(encoding="utf-8")
    assert ('<a href="https://accessibility.moda.gov.tw/Applications/Detail?category=12345" title="無障礙網站（另開新視窗）" '
            'target="_blank" rel="noopener"><img src="static/badge-aa.png" width="88" height="31" alt="通過AA無障礙網頁檢測"></a>') in home
    assert "badge-aa.png" not in (out / "privacy/index.html").read_text(encoding="utf-8")


def test_without_a_base_url_build_refuses_qr_codes_unless_told(tmp_path):
    root = make_project(tmp_path)
    toml = root / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('base_url = "https://example.gov.tw/plans/"', ""),
                    encoding="utf-8")
    out = root / "_site"
    refused = build(out, config=toml, cwd=root)
    assert refused.returncode == 1
    assert "site.toml:1:1: 錯誤：QR Code 需要網站的正式網址" in refused.stderr and "--no-qr" in refused.stderr
    assert not out.exists()
    assert build(out, "--no-qr", config=toml, cwd=root).returncode == 0
    assert not list(out.rglob("*qr.png")) and "ps-qr" not in (out / "agencies/test-agency/114/index.html").read_text(encoding="utf-8")
    with_url = build(out, "--base-url", "https://example.gov.tw/p/", config=toml, cwd=root)
    assert with_url.returncode == 0
    assert (out / "agencies/test-agency/114/test-agency-114-qr.png").is_file()


def _compared(tmp_path, last_year) -> tuple[pathlib.Path, str]:
    """The seed site with a 112 plan for 長青綜合服務中心 made from its 113 plan by `last_year(text)`:
    the output folder and the 113 comparison page."""
    root = make_project(tmp_path, plans_from=REPO / "plans")
    plans = root / "plans/kaohsiung-senior-center"
    text = (plans / "113.yaml").read_text(encoding="utf-8")
    older = last_year(text.replace("year: 113", "year: 112").replace("113年度", "112年度"))
    (plans / "112.yaml").write_text(older, encoding="utf-8")
    out = root / "_site"
    result = build(out, config=root / "site.toml", cwd=root)
    assert result.returncode == 0, result.stderr
    assert broken_links(out) == []
    return out, (out / "agencies/kaohsiung-senior-center/113/compare/index.html").read_text(encoding="utf-8")


def test_year_over_year_comparison_shows_added_dropped_and_changed_measures(tmp_path):
    def last_year(text: str) -> str:
        older = (text.replace("於1樓大廳設置意見箱。", "於大廳設置意見箱。")                      # changed in 113
                 .replace("            - text: 設置3樓服務櫃台", "            - text: 設置2樓臨時櫃台，受理申請。\n              units: [服務課]\n            - text: 設置3樓服務櫃台"))  # dropped in 113
        assert older.count("設置2樓臨時櫃台") == 1
        return older

    out, page = _compared(tmp_path, last_year)
    plan_page = (out / "agencies/kaohsiung-senior-center/113/index.html").read_text(encoding="utf-8")
    assert 'href="compare/index.html">與 112 年比較' in plan_page
    assert "新增 0 項、刪除 1 項、修改 1 項" in page
    assert "設置2樓臨時櫃台，受理申請。" in page
    assert '於<ins><span class="ps-visually-hidden">〔新增：</span>1樓<span class="ps-visually-hidden">〕</span></ins>大廳設置意見箱' in page
    assert not (out / "agencies/kaohsiung-senior-center/112/compare").exists()
    # the page says how it matched, with the threshold the comparison really uses
    from plansite import compare  # noqa: PLC0415

    assert f"且至少 {round(compare.SIMILAR * 100)}% 相同的一項配對，算「修改」" in page
    assert "作法重新編號或調換順序不算修改" in page


def test_a_measure_moved_to_another_item_is_shown_as_moved_not_dropped_and_added(tmp_path):
    faq = "            - text: 於中心網頁設置常見問答，提供為民服務諮詢及常見問題集。\n"          # in 1.2 this year
    mail = "            - text: 透過中心信箱管道，有效處理民眾陳情、抱怨問題。\n"                # in 2.4 this year
    mail_then = "            - text: 透過中心電子信箱管道，有效處理民眾陳情、抱怨問題。\n"     # and worded so last year

    def last_year(text: str) -> str:                                                           # the two swapped
        assert text.count(faq) == 1 and text.count(mail) == 1
        return text.replace(faq, "@FAQ@").replace(mail, faq).replace("@FAQ@", mail_then)

    out, page = _compared(tmp_path, last_year)
    assert "新增 0 項、刪除 0 項、修改 0 項、移到其他服務項目 2 項" in page
    item_12 = page[page.index('<h2 id="d1-2">'):page.index('<h2 id="d2-4">')]
    item_24 = page[page.index('<h2 id="d2-4">'):]
    assert "<h3>從其他服務項目移入</h3>" in item_12 and "<h3>移到其他服務項目</h3>" in item_12
    assert '於中心網頁設置常見問答，提供為民服務諮詢及常見問題集。（去年在<a href="#d2-4">服務項目二(四)</a>）' in item_12
    assert '透過中心電子信箱管道，有效處理民眾陳情、抱怨問題。（今年在<a href="#d2-4">服務項目二(四)</a>）' in item_12
    assert ('透過中心<del><span class="ps-visually-hidden">〔刪除：</span>電子<span class="ps-visually-hidden">〕</span>'
            '</del>信箱管道，有效處理民眾陳情、抱怨問題。（去年在<a href="#d1-2">服務項目一(二)</a>，並有修改）') in item_24
    assert "<h3>新增</h3>" not in page and "<h3>刪除</h3>" not in page
    agency = (out / "agencies/kaohsiung-senior-center/index.html").read_text(encoding="utf-8")
    for pillar in ("一、完備基礎服務項目，注重服務特性差異化", "二、重視全程意見回饋及參與，力求服務切合民眾需求"):
        assert f"{pillar}：新增 0 項、刪除 0 項、修改 0 項、移動 2 項" in agency   # one moved in, one out, each

def test_feed_and_sitemap_are_well_formed_and_complete(tmp_path):
    import xml.etree.ElementTree as ET

    out = tmp_path / "feeds"
    assert build(out, "--base-url", "https://example.gov.tw/plans/").returncode == 0
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(out / "feed.xml").getroot()
    entries = feed.findall(f"{atom}entry")
    assert len(entries) == 5
    for entry in entries:
        alternate = entry.find(f"{atom}link[@rel='alternate']").get("href")
        assert alternate.startswith("https://example.gov.tw/plans/agencies/")
        assert entry.find(f"{atom}updated").text.endswith("T00:00:00+08:00")
    urls = [loc.text for loc in ET.parse(out / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    pages = [p for p in out.rglob("index.html")]
    assert len(urls) == len(pages) and len(set(urls)) == len(urls)
    assert "https://example.gov.tw/plans/404.html" not in urls


def test_two_files_on_one_path_is_an_error_not_an_overwrite(tmp_path):
    from plansite import write
    from plansite.errors import BuildFailed
    from plansite.render import OutFile

    out = tmp_path / "out"
    write.publish(out, [OutFile("a/index.html", b"first")], static_dir=tmp_path / "no-static")
    with pytest.raises(BuildFailed) as failure:
        write.publish(out, [OutFile("a/index.html", b"x"), OutFile("A/index.html", b"y")], static_dir=tmp_path / "none")
    assert "兩個頁面使用同一個網址「A/index.html」" in str(failure.value.problems.items[0])
    assert (out / "a/index.html").read_bytes() == b"first"


def test_an_unchanged_file_is_linked_from_the_previous_output_and_a_changed_one_written(tmp_path):
    """publish gives an unchanged file the previous output's copy (a hard link, no rewrite), writes
    changed ones, and never links through a symbolic link someone left in the output folder."""
    from plansite import write
    from plansite.render import OutFile

    out, none = tmp_path / "site", tmp_path / "no-static"
    outside = tmp_path / "outside.html"
    outside.write_bytes(b"same")
    write.publish(out, [OutFile("a.html", b"same"), OutFile("b.html", b"old")], static_dir=none)
    (out / "c.html").symlink_to(outside)
    before = (out / "a.html").stat().st_ino
    write.publish(out, [OutFile("a.html", b"same"), OutFile("b.html", b"new"), OutFile("c.html", b"same")],
                  static_dir=none)
    assert (out / "a.html").stat().st_ino == before and (out / "a.html").read_bytes() == b"same"
    assert (out / "b.html").read_bytes() == b"new"
    assert not (out / "c.html").is_symlink() and (out / "c.html").stat().st_ino != outside.stat().st_ino
    outside.write_bytes(b"changed later")
    assert (out / "c.html").read_bytes() == b"same"


def test_a_build_killed_at_any_moment_leaves_a_complete_site(tmp_path):
    """SIGKILL (a CI job cancelled, a machine losing power) gives no chance to clean up: whenever it
    lands, the output folder is the previous complete site or the new complete one, never a mix."""
    import signal
    import time

    root = make_project(tmp_path, plans_from=REPO / "plans")
    out = root / "_site"
    assert build(out, config=root / "site.toml", cwd=root).returncode == 0
    old = digest(out)
    shutil.copytree(out, tmp_path / "old")
    plan = root / "plans/kaohsiung-senior-center/113.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("於1樓大廳設置意見箱。", "於1樓大廳設置意見箱及線上表單。"),
                    encoding="utf-8")
    fresh = tmp_path / "fresh"
    assert build(fresh, config=root / "site.toml", cwd=root).returncode == 0
    new = digest(fresh)
    assert new != old
    seen = set()
    cmd = [sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "build", "--out", str(out),
           "--quiet", "--no-pdf"]
    for delay in (0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.2, 2.6, 3.0, 3.5, 4.0, 5.0):
        process = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = digest(out)
        assert now in (old, new), f"killed after {delay}s: the output is neither the old nor the new site"
        seen.add("new" if now == new else "old")
        if now == new:   # start again from the old site for the next kill
            shutil.rmtree(out)
            shutil.copytree(tmp_path / "old", out)
    print(f"12 kills: output was the {' or the '.join(sorted(seen))} complete site each time")
