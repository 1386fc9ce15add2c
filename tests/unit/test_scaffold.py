"""`new` starts next year's plan from the latest one; `new-agency` creates an agency."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from support import REPO, make_project

AGENCIES = sorted(p.parent.name for p in (REPO / "plans").glob("*/agency.yaml"))


def run(root, *args, stdin=None):
    return subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), *args],
                          cwd=root, capture_output=True, text=True, input=stdin)


@pytest.fixture
def seeds(tmp_path):
    return make_project(tmp_path, plans_from=REPO / "plans")


@pytest.mark.parametrize("agency", AGENCIES)
def test_new_starts_next_year_from_the_latest_plan_and_validates(seeds, agency):
    latest = max(int(p.stem) for p in (seeds / "plans" / agency).glob("[0-9]*.yaml"))
    result = run(seeds, "new", agency)
    assert result.returncode == 0, result.stdout + result.stderr
    created = seeds / "plans" / agency / f"{latest + 1}.yaml"
    text = created.read_text(encoding="utf-8")
    assert f"year: {latest + 1}\n" in text
    assert f"title: {latest + 1}年度" in text
    assert f"已建立 {created}" in result.stdout and f"year：{latest} → {latest + 1}" in result.stdout
    old = (seeds / "plans" / agency / f"{latest}.yaml").read_text(encoding="utf-8")
    if 'deadline: "' in old:
        assert f'deadline: "{latest}/' not in text and f'deadline: "{latest + 1}/12/31"' in text
    check = run(seeds, "check")
    assert check.returncode == 0, check.stderr
    assert f"{latest + 1} 份計畫" not in check.stdout  # two plans now for this agency
    assert "6 份計畫" in check.stdout


def test_new_lists_lines_that_still_mention_the_old_year(seeds):
    result = run(seeds, "new", "kaohsiung-senior-center")
    assert "請檢查以下仍提到舊年度的內容" in result.stdout
    assert "114.yaml:" in result.stdout and "高雄市政府社會局113年度提升服務執行計畫" in result.stdout


def test_new_refuses_to_overwrite(seeds):
    target = seeds / "plans/kaohsiung-senior-center/114.yaml"
    target.write_text("# 編輯者自己的草稿\n", encoding="utf-8")
    result = run(seeds, "new", "kaohsiung-senior-center", "114")
    assert result.returncode == 2
    assert "已經存在，不會覆寫" in result.stderr
    assert target.read_text(encoding="utf-8") == "# 編輯者自己的草稿\n"


def test_new_names_the_known_agencies_when_the_slug_is_wrong(seeds):
    result = run(seeds, "new", "no-such-agency")
    assert result.returncode == 2 and "kaohsiung-senior-center" in result.stderr and "Traceback" not in result.stderr


def test_new_agency_with_flags_creates_a_valid_agency(tmp_path):
    root = make_project(tmp_path)
    result = run(root, "new-agency", "--slug", "tainan-example-office", "--name", "測試區公所",
                 "--full-name", "臺南市測試區公所", "--government", "臺南市政府",
                 "--unit", "民政課=civil-affairs", "--unit", "社會課=social-affairs")
    assert result.returncode == 0, result.stderr
    text = (root / "plans/tainan-example-office/agency.yaml").read_text(encoding="utf-8")
    assert '# yaml-language-server: $schema=../../schema/agency.schema.json' in text
    assert 'full_name: "臺南市測試區公所"' in text and "slug: social-affairs" in text
    check = run(root, "check")
    assert "錯誤" not in check.stderr
    assert "機關「測試區公所」還沒有任何計畫檔" in check.stderr


def test_new_agency_asks_for_what_is_missing_and_refuses_bad_answers(tmp_path):
    root = make_project(tmp_path)
    missing = run(root, "new-agency", "--slug", "x-office")
    assert missing.returncode == 2 and "缺少 機關名稱" in missing.stderr
    bad = run(root, "new-agency", "--slug", "X Office", "--name", "x", "--full-name", "x", "--government", "x",
              "--unit", "行政課=Admin")
    assert bad.returncode == 2
    assert "機關代稱「X Office」只能用小寫英文字母" in bad.stderr and "代稱「Admin」" in bad.stderr
    assert not (root / "plans/X Office").exists()


@pytest.mark.parametrize("command", ["check", "build", "serve", "new", "new-agency"])
def test_help_is_in_chinese_and_english(command):
    result = subprocess.run([sys.executable, str(REPO / "build.py"), command, "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.stdout)
    assert any(word in result.stdout for word in ("Validate", "Build", "serve", "Copy", "Create"))


def test_build_shows_progress_and_quiet_keeps_ci_logs_short(tmp_path):
    root = make_project(tmp_path)
    loud = run(root, "build", "--out", str(root / "_site"), "--no-pdf")
    assert loud.returncode == 0
    assert "載入並檢查計畫" in loud.stdout and "產生頁面" in loud.stdout and "完成：" in loud.stdout
    quiet = run(root, "build", "--out", str(root / "_site"), "--no-pdf", "--quiet")
    assert quiet.returncode == 0 and quiet.stdout == ""


def test_new_plan_is_a_draft_without_last_years_approval_and_results(tmp_path):
    root = make_project(tmp_path, plans_from=REPO / "tests" / "fixtures" / "shapes" / "plans")
    (root / "plans/six-columns/115.yaml").unlink()
    plan = root / "plans/six-columns/114.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "columns:\n", "# 114年3月依市府114年實施計畫修訂\ncolumns:\n"), encoding="utf-8")
    result = run(root, "new", "six-columns")
    assert result.returncode == 0, result.stdout + result.stderr
    text = (root / "plans/six-columns/115.yaml").read_text(encoding="utf-8")
    assert "year: 115\ndraft: true\n" in text
    assert "approval" not in text and "revisions" not in text and "status:" not in text and "result:" not in text
    assert "benefit: 旅客查詢一次到位。" in text and "deadline: 115/06/30" in text   # the plan text itself is kept
    assert "draft: true" in result.stdout and "執行成效：已移除 5 行" in result.stdout
    # comments that mention the old year are listed for review too
    assert "115.yaml:8: # 114年3月依市府114年實施計畫修訂" in result.stdout
    build = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "build",
                            "--no-pdf", "--out", str(tmp_path / "out")], cwd=root, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    assert "草稿不發布：plans/six-columns/115.yaml" in build.stdout
    assert not (tmp_path / "out/agencies/six-columns/115").exists()
