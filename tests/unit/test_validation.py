"""The loader and validator on bad input: every file under tests/fixtures/bad/ must produce an
error naming the file, line and column, with a message an editor understands."""
from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from plansite import pipeline
from plansite.config import load_config
from plansite.errors import ConfigError
from support import FIXTURES, REPO, make_project

# file -> (line, column, words the message must contain)
EXPECTED = {
    "01-colon-in-text.yaml": (3, 15, "「: 」"),
    "02-unclosed-quote.yaml": (3, 8, "引號沒有成對"),
    "03-bad-indent.yaml": (4, 3, "縮排不一致"),
    "04-tab-indent.yaml": (6, 1, "Tab"),
    "05-duplicate-key.yaml": (5, 1, "欄位「title」重複（第 3 行"),
    "06-anchor-alias.yaml": (17, 12, "錨點與別名"),
    "07-wrong-type-year.yaml": (2, 7, "year 應該是整數"),
    "08-year-mismatch.yaml": (2, 7, "年度 113 與檔名 114.yaml 不同"),
    "09-year-out-of-range.yaml": (2, 7, "year 不能大於 200"),
    "10-unknown-framework.yaml": (4, 12, "不認得的計畫架構「seven-pillars」"),
    "11-unknown-pillar.yaml": (19, 13, "沒有構面代碼「7」"),
    "12-item-not-in-pillar.yaml": (21, 17, "代碼「2.1」不屬於上一層的「1」"),
    "13-unknown-unit.yaml": (24, 19, "不認得的單位「服務科」"),
    "14-html-in-text.yaml": (23, 21, "HTML"),
    "15-javascript-link.yaml": (23, 20, "javascript:"),
    "16-typed-number.yaml": (6, 12, "請不要自行輸入編號（「壹、」）"),
    "17-units-not-list.yaml": (24, 18, "units 應該是清單"),
    "18-yaml11-boolean.yaml": (11, 14, "content 應該是是非值"),
    "19-groups-and-measures.yaml": (21, 11, "不能同時有 groups 與 measures"),
    "20-two-content-sections.yaml": (13, 14, "只能有一個章節標示 content: true"),
    "21-measure-without-text.yaml": (16, 9, "缺少必填欄位「text」"),
    "22-unknown-key.yaml": (5, 1, "不認得的欄位「author」"),
    "23-missing-required.yaml": (2, 1, "缺少必填欄位「title」"),
    "24-explicit-tag.yaml": (3, 8, "不支援 YAML 標籤"),
    "25-published-format.yaml": (5, 12, "published 的格式不對"),
    "26-duplicate-item.yaml": (25, 17, "代碼「1.1」在本計畫中重複（第 21 行"),
    "27-empty-text.yaml": (14, 12, "focus 不能是空的"),
    "28-control-char.yaml": (3, 17, "控制字元"),
    "29-empty.yaml": (1, 1, "檔案是空的"),
    "30-top-level-list.yaml": (1, 1, "應該是欄位集合"),
    "31-big5.yaml": (2, 11, "Big5"),
    "32-utf16.yaml": (1, 1, "UTF-16"),
    "34-duplicate-unit-slug.agency.yaml": (10, 11, "單位代稱「admin-section」重複（第 7 行"),
    "35-bad-unit-slug.agency.yaml": (10, 11, "slug 的格式不對"),
    "36-agency-missing-units.agency.yaml": (2, 1, "缺少必填欄位「units」"),
    "37-colon-in-measure.yaml": (23, 21, "其中的「: 」讓 YAML 把它當成了欄位「設置傳承大使」"),
    "38-hash-in-text.yaml": (23, 22, "「 #」之後的文字會被 YAML 當成註解而消失"),
    "39-bracket-start.yaml": (23, 20, "以「[」或「{」開頭的文字"),
    "40-typed-measure-number.yaml": (23, 15, "請不要自行輸入編號（「1.」）"),
    "41-misspelled-key.yaml": (17, 5, "不認得的欄位「unit」"),
    # a wrong type in each kind of schema field (51 has one in every field; see the test below)
    "42-title-not-text.yaml": (3, 8, "title 應該是文字，但寫成了清單"),
    "43-framework-not-text.yaml": (4, 12, "framework 應該是文字，但寫成了整數 6"),
    "44-sections-not-list.yaml": (5, 11, "sections 應該是清單"),
    "45-content-not-mapping.yaml": (12, 10, "content 應該是欄位集合"),
    "46-draft-not-boolean.yaml": (5, 8, "draft 應該是是非值"),
    "47-known-gaps-not-list.yaml": (5, 13, "known_gaps 應該是清單"),
    "48-pillar-points-text.yaml": (20, 15, "content.pillars[1].points 應該是整數"),
    "49-measure-status-enum.yaml": (24, 23, "status 只能是 完成、部分完成、未完成、持續辦理"),
    "50-approval-date-format.yaml": (6, 9, "approval.date 的格式不對：「2024-03-05」"),
    "51-every-field-wrong-type.yaml": (3, 8, "title 應該是文字，但寫成了整數 114"),
    # bytes and characters that must not reach a page
    "52-nul-byte.yaml": (8, 15, "控制字元"),
    "53-invalid-utf8.yaml": (8, 16, "檔案不是 UTF-8 編碼"),
    "54-deep-nesting.yaml": (17, 49, "巢狀層次太深"),
    "55-bidi-override.yaml": (23, 21, "U+202E（RIGHT-TO-LEFT OVERRIDE）"),
    "56-zero-width-space.yaml": (16, 15, "U+200B（ZERO WIDTH SPACE）"),
    "57-bom-inside-text.yaml": (3, 17, "U+FEFF"),
    "58-bidi-isolate.yaml": (16, 28, "U+2067（RIGHT-TO-LEFT ISOLATE）"),
    "59-file-link.yaml": (16, 31, "連結只能用 https://、http://、mailto: 或 tel:（這裡是「file:」）"),
    "60-data-link.yaml": (16, 29, "data:"),
    "61-event-handler.yaml": (16, 28, "onerror"),
    "62-script-tag.yaml": (23, 20, "<script>"),
    "63-autolink-scheme.yaml": (16, 30, "「vbscript:」"),
    # agencies: wrong types, link schemes, slugs that differ only by case or width or leave the folder
    "64-name-not-text.agency.yaml": (2, 7, "name 應該是文字，但寫成了整數 123"),
    "65-parent-wrong-type.agency.yaml": (5, 9, "parent 應該是文字或清單"),
    "66-contact-not-mapping.agency.yaml": (6, 10, "contact 應該是欄位集合"),
    "67-website-javascript.agency.yaml": (7, 12, "contact.website 的格式不對：「javascript:alert(1)」"),
    "68-slug-uppercase.agency.yaml": (10, 11, "units[2].slug 的格式不對：「Service-Section」"),
    "69-slug-fullwidth.agency.yaml": (10, 11, "units[2].slug 的格式不對：「ｓｅｒｖｉｃｅ-section」"),
    "70-slug-trailing-newline.agency.yaml": (10, 11, "units[2].slug 的格式不對：「service-section\\n」"),
    "71-slug-path.agency.yaml": (10, 11, "units[2].slug 的格式不對：「../../../etc」"),
    "72-unit-name-fullwidth.agency.yaml": (13, 11, "「it課」與第 11 行的「ＩＴ課」只差在全形／半形或大小寫"),
    "73-unit-description-list.agency.yaml": (11, 18, "units[2].description 應該是文字"),
    "74-government-empty.agency.yaml": (4, 13, "government 不能是空的文字"),
    # frameworks: a cycle (only expressible with an alias), a missing level, codes out of order, wrong types
    "75-framework-cycle.framework.yaml": (21, 5, "錨點與別名"),
    "76-framework-missing-level.framework.yaml": (22, 13, "架構只定義了 2 層（levels），這裡是第 3 層"),
    "77-framework-one-level.framework.yaml": (5, 3, "levels 至少要有 2 項"),
    "78-framework-code-order.framework.yaml": (21, 11, "架構代碼應為「2」（依順序），卻寫成「3」"),
    "79-framework-id-mismatch.framework.yaml": (2, 5, "架構代稱「other-framework」與檔名「test-framework」不同"),
    "80-framework-wrong-types.framework.yaml": (9, 20, "measure_numbering 只能是 arabic、parent-dotted（寫成了整數 1）"),
    "81-framework-level-numbering.framework.yaml": (8, 16, "levels[2].numbering 只能是 cjk、cjk-paren、arabic、none"),
    # site.toml (82 has nine mistakes, all reported; see the test below)
    "82-unknown-keys-and-types.site.toml": (2, 8, "設定「site.name」應該是文字（請加引號），寫成了 3"),
    "83-syntax.site.toml": (3, 9, "TOML 語法錯誤"),
    "84-contact-url-scheme.site.toml": (6, 7, "設定「contact.url」只能是 https://、http://、mailto: 或 tel: 開頭"),
    "85-not-a-table.site.toml": (1, 1, "「name」應該是一個表格"),
    "86-missing-required.site.toml": (1, 1, "缺少必填設定「site.name」"),
    # files in the wrong place (folders laid over the project: the expectation names the file)
    "87-plan-without-agency": ("plans/ghost-agency", 1, 1, "機關目錄缺少 agency.yaml：其中的計畫檔（114.yaml）"),
    "88-plan-in-plans-folder": ("plans/114.yaml", 1, 1, "plans/ 目錄下只能放機關目錄"),
    "89-folder-in-agency-folder": ("plans/test-agency/old", 1, 1, "機關目錄中不能再有子目錄「old」"),
    "90-leading-zero-year": ("plans/test-agency/0114.yaml", 1, 1, "年度不能以 0 開頭"),
    "91-agency-folder-uppercase": ("plans/Other-Agency", 1, 1, "機關目錄名稱「Other-Agency」不能當作網址代稱"),
    "92-agency-folder-fullwidth": ("plans/ｏｔｈｅｒ-agency", 1, 1, "不能當作網址代稱"),
    "93-duplicate-agency-fullwidth": ("plans/test-agency-copy/agency.yaml", 1, 1,
                                      "機關全銜「測試市政府社會局ＡＢＣ中心」與 plans/test-agency/ 重複"),
    "94-yml-extension": ("plans/test-agency/113.yml", 1, 1, "副檔名請用 .yaml"),
    "95-framework-file-in-plans": ("plans/test-agency/six-pillars.yaml", 1, 1, "計畫檔的檔名必須是民國年"),
    # imported text left unplaced: a list of {text, source}, even in a draft
    "96-unplaced-not-list.yaml": (6, 11, "unplaced 應該是清單（以「- 」開頭的項目），但寫成了文字「本計畫經費由各單位年度預算支應。」"),
}


# A fixture's name says where it goes in a throwaway project: *.agency.yaml is the agency's agency.yaml,
# *.framework.yaml is frameworks/test-framework.yaml (beside the real frameworks), *.site.toml is the
# site.toml, a folder is laid over the project root (its expectation then names the file), and any
# other *.yaml is the agency's 114.yaml.
def _target(name: str) -> str:
    if name.endswith(".agency.yaml"):
        return "plans/test-agency/agency.yaml"
    if name.endswith(".framework.yaml"):
        return "frameworks/test-framework.yaml"
    if name.endswith(".site.toml"):
        return "site.toml"
    return "plans/test-agency/114.yaml"


TOML = '[site]\nname = "測試網站"\nowner = "測試機關"\nbase_url = "https://example.gov.tw/plans/"\n'


def _bad_project(tmp_path: pathlib.Path, name: str) -> pathlib.Path:
    """The fixture project with the bad fixture `name` put in its place."""
    source = FIXTURES / "bad" / name
    if source.is_dir():
        return make_project(tmp_path, {p.relative_to(source).as_posix(): p.read_bytes()
                                       for p in sorted(source.rglob("*")) if p.is_file()})
    target = _target(name)
    if target == "plans/test-agency/114.yaml" or target.startswith("plans/"):
        return make_project(tmp_path, {target: source.read_bytes()})
    root = make_project(tmp_path, site_toml=source.read_text(encoding="utf-8") if target == "site.toml" else TOML)
    shutil.copytree(REPO / "frameworks", root / "frameworks")
    if target != "site.toml":
        (root / target).write_bytes(source.read_bytes())
    return root


def _check(root: pathlib.Path) -> list[str]:
    """The errors of checking the project at root, as an editor sees them (paths relative to it)."""
    cwd = os.getcwd()
    os.chdir(root)
    try:
        try:
            config = load_config(root / "site.toml")
        except ConfigError as exc:
            return [str(p) for p in exc.problems] or [str(exc)]
        return [str(p) for p in pipeline.check(config).problems.errors]
    finally:
        os.chdir(cwd)


def test_every_bad_fixture_has_an_expectation():
    names = {p.name for p in (FIXTURES / "bad").iterdir() if ".ok." not in p.name}
    assert names == set(EXPECTED)
    assert len(names) >= 60


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_is_reported_at_file_line_column(tmp_path, name):
    *path, line, col, gist = EXPECTED[name]
    root = _bad_project(tmp_path, name)
    text = _check(root)
    assert text, f"{name}: no error reported"
    where = f"{path[0] if path else _target(name)}:{line}:{col}: 錯誤："
    assert any(t.startswith(where) and gist in t for t in text), "\n".join(text)
    assert all("\n    建議：" in t for t in text), f"{name}: every problem carries a hint\n" + "\n".join(text)


def test_utf8_bom_is_accepted(tmp_path):
    root = make_project(tmp_path, {_target("x.yaml"): (FIXTURES / "bad" / "33-bom.ok.yaml").read_bytes()})
    assert _check(root) == []


def test_every_problem_in_every_file_is_reported(tmp_path):
    bad_plan = (FIXTURES / "bad" / "13-unknown-unit.yaml").read_text(encoding="utf-8")
    bad_plan = bad_plan.replace("year: 114", "year: 114\nauthor: 某人").replace("units: [行政課]", "units: [行政科]")
    other = (FIXTURES / "bad" / "05-duplicate-key.yaml").read_text(encoding="utf-8").replace("year: 114", "year: 113")
    root = make_project(tmp_path, {"plans/test-agency/114.yaml": bad_plan, "plans/test-agency/113.yaml": other})
    text = "\n".join(_check(root))
    assert "114.yaml:3:1: 錯誤：不認得的欄位「author」" in text
    assert "不認得的單位「行政科」" in text and "不認得的單位「服務科」" in text
    assert "113.yaml:5:1: 錯誤：欄位「title」重複" in text


def test_misspelled_key_suggests_the_right_one(tmp_path):
    root = make_project(tmp_path, {_target("x"): (FIXTURES / "bad" / "41-misspelled-key.yaml").read_bytes()})
    assert "建議：您是不是要寫「units」？" in _check(root)[0]


def test_unknown_unit_suggests_the_closest_name(tmp_path):
    root = make_project(tmp_path, {_target("x"): (FIXTURES / "bad" / "13-unknown-unit.yaml").read_bytes()})
    (problem,) = _check(root)
    assert "建議：您是不是要寫「服務課」？" in problem


def _run(root: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), *args],
                          cwd=root, capture_output=True, text=True, encoding="utf-8")


def test_check_command_exits_1_with_messages_and_no_traceback(tmp_path):
    root = make_project(tmp_path, {_target("x"): (FIXTURES / "bad" / "31-big5.yaml").read_bytes()})
    result = _run(root, "check")
    assert result.returncode == 1
    assert "plans/test-agency/114.yaml:2:11: 錯誤：檔案不是 UTF-8 編碼" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "檢查未通過：1 個錯誤" in result.stderr


def test_check_command_passes_on_the_fixture_project_with_a_summary(tmp_path):
    result = _run(make_project(tmp_path), "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("檢查通過：1 個機關、1 份計畫")


def test_warnings_are_listed_and_strict_makes_them_fatal(tmp_path):
    plan = (FIXTURES / "project/plans/test-agency/114.yaml").read_text(encoding="utf-8")
    plan = plan.replace("          units: [服務課]\n", "")
    plan = plan.replace("  - title: 計畫內容", "  - title: 其他\n  - title: 計畫內容")
    root = make_project(tmp_path, {"plans/test-agency/114.yaml": plan,
                                   "plans/test-agency/113.yaml": plan.replace("year: 114", "year: 113")})
    result = _run(root, "check")
    assert result.returncode == 0, result.stderr
    assert "114.yaml:24:15: 警告：這項具體作法沒有負責單位。" in result.stderr
    assert "警告：計畫沒有構面「2 重視全程意見回饋及參與" in result.stderr
    assert "警告：章節「其他」沒有內容。" in result.stderr
    assert "比最新的" not in result.stderr, "past years are published by design, not warned about"
    strict = _run(root, "check", "--strict")
    assert strict.returncode == 1
    assert "檢查未通過" in strict.stderr


def test_a_site_without_contact_is_warned_by_check_and_build_and_gets_no_contact_link(tmp_path):
    root = make_project(tmp_path)
    warning = "site.toml:1:1: 警告：site.toml 沒有聯絡資訊，網站上不會有「聯絡我們」"
    assert warning in _run(root, "check").stderr
    built = _run(root, "build", "--out", str(root / "_site"), "--no-pdf", "--quiet")
    assert built.returncode == 0 and warning in built.stderr, "CI logs show it even with --quiet"
    assert not (root / "_site/contact").exists() and "聯絡我們" not in (root / "_site/index.html").read_text("utf-8")
    toml = root / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + '[contact]\nphone = "(02)2345-6789"\n', encoding="utf-8")
    assert "聯絡資訊" not in _run(root, "check").stderr
    _run(root, "build", "--out", str(root / "_site"), "--no-pdf", "--quiet")
    assert "(02)2345-6789" in (root / "_site/contact/index.html").read_text(encoding="utf-8")
    for page in ("index.html", "agencies/test-agency/114/index.html", "404.html"):
        footer = (root / "_site" / page).read_text(encoding="utf-8").split("<footer", 1)[1]
        assert ">聯絡我們</a>" in footer, page


def test_a_damaged_accessibility_check_record_stops_the_build_with_its_file_named(tmp_path):
    root = make_project(tmp_path, {"a11y-check.json": '{"spec": "115.11", "date": '})
    result = _run(root, "build", "--out", str(root / "_site"), "--no-pdf", "--quiet")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "a11y-check.json:1:1: 錯誤：無障礙檢查紀錄無法讀取" in result.stderr
    assert "python build.py check --a11y" in result.stderr
    assert not (root / "_site").exists()


def test_seed_plans_pass_check():
    result = subprocess.run([sys.executable, "build.py", "check"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("檢查通過：5 個機關、5 份計畫，0 個錯誤")


@pytest.mark.parametrize("toml, gist", [
    ('[site]\nowner = "x"\n', "缺少必填設定「site.name」"),
    ('[site]\nname = "x"\nowner = "x"\nbase_url = "example.gov.tw"\n', "site.base_url"),
    ('[site]\nname = "x"\nowner = "x"\ncolour = "red"\n', "不認得的設定「site.colour」"),
    ('[site]\nname = 3\nowner = "x"\n', "設定「site.name」應該是文字"),
    ('[site\nname = "x"\n', "TOML 語法錯誤"),
])
def test_site_toml_mistakes_name_the_key(tmp_path, toml, gist):
    result = _run(make_project(tmp_path, site_toml=toml), "check")
    assert result.returncode == 2
    assert gist in result.stderr and "Traceback" not in result.stderr


def test_a_wrong_type_in_every_plan_field_is_reported_field_by_field(tmp_path):
    text = _check(_bad_project(tmp_path, "51-every-field-wrong-type.yaml"))
    fields = ["title", "framework", "published", "draft", "numbering", "known_gaps", "approval", "revisions",
              "columns", "sections[1].title", "sections[1].body", "sections[1].content", "content.note",
              "content.units", "content.opening", "content.pillars[1].code", "content.pillars[1].title",
              "content.pillars[1].points", "content.pillars[1].units", "content.pillars[1].items[1].code",
              "content.pillars[1].items[1].title", "content.pillars[1].items[1].intro",
              "content.pillars[1].items[1].deadline", "content.pillars[1].items[1].measures"]
    for name in fields:
        assert any(f"錯誤：{name} " in t for t in text), f"{name} not reported:\n" + "\n".join(text)
    assert len(text) == len(fields)


def test_every_site_toml_mistake_is_reported_at_once_each_at_its_line(tmp_path):
    root = _bad_project(tmp_path, "82-unknown-keys-and-types.site.toml")
    where = [t.split(": 錯誤：")[0] for t in _check(root)]
    assert where == ["site.toml:2:8", "site.toml:4:12", "site.toml:5:1", "site.toml:6:11", "site.toml:9:7",
                     "site.toml:10:1", "site.toml:13:15", "site.toml:16:9", "site.toml:19:1"]
    result = _run(root, "check")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.count("錯誤：") == 9
    assert "site.toml:6:11: 錯誤：設定「site.updated」應該是文字（請加引號），寫成了 2025-01-15" in result.stderr
    assert "您是不是要寫「contact.phone」？" in result.stderr


@pytest.mark.parametrize("name", ["52-nul-byte.yaml", "70-slug-trailing-newline.agency.yaml",
                                  "76-framework-missing-level.framework.yaml", "84-contact-url-scheme.site.toml",
                                  "87-plan-without-agency", "54-deep-nesting.yaml"])
def test_check_command_on_each_kind_of_bad_input_exits_non_zero_without_a_traceback(tmp_path, name):
    *path, line, col, gist = EXPECTED[name]
    result = _run(_bad_project(tmp_path, name), "check")
    assert result.returncode in (1, 2), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert f"{path[0] if path else _target(name)}:{line}:{col}: 錯誤：" in result.stderr


def test_a_10_mb_file_gets_a_size_message_at_once(tmp_path):
    import time

    plan = (FIXTURES / "project/plans/test-agency/114.yaml").read_bytes()
    big = plan + b"note: |\n" + (b"  " + "一段很長的文字".encode() * 50 + b"\n") * 10000   # 10.0 MB of text
    assert len(big) > 10 * 1000 * 1000
    root = make_project(tmp_path, {"plans/test-agency/114.yaml": big})
    started = time.monotonic()
    (problem,) = _check(root)
    assert time.monotonic() - started < 5
    assert problem.startswith("plans/test-agency/114.yaml:1:1: 錯誤：檔案太大（10.")
    assert "最大 1 MB" in problem and "建議：" in problem
