"""A build whose inputs did not change and whose output nobody touched is not redone (.cache/);
any change of an input, an option or the output makes a full build again."""
from __future__ import annotations

import hashlib
import os
import pathlib
import shutil
import subprocess
import sys

from support import REPO, make_project

SAME = "輸入與上次建置相同"


def build(root: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "build",
           "--out", str(root / "_site"), "--no-pdf", *args]
    return subprocess.run(cmd, cwd=root, capture_output=True, text=True)


def digest(directory: pathlib.Path) -> dict[str, str]:
    return {p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


def test_an_unchanged_project_is_not_rebuilt_and_reports_the_same(tmp_path):
    root = make_project(tmp_path)
    first = build(root)
    assert first.returncode == 0, first.stderr
    assert SAME not in first.stdout
    site = digest(root / "_site")
    again = build(root)
    assert again.returncode == 0 and SAME in again.stdout
    assert digest(root / "_site") == site
    assert again.stderr == first.stderr and "警告" in again.stderr   # the warnings are printed again
    assert again.stdout.splitlines()[-1].split("，")[0] == first.stdout.splitlines()[-1].split("，")[0]  # pages, files


def test_an_edited_plan_is_built(tmp_path):
    root = make_project(tmp_path)
    assert build(root).returncode == 0
    plan = root / "plans/test-agency/114.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("訂定申辦案件標準作業流程", "訂定申辦案件標準作業流程並公告"),
                    encoding="utf-8")
    result = build(root)
    assert result.returncode == 0 and SAME not in result.stdout
    page = (root / "_site/agencies/test-agency/114/index.html").read_text(encoding="utf-8")
    assert "訂定申辦案件標準作業流程並公告" in page
    assert SAME in build(root).stdout


def test_a_touched_or_missing_output_file_makes_a_full_build(tmp_path):
    root = make_project(tmp_path)
    assert build(root).returncode == 0
    site = digest(root / "_site")
    index = root / "_site/index.html"
    index.write_text("changed by hand", encoding="utf-8")
    assert SAME not in build(root).stdout
    assert digest(root / "_site") == site
    (root / "_site/sitemap.xml").unlink()
    assert SAME not in build(root).stdout
    assert digest(root / "_site") == site
    (root / "_site/extra.html").write_text("left by someone", encoding="utf-8")
    assert SAME not in build(root).stdout
    assert digest(root / "_site") == site


def test_downloads_and_qr_images_from_the_cache_are_linked_only_where_the_published_file_holds_them(tmp_path):
    """An unchanged plan's downloads and QR images come from .cache/downloads and are linked from the
    published site: not where that file was changed by hand or replaced by a symbolic link."""
    root = make_project(tmp_path)
    assert build(root).returncode == 0
    site = digest(root / "_site")
    folder = root / "_site/agencies/test-agency/114"
    csv_file, odt_file = next(folder.glob("*.csv")), next(folder.glob("*.odt"))
    qr_file = next((root / "_site").rglob("*-qr.png"))
    untouched = next(folder.glob("*.json"))
    inode = untouched.stat().st_ino
    csv_file.write_bytes(b"changed by hand")
    odt_file.unlink()
    odt_file.symlink_to(untouched)
    qr_file.write_bytes(qr_file.read_bytes()[:-1] + b"\x00")
    result = build(root)
    assert SAME not in result.stdout and result.returncode == 0, result.stderr
    assert digest(root / "_site") == site
    assert not odt_file.is_symlink()
    assert untouched.stat().st_ino == inode     # a file left alone is the same file, linked


def test_other_options_or_a_deleted_cache_make_a_full_build(tmp_path):
    root = make_project(tmp_path)
    assert build(root).returncode == 0
    with_qr = digest(root / "_site")
    result = build(root, "--no-qr")
    assert SAME not in result.stdout and digest(root / "_site") != with_qr
    assert SAME not in build(root).stdout and digest(root / "_site") == with_qr
    shutil.rmtree(root / ".cache")
    assert SAME not in build(root).stdout
    assert SAME in build(root).stdout


def test_a_failed_build_is_never_replayed(tmp_path):
    root = make_project(tmp_path)
    assert build(root).returncode == 0
    plan = root / "plans/test-agency/114.yaml"
    good = plan.read_text(encoding="utf-8")
    plan.write_text(good.replace("units: [服務課]", "units: [不存在的課]"), encoding="utf-8")
    assert build(root).returncode == 1
    assert build(root).returncode == 1   # still failing: the stamp of the good build does not answer
    plan.write_text(good, encoding="utf-8")
    assert build(root).returncode == 0


def test_the_cache_folder_ignores_itself_for_git(tmp_path):
    root = make_project(tmp_path)
    assert build(root).returncode == 0
    assert (root / ".cache/.gitignore").read_text(encoding="utf-8") == "*\n"
    assert ".cache/" in (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert os.listdir(root / ".cache")


def test_downloads_of_unchanged_plans_come_from_the_cache_and_equal_a_cold_build(tmp_path):
    root = make_project(tmp_path, {"plans/test-agency/113.yaml": (REPO / "tests/fixtures/project/plans/test-agency/114.yaml")
                                   .read_text(encoding="utf-8").replace("year: 114", "year: 113")})
    assert build(root).returncode == 0
    def entries():   # without each chart page's part of open-data/overview.* (tests/unit/test_overview.py)
        return sorted(p for p in (root / ".cache/downloads").iterdir()
                      if not p.read_bytes().split(b"\n")[0].startswith(b'[[["csv"], ') or b'"json"' not in
                      p.read_bytes().split(b"\n")[0])
    stored = entries()
    # per plan: its downloads and its parts of the whole-site CSV, ODS and JSON; QR codes of two plan
    # pages and the agency page
    assert len(stored) == 2 * (1 + 3) + 3
    plan = root / "plans/test-agency/114.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("訂定申辦案件標準作業流程", "訂定申辦案件標準作業流程並上網公告"),
                    encoding="utf-8")
    assert build(root).returncode == 0   # 113's downloads and every QR code from the cache
    kept = set(p.name for p in entries())
    assert len(kept & set(p.name for p in stored)) == 7 and len(kept) == 11   # only 114's entries are new
    warm = digest(root / "_site")
    assert "上網公告" in (root / "_site/agencies/test-agency/114/test-agency-114.csv").read_text(encoding="utf-8-sig")
    for entry in (root / ".cache/downloads").iterdir():   # a damaged cache is made again, never published
        # a plan's part of plans.ods read whole but not what was stored (it is kept compressed), the rest unreadable
        part = entry.read_bytes().startswith(b'[[["ods"]')
        entry.write_bytes(b'[[["ods"], 5]]\nnope!' if part else b"[[[not what was stored")
    for stamp in (root / ".cache").glob("build-*.json"):
        stamp.unlink()
    assert build(root).returncode == 0
    assert digest(root / "_site") == warm
    shutil.rmtree(root / ".cache")
    assert build(root).returncode == 0
    assert digest(root / "_site") == warm


def test_a_build_without_qr_codes_keeps_the_cached_ones_for_the_next_full_build(tmp_path):
    """The cache keeps one site's worth: a build that makes only some kinds of files (--no-qr) does not
    throw away the others', so the next full build does not make every QR image again."""
    root = make_project(tmp_path)
    assert build(root).returncode == 0
    stored = {p.name for p in (root / ".cache/downloads").iterdir()}
    assert build(root, "--no-qr").returncode == 0
    assert {p.name for p in (root / ".cache/downloads").iterdir()} >= stored
