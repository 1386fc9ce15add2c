"""The rough edges an editor hit in the trial (issue 11): unit lists typed as one name, YAML syntax
errors in Chinese at the offending column, a hint on every schema error, no warning for past years,
acknowledged gaps (known_gaps), and the number of a lone measure (numbering.single_measure)."""
from __future__ import annotations

import copy
import csv
import io
import os
import pathlib
import re

import pytest

from plansite import lint, pipeline, render, schema, serve, yamlfile
from plansite.config import load_config
from plansite.errors import PlanError, Problems
from support import FIXTURES, PROJECT, REPO, make_project

# the fixture plan, with the opening row's title written out as a finished plan has it
PLAN = (PROJECT / "plans/test-agency/114.yaml").read_text(encoding="utf-8").replace(
    "  opening:\n", "  opening:\n    title: 訂定「提升服務計畫」\n")
AGENCY = (PROJECT / "plans/test-agency/agency.yaml").read_text(encoding="utf-8")
CONTACT_TOML = (
    '[site]\nname = "測試網站"\nowner = "測試機關"\nbase_url = "https://example.gov.tw/plans/"\n'
    f'[paths]\nframeworks = "{(REPO / "frameworks").as_posix()}"\n'
    f'templates = "{(REPO / "templates").as_posix()}"\nstatic = "{(REPO / "static").as_posix()}"\n'
    '[contact]\nemail = "plans@example.gov.tw"\n')
# the six-pillar codes the fixture plan has no measures for (it has only 1.1)
FIXTURE_GAPS = '["1.2", "1.3", "1.4", "2", "3", "4", "5", "6"]'


def _problems(root: pathlib.Path) -> Problems:
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return pipeline.check(load_config(root / "site.toml")).problems
    finally:
        os.chdir(cwd)


def _fresh(path: pathlib.Path) -> pathlib.Path:
    path.mkdir()
    return path


def _texts(problems: Problems, errors_only: bool = False) -> list[str]:
    return [str(p) for p in (problems.errors if errors_only else problems.items)]


# 1. A unit list typed as one name ------------------------------------------------------------

@pytest.mark.parametrize("written, fixed", [
    ("units: [行政課、服務課]", "units: [行政課, 服務課]"),
    ("units: [行政課，服務課]", "units: [行政課, 服務課]"),
    ('units: ["行政課, 服務課"]', "units: [行政課, 服務課]"),
])
def test_a_unit_list_typed_as_one_name_says_to_split_it_and_shows_the_fixed_line(tmp_path, written, fixed):
    plan = PLAN.replace("units: [服務課]", written)
    problems = _problems(make_project(tmp_path, {"plans/test-agency/114.yaml": plan}))
    (problem,) = problems.errors
    assert str(problem.pos).endswith("114.yaml:25:19")
    assert "是好幾個單位寫成一個名稱；多個單位必須分開列出" in problem.message
    assert "不認得的單位" not in problem.message and "您是不是要寫" not in problem.hint
    assert f"請改成：{fixed}" in problem.hint


def test_a_unit_list_in_block_style_and_with_an_unknown_part(tmp_path):
    plan = PLAN.replace("units: [服務課]", "units:\n            - 服務課、總務課")
    (problem,) = _problems(make_project(tmp_path, {"plans/test-agency/114.yaml": plan})).errors
    assert str(problem.pos).endswith("114.yaml:26:15")
    assert "請改成：units: [服務課, 總務課]" in problem.hint
    assert "「總務課」不是 plans/test-agency/agency.yaml 所列的單位" in problem.hint


def test_a_unit_list_written_as_text_instead_of_a_list_gets_the_list_written_out(tmp_path):
    plan = PLAN.replace("units: [服務課]", "units: 行政課、服務課")
    (problem,) = _problems(make_project(tmp_path, {"plans/test-agency/114.yaml": plan})).errors
    assert "units 應該是清單" in problem.message
    assert "units: [行政課, 服務課]" in problem.hint


def test_an_agency_unit_name_holding_several_units_is_warned_about(tmp_path):
    agency = AGENCY.replace("  - name: 服務課\n", "  - name: 服務課、總務課\n")
    plan = PLAN.replace("units: [服務課]", "units: [服務課、總務課]")
    problems = _problems(make_project(tmp_path, {"plans/test-agency/agency.yaml": agency,
                                                 "plans/test-agency/114.yaml": plan}))
    (warning,) = [p for p in problems.warnings if "agency.yaml" in str(p.pos)]
    assert str(warning.pos).endswith("agency.yaml:9:11")
    assert "看起來是好幾個單位寫成一個名稱" in warning.message and "- name: 服務課" in warning.hint
    assert not problems.errors, "a unit that really is named so is still accepted"


# 2. YAML syntax errors in Chinese, at the parser's place -------------------------------------

SYNTAX = [  # (text, line, column, words of the message)
    ("a: 1\n  b: 2\n", 2, 3, "縮排不一致：這一行比上一行多了縮排"),
    ("a:\n  b: 1\n c: 2\n", 3, 2, "縮排不一致"),
    ("s:\n  - t: a\n    b: b\n   - t: c\n", 4, 4, "縮排不一致"),
    ("a:\n  - x\n  y: 1\n", 3, 3, "欄位出現在清單之間"),
    ("a: 1\n- b\n", 2, 1, "清單項目「- 」出現在欄位之間"),
    ("a: 1\nb\nc: 2\n", 2, 1, "缺少「: 」"),
    ("title: 計畫: 第一版\n", 1, 10, "這裡不能出現「: 」"),
    ("a: b\t# x\n", 1, 5, "Tab"),
    ("a:\n\tb: 1\n", 2, 1, "Tab"),
    ('a: "abc\nb: 1\n', 1, 4, "引號沒有成對"),
    ("a: 'abc\nb: 1\n", 1, 4, "引號沒有成對"),
    ('a: "abc" def\n', 1, 10, "引號之後還有文字"),
    ("units: [a, b\nc: 1\n", 1, 8, "「[」沒有對應的「]」"),
    ("x: {a: 1\nc: 1\n", 1, 4, "「{」沒有對應的「}」"),
    ("a: [a,,b]\n", 1, 7, "多餘的逗號"),
    ("a: [重要] 文字\n", 1, 9, "以「[」或「{」開頭的文字"),
    ("a: @x\n", 1, 4, "「@」不能放在值的開頭"),
    ("a: `x`\n", 1, 4, "「`」不能放在值的開頭"),
    ("a: *星號\n", 1, 5, "別名或錨點"),
    ("a: |x\n", 1, 5, "「|」或「>」之後不能接文字"),
    ('a: "C:\\x"\n', 1, 9, "跳脫字元"),
    ("a: 1\n---\nb: 2\n", 2, 1, "一個檔案只能有一份文件"),
]


@pytest.mark.parametrize("text, line, col, gist", SYNTAX, ids=[f"case{i}" for i in range(len(SYNTAX))])
def test_yaml_syntax_errors_are_explained_in_chinese_at_the_parsers_column(tmp_path, text, line, col, gist):
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        yamlfile.load(path)
    problem = caught.value.problem
    assert (problem.pos.line, problem.pos.col) == (line, col), str(problem)
    assert gist in problem.message
    assert problem.hint and re.search(r"[\u4e00-\u9fff]", problem.hint), "a hint in Chinese"
    for parser_words in ("while parsing", "while scanning", "<block end>", "but found", "found character"):
        assert parser_words not in str(problem), "no raw parser text for a listed error"


def test_indentation_advice_names_the_columns_to_align_with(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("sections:\n  - title: a\n    body: b\n   - title: c\n", encoding="utf-8")
    with pytest.raises(PlanError) as caught:
        yamlfile.load(path)
    assert "這一行從第 4 欄開始" in caught.value.problem.hint
    assert "上一行（第 5 欄）或第 2 行（第 3 欄）" in caught.value.problem.hint


# 3. Every schema error has a hint --------------------------------------------------------------

_BAD_VALUES = [None, "", " ", [], {}, 0, -1, 7, 1000, "x", "X Y", ["x"], [None], [{}], {"zz": 1}, {"text": ""},
               True, "2025-13", "3.2.1.9", "no", [1, 1]]


def _mutations(data):
    """The document with each value replaced by each bad value, and with each key removed."""
    def paths(value, path=()):
        yield path
        if isinstance(value, dict):
            for key, child in value.items():
                yield from paths(child, path + (key,))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                yield from paths(child, path + (i,))

    for path in list(paths(data)):
        if not path:
            continue
        for bad in _BAD_VALUES + ["drop"]:
            copied = copy.deepcopy(data)
            parent = copied
            for key in path[:-1]:
                parent = parent[key]
            if bad == "drop":
                if isinstance(parent, dict):
                    del parent[path[-1]]
                else:
                    parent.pop(path[-1])
            else:
                parent[path[-1]] = copy.deepcopy(bad)
            yield copied


@pytest.mark.parametrize("kind, text", [
    ("plan", PLAN.replace("year: 114", "year: 114\nknown_gaps: [\"2\"]\nnumbering: {single_measure: true}\n"
                          "published: \"2025-01-15\"\ncolumns: {unit: 業務單位}")
     .replace("          measures:\n            - 訂定申辦案件標準作業流程。",
              "          measures:\n            - text: 訂定申辦案件標準作業流程。\n              deadline: 114/12/31"
              "\n        - code: \"1.2\"\n          groups:\n            - heading: 分組\n              measures: [一項]")),
    ("agency", AGENCY),
    ("framework", (REPO / "frameworks/gsa-2.yaml").read_text(encoding="utf-8")),
])
def test_every_schema_error_has_a_hint(tmp_path, kind, text):
    path = tmp_path / f"{kind}.yaml"
    path.write_text(text, encoding="utf-8")
    doc = yamlfile.load(path)
    assert schema.check(doc, kind) == [], "the starting document is valid"
    documents = list(_mutations(doc.data))
    if kind == "framework":
        documents = documents[:3000]
    seen = set()
    for data in documents:
        broken = yamlfile.Doc(path=doc.path, data=data, lines=doc.lines, value_pos=doc.value_pos, key_pos=doc.key_pos)
        for problem in schema.check(broken, kind):
            seen.add(re.sub(r"^[\w.\[\]]+ |「.*?」|[0-9]+", "", problem.message)[:8])
            assert problem.hint.strip(), f"no hint for: {problem}"
    assert len(seen) >= 8, f"the mutations reach many kinds of schema error: {seen}"


def test_missing_items_and_too_few_items_have_hints(tmp_path):
    plan = PLAN.replace("      items:\n        - code: \"1.1\"\n          measures:\n            - 訂定申辦案件標準作業流程。\n"
                        "          units: [服務課]\n", "")
    problems = _problems(make_project(tmp_path, {"plans/test-agency/114.yaml": plan}))
    (problem,) = problems.errors
    assert "缺少必填欄位「items」" in problem.message
    assert "items:" in problem.hint
    plan = PLAN.replace("  pillars:\n", "  pillars: []\n  unused:\n")
    problems = _problems(make_project(_fresh(tmp_path / "2"), {"plans/test-agency/114.yaml": plan}))
    assert all(p.hint for p in problems.items), _texts(problems)
    assert any("至少要有 1 項" in p.message and "以「- 」開頭" in p.hint for p in problems.items), _texts(problems)


# 4. The error page marks the offending column ----------------------------------------------------

@pytest.mark.parametrize("fixture, line, col, marked", [
    ("37-colon-in-measure.yaml", 23, 21, ":"),   # schema: 「: 」 made YAML read a key
    ("01-colon-in-text.yaml", 3, 15, ":"),       # YAML: mapping values are not allowed here
    ("03-bad-indent.yaml", 4, 3, "f"),           # YAML: a key indented too deep
])
def test_the_error_page_marks_the_offending_column(tmp_path, fixture, line, col, marked):
    root = make_project(tmp_path, {"plans/test-agency/114.yaml": (FIXTURES / "bad" / fixture).read_bytes()})
    problems = _problems(root)
    (problem,) = problems.errors
    assert (problem.pos.line, problem.pos.col) == (line, col), str(problem)
    source_line = (root / "plans/test-agency/114.yaml").read_text(encoding="utf-8").splitlines()[line - 1]
    assert source_line[col - 1] == marked
    html = serve.error_page(render.environment(load_config(root / "site.toml")), problems, "測試").decode("utf-8")
    pre = re.search(r"<pre>(.*?)</pre>", html, re.S).group(1)
    assert f"<mark>{marked}</mark>" in pre
    assert pre.split("<mark>")[0].endswith(source_line[:col - 1][-3:])


# 5. and 6. Past years are not warned about; known gaps --------------------------------------------

def test_two_years_of_a_complete_plan_pass_check_strict(tmp_path):
    plan = PLAN.replace("framework: six-pillars\n", f"framework: six-pillars\nknown_gaps: {FIXTURE_GAPS}\n")
    root = make_project(tmp_path, {"plans/test-agency/114.yaml": plan,
                                   "plans/test-agency/113.yaml": plan.replace("year: 114", "year: 113")},
                        site_toml=CONTACT_TOML)
    problems = _problems(root)
    assert problems.items == [], _texts(problems)


def test_without_known_gaps_the_missing_codes_are_warned_with_the_line_to_add(tmp_path):
    problems = _problems(make_project(tmp_path, site_toml=CONTACT_TOML))
    texts = _texts(problems)
    assert any("計畫沒有構面「2 " in t and 'known_gaps: ["2"]' in t for t in texts), texts
    assert any("計畫沒有服務項目「1.2 " in t for t in texts), texts


def test_a_pillar_in_known_gaps_covers_its_items_and_items_without_measures(tmp_path):
    plan = PLAN.replace("framework: six-pillars\n", 'framework: six-pillars\nknown_gaps: ["1"]\n')
    plan += '    - code: 2\n      items:\n        - code: "2.1"\n'
    problems = _problems(make_project(tmp_path, {"plans/test-agency/114.yaml": plan}, site_toml=CONTACT_TOML))
    texts = _texts(problems)
    assert any("known_gaps 列了「1」，但計畫有構面「1」的具體作法" in t and "114.yaml:5:14" in t for t in texts), texts
    assert any("服務項目「2.1」沒有任何具體作法" in t and 'known_gaps: ["2.1"]' in t for t in texts), texts
    plan = plan.replace('known_gaps: ["1"]', 'known_gaps: ["1.2", "1.3", "1.4", "2", "3", "4", "5", "6"]')
    problems = _problems(make_project(_fresh(tmp_path / "2"), {"plans/test-agency/114.yaml": plan}, site_toml=CONTACT_TOML))
    assert problems.items == [], _texts(problems)


@pytest.mark.parametrize("gaps, gist", [
    ('["9"]', "known_gaps 的「9」不是架構「"),
    ('["1.1.1"]', "known_gaps 的「1.1.1」不是架構「"),
    ('["2", "2"]', "known_gaps 有重複的項目（2）"),
    ('"2"', "known_gaps 應該是清單"),
])
def test_known_gaps_mistakes_are_errors_with_hints(tmp_path, gaps, gist):
    plan = PLAN.replace("framework: six-pillars\n", f"framework: six-pillars\nknown_gaps: {gaps}\n")
    problems = _problems(make_project(tmp_path, {"plans/test-agency/114.yaml": plan}))
    (problem,) = problems.errors
    assert gist in problem.message and problem.hint, str(problem)
    assert str(problem.pos).split("114.yaml:")[1].startswith("5:")


def test_the_seed_plans_acknowledge_only_gaps_that_are_gaps():
    problems = _problems(REPO)
    texts = _texts(problems)
    assert not any("known_gaps" in t for t in texts), texts
    assert not any("計畫沒有" in t or "沒有任何具體作法" in t for t in texts), texts


# 7. The number of a lone measure ----------------------------------------------------------------

def _plan(root: pathlib.Path, slug: str = "test-agency"):
    cwd = os.getcwd()
    os.chdir(root)
    try:
        report = pipeline.check(load_config(root / "site.toml"))
    finally:
        os.chdir(cwd)
    assert not report.problems.errors, _texts(report.problems)
    return next(p for p in report.content.plans if p.agency.slug == slug)


def _numbers(plan) -> list[str]:
    return [m.number for _, _, _, m in plan.measures()]


def test_a_lone_measure_has_no_number_by_default_as_in_the_seed_documents(tmp_path):
    plan = _plan(make_project(tmp_path))
    assert _numbers(plan) == [""]
    assert [m.number for m in plan.opening.measures] == [""]


def test_numbering_single_measure_numbers_a_lone_measure(tmp_path):
    text = PLAN.replace("framework: six-pillars\n", "framework: six-pillars\nnumbering: {single_measure: true}\n")
    plan = _plan(make_project(tmp_path, {"plans/test-agency/114.yaml": text}))
    assert _numbers(plan) == ["1"]
    assert [m.number for m in plan.opening.measures] == ["1"]
    plan.raw = {**plan.raw, "numbering": {"single_measure": False}}
    for _, _, _, m in plan.measures():
        m.number = ""
    lint.number_plan(plan)
    assert _numbers(plan) == [""]


def test_a_lone_measure_under_a_numbered_sub_indicator_follows_the_option_too():
    """Seed 003 (parent-dotted 1.1, 2.1 …) prints its lone measures without a number as well."""
    plan = _plan(REPO, "penghu-social-affairs")
    lone = {g.heading: g.measures[0].number for _, item in [(p, i) for p in plan.pillars for i in p.items]
            for g in item.groups if len(g.measures) == 1}
    assert lone["申辦業務標準作業流程訂定情形"] == ""
    assert lone["上一年度委員建議事項參採辦理情形"] == ""
    plan.raw = {**plan.raw, "numbering": {"single_measure": True}}
    lint.number_plan(plan)
    lone = {g.heading: g.measures[0].number for p in plan.pillars for i in p.items
            for g in i.groups if len(g.measures) == 1}
    assert lone["申辦業務標準作業流程訂定情形"] == "1.1"
    assert lone["上一年度委員建議事項參採辦理情形"] == "2.1"


def test_the_csv_download_carries_the_lone_measures_number(tmp_path):
    text = PLAN.replace("framework: six-pillars\n", "framework: six-pillars\nnumbering: {single_measure: true}\n")
    root = make_project(tmp_path, {"plans/test-agency/114.yaml": text})
    config = load_config(root / "site.toml")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        pipeline.build(config, qr=False, pdf=False)
    finally:
        os.chdir(cwd)
    (path,) = [p for p in config.path("output").rglob("*.csv") if "114" in p.name]
    rows = list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    measure = next(r for r in rows if "訂定申辦案件標準作業流程" in "".join(r.values()))
    assert measure["編號"] == "1"
