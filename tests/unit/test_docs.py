"""The README is the newcomer's only guide: its examples must pass `check`, its settings table
must cover every site.toml key, and its commands must exist."""
from __future__ import annotations

import re
import subprocess
import sys

from plansite.config import SETTINGS
from support import REPO, make_project

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_examples_pass_check(tmp_path):
    blocks = re.findall(r"### [^\n]*`(plans/[^`]+)`\n\n```yaml\n(.*?)```", README, re.S)
    assert [path for path, _ in blocks] == ["plans/test-agency/agency.yaml", "plans/test-agency/114.yaml"]
    root = make_project(tmp_path, dict(blocks))
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "--config", str(root / "site.toml"), "check",
                             "--strict"], cwd=root, capture_output=True, text=True)
    # --strict: the example has all six pillars missing but one, so warnings are expected; errors are not
    assert "錯誤：" not in result.stderr, result.stderr
    assert "警告：計畫沒有構面「2" in result.stderr


def test_every_site_toml_key_is_documented():
    for setting in SETTINGS:
        assert f"`{setting.key}`" in README, setting.key


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one():
    head = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "scripts/serve.sh" in head and "scripts/test.sh" in head
    for script in ("scripts/serve.sh", "scripts/test.sh"):
        assert (REPO / script).is_file()
    assert "./scripts/test.sh" in (REPO / ".ci/run").read_text(encoding="utf-8")
