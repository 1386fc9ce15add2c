"""Frameworks beyond the two shipped: `new-framework` starts one, and a site whose only framework is a
new one with its own level names describes that framework, not the six pillars."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from support import PROJECT, REPO, make_project

UPLIFT = """\
id: test-uplift
name: 測試躍升架構
description: 測試用的計畫架構，有自己的層級名稱。
levels:
  - name: 推動策略
    numbering: cjk
  - name: 具體措施
    numbering: cjk-paren
measure_numbering: arabic
columns:
  item: 推動策略
  focus: 具體措施
  unit: 執行單位
items:
  - code: "1"
    title: 精進服務流程
    items:
      - code: "1.1"
        title: 簡化申辦程序
      - code: "1.2"
        title: 擴大線上服務
  - code: "2"
    title: 擴大民眾參與
    items:
      - code: "2.1"
        title: 蒐集民眾意見
"""


def _project(tmp_path, files=None, frameworks=None):
    """A project with its own frameworks/ directory: the shipped ones, or just `frameworks` (name -> text)."""
    root = tmp_path / "project"
    directory = root / "frameworks"
    toml = ('[site]\nname = "測試網站"\nowner = "測試機關"\nbase_url = "https://example.gov.tw/plans/"\n'
            f'[paths]\nframeworks = "{directory.as_posix()}"\n'
            f'templates = "{(REPO / "templates").as_posix()}"\nstatic = "{(REPO / "static").as_posix()}"\n')
    make_project(tmp_path, files, site_toml=toml)
    if frameworks is None:
        shutil.copytree(REPO / "frameworks", directory)
    else:
        directory.mkdir()
        for name, text in frameworks.items():
            (directory / name).write_text(text, encoding="utf-8")
    return root


def run(root, *args):
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), *args],
                          cwd=root, capture_output=True, text=True, encoding="utf-8")


# ---- new-framework ------------------------------------------------------------

def test_new_framework_from_six_pillars_copies_the_structure_and_validates(tmp_path):
    root = _project(tmp_path)
    result = run(root, "new-framework", "gsa-7", "--name", "第7屆政府服務獎評獎架構", "--from", "six-pillars")
    assert result.returncode == 0, result.stdout + result.stderr
    target = root / "frameworks/gsa-7.yaml"
    assert f"已建立 {target}（複製自 six-pillars.yaml）" in result.stdout
    assert "接著請依正式文件修改" in result.stdout and "framework: gsa-7" in result.stdout
    assert "description：取消註解" in result.stdout and result.stderr == ""
    text = target.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    source = yaml.safe_load((REPO / "frameworks/six-pillars.yaml").read_text(encoding="utf-8"))
    assert data["id"] == "gsa-7" and data["name"] == "第7屆政府服務獎評獎架構"
    assert "description" not in data and "# description:" in text       # the source's own text is not kept
    assert data["levels"] == source["levels"] and data["items"] == source["items"]
    assert text.startswith("# yaml-language-server: $schema=../schema/framework.schema.json\n")
    assert "政府服務獎六大構面" not in text.split("\nitems:")[0]           # no header describing the source
    # a plan can use it at once, and the site then shows it
    plan = (PROJECT / "plans/test-agency/114.yaml").read_text(encoding="utf-8")
    (root / "plans/test-agency/114.yaml").write_text(plan.replace("framework: six-pillars", "framework: gsa-7"),
                                                      encoding="utf-8")
    check = run(root, "check")
    assert check.returncode == 0 and "錯誤：" not in check.stderr, check.stderr


def test_new_framework_without_from_writes_a_commented_valid_skeleton(tmp_path):
    root = _project(tmp_path)
    result = run(root, "new-framework", "my-edition")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "（空白範本）" in result.stdout and "name：改成架構的正式名稱" in result.stdout
    text = (root / "frameworks/my-edition.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["id"] == "my-edition" and [lv["name"] for lv in data["levels"]] == ["構面", "服務項目"]
    assert [i["code"] for i in data["items"]] == ["1", "2"]
    assert "numbering: cjk            # cjk：一、二、" in text            # every key explained beside it
    assert run(root, "check").returncode == 0


def test_new_framework_never_overwrites_and_names_what_exists(tmp_path):
    root = _project(tmp_path)
    target = root / "frameworks/gsa-2.yaml"
    before = target.read_bytes()
    result = run(root, "new-framework", "gsa-2", "--from", "six-pillars")
    assert result.returncode == 2 and "已經存在，不會覆寫" in result.stderr
    assert target.read_bytes() == before
    unknown = run(root, "new-framework", "gsa-7", "--from", "seven-pillars")
    assert unknown.returncode == 2 and "找不到架構「seven-pillars」。已有的架構：gsa-2、six-pillars" in unknown.stderr
    assert not (root / "frameworks/gsa-7.yaml").exists()
    bad = run(root, "new-framework", "GSA_7")
    assert bad.returncode == 2 and "只能用小寫英文字母、數字與連字號" in bad.stderr
    for output in (result, unknown, bad):
        assert "Traceback" not in output.stderr


def test_new_framework_help_is_in_chinese_and_english(tmp_path):
    result = run(_project(tmp_path), "new-framework", "--help")
    assert result.returncode == 0
    assert "不會覆寫" in result.stdout and "never overwrites" in result.stdout and "--from" in result.stdout


# ---- a site whose only framework is a new one ---------------------------------

@pytest.fixture(scope="module")
def uplift_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("uplift")
    plan = (PROJECT / "plans/test-agency/114.yaml").read_text(encoding="utf-8")
    plan = plan.replace("framework: six-pillars", "framework: test-uplift")
    root = _project(tmp, {"plans/test-agency/114.yaml": plan}, frameworks={"test-uplift.yaml": UPLIFT})
    out = root / "_site"
    result = run(root, "build", "--out", str(out), "--quiet", "--no-pdf")
    assert result.returncode == 0, result.stderr
    return out


def _main(path) -> str:
    page = path.read_text(encoding="utf-8")
    blocks = re.sub(r"</?(?:dt|dd|li|h[1-6]|p|ul|ol|section|nav)\b[^>]*>|<span class=\"ps-cards__text\">", "\n", page)
    return html.unescape(re.sub(r"\s*\n\s*", "\n", re.sub(r"<[^>]+>", "", blocks)))


PAGES = ["index.html", "frameworks/index.html", "frameworks/test-uplift/index.html",
         "frameworks/test-uplift/1/index.html", "frameworks/test-uplift/1-1/index.html", "sitemap/index.html",
         "search/index.html", "accessibility/index.html"]


@pytest.mark.parametrize("rel", PAGES)
def test_pages_use_the_frameworks_own_words_not_the_six_pillars(uplift_site, rel):
    page = (uplift_site / rel).read_text(encoding="utf-8")
    for word in ("構面", "六大", "服務項目"):
        assert word not in page, (rel, word)
    assert ">推動策略</a>" in page          # the main menu entry


def test_home_page_names_the_framework_and_its_levels(uplift_site):
    text = _main(uplift_site / "index.html")
    assert "依「測試躍升架構」撰寫，可依機關、年度、推動策略或負責單位瀏覽。" in text
    assert "依推動策略比較\n看各機關如何回應同一個具體措施" in text
    assert 'href="frameworks/test-uplift/index.html">測試躍升架構</a>' in (uplift_site / "index.html").read_text(
        encoding="utf-8")


def test_framework_pages_describe_the_framework_with_its_level_names(uplift_site):
    index = _main(uplift_site / "frameworks/index.html")
    assert "推動策略與具體措施" in index.splitlines()            # the title
    assert "點選架構中的推動策略或具體措施，可比較各機關、各年度的具體作法。" in index
    assert "測試用的計畫架構，有自己的層級名稱。" in index
    assert "2 個推動策略、3 個具體措施；本站有 1 份計畫採用。" in index
    page = _main(uplift_site / "frameworks/test-uplift/index.html")
    assert "2 個推動策略、3 個具體措施；本站有 1 份計畫採用。點選推動策略或具體措施" in page
    assert "推動策略與具體措施" in page and "一、精進服務流程" in page and "(一)簡化申辦程序" in page
    description = re.search(r'<meta name="description" content="([^"]*)"',
                            (uplift_site / "frameworks/index.html").read_text(encoding="utf-8")).group(1)
    assert "可依推動策略與具體措施，比較各機關、各年度的具體作法。" in html.unescape(description)


def test_editors_guide_framework_example_is_a_valid_framework_a_plan_can_use(tmp_path):
    guide = (REPO / "docs/editors-guide.md").read_text(encoding="utf-8")
    section = guide.split("## 13. 新增計畫架構", 1)[1]
    example = re.search(r"### 完整的範例\n.*?```yaml\n(.*?)```", section, re.S).group(1)
    assert "id: service-uplift" in example
    plan = (PROJECT / "plans/test-agency/114.yaml").read_text(encoding="utf-8")
    root = _project(tmp_path, {"plans/test-agency/114.yaml": plan.replace("framework: six-pillars",
                                                                          "framework: service-uplift")},
                    frameworks={"service-uplift.yaml": example})
    result = run(root, "check", "--strict")
    assert "service-uplift.yaml" not in result.stderr, result.stderr      # the framework file: no problem at all
    assert "錯誤：" not in result.stderr, result.stderr
