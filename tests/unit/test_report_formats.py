"""`check --format github|gitlab|json` (issue 14): the exact output for a broken fixture, GitHub's
escaping, GitLab's fingerprints, and --strict in every format."""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

from plansite import report_formats
from plansite.errors import ERROR, WARNING, Pos, Problem
from support import FIXTURES, REPO, make_project

TOML = (
    '[site]\nname = "測試網站"\nowner = "測試機關"\nbase_url = "https://example.gov.tw/plans/"\n'
    f'[paths]\nframeworks = "{(REPO / "frameworks").as_posix()}"\n'
    f'templates = "{(REPO / "templates").as_posix()}"\nstatic = "{(REPO / "static").as_posix()}"\n'
    '[contact]\nemail = "plans@example.gov.tw"\n')


def _broken(tmp_path: pathlib.Path) -> pathlib.Path:
    """Two bad fixtures: a YAML syntax error (113) and an unknown unit plus a warning (114)."""
    return make_project(tmp_path, {
        "plans/test-agency/114.yaml": (FIXTURES / "bad/13-unknown-unit.yaml").read_bytes(),
        "plans/test-agency/113.yaml": (FIXTURES / "bad/01-colon-in-text.yaml").read_bytes(),
    }, site_toml=TOML)


def _check(root: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "check",
                           *args], cwd=root, capture_output=True, text=True, encoding="utf-8")


# the broken fixture's three problems, as check prints them in order
COLON = ("plans/test-agency/113.yaml", 3, 15, "error", "這裡不能出現「: 」（冒號加空白）。",
         "文字中若有「: 」，請用引號把整段文字包起來，或改用全形冒號「：」；若這是另一個欄位，請讓它另起一行並與同一層的欄位對齊。"
         " Unexpected ': ' (mapping values are not allowed here).")
OPENING = ("plans/test-agency/114.yaml", 14, 5, "warning", "content.opening 沒有 title：表格第一列的第一欄會是空白。",
           "請照計畫書寫上第一欄的文字，例如「title: 訂定「提升服務計畫」」；網站不會自行補上計畫書沒有的文字。"
           " The opening row has no title.")
UNIT = ("plans/test-agency/114.yaml", 24, 19, "error", "不認得的單位「服務科」。",
        "您是不是要寫「服務課」？測試中心的單位有：行政課、服務課。若是新單位，請先加到 plans/test-agency/agency.yaml。")

GITHUB = (
    "::error file=plans/test-agency/113.yaml,line=3,col=15,title=檢查錯誤::這裡不能出現「: 」（冒號加空白）。"
    " 建議：文字中若有「: 」，請用引號把整段文字包起來，或改用全形冒號「：」；若這是另一個欄位，請讓它另起一行並與同一層的欄位對齊。"
    " Unexpected ': ' (mapping values are not allowed here).\n"
    "::warning file=plans/test-agency/114.yaml,line=14,col=5,title=檢查警告::content.opening 沒有 title：表格第一列的第一欄會是空白。"
    " 建議：請照計畫書寫上第一欄的文字，例如「title: 訂定「提升服務計畫」」；網站不會自行補上計畫書沒有的文字。"
    " The opening row has no title.\n"
    "::error file=plans/test-agency/114.yaml,line=24,col=19,title=檢查錯誤::不認得的單位「服務科」。"
    " 建議：您是不是要寫「服務課」？測試中心的單位有：行政課、服務課。若是新單位，請先加到 plans/test-agency/agency.yaml。\n"
)


def test_github_format_prints_one_annotation_per_problem_on_stdout_then_the_summary(tmp_path):
    result = _check(_broken(tmp_path), "--format", "github")
    assert result.returncode == 1
    assert result.stdout == GITHUB
    assert result.stderr == "檢查未通過：2 個錯誤、1 個警告。 Check failed.\n"


def test_github_format_with_strict_shows_warnings_as_errors(tmp_path):
    result = _check(_broken(tmp_path), "--format", "github", "--strict")
    assert result.returncode == 1
    assert result.stdout == GITHUB.replace(
        "::warning file=plans/test-agency/114.yaml,line=14,col=5,title=檢查警告::",
        "::error file=plans/test-agency/114.yaml,line=14,col=5,title=檢查警告（--strict 視為錯誤）::")


def _json_problem(file, line, col, severity, message, hint) -> dict:
    return {"file": file, "line": line, "column": col, "severity": severity, "message": message, "hint": hint}


def test_json_format_prints_every_problem_and_the_counts_and_nothing_else_on_stdout(tmp_path):
    result = _check(_broken(tmp_path), "--format", "json")
    assert result.returncode == 1
    expected = {"ok": False, "strict": False, "errors": 2, "warnings": 1, "agencies": 1, "plans": 0,
                "problems": [_json_problem(*p) for p in (COLON, OPENING, UNIT)]}
    assert result.stdout == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    assert result.stderr == "檢查未通過：2 個錯誤、1 個警告。 Check failed.\n"


def test_json_format_on_a_clean_project_and_with_strict(tmp_path):
    root = make_project(tmp_path, site_toml=TOML.replace('[contact]\nemail = "plans@example.gov.tw"\n', ""))
    result = _check(root, "--format", "json")
    document = json.loads(result.stdout)
    assert result.returncode == 0 and document["ok"] is True
    assert (document["errors"], document["warnings"], document["agencies"], document["plans"]) == (0, 10, 1, 1)
    assert result.stderr.startswith("檢查通過：1 個機關、1 份計畫，0 個錯誤、10 個警告。")
    strict = _check(root, "--format", "json", "--strict")
    assert strict.returncode == 1 and json.loads(strict.stdout)["ok"] is False and json.loads(strict.stdout)["strict"]


def _gitlab_issue(problem, fingerprint: str, strict: bool = False) -> dict:
    file, line, _col, severity, message, hint = problem
    return {"description": f"{message} 建議：{hint}", "check_name": f"plansite/check/{severity}",
            "fingerprint": fingerprint, "severity": "major" if severity == "error" or strict else "minor",
            "location": {"path": file, "lines": {"begin": line}}}


FINGERPRINTS = {
    "colon": "7151feaeaafa3c12e53bf2c52a1f573a2d30716e2212f56e9c67ac5ddc2fe1e4",
    "opening": "d0053a9b9bba05b8b7199c2f8cb953edd190bd45f8fad9db7ce32bfdb0e7b2ba",
    "unit": "ad87a795d25de083b379961e621f2b9d76198b9e78633657ace029d9f5aab634",
}


def test_gitlab_format_writes_the_code_quality_report_and_still_prints_the_text(tmp_path):
    root = _broken(tmp_path)
    result = _check(root, "--format", "gitlab")
    assert result.returncode == 1 and result.stdout == ""
    expected = [_gitlab_issue(COLON, FINGERPRINTS["colon"]), _gitlab_issue(OPENING, FINGERPRINTS["opening"]),
                _gitlab_issue(UNIT, FINGERPRINTS["unit"])]
    report = (root / "gl-code-quality-report.json").read_text(encoding="utf-8")
    assert report == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    assert result.stderr.startswith("plans/test-agency/113.yaml:3:15: 錯誤：這裡不能出現「: 」（冒號加空白）。\n    建議：")
    assert "plans/test-agency/114.yaml:24:19: 錯誤：不認得的單位「服務科」。" in result.stderr
    assert result.stderr.endswith("檢查未通過：2 個錯誤、1 個警告。 Check failed.\n")

    strict = _check(root, "--format", "gitlab", "--strict", "--output", str(tmp_path / "cq.json"))
    assert strict.returncode == 1
    assert json.loads((tmp_path / "cq.json").read_text(encoding="utf-8"))[1] == \
        _gitlab_issue(OPENING, FINGERPRINTS["opening"], strict=True)


def test_gitlab_report_that_cannot_be_written_is_a_located_problem(tmp_path):
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    result = _check(_broken(tmp_path), "--format", "gitlab", "--output", str(tmp_path / "a-file" / "cq.json"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "錯誤：無法寫入 GitLab 報告檔" in result.stderr and "「" + (tmp_path / "a-file").as_posix() in result.stderr


@pytest.mark.parametrize("args", [["--output", "x.json"], ["--format", "json", "--output", "x.json"],
                                  ["--a11y", "--format", "github"]])
def test_options_that_do_not_go_together_are_refused(tmp_path, args):
    result = _check(make_project(tmp_path), *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "error:" in result.stderr


def test_text_is_still_the_default(tmp_path):
    root = _broken(tmp_path)
    assert _check(root).stderr == _check(root, "--format", "text").stderr
    assert "::error" not in _check(root).stdout + _check(root).stderr


# The formatters on their own -------------------------------------------------------------------

ROOT = pathlib.Path("/repo")


def test_github_escapes_percent_and_newlines_in_data_and_also_colon_and_comma_in_properties():
    problem = Problem(Pos(ROOT / "plans/a,b:c/114.yaml", 7, 2), "100% 完成\r\n第二行: 值", "用「,」或 :")
    assert report_formats.github([problem], ROOT) == (
        "::error file=plans/a%2Cb%3Ac/114.yaml,line=7,col=2,title=檢查錯誤::100%25 完成%0D%0A第二行: 值 建議：用「,」或 :\n")


def test_github_without_a_hint_and_outside_the_root():
    problem = Problem(Pos(pathlib.Path("/elsewhere/f.yaml"), 1, 1), "訊息", "", WARNING)
    assert report_formats.github([problem], ROOT) == "::warning file=/elsewhere/f.yaml,line=1,col=1,title=檢查警告::訊息\n"
    assert report_formats.github([], ROOT) == ""


def test_gitlab_fingerprints_are_stable_ignore_the_line_and_stay_unique_for_repeats():
    one = Problem(Pos(ROOT / "p.yaml", 3, 1), "同一個訊息", "h", ERROR)
    moved = Problem(Pos(ROOT / "p.yaml", 9, 4), "同一個訊息", "h", ERROR)
    first = json.loads(report_formats.gitlab([one], ROOT))[0]
    again = json.loads(report_formats.gitlab([moved], ROOT))[0]
    assert first["fingerprint"] == again["fingerprint"], "an edit above a problem must not make it new"
    assert again["location"] == {"path": "p.yaml", "lines": {"begin": 9}}
    both = json.loads(report_formats.gitlab([one, moved], ROOT))
    assert both[0]["fingerprint"] != both[1]["fingerprint"]
    assert report_formats.gitlab([], ROOT) == "[]\n"


def test_json_report_counts_and_null_counts_when_nothing_loaded():
    problems = [Problem(Pos(ROOT / "a.yaml", 2, 3), "m", "h"), Problem(Pos(ROOT / "b.yaml"), "w", "", WARNING)]
    document = json.loads(report_formats.json_report(problems, ROOT))
    assert (document["ok"], document["errors"], document["warnings"], document["agencies"]) == (False, 1, 1, None)
    assert document["problems"][1] == {"file": "b.yaml", "line": 1, "column": 1, "severity": "warning",
                                       "message": "w", "hint": ""}
    assert json.loads(report_formats.json_report(problems[1:], ROOT))["ok"] is True
    assert json.loads(report_formats.json_report(problems[1:], ROOT, strict=True))["ok"] is False
