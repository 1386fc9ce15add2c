"""Slugs and file names can never write outside the output folder: every slug that builds a path
is refused unless it is lowercase ASCII letters, digits and hyphens (checked where it is read), and
the writer itself refuses any path that could leave the folder, whatever produced it."""
from __future__ import annotations

import os
import pathlib

import pytest

from plansite import pipeline, write
from plansite.config import load_config
from plansite.errors import BuildFailed
from plansite.render import OutFile
from support import FIXTURES, make_project

ESCAPES = ["../outside.html", "agencies/../../outside.html", "/etc/passwd", "C:/Windows/x.html",
           "agencies\\..\\..\\x.html", "agencies//x.html", "agencies/./x.html", "agencies/x\n/index.html",
           "agencies/x\x00.html", ""]


@pytest.mark.parametrize("path", ESCAPES)
def test_the_writer_refuses_a_path_that_leaves_the_output_folder(tmp_path, path):
    out = tmp_path / "site" / "_site"
    with pytest.raises(BuildFailed) as caught:
        write.publish(out, [OutFile("index.html", b"ok"), OutFile(path, b"pwned")], static_dir=tmp_path / "none")
    (problem,) = caught.value.problems.errors
    assert "會寫到網站輸出資料夾之外" in problem.message and problem.hint
    assert list(tmp_path.rglob("*")) == [], "nothing written, not even a staging folder"


@pytest.mark.parametrize("files, gist", [
    ({"plans/test-agency/agency.yaml": (FIXTURES / "project/plans/test-agency/agency.yaml").read_text("utf-8")
      .replace("slug: service-section", 'slug: "../../../tmp/x"')}, "slug 的格式不對"),
    ({"plans/test-agency/agency.yaml": (FIXTURES / "project/plans/test-agency/agency.yaml").read_text("utf-8")
      .replace("slug: service-section", 'slug: "service-section\\n"')}, "slug 的格式不對"),
    ({"plans/test-agency/agency.yaml": (FIXTURES / "project/plans/test-agency/agency.yaml").read_text("utf-8")
      .replace("slug: service-section", 'slug: "service-section/../../x"')}, "slug 的格式不對"),
    ({"plans/x%2f..%2f..%2fy/agency.yaml": "name: x\n"}, "不能當作網址代稱"),
    ({"plans/test-agency/114.yaml": (FIXTURES / "project/plans/test-agency/114.yaml").read_text("utf-8")
      .replace("framework: six-pillars", 'framework: "../six-pillars"')}, "framework 的格式不對"),
])
def test_a_slug_that_could_leave_the_output_folder_is_refused_where_it_is_written(tmp_path, files, gist):
    root = make_project(tmp_path, files)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        errors = [str(p) for p in pipeline.check(load_config(root / "site.toml")).problems.errors]
    finally:
        os.chdir(cwd)
    assert any(gist in e for e in errors), errors


def test_every_file_of_a_build_is_inside_the_output_folder(tmp_path):
    root = make_project(tmp_path)
    config = load_config(root / "site.toml").with_overrides(**{"paths.output": str(root / "_site")})
    cwd = os.getcwd()
    os.chdir(root)
    try:
        pipeline.build(config, qr=False, pdf=False)
    finally:
        os.chdir(cwd)
    out = (root / "_site").resolve()
    written = [p for p in out.rglob("*")]
    assert written and all(p.resolve().is_relative_to(out) for p in written)
    assert sorted(p.name for p in root.iterdir()) == [".cache", "_site", "plans", "site.toml"]   # .cache: the build stamp
    assert all(write._inside(p.relative_to(out).as_posix()) for p in written if p.is_file())
